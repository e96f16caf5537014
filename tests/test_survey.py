"""The recruitment-survey section: totals, per-year figures, coverage, labels and the notebook."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from atmp_lib import claims, datasets, i18n, survey
from atmp_lib.facts import get_fact
from atmp_lib.survey import Span

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODULE = PROJECT_ROOT / "atmp_lib" / "survey.py"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "03_survey.ipynb"
LABELS = PROJECT_ROOT / "atmp_lib" / "labels" / "survey.csv"
PLOTLY = "application/vnd.plotly.v1+json"
NUMBER = re.compile(r"\d+(?:[,\u202f]\d{3})*(?:[.,]\d+)?")


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return datasets.load("survey")


def fact_row(facts: pd.DataFrame, fact_id: str) -> pd.Series:
    return facts.set_index("id").loc[fact_id]


def band_fraction(assumptions: pd.DataFrame) -> float:
    return float(assumptions.set_index("id").loc["approx_band_pct", "value"]) / 100


def bounds(span: Span) -> tuple[float, ...]:
    return span.bounds


def unexplained(text: str, recorded: list[dict[str, object]]) -> list[str]:
    """Numbers written in ``text`` that no recorded claim's text contains."""
    return [n for n in NUMBER.findall(text) if not any(n in str(c["text"]) for c in recorded)]


def approx_parts(facts: pd.DataFrame) -> list[float]:
    return [float(fact_row(facts, fid)["value"]) for fid in ("need_companies", "need_healthcare")]


# --- parameters -------------------------------------------------------------------------


def test_default_parameters_are_valid() -> None:
    params = yaml.safe_load((PROJECT_ROOT / "params" / "default.yaml").read_text("utf-8"))
    survey.check_parameters(params["lang"], params["ccrm_established"], params["horizon_years"])


