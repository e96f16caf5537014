"""The claims register: every number a page states, with what it rests on.

Views write the numbers they show through :func:`number` or :func:`record` (``Fact.display``
and :mod:`atmp_lib.figure_views` call it too), naming the basis: a fact, an assumption, a data
cell, a count of rows, a formula or a model output. Each page output carries the claims
recorded since the previous output in its metadata, so the report run can collect them
into a register and check that every number on a page is explained by one.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from atmp_lib.files import write_text_atomic
from atmp_lib.formatting import format_number
from atmp_lib.provenance import fold_whitespace

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
    within: str = ""  # the data text the number was written in, if any


_pending: list[Claim] = []


def record(text: str, value: float, basis: str, within: str = "") -> str:
    """Note that ``text`` (showing ``value``) rests on ``basis``; return ``text`` unchanged.
    ``within`` is the data text the number stands in, when it was taken from one."""
    kind = basis.split(":", 1)[0]
    if kind not in BASIS_KINDS:
        raise ValueError(f"claim basis {basis!r}: kind must be one of {', '.join(BASIS_KINDS)}")
    _pending.append(Claim(text, float(value), basis, within))
    return text


def number(value: float, lang: str, basis: str, decimals: int | None = None) -> str:
    """Write a number the language's way and record it as a claim resting on ``basis``."""
    return record(format_number(value, lang, decimals), value, basis)


#: A number as written in a data text: "1,200", "1 200" (narrow space), "22.7", "22,7", "2023".
_NUMBER_IN_TEXT = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?![\d])(?:\.\d+)?|(?<![\d])\d+(?:[.,]\d+)?"
)


def record_numbers(text: str, basis: str, within: str = "") -> str:
    """Record every number written in a data text (a description, a label) as resting on
    ``basis`` (e.g. ``data:landscape:camp:description_en``); return ``text`` unchanged.
    ``within`` is the longer text the numbers stand in, when ``text`` is part of one."""
    for match in _NUMBER_IN_TEXT.finditer(text):
        token = match.group()
        digits = re.sub(r"[,\u202f\u00a0](?=\d{3})", "", token).replace(",", ".")
        record(token, float(digits), basis, within=within or text)
    return text


def take() -> list[dict[str, object]]:
    """The claims recorded since the last call, as plain dicts (for output metadata)."""
    taken = [
        {key: value for key, value in asdict(claim).items() if key != "within" or value}
        for claim in _pending
    ]
    _pending.clear()
    return taken


def output_metadata() -> dict[str, object]:
    """Metadata for a display output: the claims recorded for it, if any."""
    taken = take()
    return {METADATA_KEY: {"claims": taken}} if taken else {}


# --------------------------------------------------------------------------- the register

#: Outputs that are charts or widgets: their numbers are drawn, not stated in text.
DRAWN_MIMETYPES = ("application/vnd.plotly.v1+json", "application/vnd.jupyter.widget-view+json")
#: Elements whose text is a citation, not a claim: source notes, verbatim quotes.
EXEMPT_CLASSES = ("atmp-source-note", "atmp-translation", "atmp-verdict")
SKIPPED_TAGS = ("script", "style", "blockquote")
CELL_TAGS = ("td", "th", "p", "li", "caption", "h1", "h2", "h3", "h4")
NUMBER_PATTERNS = {
    "en": re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!\w)"),
    "sv": re.compile(r"(?<![\w.,])(?:\d{1,3}(?:\u202f\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?!\w)"),
}
#: Any number in a formula or claim text, whichever way it is written.
ANY_NUMBER = re.compile(r"\d+(?:[ \u202f\u00a0,]\d{3})*(?:[.,]\d+)?")
REGISTER_COLUMNS = ("page", "lang", "context", "number", "value", "basis")
#: Proper names in the sources that contain a number (the number is part of the name).
NAMES_WITH_NUMBERS = ("ATMP 2030",)


@dataclass(frozen=True)
class Statement:
    """One number as a page states it, where it stands and the claim that explains it."""

    page: str
    lang: str
    context: str
    number: str
    value: float
    basis: str  # empty when no recorded claim explains the number


def parse_number(token: str, lang: str) -> float:
    """A number token as the language writes it ("1,200.5" / "1 200,5") as a float."""
    if lang == "sv":
        return float(token.replace("\u202f", "").replace(",", "."))
    return float(token.replace(",", ""))


def numbers_in(text: str, lang: str) -> list[str]:
    """The number tokens of a text, skipping digits inside words ("P10", "ATMP-2")."""
    return NUMBER_PATTERNS[lang].findall(text)


