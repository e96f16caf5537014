"""The domestic course-supply section: programmes, offerings, graded coverage and notebook."""

from __future__ import annotations

import ast
import csv
import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from atmp_lib import claims, datasets, i18n, parameters, provenance
from atmp_lib.charts import LIGHT_FILLS, PALETTE
from atmp_lib.errors import ParameterError
from atmp_lib.i18n import t
from atmp_lib.paths import data_dir, notebooks_dir, raw_dir
from atmp_lib.sections.course_supply import calculations as calc
from atmp_lib.sections.course_supply import views
from atmp_lib.sections.course_supply.parameters import AUDIENCE

MODULES = (Path(calc.__file__), Path(views.__file__))
NOTEBOOK = notebooks_dir() / "02_course_supply.ipynb"
LABEL_FILE = i18n.LABELS_DIR / "course_supply.csv"
SEED = "002_e6db22695992e173.txt"
AUDIENCES = AUDIENCE.allowed_values()
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


@pytest.fixture(scope="module")
def cov(supply, teaching, competences, topic_map) -> calc.Coverage:
    return calc.coverage(supply, teaching, competences, topic_map)


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
            "audience": ["industry", pd.NA, "industry;students", "students"],
            "atmp_depth": ["dedicated", "dedicated", "partial", "occasional"],
            "status": ["offered", "in_development", "produced", "offered"],
        }
    )
    return frame.assign(**overrides)


# --- parameters --------------------------------------------------------------------------


def test_audience_choices_are_the_data_packages_audiences_and_all() -> None:
    fields = {f.name: f for f in datasets.resources()["course_supply"].fields}
    assert ("all", *fields["audience"].item_choices) == AUDIENCES
    assert AUDIENCES == ("all", "students", "healthcare_staff", "industry", "doctoral_students")
    for audience in AUDIENCES:
        parameters.check_values("course_supply", lang="sv", audience=audience)


def test_bad_audience_and_lang_are_rejected_naming_parameter_and_choices() -> None:
    with pytest.raises(ParameterError) as caught:
        parameters.check_values("course_supply", lang="de", audience="researchers")
    assert caught.value.problems == [
        "parameter 'lang': 'de' is not allowed (allowed: one of en, sv)",
        "parameter 'audience': 'researchers' is not allowed (allowed: one of "
        "all, students, healthcare_staff, industry, doctoral_students)",
    ]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_filter_by_audience_keeps_exactly_the_rows_naming_it(
    supply: pd.DataFrame, audience: str
) -> None:
    filtered = calc.filter_by_audience(supply, audience)
    assert list(filtered["id"]) == [r["id"] for r in rows_for(audience)]


def test_unstated_audience_is_kept_for_all_and_named_otherwise() -> None:
    frame = tiny_supply()
    assert list(calc.filter_by_audience(frame, "industry")["id"]) == ["a", "c"]
    assert list(calc.not_given_now(frame)["id"]) == ["c"]
    assert list(calc.filter_by_audience(frame, "all")["id"]) == ["a", "b", "c", "p"]
    assert list(calc.audience_not_stated(frame)["id"]) == ["b"]


# --- the schema's categories are the ones the module labels and orders ------------------


def test_module_categories_match_the_schema() -> None:
    supply_fields = {f.name: f for f in datasets.resources()["course_supply"].fields}
    assert tuple(supply_fields["category"].constraints["enum"]) == calc.CATEGORIES
    assert tuple(supply_fields["kind"].constraints["enum"]) == calc.KINDS
    assert tuple(supply_fields["atmp_depth"].constraints["enum"]) == calc.DEPTHS
    assert tuple(supply_fields["status"].constraints["enum"]) == calc.STATUSES
    teaching_fields = {f.name: f for f in datasets.resources()["course_teaching"].fields}
    assert tuple(teaching_fields["topic"].constraints["enum"]) == calc.TOPICS
    assert tuple(teaching_fields["depth"].constraints["enum"]) == calc.TEACHING_DEPTHS
    assert tuple(teaching_fields["focus"].constraints["enum"]) == calc.FOCUSES
    map_fields = {f.name: f for f in datasets.resources()["topic_competence_map"].fields}
    assert tuple(map_fields["topic"].constraints["enum"]) == calc.TOPICS
    assert tuple(map_fields["strength"].constraints["enum"]) == calc.STRENGTHS


# --- the data say what the report says ----------------------------------------------------


def test_no_degree_programme_is_aimed_at_atmp(supply: pd.DataFrame) -> None:
    """ "Det finns idag inga utbildningsprogram eller skräddarsydda kurser inriktade mot ATMP"."""
    programmes = supply[supply["category"] == "programme"]
    assert len(programmes) > 0
    assert not (programmes["atmp_depth"] == "dedicated").any()
    exceptions = programmes[
        (programmes["kind"] == "degree_programme")
        & programmes["atmp_depth"].isin(["occasional", "partial"])
    ]
    assert set(exceptions["id"]) == {"prog_bma", "prog_biotech_pharma"}


