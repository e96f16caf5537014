"""The recruitment-survey section: totals, per-year figures, coverage, labels and the notebook."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import astuple
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from atmp_lib import datasets, i18n, survey
from atmp_lib.facts import get_fact
from atmp_lib.survey import Span

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODULE = PROJECT_ROOT / "atmp_lib" / "survey.py"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "03_survey.ipynb"
LABELS = PROJECT_ROOT / "atmp_lib" / "labels" / "survey.csv"
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return datasets.load("survey")


def fact_row(facts: pd.DataFrame, fact_id: str) -> pd.Series:
    return facts.set_index("id").loc[fact_id]


def band_fraction(assumptions: pd.DataFrame) -> float:
    return float(assumptions.set_index("id").loc["approx_band_pct", "value"]) / 100


def bounds(span: Span) -> tuple[float, ...]:
    return astuple(span)


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
    total = Span(1, 2, 3, 4) + Span(10, 20, 20, 30)
    assert total == Span(11, 22, 23, 34)
    assert total.scaled(0.5) == Span(5.5, 11, 11.5, 17)
    assert total.is_range and total.has_band
    assert not Span.point(7).is_range and not Span.point(7).has_band


def test_fact_span_by_qualifier(facts: pd.DataFrame, assumptions: pd.DataFrame) -> None:
    band = survey.band_pct(assumptions)
    companies = get_fact(facts, "need_companies")
    ccrm = get_fact(facts, "need_ccrm_nordic")
    hospitals = get_fact(facts, "survey_hospitals_asked")
    spread = companies.value * band / 100
    assert bounds(survey.fact_span(companies, band)) == pytest.approx(
        (companies.value - spread, companies.value, companies.value, companies.value + spread)
    )
    assert survey.fact_span(ccrm, band) == Span(ccrm.low, ccrm.low, ccrm.high, ccrm.high)
    assert survey.fact_span(hospitals, band) == Span.point(hospitals.value)
    with pytest.raises(ValueError, match="need_total"):
        survey.fact_span(get_fact(facts, "need_total"), band)


def test_band_pct_is_the_assumption_row(assumptions: pd.DataFrame) -> None:
    assert survey.band_pct(assumptions) == pytest.approx(100 * band_fraction(assumptions))
    with pytest.raises(KeyError, match="approx_band_pct"):
        survey.band_pct(assumptions[assumptions["id"] != "approx_band_pct"])


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
    without = survey.total_need(facts, assumptions, ccrm_established=False).span
    assert without.stated_low == without.stated_high == pytest.approx(sum(parts))


def test_totals_reproduce_the_section_figures(facts, assumptions) -> None:
    without = survey.total_need(facts, assumptions, ccrm_established=False)
    with_ccrm = survey.total_need(facts, assumptions, ccrm_established=True)
    assert without.span.stated_text("en") == "460"
    assert without.span.band_text("en") == "414–506"
    assert with_ccrm.span.stated_text("en") == "510–560"
    assert with_ccrm.span.band_text("en") == "464–606"
    assert with_ccrm.inputs[:3] == ("need_companies", "need_healthcare", "need_ccrm_nordic")
    assert with_ccrm.formula_text("sv").startswith("400 + 60 + (50–100); intervall:")


def test_headline_check_is_computed(facts, assumptions) -> None:
    check = survey.headline_check(facts, assumptions)
    parts = approx_parts(facts)
    threshold = fact_row(facts, "need_total")["value"]
    assert check.threshold == threshold
    assert check.uplift_needed_pct == pytest.approx(100 * (threshold - sum(parts)) / sum(parts))
    assert check.ccrm_needed == pytest.approx(threshold - sum(parts))
    text = survey.headline_text(facts, assumptions, "en")
    for figure in ("over 500", "460 (414–506", "below 500", "8.7%", "510–560 (464–606"):
        assert figure in text
    assert "at any size within CCRM Nordic's range" in text
    assert "without it the parts are 40 short" in text


def test_headline_verdicts_follow_the_numbers(facts, assumptions) -> None:
    raised = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 600.0))
    text = survey.headline_text(raised, assumptions, "en")
    assert "below 600 even at the top of the band" in text
    assert "even at the top of CCRM Nordic's range" in text
    lowered = facts.assign(value=facts["value"].where(facts["id"] != "need_total", 530.0))
    assert "only if CCRM Nordic needs at least 70" in survey.headline_text(
        lowered, assumptions, "en"
    )


def test_need_table_rows_and_per_year(facts, assumptions) -> None:
    table = survey.need_table(facts, assumptions, False, 5, "en")
    assert list(table["Sector"]) == ["Companies", "Healthcare", "Total"]
    assert list(table["Per year over 5 years"]) == [
        "80 (72–88)",
        "12 (10.8–13.2)",
        "92 (82.8–101.2)",
    ]
    with_ccrm = survey.need_table(facts, assumptions, True, 10, "sv")
    assert "CCRM Nordic (om det etableras)" in list(with_ccrm["Sektor"])
    assert with_ccrm["Per år över 10 år"].iloc[-1] == "51–56 (46,4–60,6)"


def test_need_chart_draws_ranges_and_band(facts, assumptions) -> None:
    fig = survey.need_chart(facts, assumptions, True, "en")
    stated, ranged, band, _labels = fig.data
    assert list(stated.x) == ["Companies", "Healthcare", "CCRM Nordic (if established)", "Total"]
    assert list(stated.y) == [400, 60, 50, 510]
    assert list(ranged.x) == ["CCRM Nordic (if established)", "Total"]
    assert list(ranged.y) == [50, 50]
    assert "CCRM Nordic (if established)" not in band.x
    assert fig.layout.shapes[0].y0 == fact_row(facts, "need_total")["value"]
    note = fig.layout.annotations[-1].text
    assert "facts.csv" in note and "assumptions.csv" in note


def test_need_chart_without_ccrm(facts, assumptions) -> None:
    fig = survey.need_chart(facts, assumptions, False, "en")
    assert list(fig.data[0].x) == ["Companies", "Healthcare", "Total"]
    assert list(fig.data[0].y) == [400, 60, 460]
    assert all(trace.name != "Range stated in the source" for trace in fig.data)


def test_assumptions_table_shows_the_rationale(assumptions) -> None:
    row = assumptions.set_index("id").loc["approx_band_pct"]
    table = survey.assumptions_table(assumptions, "sv")
    assert list(table.columns) == ["Antagande", "Värde", "Motivering"]
    assert table.iloc[0].tolist() == [row["label_sv"], "±10\u00a0%", row["rationale_sv"]]


# --- per year, per million, job ads -----------------------------------------------------


def test_per_year_is_a_linear_rescaling(facts, assumptions) -> None:
    total = survey.total_need(facts, assumptions, True)
    five = survey.per_year(total, 5, facts)
    ten = survey.per_year(total, 10, facts)
    assert bounds(ten.span) == pytest.approx(bounds(five.span.scaled(0.5)))
    assert five.assumption is None and "survey_horizon_years" in five.inputs
    assert ten.assumption == "survey_assumption_horizon" and "param:horizon_years" in ten.inputs
    assert survey.horizon_note(facts, 5, "en") is None
    note = survey.horizon_note(facts, 10, "en")
    assert "next 5 years" in note and "over 10 years" in note and "0.50 times" in note


def test_derived_figures_per_million_and_job_ads(facts, assumptions, population) -> None:
    figures = survey.derived_figures(facts, assumptions, population, True, 5)
    total, yearly, total_pm, yearly_pm, ads_se_pm, ads_nordic_pm, vs_se, vs_nordic = figures
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
    assert vs_nordic.span.stated_high == pytest.approx(total.span.stated_high / 5 / ads_nordic)
    assert ads_nordic_pm.inputs == ("job_ads_nordics_2021", "population:SE+DK+FI+NO+IS")


def test_derived_table_states_formula_and_inputs(facts, assumptions, population) -> None:
    figures = survey.derived_figures(facts, assumptions, population, False, 5)
    table = survey.derived_table(figures, "en", survey.band_pct(assumptions))
    assert len(table) == len(figures)
    assert table["Formula"].str.len().gt(0).all()
    assert table["Inputs"].str.contains("need_companies").sum() == 6
    first = table.iloc[0]
    assert (first["Value"], first["Band (±10% around “ca”)"]) == ("460", "414–506")
    assert table.iloc[1]["Value"] == "92"
    assert table.iloc[6]["Formula"] == "92 / 31"


def test_yearly_chart_sets_need_against_job_ads(facts, assumptions) -> None:
    fig = survey.yearly_chart(facts, assumptions, False, 5, "en")
    ads = [fact_row(facts, fid)["value"] for fid in survey.JOB_AD_FACTS]
    assert list(fig.data[0].y) == [pytest.approx(sum(approx_parts(facts)) / 5), *ads]
    half = survey.yearly_chart(facts, assumptions, False, 10, "en")
    assert half.data[0].y[0] == pytest.approx(fig.data[0].y[0] / 2)
    assert "over 10 years" in half.layout.annotations[-1].text


def test_population_note_names_the_statistics(population) -> None:
    note = survey.population_note(population, "sv")
    assert "reference/population.csv" in note and "Statistics Sweden (SCB)" in note
    assert "10\u202f452\u202f326" in note


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
    assert bounds(coverage["healthcare_region"].rate) == pytest.approx((100 * 6 / 7,) * 4)
    assert coverage["company"].interviewed == 3 and coverage["healthcare_region"].interviewed == 1


def test_coverage_table_and_text(facts, respondents, assumptions) -> None:
    coverage = survey.response_coverage(facts, respondents, assumptions)
    table = survey.coverage_table(coverage, "en")
    assert table.iloc[0].tolist() == [
        "Companies", "about 25 companies", "18 companies", "72% (65.5%–80%)", "3",
    ]  # fmt: skip
    assert table.iloc[1].tolist() == [
        "Healthcare",
        "7 university hospitals",
        "6 regions",
        "85.7%",
        "1",
    ]
    text = survey.coverage_text(coverage, facts, assumptions, "en")
    assert "the 7 university hospitals" in text and "6 healthcare regions" in text
    assert "for 1 of the 7 hospitals asked" in text and "(100%)" in text


def test_coverage_chart_compares_asked_and_answered(facts, respondents, assumptions) -> None:
    coverage = survey.response_coverage(facts, respondents, assumptions)
    fig = survey.coverage_chart(coverage, facts, respondents, "en")
    asked, answered = fig.data
    assert list(asked.y) == [25, 7] and list(answered.y) == [18, 6]
    assert asked.error_y.array[0] == pytest.approx(2.5) and asked.error_y.array[1] is None
    assert "survey.csv" in fig.layout.annotations[-1].text


def test_willingness_implied_counts(facts, respondents) -> None:
    regions, companies = survey.willingness(facts, respondents)
    assert regions.implied == pytest.approx(6)
    assert companies.implied == pytest.approx(0.9 * 18)
    text = survey.willingness_text(facts, respondents, "en")
    assert "16.2 companies" in text and "16 companies would be 88.9%" in text
    assert "17 would be 94.4%" in text
    fig = survey.willingness_chart(facts, respondents, "en")
    assert list(fig.data[0].y) == [100, 90]


def test_competences_table_lists_swedish_findings() -> None:
    competences = datasets.load("competences")
    table = survey.competences_table(competences, "sv")
    swedish = competences[competences["geography"] == "Sweden"]
    assert len(table) == len(swedish)
    assert table["Resultat"].tolist() == ["Mest efterfrågad"] * 4 + ["Särskilt svår att finna"] * 2
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


# --- labels and language ----------------------------------------------------------------


def used_label_ids() -> set[str]:
    """Label ids named in the module and the notebook, with the dynamic ones expanded."""
    sources = MODULE.read_text("utf-8") + NOTEBOOK.read_text("utf-8")
    ids = set(re.findall(r"[\"'](survey_[a-z_]+)[\"']", sources))
    ids -= {"survey_horizon_years", "survey_companies_asked", "survey_hospitals_asked"}  # facts
    ids |= {"assumption_label", "col_value", "col_figure", "col_formula", "col_inputs"}
    expand = {
        "survey_sector_": [*survey.SECTOR_FACTS, "total"],
        "survey_org_": list(survey.ASKED_FACTS),
        "survey_unit_": list(survey.ASKED_FACTS),
        "survey_willing_": list(survey.WILLING_FACTS),
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
        survey.coverage_chart(coverage, facts, respondents, lang),
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
    for word in ("Companies", "Healthcare", "Total", "people", "band", "Source"):
        assert not re.search(rf"\b{word}\b", text), word


def test_charts_are_deterministic(facts, assumptions) -> None:
    first = survey.need_chart(facts, assumptions, True, "sv").to_json()
    assert first == survey.need_chart(facts, assumptions, True, "sv").to_json()
    assert "00000000001" not in first  # no float noise in the stored JSON


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
    stated = need["data"][0]
    assert dict(zip(stated["x"], stated["y"], strict=True))["Total"] == 460
    markdown = "\n".join(outputs(nb, "text/markdown"))
    assert "the need counted here is **460** people (414–506" in markdown
    html = "\n".join(outputs(nb, "text/html"))
    assert "<td>Total</td>\n      <td>460</td>" in html


def yearly_need(nb: nbformat.NotebookNode, title_start: str) -> list[float]:
    """The yearly-need bar: stated value and band bounds, from the figure JSON."""
    fig = chart(nb, title_start)
    stated, band = fig["data"][0], fig["data"][1]
    top = band["y"][0]
    return [
        stated["y"][0],
        top - band["error_y"]["arrayminus"][0],
        top + band["error_y"]["array"][0],
    ]


@pytest.mark.slow
def test_notebook_horizon_ten_halves_the_yearly_figures(executed) -> None:
    five = yearly_need(executed["no_ccrm"], "Yearly recruitment need")
    ten = yearly_need(executed["swedish_ten_years"], "Rekryteringsbehov per år")
    assert ten == pytest.approx([value / 2 for value in five])
    assert five == pytest.approx([92, 82.8, 101.2])
    html = "\n".join(outputs(executed["swedish_ten_years"], "text/html"))
    assert "Per år över 10 år" in html and "46 (41,4–50,6)" in html
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
