"""Tables and charts of the scenarios section, in the page's language.

The numbers come from :mod:`atmp_lib.model`; this module only labels, formats and draws
them. Chart builders are split into "trace data" functions and figure builders so that the
interactive widgets (:mod:`atmp_lib.widgets`) update the same traces in place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from atmp_lib import model
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived
from atmp_lib.formatting import format_number, format_percent, source_note
from atmp_lib.i18n import LabelError, localized, t
from atmp_lib.scenario import FIELD_NAMES, SPECS, Origin, Scenario

MODEL_FACTS = (
    "survey_horizon_years",
    "need_companies",
    "need_healthcare",
    "need_ccrm_nordic",
    "job_ads_sweden_2021",
    "uk_apprenticeship_places",
)
NEED_FACTS = ("need_companies", "need_healthcare", "need_ccrm_nordic")
PLAIN_INTEGERS = ("first_year", "ccrm_start_year", "seed")  # years and ids: no digit grouping
CHART_QUANTITIES = ("demand", "supply", "gap")
COLOURS = {
    "demand": "#1f77b4",
    "supply": "#2ca02c",
    "gap": "#d62728",
    "cumulative_gap": "#d62728",
    "companies": "#1f77b4",
    "healthcare": "#2ca02c",
    "ccrm_nordic": "#ff7f0e",
}
BAND_OPACITY = "33"  # hex alpha appended to a colour for P10-P90 bands
UNIT_LABELS = {
    "%": "scen_unit_percent",
    "% per year": "scen_unit_percent_per_year",
    "year": "scen_unit_year",
    "1 = yes, 0 = no": "scen_unit_yes_no",
    "people per year": "scen_unit_people_per_year",
    "draws": "scen_unit_draws",
    "seed": "scen_unit_seed",
}


# --------------------------------------------------------------------------- words


def people(value: float, lang: str) -> str:
    """A number of people, rounded to whole people."""
    return format_number(round(value), lang)


def scenario_name(name: str, lang: str) -> str:
    """A named scenario's title (``scen_name_<file stem>``), else its file name."""
    try:
        return t(f"scen_name_{name}", lang)
    except LabelError:
        return name


def format_value(name: str, value: object, lang: str) -> str:
    """A parameter's value for a table: yes/no, plain years, grouped numbers."""
    if SPECS[name].kind is bool:
        return t("scen_yes" if value else "scen_no", lang)
    if name in PLAIN_INTEGERS:
        return str(value)
    decimals = None if float(value).is_integer() else 2
    return format_number(float(value), lang, decimals)


def origin_text(origin: Origin, lang: str) -> str:
    """Where a default comes from: the table and the row ids (and the formula)."""
    ids = ", ".join(origin.ids)
    if origin.kind == "derived":
        return t("scen_origin_derived", lang, formula=origin.formula, ids=ids)
    return t(f"scen_origin_{origin.kind}", lang, ids=ids)


def supply_text(scenario: Scenario, lang: str) -> str:
    """The supply options switched on, in words: "31 trained on the job, 8 apprentices"."""
    parts = [
        t(f"scen_supply_{option}", lang, value=format_number(value, lang, 1 if value % 1 else 0))
        for option, value in model.supply_components(scenario).items()
        if value > 0
    ]
    if scenario.recruited_abroad_share > 0:
        share = format_percent(scenario.recruited_abroad_share, lang, decimals=0)
        parts.append(t("scen_supply_abroad", lang, value=share))
    return ", ".join(parts) or t("scen_supply_none", lang)


def check_note(facts: pd.DataFrame, lang: str) -> str:
    """Source note for the recomputed report totals: the three needs the survey states."""
    return source_note("facts.csv", facts[facts["id"].isin(NEED_FACTS)], lang)


def model_source_note(facts: pd.DataFrame, lang: str) -> str:
    """Source note for the model's results: the facts it uses, the assumptions, population."""
    rows = facts[facts["id"].isin(MODEL_FACTS)]
    return " ".join(
        [
            source_note("facts.csv", rows, lang),
            t("scen_assumptions_note", lang),
            t("scen_population_note", lang),
        ]
    )


# --------------------------------------------------------------------------- tables


