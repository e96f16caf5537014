"""Load the cleaned, source-traced tables, validated against ``data/datapackage.json``.

The descriptor is a Frictionless Tabular Data Package: resource profiles, field types,
``required``/``unique``/``enum``/``pattern``/``minimum``/``maximum`` constraints, primary keys
(composite ones too) and foreign keys, all in the standard's terms; a list-valued cell
("students;industry") is a string whose pattern allows the items joined by
``atmp:listSeparator``. The reference validator (``frictionless validate``) passes it, and
the test suite runs it. This module validates the same rules itself so that every message
names the file, the row, the id and the column in the words a reader of the CSV needs, and
adds the package's own ``atmp:`` rules in the same pass: low <= value <= high, and quotes
checked against the source texts. Every fault in reading a file is a :class:`DataError`.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from atmp_lib import provenance
from atmp_lib.errors import DataError, utf8_fault
from atmp_lib.paths import data_dir as default_data_dir

DESCRIPTOR = "datapackage.json"
TRUE_VALUES = {"true"}
FALSE_VALUES = {"false"}
PANDAS_DTYPES = {"string": "str", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
NUMERIC_FACT_FIELDS = ("value", "low", "high")
LIST_PATTERN = re.compile(r"\(([^()]*)\)\((.)\(\1\)\)\*")  # "(a|b)(;(a|b))*"
MAX_FILE_BYTES = 20_000_000  # far above any table of the package; refuses a runaway file


@dataclass(frozen=True)
class Field:
    """One column of a table, as declared in the descriptor.

    A list-valued cell ("students;industry") is a string whose ``pattern`` constraint allows
    the items joined by ``atmp:listSeparator`` (the standard's terms for it); the items it
    allows are read from the pattern's first group, for messages that name the item.
    """

    name: str
    type: str
    constraints: dict[str, Any]
    list_separator: str | None = None

    @classmethod
    def from_descriptor(cls, spec: dict[str, Any]) -> Field:
        return cls(
            name=spec["name"],
            type=spec.get("type", "string"),
            constraints=spec.get("constraints", {}),
            list_separator=spec.get("atmp:listSeparator"),
        )

    @property
    def item_choices(self) -> tuple[str, ...]:
        """The items a list-valued cell may hold (empty when the field is not a list)."""
        match = LIST_PATTERN.fullmatch(self.constraints.get("pattern", ""))
        return tuple(match.group(1).split("|")) if self.list_separator and match else ()


@dataclass(frozen=True)
class ForeignKey:
    """Columns whose values must be a row's key in another table (or this one)."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One table: its file, its fields, its keys and the extra rules it follows."""

    name: str
    path: str
    title: str
    fields: tuple[Field, ...]
    provenance: bool
    row_rules: tuple[str, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    external: bool = False  # a reference table of public figures not from the sources
    title_sv: str = ""  # the title on Swedish pages (``atmp:title_sv``); else ``title``

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    @classmethod
    def from_descriptor(cls, spec: dict[str, Any]) -> Resource:
        schema = spec["schema"]
        key = schema.get("primaryKey", ())
        return cls(
            name=spec["name"],
            path=spec["path"],
            title=spec.get("title", spec["name"]),
            fields=tuple(Field.from_descriptor(f) for f in schema["fields"]),
            provenance=bool(spec.get("atmp:provenance", False)),
            row_rules=tuple(spec.get("atmp:rowRules", ())),
            external=bool(spec.get("atmp:external", False)),
            title_sv=spec.get("atmp:title_sv", ""),
            primary_key=(key,) if isinstance(key, str) else tuple(key),
            foreign_keys=tuple(
                ForeignKey(
                    tuple(_names(fk["fields"])),
                    fk["reference"].get("resource") or spec["name"],
                    tuple(_names(fk["reference"]["fields"])),
                )
                for fk in schema.get("foreignKeys", ())
            ),
        )


def _names(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


@dataclass(frozen=True)
class RawTable:
    """A table as read from CSV: header and rows of strings, before any conversion."""

    label: str
    header: list[str]
    rows: list[dict[str, str]]


def descriptor(directory: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``datapackage.json``; a clear DataError when it cannot be read."""
    path = (directory or default_data_dir()) / DESCRIPTOR
    label = f"{path.parent.name}/{DESCRIPTOR}"
    text = _read_text(path, label)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            f"{label}, line {error.lineno}, column {error.colno}: invalid JSON ({error.msg})"
        ) from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("resources"), list):
        raise DataError(f"{label}: expected an object with a list of 'resources'")
    return parsed


def document_name(source: str, lang: str, directory: Path | None = None) -> str:
    """How a page names a source document ("Status report, ATMP 2030"): its short citation
    in ``datapackage.json``'s ``sources`` (``atmp:cite_<lang>``), else the file name."""
    path = (directory or default_data_dir()) / DESCRIPTOR
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return source
    return _citations(str(path), stamp).get((source, lang), source)


@functools.lru_cache(maxsize=8)
def _citations(path: str, _stamp: int) -> dict[tuple[str, str], str]:
    """(file name, language) -> citation, read once per version of the descriptor."""
    sources = descriptor(Path(path).parent).get("sources", [])
    return {
        (entry["name"], lang): entry[f"atmp:cite_{lang}"]
        for entry in sources
        if isinstance(entry, dict) and "name" in entry
        for lang in ("en", "sv")
        if entry.get(f"atmp:cite_{lang}")
    }


def resources(directory: Path | None = None) -> dict[str, Resource]:
    """Every table declared in the descriptor, by name, in declaration order."""
    directory = directory or default_data_dir()
    found = {}
    for number, spec in enumerate(descriptor(directory)["resources"], start=1):
        try:
            resource = Resource.from_descriptor(spec)
        except (KeyError, TypeError, AttributeError) as error:
            raise DataError(
                f"{directory.name}/{DESCRIPTOR}: resource {number} is incomplete ({error!r})"
            ) from None
        found[resource.name] = resource
    return found


def table_names(directory: Path | None = None) -> list[str]:
    """The names of all tables, in declaration order."""
    return list(resources(directory))


def load(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Load one table, validated, with typed columns (nullable Int64/Float64/boolean, str).

    Raises ``DataError`` listing every problem when the table is invalid.
    """
    directory = directory or default_data_dir()
    resource = _resource(name, directory)
    raw = read_raw(resource, directory)
    problems = _validate(resource, raw, directory)
    if problems:
        raise DataError(problems)
    return _to_frame(resource, raw)


def validate_table(name: str, directory: Path | None = None) -> list[str]:
    """Every problem in one table (an empty list when it is valid)."""
    directory = directory or default_data_dir()
    try:
        resource = _resource(name, directory)
        raw = read_raw(resource, directory)
    except DataError as error:
        return error.problems
    return _validate(resource, raw, directory)


def validate_all(directory: Path | None = None) -> list[str]:
    """Every problem in every table of the package."""
    directory = directory or default_data_dir()
    try:
        names = table_names(directory)
    except DataError as error:
        return error.problems
    return [problem for name in names for problem in validate_table(name, directory)]


def allowed_values(table: str, column: str, directory: Path | None = None) -> tuple[str, ...]:
    """The values a column allows (for a list-valued column: the items), from the schema."""
    for field in resources(directory)[table].fields:
        if field.name == column:
            return tuple(field.constraints.get("enum") or field.item_choices)
    raise KeyError(f"table {table!r} has no column {column!r}")


def split_list(cell: object, separator: str = ";") -> list[str]:
    """Split a list-valued cell ("students;industry") into its items; NA gives []."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NA:
        return []
    return [item for item in str(cell).split(separator) if item]


def read_raw(resource: Resource, directory: Path) -> RawTable:
    """Read a table's CSV as strings, keeping empty cells as empty strings; any fault in
    reading it (missing, a folder, unreadable, not UTF-8, empty, not CSV) is a DataError
    naming the file (and the row where there is one). A UTF-8 byte-order mark is allowed."""
    label = _label(resource, directory)
    text = _read_text(directory / resource.path, label)
    if not text.strip():
        raise DataError(f"{label}: the file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        rows = [dict(zip(header, _pad(row, len(header)), strict=False)) for row in reader]
    except csv.Error as error:
        raise DataError(f"{label}, row {reader.line_num - 1}: not valid CSV ({error})") from None
    return RawTable(label=label, header=header, rows=rows)


def _read_text(path: Path, label: str) -> str:
    """A data file's text (UTF-8, a byte-order mark dropped), or a DataError saying why not."""
    try:
        if path.is_dir():
            raise DataError(f"{label}: is a folder, not a file")
        if path.exists() and not path.is_file():
            raise DataError(f"{label}: is not a regular file")
        if path.exists() and path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(f"{label}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{label}: file not found") from None
    except PermissionError:
        raise DataError(f"{label}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{label}: {utf8_fault(error)}") from None
    except OSError as error:
        raise DataError(f"{label}: cannot be read ({error.strerror or error})") from None


def _pad(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _resource(name: str, directory: Path) -> Resource:
    known = resources(directory)
    if name not in known:
        raise KeyError(f"unknown table {name!r}; the tables are: {', '.join(known)}")
    return known[name]


def _label(resource: Resource, directory: Path) -> str:
    return f"{directory.name}/{resource.path}"


def _where(raw: RawTable, index: int, column: str | None = None) -> str:
    row = raw.rows[index]
    key = f" (id={row['id']})" if row.get("id") else ""
    where = f"{raw.label}, row {index + 1}{key}"
    return f"{where}, column '{column}'" if column else where


def _validate(resource: Resource, raw: RawTable, directory: Path) -> list[str]:
    problems = _header_problems(resource, raw)
    if problems:
        return problems
    problems += _cell_problems(resource, raw)
    problems += _unique_problems(resource, raw)
    problems += _primary_key_problems(resource, raw)
    problems += _row_rule_problems(resource, raw)
    problems += _foreign_key_problems(resource, raw, directory)
    if resource.provenance:
        problems += _provenance_problems(resource, raw, directory)
    return problems


def _header_problems(resource: Resource, raw: RawTable) -> list[str]:
    expected, found = resource.field_names, raw.header
    problems = [f"{raw.label}: missing column '{name}'" for name in expected if name not in found]
    problems += [
        f"{raw.label}: unexpected column '{name}'" for name in found if name not in expected
    ]
    if not problems and found != expected:
        problems.append(f"{raw.label}: columns out of order; expected {', '.join(expected)}")
    return problems


def _cell_problems(resource: Resource, raw: RawTable) -> list[str]:
    problems = []
    for index, row in enumerate(raw.rows):
        for field in resource.fields:
            fault = _cell_fault(field, row[field.name])
            if fault:
                problems.append(f"{_where(raw, index, field.name)}: {fault}")
    return problems


def _cell_fault(field: Field, cell: str) -> str | None:
    """Describe what is wrong with one cell, or return None when it is valid."""
    if cell == "":
        return "a value is required" if field.constraints.get("required") else None
    if cell != cell.strip():
        return f"{cell!r} has leading or trailing whitespace"
    items = cell.split(field.list_separator) if field.list_separator else [cell]
    for item in items:
        fault = _item_fault(field, item)
        if fault:
            return fault
    return None


def _item_fault(field: Field, item: str) -> str | None:
    try:
        value = _convert(field.type, item)
    except ValueError:
        return f"{item!r} is not a valid {field.type}"
    constraints = field.constraints
    allowed = constraints.get("enum") or field.item_choices or None
    if allowed is not None and item not in allowed:
        return f"{item!r} is not one of the allowed values: {', '.join(allowed)}"
    pattern = None if field.item_choices else constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, item):
        return f"{item!r} does not match the pattern {pattern}"
    if "minimum" in constraints and value < constraints["minimum"]:
        return f"{item} is below the minimum {constraints['minimum']}"
    if "maximum" in constraints and value > constraints["maximum"]:
        return f"{item} is above the maximum {constraints['maximum']}"
    return None


def _convert(field_type: str, text: str) -> Any:
    if field_type == "integer":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(text)
        return int(text)
    if field_type == "number":
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(text)
        return float(text)
    if field_type == "boolean":
        if text not in TRUE_VALUES | FALSE_VALUES:
            raise ValueError(text)
        return text in TRUE_VALUES
    if field_type == "string":
        return text
    raise ValueError(f"unsupported field type {field_type}")


def _unique_problems(resource: Resource, raw: RawTable) -> list[str]:
    problems = []
    for field in resource.fields:
        if not field.constraints.get("unique"):
            continue
        first_seen: dict[str, int] = {}
        for index, row in enumerate(raw.rows):
            cell = row[field.name]
            if cell in first_seen:
                problems.append(
                    f"{_where(raw, index, field.name)}: duplicate value {cell!r} "
                    f"(first in row {first_seen[cell] + 1})"
                )
            elif cell:
                first_seen[cell] = index
    return problems


def _row_rule_problems(resource: Resource, raw: RawTable) -> list[str]:
    problems: list[str] = []
    if not resource.row_rules:
        return problems
    for index, row in enumerate(raw.rows):
        numbers = _numbers(row)
        if numbers is None:
            continue  # already reported as a cell problem
        for rule in resource.row_rules:
            fault = ROW_RULES[rule](row["qualifier"], *numbers)
            if fault:
                column, message = fault
                problems.append(f"{_where(raw, index, column)}: {message}")
    return problems


def _numbers(row: dict[str, str]) -> tuple[float | None, ...] | None:
    try:
        return tuple(float(row[name]) if row[name] else None for name in NUMERIC_FACT_FIELDS)
    except ValueError:
        return None


def _qualifier_consistent(
    qualifier: str, value: float | None, low: float | None, high: float | None
) -> tuple[str, str] | None:
    """A range needs low and high; every other qualifier needs a value."""
    if qualifier == "range":
        if low is None or high is None:
            return "low", "a range needs both low and high"
        if low >= high:
            return "low", f"low {low:g} is not below high {high:g}"
    elif value is None:
        return "value", f"qualifier {qualifier!r} needs a value"
    return None


def _value_within_low_high(
    qualifier: str, value: float | None, low: float | None, high: float | None
) -> tuple[str, str] | None:
    """When a value and its bounds are all given, the value lies between them."""
    if value is None:
        return None
    if low is not None and value < low:
        return "value", f"value {value:g} is below low {low:g}"
    if high is not None and value > high:
        return "value", f"value {value:g} is above high {high:g}"
    return None


ROW_RULES = {
    "qualifier_consistent": _qualifier_consistent,
    "value_within_low_high": _value_within_low_high,
}


def _foreign_key_problems(resource: Resource, raw: RawTable, directory: Path) -> list[str]:
    problems = []
    for key in resource.foreign_keys:
        target = _resource(key.resource, directory)
        try:
            target_raw = raw if target.name == resource.name else read_raw(target, directory)
        except DataError:
            problems.append(f"{raw.label}, columns {', '.join(key.fields)}: {target.path} "
                            "cannot be read")  # fmt: skip
            continue
        known = {tuple(row.get(name, "") for name in key.reference) for row in target_raw.rows}
        for index, row in enumerate(raw.rows):
            cells = tuple(row.get(name, "") for name in key.fields)
            if any(cells) and cells not in known:
                shown = cells[0] if len(cells) == 1 else cells
                problems.append(
                    f"{_where(raw, index, key.fields[0])}: {shown!r} is not "
                    f"{'an id' if len(cells) == 1 else 'a key'} in {target.path}"
                )
    return problems


def _primary_key_problems(resource: Resource, raw: RawTable) -> list[str]:
    """A composite primary key must be unique as a whole (a single one is ``unique``)."""
    if len(resource.primary_key) < 2:
        return []
    problems, first_seen = [], {}
    for index, row in enumerate(raw.rows):
        key = tuple(row.get(name, "") for name in resource.primary_key)
        if key in first_seen:
            columns = ", ".join(resource.primary_key)
            problems.append(
                f"{_where(raw, index)}: duplicate primary key ({columns}) = {key!r} "
                f"(first in row {first_seen[key] + 1})"
            )
        else:
            first_seen[key] = index
    return problems


def _provenance_problems(resource: Resource, raw: RawTable, directory: Path) -> list[str]:
    problems = []
    raw_folder = directory / "raw"
    for index, row in enumerate(raw.rows):
        source = row.get("source", "")
        if not (raw_folder / source).is_file():
            problems.append(f"{_where(raw, index, 'source')}: no source text {source!r} in raw/")
            continue
        if not provenance.quote_in_source(row["quote"], source, raw_folder):
            problems.append(
                f"{_where(raw, index, 'quote')}: the quote does not occur verbatim in {source}"
            )
        if not provenance.locator_in_source(row["locator"], source, raw_folder):
            problems.append(
                f"{_where(raw, index, 'locator')}: {row['locator']!r} is not a heading "
                f"(a line) of {source}"
            )
        problems += _numbers_in_quote_problems(raw, index)
    return problems


def _numbers_in_quote_problems(raw: RawTable, index: int) -> Iterable[str]:
    row = raw.rows[index]
    for name in NUMERIC_FACT_FIELDS:
        cell = row.get(name, "")
        if not cell:
            continue
        try:
            number = float(cell)
        except ValueError:
            continue  # reported as a cell problem
        if not provenance.number_in_quote(number, row["quote"]):
            yield f"{_where(raw, index, name)}: {cell} does not occur in the quote"


def _to_frame(resource: Resource, raw: RawTable) -> pd.DataFrame:
    columns = {}
    for field in resource.fields:
        cells = [row[field.name] for row in raw.rows]
        columns[field.name] = _typed_column(field, cells)
    return pd.DataFrame(columns)


def _typed_column(field: Field, cells: list[str]) -> pd.Series:
    values = [None if cell == "" else _convert(field.type, cell) for cell in cells]
    return pd.Series(values, dtype=PANDAS_DTYPES[field.type])