def test_relevant_programmes_contain_atmp_only_exceptionally(supply: pd.DataFrame) -> None:
    """ "innehåller endast undantagsvis kurser …": not "no ATMP content"."""
    row = supply.set_index("id").loc["prog_relevant"]
    assert row["atmp_depth"] == "exceptional" and "endast undantagsvis" in row["quote"]
    table = views.programmes_table(supply, "sv").set_index(t("col_name", "sv"))
    depth = table.loc[row["name_sv"], t("supply_col_depth", "sv")]
    assert depth == "ATMP bara undantagsvis"
    assert t("supply_depth_exceptional", "en") == "ATMP only exceptionally"


def test_the_introductory_course_is_mainly_for_doctoral_students(supply: pd.DataFrame) -> None:
    """ "främst inriktad mot forskarstuderande": mainly doctoral students, not researchers."""
    row = supply.set_index("id").loc["course_atmp2030_intro"]
    assert (row["audience"], bool(row["audience_mainly"])) == ("doctoral_students", True)
    assert "främst inriktad mot forskarstuderande" in row["quote"]
    for lang, expected in (("en", "Mainly doctoral students"), ("sv", "Främst forskarstuderande")):
        table = views.offerings_table(supply, lang).set_index(t("col_name", lang))
        assert table.loc[row[f"name_{lang}"], t("col_audience", lang)] == expected
    shown = " ".join(views.offerings_table(supply, "sv").astype(str).to_numpy().ravel())
    assert "Forskare" not in shown and "Främst anställda inom offentlig sjukvård" in shown
    mainly = supply[supply["audience_mainly"].astype(bool)]
    assert all("främst" in quote for quote in mainly["quote"])