@pytest.mark.parametrize(
    ("lang", "ccrm", "horizon", "message"),
    [
        ("fr", True, 5, "parameter 'lang': 'fr' is not one of en, sv"),
        ("en", "yes", 5, "parameter 'ccrm_established': 'yes' is not one of True, False"),
        ("en", 1, 5, "parameter 'ccrm_established'"),
        ("en", True, 0, "parameter 'horizon_years': 0 is not one of the whole numbers 1..30"),
        ("en", True, 31, "parameter 'horizon_years': 31"),
        ("en", True, 2.5, "parameter 'horizon_years': 2.5"),
        ("en", True, True, "parameter 'horizon_years': True"),
    ],
)
def test_invalid_parameters_name_parameter_and_choices(lang, ccrm, horizon, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        survey.check_parameters(lang, ccrm, horizon)


def test_horizon_bounds_are_accepted() -> None:
    assert survey.check_horizon_years(1) == 1
    assert survey.check_horizon_years(30) == 30


# --- spans ------------------------------------------------------------------------------


def test_span_arithmetic_keeps_every_bound() -> None:
    total = Span(1, 2, 3, 4) + Span(10, 20, 20, 30, approximate=True)
    assert total == Span(11, 22, 23, 34, approximate=True)
    assert total.scaled(0.5) == Span(5.5, 11, 11.5, 17, approximate=True)
    assert total.is_range and total.has_band
    assert not Span.point(7).is_range and not Span.point(7).has_band


def test_fact_span_by_qualifier(facts: pd.DataFrame, assumptions: pd.DataFrame) -> None:
    band = survey.band_pct(assumptions)
    companies = get_fact(facts, "need_companies")
    ccrm = get_fact(facts, "need_ccrm_nordic")
    hospitals = get_fact(facts, "survey_hospitals_asked")
    spread = companies.value * band / 100
    span = survey.fact_span(companies, band)
    assert bounds(span) == pytest.approx(
        (companies.value - spread, companies.value, companies.value, companies.value + spread)
    )
    assert span.approximate
    assert survey.fact_span(ccrm, band) == Span(ccrm.low, ccrm.low, ccrm.high, ccrm.high)
    assert survey.fact_span(hospitals, band) == Span.point(hospitals.value)
    with pytest.raises(ValueError, match="need_total"):
        survey.fact_span(get_fact(facts, "need_total"), band)


def test_band_pct_is_the_assumption_row(assumptions: pd.DataFrame) -> None:
    assert survey.band_pct(assumptions) == pytest.approx(100 * band_fraction(assumptions))
    with pytest.raises(KeyError, match="approx_band_pct"):
        survey.band_pct(assumptions[assumptions["id"] != "approx_band_pct"])


@pytest.mark.parametrize(
    ("span", "lang", "stated", "band"),
    [
        (Span(414, 460, 460, 506, True), "en", "about 460", "414–506"),
        (Span(464, 510, 560, 606, True), "sv", "ca 510–560", "464–606"),
        (Span(10.8, 12, 12, 13.2, True), "en", "about 12", "11–13"),
        (Span.point(50), "en", "50", "50"),
    ],
)
def test_span_texts_are_whole_numbers_with_their_qualifier(span, lang, stated, band) -> None:
    assert survey.stated_text(span, lang, "derived:x") == stated
    assert survey.band_text(span, lang, "derived:x") == band


# --- need and total ---------------------------------------------------------------------


def test_sector_needs_follow_ccrm_parameter(facts, assumptions) -> None:
    with_ccrm = survey.sector_needs(facts, assumptions, ccrm_established=True)
    without = survey.sector_needs(facts, assumptions, ccrm_established=False)
    assert [n.sector for n in with_ccrm] == ["companies", "healthcare", "ccrm_nordic"]
    assert [n.sector for n in without] == ["companies", "healthcare"]


def test_total_is_the_sum_of_the_parts(facts, assumptions) -> None:
    band = band_fraction(assumptions)
    parts = approx_parts(facts)
    ccrm = fact_row(facts, "need_ccrm_nordic")
    total = survey.total_need(facts, assumptions, ccrm_established=True).span
    assert total.stated_low == pytest.approx(sum(parts) + ccrm["low"])
    assert total.stated_high == pytest.approx(sum(parts) + ccrm["high"])
    assert total.low == pytest.approx(sum(parts) * (1 - band) + ccrm["low"])
    assert total.high == pytest.approx(sum(parts) * (1 + band) + ccrm["high"])
    assert total.approximate
    without = survey.total_need(facts, assumptions, ccrm_established=False).span
    assert without.stated_low == without.stated_high == pytest.approx(sum(parts))


def test_totals_reproduce_the_section_figures(facts, assumptions) -> None:
    without = survey.total_need(facts, assumptions, ccrm_established=False)
    with_ccrm = survey.total_need(facts, assumptions, ccrm_established=True)
    assert (without.display("en"), without.band_display("en")) == ("about 460", "414–506")
    assert (with_ccrm.display("sv"), with_ccrm.band_display("sv")) == ("ca 510–560", "464–606")
    assert with_ccrm.inputs[:3] == ("need_companies", "need_healthcare", "need_ccrm_nordic")
    assert with_ccrm.formula_text("sv").startswith("400 + 60 + (50–100); intervall:")


def test_headline_check_says_what_the_numbers_show(facts, assumptions) -> None:
    check = survey.headline_check(facts, assumptions)
    parts = approx_parts(facts)
    threshold = fact_row(facts, "need_total")["value"]
    assert check.threshold == threshold
    assert check.uplift_needed_pct == pytest.approx(100 * (threshold - sum(parts)) / sum(parts))
    assert check.ccrm_needed == pytest.approx(threshold - sum(parts))
    text = survey.headline_text(facts, assumptions, "en")
    for figure in ("over 500", "about 460: below 500 as stated", "414–506", "about 9%"):
        assert figure in text
    assert "about 510–560, over 500 anywhere in CCRM Nordic's range" in text
    assert "only near the top of that band" in text
    assert "only when" not in text and "holds only" not in text
    assert "does not say whether its total counts CCRM Nordic" in text


def test_headline_verdicts_follow_the_numbers(facts, assumptions) -> None:
    raised = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 600.0))
    text = survey.headline_text(raised, assumptions, "en")
    assert "below 600 even at the top of the assumed ±10% band (414–506)" in text
    assert "only the upper part of the assumed ±10% band (464–606) reaches it" in text
    lowered = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 530.0))
    assert "only if CCRM Nordic needs at least 70" in survey.headline_text(
        lowered, assumptions, "en"
    )
    low = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 420.0))
    low_text = survey.headline_text(low, assumptions, "en")
    assert "about 460, which already reaches 420" in low_text
    middle = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 470.0))
    assert "only in the upper part of that band" in survey.headline_text(
        middle, assumptions, "en"
    )


