"""The scenario: one validated, immutable set of model parameters, and where its values come from.

:class:`Scenario` takes its fields from the section's declarations
(:data:`~atmp_lib.sections.scenarios.parameters.FIELDS`): names, types, ranges and choices
are written there once, and every check here asks the declared
:class:`~atmp_lib.parameters.Param`. Defaults come from the data at one place,
:func:`default_origins` (a fact, an assumption row), apart from the report's settings that
each parameter declares as its literal default; :func:`resolve` is the one function that
turns a None meaning "the default from the data" into that default. The one parameter with
no default, today's training in Sweden, keeps None as "not known from the sources".

A named scenario file in ``params/`` holds only what differs from the baseline (overrides).
Validation collects every problem, and each message names the file and the parameter with
its allowed values. Nothing here knows a language.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from atmp_lib import datasets
from atmp_lib.errors import ParameterError
from atmp_lib.facts import get_fact
from atmp_lib.files import write_text_atomic
from atmp_lib.parameters import cross_check_problems, data_value
from atmp_lib.params import load_params_file
from atmp_lib.paths import params_dir
from atmp_lib.sections.scenarios.parameters import (
    BY_NAME,
    FIELD_NAMES,
    FIELDS,
    OPTIONS,
)

FILE_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NOT_SCENARIO_FILES = ("default.yaml",)


# --------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class Scenario:
    """Every parameter of the need / capacity / uncovered-need model, as declared in
    :data:`~atmp_lib.sections.scenarios.parameters.FIELDS` (its fields are built from them).

    Values are resolved: a default from the data is in place, so None appears only where it
    means "not known" (today's training in Sweden).
    """

    __annotations__ = {field.name: field.field_type for field in FIELDS}

    def __post_init__(self) -> None:
        problems = _mapping_problems(asdict(self), prefix="")
        if problems:
            raise ParameterError(problems)
        for name in FIELD_NAMES:  # 400 given for a float field is stored as 400.0
            object.__setattr__(self, name, _coerce(name, getattr(self, name)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], source: str) -> Scenario:
        """Build from a mapping with exactly the fields' keys, resolved (ints accepted for
        floats)."""
        problems = validate_scenario_mapping(mapping, source)
        if problems:
            raise ParameterError(problems)
        return cls(**{name: _coerce(name, mapping[name]) for name in FIELD_NAMES})

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed; the result is validated like any scenario."""
        unknown = [name for name in changes if name not in BY_NAME]
        if unknown:
            raise ParameterError([_unknown_message("", name) for name in unknown])
        return Scenario.from_mapping({**self.to_mapping(), **changes}, "scenario")

    def to_mapping(self) -> dict[str, Any]:
        """The fields in declaration order, whole-number floats written as ints (for YAML)."""
        return {name: _plain(getattr(self, name)) for name in FIELD_NAMES}

    def overrides(self, base: Scenario) -> dict[str, Any]:
        """The fields whose value differs from ``base`` (what a scenario file holds)."""
        return {
            name: value for name, value in self.to_mapping().items()
            if getattr(self, name) != getattr(base, name)
        }  # fmt: skip

    @property
    def years(self) -> list[int]:
        """The calendar years of the horizon."""
        return list(range(self.first_year, self.first_year + self.horizon_years))

    @property
    def last_year(self) -> int:
        return self.first_year + self.horizon_years - 1

    @property
    def domestic_known(self) -> bool:
        """Whether today's training in Sweden was entered (the sources do not give it)."""
        return self.domestic_training_per_year is not None

    def enabled(self, option: str) -> bool:
        """Whether an option (see :data:`OPTIONS`) is switched on."""
        return bool(getattr(self, f"{option}_enabled"))

    def start_year(self, option: str) -> int:
        """The first year an option (or ``ccrm``) delivers: first_year + its start lag."""
        return self.first_year + getattr(self, f"{option}_start_lag_years")

    @property
    def enabled_options(self) -> tuple[str, ...]:
        return tuple(option for option in OPTIONS if self.enabled(option))

    def with_every_option(self) -> Scenario:
        """The same scenario with all four options switched on at their current settings."""
        return self.replace(**{f"{option}_enabled": True for option in OPTIONS})