def test_the_genomics_survey_is_not_an_education_offering(supply: pd.DataFrame) -> None:
    gms = supply.set_index("id").loc["study_gms_physicians"]
    assert gms["category"] == "related_initiative" and pd.isna(gms["audience"])
    counts = calc.supply_counts(supply, "all")
    assert counts["offerings"].value == int((supply["category"] == "offering").sum())
    assert "study_gms_physicians" not in set(
        calc.matrix_offerings(supply, datasets.load("course_teaching"))["id"]
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


def swedish_texts(supply: pd.DataFrame, topic_map: pd.DataFrame) -> list[str]:
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        swedish = [row["sv"] for row in csv.DictReader(handle)]
    return (
        swedish
        + list(supply["name_sv"])
        + list(supply["description_sv"])
        + list(topic_map["rationale_sv"])
    )


def test_swedish_texts_use_the_reports_terms(supply: pd.DataFrame, topic_map) -> None:
    names = dict(zip(supply["id"], supply["name_sv"], strict=True))
    assert names["prog_bma"] == "Biomedicinska analytikerprogrammet (BMA)"
    swedish = swedish_texts(supply, topic_map)
    assert not [text for text in swedish if "e-learning" in text.lower()]
    assert not [
        text for text in swedish if re.search(r"\bpaket", text, re.I)
    ]  # "denna sammanställning"
    assert t("supply_audience_healthcare_staff", "sv") == "Anställda inom offentlig sjukvård"


# --- counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_supply_counts_recount_the_rows(supply: pd.DataFrame, audience: str) -> None:
    rows = [r for r in rows_for(audience) if r["category"] == "offering"]
    counts = calc.supply_counts(calc.filter_by_audience(supply, audience), audience)
    offered = [r for r in rows if r["status"] == "offered"]
    assert {key: count.value for key, count in counts.items()} == {
        "offerings": len(rows),
        "offered": len(offered),
        "aimed": sum(r["atmp_depth"] == "dedicated" for r in offered),
        "produced": sum(r["status"] == "produced" for r in rows),
        "in_development": sum(r["status"] == "in_development" for r in rows),
        "given_at_earlier_conference": sum(
            r["status"] == "given_at_earlier_conference" for r in rows
        ),
    }


def test_counts_separate_status_and_category_on_a_small_table() -> None:
    counts = calc.supply_counts(tiny_supply(), "all")
    # "c" was produced: not available now
    assert (counts["offerings"].value, counts["offered"].value, counts["aimed"].value) == (3, 1, 1)
    assert counts["in_development"].value == counts["produced"].value == 1
    assert counts["produced"].condition == "category=offering&status=produced"
    assert counts["aimed"].condition == "category=offering&status=offered&atmp_depth=dedicated"
    industry = calc.supply_counts(calc.filter_by_audience(tiny_supply(), "industry"), "industry")
    assert industry["offered"].condition == "category=offering&audience∋industry&status=offered"


def test_intro_records_its_counts_and_words_an_empty_audience(supply: pd.DataFrame) -> None:
    """Small counts in words in running text ("it names six efforts", "sex insatser"), each
    word recorded with its value and the rows it counts."""
    claims.take()
    text = views.intro_text(supply, "all", "en")
    taken = claims.take()
    assert [(c["text"], c["value"], c["basis"]) for c in taken][:3] == [
        ("six", 6, "count:course_supply:category=offering"),
        ("three", 3, "count:course_supply:category=offering&status=offered"),
        ("one", 1, "count:course_supply:category=offering&status=offered&atmp_depth=dedicated"),
    ]
    assert all(c["text"] in text for c in taken)
    assert "it names six efforts for the audience shown" in text
    assert not re.search(r"\d", text)
    claims.take()
    swedish = views.intro_text(supply, "all", "sv")
    assert [c["text"] for c in claims.take()][:3] == ["sex", "tre", "en"]
    assert "Utanför utbildningsprogrammen nämner den sex insatser för den valda målgruppen" in (
        swedish
    )
    assert not re.search(r"\d", swedish)
    industry = calc.filter_by_audience(supply, "industry")
    assert views.intro_text(industry, "industry", "sv") == t("supply_intro_none", "sv")


def test_the_produced_course_is_not_available_now_and_the_conference_course_not_held_once(
    supply: pd.DataFrame,
) -> None:
    """ "producerat": produced, availability not stated (not "available now"); "i samband med
    en tidigare nationell konferens … genomfört": given at an earlier national conference."""
    rows = supply.set_index("id")
    produced = rows.loc["elearning_lakemedelsakademin_atmp"]
    assert produced["status"] == "produced" and "producerat" in produced["quote"]
    conference = rows.loc["course_atmp2030_intro"]
    assert conference["status"] == "given_at_earlier_conference"
    assert "i samband med en tidigare nationell konferens" in conference["quote"]
    intro = views.intro_text(supply, "all", "en")
    assert intro.endswith(
        "shown:\n\n- three available now (one of them aimed at ATMP)\n"
        "- one produced (availability now not stated)\n- one in development\n"
        "- one given at an earlier national conference"
    )
    swedish = views.intro_text(supply, "all", "sv")
    assert "- tre som finns i dag (varav en med inriktning mot ATMP)\n- en som har producerats" in (
        swedish
    )
    for lang in ("en", "sv"):
        table = views.offerings_table(supply, lang).set_index(t("col_name", lang))
        status = table[t("col_status", lang)]
        assert status[produced[f"name_{lang}"]] == t("supply_status_produced", lang)
        assert status[conference[f"name_{lang}"]] == t(
            "supply_status_given_at_earlier_conference", lang
        )
    assert t("supply_status_produced", "en") == "Produced; availability not stated"
    assert t("supply_status_given_at_earlier_conference", "sv") == (
        "Genomförd i samband med en tidigare nationell konferens"
    )
    labels = LABEL_FILE.read_text(encoding="utf-8")
    assert not re.search(r"held once|en gång|deeper|deepest|how deeply|djupaste|djupare", labels,
                         re.I)  # fmt: skip


def test_one_effort_is_singular_and_a_status_with_none_is_left_out() -> None:
    frame = tiny_supply(status=["offered", "offered", "offered", "offered"])
    one = frame[frame["id"] == "c"]
    text = views.intro_text(one, "all", "en")
    assert "it names one effort for the audience shown:\n\n- one available now (none of them" in (
        text
    )
    assert "in development" not in text and text.count("\n- ") == 1
    assert "en insats för den valda målgruppen:\n\n- en som finns i dag (ingen av dem" in (
        views.intro_text(one, "all", "sv")
    )


# --- tables ---------------------------------------------------------------------------------


def test_programmes_table_lists_the_group_before_its_exceptions(supply: pd.DataFrame) -> None:
    table = views.programmes_table(supply, "sv")
    names = list(table[t("col_name", "sv")])
    assert names[0].startswith("Relevanta utbildningsprogram")
    assert names[1] == "Biomedicinska analytikerprogrammet (BMA)"
    assert len(table) == sum(r["category"] == "programme" for r in csv_rows("course_supply.csv"))


def test_offerings_table_shows_every_offering_available_now_first(supply: pd.DataFrame) -> None:
    table = views.offerings_table(supply, "en")
    offerings = [r for r in csv_rows("course_supply.csv") if r["category"] == "offering"]
    assert sorted(table[t("col_name", "en")]) == sorted(r["name_en"] for r in offerings)
    statuses = list(table[t("col_status", "en")])
    first_other = next(i for i, s in enumerate(statuses) if s != "Available now")
    assert set(statuses[:first_other]) == {"Available now"}
    assert "Available now" not in statuses[first_other:]
    unstated = sum(not r["audience"] for r in offerings)
    assert list(table[t("col_audience", "en")]).count("Not stated") == unstated > 0


def test_related_and_unstated_notes(supply: pd.DataFrame) -> None:
    (note,) = views.related_notes(supply, "en")
    assert "Genomic Medicine Sweden" in note and "not an education offering" in note
    assert views.not_stated_note(supply, "all", "en") is None
    unstated = views.not_stated_note(supply, "industry", "en")
    assert "Regular seminars and webinars" in unstated


# --- coverage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depth", "focus", "grade"),
    [
        ("none", "atmp", calc.NOTHING),
        ("occasional", "general", calc.OCCASIONAL),
        ("occasional", "atmp", calc.OCCASIONAL),
        ("dedicated", "general", calc.DEDICATED_OTHER),
        ("dedicated", "related", calc.DEDICATED_OTHER),
        ("dedicated", "atmp", calc.DEDICATED_ATMP),
    ],
)
def test_grade_of_depth_and_focus(depth: str, focus: str, grade: int) -> None:
    assert calc.grade_of(depth, focus) == grade


