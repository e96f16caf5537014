"""The recruitment survey as the page shows it: words, tables and charts in one language.

Figures come from :mod:`atmp_lib.sections.survey.calculations`; every number written here
goes through :mod:`atmp_lib.claims` (directly, through ``Fact.display`` or through
:mod:`atmp_lib.figure_views`) with what it rests on. Counts from two to twelve are written
in words in running text ("the seven university hospitals"), in digits in tables.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims
from atmp_lib.charts import PALETTE, RANGE_META, add_source_note, base_layout
from atmp_lib.facts import get_fact
from atmp_lib.figure_views import (
    band_text,
    figure_text,
    figures_table,
    number_words,
    span_text,
)
from atmp_lib.figures import Figure, Span
from atmp_lib.formatting import format_unit, source_note, unit_label
from atmp_lib.i18n import localized, t
from atmp_lib.sections.survey import calculations as calc
from atmp_lib.sections.survey.calculations import (
    ASKED_FACTS,
    BAND_ASSUMPTION,
    CCRM,
    CCRM_FACT,
    CCRM_PERIOD_FACT,
    HEADLINE_FACT,
    HORIZON_FACT,
    JOB_AD_FACTS,
    RATE_STEP_PCT,
    STATED_SECTORS,
    Coverage,
    SectorNeed,
    Willingness,
)

#: The source's own words shown on the page, and the facts their translations state.
VERDICT_FACTS = {
    "survey_need_headline": (HEADLINE_FACT,),
    "survey_companies_sme": (),
    "survey_willingness": tuple(calc.WILLING_FACTS.values()),
    "survey_interviews_vary": (),
}
CHART_HEIGHT = 540
#: The sectors in the colours the scenarios page gives them; sums in greys. Every colour
#: has 3:1 against the page (charts.PALETTE).
COLOURS = {
    "companies": PALETTE["blue"],
    "healthcare": PALETTE["green"],
    CCRM: PALETTE["vermillion"],
    "stated_sum": PALETTE["grey"],
    "sum_incl_ccrm": PALETTE["dark"],
}
DASH = "\u2013"


# --------------------------------------------------------------------------- numbers


def num(value: float, lang: str, basis: str, decimals: int = 0) -> str:
    """A number rounded to ``decimals`` (whole by default), recorded as a claim."""
    return claims.number(value, lang, basis, decimals)


def pct(value: float, lang: str, basis: str) -> str:
    """A whole percentage ("90%" / "90 %"), recorded as a claim."""
    return format_unit(num(value, lang, basis), "%", lang)


def band_label(assumptions: pd.DataFrame, lang: str) -> str:
    """ "±10%" / "±10 %": the assumed band, recorded as resting on its assumption."""
    return "±" + pct(calc.band_pct(assumptions), lang, f"assumption:{BAND_ASSUMPTION}")


def years_digits(facts: pd.DataFrame, lang: str) -> str:
    """The survey's period in digits ("5"), for tables and axes."""
    return get_fact(facts, HORIZON_FACT).display(lang)


def years_words(facts: pd.DataFrame, lang: str) -> str:
    """The survey's period in words ("five", "fem"), for running text."""
    return number_words(calc.survey_years(facts), lang, f"fact:{HORIZON_FACT}")


def ccrm_years_words(facts: pd.DataFrame, lang: str) -> str:
    """CCRM Nordic's period after its start in words ("five")."""
    return number_words(calc.ccrm_years(facts), lang, f"fact:{CCRM_PERIOD_FACT}")


def year_of(facts: pd.DataFrame, fact_id: str) -> str:
    """A fact's period year ("2021"), recorded as that cell's number."""
    return claims.record_numbers(get_fact(facts, fact_id).period, f"data:facts:{fact_id}:period")


def count(value: int, lang: str, condition: str) -> str:
    """A count of survey rows in digits, recorded."""
    return num(value, lang, f"count:survey:{condition}")


