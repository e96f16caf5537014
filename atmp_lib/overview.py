"""The overview section: background, global context, the Swedish landscape, the term ATMP.

Calculations (``phase3_share``, ``trials_by_sponsor``, ``skr_investment_figures``,
``derived_figures``, ``landscape_counts``) take tables and return figures without any
language; the views below them label, format and draw, and write every number they show
through :mod:`atmp_lib.claims`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, get_fact, is_approximate
from atmp_lib.formatting import format_formula, format_number, source_note, unit_label
from atmp_lib.i18n import localized, t
from atmp_lib.population import formula_number

GLOBAL_CONTEXT_IDS = (
    "global_clinical_trials_2021",
    "global_phase3_trials_2021",
    "global_industry_sponsored_share",
    "global_atmp_companies",
    "global_private_investment_2021",
)
#: The fact whose period is the year of the global key figures.
GLOBAL_YEAR_FACT = "global_private_investment_2021"
SKR_SPLIT_ASSUMPTION = "skr_even_split"
SKR_YEARS_ASSUMPTION = "skr_period_years"
SKR_ASSUMPTIONS = (SKR_SPLIT_ASSUMPTION, SKR_YEARS_ASSUMPTION)
MONEY_UNITS = {
    "USD billion": "overview_money_usd_billion",
    "SEK million": "overview_money_sek_million",
}
#: The source's own words shown on the page, in page order, by part.
BACKGROUND_VERDICTS = (
    "overview_background_challenges",
    "overview_background_shortage",
    "overview_background_vision",
    "overview_background_subgoal",
)
TERM_VERDICT = "atmp_term_footnote"
CONCLUSION_VERDICTS = (
    "overview_conclusion_supply_need",
    "overview_conclusion_precision_medicine",
    "overview_conclusion_act",
    "overview_conclusion_coordination",
    "overview_conclusion_links",
)
SIGNAL_VERDICTS = ("overview_signal_universities", "overview_signal_partners")
MILIEU_NAME = "ATMP 2030"
#: Verdicts whose translation writes a number inside a name.
VERDICT_NAMES = {"overview_background_subgoal": MILIEU_NAME}
#: Kinds in the order the landscape table and chart show them.
KIND_ORDER = (
    "atmp_centre",
    "research_centre",
    "national_centre",
    "national_initiative",
    "innovation_milieu",
    "education_provider",
    "planned_infrastructure",
    "investment",
)


# --- calculations (no language) -----------------------------------------------------------


def assumption_value(assumptions: pd.DataFrame, assumption_id: str) -> float:
    """The value of a row of ``assumptions.csv``; a clear error names an unknown id."""
    match = assumptions[assumptions["id"] == assumption_id]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {assumption_id!r}")
    return float(match["value"].iloc[0])


def phase3_share(facts: pd.DataFrame) -> Derived:
    """Share of the ATMP trials running at the end of 2021 that were in phase 3."""
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    trials = get_fact(facts, "global_clinical_trials_2021")
    return Derived(
        label_en="Share of the ATMP clinical trials in phase 3",
        label_sv="Andel av ATMP-prövningarna som var i fas 3",
        value=100 * phase3.central / trials.central,
        formula=f"{_en(phase3.central)} / {_en(trials.central)} × 100",
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
            label_en="Trials sponsored by companies",
            label_sv="Prövningar sponsrade av företag",
            value=industry,
            formula=f"{_en(trials.central)} × {_en(share.central)} / 100",
            **common,
        ),
        "academia": Derived(
            label_en="Trials sponsored by academia or healthcare",
            label_sv="Prövningar sponsrade av akademi eller sjukvård",
            value=trials.central - industry,
            formula=f"{_en(trials.central)} − {_en(industry)}",
            **common,
        ),
    }


def skr_investment_figures(facts: pd.DataFrame, assumptions: pd.DataFrame) -> list[Derived]:
    """SKR's investment split evenly per university hospital and per year (assumptions).

    The report gives only the total; both figures are what an even split would give.
    """
    investment = get_fact(facts, "skr_investment")
    hospitals = get_fact(facts, "university_hospitals_with_atmp")
    years = int(assumption_value(assumptions, SKR_YEARS_ASSUMPTION))
    return [
        Derived(
            label_en="SKR's investment per university hospital, if split evenly",
            label_sv="SKR:s satsning per universitetssjukhus, om den fördelas jämnt",
            value=investment.central / hospitals.central,
            formula=f"{_en(investment.central)} / {_en(hospitals.central)}",
            inputs=(investment.id, hospitals.id, f"assumption:{SKR_SPLIT_ASSUMPTION}"),
            approximate=True,
            unit="SEK million",
            assumption=SKR_SPLIT_ASSUMPTION,
        ),
        Derived(
            label_en="SKR's investment per year, if spread evenly over the period",
            label_sv="SKR:s satsning per år, om den fördelas jämnt över perioden",
            value=investment.central / years,
            formula=f"{_en(investment.central)} / {years}",
            inputs=(investment.id, f"assumption:{SKR_YEARS_ASSUMPTION}"),
            approximate=True,
            unit="SEK million",
            assumption=SKR_YEARS_ASSUMPTION,
        ),
    ]


def derived_figures(facts: pd.DataFrame, assumptions: pd.DataFrame) -> list[tuple[Derived, int]]:
    """The section's derived figures, each with the decimals its inputs can carry.

    Negative decimals round to tens or hundreds: "ca 2400" × "ungefär hälften" is about
    1,200; an even split of 1,200 million over seven hospitals is about 170 million.
    """
    sponsors = trials_by_sponsor(facts)
    per_hospital, per_year = skr_investment_figures(facts, assumptions)
    return [
        (phase3_share(facts), 0),
        (sponsors["industry"], -2),
        (sponsors["academia"], -2),
        (per_hospital, -1),
        (per_year, -1),
    ]


def landscape_counts(landscape: pd.DataFrame) -> pd.DataFrame:
    """Rows of the landscape table by kind and status (columns kind, status, count)."""
    return landscape.groupby(["kind", "status"], sort=True).size().rename("count").reset_index()


def _en(value: float) -> str:
    """A number inside a stored formula (see population.formula_number and format_formula)."""
    return formula_number(value)


# --- views: numbers and money --------------------------------------------------------------


def money(number: str, unit: str, lang: str, approximate: bool = False) -> str:
    """Money the language's way: "USD 22.7 billion" / "22,7 miljarder USD",
    "about SEK 170 million" / "ca 170 miljoner SEK"."""
    text = t(MONEY_UNITS[unit], lang, value=number)
    return f"{t('qualifier_approx', lang)} {text}" if approximate else text


def fact_text(fact: Fact, lang: str) -> str:
    """A fact as the source qualifies it, money written the language's way (a claim)."""
    if fact.unit in MONEY_UNITS:
        return money(fact.display(lang), fact.unit, lang)
    return fact.display(lang)


