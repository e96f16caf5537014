"""The scenario model: need by sector and year, options' capacity, uncovered need, readings,
the one-at-a-time sensitivity view."""

from __future__ import annotations

import numpy as np
import pytest

from atmp_lib.facts import get_fact
from atmp_lib.sections.scenarios import model, scenario
from atmp_lib.sections.scenarios.parameters import BY_NAME
from atmp_lib.sections.scenarios.scenario import Basis, Scenario

#: Periods unlike the shipped ones, so that a wrong period shows in the numbers.
FIXTURE_BASIS = Basis(need_period_years=4, ccrm_period_years=10)


@pytest.fixture(scope="module")
def base() -> Scenario:
    return scenario.load_default_scenario()


@pytest.fixture(scope="module")
def basis() -> Basis:
    return scenario.load_basis()


def point(s: Scenario, b: Basis = FIXTURE_BASIS, ccrm_need: float | None = None):
    return model.point_projection(s, b, ccrm_need)


def sector(projection: model.Projection, name: str) -> np.ndarray:
    return projection.need[0, model.SECTORS.index(name)]


def source(projection: model.Projection, name: str) -> np.ndarray:
    return projection.capacity[0, model.SOURCES.index(name)]


# --------------------------------------------------------------------------- need


def test_need_is_each_stated_figure_spread_over_its_period(base: Scenario) -> None:
    projection = point(base)
    assert sector(projection, "companies").tolist() == [100.0] * 5  # 400 over 4 years
    assert sector(projection, "healthcare").tolist() == [15.0] * 5
    assert projection.series("cumulative_need")[0, -1] == 5 * 115


def test_defaults_reproduce_the_stated_need_over_the_survey_period(base, basis, facts) -> None:
    stated = get_fact(facts, "need_companies").value + get_fact(facts, "need_healthcare").value
    assert basis.need_period_years == base.horizon_years == 5
    assert point(base, basis).series("cumulative_need")[0, -1] == pytest.approx(stated)


def test_extra_growth_applies_only_after_the_survey_period(base: Scenario) -> None:
    grown = point(base.replace(company_growth_beyond_survey_pct=10))  # fixture period: 4 years
    assert sector(grown, "companies") == pytest.approx([100, 100, 100, 100, 110])
    assert sector(grown, "healthcare").tolist() == [15.0] * 5
    longer = point(base.replace(company_growth_beyond_survey_pct=10, horizon_years=7))
    assert sector(longer, "companies")[4:] == pytest.approx([110, 121, 133.1])


def test_extra_growth_leaves_the_companies_stated_need_as_stated(base, basis, facts) -> None:
    """At the top of its range the lever changes nothing within the survey's five years: the
    companies' "ca 400" stands (it was 488 when the growth ran inside the period)."""
    top = base.replace(
        company_growth_beyond_survey_pct=BY_NAME["company_growth_beyond_survey_pct"].param.bounds()[1]
    )
    stated = get_fact(facts, "need_companies").value
    assert sector(point(top, basis), "companies").sum() == pytest.approx(stated)
    assert model.company_growth(top, basis).tolist() == [1.0] * 5


def test_ccrm_nordic_counts_only_if_established(base: Scenario) -> None:
    assert not base.ccrm_nordic_established
    assert sector(point(base), "ccrm_nordic").tolist() == [0.0] * 5


def test_ccrm_nordic_counts_from_its_start_year_over_its_own_period(base: Scenario) -> None:
    established = base.replace(ccrm_nordic_established=True, ccrm_start_lag_years=3)
    need = sector(point(established, ccrm_need=80), "ccrm_nordic")
    assert need.tolist() == [0, 0, 0, 8.0, 8.0]  # 80 over 10 years, from the fourth year
    assert established.start_year("ccrm") == established.first_year + 3


def test_ccrm_nordic_at_the_middle_of_its_range_by_default(base: Scenario) -> None:
    established = base.replace(ccrm_nordic_established=True, ccrm_start_lag_years=0)
    middle = (base.ccrm_need_low + base.ccrm_need_high) / 2
    assert sector(point(established), "ccrm_nordic")[0] == middle / 10


# --------------------------------------------------------------------------- capacity


def test_no_option_switched_on_adds_nothing(base: Scenario) -> None:
    projection = point(base)
    assert not projection.capacity.any()
    assert projection.series("uncovered").tolist() == projection.series("need").tolist()


