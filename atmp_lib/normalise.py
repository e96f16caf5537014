"""Per-capita comparisons with the public population table (``reference/population.csv``)."""

from __future__ import annotations

import pandas as pd

from atmp_lib.facts import Derived, Fact, is_approximate

MILLION = 1_000_000


def population_of(population: pd.DataFrame, country: str) -> int:
    """Population of a country by ISO code ("SE", "GB", ...); a clear error otherwise."""
    match = population[population["country"] == country]
    if match.empty:
        known = ", ".join(population["country"])
        raise KeyError(f"no population for country {country!r}; known: {known}")
    return int(match["population"].iloc[0])


def nordic_population(population: pd.DataFrame) -> int:
    """Sum of the Nordic countries' populations (Sweden, Denmark, Finland, Norway, Iceland)."""
    return int(population.loc[population["nordic"], "population"].sum())


def per_million(value: float, inhabitants: int) -> float:
    """A count expressed per million inhabitants."""
    return value * MILLION / inhabitants


def fact_per_million(fact: Fact, population: pd.DataFrame, country: str) -> Derived:
    """A transcribed count per million inhabitants of a country, with its formula."""
    inhabitants = population_of(population, country)
    return Derived(
        label_en=f"{fact.label_en} per million inhabitants",
        label_sv=f"{fact.label_sv} per miljon invånare",
        value=per_million(fact.central, inhabitants),
        formula=f"{fact.central:g} × 1 000 000 / {inhabitants:,}".replace(",", " "),
        inputs=(fact.id, f"population:{country}"),
        approximate=is_approximate(fact),
    )
