"""The domestic course-supply section: inventory, pipeline, coverage matrix and notebook."""

from __future__ import annotations

import csv
import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from atmp_lib import course_supply as cs
from atmp_lib import datasets, i18n
from atmp_lib.datasets import split_list
from atmp_lib.i18n import t
from atmp_lib.paths import data_dir, notebooks_dir

MODULE = Path(cs.__file__)
NOTEBOOK = notebooks_dir() / "02_course_supply.ipynb"
LABEL_FILE = i18n.LABELS_DIR / "course_supply.csv"
HEADING_IDS = (
    "supply_title",
    "supply_inventory_heading",
    "supply_pipeline_heading",
    "supply_coverage_heading",
    "supply_coverage_summary_heading",
    "supply_mapping_heading",
)


# --- fixtures and independent readings of the CSV files --------------------------------


@pytest.fixture(scope="module")
def supply() -> pd.DataFrame:
    return datasets.load("course_supply")


def csv_rows(name: str) -> list[dict[str, str]]:
    """A table read with the csv module only, to check the library against."""
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rows_for(audience: str) -> list[dict[str, str]]:
    rows = csv_rows("course_supply.csv")
    return [r for r in rows if audience == "all" or audience in r["audience"].split(";")]


def expected_levels(audience: str) -> dict[tuple[str, str], int]:
    """(competence, offering) -> 2/1 recomputed from the raw rows: offered -> 2, pipeline -> 1."""
    demanded = {
        r["id"]
        for r in csv_rows("competences.csv")
        if r["finding"] in ("most_demanded", "hardest_to_find") and r["geography"] == "Sweden"
    }
    links: dict[str, set[str]] = {}
    for row in csv_rows("topic_competence_map.csv"):
        links.setdefault(row["topic"], set()).add(row["competence_id"])
    levels = {}
    for row in rows_for(audience):
        level = {"offered": 2, "in_development": 1, "under_review": 1}.get(row["status"])
        if level is None:
            continue
        for topic in filter(None, row["topics"].split(";")):
            for competence in links.get(topic, set()) & demanded:
                levels[(competence, row["id"])] = level
    return levels


def demanded_ids() -> list[str]:
    return [
        r["id"]
        for r in csv_rows("competences.csv")
        if r["finding"] in ("most_demanded", "hardest_to_find") and r["geography"] == "Sweden"
    ]


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


def test_filter_by_audience_validates(supply: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="parameter 'audience'"):
        cs.filter_by_audience(supply, "physician")


# --- the schema's categories are the ones the module labels and orders ------------------


def test_module_categories_match_the_schema() -> None:
    fields = {f.name: f for f in datasets.resources()["course_supply"].fields}
    assert tuple(fields["kind"].constraints["enum"]) == cs.KINDS
    assert tuple(fields["atmp_depth"].constraints["enum"]) == cs.DEPTHS
    assert tuple(fields["topics"].constraints["enum"]) == cs.TOPICS
    assert set(cs.AUDIENCE_ORDER) == set(fields["audience"].constraints["enum"])
    statuses = set(fields["status"].constraints["enum"])
    assert set(cs.CURRENT_STATUSES) | set(cs.NOT_CURRENT_STATUSES) == statuses
    assert set(cs.PIPELINE_STATUSES) < set(cs.NOT_CURRENT_STATUSES)


# --- inventory and pipeline --------------------------------------------------------------


def test_current_and_not_current_partition_the_offerings(supply: pd.DataFrame) -> None:
    current = cs.current_offerings(supply)
    other = cs.not_current_offerings(supply)
    assert set(current["id"]) | set(other["id"]) == set(supply["id"])
    assert set(current["id"]).isdisjoint(other["id"])
    assert set(current["id"]) == {
        r["id"] for r in csv_rows("course_supply.csv") if r["status"] == "offered"
    }


def test_pipeline_lists_development_before_review_before_held_once(supply: pd.DataFrame) -> None:
    statuses = list(cs.not_current_offerings(supply)["status"])
    order = [cs.NOT_CURRENT_STATUSES.index(status) for status in statuses]
    assert order == sorted(order)
    assert {"elearning_camp_gmp", "portfolio_vavnadsradet", "study_gms_physicians"} <= set(
        cs.not_current_offerings(supply)["id"]
    )


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_supply_summary_counts_the_rows(supply: pd.DataFrame, audience: str) -> None:
    rows = rows_for(audience)
    offered = [r for r in rows if r["status"] == "offered"]
    summary = cs.supply_summary(cs.filter_by_audience(supply, audience), "en")
    assert summary == {
        "total": str(len(rows)),
        "current": str(len(offered)),
        "dedicated": str(sum(r["atmp_depth"] == "dedicated" for r in offered)),
        "not_current": str(len(rows) - len(offered)),
    }