def test_apprenticeships_train_their_places_in_sweden_once_per_duration(base) -> None:
    on = base.replace(apprenticeship_enabled=True, apprenticeship_places_sweden=30,
                      apprenticeship_duration_years=3, apprenticeship_start_lag_years=2)
    # the places in Sweden as set, each finishing once per its years: no population scaling
    assert source(point(on), "apprenticeship") == pytest.approx([0, 0, 10, 10, 10])
    assert model.apprentices_per_year(base) == 15 / 2  # the default places and years
    assert not source(point(on.replace(apprenticeship_enabled=False)), "apprenticeship").any()


@pytest.mark.parametrize(
    ("option", "size", "lag", "value"),
    [
        ("degree_modules", "degree_modules_graduates_per_year", 4, 30),
        ("training_centre", "training_centre_trained_per_year", 1, 15),
    ],
)
def test_training_options_add_their_size_from_their_start(base, option, size, lag, value) -> None:
    on = base.replace(**{f"{option}_enabled": True, size: value, f"{option}_start_lag_years": lag})
    expected = [0.0] * lag + [float(value)] * (5 - lag)
    assert source(point(on), option).tolist() == expected
    off = on.replace(**{f"{option}_enabled": False})
    assert not source(point(off), option).any()


def test_recruitment_abroad_is_a_share_of_the_companies_need_only(base: Scenario) -> None:
    on = base.replace(recruited_abroad_enabled=True, recruited_abroad_share=20,
                      recruited_abroad_start_lag_years=1, company_growth_beyond_survey_pct=5)
    projection = point(on)
    companies = sector(projection, "companies")
    assert source(projection, "recruited_abroad")[0] == 0
    assert source(projection, "recruited_abroad")[1:] == pytest.approx(0.2 * companies[1:])


def test_uncovered_need_is_need_minus_capacity_and_accumulates(base: Scenario) -> None:
    on = base.with_every_option()
    projection = point(on)
    need, capacity = projection.series("need")[0], projection.series("capacity")[0]
    assert projection.series("uncovered")[0] == pytest.approx(need - capacity)
    assert projection.series("cumulative_uncovered")[0] == pytest.approx(np.cumsum(need - capacity))
    assert capacity == pytest.approx(projection.capacity[0].sum(axis=0))


def test_uncovered_need_may_go_below_zero(base: Scenario) -> None:
    crowded = base.replace(domestic_training_per_year=500, need_companies=0, need_healthcare=0)
    assert point(crowded).series("cumulative_uncovered")[0, -1] == -5 * 500


# --------------------------------------------------------------------------- today's training


def test_unknown_domestic_training_is_not_subtracted(base: Scenario) -> None:
    projection = point(base)
    assert base.domestic_training_per_year is None
    assert not projection.domestic_known
    assert not source(projection, model.DOMESTIC).any()


def test_entered_domestic_training_is_subtracted_every_year(base: Scenario) -> None:
    known = point(base.replace(domestic_training_per_year=12))
    assert known.domestic_known
    assert source(known, model.DOMESTIC).tolist() == [12.0] * 5
    unknown = point(base).series("cumulative_uncovered")[0, -1]
    assert known.series("cumulative_uncovered")[0, -1] == unknown - 5 * 12


# --------------------------------------------------------------------------- readings of "ca"


@pytest.mark.parametrize(
    ("changes", "widths"),
    [
        ({"approx_reading": "band", "approx_band_pct": 10}, (40, 6)),
        ({"approx_reading": "band", "approx_band_pct": 25}, (100, 15)),
        ({"approx_reading": "rounded"}, (50, 5)),  # nearest 100 and 10
        ({"approx_reading": "rounded", "rounding_step_companies": 50,
          "rounding_step_healthcare": 5}, (25, 2.5)),
    ],
)  # fmt: skip
def test_each_reading_gives_its_half_width(base: Scenario, changes, widths) -> None:
    assert model.half_widths(base.replace(**changes)) == pytest.approx(widths)