def test_need_table_rows_and_per_year(facts, assumptions) -> None:
    table = survey.need_table(facts, assumptions, False, 5, "en")
    assert list(table["Sector"]) == [
        "Companies", "Healthcare", "Sum of the parts (computed)",
        "The report's total (public and private)",
    ]  # fmt: skip
    assert list(table["As stated in the report"]) == [
        "about 400", "about 60", "about 460", "over 500",
    ]  # fmt: skip
    assert list(table["Per year, spread evenly over 5 years (band)"]) == [
        "about 80 (72–88)", "about 12 (11–13)", "about 92 (83–101)", "–",
    ]  # fmt: skip
    with_ccrm = survey.need_table(facts, assumptions, True, 10, "sv")
    ccrm = "CCRM Nordic (föreslaget; räknat som om det etableras)"
    assert ccrm in list(with_ccrm["Sektor"])
    per_year = with_ccrm["Per år, jämnt fördelat på 10 år (intervall)"]
    assert per_year.iloc[-2] == "ca 51–56 (46–61)"
    band = with_ccrm["Antaget intervall (±10\u00a0% kring ”ca”)"]
    assert band[with_ccrm["Sektor"] == ccrm].item() == "–"  # a stated range gets no band


def trace(fig, name: str):
    """The trace with this legend name; its categories with line breaks undone."""
    matches = [item for item in fig.data if item.name == name]
    assert len(matches) == 1, [item.name for item in fig.data]
    found = matches[0]
    return found.update(x=[x.replace("<br>", " ") for x in found.x])


def test_need_chart_keeps_stated_figures_apart_from_computed_and_assumed(
    facts, assumptions
) -> None:
    fig = survey.need_chart(facts, assumptions, True, "en")
    stated = trace(fig, "As stated in the report")
    ccrm = "CCRM Nordic (proposed; counted as if established)"
    assert list(stated.x) == ["Companies", "Healthcare", ccrm]
    assert list(stated.y) == [400, 60, 50]
    ranged = trace(fig, "Range as stated in the report")
    assert list(ranged.x) == [ccrm]
    computed = trace(fig, "Computed from the stated figures")
    assert list(computed.x) == ["Sum of the parts (computed)"] and list(computed.y) == [510]
    assert list(trace(fig, "Computed range (from a stated range)").y) == [50]
    band = trace(fig, "Assumed band: ±10% around “ca” (one reading, not in the report)")
    assert ccrm not in band.x
    assert fig.layout.shapes[0].y0 == fact_row(facts, "need_total")["value"]
    note = fig.layout.annotations[-1].text
    assert "facts.csv" in note and "assumptions.csv" in note


def test_need_chart_without_ccrm(facts, assumptions) -> None:
    fig = survey.need_chart(facts, assumptions, False, "en")
    assert list(trace(fig, "As stated in the report").y) == [400, 60]
    assert list(trace(fig, "Computed from the stated figures").y) == [460]
    assert all("range" not in (item.name or "") for item in fig.data)


def test_assumptions_table_shows_the_rationale(assumptions) -> None:
    rows = assumptions.set_index("id")
    table = survey.assumptions_table(assumptions, "sv")
    assert list(table.columns) == ["Antagande", "Värde", "Motivering"]
    band = rows.loc["approx_band_pct"]
    assert table.iloc[0].tolist() == [band["label_sv"], "±10\u00a0%", band["rationale_sv"]]
    assert table.iloc[1, 1] == "5 länder"


# --- per year, per million, job ads -----------------------------------------------------