def parameter_table(scenario: Scenario, sources: dict[str, Origin], lang: str) -> pd.DataFrame:
    """Every parameter with its value, its default and where the default comes from."""
    return pd.DataFrame(
        {
            t("scen_col_parameter", lang): [t(f"param_{name}", lang) for name in FIELD_NAMES],
            t("col_value", lang): [
                format_value(name, getattr(scenario, name), lang) for name in FIELD_NAMES
            ],
            t("scen_col_default", lang): [
                format_value(name, sources[name].value, lang) for name in FIELD_NAMES
            ],
            t("scen_col_basis", lang): [origin_text(sources[name], lang) for name in FIELD_NAMES],
        }
    )


def check_figures(baseline: Scenario) -> list[Derived]:
    """The report's totals recomputed by the model: without CCRM Nordic, and at its range ends."""
    period = baseline.need_period_years
    parts = f"{baseline.need_companies:g} + {baseline.need_healthcare:g}"
    without = model.cumulative_demand(_period_only(baseline.replace(ccrm_established=False)))
    low, high = model.reported_need_range(_period_only(baseline.replace(ccrm_established=True)))
    inputs = ("need_companies", "need_healthcare")
    figures = [
        _derived("scen_derived_without", period, without, parts, inputs),
        _derived(
            "scen_derived_with_low", period, low, f"{parts} + {baseline.ccrm_need_low:g}",
            (*inputs, "need_ccrm_nordic"),
        ),
        _derived(
            "scen_derived_with_high", period, high, f"{parts} + {baseline.ccrm_need_high:g}",
            (*inputs, "need_ccrm_nordic"),
        ),
    ]  # fmt: skip
    return figures


def _period_only(scenario: Scenario) -> Scenario:
    """The scenario over exactly the survey period, starting CCRM Nordic with it."""
    return scenario.replace(
        horizon_years=scenario.need_period_years, ccrm_start_year=scenario.first_year
    )


def _derived(
    label_id: str, period: int, value: float, formula: str, inputs: tuple[str, ...]
) -> Derived:
    return Derived(
        label_en=t(label_id, "en", period=period),
        label_sv=t(label_id, "sv", period=period),
        value=value,
        formula=formula,
        inputs=inputs,
        unit="",
    )


def summary_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """P10/P50/P90 per year of need, supply, gap and cumulative gap (all sectors)."""
    rows = summary[summary["sector"] == model.TOTAL]
    order = {quantity: index for index, quantity in enumerate(model.QUANTITIES)}
    rows = rows.assign(_order=rows["quantity"].map(order))
    rows = rows.sort_values(["_order", "year"], kind="stable")
    return _percentile_frame(
        {
            t("scen_col_quantity", lang): [t(f"scen_q_{q}", lang) for q in rows["quantity"]],
            t("scen_col_year", lang): [str(year) for year in rows["year"]],
        },
        rows,
        lang,
    )


def sector_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Cumulative gap by the last year, per sector and in total (needs a by-sector summary)."""
    last = summary[
        (summary["year"] == summary["year"].max()) & (summary["quantity"] == "cumulative_gap")
    ]
    order = {sector: index for index, sector in enumerate((*model.SECTORS, model.TOTAL))}
    last = last.assign(_order=last["sector"].map(order)).sort_values("_order", kind="stable")
    return _percentile_frame(
        {t("scen_col_sector", lang): [t(f"scen_sector_{s}", lang) for s in last["sector"]]},
        last,
        lang,
    )


def _percentile_frame(columns: dict[str, list[str]], rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    for name in ("p10", "p50", "p90"):
        columns[t(f"scen_col_{name}", lang)] = [people(value, lang) for value in rows[name]]
    return pd.DataFrame(columns).reset_index(drop=True)


def places_values(projection: model.Projection, scenario: Scenario, lang: str) -> dict[str, str]:
    """The figures the "places needed" sentence quotes."""
    result = model.end_of_horizon(projection)
    gap, places = result["cumulative_gap"], result["places_needed"]
    return {
        "last_year": str(scenario.last_year),
        "p10": people(places[0], lang),
        "p50": people(places[1], lang),
        "p90": people(places[2], lang),
        "gap10": people(gap[0], lang),
        "gap50": people(gap[1], lang),
        "gap90": people(gap[2], lang),
    }


def comparison_table(comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The named scenarios' cumulative gaps (P10/P50/P90) and places needed, side by side."""
    return pd.DataFrame(
        {
            t("scen_col_scenario", lang): [
                scenario_name(name, lang) for name in comparison["scenario"]
            ],
            t("scen_col_file", lang): [f"params/{name}.yaml" for name in comparison["scenario"]],
            t("scen_col_last_year", lang): [str(y) for y in comparison["last_year"]],
            t("scen_col_gap_p10", lang): [people(v, lang) for v in comparison["gap_p10"]],
            t("scen_col_gap_p50", lang): [people(v, lang) for v in comparison["gap_p50"]],
            t("scen_col_gap_p90", lang): [people(v, lang) for v in comparison["gap_p90"]],
            t("scen_col_places_p50", lang): [people(v, lang) for v in comparison["places_p50"]],
        }
    )


