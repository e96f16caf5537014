"""International comparisons, computed without a language: the UK, US and Canadian examples
the report gives, by mechanism, and Sweden's state for each.

A "kind" of effort here is a mechanism (work-based apprenticeships, hands-on training
centres, e-learning, master's programmes adapted to ATMP, national coordination, mapping of
needs, ...), not one initiative: ``mechanism_comparison.csv`` says, with a quote per cell,
where the report describes each mechanism as in place, in development, offered (for
Sweden: the survey's respondents are willing to contribute through it), recommended or
absent. ``international_initiatives.csv`` lists the initiatives behind them.

A place is a country code, or the codes of a row the report files under several countries
without naming one ("US;CA": the one study under "USA och Kanada"); such a row is shown
once, in a place of its own, never once per country.

A count the report gives may be set against its country's population, as an illustration
only (population is not the size of an ATMP sector): :func:`sweden_equivalent` is the
count at the same rate per inhabitant in Sweden, a whole number with the qualifier of its
input. National institutions (training centres) are not scaled.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atmp_lib import datasets
from atmp_lib.facts import Fact, get_fact
from atmp_lib.figures import Figure, Formula, Span
from atmp_lib.population import MILLION, per_million_figure, population_of

HOME_COUNTRY = "SE"
MECHANISMS = (
    "work_based_apprenticeships",
    "hands_on_training",
    "e_learning",
    "atmp_masters_programmes",
    "doctoral_training",
    "leadership_training",
    "healthcare_staff_education",
    "seminars_webinars",
    "national_coordination",
    "needs_mapping",
    "regional_training_model",
)
#: Strongest first: what a cell shows when the report says several things about it.
STATUSES = ("in_place", "in_development", "offered", "recommended", "none")
NOT_MENTIONED = "not_mentioned"
STATUS_ORDER = (*STATUSES, NOT_MENTIONED)
ABROAD_STATUSES = ("in_place", "in_development")
#: How a Swedish equivalent is qualified, by the qualifier of the count it scales: a
#: population is not the size of a sector, so at best "about"; a bound keeps its direction.
EQUIVALENT_QUALIFIERS = {"at_least": "at_least_approx", "up_to": "up_to"}


# --- places --------------------------------------------------------------------------------


def codes(cell: object) -> list[str]:
    """The country codes of a list cell ("US;CA")."""
    return datasets.split_list(cell)


def place_of(cell: object) -> str:
    """The place a row stands in: its country code, or its codes joined ("US;CA")."""
    return ";".join(codes(cell))


def _touches(frame: pd.DataFrame, countries: list[str]) -> pd.Series:
    """Rows whose ``countries`` cell names at least one of ``countries``."""
    chosen = set(countries)
    return frame["countries"].map(lambda cell: bool(set(codes(cell)) & chosen)).astype(bool)


def places(frame: pd.DataFrame, countries: list[str]) -> list[str]:
    """The places shown for the chosen countries: each country, then each joint place (a
    row filed under several countries, one of them chosen), then Sweden."""
    joint = [
        place_of(cell)
        for cell in frame.loc[_touches(frame, countries), "countries"]
        if len(codes(cell)) > 1
    ]
    return [*countries, *dict.fromkeys(joint), HOME_COUNTRY]


# --- the initiatives --------------------------------------------------------------------


def select_initiatives(initiatives: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The initiatives of the chosen countries, ordered by country (as listed), mechanism, name.

    An initiative the report files under two countries ("USA och Kanada") is selected when
    either is chosen, and listed once. The order uses the English name, so the rows keep
    one order in both languages.
    """
    rank = {code: position for position, code in enumerate(countries)}
    chosen = initiatives[_touches(initiatives, countries)]
    chosen = chosen.assign(
        _country=chosen["countries"].map(
            lambda cell: min(rank[c] for c in codes(cell) if c in rank)
        ),
        _mechanism=chosen["mechanisms"].map(lambda cell: MECHANISMS.index(codes(cell)[0])),
    )
    ordered = chosen.sort_values(["_country", "_mechanism", "name_en"], kind="stable")
    return ordered.drop(columns=["_country", "_mechanism"]).reset_index(drop=True)


# --- mechanisms ---------------------------------------------------------------------------


