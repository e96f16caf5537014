"""The recruitment-survey section: need, CCRM Nordic as an add-on, per year and per million,
coverage, labels, layers and the notebook."""

from __future__ import annotations

import ast
import csv
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from atmp_lib import claims, datasets, i18n
from atmp_lib.errors import ParameterError
from atmp_lib.figure_views import figure_label, figure_text, number_words
from atmp_lib.figures import Figure, Formula, Span
from atmp_lib.parameters import check_values, schema
from atmp_lib.population import figure_per_million
from atmp_lib.sections import common
from atmp_lib.sections.survey import calculations as calc
from atmp_lib.sections.survey import views

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECTION = PROJECT_ROOT / "atmp_lib" / "sections" / "survey"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "03_survey.ipynb"
LABELS = PROJECT_ROOT / "atmp_lib" / "labels" / "survey.csv"
PLOTLY = "application/vnd.plotly.v1+json"
NUMBER = re.compile(r"\d+(?:[,\u202f]\d{3})*(?:[.,]\d+)?")
OLD_IMPORT = re.compile(r"\batmp_lib\.survey\b|from atmp_lib import [^\n]*\bsurvey\b")


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return datasets.load("survey")


def value_of(facts: pd.DataFrame, fact_id: str) -> float:
    return float(facts.set_index("id").loc[fact_id, "value"])


def with_value(facts: pd.DataFrame, fact_id: str, value: float) -> pd.DataFrame:
    """A copy of the facts with one value changed (to show nothing is hard-coded)."""
    return facts.assign(value=facts["value"].where(facts["id"] != fact_id, value))


def band_fraction(assumptions: pd.DataFrame) -> float:
    return calc.band_pct(assumptions) / 100


def stated_sum(facts: pd.DataFrame) -> float:
    return sum(value_of(facts, fact_id) for fact_id in calc.STATED_SECTORS.values())


def sweden(population: pd.DataFrame) -> int:
    return int(population.set_index("country").loc["SE", "population"])


def unexplained(text: str, recorded: list[dict[str, object]]) -> list[str]:
    """Numbers written in ``text`` that no recorded claim's text contains."""
    return [n for n in NUMBER.findall(text) if not any(n in str(c["text"]) for c in recorded)]


# --------------------------------------------------------------------------- parameters


def test_one_switch_for_ccrm_nordic_declared_once() -> None:
    declared = schema("survey")
    assert list(declared) == ["lang", "ccrm_nordic_established", "horizon_years"]
    assert declared["ccrm_nordic_established"] is common.CCRM_NORDIC_ESTABLISHED
    assert declared["horizon_years"] is common.HORIZON_YEARS


def test_default_parameters_leave_ccrm_nordic_out_and_are_valid() -> None:
    defaults = yaml.safe_load((PROJECT_ROOT / "params" / "default.yaml").read_text("utf-8"))
    assert defaults["ccrm_nordic_established"] is False
    assert "ccrm_established" not in defaults
    check_values("survey", **{name: defaults[name] for name in schema("survey")})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lang": "fr"}, "parameter 'lang': 'fr' is not allowed"),
        ({"ccrm_nordic_established": "yes"}, "parameter 'ccrm_nordic_established': 'yes' is not"),
        ({"ccrm_nordic_established": 1}, "parameter 'ccrm_nordic_established': 1 is not"),
        ({"horizon_years": 0}, "parameter 'horizon_years': 0 is out of range"),
        ({"horizon_years": 31}, "parameter 'horizon_years': 31 is out of range"),
        ({"horizon_years": 2.5}, "parameter 'horizon_years': 2.5 is not an integer"),
        ({"horizon_years": True}, "parameter 'horizon_years': True is not a number"),
        ({"ccrm_established": True}, "parameter 'ccrm_established' is not declared"),
    ],
)
def test_invalid_parameters_name_parameter_and_what_is_allowed(values, message) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        check_values("survey", **{"lang": "en", "horizon_years": 5, **values})


# --------------------------------------------------------------------------- layers


def test_the_old_module_is_gone_and_nothing_imports_it() -> None:
    assert importlib.util.find_spec("atmp_lib.survey") is None
    for path in [*PROJECT_ROOT.glob("atmp_lib/**/*.py"), *PROJECT_ROOT.glob("tests/*.py"),
                 *PROJECT_ROOT.glob("notebooks/*.ipynb")]:  # fmt: skip
        if path.name != "test_survey.py":
            assert not OLD_IMPORT.search(path.read_text("utf-8")), path


