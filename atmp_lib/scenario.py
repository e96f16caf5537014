"""The scenario: one validated, immutable set of model parameters, declared once.

Each parameter is a field of :class:`Scenario` whose :class:`Spec` says, in one place, its
type, its group, where its default comes from, its allowed range (numbers, or rows of the
data: a fact's bounds, an assumption's ``low``/``high``), whether it may be unknown
(``None``), and whether the sensitivity view varies it. Validation, the explorer's
controls, the notebook's parameters cell (:func:`parameters_cell`, checked by a test) and
``atmp-report list`` (which reads that cell) all follow the specs; the help text of a
parameter is its ``param_<name>`` label.

Defaults come from the data only (a fact, a row of ``assumptions.csv``), never from a
number written here; :func:`default_sources` says where each one comes from. A named
scenario file in ``params/`` holds only what differs from those defaults (overrides).
Validation collects every problem, and each message names the file and the parameter
with its allowed values.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from atmp_lib import datasets
from atmp_lib.errors import ParameterError
from atmp_lib.facts import get_fact
from atmp_lib.i18n import t
from atmp_lib.paths import data_dir, params_dir
from atmp_lib.population import population_of

GROUPS = (
    "horizon",
    "need",
    "ccrm",
    "today",
    "apprenticeship",
    "degree_modules",
    "training_centre",
    "recruited_abroad",
    "uncertainty",
)
#: The options a reader can switch on; each has ``<option>_enabled`` and
#: ``<option>_start_lag_years`` fields and adds capacity from its start year.
OPTIONS = ("apprenticeship", "degree_modules", "training_centre", "recruited_abroad")
#: How a "ca" figure is read: within ± approx_band_pct, or as rounded to a step.
READINGS = ("band", "rounded")
HOME_COUNTRY = "SE"
UK = "GB"
CCRM_FACT = "need_ccrm_nordic"
FILE_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NOT_SCENARIO_FILES = ("default.yaml",)
UNKNOWN = "unknown"


Bound = float | str | None
"""A range end: a number, ``"fact:<id>"`` (the fact's bounds) or ``"assumption:<id>"``
(the row's ``low``/``high``, else its value); None for no upper end."""


@dataclass(frozen=True)
class Spec:
    """Everything about one parameter except its help text (the ``param_<name>`` label).

    ``default`` names where the default comes from: ``fact:<id>``, ``fact_low:<id>``,
    ``fact_high:<id>``, ``assumption:<id>``, ``setting:<value>`` (a model setting, not a
    figure) or ``unknown`` (no default: None). ``discrete`` allows only the two ends of the
    range; ``sensitivity`` puts the parameter in the one-at-a-time sensitivity view when
    ``requires`` (a switch) is on.
    """

    kind: type
    group: str
    default: str
    low: Bound = None
    high: Bound = None
    optional: bool = False
    choices: tuple[str, ...] = ()
    discrete: bool = False
    step: float = 1
    sensitivity: bool = False
    requires: str | None = None
    plain: bool = False  # a year or an id: written without digit grouping

    def bounds(self) -> tuple[float | None, float | None]:
        """(low, high) allowed, read from the data where the spec names a row."""
        directory = str(data_dir())
        return _resolve(self.low, 0, directory), _resolve(self.high, 1, directory)

    @property
    def type_text(self) -> str:
        """The type as the notebook's parameters cell annotates it."""
        name = self.kind.__name__
        return f"Optional[{name}]" if self.optional else name


def _spec(kind: type, group: str, default: str, **options: Any) -> dict[str, Spec]:
    return {"spec": Spec(kind, group, default, **options)}


def _range(ref: str) -> dict[str, str]:
    """Both ends of the range from the same row."""
    return {"low": ref, "high": ref}


def _option(option: str, row: str, **options: Any) -> dict[str, Spec]:
    """A lever of an option: default and range from its assumption row, varied when on."""
    return _spec(
        options.pop("kind", float), option, f"assumption:{row}", **_range(f"assumption:{row}"),
        sensitivity=True, requires=f"{option}_enabled", **options,
    )  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """Every parameter of the need / capacity / uncovered-need model."""

    # horizon
    first_year: int = field(
        metadata=_spec(int, "horizon", "assumption:scenario_first_year",
                       **_range("assumption:scenario_first_year"), plain=True)
    )  # fmt: skip
    horizon_years: int = field(
        metadata=_spec(int, "horizon", "fact:survey_horizon_years", low=1, high=30)
    )
    # the need the survey states
    need_companies: float = field(
        metadata=_spec(float, "need", "fact:need_companies", low=0, high=2000, step=10)
    )
    need_healthcare: float = field(
        metadata=_spec(float, "need", "fact:need_healthcare", low=0, high=500, step=5)
    )
    company_extra_growth_pct: float = field(
        metadata=_spec(float, "need", "assumption:company_extra_growth_pct",
                       **_range("assumption:company_extra_growth_pct"), step=1,
                       sensitivity=True)
    )  # fmt: skip
    # CCRM Nordic, proposed: counted only if established, and only from its start
    ccrm_nordic_established: bool = field(
        metadata=_spec(bool, "ccrm", "assumption:ccrm_established_baseline")
    )
    ccrm_need_low: float = field(
        metadata=_spec(float, "ccrm", f"fact_low:{CCRM_FACT}", **_range(f"fact:{CCRM_FACT}"),
                       step=5)
    )  # fmt: skip
    ccrm_need_high: float = field(
        metadata=_spec(float, "ccrm", f"fact_high:{CCRM_FACT}", **_range(f"fact:{CCRM_FACT}"),
                       step=5)
    )  # fmt: skip
    ccrm_start_lag_years: int = field(
        metadata=_spec(int, "ccrm", "assumption:ccrm_start_lag_years",
                       **_range("assumption:ccrm_start_lag_years"), sensitivity=True,
                       requires="ccrm_nordic_established")
    )  # fmt: skip
    # today's training in Sweden: not in the sources, so no default
    domestic_training_per_year: float | None = field(
        metadata=_spec(float, "today", UNKNOWN, low=0, high=500, optional=True)
    )
    # (a) apprenticeships at the UK's rate
    apprenticeship_enabled: bool = field(
        metadata=_spec(bool, "apprenticeship", "assumption:apprenticeship_enabled_baseline")
    )
    apprenticeship_uk_places: int = field(
        metadata=_spec(int, "apprenticeship", "fact:uk_apprenticeship_places",
                       low="fact:uk_apprenticeship_places",
                       high="assumption:apprenticeship_uk_places_upper", step=10,
                       sensitivity=True, requires="apprenticeship_enabled")
    )  # fmt: skip
    apprenticeship_duration_years: float = field(
        metadata=_option("apprenticeship", "apprenticeship_duration_years", step=0.5)
    )
    apprenticeship_start_lag_years: int = field(
        metadata=_option("apprenticeship", "apprenticeship_start_lag_years", kind=int)
    )
    # (b) ATMP modules in degree programmes
    degree_modules_enabled: bool = field(
        metadata=_spec(bool, "degree_modules", "assumption:degree_modules_enabled_baseline")
    )
    degree_modules_graduates_per_year: int = field(
        metadata=_option("degree_modules", "degree_modules_graduates_per_year", kind=int)
    )
    degree_modules_start_lag_years: int = field(
        metadata=_option("degree_modules", "degree_modules_start_lag_years", kind=int)
    )
    # (c) a national hands-on training centre
    training_centre_enabled: bool = field(
        metadata=_spec(bool, "training_centre", "assumption:training_centre_enabled_baseline")
    )
    training_centre_trained_per_year: int = field(
        metadata=_option("training_centre", "training_centre_trained_per_year", kind=int)
    )
    training_centre_start_lag_years: int = field(
        metadata=_option("training_centre", "training_centre_start_lag_years", kind=int)
    )
    # (d) recruitment from abroad (a share of the companies' need)
    recruited_abroad_enabled: bool = field(
        metadata=_spec(bool, "recruited_abroad", "assumption:recruited_abroad_enabled_baseline")
    )
    recruited_abroad_share: float = field(
        metadata=_option("recruited_abroad", "recruited_abroad_share")
    )
    recruited_abroad_start_lag_years: int = field(
        metadata=_option("recruited_abroad", "recruited_abroad_start_lag_years", kind=int)
    )
    # uncertainty: how "ca" is read, and the Monte Carlo
    approx_reading: str = field(
        metadata=_spec(str, "uncertainty", "setting:band", choices=READINGS)
    )
    approx_band_pct: float = field(
        metadata=_spec(float, "uncertainty", "assumption:approx_band_pct",
                       **_range("assumption:approx_band_pct"))
    )  # fmt: skip
    rounding_step_companies: int = field(
        metadata=_spec(int, "uncertainty", "assumption:rounding_step_companies",
                       **_range("assumption:rounding_step_companies"), discrete=True)
    )  # fmt: skip
    rounding_step_healthcare: int = field(
        metadata=_spec(int, "uncertainty", "assumption:rounding_step_healthcare",
                       **_range("assumption:rounding_step_healthcare"), discrete=True)
    )  # fmt: skip
    draws: int = field(
        metadata=_spec(int, "uncertainty", "assumption:monte_carlo_draws", low=1, high=1_000_000)
    )
    seed: int = field(
        metadata=_spec(int, "uncertainty", "assumption:monte_carlo_seed", low=0, plain=True)
    )

    def __post_init__(self) -> None:
        problems = _mapping_problems(dataclasses.asdict(self), prefix="")
        if problems:
            raise ParameterError(problems)
        for name in FIELD_NAMES:  # 400 given for a float field is stored as 400.0
            object.__setattr__(self, name, _coerce(name, getattr(self, name)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], source: str) -> Scenario:
        """Build from a mapping with exactly the fields' keys (ints accepted for floats)."""
        problems = validate_scenario_mapping(mapping, source)
        if problems:
            raise ParameterError(problems)
        return cls(**{name: _coerce(name, mapping[name]) for name in FIELD_NAMES})

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed; the result is validated like any scenario."""
        unknown = [name for name in changes if name not in SPECS]
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

    def enabled(self, option: str) -> bool:
        """Whether an option (see :data:`OPTIONS`) is switched on."""
        return bool(getattr(self, f"{option}_enabled"))

    def start_year(self, option: str) -> int:
        """The first year an option (or ``ccrm``) delivers: first_year + its start lag."""
        prefix = "ccrm" if option == "ccrm" else option
        return self.first_year + getattr(self, f"{prefix}_start_lag_years")

    @property
    def enabled_options(self) -> tuple[str, ...]:
        return tuple(option for option in OPTIONS if self.enabled(option))

    def with_every_option(self) -> Scenario:
        """The same scenario with all four options switched on at their current settings."""
        return self.replace(**{f"{option}_enabled": True for option in OPTIONS})


SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in dataclasses.fields(Scenario)}
FIELD_NAMES: tuple[str, ...] = tuple(SPECS)


def fields_in_group(group: str) -> list[str]:
    """The field names of one group, in declaration order."""
    return [name for name, spec in SPECS.items() if spec.group == group]


def is_active(scenario: Scenario, name: str) -> bool:
    """Whether a field matters in this scenario (its switch, if any, is on)."""
    requires = SPECS[name].requires
    return requires is None or bool(getattr(scenario, requires))


def sensitivity_ranges(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The declared range of each lever the sensitivity view varies in this scenario."""
    ranges = {}
    for name, spec in SPECS.items():
        if spec.sensitivity and is_active(scenario, name):
            low, high = spec.bounds()
            ranges[name] = (float(low), float(high))
    return ranges


# --------------------------------------------------------------------------- ranges from data


def _resolve(bound: Bound, end: int, directory: str) -> float | None:
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
    return get_fact(datasets.load("facts", Path(directory)), fact_id).bounds


@cache
def _assumption_bounds(assumption_id: str, directory: str) -> tuple[float, float]:
    """An assumption's (low, high); a row without them gives its value at both ends."""
    row = _assumption_row(datasets.load("assumptions", Path(directory)), assumption_id)
    value = float(row["value"])
    low, high = (None if pd.isna(row[end]) else float(row[end]) for end in ("low", "high"))
    return (value if low is None else low, value if high is None else high)


def range_sources(name: str) -> tuple[str, ...]:
    """The data rows a field's range comes from (empty for a range fixed in code)."""
    spec = SPECS[name]
    refs = dict.fromkeys(b for b in (spec.low, spec.high) if isinstance(b, str))
    return tuple(refs)


# --------------------------------------------------------------------------- validation


def validate_scenario_mapping(
    mapping: Mapping[str, Any], source: str, *, partial: bool = False
) -> list[str]:
    """Every problem in a scenario mapping: unknown or missing keys, types, ranges.

    With ``partial`` (a scenario file: overrides only) missing keys are fine. Each message
    starts with ``source`` and names the parameter, e.g. ``params/x.yaml: parameter
    'horizon_years': 40 is out of range (allowed: an integer from 1 to 30)``.
    """
    prefix = f"{source}: " if source else ""
    if not isinstance(mapping, Mapping):
        return [f"{prefix}expected a mapping of parameter names to values"]
    problems = [_unknown_message(prefix, str(name)) for name in mapping if name not in SPECS]
    if not partial:
        problems += [
            f"{prefix}missing parameter '{name}' ({allowed_text(name)})"
            for name in FIELD_NAMES
            if name not in mapping
        ]
    known = {name: value for name, value in mapping.items() if name in SPECS}
    return problems + _mapping_problems(known, prefix)


def _unknown_message(prefix: str, name: str) -> str:
    return f"{prefix}unknown parameter '{name}'; the parameters are: {', '.join(FIELD_NAMES)}"


def _mapping_problems(values: Mapping[str, Any], prefix: str) -> list[str]:
    """Type and range faults of the given fields, then the rules linking fields."""
    problems = [
        f"{prefix}parameter '{name}': {fault}"
        for name, value in values.items()
        if (fault := value_fault(name, value))
    ]
    if not problems:
        problems += [f"{prefix}{message}" for message in _cross_field_faults(values)]
    return problems


def allowed_text(name: str) -> str:
    """What a field allows, in words: "allowed: an integer from 1 to 30"."""
    spec = SPECS[name]
    if spec.kind is bool:
        text = "true or false"
    elif spec.kind is str:
        text = "one of " + ", ".join(spec.choices)
    else:
        low, high = spec.bounds()
        kind = "an integer" if spec.kind is int else "a number"
        if spec.discrete:
            text = f"{_bound(low)} or {_bound(high)}"
        elif high is None:  # no "=" in the text: papermill's help parser splits on it
            text = f"{kind} of {_bound(low)} or more"
        else:
            text = f"{kind} from {_bound(low)} to {_bound(high)}"
    if spec.optional:
        text += ", or null (not known)"
    return f"allowed: {text}"


def _bound(value: float) -> str:
    """A range bound as written in a file: 1000000, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def value_fault(name: str, value: Any) -> str | None:
    """What is wrong with one field's value (None, type, then range), or None."""
    spec = SPECS[name]
    if value is None:
        return None if spec.optional else f"null is not allowed ({allowed_text(name)})"
    if spec.kind is bool:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if spec.kind is str:
        return None if value in spec.choices else f"{value!r} is not allowed ({allowed_text(name)})"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number ({allowed_text(name)})"
    if spec.kind is int and not isinstance(value, int):
        return f"{value!r} is not an integer ({allowed_text(name)})"
    if not math.isfinite(value):
        return f"{value!r} is not a finite number ({allowed_text(name)})"
    low, high = spec.bounds()
    outside = value < low or (high is not None and value > high)
    if outside or (spec.discrete and value not in (low, high)):
        return f"{value!r} is out of range ({allowed_text(name)})"
    return None


def _cross_field_faults(values: Mapping[str, Any]) -> list[str]:
    """Rules between fields: CCRM Nordic's low <= high."""
    if {"ccrm_need_low", "ccrm_need_high"} <= values.keys():
        low, high = values["ccrm_need_low"], values["ccrm_need_high"]
        if low > high:
            return [
                f"parameter 'ccrm_need_low': {low!r} is above 'ccrm_need_high' ({high!r}) "
                "(allowed: low <= high)"
            ]
    return []


def _coerce(name: str, value: Any) -> Any:
    return float(value) if SPECS[name].kind is float and value is not None else value


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- YAML files


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects a key given twice instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"parameter {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_overrides(path: Path | str) -> dict[str, Any]:
    """The validated mapping a scenario file holds (only what differs from the baseline)."""
    path = Path(path)
    label = display_name(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise ParameterError([f"{label}: scenario file not found"]) from None
    except yaml.YAMLError as error:
        raise ParameterError([f"{label}: invalid YAML ({error})"]) from None
    data = {} if data is None else data
    problems = validate_scenario_mapping(data, label, partial=True)
    if problems:
        raise ParameterError(problems)
    return dict(data)


def load_scenario(path: Path | str, base: Scenario | None = None) -> Scenario:
    """The baseline (from the data, unless ``base`` is given) with a file's overrides."""
    overrides = read_overrides(path)
    base = base or load_default_scenario()
    return Scenario.from_mapping({**base.to_mapping(), **overrides}, display_name(Path(path)))


def save_scenario(
    scenario: Scenario,
    path: Path | str,
    base: Scenario,
    *,
    overwrite: bool = False,
    comment: str = "",
) -> Path:
    """Write what differs from ``base`` as YAML; refuses to replace a file unless ``overwrite``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{display_name(path)} exists; pass overwrite=True to replace it")
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    changes = scenario.overrides(base)
    body = yaml.safe_dump(changes, sort_keys=False, allow_unicode=True) if changes else "{}\n"
    path.write_text(header + body, encoding="utf-8")
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
    (an empty file is the baseline); ``default.yaml`` sets the whole report's defaults."""
    if path.name in NOT_SCENARIO_FILES:
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return True  # let load_scenario report it
    data = {} if data is None else data
    return isinstance(data, dict) and set(data) <= set(FIELD_NAMES)


def named_scenarios(
    directory: Path | None = None, base: Scenario | None = None
) -> dict[str, Scenario]:
    """Every scenario file in ``params/`` by file stem, baseline first, then by name."""
    directory = directory or params_dir()
    base = base or load_default_scenario()
    paths = [p for p in directory.glob("*.yaml") if is_scenario_file(p)]
    paths.sort(key=lambda p: (p.stem != "baseline", _natural_key(p.stem)))
    return {path.stem: load_scenario(path, base) for path in paths}


def _natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key putting "ccrm_50" before "ccrm_100" (digits compared as numbers)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name)]


def from_parameters(namespace: Mapping[str, Any], source: str) -> Scenario:
    """The scenario a notebook's parameters cell (after papermill) describes."""
    values = {name: namespace[name] for name in FIELD_NAMES if name in namespace}
    return Scenario.from_mapping(values, source)


# --------------------------------------------------------------------------- defaults


@dataclass(frozen=True)
class Origin:
    """Where a default comes from: a fact, an assumption, a setting, or unknown."""

    value: Any
    kind: str  # fact | assumption | setting | unknown
    ids: tuple[str, ...]

    @property
    def basis(self) -> str:
        """The claims-register basis of the default (``fact:<id>``, ``assumption:<id>``)."""
        if self.kind in ("fact", "assumption"):
            return f"{self.kind}:{self.ids[0]}"
        return "name:setting"


@dataclass(frozen=True)
class Basis:
    """What the model needs from the data besides the parameters."""

    need_period_years: int  # the survey's "kommande 5 år"
    ccrm_period_years: int  # CCRM Nordic's "inom en 5-årsperiod efter start"
    population_sweden: int
    population_uk: int

    @property
    def uk_to_sweden(self) -> float:
        """Sweden's population over the UK's: scales a UK count to Sweden's size."""
        return self.population_sweden / self.population_uk


def basis_from_tables(facts: pd.DataFrame, population: pd.DataFrame) -> Basis:
    """The periods from the facts and the two populations (for the UK rate)."""
    return Basis(
        need_period_years=int(get_fact(facts, "survey_horizon_years").central),
        ccrm_period_years=int(get_fact(facts, "ccrm_need_period_years").central),
        population_sweden=population_of(population, HOME_COUNTRY),
        population_uk=population_of(population, UK),
    )


def load_basis() -> Basis:
    """:func:`basis_from_tables` from the shipped tables."""
    return basis_from_tables(datasets.load("facts"), datasets.load("population"))


def _assumption_row(assumptions: pd.DataFrame, assumption_id: str) -> pd.Series:
    match = assumptions[assumptions["id"] == assumption_id]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {assumption_id!r}")
    return match.iloc[0]


def assumption_value(assumptions: pd.DataFrame, assumption_id: str) -> float:
    """The value of one row of ``assumptions.csv``; a clear error names a missing id."""
    return float(_assumption_row(assumptions, assumption_id)["value"])


def default_origin(name: str, facts: pd.DataFrame, assumptions: pd.DataFrame) -> Origin:
    """One field's default and the row it comes from."""
    spec = SPECS[name]
    kind, _, ref = spec.default.partition(":")
    if kind == UNKNOWN:
        return Origin(None, UNKNOWN, ())
    if kind == "setting":
        return Origin(ref, "setting", ())
    if kind == "assumption":
        value: Any = assumption_value(assumptions, ref)
    else:
        fact = get_fact(facts, ref)
        value = {"fact": fact.central, "fact_low": fact.bounds[0], "fact_high": fact.bounds[1]}[
            kind
        ]
    value = value != 0 if spec.kind is bool else spec.kind(value)
    return Origin(value, "assumption" if kind == "assumption" else "fact", (ref,))


def default_sources(facts: pd.DataFrame, assumptions: pd.DataFrame) -> dict[str, Origin]:
    """Each field's default and where it comes from, in field order."""
    return {name: default_origin(name, facts, assumptions) for name in FIELD_NAMES}


def default_scenario(facts: pd.DataFrame, assumptions: pd.DataFrame) -> Scenario:
    """The baseline: the companies' and healthcare's stated need, every field at its default."""
    sources = default_sources(facts, assumptions)
    return Scenario.from_mapping({name: o.value for name, o in sources.items()}, "defaults")


def load_default_scenario() -> Scenario:
    """:func:`default_scenario` from the shipped tables."""
    return default_scenario(datasets.load("facts"), datasets.load("assumptions"))


# --------------------------------------------------------------------------- notebook


def parameters_cell(defaults: Scenario) -> str:
    """The notebook's parameters cell: literals with types and a help comment each.

    ``papermill --help-notebook`` shows the types and comments; a test checks that the
    notebook holds exactly this text, so the cell never drifts from the specs and data.
    """
    lines = ['lang: str = "en"  # page language: en or sv']
    for name in FIELD_NAMES:
        spec = SPECS[name]
        value = _literal(getattr(defaults, name))
        help_text = f"{t(f'param_{name}', 'en')}; {allowed_text(name)}"
        if spec.optional:  # a type comment: "Optional[float]" would need an import
            lines.append(f"{name} = {value}  # type: {spec.type_text} {help_text}")
        else:
            lines.append(f"{name}: {spec.type_text} = {value}  # {help_text}")
    return "\n".join(lines)


def _literal(value: Any) -> str:
    """A Python literal; strings in double quotes like the rest of the notebooks."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


