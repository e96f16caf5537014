"""The domestic course-supply section: programmes, offerings, graded coverage and notebook."""

from __future__ import annotations

import csv
import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from atmp_lib import claims, datasets, i18n, provenance
from atmp_lib import course_supply as cs
from atmp_lib.i18n import t
from atmp_lib.paths import data_dir, notebooks_dir

MODULE = Path(cs.__file__)
NOTEBOOK = notebooks_dir() / "02_course_supply.ipynb"
LABEL_FILE = i18n.LABELS_DIR / "course_supply.csv"
SEED = "002_e6db22695992e173.txt"
HEADING_IDS = (
    "supply_title",
    "supply_programmes_heading",
    "supply_offerings_heading",
    "supply_coverage_heading",
    "supply_coverage_summary_heading",
    "supply_mapping_heading",
    "supply_signals_heading",
)


# --- fixtures and independent readings of the CSV files --------------------------------


@pytest.fixture(scope="module")
def supply() -> pd.DataFrame:
    return datasets.load("course_supply")


@pytest.fixture(scope="module")
def teaching() -> pd.DataFrame:
    return datasets.load("course_teaching")


def csv_rows(name: str) -> list[dict[str, str]]:
    """A table read with the csv module only, to check the library against."""
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rows_for(audience: str) -> list[dict[str, str]]:
    rows = csv_rows("course_supply.csv")
    return [r for r in rows if audience == "all" or audience in r["audience"].split(";")]


def demanded_ids() -> list[str]:
    return [
        r["id"]
        for r in csv_rows("competences.csv")
        if r["finding"] in ("most_demanded", "hardest_to_find") and r["geography"] == "Sweden"
    ]


def expected_grades(audience: str) -> dict[tuple[str, str], int]:
    """(competence, offering) -> grade, recomputed from the raw rows."""
    shown = {r["id"] for r in rows_for(audience) if r["status"] in ("offered", "in_development")}
    links: dict[str, list[tuple[str, str]]] = {}
    for row in csv_rows("topic_competence_map.csv"):
        links.setdefault(row["topic"], []).append((row["competence_id"], row["strength"]))
    grades: dict[tuple[str, str], int] = {}
    for row in csv_rows("course_teaching.csv"):
        if row["offering_id"] not in shown:
            continue
        for competence, strength in links.get(row["topic"], []):
            if competence not in demanded_ids() or strength == "adjacent":
                continue
            if row["depth"] == "none":
                grade = 0
            elif row["depth"] == "occasional":
                grade = 1
            else:
                grade = 3 if row["focus"] == "atmp" else 2
            key = (competence, row["offering_id"])
            grades[key] = max(grades.get(key, 0), grade)
    return grades