def test_calculations_know_no_language_labels_or_charts() -> None:
    tree = ast.parse((SECTION / "calculations.py").read_text("utf-8"))
    imported = {
        alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    forbidden = ("plotly", "atmp_lib.i18n", "atmp_lib.claims", "atmp_lib.figure_views")
    assert not [name for name in imported if name.startswith(forbidden)]
    arguments = {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
                 for arg in node.args}  # fmt: skip
    assert "lang" not in arguments


# --------------------------------------------------------------------------- the need


def test_sector_spans_follow_the_facts_qualifier(facts, assumptions) -> None:
    band = band_fraction(assumptions)
    companies, healthcare = calc.stated_needs(facts, assumptions)
    stated = value_of(facts, "need_companies")
    assert companies.span.bounds == pytest.approx(
        (stated * (1 - band), stated, stated, stated * (1 + band))
    )
    assert companies.approximate and healthcare.approximate
    ccrm = calc.ccrm_need(facts, assumptions)
    row = facts.set_index("id").loc["need_ccrm_nordic"]
    assert ccrm.span == Span(row["low"], row["low"], row["high"], row["high"])
    assert not ccrm.approximate and not ccrm.span.has_band


def test_the_stated_need_leaves_ccrm_nordic_out(facts, assumptions) -> None:
    total = calc.stated_need(facts, assumptions)
    band = band_fraction(assumptions)
    assert total.span.stated_low == total.span.stated_high == pytest.approx(stated_sum(facts))
    assert total.span.low == pytest.approx(stated_sum(facts) * (1 - band))
    assert "fact:need_ccrm_nordic" not in total.inputs
    assert total.qualifier == "approx" and total.label_values["years"] == 5
    raised = calc.stated_need(with_value(facts, "need_companies", 500.0), assumptions)
    assert raised.value == pytest.approx(stated_sum(facts) + 100)


def test_the_need_incl_ccrm_adds_its_range_and_keeps_the_ca(facts, assumptions) -> None:
    row = facts.set_index("id").loc["need_ccrm_nordic"]
    total = calc.need_incl_ccrm(facts, assumptions)
    assert total.span.stated_low == pytest.approx(stated_sum(facts) + row["low"])
    assert total.span.stated_high == pytest.approx(stated_sum(facts) + row["high"])
    assert total.inputs[:3] == ("fact:need_companies", "fact:need_healthcare",
                                "fact:need_ccrm_nordic")  # fmt: skip
    assert figure_text(total, "en") == "about 510–560"  # a "ca" sum keeps its qualifier
    assert figure_text(calc.ccrm_per_year(facts, assumptions), "en") == "10–20"  # a range: none


def test_per_year_and_per_million_figures(facts, assumptions, population) -> None:
    figures = calc.derived_figures(facts, assumptions, population, False, 5)
    by_id = {figure.id: figure for figure in figures}
    per_year = stated_sum(facts) / value_of(facts, "survey_horizon_years")
    assert by_id["survey_need_per_year"].value == pytest.approx(per_year)
    assert by_id["survey_need_per_million"].value == pytest.approx(
        stated_sum(facts) * 1e6 / sweden(population)
    )
    assert by_id["survey_need_per_year_per_million"].span.high == pytest.approx(
        per_year * (1 + band_fraction(assumptions)) * 1e6 / sweden(population)
    )
    texts = {fid: (figure_text(f, "en"), views.band_text(f, "en")) for fid, f in by_id.items()}
    assert texts["survey_need"] == ("about 460", "414–506")
    assert texts["survey_need_per_year"] == ("about 92", "83–101")
    assert texts["survey_need_per_million"] == ("about 44", "40–48")
    assert texts["survey_need_per_year_per_million"] == ("about 9", "8–10")
    assert texts["survey_ccrm_nordic_per_year"] == ("10–20", "")


def test_derived_figures_count_ccrm_nordic_only_when_switched_on(
    facts, assumptions, population
) -> None:
    off = calc.derived_figures(facts, assumptions, population, False, 5)
    on = calc.derived_figures(facts, assumptions, population, True, 5)
    assert [f.id for f in off] == [
        "survey_need", "survey_need_per_year", "survey_need_per_million",
        "survey_need_per_year_per_million", "survey_ccrm_nordic_per_year",
    ]  # fmt: skip
    assert [f.id for f in on][len(off):] == ["survey_need_incl_ccrm",
                                              "survey_need_per_year_incl_ccrm"]  # fmt: skip
    by_id = {figure.id: figure for figure in on}
    assert figure_text(by_id["survey_need_per_year_incl_ccrm"], "en") == "about 102–112"
    assert not any(input_.startswith("fact:job_ads") for f in on for input_ in f.inputs)


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("switch", [False, True])
def test_every_figure_that_counts_ccrm_nordic_says_so(
    facts, assumptions, population, lang, switch
) -> None:
    """Table rows, figure labels and chart bars: a value with CCRM Nordic in it is labelled."""
    for figure in calc.derived_figures(facts, assumptions, population, switch, 10):
        if "fact:need_ccrm_nordic" in figure.inputs:
            label = figure_label(figure, lang)
            assert re.search(r"(proposed|föreslagna) CCRM Nordic.*(established|etableras)", label)
    table = views.need_table(facts, assumptions, switch, lang)
    sector = table.columns[0]
    ranged = table[table.iloc[:, 1].str.contains("–") & ~table[sector].str.contains("CCRM")]
    assert ranged.empty  # no row shows a CCRM-inclusive range without naming CCRM Nordic
    fig = views.need_chart(facts, assumptions, switch, lang)
    for item in fig.data:
        for name, text in zip(item.x, item.hovertext or item.text or [], strict=False):
            if "510" in str(text) or "50–100" in str(text):
                assert "CCRM" in name.replace("<br>", " "), (name, text)


def test_horizon_keeps_the_yearly_rate_as_the_scenarios_do(facts, assumptions, population) -> None:
    five = calc.derived_figures(facts, assumptions, population, True, 5)
    ten = calc.derived_figures(facts, assumptions, population, True, 10)
    assert [f for f in ten if f.id in {g.id for g in five}] == five  # the rate does not change
    over = calc.figure_by_id(ten, "survey_need_over_horizon")
    yearly = calc.figure_by_id(ten, "survey_need_per_year")
    assert over.span.bounds == pytest.approx(tuple(10 * b for b in yearly.span.bounds))
    assert "parameter:horizon_years" in over.inputs
    assert calc.figure_by_id(ten, "survey_need_over_horizon_incl_ccrm").value == pytest.approx(
        10 * calc.figure_by_id(ten, "survey_need_per_year_incl_ccrm").value
    )
    assert views.horizon_note(facts, 5, "en") is None
    note = views.horizon_note(facts, 10, "sv")
    assert "behålls dess årstakt under 10 år" in note and "scenariosidan" in note
    with pytest.raises(KeyError, match="survey_need_over_horizon"):
        calc.figure_by_id(five, "survey_need_over_horizon")


def test_headline_texts_state_460_and_ccrm_nordic_as_an_add_on(facts, assumptions, population):
    off = views.need_text(facts, assumptions, False, "en")
    assert "Together that is **about 460** people: the need this page counts" in off
    assert ("**+10–20 people a year if the proposed CCRM Nordic is established, from its "
            "start**") in off  # fmt: skip
    assert "510" not in off and "ccrm_" not in off and "True" not in off
    on = views.need_text(facts, assumptions, True, "sv")
    assert "sidan är inställd på att CCRM Nordic etableras" in on
    assert "**ca 510–560** personer (464–606" in on and "parametern" not in on
    yearly = views.yearly_text(facts, assumptions, population, False, 5, "en")
    assert "**about 92 people a year** (83–101" in yearly
    assert "about 44 over the five years, or about 9 a year" in yearly
    assert "102" not in yearly and "this page does not count it" in yearly
    yearly_on = views.yearly_text(facts, assumptions, population, True, 5, "sv")
    assert "**ca 102–112 personer per år inkl. det föreslagna CCRM Nordic, om det etableras**" in (
        yearly_on
    )


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_job_ads_are_context_for_scale_not_a_multiple(facts, assumptions, population, lang):
    text = views.scale_text(facts, assumptions, lang)
    yearly = views.yearly_text(facts, assumptions, population, True, 5, lang)
    for word in ("times", "gånger", "multiple", "multipel", "per million", "per miljon"):
        assert word not in text
    assert "times" not in yearly and "gånger" not in yearly
    assert "31" in text and "2021" in text and "169" in text and "92" in text
    assert ("not a growth factor" if lang == "en" else "ingen tillväxtfaktor") in text
    assert "nära relaterade områden" in text


def test_headline_check_says_what_the_numbers_show(facts, assumptions) -> None:
    check = calc.headline_check(facts, assumptions)
    threshold = value_of(facts, "need_total")
    assert check.threshold == threshold
    assert check.uplift_needed_pct == pytest.approx(
        100 * (threshold - stated_sum(facts)) / stated_sum(facts)
    )
    assert (check.stated_verdict, check.with_ccrm_verdict) == ("band_reaches", "reaches_any")
    text = views.headline_text(facts, assumptions, "en")
    for figure in ("over 500", "about 460: below 500 as stated", "414–506", "about 9%"):
        assert figure in text
    assert "if it is established, the parts add up to about 510–560, over 500" in text
    assert "only near the top of that band" in text
    swedish = views.headline_text(facts, assumptions, "sv")
    assert "ligger de inom 414–506" in swedish and "spänner" not in swedish


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (600.0, ("below 600 even at the top of the assumed ±10% band (414–506)",
                 "only the upper part of the assumed ±10% band (464–606) reaches it")),
        (530.0, ("below 530 even at the top", "only if CCRM Nordic needs at least 70")),
        (420.0, ("about 460, which already reaches 420", "over 420 anywhere")),
        (470.0, ("only in the upper part of that band", "over 470 anywhere")),
    ],
)  # fmt: skip
def test_headline_verdicts_follow_the_numbers(facts, assumptions, total, expected) -> None:
    text = views.headline_text(with_value(facts, "need_total", total), assumptions, "en")
    for phrase in expected:
        assert phrase in text


