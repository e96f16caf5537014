"""The recruitment-survey section: five-year need by sector, response coverage, competences.

The report's survey figures are approximate ("ca 400"), ranges ("50–100") or open-ended
("över 500"). They are carried here as a :class:`Span` (the figure as stated, widened by
the ±band assumed for approximate figures) so that no range is collapsed to a made-up
point and every total keeps its bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Integral

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import datasets
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, get_fact
from atmp_lib.formatting import format_number, format_unit, source_note, unit_label
from atmp_lib.i18n import check_lang, localized, t
from atmp_lib.normalise import MILLION, fact_per_million, nordic_population, population_of

HORIZON_RANGE = (1, 30)
BAND_ASSUMPTION = "approx_band_pct"
HORIZON_FACT = "survey_horizon_years"
HEADLINE_FACT = "need_total"
SECTOR_FACTS = {
    "companies": "need_companies",
    "healthcare": "need_healthcare",
    "ccrm_nordic": "need_ccrm_nordic",
}
ASKED_FACTS = {"company": "survey_companies_asked", "healthcare_region": "survey_hospitals_asked"}
WILLING_FACTS = {"healthcare_region": "willing_regions_share", "company": "willing_companies_share"}
JOB_AD_FACTS = ("job_ads_sweden_2021", "job_ads_nordics_2021")
FINDING_ORDER = ("most_demanded", "hardest_to_find")
COLOURS = {
    "companies": "#1f77b4",
    "healthcare": "#2ca02c",
    "ccrm_nordic": "#ff7f0e",
    "total": "#7f7f7f",
    "job_ads_sweden_2021": "#9467bd",
    "job_ads_nordics_2021": "#8c564b",
    "asked": "#c7c7c7",
    "answered": "#1f77b4",
}


# --- parameters -------------------------------------------------------------------------


def check_parameters(lang: str, ccrm_established: object, horizon_years: object) -> None:
    """Validate the section's parameters; each error names the parameter and allowed values."""
    check_lang(lang)
    check_ccrm_established(ccrm_established)
    check_horizon_years(horizon_years)


def check_ccrm_established(value: object) -> bool:
    """``ccrm_established`` must be a real bool (a YAML true/false), not a string."""
    if not isinstance(value, bool):
        raise ValueError(f"parameter 'ccrm_established': {value!r} is not one of True, False")
    return value


def check_horizon_years(value: object) -> int:
    """``horizon_years`` must be a whole number of years within HORIZON_RANGE."""
    first, last = HORIZON_RANGE
    if isinstance(value, bool) or not isinstance(value, Integral) or not first <= value <= last:
        raise ValueError(
            f"parameter 'horizon_years': {value!r} is not one of the whole numbers {first}..{last}"
        )
    return int(value)


