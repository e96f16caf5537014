"""Interactive controls for the scenario model: one control per parameter, charts updated in place.

:class:`ScenarioExplorer` builds ipywidgets controls from the :class:`~atmp_lib.scenario.Scenario`
fields (grouped, labelled in the page's language, ranges from the fields' specs), two charts
and a "save as" row. A change of any control re-runs the Monte Carlo and replaces the charts'
traces in place, so no new output appears per change.

The charts are ``Output`` widgets holding a plotly figure (rendered by JupyterLab's plotly
extension) rather than ``FigureWidget``s: a FigureWidget carries plotly's 4 MB JavaScript
bundle in its widget state, which papermill would store in every executed notebook. The
figure is built once with the static builder; an update swaps only the traces' x/y and the
title, so it costs milliseconds. Everything is plain Python objects, so the callbacks are
tested without a browser.
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
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import display

from atmp_lib import model, scenario_views
from atmp_lib.formatting import format_number
from atmp_lib.i18n import check_lang, t
from atmp_lib.paths import params_dir
from atmp_lib.scenario import (
    FIELD_NAMES,
    GROUPS,
    SPECS,
    Scenario,
    ScenarioError,
    display_name,
    fields_in_group,
    save_scenario,
    scenario_path,
)

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
SLIDER_SPAN = 100  # fields whose range is at most this wide get a slider, others a text box
TEXT_MAX = 2**32 - 1  # upper bound of the seed's text box (the field itself has none)
LABEL_WIDTH = "24em"
CONTROL_WIDTH = "44em"
CHECKBOX_WIDTH = "64em"
SAVED_COMMENT = "Saved from notebooks/05_scenarios.ipynb with the scenario explorer."
_view_ids = itertools.count(1)


def make_control(name: str, value: Any, lang: str) -> widgets.ValueWidget:
    """The control for one field: checkbox, slider or bounded text box, with its label."""
    spec = SPECS[name]
    common = {
        "description": t(f"param_{name}", lang),
        "style": {"description_width": LABEL_WIDTH},
        "layout": widgets.Layout(width=CONTROL_WIDTH),
    }
    if spec.kind is bool:  # the label stands right of the box: give it room
        common["layout"] = widgets.Layout(width=CHECKBOX_WIDTH)
        return widgets.Checkbox(value=bool(value), indent=True, **common)
    low, high = spec.bounds()
    slider = high is not None and high - low <= SLIDER_SPAN
    if spec.kind is int:
        cls = widgets.IntSlider if slider else widgets.BoundedIntText
        return cls(
            value=int(value), min=int(low), max=int(high if high is not None else TEXT_MAX),
            step=1, continuous_update=False, **common,
        )  # fmt: skip
    cls = widgets.FloatSlider if slider else widgets.BoundedFloatText
    return cls(
        value=float(value), min=float(low), max=float(high), step=spec.step,
        continuous_update=False, **common,
    )  # fmt: skip


def make_controls(scenario: Scenario, lang: str) -> dict[str, widgets.ValueWidget]:
    """A control per scenario field, initialised from the scenario, in field order."""
    return {name: make_control(name, getattr(scenario, name), lang) for name in FIELD_NAMES}


class LiveFigure:
    """A plotly figure shown in an ``Output`` widget whose traces can be swapped in place.

    ``figure`` is the figure as plain JSON data (``data``/``layout``); :meth:`update` replaces
    the x/y of every trace and the title and re-sends the one output, so the chart changes
    where it is.
    """

    def __init__(self, figure: go.Figure) -> None:
        self.figure = json.loads(pio.to_json(figure, validate=False, remove_uids=True))
        self.output = widgets.Output()
        self._send()

    def update(self, traces: list[dict], title: str) -> None:
        data = [{**old, "x": new["x"], "y": new["y"]} for old, new in zip(
            self.figure["data"], traces, strict=True)]  # fmt: skip
        layout = copy.copy(self.figure["layout"])
        layout["title"] = {**layout.get("title", {}), "text": title}
        self.figure = {**self.figure, "data": data, "layout": layout}
        self._send()

    @property
    def title(self) -> str:
        return self.figure["layout"]["title"]["text"]

    def trace_y(self, index: int) -> list[float]:
        return list(self.figure["data"][index]["y"])

    def _send(self) -> None:
        bundle = {PLOTLY_MIME: self.figure, "text/plain": self.title}
        self.output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


class ScenarioExplorer:
    """Controls, live charts and a save button around one scenario.

    ``scenario`` always holds the last valid settings; ``projection`` and ``bands`` the
    results drawn for it; ``last_update_seconds`` how long the last update took.
    """

    def __init__(
        self,
        scenario: Scenario,
        lang: str,
        note: str,
        label: str = "",
        directory: Path | None = None,
    ) -> None:
        self.lang = check_lang(lang)
        self.scenario = scenario
        self.note = note
        self.label = label or t("scen_name_parameters", lang)
        self.directory = directory or params_dir()
        self.last_update_seconds = 0.0
        self._quiet = False
        self.controls = make_controls(scenario, lang)
        self.status = widgets.HTML()
        self.result = widgets.HTML()
        self._compute()
        self.projection_chart = LiveFigure(self._projection_figure())
        self.cumulative_chart = LiveFigure(self._cumulative_figure())
        self.save_name = widgets.Text(description=t("scen_w_save_name", lang))
        self.overwrite = widgets.Checkbox(value=False, description=t("scen_w_overwrite", lang))
        self.save_button = widgets.Button(description=t("scen_w_save", lang), icon="save")
        self.save_button.on_click(self.save)
        for name, control in self.controls.items():
            control.observe(partial(self._on_change, name), names="value")
        self._set_ccrm_start_bounds()
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
        charts = [self.projection_chart.output, self.cumulative_chart.output]
        children = [tabs, self.result, *charts, save_row]
        return widgets.VBox(
            children + [self.status], model_id=f"atmp-scenario-explorer-{next(_view_ids)}"
        )

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
        return {name: SPECS[name].kind(control.value) for name, control in self.controls.items()}

    def _on_change(self, name: str, change: dict) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._keep_consistent(name)
        finally:
            self._quiet = False
        self.apply()

    def _keep_consistent(self, name: str) -> None:
        """Move dependent controls so the settings stay valid (CCRM range and start year)."""
        low, high = self.controls["ccrm_need_low"], self.controls["ccrm_need_high"]
        if name == "ccrm_need_low" and low.value > high.value:
            high.value = low.value
        if name == "ccrm_need_high" and high.value < low.value:
            low.value = high.value
        if name in ("first_year", "horizon_years"):
            self._set_ccrm_start_bounds()

    def _set_ccrm_start_bounds(self) -> None:
        start = self.controls["ccrm_start_year"]
        first = self.controls["first_year"].value
        last = first + self.controls["horizon_years"].value - 1
        value = min(max(start.value, first), last)
        if first > start.max:
            start.max, start.min = last, first
        else:
            start.min, start.max = first, last
        start.value = value

    def apply(self) -> bool:
        """Take the controls' values as the scenario and update the charts; False if invalid."""
        try:
            candidate = Scenario.from_mapping(self.values(), "controls")
        except ScenarioError as error:
            problem = error.problems[0].removeprefix("controls: ")
            self.status.value = html.escape(t("scen_w_invalid", self.lang, problem=problem))
            return False
        self.scenario = candidate
        self.label = t("scen_name_explored", self.lang)
        self.status.value = ""
        self.refresh()
        return True

    def _compute(self) -> None:
        start = time.perf_counter()
        self.projection = model.monte_carlo(self.scenario)
        self.bands = model.total_percentiles(self.projection)
        self.last_update_seconds = time.perf_counter() - start

    def refresh(self) -> None:
        """Re-run the model and replace the charts' data in place."""
        start = time.perf_counter()
        self._compute()
        years = [int(year) for year in self.projection.years]
        self.projection_chart.update(
            scenario_views.percentile_traces(years, self.bands, scenario_views.CHART_QUANTITIES),
            scenario_views.projection_title(self.label, self.lang),
        )
        self.cumulative_chart.update(
            scenario_views.percentile_traces(years, self.bands, ("cumulative_gap",)),
            scenario_views.cumulative_title(self.scenario, self.label, self.lang),
        )
        self.last_update_seconds = time.perf_counter() - start
        self._write_result()

    @property
    def summary(self) -> pd.DataFrame:
        """The current results as a table (P10/P50/P90 per year and quantity)."""
        return model.summary(self.projection)

    def _projection_figure(self) -> go.Figure:
        return scenario_views.projection_figure(self.summary, self.label, self.note, self.lang)

    def _cumulative_figure(self) -> go.Figure:
        return scenario_views.cumulative_figure(
            self.summary, self.scenario, self.label, self.note, self.lang
        )

    def _write_result(self) -> None:
        values = scenario_views.places_values(self.projection, self.scenario, self.lang)
        text = t(
            "scen_w_summary", self.lang, **values,
            draws=format_number(self.scenario.draws, self.lang),
            ms=format_number(round(self.last_update_seconds * 1000), self.lang),
        )  # fmt: skip
        self.result.value = _bold(html.escape(text))

    # ------------------------------------------------------------------ saving

    def save(self, _button: object = None) -> Path | None:
        """Write the current scenario to ``params/<name>.yaml``; refuses to overwrite unless
        the "overwrite" box is ticked. Returns the path written, or None."""
        try:
            path = scenario_path(self.save_name.value, self.directory)
        except ValueError:
            self.status.value = html.escape(t("scen_w_bad_name", self.lang))
            return None
        try:
            save_scenario(
                self.scenario, path, overwrite=self.overwrite.value, comment=SAVED_COMMENT
            )
        except FileExistsError:
            self.status.value = html.escape(t("scen_w_exists", self.lang, path=display_name(path)))
            return None
        self.status.value = html.escape(t("scen_w_saved", self.lang, path=display_name(path)))
        return path


def _bold(text: str) -> str:
    """Markdown-style **bold** in a label to HTML <b>."""
    parts = text.split("**")
    return "".join(f"<b>{part}</b>" if index % 2 else part for index, part in enumerate(parts))
