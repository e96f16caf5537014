"""The overview as a page shows it: words, tables and charts in the page language.

Every number these views write is recorded in the claims register (:mod:`atmp_lib.claims`)
with what it rests on; derived figures are worded by :mod:`atmp_lib.figure_views`. Counts
of one to twelve in running text are written in words ("the seven university hospitals",
"de sju universitetssjukhusen"), as Swedish official style and the report itself do.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims, datasets
from atmp_lib.charts import PALETTE, add_source_note, base_layout
from atmp_lib.facts import Fact, get_fact
from atmp_lib.figure_views import figure_text, with_unit
from atmp_lib.figures import Figure
from atmp_lib.formatting import format_number, source_note, unit_label
from atmp_lib.i18n import localized, t
from atmp_lib.sections.overview import calculations as calc

#: Units a fact's value is written inside ("USD 22.7 billion"), not after in a unit column.
MONEY_UNITS = ("USD billion", "SEK million")
#: The source's own words shown on the page, in page order, by part.
BACKGROUND_VERDICTS = (
    "overview_background_challenges",
    "overview_background_shortage",
    "overview_background_vision",
    "overview_background_public_knowledge",
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
#: How the landscape chart draws each status: a palette colour (each stands out against the
#: page by at least 3:1) and a fill pattern, so that a reader who cannot tell the colours
#: apart still tells the statuses apart (the legend shows both).
STATUS_STYLES = {
    "newly_established": ("blue", ""),
    "work_described": ("green", "/"),
    "being_built": ("vermillion", "\\"),
    "being_established": ("purple", "x"),
    "planned": ("ochre", "-"),
    "proposed": ("violet", "|"),
    "completed": ("dark", "+"),
    "not_stated": ("grey", "."),
}
#: Tall enough for one legend entry per status beside the bars.
LANDSCAPE_HEIGHT = 560
#: The one colour of the trials chart: its bars are categories on one axis, not series.
TRIALS_COLOUR = PALETTE["blue"]
#: Counts written in words in running text (labels overview_word_<n>). One is left out: in
#: Swedish it takes the gender of its noun ("en", "ett").
WORDED_COUNTS = range(2, 13)


# --- numbers ------------------------------------------------------------------------------


def count_text(value: float, lang: str, basis: str) -> str:
    """A count in running text: two to twelve in words ("seven", "sju"), others in digits;
    recorded as a claim resting on ``basis``."""
    if float(value).is_integer() and int(value) in WORDED_COUNTS:
        return claims.record(t(f"overview_word_{int(value)}", lang), value, basis)
    return claims.number(value, lang, basis)


def fact_text(fact: Fact, lang: str) -> str:
    """A fact as the source qualifies it, money written the language's way (a claim)."""
    text = fact.display(lang)
    return with_unit(text, fact.unit, lang) if fact.unit in MONEY_UNITS else text


def period_text(facts: pd.DataFrame, fact_id: str) -> str:
    """A fact's period ("2021", "2007–2017"), its years recorded as that cell's numbers."""
    period = get_fact(facts, fact_id).period.replace("-", "\u2013")
    return claims.record_numbers(period, f"data:facts:{fact_id}:period")


def global_year(facts: pd.DataFrame) -> str:
    """The year of the global key figures (the period of the private-investment fact)."""
    return period_text(facts, calc.GLOBAL_YEAR_FACT)


def milieu_name() -> str:
    """The innovation milieu's name; its number is part of the name."""
    return claims.record(MILIEU_NAME, 2030, f"name:{MILIEU_NAME}")


def record_verdict_figures(verdict_id: str) -> None:
    """Record the numbers a verdict's translation writes (shown with the verdict's output)."""
    if verdict_id in VERDICT_NAMES:
        milieu_name()


def _fact_label(fact: Fact, lang: str) -> str:
    return claims.record_numbers(fact.label(lang), f"data:facts:{fact.id}:label_{lang}")


# --- text values --------------------------------------------------------------------------