def fold_spaces(text: str) -> str:
    """Fold runs of ordinary whitespace, keeping the no-break spaces inside numbers."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def _decimals(token: str, lang: str) -> int:
    mark = "," if lang == "sv" else "."
    return len(token.rsplit(mark, 1)[1]) if mark in token else 0


def _loose_numbers(text: str) -> set[float]:
    """Every number in a text whichever way it is grouped or marked (English and Swedish
    readings both kept, so "1,492" gives 1492 and 1.492)."""
    found: set[float] = set()
    for token in ANY_NUMBER.findall(text):
        digits = re.sub(r"[ \u202f\u00a0]", "", token)
        found.add(float(digits.replace(",", "")))
        if digits.count(",") == 1 and "." not in digits:
            found.add(float(digits.replace(",", ".")))
    return found


@dataclass(frozen=True)
class _Known:
    """A recorded claim's tokens (as the page writes them) and every number it involves."""

    text: str
    tokens: frozenset[str]
    numbers: frozenset[float]
    basis: str
    within: str = ""


def _known(recorded: Iterable[dict[str, Any]], lang: str) -> list[_Known]:
    known = []
    for claim in recorded:
        kind, _, detail = claim["basis"].partition(":")
        formula = detail if kind == "derived" else ""
        numbers = _loose_numbers(claim["text"]) | _loose_numbers(formula)
        numbers.add(float(claim["value"]))
        tokens = frozenset(numbers_in(claim["text"], lang))
        within = fold_spaces(claim.get("within", ""))
        known.append(_Known(claim["text"], tokens, frozenset(numbers), claim["basis"], within))
    return known


def explain(token: str, lang: str, known: list[_Known], context: str = "") -> str:
    """The basis of the claim that states this number: one whose whole text stands in the
    number's context ("upp till 40 %"), else one that writes the same number, else one with
    the same value at the token's precision; "" when none does."""
    stated = [item for item in known if token in item.tokens]
    for item in stated:
        if item.text and fold_spaces(item.text) in context:
            return item.basis
    if stated:
        return stated[0].basis
    value, places = parse_number(token, lang), _decimals(token, lang)
    for item in known:
        if any(round(number, places) == value for number in item.numbers):
            return item.basis
    return ""


def _stands_around(text: str, context: str, start: int, end: int) -> bool:
    """True when ``text`` occurs in ``context`` covering the span [start, end)."""
    found = context.find(text)
    while found != -1 and found <= start:
        if found + len(text) >= end:
            return True
        found = context.find(text, found + 1)
    return False


def _explain_in_order(
    token: str,
    span: tuple[int, int],
    known: list[_Known],
    context: str,
    used: set[tuple[int, str]],
) -> str:
    """The basis of the first claim of an output not yet used that states this number.

    Views record an output's claims in the order the output writes them, so the second
    "15" of a table is the second recorded "15" (the row it stands in), not the first one.
    A claim whose own words, or the data text it was taken from, stand around the number
    comes first ("5 to 30%"), then one that writes the number alone, then one that writes
    it among other words ("10–20" explains a "10" elsewhere only when nothing closer does),
    and last one taken from another data text. A claim writing two numbers ("50–100")
    serves each of them once."""
    fresh = [
        (i, item) for i, item in enumerate(known) if (i, token) not in used and token in item.tokens
    ]
    if not fresh:
        return ""

    def closeness(pair: tuple[int, _Known]) -> int:
        item = pair[1]
        text = fold_spaces(item.text)
        if item.within:
            return 0 if _stands_around(item.within, context, *span) else 3
        if text != token and _stands_around(text, context, *span):
            return 0
        return 1 if text == token else 2

    index, item = min(fresh, key=lambda pair: (closeness(pair), pair[0]))
    if closeness((index, item)) < 2:  # a claim made for another text explains, unused up
        used.add((index, token))
    return item.basis


class _TextCollector(HTMLParser):
    """The text of each table cell, paragraph, list item and heading of an HTML output,
    leaving out source notes, verbatim quotes, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip_depth = 0
        self._stack: list[tuple[str, bool]] = []
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        skipped = tag in SKIPPED_TAGS or any(name in EXEMPT_CLASSES for name in classes)
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return
        self._stack.append((tag, skipped))
        self._skip_depth += skipped
        if tag in CELL_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, skipped = self._stack.pop()
            self._skip_depth -= skipped
            if open_tag in CELL_TAGS:
                self._flush()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = fold_spaces("".join(self._buffer))
        self._buffer.clear()
        if text:
            self.texts.append(text)


def html_texts(markup: str) -> list[str]:
    """The claim-bearing texts of an HTML output (see :class:`_TextCollector`)."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return collector.texts


