"""The scenario: one validated, immutable set of model parameters, loaded from and saved to YAML.

A scenario file in ``params/`` is a YAML mapping whose keys are exactly the fields of
:class:`Scenario`. Every default comes from the data (a fact, the population table or a row
of ``assumptions.csv``), never from a number written here: :func:`default_sources` says
where each one comes from. Validation collects every problem and each message names the
file and the parameter with its allowed values.
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

from atmp_lib import datasets, params
from atmp_lib.facts import get_fact
from atmp_lib.international import uk_apprentices_per_million
from atmp_lib.normalise import population_of
from atmp_lib.paths import data_dir, params_dir

GROUPS = ("horizon", "demand", "ccrm", "supply", "uncertainty")
HOME_COUNTRY = "SE"
CCRM_FACT = "need_ccrm_nordic"
FILE_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NOT_SCENARIO_FILES = ("default.yaml",)


class ScenarioError(ValueError):
    """A scenario is invalid; ``problems`` lists every fault found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Spec:
    """What a field accepts: its type, its range (or the fact whose range it is) and group."""

    kind: type
    group: str
    low: float | None = None
    high: float | None = None
    bounds_fact: str | None = None
    step: float = 1

    def bounds(self) -> tuple[float | None, float | None]:
        """(low, high) allowed; a ``bounds_fact`` gives the range the source states."""
        if self.bounds_fact:
            return _fact_bounds(self.bounds_fact, str(data_dir()))
        return self.low, self.high


def _spec(kind: type, group: str, **options: Any) -> dict[str, Spec]:
    return {"spec": Spec(kind, group, **options)}


@dataclass(frozen=True)
class Scenario:
    """Every parameter of the demand/supply/gap model; invalid values raise ScenarioError."""

    # horizon
    first_year: int = field(metadata=_spec(int, "horizon", low=2000, high=2100))
    horizon_years: int = field(metadata=_spec(int, "horizon", low=1, high=30))
    # demand: the survey's needs over its period, spread evenly over the period's years
    need_period_years: int = field(metadata=_spec(int, "demand", low=1, high=30))
    need_companies: float = field(metadata=_spec(float, "demand", low=0, high=10_000, step=10))
    need_healthcare: float = field(metadata=_spec(float, "demand", low=0, high=10_000, step=5))
    company_extra_growth_pct: float = field(
        metadata=_spec(float, "demand", low=0, high=100, step=0.5)
    )
    healthcare_loss_pct: float = field(metadata=_spec(float, "demand", low=0, high=100, step=0.5))
    # CCRM Nordic
    ccrm_established: bool = field(metadata=_spec(bool, "ccrm"))
    ccrm_need_low: float = field(metadata=_spec(float, "ccrm", bounds_fact=CCRM_FACT, step=5))
    ccrm_need_high: float = field(metadata=_spec(float, "ccrm", bounds_fact=CCRM_FACT, step=5))
    ccrm_start_year: int = field(metadata=_spec(int, "ccrm", low=2000, high=2100))
    # supply
    on_the_job_enabled: bool = field(metadata=_spec(bool, "supply"))
    on_the_job_per_year: float = field(metadata=_spec(float, "supply", low=0, high=10_000))
    apprenticeship_enabled: bool = field(metadata=_spec(bool, "supply"))
    apprentices_per_million: float = field(
        metadata=_spec(float, "supply", low=0, high=1_000, step=0.1)
    )
    apprenticeship_duration_years: float = field(
        metadata=_spec(float, "supply", low=1, high=6, step=0.5)
    )
    degree_module_graduates_per_year: float = field(
        metadata=_spec(float, "supply", low=0, high=10_000)
    )
    recruited_abroad_share: float = field(metadata=_spec(float, "supply", low=0, high=100))
    population_sweden: int = field(metadata=_spec(int, "supply", low=1, high=100_000_000))
    # uncertainty
    approx_band_pct: float = field(metadata=_spec(float, "uncertainty", low=0, high=100))
    draws: int = field(metadata=_spec(int, "uncertainty", low=1, high=1_000_000))
    seed: int = field(metadata=_spec(int, "uncertainty", low=0))

    def __post_init__(self) -> None:
        problems = _mapping_problems(dataclasses.asdict(self), prefix="")
        if problems:
            raise ScenarioError(problems)
        for name in FIELD_NAMES:  # 400 given for a float field is stored as 400.0
            object.__setattr__(self, name, _coerce(name, getattr(self, name)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], source: str) -> Scenario:
        """Build from a mapping with exactly the fields' keys (ints accepted for floats)."""
        problems = validate_scenario_mapping(mapping, source)
        if problems:
            raise ScenarioError(problems)
        return cls(**{name: _coerce(name, mapping[name]) for name in FIELD_NAMES})

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed; the result is validated like any scenario."""
        unknown = [name for name in changes if name not in SPECS]
        if unknown:
            raise ScenarioError([_unknown_message("", name) for name in unknown])
        values = {**self.to_mapping(), **changes}
        return Scenario.from_mapping(values, "scenario")

    def to_mapping(self) -> dict[str, Any]:
        """The fields in declaration order, whole-number floats written as ints (for YAML)."""
        return {name: _plain(getattr(self, name)) for name in FIELD_NAMES}

    @property
    def years(self) -> list[int]:
        """The calendar years of the horizon."""
        return list(range(self.first_year, self.first_year + self.horizon_years))

    @property
    def last_year(self) -> int:
        return self.first_year + self.horizon_years - 1


SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in dataclasses.fields(Scenario)}
FIELD_NAMES: tuple[str, ...] = tuple(SPECS)


@cache
def _fact_bounds(fact_id: str, directory: str) -> tuple[float, float]:
    """A range fact's (low, high), cached per data folder."""
    return get_fact(datasets.load("facts", Path(directory)), fact_id).bounds


