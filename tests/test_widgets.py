"""The scenario explorer: controls, callbacks and saving without a browser; then in JupyterLab."""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
import yaml

from atmp_lib import datasets, page
from atmp_lib.i18n import t
from atmp_lib.sections.scenarios import app, charts, model, scenario, views, widgets
from atmp_lib.sections.scenarios.parameters import BY_NAME, FIELD_NAMES, GROUPS
from atmp_lib.sections.scenarios.scenario import Basis, Scenario


@pytest.fixture(scope="module")
def base() -> Scenario:
    return scenario.load_default_scenario()


@pytest.fixture(scope="module")
def basis() -> Basis:
    return scenario.load_basis()


@pytest.fixture(scope="module")
def note() -> str:
    return views.model_source_note(datasets.load("facts"), "sv")


@pytest.fixture
def explorer(base: Scenario, basis: Basis, note: str, tmp_path: Path) -> widgets.ScenarioExplorer:
    return widgets.ScenarioExplorer(base, basis, "sv", note, "grund", directory=tmp_path,
                                    base=base)  # fmt: skip


def expected_bands(current: Scenario, basis: Basis) -> dict:
    """The model's P10/P50/P90 per year, in the whole people the charts plot."""
    bands = model.total_percentiles(model.monte_carlo(current, basis))
    return {quantity: np.rint(values).tolist() for quantity, values in bands.items()}


def last_uncovered(explorer: widgets.ScenarioExplorer) -> float:
    return explorer.cumulative_chart.trace_y(1)[-1]


# --------------------------------------------------------------------------- controls


def test_one_control_per_field_initialised_from_the_scenario(base: Scenario) -> None:
    controls = widgets.make_controls(base, "sv")
    assert list(controls) == list(FIELD_NAMES)
    for name, control in controls.items():
        assert widgets.control_value(name, control) == getattr(base, name), name
        assert control.description == t(f"param_{name}", "sv")
        if BY_NAME[name].kind is bool:
            assert isinstance(control, ipywidgets.Checkbox)


def test_control_ranges_are_the_declared_ranges(base: Scenario) -> None:
    controls = widgets.make_controls(base, "en")
    for name in ("ccrm_need_low", "degree_modules_graduates_per_year", "recruited_abroad_share",
                 "apprenticeship_places_sweden", "horizon_years", "first_year"):  # fmt: skip
        assert (controls[name].min, controls[name].max) == BY_NAME[name].param.bounds(), name
    places = controls["apprenticeship_places_sweden"]  # the places in Sweden, not the UK's
    assert (places.min, places.max, places.value) == (5, 50, 15)
    assert isinstance(places, ipywidgets.IntSlider)
    assert places.description == "Apprenticeship places in Sweden (assumption)"
    assert "apprenticeship_uk_places" not in controls
    assert isinstance(controls["recruited_abroad_share"], ipywidgets.FloatSlider)
    assert isinstance(controls["need_companies"], ipywidgets.BoundedFloatText)


def test_choices_are_dropdowns(base: Scenario) -> None:
    controls = widgets.make_controls(base, "sv")
    reading = controls["approx_reading"]
    assert isinstance(reading, ipywidgets.Dropdown)
    assert dict(reading.options) == {"±-intervall": "band", "avrundat": "rounded"}
    step = controls["rounding_step_companies"]
    assert isinstance(step, ipywidgets.Dropdown) and list(step.options) == [50, 100]


def test_todays_training_is_an_optional_number_box(base: Scenario) -> None:
    box = widgets.make_controls(base, "sv")["domestic_training_per_year"]
    assert isinstance(box, ipywidgets.Text)
    assert (box.value, box.placeholder) == ("", "okänt enligt källorna")
    assert widgets.control_value("domestic_training_per_year", box) is None
    box.value = " 12,5 "
    assert widgets.control_value("domestic_training_per_year", box) == 12.5
    box.value = "tolv"
    with pytest.raises(widgets.NotANumber):
        widgets.control_value("domestic_training_per_year", box)


def test_controls_are_grouped_in_tabs_titled_in_the_language(explorer) -> None:
    tabs = explorer.view.children[0]
    assert isinstance(tabs, ipywidgets.Tab)
    assert list(tabs.titles) == [t(f"group_{group}", "sv") for group in GROUPS]
    shown = [control for page in tabs.children for control in page.children]
    assert sorted(id(c) for c in shown) == sorted(id(c) for c in explorer.controls.values())
    assert tabs.children[0].children[0] is explorer.controls["first_year"]  # moved in the lab test


def test_levers_of_options_switched_off_are_greyed_out(explorer) -> None:
    assert explorer.controls["training_centre_trained_per_year"].disabled
    assert not explorer.controls["training_centre_enabled"].disabled
    explorer.controls["training_centre_enabled"].value = True
    assert not explorer.controls["training_centre_trained_per_year"].disabled


def test_growth_after_the_survey_is_greyed_out_while_the_horizon_ends_with_it(explorer) -> None:
    growth = explorer.controls["company_growth_beyond_survey_pct"]
    assert growth.disabled
    explorer.controls["horizon_years"].value = 8
    assert not growth.disabled
    assert "company_growth_beyond_survey_pct" in set(explorer.sensitivity["input"])


