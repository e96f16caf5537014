"""Sections, their parameters cells and YAML parameter files, validated before any kernel starts.

A *section* is a notebook ``notebooks/NN_<name>.ipynb``; its cell tagged ``parameters`` holds
literal assignments only (``lang = "en"``), read here with :mod:`ast` so that nothing in a
notebook is executed to learn its parameters. A *parameter file* is a YAML mapping in
``params/``; it may hold keys for several sections, and each notebook later receives only the
keys its own parameters cell declares.

Validation collects every problem (it never stops at the first) and each message names the
file and the parameter. Value rules live in :data:`NAME_RULES` and :data:`SUFFIX_RULES`;
other modules extend them with :func:`register_rule` (one parameter) or
:func:`register_validator` (several parameters at once, e.g. a scenario-model dataclass).
A module that registers must be imported before validation: list it in
:data:`EXTENSION_MODULES`.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import math
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from atmp_lib.errors import utf8_fault
from atmp_lib.paths import display_path

SECTION_PATTERN = re.compile(r"^(\d{2})_([A-Za-z0-9_]+)\.ipynb$")
PARAMETERS_TAG = "parameters"
PARAMS_SUFFIXES = (".yaml", ".yml")

#: Modules imported by :func:`load_extensions` before validation, so that their calls to
#: :func:`register_rule` / :func:`register_validator` (made at import) are in force.
EXTENSION_MODULES: tuple[str, ...] = ("atmp_lib.scenario",)

MAX_PARAMS_BYTES = 1_000_000  # a parameter file is a few lines; refuse a runaway one
SHOWN_CHARS = 60  # how much of a value a message repeats

Check = Callable[[Any], str | None]
"""A value rule: returns None when the value is allowed, else what is wrong with it."""

Validator = Callable[[Mapping[str, Any]], Iterable[str]]
"""A rule over a whole parameter mapping; yields messages that name their parameter."""


# --------------------------------------------------------------------------- value rules


def shown(value: Any) -> str:
    """A value as a message repeats it: its repr, cut short when long."""
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[: SHOWN_CHARS - 15]}… ({len(text):,} characters)"


def one_of(*choices: str) -> Check:
    """Allow exactly one of ``choices``."""
    allowed = ", ".join(choices)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return f"{shown(value)} is not allowed (allowed: one of {allowed})"

    return check


def number_range(low: float, high: float | None = None, *, integer: bool = False) -> Check:
    """Allow numbers from ``low`` to ``high`` (inclusive; no upper bound when None)."""
    kind = "an integer" if integer else "a number"
    allowed = f"{kind} from {low:g} to {high:g}" if high is not None else f"{kind} >= {low:g}"

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{shown(value)} is not a number (allowed: {allowed})"
        if integer and not isinstance(value, int):
            return f"{shown(value)} is not an integer (allowed: {allowed})"
        if not math.isfinite(value):
            return f"{shown(value)} is not a finite number (allowed: {allowed})"
        if value < low or (high is not None and value > high):
            return f"{shown(value)} is out of range (allowed: {allowed})"
        return None

    return check


def distinct_items_of(*choices: str) -> Check:
    """Allow a non-empty list whose items are distinct and each one of ``choices``."""
    allowed = f"a non-empty list of distinct items, each one of {', '.join(choices)}"

    def check(value: Any) -> str | None:
        if not isinstance(value, list | tuple) or not value:
            return f"{shown(value)} is empty or not a list (allowed: {allowed})"
        unknown = [item for item in value if not isinstance(item, str) or item not in choices]
        if unknown:
            return f"{', '.join(map(shown, unknown))} not allowed (allowed: {allowed})"
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            return f"duplicate {', '.join(map(repr, repeated))} (allowed: {allowed})"
        return None

    return check


#: Rules for parameters by exact name.
NAME_RULES: dict[str, Check] = {
    "lang": one_of("en", "sv"),
    "audience": one_of("all", "students", "healthcare_staff", "industry", "researchers"),
    "countries": distinct_items_of("GB", "US", "CA"),
    "normalise_by": one_of("population", "none"),
    "horizon_years": number_range(1, 30, integer=True),
    "seed": number_range(0, integer=True),
    "draws": number_range(1, 1_000_000, integer=True),
}

#: Rules for parameters by name ending (checked when no exact-name rule applies).
SUFFIX_RULES: dict[str, Check] = {
    "_pct": number_range(0, 100),
    "_share": number_range(0, 100),
}

#: Rules over whole mappings, added by :func:`register_validator`.
VALIDATORS: list[Validator] = []


def register_rule(name: str, check: Check, *, suffix: bool = False) -> None:
    """Add or replace the rule for parameter ``name`` (or every name ending in it)."""
    (SUFFIX_RULES if suffix else NAME_RULES)[name] = check


def register_validator(validator: Validator) -> None:
    """Add a rule over a parameter mapping (defaults of all sections, then the file's values).

    The validator yields messages such as ``"parameter 'uptake_pct': must not exceed
    'ceiling_pct' (allowed: ...)"``; the file name is prefixed here.
    """
    if validator not in VALIDATORS:
        VALIDATORS.append(validator)


def load_extensions() -> list[str]:
    """Import :data:`EXTENSION_MODULES` so their registrations are in force; a module that
    cannot be imported is a problem (its rules could not be checked)."""
    problems = []
    for module in EXTENSION_MODULES:
        try:
            importlib.import_module(module)
        except Exception as error:  # any import-time failure means unchecked rules
            problems.append(
                f"cannot import {module}, so its parameter rules cannot be "
                f"checked ({type(error).__name__}: {error})"
            )
    return problems


def rule_for(name: str) -> Check | None:
    """The value rule that applies to parameter ``name``, if any."""
    if name in NAME_RULES:
        return NAME_RULES[name]
    for ending, check in SUFFIX_RULES.items():
        if name.endswith(ending):
            return check
    return None


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class Parameter:
    """One assignment of a parameters cell."""

    name: str
    default: Any
    line: int
    annotation: str | None = None  # ``name: float = ...`` or ``# type: Optional[float]``

    @property
    def type_name(self) -> str:
        """The declared type when the cell annotates it, else the default literal's type."""
        return self.annotation or type_name(self.default)


@dataclass(frozen=True)
class Section:
    """One section notebook and the parameters its parameters cell declares."""

    name: str
    path: Path
    parameters: dict[str, Parameter] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        """The name without its number: ``course_supply``."""
        return self.name.split("_", 1)[1]


def discover_sections(notebooks_dir: Path) -> list[Path]:
    """Section notebooks (``NN_<name>.ipynb``) in file-name order."""
    if not notebooks_dir.is_dir():
        return []
    return sorted(p for p in notebooks_dir.iterdir() if SECTION_PATTERN.match(p.name))


def load_sections(notebooks_dir: Path, root: Path) -> tuple[list[Section], list[str]]:
    """Read every section's parameters cell; returns the sections and every problem."""
    sections, problems = [], []
    for path in discover_sections(notebooks_dir):
        label = display_path(path, root)
        try:
            parameters, found = read_parameters_cell(path, label)
        except (OSError, ValueError) as error:
            parameters, found = {}, [f"{label}: cannot read the notebook ({error})"]
        sections.append(Section(name=path.stem, path=path, parameters=parameters))
        problems += found
    return sections, problems


def read_parameters_cell(path: Path, label: str) -> tuple[dict[str, Parameter], list[str]]:
    """The literal assignments of the notebook's one cell tagged ``parameters``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return {}, [f"{label}: not a notebook (expected a JSON object with a list of cells)"]
    tagged = [c for c in cells if PARAMETERS_TAG in _tags(c)]
    if len(tagged) != 1:
        return {}, [f"{label}: expected one cell tagged 'parameters', found {len(tagged)}"]
    source = tagged[0].get("source", "")
    return parse_parameters(source if isinstance(source, str) else "".join(source), label)


def _tags(cell: dict) -> list:
    metadata = cell.get("metadata")
    tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
    return tags if isinstance(tags, list) else []


def parse_parameters(source: str, label: str) -> tuple[dict[str, Parameter], list[str]]:
    """Parse ``name = <literal>`` lines; anything else is a problem naming its line."""
    where = f"{label}, parameters cell"
    try:
        tree = ast.parse(source, type_comments=True)
    except SyntaxError as error:
        return {}, [f"{where}, line {error.lineno}: syntax error ({error.msg})"]
    parameters: dict[str, Parameter] = {}
    problems = []
    for node in tree.body:
        parsed = _literal_assignment(node)
        if parsed is None:
            text = ast.get_source_segment(source, node) or type(node).__name__
            problems.append(
                f"{where}, line {node.lineno}: {text.splitlines()[0]!r} is not a literal "
                "assignment (write name = <literal>)"
            )
            continue
        name, value = parsed
        if name in parameters:
            problems.append(f"{where}, line {node.lineno}: parameter {name!r} assigned twice")
        parameters[name] = Parameter(
            name=name, default=value, line=node.lineno, annotation=_annotation(node)
        )
    return parameters, problems


def _literal_assignment(node: ast.stmt) -> tuple[str, Any] | None:
    """(name, value) of ``name = literal`` / ``name: T = literal``, else None."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    try:
        return target.id, ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _annotation(node: ast.stmt) -> str | None:
    """The type a parameters-cell line declares: its annotation or its ``# type:`` comment."""
    if isinstance(node, ast.AnnAssign):
        return ast.unparse(node.annotation)
    comment = getattr(node, "type_comment", None)  # "Optional[float] help text ..."
    return comment.split()[0] if comment else None


def find_section(sections: list[Section], wanted: str) -> Section | None:
    """Match ``02_course_supply``, ``course_supply`` or ``02`` (with or without .ipynb)."""
    wanted = Path(wanted).name.removesuffix(".ipynb")
    for section in sections:
        if wanted in (section.name, section.short_name, section.name[:2]):
            return section
    return None


def select_sections(sections: list[Section], wanted: list[str]) -> tuple[list[Section], list[str]]:
    """The chosen sections in file-name order (all when ``wanted`` is empty), and problems."""
    if not wanted:
        return list(sections), []
    chosen, problems = [], []
    names = ", ".join(s.name for s in sections) or "(none in notebooks/)"
    for item in wanted:
        section = find_section(sections, item)
        if section is None:
            problems.append(
                f"unknown section {item!r}{_suggest_section(item, sections)}; "
                f"the sections are: {names}"
            )
        elif section not in chosen:
            chosen.append(section)
    return sorted(chosen, key=lambda s: s.name), problems


def _suggest_section(item: str, sections: list[Section]) -> str:
    by_short_name = {s.short_name: s.name for s in sections}
    close = difflib.get_close_matches(item, [*by_short_name, *by_short_name.values()], n=1)
    return f" (did you mean {by_short_name.get(close[0], close[0])!r}?)" if close else ""


# --------------------------------------------------------------------------- parameter files


@dataclass(frozen=True)
class ParamsFile:
    """A loaded parameter file: where it is, how to name it, and its mapping."""

    path: Path
    label: str
    values: dict[str, Any]

    @property
    def stem(self) -> str:
        return self.path.stem


def list_params_files(params_dir: Path) -> list[Path]:
    """The YAML files in ``params/``, sorted."""
    if not params_dir.is_dir():
        return []
    return sorted(p for p in params_dir.iterdir() if p.suffix in PARAMS_SUFFIXES and p.is_file())


def resolve_params_file(given: str, root: Path) -> Path:
    """A path as given (from the current directory, else from the project folder), else the
    file of that name (``.yaml`` optional) in ``params/``. A file that does not exist is
    returned where it was looked for: a bare name in ``params/``, a path in the project."""
    path = Path(given)
    in_params = root / "params" / (given if path.suffix else f"{given}.yaml")
    for candidate in (path, root / given, root / "params" / given, in_params):
        if candidate.is_file():
            return candidate.absolute()
    if path.is_absolute():
        return path
    return in_params if path.name == given else root / path


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"a parameter name must be a plain word, not a {type(key).__name__}",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_params_file(path: Path, root: Path) -> tuple[ParamsFile | None, list[str]]:
    """Parse a YAML parameter file; every fault (not a readable regular file, too large,
    not UTF-8, invalid YAML, anchors or aliases, not a mapping, odd keys) names the file."""
    label = display_path(path, root)
    text, problem = _read_params_text(path, root, label)
    if problem:
        return None, [problem]
    try:
        if any(
            isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)
        ):
            return None, [
                f"{label}: anchors and aliases (&name, *name) are not allowed in parameter files"
            ]
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        problem = error.problem or error.context or "invalid YAML"
        return None, [f"{label}{line}: {problem}"]
    except (yaml.YAMLError, RecursionError) as error:
        return None, [f"{label}: invalid YAML ({type(error).__name__})"]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [f"{label}: expected a mapping of parameter names to values, got {kind}"]
    bad_keys = [k for k in data if not isinstance(k, str) or not k.isidentifier()]
    problems = [f"{label}: parameter name {shown(k)} is not a valid Python name" for k in bad_keys]
    values = {k: v for k, v in data.items() if k not in bad_keys}
    return ParamsFile(path=path, label=label, values=values), problems