def fields_in_group(group: str) -> list[str]:
    """The field names of one group, in declaration order."""
    return [name for name, spec in SPECS.items() if spec.group == group]


# --------------------------------------------------------------------------- validation


def validate_scenario_mapping(mapping: Mapping[str, Any], source: str) -> list[str]:
    """Every problem in a scenario mapping: unknown or missing keys, types, ranges.

    Each message starts with ``source`` (the file) and names the parameter, e.g.
    ``params/x.yaml: parameter 'horizon_years': 40 is out of range (allowed: an integer
    from 1 to 30)``.
    """
    prefix = f"{source}: " if source else ""
    if not isinstance(mapping, Mapping):
        return [f"{prefix}expected a mapping of parameter names to values"]
    problems = [_unknown_message(prefix, str(name)) for name in mapping if name not in SPECS]
    problems += [
        f"{prefix}missing parameter '{name}' ({allowed_text(name)})"
        for name in FIELD_NAMES
        if name not in mapping
    ]
    known = {name: value for name, value in mapping.items() if name in SPECS}
    return problems + _mapping_problems(known, prefix)


def params_validator(mapping: Mapping[str, Any]) -> list[str]:
    """Scenario rules over a whole parameter mapping, registered with ``atmp_lib.params``.

    Only the scenario's own keys are checked (other sections' keys are not its concern);
    keys that a generic rule of ``atmp_lib.params`` already checks (``seed``, ``*_pct``, ...)
    are not reported twice. Messages carry no file name: ``params`` prefixes it.
    """
    known = {name: value for name, value in mapping.items() if name in SPECS}
    problems = [
        f"parameter '{name}': {fault}"
        for name, value in known.items()
        if params.rule_for(name) is None and (fault := value_fault(name, value))
    ]
    if problems or any(value_fault(name, value) for name, value in known.items()):
        return problems
    return _cross_field_faults(known)


def _unknown_message(prefix: str, name: str) -> str:
    return f"{prefix}unknown parameter '{name}'; the parameters are: {', '.join(FIELD_NAMES)}"