@pytest.mark.parametrize("reading", ["band", "rounded"])
def test_draws_stay_within_the_reading_and_the_range(base: Scenario, reading: str) -> None:
    chosen = base.replace(approx_reading=reading, ccrm_nordic_established=True, draws=20_000)
    inputs = model.draw_inputs(chosen)
    ranges = model.approximate_ranges(chosen)
    for name in model.APPROXIMATE_INPUTS:
        low, high = ranges[name]
        values = getattr(inputs, name)
        assert low <= values.min() and values.max() <= high
        assert values.min() < low + 0.01 * (high - low)  # the draws fill the range
        assert values.max() > high - 0.01 * (high - low)
    assert chosen.ccrm_need_low <= inputs.ccrm_need.min()
    assert inputs.ccrm_need.max() <= chosen.ccrm_need_high


def test_the_readings_give_different_bands(base: Scenario, basis: Basis) -> None:
    band = model.end_of_horizon(model.monte_carlo(base, basis))["cumulative_uncovered"]
    rounded = model.end_of_horizon(
        model.monte_carlo(base.replace(approx_reading="rounded"), basis)
    )["cumulative_uncovered"]
    assert band[1] == pytest.approx(rounded[1], abs=2)
    assert rounded[2] - rounded[0] > band[2] - band[0]  # ±55 is wider than ±46


def test_monte_carlo_is_seeded(base: Scenario, basis: Basis) -> None:
    first = model.monte_carlo(base, basis).series("cumulative_uncovered")
    again = model.monte_carlo(base, basis).series("cumulative_uncovered")
    other = model.monte_carlo(base.replace(seed=7), basis).series("cumulative_uncovered")
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert model.monte_carlo(base, basis, draws=123).draws == 123


def test_without_uncertainty_every_percentile_is_the_point_value(base, basis) -> None:
    exact = base.replace(approx_band_pct=0, ccrm_nordic_established=True, ccrm_need_low=70,
                         ccrm_need_high=70)  # fmt: skip
    result = model.end_of_horizon(model.monte_carlo(exact, basis, draws=50))
    expected = model.cumulative_uncovered(exact, basis)
    assert result["cumulative_uncovered"] == pytest.approx([expected] * 3)


def test_percentiles_match_numpy(base: Scenario, basis: Basis) -> None:
    values = model.monte_carlo(base, basis, draws=1001).series("cumulative_uncovered")
    assert model.percentiles(values) == pytest.approx(np.percentile(values, (10, 50, 90), axis=0))


def test_summary_has_every_quantity_and_year(base: Scenario, basis: Basis) -> None:
    frame = model.summary(model.monte_carlo(base, basis, draws=200))
    assert len(frame) == len(model.QUANTITIES) * base.horizon_years
    assert (frame["p10"] <= frame["p50"]).all() and (frame["p50"] <= frame["p90"]).all()


def test_series_rejects_an_unknown_quantity(base: Scenario) -> None:
    with pytest.raises(ValueError, match="quantity 'gap' is not one of"):
        point(base).series("gap")


# --------------------------------------------------------------------------- the survey's totals


def test_need_check_adds_up_the_stated_figures_under_each_reading(base, facts) -> None:
    companies = get_fact(facts, "need_companies").value
    healthcare = get_fact(facts, "need_healthcare").value
    low, high = get_fact(facts, "need_ccrm_nordic").bounds
    check = model.need_check(base).set_index("row")
    stated = companies + healthcare
    band = base.approx_band_pct / 100
    assert check.loc["without_ccrm", ["stated_low", "stated_high"]].tolist() == [stated, stated]
    assert check.loc["without_ccrm", "band_low"] == pytest.approx(stated * (1 - band))
    assert check.loc["without_ccrm", "band_high"] == pytest.approx(stated * (1 + band))
    half = (base.rounding_step_companies + base.rounding_step_healthcare) / 2
    assert check.loc["without_ccrm", "rounded_high"] == stated + half
    assert check.loc["with_ccrm", ["stated_low", "stated_high"]].tolist() == [stated + low,
                                                                           stated + high]
    assert check.loc["with_ccrm", "band_high"] == pytest.approx(stated * (1 + band) + high)


def test_over_500_is_reachable_without_ccrm_only_near_the_top_of_the_band(base, facts) -> None:
    threshold = get_fact(facts, "need_total").value
    check = model.need_check(base).set_index("row")
    assert check.loc["without_ccrm", "stated_high"] < threshold
    assert check.loc["without_ccrm", "band_high"] > threshold
    assert check.loc["with_ccrm", "stated_low"] > threshold


# --------------------------------------------------------------------------- sensitivity