@dataclass(frozen=True)
class Basis:
    """What the model needs from the data besides the parameters: the periods the stated
    needs cover."""

    need_period_years: int  # the survey's "kommande 5 år"
    ccrm_period_years: int  # CCRM Nordic's "inom en 5-årsperiod efter start"


def basis_from_tables(facts: pd.DataFrame) -> Basis:
    """The periods from the facts."""
    return Basis(
        need_period_years=int(get_fact(facts, "survey_horizon_years").central),
        ccrm_period_years=int(get_fact(facts, "ccrm_need_period_years").central),
    )


def load_basis() -> Basis:
    """:func:`basis_from_tables` from the shipped facts."""
    return basis_from_tables(datasets.load("facts"))


# --------------------------------------------------------------------------- which fields matter


def fields_in_group(group: str) -> list[str]:
    """The field names of one group, in declaration order."""
    return [field.name for field in FIELDS if field.group == group]


def is_active(scenario: Scenario, name: str, basis: Basis) -> bool:
    """Whether a field can change the result here: its switch (if any) is on, and a lever
    for the years after the survey period has such years in the horizon."""
    field = BY_NAME[name]
    if field.requires is not None and not getattr(scenario, field.requires):
        return False
    return not field.beyond_survey or scenario.horizon_years > basis.need_period_years


def sensitivity_ranges(scenario: Scenario, basis: Basis) -> dict[str, tuple[float, float]]:
    """The declared range of each lever the sensitivity view varies in this scenario."""
    ranges = {}
    for field in FIELDS:
        if field.sensitivity and is_active(scenario, field.name, basis):
            low, high = field.param.bounds()
            ranges[field.name] = (float(low), float(high))
    return ranges


def range_sources(name: str) -> tuple[str, ...]:
    """The data rows a field's range comes from (empty for a range fixed in code)."""
    param = BY_NAME[name].param
    return tuple(dict.fromkeys(b for b in (param.low, param.high) if isinstance(b, str)))


# --------------------------------------------------------------------------- validation


def validate_scenario_mapping(
    mapping: Mapping[str, Any], source: str, *, partial: bool = False
) -> list[str]:
    """Every problem in a scenario mapping: unknown or missing keys, types, ranges.

    With ``partial`` (a scenario file: overrides only, None standing for the default from
    the data) missing keys are fine. Each message starts with ``source`` and names the
    parameter, e.g. ``params/x.yaml: parameter 'horizon_years': 40 is out of range
    (allowed: an integer from 1 to 30)``.
    """
    prefix = f"{source}: " if source else ""
    if not isinstance(mapping, Mapping):
        return [f"{prefix}expected a mapping of parameter names to values"]
    problems = [_unknown_message(prefix, str(name)) for name in mapping if name not in BY_NAME]
    if not partial:
        problems += [
            f"{prefix}missing parameter '{name}' (allowed: {BY_NAME[name].param.allowed()})"
            for name in FIELD_NAMES
            if name not in mapping
        ]
    known = {name: value for name, value in mapping.items() if name in BY_NAME}
    return problems + _mapping_problems(known, prefix, resolved=not partial)


def _unknown_message(prefix: str, name: str) -> str:
    return f"{prefix}unknown parameter '{name}'; the parameters are: {', '.join(FIELD_NAMES)}"


def _mapping_problems(values: Mapping[str, Any], prefix: str, resolved: bool = True) -> list[str]:
    """Type and range faults of the given fields (as their Params state them), then the
    rule linking fields; ``resolved`` values may hold None only where it means unknown."""
    problems = []
    for name, value in values.items():
        param = BY_NAME[name].param
        fault = param.fault(value)
        if fault is None and value is None and resolved and param.data_default:
            fault = f"None is not resolved to the default from the data ({param.data_default})"
        if fault:
            problems.append(f"{prefix}parameter '{name}': {fault}")
    if not problems:
        problems += [f"{prefix}{message}" for message in cross_check_problems("scenarios", values)]
    return problems


