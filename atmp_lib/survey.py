"""The recruitment-survey section: five-year need by sector, who answered, competences.

The report's survey figures are approximate ("ca 400"), ranges ("50–100") or open-ended
("över 500"). They are carried here as a :class:`Span`: the figure as stated, and the
bounds a ±band (an assumption: one reading of "ca") would give, so that what the source
states stays apart from what is assumed, and no range is collapsed to a made-up point.

Calculations (``sector_needs`` … ``willingness``) take tables and return figures without
any language; the views below them label, format and draw, and write every number they
show through :mod:`atmp_lib.claims`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from numbers import Integral

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims, datasets
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, get_fact
from atmp_lib.formatting import (
    format_formula,
    format_number,
    format_unit,
    source_note,
    unit_label,
)
from atmp_lib.i18n import check_lang, localized, t
from atmp_lib.population import (
    MILLION,
    fact_per_million,
    nordic_countries,
    nordic_population,
    per_million_formula,
    population_of,
)

HORIZON_RANGE = (1, 30)
BAND_ASSUMPTION = "approx_band_pct"
NORDIC_ASSUMPTION = "nordic_countries_job_ads"
ASSUMPTIONS_USED = (BAND_ASSUMPTION, NORDIC_ASSUMPTION)
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
#: The source's own words shown on the page, and the facts their translations state.
VERDICT_FACTS = {
    "survey_need_headline": (HEADLINE_FACT,),
    "survey_companies_sme": (),
    "survey_willingness": tuple(WILLING_FACTS.values()),
    "survey_interviews_vary": (),
}
CHART_HEIGHT = 540
COLOURS = {
    "companies": "#1f77b4",
    "healthcare": "#2ca02c",
    "ccrm_nordic": "#ff7f0e",
    "total": "#7f7f7f",
    "job_ads_sweden_2021": "#9467bd",
    "job_ads_nordics_2021": "#8c564b",
}


# --- parameters -------------------------------------------------------------------------


def check_parameters(lang: str, ccrm_established: object, horizon_years: object) -> None:
    """Validate the section's parameters; each error names the parameter and allowed values."""
    check_lang(lang)
    check_ccrm_established(ccrm_established)
    check_horizon_years(horizon_years)


def check_ccrm_established(value: object) -> bool:
    """``ccrm_established`` must be a real bool (a YAML true/false), not a string.

    True assumes that the proposed CCRM Nordic is established and that its first five
    years coincide with the survey's, so that its need is counted with the others.
    """
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
    ``approximate`` marks a figure that rests on a "ca" figure.
    """

    low: float
    stated_low: float
    stated_high: float
    high: float
    approximate: bool = False

    @classmethod
    def point(cls, value: float) -> Span:
        return cls(value, value, value, value)

    def __add__(self, other: Span) -> Span:
        bounds = (a + b for a, b in zip(self.bounds, other.bounds, strict=True))
        return Span(*bounds, approximate=self.approximate or other.approximate)

    def scaled(self, factor: float) -> Span:
        """Every bound multiplied by a positive factor (a division is a factor below 1)."""
        return Span(*(value * factor for value in self.bounds), approximate=self.approximate)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.low, self.stated_low, self.stated_high, self.high

    @property
    def is_range(self) -> bool:
        return self.stated_low != self.stated_high

    @property
    def has_band(self) -> bool:
        return self.low < self.stated_low or self.high > self.stated_high


@dataclass(frozen=True)
class SpanFigure:
    """A derived figure with bounds, its formula (per language) and the inputs it uses."""

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

    @property
    def basis(self) -> str:
        return f"derived:{self.formula_en}"

    def display(self, lang: str) -> str:
        """The figure as computed from the stated figures ("about 460", "about 510–560")."""
        return stated_text(self.span, lang, self.basis)

    def band_display(self, lang: str) -> str:
        """The bounds with the assumed band ("414–506")."""
        return band_text(self.span, lang, self.basis)


# --- calculations ------------------------------------------------------------------------


def assumption_value(assumptions: pd.DataFrame, assumption_id: str) -> float:
    """The value of a row of ``assumptions.csv``; a clear error names an unknown id."""
    match = assumptions[assumptions["id"] == assumption_id]
    if match.empty:
        raise KeyError(f"assumptions.csv has no row with id {assumption_id!r}")
    return float(match["value"].iloc[0])


def band_pct(assumptions: pd.DataFrame) -> float:
    """The ± percentage read around approximate ("ca") figures (assumptions.csv)."""
    return assumption_value(assumptions, BAND_ASSUMPTION)


def fact_span(fact: Fact, band: float) -> Span:
    """A fact as a Span: a range as low–high, "ca" widened by ±band %, an exact figure as is."""
    if fact.qualifier == "range":
        return Span(fact.low, fact.low, fact.high, fact.high)
    if fact.qualifier == "approx":
        value = fact.value
        return Span(value * (1 - band / 100), value, value, value * (1 + band / 100), True)
    if fact.qualifier == "exact":
        return Span.point(fact.value)
    raise ValueError(f"fact {fact.id!r}: qualifier {fact.qualifier!r} has no bounded span")


@dataclass(frozen=True)
class SectorNeed:
    """One sector's five-year recruitment need as the survey states it."""

    sector: str
    fact: Fact
    span: Span


