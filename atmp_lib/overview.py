"""The overview section: global context, the Swedish ATMP landscape and the ATMP classes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, get_fact, is_approximate
from atmp_lib.formatting import format_formula, format_number, source_note, unit_label
from atmp_lib.i18n import localized, t

GLOBAL_CONTEXT_IDS = (
    "global_clinical_trials_2021",
    "global_phase3_trials_2021",
    "global_industry_sponsored_share",
    "global_atmp_companies",
    "global_private_investment_2021",
)
SKR_YEARS_ASSUMPTION = "assumption_skr_years"
KIND_COLOURS = {
    "atmp_centre": "#1f77b4",
    "national_centre": "#2ca02c",
    "national_initiative": "#9467bd",
    "innovation_milieu": "#ff7f0e",
    "planned_infrastructure": "#8c564b",
    "investment": "#7f7f7f",
}


def global_context_table(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The global key figures of 2021 as the report states them, with their quotes."""
    rows = []
    for fact_id in GLOBAL_CONTEXT_IDS:
        fact = get_fact(facts, fact_id)
        rows.append(
            {
                t("col_figure", lang): fact.label(lang),
                t("col_value", lang): fact.display(lang),
                t("col_unit", lang): "" if fact.unit == "%" else unit_label(fact.unit, lang),
                t("col_quote", lang): fact.quote,
            }
        )
    return pd.DataFrame(rows)


def global_context_summary(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the global-context paragraph quotes, written for the language."""
    return {
        "trials": format_number(get_fact(facts, "global_clinical_trials_2021").central, lang),
        "phase3": format_number(get_fact(facts, "global_phase3_trials_2021").central, lang),
        "phase3_share": phase3_share(facts).display(lang),
        "companies": format_number(get_fact(facts, "global_atmp_companies").central, lang),
        "investment": _money(get_fact(facts, "global_private_investment_2021"), lang),
    }


def sweden_summary(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the Swedish-landscape paragraph quotes, written for the language."""
    investment = get_fact(facts, "skr_investment")
    per_hospital = skr_investment_figures(facts)[0]
    return {
        "skr": _money(investment, lang),
        "hospitals": format_number(get_fact(facts, "university_hospitals_with_atmp").central, lang),
        "period": investment.period.replace("-", "\u2013"),
        "per_hospital": f"{per_hospital.display(lang, decimals=0)}",
    }


def _money(fact: Fact, lang: str) -> str:
    return f"{fact.display(lang)} {unit_label(fact.unit, lang)}"


def phase3_share(facts: pd.DataFrame) -> Derived:
    """Share of the ATMP trials running at the end of 2021 that were in phase 3."""
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    trials = get_fact(facts, "global_clinical_trials_2021")
    return Derived(
        label_en="Share of ATMP clinical trials in phase 3 (end of 2021)",
        label_sv="Andel av ATMP-prövningarna i fas 3 (vid utgången av 2021)",
        value=100 * phase3.central / trials.central,
        formula=f"{phase3.central:g} / {trials.central:g} × 100",
        inputs=(phase3.id, trials.id),
        approximate=is_approximate(phase3, trials),
        unit="%",
    )


def trials_by_sponsor(facts: pd.DataFrame) -> dict[str, Derived]:
    """Trials sponsored by companies and by academia or healthcare ("about half" each)."""
    trials = get_fact(facts, "global_clinical_trials_2021")
    share = get_fact(facts, "global_industry_sponsored_share")
    industry = trials.central * share.central / 100
    common = {"inputs": (trials.id, share.id), "approximate": True}
    return {
        "industry": Derived(
            label_en="Sponsored by companies",
            label_sv="Sponsrade av företag",
            value=industry,
            formula=f"{trials.central:g} × {share.central:g} / 100",
            **common,
        ),
        "academia": Derived(
            label_en="Sponsored by academia or healthcare",
            label_sv="Sponsrade av akademi eller sjukvård",
            value=trials.central - industry,
            formula=f"{trials.central:g} − {industry:g}",
            **common,
        ),
    }


def derived_table(figures: list[Derived], lang: str) -> pd.DataFrame:
    """Derived figures with their formula and the fact ids they use."""
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure in figures],
            t("col_value", lang): [figure.display(lang) for figure in figures],
            t("col_formula", lang): [format_formula(figure.formula, lang) for figure in figures],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure in figures],
        }
    )