def _coerce(name: str, value: Any) -> Any:
    return float(value) if BY_NAME[name].kind is float and value is not None else value


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- defaults


@dataclass(frozen=True)
class Origin:
    """Where a field's default comes from: a fact, an assumption, a setting declared with
    the parameter, or nothing (unknown)."""

    value: Any
    kind: str  # fact | assumption | setting | unknown
    ref: str = ""  # the data reference (fact_low:need_ccrm_nordic) or the parameter's name

    @property
    def row(self) -> str:
        """The id of the row the default comes from (``need_ccrm_nordic``)."""
        return self.ref.partition(":")[2]

    @property
    def basis(self) -> str:
        """The claims-register basis of the default (``fact:<id>``, ``assumption:<id>``)."""
        if self.kind in ("fact", "assumption"):
            return f"{self.kind}:{self.row}"
        return f"parameter:{self.ref}"


def default_origin(name: str, facts: pd.DataFrame, assumptions: pd.DataFrame) -> Origin:
    """One field's default and where it comes from."""
    param = BY_NAME[name].param
    if param.data_default:
        kind = "assumption" if param.data_default.startswith("assumption:") else "fact"
        return Origin(data_value(param, facts, assumptions), kind, param.data_default)
    if param.optional:
        return Origin(None, "unknown", name)
    return Origin(param.default, "setting", name)


def default_origins(facts: pd.DataFrame, assumptions: pd.DataFrame) -> dict[str, Origin]:
    """Each field's default and where it comes from, in field order: the one place the
    defaults are read from the data."""
    return {name: default_origin(name, facts, assumptions) for name in FIELD_NAMES}


def resolve(values: Mapping[str, Any], defaults: Scenario) -> dict[str, Any]:
    """``values`` with each None that stands for the default from the data replaced by that
    default (taken from ``defaults``); the None of "not known" stays."""
    return {
        name: getattr(defaults, name)
        if value is None and name in BY_NAME and BY_NAME[name].param.data_default else value
        for name, value in values.items()
    }  # fmt: skip


def default_scenario(facts: pd.DataFrame, assumptions: pd.DataFrame) -> Scenario:
    """The baseline: the companies' and healthcare's stated need, every field at its default."""
    origins = default_origins(facts, assumptions)
    return Scenario.from_mapping({name: o.value for name, o in origins.items()}, "defaults")


def load_default_scenario() -> Scenario:
    """:func:`default_scenario` from the shipped tables."""
    return default_scenario(datasets.load("facts"), datasets.load("assumptions"))


def from_parameters(namespace: Mapping[str, Any], source: str, defaults: Scenario) -> Scenario:
    """The scenario a notebook's parameters cell (after papermill) describes: every field
    taken from ``namespace``, None resolved to the default from the data."""
    values = {name: namespace[name] for name in FIELD_NAMES if name in namespace}
    return Scenario.from_mapping(resolve(values, defaults), source)


# --------------------------------------------------------------------------- YAML files


def read_overrides(path: Path | str) -> dict[str, Any]:
    """The validated mapping a scenario file holds (only what differs from the baseline),
    read as strictly as any parameter file (size, encoding, aliases, duplicate keys)."""
    path = Path(path)
    loaded, problems = load_params_file(path, params_dir().parent)
    if loaded is None or problems:
        raise ParameterError(problems)
    problems = validate_scenario_mapping(loaded.values, loaded.label, partial=True)
    if problems:
        raise ParameterError(problems)
    return dict(loaded.values)


