"""Typed access to single rows: transcribed figures (``facts.csv``) and this compilation's
assumptions (``assumptions.csv``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atmp_lib import claims
from atmp_lib.formatting import format_fact


@dataclass(frozen=True)
class Fact:
    """One row of ``facts.csv``: a figure with its qualifier and provenance."""

    id: str
    label_en: str
    label_sv: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str
    period: str | None
    geography: str
    source: str
    locator: str
    quote: str

    @property
    def central(self) -> float:
        """The single figure the source gives, or the midpoint of a range."""
        if self.value is not None:
            return self.value
        return (self.low + self.high) / 2

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high) as the source states them; a point figure gives (value, value)."""
        if self.qualifier == "range":
            return self.low, self.high
        return self.central, self.central

    def label(self, lang: str) -> str:
        return self.label_sv if lang == "sv" else self.label_en

    def display(self, lang: str) -> str:
        """The figure as the source qualifies it: "about 400", "över 500", "50–100"."""
        text = format_fact(self.value, self.low, self.high, self.qualifier, lang, self.unit_text)
        return claims.record(text, self.central, f"fact:{self.id}")

    @property
    def unit_text(self) -> str:
        return "%" if self.unit == "%" else ""


def _optional(value: object) -> object | None:
    return None if pd.isna(value) else value


def fact_from_row(row: pd.Series) -> Fact:
    """Build a Fact from a ``facts`` table row."""
    values = {name: _optional(row[name]) for name in Fact.__dataclass_fields__}
    for name in ("value", "low", "high"):
        if values[name] is not None:
            values[name] = float(values[name])
    return Fact(**values)


def get_fact(facts: pd.DataFrame, fact_id: str) -> Fact:
    """The fact with this id; a clear error names an unknown id."""
    match = facts[facts["id"] == fact_id]
    if match.empty:
        raise KeyError(f"facts.csv has no row with id {fact_id!r}")
    return fact_from_row(match.iloc[0])


def assumption_row(assumptions: pd.DataFrame, assumption_id: str) -> pd.Series:
    """The row of ``assumptions.csv`` with this id; a clear error names an unknown id."""
    match = assumptions[assumptions["id"] == assumption_id]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {assumption_id!r}")
    return match.iloc[0]


def assumption_value(assumptions: pd.DataFrame, assumption_id: str) -> float:
    """The value of a row of ``assumptions.csv``; a clear error names an unknown id."""
    return float(assumption_row(assumptions, assumption_id)["value"])