# --- figures with bounds ----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A figure with bounds: ``low <= stated_low <= stated_high <= high``.

    ``stated_low``–``stated_high`` is what the source states (one number, or a range such
    as 50–100); ``low``/``high`` widen it by the band assumed for approximate figures.
    """

    low: float
    stated_low: float
    stated_high: float
    high: float

    @classmethod
    def point(cls, value: float) -> Span:
        return cls(value, value, value, value)

    def __add__(self, other: Span) -> Span:
        return Span(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def scaled(self, factor: float) -> Span:
        """Every bound multiplied by a positive factor (a division is a factor below 1)."""
        return Span(*(value * factor for value in self._values()))

    def _values(self) -> tuple[float, float, float, float]:
        return self.low, self.stated_low, self.stated_high, self.high

    @property
    def is_range(self) -> bool:
        return self.stated_low != self.stated_high

    @property
    def has_band(self) -> bool:
        return self.low < self.stated_low or self.high > self.stated_high

    def stated_text(self, lang: str) -> str:
        """ "460" or "510–560": the figure as the sources give it."""
        return _pair(self.stated_low, self.stated_high, lang)

    def band_text(self, lang: str) -> str:
        """ "414–506": the bounds including the assumed band."""
        return _pair(self.low, self.high, lang)


def _num(value: float, lang: str) -> str:
    """A figure rounded to one decimal; whole numbers without decimals."""
    return format_number(round(value, 1) + 0.0, lang)


def _pair(low: float, high: float, lang: str) -> str:
    if round(low, 1) == round(high, 1):
        return _num(low, lang)
    return f"{_num(low, lang)}\u2013{_num(high, lang)}"


def _pct(value: float, lang: str) -> str:
    return format_unit(_num(value, lang), "%", lang)


@dataclass(frozen=True)
class SpanFigure:
    """A derived figure with bounds, its formula and the inputs it uses."""

    label_en: str
    label_sv: str
    span: Span
    formula_en: str
    formula_sv: str
    inputs: tuple[str, ...]
    assumption: str | None = None

    def label(self, lang: str) -> str:
        return self.label_sv if lang == "sv" else self.label_en

    def formula_text(self, lang: str) -> str:
        return self.formula_sv if lang == "sv" else self.formula_en

    def display(self, lang: str) -> str:
        return self.span.stated_text(lang)


def band_pct(assumptions: pd.DataFrame) -> float:
    """The ± percentage read around approximate ("ca") figures (assumptions.csv)."""
    match = assumptions[assumptions["id"] == BAND_ASSUMPTION]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {BAND_ASSUMPTION!r}")
    return float(match["value"].iloc[0])


def fact_span(fact: Fact, band: float) -> Span:
    """A fact as a Span: a range as low–high, "ca" widened by ±band %, an exact figure as is."""
    if fact.qualifier == "range":
        return Span(fact.low, fact.low, fact.high, fact.high)
    if fact.qualifier == "approx":
        return Span(
            fact.value * (1 - band / 100), fact.value, fact.value, fact.value * (1 + band / 100)
        )
    if fact.qualifier == "exact":
        return Span.point(fact.value)
    raise ValueError(f"fact {fact.id!r}: qualifier {fact.qualifier!r} has no bounded span")


def _labels(label_id: str, **values: object) -> dict[str, str]:
    """label_en/label_sv keyword arguments for a derived figure, from the label files."""
    return {f"label_{lang}": t(label_id, lang, **values) for lang in ("en", "sv")}


def _formulas(build: Callable[[str], str]) -> dict[str, str]:
    """formula_en/formula_sv keyword arguments, each written with the language's numbers."""
    return {f"formula_{lang}": build(lang) for lang in ("en", "sv")}


def _operand(span: Span, lang: str) -> str:
    """A span inside a formula: "460", or "(510–560)" for a range."""
    return f"({span.stated_text(lang)})" if span.is_range else span.stated_text(lang)


# --- recruitment need -------------------------------------------------------------------


@dataclass(frozen=True)
class SectorNeed:
    """One sector's five-year recruitment need as the survey states it."""

    sector: str
    fact: Fact
    span: Span


def sector_needs(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool
) -> list[SectorNeed]:
    """Companies, healthcare and (when counted) CCRM Nordic, in that order."""
    check_ccrm_established(ccrm_established)
    band = band_pct(assumptions)
    sectors = [s for s in SECTOR_FACTS if ccrm_established or s != "ccrm_nordic"]
    needs = []
    for sector in sectors:
        fact = get_fact(facts, SECTOR_FACTS[sector])
        needs.append(SectorNeed(sector, fact, fact_span(fact, band)))
    return needs


def total_span(needs: Sequence[SectorNeed]) -> Span:
    """The parts added up bound by bound."""
    total = Span.point(0.0)
    for need in needs:
        total = total + need.span
    return total


def total_need(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool
) -> SpanFigure:
    """The five-year total computed from the parts, with formula and inputs."""
    needs = sector_needs(facts, assumptions, ccrm_established)
    pct = band_pct(assumptions)

    def build(lang: str) -> str:
        stated = " + ".join(_operand(need.span, lang) for need in needs)
        banded = " + ".join(_part_band(need, pct, lang) for need in needs)
        return f"{stated}; {t('survey_formula_band', lang)}: {banded}"

    return SpanFigure(
        **_labels("survey_fig_total"),
        **_formulas(build),
        span=total_span(needs),
        inputs=(*(need.fact.id for need in needs), f"assumptions:{BAND_ASSUMPTION}"),
    )


def _part_band(need: SectorNeed, pct: float, lang: str) -> str:
    if need.fact.qualifier == "approx":
        return f"{need.span.stated_text(lang)} × (1 ± {_pct(pct, lang)})"
    return _operand(need.span, lang)


def horizon_years_of(facts: pd.DataFrame) -> int:
    """The period the survey asked about (fact survey_horizon_years)."""
    return int(get_fact(facts, HORIZON_FACT).central)


def per_year(figure: SpanFigure, horizon_years: int, facts: pd.DataFrame) -> SpanFigure:
    """The need spread evenly over ``horizon_years`` (a linear rescaling off 5 years)."""
    horizon = check_horizon_years(horizon_years)
    rescaled = horizon != horizon_years_of(facts)
    divisor_input = "param:horizon_years" if rescaled else HORIZON_FACT
    return SpanFigure(
        **_labels("survey_fig_total_per_year", years=horizon),
        **_formulas(lambda lang: f"{_operand(figure.span, lang)} / {horizon}"),
        span=figure.span.scaled(1 / horizon),
        inputs=(*figure.inputs, divisor_input),
        assumption="survey_assumption_horizon" if rescaled else None,
    )


