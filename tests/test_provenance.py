"""Quotes occur verbatim in the shipped sources, and each figure occurs in its quote."""

from __future__ import annotations

import pandas as pd
import pytest

from atmp_lib import datasets, provenance

PROVENANCE_TABLES = [name for name, res in datasets.resources().items() if res.provenance]


def test_fold_whitespace() -> None:
    assert provenance.fold_whitespace(" a \n b\t c ") == "a b c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SKRs satsning på 1 200 miljoner SEK", 1200),
        ("totalt 22,7 miljarder USD", 22.7),
        ("ca 2400 kliniska prövningar", 2400),
        ("50-100 personer", 100),
        ("de sju universitetssjukhusen", 7),
        ("Ungefär hälften av de kliniska prövningarna", 50),
        ("Alla de tillfrågade", 100),
        ("över 40% av samtliga", 40),
    ],
)
def test_numbers_in_text_reads_swedish_formats(text: str, expected: float) -> None:
    assert provenance.number_in_quote(expected, text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(40, "upp till 400"), (200, "1 200 miljoner"), (12, "1 200"), (7, "sjukvård"), (22, "22,7")],
)
def test_number_not_in_quote(value: float, text: str) -> None:
    assert not provenance.number_in_quote(value, text)


@pytest.mark.parametrize("name", PROVENANCE_TABLES)
def test_every_quote_occurs_verbatim_in_its_source(name: str) -> None:
    frame = datasets.load(name)
    missing = [
        row.id
        for row in frame.itertuples()
        if not provenance.quote_in_source(row.quote, row.source)
    ]
    assert missing == []


@pytest.mark.parametrize("name", PROVENANCE_TABLES)
def test_every_locator_is_a_heading_of_its_source(name: str) -> None:
    frame = datasets.load(name)
    bad = [
        row.id
        for row in frame.itertuples()
        if not provenance.locator_in_source(row.locator, row.source)
    ]
    assert bad == []


def test_every_fact_figure_occurs_in_its_quote() -> None:
    facts = datasets.load("facts")
    missing = []
    for row in facts.itertuples():
        for column in ("value", "low", "high"):
            number = getattr(row, column)
            if pd.isna(number):
                continue
            if not provenance.number_in_quote(float(number), row.quote):
                missing.append((row.id, column))
    assert missing == []


def test_population_is_marked_as_not_from_the_seeds() -> None:
    population = datasets.load("population")
    assert not population["from_seeds"].any()
    assert set(population["country"]) == {"SE", "GB", "US", "CA", "DK", "FI", "NO", "IS"}
    assert population.set_index("country").loc["SE", "population"] == 10_452_326


def test_a_hyphen_ending_a_line_keeps_its_word_whole_but_a_suspended_one_stays() -> None:
    assert provenance.fold_whitespace("skalar upp e-\nlearning och\n in vivo-\r\nmodeller") == (
        "skalar upp e-learning och in vivo-modeller"
    )
    assert provenance.fold_whitespace("olika cell- \noch genterapi") == "olika cell- och genterapi"