def _read_params_text(path: Path, root: Path, label: str) -> tuple[str, str | None]:
    """The file's text, or the reason it cannot be a parameter file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        known = ", ".join(p.name for p in list_params_files(root / "params")) or "none"
        return "", f"{label}: parameter file not found (files in params/: {known})"
    except OSError as error:  # a symlink loop, a name too long, ...
        return "", f"{label}: cannot be opened ({error.strerror or error})"
    if stat.S_ISDIR(status.st_mode):
        return "", f"{label}: is a folder, not a parameter file"
    if not stat.S_ISREG(status.st_mode):
        return "", f"{label}: is not a regular file (a device, pipe or socket)"
    if status.st_size > MAX_PARAMS_BYTES:
        return "", f"{label}: larger than {MAX_PARAMS_BYTES // 1_000_000} MB; not a parameter file"
    try:
        return path.read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return "", f"{label}: {utf8_fault(error)}"
    except OSError as error:
        return "", f"{label}: cannot be read ({error.strerror or error})"


# --------------------------------------------------------------------------- validation


def validate_values(values: Mapping[str, Any], sections: list[Section], label: str) -> list[str]:
    """Every problem in ``values`` (unknown key, wrong type, out of range), naming ``label``."""
    declared = declared_parameters(sections)
    problems = []
    for name, value in values.items():
        if name not in declared:
            problems.append(_unknown_key(label, name, sorted(declared)))
            continue
        fault = type_fault(value, declared[name]) or value_fault(name, value)
        if fault:
            problems.append(f"{label}: parameter {name!r}: {fault}")
    problems += _validator_problems(values, sections, label)
    return problems


def validate_defaults(sections: list[Section], root: Path) -> list[str]:
    """The notebooks' own defaults must satisfy the rules too (``refresh`` runs with them)."""
    problems = []
    for section in sections:
        label = display_path(section.path, root)
        for parameter in section.parameters.values():
            fault = value_fault(parameter.name, parameter.default)
            if fault:
                problems.append(
                    f"{label}, parameters cell, line {parameter.line}: "
                    f"parameter {parameter.name!r}: default {fault}"
                )
    return problems


