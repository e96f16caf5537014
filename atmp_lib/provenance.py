"""Check transcribed figures against the shipped source texts.

A quote must occur verbatim in its source (whitespace runs folded to one space) and a
transcribed number must occur in its quote, written the Swedish or English way
("1 200", "22,7", "2400") or as a number word ("sju", "hälften", "all").
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

from atmp_lib.paths import raw_dir

NUMBER_WORDS: dict[str, float] = {
    "en": 1, "ett": 1, "one": 1,
    "två": 2, "two": 2,
    "tre": 3, "three": 3,
    "fyra": 4, "four": 4,
    "fem": 5, "five": 5,
    "sex": 6, "six": 6,
    "sju": 7, "seven": 7,
    "hälften": 50, "half": 50,
    "alla": 100, "all": 100,
}  # fmt: skip

_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?(?![\d])")
_PLAIN = re.compile(r"(?<![\d])\d+(?:[.,]\d+)?(?![\d])")
_WORD = re.compile(r"[^\W\d_]+")


def fold_whitespace(text: str) -> str:
    """Collapse every whitespace run (line breaks included) to one space. A hyphen that
    ends a line keeps its word whole ("e-⏎learning" reads "e-learning", not "e- learning")."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)-\r?\n\s*(?=\w)", "-", text)).strip()


def source_text(file_name: str, directory: Path | None = None) -> str:
    """Return the whitespace-folded text of a shipped source document."""
    return _folded_text((directory or raw_dir()) / file_name)


def source_lines(file_name: str, directory: Path | None = None) -> frozenset[str]:
    """Return the stripped, whitespace-folded lines of a source (the candidate headings)."""
    return _folded_lines((directory or raw_dir()) / file_name)


@cache
def _folded_text(path: Path) -> str:
    return fold_whitespace(path.read_text(encoding="utf-8"))


@cache
def _folded_lines(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold_whitespace(line) for line in lines if line.strip())


def quote_in_source(quote: str, file_name: str, directory: Path | None = None) -> bool:
    """True when the quote occurs verbatim (whitespace folded) in the source."""
    return fold_whitespace(quote) in source_text(file_name, directory)


def locator_in_source(locator: str, file_name: str, directory: Path | None = None) -> bool:
    """True when the locator is a whole line (a heading) of the source."""
    return fold_whitespace(locator) in source_lines(file_name, directory)


def numbers_in_text(text: str) -> set[float]:
    """Every number written in the text: digit groups ("1 200"), decimals ("22,7"), words.

    A digit group is read whole: "1 200" gives 1200, not 1 and 200.
    """
    found = {_parse_swedish_number(match.group()) for match in _GROUPED.finditer(text)}
    remainder = _GROUPED.sub(" ", text)
    found |= {_parse_swedish_number(match.group()) for match in _PLAIN.finditer(remainder)}
    words = _WORD.findall(text.lower())
    found |= {float(NUMBER_WORDS[word]) for word in words if word in NUMBER_WORDS}
    return found


def number_in_quote(value: float, quote: str) -> bool:
    """True when the value is one of the numbers written in the quote."""
    return any(math.isclose(value, number, rel_tol=1e-9) for number in numbers_in_text(quote))


def _parse_swedish_number(token: str) -> float:
    digits = token.replace("\u00a0", "").replace(" ", "")
    return float(digits.replace(",", "."))