def markdown_texts(markdown: str) -> list[str]:
    """The lines of a Markdown output, with link targets and emphasis marks removed."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    text = re.sub(r"[*_`#>\[\]]", " ", html.unescape(text))
    return [fold_spaces(line) for line in text.splitlines() if line.strip()]


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def page_outputs(nb: Any, skip_tag: str = "notebook-only") -> Iterator[tuple[list[str], list]]:
    """Each shown output's texts and the claims it carries, in page order."""
    for cell in nb.cells:
        if skip_tag in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.get("cell_type") == "markdown":
            yield markdown_texts(_joined(cell.get("source", ""))), []
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            recorded = output.get("metadata", {}).get(METADATA_KEY, {}).get("claims", [])
            if any(mimetype in data for mimetype in DRAWN_MIMETYPES):
                yield [], recorded
            elif "text/markdown" in data:
                yield markdown_texts(_joined(data["text/markdown"])), recorded
            elif "text/html" in data:
                yield html_texts(_joined(data["text/html"])), recorded
            else:
                yield [], recorded


def is_quoted(text: str, sources: Iterable[str]) -> bool:
    """True when the text stands verbatim in a source document (a quote, not a claim)."""
    folded = fold_whitespace(text)
    return len(folded) > 20 and any(folded in source for source in sources)


#: A quotation inside a text: “…” on English pages, ”…” on Swedish ones.
QUOTATION = re.compile(r"[“”]([^“”]+)”")


def without_quotations(text: str, sources: Iterable[str]) -> str:
    """The text with its verbatim quotations of the sources blanked out (same length, so
    positions hold): a number inside one (“1 200 miljoner SEK under 2007-2017 … vid de sju
    universitetssjukhusen”) is the source's, cited, not a claim of the page. Each part
    between ellipses counts alone."""
    sources = list(sources)

    def blank(match: re.Match[str]) -> str:
        parts = re.split(r"(…|\.\.\.)", match.group(1))
        inner = "".join(" " * len(part) if is_quoted(part, sources) else part for part in parts)
        return match.group()[0] + inner + match.group()[-1]

    return QUOTATION.sub(blank, text)


def register(nb: Any, page: str, lang: str, sources: Iterable[str] = ()) -> list[Statement]:
    """Every number the page of an executed notebook states, with the claim explaining it:
    the next one recorded for the same output that states it, else any recorded for that
    output, else one recorded anywhere on the page. A text that is a verbatim quotation of
    the sources states nothing; numbers quoted inside a text (a rationale citing its source)
    use up the claims recorded with that text but state nothing either."""
    outputs = list(page_outputs(nb))
    known = _known([claim for _, recorded in outputs for claim in recorded], lang)
    source_texts = list(sources)
    statements = []
    for texts, recorded in outputs:
        own = _known(recorded, lang)  # the claims recorded for this output explain it first
        used: set[tuple[int, str]] = set()  # (claim, number) pairs already explained
        for text in texts:
            if is_quoted(text, source_texts):  # a quotation cell: the source's, not recorded
                continue
            unquoted = without_quotations(text, source_texts)
            names = [name for name in NAMES_WITH_NUMBERS if name in text]
            for match in NUMBER_PATTERNS[lang].finditer(text):
                token = match.group()
                named = [name for name in names if token in numbers_in(name, lang)]
                basis = (
                    f"name:{named[0]}"
                    if named
                    else _explain_in_order(token, match.span(), own, text, used)
                    or explain(token, lang, own, text)
                    or explain(token, lang, known, text)
                )
                if unquoted[match.start() : match.end()].strip():
                    value = parse_number(token, lang)
                    statements.append(Statement(page, lang, text[:240], token, value, basis))
    return statements


def unexplained(statements: Iterable[Statement]) -> list[Statement]:
    """The statements no recorded claim explains."""
    return [statement for statement in statements if not statement.basis]


def write_register(path: Path, statements: Iterable[Statement]) -> None:
    """Write the register as CSV (one row per number stated), atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REGISTER_COLUMNS)
    for statement in statements:
        writer.writerow([getattr(statement, column) for column in REGISTER_COLUMNS])
    write_text_atomic(path, buffer.getvalue())


def source_texts(raw_folder: Path) -> list[str]:
    """The folded texts of the shipped source documents (for telling quotes from claims)."""
    return [
        fold_whitespace(path.read_text(encoding="utf-8"))
        for path in sorted(raw_folder.glob("*.txt"))
    ]