def test_need_table_rows(facts, assumptions) -> None:
    table = views.need_table(facts, assumptions, False, "en")
    assert list(table["Sector"]) == [
        "Companies", "Healthcare", "Companies and healthcare (computed sum)",
        "CCRM Nordic (proposed; if established): add-on from its start",
        "The report's total (public and private)",
    ]  # fmt: skip
    assert list(table["As stated in the report"]) == [
        "about 400", "about 60", "about 460", "50–100", "over 500",
    ]  # fmt: skip
    assert list(table["Per year, spread evenly over 5 years (band)"]) == [
        "about 80 (72–88)", "about 12 (11–13)", "about 92 (83–101)", "10–20 (from its start)", "–",
    ]  # fmt: skip
    swedish = views.need_table(facts, assumptions, True, "sv")
    incl = "Summa inkl. det föreslagna CCRM Nordic, om det etableras (beräknad)"
    row = swedish[swedish["Sektor"] == incl].iloc[0].tolist()
    assert row[1:] == ["ca 510–560", "464–606", "ca 102–112 (93–121)"]
    assert swedish.columns[2] == "Antaget intervall (±10\u00a0% kring ”ca”)"


def trace(fig, name: str):
    """The trace with this legend name; its categories with line breaks undone."""
    matches = [item for item in fig.data if item.name == name]
    assert len(matches) == 1, [item.name for item in fig.data]
    return matches[0].update(x=[x.replace("<br>", " ") for x in matches[0].x])


