"""The international-comparison section: mechanisms, initiatives, figures per inhabitant."""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from atmp_lib import claims, datasets, international, provenance
from atmp_lib.facts import Derived, get_fact
from atmp_lib.i18n import label_rows, t
from atmp_lib.paths import data_dir, notebooks_dir
from atmp_lib.population import population_of

NOTEBOOK = notebooks_dir() / "04_international.ipynb"
MODULE = Path(international.__file__)
ALL = ["GB", "US", "CA"]
SEED = "002_e6db22695992e173.txt"


def enum(table: str, field: str) -> list[str]:
    fields = datasets.resources()[table].fields
    return list(next(f for f in fields if f.name == field).constraints.get("enum") or next(
        f for f in fields if f.name == field).item_choices)


def csv_rows(name: str) -> list[dict[str, str]]:
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mechanisms() -> pd.DataFrame:
    return datasets.load("mechanism_comparison")


def tiny_mechanisms() -> pd.DataFrame:
    """A recommendation abroad, a shared (US;CA) row and a Swedish pipeline entry."""
    return pd.DataFrame(
        {
            "id": ["g1", "g2", "u1", "s1", "s2"],
            "mechanism": [
                "e_learning",
                "needs_mapping",
                "needs_mapping",
                "e_learning",
                "work_based_apprenticeships",
            ],  # fmt: skip
            "countries": ["GB", "GB", "US;CA", "SE", "GB"],
            "status": ["in_place", "recommended", "in_place", "in_development", "in_development"],
            "note_en": ["x"] * 5,
            "note_sv": ["x"] * 5,
        }
    )


# --- parameters -------------------------------------------------------------------------


def test_check_params_accepts_the_defaults() -> None:
    assert international.check_params("sv", ["US", "GB"], "none") == ["US", "GB"]


