"""The recruitment survey's figures, computed without a language.

The survey's figures are approximate ("ca 400"), ranges ("50–100") or open-ended ("över
500"). Each is carried as a :class:`~atmp_lib.figures.Span`: the figure as stated, and the
bounds that a ±band around "ca" (an assumption, row ``approx_band_pct``) would give, so that
what the source states stays apart from what is assumed and no range collapses to a point.

The need this section counts is the one companies and healthcare stated. The proposed CCRM
Nordic states a need only "om det etableras", "inom en 5-årsperiod efter start": it is an
add-on, shown on its own, and counted into a sum only when the reader sets
``ccrm_nordic_established`` (the switch the scenarios section reads too), in sums that
say so by their ids (``..._incl_ccrm``).

Functions take tables and parameters and return facts, spans, :class:`Figure` objects and
dataclasses with stable ids; :mod:`atmp_lib.sections.survey.views` words and draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from atmp_lib import datasets
from atmp_lib.facts import Fact, assumption_value, get_fact
from atmp_lib.figures import Figure, Formula, Span, qualifier_of
from atmp_lib.population import figure_per_million

BAND_ASSUMPTION = "approx_band_pct"
ASSUMPTIONS_USED = (BAND_ASSUMPTION,)
HORIZON_FACT = "survey_horizon_years"
HEADLINE_FACT = "need_total"
CCRM = "ccrm_nordic"
CCRM_FACT = "need_ccrm_nordic"
CCRM_PERIOD_FACT = "ccrm_need_period_years"
#: The sectors whose need the survey states, and the fact each one's need is.
STATED_SECTORS = {"companies": "need_companies", "healthcare": "need_healthcare"}
SECTOR_FACTS = {**STATED_SECTORS, CCRM: CCRM_FACT}
ASKED_FACTS = {"company": "survey_companies_asked", "healthcare_region": "survey_hospitals_asked"}
WILLING_FACTS = {"healthcare_region": "willing_regions_share", "company": "willing_companies_share"}
JOB_AD_FACTS = ("job_ads_sweden_2021", "job_ads_nordics_2021")
FINDING_ORDER = ("most_demanded", "hardest_to_find")
COUNTRY = "SE"
#: A share of "ca 25" is written to the nearest 5 percentage points: 18 of 23–27 companies
#: is 67–78 %, so a whole percent ("72 %") would claim a precision the base lacks.
RATE_STEP_PCT = 5


def band_pct(assumptions: pd.DataFrame) -> float:
    """The ± percentage read around approximate ("ca") figures (assumptions.csv)."""
    return assumption_value(assumptions, BAND_ASSUMPTION)


def survey_years(facts: pd.DataFrame) -> int:
    """The period the survey asked about (fact survey_horizon_years: five years)."""
    return int(get_fact(facts, HORIZON_FACT).central)


def ccrm_years(facts: pd.DataFrame) -> int:
    """The period after its start within which CCRM Nordic would need its staff."""
    return int(get_fact(facts, CCRM_PERIOD_FACT).central)


# --------------------------------------------------------------------------- need by sector


@dataclass(frozen=True)
class SectorNeed:
    """One sector's recruitment need as the report states it, with its bounds."""

    sector: str
    fact: Fact
    span: Span

    @property
    def approximate(self) -> bool:
        return self.fact.qualifier == "approx"


def sector_need(facts: pd.DataFrame, assumptions: pd.DataFrame, sector: str) -> SectorNeed:
    """A sector's stated need; "ca" widened by the assumed band, a range kept as stated."""
    fact = get_fact(facts, SECTOR_FACTS[sector])
    return SectorNeed(sector, fact, Span.of_fact(fact, band_pct(assumptions)))


def stated_needs(facts: pd.DataFrame, assumptions: pd.DataFrame) -> list[SectorNeed]:
    """Companies and healthcare: the need the survey states for the coming five years."""
    return [sector_need(facts, assumptions, sector) for sector in STATED_SECTORS]