def test_need_chart_shows_ccrm_nordic_apart_from_the_stated_sum(facts, assumptions) -> None:
    fig = views.need_chart(facts, assumptions, False, "en")
    ccrm = "CCRM Nordic (proposed; if established): add-on from its start"
    stated = trace(fig, "As stated in the report")
    assert list(stated.x) == ["Companies", "Healthcare", ccrm]
    assert list(stated.y) == [400, 60, 50]
    assert list(trace(fig, "Range as stated in the report").x) == [ccrm]
    computed = trace(fig, "Computed from the stated figures")
    assert list(computed.x) == ["Companies and healthcare (computed sum)"]
    assert list(computed.y) == [stated_sum(facts)]
    assert fig.layout.shapes[0].y0 == value_of(facts, "need_total")
    title = "Expected recruitment need over the coming five years, by sector"
    assert fig.layout.title.text == title
    on = views.need_chart(facts, assumptions, True, "en")
    incl = "Sum incl. the proposed CCRM Nordic, if established (computed)"
    assert list(trace(on, "Computed from the stated figures").x)[-1] == incl
    assert list(trace(on, "Computed range (from a stated range)").x) == [incl]
    note = on.layout.annotations[-1].text
    assert "facts.csv" in note and "assumptions.csv" in note


def test_assumptions_table_shows_the_band_and_its_rationale(assumptions) -> None:
    band = assumptions.set_index("id").loc["approx_band_pct"]
    table = views.assumptions_table(assumptions, "sv")
    assert list(table.columns) == ["Antagande", "Värde", "Motivering"]
    assert table.iloc[0].tolist() == [band["label_sv"], "±10\u00a0%", band["rationale_sv"]]
    assert "nordic_countries_job_ads" not in set(assumptions["id"])  # no longer used


