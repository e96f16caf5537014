"""The scenario explorer: controls, callbacks and saving without a browser; then in JupyterLab."""

from __future__ import annotations

from pathlib import Path

import ipywidgets
import pytest

from atmp_lib import datasets, model, scenario, scenario_views, widgets
from atmp_lib.i18n import t
from atmp_lib.scenario import FIELD_NAMES, GROUPS, Scenario


@pytest.fixture(scope="module")
def base() -> Scenario:
    return scenario.load_default_scenario()


@pytest.fixture(scope="module")
def note() -> str:
    return scenario_views.model_source_note(datasets.load("facts"), "sv")


@pytest.fixture
def explorer(base: Scenario, note: str, tmp_path: Path) -> widgets.ScenarioExplorer:
    return widgets.ScenarioExplorer(base, "sv", note, "grund", directory=tmp_path)


def expected_bands(current: Scenario) -> dict:
    return model.total_percentiles(model.monte_carlo(current))


# --------------------------------------------------------------------------- controls


def test_one_control_per_field_initialised_from_the_scenario(base: Scenario) -> None:
    controls = widgets.make_controls(base, "sv")
    assert list(controls) == list(FIELD_NAMES)
    for name, control in controls.items():
        assert control.value == getattr(base, name), name
        assert control.description == t(f"param_{name}", "sv")
        if scenario.SPECS[name].kind is bool:
            assert isinstance(control, ipywidgets.Checkbox)


def test_control_ranges_are_the_fields_ranges(base: Scenario) -> None:
    controls = widgets.make_controls(base, "en")
    assert (controls["ccrm_need_low"].min, controls["ccrm_need_low"].max) == (50, 100)
    assert (controls["horizon_years"].min, controls["horizon_years"].max) == (1, 30)
    assert isinstance(controls["recruited_abroad_share"], ipywidgets.FloatSlider)
    assert isinstance(controls["population_sweden"], ipywidgets.BoundedIntText)


def test_controls_are_grouped_in_tabs_titled_in_the_language(explorer) -> None:
    tabs = explorer.view.children[0]
    assert isinstance(tabs, ipywidgets.Tab)
    assert list(tabs.titles) == [t(f"group_{group}", "sv") for group in GROUPS]
    shown = [control for page in tabs.children for control in page.children]
    assert sorted(id(c) for c in shown) == sorted(id(c) for c in explorer.controls.values())


def test_view_has_a_stable_model_id(explorer) -> None:
    assert explorer.view.model_id.startswith("atmp-scenario-explorer-")


# --------------------------------------------------------------------------- callbacks


def test_initial_charts_show_the_scenario(explorer, base: Scenario) -> None:
    bands = expected_bands(base)
    assert explorer.cumulative_chart.trace_y(1) == pytest.approx(bands["cumulative_gap"][1])
    assert explorer.projection_chart.trace_y(1) == pytest.approx(bands["demand"][1])
    assert "grund" in explorer.projection_chart.title


def test_changing_a_control_updates_the_model_and_the_charts(explorer, base: Scenario) -> None:
    before = explorer.cumulative_chart.trace_y(1)
    explorer.controls["apprenticeship_enabled"].value = True
    assert explorer.scenario == base.replace(apprenticeship_enabled=True)
    after = explorer.cumulative_chart.trace_y(1)
    assert after == pytest.approx(expected_bands(explorer.scenario)["cumulative_gap"][1])
    assert after[-1] < before[-1]
    supply = explorer.projection_chart.trace_y(3)  # the supply's P50 line
    assert supply == pytest.approx(expected_bands(explorer.scenario)["supply"][1])
    assert explorer.projection_chart.title.endswith(t("scen_name_explored", "sv"))


def test_chart_is_updated_in_place(explorer) -> None:
    output = explorer.cumulative_chart.output
    explorer.controls["need_companies"].value = 500
    explorer.controls["need_healthcare"].value = 80
    assert len(output.outputs) == 1  # the one figure replaced, never a second one added
    figure = output.outputs[0]["data"][widgets.PLOTLY_MIME]
    assert figure["data"][1]["y"] == explorer.cumulative_chart.trace_y(1)


def test_horizon_change_updates_years_and_keeps_ccrm_start_inside(explorer) -> None:
    explorer.controls["ccrm_start_year"].value = 2025
    explorer.controls["horizon_years"].value = 2
    assert explorer.scenario.horizon_years == 2
    assert explorer.scenario.ccrm_start_year == 2023
    assert explorer.controls["ccrm_start_year"].max == 2023
    assert explorer.cumulative_chart.figure["data"][1]["x"] == [2022, 2023]
    explorer.controls["first_year"].value = 2030
    assert explorer.scenario.ccrm_start_year == 2030
    assert explorer.controls["ccrm_start_year"].min == 2030


def test_ccrm_range_stays_ordered(explorer) -> None:
    explorer.controls["ccrm_need_low"].value = 90
    explorer.controls["ccrm_need_high"].value = 60
    assert (explorer.scenario.ccrm_need_low, explorer.scenario.ccrm_need_high) == (60, 60)


def test_invalid_settings_are_reported_and_not_applied(explorer, base: Scenario) -> None:
    start = explorer.controls["ccrm_start_year"]
    start.max = 2100
    start.value = 2090
    assert explorer.scenario == base
    assert "ccrm_start_year" in explorer.status.value
    assert explorer.status.value.startswith("Inte tillämpat")


def test_result_line_quotes_the_current_percentiles(explorer) -> None:
    explorer.controls["draws"].value = 2000
    values = scenario_views.places_values(explorer.projection, explorer.scenario, "sv")
    assert explorer.projection.draws == 2000
    assert f"<b>{values['gap50']}</b>" in explorer.result.value
    assert "2\u202f000 dragningar" in explorer.result.value


# --------------------------------------------------------------------------- saving


def test_save_as_writes_a_new_scenario_file(explorer, tmp_path: Path) -> None:
    explorer.controls["company_extra_growth_pct"].value = 5.0
    explorer.save_name.value = "growth_5"
    explorer.save_button.click()
    path = tmp_path / "growth_5.yaml"
    assert scenario.load_scenario(path) == explorer.scenario
    assert "Sparade" in explorer.status.value


def test_save_refuses_to_overwrite_unless_ticked(explorer, tmp_path: Path) -> None:
    explorer.save_name.value = "mine"
    first = explorer.save()
    before = first.read_text(encoding="utf-8")
    explorer.controls["seed"].value = 7
    assert explorer.save() is None
    assert "finns redan" in explorer.status.value
    assert first.read_text(encoding="utf-8") == before
    explorer.overwrite.value = True
    assert explorer.save() == first
    assert scenario.load_scenario(first).seed == 7


def test_save_rejects_a_bad_file_name(explorer, tmp_path: Path) -> None:
    explorer.save_name.value = "../outside"
    assert explorer.save() is None
    assert explorer.status.value.startswith("Inte sparad")
    assert list(tmp_path.iterdir()) == []


def test_show_emits_the_widget_with_a_text_fallback(explorer, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(widgets, "display", lambda bundle, raw: shown.append(bundle))
    explorer.show()
    (bundle,) = shown
    assert bundle[widgets.WIDGET_VIEW_MIME]["model_id"] == explorer.view.model_id
    assert bundle["text/plain"] == t("scen_w_fallback", "sv")
    assert t("scen_w_fallback", "sv") in bundle["text/html"]