def test_inventory_table_shows_current_offerings_in_the_language(supply: pd.DataFrame) -> None:
    table = cs.inventory_table(supply, "sv")
    offered = [r for r in csv_rows("course_supply.csv") if r["status"] == "offered"]
    assert sorted(table[t("col_name", "sv")]) == sorted(r["name_sv"] for r in offered)
    assert list(table.columns)[:3] == [
        t("col_name", "sv"),
        t("col_kind", "sv"),
        t("col_audience", "sv"),
    ]
    bma = table.set_index(t("col_name", "sv")).loc["Biomedicinsk analytikerprogrammet (BMA)"]
    assert bma[t("col_provider", "sv")] == "Svenska lärosäten"
    assert bma[t("supply_col_depth", "sv")] == t("supply_depth_partial", "sv")
    assert "GMP (god tillverkningssed)" in bma[t("supply_col_topics", "sv")]


def test_inventory_is_sorted_by_kind_then_depth(supply: pd.DataFrame) -> None:
    ordered = cs._sorted(cs.current_offerings(supply))
    columns = zip(ordered["kind"], ordered["atmp_depth"], ordered["id"], strict=True)
    keys = [(cs.KINDS.index(kind), -cs.DEPTHS.index(depth), oid) for kind, depth, oid in columns]
    assert keys == sorted(keys)


def test_pipeline_table_carries_status_and_verbatim_quote(supply: pd.DataFrame) -> None:
    table = cs.pipeline_table(supply, "en").set_index(t("col_name", "en"))
    camp = table.loc["Tailored e-learning introductory course on GMP manufacture of ATMP"]
    assert camp[t("col_status", "en")] == "In development"
    raw = next(r for r in csv_rows("course_supply.csv") if r["id"] == "elearning_camp_gmp")
    assert camp[t("col_quote", "en")] == raw["quote"]
    assert len(table) == sum(r["status"] != "offered" for r in csv_rows("course_supply.csv"))


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_tables_show_the_provider_of_the_language(supply: pd.DataFrame, lang: str) -> None:
    raw = {r["id"]: r for r in csv_rows("course_supply.csv")}
    for table, rows in (
        (cs.inventory_table(supply, lang), cs._sorted(cs.current_offerings(supply))),
        (cs.pipeline_table(supply, lang), cs.not_current_offerings(supply)),
    ):
        expected = [raw[row_id][f"provider_{lang}"] for row_id in rows["id"]]
        assert table[t("col_provider", lang)].tolist() == expected


def test_providers_come_from_the_data_not_from_labels() -> None:
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert not any(label_id.startswith("supply_provider_") for label_id in ids)
    assert not hasattr(cs, "provider_label") and not hasattr(cs, "provider_slug")


def test_offering_counts_sum_to_the_offerings(supply: pd.DataFrame) -> None:
    current = cs.current_offerings(supply)
    by_kind = cs.offering_counts(current, "kind")
    assert by_kind["count"].sum() == len(current)
    assert (
        by_kind.groupby("kind")["count"].sum().to_dict() == current["kind"].value_counts().to_dict()
    )
    by_audience = cs.offering_counts(current, "audience")
    audiences = [a for cell in current["audience"] for a in split_list(cell)]
    assert by_audience["count"].sum() == len(audiences)
    dedicated = by_audience[by_audience["atmp_depth"] == "dedicated"]
    assert dedicated.set_index("audience")["count"].to_dict() == {
        audience: sum(
            audience in split_list(cell) and depth == "dedicated"
            for cell, depth in zip(current["audience"], current["atmp_depth"], strict=True)
        )
        for audience in dedicated["audience"]
    }


def test_offering_counts_rejects_unknown_grouping(supply: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="by='provider'"):
        cs.offering_counts(supply, "provider")