def test_derived_table_states_formula_and_inputs(facts, assumptions, population) -> None:
    table = views.derived_table(facts, assumptions, population, True, 5, "en")
    assert table["Formula"].tolist()[:4] == [
        "400 + 60", "460 / 5", "460 × 1,000,000 / 10,452,326", "92 × 1,000,000 / 10,452,326",
    ]  # fmt: skip
    assert table.iloc[5]["Formula"] == "400 + 60 + (50–100)"
    assert table.iloc[0]["Assumed band (±10% around “ca”)"] == "414–506"
    swedish = views.derived_table(facts, assumptions, population, False, 5, "sv")
    assert swedish.iloc[2]["Formel"] == "460 × 1\u202f000\u202f000 / 10\u202f452\u202f326"
    assert swedish.iloc[0]["Siffra"] == "Behov under kartläggningens 5 år: företag och sjukvård"
    notes = views.derived_notes(facts, population, 5, "sv")
    assert any("Statistiska centralbyrån (SCB)" in note and "10\u202f452\u202f326" in note
               for note in notes)  # fmt: skip
    assert not any("Statistics" in note for note in notes)


# --------------------------------------------------------------------------- who answered


def answered_by_sector(path: Path) -> dict[str, int]:
    """Count questionnaire respondents straight from the CSV, independently of the library."""
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["answered_questionnaire"] == "true":
                counts[row["sector"]] = counts.get(row["sector"], 0) + 1
    return counts


def test_response_coverage_counts_the_survey_rows(facts, respondents, assumptions) -> None:
    coverage = {c.sector: c for c in calc.response_coverage(facts, respondents, assumptions)}
    assert {s: c.answered for s, c in coverage.items()} == answered_by_sector(
        PROJECT_ROOT / "data" / "survey.csv"
    )
    asked = value_of(facts, "survey_companies_asked")
    answered = coverage["company"].answered
    assert coverage["company"].rate.stated_low == pytest.approx(100 * answered / asked)
    assert coverage["company"].rate.low == pytest.approx(
        100 * answered / (asked * (1 + band_fraction(assumptions)))
    )
    assert coverage["healthcare_region"].rate is None  # hospitals asked, regions answered
    assert coverage["company"].interviewed == 3 and coverage["healthcare_region"].interviewed == 1


@pytest.mark.parametrize(
    ("asked", "lang", "rate", "band"),
    [(25.0, "en", "about 70%", "65–80%"), (25.0, "sv", "ca 70\u00a0%", "65–80\u00a0%"),
     (20.0, "en", "about 90%", "80–100%")],
)  # fmt: skip
def test_response_rate_carries_no_more_precision_than_ca_25(
    facts, respondents, assumptions, asked, lang, rate, band
) -> None:
    changed = with_value(facts, "survey_companies_asked", asked)
    companies = calc.response_coverage(changed, respondents, assumptions)[0]
    assert views.rate_text(companies, lang) == (rate, band)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_coverage_writes_seven_hospitals_and_divides_no_regions_by_hospitals(
    facts, respondents, assumptions, lang
) -> None:
    coverage = calc.response_coverage(facts, respondents, assumptions)
    claims.take()
    text = views.coverage_text(coverage, assumptions, lang)
    recorded = claims.take()
    seven, six = ("seven", "six") if lang == "en" else ("sju", "sex")
    assert f"the {seven} university hospitals" in text or f"de {seven} universitetssjukhus" in text
    assert f"{six} university-hospital regions answered" in text or (
        f"{six} universitetssjukhusregioner svarade" in text
    )
    assert {"text": seven, "value": 7.0, "basis": "fact:survey_hospitals_asked"} in recorded
    assert "72" not in text and "Örebro" not in text and " 7 " not in text
    assert ("about 70%" if lang == "en" else "ca 70\u00a0%") in text
    table = views.coverage_table(coverage, lang)
    assert table.iloc[1, 3] == t_("survey_rate_not_computed", lang)