def ccrm_need(facts: pd.DataFrame, assumptions: pd.DataFrame) -> SectorNeed:
    """The proposed CCRM Nordic's need "om det etableras", within five years of its start."""
    return sector_need(facts, assumptions, CCRM)


def sector_per_year(need: SectorNeed, facts: pd.DataFrame) -> Figure:
    """A sector's need spread evenly over its own period: the survey's five years, or the
    five years after CCRM Nordic's start."""
    years = ccrm_years(facts) if need.sector == CCRM else survey_years(facts)
    period = CCRM_PERIOD_FACT if need.sector == CCRM else HORIZON_FACT
    return Figure(
        id=f"survey_{need.sector}_per_year",
        span=need.span.scaled(1 / years),
        formula=Formula(
            "{0} / {1}", (need.span, years), (f"fact:{need.fact.id}", f"fact:{period}")
        ),
        inputs=(f"fact:{need.fact.id}", f"fact:{period}", *_band_input(need)),
        qualifier=qualifier_of(need.fact),
    )


def _band_input(*needs: SectorNeed) -> tuple[str, ...]:
    return (f"assumption:{BAND_ASSUMPTION}",) if any(n.approximate for n in needs) else ()


# --------------------------------------------------------------------------- sums and rates


def sum_figure(needs: Sequence[SectorNeed], figure_id: str, years: int) -> Figure:
    """The needs over the survey's ``years`` added up bound by bound ("400 + 60",
    "400 + 60 + (50–100)")."""
    span = needs[0].span
    for need in needs[1:]:
        span = span + need.span
    return Figure(
        id=figure_id,
        span=span,
        formula=Formula(" + ".join(f"{{{i}}}" for i in range(len(needs))),
                        tuple(need.span for need in needs),
                        tuple(f"fact:{need.fact.id}" for need in needs)),
        inputs=(*(f"fact:{need.fact.id}" for need in needs), *_band_input(*needs)),
        qualifier=qualifier_of(*(need.fact for need in needs)),
        label_values={"years": years},
        label_bases={"years": f"fact:{HORIZON_FACT}"},
        qualify_range=any(need.approximate for need in needs),
    )  # fmt: skip


def stated_need(facts: pd.DataFrame, assumptions: pd.DataFrame) -> Figure:
    """Companies and healthcare over the survey's five years: the page's headline."""
    return sum_figure(stated_needs(facts, assumptions), "survey_need", survey_years(facts))


def need_incl_ccrm(facts: pd.DataFrame, assumptions: pd.DataFrame) -> Figure:
    """Companies, healthcare and the proposed CCRM Nordic, if established, with its five
    years read as the survey's (shown only when the reader sets the switch)."""
    needs = [*stated_needs(facts, assumptions), ccrm_need(facts, assumptions)]
    return sum_figure(needs, "survey_need_incl_ccrm", survey_years(facts))


def per_year(figure: Figure, facts: pd.DataFrame, figure_id: str) -> Figure:
    """A five-year figure spread evenly over the survey's five years."""
    years = survey_years(facts)
    return figure.scaled(
        1 / years,
        id=figure_id,
        formula=Formula(
            "{0} / {1}",
            (figure.span, years),
            (f"derived:{figure.formula.english()}", f"fact:{HORIZON_FACT}"),
        ),
        inputs=(*figure.inputs, f"fact:{HORIZON_FACT}"),
        label_values={},
    )


def ccrm_per_year(facts: pd.DataFrame, assumptions: pd.DataFrame) -> Figure:
    """The add-on: CCRM Nordic's need a year from its start, if it is established."""
    return sector_per_year(ccrm_need(facts, assumptions), facts)


