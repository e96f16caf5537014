"""Every section parameter declared once: its type, allowed values, default and help.

A section declares its parameters as :class:`Param` objects in
``atmp_lib/sections/<section>/parameters.py`` and registers them under the section's name
(``course_supply``). Validation of parameter files and of the notebooks' own defaults
(:mod:`atmp_lib.params`), the tests that hold each notebook's parameters cell to its
declarations, ``atmp-report list`` and the scenario explorer's controls all read them, so
a rule is written in one place. A parameter shared by sections (``lang``,
``horizon_years``) is one object that both register.

Ranges and choices may name the data they come from, read from the current project's
data package when a value is checked: ``fact:<id>`` (the fact's low and high),
``assumption:<id>`` (the row's ``low``/``high``, else its value) and
``enum:<table>.<field>`` (the field's allowed values, or list items, in
``datapackage.json``).

A default that comes from the data is named by ``data_default`` (``fact:<id>``, the
fact's central value; ``fact_low:<id>`` / ``fact_high:<id>``, the ends of a stated range;
``assumption:<id>``, the row's value): the parameters cell then gives the literal None,
which :func:`data_value` resolves. That None is distinct from the None of an ``optional``
parameter, which means "not known" (``none_means``); a parameter cannot be both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from atmp_lib.errors import ParameterError
from atmp_lib.paths import data_dir

Ref = float | str | None
"""A range end: a number, ``fact:<id>`` or ``assumption:<id>``; None for no end."""

SHOWN_CHARS = 60  # how much of a value a message repeats


def shown(value: Any) -> str:
    """A value as a message repeats it: its repr, cut short when long."""
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[: SHOWN_CHARS - 15]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Param:
    """One parameter: what it accepts and what it means.

    ``kind`` is str, int, float, bool or list (a list of str, each one of ``choices``).
    ``choices`` lists the allowed values (or items) or names them by ``enum:<table>.<field>``
    (plus ``extra_choices``, e.g. "all"). ``low``/``high`` bound a number; ``discrete``
    allows only those two ends (e.g. a rounding step of 50 or 100). ``optional`` allows
    None, which ``none_means`` explains ("not known"). ``data_default`` names the data a
    default comes from (see the module doc); None then stands for it. ``default`` is the
    literal a parameters cell gives (None where the data gives it). ``help`` is the English
    help text shown by ``papermill --help-notebook`` and ``atmp-report list``.
    """

    name: str
    kind: type
    help: str
    low: Ref = None
    high: Ref = None
    choices: tuple[str, ...] | str = ()
    extra_choices: tuple[str, ...] = ()
    optional: bool = False
    none_means: str = ""
    discrete: bool = False
    data_default: str = ""
    default: Any = None

    def __post_init__(self) -> None:
        if self.optional and self.data_default:
            raise ValueError(
                f"parameter {self.name!r}: None cannot mean both 'not known' (optional) and "
                f"the default from the data ({self.data_default})"
            )
        if self.data_default and self.default is not None:
            raise ValueError(f"parameter {self.name!r}: its default comes from the data "
                             f"({self.data_default}); its literal default is None")  # fmt: skip

    @property
    def accepts_none(self) -> bool:
        """None is allowed: "not known" (optional) or "the default from the data"."""
        return self.optional or bool(self.data_default)

    @property
    def type_text(self) -> str:
        """The type as a parameters cell annotates it: ``int``, ``list[str]``, ``Optional[int]``."""
        name = "list[str]" if self.kind is list else self.kind.__name__
        return f"Optional[{name}]" if self.accepts_none else name

    def bounds(self) -> tuple[float | None, float | None]:
        """(low, high) allowed, read from the data where a bound names a row."""
        if not isinstance(self.low, str) and not isinstance(self.high, str):
            return self.low, self.high
        directory = str(data_dir())
        return _resolve(self.low, 0, directory), _resolve(self.high, 1, directory)

    def allowed_values(self) -> tuple[str, ...]:
        """The allowed values (or list items), read from the data package where named."""
        if isinstance(self.choices, str):
            return (*self.extra_choices, *_enum(self.choices, str(data_dir())))
        return (*self.extra_choices, *self.choices)

    def allowed(self, with_none: bool = True) -> str:
        """What the parameter accepts, in words: "an integer from 1 to 30"; without
        ``with_none``, leaving out what a None stands for."""
        text = self._allowed_kind()
        if not with_none:
            return text
        if self.optional:
            text += f", or null ({self.none_means or 'none'})"
        elif self.data_default:
            text += f", or null (the default from the data: {self.data_default})"
        return text

    def _allowed_kind(self) -> str:
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            items = ", ".join(self.allowed_values())
            return f"a non-empty list of distinct items, each one of {items}"
        if self.kind is str:
            allowed = self.allowed_values()
            return f"one of {', '.join(allowed)}" if allowed else "any text"
        low, high = self.bounds()
        kind = "an integer" if self.kind is int else "a number"
        if self.discrete:
            return f"{_number(low)} or {_number(high)}"
        if low is None and high is None:
            return kind
        if high is None:
            return f"{kind} >= {_number(low)}"
        return f"{kind} from {_number(low)} to {_number(high)}"

    def fault(self, value: Any) -> str | None:
        """What is wrong with a value (type, then allowed values), or None."""
        if value is None:
            return None if self.accepts_none else f"None is not allowed (allowed: {self.allowed()})"
        check = {bool: _bool_fault, str: _choice_fault, list: _list_fault}.get(self.kind)
        fault = check(self, value) if check else _number_fault(self, value)
        return f"{fault} (allowed: {self.allowed()})" if fault else None


def _bool_fault(param: Param, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{shown(value)} is not true or false"


def _choice_fault(param: Param, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{shown(value)} is not text"
    allowed = param.allowed_values()
    return None if not allowed or value in allowed else f"{shown(value)} is not allowed"


def _list_fault(param: Param, value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not value:
        return f"{shown(value)} is empty or not a list"
    allowed = param.allowed_values()
    unknown = [item for item in value if not isinstance(item, str) or item not in allowed]
    if unknown:
        return f"{', '.join(map(shown, unknown))} not allowed"
    repeated = sorted({item for item in value if value.count(item) > 1})
    return f"duplicate {', '.join(map(repr, repeated))}" if repeated else None


def _number_fault(param: Param, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{shown(value)} is not a number"
    if param.kind is int and not isinstance(value, int):
        return f"{shown(value)} is not an integer"
    if not math.isfinite(value):
        return f"{shown(value)} is not a finite number"
    low, high = param.bounds()
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{shown(value)} is out of range"
    if param.discrete and value not in (low, high):
        return f"{shown(value)} is out of range"
    return None


def _number(value: float) -> str:
    """A range end as written in a file: 1000000, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --------------------------------------------------------------------------- data references