def t_(label_id: str, lang: str) -> str:
    return i18n.t(label_id, lang)


def test_intro_writes_small_counts_in_words(facts, respondents) -> None:
    values = views.intro_values(facts, respondents, "sv")
    assert (values["hospitals"], values["years"], values["interviews"]) == ("sju", "fem", "fyra")
    text = i18n.t("survey_intro", "en", **views.intro_values(facts, respondents, "en"))
    assert "the seven university hospitals" in text and "four interviews" in text


def test_willingness_implied_counts(facts, respondents) -> None:
    regions, companies = calc.willingness(facts, respondents)
    assert regions.implied == pytest.approx(6) and regions.whole
    assert companies.implied == pytest.approx(0.9 * 18) and not companies.whole
    assert companies.neighbours == (16, 17)
    text = views.willingness_text(facts, respondents, "en")
    assert "16 companies would be 89%" in text and "17 would be 94%" in text
    assert "16.2" not in text  # no fraction of a company
    fig = views.willingness_chart(facts, respondents, "en")
    assert list(fig.data[0].y) == [100, 90]
    assert "lists six regions" in fig.data[0].hovertext[0]


def test_competences_table_lists_swedish_findings(competences) -> None:
    table = views.competences_table(competences, "sv")
    swedish = competences[competences["geography"] == "Sweden"]
    assert len(table) == len(swedish)
    expected = ["Mest efterfrågade"] * 4 + ["Särskilt svåra att finna"] * 2
    assert table["Resultat"].tolist() == expected
    assert set(table["Kompetens"]) == set(swedish["name_sv"])


def test_interview_table_is_segment_by_theme() -> None:
    findings = datasets.load("interview_findings")
    table = views.interview_table(findings, "en")
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
    shown = list(views.VERDICT_FACTS)
    assert (rows.loc[shown, "section"] == "survey").all()
    assert "på olika nivåer" in rows.loc["survey_need_headline", "quote"]


# --------------------------------------------------------------------------- shared helpers


def test_number_words_write_two_to_twelve_and_record_them() -> None:
    claims.take()
    assert number_words(7, "sv", "fact:survey_hospitals_asked") == "sju"
    assert number_words(7, "en", "fact:survey_hospitals_asked") == "seven"
    assert number_words(13, "sv", "count:x") == "13" and number_words(1, "en", "count:x") == "1"
    assert claims.take()[0] == {"text": "sju", "value": 7.0, "basis": "fact:survey_hospitals_asked"}


def test_figure_per_million_keeps_qualifier_band_and_inputs(population) -> None:
    figure = Figure("x", Span(90, 100, 100, 110), Formula("{0}", (100,)), ("fact:a",), "approx")
    scaled = figure_per_million(figure, population, "SE", "y")
    factor = 1e6 / sweden(population)
    assert scaled.span.bounds == pytest.approx(tuple(b * factor for b in figure.span.bounds))
    assert (scaled.id, scaled.qualifier, scaled.inputs) == ("y", "approx", ("fact:a",
                                                                          "population:SE"))


# --------------------------------------------------------------------------- claims


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("switch", [False, True])
def test_texts_record_every_number_they_write(
    facts, assumptions, population, respondents, lang, switch
) -> None:
    claims.take()
    coverage = calc.response_coverage(facts, respondents, assumptions)
    texts = [
        i18n.t("survey_intro", lang, **views.intro_values(facts, respondents, lang)),
        views.need_text(facts, assumptions, switch, lang),
        views.headline_text(facts, assumptions, lang),
        views.yearly_text(facts, assumptions, population, switch, 10, lang),
        views.scale_text(facts, assumptions, lang),
        views.coverage_text(coverage, assumptions, lang),
        views.willingness_text(facts, respondents, lang),
    ]
    taken = claims.take()
    assert [unexplained(text, taken) for text in texts] == [[]] * len(texts)
    bases = {c["basis"] for c in taken}
    assert {"fact:need_companies", "count:survey:interviewee", "parameter:horizon_years",
            "assumption:approx_band_pct", "fact:survey_hospitals_asked"} <= bases  # fmt: skip