def test_per_year_is_a_linear_rescaling(facts, assumptions) -> None:
    total = survey.total_need(facts, assumptions, True)
    five = survey.per_year(total, 5, facts)
    ten = survey.per_year(total, 10, facts)
    assert bounds(ten.span) == pytest.approx(bounds(five.span.scaled(0.5)))
    assert five.assumption is None and "survey_horizon_years" in five.inputs
    assert ten.assumption == "survey_assumption_horizon"
    assert "parameter:horizon_years" in ten.inputs
    assert survey.horizon_note(facts, 5, "en") is None
    note = survey.horizon_note(facts, 10, "en")
    assert "next 5 years" in note and "over 10 years" in note and "0.50 times" in note


def test_derived_figures_per_million_and_job_ads(facts, assumptions, population) -> None:
    figures = survey.derived_figures(facts, assumptions, population, True, 5)
    total, yearly, total_pm, yearly_pm, ads_se_pm, ads_nordic_pm, vs_se = figures
    sweden = population.set_index("country").loc["SE", "population"]
    nordic = population.loc[population["nordic"], "population"].sum()
    ads_se = fact_row(facts, "job_ads_sweden_2021")["value"]
    ads_nordic = fact_row(facts, "job_ads_nordics_2021")["value"]
    assert bounds(yearly.span) == pytest.approx(bounds(total.span.scaled(1 / 5)))
    assert total_pm.span.stated_low == pytest.approx(total.span.stated_low * 1e6 / sweden)
    assert yearly_pm.span.high == pytest.approx(total.span.high / 5 * 1e6 / sweden)
    assert ads_se_pm.value == pytest.approx(ads_se * 1e6 / sweden)
    assert ads_nordic_pm.value == pytest.approx(ads_nordic * 1e6 / nordic)
    assert vs_se.span.stated_low == pytest.approx(total.span.stated_low / 5 / ads_se)
    assert ads_nordic_pm.inputs == (
        "job_ads_nordics_2021", "population:SE+DK+FI+NO+IS", "assumption:nordic_countries_job_ads",
    )  # fmt: skip


def test_nordic_countries_match_their_assumption(population, assumptions) -> None:
    countries = population.loc[population["nordic"], "country"]
    assert len(countries) == assumptions.set_index("id").loc["nordic_countries_job_ads", "value"]
    assert survey.nordic_names(population, "en") == "Sweden, Denmark, Finland, Norway and Iceland"
    assert survey.nordic_names(population, "sv") == "Sverige, Danmark, Finland, Norge och Island"


def test_derived_table_states_formula_and_inputs(facts, assumptions, population) -> None:
    figures = survey.derived_figures(facts, assumptions, population, False, 5)
    table = survey.derived_table(figures, "en", survey.band_pct(assumptions))
    assert len(table) == len(figures)
    assert table["Formula"].str.len().gt(0).all()
    assert table["Inputs"].str.contains("need_companies").sum() == 5
    first = table.iloc[0]
    assert (first["Value"], first["Assumed band (±10% around “ca”)"]) == ("about 460", "414–506")
    assert table["Value"].tolist()[1:] == ["about 92", "about 44", "about 9", "3", "6", "about 3"]
    assert table.iloc[4]["Formula"] == "31 × 1,000,000 / 10,452,326"
    swedish = survey.derived_table(figures, "sv", survey.band_pct(assumptions))
    assert swedish.iloc[4]["Formel"] == "31 × 1\u202f000\u202f000 / 10\u202f452\u202f326"
    assert swedish.iloc[5]["Formel"] == "169 × 1\u202f000\u202f000 / 27\u202f675\u202f505"


def test_yearly_chart_sets_need_against_job_ads(facts, assumptions) -> None:
    fig = survey.yearly_chart(facts, assumptions, False, 5, "en")
    ads = [fact_row(facts, fid)["value"] for fid in survey.JOB_AD_FACTS]
    assert list(trace(fig, "As stated in the report").y) == ads
    need = trace(fig, "Computed from the stated figures")
    assert list(need.y) == [pytest.approx(sum(approx_parts(facts)) / 5)]
    first = fig.layout.xaxis.categoryarray[0].replace("<br>", " ")
    assert first == need.x[0]  # the need comes first
    half = survey.yearly_chart(facts, assumptions, False, 10, "en")
    assert trace(half, "Computed from the stated figures").y[0] == pytest.approx(need.y[0] / 2)
    assert "over 10 years" in half.layout.annotations[-1].text


