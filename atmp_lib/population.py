"""The public population table (``reference/population.csv``) and per-capita figures.

Per-capita figures are :class:`~atmp_lib.figures.Figure`s whose formula the views write
the page language's way ("31 × 1 000 000 / 10 452 326").
"""

from __future__ import annotations

import pandas as pd

from atmp_lib.facts import Fact
from atmp_lib.figures import Figure, Formula, Span, qualifier_of

MILLION = 1_000_000


def population_of(population: pd.DataFrame, country: str) -> int:
    """Population of a country by ISO code ("SE", "GB", ...); a clear error otherwise."""
    match = population[population["country"] == country]
    if match.empty:
        known = ", ".join(population["country"])
        raise KeyError(f"no population for country {country!r}; known: {known}")
    return int(match["population"].iloc[0])


def per_million_figure(
    fact: Fact, population: pd.DataFrame, country: str, decimals: int = 0
) -> Figure:
    """A transcribed count per million inhabitants of a country (label ``figure_per_million``,
    filled with the fact's own label), qualified as its input is."""
    inhabitants = population_of(population, country)
    return Figure(
        id="per_million",
        span=Span.of_fact(fact).scaled(MILLION / inhabitants),
        formula=Formula(
            "{0} × {1} / {2}",
            (fact.central, MILLION, inhabitants),
            (f"fact:{fact.id}", "", f"population:{country}"),
        ),
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
        formula=Formula(
            "{0} × {1} / {2}",
            (figure.span, MILLION, inhabitants),
            (f"derived:{figure.formula.english()}", "", f"population:{country}"),
        ),
        inputs=(*figure.inputs, f"population:{country}"),
    )