def test_controls_start_at_the_defaults_from_the_data(explorer, base: Scenario) -> None:
    assert explorer.controls["need_companies"].value == base.need_companies == 400
    assert explorer.controls["recruited_abroad_share"].value == base.recruited_abroad_share


def test_view_has_a_stable_model_id(explorer) -> None:
    assert explorer.view.model_id.startswith("atmp-scenario-explorer-")


# --------------------------------------------------------------------------- callbacks


def test_initial_charts_show_the_scenario(explorer, base: Scenario, basis: Basis) -> None:
    bands = expected_bands(base, basis)
    assert explorer.cumulative_chart.trace_y(1) == bands["cumulative_uncovered"][1]
    assert explorer.projection_chart.trace_y(1) == bands["need"][1]
    assert "grund" in explorer.projection_chart.title
    inputs = model.tornado(base, basis, scenario.sensitivity_ranges(base, basis))
    assert len(explorer.tornado_chart.trace(0, "y")) == len(inputs)


def test_switching_an_option_on_updates_the_model_and_the_charts(explorer, base, basis) -> None:
    before = last_uncovered(explorer)
    explorer.controls["degree_modules_enabled"].value = True
    assert explorer.scenario == base.replace(degree_modules_enabled=True)
    after = explorer.cumulative_chart.trace_y(1)
    expected = expected_bands(explorer.scenario, basis)
    assert after == expected["cumulative_uncovered"][1]
    running = explorer.scenario.horizon_years - base.degree_modules_start_lag_years
    assert before - after[-1] == pytest.approx(running * base.degree_modules_graduates_per_year,
                                               abs=1)  # each end rounded to whole people
    capacity = explorer.projection_chart.trace_y(3)  # the capacity's P50 line
    assert capacity == expected["capacity"][1]
    assert explorer.projection_chart.title.endswith(t("scen_name_explored", "sv"))


def test_the_sensitivity_view_follows_the_options(explorer) -> None:
    labels = explorer.tornado_chart.trace(0, "y")
    explorer.controls["training_centre_enabled"].value = True
    more = explorer.tornado_chart.trace(0, "y")
    assert len(more) == len(labels) + 2  # its size and its start lag
    assert any(t("param_training_centre_trained_per_year", "sv") in label for label in more)
    assert explorer.sensitivity["swing"].is_monotonic_decreasing
    top = views.input_name(explorer.sensitivity["input"].iloc[0], "sv")
    assert more[-1].startswith(top)  # the largest swing is drawn at the top
    assert f"Känsligast för: {top}" in explorer.result.value


def test_sensitivity_bars_end_where_the_table_ends(explorer) -> None:
    """Each bar runs from the whole-people centre to a whole-people end (its customdata), so
    the chart, its hover and the table's difference agree."""
    explorer.controls["apprenticeship_enabled"].value = True
    table = views.tornado_table(explorer.sensitivity, explorer.scenario, "sv")
    figure = explorer.tornado_chart.figure
    for index, column in ((0, 2), (1, 3)):
        trace = figure["data"][index]
        ends = [b + x for b, x in zip(trace["base"], trace["x"], strict=True)]
        assert ends == trace["customdata"]
        assert [int(end) for end in ends[::-1]] == [int(v) for v in table.iloc[:, column]]
        assert trace["marker"]["color"] == charts.COLOURS[("low", "high")[index]]


def test_entered_domestic_training_is_subtracted(explorer) -> None:
    before = last_uncovered(explorer)
    assert "inte avdragen" in explorer.result.value
    explorer.controls["domestic_training_per_year"].value = "12"
    assert explorer.scenario.domestic_training_per_year == 12
    assert last_uncovered(explorer) == pytest.approx(before - 12 * 5, abs=1)
    assert "inte avdragen" not in explorer.result.value
    explorer.controls["domestic_training_per_year"].value = ""
    assert explorer.scenario.domestic_training_per_year is None


def test_text_in_the_number_box_is_reported_and_not_applied(explorer, base: Scenario) -> None:
    explorer.controls["domestic_training_per_year"].value = "många"
    assert explorer.scenario == base
    assert explorer.status.value.startswith("Inte tillämpat: ”många” är inte ett tal")


def test_out_of_range_settings_are_reported_and_not_applied(explorer, base: Scenario) -> None:
    explorer.controls["domestic_training_per_year"].value = "900"
    assert explorer.scenario == base
    assert "domestic_training_per_year" in explorer.status.value
    assert explorer.status.value.startswith("Inte tillämpat")


def test_the_reading_of_ca_changes_the_band(explorer) -> None:
    band = explorer.cumulative_chart.trace_y(0)
    explorer.controls["approx_reading"].value = "rounded"
    assert explorer.scenario.approx_reading == "rounded"
    assert explorer.cumulative_chart.trace_y(0) != band