def used_assumptions(sources: dict[str, Origin], assumptions: pd.DataFrame) -> pd.DataFrame:
    """The rows of assumptions.csv that the scenario's defaults use, in the table's order."""
    ids = {item for origin in sources.values() for item in origin.ids}
    return assumptions[assumptions["id"].isin(ids)].reset_index(drop=True)


def assumptions_table(used: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each assumption with its value, unit and reason, in the language."""
    return pd.DataFrame(
        {
            t("assumption_label", lang): localized(used, "label", lang),
            t("col_value", lang): [
                _assumption_value(value, unit, lang)
                for value, unit in zip(used["value"], used["unit"], strict=True)
            ],
            t("col_unit", lang): [t(UNIT_LABELS[unit], lang) for unit in used["unit"]],
            t("scen_col_rationale", lang): localized(used, "rationale", lang),
        }
    ).reset_index(drop=True)


def _assumption_value(value: float, unit: str, lang: str) -> str:
    if unit in ("year", "seed") and value >= 1000:
        return str(int(value))
    return format_number(float(value), lang)


# --------------------------------------------------------------------------- charts


def _rgba_band(colour: str) -> str:
    return colour + BAND_OPACITY


def band_xy(years: list[int], bands: np.ndarray) -> dict:
    """x/y of a closed P10-P90 polygon: P90 forwards in time, then P10 backwards."""
    return {"x": years + years[::-1], "y": bands[2].tolist() + bands[0].tolist()[::-1]}


def median_xy(years: list[int], bands: np.ndarray) -> dict:
    """x/y of the P50 line."""
    return {"x": list(years), "y": bands[1].tolist()}


def percentile_traces(
    years: list[int], bands: dict[str, np.ndarray], quantities: tuple[str, ...]
) -> list[dict]:
    """x/y of each trace of a band chart: for every quantity its band, then its P50 line.

    ``bands[quantity]`` holds P10, P50 and P90 per year (shape (3, years)).
    """
    traces = []
    for quantity in quantities:
        traces += [band_xy(years, bands[quantity]), median_xy(years, bands[quantity])]
    return traces


def bands_from_summary(summary: pd.DataFrame, sector: str = model.TOTAL) -> dict[str, np.ndarray]:
    """The (3, years) percentile arrays of each quantity, read back from a summary table."""
    rows = summary[summary["sector"] == sector]
    return {
        quantity: group.sort_values("year", kind="stable")[["p10", "p50", "p90"]]
        .to_numpy(dtype=float)
        .T
        for quantity, group in rows.groupby("quantity", sort=False)
    }


def projection_traces(summary: pd.DataFrame, quantities: tuple[str, ...]) -> list[dict]:
    """:func:`percentile_traces` from a summary table (all sectors together)."""
    years = sorted(int(year) for year in summary["year"].unique())
    return percentile_traces(years, bands_from_summary(summary), quantities)


def band_figure(
    summary: pd.DataFrame, quantities: tuple[str, ...], title: str, axis: str, lang: str
) -> go.Figure:
    """Bands (P10-P90) and P50 lines over the years, one colour per quantity."""
    fig = go.Figure()
    for quantity, (band, line) in zip(
        quantities, _pairs(projection_traces(summary, quantities)), strict=True
    ):
        name = t(f"scen_q_{quantity}", lang)
        colour = COLOURS[quantity]
        fig.add_trace(
            go.Scatter(
                **band, name=t("scen_band", lang, quantity=name), fill="toself", mode="lines",
                fillcolor=_rgba_band(colour), line={"width": 0}, hoverinfo="skip",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(**line, name=name, mode="lines+markers", line={"color": colour, "width": 3})
        )
    fig.update_xaxes(title_text=t("scen_axis_year", lang), dtick=1)
    fig.update_yaxes(title_text=axis, rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return base_layout(fig, title)


def _pairs(items: list) -> list[tuple]:
    return list(zip(items[::2], items[1::2], strict=True))


def projection_title(scenario_label: str, lang: str) -> str:
    return t("scen_chart_projection_title", lang, scenario=scenario_label)


def cumulative_title(scenario: Scenario, scenario_label: str, lang: str) -> str:
    return t(
        "scen_chart_cumulative_title", lang, first_year=scenario.first_year,
        last_year=scenario.last_year, scenario=scenario_label,
    )  # fmt: skip


def projection_figure(
    summary: pd.DataFrame, scenario_label: str, note: str, lang: str
) -> go.Figure:
    """Need, supply and gap per year, P50 lines in P10-P90 bands."""
    title = projection_title(scenario_label, lang)
    axis = t("scen_axis_people_per_year", lang)
    fig = band_figure(summary, CHART_QUANTITIES, title, axis, lang)
    return add_source_note(fig, note)


def cumulative_figure(
    summary: pd.DataFrame, scenario: Scenario, scenario_label: str, note: str, lang: str
) -> go.Figure:
    """The cumulative gap over the horizon, P50 line in its P10-P90 band."""
    title = cumulative_title(scenario, scenario_label, lang)
    axis = t("scen_axis_people", lang)
    fig = band_figure(summary, ("cumulative_gap",), title, axis, lang)
    return add_source_note(fig, note)


def sector_figure(projected: pd.DataFrame, scenario_label: str, note: str, lang: str) -> go.Figure:
    """Need per sector per year at the stated figures (stacked), with the total supply."""
    fig = go.Figure()
    for sector in model.SECTORS:
        rows = projected[projected["sector"] == sector].sort_values("year", kind="stable")
        fig.add_trace(
            go.Bar(
                name=t(f"scen_sector_{sector}", lang),
                x=[int(y) for y in rows["year"]],
                y=[float(v) for v in rows["demand"]],
                marker_color=COLOURS[sector],
            )
        )
    total = projected[projected["sector"] == model.TOTAL].sort_values("year", kind="stable")
    fig.add_trace(
        go.Scatter(
            name=t("scen_q_supply", lang),
            x=[int(y) for y in total["year"]],
            y=[float(v) for v in total["supply"]],
            mode="lines+markers",
            line={"color": "#000000", "dash": "dash"},
        )
    )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text=t("scen_axis_year", lang), dtick=1)
    fig.update_yaxes(title_text=t("scen_axis_people_per_year", lang))
    base_layout(fig, t("scen_chart_sector_title", lang, scenario=scenario_label))
    return add_source_note(fig, note)


def comparison_figure(comparison: pd.DataFrame, note: str, lang: str) -> go.Figure:
    """Each named scenario's cumulative gap: P50 bars with P10-P90 error bars."""
    names = [scenario_name(name, lang) for name in comparison["scenario"]]
    mid = comparison["gap_p50"].astype(float)
    fig = go.Figure(
        go.Bar(
            x=mid.round(0).tolist(),
            y=names,
            orientation="h",
            marker_color=COLOURS["gap"],
            text=[people(value, lang) for value in mid],
            textposition="inside",
            insidetextanchor="start",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (comparison["gap_p90"] - mid).round(1).tolist(),
                "arrayminus": (mid - comparison["gap_p10"]).round(1).tolist(),
            },
        )
    )
    last_year = int(comparison["last_year"].max())
    fig.update_yaxes(autorange="reversed", title_text=t("scen_axis_scenario", lang))
    fig.update_xaxes(title_text=t("scen_axis_people", lang), rangemode="tozero")
    base_layout(fig, t("scen_chart_comparison_title", lang, last_year=last_year))
    return add_source_note(fig, note)


# --------------------------------------------------------------------------- page text


def scenario_label(current: Scenario, named: dict[str, Scenario], lang: str) -> str:
    """The title of the named scenario the parameters equal, else "as set in the parameters"."""
    for name, candidate in named.items():
        if candidate == current:
            return scenario_name(name, lang)
    return t("scen_name_parameters", lang)


def intro_values(current: Scenario, label: str, lang: str) -> dict[str, str]:
    """The figures the introduction quotes."""
    return {
        "first_year": str(current.first_year),
        "last_year": str(current.last_year),
        "draws": format_number(current.draws, lang),
        "scenario": label,
    }


def check_values(figures: list[Derived], baseline: Scenario, lang: str) -> dict[str, str]:
    """The figures the "survey as reported" sentence quotes (from :func:`check_figures`)."""
    without, low, high = (figure.value for figure in figures)
    return {
        "without": people(without, lang),
        "low": people(low, lang),
        "high": people(high, lang),
        "period": str(baseline.need_period_years),
    }


def assumptions_note(lang: str) -> str:
    """Source note of the assumptions table."""
    return t("scen_assumptions_note", lang)