@pytest.mark.parametrize("audience", AUDIENCES)
def test_coverage_matrix_matches_a_recomputation_from_the_csv_files(
    supply, teaching, competences, topic_map, audience
) -> None:
    cov = calc.coverage(calc.filter_by_audience(supply, audience), teaching, competences, topic_map)
    assert list(cov.matrix.index) == demanded_ids()
    expected = expected_grades(audience)
    for competence in cov.matrix.index:
        for offering in cov.matrix.columns:
            got = int(cov.matrix.loc[competence, offering])
            assert got == expected.get((competence, offering), 0), (competence, offering)


def test_whole_supply_teaches_no_area_in_a_course_aimed_at_atmp(cov) -> None:
    assert cov.with_best_now(calc.DEDICATED_ATMP) == []
    assert cov.with_best_now(calc.DEDICATED_OTHER) == [
        "production_gmp",
        "regulatory_quality_assurance",
    ]
    # "I några fall ges enstaka föreläsningar": guest lectures, nothing deeper
    assert cov.with_best_now(calc.OCCASIONAL) == ["gmp_cell_vector_production"]
    assert cov.graded("gmp_cell_vector_production", ("offered",)) == [
        ("guest_lectures_industry", calc.OCCASIONAL)
    ]
    assert cov.with_best_now(calc.NOTHING) == [
        "cell_molecular_biology",
        "compound_manufacturing_control",
        "in_vivo_models",
    ]
    assert cov.raised_by_development() == ["production_gmp", "gmp_cell_vector_production"]
    assert cov.raising_offerings() == ["elearning_camp_gmp"]
    assert cov.is_introductory("elearning_camp_gmp")
    assert not cov.is_introductory("prog_biotech_pharma")
    # the produced e-learning course is not a column: the report does not say it is given now
    assert "elearning_lakemedelsakademin_atmp" not in set(cov.matrix.columns)


def test_guest_lectures_are_part_of_the_vector_area_not_the_area(cov, topic_map) -> None:
    """GMP is not stated, and gene-therapy products need not be viral vectors."""
    link = topic_map.set_index(["topic", "competence_id"]).loc[
        ("gene_cell_therapy_production", "gmp_cell_vector_production")
    ]
    assert link["strength"] == "part" and "GMP" in link["rationale_en"]
    cell = cov.teaching("gmp_cell_vector_production", "guest_lectures_industry")
    assert list(cell["strength"]) == ["part"]
    hover = views.coverage_chart(cov, "sv").data[0].hovertext
    row = list(cov.matrix.index).index("gmp_cell_vector_production")
    column = list(cov.matrix.columns).index("guest_lectures_industry")
    assert "koppling: del av området" in hover[row][column]


def test_adjacent_links_are_shown_but_not_counted(supply, teaching, competences, topic_map) -> None:
    cov = calc.coverage(supply, teaching, competences, topic_map)
    cell = cov.teaching("cell_molecular_biology", "vavnadsradet_courses")
    assert list(cell["strength"]) == ["adjacent"] and not cell["counted"].any()
    assert int(cov.matrix.loc["cell_molecular_biology", "vavnadsradet_courses"]) == calc.NOTHING
    stronger = topic_map.assign(
        strength=topic_map["strength"].where(
            topic_map["topic"] != "cell_therapy_operations", "part"
        )
    )
    wider = calc.coverage(supply, teaching, competences, stronger)
    assert int(wider.matrix.loc["cell_molecular_biology", "vavnadsradet_courses"]) == (
        calc.DEDICATED_OTHER
    )


def test_nothing_named_for_cmc_rests_on_the_link_assumption(
    cov, supply, teaching, competences, topic_map
) -> None:
    """Manufacturing-technology and quality-requirement courses are only "adjacent" to
    compound manufacturing control (probably CMC); the page says what counting them would give."""
    assert cov.resting_on_assumption() == [
        "cell_molecular_biology",
        "compound_manufacturing_control",
    ]
    assert cov.bordering_topics("compound_manufacturing_control") == [
        "quality_requirements",
        "manufacturing_technology",
    ]
    assert cov.grade_if_counted("compound_manufacturing_control") == calc.DEDICATED_OTHER
    counted = topic_map.assign(
        strength=topic_map["strength"].where(
            topic_map["competence_id"] != "compound_manufacturing_control", "part"
        )
    )
    recount = calc.coverage(supply, teaching, competences, counted)
    assert recount.best_now("compound_manufacturing_control") == calc.DEDICATED_OTHER
    readings = {
        "en": "probably CMC – chemistry, manufacturing and controls",
        "sv": "troligen CMC – chemistry, manufacturing and controls",
    }
    for lang, reading in readings.items():
        text = views.coverage_text(cov, lang)
        label = t("supply_reading_compound_manufacturing_control", lang)
        assert f"Compound manufacturing control ({label})" in text
        assert reading in text
        line = next(line for line in text.splitlines() if "CMC" in line and "    - " in line)
        assert t("supply_grade_inline_dedicated_other", lang) in line
        assert t("supply_topic_quality_requirements", lang).lower() in line