def over_horizon(yearly: Figure, horizon_years: int, figure_id: str) -> Figure:
    """A yearly rate kept over the reader's horizon (as the scenarios page keeps it)."""
    return yearly.scaled(
        horizon_years,
        id=figure_id,
        formula=Formula(
            "{0} × {1}",
            (yearly.span, horizon_years),
            (f"derived:{yearly.formula.english()}", "parameter:horizon_years"),
        ),
        inputs=(*yearly.inputs, "parameter:horizon_years"),
        label_values={"years": horizon_years},
        label_bases={"years": "parameter:horizon_years"},
    )


def derived_figures(
    facts: pd.DataFrame,
    assumptions: pd.DataFrame,
    population: pd.DataFrame,
    ccrm_nordic_established: bool,
    horizon_years: int,
) -> list[Figure]:
    """The figures computed from the survey, in the order the page lists them.

    Always: the stated need over five years, per year, per million inhabitants of Sweden
    (over the period and a year) and CCRM Nordic's yearly add-on. With the switch on: the
    sums that include CCRM Nordic. With a horizon other than the survey's: the yearly
    rate kept over it.
    """
    total = stated_need(facts, assumptions)
    yearly = per_year(total, facts, "survey_need_per_year")
    figures = [
        total,
        yearly,
        figure_per_million(total, population, COUNTRY, "survey_need_per_million"),
        figure_per_million(yearly, population, COUNTRY, "survey_need_per_year_per_million"),
        ccrm_per_year(facts, assumptions),
    ]
    yearly_ccrm = None
    if ccrm_nordic_established:
        with_ccrm = need_incl_ccrm(facts, assumptions)
        yearly_ccrm = per_year(with_ccrm, facts, "survey_need_per_year_incl_ccrm")
        figures += [with_ccrm, yearly_ccrm]
    if horizon_years != survey_years(facts):
        figures.append(over_horizon(yearly, horizon_years, "survey_need_over_horizon"))
        if yearly_ccrm is not None:
            figures.append(
                over_horizon(yearly_ccrm, horizon_years, "survey_need_over_horizon_incl_ccrm")
            )
    return figures


def figure_by_id(figures: Sequence[Figure], figure_id: str) -> Figure:
    """One of :func:`derived_figures` by its id; a clear error names an unknown one."""
    for figure in figures:
        if figure.id == figure_id:
            return figure
    raise KeyError(f"no derived survey figure {figure_id!r}")


def need_fact_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts rows the need table and chart rest on (for their source notes)."""
    return facts[facts["id"].isin([*SECTOR_FACTS.values(), HEADLINE_FACT, CCRM_PERIOD_FACT])]


def derived_fact_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts rows the derived figures rest on."""
    ids = [*SECTOR_FACTS.values(), HORIZON_FACT, CCRM_PERIOD_FACT]
    return facts[facts["id"].isin(ids)]


# --------------------------------------------------------------------------- the report's total


@dataclass(frozen=True)
class HeadlineCheck:
    """The parts with and without CCRM Nordic against the report's "över 500"."""

    threshold: float
    stated: Span
    with_ccrm: Span
    ccrm: Span

    @property
    def uplift_needed_pct(self) -> float:
        """How far above their stated values the "ca" parts must be to reach the threshold."""
        return 100 * (self.threshold - self.stated.stated_high) / self.stated.stated_high

    @property
    def ccrm_needed(self) -> float:
        """The smallest CCRM Nordic need that lifts the stated parts to the threshold."""
        return self.threshold - self.stated.stated_high

    @property
    def band_share_reaching(self) -> float:
        """The part of the band of the stated parts that lies at or above the threshold."""
        span = self.stated
        if span.high == span.low:
            return float(span.high >= self.threshold)
        return min(max((span.high - self.threshold) / (span.high - span.low), 0.0), 1.0)

    @property
    def stated_verdict(self) -> str:
        """``reaches``, ``band_reaches`` (only with the assumed band) or ``below``."""
        if self.stated.stated_low >= self.threshold:
            return "reaches"
        return "band_reaches" if self.stated.high >= self.threshold else "below"

    @property
    def with_ccrm_verdict(self) -> str:
        """``reaches_any`` (anywhere in CCRM Nordic's range), ``reaches_some``,
        ``band_only`` (only with the assumed band) or ``below``."""
        span = self.with_ccrm
        if span.stated_low >= self.threshold:
            return "reaches_any"
        if span.stated_high >= self.threshold:
            return "reaches_some"
        return "band_only" if span.high >= self.threshold else "below"

    @property
    def band_position(self) -> str:
        """``near_top`` when at most a quarter of the band reaches the threshold, else
        ``upper``."""
        return "near_top" if self.band_share_reaching <= 0.25 else "upper"