def tiny_supply(**overrides: list[str]) -> pd.DataFrame:
    """Three offerings and a programme, to make a wrong filter or count visible."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "p"],
            "name_en": ["A", "B", "C", "P"],
            "name_sv": ["A", "B", "C", "P"],
            "category": ["offering", "offering", "offering", "programme"],
            "kind": ["course", "e_learning", "course", "degree_programme"],
            "audience": ["industry", "not_stated", "industry;students", "students"],
            "atmp_depth": ["dedicated", "dedicated", "partial", "occasional"],
            "status": ["offered", "in_development", "offered", "offered"],
        }
    )
    return frame.assign(**overrides)


# --- parameters --------------------------------------------------------------------------


def test_check_params_accepts_every_documented_choice() -> None:
    for lang in ("en", "sv"):
        for audience in cs.AUDIENCES:
            cs.check_params(lang, audience)


def test_bad_audience_is_rejected_naming_parameter_and_choices() -> None:
    with pytest.raises(ValueError) as caught:
        cs.check_params("en", "nurses")
    assert str(caught.value) == (
        "parameter 'audience': 'nurses' is not one of "
        "all, students, healthcare_staff, industry, researchers"
    )


def test_bad_lang_is_rejected_naming_the_parameter() -> None:
    with pytest.raises(ValueError, match="parameter 'lang': 'de' is not one of en, sv"):
        cs.check_params("de", "all")


def test_audience_choices_match_default_params_comment() -> None:
    text = (data_dir().parent / "params" / "default.yaml").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("audience:"))
    assert tuple(re.findall(r"[a-z_]+", line.split("#")[1])[3:]) == cs.AUDIENCES


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_filter_by_audience_keeps_exactly_the_rows_naming_it(
    supply: pd.DataFrame, audience: str
) -> None:
    filtered = cs.filter_by_audience(supply, audience)
    assert list(filtered["id"]) == [r["id"] for r in rows_for(audience)]


def test_unstated_audience_is_kept_for_all_and_named_otherwise() -> None:
    frame = tiny_supply()
    assert list(cs.filter_by_audience(frame, "industry")["id"]) == ["a", "c"]
    assert list(cs.filter_by_audience(frame, "all")["id"]) == ["a", "b", "c", "p"]
    assert list(cs.audience_not_stated(frame)["id"]) == ["b"]


# --- the schema's categories are the ones the module labels and orders ------------------


def test_module_categories_match_the_schema() -> None:
    supply_fields = {f.name: f for f in datasets.resources()["course_supply"].fields}
    assert tuple(supply_fields["category"].constraints["enum"]) == cs.CATEGORIES
    assert tuple(supply_fields["kind"].constraints["enum"]) == cs.KINDS
    assert tuple(supply_fields["atmp_depth"].constraints["enum"]) == cs.DEPTHS
    assert tuple(supply_fields["status"].constraints["enum"]) == cs.STATUSES
    audiences = set(supply_fields["audience"].item_choices)
    assert set(cs.AUDIENCES) - {"all"} <= audiences and cs.AUDIENCE_NOT_STATED in audiences
    teaching_fields = {f.name: f for f in datasets.resources()["course_teaching"].fields}
    assert tuple(teaching_fields["topic"].constraints["enum"]) == cs.TOPICS
    assert tuple(teaching_fields["depth"].constraints["enum"]) == cs.TEACHING_DEPTHS
    assert tuple(teaching_fields["focus"].constraints["enum"]) == cs.FOCUSES
    map_fields = {f.name: f for f in datasets.resources()["topic_competence_map"].fields}
    assert tuple(map_fields["topic"].constraints["enum"]) == cs.TOPICS
    assert tuple(map_fields["strength"].constraints["enum"]) == cs.STRENGTHS


# --- the data say what the report says ----------------------------------------------------


def test_no_degree_programme_is_aimed_at_atmp(supply: pd.DataFrame) -> None:
    """ "Det finns idag inga utbildningsprogram eller skräddarsydda kurser inriktade mot ATMP"."""
    programmes = supply[supply["category"] == "programme"]
    assert len(programmes) > 0
    assert not (programmes["atmp_depth"] == "dedicated").any()
    exceptions = programmes[
        (programmes["kind"] == "degree_programme") & (programmes["atmp_depth"] != "none")
    ]
    assert set(exceptions["id"]) == {"prog_bma", "prog_biotech_pharma"}
    assert "undantagsvis" in programmes.set_index("id").loc["prog_relevant", "quote"]


def test_the_genomics_survey_is_not_an_education_offering(supply: pd.DataFrame) -> None:
    gms = supply.set_index("id").loc["study_gms_physicians"]
    assert gms["category"] == "related_initiative"
    counts = cs.supply_counts(supply, "all")
    assert counts["offerings"].value == int((supply["category"] == "offering").sum())
    assert "study_gms_physicians" not in set(
        cs.matrix_offerings(supply, datasets.load("course_teaching"))["id"]
    )


def test_every_teaching_row_quotes_the_seed_on_its_offering(
    supply: pd.DataFrame, teaching: pd.DataFrame
) -> None:
    offering_quotes = dict(zip(supply["id"], supply["quote"], strict=True))
    for row in teaching.itertuples():
        assert provenance.quote_in_source(row.quote, SEED), row.id
        assert row.offering_id in offering_quotes, row.id
    guest = teaching[teaching["offering_id"] == "guest_lectures_industry"]
    assert set(guest["depth"]) == {"occasional"}  # "enstaka föreläsningar", never "courses"
    biotech = teaching.set_index("id").loc["biotech_pharma_gene_cell"]
    assert (biotech["depth"], biotech["topic"]) == ("none", "gene_cell_therapy_production")
    assert "behandlar i regel inte" in biotech["quote"]


def test_swedish_texts_use_the_reports_terms(supply: pd.DataFrame) -> None:
    names = dict(zip(supply["id"], supply["name_sv"], strict=True))
    assert names["prog_bma"] == "Biomedicinska analytikerprogrammet (BMA)"
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        swedish = [row["sv"] for row in csv.DictReader(handle)]
    swedish += list(supply["name_sv"]) + list(supply["description_sv"])
    assert not [text for text in swedish if "e-learning" in text.lower()]
    assert t("supply_audience_healthcare_staff", "sv") == "Anställda inom offentlig sjukvård"


# --- counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_supply_counts_recount_the_rows(supply: pd.DataFrame, audience: str) -> None:
    rows = [r for r in rows_for(audience) if r["category"] == "offering"]
    counts = cs.supply_counts(cs.filter_by_audience(supply, audience), audience)
    offered = [r for r in rows if r["status"] == "offered"]
    assert {key: count.value for key, count in counts.items()} == {
        "offerings": len(rows),
        "offered": len(offered),
        "aimed": sum(r["atmp_depth"] == "dedicated" for r in offered),
        "in_development": sum(r["status"] == "in_development" for r in rows),
        "held_once": sum(r["status"] == "held_once" for r in rows),
    }


def test_counts_separate_status_and_category_on_a_small_table() -> None:
    counts = cs.supply_counts(tiny_supply(), "all")
    assert (counts["offerings"].value, counts["offered"].value, counts["aimed"].value) == (3, 2, 1)
    assert counts["in_development"].value == 1
    assert counts["aimed"].condition == "category=offering&status=offered&atmp_depth=dedicated"
    industry = cs.supply_counts(cs.filter_by_audience(tiny_supply(), "industry"), "industry")
    assert industry["offered"].condition == "category=offering&audience∋industry&status=offered"


def test_intro_records_its_counts_and_words_an_empty_audience(supply: pd.DataFrame) -> None:
    claims.take()
    text = cs.intro_text(supply, "all", "en")
    taken = claims.take()
    assert [c["basis"] for c in taken][:2] == [
        "count:course_supply:category=offering",
        "count:course_supply:category=offering&status=offered",
    ]
    assert all(c["text"] in text for c in taken)
    industry = cs.filter_by_audience(supply, "industry")
    assert cs.intro_text(industry, "industry", "sv") == t("supply_intro_none", "sv")


def test_names_with_numbers_are_recorded_as_names(supply: pd.DataFrame) -> None:
    claims.take()
    table = cs.offerings_table(supply, "en")
    taken = claims.take()
    assert "Innovation milieu ATMP 2030" in set(table[t("col_provider", "en")])
    assert {"text": "2030", "value": 2030.0, "basis": "name:ATMP 2030"} in taken
    shown = " ".join(table.astype(str).to_numpy().ravel())
    assert len(re.findall(r"\d+", shown)) == sum(c["basis"].startswith("name:") for c in taken)


# --- tables ---------------------------------------------------------------------------------


def test_programmes_table_lists_the_group_before_its_exceptions(supply: pd.DataFrame) -> None:
    table = cs.programmes_table(supply, "sv")
    names = list(table[t("col_name", "sv")])
    assert names[0].startswith("Relevanta utbildningsprogram")
    assert names[1] == "Biomedicinska analytikerprogrammet (BMA)"
    assert len(table) == sum(r["category"] == "programme" for r in csv_rows("course_supply.csv"))


def test_offerings_table_shows_every_offering_available_now_first(supply: pd.DataFrame) -> None:
    table = cs.offerings_table(supply, "en")
    offerings = [r for r in csv_rows("course_supply.csv") if r["category"] == "offering"]
    assert sorted(table[t("col_name", "en")]) == sorted(r["name_en"] for r in offerings)
    statuses = list(table[t("col_status", "en")])
    first_other = next(i for i, s in enumerate(statuses) if s != "Available now")
    assert set(statuses[:first_other]) == {"Available now"}
    assert "Available now" not in statuses[first_other:]


def test_related_and_unstated_notes(supply: pd.DataFrame) -> None:
    (note,) = cs.related_notes(supply, "en")
    assert "Genomic Medicine Sweden" in note and "not an education offering" in note
    assert cs.not_stated_note(supply, "all", "en") is None
    unstated = cs.not_stated_note(supply, "industry", "en")
    assert "Regular seminars and webinars" in unstated


# --- coverage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "focus", "grade"),
    [
        ("none", "atmp", cs.NOTHING),
        ("occasional", "general", cs.OCCASIONAL),
        ("occasional", "atmp", cs.OCCASIONAL),
        ("dedicated", "general", cs.DEDICATED_OTHER),
        ("dedicated", "related", cs.DEDICATED_OTHER),
        ("dedicated", "atmp", cs.DEDICATED_ATMP),
    ],
)
def test_grade_of_depth_and_focus(depth: str, focus: str, grade: int) -> None:
    assert cs.grade_of(depth, focus) == grade


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_coverage_matrix_matches_a_recomputation_from_the_csv_files(
    supply, teaching, competences, topic_map, audience
) -> None:
    cov = cs.coverage(cs.filter_by_audience(supply, audience), teaching, competences, topic_map)
    assert list(cov.matrix.index) == demanded_ids()
    expected = expected_grades(audience)
    for competence in cov.matrix.index:
        for offering in cov.matrix.columns:
            got = int(cov.matrix.loc[competence, offering])
            assert got == expected.get((competence, offering), 0), (competence, offering)


def test_whole_supply_teaches_no_area_in_a_course_aimed_at_atmp(
    supply, teaching, competences, topic_map
) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    assert cov.with_best_now(cs.DEDICATED_ATMP) == []
    assert cov.with_best_now(cs.DEDICATED_OTHER) == [
        "production_gmp",
        "regulatory_quality_assurance",
    ]
    # "I några fall ges enstaka föreläsningar": guest lectures, nothing deeper
    assert cov.with_best_now(cs.OCCASIONAL) == ["gmp_cell_vector_production"]
    assert cov.graded("gmp_cell_vector_production", ("offered",)) == [
        ("guest_lectures_industry", cs.OCCASIONAL)
    ]
    assert cov.with_best_now(cs.NOTHING) == [
        "cell_molecular_biology",
        "compound_manufacturing_control",
        "in_vivo_models",
    ]
    assert cov.deepened_by_development() == ["production_gmp", "gmp_cell_vector_production"]


def test_adjacent_links_are_shown_but_not_counted(supply, teaching, competences, topic_map) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    cell = cov.teaching("cell_molecular_biology", "vavnadsradet_courses")
    assert list(cell["strength"]) == ["adjacent"] and not cell["counted"].any()
    assert int(cov.matrix.loc["cell_molecular_biology", "vavnadsradet_courses"]) == cs.NOTHING
    stronger = topic_map.assign(
        strength=topic_map["strength"].where(
            topic_map["topic"] != "cell_therapy_operations", "part"
        )
    )
    wider = cs.coverage(supply, teaching, competences, stronger)
    assert int(wider.matrix.loc["cell_molecular_biology", "vavnadsradet_courses"]) == (
        cs.DEDICATED_OTHER
    )


def test_every_graded_cell_rests_on_a_quoted_teaching_row(
    supply, teaching, competences, topic_map
) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    for competence in cov.matrix.index:
        for offering in cov.matrix.columns:
            grade = int(cov.matrix.loc[competence, offering])
            if grade == cs.NOTHING:
                continue
            cell = cov.teaching(competence, offering)
            counted = cell[cell["counted"]]
            assert grade == max(
                cs.grade_of(d, f) for d, f in zip(counted["depth"], counted["focus"], strict=True)
            )
            assert all(provenance.quote_in_source(q, SEED) for q in counted["quote"])


def test_coverage_text_is_computed_from_the_matrix(
    supply, teaching, competences, topic_map
) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    text = cs.coverage_text(cov, "sv")
    assert text.splitlines()[0] == f"- {t('supply_now_no_dedicated_atmp', 'sv')}"
    assert "Produktion av celler och virusvektorer enligt GMP" in text.splitlines()[2]
    assert t("supply_now_nothing", "sv", items="Cell- och molekylärbiologi; "
             "Compound manufacturing control; In vivo-modeller") in text  # fmt: skip


def test_coverage_chart_draws_the_graded_matrix(supply, teaching, competences, topic_map) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    fig = cs.coverage_chart(cov, "en")
    heatmap = fig.data[0]
    assert [list(row) for row in heatmap.z] == cov.matrix.astype(int).values.tolist()
    assert list(heatmap.y) == list(cov.competences["name_en"])
    assert list(heatmap.colorbar.ticktext) == [
        cs._wrap(cs.grade_label(grade, "en"), 22) for grade in cs.GRADES
    ]
    row = list(cov.matrix.index).index("gmp_cell_vector_production")
    column = list(cov.matrix.columns).index("guest_lectures_industry")
    assert "enstaka föreläsningar" in heatmap.text[row][column]
    assert any("(in development)" in label.replace("<br>", " ") for label in heatmap.x)
    note = fig.layout.annotations[0].text.replace("<br>", " ")
    for file_name in ("course_supply.csv", "course_teaching.csv", "topic_competence_map.csv"):
        assert file_name in note


def test_coverage_table_names_who_teaches_and_how(supply, teaching, competences, topic_map) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    table = cs.coverage_table(cov, "en").set_index(t("supply_col_competence", "en"))
    vectors = table.loc["Production of cells and viral vectors according to GMP"]
    assert vectors[t("supply_col_deepest_now", "en")] == "Occasional elements or single lectures"
    assert vectors[t("supply_col_taught_now", "en")] == (
        "Single lectures by guest lecturers from industry (occasional elements or single lectures)"
    )
    assert "(courses aimed at ATMP)" in vectors[t("supply_col_in_development", "en")]
    assert table.loc["In vivo models", t("supply_col_deepest_now", "en")] == "Nothing named"


def test_caveats_name_empty_columns_held_once_and_uncounted_links(
    supply, teaching, competences, topic_map
) -> None:
    cov = cs.coverage(supply, teaching, competences, topic_map)
    notes = cs.caveat_notes(supply, teaching, cov, "en")
    assert "Regular seminars and webinars" in notes[0]
    assert "Introductory course on ATMP at an earlier national conference" in notes[1]
    assert "Aspects of cell therapy operations → Cell and molecular biology" in notes[2]


# --- the mapping assumption ---------------------------------------------------------------


def test_mapping_table_shows_every_link_with_its_strength(topic_map, competences) -> None:
    english = cs.mapping_table(topic_map, competences, "en")
    swedish = cs.mapping_table(topic_map, competences, "sv")
    assert len(english) == len(swedish) == len(csv_rows("topic_competence_map.csv"))
    assert sorted(english[t("supply_col_rationale", "en")]) == sorted(topic_map["rationale_en"])
    strengths = english[t("supply_col_strength", "en")].value_counts().to_dict()
    assert strengths == {
        t(f"supply_strength_{s}", "en"): n for s, n in topic_map["strength"].value_counts().items()
    }
    note = cs.mapping_note(competences, "en")
    assert "topic_competence_map.csv" in note and "competences.csv" in note


def test_unmapped_topics_are_the_topics_missing_from_the_map(topic_map) -> None:
    mapped = {r["topic"] for r in csv_rows("topic_competence_map.csv")}
    assert cs.unmapped_topics(topic_map) == [topic for topic in cs.TOPICS if topic not in mapped]
    assert cs.unmapped_topics(topic_map) == ["atmp_overview"]


# --- labels -------------------------------------------------------------------------------


def used_label_ids() -> set[str]:
    """Static ids in the module and the notebook, plus the ids built from data values."""
    sources = MODULE.read_text(encoding="utf-8") + NOTEBOOK.read_text(encoding="utf-8")
    static = set(re.findall(r"[\"'\\]((?:supply|col)_[a-z_]*[a-z])[\\\"']", sources))
    static -= set(datasets.load("verdicts")["id"])  # verdict rows, not labels
    dynamic = {f"supply_kind_{k}" for k in cs.KINDS}
    dynamic |= {f"supply_depth_{d}" for d in cs.DEPTHS}
    dynamic |= {f"supply_topic_{topic}" for topic in cs.TOPICS}
    dynamic |= {f"supply_status_{s}" for s in cs.STATUSES}
    dynamic |= {f"supply_audience_{a}" for a in (*cs.AUDIENCES, "physicians", "not_stated")}
    dynamic |= {f"supply_fee_{fee}" for fee in ("yes", "no", "not_stated")}
    dynamic |= {f"supply_grade_{g}" for g in cs.GRADE_IDS.values()}
    dynamic |= {f"supply_grade_inline_{g}" for g in cs.GRADE_IDS.values()}
    dynamic |= {f"supply_now_{g}" for g in cs.GRADE_IDS.values()}
    dynamic |= {f"supply_teaching_{d}" for d in cs.TEACHING_DEPTHS}
    dynamic |= {f"supply_focus_{f}" for f in cs.FOCUSES}
    dynamic |= {f"supply_strength_{s}" for s in cs.STRENGTHS}
    dynamic |= {f"supply_finding_{finding}" for finding in cs.DEMAND_FINDINGS}
    return static | dynamic


def test_every_label_used_exists_in_both_languages() -> None:
    assert i18n.label_problems() == []
    ids = used_label_ids()
    assert "supply_title" in ids and "supply_coverage_text" in ids
    for label_id in sorted(ids):
        for lang in i18n.LANGUAGES:
            assert t(label_id, lang).strip(), (label_id, lang)


def test_this_section_owns_only_supply_labels() -> None:
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert all(label_id.startswith("supply_") for label_id in ids)
    assert not re.search(r"\d", " ".join(row for row in LABEL_FILE.read_text().splitlines()[1:]))


# --- the notebook under papermill ---------------------------------------------------------


def run_notebook(tmp_path: Path, **parameters: str) -> nbformat.NotebookNode:
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def display_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        out
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "display_data"
    ]


def outputs(notebook: nbformat.NotebookNode, mime: str) -> list:
    return [out["data"][mime] for out in display_outputs(notebook) if mime in out["data"]]


EXEMPT = re.compile(
    r'<blockquote class="atmp-verdict".*?</blockquote>|<p class="atmp-source-note">.*?</p>', re.S
)
NUMBER = re.compile(r"\d+(?:[,.\u202f]\d+)*")


def unexplained_numbers(notebook: nbformat.NotebookNode) -> list[str]:
    """Numbers in page text or tables (quotes and source notes exempt) with no claim."""
    missing = []
    for out in display_outputs(notebook):
        data = out["data"]
        text = data.get("text/markdown") or data.get("text/html") or ""
        if "application/vnd.plotly.v1+json" in data:
            continue
        text = html.unescape(re.sub(r"<[^>]+>", " ", EXEMPT.sub(" ", text)))
        recorded = [c["text"] for c in out.get("metadata", {}).get("atmp", {}).get("claims", [])]
        for number in NUMBER.findall(text):
            if not any(number in claim for claim in recorded):
                missing.append(number)
    return missing


RUNS = {
    "all": {"lang": "en", "audience": "all"},
    "healthcare": {"lang": "en", "audience": "healthcare_staff"},
    "swedish": {"lang": "sv", "audience": "students"},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """The papermill runs, executed side by side to keep the file fast."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(run_notebook, tmp_path_factory.mktemp(name), **parameters)
            for name, parameters in RUNS.items()
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.slow
def test_every_number_on_the_page_is_recorded(runs) -> None:
    for name, notebook in runs.items():
        assert unexplained_numbers(notebook) == [], name


