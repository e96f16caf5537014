"""The shipped tables load, validate, and a broken copy is rejected with a precise message."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from atmp_lib import datasets
from atmp_lib.errors import DataError

TABLES = datasets.table_names()


def rewrite(path: Path, edit) -> None:
    """Read a CSV, let ``edit`` change its header and rows, write it back."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = edit(rows[0], rows[1:])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])


def set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    def edit(header, body):
        col = header.index(column)
        for row in body:
            if row[0] == row_id:
                row[col] = value
        return header, body

    rewrite(path, edit)


@pytest.mark.parametrize("name", TABLES)
def test_every_shipped_table_is_valid(name: str) -> None:
    assert datasets.validate_table(name) == []


@pytest.mark.parametrize("name", TABLES)
def test_load_gives_typed_non_empty_frames(name: str) -> None:
    frame = datasets.load(name)
    assert len(frame) > 0
    fields = {field.name: field.type for field in datasets.resources()[name].fields}
    assert list(frame.columns) == list(fields)
    expected = {"string": "str", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
    for column, field_type in fields.items():
        assert str(frame[column].dtype) == expected[field_type], column


@pytest.mark.parametrize("name", TABLES)
def test_every_english_column_has_a_required_swedish_twin(name: str) -> None:
    """Text shown in the page's language exists in both, side by side, never empty."""
    fields = {field.name: field for field in datasets.resources()[name].fields}
    names = list(fields)
    for column in [n for n in names if n.endswith("_en")]:
        twin = column.removesuffix("_en") + "_sv"
        assert names.index(twin) == names.index(column) + 1, (name, column)
        assert fields[column].constraints.get("required"), (name, column)
        assert fields[twin].constraints.get("required"), (name, twin)
    frame = datasets.load(name)
    for column in [n for n in names if n.endswith(("_en", "_sv"))]:
        assert (frame[column].str.strip() != "").all(), (name, column)


def test_facts_ids_are_unique_and_numbers_typed() -> None:
    facts = datasets.load("facts")
    assert facts["id"].is_unique
    assert facts["value"].dtype == "Float64"
    need = facts.set_index("id").loc["need_ccrm_nordic"]
    assert (need["low"], need["high"], need["qualifier"]) == (50, 100, "range")
    assert pd.isna(need["value"])


def test_validate_all_is_clean() -> None:
    assert datasets.validate_all() == []


def test_wrong_type_is_rejected_naming_file_row_and_column(data_copy: Path) -> None:
    set_cell(data_copy / "facts.csv", "need_companies", "value", "about 400")
    with pytest.raises(DataError) as caught:
        datasets.load("facts", data_copy)
    message = str(caught.value)
    assert "data/facts.csv, row" in message
    assert "(id=need_companies), column 'value': 'about 400' is not a valid number" in message


def test_missing_column_is_rejected(data_copy: Path) -> None:
    rewrite(data_copy / "facts.csv", lambda h, b: (h[:-1], [row[:-1] for row in b]))
    problems = datasets.validate_table("facts", data_copy)
    assert problems == ["data/facts.csv: missing column 'quote'"]


def test_extra_column_is_rejected(data_copy: Path) -> None:
    rewrite(data_copy / "course_supply.csv", lambda h, b: ([*h, "note"], [[*r, "x"] for r in b]))
    problems = datasets.validate_table("course_supply", data_copy)
    assert problems == ["data/course_supply.csv: unexpected column 'note'"]


def test_unknown_category_is_rejected(data_copy: Path) -> None:
    set_cell(data_copy / "facts.csv", "need_total", "qualifier", "roughly")
    problems = datasets.validate_table("facts", data_copy)
    assert any(
        "(id=need_total), column 'qualifier': 'roughly' is not one of the allowed values" in p
        for p in problems
    ), problems


def test_unknown_item_in_a_list_cell_is_rejected(data_copy: Path) -> None:
    first_id = datasets.load("course_supply")["id"].iloc[0]
    set_cell(data_copy / "course_supply.csv", first_id, "audience", "students;aliens")
    problems = datasets.validate_table("course_supply", data_copy)
    assert any(f"(id={first_id}), column 'audience': 'aliens' is not one of" in p for p in problems)


def test_value_outside_low_high_is_rejected(data_copy: Path) -> None:
    path = data_copy / "facts.csv"
    set_cell(path, "need_ccrm_nordic", "value", "120")
    set_cell(path, "need_ccrm_nordic", "quote", "")  # keep the failure about the range only
    problems = datasets.validate_table("facts", data_copy)
    assert any(
        "(id=need_ccrm_nordic), column 'value': value 120 is above high 100" in p for p in problems
    ), problems


def test_range_without_high_is_rejected(data_copy: Path) -> None:
    set_cell(data_copy / "facts.csv", "need_ccrm_nordic", "high", "")
    problems = datasets.validate_table("facts", data_copy)
    assert any("column 'low': a range needs both low and high" in p for p in problems), problems


def test_duplicate_id_is_rejected(data_copy: Path) -> None:
    rewrite(data_copy / "facts.csv", lambda h, b: (h, [*b, b[0]]))
    problems = datasets.validate_table("facts", data_copy)
    first = datasets.load("facts")["id"].iloc[0]
    assert any(f"column 'id': duplicate value {first!r} (first in row 1)" in p for p in problems)


def test_changed_quote_is_rejected(data_copy: Path) -> None:
    set_cell(data_copy / "facts.csv", "need_companies", "quote", "ca 450 personer")
    problems = datasets.validate_table("facts", data_copy)
    assert any(
        "(id=need_companies), column 'quote': the quote does not occur verbatim" in p
        for p in problems
    ), problems


def test_number_missing_from_quote_is_rejected(data_copy: Path) -> None:
    set_cell(data_copy / "facts.csv", "need_companies", "value", "410")
    problems = datasets.validate_table("facts", data_copy)
    assert any("(id=need_companies), column 'value': 410 does not occur" in p for p in problems)


def test_edited_source_text_breaks_its_quotes(data_copy: Path) -> None:
    source = data_copy / "raw" / "002_e6db22695992e173.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("ca 400", "ca 450"))
    problems = datasets.validate_table("facts", data_copy)
    assert any("(id=need_companies), column 'quote'" in p for p in problems), problems


def test_unknown_foreign_key_is_rejected(data_copy: Path) -> None:
    rows = datasets.load("international_initiatives")
    row_id = rows.loc[rows["scale_fact_id"].notna(), "id"].iloc[0]
    set_cell(data_copy / "international_initiatives.csv", row_id, "scale_fact_id", "no_such")
    problems = datasets.validate_table("international_initiatives", data_copy)
    assert any("'no_such' is not an id in facts.csv" in p for p in problems), problems


def test_unknown_table_name_lists_the_tables() -> None:
    with pytest.raises(KeyError, match="unknown table 'fact'; the tables are: facts"):
        datasets.load("fact")


def test_split_list() -> None:
    assert datasets.split_list("students;industry") == ["students", "industry"]
    assert datasets.split_list(pd.NA) == []


def test_the_data_package_passes_the_reference_validator() -> None:
    """frictionless, the Frictionless Data reference implementation, finds nothing wrong:
    resource profiles, types, constraints, primary and foreign keys."""
    from frictionless import validate

    report = validate(str(datasets.default_data_dir() / datasets.DESCRIPTOR))
    errors = [error.message for task in report.tasks for error in task.errors]
    errors += [error.message for error in report.errors]
    assert errors == []
    assert report.valid


def test_a_duplicated_composite_key_is_rejected(data_copy: Path) -> None:
    path = data_copy / "topic_competence_map.csv"
    rewrite(path, lambda header, body: (header, [*body, body[0]]))
    problems = datasets.validate_table("topic_competence_map", data_copy)
    assert any("duplicate primary key (topic, competence_id)" in p for p in problems), problems


def test_a_list_item_outside_its_pattern_names_the_item(data_copy: Path) -> None:
    path = data_copy / "international_initiatives.csv"
    rewrite(path, lambda header, body: (header, [
        [*row[: header.index("countries")], "GB;XX", *row[header.index("countries") + 1 :]]
        if index == 0 else row for index, row in enumerate(body)
    ]))  # fmt: skip
    problems = datasets.validate_table("international_initiatives", data_copy)
    assert any("'XX' is not one of the allowed values: GB, US, CA" in p for p in problems)


def test_a_quote_differing_only_in_case_is_not_verbatim(data_copy: Path) -> None:
    facts = datasets.load("facts")
    quote = facts.loc[facts["id"] == "need_companies", "quote"].iloc[0]
    lowered = quote.replace("Företagen", "företagen")
    set_cell(data_copy / "facts.csv", "need_companies", "quote", lowered)
    problems = datasets.validate_table("facts", data_copy)
    assert any("(id=need_companies), column 'quote': the quote does not occur verbatim" in p
               for p in problems), problems  # fmt: skip


@pytest.mark.parametrize("column", ["low", "high"])
def test_a_range_end_missing_from_its_quote_is_rejected(data_copy: Path, column: str) -> None:
    set_cell(data_copy / "facts.csv", "need_ccrm_nordic", column, "75")
    problems = datasets.validate_table("facts", data_copy)
    assert any(f"(id=need_ccrm_nordic), column '{column}': 75 does not occur in the quote" in p
               for p in problems), problems  # fmt: skip


def test_a_fraction_in_an_integer_column_is_rejected_not_truncated(data_copy: Path) -> None:
    set_cell(data_copy / "landscape.csv", "lu_atmp", "start_year", "2021.5")
    problems = datasets.validate_table("landscape", data_copy)
    assert any("(id=lu_atmp), column 'start_year': '2021.5' is not a valid integer" in p
               for p in problems), problems  # fmt: skip


def test_the_population_figures_are_the_agencies_figures() -> None:
    from atmp_lib.population import population_of

    population = datasets.load("population")
    assert population_of(population, "SE") == 10_452_326  # SCB, 31 December 2021
    assert population_of(population, "GB") == 67_026_292  # ONS, mid-2021


def test_the_nordic_population_figures_are_the_agencies_figures() -> None:
    from atmp_lib.population import population_of

    population = datasets.load("population")
    nordic = population.loc[population["nordic"], "country"]
    assert sorted(nordic) == ["DK", "FI", "IS", "NO", "SE"]
    assert population_of(population, "DK") == 5_873_420  # Statistics Denmark, 1 January 2022
    assert population_of(population, "FI") == 5_548_241  # Statistics Finland, 1 January 2022
    assert population_of(population, "NO") == 5_425_270  # Statistics Norway, 1 January 2022
    assert population_of(population, "IS") == 376_248  # Statistics Iceland, 1 January 2022