def test_verdict_figures_are_recorded_before_the_verdict(facts) -> None:
    claims.take()
    views.record_verdict_figures(facts, "survey_willingness", "en")
    assert {c["basis"] for c in claims.take()} == {
        "fact:willing_regions_share", "fact:willing_companies_share",
    }  # fmt: skip


# --------------------------------------------------------------------------- labels and language


def section_sources() -> str:
    return "".join(p.read_text("utf-8") for p in SECTION.glob("*.py")) + NOTEBOOK.read_text(
        "utf-8"
    )


def used_label_ids() -> set[str]:
    """Label ids named in the section and the notebook, with the dynamic ones expanded."""
    ids = set(re.findall(r"[\"'](survey_[a-z_]+)[\"']", section_sources()))
    ids -= {"survey_horizon_years", "survey_companies_asked", "survey_hospitals_asked"}  # facts
    ids -= set(views.VERDICT_FACTS) | {"survey"}
    ids -= {i for i in ids if i.startswith("survey_need") or i.endswith("_per_year")}  # figures
    ids |= {"assumption_label", "col_value", "col_figure", "col_formula", "col_inputs", "col_band"}
    expand = {
        "survey_sector_": [*calc.STATED_SECTORS, "stated_sum", "ccrm_nordic", "incl_ccrm",
                           "report_total"],
        "survey_org_": list(calc.ASKED_FACTS), "survey_unit_": list(calc.ASKED_FACTS),
        "survey_asked_": list(calc.ASKED_FACTS), "survey_willing_": list(calc.WILLING_FACTS),
        "survey_willing_hover_": list(calc.WILLING_FACTS),
        "survey_legend_": ["stated", "stated_range", "computed", "computed_range"],
        "survey_finding_": list(calc.FINDING_ORDER),
        "survey_segment_": ["large_pharma", "small_companies", "healthcare"],
        "survey_theme_": ["access_to_competence", "recruitment_source",
                          "salary_competitiveness", "training_burden", "staff_retention"],
        "survey_with_": ["reaches_any", "reaches_some", "band_only", "below"],
        "survey_without_": ["reaches", "band_reaches", "below"],
        "survey_band_": ["near_top", "upper"],
    }  # fmt: skip
    for prefix, names in expand.items():
        ids |= {prefix + name for name in names}
    return ids


def test_every_used_label_exists_in_both_languages(facts, assumptions, population) -> None:
    assert i18n.label_problems() == []
    rows = {row["id"]: row for row in i18n.label_rows()}
    figures = calc.derived_figures(facts, assumptions, population, True, 10)
    figure_ids = {f.label_id for f in figures} | {
        calc.sector_per_year(need, facts).label_id for need in calc.stated_needs(facts, assumptions)
    }
    used = used_label_ids() | figure_ids
    assert sorted(label for label in used if label not in rows) == []
    for label in used:
        assert rows[label]["en"].strip() and rows[label]["sv"].strip(), label


def test_section_labels_live_in_the_section_file_and_carry_no_literal_figures() -> None:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["id"] for row in rows]
    assert all(label.startswith(("survey_", "figure_survey_")) for label in ids)
    assert len(ids) == len(set(ids))
    exempt = {"survey_assumption_source", "survey_population_note"}
    literal = [
        row["id"] for row in rows if row["id"] not in exempt
        and re.search(r"\d", re.sub(r"“[^”]*”|”[^”]*”", "", row["en"] + row["sv"]))
    ]  # fmt: skip
    assert literal == []


def test_swedish_labels_are_free_of_code_jargon_and_anglicisms() -> None:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        swedish = re.sub(r"\{[a-z_]+\}", "", " ".join(row["sv"] for row in csv.DictReader(handle)))
    for phrase in ("True", "False", "`", "ccrm_", "parametern", "spänner", "paketet", "för skala"):
        assert phrase not in swedish, phrase