def headline_check(facts: pd.DataFrame, assumptions: pd.DataFrame) -> HeadlineCheck:
    """Both sums and what it takes for each to reach the report's headline."""
    return HeadlineCheck(
        threshold=get_fact(facts, HEADLINE_FACT).central,
        stated=stated_need(facts, assumptions).span,
        with_ccrm=need_incl_ccrm(facts, assumptions).span,
        ccrm=ccrm_need(facts, assumptions).span,
    )


# --------------------------------------------------------------------------- who answered


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
        """Answered / asked in %, bounded by the band around the number asked; None when
        asked and answered are different units."""
        if not self.same_unit:
            return None
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
                asked_span=Span.of_fact(asked, band),
                answered=int(rows["answered_questionnaire"].sum()),
                interviewed=int(rows["interviewee"].notna().sum()),
            )
        )
    return result


def to_step(value: float, step: float) -> float:
    """``value`` rounded to the nearest multiple of ``step`` (72 to the nearest 5 is 70)."""
    return round(value / step) * step


def interviews(survey: pd.DataFrame) -> int:
    """The people interviewed (appendix)."""
    return int(survey["interviewee"].notna().sum())


# --------------------------------------------------------------------------- willingness


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

    @property
    def neighbours(self) -> tuple[int, int]:
        """The whole numbers of respondents either side of the implied count."""
        return math.floor(self.implied), math.ceil(self.implied)


def willingness(facts: pd.DataFrame, survey: pd.DataFrame) -> list[Willingness]:
    """Regions then companies: the stated share and the respondents it applies to."""
    result = []
    for sector, fact_id in WILLING_FACTS.items():
        rows = survey[survey["sector"] == sector]
        answered = int(rows["answered_questionnaire"].sum())
        result.append(Willingness(sector, get_fact(facts, fact_id), answered))
    return result


# --------------------------------------------------------------------------- interviews


def swedish_competences(competences: pd.DataFrame) -> pd.DataFrame:
    """The Swedish findings, most demanded first, then the particularly hard to find."""
    rank = {finding: index for index, finding in enumerate(FINDING_ORDER)}
    rows = competences[
        (competences["geography"] == "Sweden") & competences["finding"].isin(FINDING_ORDER)
    ]
    return rows.assign(rank=rows["finding"].map(rank)).sort_values("rank", kind="stable")


@dataclass(frozen=True)
class InterviewGrid:
    """Interview findings as themes (rows) by segments (columns), in the schema's order."""

    segments: tuple[str, ...]
    themes: tuple[str, ...]
    cells: dict[tuple[str, str], tuple[str, ...]]  # (theme, segment) -> finding ids

    def ids(self, theme: str, segment: str) -> tuple[str, ...]:
        return self.cells.get((theme, segment), ())


def interview_grid(findings: pd.DataFrame) -> InterviewGrid:
    """Which findings stand in which theme and segment (empty cells: nothing said)."""
    present_segments, present_themes = set(findings["segment"]), set(findings["theme"])
    segments = tuple(
        s for s in datasets.allowed_values("interview_findings", "segment") if s in present_segments
    )
    themes = tuple(
        t for t in datasets.allowed_values("interview_findings", "theme") if t in present_themes
    )
    cells: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in findings.itertuples():
        cells[(row.theme, row.segment)] = (*cells.get((row.theme, row.segment), ()), row.id)
    return InterviewGrid(segments, themes, cells)