def test_population_note_names_the_agencies_in_the_page_language(population) -> None:
    swedish = survey.population_note(population, "sv")
    assert "reference/population.csv" in swedish and "Statistiska centralbyrån (SCB)" in swedish
    assert "Statistisk sentralbyrå (SSB)" in swedish and "Hagstofa Íslands" in swedish
    assert "Statistics" not in swedish
    assert "10\u202f452\u202f326" in swedish
    assert "Statistics Sweden (SCB)" in survey.population_note(population, "en")


# --- coverage, competences, willingness, interviews -------------------------------------


def answered_by_sector(path: Path) -> dict[str, int]:
    """Count questionnaire respondents straight from the CSV, independently of the library."""
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["answered_questionnaire"] == "true":
                counts[row["sector"]] = counts.get(row["sector"], 0) + 1
    return counts


def test_response_coverage_counts_the_survey_rows(facts, respondents, assumptions) -> None:
    coverage = {c.sector: c for c in survey.response_coverage(facts, respondents, assumptions)}
    counts = answered_by_sector(PROJECT_ROOT / "data" / "survey.csv")
    assert {s: c.answered for s, c in coverage.items()} == counts
    assert (coverage["company"].answered, coverage["healthcare_region"].answered) == (18, 6)
    assert coverage["company"].rate.stated_low == pytest.approx(100 * 18 / 25)
    assert coverage["company"].rate.low == pytest.approx(100 * 18 / 27.5)
    assert coverage["healthcare_region"].rate is None  # hospitals asked, regions answered
    assert coverage["company"].interviewed == 3 and coverage["healthcare_region"].interviewed == 1


def test_coverage_table_and_text_do_not_divide_regions_by_hospitals(
    facts, respondents, assumptions
) -> None:
    coverage = survey.response_coverage(facts, respondents, assumptions)
    table = survey.coverage_table(coverage, "en")
    assert table.iloc[0].tolist() == [
        "Companies", "about 25 companies", "18 companies", "about 72% (65%–80%)", "3",
    ]  # fmt: skip
    assert table.iloc[1].tolist() == [
        "Healthcare",
        "representatives of 7 university hospitals",
        "6 regions",
        "not computed: hospitals were asked, regions answered",
        "1",
    ]
    text = survey.coverage_text(coverage, facts, assumptions, "en")
    assert "the 7 university hospitals" in text and "6 regions as respondents" in text
    assert "no response rate is computed for healthcare" in text
    assert "85.7" not in text and "not documented" not in text


def test_willingness_implied_counts(facts, respondents) -> None:
    regions, companies = survey.willingness(facts, respondents)
    assert regions.implied == pytest.approx(6) and regions.whole
    assert companies.implied == pytest.approx(0.9 * 18) and not companies.whole
    text = survey.willingness_text(facts, respondents, "en")
    assert "16 companies would be 89%" in text and "17 would be 94%" in text
    assert "16.2" not in text  # no fraction of a company
    fig = survey.willingness_chart(facts, respondents, "en")
    assert list(fig.data[0].y) == [100, 90]


def test_competences_table_lists_swedish_findings() -> None:
    competences = datasets.load("competences")
    table = survey.competences_table(competences, "sv")
    swedish = competences[competences["geography"] == "Sweden"]
    assert len(table) == len(swedish)
    expected = ["Mest efterfrågade"] * 4 + ["Särskilt svåra att finna"] * 2
    assert table["Resultat"].tolist() == expected
    assert set(table["Kompetens"]) == set(swedish["name_sv"])


def test_interview_table_is_segment_by_theme() -> None:
    findings = datasets.load("interview_findings")
    table = survey.interview_table(findings, "en")
    assert list(table.columns) == [
        "Theme", "Large pharmaceutical companies", "Smaller companies", "Healthcare",
    ]  # fmt: skip
    assert len(table) == findings["theme"].nunique()
    cells = table.iloc[:, 1:].to_numpy().ravel().tolist()
    assert sorted(c for c in cells if c != "–") == sorted(findings["finding_en"])
    assert cells.count("–") == table.shape[0] * 3 - len(findings)