def need_table(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
    lang: str,
) -> pd.DataFrame:
    """Need by sector and in total: stated figure, band used, and per year over the horizon."""
    horizon = check_horizon_years(horizon_years)
    rows = [
        (t(f"survey_sector_{n.sector}", lang), n.fact.display(lang), n.span)
        for n in sector_needs(facts, assumptions, ccrm_established)
    ]
    total = total_need(facts, assumptions, ccrm_established).span
    rows.append((t("survey_sector_total", lang), total.stated_text(lang), total))
    return pd.DataFrame(
        {
            t("survey_col_sector", lang): [row[0] for row in rows],
            t("survey_col_need_stated", lang): [row[1] for row in rows],
            t("survey_col_band", lang, pct=_pct(band_pct(assumptions), lang)): [
                row[2].band_text(lang) for row in rows
            ],
            t("survey_col_per_year", lang, years=horizon): [
                _with_band(row[2].scaled(1 / horizon), lang) for row in rows
            ],
        }
    )


def _with_band(span: Span, lang: str, stated: str | None = None) -> str:
    """ "460 (414–506)": the stated figure (or its given wording) with the band."""
    text = stated or span.stated_text(lang)
    return f"{text} ({span.band_text(lang)})" if span.has_band else text


def need_facts(facts: pd.DataFrame, ccrm_established: bool) -> pd.DataFrame:
    """The facts rows a need chart or table cites."""
    ids = [
        fid for sector, fid in SECTOR_FACTS.items() if ccrm_established or sector != "ccrm_nordic"
    ]
    return facts[facts["id"].isin([*ids, HEADLINE_FACT])]


def need_chart(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool, lang: str
) -> go.Figure:
    """Five-year need by sector and in total, ranges as ranges, the band as error bars."""
    needs = sector_needs(facts, assumptions, ccrm_established)
    bars = [
        SpanBar(
            t(f"survey_sector_{need.sector}", lang),
            need.span,
            COLOURS[need.sector],
            _with_band(need.span, lang, need.fact.display(lang)),
        )
        for need in needs
    ]
    total = total_span(needs)
    bars.append(
        SpanBar(t("survey_sector_total", lang), total, COLOURS["total"], _with_band(total, lang))
    )
    fig = span_bars(bars, _pct(band_pct(assumptions), lang), lang)
    headline = get_fact(facts, HEADLINE_FACT)
    fig.add_hline(
        y=headline.central,
        line_dash="dash",
        line_color="#d62728",
        annotation_text=t("survey_headline_line", lang, headline=headline.display(lang)),
        annotation_position="top left",
    )
    fig.update_yaxes(title_text=t("survey_axis_people", lang, years=horizon_years_of(facts)))
    base_layout(fig, t("survey_chart_need_title", lang))
    note = _join_notes(
        source_note("facts.csv", need_facts(facts, ccrm_established), lang),
        assumption_source_note(lang),
    )
    return add_source_note(fig, note)


@dataclass(frozen=True)
class SpanBar:
    """One bar of a span chart: category name, figure, colour and the label shown above it."""

    name: str
    span: Span
    colour: str
    text: str


