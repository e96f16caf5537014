"""The demand/supply/gap model: the report's figures, each mechanism, and the Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from atmp_lib import model, scenario
from atmp_lib.facts import get_fact
from atmp_lib.paths import params_dir
from atmp_lib.scenario import Scenario


@pytest.fixture(scope="module")
def base() -> Scenario:
    return scenario.load_default_scenario()


def certain(base: Scenario, **changes) -> Scenario:
    """The scenario without uncertainty: no band, CCRM Nordic at one value."""
    fixed = {"approx_band_pct": 0, "ccrm_need_low": 75, "ccrm_need_high": 75}
    return base.replace(**{**fixed, **changes})


# --------------------------------------------------------------------------- the report


def test_baseline_reproduces_460_without_ccrm_nordic(base: Scenario) -> None:
    assert model.cumulative_demand(base.replace(ccrm_established=False)) == 460


def test_baseline_reproduces_510_to_560_with_ccrm_nordic(base: Scenario) -> None:
    assert base.ccrm_established
    assert model.reported_need_range(base) == (510, 560)


def test_named_ccrm_files_give_the_ends_of_the_range() -> None:
    named = scenario.named_scenarios()
    assert model.cumulative_demand(named["no_ccrm"]) == 460
    assert model.cumulative_demand(named["ccrm_50"]) == 510
    assert model.cumulative_demand(named["ccrm_100"]) == 560


def test_totals_are_the_sums_of_the_stated_needs(facts, base: Scenario) -> None:
    needs = [get_fact(facts, fid) for fid in ("need_companies", "need_healthcare")]
    low, high = get_fact(facts, "need_ccrm_nordic").bounds
    stated = sum(need.value for need in needs)
    assert model.reported_need_range(base) == (stated + low, stated + high)
    # the report's "över 500" holds for the whole range, and not without CCRM Nordic
    over = get_fact(facts, "need_total")
    assert over.qualifier == "at_least"
    assert stated < over.value < stated + low


def test_uncertain_inputs_are_the_approximate_and_range_facts(facts) -> None:
    for fact_id in model.BANDED_FIELDS.values():
        assert get_fact(facts, fact_id).qualifier == "approx"
    assert get_fact(facts, model.RANGE_FACT).qualifier == "range"


# --------------------------------------------------------------------------- demand


def test_need_is_spread_evenly_over_the_survey_period(base: Scenario) -> None:
    demand = model.point_projection(base.replace(ccrm_established=False)).demand[0]
    companies, healthcare, ccrm = demand
    assert companies.tolist() == [base.need_companies / base.need_period_years] * 5
    assert healthcare.tolist() == [base.need_healthcare / base.need_period_years] * 5
    assert ccrm.tolist() == [0] * 5


def test_extra_growth_compounds_the_companies_need(base: Scenario) -> None:
    grown = model.point_projection(base.replace(company_extra_growth_pct=10)).demand[0, 0]
    yearly = base.need_companies / base.need_period_years
    assert grown == pytest.approx([yearly * 1.1**year for year in range(5)])


def test_ccrm_counts_from_its_start_year(base: Scenario) -> None:
    late = certain(base, ccrm_start_year=base.first_year + 3)
    ccrm = model.point_projection(late).demand[0, 2]
    assert ccrm.tolist() == [0, 0, 0, 15, 15]


def test_healthcare_losses_move_need_from_companies_to_healthcare(base: Scenario) -> None:
    plain = model.point_projection(base).demand[0]
    lossy = model.point_projection(base.replace(healthcare_loss_pct=10)).demand[0]
    hires = base.need_healthcare / base.need_period_years
    expected_loss = np.array([0, 1, 2, 3, 4]) * hires * 0.10
    assert lossy[1] - plain[1] == pytest.approx(expected_loss)
    assert plain[0] - lossy[0] == pytest.approx(expected_loss)
    assert lossy.sum() == pytest.approx(plain.sum())


def test_horizon_beyond_the_period_keeps_the_yearly_rate(base: Scenario) -> None:
    long = base.replace(horizon_years=10, ccrm_established=False)
    assert model.cumulative_demand(long) == 2 * 460


# --------------------------------------------------------------------------- supply


def test_supply_options(base: Scenario) -> None:
    parts = model.supply_components(base.replace(apprenticeship_enabled=True))
    apprentices = (
        base.apprentices_per_million * base.population_sweden / 1e6
        / base.apprenticeship_duration_years
    )  # fmt: skip
    assert parts == {
        "on_the_job": base.on_the_job_per_year,
        "apprenticeship": pytest.approx(apprentices),
        "degree_modules": base.degree_module_graduates_per_year,
    }
    assert model.supply_components(base.replace(on_the_job_enabled=False))["on_the_job"] == 0
    assert model.supply_components(base)["apprenticeship"] == 0


def test_recruitment_abroad_is_a_share_of_the_need(base: Scenario) -> None:
    abroad = model.point_projection(base.replace(recruited_abroad_share=20))
    domestic = sum(model.supply_components(base).values())
    assert abroad.supply_total[0] == pytest.approx(domestic + 0.2 * abroad.demand_total[0])


def test_gap_is_demand_minus_supply_and_accumulates(base: Scenario) -> None:
    projection = model.point_projection(base.replace(degree_module_graduates_per_year=12.5))
    gap = projection.demand_total - projection.supply_total
    assert projection.series("gap").tolist() == gap.tolist()
    assert projection.series("cumulative_gap")[0] == pytest.approx(np.cumsum(gap[0]))


def test_sector_supplies_add_up_to_the_total(base: Scenario) -> None:
    projection = model.monte_carlo(base.replace(recruited_abroad_share=30), draws=500)
    sectors = sum(projection.sector_supply(sector) for sector in model.SECTORS)
    assert sectors == pytest.approx(projection.supply_total)
    frame = model.project(base)
    by_year = frame[frame["sector"] != model.TOTAL].groupby("year")[["demand", "gap"]].sum()
    totals = frame[frame["sector"] == model.TOTAL].set_index("year")[["demand", "gap"]]
    assert by_year.to_numpy() == pytest.approx(totals.to_numpy())


def test_places_needed_close_the_gap_by_the_last_year(base: Scenario) -> None:
    fixed = certain(base)
    places = model.places_needed(model.point_projection(fixed))[0]
    expected = model.point_projection(fixed).cumulative_gap_total[0, -1] / fixed.horizon_years
    assert places == pytest.approx(expected)
    closed = fixed.replace(degree_module_graduates_per_year=places)
    assert model.point_projection(closed).cumulative_gap_total[0, -1] == pytest.approx(0, abs=1e-9)


def test_no_places_needed_when_supply_exceeds_demand(base: Scenario) -> None:
    flooded = base.replace(degree_module_graduates_per_year=1000)
    assert model.places_needed(model.point_projection(flooded)).tolist() == [0]


# --------------------------------------------------------------------------- Monte Carlo


def test_draws_stay_within_the_band_and_the_range(base: Scenario) -> None:
    inputs = model.draw_inputs(base, draws=20_000)
    band = base.approx_band_pct / 100
    assert inputs.need_companies.min() >= base.need_companies * (1 - band)
    assert inputs.need_companies.max() <= base.need_companies * (1 + band)
    assert inputs.need_healthcare.min() >= base.need_healthcare * (1 - band)
    assert base.ccrm_need_low <= inputs.ccrm_need.min() < inputs.ccrm_need.max() <= 100
    # uniform: the mean sits in the middle of the range
    assert inputs.ccrm_need.mean() == pytest.approx(75, abs=1)


def test_monte_carlo_is_seeded(base: Scenario) -> None:
    first = model.monte_carlo(base, draws=1000).cumulative_gap_total
    again = model.monte_carlo(base, draws=1000).cumulative_gap_total
    other = model.monte_carlo(base.replace(seed=base.seed + 1), draws=1000).cumulative_gap_total
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_without_uncertainty_every_percentile_is_the_point_value(base: Scenario) -> None:
    fixed = certain(base)
    bands = model.total_percentiles(model.monte_carlo(fixed, draws=100))
    point = model.point_projection(fixed)
    for quantity in model.QUANTITIES:
        expected = point.series(quantity)[0]
        assert bands[quantity] == pytest.approx(np.vstack([expected] * 3))


def test_percentiles_match_numpy(base: Scenario) -> None:
    values = np.random.default_rng(7).normal(size=(1001, 3, 4))
    assert model.percentiles(values) == pytest.approx(np.percentile(values, [10, 50, 90], axis=0))
    assert model.percentiles(values[:2]) == pytest.approx(
        np.percentile(values[:2], [10, 50, 90], axis=0)
    )


def test_percentiles_are_ordered_and_bracket_the_point(base: Scenario) -> None:
    summary = model.summary(model.monte_carlo(base), sectors=True)
    assert (summary["p10"] <= summary["p50"]).all()
    assert (summary["p50"] <= summary["p90"]).all()
    assert set(summary["sector"]) == {model.TOTAL, *model.SECTORS}
    assert len(summary) == len(model.QUANTITIES) * 4 * base.horizon_years
    last = summary[(summary["sector"] == model.TOTAL) & (summary["quantity"] == "cumulative_gap")]
    point = model.point_projection(base).cumulative_gap_total[0, -1]
    assert last["p10"].iloc[-1] < point < last["p90"].iloc[-1]


def test_compare_runs_each_scenario_with_its_own_settings() -> None:
    named = {name: scenario.load_scenario(params_dir() / f"{name}.yaml")
             for name in ("no_ccrm", "ccrm_50", "ccrm_100")}  # fmt: skip
    table = model.compare(named)
    assert table["scenario"].tolist() == list(named)
    assert (table["gap_p10"] <= table["gap_p50"]).all()
    assert (table["gap_p50"] <= table["gap_p90"]).all()
    gaps = table.set_index("scenario")["gap_p50"]
    # a fixed CCRM Nordic need adds that need, minus nothing, to the gap
    assert gaps["ccrm_50"] - gaps["no_ccrm"] == pytest.approx(50, abs=1e-6)
    assert gaps["ccrm_100"] - gaps["no_ccrm"] == pytest.approx(100, abs=1e-6)
    single = model.end_of_horizon(model.monte_carlo(named["ccrm_50"]))["cumulative_gap"]
    assert table.set_index("scenario").loc["ccrm_50", "gap_p90"] == single[2]


def test_series_rejects_an_unknown_quantity(base: Scenario) -> None:
    with pytest.raises(ValueError, match="quantity 'loss' is not one of demand, supply"):
        model.point_projection(base).series("loss")