def test_interview_findings_keep_the_reports_qualifiers() -> None:
    swedish = datasets.load("interview_findings").set_index("id")["finding_sv"]
    assert "i hög grad från utlandet" in swedish["large_pharma_recruitment_source"]
    assert "framförallt nationellt" in swedish["small_companies_recruitment_source"]
    assert "”tappar”" in swedish["healthcare_staff_retention"]


def test_verdicts_the_page_shows_are_survey_rows() -> None:
    rows = datasets.load("verdicts").set_index("id")
    shown = list(survey.VERDICT_FACTS)
    assert (rows.loc[shown, "section"] == "survey").all()
    assert "på olika nivåer" in rows.loc["survey_need_headline", "quote"]
    assert "stora majoriteten av dessa bolag är SMF" in rows.loc["survey_companies_sme", "quote"]


# --- claims -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_texts_record_every_number_they_write(
    facts, assumptions, population, respondents, lang
) -> None:
    claims.take()
    coverage = survey.response_coverage(facts, respondents, assumptions)
    values = survey.yearly_values(facts, assumptions, population, True, 5, lang)
    texts = [
        i18n.t("survey_intro", lang, **survey.intro_values(facts, respondents, lang)),
        survey.need_text(facts, assumptions, True, lang),
        survey.headline_text(facts, assumptions, lang),
        i18n.t("survey_yearly_text", lang, **values),
        survey.coverage_text(coverage, facts, assumptions, lang),
        survey.willingness_text(facts, respondents, lang),
    ]
    taken = claims.take()
    assert [unexplained(text, taken) for text in texts] == [[]] * len(texts)
    bases = {c["basis"] for c in taken}
    assert {"fact:need_companies", "count:survey:interviewee", "population:SE"} - bases == {
        "population:SE"
    }  # the population numbers are in the notes, not in these texts
    assert "assumption:approx_band_pct" in bases


def test_verdict_figures_are_recorded_before_the_verdict(facts) -> None:
    claims.take()
    survey.record_verdict_figures(facts, "survey_willingness", "en")
    assert {c["basis"] for c in claims.take()} == {
        "fact:willing_regions_share", "fact:willing_companies_share",
    }  # fmt: skip


# --- labels and language ----------------------------------------------------------------


def used_label_ids() -> set[str]:
    """Label ids named in the module and the notebook, with the dynamic ones expanded."""
    sources = MODULE.read_text("utf-8") + NOTEBOOK.read_text("utf-8")
    ids = set(re.findall(r"[\"'](survey_[a-z_]+)[\"']", sources))
    ids -= {"survey_horizon_years", "survey_companies_asked", "survey_hospitals_asked"}  # facts
    ids -= set(survey.VERDICT_FACTS)  # verdict ids
    ids |= {"assumption_label", "col_value", "col_figure", "col_formula", "col_inputs"}
    expand = {
        "survey_sector_": [*survey.SECTOR_FACTS, "total", "report_total"],
        "survey_org_": list(survey.ASKED_FACTS),
        "survey_unit_": list(survey.ASKED_FACTS),
        "survey_asked_": list(survey.ASKED_FACTS),
        "survey_willing_": list(survey.WILLING_FACTS),
        "survey_willing_hover_": list(survey.WILLING_FACTS),
        "survey_legend_": ["stated", "stated_range", "computed", "computed_range"],
        "survey_bar_": list(survey.JOB_AD_FACTS),
        "survey_finding_": list(survey.FINDING_ORDER),
        "survey_segment_": ["large_pharma", "small_companies", "healthcare"],
        "survey_theme_": [
            "access_to_competence", "recruitment_source", "salary_competitiveness",
            "training_burden", "staff_retention",
        ],
    }  # fmt: skip
    for prefix, names in expand.items():
        ids |= {prefix + name for name in names}
    return ids


def test_every_used_label_exists_in_both_languages() -> None:
    assert i18n.label_problems() == []
    rows = {row["id"]: row for row in i18n.label_rows()}
    missing = sorted(label for label in used_label_ids() if label not in rows)
    assert missing == []
    for label in used_label_ids():
        assert rows[label]["en"].strip() and rows[label]["sv"].strip(), label


