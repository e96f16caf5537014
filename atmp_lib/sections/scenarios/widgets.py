"""Interactive controls for the scenario model: one control per parameter, charts updated in place.

:class:`ScenarioExplorer` builds ipywidgets controls from the section's parameter declarations
(:mod:`atmp_lib.sections.scenarios.parameters`: grouped in tabs, labelled in the page's
language, each control's kind and range from the declared parameter, the same rule
validation and the sensitivity view use), three charts (need,
capacity and uncovered need per year; the uncovered need's running total; the
one-at-a-time sensitivity view) and a "save as" row. The controls start at the resolved
values (a default from the data in place of the parameters cell's None). A change of any
control re-runs the model and replaces the charts' data in place, so no new output appears
per change. Today's training in Sweden, which the sources do not give, is a text box that
may stay empty ("not known").

The charts are ``Output`` widgets holding a plotly figure (rendered by JupyterLab's plotly
extension) rather than ``FigureWidget``s: a FigureWidget carries plotly's 4 MB JavaScript
bundle in its widget state, which papermill would store in every executed notebook. The
figure is built once with the static builder; an update swaps only the traces' data and the
title. Everything is plain Python objects, so the callbacks are tested without a browser.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import display

from atmp_lib.errors import ParameterError
from atmp_lib.formatting import format_number
from atmp_lib.i18n import check_lang, t
from atmp_lib.paths import params_dir
from atmp_lib.sections.scenarios import charts, model, views
from atmp_lib.sections.scenarios.parameters import BY_NAME, FIELD_NAMES, GROUPS
from atmp_lib.sections.scenarios.scenario import (
    Basis,
    Scenario,
    display_name,
    fields_in_group,
    is_active,
    load_default_scenario,
    save_scenario,
    scenario_path,
    sensitivity_ranges,
)

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
SLIDER_SPAN = 100  # fields whose range is at most this wide get a slider, others a text box
LABEL_WIDTH = "26em"
CONTROL_WIDTH = "46em"
CHECKBOX_WIDTH = "64em"
SAVED_COMMENT = "Saved from notebooks/05_scenarios.ipynb with the scenario explorer."
_view_ids = itertools.count(1)


class NotANumber(ValueError):
    """The optional number box holds text that is not a number."""


def make_control(name: str, value: Any, lang: str) -> widgets.ValueWidget:
    """The control for one field, with its label: checkbox, dropdown, slider or number box,
    its kind and range those of the declared parameter."""
    field = BY_NAME[name]
    param = field.param
    common = {
        "description": t(f"param_{name}", lang),
        "style": {"description_width": LABEL_WIDTH},
        "layout": widgets.Layout(width=CONTROL_WIDTH),
    }
    if field.kind is bool:  # the label stands right of the box: give it room
        common["layout"] = widgets.Layout(width=CHECKBOX_WIDTH)
        return widgets.Checkbox(value=bool(value), indent=True, **common)
    if field.kind is str:
        options = [(t(f"scen_reading_{choice}", lang), choice) for choice in param.choices]
        return widgets.Dropdown(options=options, value=value, **common)
    low, high = param.bounds()
    if param.discrete:
        return widgets.Dropdown(options=[int(low), int(high)], value=int(value), **common)
    if param.optional:
        text = "" if value is None else format_number(value, "en").replace(",", "")
        return widgets.Text(value=text, placeholder=t("scen_unknown", lang), **common)
    slider = high - low <= SLIDER_SPAN
    if field.kind is int:
        cls = widgets.IntSlider if slider else widgets.BoundedIntText
        return cls(
            value=int(value), min=int(low), max=int(high),
            step=max(1, int(field.step)) if slider else 1, continuous_update=False, **common,
        )  # fmt: skip
    cls = widgets.FloatSlider if slider else widgets.BoundedFloatText
    return cls(
        value=float(value), min=float(low), max=float(high), step=field.step,
        continuous_update=False, **common,
    )  # fmt: skip


def make_controls(scenario: Scenario, lang: str) -> dict[str, widgets.ValueWidget]:
    """A control per scenario field, initialised from the scenario, in field order."""
    return {name: make_control(name, getattr(scenario, name), lang) for name in FIELD_NAMES}


def control_value(name: str, control: widgets.ValueWidget) -> Any:
    """A control's value typed as the field; the optional box gives None ("not known") when
    empty."""
    field = BY_NAME[name]
    if field.param.optional:
        text = control.value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise NotANumber(control.value) from None
    return field.kind(control.value)


class LiveFigure:
    """A plotly figure shown in an ``Output`` widget whose traces can be swapped in place.

    ``figure`` is the figure as plain JSON data (``data``/``layout``); :meth:`update` replaces
    the given keys of every trace (x, y, base, ...) and the title and re-sends the one output,
    so the chart changes where it is.
    """

    def __init__(self, figure: go.Figure) -> None:
        self.figure = json.loads(pio.to_json(figure, validate=False, remove_uids=True))
        self.output = widgets.Output()
        self._send()

    def update(self, traces: list[dict], title: str, **layout: Any) -> None:
        data = [{**old, **new} for old, new in zip(self.figure["data"], traces, strict=True)]
        merged = {**copy.copy(self.figure["layout"]), **layout}
        merged["title"] = {**merged.get("title", {}), "text": title}
        self.figure = {**self.figure, "data": data, "layout": merged}
        self._send()

    @property
    def title(self) -> str:
        return self.figure["layout"]["title"]["text"]

    def trace(self, index: int, key: str = "y") -> list:
        return list(self.figure["data"][index][key])

    def trace_y(self, index: int) -> list[float]:
        return self.trace(index, "y")

    def _send(self) -> None:
        bundle = {PLOTLY_MIME: self.figure, "text/plain": self.title}
        self.output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


class ScenarioExplorer:
    """Controls, live charts and a save button around one scenario.

    ``scenario`` always holds the last valid settings; ``projection``, ``bands`` and
    ``sensitivity`` the results computed for it; ``last_update_seconds`` how long the last
    update took. "Save as" writes what differs from ``base`` (the baseline from the data).
    """

    def __init__(
        self,
        scenario: Scenario,
        basis: Basis,
        lang: str,
        note: str,
        label: str = "",
        directory: Path | None = None,
        base: Scenario | None = None,
    ) -> None:
        self.lang = check_lang(lang)
        self.scenario = scenario
        self.basis = basis
        self.base = base or load_default_scenario()
        self.note = note
        self.label = label or t("scen_name_parameters", lang)
        self.directory = directory or params_dir()
        self.last_update_seconds = 0.0
        self._quiet = False
        self.controls = make_controls(scenario, lang)
        self.status = widgets.HTML()
        self.result = widgets.HTML()
        self._compute()
        self.projection_chart = LiveFigure(self._figure("projection"))
        self.cumulative_chart = LiveFigure(self._figure("cumulative"))
        self.tornado_chart = LiveFigure(self._figure("tornado"))
        self.save_name = widgets.Text(description=t("scen_w_save_name", lang))
        self.overwrite = widgets.Checkbox(value=False, description=t("scen_w_overwrite", lang))
        self.save_button = widgets.Button(description=t("scen_w_save", lang), icon="save")
        self.save_button.on_click(self.save)
        for name, control in self.controls.items():
            control.observe(partial(self._on_change, name), names="value")
        self._set_enabled()
        self._write_result()
        self.view = self._layout()

    # ------------------------------------------------------------------ layout

    def _layout(self) -> widgets.VBox:
        groups = [
            widgets.VBox([self.controls[name] for name in fields_in_group(group)])
            for group in GROUPS
        ]
        tabs = widgets.Tab(children=groups, titles=[t(f"group_{g}", self.lang) for g in GROUPS])
        save_row = widgets.HBox([self.save_name, self.overwrite, self.save_button])
        charts = [chart.output for chart in self.charts]
        children = [tabs, self.result, *charts, save_row, self.status]
        return widgets.VBox(children, model_id=f"atmp-scenario-explorer-{next(_view_ids)}")

    @property
    def charts(self) -> tuple[LiveFigure, LiveFigure, LiveFigure]:
        return self.projection_chart, self.cumulative_chart, self.tornado_chart

    def show(self) -> None:
        """Display the explorer; without a live kernel (report, papermill) a note shows instead.

        The bundle carries the widget view plus a text fallback in the page's language, so the
        HTML report shows the note rather than a widget's Python repr.
        """
        fallback = t("scen_w_fallback", self.lang)
        bundle = {
            WIDGET_VIEW_MIME: {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.view.model_id,
            },
            "text/plain": fallback,
            "text/html": f'<p class="atmp-source-note"><em>{html.escape(fallback)}</em></p>',
        }
        display(bundle, raw=True)

    # ------------------------------------------------------------------ state

    def values(self) -> dict[str, Any]:
        """The controls' current values, typed as the scenario's fields."""
        return {name: control_value(name, control) for name, control in self.controls.items()}

    def _on_change(self, name: str, change: dict) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._keep_ccrm_ordered(name)
        finally:
            self._quiet = False
        self.apply()

    def _keep_ccrm_ordered(self, name: str) -> None:
        """Move the other end of CCRM Nordic's range so that low <= high."""
        low, high = self.controls["ccrm_need_low"], self.controls["ccrm_need_high"]
        if name == "ccrm_need_low" and low.value > high.value:
            high.value = low.value
        if name == "ccrm_need_high" and high.value < low.value:
            low.value = high.value

    def _set_enabled(self) -> None:
        """Grey out the levers that have no effect: those of options switched off, and the
        growth after the survey period while the horizon ends with it."""
        for name, control in self.controls.items():
            control.disabled = not is_active(self.scenario, name, self.basis)

    def apply(self) -> bool:
        """Take the controls' values as the scenario and update the charts; False if invalid."""
        try:
            candidate = Scenario.from_mapping(self.values(), "controls")
        except NotANumber as error:
            self.status.value = html.escape(t("scen_w_bad_number", self.lang, text=str(error)))
            return False
        except ParameterError as error:
            problem = error.problems[0].removeprefix("controls: ")
            self.status.value = html.escape(t("scen_w_invalid", self.lang, problem=problem))
            return False
        self.scenario = candidate
        self.label = t("scen_name_explored", self.lang)
        self.status.value = ""
        self._set_enabled()
        self.refresh()
        return True

    def _compute(self) -> None:
        start = time.perf_counter()
        self.projection = model.monte_carlo(self.scenario, self.basis)
        self.bands = model.total_percentiles(self.projection)
        self.sensitivity = model.tornado(
            self.scenario, self.basis, sensitivity_ranges(self.scenario, self.basis)
        )
        self.last_update_seconds = time.perf_counter() - start

    def refresh(self) -> None:
        """Re-run the model and replace the charts' data in place."""
        start = time.perf_counter()
        self._compute()
        years = [int(year) for year in self.projection.years]
        self.projection_chart.update(
            charts.percentile_traces(years, self.bands, charts.CHART_QUANTITIES),
            charts.projection_title(self.label, self.lang),
        )
        self.cumulative_chart.update(
            charts.percentile_traces(years, self.bands, ("cumulative_uncovered",)),
            charts.cumulative_title(self.scenario, self.label, self.lang),
        )
        self.tornado_chart.update(
            charts.tornado_traces(self.sensitivity, self.scenario, self.lang),
            charts.tornado_title(self.scenario, self.label, self.lang),
            height=charts.tornado_height(self.sensitivity),
        )
        self.last_update_seconds = time.perf_counter() - start
        self._write_result()

    def _figure(self, kind: str) -> go.Figure:
        if kind == "projection":
            return charts.projection_figure(self.projection, self.label, self.note, self.lang)
        if kind == "cumulative":
            return charts.cumulative_figure(
                self.projection, self.scenario, self.label, self.note, self.lang
            )
        return charts.tornado_figure(
            self.sensitivity, self.scenario, self.label, self.note, self.lang
        )

    def _write_result(self) -> None:
        low, mid, high = model.end_of_horizon(self.projection)["cumulative_uncovered"]
        unknown = not self.scenario.domestic_known
        text = t(
            "scen_w_summary", self.lang, last_year=self.scenario.last_year,
            p10=self._people(low), p50=self._people(mid), p90=self._people(high),
            domestic=t("scen_w_domestic_unknown", self.lang) if unknown else "",
            top=views.input_name(views.top_input(self.sensitivity), self.lang),
            draws=format_number(self.scenario.draws, self.lang),
            ms=format_number(round(self.last_update_seconds * 1000), self.lang),
        )  # fmt: skip
        self.result.value = _bold(html.escape(text))

    def _people(self, value: float) -> str:
        return format_number(round(float(value)), self.lang, 0)

    # ------------------------------------------------------------------ saving

    def save(self, _button: object = None) -> Path | None:
        """Write what the current scenario changes from the baseline to ``params/<name>.yaml``;
        refuses to overwrite unless the "overwrite" box is ticked. Returns the path, or None."""
        try:
            path = scenario_path(self.save_name.value, self.directory)
        except ValueError:
            self.status.value = html.escape(t("scen_w_bad_name", self.lang))
            return None
        try:
            save_scenario(
                self.scenario, path, self.base, overwrite=self.overwrite.value,
                comment=SAVED_COMMENT,
            )  # fmt: skip
        except FileExistsError:
            self.status.value = html.escape(t("scen_w_exists", self.lang, path=display_name(path)))
            return None
        except OSError as error:  # a read-only folder, a full disk: the old file is intact
            reason = error.strerror or str(error)
            self.status.value = html.escape(
                t("scen_w_not_saved", self.lang, path=display_name(path), reason=reason)
            )
            return None
        self.overwrite.value = False  # the next save asks again before replacing a file
        self.status.value = html.escape(t("scen_w_saved", self.lang, path=display_name(path)))
        return path


def _bold(text: str) -> str:
    """Markdown-style **bold** in a label to HTML <b>."""
    parts = text.split("**")
    return "".join(f"<b>{part}</b>" if index % 2 else part for index, part in enumerate(parts))
