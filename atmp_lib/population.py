"""The public population table (``reference/population.csv``) and per-capita figures.

Formulas are stored with a decimal point and thousands grouped by a narrow no-break space
("31 × 1 000 000 / 10 452 326"); :func:`atmp_lib.formatting.format_formula` writes them
with commas on English pages and with a decimal comma on Swedish ones.
"""

from __future__ import annotations

import pandas as pd

from atmp_lib.facts import Derived, Fact, is_approximate
from atmp_lib.figures import Figure, Formula, Span, qualifier_of
from atmp_lib.formatting import format_number

MILLION = 1_000_000


def population_of(population: pd.DataFrame, country: str) -> int:
    """Population of a country by ISO code ("SE", "GB", ...); a clear error otherwise."""
    match = population[population["country"] == country]
    if match.empty:
        known = ", ".join(population["country"])
        raise KeyError(f"no population for country {country!r}; known: {known}")
    return int(match["population"].iloc[0])






def per_million(value: float, inhabitants: int) -> float:
    """A count expressed per million inhabitants."""
    return value * MILLION / inhabitants


def per_million_formula(value: float, inhabitants: int) -> str:
    """ "31 × 1 000 000 / 10 452 326": the formula of :func:`per_million`, stored form."""
    return f"{formula_number(value)} × {formula_number(MILLION)} / {formula_number(inhabitants)}"


def formula_number(value: float) -> str:
    """A number inside a stored formula: decimal point, thousands by a narrow no-break space
    (:func:`format_number`'s grouping); see :func:`atmp_lib.formatting.format_formula`."""
    return format_number(value, "en").replace(",", "\u202f")


def fact_per_million(fact: Fact, population: pd.DataFrame, country: str) -> Derived:
    """A transcribed count per million inhabitants of a country, with its formula."""
    inhabitants = population_of(population, country)
    return Derived(
        label_en=f"{fact.label_en} per million inhabitants",
        label_sv=f"{fact.label_sv} per miljon invånare",
        value=per_million(fact.central, inhabitants),
        formula=per_million_formula(fact.central, inhabitants),
        inputs=(fact.id, f"population:{country}"),
        approximate=is_approximate(fact),
    )


def per_million_figure(
    fact: Fact, population: pd.DataFrame, country: str, decimals: int = 0
) -> Figure:
    """A transcribed count per million inhabitants of a country (label ``figure_per_million``,
    filled with the fact's own label), qualified as its input is."""
    inhabitants = population_of(population, country)
    return Figure(
        id="per_million",
        span=Span.of_fact(fact).scaled(MILLION / inhabitants),
        formula=Formula("{0} × {1} / {2}", (fact.central, MILLION, inhabitants)),
        inputs=(f"fact:{fact.id}", f"population:{country}"),
        qualifier=qualifier_of(fact),
        decimals=decimals,
        label_values={"figure": fact},
    )


def figure_per_million(
    figure: Figure, population: pd.DataFrame, country: str, figure_id: str
) -> Figure:
    """A computed figure per million inhabitants of a country (label ``figure_<figure_id>``),
    qualified, rounded and banded as the figure it comes from."""
    inhabitants = population_of(population, country)
    return figure.scaled(
        MILLION / inhabitants,
        id=figure_id,
        formula=Formula("{0} × {1} / {2}", (figure.span, MILLION, inhabitants)),
        inputs=(*figure.inputs, f"population:{country}"),
    )