def test_section_labels_live_in_the_section_file() -> None:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert all(label.startswith("survey_") for label in ids)
    assert len(ids) == len(set(ids))


def test_labels_carry_no_literal_figures() -> None:
    """Numbers on the page come through placeholders recorded as claims, not label text."""
    with LABELS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    exempt = {"survey_assumption_source", "survey_population_note", "survey_assumptions_note"}
    literal = [
        row["id"]
        for row in rows
        if row["id"] not in exempt
        and re.search(r"\d", re.sub(r"“[^”]*”|”[^”]*”", "", row["en"] + row["sv"]))
    ]
    assert literal == []


def swedish_page_text(facts, assumptions, population, respondents) -> str:
    """Everything the library writes for a Swedish page, as one string."""
    lang = "sv"
    coverage = survey.response_coverage(facts, respondents, assumptions)
    figures = survey.derived_figures(facts, assumptions, population, True, 10)
    frames = [
        survey.need_table(facts, assumptions, True, 10, lang),
        survey.assumptions_table(assumptions, lang),
        survey.derived_table(figures, lang, 10),
        survey.coverage_table(coverage, lang),
        survey.competences_table(datasets.load("competences"), lang),
        survey.interview_table(datasets.load("interview_findings"), lang),
    ]
    charts = [
        survey.need_chart(facts, assumptions, True, lang),
        survey.yearly_chart(facts, assumptions, True, 10, lang),
        survey.willingness_chart(facts, respondents, lang),
    ]
    texts = [
        survey.need_text(facts, assumptions, False, lang),
        survey.headline_text(facts, assumptions, lang),
        survey.coverage_text(coverage, facts, assumptions, lang),
        survey.willingness_text(facts, respondents, lang),
        *survey.derived_notes(facts, population, 10, lang),
    ]
    parts = [frame.to_csv() for frame in frames] + [fig.to_json() for fig in charts] + texts
    return "\n".join(parts)


def test_swedish_page_has_no_english_labels(facts, assumptions, population, respondents) -> None:
    text = swedish_page_text(facts, assumptions, population, respondents)
    english = [
        row["en"]
        for row in i18n.label_rows()
        if row["file"] in {"survey.csv", "common.csv"}
        and row["en"] != row["sv"]
        and "{" not in row["en"]
        and len(row["en"]) > 3
    ]
    assert [phrase for phrase in english if re.search(rf"\b{re.escape(phrase)}\b", text)] == []
    for word in ("Companies", "Healthcare", "Total", "people", "band", "Source", "Statistics"):
        assert not re.search(rf"\b{word}\b", text), word


def test_charts_are_deterministic_and_rounded(facts, assumptions) -> None:
    first = survey.need_chart(facts, assumptions, True, "sv").to_json()
    assert first == survey.need_chart(facts, assumptions, True, "sv").to_json()
    assert "00000000001" not in first  # no float noise in the stored JSON
    yearly = survey.yearly_chart(facts, assumptions, True, 10, "sv")
    plotted = [
        value
        for item in yearly.data
        for values in (item.y, getattr(item.error_y, "array", None))
        for value in values or ()
    ]
    assert plotted and all(round(value, 1) == value for value in plotted)


# --- the notebook under papermill -------------------------------------------------------