def background_values(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the background paragraph names: the milieu and the report's horizon."""
    horizon = get_fact(facts, "report_focus_horizon_years")
    return {
        "milieu": milieu_name(),
        "years": count_text(horizon.central, lang, f"fact:{horizon.id}"),
    }


def global_values(facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the global-context paragraph quotes, written for the language."""
    return {
        "year": global_year(facts),
        "trials": fact_text(get_fact(facts, "global_clinical_trials_2021"), lang),
        "phase3": fact_text(get_fact(facts, "global_phase3_trials_2021"), lang),
        "phase3_share": figure_text(calc.phase3_share(facts), lang),
        "companies": fact_text(get_fact(facts, "global_atmp_companies"), lang),
        "investment": fact_text(get_fact(facts, "global_private_investment_2021"), lang),
    }


def sweden_values(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the Swedish-landscape paragraph quotes, written for the language."""
    per_hospital, per_year = calc.skr_investment_figures(facts, assumptions)
    hospitals = get_fact(facts, "university_hospitals_with_atmp")
    years = calc.assumption_value(assumptions, calc.SKR_YEARS_ASSUMPTION)
    return {
        "skr": fact_text(get_fact(facts, "skr_investment"), lang),
        "period": period_text(facts, "skr_investment"),
        "hospitals": count_text(hospitals.central, lang, f"fact:{hospitals.id}"),
        "per_hospital": figure_text(per_hospital, lang),
        "years": count_text(years, lang, f"assumption:{calc.SKR_YEARS_ASSUMPTION}"),
        "per_year": figure_text(per_year, lang),
    }


def skl_note_values(public_facts: pd.DataFrame) -> dict[str, str]:
    """The year SKL was renamed SKR (a public fact, not in the sources), recorded."""
    year = int(calc.public_fact_value(public_facts, calc.SKL_RENAMED))
    basis = f"data:public_facts:{calc.SKL_RENAMED}:value"
    return {"year": claims.record(str(year), year, basis)}


def public_source_note(public_facts: pd.DataFrame, lang: str) -> str:
    """Names the public source of the SKL note, with its own words."""
    row = public_facts.set_index("id").loc[calc.SKL_RENAMED]
    return t(
        "overview_public_source_note", lang,
        organisation=row["source_organisation"], url=row["source_url"], quote=row["source_quote"],
    )  # fmt: skip


# --- tables -------------------------------------------------------------------------------


def global_context_table(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The global key figures of 2021 as the report states them, with their quotes."""
    rows = []
    for fact_id in calc.GLOBAL_CONTEXT_IDS:
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
    return facts[facts["id"].isin(calc.GLOBAL_CONTEXT_IDS)]


def reference_note(lang: str) -> str:
    """Names the report's reference i, from which it takes the global key figures."""
    return t("overview_reference_note", lang)


def derived_note(figures: list[Figure], facts: pd.DataFrame, lang: str) -> str:
    """Sources of the facts the derived figures rest on."""
    return source_note("facts.csv", facts[facts["id"].isin(calc.fact_ids(figures))], lang)


def assumptions_table(assumptions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The assumptions this section uses (SKR split), with their rationale in the language;
    built row by row, so the claims are recorded in the order the table shows them."""
    used = assumptions[assumptions["id"].isin(calc.SKR_ASSUMPTIONS)]
    columns = [t(key, lang) for key in ("assumption_label", "col_value", "overview_col_rationale")]
    rows = [
        [
            claims.record_numbers(getattr(row, f"label_{lang}"), f"assumption:{row.id}"),
            claims.record(_assumption_value(row, lang), row.value, f"assumption:{row.id}"),
            claims.record_numbers(getattr(row, f"rationale_{lang}"), f"assumption:{row.id}"),
        ]
        for row in used.itertuples()
    ]
    return pd.DataFrame(rows, columns=columns)


def _assumption_value(row: object, lang: str) -> str:
    if row.id == calc.SKR_SPLIT_ASSUMPTION:
        return t("overview_even_split", lang)
    return f"{format_number(row.value, lang)} {unit_label(row.unit, lang)}"


def assumptions_note(lang: str) -> str:
    """Names the assumptions file (assumptions of this compilation, not of the sources)."""
    return t("overview_assumption_source", lang, ids=", ".join(calc.SKR_ASSUMPTIONS))


def landscape_table(landscape: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Swedish centres, initiatives, providers and investments, ordered by kind then
    name: the status as this compilation reads the sources, next to the sources' words.
    Built row by row, so the claims are recorded in the order the table shows them."""
    columns = [t(key, lang) for key in ("col_name", "col_kind", "col_status",
               "overview_col_status_quote", "col_location", "col_start_year",
               "col_description")]  # fmt: skip
    rows = [_landscape_row(r, lang) for r in calc.landscape_by_kind(landscape).itertuples()]
    return pd.DataFrame(rows, columns=columns)


def _landscape_row(r: Any, lang: str) -> list[str]:
    return [
        claims.record_numbers(getattr(r, f"name_{lang}"), f"name:{r.name_en}"),
        t(f"kind_{r.kind}", lang),
        t(f"status_{r.status}", lang),
        claims.record_numbers(r.status_quote, f"data:landscape:{r.id}:status_quote"),
        "" if pd.isna(r.location) else r.location,
        _start_year(r),
        claims.record_numbers(
            getattr(r, f"description_{lang}"), f"data:landscape:{r.id}:description_{lang}"
        ),
    ]


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


# --- charts -------------------------------------------------------------------------------


def _tick(text: str, width: int = 16) -> str:
    """A category label wrapped onto lines, so that labels stand level and clear of the note."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


def trials_chart(facts: pd.DataFrame, lang: str) -> go.Figure:
    """Clinical trials at the end of 2021: all phases, phase 3, and by sponsor."""
    trials = get_fact(facts, "global_clinical_trials_2021")
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    companies, academia = calc.trials_by_sponsor(facts)
    bars = [
        (t("overview_bar_all_trials", lang), trials.central, trials.display(lang)),
        (t("overview_bar_phase3", lang), phase3.central, phase3.display(lang)),
        *((t(f.label_id, lang), f.value, figure_text(f, lang)) for f in (companies, academia)),
    ]
    fig = go.Figure(
        go.Bar(
            x=[_tick(bar[0], 22) for bar in bars],
            y=[round(bar[1]) for bar in bars],
            text=[bar[2] for bar in bars],
            hovertext=[bar[2] for bar in bars],
            hoverinfo="x+text",
            textposition="outside",
            marker_color=TRIALS_COLOUR,
        )
    )
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title_text=t("axis_trials", lang), tickformat=",d")
    base_layout(fig, t("chart_trials_title", lang, year=global_year(facts)))
    rows = facts[facts["id"].isin([trials.id, phase3.id, "global_industry_sponsored_share"])]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def landscape_chart(landscape: pd.DataFrame, lang: str) -> go.Figure:
    """Counts of centres, initiatives, providers and investments by kind (one bar each, kinds
    read down the left), stacked by status in the declared order."""
    counts = calc.landscape_counts(landscape)
    kinds = [kind for kind in calc.KIND_ORDER if kind in set(counts["kind"])]
    fig = go.Figure()
    for status in _statuses_in_order(counts):
        group = counts[counts["status"] == status]
        texts = [
            claims.record(str(n), n, f"count:landscape:kind={kind}&status={status}")
            for kind, n in zip(group["kind"], group["count"], strict=True)
        ]
        colour, pattern = STATUS_STYLES[status]
        fig.add_trace(
            go.Bar(
                name=t(f"status_{status}", lang),
                y=[t(f"kind_{kind}", lang) for kind in group["kind"]],
                x=group["count"].tolist(),
                orientation="h",
                hovertext=texts,
                hoverinfo="y+name+text",
                marker={"color": PALETTE[colour], "pattern": {"shape": pattern}},
            )
        )
    fig.update_layout(
        barmode="stack", legend={"title": {"text": t("col_status", lang)}, "traceorder": "normal"}
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=[t(f"kind_{k}", lang) for k in kinds],
        autorange="reversed",
    )
    fig.update_xaxes(title_text=t("col_count", lang), dtick=1)
    base_layout(fig, t("chart_landscape_title", lang))
    fig.update_layout(height=LANDSCAPE_HEIGHT)
    return add_source_note(fig, source_note("landscape.csv", landscape, lang))


def _statuses_in_order(counts: pd.DataFrame) -> list[str]:
    """The statuses present, in the order the data package declares them."""
    field = {f.name: f for f in datasets.resources()["landscape"].fields}["status"]
    return [status for status in field.constraints["enum"] if status in set(counts["status"])]
