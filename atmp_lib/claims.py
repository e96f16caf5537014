"""The claims register: every number a page states, with what it rests on.

Views write the numbers they show through :func:`number` or :func:`record` (``Fact.display``
and ``Derived.display`` call it too), naming the basis: a fact, an assumption, a data
cell, a count of rows, a formula or a model output. Each page output carries the claims
recorded since the previous output in its metadata, so the report run can collect them
into a register and check that every number on a page is explained by one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from atmp_lib.formatting import format_number

#: What a number may rest on, written "<kind>:<detail>", e.g. "fact:need_companies".
BASIS_KINDS = (
    "fact",  # a row of facts.csv: fact:<id>
    "assumption",  # a row of assumptions.csv: assumption:<id>
    "population",  # reference/population.csv: population:<country>
    "data",  # a cell of a data table: data:<table>:<row id>:<column>
    "count",  # rows of a table counted: count:<table>:<condition>
    "derived",  # computed from other figures: derived:<formula>
    "model",  # an output of the scenario model: model:<quantity>
    "parameter",  # a value the reader set: parameter:<name>
    "name",  # a number inside a proper name or a label: name:<text>
)
METADATA_KEY = "atmp"


@dataclass(frozen=True)
class Claim:
    """A number as a page writes it, its value and what it rests on."""

    text: str
    value: float
    basis: str


_pending: list[Claim] = []


def record(text: str, value: float, basis: str) -> str:
    """Note that ``text`` (showing ``value``) rests on ``basis``; return ``text`` unchanged."""
    kind = basis.split(":", 1)[0]
    if kind not in BASIS_KINDS:
        raise ValueError(f"claim basis {basis!r}: kind must be one of {', '.join(BASIS_KINDS)}")
    _pending.append(Claim(text, float(value), basis))
    return text


def number(value: float, lang: str, basis: str, decimals: int | None = None) -> str:
    """Write a number the language's way and record it as a claim resting on ``basis``."""
    return record(format_number(value, lang, decimals), value, basis)


#: A number as written in a data text: "1,200", "1 200" (narrow space), "22.7", "22,7", "2023".
_NUMBER_IN_TEXT = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?![\d])(?:\.\d+)?|(?<![\d])\d+(?:[.,]\d+)?"
)


def record_numbers(text: str, basis: str) -> str:
    """Record every number written in a data text (a description, a label) as resting on
    ``basis`` (e.g. ``data:landscape:camp:description_en``); return ``text`` unchanged."""
    for match in _NUMBER_IN_TEXT.finditer(text):
        token = match.group()
        digits = re.sub(r"[,\u202f\u00a0](?=\d{3})", "", token).replace(",", ".")
        record(token, float(digits), basis)
    return text


def take() -> list[dict[str, object]]:
    """The claims recorded since the last call, as plain dicts (for output metadata)."""
    taken = [asdict(claim) for claim in _pending]
    _pending.clear()
    return taken


def output_metadata() -> dict[str, object]:
    """Metadata for a display output: the claims recorded for it, if any."""
    taken = take()
    return {METADATA_KEY: {"claims": taken}} if taken else {}