def figure_text(figure: Derived, decimals: int, lang: str) -> str:
    """A derived figure rounded to ``decimals`` ("about 9%", "about SEK 170 million")."""
    if figure.unit not in MONEY_UNITS:
        return figure.display(lang, decimals=decimals)
    number = format_number(round(figure.value, decimals) + 0.0, lang, max(decimals, 0))
    text = money(number, figure.unit, lang, figure.approximate)
    return claims.record(text, figure.value, f"derived:{figure.formula}")


def period_text(facts: pd.DataFrame, fact_id: str, lang: str) -> str:
    """A fact's period ("2021", "2007–2017"), its years recorded as that cell's numbers."""
    period = get_fact(facts, fact_id).period.replace("-", "\u2013")
    return claims.record_numbers(period, f"data:facts:{fact_id}:period")


def global_year(facts: pd.DataFrame) -> str:
    """The year of the global key figures (the period of the private-investment fact)."""
    return period_text(facts, GLOBAL_YEAR_FACT, "en")


def milieu_name() -> str:
    """The innovation milieu's name; its number is part of the name."""
    return claims.record(MILIEU_NAME, 2030, f"name:{MILIEU_NAME}")


def record_verdict_figures(verdict_id: str) -> None:
    """Record the numbers a verdict's translation writes (shown with the verdict's output)."""
    if verdict_id in VERDICT_NAMES:
        milieu_name()


def _fact_label(fact: Fact, lang: str) -> str:
    return claims.record_numbers(fact.label(lang), f"data:facts:{fact.id}:label_{lang}")


# --- views: text values -------------------------------------------------------------------


