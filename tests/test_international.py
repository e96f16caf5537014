"""The international-comparison section: initiatives, normalised figures, what Sweden lacks."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from atmp_lib import datasets, international
from atmp_lib.facts import Derived, get_fact
from atmp_lib.i18n import label_rows, t
from atmp_lib.normalise import population_of
from atmp_lib.paths import notebooks_dir

NOTEBOOK = notebooks_dir() / "04_international.ipynb"
MODULE = Path(international.__file__)
ALL = ["GB", "US", "CA"]


def enum(table: str, field: str) -> list[str]:
    fields = datasets.resources()[table].fields
    return next(f for f in fields if f.name == field).constraints["enum"]


def offered_kinds(course_supply: pd.DataFrame) -> set[str]:
    return set(course_supply.loc[course_supply["status"] == "offered", "kind"])


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
    assert international.known_countries() == tuple(enum("international_initiatives", "country"))
    assert set(international.known_countries()) <= set(population["country"])


# --- the initiatives --------------------------------------------------------------------


def test_select_initiatives_filters_and_orders_by_the_chosen_countries(initiatives) -> None:
    chosen = international.select_initiatives(initiatives, ["CA", "US"])
    assert len(chosen) == initiatives["country"].isin(["CA", "US"]).sum()
    assert chosen["country"].tolist() == sorted(chosen["country"], key=["CA", "US"].index)
    us_only = international.select_initiatives(initiatives, ["US"])
    assert set(us_only["id"]) == set(initiatives.loc[initiatives["country"] == "US", "id"])


def test_swedish_tables_show_the_swedish_names(
    initiatives, course_supply, facts, population
) -> None:
    table = international.initiatives_table(initiatives, facts, population, "sv", ALL)
    chosen = international.select_initiatives(initiatives, ALL)
    assert table["Initiativ"].tolist() == chosen["name_sv"].tolist()
    english = international.initiatives_table(initiatives, facts, population, "en", ALL)
    assert english["Initiative"].tolist() == chosen["name_en"].tolist()
    presence = international.kind_presence(initiatives, course_supply, "sv", ALL)
    abroad = " ".join(presence.loc[presence["place"] != "SE", "names"])
    assert all(name in abroad for name in initiatives["name_sv"])
    lacks = international.lacks_table(initiatives, course_supply, population, "sv", ALL)
    missing = international.missing_kinds(initiatives, course_supply, ALL)
    listed = " ".join(lacks[t("intl_col_initiatives_abroad", "sv")])
    assert all(f"{name} (" in listed for name in missing["name_sv"])


def test_initiatives_table_has_one_row_per_initiative_with_its_scale(
    initiatives, facts, population
) -> None:
    table = international.initiatives_table(initiatives, facts, population, "en", ALL)
    assert len(table) == len(initiatives)
    row = table[table["Initiative"] == "Advanced Therapies Apprenticeship Community"].iloc[0]
    assert row["Scale"] == "over 100 apprenticeship places"
    assert row["Country"] == "United Kingdom"
    assert table.loc[table["Initiative"].str.startswith("ATSTN"), "Scale"].item() == (
        "3 training centres"
    )
    atstn = table[table["Initiative"].str.startswith("Advanced Therapies Skills")].iloc[0]
    assert atstn["Start year"] == "2021"
    sv = international.initiatives_table(initiatives, facts, population, "sv", ["US"])
    assert set(sv["Land"]) == {"USA"}
    assert "upp till 40\u00a0%" in set(sv["Omfattning"])


def test_linked_scale_agrees_with_its_fact(initiatives, facts) -> None:
    linked = initiatives.dropna(subset=["scale_fact_id"])
    assert len(linked) > 0
    for _, row in linked.iterrows():
        fact = get_fact(facts, row["scale_fact_id"])
        assert (row["scale_value"], row["scale_qualifier"]) == (fact.value, fact.qualifier)


def test_scale_without_a_linked_fact_uses_the_row(initiatives, facts) -> None:
    row = initiatives[initiatives["id"] == "uk_apprenticeship_community"].iloc[0].copy()
    row["scale_fact_id"], row["scale_value"], row["scale_qualifier"] = pd.NA, 250.0, "approx"
    assert international.scale_text(row, facts, "sv") == "ca 250 praktikplatser"
    row["scale_value"] = pd.NA
    assert international.scale_text(row, facts, "en") == ""


def test_initiatives_chart_places_each_kind_abroad_and_in_sweden(
    initiatives, course_supply, population
) -> None:
    fig = international.initiatives_chart(
        initiatives, course_supply, population, "en", ["GB", "CA"]
    )
    assert [trace.name for trace in fig.data] == ["United Kingdom", "Canada", "Sweden (offered)"]
    abroad = initiatives[initiatives["country"].isin(["GB", "CA"])]
    assert sum(int(n) for trace in fig.data[:2] for n in trace.text) == len(abroad)
    offered = course_supply[
        (course_supply["status"] == "offered") & course_supply["kind"].isin(abroad["kind"])
    ]
    sweden = fig.data[2]
    assert sorted(sweden.y) == sorted(
        international.kind_label(kind, "en") for kind in set(offered["kind"])
    )
    assert sum(int(n) for n in sweden.text) == len(offered)
    missing = set(international.missing_kinds(initiatives, course_supply, ["GB", "CA"])["kind"])
    top = list(fig.layout.yaxis.categoryarray)[::-1][: len(missing)]
    assert set(top) == {international.kind_label(kind, "en") for kind in missing}
    note = fig.layout.annotations[-1].text
    assert "international_initiatives.csv" in note and "course_supply.csv" in note


# --- figures and normalisation ----------------------------------------------------------


def test_uk_apprentices_per_million_divides_the_fact_by_the_uk_population(
    facts, population
) -> None:
    fact = get_fact(facts, "uk_apprenticeship_places")
    rate = international.uk_apprentices_per_million(facts, population)
    assert isinstance(rate, Derived)
    assert rate.value == pytest.approx(fact.value * 1_000_000 / population_of(population, "GB"))
    assert rate.value == pytest.approx(1.492, abs=1e-3)  # "över 100" places, 67.0 million
    assert rate.inputs == ("uk_apprenticeship_places", "population:GB")
    assert international.bound_of(rate, facts) == "at_least"
    assert international.display_derived(rate, facts, "sv") == "över 1,49"


def test_sweden_equivalent_applies_the_rate_to_swedens_population(facts, population) -> None:
    rate = international.uk_apprentices_per_million(facts, population)
    equivalent = international.sweden_equivalent(rate, population)
    se, gb = population_of(population, "SE"), population_of(population, "GB")
    assert equivalent.value == pytest.approx(rate.value * se / 1_000_000)
    assert equivalent.value == pytest.approx(
        get_fact(facts, "uk_apprenticeship_places").value * se / gb
    )
    assert equivalent.inputs == ("uk_apprenticeship_places", "population:GB", "population:SE")
    assert international.bound_of(equivalent, facts) == "at_least"
    assert "10 452 326" in equivalent.formula


def test_normalised_figures_cover_every_count_of_the_chosen_countries(facts, population) -> None:
    figures = international.normalised_figures(facts, population, ALL)
    counts = facts[
        facts["topic"].str.startswith("international_") & ~facts["unit"].isin(["%", "year"])
    ]
    assert len(figures) == 2 * len(counts)
    assert {figure.inputs[0] for figure in figures} == set(counts["id"])
    centres = next(f for f in figures if f.inputs == ("uk_training_centres", "population:GB"))
    assert centres.value == pytest.approx(
        get_fact(facts, "uk_training_centres").value * 1e6 / population_of(population, "GB")
    )
    assert international.normalised_figures(facts, population, ["US"]) == []


def test_bound_of_follows_the_input_qualifier(facts, population) -> None:
    share = get_fact(facts, "us_employers_unable_to_recruit_share")
    upper = Derived("x", "x", share.value, "40", (share.id,))
    assert international.bound_of(upper, facts) == "up_to"
    mixed = Derived("x", "x", 1.0, "f", ("uk_apprenticeship_places", share.id))
    assert international.bound_of(mixed, facts) == "approx"
    centres = international.per_million_figure(
        get_fact(facts, "uk_training_centres"), population, "GB"
    )
    assert international.bound_of(centres, facts) == "exact"


@pytest.mark.parametrize(
    ("value", "qualifier", "lang", "expected"),
    [
        (15.5946, "at_least", "en", "over 15.5"),
        (0.44121, "up_to", "en", "up to 0.442"),
        (0.04476, "exact", "sv", "0,045"),
        (0.045, "at_least", "en", "over 0.045"),
        (1.1, "up_to", "en", "up to 1.10"),
        (1234.6, "approx", "sv", "ca 1\u202f235"),
    ],
)
def test_display_bounded_rounds_bounds_outward(value, qualifier, lang, expected) -> None:
    assert international.display_bounded(value, qualifier, lang) == expected


def test_key_figures_table_with_and_without_normalisation(facts, population) -> None:
    with_rates = international.key_figures_table(facts, population, "en", ALL, "population")
    plain = international.key_figures_table(facts, population, "en", ALL, "none")
    international_rows = facts["topic"].str.startswith("international_") & (facts["unit"] != "year")
    assert len(with_rates) == len(plain) == international_rows.sum()
    assert "Per million inhabitants" in with_rates.columns
    assert not any("million" in column for column in plain.columns)
    us = with_rates[with_rates["Country"] == "United States"].iloc[0]
    assert (us["Value"], us["Kind of figure"], us["Per million inhabitants"]) == (
        "up to 40%",
        "upper bound (“up to”)",
        "",
    )
    places = with_rates[with_rates["Unit"] == "apprenticeship places"].iloc[0]
    assert places["Sweden at the same rate"] == "over 15.5"


def test_derived_table_states_formula_inputs_and_sources(facts, population) -> None:
    figures = international.normalised_figures(facts, population, ["GB"])
    table = international.derived_table(figures, facts, population, "en")
    sources = table["Sources of the inputs"].tolist()
    gb = population[population["country"] == "GB"].iloc[0]
    assert all(
        gb["source_organisation"] in text and gb["reference_date"] in text for text in sources
    )
    assert table["Formula"].iloc[0] == "100 × 1 000 000 / 67 026 292"
    assert table["Inputs"].iloc[1] == "uk_apprenticeship_places, population:GB, population:SE"
    note = international.derived_note(figures, facts, population, "en")
    assert "facts.csv" in note and "reference/population.csv" in note
    assert "Statistics Sweden (SCB), 2021-12-31" in note and "US Census" not in note


def test_equivalent_chart_only_for_countries_with_counts(facts, population) -> None:
    assert international.equivalent_chart(facts, population, "en", ["US", "CA"]) is None
    fig = international.equivalent_chart(facts, population, "sv", ALL)
    places = fig.data[0]
    assert list(places.y)[0] == get_fact(facts, "uk_apprenticeship_places").value
    assert list(places.text) == ["över 100", "över 15,5"]
    assert "reference/population.csv" in fig.layout.annotations[-1].text


# --- what Sweden lacks ------------------------------------------------------------------


@pytest.mark.parametrize("countries", [ALL, ["US"], ["GB", "CA"]])
def test_missing_kinds_are_foreign_kinds_not_offered_in_sweden(
    initiatives, course_supply, countries
) -> None:
    missing = international.missing_kinds(initiatives, course_supply, countries)
    abroad = initiatives[initiatives["country"].isin(countries)]
    expected = set(abroad["kind"]) - offered_kinds(course_supply)
    assert set(missing["kind"]) == expected
    assert set(missing["id"]) == set(abroad.loc[abroad["kind"].isin(expected), "id"])
    shared = international.shared_kinds(initiatives, course_supply, countries)
    assert set(shared) == set(abroad["kind"]) & offered_kinds(course_supply)


def test_only_offered_swedish_entries_count(initiatives, course_supply) -> None:
    not_offered = set(course_supply.loc[course_supply["status"] != "offered", "kind"])
    assert "needs_study" in not_offered - offered_kinds(course_supply)
    us_missing = international.missing_kinds(initiatives, course_supply, ["US"])
    assert "needs_study" in set(us_missing["kind"])
    offered_study = course_supply.assign(
        status=course_supply["status"].where(course_supply["kind"] != "needs_study", "offered")
    )
    assert "needs_study" not in set(
        international.missing_kinds(initiatives, offered_study, ["US"])["kind"]
    )


def test_lacks_table_lists_the_initiatives_of_each_missing_kind(
    initiatives, course_supply, population
) -> None:
    table = international.lacks_table(initiatives, course_supply, population, "en", ALL)
    missing = international.missing_kinds(initiatives, course_supply, ALL)
    assert len(table) == missing["kind"].nunique()
    listed = " ".join(table["Initiatives abroad"])
    assert all(name in listed for name in missing["name_en"])
    summary = international.lacks_summary(initiatives, course_supply, population, "en", ALL)
    assert summary["missing"] == str(missing["kind"].nunique())
    assert summary["abroad"] == str(initiatives["kind"].nunique())
    us = international.lacks_table(initiatives, course_supply, population, "sv", ["US"])
    assert set(us["Länder"]) == {"USA"}
    assert len(us) == len(
        set(initiatives.loc[initiatives["country"] == "US", "kind"]) - offered_kinds(course_supply)
    )


# --- labels -----------------------------------------------------------------------------


def used_label_ids() -> set[str]:
    """Literal label ids in the module and the notebook, plus the ids built from data values."""
    sources = MODULE.read_text(encoding="utf-8") + NOTEBOOK.read_text(encoding="utf-8")
    pattern = r"[\"']((?:intl|col)_[a-z_]*[a-z]|source_section|source_note)\\?[\"']"
    literal = set(re.findall(pattern, sources))
    kinds = enum("international_initiatives", "kind") + enum("course_supply", "kind")
    built = (
        {f"intl_kind_{kind}" for kind in kinds}
        | {f"intl_audience_{a}" for a in enum("international_initiatives", "audience")}
        | {f"intl_bound_{q}" for q in enum("facts", "qualifier")}
    )
    return literal | built


def test_every_label_the_section_uses_exists_in_both_languages() -> None:
    ids = used_label_ids()
    assert {"intl_title", "intl_lacks_heading", "col_country", "source_section"} <= ids
    for label_id in sorted(ids):
        for lang in ("en", "sv"):
            assert t(label_id, lang).strip(), (label_id, lang)


def test_initiative_names_come_from_the_data_not_from_labels() -> None:
    own = [row["id"] for row in label_rows() if row["file"] == "international.csv"]
    assert not any(label_id.startswith("intl_initiative_") for label_id in own)
    assert "initiative_name" not in MODULE.read_text(encoding="utf-8")


# --- the notebook under papermill -------------------------------------------------------


RUNS = {
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


def outputs(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data and "application/vnd.plotly.v1+json" not in data:
                found.append(data[mime])
    return found


def figures(nb: nbformat.NotebookNode) -> list[dict]:
    return [
        output["data"]["application/vnd.plotly.v1+json"]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]


def fig_trace_names(fig: dict) -> list[str]:
    return [trace["name"] for trace in fig["data"]]


def html_table(nb: nbformat.NotebookNode, header: str) -> str:
    return next(html for html in outputs(nb, "text/html") if f"<th>{header}</th>" in html)


@pytest.mark.slow
def test_notebook_with_us_only(executed, initiatives, course_supply) -> None:
    nb = executed["us_only"]
    table = html_table(nb, "Lead organisations")
    for _, row in initiatives.iterrows():
        assert (row["name_en"] in table) == (row["country"] == "US"), row["id"]
    assert "United Kingdom" not in table and "Canada" not in table
    lacks = html_table(nb, "Kind missing in Sweden")
    us_kinds = set(initiatives.loc[initiatives["country"] == "US", "kind"])
    for kind in enum("international_initiatives", "kind"):
        shown = f"<td>{t(f'intl_kind_{kind}', 'en')}</td>" in lacks
        assert shown == (kind in us_kinds - offered_kinds(course_supply)), kind
    (kinds_chart,) = figures(nb)  # no count to scale for the US: no equivalence chart
    assert fig_trace_names(kinds_chart) == ["United States", "Sweden (offered)"]


@pytest.mark.slow
def test_notebook_without_normalisation(executed) -> None:
    nb = executed["no_normalisation"]
    shown = outputs(nb, "text/html") + outputs(nb, "text/markdown")
    shown += [json.dumps(fig, ensure_ascii=False) for fig in figures(nb)]
    assert not any(re.search("per million|per inhabitant", text, re.I) for text in shown)
    assert len(figures(nb)) == 1
    assert any(t("intl_normalise_off", "en") in text for text in shown)
    assert "<td>over 100</td>" in html_table(nb, "Kind of figure")


@pytest.mark.slow
def test_notebook_in_swedish(executed, initiatives) -> None:
    nb = executed["swedish"]
    headings = [text for text in outputs(nb, "text/markdown") if text.startswith("#")]
    ids = ["intl_title", "intl_initiatives_heading", "intl_figures_heading",
           "intl_normalised_heading", "intl_lacks_heading"]  # fmt: skip
    assert [h.lstrip("# ") for h in headings] == [t(label_id, "sv") for label_id in ids]
    tables = "".join(outputs(nb, "text/html"))
    assert "<th>Omfattning</th>" in tables and "<th>Scale</th>" not in tables
    assert "Källa: international_initiatives.csv" in tables
    translated = initiatives[initiatives["name_sv"] != initiatives["name_en"]]
    assert len(translated) > 0
    assert all(f"<td>{html.escape(name)}</td>" in tables for name in initiatives["name_sv"])
    assert not any(f"<td>{html.escape(name)}</td>" in tables for name in translated["name_en"])
    titles = [fig["layout"]["title"]["text"] for fig in figures(nb)]
    assert titles == [t("intl_chart_kinds_title", "sv"), t("intl_chart_equivalent_title", "sv")]
    assert fig_trace_names(figures(nb)[0]) == [
        "Storbritannien",
        "USA",
        "Kanada",
        "Sverige (erbjuds)",
    ]
