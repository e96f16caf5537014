"""The scenario model: the need, the capacity chosen options would add, and what they leave.

Pure and vectorised: functions take a :class:`~atmp_lib.sections.scenarios.scenario.Scenario`
and a :class:`~atmp_lib.sections.scenarios.scenario.Basis` (the periods from the data) and
return arrays or DataFrames with stable ids; nothing reads a file, nothing knows a language.
Arrays hold the draws on axis 0 and the years on the last axis, so one code path computes
the point projection (a single "draw" at the stated figures) and the Monte Carlo draws.

Need: each sector's stated need over its period, spread evenly over the period's years
and kept at that yearly rate after it. Only after the survey's period may the companies'
yearly need grow by an extra rate (an assumption beyond the survey): within it their
stated "ca 400" stands. CCRM Nordic, a proposal, counts only if established and only from
its start year.
Capacity: today's training in Sweden if the reader enters it (the sources give none),
plus each option switched on from its start year: UK-style apprenticeships (the reader's
number of places in Sweden over the years an apprentice holds one), ATMP modules in degree
programmes, a national hands-on training centre, and a share of the companies' need
recruited from abroad. Uncovered need = need − capacity (negative when the chosen options
add more than the need).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from atmp_lib.sections.scenarios.parameters import OPTIONS
from atmp_lib.sections.scenarios.scenario import Basis, Scenario

SECTORS = ("companies", "healthcare", "ccrm_nordic")
DOMESTIC = "domestic_today"
SOURCES = (DOMESTIC, *OPTIONS)
TOTAL = "total"
QUANTITIES = (
    "need",
    "capacity",
    "uncovered",
    "cumulative_need",
    "cumulative_capacity",
    "cumulative_uncovered",
)
PERCENTILES = (10, 50, 90)
#: The inputs the sensitivity view varies besides the declared levers.
APPROXIMATE_INPUTS = ("need_companies", "need_healthcare")
CCRM_NEED = "ccrm_need"


@dataclass(frozen=True)
class Inputs:
    """The uncertain inputs, one value per draw (each of shape (draws,))."""

    need_companies: np.ndarray
    need_healthcare: np.ndarray
    ccrm_need: np.ndarray

    @property
    def size(self) -> int:
        return len(self.need_companies)


# --------------------------------------------------------------------------- inputs


def half_widths(scenario: Scenario, reading: str | None = None) -> tuple[float, float]:
    """How far the companies' and healthcare's "ca" figures may lie from the stated ones.

    ``band``: ± approx_band_pct of the figure; ``rounded``: half the rounding step (ca 400
    rounded to the nearest 100 lies within ±50). ``reading`` defaults to the scenario's.
    """
    if (reading or scenario.approx_reading) == "rounded":
        return scenario.rounding_step_companies / 2, scenario.rounding_step_healthcare / 2
    band = scenario.approx_band_pct / 100
    return scenario.need_companies * band, scenario.need_healthcare * band


def approximate_ranges(
    scenario: Scenario, reading: str | None = None
) -> dict[str, tuple[float, float]]:
    """(low, high) of each "ca" figure under a reading."""
    widths = dict(zip(APPROXIMATE_INPUTS, half_widths(scenario, reading), strict=True))
    return {
        name: (getattr(scenario, name) - width, getattr(scenario, name) + width)
        for name, width in widths.items()
    }


def ccrm_midpoint(scenario: Scenario) -> float:
    return (scenario.ccrm_need_low + scenario.ccrm_need_high) / 2


def point_inputs(scenario: Scenario, ccrm_need: float | None = None) -> Inputs:
    """One "draw" at the stated figures; CCRM Nordic at the middle of its range unless given."""
    ccrm = ccrm_midpoint(scenario) if ccrm_need is None else float(ccrm_need)
    return Inputs(
        np.array([scenario.need_companies]),
        np.array([scenario.need_healthcare]),
        np.array([ccrm]),
    )


def draw_inputs(scenario: Scenario, draws: int | None = None) -> Inputs:
    """Seeded Monte Carlo draws: each "ca" figure uniform within its reading, CCRM Nordic's
    need uniform within its range, all independent."""
    count = scenario.draws if draws is None else draws
    rng = np.random.default_rng(scenario.seed)
    ranges = approximate_ranges(scenario)
    return Inputs(
        rng.uniform(*ranges["need_companies"], count),
        rng.uniform(*ranges["need_healthcare"], count),
        rng.uniform(scenario.ccrm_need_low, scenario.ccrm_need_high, count),
    )


# --------------------------------------------------------------------------- need and capacity


def _offsets(scenario: Scenario) -> np.ndarray:
    return np.arange(scenario.horizon_years)


def ccrm_running(scenario: Scenario) -> np.ndarray:
    """Per year: whether CCRM Nordic is established and has started."""
    started = _offsets(scenario) >= scenario.ccrm_start_lag_years
    return started & scenario.ccrm_nordic_established


def option_running(scenario: Scenario, option: str) -> np.ndarray:
    """Per year: whether an option is switched on and past its start lag."""
    started = _offsets(scenario) >= getattr(scenario, f"{option}_start_lag_years")
    return started & scenario.enabled(option)


def company_growth(scenario: Scenario, basis: Basis) -> np.ndarray:
    """Per year: the factor on the companies' stated yearly rate. 1 in every year of the
    survey's period, so that their stated need over it stands; in each year after it, the
    extra growth compounds once more (1.05, 1.1025, ... at 5 %)."""
    years_beyond = np.maximum(_offsets(scenario) - basis.need_period_years + 1, 0)
    return (1 + scenario.company_growth_beyond_survey_pct / 100) ** years_beyond


def sector_need(scenario: Scenario, basis: Basis, inputs: Inputs) -> np.ndarray:
    """Need per draw, sector (companies, healthcare, CCRM Nordic) and year."""
    offsets = _offsets(scenario)
    growth = company_growth(scenario, basis)
    per_year = 1 / basis.need_period_years
    companies = inputs.need_companies[:, None] * per_year * growth
    healthcare = inputs.need_healthcare[:, None] * per_year * np.ones(len(offsets))
    ccrm = inputs.ccrm_need[:, None] / basis.ccrm_period_years * ccrm_running(scenario)
    return np.stack([companies, healthcare, ccrm], axis=1)


def apprentices_per_year(scenario: Scenario) -> float:
    """People trained per year: the places in Sweden over the years an apprentice holds one."""
    return scenario.apprenticeship_places_sweden / scenario.apprenticeship_duration_years


def fixed_rates(scenario: Scenario) -> dict[str, float]:
    """People per year each training option would add once running (on or off)."""
    return {
        "apprenticeship": apprentices_per_year(scenario),
        "degree_modules": float(scenario.degree_modules_graduates_per_year),
        "training_centre": float(scenario.training_centre_trained_per_year),
    }


def capacity(scenario: Scenario, need: np.ndarray) -> np.ndarray:
    """Capacity per draw, source (today's training, then each option) and year.

    Recruitment from abroad is a share of the companies' need, so it varies by draw.
    """
    draws, _, years = need.shape
    result = np.zeros((draws, len(SOURCES), years))
    if scenario.domestic_known:  # not known: nothing subtracted (and the page says so)
        result[:, 0] = scenario.domestic_training_per_year
    for option, rate in fixed_rates(scenario).items():
        result[:, SOURCES.index(option)] = rate * option_running(scenario, option)
    abroad = scenario.recruited_abroad_share / 100 * need[:, SECTORS.index("companies")]
    result[:, SOURCES.index("recruited_abroad")] = abroad * option_running(
        scenario, "recruited_abroad"
    )
    return result


# --------------------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    """Need and capacity per draw and year; the uncovered need follows from them.

    ``domestic_known`` says whether today's training in Sweden was entered; when it was
    not, the uncovered need does not subtract it.
    """

    years: np.ndarray  # (years,)
    need: np.ndarray  # (draws, sectors, years)
    capacity: np.ndarray  # (draws, sources, years)
    domestic_known: bool

    @property
    def draws(self) -> int:
        return self.need.shape[0]

    @cached_property
    def need_total(self) -> np.ndarray:
        return self.need.sum(axis=1)

    @cached_property
    def capacity_total(self) -> np.ndarray:
        return self.capacity.sum(axis=1)

    def series(self, quantity: str) -> np.ndarray:
        """One quantity for all sectors together, shape (draws, years)."""
        if quantity not in QUANTITIES:
            raise ValueError(f"quantity {quantity!r} is not one of {', '.join(QUANTITIES)}")
        base = quantity.removeprefix("cumulative_")
        values = {
            "need": self.need_total,
            "capacity": self.capacity_total,
            "uncovered": self.need_total - self.capacity_total,
        }[base]
        return np.cumsum(values, axis=-1) if quantity.startswith("cumulative_") else values


def simulate(scenario: Scenario, basis: Basis, inputs: Inputs) -> Projection:
    """Need, capacity and uncovered need for every draw (vectorised over draws and years)."""
    need = sector_need(scenario, basis, inputs)
    return Projection(
        np.array(scenario.years),
        need,
        capacity(scenario, need),
        scenario.domestic_known,
    )


def monte_carlo(scenario: Scenario, basis: Basis, draws: int | None = None) -> Projection:
    """The scenario over its seeded draws (``draws`` overrides the scenario's count)."""
    return simulate(scenario, basis, draw_inputs(scenario, draws))


def point_projection(
    scenario: Scenario, basis: Basis, ccrm_need: float | None = None
) -> Projection:
    """The scenario at the stated figures (one draw)."""
    return simulate(scenario, basis, point_inputs(scenario, ccrm_need))


def cumulative_uncovered(
    scenario: Scenario, basis: Basis, ccrm_need: float | None = None
) -> float:
    """The need left uncovered by the end of the horizon, at the stated figures."""
    return float(point_projection(scenario, basis, ccrm_need).series("cumulative_uncovered")[0, -1])


def yearly(scenario: Scenario, basis: Basis) -> pd.DataFrame:
    """Per year at the stated figures: need by sector, capacity by source, totals."""
    projection = point_projection(scenario, basis)
    frame = pd.DataFrame({"year": projection.years.astype(int)})
    for index, sector in enumerate(SECTORS):
        frame[f"need_{sector}"] = projection.need[0, index]
    for index, source in enumerate(SOURCES):
        frame[f"capacity_{source}"] = projection.capacity[0, index]
    for quantity in QUANTITIES:
        frame[quantity] = projection.series(quantity)[0]
    return frame


# --------------------------------------------------------------------------- percentiles


def percentiles(values: np.ndarray) -> np.ndarray:
    """P10, P50, P90 over the draws (axis 0), as ``np.percentile`` computes them ("linear").

    Partitions a contiguous copy instead of sorting, which is about twice as fast for
    100,000 draws.
    """
    count = values.shape[0]
    flat = np.ascontiguousarray(values.reshape(count, -1).T)
    positions = np.array(PERCENTILES) / 100 * (count - 1)
    below, above = np.floor(positions).astype(int), np.ceil(positions).astype(int)
    ordered = np.partition(flat, np.unique(np.concatenate([below, above])), axis=1)
    weight = positions - below
    result = ordered[:, below] * (1 - weight) + ordered[:, above] * weight
    return result.T.reshape((len(PERCENTILES), *values.shape[1:]))


def total_percentiles(
    projection: Projection, quantities: tuple[str, ...] = QUANTITIES
) -> dict[str, np.ndarray]:
    """P10/P50/P90 per year (shape (3, years)) of each quantity."""
    stacked = np.stack([projection.series(quantity) for quantity in quantities], axis=1)
    result = percentiles(stacked)
    return {quantity: result[:, index] for index, quantity in enumerate(quantities)}


def summary(projection: Projection) -> pd.DataFrame:
    """P10/P50/P90 per year of every quantity (all sectors together)."""
    bands = total_percentiles(projection)
    years = projection.years.astype(int)
    return pd.DataFrame(
        {
            "year": np.tile(years, len(QUANTITIES)),
            "quantity": np.repeat(QUANTITIES, len(years)),
            "p10": np.concatenate([bands[q][0] for q in QUANTITIES]),
            "p50": np.concatenate([bands[q][1] for q in QUANTITIES]),
            "p90": np.concatenate([bands[q][2] for q in QUANTITIES]),
        }
    )


def end_of_horizon(projection: Projection) -> dict[str, np.ndarray]:
    """P10/P50/P90 by the end of the horizon: cumulative need, capacity, uncovered need."""
    return {
        quantity: percentiles(projection.series(quantity)[:, -1])
        for quantity in ("cumulative_need", "cumulative_capacity", "cumulative_uncovered")
    }


# --------------------------------------------------------------------------- sensitivity


def tornado(
    scenario: Scenario, basis: Basis, lever_ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """One input at a time across its range; the rest at the stated figures.

    Inputs: the two "ca" figures (range from the scenario's reading), CCRM Nordic's need
    (if established) and each lever in ``lever_ranges`` (declared ranges, see
    :func:`~atmp_lib.sections.scenarios.scenario.sensitivity_ranges`). Each row gives the
    cumulative uncovered need by the last year with the input at its low and at its high
    end; rows are ranked by the swing between them, largest first.
    """
    ranges = dict(approximate_ranges(scenario))
    if scenario.ccrm_nordic_established:
        ranges[CCRM_NEED] = (scenario.ccrm_need_low, scenario.ccrm_need_high)
    ranges.update(lever_ranges)
    base = cumulative_uncovered(scenario, basis)
    rows = []
    for name, (low, high) in ranges.items():
        at_low, at_high = (_vary(scenario, basis, name, value) for value in (low, high))
        rows.append(
            {"input": name, "low": low, "high": high, "at_low": at_low, "at_high": at_high,
             "swing": abs(at_high - at_low), "base": base}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=["input", "low", "high", "at_low", "at_high", "swing",
                                        "base"])  # fmt: skip
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def _vary(scenario: Scenario, basis: Basis, name: str, value: float) -> float:
    """The cumulative uncovered need with one input set to ``value``."""
    if name == CCRM_NEED:
        return cumulative_uncovered(scenario, basis, ccrm_need=value)
    if isinstance(getattr(scenario, name), int) and not isinstance(getattr(scenario, name), bool):
        value = int(round(value))
    return cumulative_uncovered(scenario.replace(**{name: value}), basis)


# --------------------------------------------------------------------------- the survey's totals


def need_check(scenario: Scenario) -> pd.DataFrame:
    """The stated needs added up over the survey period, under each reading of "ca".

    Rows ``without_ccrm`` (companies + healthcare) and ``with_ccrm`` (plus CCRM Nordic's
    range); columns the low and high end at the stated figures, under the ± band and under
    the rounding reading. Independent of the horizon and of CCRM Nordic's start: this is the
    report's own arithmetic.
    """
    stated = scenario.need_companies + scenario.need_healthcare
    rows = []
    for row, extra in (("without_ccrm", (0.0, 0.0)),
                       ("with_ccrm", (scenario.ccrm_need_low, scenario.ccrm_need_high))):
        values = {"row": row, "stated_low": stated + extra[0], "stated_high": stated + extra[1]}
        for reading in ("band", "rounded"):
            width = sum(half_widths(scenario, reading))
            values[f"{reading}_low"] = stated - width + extra[0]
            values[f"{reading}_high"] = stated + width + extra[1]
        rows.append(values)  # fmt: skip
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- named scenarios


def compare(scenarios: Mapping[str, Scenario], basis: Basis) -> pd.DataFrame:
    """Named scenarios side by side: cumulative need, capacity and uncovered need (P10/P50/P90)."""
    rows = []
    for name, scenario in scenarios.items():
        result = end_of_horizon(monte_carlo(scenario, basis))
        need, cap, left = (result[q] for q in ("cumulative_need", "cumulative_capacity",
                                                 "cumulative_uncovered"))  # fmt: skip
        rows.append(
            {"scenario": name, "last_year": scenario.last_year, "draws": scenario.draws,
             "need_p50": need[1], "capacity_p50": cap[1], "uncovered_p10": left[0],
             "uncovered_p50": left[1], "uncovered_p90": left[2],
             "domestic_known": scenario.domestic_known}
        )  # fmt: skip
    return pd.DataFrame(rows)