# Two runs (in parallel) cover the three parameter checks: the second differs from the
# first in horizon_years only as far as the figures go (lang changes words, not numbers).
RUNS = {
    "no_ccrm": {"ccrm_established": False},
    "swedish_ten_years": {"ccrm_established": False, "horizon_years": 10, "lang": "sv"},
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Run the notebook once per parameter set, in parallel, and read the results."""
    folder = tmp_path_factory.mktemp("survey_runs")
    papermill = Path(sys.executable).parent / "papermill"
    processes = {}
    for name, params in RUNS.items():
        args = [str(papermill), str(NOTEBOOK), str(folder / f"{name}.ipynb"), "-k", "python3"]
        for key, value in params.items():
            args += ["-p", key, str(value)]
        processes[name] = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for process in processes.values():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output.decode("utf-8", "replace")[-3000:]
    return {name: nbformat.read(folder / f"{name}.ipynb", 4) for name in RUNS}


def outputs(nb: nbformat.NotebookNode, mime: str) -> list:
    return [
        output["data"][mime]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if mime in output.get("data", {})
    ]


def chart(nb: nbformat.NotebookNode, title_start: str) -> dict:
    figures = outputs(nb, PLOTLY)
    matches = [fig for fig in figures if fig["layout"]["title"]["text"].startswith(title_start)]
    assert len(matches) == 1, [fig["layout"]["title"]["text"] for fig in figures]
    return matches[0]


@pytest.mark.slow
def test_notebook_without_ccrm_shows_460(executed) -> None:
    nb = executed["no_ccrm"]
    need = chart(nb, "Expected recruitment need")
    names = [x for trace in need["data"] for x in trace.get("x", [])]
    assert not any("CCRM" in name for name in names)
    computed = next(t for t in need["data"] if t.get("name") == "Computed from the stated figures")
    assert computed["y"] == [460]
    markdown = "\n".join(outputs(nb, "text/markdown"))
    assert "The sum counted on this page is **about 460** people" in markdown
    assert "widens it to 414–506" in markdown
    html = "\n".join(outputs(nb, "text/html"))
    assert "<td>Sum of the parts (computed)</td>\n      <td>about 460</td>" in html


def yearly_need(nb: nbformat.NotebookNode, title_start: str) -> list[float]:
    """The yearly-need bar: computed value and band bounds, from the figure JSON."""
    fig = chart(nb, title_start)
    need = next(t for t in fig["data"] if t.get("type") == "bar" and len(t["x"]) == 1)
    band = next(t for t in fig["data"] if "error_y" in t and t.get("type") == "scatter")
    top = band["y"][0]
    return [
        need["y"][0],
        top - band["error_y"]["arrayminus"][0],
        top + band["error_y"]["array"][0],
    ]


@pytest.mark.slow
def test_notebook_horizon_ten_halves_the_yearly_figures(executed) -> None:
    five = yearly_need(executed["no_ccrm"], "Recruitment need per year")
    ten = yearly_need(executed["swedish_ten_years"], "Rekryteringsbehov per år")
    assert ten == pytest.approx([value / 2 for value in five], abs=0.05)
    assert five == pytest.approx([92, 82.8, 101.2])
    html = "\n".join(outputs(executed["swedish_ten_years"], "text/html"))
    assert "Per år, jämnt fördelat på 10 år (intervall)" in html and "ca 46 (41–51)" in html
    assert "här fördelas samma behov över 10 år" in html
    assert "here the same need is spread over" not in "\n".join(
        outputs(executed["no_ccrm"], "text/html")
    )


@pytest.mark.slow
def test_notebook_in_swedish_has_swedish_headings(executed) -> None:
    markdown = outputs(executed["swedish_ten_years"], "text/markdown")
    headings = [text for text in markdown if text.startswith("#")]
    expected = [
        i18n.t(label, "sv")
        for label in (
            "survey_title", "survey_need_heading", "survey_assumptions_heading",
            "survey_yearly_heading", "survey_derived_heading", "survey_coverage_heading",
            "survey_competences_heading", "survey_willing_heading", "survey_interviews_heading",
        )
    ]  # fmt: skip
    assert [heading.lstrip("# ") for heading in headings] == expected
    assert headings[0] == "# Rekryteringsbehovet"
    english = {i18n.t(label, "en") for label in ("survey_title", "survey_need_heading")}
    assert not english & {heading.lstrip("# ") for heading in headings}
    figure_titles = [
        fig["layout"]["title"]["text"] for fig in outputs(executed["swedish_ten_years"], PLOTLY)
    ]
    assert figure_titles[0] == "Förväntat rekryteringsbehov under fem år, per sektor"
    notes = [
        fig["layout"]["annotations"][-1]["text"]
        for fig in outputs(executed["swedish_ten_years"], PLOTLY)
    ]
    assert all(note.startswith("Källa: ") for note in notes)