def test_every_graded_cell_rests_on_a_quoted_teaching_row(cov) -> None:
    for competence in cov.matrix.index:
        for offering in cov.matrix.columns:
            grade = int(cov.matrix.loc[competence, offering])
            if grade == calc.NOTHING:
                continue
            cell = cov.teaching(competence, offering)
            counted = cell[cell["counted"]]
            assert grade == max(
                calc.grade_of(d, f) for d, f in zip(counted["depth"], counted["focus"], strict=True)
            )
            assert all(provenance.quote_in_source(q, SEED) for q in counted["quote"])


def test_coverage_text_is_computed_from_the_matrix(cov) -> None:
    text = views.coverage_text(cov, "sv")
    assert text.splitlines()[0] == f"- {t('supply_now_no_dedicated_atmp', 'sv')}"
    assert "Produktion av celler och virusvektorer enligt GMP" in text.splitlines()[4]
    names = views.competence_names(cov.competences, "sv")
    items = "; ".join(names[cid] for cid in cov.with_best_now(calc.NOTHING))
    assert t("supply_now_nothing", "sv", items=items) in text


def test_courses_not_aimed_at_atmp_are_the_highest_focus_not_the_only_teaching(cov) -> None:
    """Production and regulatory affairs are taught in courses not aimed at ATMP, but the BMA
    programme adds some ATMP elements (GLP, GMP, GCP) and guest lecturers single lectures on
    gene or cell therapy production: the page names them, area by area, never "only"."""
    assert cov.occasional_atmp_now("production_gmp") == ["prog_bma", "guest_lectures_industry"]
    assert cov.occasional_atmp_now("regulatory_quality_assurance") == ["prog_bma"]
    assert cov.occasional_atmp_now("in_vivo_models") == []
    english = views.coverage_text(cov, "en").splitlines()
    assert english[1] == (
        "- **Highest ATMP focus now – courses not aimed at ATMP:** Production (including GMP); "
        "Regulatory affairs and quality assurance."
    )
    assert english[2:4] == [
        "    - Plus occasional ATMP elements in production (including GMP): Biomedical scientist "
        "programme (BMA); Single lectures by guest lecturers from industry.",
        "    - Plus occasional ATMP elements in regulatory affairs and quality assurance: "
        "Biomedical scientist programme (BMA).",
    ]
    swedish = views.coverage_text(cov, "sv")
    assert "- **Högsta ATMP-inriktning i dag – kurser som inte är inriktade mot ATMP:** " in swedish
    assert "    - Dessutom enstaka inslag om ATMP inom regelverk och kvalitetssäkring: " in swedish
    labels = LABEL_FILE.read_text(encoding="utf-8")
    assert not re.search(r"only in courses|bara i kurser", labels)


def test_swedish_agrees_with_the_noun_not_aimed_at_atmp_qualifies(cov, supply) -> None:
    """ "ATMP-innehåll" is neuter ("inriktat"), "kurser" plural ("inriktade"); the hover on
    Vävnadsrådet's courses says "not aimed at ATMP" as its ATMP content does."""
    assert t("supply_depth_partial", "sv") == "Relevant, men inte inriktat mot ATMP"
    assert t("supply_depth_dedicated", "sv") == "Inriktat mot ATMP"
    table = views.offerings_table(supply, "sv")
    assert "Relevant, men inte inriktad mot ATMP" not in set(table[t("supply_col_depth", "sv")])
    lines = {
        lang: {line for row in views.coverage_chart(cov, lang).data[0].hovertext
               for cell in row for line in cell.split("<br>")}  # fmt: skip
        for lang in ("en", "sv")
    }
    assert "Aspects of cell therapy operations: courses not aimed at ATMP; link: adjacent, not "\
        "counted" in lines["en"]
    assert "Aspekter av cellterapiverksamhet: kurser som inte är inriktade mot ATMP; koppling: "\
        "angränsande, räknas inte" in lines["sv"]
    assert "Framställning av gen- eller cellterapiprodukter: behandlas i regel inte (i kurser som "\
        "inte är inriktade mot ATMP); koppling: del av området" in lines["sv"]
    assert "GMP (god tillverkningssed): inslag eller enstaka föreläsningar om ATMP; koppling: del "\
        "av området" in lines["sv"]
    words = " ".join(lines["en"] | lines["sv"])
    assert not re.search(r"ATMP-related|ATMP-relaterad|inte inriktad mot", words)


def test_chart_labels_never_break_after_a_hyphen(cov) -> None:
    """The chart's data table joins wrapped lines with a space, so a break after the hyphen
    of "ATMP-området" would read "ATMP- området"."""
    heatmap = views.coverage_chart(cov, "sv").data[0]
    columns = [label.replace("<br>", " ") for label in heatmap.x]
    assert "Regelbundna seminarier och webbinarier med kunskapshöjande syfte inom ATMP-området" in (
        columns
    )
    texts = [*heatmap.x, *heatmap.y, *[text for row in heatmap.text for text in row]]
    assert not [text for text in texts if "-<br>" in text]


