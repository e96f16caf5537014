"""Numbers and transcribed figures written the way each language writes them."""

from __future__ import annotations

import math
import re

from atmp_lib.datasets import document_name
from atmp_lib.i18n import check_lang, t

QUALIFIER_LABELS = {
    "approx": "qualifier_approx",
    "at_least": "qualifier_at_least",
    "up_to": "qualifier_up_to",
    "at_least_approx": "qualifier_at_least_approx",
}


def format_number(number: float, lang: str, decimals: int | None = None) -> str:
    """Write a number with the language's digit grouping and decimal mark.

    English: 2,400 and 22.7; Swedish: 2 400 and 22,7 (narrow no-break space grouping).
    """
    check_lang(lang)
    if decimals is None:
        decimals = 0 if float(number).is_integer() else 1
    text = f"{number:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_unit(text: str, unit: str, lang: str) -> str:
    """Append a unit: "40%" in English, "40 %" in Swedish; other units after a space."""
    if not unit:
        return text
    if unit == "%":
        return f"{text}%" if lang == "en" else f"{text}\u00a0%"
    return f"{text} {unit}"


def format_fact(
    value: float | None,
    low: float | None,
    high: float | None,
    qualifier: str,
    lang: str,
    unit: str = "",
) -> str:
    """Write a transcribed figure with its qualifier: "about 400", "över 500", "50–100"."""
    if qualifier == "range":
        text = f"{format_number(low, lang)}\u2013{format_number(high, lang)}"
        return format_unit(text, unit, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"qualifier {qualifier!r} needs a value")
    text = format_number(value, lang)
    if qualifier in QUALIFIER_LABELS:
        text = f"{t(QUALIFIER_LABELS[qualifier], lang)} {text}"
    return format_unit(text, unit, lang)


def unit_label(unit: str, lang: str) -> str:
    """The unit of a fact in the language ("SEK million" -> "miljoner SEK")."""
    slug = "percent" if unit == "%" else re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    return t(f"unit_{slug}", lang)


def source_note(table: str, frame, lang: str) -> str:
    """ "Source: facts.csv (Status report, ATMP 2030, section “Bakgrund”; …)" for the rows
    shown: each document by its citation (:func:`atmp_lib.datasets.document_name`).

    ``frame`` needs ``source`` and ``locator`` columns; each pair is named once, in the
    order the rows appear.
    """
    pairs = dict.fromkeys(zip(frame["source"], frame["locator"], strict=True))
    sources = "; ".join(
        t("source_section", lang, source=document_name(source, lang), locator=locator)
        for source, locator in pairs
    )
    return t("source_note", lang, table=table, sources=sources)