def _resolve(bound: Ref, end: int, directory: str) -> float | None:
    """A range end as a number: ``end`` 0 takes the low end of a row, 1 the high end."""
    if bound is None or isinstance(bound, int | float):
        return bound
    kind, _, row_id = bound.partition(":")
    if kind == "fact":
        return _fact_bounds(row_id, directory)[end]
    if kind == "assumption":
        return _assumption_bounds(row_id, directory)[end]
    raise ValueError(f"range end {bound!r}: expected a number, fact:<id> or assumption:<id>")


@cache
def _fact_bounds(fact_id: str, directory: str) -> tuple[float, float]:
    """A fact's (low, high) as the source states them, cached per data folder."""
    from atmp_lib import datasets
    from atmp_lib.facts import get_fact

    return get_fact(datasets.load("facts", Path(directory)), fact_id).bounds


@cache
def _assumption_bounds(assumption_id: str, directory: str) -> tuple[float, float]:
    """An assumption's (low, high); a row without them gives its value at both ends."""
    from atmp_lib import datasets
    from atmp_lib.facts import assumption_row

    row = assumption_row(datasets.load("assumptions", Path(directory)), assumption_id)
    value = float(row["value"])
    ends = [row.get(end) for end in ("low", "high")]
    low, high = (None if end is None or _missing(end) else float(end) for end in ends)
    return (value if low is None else low, value if high is None else high)


def _missing(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value)
        in (
            "<NA>",
            "",
        )
    )


def data_value(param: Param, facts: Any, assumptions: Any) -> Any:
    """The default the data gives a parameter (its ``data_default``), typed as the parameter:
    a fact's central value or an end of its range, or an assumption row's value (a switch
    is on when the value is not 0). ``facts``/``assumptions`` are the loaded tables."""
    from atmp_lib.facts import assumption_value, get_fact

    kind, _, row_id = param.data_default.partition(":")
    if kind == "assumption":
        value = assumption_value(assumptions, row_id)
    elif kind in ("fact", "fact_low", "fact_high"):
        fact = get_fact(facts, row_id)
        value = {"fact": fact.central, "fact_low": fact.bounds[0], "fact_high": fact.bounds[1]}[
            kind
        ]
    else:
        raise ValueError(f"parameter {param.name!r}: data_default {param.data_default!r}: "
                         "expected fact:, fact_low:, fact_high: or assumption:<id>")  # fmt: skip
    return value != 0 if param.kind is bool else param.kind(value)


