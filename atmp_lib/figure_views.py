"""Figures (:mod:`atmp_lib.figures`) as a page shows them: worded, rounded, recorded.

A figure's value is rounded to the precision its inputs carry (a lower bound rounded down,
an upper bound up, so that "över" stays true), qualified ("about", "over", "up to"), given
its unit the language's way ("USD 22.7 billion", "22,7 miljarder USD") and recorded in the
claims register with its formula as the basis. :func:`figures_table` is the one table of
derived figures every section uses.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence
from typing import Any

import pandas as pd

from atmp_lib import claims
from atmp_lib.figures import Figure, Formula, Span
from atmp_lib.formatting import QUALIFIER_LABELS, format_number, format_unit, unit_label
from atmp_lib.i18n import t

OUTWARD_TOLERANCE = 1e-9  # 1.1 * 100 is 110.00000000000001: no rounding up of that


def rounded(value: float, decimals: int, qualifier: str = "exact") -> float:
    """``value`` to ``decimals`` places (negative: tens, hundreds); a lower bound (also an
    approximate one, "at least about") is rounded down and an upper bound up, so that it
    stays true."""
    factor = 10.0**decimals
    if qualifier in ("at_least", "at_least_approx"):
        return math.floor(value * factor + OUTWARD_TOLERANCE) / factor
    if qualifier == "up_to":
        return math.ceil(value * factor - OUTWARD_TOLERANCE) / factor
    return round(value * factor) / factor


def number_text(value: float, lang: str, decimals: int = 0, qualifier: str = "exact") -> str:
    """A number rounded to ``decimals`` and written the language's way (no qualifier)."""
    return format_number(rounded(value, decimals, qualifier) + 0.0, lang, max(decimals, 0))


def span_text(span: Span, lang: str, decimals: int = 0, banded: bool = False) -> str:
    """ "460" or "510–560" (the stated figure); with ``banded``, "414–506"."""
    low, high = (span.low, span.high) if banded else (span.stated_low, span.stated_high)
    first, last = number_text(low, lang, decimals), number_text(high, lang, decimals)
    return first if first == last else f"{first}\u2013{last}"


def with_unit(number: str, unit: str, lang: str) -> str:
    """A written number with its unit: "40%", "40 %", "SEK 170 million", "170 personer"."""
    if not unit:
        return number
    if unit == "%":
        return format_unit(number, unit, lang)
    slug = re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    try:
        return t(f"unit_value_{slug}", lang, value=number)
    except KeyError:
        return f"{number} {unit_label(unit, lang)}"


def figure_text(figure: Figure, lang: str, banded: bool = False) -> str:
    """The figure as a page states it ("about 9%", "över 15", "510–560"), recorded as a
    claim resting on its formula."""
    if figure.span.is_range or banded:
        number = span_text(figure.span, lang, figure.decimals, banded)
    else:
        number = number_text(figure.value, lang, figure.decimals, figure.qualifier)
    text = with_unit(number, figure.unit, lang)
    ranged = figure.span.is_range and not figure.qualify_range
    if figure.qualifier in QUALIFIER_LABELS and not (ranged or banded):
        text = f"{t(QUALIFIER_LABELS[figure.qualifier], lang)} {text}"
    return claims.record(text, figure.value, f"derived:{figure.formula.english()}")


def band_text(figure: Figure, lang: str) -> str:
    """The figure's assumed band ("414–506"), or "" when it has none (recorded)."""
    if not figure.span.has_band:
        return ""
    text = span_text(figure.span, lang, figure.decimals, banded=True)
    return claims.record(text, figure.span.low, f"derived:{figure.formula.english()}")


def formula_text(formula: Formula, lang: str) -> str:
    """The formula with its numbers written the language's way: "100 × 1 000 000 / 67 026 292";
    each operand recorded as a claim resting on what it is (a fact, a population...)."""
    parts = [_operand(operand, lang) for operand in formula.operands]
    text = formula.template.format(*parts)
    own = f"derived:{formula.english()}"  # the constants written in the template ("× 100")
    for literal, field, _, _ in string.Formatter().parse(formula.template):
        claims.record_numbers(literal, own, within=text)
        if field is not None:
            claims.record_numbers(parts[int(field)], formula.basis_of(int(field)), within=text)
    return text


def _operand(operand: float | Span, lang: str) -> str:
    if isinstance(operand, Span):
        if operand.is_range:
            low, high = (_operand(v, lang) for v in (operand.stated_low, operand.stated_high))
            return f"({low}\u2013{high})"
        return _operand(operand.value, lang)
    if float(operand).is_integer():
        return format_number(operand, lang, 0)
    places = max(0, 3 - int(math.floor(math.log10(abs(operand))))) if operand else 0
    return format_number(round(operand, places), lang, places).rstrip("0").rstrip(",.")


def figure_label(figure: Figure, lang: str) -> str:
    """The figure's label (``figure_<id>`` in the label files) with its values filled in; a
    value that has labels of its own (a Fact) gives its label in the page language, and a
    number with a basis (``label_bases``) is recorded as a claim resting on it."""
    values = {name: _label_value(figure, name, value, lang)
              for name, value in figure.label_values.items()}  # fmt: skip
    return t(figure.label_id, lang, **values)


def _label_value(figure: Figure, name: str, value: Any, lang: str) -> Any:
    if hasattr(value, "label"):
        return value.label(lang)
    if name in figure.label_bases:
        return claims.number(value, lang, figure.label_bases[name])
    return value


def figures_table(
    figures: Sequence[Figure], lang: str, band_pct: float | None = None
) -> pd.DataFrame:
    """Derived figures with value, (assumed band,) formula and the inputs they rest on; built
    row by row, so the claims are recorded in the order the table shows them."""
    columns = [t("col_figure", lang), t("col_value", lang)]
    if band_pct is not None:
        pct = format_unit(format_number(band_pct, lang), "%", lang)
        columns.append(t("col_band", lang, pct=pct))
    columns += [t("col_formula", lang), t("col_inputs", lang)]
    rows = []
    for figure in figures:
        band = [band_text(figure, lang)] if band_pct is not None else []
        rows.append([figure_label(figure, lang), figure_text(figure, lang), *band,
                     formula_text(figure.formula, lang), ", ".join(figure.inputs)])  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


#: Whole numbers written in words in running text (Swedish style writes one to twelve in
#: words; "one" is left out because Swedish "en"/"ett" depends on the noun).
WORDED_NUMBERS = range(2, 13)


def count_text(value: float, lang: str) -> str:
    """A count as running text writes it ("seven", "sju"; digits from 13 on)."""
    whole = float(value).is_integer() and int(value) in WORDED_NUMBERS
    return t(f"number_word_{int(value)}", lang) if whole else number_text(value, lang)


def number_words(value: float, lang: str, basis: str) -> str:
    """A count as running text writes it, recorded as a claim resting on ``basis``."""
    return claims.record(count_text(value, lang), value, basis)