def count_words(value: int, lang: str, condition: str) -> str:
    """A count of survey rows in words for running text, recorded."""
    return number_words(value, lang, f"count:survey:{condition}")


def with_band(figure: Figure, lang: str) -> str:
    """ "about 80 (72–88)": the figure and, when it has one, its assumed band."""
    text = figure_text(figure, lang)
    return f"{text} ({band_text(figure, lang)})" if figure.span.has_band else text


def record_verdict_figures(facts: pd.DataFrame, verdict_id: str, lang: str) -> None:
    """Record the figures a verdict's translation states (shown with the verdict)."""
    for fact_id in VERDICT_FACTS[verdict_id]:
        get_fact(facts, fact_id).display(lang)


def join_notes(*notes: str | None) -> str:
    return " · ".join(note for note in notes if note)


# --------------------------------------------------------------------------- introduction


def intro_values(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the introduction quotes: who was asked, over which period, interviews."""
    return {
        "companies": get_fact(facts, ASKED_FACTS["company"]).display(lang),
        "hospitals": number_words(
            get_fact(facts, ASKED_FACTS["healthcare_region"]).central,
            lang,
            f"fact:{ASKED_FACTS['healthcare_region']}",
        ),
        "years": years_words(facts, lang),
        "interviews": count_words(calc.interviews(survey), lang, "interviewee"),
        "year": year_of(facts, JOB_AD_FACTS[0]),
    }


# --------------------------------------------------------------------------- the need


def need_text(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_nordic_established: bool, lang: str
) -> str:
    """The need by sector, the stated need this page counts, and CCRM Nordic as an add-on
    (counted in, and said so, only when the page is set to assume it is established)."""
    total = calc.stated_need(facts, assumptions)
    add_on = calc.ccrm_per_year(facts, assumptions)
    ccrm_years = ccrm_years_words(facts, lang)
    if ccrm_nordic_established:
        with_ccrm = calc.need_incl_ccrm(facts, assumptions)
        ccrm_part = t(
            "survey_ccrm_counted",
            lang,
            total=figure_text(with_ccrm, lang),
            band=band_text(with_ccrm, lang),
            ccrm_yearly=figure_text(add_on, lang),
            ccrm_years=ccrm_years,
        )
    else:
        ccrm_part = t("survey_ccrm_not_counted", lang, ccrm_yearly=figure_text(add_on, lang))
    return t(
        "survey_need_text",
        lang,
        companies=get_fact(facts, STATED_SECTORS["companies"]).display(lang),
        healthcare=get_fact(facts, STATED_SECTORS["healthcare"]).display(lang),
        years=years_words(facts, lang),
        total=figure_text(total, lang),
        band=band_text(total, lang),
        pct=band_label(assumptions, lang),
        ccrm=get_fact(facts, CCRM_FACT).display(lang),
        ccrm_years=ccrm_years,
        ccrm_part=ccrm_part,
    )


def _sector_band(need: SectorNeed, assumptions: pd.DataFrame, lang: str) -> str:
    """A sector's assumed band ("360–440"), or a dash for a stated range."""
    if not need.span.has_band:
        return DASH
    pct_value = calc.band_pct(assumptions)
    basis = f"derived:{need.fact.central:g} × (1 ± {pct_value:g}%)"
    text = span_text(need.span, lang, banded=True)
    return claims.record(text, need.span.low, basis)


def need_table(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_nordic_established: bool, lang: str
) -> pd.DataFrame:
    """Need by sector as stated, its band and its yearly rate; the stated sum; CCRM Nordic
    as an add-on; the sum with it when the page counts it; the report's own total."""
    rows = []
    for need in calc.stated_needs(facts, assumptions):
        yearly = calc.sector_per_year(need, facts)
        rows.append(
            (
                t(f"survey_sector_{need.sector}", lang),
                need.fact.display(lang),
                _sector_band(need, assumptions, lang),
                with_band(yearly, lang),
            )
        )
    total = calc.stated_need(facts, assumptions)
    yearly_total = calc.per_year(total, facts, "survey_need_per_year")
    rows.append(_sum_row("survey_sector_stated_sum", total, yearly_total, lang))
    ccrm = calc.ccrm_need(facts, assumptions)
    rows.append(
        (
            t("survey_sector_ccrm_nordic", lang),
            ccrm.fact.display(lang),
            DASH,
            t("survey_from_start", lang, value=figure_text(calc.ccrm_per_year(facts, assumptions),
                                                           lang)),
        )
    )  # fmt: skip
    if ccrm_nordic_established:
        with_ccrm = calc.need_incl_ccrm(facts, assumptions)
        yearly_ccrm = calc.per_year(with_ccrm, facts, "survey_need_per_year_incl_ccrm")
        rows.append(_sum_row("survey_sector_incl_ccrm", with_ccrm, yearly_ccrm, lang))
    headline = get_fact(facts, HEADLINE_FACT)
    rows.append((t("survey_sector_report_total", lang), headline.display(lang), DASH, DASH))
    columns = (
        t("survey_col_sector", lang),
        t("survey_col_need_stated", lang),
        t("col_band", lang, pct=band_label(assumptions, lang).removeprefix("±")),
        t("survey_col_per_year", lang, years=years_digits(facts, lang)),
    )
    return pd.DataFrame(rows, columns=list(columns))


def _sum_row(label_id: str, total: Figure, yearly: Figure, lang: str) -> tuple[str, ...]:
    return (t(label_id, lang), figure_text(total, lang), band_text(total, lang) or DASH,
            with_band(yearly, lang))  # fmt: skip


def need_table_note(facts: pd.DataFrame, lang: str) -> str:
    """Source of the need table: the facts rows it shows."""
    return source_note("facts.csv", calc.need_fact_rows(facts), lang)


# --------------------------------------------------------------------------- need chart


@dataclass(frozen=True)
class SpanBar:
    """One bar of a span chart: name, figure, colour, its label, and whether it is computed
    from stated figures (a sum) rather than stated in the report."""

    name: str
    span: Span
    colour: str
    text: str
    band_hover: str = ""
    computed: bool = False


def need_chart(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_nordic_established: bool, lang: str
) -> go.Figure:
    """Five-year need by sector as stated, their computed sum, CCRM Nordic as a separate
    add-on, the sum with it only when the page counts it; the band as whiskers."""
    bars = [
        SpanBar(
            _wrap(t(f"survey_sector_{need.sector}", lang)),
            need.span,
            COLOURS[need.sector],
            need.fact.display(lang),
            _sector_band(need, assumptions, lang),
        )
        for need in calc.stated_needs(facts, assumptions)
    ]
    bars.append(_sum_bar("stated_sum", calc.stated_need(facts, assumptions), lang))
    ccrm = calc.ccrm_need(facts, assumptions)
    bars.append(
        SpanBar(_wrap(t("survey_sector_ccrm_nordic", lang)), ccrm.span, COLOURS[CCRM],
                ccrm.fact.display(lang))
    )  # fmt: skip
    if ccrm_nordic_established:
        bars.append(_sum_bar("incl_ccrm", calc.need_incl_ccrm(facts, assumptions), lang))
    fig = span_bars(bars, band_label(assumptions, lang), lang)
    headline = get_fact(facts, HEADLINE_FACT)
    fig.add_hline(
        y=headline.central,
        line_dash="dash",
        line_color=PALETTE["violet"],
        annotation_text=t("survey_headline_line", lang, headline=headline.display(lang)),
        annotation_position="top",
    )
    fig.update_yaxes(title_text=t("survey_axis_people", lang, years=years_digits(facts, lang)))
    base_layout(fig, t("survey_chart_need_title", lang, years=years_words(facts, lang)))
    _legend_on_top(fig)
    note = join_notes(need_table_note(facts, lang), assumption_source_note(lang))
    return add_source_note(fig, note)


def _sum_bar(kind: str, figure: Figure, lang: str) -> SpanBar:
    colour = COLOURS["stated_sum" if kind == "stated_sum" else "sum_incl_ccrm"]
    label_id = "survey_sector_stated_sum" if kind == "stated_sum" else "survey_sector_incl_ccrm"
    return SpanBar(_wrap(t(label_id, lang)), figure.span, colour, figure_text(figure, lang),
                   band_text(figure, lang), computed=True)  # fmt: skip


def span_bars(bars: Sequence[SpanBar], band: str, lang: str) -> go.Figure:
    """Stated figures and computed ones as separate series; a stated or computed range as a
    hatched segment; the assumed band as whiskers; each bar's figure written above it."""
    fig = go.Figure()
    for computed in (False, True):
        group = [bar for bar in bars if bar.computed == computed]
        if group:
            _add_group(fig, group, "computed" if computed else "stated", lang)
    banded = [bar for bar in bars if bar.span.has_band]
    if banded:
        fig.add_trace(_band_trace(banded, band, lang))
    top = max(bar.span.high for bar in bars)
    fig.add_trace(_label_trace(bars, lift=top * 0.02))
    fig.update_yaxes(range=[0, _plotted(top * 1.18)])
    fig.update_xaxes(categoryorder="array", categoryarray=[bar.name for bar in bars])
    fig.update_layout(
        barmode="overlay",  # a range bar starts at its own base, above its lower value
        legend={
            "orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"
        },
    )  # fmt: skip
    return fig


def _add_group(fig: go.Figure, group: Sequence[SpanBar], kind: str, lang: str) -> None:
    """One series of bars at their lower stated value, and their stated range on top."""
    fig.add_trace(
        go.Bar(
            name=t(f"survey_legend_{kind}", lang),
            x=[bar.name for bar in group],
            y=[_plotted(bar.span.stated_low) for bar in group],
            marker={
                "color": [bar.colour for bar in group],
                "pattern": {"shape": "." if kind == "computed" else ""},
            },
            hovertext=[bar.text for bar in group],
            hoverinfo="x+text",
        )
    )
    ranges = [bar for bar in group if bar.span.is_range]
    if ranges:
        fig.add_trace(
            go.Bar(
                name=t(f"survey_legend_{kind}_range", lang),
                x=[bar.name for bar in ranges],
                y=[_plotted(bar.span.stated_high - bar.span.stated_low) for bar in ranges],
                base=[_plotted(bar.span.stated_low) for bar in ranges],
                meta=RANGE_META,  # its data are the range's ends (see downloads.chart_data)
                marker={"color": [bar.colour for bar in ranges], "pattern": {"shape": "/"}},
                opacity=0.55,
                hovertext=[bar.text for bar in ranges],
                hoverinfo="x+text",
            )
        )


def _band_trace(banded: Sequence[SpanBar], band: str, lang: str) -> go.Scatter:
    spans = [bar.span for bar in banded]
    return go.Scatter(
        name=t("survey_legend_band", lang, pct=band),
        x=[bar.name for bar in banded],
        y=[_plotted(span.stated_high) for span in spans],
        mode="markers",
        marker={"symbol": "line-ns", "size": 14, "line": {"width": 1.5, "color": "#333333"}},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [_plotted(span.high - span.stated_high) for span in spans],
            "arrayminus": [_plotted(span.stated_high - span.low) for span in spans],
            "color": "#333333",
            "thickness": 1.5,
            "width": 8,
        },
        hovertext=[t("survey_band_hover", lang, pct=band, band=bar.band_hover) for bar in banded],
        hoverinfo="x+text",
    )


