"""International comparisons, computed without a language: the UK, US and Canadian examples
the report gives, by mechanism, and Sweden's state for each.

A "kind" of effort here is a mechanism (work-based apprenticeships, hands-on training
centres, e-learning, master's programmes adapted to ATMP, national coordination, ...), not
one initiative: ``mechanism_comparison.csv`` says, with a quote per cell, where the report
describes each mechanism and in what state (in place, completed, established and scaling
up, in place but not aimed at ATMP, produced, in development, a willingness to contribute
stated in the survey, recommended, none). ``international_initiatives.csv`` lists the
initiatives behind them, and the one study among them (a mapping of needs).

A mapping of competence needs is evidence about training, not a way of training anyone:
it stays in the grid (Sweden's own mapping counts as present) but is kept out of the count
of education and training mechanisms (:data:`EVIDENCE_MECHANISMS`). A willingness to
contribute is not an offer: for Sweden it counts as not in place.

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
#: Mechanisms that are evidence about training, not a way of training anyone: shown, not
#: counted among the education and training mechanisms.
EVIDENCE_MECHANISMS = ("needs_mapping",)
TRAINING_MECHANISMS = tuple(m for m in MECHANISMS if m not in EVIDENCE_MECHANISMS)
#: Strongest first: what a cell shows when the report says several things about it.
STATUSES = (
    "in_place",
    "completed",
    "scaling_up",
    "in_place_not_atmp",
    "produced",
    "in_development",
    "willingness_stated",
    "recommended",
    "none",
)
NOT_MENTIONED = "not_mentioned"
STATUS_ORDER = (*STATUSES, NOT_MENTIONED)
#: What counts as "found abroad": in place, carried out, or being developed.
ABROAD_STATUSES = (
    "in_place", "completed", "scaling_up", "in_place_not_atmp", "produced", "in_development",
)  # fmt: skip
#: How Sweden's state for a mechanism is summed up, strongest first: the report names an
#: effort aimed at ATMP (each a single small one), names one that is not aimed at ATMP,
#: only in development, only a willingness to contribute (no offer, not in place), only a
#: recommendation, none, not mentioned.
SWEDEN_GROUPS = {
    "named": ("in_place", "completed", "scaling_up", "produced"),
    "named_not_atmp": ("in_place_not_atmp",),
    "in_development": ("in_development",),
    "willingness_stated": ("willingness_stated",),
    "recommended": ("recommended",),
    "none": ("none",),
    NOT_MENTIONED: (NOT_MENTIONED,),
}
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


def is_study(mechanisms_cell: object) -> bool:
    """True for a row of evidence about training (a study of the skills gap), not an
    initiative that trains anyone: every mechanism it names is an evidence mechanism."""
    return all(m in EVIDENCE_MECHANISMS for m in codes(mechanisms_cell))


@dataclass(frozen=True)
class InitiativeCount:
    """How many of the chosen countries' rows are initiatives and how many are studies."""

    initiatives: int
    studies: int


def initiative_count(initiatives: pd.DataFrame, countries: list[str]) -> InitiativeCount:
    """The chosen countries' rows (:func:`select_initiatives`), initiatives and studies apart."""
    chosen = select_initiatives(initiatives, countries)
    studies = int(chosen["mechanisms"].map(is_study).sum())
    return InitiativeCount(initiatives=len(chosen) - studies, studies=studies)


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
    """The education and training mechanisms found abroad and Sweden's state for each.

    ``abroad`` are the training mechanisms (not the evidence ones) in place, carried out or
    being developed in a shown place abroad; ``in_sweden`` maps each of
    :data:`SWEDEN_GROUPS` to those mechanisms (in MECHANISMS order); ``deciding`` maps each
    mechanism shown (training or evidence) to the Swedish rows that give it its status.
    ``evidence`` maps each evidence mechanism to the rows, abroad and in Sweden, that
    describe it as present (abroad first, in place order). ``described`` maps each mechanism
    shown to every Swedish row about it, strongest status first (an effort only in
    development beside one that is named).
    """

    abroad: list[str]
    in_sweden: dict[str, list[str]]
    deciding: dict[str, list[str]]
    evidence: dict[str, list[str]]
    described: dict[str, list[str]]


def sweden_group(status: str) -> str:
    """The group of :data:`SWEDEN_GROUPS` a Swedish status belongs to."""
    return next(group for group, statuses in SWEDEN_GROUPS.items() if status in statuses)


def mechanism_summary(mechanisms: pd.DataFrame, countries: list[str]) -> MechanismSummary:
    """The training mechanisms in place or being developed abroad, grouped by Sweden's state,
    and the evidence mechanisms (needs mapping) wherever the report describes them."""
    grid = presence(mechanisms, countries)
    found = grid[(grid["place"] != HOME_COUNTRY) & grid["status"].isin(ABROAD_STATUSES)]
    abroad = [m for m in TRAINING_MECHANISMS if m in set(found["mechanism"])]
    sweden = grid[grid["place"] == HOME_COUNTRY]
    status_of = dict(zip(sweden["mechanism"], sweden["status"], strict=True))
    in_sweden = {
        group: [m for m in abroad if sweden_group(status_of[m]) == group] for group in SWEDEN_GROUPS
    }
    rows = mechanisms.set_index("id")
    deciding = {
        mechanism: [row_id for row_id in ids if rows.loc[row_id, "status"] == status_of[mechanism]]
        for mechanism, ids in zip(sweden["mechanism"], sweden["ids"], strict=True)
    }
    present = grid[grid["status"].isin(ABROAD_STATUSES)]
    evidence = {
        mechanism: [
            row_id
            for ids in present.loc[present["mechanism"] == mechanism, "ids"]
            for row_id in ids
            if rows.loc[row_id, "status"] in ABROAD_STATUSES
        ]
        for mechanism in EVIDENCE_MECHANISMS
        if mechanism in set(present["mechanism"])
    }
    described = {
        mechanism: sorted(ids, key=lambda row_id: STATUS_ORDER.index(rows.loc[row_id, "status"]))
        for mechanism, ids in zip(sweden["mechanism"], sweden["ids"], strict=True)
    }
    return MechanismSummary(abroad=abroad, in_sweden=in_sweden, deciding=deciding,
                            evidence=evidence, described=described)  # fmt: skip


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
        formula=Formula("{0} / {1}", (inhabitants, MILLION), (f"population:{country}", "")),
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
            "{0} × {1} / {2}",
            (fact.central, sweden, population_of(population, country)),
            (f"fact:{fact.id}", f"population:{HOME_COUNTRY}", f"population:{country}"),
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