def span_bars(bars: Sequence[SpanBar], pct: str, lang: str) -> go.Figure:
    """Bars up to the stated figure, a hatched segment for a stated range, whiskers for the band."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name=t("survey_legend_stated", lang),
            x=[bar.name for bar in bars],
            y=[_plotted(bar.span.stated_low) for bar in bars],
            marker_color=[bar.colour for bar in bars],
        )
    )
    ranges = [bar for bar in bars if bar.span.is_range]
    if ranges:
        fig.add_trace(
            go.Bar(
                name=t("survey_legend_range", lang),
                x=[bar.name for bar in ranges],
                y=[_plotted(bar.span.stated_high - bar.span.stated_low) for bar in ranges],
                marker={"color": [bar.colour for bar in ranges], "pattern": {"shape": "/"}},
                opacity=0.55,
            )
        )
    banded = [bar for bar in bars if bar.span.has_band]
    if banded:
        fig.add_trace(_band_trace(banded, pct, lang))
    top = max(bar.span.high for bar in bars)
    fig.add_trace(_label_trace(bars, lift=top * 0.02))
    fig.update_yaxes(range=[0, _plotted(top * 1.18)])
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.12, "traceorder": "normal"}
    )
    return fig


def _band_trace(banded: Sequence[SpanBar], pct: str, lang: str) -> go.Scatter:
    spans = [bar.span for bar in banded]
    return go.Scatter(
        name=t("survey_legend_band", lang, pct=pct),
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
        hovertext=[span.band_text(lang) for span in spans],
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


def _plotted(value: float) -> float:
    """A chart coordinate without float noise (66.00000000000001 -> 66.0), for stable JSON."""
    return round(value, 6)


def _join_notes(*notes: str) -> str:
    return " · ".join(note for note in notes if note)


def assumption_source_note(lang: str) -> str:
    """Names the assumptions file for the band (not a figure from the sources)."""
    return t("survey_assumption_source", lang, id=BAND_ASSUMPTION)


def assumptions_table(assumptions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The assumption rows this section uses, with their rationale in the language."""
    used = assumptions[assumptions["id"] == BAND_ASSUMPTION]
    return pd.DataFrame(
        {
            t("assumption_label", lang): localized(used, "label", lang),
            t("col_value", lang): [f"±{_pct(value, lang)}" for value in used["value"]],
            t("survey_col_rationale", lang): localized(used, "rationale", lang),
        }
    ).reset_index(drop=True)


# --- the report's headline check --------------------------------------------------------


@dataclass(frozen=True)
class HeadlineCheck:
    """The parts' total with and without CCRM Nordic against the report's "över 500"."""

    threshold: float
    without_ccrm: Span
    with_ccrm: Span
    ccrm: Span
    approx_stated: float

    @property
    def uplift_needed_pct(self) -> float:
        """How far above their stated values the "ca" parts must be for the total to reach it."""
        return 100 * (self.threshold - self.without_ccrm.stated_high) / self.approx_stated

    @property
    def ccrm_needed(self) -> float:
        """The smallest CCRM Nordic need that lifts the stated parts to the threshold."""
        return self.threshold - self.without_ccrm.stated_high


def headline_check(facts: pd.DataFrame, assumptions: pd.DataFrame) -> HeadlineCheck:
    """Compute both totals and what it takes for each to reach the report's headline."""
    headline = get_fact(facts, HEADLINE_FACT)
    needs = sector_needs(facts, assumptions, ccrm_established=True)
    parts = [need for need in needs if need.sector != "ccrm_nordic"]
    ccrm = next(need.span for need in needs if need.sector == "ccrm_nordic")
    return HeadlineCheck(
        threshold=headline.central,
        without_ccrm=total_span(parts),
        with_ccrm=total_span(needs),
        ccrm=ccrm,
        approx_stated=sum(n.span.stated_high for n in parts if n.fact.qualifier == "approx"),
    )