def test_coverage_chart_draws_the_graded_matrix(cov) -> None:
    fig = views.coverage_chart(cov, "en")
    heatmap = fig.data[0]
    assert [list(row) for row in heatmap.z] == cov.matrix.astype(int).values.tolist()
    assert [label.replace("<br>", " ") for label in heatmap.y][0] == cov.competences[
        "name_en"
    ].iloc[0]
    assert any("probably CMC" in label.replace("<br>", " ") for label in heatmap.y)
    ticks = [label.replace("<br>", " ") for label in heatmap.colorbar.ticktext]
    assert ticks[:-1] == [views.grade_label(grade, "en") for grade in calc.GRADES[:-1]]
    assert ticks[-1] == "Courses aimed at ATMP, introductory ones included"
    assert heatmap.colorbar.title.text.replace("<br>", " ") == "ATMP focus of the teaching named"
    assert heatmap.name == "ATMP focus of the teaching named"
    row = list(cov.matrix.index).index("gmp_cell_vector_production")
    column = list(cov.matrix.columns).index("guest_lectures_industry")
    assert "enstaka föreläsningar" in heatmap.hovertext[row][column]
    assert any("(in development)" in label.replace("<br>", " ") for label in heatmap.x)
    note = fig.layout.annotations[0].text.replace("<br>", " ")
    for file_name in ("course_supply.csv", "course_teaching.csv", "topic_competence_map.csv"):
        assert file_name in note


def test_every_cell_states_its_grade_and_introductory_where_it_is(cov) -> None:
    """The grade in words in every cell (the fill, from the palette, only repeats it); the
    CAMP course counts as an introductory course aimed at ATMP, not as deeper teaching."""
    heatmap = views.coverage_chart(cov, "sv").data[0]
    assert heatmap.texttemplate == "%{text}"
    camp = list(cov.matrix.columns).index("elearning_camp_gmp")
    for r, competence in enumerate(cov.matrix.index):
        for c, offering in enumerate(cov.matrix.columns):
            grade = int(cov.matrix.loc[competence, offering])
            words = heatmap.text[r][c].replace("<br>", " ")
            assert words == views.grade_label(grade, "sv", c == camp), (competence, offering)
    vectors = list(cov.matrix.index).index("gmp_cell_vector_production")
    assert heatmap.text[vectors][camp].replace("<br>", " ") == (
        "Introduktionskurs inriktad mot ATMP"
    )
    fills = [colour for _, colour in heatmap.colorscale]
    assert set(fills) == set(views.GRADE_FILLS.values())
    assert views.GRADE_FILLS[calc.DEDICATED_ATMP] == PALETTE["blue"]
    assert views.GRADE_FILLS[calc.NOTHING] == LIGHT_FILLS["empty"]
    flat = [views.GRADE_FILLS[grade] for grade in calc.GRADES for _ in range(2)]
    assert fills == flat  # one flat band per grade, in grade order, never a blend


def test_the_development_sentence_says_introductory_and_not_practical(
    cov, supply, teaching, competences, topic_map
) -> None:
    text = views.coverage_text(cov, "en")
    line = next(line for line in text.splitlines() if "in development" in line)
    assert "would add ATMP-specific introductory teaching of: Production (including GMP); " in line
    assert "deeper" not in text.lower()
    assert "is not practical training" in line
    assert "people with competence in production of cells and viral vectors according to GMP" in (
        line
    )
    swedish = views.coverage_text(cov, "sv")
    assert "skulle tillföra ATMP-specifik introduktionsundervisning inom:" in swedish
    assert "En introduktionskurs är ingen praktisk träning" in swedish
    # a non-introductory course in development would be worded as more ATMP focus only
    full = supply.assign(
        introductory=supply["introductory"].where(supply["id"] != "elearning_camp_gmp", False)
    )
    other = calc.coverage(full, teaching, competences, topic_map)
    line = views.development_text(other, "en")
    assert line.startswith("An offering in development would add teaching more focused on ATMP")
    assert "practical" not in line

def test_coverage_table_names_who_teaches_and_how(cov) -> None:
    table = views.coverage_table(cov, "en").set_index(t("supply_col_competence", "en"))
    vectors = table.loc["Production of cells and viral vectors according to GMP"]
    assert vectors[t("supply_col_focus_now", "en")] == "Occasional elements or single lectures"
    assert vectors[t("supply_col_taught_now", "en")] == (
        "Single lectures by guest lecturers from industry (occasional elements or single lectures)"
    )
    assert "(introductory course aimed at ATMP)" in vectors[t("supply_col_in_development", "en")]
    assert table.loc["In vivo models", t("supply_col_focus_now", "en")] == "Nothing named"
    assert t("supply_col_focus_now", "sv") == "Högsta ATMP-inriktning i dag"