def test_tornado_varies_one_input_at_a_time_across_its_declared_range(base, basis) -> None:
    on = base.with_every_option()
    frame = model.tornado(on, basis, scenario.sensitivity_ranges(on, basis)).set_index("input")
    row = frame.loc["degree_modules_graduates_per_year"]
    low, high = BY_NAME["degree_modules_graduates_per_year"].param.bounds()
    assert (row["low"], row["high"]) == (low, high)
    running = 5 - on.degree_modules_start_lag_years
    base_value = model.cumulative_uncovered(on, basis)
    assert row["base"] == pytest.approx(base_value)
    assert row["at_low"] == pytest.approx(
        base_value + (on.degree_modules_graduates_per_year - low) * running
    )
    assert row["swing"] == pytest.approx((high - low) * running)


def test_tornado_is_ranked_by_swing(base: Scenario, basis: Basis) -> None:
    on = base.with_every_option().replace(ccrm_nordic_established=True)
    frame = model.tornado(on, basis, scenario.sensitivity_ranges(on, basis))
    assert frame["swing"].is_monotonic_decreasing
    assert frame["swing"].iloc[0] > frame["swing"].iloc[-1]
    assert model.CCRM_NEED in set(frame["input"])


def test_tornado_leaves_out_options_switched_off_and_ccrm_when_not_established(
    base: Scenario, basis: Basis
) -> None:
    frame = model.tornado(base, basis, scenario.sensitivity_ranges(base, basis))
    assert set(frame["input"]) == {"need_companies", "need_healthcare"}
    apprentices = base.replace(apprenticeship_enabled=True)
    inputs = set(model.tornado(apprentices, basis, scenario.sensitivity_ranges(apprentices, basis))
                 ["input"])  # fmt: skip
    assert {"apprenticeship_places_sweden", "apprenticeship_start_lag_years"} <= inputs
    assert "degree_modules_graduates_per_year" not in inputs


def test_tornado_varies_the_places_in_sweden_across_their_assumed_range(base, basis) -> None:
    on = base.replace(apprenticeship_enabled=True)
    ranges = scenario.sensitivity_ranges(on, basis)
    assert ranges["apprenticeship_places_sweden"] == (5, 50)
    row = model.tornado(on, basis, ranges).set_index("input").loc["apprenticeship_places_sweden"]
    running = on.horizon_years - on.apprenticeship_start_lag_years  # the years it delivers
    per_place = running / on.apprenticeship_duration_years
    assert row["at_low"] - row["at_high"] == pytest.approx((50 - 5) * per_place)


def test_growth_after_the_survey_is_ranked_only_when_the_horizon_runs_past_it(base, basis) -> None:
    assert "company_growth_beyond_survey_pct" not in scenario.sensitivity_ranges(base, basis)
    forced = model.tornado(base, basis, {"company_growth_beyond_survey_pct": (0, 10)})
    assert forced.set_index("input").loc["company_growth_beyond_survey_pct", "swing"] == 0
    longer = base.replace(horizon_years=8)
    frame = model.tornado(longer, basis, scenario.sensitivity_ranges(longer, basis))
    row = frame.set_index("input").loc["company_growth_beyond_survey_pct"]
    per_year = base.need_companies / basis.need_period_years
    assert row["swing"] == pytest.approx(per_year * (0.1 + 0.21 + 0.331))  # years 6 to 8


def test_tornado_ranges_of_ca_figures_follow_the_reading(base: Scenario, basis: Basis) -> None:
    rounded = base.replace(approx_reading="rounded", rounding_step_companies=50)
    frame = model.tornado(rounded, basis, {}).set_index("input")
    assert (frame.loc["need_companies", "low"], frame.loc["need_companies", "high"]) == (375, 425)


# --------------------------------------------------------------------------- named scenarios


def test_compare_runs_each_scenario_with_its_own_settings(base: Scenario, basis: Basis) -> None:
    named = {"baseline": base, "centre": base.replace(training_centre_enabled=True, draws=500)}
    frame = model.compare(named, basis).set_index("scenario")
    assert frame.loc["centre", "draws"] == 500
    lag, size = base.training_centre_start_lag_years, base.training_centre_trained_per_year
    assert frame.loc["centre", "capacity_p50"] == pytest.approx((5 - lag) * size)
    assert frame.loc["baseline", "uncovered_p50"] == pytest.approx(
        frame.loc["baseline", "need_p50"]
    )
    assert not frame["domestic_known"].any()