def headline_text(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> str:
    """A paragraph checking the parts against "över 500", every number computed."""
    check = headline_check(facts, assumptions)
    headline = get_fact(facts, HEADLINE_FACT).display(lang)
    common = {"threshold": _num(check.threshold, lang), "pct": _pct(band_pct(assumptions), lang)}
    without = t(
        _verdict_without(check),
        lang,
        scenario=t("survey_scenario_without", lang),
        stated=check.without_ccrm.stated_text(lang),
        band=check.without_ccrm.band_text(lang),
        uplift=_pct(check.uplift_needed_pct, lang),
        **common,
    )
    with_ccrm = t(
        _verdict_with(check),
        lang,
        scenario=t("survey_scenario_with", lang, ccrm=check.ccrm.stated_text(lang)),
        stated=check.with_ccrm.stated_text(lang),
        band=check.with_ccrm.band_text(lang),
        needed=_num(check.ccrm_needed, lang),
        **common,
    )
    return t("survey_headline_text", lang, headline=headline, without=without, with_ccrm=with_ccrm)


def _verdict_without(check: HeadlineCheck) -> str:
    span = check.without_ccrm
    if span.stated_low >= check.threshold:
        return "survey_verdict_reaches"
    if span.high >= check.threshold:
        return "survey_verdict_below_band_reaches"
    return "survey_verdict_below"


def _verdict_with(check: HeadlineCheck) -> str:
    span = check.with_ccrm
    if span.stated_low >= check.threshold:
        return "survey_verdict_reaches_any_ccrm"
    if span.stated_high >= check.threshold:
        return "survey_verdict_reaches_some_ccrm"
    if span.high >= check.threshold:
        return "survey_verdict_with_band_only"
    return "survey_verdict_below"


# --- per year, per million and against job advertisements --------------------------------


def derived_figures(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
) -> list[SpanFigure | Derived]:
    """Total, per year, per million inhabitants, and the yearly need against 2021's job ads."""
    total = total_need(facts, assumptions, ccrm_established)
    yearly = per_year(total, horizon_years, facts)
    sweden = population_of(population, "SE")
    ads_se, ads_nordic = (get_fact(facts, fid) for fid in JOB_AD_FACTS)
    return [
        total,
        yearly,
        _per_million(total, sweden, "survey_fig_total_per_million"),
        _per_million(yearly, sweden, "survey_fig_yearly_per_million", years=horizon_years),
        fact_per_million(ads_se, population, "SE"),
        nordic_per_million(ads_nordic, population),
        _multiple(yearly, ads_se, "survey_fig_yearly_vs_ads_se", horizon_years),
        _multiple(yearly, ads_nordic, "survey_fig_yearly_vs_ads_nordic", horizon_years),
    ]


def _per_million(figure: SpanFigure, inhabitants: int, label_id: str, **values) -> SpanFigure:
    return SpanFigure(
        **_labels(label_id, **values),
        **_formulas(
            lambda lang: (
                f"{_operand(figure.span, lang)} × {format_number(MILLION, lang)} / "
                f"{format_number(inhabitants, lang)}"
            )
        ),
        span=figure.span.scaled(MILLION / inhabitants),
        inputs=(*figure.inputs, "population:SE"),
        assumption=figure.assumption,
    )


def _multiple(yearly: SpanFigure, ads: Fact, label_id: str, years: int) -> SpanFigure:
    return SpanFigure(
        **_labels(label_id, years=years),
        **_formulas(lambda lang: f"{_operand(yearly.span, lang)} / {_num(ads.central, lang)}"),
        span=yearly.span.scaled(1 / ads.central),
        inputs=(*yearly.inputs, ads.id),
        assumption=yearly.assumption,
    )


def yearly_values(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
    lang: str,
) -> dict[str, str]:
    """The figures the per-year paragraph quotes, taken from the derived figures."""
    figures = derived_figures(facts, assumptions, population, ccrm_established, horizon_years)
    _, yearly, _, yearly_pm, ads_se_pm, ads_nordic_pm, multiple_se, _ = figures
    return {
        "years": str(horizon_years),
        "per_year": yearly.display(lang),
        "band": yearly.span.band_text(lang),
        "ads_se": _num(get_fact(facts, JOB_AD_FACTS[0]).central, lang),
        "ads_nordic": _num(get_fact(facts, JOB_AD_FACTS[1]).central, lang),
        "multiple_se": multiple_se.display(lang),
        "yearly_pm": yearly_pm.display(lang),
        "ads_se_pm": _num(ads_se_pm.value, lang),
        "ads_nordic_pm": _num(ads_nordic_pm.value, lang),
    }


def nordic_per_million(fact: Fact, population: pd.DataFrame) -> Derived:
    """A Nordic count per million inhabitants of the five Nordic countries together."""
    inhabitants = nordic_population(population)
    countries = "+".join(population.loc[population["nordic"], "country"])
    return Derived(
        label_en=f"{fact.label_en} per million inhabitants",
        label_sv=f"{fact.label_sv} per miljon invånare",
        value=fact.central * MILLION / inhabitants,
        formula=f"{fact.central:g} × 1 000 000 / {inhabitants:,}".replace(",", " "),
        inputs=(fact.id, f"population:{countries}"),
    )


def derived_table(figures: Sequence[SpanFigure | Derived], lang: str, pct: float) -> pd.DataFrame:
    """Derived figures with value, band, formula and the inputs they use."""
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure in figures],
            t("col_value", lang): [_derived_value(figure, lang) for figure in figures],
            t("survey_col_band", lang, pct=_pct(pct, lang)): [
                figure.span.band_text(lang) if isinstance(figure, SpanFigure) else ""
                for figure in figures
            ],
            t("col_formula", lang): [_formula(figure, lang) for figure in figures],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure in figures],
        }
    )


def _formula(figure: SpanFigure | Derived, lang: str) -> str:
    return figure.formula_text(lang) if isinstance(figure, SpanFigure) else figure.formula


def _derived_value(figure: SpanFigure | Derived, lang: str) -> str:
    if isinstance(figure, SpanFigure):
        return figure.display(lang)
    return _num(figure.value, lang)


