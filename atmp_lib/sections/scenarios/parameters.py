"""The scenarios section's parameters, each declared once.

Every parameter of the scenario model is one :class:`atmp_lib.parameters.Param` (type,
range or choices, the data its default comes from, help) wrapped in a :class:`Field` that
adds only what this section needs besides: the tab it sits in, the step of its control,
whether the sensitivity view varies it and which switch it needs. The :class:`Scenario
<atmp_lib.sections.scenarios.scenario.Scenario>` dataclass takes its fields from
:data:`FIELDS`; validation of scenario files, of the notebook's namespace and of
``atmp-report validate``, the explorer's controls, ``atmp-report list`` and the notebook's
parameters cell all read these declarations. ``lang``, ``horizon_years`` and
``ccrm_nordic_established`` are the report's shared parameters (:mod:`atmp_lib.sections.common`).

Ranges and defaults name rows of the data (``fact:<id>``, ``assumption:<id>``), so the
numbers live in ``data/facts.csv`` and ``data/assumptions.csv`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import CCRM_NORDIC_ESTABLISHED, HORIZON_YEARS, LANG

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
SEED_MAX = 2**32 - 1  # numpy takes any seed >= 0; the explorer's box holds 32 bits
CCRM_FACT = "need_ccrm_nordic"


@dataclass(frozen=True)
class Field:
    """A scenario parameter and what only this section needs to know about it.

    ``group`` is the explorer's tab; ``step`` the step of its slider; ``sensitivity`` puts
    it in the one-at-a-time sensitivity view, when ``requires`` (a switch) is on and, for
    a ``beyond_survey`` lever, when the horizon runs past the survey's period (it has no
    effect within it); ``plain`` writes it without digit grouping (a year, a seed).
    """

    param: Param
    group: str
    step: float = 1
    sensitivity: bool = False
    requires: str | None = None
    beyond_survey: bool = False
    plain: bool = False

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def kind(self) -> type:
        return self.param.kind

    @property
    def field_type(self) -> Any:
        """The type of the Scenario's field: None only where it means "not known"."""
        return self.kind | None if self.param.optional else self.kind


def _from_row(name: str, kind: type, help_text: str, row: str, **options: Any) -> Param:
    """A parameter whose default and range are both the assumption row ``row``."""
    ref = f"assumption:{row}"
    return Param(name, kind, help_text, low=ref, high=ref, data_default=ref, **options)


def _switch(option: str, help_text: str) -> Field:
    """An option's on/off switch; off in the baseline by its assumption row."""
    name = f"{option}_enabled"
    param = Param(name, bool, help_text, data_default=f"assumption:{option}_enabled_baseline")
    return Field(param, option)


def _lever(option: str, name: str, kind: type, help_text: str, step: float = 1) -> Field:
    """A size or start lag of an option, varied by the sensitivity view when it is on."""
    return Field(_from_row(name, kind, help_text, name), option, step=step, sensitivity=True,
                 requires=f"{option}_enabled")  # fmt: skip