def _mapping_problems(values: Mapping[str, Any], prefix: str) -> list[str]:
    """Type and range faults of the given fields, then the rules linking fields."""
    problems = []
    for name, value in values.items():
        fault = value_fault(name, value)
        if fault:
            problems.append(f"{prefix}parameter '{name}': {fault}")
    if not problems:
        problems += [f"{prefix}{message}" for message in _cross_field_faults(values)]
    return problems


def allowed_text(name: str) -> str:
    """What a field allows, in words: "allowed: an integer from 1 to 30"."""
    spec = SPECS[name]
    if spec.kind is bool:
        return "allowed: true or false"
    low, high = spec.bounds()
    kind = "an integer" if spec.kind is int else "a number"
    if high is None:
        return f"allowed: {kind} >= {_bound(low)}"
    return f"allowed: {kind} from {_bound(low)} to {_bound(high)}"


def _bound(value: float) -> str:
    """A range bound as written in a file: 1000000, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def value_fault(name: str, value: Any) -> str | None:
    """What is wrong with one field's value (type, then range), or None."""
    spec = SPECS[name]
    if spec.kind is bool:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number ({allowed_text(name)})"
    if spec.kind is int and not isinstance(value, int):
        return f"{value!r} is not an integer ({allowed_text(name)})"
    if not math.isfinite(value):
        return f"{value!r} is not a finite number ({allowed_text(name)})"
    low, high = spec.bounds()
    if value < low or (high is not None and value > high):
        return f"{value!r} is out of range ({allowed_text(name)})"
    return None


def _cross_field_faults(values: Mapping[str, Any]) -> list[str]:
    """Rules between fields: CCRM's low <= high, and its start year inside the horizon."""
    faults = []
    pair = {"ccrm_need_low", "ccrm_need_high"} <= values.keys()
    if pair and values["ccrm_need_low"] > values["ccrm_need_high"]:
        faults.append(
            f"parameter 'ccrm_need_low': {values['ccrm_need_low']!r} is above "
            f"'ccrm_need_high' ({values['ccrm_need_high']!r}) (allowed: low <= high)"
        )
    if {"first_year", "horizon_years", "ccrm_start_year"} <= values.keys():
        first = values["first_year"]
        last = first + values["horizon_years"] - 1
        if not first <= values["ccrm_start_year"] <= last:
            faults.append(
                f"parameter 'ccrm_start_year': {values['ccrm_start_year']!r} is outside the "
                f"horizon (allowed: an integer from {first} to {last}, from 'first_year' and "
                "'horizon_years')"
            )
    return faults


def _coerce(name: str, value: Any) -> Any:
    return float(value) if SPECS[name].kind is float else value


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


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file; every problem names the file."""
    path = Path(path)
    label = display_name(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise ScenarioError([f"{label}: scenario file not found"]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([f"{label}: invalid YAML ({error})"]) from None
    return Scenario.from_mapping(data if data is not None else {}, label)


def save_scenario(
    scenario: Scenario, path: Path | str, *, overwrite: bool = False, comment: str = ""
) -> Path:
    """Write the scenario as YAML; refuses to replace an existing file unless ``overwrite``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{display_name(path)} exists; pass overwrite=True to replace it")
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    body = yaml.safe_dump(scenario.to_mapping(), sort_keys=False, allow_unicode=True)
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
    """A YAML file in params/ is a scenario when it sets a parameter only scenarios have."""
    if path.name in NOT_SCENARIO_FILES:
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return True  # let load_scenario report it
    own = set(FIELD_NAMES) - {"horizon_years", "ccrm_established", "seed", "draws"}
    return isinstance(data, dict) and bool(own & data.keys())


def named_scenarios(directory: Path | None = None) -> dict[str, Scenario]:
    """Every scenario file in ``params/`` by file stem, baseline first, then by name."""
    directory = directory or params_dir()
    paths = [p for p in directory.glob("*.yaml") if is_scenario_file(p)]
    paths.sort(key=lambda p: (p.stem != "baseline", _natural_key(p.stem)))
    return {path.stem: load_scenario(path) for path in paths}


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
    """Where a default comes from: a fact, an assumption, the population table, or a formula."""

    value: Any
    kind: str  # fact | assumption | population | derived
    ids: tuple[str, ...]
    formula: str = ""