def presence(mechanisms: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """One row per mechanism the report describes abroad (in a shown place) and per place.

    Columns: mechanism, place, status (the strongest the report states there, or
    ``not_mentioned``) and ids (the rows behind the cell, all of them).
    """
    shown = places(mechanisms, countries)
    at = mechanisms["countries"].map(place_of)
    abroad = set(mechanisms.loc[at.isin(shown[:-1]), "mechanism"])
    rows = []
    for mechanism in [m for m in MECHANISMS if m in abroad]:
        for place in shown:
            here = mechanisms[(mechanisms["mechanism"] == mechanism) & (at == place)]
            statuses = [s for s in STATUS_ORDER if s in set(here["status"])] or [NOT_MENTIONED]
            rows.append(
                {
                    "mechanism": mechanism,
                    "place": place,
                    "status": statuses[0],
                    "ids": list(here["id"]),
                }
            )
    return pd.DataFrame(rows, columns=["mechanism", "place", "status", "ids"])


@dataclass(frozen=True)
class MechanismSummary:
    """The mechanisms found abroad (in place or in development) and Sweden's state for each.

    ``in_sweden`` maps each status to its mechanisms (in MECHANISMS order); ``deciding``
    maps each of those mechanisms to the Swedish rows that give it its status.
    """

    abroad: list[str]
    in_sweden: dict[str, list[str]]
    deciding: dict[str, list[str]]


def mechanism_summary(mechanisms: pd.DataFrame, countries: list[str]) -> MechanismSummary:
    """The mechanisms in place or being developed abroad, grouped by Sweden's status."""
    grid = presence(mechanisms, countries)
    abroad_rows = grid[(grid["place"] != HOME_COUNTRY) & grid["status"].isin(ABROAD_STATUSES)]
    abroad = [m for m in MECHANISMS if m in set(abroad_rows["mechanism"])]
    sweden = grid[(grid["place"] == HOME_COUNTRY) & grid["mechanism"].isin(abroad)]
    status_of = dict(zip(sweden["mechanism"], sweden["status"], strict=True))
    in_sweden = {status: [m for m in abroad if status_of[m] == status] for status in STATUS_ORDER}
    rows = mechanisms.set_index("id")
    deciding = {
        mechanism: [row_id for row_id in ids if rows.loc[row_id, "status"] == status_of[mechanism]]
        for mechanism, ids in zip(sweden["mechanism"], sweden["ids"], strict=True)
    }
    return MechanismSummary(abroad=abroad, in_sweden=in_sweden, deciding=deciding)


def shown_mechanism_rows(mechanisms: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The rows behind the grid, by mechanism, place (as shown) and status."""
    grid = presence(mechanisms, countries)
    ids = [row_id for ids in grid["ids"] for row_id in ids]
    rows = mechanisms[mechanisms["id"].isin(ids)]
    shown = places(mechanisms, countries)
    rows = rows.assign(
        _mechanism=rows["mechanism"].map(MECHANISMS.index),
        _place=rows["countries"].map(lambda cell: shown.index(place_of(cell))),
        _status=rows["status"].map(STATUS_ORDER.index),
    )
    ordered = rows.sort_values(["_mechanism", "_place", "_status"], kind="stable")
    return ordered.drop(columns=["_mechanism", "_place", "_status"]).reset_index(drop=True)


# --- the figures and their scaling ------------------------------------------------------


@dataclass(frozen=True)
class InitiativeFigure:
    """A figure the report gives about an initiative, where it stands, and whether it is a
    count that may be set against the population (``scalable``)."""

    fact: Fact
    place: str
    scalable: bool


def initiative_figures(
    initiatives: pd.DataFrame, facts: pd.DataFrame, countries: list[str]
) -> list[InitiativeFigure]:
    """The figures the report gives for the chosen countries' initiatives.

    Scale first, then a share, initiative by initiative; a fact named twice is listed once.
    Only a scale figure of one country whose row says ``scale_by_population`` is scalable.
    """
    seen, found = set(), []
    for _, row in select_initiatives(initiatives, countries).iterrows():
        for column in ("scale_fact_id", "share_fact_id"):
            fact_id = row[column]
            if pd.isna(fact_id) or fact_id in seen:
                continue
            seen.add(fact_id)
            single = len(codes(row["countries"])) == 1
            scalable = column == "scale_fact_id" and bool(row["scale_by_population"]) and single
            found.append(
                InitiativeFigure(get_fact(facts, fact_id), place_of(row["countries"]), scalable)
            )
    return found


def population_millions(population: pd.DataFrame, country: str) -> Figure:
    """A country's population in millions, about (for "over 100 places for about 67
    million inhabitants")."""
    inhabitants = population_of(population, country)
    return Figure(
        id="population_millions",
        span=Span.point(inhabitants / MILLION),
        formula=Formula("{0} / {1}", (inhabitants, MILLION)),
        inputs=(f"population:{country}",),
        qualifier="approx",
        decimals=0,
        label_values={"country": country},
    )


def sweden_equivalent(fact: Fact, population: pd.DataFrame, country: str) -> Figure:
    """A country's count at the same rate per inhabitant in Sweden, in whole units: the
    count's rate per million (:func:`atmp_lib.population.per_million_figure`) times
    Sweden's millions, written as count × Sweden's population / the country's."""
    sweden = population_of(population, HOME_COUNTRY)
    rate = per_million_figure(fact, population, country)
    return rate.scaled(
        sweden / MILLION,
        id="sweden_at_same_rate",
        formula=Formula(
            "{0} × {1} / {2}", (fact.central, sweden, population_of(population, country))
        ),
        inputs=(*rate.inputs, f"population:{HOME_COUNTRY}"),
        qualifier=EQUIVALENT_QUALIFIERS.get(rate.qualifier, "approx"),
        decimals=0,
        unit=fact.unit,
    )


def sweden_equivalents(
    initiatives: pd.DataFrame, facts: pd.DataFrame, population: pd.DataFrame, countries: list[str]
) -> list[tuple[InitiativeFigure, Figure]]:
    """Each scalable count of a chosen country with its Swedish equivalent."""
    return [
        (item, sweden_equivalent(item.fact, population, item.place))
        for item in initiative_figures(initiatives, facts, countries)
        if item.scalable
    ]


def scaled_countries(
    initiatives: pd.DataFrame, facts: pd.DataFrame, countries: list[str]
) -> list[str]:
    """The chosen countries that have at least one count to scale, in the order chosen."""
    found = {item.place for item in initiative_figures(initiatives, facts, countries)
             if item.scalable}  # fmt: skip
    return [code for code in countries if code in found]