@pytest.mark.parametrize("by", ["kind", "audience"])
def test_depth_chart_stacks_every_current_offering(supply: pd.DataFrame, by: str) -> None:
    fig = cs.depth_chart(supply, by, "sv")
    assert [trace.name for trace in fig.data] == [t(f"supply_depth_{d}", "sv") for d in cs.DEPTHS]
    total = sum(sum(trace.y) for trace in fig.data)
    expected = cs.offering_counts(cs.current_offerings(supply), by)["count"].sum()
    assert total == expected
    note = fig.layout.annotations[0].text
    assert "course_supply.csv" in note and "002_e6db22695992e173.txt" in note
    assert note.startswith("Källa:")


# --- coverage ------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_coverage_matrix_matches_a_recomputation_from_the_csv_files(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame, audience: str
) -> None:
    cov = cs.coverage(cs.filter_by_audience(supply, audience), competences, topic_map)
    assert list(cov.matrix.index) == demanded_ids()
    matrix_statuses = ("offered", "in_development", "under_review")
    shown = {r["id"] for r in rows_for(audience) if r["status"] in matrix_statuses}
    assert set(cov.matrix.columns) == shown
    expected = expected_levels(audience)
    for competence in cov.matrix.index:
        for offering in cov.matrix.columns:
            got = int(cov.matrix.loc[competence, offering])
            assert got == expected.get((competence, offering), 0), (competence, offering)


@pytest.mark.parametrize("audience", cs.AUDIENCES)
def test_uncovered_and_pipeline_only_follow_the_matrix(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame, audience: str
) -> None:
    cov = cs.coverage(cs.filter_by_audience(supply, audience), competences, topic_map)
    levels = expected_levels(audience)
    best = {
        cid: max([v for (c, _), v in levels.items() if c == cid], default=0)
        for cid in demanded_ids()
    }
    assert cov.uncovered() == [cid for cid in demanded_ids() if best[cid] < 2]
    assert cov.pipeline_only() == [cid for cid in demanded_ids() if best[cid] == 1]