def sector_needs(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool
) -> list[SectorNeed]:
    """Companies, healthcare and (when assumed established) CCRM Nordic, in that order."""
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
    """The five-year sum of the parts, with formula and inputs."""
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
        inputs=(*(need.fact.id for need in needs), f"assumption:{BAND_ASSUMPTION}"),
    )


def horizon_years_of(facts: pd.DataFrame) -> int:
    """The period the survey asked about (fact survey_horizon_years)."""
    return int(get_fact(facts, HORIZON_FACT).central)


def per_year(figure: SpanFigure, horizon_years: int, facts: pd.DataFrame) -> SpanFigure:
    """The need spread evenly over ``horizon_years`` (a linear rescaling off 5 years)."""
    horizon = check_horizon_years(horizon_years)
    rescaled = horizon != horizon_years_of(facts)
    divisor_input = "parameter:horizon_years" if rescaled else HORIZON_FACT
    return SpanFigure(
        **_labels("survey_fig_total_per_year"),
        **_formulas(lambda lang: f"{_operand(figure.span, lang)} / {horizon}"),
        span=figure.span.scaled(1 / horizon),
        inputs=(*figure.inputs, divisor_input),
        assumption="survey_assumption_horizon" if rescaled else None,
    )


@dataclass(frozen=True)
class HeadlineCheck:
    """The parts with and without CCRM Nordic against the report's "över 500"."""

    threshold: float
    without_ccrm: Span
    with_ccrm: Span
    ccrm: Span

    @property
    def uplift_needed_pct(self) -> float:
        """How far above their stated values the "ca" parts must be to reach the threshold."""
        stated = self.without_ccrm.stated_high
        return 100 * (self.threshold - stated) / stated

    @property
    def ccrm_needed(self) -> float:
        """The smallest CCRM Nordic need that lifts the stated parts to the threshold."""
        return self.threshold - self.without_ccrm.stated_high

    @property
    def band_share_reaching(self) -> float:
        """The part of the without-CCRM band that lies at or above the threshold (0–1)."""
        span = self.without_ccrm
        if span.high == span.low:
            return float(span.high >= self.threshold)
        return min(max((span.high - self.threshold) / (span.high - span.low), 0.0), 1.0)


def headline_check(facts: pd.DataFrame, assumptions: pd.DataFrame) -> HeadlineCheck:
    """Both sums and what it takes for each to reach the report's headline."""
    needs = sector_needs(facts, assumptions, ccrm_established=True)
    parts = [need for need in needs if need.sector != "ccrm_nordic"]
    return HeadlineCheck(
        threshold=get_fact(facts, HEADLINE_FACT).central,
        without_ccrm=total_span(parts),
        with_ccrm=total_span(needs),
        ccrm=next(need.span for need in needs if need.sector == "ccrm_nordic"),
    )


def derived_figures(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
) -> list[SpanFigure | Derived]:
    """Sum, per year, per million inhabitants, the job ads per million and the yearly ratio."""
    total = total_need(facts, assumptions, ccrm_established)
    yearly = per_year(total, horizon_years, facts)
    sweden = population_of(population, "SE")
    ads_se, ads_nordic = (get_fact(facts, fid) for fid in JOB_AD_FACTS)
    return [
        total,
        yearly,
        _per_million(total, sweden, "survey_fig_total_per_million"),
        _per_million(yearly, sweden, "survey_fig_yearly_per_million"),
        replace(fact_per_million(ads_se, population, "SE"), **_labels("survey_fig_ads_se_pm")),
        nordic_per_million(ads_nordic, population),
        _multiple(yearly, ads_se, "survey_fig_yearly_vs_ads_se"),
    ]


def nordic_per_million(fact: Fact, population: pd.DataFrame) -> Derived:
    """A Nordic count per million inhabitants of the countries read as Norden."""
    inhabitants = nordic_population(population)
    countries = "+".join(nordic_countries(population))
    return Derived(
        **_labels("survey_fig_ads_nordic_pm"),
        value=fact.central * MILLION / inhabitants,
        formula=per_million_formula(fact.central, inhabitants),
        inputs=(fact.id, f"population:{countries}", f"assumption:{NORDIC_ASSUMPTION}"),
    )


