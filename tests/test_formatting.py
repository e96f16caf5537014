"""Figures are written the English or the Swedish way, with their qualifiers."""

from __future__ import annotations

import pandas as pd
import pytest

from atmp_lib import datasets
from atmp_lib.formatting import format_fact, format_number, source_note, unit_label


@pytest.mark.parametrize(
    ("number", "lang", "expected"),
    [(2400, "en", "2,400"), (2400, "sv", "2\u202f400"), (22.7, "en", "22.7"), (22.7, "sv", "22,7")],
)
def test_format_number(number: float, lang: str, expected: str) -> None:
    assert format_number(number, lang) == expected


@pytest.mark.parametrize(
    ("args", "lang", "expected"),
    [
        ((400, None, None, "approx"), "en", "about 400"),
        ((400, None, None, "approx"), "sv", "ca 400"),
        ((500, None, None, "at_least"), "sv", "över 500"),
        ((40, None, None, "up_to"), "en", "up to 40"),
        ((None, 50, 100, "range"), "en", "50\u2013100"),
    ],
)
def test_format_fact(args: tuple, lang: str, expected: str) -> None:
    assert format_fact(*args, lang) == expected


def test_format_fact_percent_unit() -> None:
    assert format_fact(90, None, None, "exact", "en", "%") == "90%"
    assert format_fact(90, None, None, "exact", "sv", "%") == "90\u00a0%"


def test_every_fact_unit_has_a_label_in_both_languages() -> None:
    for unit in datasets.load("facts")["unit"].unique():
        assert unit_label(unit, "en") and unit_label(unit, "sv")


def test_source_note_names_each_source_section_once() -> None:
    rows = pd.DataFrame({"source": ["a.txt", "a.txt", "b.txt"], "locator": ["X", "X", "Y"]})
    note = source_note("facts.csv", rows, "en")
    assert note == "Source: facts.csv (a.txt, section “X”; b.txt, section “Y”)"


def test_source_notes_and_verdicts_name_documents_by_their_citation() -> None:
    from atmp_lib.page import verdict_html

    rows = pd.DataFrame({"source": ["002_e6db22695992e173.txt", "000_c33fbae51ae7381b.txt"],
                         "locator": ["Bakgrund", "x"]})  # fmt: skip
    assert source_note("facts.csv", rows, "sv") == (
        "Källa: facts.csv (Lägesrapport, ATMP 2030, avsnitt ”Bakgrund”; "
        "Nyhet, Lunds universitet, avsnitt ”x”)"
    )
    verdicts = datasets.load("verdicts")
    first = verdicts.iloc[0]["id"]
    assert "Status report, ATMP 2030, section “" in verdict_html(verdicts, first, "en")
    assert ".txt" not in verdict_html(verdicts, first, "en")


@pytest.mark.parametrize(
    ("unit", "lang", "expected"),
    [("%", "en", "50\u2013100%"), ("%", "sv", "50\u2013100\u00a0%"),
     ("people", "en", "50\u2013100 people")],
)  # fmt: skip
def test_a_range_keeps_its_unit(unit: str, lang: str, expected: str) -> None:
    assert format_fact(None, 50, 100, "range", lang, unit) == expected