def background_values(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the background paragraph names: the milieu and the report's horizon."""
    horizon = get_fact(facts, "report_focus_horizon_years")
    return {"milieu": milieu_name(), "years": horizon.display(lang)}


def global_values(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the global-context paragraph quotes, written for the language."""
    return {
        "year": global_year(facts),
        "trials": fact_text(get_fact(facts, "global_clinical_trials_2021"), lang),
        "phase3": fact_text(get_fact(facts, "global_phase3_trials_2021"), lang),
        "phase3_share": figure_text(phase3_share(facts), 0, lang),
        "companies": fact_text(get_fact(facts, "global_atmp_companies"), lang),
        "investment": fact_text(get_fact(facts, "global_private_investment_2021"), lang),
    }


def sweden_values(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the Swedish-landscape paragraph quotes, written for the language."""
    per_hospital, per_year = skr_investment_figures(facts, assumptions)
    years = assumption_value(assumptions, SKR_YEARS_ASSUMPTION)
    return {
        "skr": fact_text(get_fact(facts, "skr_investment"), lang),
        "period": period_text(facts, "skr_investment", lang),
        "hospitals": fact_text(get_fact(facts, "university_hospitals_with_atmp"), lang),
        "per_hospital": figure_text(per_hospital, -1, lang),
        "years": claims.number(years, lang, f"assumption:{SKR_YEARS_ASSUMPTION}"),
        "per_year": figure_text(per_year, -1, lang),
    }


# --- views: tables ------------------------------------------------------------------------


def global_context_table(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The global key figures of 2021 as the report states them, with their quotes."""
    rows = []
    for fact_id in GLOBAL_CONTEXT_IDS:
        fact = get_fact(facts, fact_id)
        unit = "" if fact.unit == "%" or fact.unit in MONEY_UNITS else unit_label(fact.unit, lang)
        rows.append(
            {
                t("col_figure", lang): _fact_label(fact, lang),
                t("col_value", lang): fact_text(fact, lang),
                t("col_unit", lang): unit,
                t("col_quote", lang): fact.quote,
            }
        )
    return pd.DataFrame(rows)


def global_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts rows of the global table (for its source note)."""
    return facts[facts["id"].isin(GLOBAL_CONTEXT_IDS)]


def reference_note(lang: str) -> str:
    """Names the report's reference i, from which it takes the global key figures."""
    return t("overview_reference_note", lang)


def derived_figures_table(shown: list[tuple[Derived, int]], lang: str) -> pd.DataFrame:
    """Derived figures, rounded as their inputs allow, with formula and inputs."""
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure, _ in shown],
            t("col_value", lang): [figure_text(figure, dec, lang) for figure, dec in shown],
            t("col_formula", lang): [format_formula(figure.formula, lang) for figure, _ in shown],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure, _ in shown],
        }
    )


def derived_table(figures: list[Derived], lang: str) -> pd.DataFrame:
    """Derived figures with their formula and the fact ids they use (one decimal).

    Kept for the scenario section, which still imports it.
    """
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure in figures],
            t("col_value", lang): [figure.display(lang) for figure in figures],
            t("col_formula", lang): [format_formula(figure.formula, lang) for figure in figures],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure in figures],
        }
    )


def derived_note(facts: pd.DataFrame, lang: str) -> str:
    """Sources of the derived figures' inputs."""
    ids = [
        "global_clinical_trials_2021",
        "global_phase3_trials_2021",
        "global_industry_sponsored_share",
        "skr_investment",
        "university_hospitals_with_atmp",
    ]
    return source_note("facts.csv", facts[facts["id"].isin(ids)], lang)