def derived_notes(
    facts: pd.DataFrame, population: pd.DataFrame, horizon_years: int, lang: str
) -> list[str]:
    """Source notes for the derived figures: facts rows, population table, horizon assumption."""
    ids = [*SECTOR_FACTS.values(), HORIZON_FACT, *JOB_AD_FACTS]
    notes = [
        source_note("facts.csv", facts[facts["id"].isin(ids)], lang),
        population_note(population, lang),
        assumption_source_note(lang),
    ]
    horizon = horizon_note(facts, horizon_years, lang)
    return [*notes, horizon] if horizon else notes


def population_note(population: pd.DataFrame, lang: str) -> str:
    """Names the public population table and its statistics offices."""
    rows = population[population["nordic"]]
    offices = "; ".join(
        f"{name} {format_number(count, lang)} ({organisation}, {date})"
        for name, count, organisation, date in zip(
            localized(rows, "name", lang),
            rows["population"],
            rows["source_organisation"],
            rows["reference_date"],
            strict=True,
        )
    )
    return t("survey_population_note", lang, offices=offices)


def horizon_note(facts: pd.DataFrame, horizon_years: int, lang: str) -> str | None:
    """The rescaling assumption, stated only when the horizon differs from the survey's."""
    horizon = check_horizon_years(horizon_years)
    survey_years = horizon_years_of(facts)
    if horizon == survey_years:
        return None
    return t(
        "survey_assumption_horizon",
        lang,
        survey_years=survey_years,
        years=horizon,
        factor=format_number(round(survey_years / horizon, 2), lang, 2),
    )


def yearly_chart(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
    lang: str,
) -> go.Figure:
    """The yearly need beside the ATMP job advertisements of 2021 (Sweden, the Nordics)."""
    total = total_need(facts, assumptions, ccrm_established)
    yearly = per_year(total, horizon_years, facts).span
    name = t("survey_bar_yearly_need", lang, years=horizon_years)
    bars = [SpanBar(name, yearly, COLOURS["total"], _with_band(yearly, lang))]
    for fact_id in JOB_AD_FACTS:
        ads = get_fact(facts, fact_id)
        name = t(f"survey_bar_{fact_id}", lang)
        bars.append(SpanBar(name, Span.point(ads.central), COLOURS[fact_id], ads.display(lang)))
    fig = span_bars(bars, _pct(band_pct(assumptions), lang), lang)
    fig.update_yaxes(title_text=t("survey_axis_per_year", lang))
    base_layout(fig, t("survey_chart_yearly_title", lang, years=horizon_years))
    rows = facts[facts["id"].isin([*total.inputs, HORIZON_FACT, *JOB_AD_FACTS])]
    notes = [source_note("facts.csv", rows, lang), assumption_source_note(lang)]
    return add_source_note(fig, _join_notes(*notes, horizon_note(facts, horizon_years, lang)))


# --- survey coverage --------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Organisations asked (as the report says) and counted as answering, for one sector."""

    sector: str
    asked: Fact
    asked_span: Span
    answered: int
    interviewed: int

    @property
    def rate(self) -> Span:
        """Answered / asked in %, the band from the bounds of the number asked."""
        span = self.asked_span
        values = (span.high, span.stated_high, span.stated_low, span.low)
        return Span(*(100 * self.answered / value for value in values))


def response_coverage(
    facts: pd.DataFrame, survey: pd.DataFrame, assumptions: pd.DataFrame
) -> list[Coverage]:
    """Companies and healthcare: asked (facts) versus answered (survey table rows)."""
    band = band_pct(assumptions)
    result = []
    for sector, fact_id in ASKED_FACTS.items():
        rows = survey[survey["sector"] == sector]
        asked = get_fact(facts, fact_id)
        result.append(
            Coverage(
                sector=sector,
                asked=asked,
                asked_span=fact_span(asked, band),
                answered=int(rows["answered_questionnaire"].sum()),
                interviewed=int(rows["interviewee"].notna().sum()),
            )
        )
    return result


def coverage_table(coverage: Sequence[Coverage], lang: str) -> pd.DataFrame:
    """Asked, answered, response rate (with band) and interviews by sector."""
    return pd.DataFrame(
        {
            t("survey_col_sector", lang): [t(f"survey_org_{c.sector}", lang) for c in coverage],
            t("survey_col_asked", lang): [_asked_text(c, lang) for c in coverage],
            t("survey_col_answered", lang): [_answered_text(c, lang) for c in coverage],
            t("survey_col_rate", lang): [_rate_text(c.rate, lang) for c in coverage],
            t("survey_col_interviewed", lang): [str(c.interviewed) for c in coverage],
        }
    )


def _rate_text(rate: Span, lang: str) -> str:
    text = _pct(rate.stated_low, lang)
    if rate.has_band:
        text += f" ({_pct(rate.low, lang)}\u2013{_pct(rate.high, lang)})"
    return text