def swedish_page_text(facts, assumptions, population, respondents) -> str:
    """Everything the section writes for a Swedish page with CCRM Nordic counted, as text."""
    lang = "sv"
    coverage = calc.response_coverage(facts, respondents, assumptions)
    frames = [
        views.need_table(facts, assumptions, True, lang),
        views.assumptions_table(assumptions, lang),
        views.derived_table(facts, assumptions, population, True, 10, lang),
        views.coverage_table(coverage, lang),
        views.competences_table(datasets.load("competences"), lang),
        views.interview_table(datasets.load("interview_findings"), lang),
    ]
    charts = [
        views.need_chart(facts, assumptions, True, lang),
        views.willingness_chart(facts, respondents, lang),
    ]
    texts = [
        views.need_text(facts, assumptions, True, lang),
        views.headline_text(facts, assumptions, lang),
        views.yearly_text(facts, assumptions, population, True, 10, lang),
        views.scale_text(facts, assumptions, lang),
        views.coverage_text(coverage, assumptions, lang),
        views.willingness_text(facts, respondents, lang),
        *views.derived_notes(facts, population, 10, lang),
    ]
    return "\n".join([f.to_csv() for f in frames] + [c.to_json() for c in charts] + texts)


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
    for word in ("Companies", "Healthcare", "Total", "people", "band", "Source", "Statistics",
                 "incl. the"):  # fmt: skip
        assert not re.search(rf"\b{word}\b", text), word


def test_charts_are_deterministic_and_rounded(facts, assumptions) -> None:
    first = views.need_chart(facts, assumptions, True, "sv").to_json()
    assert first == views.need_chart(facts, assumptions, True, "sv").to_json()
    assert "00000000001" not in first  # no float noise in the stored JSON
    fig = views.need_chart(facts, assumptions, True, "sv")
    plotted = [
        value
        for item in fig.data
        for values in (item.y, getattr(item.error_y, "array", None))
        for value in values or ()
    ]
    assert plotted and all(round(value, 1) == value for value in plotted)


# --------------------------------------------------------------------------- the notebook

# Two runs in parallel: CCRM Nordic counted (English), and the defaults in Swedish with a
# ten-year horizon (the yearly rate stays, a ten-year figure is added).
RUNS = {
    "ccrm_on": {"ccrm_nordic_established": True},
    "swedish_ten_years": {"horizon_years": 10, "lang": "sv"},
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Run the notebook once per parameter set, in parallel, and read the results."""
    folder = tmp_path_factory.mktemp("survey_runs")
    papermill = Path(sys.executable).parent / "papermill"
    processes = {}
    for name, values in RUNS.items():
        args = [str(papermill), str(NOTEBOOK), str(folder / f"{name}.ipynb"), "-k", "python3"]
        for key, value in values.items():
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


@pytest.mark.slow
def test_notebook_with_ccrm_nordic_labels_every_figure_that_includes_it(executed) -> None:
    nb = executed["ccrm_on"]
    markdown = "\n".join(outputs(nb, "text/markdown"))
    assert "Together that is **about 460** people: the need this page counts" in markdown
    assert "**about 102–112 people a year incl. the proposed CCRM Nordic, if established**" in (
        markdown
    )
    html = "\n".join(outputs(nb, "text/html"))
    assert "<td>Need per year, incl. the proposed CCRM Nordic, if established</td>" in html
    assert "<td>about 102–112</td>" in html
    (need,) = outputs(nb, PLOTLY)[:1]
    names = [x.replace("<br>", " ") for trace in need["data"] for x in trace.get("x", [])]
    assert "Sum incl. the proposed CCRM Nordic, if established (computed)" in names


@pytest.mark.slow
def test_notebook_in_swedish_with_ten_years(executed) -> None:
    nb = executed["swedish_ten_years"]
    markdown = outputs(nb, "text/markdown")
    headings = [text.lstrip("# ") for text in markdown if text.startswith("#")]
    assert headings == [
        i18n.t(label, "sv")
        for label in (
            "survey_title", "survey_need_heading", "survey_assumptions_heading",
            "survey_yearly_heading", "survey_derived_heading", "survey_coverage_heading",
            "survey_competences_heading", "survey_willing_heading", "survey_interviews_heading",
        )
    ]  # fmt: skip
    text = "\n".join(markdown)
    assert "**ca 92 personer per år**" in text  # the survey's rate, whatever the horizon
    assert "blir behovet hos företag och sjukvård ca 920 personer (828–1\u202f012)" in text
    assert "510" not in text.split("Kontroll")[0]  # CCRM Nordic is off by default
    charts = outputs(nb, PLOTLY)
    assert charts[0]["layout"]["title"]["text"].startswith("Förväntat rekryteringsbehov")
    assert all(c["layout"]["annotations"][-1]["text"].startswith("Källa: ") for c in charts)