def test_caveats_name_empty_columns_efforts_not_given_now_and_uncounted_links(
    supply, teaching, cov
) -> None:
    notes = views.caveat_notes(supply, teaching, cov, "en")
    assert "Regular seminars and webinars" in notes[0]
    assert notes[1].startswith("Not columns of the matrix, because the report does not say")
    assert "Introductory course on ATMP at an earlier national conference" in notes[1]
    assert "Introductory e-learning course on ATMP" in notes[1]
    assert "Aspects of cell therapy operations → Cell and molecular biology" in notes[2]
    assert "Quality requirements → Compound manufacturing control" in notes[2]


# --- the mapping assumption ---------------------------------------------------------------


def test_mapping_table_shows_every_link_with_its_strength(topic_map, competences) -> None:
    english = views.mapping_table(topic_map, competences, "en")
    swedish = views.mapping_table(topic_map, competences, "sv")
    assert len(english) == len(swedish) == len(csv_rows("topic_competence_map.csv"))
    assert sorted(english[t("supply_col_rationale", "en")]) == sorted(topic_map["rationale_en"])
    strengths = english[t("supply_col_strength", "en")].value_counts().to_dict()
    assert strengths == {
        t(f"supply_strength_{s}", "en"): n for s, n in topic_map["strength"].value_counts().items()
    }
    note = views.mapping_note(competences, "en")
    assert "topic_competence_map.csv" in note and "competences.csv" in note


def test_unmapped_topics_are_the_topics_missing_from_the_map(topic_map) -> None:
    mapped = {r["topic"] for r in csv_rows("topic_competence_map.csv")}
    assert calc.unmapped_topics(topic_map) == [t for t in calc.TOPICS if t not in mapped]
    assert calc.unmapped_topics(topic_map) == ["atmp_overview"]


# --- layers, labels and verdicts ------------------------------------------------------------


def test_calculations_know_no_language_and_draw_nothing() -> None:
    tree = ast.parse(MODULES[0].read_text(encoding="utf-8"))
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    }
    assert not {name for name in imported if name and ("plotly" in name or "i18n" in name)}
    arguments = {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                 for a in node.args.args}  # fmt: skip
    assert "lang" not in arguments
    assert not (Path(calc.__file__).parent.parent.parent / "course_supply.py").exists()


def used_label_ids() -> set[str]:
    """Static ids in the modules and the notebook, plus the ids built from data values."""
    sources = "".join(path.read_text(encoding="utf-8") for path in MODULES)
    sources += NOTEBOOK.read_text(encoding="utf-8")
    static = set(re.findall(r"[\"'\\]((?:supply|col)_[a-z_]*[a-z])[\\\"']", sources))
    static -= set(datasets.load("verdicts")["id"])  # verdict rows, not labels
    dynamic = {f"supply_kind_{k}" for k in calc.KINDS}
    dynamic |= {f"supply_depth_{d}" for d in calc.DEPTHS}
    dynamic |= {f"supply_topic_{topic}" for topic in calc.TOPICS}
    dynamic |= {f"supply_status_{s}" for s in calc.STATUSES}
    dynamic |= {f"supply_audience_{a}" for a in (*AUDIENCES, "not_stated", "mainly")}
    dynamic |= {f"supply_fee_{fee}" for fee in ("yes", "no", "not_stated")}
    grade_ids = [*calc.GRADE_IDS.values(), "introductory_atmp"]
    dynamic |= {f"supply_grade_{g}" for g in grade_ids}
    dynamic |= {f"supply_grade_inline_{g}" for g in grade_ids}
    dynamic |= {f"supply_efforts_{n}" for n in ("one", "many")}
    dynamic |= {"supply_part_aimed", "supply_part_aimed_none"}
    dynamic |= {f"supply_part_{s}" for s in ("offered", "produced", "in_development",
                                               "given_at_earlier_conference")}  # fmt: skip
    dynamic |= {f"supply_now_{g}" for g in calc.GRADE_IDS.values()}
    dynamic |= {f"supply_teaching_{d}" for d in calc.TEACHING_DEPTHS}
    dynamic |= {f"supply_focus_{f}" for f in calc.FOCUSES}
    dynamic |= {f"supply_strength_{s}" for s in calc.STRENGTHS}
    dynamic |= {f"supply_finding_{finding}" for finding in calc.DEMAND_FINDINGS}
    return static | dynamic | set(views.READINGS.values())


def test_every_label_used_exists_in_both_languages_and_none_is_left_over() -> None:
    assert i18n.label_problems() == []
    ids = used_label_ids()
    assert "supply_title" in ids and "supply_coverage_text" in ids
    for label_id in sorted(ids):
        for lang in i18n.LANGUAGES:
            assert t(label_id, lang).strip(), (label_id, lang)
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        own = {row["id"] for row in csv.DictReader(handle)}
    assert own - ids == set()


def test_this_section_owns_only_supply_labels() -> None:
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert all(label_id.startswith("supply_") for label_id in ids)
    assert not re.search(r"\d", " ".join(row for row in LABEL_FILE.read_text().splitlines()[1:]))