@pytest.mark.slow
def test_verdicts_stand_beside_the_matrix(runs) -> None:
    shown = outputs(runs["all"], "text/html") + outputs(runs["all"], "text/markdown")
    order = [i for i, text in enumerate(shown) if "fragmenterat" in text]
    chart = next(i for i, text in enumerate(shown) if 'class="atmp-figure"' in text)
    assert len(order) == 2 and max(order) < chart
    verdicts = datasets.load("verdicts").set_index("id")
    page = "\n".join(shown)
    for verdict_id in ("supply_no_atmp_programmes", "supply_universities_interest",
                       "supply_partners_positive"):  # fmt: skip
        assert html.escape(verdicts.loc[verdict_id, "quote"]) in page


@pytest.mark.slow
def test_notebook_for_healthcare_staff_shows_only_their_offerings(runs) -> None:
    page = html.unescape("\n".join(outputs(runs["healthcare"], "text/html")))
    for row in csv_rows("course_supply.csv"):
        if row["category"] == "related_initiative":
            continue
        for_them = "healthcare_staff" in row["audience"].split(";")
        if row["audience"] == "not_stated":
            assert row["name_en"] in page  # named in the note, not in a table
        else:
            assert (f"<td>{row['name_en']}</td>" in page) == for_them, row["id"]
    markdown = "\n".join(outputs(runs["healthcare"], "text/markdown"))
    assert "Audience shown: **Staff in public healthcare**." in markdown


@pytest.mark.slow
def test_notebook_in_swedish_has_swedish_headings(runs) -> None:
    markdown = outputs(runs["swedish"], "text/markdown")
    headings = [text.lstrip("#").strip() for text in markdown if text.startswith("#")]
    assert headings == [t(label_id, "sv") for label_id in HEADING_IDS]
    assert "Målgrupp som visas: **Studenter**." in "\n".join(markdown)
    figures = outputs(runs["swedish"], "application/vnd.plotly.v1+json")
    assert [f["layout"]["title"]["text"] for f in figures] == [
        t("supply_coverage_chart_title", "sv")
    ]
    assert figures[0]["layout"]["separators"] == ",\u202f"


def test_notebook_validates_parameters_before_loading_data() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    assert code[0].source == 'lang = "en"\naudience = "all"'
    setup = code[1].source
    assert setup.index("check_params(lang, audience)") < setup.index("datasets.load(")
