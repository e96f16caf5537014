"""Sections, their parameters cells and YAML parameter files, validated before any kernel starts.

A *section* is a notebook ``notebooks/NN_<name>.ipynb``; its cell tagged ``parameters`` holds
literal assignments only (``lang: str = "en"  # help``), read here with :mod:`ast` so that
nothing in a notebook is executed to learn its parameters. A *parameter file* is a YAML
mapping in ``params/``; it may hold keys for several sections, and each notebook later
receives only the keys its own parameters cell declares.

The rules come from the sections' declarations (:mod:`atmp_lib.parameters`), registered
when :data:`EXTENSION_MODULES` are imported; a parameter a section does not declare is
only held to the type of its literal default. Validation collects every problem (it never
stops at the first) and each message names the file and the parameter.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from atmp_lib import parameters
from atmp_lib.errors import utf8_fault
from atmp_lib.parameters import shown
from atmp_lib.paths import display_path

SECTION_PATTERN = re.compile(r"^(\d{2})_([A-Za-z0-9_]+)\.ipynb$")
PARAMETERS_TAG = "parameters"
PARAMS_SUFFIXES = (".yaml", ".yml")

#: Modules imported by :func:`load_extensions` before validation: they register the
#: sections' parameter declarations (:func:`atmp_lib.parameters.register`).
EXTENSION_MODULES: tuple[str, ...] = ("atmp_lib.sections",)

MAX_PARAMS_BYTES = 1_000_000  # a parameter file is a few lines; refuse a runaway one



# --------------------------------------------------------------------------- rules


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
    readable: bool = True  # False when its parameters cell had lines that are not literals

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
        sections.append(Section(path.stem, path, parameters, readable=not found))
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
    """Every problem in ``values`` (unknown key, wrong type, not allowed), naming ``label``,
    then the rules between each section's parameters over its effective values."""
    declared = declared_parameters(sections)
    problems = []
    for name, value in values.items():
        if name not in declared:
            problems.append(_unknown_key(label, name, sorted(declared)))
            continue
        fault = value_fault(name, value, declared[name], sections)
        if fault:
            problems.append(f"{label}: parameter {name!r}: {fault}")
    if problems:
        return problems
    for section in sections:
        effective = {name: p.default for name, p in section.parameters.items()}
        effective.update(section_values(section, values))
        problems += [
            f"{label}: {message}"
            for message in parameters.cross_check_problems(section.short_name, effective)
        ]
    return problems


def validate_defaults(sections: list[Section], root: Path) -> list[str]:
    """Each section's parameters cell declares what its section declares, and its own
    defaults satisfy the rules (``refresh`` runs with them)."""
    problems = []
    for section in sections:
        label = display_path(section.path, root)
        problems += _declaration_problems(section, label)
        declared = parameters.schema(section.short_name)
        for parameter in section.parameters.values():
            rule = declared.get(parameter.name)
            fault = rule.fault(parameter.default) if rule else None
            if fault:
                problems.append(
                    f"{label}, parameters cell, line {parameter.line}: "
                    f"parameter {parameter.name!r}: default {fault}"
                )
    return problems


def _declaration_problems(section: Section, label: str) -> list[str]:
    """Names in the parameters cell and in the section's declarations must agree."""
    declared = parameters.schema(section.short_name)
    if not declared:
        return []
    cell = set(section.parameters)
    where = f"atmp_lib/sections/{section.short_name}/parameters.py"
    missing = sorted(set(declared) - cell) if section.readable else []
    return [
        f"{label}, parameters cell: parameter {name!r} is not declared in {where}"
        for name in sorted(cell - set(declared))
    ] + [f"{label}, parameters cell: parameter {name!r} declared in {where} is missing"
         for name in missing]  # fmt: skip


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


def value_fault(
    name: str, value: Any, declarations: list[Parameter], sections: list[Section]
) -> str | None:
    """What is wrong with a value: against each declaring section's rule for it, else
    against the type of the section's literal default."""
    for section in sections:
        if name not in section.parameters:
            continue
        rule = parameters.schema(section.short_name).get(name)
        fault = rule.fault(value) if rule else type_fault(value, [section.parameters[name]])
        if fault:
            return fault
    return None


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


def section_values(section: Section, values: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``values`` that this section's parameters cell declares."""
    return {name: value for name, value in values.items() if name in section.parameters}