def load_scenario(path: Path | str, base: Scenario | None = None) -> Scenario:
    """The baseline (from the data, unless ``base`` is given) with a file's overrides."""
    base = base or load_default_scenario()
    overrides = resolve(read_overrides(path), base)
    return Scenario.from_mapping({**base.to_mapping(), **overrides}, display_name(Path(path)))


def scenario_yaml(scenario: Scenario, base: Scenario, comment: str = "") -> str:
    """The text of a scenario file: what differs from ``base``, after a comment."""
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    changes = scenario.overrides(base)
    body = yaml.safe_dump(changes, sort_keys=False, allow_unicode=True) if changes else "{}\n"
    return header + body


def save_scenario(
    scenario: Scenario,
    path: Path | str,
    base: Scenario,
    *,
    overwrite: bool = False,
    comment: str = "",
) -> Path:
    """Write what differs from ``base`` as YAML, atomically (a temporary file renamed over
    the name). Refuses to replace a file unless ``overwrite``, and never follows a symbolic
    link or replaces anything but a regular file."""
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(errno.EPERM, "not a regular file (a link or a folder); left as it is",
                      display_name(path))  # fmt: skip
    if path.exists() and not overwrite:
        raise FileExistsError(f"{display_name(path)} exists; pass overwrite=True to replace it")
    write_text_atomic(path, scenario_yaml(scenario, base, comment))
    return path


def scenario_path(name: str, directory: Path | None = None) -> Path:
    """``params/<name>.yaml`` for a file name typed by a person, checked to be a plain name."""
    stem = name.strip().removesuffix(".yaml")
    if not FILE_NAME_PATTERN.match(stem):
        raise ValueError(
            f"scenario name {name!r}: use lower-case letters, digits, '_' or '-' "
            "(up to 64 characters, e.g. ccrm_2025)"
        )
    return (directory or params_dir()) / f"{stem}.yaml"


def display_name(path: Path) -> str:
    """``params/x.yaml`` for files in the project's params folder, else the path."""
    try:
        return path.resolve().relative_to(params_dir().parent.resolve()).as_posix()
    except ValueError:
        return str(path)


def is_scenario_file(path: Path) -> bool:
    """A YAML file in params/ is a scenario when every key it sets is a scenario parameter
    (an empty file is the baseline); ``default.yaml`` sets the whole report's defaults. A
    file that cannot be read counts as one, so that reading it reports the fault."""
    if path.name in NOT_SCENARIO_FILES:
        return False
    loaded, problems = load_params_file(path, params_dir().parent)
    return loaded is None or bool(problems) or set(loaded.values) <= set(FIELD_NAMES)


def scenario_files(directory: Path | None = None) -> list[Path]:
    """The scenario files in ``params/``: baseline first, then by name."""
    directory = directory or params_dir()
    paths = [p for p in directory.glob("*.yaml") if is_scenario_file(p)]
    return sorted(paths, key=lambda p: (p.stem != "baseline", _natural_key(p.stem)))


def scenario_file_problems(directory: Path | None = None) -> list[str]:
    """Why a scenario file in ``params/`` cannot be compared (the scenarios page reads them
    all), each naming the file: a name that is not a plain file name, or a bad file."""
    problems = []
    for path in scenario_files(directory):
        if not FILE_NAME_PATTERN.match(path.stem):
            problems.append(
                f"{display_name(path)}: a scenario file's name uses lower-case letters, digits, "
                "'_' or '-' (up to 64 characters); rename it"
            )
            continue
        try:
            read_overrides(path)
        except ParameterError as error:
            problems += error.problems
    return problems


def named_scenarios(
    directory: Path | None = None, base: Scenario | None = None
) -> dict[str, Scenario]:
    """Every scenario file in ``params/`` by file stem, baseline first, then by name."""
    problems = scenario_file_problems(directory)
    if problems:
        raise ParameterError(problems)
    base = base or load_default_scenario()
    return {path.stem: load_scenario(path, base) for path in scenario_files(directory)}


def _natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key putting "ccrm_50" before "ccrm_100" (digits compared as numbers)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name)]