def test_chart_is_updated_in_place(explorer) -> None:
    output = explorer.cumulative_chart.output
    explorer.controls["need_companies"].value = 500
    explorer.controls["need_healthcare"].value = 80
    assert len(output.outputs) == 1  # the one figure replaced, never a second one added
    figure = output.outputs[0]["data"][widgets.PLOTLY_MIME]
    assert figure["data"][1]["y"] == explorer.cumulative_chart.trace_y(1)


def test_horizon_change_updates_the_years(explorer) -> None:
    explorer.controls["horizon_years"].value = 2
    assert explorer.scenario.horizon_years == 2
    assert explorer.cumulative_chart.figure["data"][1]["x"] == [2022, 2023]
    names = [trace["name"] for trace in explorer.tornado_chart.figure["data"]]
    assert names == [t(f"scen_tornado_{end}", "sv", last_year=2023) for end in ("low", "high")]
    explorer.controls["first_year"].value = 2025
    assert explorer.projection_chart.figure["data"][1]["x"] == [2025, 2026]


def test_ccrm_range_stays_ordered(explorer) -> None:
    explorer.controls["ccrm_need_low"].value = 90
    explorer.controls["ccrm_need_high"].value = 60
    assert (explorer.scenario.ccrm_need_low, explorer.scenario.ccrm_need_high) == (60, 60)


def test_result_line_quotes_the_current_percentiles(explorer) -> None:
    explorer.controls["draws"].value = 2000
    mid = model.end_of_horizon(explorer.projection)["cumulative_uncovered"][1]
    assert explorer.projection.draws == 2000
    assert f"<b>{round(mid)}</b>" in explorer.result.value
    assert "2\u202f000 dragningar" in explorer.result.value
    forecast = ("Detta är ingen prognos över tjänster som inte kan tillsättas: kartläggningen "
                "anger inte hur många av rekryteringarna som inte går att genomföra.")
    assert forecast in explorer.result.value


# --------------------------------------------------------------------------- saving


def test_save_as_writes_what_differs_from_the_baseline(explorer, tmp_path: Path) -> None:
    explorer.controls["training_centre_enabled"].value = True
    explorer.controls["company_growth_beyond_survey_pct"].value = 5.0
    explorer.save_name.value = "centre_growth"
    explorer.save_button.click()
    path = tmp_path / "centre_growth.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {"company_growth_beyond_survey_pct": 5, "training_centre_enabled": True}
    assert scenario.load_scenario(path) == explorer.scenario
    assert "Sparade" in explorer.status.value


def test_save_refuses_to_overwrite_unless_ticked(explorer, tmp_path: Path) -> None:
    explorer.controls["seed"].value = 5
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


# --------------------------------------------------------------------------- the web app


@pytest.fixture
def explorer_app(base: Scenario, basis: Basis) -> app.ExplorerApp:
    return app.ExplorerApp(base, basis, base, datasets.load("facts"), "en")


def test_the_app_saves_nothing_on_the_server_and_offers_a_download(
    explorer_app: app.ExplorerApp, base: Scenario
) -> None:
    before = sorted(scenario.params_dir().iterdir())
    explorer = explorer_app.explorer
    explorer.controls["need_companies"].value = base.need_companies + 50
    explorer.save_name.value = "my_plan"
    explorer.save_button.click()
    assert sorted(scenario.params_dir().iterdir()) == before
    link = explorer_app.download.value
    assert 'download="my_plan.yaml"' in link
    encoded = link.split("base64,", 1)[1].split('"', 1)[0]
    saved = yaml.safe_load(base64.b64decode(encoded).decode("utf-8"))
    assert saved == {"need_companies": base.need_companies + 50}


def test_the_app_refuses_a_name_that_is_not_a_plain_file_name(
    explorer_app: app.ExplorerApp,
) -> None:
    explorer_app.explorer.save_name.value = "../elsewhere"
    assert explorer_app.offer_download() is None
    assert explorer_app.download.value == ""
    assert explorer_app.explorer.status.value


def test_the_language_switch_keeps_the_settings(
    explorer_app: app.ExplorerApp, base: Scenario
) -> None:
    explorer_app.explorer.controls["need_companies"].value = base.need_companies + 10
    explorer_app.language.value = "sv"
    assert explorer_app.explorer.lang == "sv"
    assert explorer_app.explorer.scenario.need_companies == base.need_companies + 10
    assert explorer_app.language.description == t("app_language", "sv")
    assert t("app_title", "sv") in explorer_app.title.value


def test_scenario_yaml_holds_only_what_differs_after_the_comment(base: Scenario) -> None:
    text = scenario.scenario_yaml(base.replace(horizon_years=base.horizon_years + 1), base, "a\nb")
    assert text.startswith("# a\n# b\n")
    assert yaml.safe_load(text) == {"horizon_years": base.horizon_years + 1}
    assert yaml.safe_load(scenario.scenario_yaml(base, base)) == {}


def test_served_is_true_only_under_voila(monkeypatch) -> None:
    monkeypatch.delenv(page.SERVED_ENV, raising=False)
    assert not page.served()
    monkeypatch.setenv(page.SERVED_ENV, "voila/0.5.13")
    assert page.served()