def assumption_value(assumptions: pd.DataFrame, assumption_id: str) -> float:
    """The value of one row of ``assumptions.csv``; a clear error names a missing id."""
    match = assumptions[assumptions["id"] == assumption_id]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {assumption_id!r}")
    return float(match["value"].iloc[0])


def default_sources(
    facts: pd.DataFrame, assumptions: pd.DataFrame, population: pd.DataFrame
) -> dict[str, Origin]:
    """Each field's default and where it comes from, in field order."""

    def fact(fact_id: str, value: Any = None) -> Origin:
        found = get_fact(facts, fact_id)
        return Origin(found.central if value is None else value, "fact", (fact_id,))

    def assumed(assumption_id: str, kind: type = float) -> Origin:
        value = assumption_value(assumptions, assumption_id)
        converted = value != 0 if kind is bool else kind(value)
        return Origin(converted, "assumption", (assumption_id,))

    horizon = int(get_fact(facts, "survey_horizon_years").central)
    first_year = assumed("scenario_first_year", int)
    delay = assumed("ccrm_start_delay_years", int)
    ccrm_low, ccrm_high = get_fact(facts, CCRM_FACT).bounds
    job_ads = get_fact(facts, "job_ads_sweden_2021").central
    ads_share = assumption_value(assumptions, "on_the_job_share_of_job_ads")
    uk_rate = uk_apprentices_per_million(facts, population)
    sources = {
        "first_year": first_year,
        "horizon_years": fact("survey_horizon_years", horizon),
        "need_period_years": fact("survey_horizon_years", horizon),
        "need_companies": fact("need_companies"),
        "need_healthcare": fact("need_healthcare"),
        "company_extra_growth_pct": assumed("company_extra_growth_pct"),
        "healthcare_loss_pct": assumed("healthcare_loss_pct"),
        "ccrm_established": assumed("ccrm_established_baseline", bool),
        "ccrm_need_low": fact(CCRM_FACT, ccrm_low),
        "ccrm_need_high": fact(CCRM_FACT, ccrm_high),
        "ccrm_start_year": Origin(
            first_year.value + delay.value,
            "derived",
            ("scenario_first_year", "ccrm_start_delay_years"),
            f"{first_year.value} + {delay.value}",
        ),
        "on_the_job_enabled": assumed("on_the_job_enabled_baseline", bool),
        "on_the_job_per_year": Origin(
            job_ads * ads_share / 100,
            "derived",
            ("job_ads_sweden_2021", "on_the_job_share_of_job_ads"),
            f"{job_ads:g} × {ads_share:g} / 100",
        ),
        "apprenticeship_enabled": assumed("apprenticeship_enabled_baseline", bool),
        "apprentices_per_million": Origin(
            uk_rate.value, "derived", uk_rate.inputs, uk_rate.formula
        ),
        "apprenticeship_duration_years": assumed("apprenticeship_duration_years"),
        "degree_module_graduates_per_year": assumed("degree_module_graduates_per_year"),
        "recruited_abroad_share": assumed("recruited_abroad_share"),
        "population_sweden": Origin(
            population_of(population, HOME_COUNTRY), "population", (f"population:{HOME_COUNTRY}",)
        ),
        "approx_band_pct": assumed("approx_band_pct"),
        "draws": assumed("monte_carlo_draws", int),
        "seed": assumed("monte_carlo_seed", int),
    }
    return {name: sources[name] for name in FIELD_NAMES}


def default_scenario(
    facts: pd.DataFrame, assumptions: pd.DataFrame, population: pd.DataFrame
) -> Scenario:
    """The survey as reported: every field at its default from the data."""
    sources = default_sources(facts, assumptions, population)
    return Scenario.from_mapping({name: o.value for name, o in sources.items()}, "defaults")


def load_default_scenario() -> Scenario:
    """:func:`default_scenario` from the shipped tables."""
    return default_scenario(
        datasets.load("facts"), datasets.load("assumptions"), datasets.load("population")
    )


params.register_validator(params_validator)