def coverage_note(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """Sources of the coverage figures: the facts asked and the appendix rows counted."""
    asked = facts[facts["id"].isin(ASKED_FACTS.values())]
    return _join_notes(
        source_note("facts.csv", asked, lang), source_note("survey.csv", survey, lang)
    )


def coverage_chart(
    coverage: Sequence[Coverage], facts: pd.DataFrame, survey: pd.DataFrame, lang: str
) -> go.Figure:
    """Organisations asked versus organisations that answered, by sector."""
    sectors = [t(f"survey_org_{c.sector}", lang) for c in coverage]
    spans = [c.asked_span for c in coverage]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name=t("survey_legend_asked", lang),
            x=sectors,
            y=[c.asked.central for c in coverage],
            text=[_asked_text(c, lang) for c in coverage],
            marker_color=COLOURS["asked"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [
                    _plotted(span.high - span.stated_high) if span.has_band else None
                    for span in spans
                ],
                "arrayminus": [
                    _plotted(span.stated_low - span.low) if span.has_band else None
                    for span in spans
                ],
                "color": "#333333",
                "width": 0,
            },
        )
    )
    fig.add_trace(
        go.Bar(
            name=t("survey_legend_answered", lang),
            x=sectors,
            y=[c.answered for c in coverage],
            text=[_answered_text(c, lang) for c in coverage],
            marker_color=COLOURS["answered"],
        )
    )
    fig.update_traces(textposition="inside", insidetextanchor="middle")
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.12})
    fig.update_yaxes(title_text=t("survey_axis_organisations", lang))
    base_layout(fig, t("survey_chart_coverage_title", lang))
    note = _join_notes(coverage_note(facts, survey, lang), assumption_source_note(lang))
    return add_source_note(fig, note)


def _asked_text(coverage: Coverage, lang: str) -> str:
    return f"{coverage.asked.display(lang)} {unit_label(coverage.asked.unit, lang)}"


def _answered_text(coverage: Coverage, lang: str) -> str:
    return f"{coverage.answered} {t(f'survey_unit_{coverage.sector}', lang)}"


def coverage_text(
    coverage: Sequence[Coverage], facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str
) -> str:
    """Response rates and the mismatch between hospitals asked and regions answering."""
    by_sector = {c.sector: c for c in coverage}
    companies, healthcare = by_sector["company"], by_sector["healthcare_region"]
    willing = get_fact(facts, WILLING_FACTS["healthcare_region"])
    missing = healthcare.asked.central - healthcare.answered
    return t(
        "survey_coverage_text",
        lang,
        companies_answered=companies.answered,
        companies_asked=companies.asked.display(lang),
        companies_rate=_pct(companies.rate.stated_low, lang),
        companies_band=_pct_pair(companies.rate, lang),
        pct=_pct(band_pct(assumptions), lang),
        hospitals=_num(healthcare.asked.central, lang),
        regions=healthcare.answered,
        healthcare_rate=_pct(healthcare.rate.stated_low, lang),
        willing=_pct(willing.central, lang),
        missing=_num(missing, lang),
    )


def _pct_pair(rate: Span, lang: str) -> str:
    return f"{_pct(rate.low, lang)}\u2013{_pct(rate.high, lang)}"


# --- competences and willingness ---------------------------------------------------------