FIELDS: tuple[Field, ...] = (
    # horizon
    Field(_from_row("first_year", int, "first calendar year of the horizon (the report is "
                    "undated: its coming five years are read as starting that year)",
                    "scenario_first_year"), "horizon", plain=True),
    Field(HORIZON_YEARS, "horizon"),
    # the need the survey states
    Field(Param("need_companies", float, "companies' need over the survey period (people)",
                low=0, high=2000, data_default="fact:need_companies"), "need", step=10),
    Field(Param("need_healthcare", float, "healthcare's need over the survey period (people)",
                low=0, high=500, data_default="fact:need_healthcare"), "need", step=5),
    Field(_from_row("company_growth_beyond_survey_pct", float,
                    "an assumption beyond the survey: the companies' yearly need growing this "
                    "much faster than their stated rate in each year after the survey period "
                    "(% a year); no effect within it", "company_growth_beyond_survey_pct"),
          "need", sensitivity=True, beyond_survey=True),
    # CCRM Nordic, proposed: counted only if established, and only from its start
    Field(CCRM_NORDIC_ESTABLISHED, "ccrm"),
    Field(Param("ccrm_need_low", float, "CCRM Nordic's need within five years of its start, "
                "low end (people)", low=f"fact:{CCRM_FACT}", high=f"fact:{CCRM_FACT}",
                data_default=f"fact_low:{CCRM_FACT}"),
          "ccrm", step=5, requires="ccrm_nordic_established"),
    Field(Param("ccrm_need_high", float, "CCRM Nordic's need within five years of its start, "
                "high end (people)", low=f"fact:{CCRM_FACT}", high=f"fact:{CCRM_FACT}",
                data_default=f"fact_high:{CCRM_FACT}"),
          "ccrm", step=5, requires="ccrm_nordic_established"),
    Field(_from_row("ccrm_start_lag_years", int, "years from the first year to CCRM Nordic's "
                    "start (if established)", "ccrm_start_lag_years"),
          "ccrm", sensitivity=True, requires="ccrm_nordic_established"),
    # today's training in Sweden: not in the sources, so no default
    Field(Param("domestic_training_per_year", float, "people trained in Sweden per year today, "
                "if the reader knows it", low=0, high=500, optional=True,
                none_means="not known from the sources"), "today"),
    # (a) UK-style apprenticeships: places in Sweden, which the sources do not give
    _switch("apprenticeship", "switch on UK-style apprenticeships (their number of places in "
            "Sweden is an assumption)"),
    _lever("apprenticeship", "apprenticeship_places_sweden", int,
           "apprenticeship places in Sweden (an assumption: the sources give no Swedish figure)"),
    _lever("apprenticeship", "apprenticeship_duration_years", float,
           "years an apprentice holds a place", step=0.5),
    _lever("apprenticeship", "apprenticeship_start_lag_years", int,
           "years before the first apprentices finish"),
    # (b) ATMP modules in degree programmes
    _switch("degree_modules", "switch on ATMP modules in degree programmes"),
    _lever("degree_modules", "degree_modules_graduates_per_year", int,
           "graduates per year hired into ATMP posts after an ATMP module"),
    _lever("degree_modules", "degree_modules_start_lag_years", int,
           "years before the first graduates"),
    # (c) a national hands-on training centre
    _switch("training_centre", "switch on a national hands-on training centre"),
    _lever("training_centre", "training_centre_trained_per_year", int,
           "people per year hired into ATMP posts after the training centre"),
    _lever("training_centre", "training_centre_start_lag_years", int,
           "years before the training centre's first people are trained"),
    # (d) recruitment from abroad (a share of the companies' need)
    _switch("recruited_abroad", "switch on recruitment from abroad (not training: a share of "
            "the companies' need met from abroad)"),
    _lever("recruited_abroad", "recruited_abroad_share", float,
           "share of the companies' need recruited from abroad (%)"),
    _lever("recruited_abroad", "recruited_abroad_start_lag_years", int,
           "years before recruitment from abroad counts"),
    # uncertainty: how "ca" is read, and the Monte Carlo
    Field(Param("approx_reading", str, "how a “ca” figure is read: a ± band or rounded",
                choices=READINGS, default="band"), "uncertainty"),
    Field(_from_row("approx_band_pct", float, "band around “ca” figures (± %)",
                    "approx_band_pct"), "uncertainty"),
    Field(_from_row("rounding_step_companies", int, "rounding reading: the step the "
                    "companies' “ca” figure is rounded to (people)", "rounding_step_companies",
                    discrete=True), "uncertainty"),
    Field(_from_row("rounding_step_healthcare", int, "rounding reading: the step healthcare's "
                    "“ca” figure is rounded to (people)", "rounding_step_healthcare",
                    discrete=True), "uncertainty"),
    Field(Param("draws", int, "Monte Carlo draws", low=1, high=1_000_000,
                data_default="assumption:monte_carlo_draws"), "uncertainty"),
    Field(Param("seed", int, "seed of the Monte Carlo random numbers", low=0, high=SEED_MAX,
                data_default="assumption:monte_carlo_seed"), "uncertainty", plain=True),
)  # fmt: skip
BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(BY_NAME)


def ccrm_range_ordered(values: Mapping[str, Any]) -> Iterable[str]:
    """CCRM Nordic's low end may not lie above its high end."""
    low, high = values.get("ccrm_need_low"), values.get("ccrm_need_high")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        yield (f"parameter 'ccrm_need_low': {low!r} is above 'ccrm_need_high' ({high!r}) "
               "(allowed: low <= high)")  # fmt: skip


#: The most draws × years one run may simulate: about 1 GB of memory at its peak (the
#: arrays hold every draw for every sector, source and year).
MAX_DRAW_YEARS = 5_000_000


def simulation_fits_in_memory(values: Mapping[str, Any]) -> Iterable[str]:
    """Refuse draws × horizon_years above :data:`MAX_DRAW_YEARS` before the model runs."""
    draws, years = values.get("draws"), values.get("horizon_years")
    if isinstance(draws, int) and isinstance(years, int) and draws * years > MAX_DRAW_YEARS:
        yield (f"parameter 'draws': {draws:,} draws over {years} years is {draws * years:,} "
               f"draw-years, above the {MAX_DRAW_YEARS:,} one run may simulate (about 1 GB "
               "of memory); lower 'draws' or 'horizon_years'")  # fmt: skip


def scenario_files_readable(root: Path) -> Iterable[str]:
    """Every scenario file in params/ can be read: the page compares them all."""
    from atmp_lib.sections.scenarios.scenario import scenario_file_problems  # needs FIELDS

    yield from scenario_file_problems(root / "params")


register("scenarios", LANG, *(field.param for field in FIELDS),
         cross_checks=[ccrm_range_ordered, simulation_fits_in_memory],
         file_checks=[scenario_files_readable])  # fmt: skip