def trials_chart(facts: pd.DataFrame, lang: str) -> go.Figure:
    """Clinical trials at the end of 2021: all phases, phase 3, and by sponsor."""
    trials = get_fact(facts, "global_clinical_trials_2021")
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    sponsors = trials_by_sponsor(facts)
    bars = [
        (trials.label(lang), trials.central, trials.display(lang)),
        (phase3.label(lang), phase3.central, phase3.display(lang)),
        (sponsors["industry"].label(lang), sponsors["industry"].value,
         sponsors["industry"].display(lang, decimals=0)),
        (sponsors["academia"].label(lang), sponsors["academia"].value,
         sponsors["academia"].display(lang, decimals=0)),
    ]  # fmt: skip
    fig = go.Figure(
        go.Bar(
            x=[bar[0] for bar in bars],
            y=[bar[1] for bar in bars],
            text=[bar[2] for bar in bars],
            textposition="outside",
            marker_color=["#1f77b4", "#d62728", "#7f7f7f", "#bcbd22"],
        )
    )
    fig.update_yaxes(title_text=t("axis_trials", lang))
    base_layout(fig, t("chart_trials_title", lang))
    rows = facts[facts["id"].isin([trials.id, phase3.id, "global_industry_sponsored_share"])]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def skr_investment_figures(facts: pd.DataFrame) -> list[Derived]:
    """The SKR investment per university hospital and per year (an average)."""
    investment = get_fact(facts, "skr_investment")
    hospitals = get_fact(facts, "university_hospitals_with_atmp")
    first, last = (int(year) for year in investment.period.split("-"))
    years = last - first + 1
    return [
        Derived(
            label_en="SKR investment per university hospital (average)",
            label_sv="SKR:s satsning per universitetssjukhus (genomsnitt)",
            value=investment.central / hospitals.central,
            formula=f"{investment.central:g} / {hospitals.central:g}",
            inputs=(investment.id, hospitals.id),
            unit="MSEK",
        ),
        Derived(
            label_en="SKR investment per year (average)",
            label_sv="SKR:s satsning per år (genomsnitt)",
            value=investment.central / years,
            formula=f"{investment.central:g} / {years} ({first}–{last})",
            inputs=(investment.id,),
            unit="MSEK",
            assumption=SKR_YEARS_ASSUMPTION,
        ),
    ]


def landscape_table(landscape: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Swedish centres, initiatives and investments, ordered by kind then name."""
    frame = landscape.assign(
        description=localized(landscape, "description", lang),
        kind_label=landscape["kind"].map(lambda kind: t(f"kind_{kind}", lang)),
        status_label=landscape["status"].map(lambda status: t(f"status_{status}", lang)),
        start=landscape["start_year"].map(lambda year: "" if pd.isna(year) else str(year)),
    )
    frame = frame.sort_values(["kind", "name_en"], kind="stable")
    return pd.DataFrame(
        {
            t("col_name", lang): localized(frame, "name", lang),
            t("col_kind", lang): frame["kind_label"],
            t("col_status", lang): frame["status_label"],
            t("col_location", lang): frame["location"].fillna(""),
            t("col_start_year", lang): frame["start"],
            t("col_description", lang): frame["description"],
        }
    ).reset_index(drop=True)


def landscape_chart(landscape: pd.DataFrame, lang: str) -> go.Figure:
    """Counts of centres and initiatives by kind, stacked by status."""
    counts = (
        landscape.groupby(["kind", "status"], sort=True).size().rename("count").reset_index()
    )
    fig = go.Figure()
    for status, group in counts.groupby("status", sort=True):
        fig.add_trace(
            go.Bar(
                name=t(f"status_{status}", lang),
                x=[t(f"kind_{kind}", lang) for kind in group["kind"]],
                y=group["count"].tolist(),
            )
        )
    fig.update_layout(barmode="stack", legend_title_text=t("col_status", lang))
    fig.update_yaxes(title_text=t("col_count", lang), dtick=1)
    base_layout(fig, t("chart_landscape_title", lang))
    return add_source_note(fig, source_note("landscape.csv", landscape, lang))


def landscape_timeline(landscape: pd.DataFrame, lang: str) -> go.Figure:
    """The start years the sources give for centres and initiatives, on a time axis."""
    dated = landscape.dropna(subset=["start_year"]).sort_values("start_year", kind="stable")
    fig = go.Figure(
        go.Scatter(
            x=dated["start_year"].astype(int).tolist(),
            y=localized(dated, "name", lang).tolist(),
            mode="markers+text",
            text=[str(int(year)) for year in dated["start_year"]],
            textposition="middle right",
            marker={"size": 12, "color": [KIND_COLOURS[k] for k in dated["kind"]]},
        )
    )
    fig.update_xaxes(title_text=t("col_start_year", lang))
    base_layout(fig, t("chart_timeline_title", lang))
    return add_source_note(fig, source_note("landscape.csv", dated, lang))


def atmp_classes_table(classes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The four ATMP classes with their definitions in the chosen language."""
    return pd.DataFrame(
        {
            t("col_name", lang): localized(classes, "name", lang),
            t("col_definition", lang): localized(classes, "definition", lang),
        }
    )