def competences_table(competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The most demanded and the hardest-to-find competences in Sweden."""
    rank = {finding: index for index, finding in enumerate(FINDING_ORDER)}
    rows = competences[(competences["geography"] == "Sweden")]
    rows = rows[rows["finding"].isin(FINDING_ORDER)]
    rows = rows.assign(rank=rows["finding"].map(rank)).sort_values("rank", kind="stable")
    return pd.DataFrame(
        {
            t("survey_col_finding", lang): [
                t(f"survey_finding_{f}", lang) for f in rows["finding"]
            ],
            t("survey_col_competence", lang): localized(rows, "name", lang).tolist(),
        }
    )


def swedish_competences(competences: pd.DataFrame) -> pd.DataFrame:
    """The competences rows the Swedish table shows (for its source note)."""
    return competences[
        (competences["geography"] == "Sweden") & competences["finding"].isin(FINDING_ORDER)
    ]


@dataclass(frozen=True)
class Willingness:
    """A sector's stated share willing to contribute, and the count it implies."""

    sector: str
    share: Fact
    respondents: int

    @property
    def implied(self) -> float:
        return self.share.central * self.respondents / 100


def willingness(facts: pd.DataFrame, survey: pd.DataFrame) -> list[Willingness]:
    """Regions then companies: the stated share and the respondents it applies to."""
    result = []
    for sector, fact_id in WILLING_FACTS.items():
        rows = survey[survey["sector"] == sector]
        result.append(
            Willingness(sector, get_fact(facts, fact_id), int(rows["answered_questionnaire"].sum()))
        )
    return result


def willingness_chart(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> go.Figure:
    """Share of organisations willing to contribute to education, by sector."""
    items = willingness(facts, survey)
    fig = go.Figure(
        go.Bar(
            x=[t(f"survey_willing_{item.sector}", lang) for item in items],
            y=[item.share.central for item in items],
            text=[_pct(item.share.central, lang) for item in items],
            textposition="outside",
            marker_color=[COLOURS["healthcare"], COLOURS["companies"]],
            hovertext=[
                t(
                    "survey_willing_hover",
                    lang,
                    implied=_num(item.implied, lang),
                    n=item.respondents,
                )
                for item in items
            ],
        )
    )
    fig.update_yaxes(title_text=t("survey_axis_willing", lang), range=[0, 110])
    base_layout(fig, t("survey_chart_willing_title", lang))
    rows = facts[facts["id"].isin(WILLING_FACTS.values())]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def willingness_text(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """The stated shares, and whether 90 % of the respondents is a whole number of them."""
    regions, companies = willingness(facts, survey)
    implied = companies.implied
    values = {
        "regions_share": _pct(regions.share.central, lang),
        "companies_share": _pct(companies.share.central, lang),
        "n": companies.respondents,
        "implied": _num(implied, lang),
    }
    if math.isclose(implied, round(implied)):
        return t("survey_willing_text_whole", lang, **values)
    lower, upper = math.floor(implied), math.ceil(implied)
    return t(
        "survey_willing_text_fraction",
        lang,
        lower=lower,
        upper=upper,
        lower_share=_pct(100 * lower / companies.respondents, lang),
        upper_share=_pct(100 * upper / companies.respondents, lang),
        **values,
    )


# --- interviews -------------------------------------------------------------------------


def _enum(table: str, column: str) -> list[str]:
    """The allowed values of a column, in the order the data package declares them."""
    fields = datasets.resources()[table].fields
    return list(next(field for field in fields if field.name == column).constraints["enum"])


def interview_table(findings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Themes as rows, segments as columns, each cell the finding in the language."""
    text = findings.assign(finding=localized(findings, "finding", lang))
    segments = [s for s in _enum("interview_findings", "segment") if s in set(text["segment"])]
    themes = [th for th in _enum("interview_findings", "theme") if th in set(text["theme"])]
    columns = {t("survey_col_theme", lang): [t(f"survey_theme_{theme}", lang) for theme in themes]}
    for segment in segments:
        columns[t(f"survey_segment_{segment}", lang)] = [
            _cell(text, segment, theme) for theme in themes
        ]
    return pd.DataFrame(columns)


def _cell(findings: pd.DataFrame, segment: str, theme: str) -> str:
    match = findings[(findings["segment"] == segment) & (findings["theme"] == theme)]
    return " ".join(match["finding"]) if not match.empty else "\u2013"


# --- prose ------------------------------------------------------------------------------


def intro_values(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the introduction quotes: who was asked, over which horizon, interviews."""
    return {
        "companies": get_fact(facts, ASKED_FACTS["company"]).display(lang),
        "hospitals": get_fact(facts, ASKED_FACTS["healthcare_region"]).display(lang),
        "years": _num(horizon_years_of(facts), lang),
        "interviews": str(int(survey["interviewee"].notna().sum())),
    }


def need_text(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool, lang: str
) -> str:
    """The need by sector and the total the page counts (following ``ccrm_established``)."""
    total = total_need(facts, assumptions, ccrm_established).span
    ccrm = get_fact(facts, SECTOR_FACTS["ccrm_nordic"]).display(lang)
    ccrm_part = t(
        "survey_ccrm_counted" if ccrm_established else "survey_ccrm_not_counted", lang, ccrm=ccrm
    )
    return t(
        "survey_need_text",
        lang,
        companies=get_fact(facts, SECTOR_FACTS["companies"]).display(lang),
        healthcare=get_fact(facts, SECTOR_FACTS["healthcare"]).display(lang),
        ccrm_part=ccrm_part,
        total=total.stated_text(lang),
        band=total.band_text(lang),
        pct=_pct(band_pct(assumptions), lang),
        years=_num(horizon_years_of(facts), lang),
    )