def test_whole_supply_leaves_only_in_vivo_models_uncovered(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    cov = cs.coverage(supply, competences, topic_map)
    assert cov.uncovered() == ["in_vivo_models"]
    assert "in_vivo_models" not in set(topic_map["competence_id"])  # why: no topic maps to it
    assert cov.thinly_covered() == ["compound_manufacturing_control", "gmp_cell_vector_production"]


def test_healthcare_staff_gaps_are_closed_only_by_the_pipeline(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    cov = cs.coverage(cs.filter_by_audience(supply, "healthcare_staff"), competences, topic_map)
    assert cov.pipeline_only() == ["production_gmp", "gmp_cell_vector_production"]
    assert cov.covering("production_gmp", cs.PIPELINE_ONLY) == ["elearning_camp_gmp"]


def test_coverage_text_is_computed_from_the_mapping(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    text = cs.coverage_text(cs.coverage(supply, competences, topic_map), "sv")
    assert text.startswith(t("supply_uncovered_text", "sv", items="In vivo-modeller"))
    extra = pd.DataFrame(
        {
            "topic": ["cell_therapy"],
            "competence_id": ["in_vivo_models"],
            "rationale_en": ["test"],
            "rationale_sv": ["test"],
        }
    )
    wider_map = pd.concat([topic_map, extra], ignore_index=True)
    cov = cs.coverage(supply, competences, wider_map)
    assert cov.uncovered() == []
    assert cs.coverage_text(cov, "en").startswith(t("supply_all_covered_text", "en"))


def test_coverage_text_names_pipeline_only_areas(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    cov = cs.coverage(cs.filter_by_audience(supply, "researchers"), competences, topic_map)
    text = cs.coverage_text(cov, "en")
    for name in competences.set_index("id").loc[cov.uncovered(), "name_en"]:
        assert name in text
    assert (
        t(
            "supply_pipeline_only_text",
            "en",
            items="Production (including GMP); Production of cells and viral vectors "
            "according to GMP",
        )
        in text
    )


def test_coverage_chart_draws_the_matrix(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    cov = cs.coverage(supply, competences, topic_map)
    fig = cs.coverage_chart(cov, "en")
    heatmap = fig.data[0]
    assert [list(row) for row in heatmap.z] == cov.matrix.astype(int).values.tolist()
    assert len(heatmap.x) == len(cov.matrix.columns)
    assert list(heatmap.y) == list(cov.competences["name_en"])
    assert list(heatmap.colorbar.ticktext) == [
        cs._wrap(t(f"supply_level_{level}", "en"), 20) for level in cs.LEVELS
    ]
    note = fig.layout.annotations[0].text.replace("<br>", " ")
    for file_name in ("course_supply.csv", "competences.csv", "topic_competence_map.csv"):
        assert file_name in note


def test_coverage_table_lists_covering_offerings(
    supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame
) -> None:
    cov = cs.coverage(supply, competences, topic_map)
    table = cs.coverage_table(cov, "en").set_index(t("supply_col_competence", "en"))
    assert len(table) == len(demanded_ids())
    vectors = table.loc["Production of cells and viral vectors according to GMP"]
    assert (
        vectors[t("supply_col_covered_now", "en")]
        == "Single lectures by guest lecturers from industry"
    )
    assert vectors[t("supply_col_deepest", "en")] == "Occasional"
    assert vectors[t("supply_col_covered_pipeline", "en")] == (
        "Tailored e-learning introductory course on GMP manufacture of ATMP"
    )
    assert table.loc["In vivo models", t("supply_col_coverage", "en")] == "Not covered"


def test_caveats_name_offerings_without_topics_and_held_once(supply: pd.DataFrame) -> None:
    notes = cs.caveat_notes(supply, "en")
    no_topics = [
        r["name_en"]
        for r in csv_rows("course_supply.csv")
        if not r["topics"] and r["status"] != "held_once"
    ]
    assert all(name in notes[0] for name in no_topics)
    assert "Introductory course on ATMP at a national conference" in notes[1]


# --- the mapping assumption ---------------------------------------------------------------


def test_mapping_table_shows_every_link(topic_map: pd.DataFrame, competences: pd.DataFrame) -> None:
    english = cs.mapping_table(topic_map, competences, "en")
    swedish = cs.mapping_table(topic_map, competences, "sv")
    assert len(english) == len(swedish) == len(csv_rows("topic_competence_map.csv"))
    assert sorted(english[t("supply_col_rationale", "en")]) == sorted(topic_map["rationale_en"])
    assert sorted(swedish[t("supply_col_rationale", "sv")]) == sorted(topic_map["rationale_sv"])
    note = cs.mapping_note(competences, "en")
    assert "topic_competence_map.csv" in note and "competences.csv" in note


def test_unmapped_topics_are_the_topics_missing_from_the_map(topic_map: pd.DataFrame) -> None:
    mapped = {r["topic"] for r in csv_rows("topic_competence_map.csv")}
    assert cs.unmapped_topics(topic_map) == [topic for topic in cs.TOPICS if topic not in mapped]


# --- labels -------------------------------------------------------------------------------


def used_label_ids(supply: pd.DataFrame, competences: pd.DataFrame) -> set[str]:
    """Static ids in the module and the notebook, plus the ids built from data values."""
    sources = MODULE.read_text(encoding="utf-8") + NOTEBOOK.read_text(encoding="utf-8")
    static = set(re.findall(r"[\"'\\]((?:supply|col)_[a-z_]+)[\\\"']", sources))
    static -= {"supply_kind_", "supply_audience_", "supply_topic_", "col_"}
    dynamic = {f"supply_kind_{k}" for k in cs.KINDS}
    dynamic |= {f"supply_depth_{d}" for d in cs.DEPTHS}
    dynamic |= {f"supply_topic_{topic}" for topic in cs.TOPICS}
    dynamic |= {f"supply_status_{s}" for s in cs.CURRENT_STATUSES + cs.NOT_CURRENT_STATUSES}
    dynamic |= {f"supply_audience_{a}" for a in cs.AUDIENCES + cs.AUDIENCE_ORDER}
    dynamic |= {f"supply_fee_{fee}" for fee in ("yes", "no", "not_stated")}
    dynamic |= {f"supply_level_{level}" for level in cs.LEVELS}
    dynamic |= {f"supply_finding_{finding}" for finding in cs.DEMAND_FINDINGS}
    return static | dynamic


def test_every_label_used_exists_in_both_languages(
    supply: pd.DataFrame, competences: pd.DataFrame
) -> None:
    assert i18n.label_problems() == []
    ids = used_label_ids(supply, competences)
    assert "supply_title" in ids and "supply_coverage_text" in ids
    for label_id in sorted(ids):
        for lang in i18n.LANGUAGES:
            assert t(label_id, lang).strip(), (label_id, lang)


def test_this_section_owns_only_supply_labels() -> None:
    with LABEL_FILE.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert all(label_id.startswith("supply_") for label_id in ids)


# --- the notebook under papermill ---------------------------------------------------------


class TableReader(HTMLParser):
    """Collect each HTML table as a list of rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


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


def outputs(notebook: nbformat.NotebookNode, mime: str) -> list:
    return [
        out["data"][mime]
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if mime in out.get("data", {})
    ]


def tables(notebook: nbformat.NotebookNode) -> list[list[list[str]]]:
    reader = TableReader()
    for html_text in outputs(notebook, "text/html"):
        if "<table" in html_text:
            reader.feed(html_text)
    return reader.tables


RUNS = {
    "healthcare": {"lang": "en", "audience": "healthcare_staff"},
    "swedish": {"lang": "sv", "audience": "students"},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """Both papermill runs, executed side by side to keep the file fast."""
    with ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        futures = {
            name: pool.submit(run_notebook, tmp_path_factory.mktemp(name), **parameters)
            for name, parameters in RUNS.items()
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def healthcare_run(runs: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    return runs["healthcare"]


@pytest.fixture(scope="module")
def swedish_run(runs: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    return runs["swedish"]


@pytest.mark.slow
def test_notebook_for_healthcare_staff_shows_only_their_offerings(
    healthcare_run: nbformat.NotebookNode,
) -> None:
    offering_tables = [tb for tb in tables(healthcare_run) if tb[0][0] == t("col_name", "en")]
    assert len(offering_tables) == 2  # the current inventory and the pipeline
    shown = [row[0] for table in offering_tables for row in table[1:]]
    expected = [r["name_en"] for r in rows_for("healthcare_staff")]
    assert sorted(shown) == sorted(expected)
    audience_column = offering_tables[0][0].index(t("col_audience", "en"))
    assert all("Healthcare staff" in row[audience_column] for row in offering_tables[0][1:])
    not_for_them = [
        r["name_en"]
        for r in csv_rows("course_supply.csv")
        if "healthcare_staff" not in r["audience"].split(";")
    ]
    page_text = json.dumps(outputs(healthcare_run, "text/html"), ensure_ascii=False)
    assert not any(name in page_text for name in not_for_them)


@pytest.mark.slow
def test_notebook_for_healthcare_staff_filters_the_coverage_matrix(
    healthcare_run: nbformat.NotebookNode,
) -> None:
    figures = outputs(healthcare_run, "application/vnd.plotly.v1+json")
    heatmaps = [f for f in figures if f["data"][0]["type"] == "heatmap"]
    assert len(heatmaps) == 1
    columns = [r for r in rows_for("healthcare_staff") if r["status"] != "held_once"]
    assert len(heatmaps[0]["data"][0]["x"]) == len(columns)
    markdown = "\n".join(outputs(healthcare_run, "text/markdown"))
    assert "Audience shown: **Healthcare staff**." in markdown
    assert "**No current offering covers:** Compound manufacturing control;" in markdown


@pytest.mark.slow
def test_notebook_in_swedish_has_swedish_headings(swedish_run: nbformat.NotebookNode) -> None:
    markdown = outputs(swedish_run, "text/markdown")
    headings = [text.lstrip("#").strip() for text in markdown if text.startswith("#")]
    assert headings == [t(label_id, "sv") for label_id in HEADING_IDS]
    english = {t(label_id, "en") for label_id in HEADING_IDS}
    assert english.isdisjoint(headings)
    header_rows = [table[0] for table in tables(swedish_run)]
    assert [t("col_name", "sv"), t("col_kind", "sv"), t("col_audience", "sv")] == header_rows[0][:3]
    figures = outputs(swedish_run, "application/vnd.plotly.v1+json")
    titles = [figure["layout"]["title"]["text"] for figure in figures]
    assert titles == [
        t("supply_chart_kind_title", "sv"),
        t("supply_chart_audience_title", "sv"),
        t("supply_coverage_chart_title", "sv"),
    ]


@pytest.mark.slow
def test_notebook_in_swedish_for_students_shows_no_pipeline(
    swedish_run: nbformat.NotebookNode,
) -> None:
    markdown = "\n".join(outputs(swedish_run, "text/markdown"))
    assert t("supply_pipeline_empty", "sv") in markdown
    assert "Målgrupp som visas: **Studenter**." in markdown


def test_notebook_validates_parameters_before_loading_data() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    assert code[0].source == 'lang = "en"\naudience = "all"'
    setup = code[1].source
    assert setup.index("check_params(lang, audience)") < setup.index("datasets.load(")