def assumptions_table(assumptions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The assumptions this section uses (SKR split), with their rationale in the language."""
    used = assumptions[assumptions["id"].isin(SKR_ASSUMPTIONS)]
    values = [
        claims.record(_assumption_value(row, lang), row.value, f"assumption:{row.id}")
        for row in used.itertuples()
    ]
    rationales = [
        claims.record_numbers(getattr(row, f"rationale_{lang}"), f"assumption:{row.id}")
        for row in used.itertuples()
    ]
    return pd.DataFrame(
        {
            t("assumption_label", lang): localized(used, "label", lang).tolist(),
            t("col_value", lang): values,
            t("overview_col_rationale", lang): rationales,
        }
    )


def _assumption_value(row: object, lang: str) -> str:
    if row.id == SKR_SPLIT_ASSUMPTION:
        return t("overview_even_split", lang)
    return f"{format_number(row.value, lang)} {unit_label(row.unit, lang)}"


def assumptions_note(lang: str) -> str:
    """Names the assumptions file (figures of this package, not of the sources)."""
    return t("overview_assumption_source", lang, ids=", ".join(SKR_ASSUMPTIONS))


def landscape_table(landscape: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Swedish centres, initiatives, providers and investments, ordered by kind then name."""
    rows = list(_by_kind(landscape).itertuples())
    return pd.DataFrame(
        {
            t("col_name", lang): [
                claims.record_numbers(getattr(r, f"name_{lang}"), f"name:{r.name_en}")
                for r in rows
            ],
            t("col_kind", lang): [t(f"kind_{r.kind}", lang) for r in rows],
            t("col_status", lang): [t(f"status_{r.status}", lang) for r in rows],
            t("col_location", lang): ["" if pd.isna(r.location) else r.location for r in rows],
            t("col_start_year", lang): [_start_year(r) for r in rows],
            t("col_description", lang): [
                claims.record_numbers(
                    getattr(r, f"description_{lang}"), f"data:landscape:{r.id}:description_{lang}"
                )
                for r in rows
            ],
        }
    )


def _by_kind(landscape: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of KIND_ORDER, then by English name."""
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    ranked = landscape.assign(_rank=landscape["kind"].map(order))
    return ranked.sort_values(["_rank", "name_en"], kind="stable").drop(columns="_rank")


def _start_year(row: object) -> str:
    if pd.isna(row.start_year):
        return ""
    year = int(row.start_year)
    return claims.record(str(year), year, f"data:landscape:{row.id}:start_year")


def atmp_classes_table(classes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The four ATMP classes with their definitions in the chosen language."""
    return pd.DataFrame(
        {
            t("col_name", lang): localized(classes, "name", lang),
            t("col_definition", lang): localized(classes, "definition", lang),
        }
    )


# --- views: charts ------------------------------------------------------------------------


def trials_chart(facts: pd.DataFrame, lang: str) -> go.Figure:
    """Clinical trials at the end of 2021: all phases, phase 3, and by sponsor."""
    trials = get_fact(facts, "global_clinical_trials_2021")
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    sponsors = trials_by_sponsor(facts)
    bars = [
        (t("overview_bar_all_trials", lang), trials.central, trials.display(lang)),
        (t("overview_bar_phase3", lang), phase3.central, phase3.display(lang)),
        (sponsors["industry"].label(lang), sponsors["industry"].value,
         sponsors["industry"].display(lang, decimals=-2)),
        (sponsors["academia"].label(lang), sponsors["academia"].value,
         sponsors["academia"].display(lang, decimals=-2)),
    ]  # fmt: skip
    fig = go.Figure(
        go.Bar(
            x=[bar[0] for bar in bars],
            y=[round(bar[1]) for bar in bars],
            text=[bar[2] for bar in bars],
            hovertext=[bar[2] for bar in bars],
            hoverinfo="x+text",
            textposition="outside",
            marker_color=["#1f77b4", "#d62728", "#7f7f7f", "#bcbd22"],
        )
    )
    fig.update_yaxes(title_text=t("axis_trials", lang), tickformat=",d")
    base_layout(fig, t("chart_trials_title", lang, year=global_year(facts)))
    rows = facts[facts["id"].isin([trials.id, phase3.id, "global_industry_sponsored_share"])]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def landscape_chart(landscape: pd.DataFrame, lang: str) -> go.Figure:
    """Counts of centres, initiatives, providers and investments by kind, stacked by status."""
    counts = landscape_counts(landscape)
    kinds = [kind for kind in KIND_ORDER if kind in set(counts["kind"])]
    fig = go.Figure()
    for status, group in counts.groupby("status", sort=True):
        texts = [
            claims.record(str(n), n, f"count:landscape:kind={kind}&status={status}")
            for kind, n in zip(group["kind"], group["count"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                name=t(f"status_{status}", lang),
                x=[t(f"kind_{kind}", lang) for kind in group["kind"]],
                y=group["count"].tolist(),
                hovertext=texts,
                hoverinfo="x+name+text",
            )
        )
    fig.update_layout(barmode="stack", legend_title_text=t("col_status", lang))
    fig.update_xaxes(categoryorder="array", categoryarray=[t(f"kind_{k}", lang) for k in kinds])
    fig.update_yaxes(title_text=t("col_count", lang), dtick=1)
    base_layout(fig, t("chart_landscape_title", lang))
    return add_source_note(fig, source_note("landscape.csv", landscape, lang))