def declared_parameters(sections: list[Section]) -> dict[str, list[Parameter]]:
    """Every parameter name with its declarations (one per section that declares it)."""
    declared: dict[str, list[Parameter]] = {}
    for section in sections:
        for parameter in section.parameters.values():
            declared.setdefault(parameter.name, []).append(parameter)
    return declared


def type_fault(value: Any, declarations: list[Parameter]) -> str | None:
    """What is wrong with the value's type, compared with each section's default literal."""
    for parameter in declarations:
        if not type_matches(value, parameter.default):
            return (
                f"expected {parameter.type_name} (like the default {parameter.default!r}), "
                f"got {type_name(value)} {value!r}"
            )
    return None


def value_fault(name: str, value: Any) -> str | None:
    """What the rules table says is wrong with the value, if anything."""
    check = rule_for(name)
    return check(value) if check else None


def type_matches(value: Any, default: Any) -> bool:
    """Same type as the default; bool is not int, int is accepted for float, None is open."""
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list | tuple):
        return isinstance(value, list | tuple) and _items_match(value, default)
    return type(value) is type(default)


def _items_match(value: list | tuple, default: list | tuple) -> bool:
    """Items must match the item type of a default whose items share one type."""
    kinds = {type(item) for item in default}
    if len(kinds) != 1:
        return True
    return all(type_matches(item, default[0]) for item in value)


def type_name(value: Any) -> str:
    """A reader's name for a value's type: str, int, float, bool, list of str, null."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple) and value:
        kinds = sorted({type_name(item) for item in value})
        return f"list of {'/'.join(kinds)}"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__


def _unknown_key(label: str, name: str, known: list[str]) -> str:
    return (
        f"{label}: unknown parameter {name!r}{_suggest(name, known)}; no section declares it "
        f"(known parameters: {', '.join(known) or 'none'})"
    )


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _validator_problems(
    values: Mapping[str, Any], sections: list[Section], label: str
) -> list[str]:
    """Run the registered whole-mapping validators over defaults updated by ``values``."""
    if not VALIDATORS:
        return []
    effective = {
        name: declarations[0].default
        for name, declarations in declared_parameters(sections).items()
    }
    effective.update(values)
    return [f"{label}: {message}" for check in VALIDATORS for message in check(effective)]


def section_values(section: Section, values: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``values`` that this section's parameters cell declares."""
    return {name: value for name, value in values.items() if name in section.parameters}
