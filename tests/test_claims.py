"""The claims register records what each number on a page rests on."""

from __future__ import annotations

import nbformat
import pytest

from atmp_lib import claims, datasets
from atmp_lib.facts import get_fact


def test_number_records_its_text_value_and_basis() -> None:
    claims.take()
    text = claims.number(1234.5, "sv", "derived:a + b", decimals=1)
    assert text == "1\u202f234,5"
    assert claims.take() == [{"text": text, "value": 1234.5, "basis": "derived:a + b"}]
    assert claims.take() == []


def test_fact_display_is_a_claim_on_its_row() -> None:
    claims.take()
    text = get_fact(datasets.load("facts"), "need_companies").display("sv")
    assert claims.take() == [{"text": text, "value": 400.0, "basis": "fact:need_companies"}]


def test_unknown_basis_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        claims.record("3", 3, "guess:three")


def _notebook(*outputs: tuple[str, str, list[dict]]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("")
    for mimetype, text, recorded in outputs:
        metadata = {claims.METADATA_KEY: {"claims": recorded}} if recorded else {}
        cell.outputs.append(
            nbformat.v4.new_output("display_data", data={mimetype: text}, metadata=metadata)
        )
    return nbformat.v4.new_notebook(cells=[cell])


def test_register_explains_recorded_numbers_and_flags_the_rest() -> None:
    recorded = [{"text": "ca 400", "value": 400.0, "basis": "fact:need_companies"}]
    nb = _notebook(("text/markdown", "Companies need ca 400 people, maybe 7 more.", recorded))
    statements = claims.register(nb, "p.html", "sv")
    assert [(s.number, s.basis) for s in statements] == [("400", "fact:need_companies"), ("7", "")]
    assert [s.number for s in claims.unexplained(statements)] == ["7"]


def test_numbers_in_a_derived_formula_explain_the_formula_cell() -> None:
    recorded = [{"text": "1,5", "value": 1.492, "basis": "derived:100 × 1 000 000 / 67 026 292"}]
    formula = "100 × 1\u202f000\u202f000 / 67\u202f026\u202f292"
    table = f"<table><tr><td>1,5</td><td>{formula}</td></tr></table>"
    statements = claims.register(_notebook(("text/html", table, recorded)), "p.html", "sv")
    assert claims.unexplained(statements) == []
    assert [s.number for s in statements][1:] == [
        "100",
        "1\u202f000\u202f000",
        "67\u202f026\u202f292",
    ]


def test_a_fact_id_does_not_explain_the_number_in_its_name() -> None:
    recorded = [{"text": "31", "value": 31.0, "basis": "fact:job_ads_sweden_2021"}]
    statements = claims.register(
        _notebook(("text/markdown", "31 ads in 2021", recorded)), "p", "en"
    )
    assert [s.number for s in claims.unexplained(statements)] == ["2021"]


def test_source_notes_quotes_charts_and_names_are_not_claims() -> None:
    note = '<p class="atmp-source-note"><small>Source: 002_e6db22695992e173.txt</small></p>'
    quote = '<blockquote class="atmp-verdict">”över 500 personer”</blockquote>'
    chart = {"application/vnd.plotly.v1+json": "{}", "text/html": "<div>123</div>"}
    nb = _notebook(
        ("text/html", note + quote, []), ("text/markdown", "Innovationsmiljön ATMP 2030", [])
    )
    nb.cells[0].outputs.append(nbformat.v4.new_output("display_data", data=chart))
    statements = claims.register(nb, "p", "sv")
    assert [(s.number, s.basis) for s in statements] == [("2030", "name:ATMP 2030")]


def test_a_verbatim_source_sentence_in_a_table_is_a_quote() -> None:
    sources = ["verksamheter i Sverige att behöva rekrytera över 500 personer med"]
    cell = "<table><tr><td>att behöva rekrytera över 500 personer</td></tr></table>"
    statements = claims.register(_notebook(("text/html", cell, [])), "p", "sv", sources)
    assert statements == []


def test_swedish_and_english_number_tokens() -> None:
    assert claims.numbers_in("1\u202f200,5 och 22,7 samt P10 och 2022–2026", "sv") == [
        "1\u202f200,5",
        "22,7",
        "2022",
        "2026",
    ]
    assert claims.numbers_in("1,200.5 and 22.7, P90", "en") == ["1,200.5", "22.7"]
    assert claims.parse_number("1\u202f200,5", "sv") == 1200.5


def test_register_file_has_one_row_per_statement(tmp_path) -> None:
    rows = [claims.Statement("p", "en", "ctx", "5", 5.0, "fact:x")]
    claims.write_register(tmp_path / "claims.csv", rows)
    assert (tmp_path / "claims.csv").read_text().splitlines() == [
        ",".join(claims.REGISTER_COLUMNS),
        "p,en,ctx,5,5.0,fact:x",
    ]


def test_a_number_is_explained_by_its_own_output_s_claim_first() -> None:
    first = [{"text": "1,200", "value": 1200.0, "basis": "derived:2,400 × 50 / 100"}]
    second = [{"text": "SEK 1,200 million", "value": 1200.0, "basis": "fact:skr_investment"}]
    nb = _notebook(("text/markdown", "About 1,200 trials.", first),
                   ("text/markdown", "SEK 1,200 million in 2007.", second))  # fmt: skip
    statements = claims.register(nb, "p", "en")
    assert [(s.number, s.basis) for s in statements if s.number == "1,200"] == [
        ("1,200", "derived:2,400 × 50 / 100"), ("1,200", "fact:skr_investment")
    ]


def test_a_number_is_explained_by_the_claim_whose_words_stand_around_it() -> None:
    recorded = [
        {"text": "över 40 %", "value": 40.0, "basis": "fact:uk_apprenticeship_org_share"},
        {"text": "upp till 40 %", "value": 40.0, "basis": "fact:us_ca_study_share"},
    ]
    nb = _notebook(("text/markdown", "Studien: upp till 40 % av arbetsgivarna.", recorded))
    [statement] = claims.register(nb, "p", "sv")
    assert statement.basis == "fact:us_ca_study_share"


def test_a_number_near_a_claim_but_not_it_is_unexplained() -> None:
    recorded = [
        {"text": "ca 400", "value": 400.0, "basis": "fact:need_companies"},
        {"text": "22.7", "value": 22.7, "basis": "fact:global_private_investment_2021"},
    ]
    text = "About 400 people, or 401; USD 22.7 billion, not 22.8 or 23.6; 23 in all."
    statements = claims.register(_notebook(("text/markdown", text, recorded)), "p", "en")
    assert [s.number for s in claims.unexplained(statements)] == ["401", "22.8", "23.6"]


def test_a_repeated_number_in_a_table_rests_on_the_claim_of_its_own_row() -> None:
    recorded = [
        {"text": "15", "value": 15.0, "basis": "parameter:apprenticeship_places_sweden"},
        {"text": "5", "value": 5.0, "basis": "assumption:apprenticeship_places_sweden"},
        {"text": "15", "value": 15.0, "basis": "parameter:recruited_abroad_share"},
        {"text": "5", "value": 5.0, "basis": "assumption:recruited_abroad_share"},
    ]
    table = (
        "<table><tr><td>15 places</td><td>5 to 50</td></tr>"
        "<tr><td>15% of the need</td><td>5 to 30%</td></tr></table>"
    )
    statements = claims.register(_notebook(("text/html", table, recorded)), "p", "en")
    assert [(s.context, s.number, s.basis) for s in statements if s.number in ("5", "15")] == [
        ("15 places", "15", "parameter:apprenticeship_places_sweden"),
        ("5 to 50", "5", "assumption:apprenticeship_places_sweden"),
        ("15% of the need", "15", "parameter:recruited_abroad_share"),
        ("5 to 30%", "5", "assumption:recruited_abroad_share"),
    ]


def test_a_claim_writing_two_numbers_explains_both() -> None:
    recorded = [
        {"text": "100", "value": 100.0, "basis": "parameter:rounding_step_companies"},
        {"text": "50–100", "value": 75.0, "basis": "fact:need_ccrm_nordic"},
    ]
    text = "Rounded to the nearest 100. CCRM Nordic (50–100, if established)."
    statements = claims.register(_notebook(("text/markdown", text, recorded)), "p", "en")
    assert [(s.number, s.basis) for s in statements] == [
        ("100", "parameter:rounding_step_companies"),
        ("50", "fact:need_ccrm_nordic"),
        ("100", "fact:need_ccrm_nordic"),
    ]


def test_numbers_inside_a_verbatim_quotation_are_the_source_s_not_claims() -> None:
    sources = ["satsning på 1 200 miljoner SEK under 2007-2017 för att bygga upp vid de sju"]
    text = "Only the total (“1 200 miljoner SEK under 2007-2017 … vid de sju”), 7 hospitals."
    recorded = [{"text": "7", "value": 7.0, "basis": "fact:hospitals"}]
    statements = claims.register(_notebook(("text/markdown", text, recorded)), "p", "en", sources)
    assert [s.number for s in statements] == ["7"]
    unquoted = "A reading (“1 200 miljoner kronor”), not the source's words."
    assert claims.numbers_in(claims.without_quotations(unquoted, sources), "en") == ["1", "200"]


def test_a_number_taken_from_a_data_text_rests_on_that_text_wherever_it_was_recorded() -> None:
    claims.take()
    claims.record("2007", 2007, "data:landscape:skr:start_year")
    claims.record_numbers("SKR invested under 2007–2017.", "data:landscape:skr:description_en")
    recorded = claims.take()
    assert recorded[1]["within"] == "SKR invested under 2007–2017."
    table = "<table><tr><td>SKR invested under 2007–2017.</td><td>2007</td></tr></table>"
    statements = claims.register(_notebook(("text/html", table, recorded)), "p", "en")
    assert [(s.number, s.basis) for s in statements] == [
        ("2007", "data:landscape:skr:description_en"),
        ("2017", "data:landscape:skr:description_en"),
        ("2007", "data:landscape:skr:start_year"),
    ]