def _per_million(figure: SpanFigure, inhabitants: int, label_id: str) -> SpanFigure:
    return SpanFigure(
        **_labels(label_id),
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


def _multiple(yearly: SpanFigure, ads: Fact, label_id: str) -> SpanFigure:
    return SpanFigure(
        **_labels(label_id),
        **_formulas(
            lambda lang: f"{_operand(yearly.span, lang)} / {format_number(ads.central, lang)}"
        ),
        span=yearly.span.scaled(1 / ads.central),
        inputs=(*yearly.inputs, ads.id),
        assumption=yearly.assumption,
    )


@dataclass(frozen=True)
class Coverage:
    """Organisations asked (as the report says) and counted as answering, for one sector."""

    sector: str
    asked: Fact
    asked_span: Span
    answered: int
    interviewed: int

    @property
    def same_unit(self) -> bool:
        """Asked and answered are counted in the same unit (companies and companies).

        Healthcare is not: the report asked the university hospitals and lists regions.
        """
        return self.sector == "company"

    @property
    def rate(self) -> Span | None:
        """Answered / asked in %, the band from the bounds of the number asked; None when
        asked and answered are different units."""
        if not self.same_unit:
            return None
        span = self.asked_span
        values = (span.high, span.stated_high, span.stated_low, span.low)
        return Span(*(100 * self.answered / value for value in values), span.approximate)


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


@dataclass(frozen=True)
class Willingness:
    """A sector's stated share willing to contribute, and the respondents it applies to."""

    sector: str
    share: Fact
    respondents: int

    @property
    def implied(self) -> float:
        return self.share.central * self.respondents / 100

    @property
    def whole(self) -> bool:
        """Whether the share is a whole number of the respondents."""
        return math.isclose(self.implied, round(self.implied))


def willingness(facts: pd.DataFrame, survey: pd.DataFrame) -> list[Willingness]:
    """Regions then companies: the stated share and the respondents it applies to."""
    result = []
    for sector, fact_id in WILLING_FACTS.items():
        rows = survey[survey["sector"] == sector]
        result.append(
            Willingness(sector, get_fact(facts, fact_id), int(rows["answered_questionnaire"].sum()))
        )
    return result


# --- views: numbers -----------------------------------------------------------------------


def _labels(label_id: str, **values: object) -> dict[str, str]:
    """label_en/label_sv keyword arguments for a derived figure, from the label files."""
    return {f"label_{lang}": t(label_id, lang, **values) for lang in ("en", "sv")}


def _formulas(build: Callable[[str], str]) -> dict[str, str]:
    """formula_en/formula_sv keyword arguments, each written with the language's numbers."""
    return {f"formula_{lang}": build(lang) for lang in ("en", "sv")}


def _plain(value: float, lang: str) -> str:
    """A number inside a formula (whole numbers; inputs are whole)."""
    return format_number(round(value, 1) + 0.0, lang)


def _operand(span: Span, lang: str) -> str:
    """A span inside a formula: "460", or "(510–560)" for a range."""
    if span.is_range:
        return f"({_plain(span.stated_low, lang)}\u2013{_plain(span.stated_high, lang)})"
    return _plain(span.stated_low, lang)


def _part_band(need: SectorNeed, pct: float, lang: str) -> str:
    if need.fact.qualifier == "approx":
        return f"{_operand(need.span, lang)} × (1 ± {_pct_plain(pct, lang)})"
    return _operand(need.span, lang)


def _pct_plain(value: float, lang: str) -> str:
    return format_unit(format_number(value, lang), "%", lang)


def num(value: float, lang: str, basis: str, decimals: int = 0) -> str:
    """A number rounded to ``decimals`` (whole by default), recorded as a claim."""
    return claims.number(value, lang, basis, decimals)


def pct(value: float, lang: str, basis: str) -> str:
    """A whole percentage ("72%" / "72 %"), recorded as a claim."""
    return format_unit(num(value, lang, basis), "%", lang)


def _pair(low: float, high: float, lang: str, basis: str) -> str:
    if round(low) == round(high):
        return num(low, lang, basis)
    return f"{num(low, lang, basis)}\u2013{num(high, lang, basis)}"


def stated_text(span: Span, lang: str, basis: str) -> str:
    """ "about 460", "50–100": the figure as stated or computed from stated figures."""
    text = _pair(span.stated_low, span.stated_high, lang, basis)
    return f"{t('qualifier_approx', lang)} {text}" if span.approximate else text


def band_text(span: Span, lang: str, basis: str) -> str:
    """ "414–506": the bounds including the assumed band."""
    return _pair(span.low, span.high, lang, basis)


def with_band(span: Span, lang: str, basis: str, stated: str | None = None) -> str:
    """ "about 80 (72–88)": the stated figure (or its given wording) with the band."""
    text = stated or stated_text(span, lang, basis)
    return f"{text} ({band_text(span, lang, basis)})" if span.has_band else text


def band_label(assumptions: pd.DataFrame, lang: str) -> str:
    """ "±10%" / "±10 %": the assumed band, recorded as resting on its assumption."""
    return "±" + pct(band_pct(assumptions), lang, f"assumption:{BAND_ASSUMPTION}")


def years_text(horizon_years: int, facts: pd.DataFrame, lang: str) -> str:
    """The horizon in years: the survey's own (a fact) or the reader's parameter."""
    if horizon_years == horizon_years_of(facts):
        return get_fact(facts, HORIZON_FACT).display(lang)
    return num(horizon_years, lang, "parameter:horizon_years")


def year_of(facts: pd.DataFrame, fact_id: str) -> str:
    """A fact's period year ("2021"), recorded as that cell's number."""
    return claims.record_numbers(get_fact(facts, fact_id).period, f"data:facts:{fact_id}:period")


def _count(value: int, lang: str, condition: str) -> str:
    return num(value, lang, f"count:survey:{condition}")


def record_verdict_figures(facts: pd.DataFrame, verdict_id: str, lang: str) -> None:
    """Record the figures a verdict's translation states (shown with the verdict's output)."""
    for fact_id in VERDICT_FACTS[verdict_id]:
        get_fact(facts, fact_id).display(lang)


def _join_notes(*notes: str | None) -> str:
    return " · ".join(note for note in notes if note)


# --- views: introduction and need ---------------------------------------------------------


def intro_values(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the introduction quotes: who was asked, over which horizon, interviews."""
    return {
        "companies": get_fact(facts, ASKED_FACTS["company"]).display(lang),
        "hospitals": get_fact(facts, ASKED_FACTS["healthcare_region"]).display(lang),
        "years": years_text(horizon_years_of(facts), facts, lang),
        "interviews": _count(int(survey["interviewee"].notna().sum()), lang, "interviewee"),
        "year": year_of(facts, JOB_AD_FACTS[0]),
    }


def need_text(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool, lang: str
) -> str:
    """The need by sector and the sum this page counts (following ``ccrm_established``)."""
    total = total_need(facts, assumptions, ccrm_established)
    years = years_text(horizon_years_of(facts), facts, lang)
    ccrm_id = "survey_ccrm_counted" if ccrm_established else "survey_ccrm_not_counted"
    return t(
        "survey_need_text",
        lang,
        companies=get_fact(facts, SECTOR_FACTS["companies"]).display(lang),
        healthcare=get_fact(facts, SECTOR_FACTS["healthcare"]).display(lang),
        ccrm=get_fact(facts, SECTOR_FACTS["ccrm_nordic"]).display(lang),
        ccrm_part=t(ccrm_id, lang, years=years),
        total=total.display(lang),
        band=total.band_display(lang),
        pct=band_label(assumptions, lang),
        years=years,
    )


def _sector_basis(need: SectorNeed, pct_value: float) -> str:
    """What a sector's band rests on: the stated figure times (1 ± band)."""
    if need.fact.qualifier != "approx":
        return f"fact:{need.fact.id}"
    return f"derived:{_plain(need.fact.central, 'en')} × (1 ± {_plain(pct_value, 'en')}%)"


def need_table(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
    lang: str,
) -> pd.DataFrame:
    """Need by sector, the computed sum and the report's total: as stated, band, per year."""
    horizon = check_horizon_years(horizon_years)
    pct_value = band_pct(assumptions)
    rows = []
    for need in sector_needs(facts, assumptions, ccrm_established):
        basis = _sector_basis(need, pct_value)
        rows.append(
            (
                t(f"survey_sector_{need.sector}", lang),
                need.fact.display(lang),
                band_text(need.span, lang, basis) if need.span.has_band else "\u2013",
                with_band(
                    need.span.scaled(1 / horizon),
                    lang,
                    f"derived:{_operand(need.span, 'en')} / {horizon}",
                ),
            )
        )
    total = total_need(facts, assumptions, ccrm_established)
    yearly = per_year(total, horizon, facts)
    rows.append(
        (
            t("survey_sector_total", lang),
            total.display(lang),
            total.band_display(lang),
            with_band(yearly.span, lang, yearly.basis),
        )
    )
    headline = get_fact(facts, HEADLINE_FACT)
    rows.append((t("survey_sector_report_total", lang), headline.display(lang), "\u2013", "\u2013"))
    columns = (
        t("survey_col_sector", lang),
        t("survey_col_need_stated", lang),
        t("survey_col_band", lang, pct=band_label(assumptions, lang)),
        t("survey_col_per_year", lang, years=years_text(horizon, facts, lang)),
    )
    return pd.DataFrame(rows, columns=list(columns))


def need_facts(facts: pd.DataFrame, ccrm_established: bool) -> pd.DataFrame:
    """The facts rows a need chart or table cites."""
    ids = [
        fid for sector, fid in SECTOR_FACTS.items() if ccrm_established or sector != "ccrm_nordic"
    ]
    return facts[facts["id"].isin([*ids, HEADLINE_FACT])]


# --- views: charts of stated and computed figures -----------------------------------------


@dataclass(frozen=True)
class SpanBar:
    """One bar of a span chart: name, figure, colour, its label, and whether it is computed
    from stated figures (a sum, a yearly rate) rather than stated in the report."""

    name: str
    span: Span
    colour: str
    text: str
    band_hover: str = ""
    computed: bool = False


def need_chart(
    facts: pd.DataFrame, assumptions: pd.DataFrame, ccrm_established: bool, lang: str
) -> go.Figure:
    """Five-year need by sector as stated, their computed sum, the band as whiskers."""
    pct_value = band_pct(assumptions)
    needs = sector_needs(facts, assumptions, ccrm_established)
    bars = [
        SpanBar(
            _wrap(t(f"survey_sector_{need.sector}", lang)),
            need.span,
            COLOURS[need.sector],
            need.fact.display(lang),
            band_text(need.span, lang, _sector_basis(need, pct_value)),
        )
        for need in needs
    ]
    total = total_need(facts, assumptions, ccrm_established)
    bars.append(
        SpanBar(
            _wrap(t("survey_sector_total", lang)),
            total.span,
            COLOURS["total"],
            total.display(lang),
            total.band_display(lang),
            computed=True,
        )
    )
    fig = span_bars(bars, band_label(assumptions, lang), lang)
    headline = get_fact(facts, HEADLINE_FACT)
    fig.add_hline(
        y=headline.central,
        line_dash="dash",
        line_color="#d62728",
        annotation_text=t("survey_headline_line", lang, headline=headline.display(lang)),
        annotation_position="top",
    )
    years = years_text(horizon_years_of(facts), facts, lang)
    fig.update_yaxes(title_text=t("survey_axis_people", lang, years=years))
    base_layout(fig, t("survey_chart_need_title", lang))
    _legend_on_top(fig)
    note = _join_notes(
        source_note("facts.csv", need_facts(facts, ccrm_established), lang),
        assumption_source_note(lang),
    )
    return add_source_note(fig, note)


def span_bars(bars: Sequence[SpanBar], band: str, lang: str) -> go.Figure:
    """Stated figures and computed ones as separate series; a stated or computed range as a
    hatched segment; the assumed band as whiskers; each bar's figure written above it."""
    fig = go.Figure()
    for computed in (False, True):
        group = [bar for bar in bars if bar.computed == computed]
        if not group:
            continue
        kind = "computed" if computed else "stated"
        fig.add_trace(
            go.Bar(
                name=t(f"survey_legend_{kind}", lang),
                x=[bar.name for bar in group],
                y=[_plotted(bar.span.stated_low) for bar in group],
                marker={
                    "color": [bar.colour for bar in group],
                    "pattern": {"shape": "." if computed else ""},
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
                    marker={"color": [bar.colour for bar in ranges], "pattern": {"shape": "/"}},
                    opacity=0.55,
                    hovertext=[bar.text for bar in ranges],
                    hoverinfo="x+text",
                )
            )
    banded = [bar for bar in bars if bar.span.has_band]
    if banded:
        fig.add_trace(_band_trace(banded, band, lang))
    top = max(bar.span.high for bar in bars)
    fig.add_trace(_label_trace(bars, lift=top * 0.02))
    fig.update_yaxes(range=[0, _plotted(top * 1.18)])
    fig.update_xaxes(categoryorder="array", categoryarray=[bar.name for bar in bars])
    fig.update_layout(
        barmode="stack",
        legend={
            "orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"
        },
    )
    return fig


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
    fig.update_layout(
        height=CHART_HEIGHT, margin={"t": 170}, title={"y": 0.98, "yanchor": "top"}
    )


def _wrap(name: str, width: int = 24) -> str:
    """A category name broken into short lines, so that axis labels stay horizontal."""
    return "<br>".join(textwrap.wrap(name, width))


def _plotted(value: float) -> float:
    """A chart coordinate rounded to what the page shows (hover shows the labels instead)."""
    return round(value, 1) + 0.0


def assumption_source_note(lang: str) -> str:
    """Names the assumptions file for the band (not a figure from the sources)."""
    return t("survey_assumption_source", lang, id=BAND_ASSUMPTION)


def assumptions_table(assumptions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The assumption rows this section uses, with their rationale in the language."""
    used = assumptions[assumptions["id"].isin(ASSUMPTIONS_USED)]
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
    if row.unit == "countries":
        return f"{num(row.value, lang, basis)} {t('survey_unit_countries', lang)}"
    return f"{num(row.value, lang, basis)} {unit_label(row.unit, lang)}"


def assumptions_note(lang: str) -> str:
    """Names the assumptions file and rows this section uses."""
    return t("survey_assumptions_note", lang, ids=", ".join(ASSUMPTIONS_USED))


# --- views: the report's headline ---------------------------------------------------------


def headline_text(facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str) -> str:
    """A paragraph checking the parts against "över 500", every number computed."""
    check = headline_check(facts, assumptions)
    return t(
        "survey_headline_text",
        lang,
        headline=get_fact(facts, HEADLINE_FACT).display(lang),
        companies=get_fact(facts, SECTOR_FACTS["companies"]).display(lang),
        healthcare=get_fact(facts, SECTOR_FACTS["healthcare"]).display(lang),
        ccrm=get_fact(facts, SECTOR_FACTS["ccrm_nordic"]).display(lang),
        with_ccrm=_with_ccrm_text(check, facts, assumptions, lang),
        without=_without_ccrm_text(check, facts, assumptions, lang),
    )


def _parts_basis(facts: pd.DataFrame) -> str:
    """ "400 + 60": the stated companies and healthcare figures added."""
    parts = (get_fact(facts, SECTOR_FACTS[s]).central for s in ("companies", "healthcare"))
    return " + ".join(_plain(value, "en") for value in parts)


def _with_ccrm_text(
    check: HeadlineCheck, facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str
) -> str:
    label_id = _verdict_with(check)
    basis = f"derived:{_parts_basis(facts)} + {_operand(check.ccrm, 'en')}"
    values = {
        "threshold": num(check.threshold, lang, f"fact:{HEADLINE_FACT}"),
        "total": stated_text(check.with_ccrm, lang, basis),
    }
    if label_id == "survey_with_reaches_some":
        needed = f"derived:{_plain(check.threshold, 'en')} − ({_parts_basis(facts)})"
        values["needed"] = num(check.ccrm_needed, lang, needed)
    if label_id in ("survey_with_band_only", "survey_with_below"):
        values["pct"] = band_label(assumptions, lang)
        values["band"] = band_text(check.with_ccrm, lang, basis)
    return t(label_id, lang, **values)


def _without_ccrm_text(
    check: HeadlineCheck, facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str
) -> str:
    label_id = _verdict_without(check)
    basis = f"derived:{_parts_basis(facts)}"
    values = {
        "threshold": num(check.threshold, lang, f"fact:{HEADLINE_FACT}"),
        "parts": stated_text(check.without_ccrm, lang, basis),
    }
    if label_id != "survey_without_reaches":
        values["pct"] = band_label(assumptions, lang)
        values["band"] = band_text(check.without_ccrm, lang, basis)
    if label_id == "survey_without_band_reaches":
        uplift = f"derived:({_plain(check.threshold, 'en')} − ({_parts_basis(facts)})) / parts"
        values["uplift"] = pct(check.uplift_needed_pct, lang, uplift)
        values["where"] = t(_where_in_band(check), lang)
    return t(label_id, lang, **values)


def _verdict_without(check: HeadlineCheck) -> str:
    span = check.without_ccrm
    if span.stated_low >= check.threshold:
        return "survey_without_reaches"
    if span.high >= check.threshold:
        return "survey_without_band_reaches"
    return "survey_without_below"


def _verdict_with(check: HeadlineCheck) -> str:
    span = check.with_ccrm
    if span.stated_low >= check.threshold:
        return "survey_with_reaches_any"
    if span.stated_high >= check.threshold:
        return "survey_with_reaches_some"
    if span.high >= check.threshold:
        return "survey_with_band_only"
    return "survey_with_below"


def _where_in_band(check: HeadlineCheck) -> str:
    """ "near the top" when at most a quarter of the band reaches the threshold."""
    return "survey_band_near_top" if check.band_share_reaching <= 0.25 else "survey_band_upper"


# --- views: per year, per million and against job advertisements --------------------------


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
    _, yearly, _, yearly_pm, ads_se_pm, ads_nordic_pm, multiple_se = figures
    ads_se, ads_nordic = (get_fact(facts, fid) for fid in JOB_AD_FACTS)
    return {
        "years": years_text(horizon_years, facts, lang),
        "per_year": yearly.display(lang),
        "band": yearly.band_display(lang),
        "year": year_of(facts, JOB_AD_FACTS[0]),
        "ads_se": ads_se.display(lang),
        "ads_nordic": ads_nordic.display(lang),
        "countries": nordic_names(population, lang),
        "multiple_se": multiple_se.display(lang),
        "yearly_pm": yearly_pm.display(lang),
        "ads_se_pm": ads_se_pm.display(lang, decimals=0),
        "ads_nordic_pm": ads_nordic_pm.display(lang, decimals=0),
    }


def nordic_names(population: pd.DataFrame, lang: str) -> str:
    """ "Sweden, Denmark, Finland, Norway and Iceland": the countries read as Norden."""
    rows = population[population["nordic"].astype(bool)]
    names = localized(rows, "name", lang).tolist()
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {t('survey_and', lang)} {names[-1]}"


def yearly_chart(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    ccrm_established: bool,
    horizon_years: int,
    lang: str,
) -> go.Figure:
    """The yearly need (computed) beside the job advertisements of 2021 (stated)."""
    total = total_need(facts, assumptions, ccrm_established)
    yearly = per_year(total, horizon_years, facts)
    years = years_text(horizon_years, facts, lang)
    bars = [
        SpanBar(
            _wrap(t("survey_bar_yearly_need", lang, years=years)),
            yearly.span,
            COLOURS["total"],
            yearly.display(lang),
            yearly.band_display(lang),
            computed=True,
        )
    ]
    year = year_of(facts, JOB_AD_FACTS[0])
    for fact_id in JOB_AD_FACTS:
        ads = get_fact(facts, fact_id)
        name = _wrap(t(f"survey_bar_{fact_id}", lang, year=year))
        bars.append(SpanBar(name, Span.point(ads.central), COLOURS[fact_id], ads.display(lang)))
    fig = span_bars(bars, band_label(assumptions, lang), lang)
    fig.update_yaxes(title_text=t("survey_axis_per_year", lang))
    base_layout(fig, t("survey_chart_yearly_title", lang, years=years, year=year))
    _legend_on_top(fig)
    rows = facts[facts["id"].isin([*SECTOR_FACTS.values(), HORIZON_FACT, *JOB_AD_FACTS])]
    notes = [source_note("facts.csv", rows, lang), assumption_source_note(lang)]
    return add_source_note(fig, _join_notes(*notes, horizon_note(facts, horizon_years, lang)))


def derived_table(
    figures: Sequence[SpanFigure | Derived], lang: str, pct_value: float
) -> pd.DataFrame:
    """Derived figures with value, band, formula and the inputs they use."""
    band_header = t(
        "survey_col_band", lang, pct="±" + pct(pct_value, lang, f"assumption:{BAND_ASSUMPTION}")
    )
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure in figures],
            t("col_value", lang): [_derived_value(figure, lang) for figure in figures],
            band_header: [_derived_band(figure, lang) for figure in figures],
            t("col_formula", lang): [_formula(figure, lang) for figure in figures],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure in figures],
        }
    )


def _formula(figure: SpanFigure | Derived, lang: str) -> str:
    if isinstance(figure, SpanFigure):
        return figure.formula_text(lang)
    return format_formula(figure.formula, lang)


def _derived_value(figure: SpanFigure | Derived, lang: str) -> str:
    if isinstance(figure, SpanFigure):
        return figure.display(lang)
    return figure.display(lang, decimals=0)


def _derived_band(figure: SpanFigure | Derived, lang: str) -> str:
    if isinstance(figure, SpanFigure) and figure.span.has_band:
        return figure.band_display(lang)
    return "\u2013"


def derived_notes(
    facts: pd.DataFrame, population: pd.DataFrame, horizon_years: int, lang: str
) -> list[str]:
    """Source notes for the derived figures: facts rows, population table, assumptions."""
    ids = [*SECTOR_FACTS.values(), HORIZON_FACT, *JOB_AD_FACTS]
    notes = [
        source_note("facts.csv", facts[facts["id"].isin(ids)], lang),
        population_note(population, lang),
        assumptions_note(lang),
    ]
    horizon = horizon_note(facts, horizon_years, lang)
    return [*notes, horizon] if horizon else notes


def population_note(population: pd.DataFrame, lang: str) -> str:
    """Names the public population table and each statistics agency by its name."""
    rows = population[population["nordic"].astype(bool)]
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
    """The rescaling assumption, stated only when the horizon differs from the survey's."""
    horizon = check_horizon_years(horizon_years)
    survey_years = horizon_years_of(facts)
    if horizon == survey_years:
        return None
    factor = survey_years / horizon
    return t(
        "survey_assumption_horizon",
        lang,
        survey_years=years_text(survey_years, facts, lang),
        years=years_text(horizon, facts, lang),
        factor=num(factor, lang, f"derived:{survey_years} / {horizon}", decimals=2),
    )


# --- views: survey coverage ---------------------------------------------------------------


def coverage_table(coverage: Sequence[Coverage], lang: str) -> pd.DataFrame:
    """Asked, answered, response rate (companies only) and interviews by sector."""
    return pd.DataFrame(
        {
            t("survey_col_sector", lang): [t(f"survey_org_{c.sector}", lang) for c in coverage],
            t("survey_col_asked", lang): [_asked_text(c, lang) for c in coverage],
            t("survey_col_answered", lang): [_answered_text(c, lang) for c in coverage],
            t("survey_col_rate", lang): [_rate_text(c, lang) for c in coverage],
            t("survey_col_interviewed", lang): [
                _count(c.interviewed, lang, f"sector={c.sector}&interviewee") for c in coverage
            ],
        }
    )


def _rate_basis(coverage: Coverage) -> str:
    return f"derived:100 × answered ({coverage.sector}) / {coverage.asked.id}"


def _rate_text(coverage: Coverage, lang: str) -> str:
    rate = coverage.rate
    if rate is None:
        return t("survey_rate_not_computed", lang)
    basis = _rate_basis(coverage)
    text = _approx(pct(rate.stated_low, lang, basis), rate, lang)
    if rate.has_band:
        text += f" ({pct(rate.low, lang, basis)}\u2013{pct(rate.high, lang, basis)})"
    return text


def _approx(text: str, span: Span, lang: str) -> str:
    return f"{t('qualifier_approx', lang)} {text}" if span.approximate else text


def _asked_text(coverage: Coverage, lang: str) -> str:
    return t(f"survey_asked_{coverage.sector}", lang, n=coverage.asked.display(lang))


def _answered_text(coverage: Coverage, lang: str) -> str:
    n = _count(coverage.answered, lang, f"sector={coverage.sector}&answered_questionnaire")
    return f"{n} {t(f'survey_unit_{coverage.sector}', lang)}"


def coverage_note(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """Sources of the coverage figures: the facts asked and the appendix rows counted."""
    asked = facts[facts["id"].isin(ASKED_FACTS.values())]
    return _join_notes(
        source_note("facts.csv", asked, lang), source_note("survey.csv", survey, lang)
    )


def coverage_text(
    coverage: Sequence[Coverage], facts: pd.DataFrame, assumptions: pd.DataFrame, lang: str
) -> str:
    """Response rate for companies; for healthcare, why hospitals and regions are not divided."""
    by_sector = {c.sector: c for c in coverage}
    companies, healthcare = by_sector["company"], by_sector["healthcare_region"]
    rate, basis = companies.rate, _rate_basis(companies)
    return t(
        "survey_coverage_text",
        lang,
        companies_answered=_count(
            companies.answered, lang, "sector=company&answered_questionnaire"
        ),
        companies_asked=companies.asked.display(lang),
        companies_rate=_approx(pct(rate.stated_low, lang, basis), rate, lang),
        companies_band=f"{pct(rate.low, lang, basis)}\u2013{pct(rate.high, lang, basis)}",
        pct=band_label(assumptions, lang),
        hospitals=healthcare.asked.display(lang),
        regions=_count(
            healthcare.answered, lang, "sector=healthcare_region&answered_questionnaire"
        ),
    )


# --- views: competences, willingness, interviews ------------------------------------------


def competences_table(competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The most demanded and the particularly hard-to-find competences in Sweden."""
    rank = {finding: index for index, finding in enumerate(FINDING_ORDER)}
    rows = swedish_competences(competences)
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


def willingness_chart(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> go.Figure:
    """Share willing to contribute to education: all regions asked, 90 % of companies."""
    items = willingness(facts, survey)
    texts = [item.share.display(lang) for item in items]
    fig = go.Figure(
        go.Bar(
            x=[t(f"survey_willing_{item.sector}", lang) for item in items],
            y=[item.share.central for item in items],
            text=texts,
            textposition="outside",
            marker_color=[COLOURS["healthcare"], COLOURS["companies"]],
            hovertext=[_willing_hover(item, lang) for item in items],
            hoverinfo="x+text",
        )
    )
    fig.update_yaxes(title_text=t("survey_axis_willing", lang), range=[0, 110])
    base_layout(fig, t("survey_chart_willing_title", lang))
    rows = facts[facts["id"].isin(WILLING_FACTS.values())]
    return add_source_note(fig, source_note("facts.csv", rows, lang))


def _willing_hover(item: Willingness, lang: str) -> str:
    n = _count(item.respondents, lang, f"sector={item.sector}&answered_questionnaire")
    return t(f"survey_willing_hover_{item.sector}", lang, share=item.share.display(lang), n=n)


def willingness_text(facts: pd.DataFrame, survey: pd.DataFrame, lang: str) -> str:
    """Whether the companies' 90 % is a whole number of the responding companies."""
    _, companies = willingness(facts, survey)
    n = companies.respondents
    values = {
        "companies_share": companies.share.display(lang),
        "n": _count(n, lang, "sector=company&answered_questionnaire"),
    }
    share_basis = f"derived:100 × companies / {n}"
    if companies.whole:
        implied = round(companies.implied)
        return t(
            "survey_willing_text_whole",
            lang,
            implied=num(implied, lang, f"derived:{companies.share.id} × {n} / 100"),
            **values,
        )
    lower, upper = math.floor(companies.implied), math.ceil(companies.implied)
    return t(
        "survey_willing_text_fraction",
        lang,
        lower=num(lower, lang, f"derived:floor({companies.share.id} × {n} / 100)"),
        upper=num(upper, lang, f"derived:ceil({companies.share.id} × {n} / 100)"),
        lower_share=pct(100 * lower / n, lang, share_basis),
        upper_share=pct(100 * upper / n, lang, share_basis),
        **values,
    )


def _enum(table: str, column: str) -> list[str]:
    """The allowed values of a column, in the order the data package declares them."""
    return list(datasets.allowed_values(table, column))


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