@pytest.mark.parametrize(
    ("lang", "countries", "normalise_by", "message"),
    [
        ("de", ALL, "population", "parameter 'lang': 'de' is not one of en, sv"),
        ("en", [], "population", "parameter 'countries': the list is empty"),
        ("en", ["GB", "SE"], "population", "parameter 'countries': 'SE' is not one of GB, US, CA"),
        ("en", ["US", "GB", "US"], "population", "parameter 'countries': US listed more than once"),
        ("en", "GB", "population", "parameter 'countries': 'GB' is not a list"),
        ("en", ALL, "per_capita", "parameter 'normalise_by': 'per_capita' is not one of"),
    ],
)
def test_check_params_names_the_bad_parameter(lang, countries, normalise_by, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        international.check_params(lang, countries, normalise_by)


def test_known_countries_come_from_the_schema_and_have_a_population(population) -> None:
    assert international.known_countries() == tuple(enum("international_initiatives", "countries"))
    assert set(international.known_countries()) <= set(population["country"])


def test_mechanisms_match_the_schema() -> None:
    assert tuple(enum("mechanism_comparison", "mechanism")) == international.MECHANISMS
    assert tuple(enum("international_initiatives", "mechanisms")) == international.MECHANISMS
    assert tuple(enum("mechanism_comparison", "status")) == international.STATUSES


# --- the data say what the report says ----------------------------------------------------


def test_initiatives_are_initiatives_not_coordinators_or_authors(initiatives) -> None:
    names = " ".join(initiatives["name_en"])
    assert "coordination" not in names.lower()  # CGTC coordinates; it is not an initiative
    leads = " ".join(initiatives["lead_organisations"].dropna())
    assert "et al" not in leads  # GM Green et al. are authors
    study = initiatives.set_index("id").loc["us_ca_green_study"]
    assert (study["countries"], study["locator"]) == ("US;CA", "USA och Kanada")


def test_every_mechanism_cell_quotes_the_seed(mechanisms) -> None:
    assert all(provenance.quote_in_source(q, SEED) for q in mechanisms["quote"])
    cgtc = mechanisms[mechanisms["quote"].str.contains("Cell and Gene Therapy Catapult")]
    assert set(cgtc["mechanism"]) == {"national_coordination"}
    sweden = mechanisms[mechanisms["countries"] == "SE"].set_index("id")
    assert sweden.loc["se_mapping", "status"] == "in_place"
    assert sweden.loc["se_masters_none", "status"] == "none"
    assert sweden.loc["se_elearning_camp", "status"] == "in_development"


def test_the_study_figure_is_filed_under_usa_och_kanada(initiatives, facts) -> None:
    fact_id = initiatives.set_index("id").loc["us_ca_green_study", "share_fact_id"]
    fact = get_fact(facts, fact_id)
    assert (fact.qualifier, fact.value, fact.geography) == ("up_to", 40.0, "USA och Kanada")
    assert not fact.label_en.startswith("US") and "USA och Kanada" in fact.label_en
    assert fact.display("sv") == "upp till 40\u00a0%" and fact.display("en") == "up to 40%"


def test_swedish_texts_use_the_reports_terms(initiatives, mechanisms) -> None:
    own = [row["sv"] for row in label_rows() if row["file"] == "international.csv"]
    swedish = own + list(initiatives["description_sv"]) + list(mechanisms["note_sv"])
    swedish += list(initiatives["name_sv"])
    assert not [text for text in swedish if re.search("lärling|e-learning", text, re.I)]
    assert "praktikprogram" in " ".join(initiatives["description_sv"])


# --- initiatives --------------------------------------------------------------------------


def test_select_initiatives_counts_a_shared_row_for_each_country(initiatives) -> None:
    canada = international.select_initiatives(initiatives, ["CA"])
    assert list(canada["id"]) == ["ca_catti", "us_ca_green_study"]  # mechanism order
    us = international.select_initiatives(initiatives, ["US"])
    assert set(us["id"]) == {"us_ca_green_study", "us_nsf_grant"}
    both = international.select_initiatives(initiatives, ["CA", "GB"])
    assert list(both["countries"])[0] == "CA" and "GB" in set(both["countries"])


def test_initiatives_table_fills_figures_and_records_them(initiatives, facts, population) -> None:
    claims.take()
    table = international.initiatives_table(initiatives, facts, population, "sv", ALL)
    taken = claims.take()
    row = table.set_index("Initiativ").loc["Advanced Therapies Apprenticeship Community"]
    assert row["Omfattning"] == "över 100 praktikplatser"
    assert "över 40\u00a0% av samtliga" in row["Beskrivning"] and "{" not in row["Beskrivning"]
    assert row["Mekanism"] == t("intl_mechanism_work_based_apprenticeships", "sv")
    study = table.set_index("Initiativ").loc[initiatives.set_index("id").loc[
        "us_ca_green_study", "name_sv"]]  # fmt: skip
    assert study["Land"] == "USA eller Kanada (rapporten anger inte vilket)"
    assert "upp till 40\u00a0%" in study["Beskrivning"]
    bases = {c["basis"] for c in taken}
    assert "data:international_initiatives.csv:uk_atstn:start_year" in bases
    assert "fact:uk_apprenticeship_org_share" in bases


# --- mechanisms ---------------------------------------------------------------------------


def test_presence_takes_the_strongest_status_and_marks_shared_cells() -> None:
    grid = international.presence(tiny_mechanisms(), ["GB", "CA"]).set_index(["mechanism", "place"])
    assert grid.loc[("needs_mapping", "GB"), "status"] == "recommended"
    assert grid.loc[("needs_mapping", "CA"), "status"] == "in_place"
    assert grid.loc[("needs_mapping", "CA"), "shared"]
    assert not grid.loc[("e_learning", "GB"), "shared"]
    assert grid.loc[("needs_mapping", "SE"), "status"] == "not_mentioned"
    assert grid.loc[("e_learning", "SE"), "status"] == "in_development"


def test_summary_counts_only_what_is_in_place_or_developing_abroad() -> None:
    summary = international.mechanism_summary(tiny_mechanisms(), ["GB"])
    # GB's needs mapping is only recommended: not "found abroad"
    assert summary.abroad == ["work_based_apprenticeships", "e_learning"]
    assert summary.in_sweden["in_development"] == ["e_learning"]
    assert summary.in_sweden["not_mentioned"] == ["work_based_apprenticeships"]


def test_summary_of_the_shipped_table(mechanisms) -> None:
    summary = international.mechanism_summary(mechanisms, ALL)
    found = {
        r["mechanism"]
        for r in csv_rows("mechanism_comparison.csv")
        if r["status"] in ("in_place", "in_development") and set(r["countries"].split(";")) - {"SE"}
    }
    assert set(summary.abroad) == found
    assert summary.in_sweden["in_place"] == [
        "e_learning", "healthcare_staff_education", "seminars_webinars", "needs_mapping",
    ]  # fmt: skip
    assert summary.in_sweden["none"] == ["atmp_masters_programmes"]
    assert summary.in_sweden["recommended"] == ["national_coordination"]
    assert "work_based_apprenticeships" in summary.in_sweden["not_mentioned"]
    assert sum(len(ids) for ids in summary.in_sweden.values()) == len(summary.abroad)


def test_mechanism_text_records_each_count(mechanisms, population) -> None:
    claims.take()
    text = international.mechanism_text(mechanisms, population, "en", ALL)
    taken = claims.take()
    summary = international.mechanism_summary(mechanisms, ALL)
    assert [c["value"] for c in taken] == [
        len(summary.abroad),
        *[len(ids) for ids in summary.in_sweden.values() if ids],
    ]
    assert all(c["basis"].startswith("count:mechanism_comparison.csv:") for c in taken)
    assert "master's programmes adapted to ATMP" in text


def test_mechanism_chart_shows_statuses_in_words(mechanisms, population) -> None:
    fig = international.mechanism_chart(mechanisms, population, "sv", ALL)
    heatmap = fig.data[0]
    assert list(heatmap.x) == ["Storbritannien", "USA", "Kanada", "Sverige"]
    grid = international.presence(mechanisms, ALL)
    assert len(heatmap.y) == grid["mechanism"].nunique()
    flat = [text for row in heatmap.text for text in row]
    assert sum(text.endswith("†") for text in flat) == int(grid["shared"].sum())
    assert not any(re.search(r"\d", text) for text in flat)
    first_sweden = heatmap.text[0][-1]
    assert first_sweden == t("intl_status_not_mentioned", "sv")  # gaps on top
    assert "mechanism_comparison.csv" in fig.layout.annotations[-1].text


def test_mechanism_table_rows_and_places(mechanisms, population) -> None:
    table = international.mechanism_table(mechanisms, population, "en", ["US"])
    assert "United States or Canada (the report does not say which)" in set(table["Where"])
    assert "United Kingdom" not in set(table["Where"])
    assert set(table["Quote"]) <= set(mechanisms["quote"])


# --- figures and normalisation ----------------------------------------------------------


def test_uk_apprentices_per_million_divides_the_fact_by_the_uk_population(
    facts, population
) -> None:
    fact = get_fact(facts, "uk_apprenticeship_places")
    rate = international.uk_apprentices_per_million(facts, population)
    assert isinstance(rate, Derived)
    assert rate.value == pytest.approx(fact.value * 1_000_000 / population_of(population, "GB"))
    assert rate.inputs == ("uk_apprenticeship_places", "population:GB")
    assert international.bound_of(rate, facts) == "at_least"
    assert international.display_rate(rate, facts, "sv") == "över 1,49"


def test_sweden_equivalent_is_a_whole_number_with_its_qualifier(facts, population) -> None:
    rate = international.uk_apprentices_per_million(facts, population)
    equivalent = international.sweden_equivalent(rate, population)
    se, gb = population_of(population, "SE"), population_of(population, "GB")
    assert equivalent.value == pytest.approx(100 * se / gb)
    assert international.whole_equivalent(equivalent, facts) == (15, "at_least")
    assert international.display_equivalent(equivalent, facts, "en") == "over 15"
    centres = international.sweden_equivalent(
        international.per_million_figure(get_fact(facts, "uk_training_centres"), population, "GB"),
        population,
    )
    assert centres.value < 1 and international.whole_equivalent(centres, facts) is None
    assert not re.search(r"\d", international.display_equivalent(centres, facts, "sv"))


@pytest.mark.parametrize(
    ("value", "qualifier", "decimals", "expected"),
    [
        (15.5946, "at_least", 0, 15),
        (15.5946, "approx", 0, 16),
        (0.44121, "up_to", 2, 0.45),
        (1.1 * 100, "up_to", 0, 110),
        (1.4920, "at_least", 2, 1.49),
    ],
)
def test_rounded_outward_keeps_bounds_true(value, qualifier, decimals, expected) -> None:
    assert international.rounded_outward(value, qualifier, decimals) == expected


def test_only_single_country_counts_are_scaled(initiatives, facts, population) -> None:
    pairs = international.normalised_figures(initiatives, facts, population, ALL)
    assert [rate.inputs[0] for rate, _ in pairs] == [
        "uk_apprenticeship_places",
        "uk_training_centres",
    ]
    assert international.normalised_figures(initiatives, facts, population, ["US", "CA"]) == []


def test_key_figures_table_with_and_without_normalisation(initiatives, facts, population) -> None:
    with_rates = international.key_figures_table(
        initiatives, facts, population, "en", ALL, "population"
    )
    plain = international.key_figures_table(initiatives, facts, population, "en", ALL, "none")
    linked = initiatives[["scale_fact_id", "share_fact_id"]].stack().dropna()
    assert len(with_rates) == len(plain) == linked.nunique()
    assert not any("million" in column for column in plain.columns)
    study = with_rates[with_rates["Value"] == "up to 40%"].iloc[0]
    assert study["Country"] == "United States or Canada (the report does not say which)"
    assert study["Per million inhabitants (illustration)"] == ""
    places = with_rates[with_rates["Unit"] == "apprenticeship places"].iloc[0]
    assert places["Sweden at the same rate (illustration)"] == "over 15"


def test_derived_table_writes_formulas_the_language_way(initiatives, facts, population) -> None:
    pairs = international.normalised_figures(initiatives, facts, population, ["GB"])
    swedish = international.derived_table(pairs, facts, population, "sv")
    assert swedish["Formel"].iloc[0] == "100 × 1\u202f000\u202f000 / 67\u202f026\u202f292"
    assert swedish["Formel"].iloc[1] == "1,492 × 10\u202f452\u202f326 / 1\u202f000\u202f000"
    english = international.derived_table(pairs, facts, population, "en")
    assert english["Formula"].iloc[0] == "100 × 1,000,000 / 67,026,292"
    assert (english["Value"].iloc[2], english["Kind of figure"].iloc[2]) == (
        "about 0.045",  # 3 centres per 67 million, rounded
        "approximate",
    )
    assert english["Kind of figure"].iloc[3] == ""  # no equivalent below one centre
    assert english["Inputs"].iloc[1] == "uk_apprenticeship_places, population:GB, population:SE"
    note = international.derived_note(pairs, facts, population, "en")
    assert "facts.csv" in note and "reference/population.csv" in note and "US Census" not in note


def test_population_source_uses_the_agency_name_of_the_language(population) -> None:
    named = population.assign(
        agency_en=population["source_organisation"],
        agency_sv=population["source_organisation"].str.replace(
            "Statistics Sweden (SCB)", "Statistiska centralbyrån (SCB)"
        ),
    )
    assert "Statistiska centralbyrån (SCB)" in international.population_note(named, [], "sv")
    assert "Statistics Sweden (SCB)" in international.population_note(named, [], "en")


# --- labels -----------------------------------------------------------------------------


def used_label_ids() -> set[str]:
    """Literal label ids in the module and the notebook, plus the ids built from data values."""
    sources = MODULE.read_text(encoding="utf-8") + NOTEBOOK.read_text(encoding="utf-8")
    pattern = r"[\"']((?:intl|col)_[a-z_]*[a-z]|source_section|source_note)\\?[\"']"
    literal = set(re.findall(pattern, sources)) - set(datasets.load("verdicts")["id"])
    built = (
        {f"intl_mechanism_{m}" for m in international.MECHANISMS}
        | {f"intl_status_{s}" for s in international.STATUS_ORDER}
        | {f"intl_sweden_{s}" for s in international.STATUS_ORDER}
        | {f"intl_audience_{a}" for a in enum("international_initiatives", "audience")}
        | {f"intl_bound_{q}" for q in enum("facts", "qualifier")}
    )
    return literal | built


def test_every_label_the_section_uses_exists_in_both_languages() -> None:
    ids = used_label_ids()
    assert {"intl_title", "intl_mechanisms_heading", "col_country", "source_section"} <= ids
    for label_id in sorted(ids):
        for lang in ("en", "sv"):
            assert t(label_id, lang).strip(), (label_id, lang)


def test_initiative_names_come_from_the_data_not_from_labels() -> None:
    own = [row for row in label_rows() if row["file"] == "international.csv"]
    assert not any(row["id"].startswith("intl_initiative_") for row in own)
    assert not [row["id"] for row in own if re.search(r"\d", row["en"] + row["sv"])]


# --- the notebook under papermill -------------------------------------------------------


RUNS = {
    "default": {},
    "us_only": {"countries": ["US"]},
    "no_normalisation": {"normalise_by": "none"},
    "swedish": {"lang": "sv"},
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Run the notebook once per parameter set in RUNS, in parallel papermill processes."""
    folder = tmp_path_factory.mktemp("international")
    processes = {}
    for name, parameters in RUNS.items():
        command = [
            sys.executable, "-m", "papermill", str(NOTEBOOK), str(folder / f"{name}.ipynb"),
            "-k", "python3", "--cwd", str(notebooks_dir()), "--no-progress-bar",
            "-y", json.dumps(parameters),
        ]  # fmt: skip
        processes[name] = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
    for name, process in processes.items():
        log = process.communicate(timeout=300)[0].decode(errors="replace")
        assert process.returncode == 0, f"papermill run {name!r} failed:\n{log[-3000:]}"
    return {name: nbformat.read(folder / f"{name}.ipynb", as_version=4) for name in RUNS}


def display_outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [
        output
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "display_data"
    ]


def outputs(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    return [
        out["data"][mime]
        for out in display_outputs(nb)
        if mime in out["data"] and "application/vnd.plotly.v1+json" not in out["data"]
    ]


def figures(nb: nbformat.NotebookNode) -> list[dict]:
    return [
        out["data"]["application/vnd.plotly.v1+json"]
        for out in display_outputs(nb)
        if "application/vnd.plotly.v1+json" in out["data"]
    ]


def html_table(nb: nbformat.NotebookNode, header: str) -> str:
    return next(text for text in outputs(nb, "text/html") if f"<th>{header}</th>" in text)


EXEMPT = re.compile(
    r'<blockquote class="atmp-verdict".*?</blockquote>|<p class="atmp-source-note">.*?</p>', re.S
)
NUMBER = re.compile(r"\d+(?:[,.\u202f]\d+)*")


def unexplained_numbers(nb: nbformat.NotebookNode) -> list[str]:
    """Numbers in page text or tables (quotes, source notes, file names exempt) with no claim."""
    missing = []
    for out in display_outputs(nb):
        data = out["data"]
        if "application/vnd.plotly.v1+json" in data:
            continue
        text = data.get("text/markdown") or data.get("text/html") or ""
        text = EXEMPT.sub(" ", text)
        for column in (t("col_quote", "en"), t("col_quote", "sv")):
            text = _drop_column(text, column)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        text = re.sub(r"\b\w+\.(?:csv|txt)\b", " ", text)  # file names, e.g. 002_….txt
        recorded = [c["text"] for c in out.get("metadata", {}).get("atmp", {}).get("claims", [])]
        missing += [n for n in NUMBER.findall(text) if not any(n in c for c in recorded)]
    return missing


def _drop_column(table_html: str, header: str) -> str:
    """Remove one column (by its header) from an HTML table: quotes are exempt."""
    headers = re.findall(r"<th>(.*?)</th>", table_html)
    if header not in headers:
        return table_html
    index = headers.index(header)

    def row_without(match: re.Match) -> str:
        cells = re.findall(r"<td>.*?</td>", match.group(0), re.S)
        return "".join(cell for i, cell in enumerate(cells) if i != index)

    return re.sub(r"<tr>.*?</tr>", row_without, table_html, flags=re.S)


@pytest.mark.slow
def test_every_number_on_the_page_is_recorded(executed) -> None:
    for name, nb in executed.items():
        assert unexplained_numbers(nb) == [], name


@pytest.mark.slow
def test_default_page_states_the_mechanism_headline_and_verdicts(executed) -> None:
    nb = executed["default"]
    markdown = "\n".join(outputs(nb, "text/markdown"))
    headline = "Of the 11 mechanisms the report describes as in place or in development abroad"
    assert headline in markdown
    assert "- **none, as the report states:** 1 (master's programmes adapted to ATMP)" in markdown
    page = "\n".join(outputs(nb, "text/html"))
    verdicts = datasets.load("verdicts").set_index("id")
    for verdict_id in ("intl_infrastructure_majority", "intl_uk_practical_skills"):
        assert html.escape(verdicts.loc[verdict_id, "quote"]) in page
    assert "Regenerative Medicine (RM)" in page
    assert "0.468" not in page and "15.5" not in page


@pytest.mark.slow
def test_notebook_with_us_only(executed, initiatives) -> None:
    nb = executed["us_only"]
    table = html_table(nb, "Lead organisations")
    for _, row in initiatives.iterrows():
        assert (row["name_en"] in table) == ("US" in row["countries"].split(";")), row["id"]
    assert "United Kingdom" not in table
    (chart,) = figures(nb)
    assert chart["data"][0]["x"] == ["United States", "Sweden"]
    page = "\n".join(outputs(nb, "text/html") + outputs(nb, "text/markdown"))
    assert html.escape(t("intl_apprenticeship_reason", "en")) not in page  # no UK on the page


@pytest.mark.slow
def test_notebook_without_normalisation(executed) -> None:
    nb = executed["no_normalisation"]
    shown = outputs(nb, "text/html") + outputs(nb, "text/markdown")
    assert not any(re.search("per million|per inhabitant", text, re.I) for text in shown)
    assert any(t("intl_normalise_off", "en") in text for text in shown)
    assert "<td>over 100</td>" in html_table(nb, "Kind of figure")


@pytest.mark.slow
def test_notebook_in_swedish(executed, initiatives) -> None:
    nb = executed["swedish"]
    headings = [text for text in outputs(nb, "text/markdown") if text.startswith("#")]
    ids = ["intl_title", "intl_mechanisms_heading", "intl_initiatives_heading",
           "intl_figures_heading", "intl_normalised_heading"]  # fmt: skip
    assert [h.lstrip("# ") for h in headings] == [t(label_id, "sv") for label_id in ids]
    tables = "".join(outputs(nb, "text/html"))
    assert "<th>Omfattning</th>" in tables and "<th>Scale</th>" not in tables
    translated = initiatives[initiatives["name_sv"] != initiatives["name_en"]]
    assert len(translated) > 0
    assert all(f"<td>{html.escape(name)}</td>" in tables for name in initiatives["name_sv"])
    assert not any(f"<td>{html.escape(name)}</td>" in tables for name in translated["name_en"])
    assert "<td>över 15</td>" in tables
    (chart,) = figures(nb)
    assert chart["layout"]["title"]["text"] == t("intl_chart_mechanisms_title", "sv")
    assert chart["layout"]["separators"] == ",\u202f"


def test_notebook_parameters_cell_holds_literals_only() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    assert (
        code[0].source == 'lang = "en"\ncountries = ["GB", "US", "CA"]\nnormalise_by = "population"'
    )