def test_each_quote_the_page_shows_is_one_verdict_row() -> None:
    """The signals are the overview's rows (one row per quote), shown on this page too."""
    verdicts = datasets.load("verdicts").set_index("id")
    assert views.SIGNAL_VERDICTS == ("overview_signal_universities", "overview_signal_partners")
    assert set(verdicts.loc[list(views.SIGNAL_VERDICTS), "section"]) == {"overview"}
    own = verdicts[verdicts["section"] == "course_supply"]
    assert set(own.index) == {views.PROGRAMMES_VERDICT, *views.COVERAGE_VERDICTS}
    for quote in own["quote"]:
        assert (verdicts["quote"] == quote).sum() == 1
        assert provenance.quote_in_source(quote, SEED)
    signals = set(verdicts.loc[list(views.SIGNAL_VERDICTS), "quote"])
    assert not signals & set(own["quote"])


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


RUNS = {
    "all": {"lang": "en", "audience": "all"},
    "healthcare": {"lang": "en", "audience": "healthcare_staff"},
    "swedish": {"lang": "sv", "audience": "students"},
    "doctoral": {"lang": "sv", "audience": "doctoral_students"},
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
def test_every_number_on_the_page_is_explained_by_the_claims_register(runs) -> None:
    sources = claims.source_texts(raw_dir())
    found = {}
    for name, notebook in runs.items():
        statements = claims.register(notebook, name, RUNS[name]["lang"], sources)
        assert claims.unexplained(statements) == [], name
        found[name] = [statement.number for statement in statements]
    assert set(found["all"]) == {"2030"}  # only the name ATMP 2030: the counts are in words
    recorded = [
        (claim["text"], claim["value"])
        for cell in runs["all"].cells
        for output in cell.get("outputs", [])
        for claim in output.get("metadata", {}).get(claims.METADATA_KEY, {}).get("claims", [])
    ]
    assert recorded[:3] == [("six", 6), ("three", 3), ("one", 1)]  # and still registered


@pytest.mark.slow
def test_verdicts_stand_beside_the_matrix(runs) -> None:
    shown = outputs(runs["all"], "text/html") + outputs(runs["all"], "text/markdown")
    order = [i for i, text in enumerate(shown) if "fragmenterat" in text]
    chart = next(i for i, text in enumerate(shown) if 'class="atmp-figure"' in text)
    assert len(order) == 2 and max(order) < chart
    verdicts = datasets.load("verdicts").set_index("id")
    page = "\n".join(shown)
    for verdict_id in (views.PROGRAMMES_VERDICT, *views.SIGNAL_VERDICTS):
        assert html.escape(verdicts.loc[verdict_id, "quote"]) in page
    assert "probably CMC" in page and t("supply_rests_on_assumption", "en")[:30] in page


@pytest.mark.slow
def test_notebook_for_healthcare_staff_shows_only_their_offerings(runs) -> None:
    page = html.unescape("\n".join(outputs(runs["healthcare"], "text/html")))
    for row in csv_rows("course_supply.csv"):
        if row["category"] == "related_initiative":
            continue
        for_them = "healthcare_staff" in row["audience"].split(";")
        if not row["audience"]:
            assert row["name_en"] in page  # named in the note, not in a table
        else:
            assert (f"<td>{row['name_en']}</td>" in page) == for_them, row["id"]
    markdown = "\n".join(outputs(runs["healthcare"], "text/markdown"))
    assert "Audience shown: **Staff in public healthcare**." in markdown


@pytest.mark.slow
def test_notebook_for_doctoral_students_shows_the_introductory_course(runs) -> None:
    page = html.unescape("\n".join(outputs(runs["doctoral"], "text/html")))
    assert "<td>Främst forskarstuderande</td>" in page
    assert (
        "<td>Introduktionskurs om ATMP i samband med en tidigare nationell konferens</td>" in page
    )


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


def test_the_matrix_keeps_to_the_areas_the_swedish_survey_demands(
    supply, teaching, competences, topic_map
) -> None:
    """A taught topic linked to an area the Swedish survey does not demand (another study's
    finding, or an area demanded abroad) adds no row, no link and no grade."""
    cov = calc.coverage(supply, teaching, competences, topic_map)
    topic = topic_map.iloc[[0]]
    assert topic["topic"].iloc[0] in set(
        teaching.loc[teaching["offering_id"].isin(cov.matrix.columns), "topic"]
    )  # the topic is taught by an offering in the matrix, so its links reach a cell
    other_study = competences.loc[competences["geography"] != "Sweden", "id"].iloc[0]
    abroad = competences.iloc[[0]].assign(id="demanded_abroad", geography="United States")
    wider = pd.concat([competences, abroad], ignore_index=True)
    links = pd.concat(
        [topic_map, topic.assign(competence_id=other_study, strength="direct"),
         topic.assign(competence_id="demanded_abroad", strength="direct")],
        ignore_index=True,
    )  # fmt: skip
    widened = calc.coverage(supply, teaching, wider, links)
    assert list(widened.matrix.index) == demanded_ids()
    assert list(widened.competences["id"]) == demanded_ids()
    assert set(widened.links["competence_id"]) <= set(demanded_ids())
    pd.testing.assert_frame_equal(widened.matrix, cov.matrix)
