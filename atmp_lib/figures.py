"""Figures computed from the sources: one type, written without a language.

Every derived figure a section shows is a :class:`Figure`: a stable id whose label is the
label ``figure_<id>``, its value as a :class:`Span` (one number when all bounds agree, a
stated range such as 50–100, widened by an assumed band around "ca"), the
:class:`Formula` it comes from, the inputs it rests on (claim bases such as
``fact:need_companies``, ``assumption:skr_period_years``, ``population:SE``), the qualifier
its inputs give it and the precision they can carry. :mod:`atmp_lib.figure_views` words,
rounds and records it for a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from atmp_lib.facts import Fact

QUALIFIERS = ("exact", "approx", "at_least", "up_to", "at_least_approx")


@dataclass(frozen=True)
class Span:
    """A value with bounds: ``low <= stated_low <= stated_high <= high``.

    ``stated_low``–``stated_high`` is what the sources give (one number, or a range such as
    50–100); ``low``/``high`` widen it by a band assumed around approximate figures.
    """

    low: float
    stated_low: float
    stated_high: float
    high: float

    @classmethod
    def point(cls, value: float) -> Span:
        return cls(value, value, value, value)

    @classmethod
    def of_fact(cls, fact: Fact, band_pct: float = 0.0) -> Span:
        """A fact as a span: a range as stated, "ca" widened by ±``band_pct``, else a point."""
        if fact.qualifier == "range":
            return cls(fact.low, fact.low, fact.high, fact.high)
        if fact.qualifier == "approx" and band_pct:
            width = fact.value * band_pct / 100
            return cls(fact.value - width, fact.value, fact.value, fact.value + width)
        return cls.point(fact.central)

    def __add__(self, other: Span) -> Span:
        return Span(*(a + b for a, b in zip(self.bounds, other.bounds, strict=True)))

    def scaled(self, factor: float) -> Span:
        """Every bound times a positive factor (a division is a factor below 1)."""
        return Span(*(value * factor for value in self.bounds))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.low, self.stated_low, self.stated_high, self.high

    @property
    def value(self) -> float:
        """The single figure stated, or the middle of a stated range."""
        return (self.stated_low + self.stated_high) / 2

    @property
    def is_range(self) -> bool:
        return self.stated_low != self.stated_high

    @property
    def has_band(self) -> bool:
        return self.low < self.stated_low or self.high > self.stated_high


Operand = float | Span


@dataclass(frozen=True)
class Formula:
    """How a figure is computed, without a language: a template such as ``"{0} × {1} / {2}"``
    over its operands (numbers or spans), written the page language's way by the views."""

    template: str
    operands: tuple[Operand, ...] = ()
    bases: tuple[str, ...] = ()  # what each operand rests on, e.g. "fact:skr_investment"

    def english(self) -> str:
        """The formula with plain English numbers (the claim basis of the figure)."""
        return self.template.format(*(_plain(operand) for operand in self.operands))

    def basis_of(self, index: int) -> str:
        """The claim basis of an operand: its own, or the formula for a constant (100)."""
        own = self.bases[index] if index < len(self.bases) else ""
        return own or f"derived:{self.english()}"


def _plain(operand: Operand) -> str:
    if isinstance(operand, Span):
        if operand.is_range:
            return f"({_plain(operand.stated_low)}–{_plain(operand.stated_high)})"
        return _plain(operand.value)
    return f"{operand:,.10g}" if not float(operand).is_integer() else f"{int(operand):,}"


@dataclass(frozen=True)
class Figure:
    """A figure computed from facts, assumptions or reference data (see the module doc).

    ``decimals`` is the precision the inputs can carry (negative rounds to tens or
    hundreds); ``qualifier`` is how the result is qualified ("approx" for anything resting
    on an approximate input, ``at_least``/``up_to`` when it keeps a bound's direction,
    ``at_least_approx`` for a lower bound that is itself only an illustration, e.g. a
    count scaled by population: "at least about 15");
    ``unit`` is a unit of the label files (``people``, ``%``, ``SEK million``);
    ``label_values`` fill placeholders in the figure's label, and ``label_bases`` say what a
    number among them rests on (``{"years": "fact:survey_horizon_years"}``); ``assumptions``
    name the assumption rows the figure depends on. ``qualify_range`` writes the qualifier before a
    range too: a stated range added to approximate figures is "about 510–560", while a
    range computed from a stated range alone ("10–20") needs none.
    """

    id: str
    span: Span
    formula: Formula
    inputs: tuple[str, ...]
    qualifier: str = "exact"
    decimals: int = 0
    unit: str = ""
    label_values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    label_bases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    assumptions: tuple[str, ...] = ()
    qualify_range: bool = False

    def __post_init__(self) -> None:
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"figure {self.id!r}: qualifier {self.qualifier!r} is not one of "
                             f"{', '.join(QUALIFIERS)}")  # fmt: skip

    @property
    def value(self) -> float:
        return self.span.value

    @property
    def label_id(self) -> str:
        return f"figure_{self.id}"

    def scaled(self, factor: float, **changes: Any) -> Figure:
        """This figure times a factor, with other fields changed (a new id, formula...)."""
        values = {**self.__dict__, "span": self.span.scaled(factor), **changes}
        return Figure(**values)


def qualifier_of(*facts: Fact) -> str:
    """The qualifier a figure computed from these facts inherits: a bound keeps its
    direction when it is the only inexact input; anything else inexact makes it "approx"."""
    qualifiers = {fact.qualifier for fact in facts} - {"exact"}
    if not qualifiers:
        return "exact"
    if qualifiers in ({"at_least"}, {"up_to"}):
        return qualifiers.pop()
    return "approx"