def _label_trace(bars: Sequence[SpanBar], lift: float) -> go.Scatter:
    """Each bar's figure written just above its band, clear of the whiskers."""
    return go.Scatter(
        x=[bar.name for bar in bars],
        y=[_plotted(bar.span.high + lift) for bar in bars],
        mode="text",
        text=[bar.text for bar in bars],
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
    )


def _legend_on_top(fig: go.Figure) -> None:
    """Room above the plot for the title and, under it, the legend (below the plot are the
    wrapped category names and the source note)."""
    fig.update_layout(height=CHART_HEIGHT, margin={"t": 170}, title={"y": 0.98, "yanchor": "top"})


def _wrap(name: str, width: int = 24) -> str:
    """A category name broken into short lines, so that axis labels stay horizontal."""
    return "<br>".join(textwrap.wrap(name, width))


def _plotted(value: float) -> float:
    """A chart coordinate rounded to what the page shows (hover shows the labels instead)."""
    return round(value, 1) + 0.0


# --------------------------------------------------------------------------- assumptions


def assumption_source_note(lang: str) -> str:
    """Names the assumptions file for the band (not a figure from the sources)."""
    return t("survey_assumption_source", lang, id=BAND_ASSUMPTION)


def assumptions_table(assumptions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The assumption rows this section uses (the band around "ca"), with their rationale
    in the language; :func:`assumption_source_note` names the row."""
    used = assumptions[assumptions["id"].isin(calc.ASSUMPTIONS_USED)]
    rows = list(used.itertuples())
    return pd.DataFrame(
        {
            t("assumption_label", lang): localized(used, "label", lang).tolist(),
            t("col_value", lang): [_assumption_value(row, lang) for row in rows],
            t("survey_col_rationale", lang): [
                claims.record_numbers(getattr(row, f"rationale_{lang}"), f"assumption:{row.id}")
                for row in rows
            ],
        }
    )


def _assumption_value(row: object, lang: str) -> str:
    basis = f"assumption:{row.id}"
    if row.unit == "%":
        return "±" + pct(row.value, lang, basis)
    return f"{num(row.value, lang, basis)} {unit_label(row.unit, lang)}"




# --------------------------------------------------------------------------- the report's total


def headline_text(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> str:
    """A paragraph checking the parts against "över 500", every number computed."""
    check = calc.headline_check(facts, assumptions)
    stated = calc.stated_need(facts, assumptions)
    with_ccrm = calc.need_incl_ccrm(facts, assumptions)
    threshold = num(check.threshold, lang, f"fact:{HEADLINE_FACT}")
    return t(
        "survey_headline_text",
        lang,
        headline=get_fact(facts, HEADLINE_FACT).display(lang),
        companies=get_fact(facts, STATED_SECTORS["companies"]).display(lang),
        healthcare=get_fact(facts, STATED_SECTORS["healthcare"]).display(lang),
        ccrm=get_fact(facts, CCRM_FACT).display(lang),
        with_ccrm=_with_ccrm_text(check, with_ccrm, threshold, assumptions, lang),
        without=_stated_text(check, stated, threshold, assumptions, lang),
    )


def _with_ccrm_text(
    check: calc.HeadlineCheck,
    figure: Figure,
    threshold: str,
    assumptions: pd.DataFrame,
    lang: str,
) -> str:
    verdict = check.with_ccrm_verdict
    values = {"threshold": threshold, "total": figure_text(figure, lang)}
    if verdict == "reaches_some":
        basis = f"derived:{check.threshold:g} − {check.stated.stated_high:g}"
        values["needed"] = num(check.ccrm_needed, lang, basis)
    if verdict in ("band_only", "below"):
        values["pct"] = band_label(assumptions, lang)
        values["band"] = band_text(figure, lang)
    return t(f"survey_with_{verdict}", lang, **values)


def _stated_text(
    check: calc.HeadlineCheck,
    figure: Figure,
    threshold: str,
    assumptions: pd.DataFrame,
    lang: str,
) -> str:
    verdict = check.stated_verdict
    values = {"threshold": threshold, "parts": figure_text(figure, lang)}
    if verdict != "reaches":
        values["pct"] = band_label(assumptions, lang)
        values["band"] = band_text(figure, lang)
    if verdict == "band_reaches":
        parts = check.stated.stated_high
        basis = f"derived:100 × ({check.threshold:g} − {parts:g}) / {parts:g}"
        values["uplift"] = pct(check.uplift_needed_pct, lang, basis)
        values["where"] = t(f"survey_band_{check.band_position}", lang)
    return t(f"survey_without_{verdict}", lang, **values)


# --------------------------------------------------------------------------- per year, for scale


def yearly_text(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_nordic_established: bool,
    horizon_years: int,
    lang: str,
) -> str:
    """The stated need a year and per million inhabitants; CCRM Nordic's yearly add-on;
    the yearly rate over the reader's horizon when it differs from the survey's."""
    figures = calc.derived_figures(
        facts, assumptions, population, ccrm_nordic_established, horizon_years
    )
    figure = partial(calc.figure_by_id, figures)
    yearly = figure("survey_need_per_year")
    add_on = figure_text(figure(f"survey_{CCRM}_per_year"), lang)
    if ccrm_nordic_established:
        yearly_ccrm = figure("survey_need_per_year_incl_ccrm")
        ccrm_part = t("survey_yearly_ccrm_counted", lang, ccrm_yearly=add_on,
                      per_year=figure_text(yearly_ccrm, lang),
                      band=band_text(yearly_ccrm, lang))  # fmt: skip
    else:
        ccrm_part = t("survey_yearly_ccrm_not_counted", lang, ccrm_yearly=add_on)
    text = t(
        "survey_yearly_text",
        lang,
        years=years_words(facts, lang),
        per_year=figure_text(yearly, lang),
        band=band_text(yearly, lang),
        per_million=figure_text(figure("survey_need_per_million"), lang),
        yearly_pm=figure_text(figure("survey_need_per_year_per_million"), lang),
        ccrm_part=ccrm_part,
    )
    if horizon_years == calc.survey_years(facts):
        return text
    over = figure("survey_need_over_horizon")
    horizon = t(
        "survey_yearly_horizon",
        lang,
        years=num(horizon_years, lang, "parameter:horizon_years"),
        total=figure_text(over, lang),
        band=band_text(over, lang),
    )
    return f"{text} {horizon}"


def scale_text(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> str:
    """The job advertisements of 2021 for scale, and why they are no growth factor."""
    yearly = calc.per_year(calc.stated_need(facts, assumptions), facts, "survey_need_per_year")
    ads_se, ads_nordic = (get_fact(facts, fact_id) for fact_id in JOB_AD_FACTS)
    return t(
        "survey_scale_text",
        lang,
        ads_se=ads_se.display(lang),
        ads_nordic=ads_nordic.display(lang),
        year=year_of(facts, JOB_AD_FACTS[0]),
        per_year=figure_text(yearly, lang),
    )


def scale_note(facts: pd.DataFrame, lang: str) -> str:
    """Source of the job-advertisement counts."""
    return source_note("facts.csv", facts[facts["id"].isin(JOB_AD_FACTS)], lang)


# --------------------------------------------------------------------------- derived figures


def derived_table(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_nordic_established: bool,
    horizon_years: int,
    lang: str,
) -> pd.DataFrame:
    """The derived figures with value, assumed band, formula and inputs."""
    figures = calc.derived_figures(
        facts, assumptions, population, ccrm_nordic_established, horizon_years
    )
    band_label(assumptions, lang)  # the band the header states, recorded
    return figures_table(figures, lang, band_pct=calc.band_pct(assumptions))


def derived_notes(
    facts: pd.DataFrame, population: pd.DataFrame, horizon_years: int, lang: str
) -> list[str]:
    """Source notes for the derived figures: facts rows, population, assumptions, horizon."""
    notes = [
        source_note("facts.csv", calc.derived_fact_rows(facts), lang),
        population_note(population, lang),
        assumption_source_note(lang),
    ]
    horizon = horizon_note(facts, horizon_years, lang)
    return [*notes, horizon] if horizon else notes


def population_note(population: pd.DataFrame, lang: str) -> str:
    """Names the public population figure used and its statistics agency by its name."""
    rows = population[population["country"] == calc.COUNTRY]
    offices = "; ".join(
        f"{name} {num(count, lang, f'population:{country}')} ({agency}, {date})"
        for name, count, country, agency, date in zip(
            localized(rows, "name", lang),
            rows["population"],
            rows["country"],
            localized(rows, "agency", lang),
            rows["reference_date"],
            strict=True,
        )
    )
    return t("survey_population_note", lang, offices=offices)


def horizon_note(facts: pd.DataFrame, horizon_years: int, lang: str) -> str | None:
    """The assumption behind a horizon other than the survey's, stated only then."""
    if horizon_years == calc.survey_years(facts):
        return None
    return t(
        "survey_assumption_horizon",
        lang,
        survey_years=years_digits(facts, lang),
        years=num(horizon_years, lang, "parameter:horizon_years"),
    )


# --------------------------------------------------------------------------- who answered


def coverage_table(coverage: Sequence[Coverage], lang: str) -> pd.DataFrame:
    """Asked, answered, response rate (companies only) and interviews by sector; built row
    by row, so the claims are recorded in the order the table shows them."""
    columns = [t(f"survey_col_{key}", lang)
               for key in ("sector", "asked", "answered", "rate", "interviewed")]  # fmt: skip
    rows = [
        [
            t(f"survey_org_{c.sector}", lang),
            _asked_text(c, lang),
            _answered_text(c, lang),
            _rate_cell(c, lang),
            count(c.interviewed, lang, f"sector={c.sector}&interviewee"),
        ]
        for c in coverage
    ]
    return pd.DataFrame(rows, columns=columns)


def _rate_basis(coverage: Coverage) -> str:
    return f"derived:100 × answered ({coverage.sector}) / {coverage.asked.id}"


def rate_text(coverage: Coverage, lang: str) -> tuple[str, str]:
    """ "about 70%" and "65–80%": the rate and its band, to the nearest 5 points."""
    rate, basis = coverage.rate, _rate_basis(coverage)
    central = pct(calc.to_step(rate.stated_low, RATE_STEP_PCT), lang, basis)
    if coverage.asked.qualifier == "approx":
        central = f"{t('qualifier_approx', lang)} {central}"
    low, high = (num(calc.to_step(value, RATE_STEP_PCT), lang, basis)
                 for value in (rate.low, rate.high))  # fmt: skip
    return central, format_unit(f"{low}{DASH}{high}", "%", lang)


def _rate_cell(coverage: Coverage, lang: str) -> str:
    if coverage.rate is None:
        return t("survey_rate_not_computed", lang)
    central, band = rate_text(coverage, lang)
    return f"{central} ({band})" if coverage.rate.has_band else central


def _asked_text(coverage: Coverage, lang: str) -> str:
    return t(f"survey_asked_{coverage.sector}", lang, n=coverage.asked.display(lang))


def _answered_text(coverage: Coverage, lang: str) -> str:
    n = count(coverage.answered, lang, f"sector={coverage.sector}&answered_questionnaire")
    return f"{n} {t(f'survey_unit_{coverage.sector}', lang)}"


def coverage_note(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """Sources of the coverage figures: the facts asked and the appendix rows counted."""
    asked = facts[facts["id"].isin(ASKED_FACTS.values())]
    return join_notes(
        source_note("facts.csv", asked, lang), source_note("survey.csv", survey, lang)
    )


def coverage_text(coverage: Sequence[Coverage], assumptions: pd.DataFrame, lang: str) -> str:
    """Response rate for companies; for healthcare, why hospitals and regions are not divided."""
    by_sector = {c.sector: c for c in coverage}
    companies, healthcare = by_sector["company"], by_sector["healthcare_region"]
    rate, band = rate_text(companies, lang)
    return t(
        "survey_coverage_text",
        lang,
        companies_answered=count(companies.answered, lang, "sector=company&answered_questionnaire"),
        companies_asked=companies.asked.display(lang),
        companies_rate=rate,
        companies_band=band,
        pct=band_label(assumptions, lang),
        hospitals=number_words(healthcare.asked.central, lang, f"fact:{healthcare.asked.id}"),
        regions=count_words(
            healthcare.answered, lang, "sector=healthcare_region&answered_questionnaire"
        ),
    )


# --------------------------------------------------------------------------- competences


def competences_table(competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The most demanded and the particularly hard-to-find competences in Sweden."""
    rows = calc.swedish_competences(competences)
    return pd.DataFrame(
        {
            t("survey_col_finding", lang): [
                t(f"survey_finding_{finding}", lang) for finding in rows["finding"]
            ],
            t("survey_col_competence", lang): localized(rows, "name", lang).tolist(),
        }
    )


def competences_note(competences: pd.DataFrame, lang: str) -> str:
    return source_note("competences.csv", calc.swedish_competences(competences), lang)


# --------------------------------------------------------------------------- willingness


def willingness_chart(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> go.Figure:
    """Share willing to contribute to education: all regions asked, 90 % of companies."""
    items = calc.willingness(facts, survey)
    fig = go.Figure(
        go.Bar(
            x=[t(f"survey_willing_{item.sector}", lang) for item in items],
            y=[item.share.central for item in items],
            text=[item.share.display(lang) for item in items],
            textposition="outside",
            marker_color=[COLOURS["healthcare"], COLOURS["companies"]],
            hovertext=[_willing_hover(item, lang) for item in items],
            hoverinfo="x+text",
        )
    )
    fig.update_yaxes(title_text=t("survey_axis_willing", lang), range=[0, 110])
    base_layout(fig, t("survey_chart_willing_title", lang))
    rows = facts[facts["id"].isin(calc.WILLING_FACTS.values())]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def _willing_hover(item: Willingness, lang: str) -> str:
    n = count_words(item.respondents, lang, f"sector={item.sector}&answered_questionnaire")
    return t(f"survey_willing_hover_{item.sector}", lang, share=item.share.display(lang), n=n)


def willingness_text(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """Whether the companies' 90 % is a whole number of the responding companies."""
    _, companies = calc.willingness(facts, survey)
    n = companies.respondents
    values = {
        "companies_share": companies.share.display(lang),
        "n": count(n, lang, "sector=company&answered_questionnaire"),
    }
    share = companies.share.id
    if companies.whole:
        implied = num(round(companies.implied), lang, f"derived:{share} × {n} / 100")
        return t("survey_willing_text_whole", lang, implied=implied, **values)
    lower, upper = companies.neighbours
    share_basis = f"derived:100 × companies / {n}"
    return t(
        "survey_willing_text_fraction",
        lang,
        lower=num(lower, lang, f"derived:floor({share} × {n} / 100)"),
        upper=num(upper, lang, f"derived:ceil({share} × {n} / 100)"),
        lower_share=pct(100 * lower / n, lang, share_basis),
        upper_share=pct(100 * upper / n, lang, share_basis),
        **values,
    )


# --------------------------------------------------------------------------- interviews


def interview_table(findings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Themes as rows, segments as columns, each cell the finding in the language."""
    grid = calc.interview_grid(findings)
    text = dict(zip(findings["id"], localized(findings, "finding", lang), strict=True))
    columns = {t("survey_col_theme", lang): [t(f"survey_theme_{theme}", lang)
                                              for theme in grid.themes]}  # fmt: skip
    for segment in grid.segments:
        columns[t(f"survey_segment_{segment}", lang)] = [
            " ".join(text[i] for i in grid.ids(theme, segment)) or DASH for theme in grid.themes
        ]
    return pd.DataFrame(columns)


def interview_note(findings: pd.DataFrame, lang: str) -> str:
    return source_note("interview_findings.csv", findings, lang)
