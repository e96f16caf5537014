"""The scenarios section's charts, in the page's language: need by sector, P10-P90 bands,
the sensitivity (tornado) chart and the named scenarios compared.

The numbers come from :mod:`~atmp_lib.sections.scenarios.model`; the words and whole-people
rounding from :mod:`~atmp_lib.sections.scenarios.views`. Charts write nothing to the claims
register (they are not page text; their data is exported beside them). Trace data functions
(:func:`percentile_traces`, :func:`tornado_traces`) are kept apart from the figure builders
so that the explorer (:mod:`~atmp_lib.sections.scenarios.widgets`) updates the same traces in
place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from atmp_lib.charts import PALETTE, add_source_note, base_layout
from atmp_lib.formatting import format_number
from atmp_lib.i18n import t
from atmp_lib.sections.scenarios import model
from atmp_lib.sections.scenarios.scenario import Scenario
from atmp_lib.sections.scenarios.views import (
    input_name,
    need_sectors,
    scenario_name,
    whole_need,
    whole_tornado,
)

CHART_QUANTITIES = ("need", "capacity", "uncovered")

#: Chart colours by meaning, from the report's accessible palette (each mark at least 3:1
#: against the page, the pairs that meet told apart with the common colour-vision deficiencies).
COLOURS = {
    "need": PALETTE["blue"],
    "capacity": PALETTE["green"],
    "uncovered": PALETTE["vermillion"],
    "cumulative_need": PALETTE["blue"],
    "cumulative_capacity": PALETTE["green"],
    "cumulative_uncovered": PALETTE["vermillion"],
    "companies": PALETTE["blue"],
    "healthcare": PALETTE["green"],
    "ccrm_nordic": PALETTE["vermillion"],
    "low": PALETTE["blue"],
    "high": PALETTE["ochre"],
}

#: Line marker per quantity, so that the lines differ in more than colour.
SYMBOLS = {"need": "circle", "capacity": "square", "uncovered": "diamond"}

#: Text inside a vermillion bar: black keeps it readable (white would fall below 4.5:1).
TEXT_ON_BAR = "#000000"

BAND_OPACITY = "33"  # hex alpha appended to a palette colour for P10-P90 bands (a fill)

PEOPLE_HOVER = "%{y:,.0f}"

SIDE_LEGEND = {"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"}


def _chart_people(value: float, lang: str) -> str:
    """Whole people for a chart title or label (charts are not in the register)."""
    return format_number(round(float(value)), lang, 0)


def need_figure(
    frame: pd.DataFrame, scenario: Scenario, label: str, note: str, lang: str
) -> go.Figure:
    """Need per sector per year at the stated figures (stacked bars), in the need table's
    whole people."""
    whole = whole_need(frame, scenario)
    fig = go.Figure()
    for sector in need_sectors(scenario):
        values = whole[f"need_{sector}"]
        if not values.any():
            continue
        fig.add_trace(
            go.Bar(
                name=t(f"scen_sector_{sector}", lang),
                x=whole["year"].tolist(),
                y=values.tolist(),
                marker_color=COLOURS[sector],
                hovertemplate=PEOPLE_HOVER,
            )
        )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text=t("scen_axis_year", lang), dtick=1)
    fig.update_yaxes(title_text=t("scen_axis_people_per_year", lang))
    base_layout(fig, t("scen_chart_need_title", lang, scenario=label))
    return add_source_note(fig, note)


def _rgba_band(colour: str) -> str:
    return colour + BAND_OPACITY


def _chart_whole(values: np.ndarray) -> list[float]:
    """Whole people for a chart (its data table and CSV show what it plots). Floats, so that
    plotly keeps them a plain list (it packs a list of ints into a typed array)."""
    return [float(value) for value in np.rint(values)]


def band_xy(years: list[int], bands: np.ndarray) -> dict:
    """x/y of a closed P10-P90 polygon: P90 forwards in time, then P10 backwards."""
    upper, lower = _chart_whole(bands[2]), _chart_whole(bands[0])
    return {"x": years + years[::-1], "y": upper + lower[::-1]}


def median_xy(years: list[int], bands: np.ndarray) -> dict:
    """x/y of the P50 line, in whole people as the tables give it."""
    return {"x": list(years), "y": _chart_whole(bands[1])}


def percentile_traces(
    years: list[int], bands: dict[str, np.ndarray], quantities: tuple[str, ...]
) -> list[dict]:
    """x/y of each trace of a band chart: for every quantity its band, then its P50 line."""
    traces = []
    for quantity in quantities:
        traces += [band_xy(years, bands[quantity]), median_xy(years, bands[quantity])]
    return traces


def band_figure(
    years: list[int], bands: dict[str, np.ndarray], quantities: tuple[str, ...],
    title: str, axis: str, lang: str,
) -> go.Figure:  # fmt: skip
    """Bands (P10-P90) and P50 lines over the years, one colour per quantity."""
    fig = go.Figure()
    traces = percentile_traces(years, bands, quantities)
    for quantity, band, line in zip(quantities, traces[::2], traces[1::2], strict=True):
        name = t(f"scen_q_{quantity}", lang)
        colour = COLOURS[quantity]
        fig.add_trace(
            go.Scatter(
                **band, name=t("scen_band", lang, quantity=name), fill="toself", mode="lines",
                fillcolor=_rgba_band(colour), line={"width": 0}, hoverinfo="skip",
            )
        )  # fmt: skip
        symbol = SYMBOLS[quantity.removeprefix("cumulative_")]
        fig.add_trace(
            go.Scatter(**line, name=name, mode="lines+markers", hovertemplate=PEOPLE_HOVER,
                       line={"color": colour, "width": 3},
                       marker={"color": colour, "symbol": symbol, "size": 8})
        )  # fmt: skip
    fig.update_xaxes(title_text=t("scen_axis_year", lang), dtick=1)
    fig.update_yaxes(title_text=axis, zeroline=True, rangemode="tozero")
    fig.update_layout(legend=SIDE_LEGEND)  # long names: beside the plot, clear of the note
    return base_layout(fig, title)


def projection_title(label: str, lang: str) -> str:
    return t("scen_chart_projection_title", lang, scenario=label)


def cumulative_title(scenario: Scenario, label: str, lang: str) -> str:
    return t("scen_chart_cumulative_title", lang, first_year=scenario.first_year,
             last_year=scenario.last_year, scenario=label)  # fmt: skip


def projection_figure(projection: model.Projection, label: str, note: str, lang: str) -> go.Figure:
    """Need, capacity and uncovered need per year, P50 lines in P10-P90 bands."""
    years = [int(y) for y in projection.years]
    bands = model.total_percentiles(projection)
    fig = band_figure(years, bands, CHART_QUANTITIES, projection_title(label, lang),
                      t("scen_axis_people_per_year", lang), lang)  # fmt: skip
    return add_source_note(fig, note)


def cumulative_figure(
    projection: model.Projection, scenario: Scenario, label: str, note: str, lang: str
) -> go.Figure:
    """The cumulative uncovered need over the horizon, P50 line in its P10-P90 band."""
    years = [int(y) for y in projection.years]
    bands = model.total_percentiles(projection)
    fig = band_figure(
        years,
        bands,
        ("cumulative_uncovered",),
        cumulative_title(scenario, label, lang),
        t("scen_axis_people", lang),
        lang,
    )
    return add_source_note(fig, note)  # fmt: skip


def tornado_traces(frame: pd.DataFrame, scenario: Scenario, lang: str) -> list[dict]:
    """The two bar traces of a tornado chart: from the centre (``base``) to the result at each
    end, in whole people; ``customdata`` holds each end for the hover, ``name`` says what the
    values are (the explorer swaps all of it when the settings change).

    Largest swing at the top (plotly draws the first category at the bottom, so reversed).
    """
    rows = whole_tornado(frame).iloc[::-1]
    names = [
        f"{input_name(n, lang)}: {_range_words(n, lo, hi, lang)}"
        for n, lo, hi in zip(rows["input"], rows["low"], rows["high"], strict=True)
    ]
    base = _chart_whole(rows["base"].to_numpy())
    return [
        {"x": _chart_whole((rows[f"at_{end}"] - rows["base"]).to_numpy()), "y": names, "base": base,
         "customdata": _chart_whole(rows[f"at_{end}"].to_numpy()),
         "name": tornado_series(end, scenario, lang)}
        for end in ("low", "high")
    ]  # fmt: skip


def _range_words(name: str, low: float, high: float, lang: str) -> str:
    """ "5–30" for a chart label (the input's name carries its unit; charts are not page
    text, so nothing is recorded)."""
    return f"{format_number(low, lang)}\u2013{format_number(high, lang)}"


def tornado_title(scenario: Scenario, label: str, lang: str) -> str:
    return t("scen_chart_tornado_title", lang, last_year=scenario.last_year, scenario=label)


def tornado_series(end: str, scenario: Scenario, lang: str) -> str:
    """A tornado series' name, which says what its values are: the need not covered up to the
    last year with the input at one end (the chart's data exports under this name)."""
    return t(f"scen_tornado_{end}", lang, last_year=scenario.last_year)


def tornado_figure(
    frame: pd.DataFrame, scenario: Scenario, label: str, note: str, lang: str
) -> go.Figure:
    """One bar pair per input: the cumulative uncovered need at its low and its high end."""
    fig = go.Figure()
    for trace, end in zip(tornado_traces(frame, scenario, lang), ("low", "high"), strict=True):
        fig.add_trace(
            go.Bar(**trace, orientation="h", marker_color=COLOURS[end],
                   hovertemplate="%{base:,.0f} → %{customdata:,.0f}<extra></extra>")
        )  # fmt: skip
    fig.update_xaxes(title_text=t("scen_axis_uncovered", lang, last_year=scenario.last_year))
    fig.update_yaxes(automargin=True)
    base_layout(fig, tornado_title(scenario, label, lang))
    fig.update_layout(barmode="overlay", legend=SIDE_LEGEND, height=tornado_height(frame))
    return add_source_note(fig, note)


def tornado_height(frame: pd.DataFrame) -> int:
    """Room for every input's bar pair (the chart grows with the inputs shown)."""
    return max(380, 160 + 34 * len(frame))


def comparison_figure(
    comparison: pd.DataFrame, named: dict[str, Scenario], note: str, lang: str
) -> go.Figure:
    """Each named scenario's cumulative uncovered need: P50 bars with P10-P90 error bars."""
    names = [scenario_name(n, named[n], lang, record=False) for n in comparison["scenario"]]
    mid = comparison["uncovered_p50"].astype(float)
    fig = go.Figure(
        go.Bar(
            x=_chart_whole(mid.to_numpy()), y=names, orientation="h", showlegend=False,
            name=t("scen_cmp_col_p50", lang, mid="P50"),  # names the series its data exports
            marker_color=COLOURS["uncovered"],
            text=[_chart_people(value, lang) for value in mid], textposition="inside",
            insidetextanchor="start", insidetextfont={"color": TEXT_ON_BAR},
            hovertemplate="%{x:,.0f}<extra></extra>",
            error_x={
                "type": "data", "symmetric": False,
                "array": _chart_whole(comparison["uncovered_p90"].round() - mid.round()),
                "arrayminus": _chart_whole(mid.round() - comparison["uncovered_p10"].round()),
            },
        )
    )  # fmt: skip
    last_year = int(comparison["last_year"].max())
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=t("scen_axis_people", lang), rangemode="tozero")
    base_layout(fig, t("scen_chart_comparison_title", lang, last_year=last_year))
    return add_source_note(fig, note)