@cache
def _enum(reference: str, directory: str) -> tuple[str, ...]:
    """The allowed values of a field of the data package, ``enum:<table>.<field>``."""
    from atmp_lib import datasets

    kind, _, target = reference.partition(":")
    table, _, field = target.partition(".")
    if kind != "enum" or not table or not field:
        raise ValueError(f"choices {reference!r}: expected enum:<table>.<field>")
    for spec in datasets.resources(Path(directory))[table].fields:
        if spec.name == field:
            return tuple(spec.constraints.get("enum") or spec.item_choices)
    raise KeyError(f"choices {reference!r}: table {table!r} has no field {field!r}")


# --------------------------------------------------------------------------- parameters cells


def literal(value: Any) -> str:
    """A Python literal as the notebooks write it: strings in double quotes, whole floats
    as integers."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return f"[{', '.join(literal(item) for item in value)}]"
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))
    return repr(value)


def cell_line(param: Param, note: str = "") -> str:
    """One line of a parameters cell: the literal default with its type and a help comment
    (``papermill --help-notebook`` shows it; a comment holds no "=", which papermill's
    parser would cut at). A parameter that accepts None is written with a type comment
    ("Optional[int]" would need an import in the notebook)."""
    comment = f"{param.help}; allowed: {param.allowed(with_none=False)}{note}"
    if param.optional and not note:
        comment += f"; None: {param.none_means} (no default)"
    if param.accepts_none:
        return f"{param.name} = None  # type: {param.type_text} {comment}"
    return f"{param.name}: {param.type_text} = {literal(param.default)}  # {comment}"


def parameters_cell(section: str, notes: Mapping[str, str] | None = None) -> str:
    """A section's parameters cell, written from its declarations in their order; ``notes``
    add to a parameter's comment (e.g. the default the data give for its None)."""
    notes = notes or {}
    lines = [cell_line(param, notes.get(name, "")) for name, param in schema(section).items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the registry

CrossCheck = Callable[[Mapping[str, Any]], Iterable[str]]
"""A rule between a section's parameters; yields messages that name their parameter."""

FileCheck = Callable[[Path], Iterable[str]]
"""A check of project files a section reads besides its parameters (given the project's
root); yields messages that name the file."""

SCHEMAS: dict[str, dict[str, Param]] = {}
CROSS_CHECKS: dict[str, list[CrossCheck]] = {}
FILE_CHECKS: dict[str, list[FileCheck]] = {}


def register(
    section: str,
    *params: Param,
    cross_checks: Iterable[CrossCheck] = (),
    file_checks: Iterable[FileCheck] = (),
) -> None:
    """Declare a section's parameters (by its short name, e.g. ``survey``), the rules
    between them, and the checks of the other project files it reads."""
    SCHEMAS[section] = {param.name: param for param in params}
    CROSS_CHECKS[section] = list(cross_checks)
    FILE_CHECKS[section] = list(file_checks)


def file_problems(section: str, root: Path) -> list[str]:
    """What is wrong with the project files a section reads besides its parameters (a run
    reports them before any notebook starts)."""
    return [message for check in FILE_CHECKS.get(section, []) for message in check(root)]


def schema(section: str) -> dict[str, Param]:
    """The parameters a section declares (empty when it declares none)."""
    return SCHEMAS.get(section, {})


def cross_check_problems(section: str, values: Mapping[str, Any]) -> list[str]:
    """The rules between a section's parameters, over its effective values."""
    return [message for check in CROSS_CHECKS.get(section, []) for message in check(values)]


def check_values(section: str, **values: Any) -> None:
    """Raise a :class:`ParameterError` naming every value the section's declarations refuse,
    and every rule between them that the values break (a notebook checks its parameters
    this way before it loads anything)."""
    declared = schema(section)
    problems = []
    for name, value in values.items():
        if name not in declared:
            problems.append(f"parameter {name!r} is not declared for section {section!r}")
            continue
        fault = declared[name].fault(value)
        if fault:
            problems.append(f"parameter {name!r}: {fault}")
    if not problems:
        problems = cross_check_problems(section, values)
    if problems:
        raise ParameterError(problems)
