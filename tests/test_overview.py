"""The overview section: calculations from the facts and landscape tables, and their views."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from atmp_lib import claims, datasets, i18n, overview
from atmp_lib.facts import get_fact
from atmp_lib.formatting import format_formula

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODULE = PROJECT_ROOT / "atmp_lib" / "overview.py"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "01_overview.ipynb"
NUMBER = re.compile(r"\d+(?:[,\u202f]\d{3})*(?:[.,]\d+)?")


@pytest.fixture(scope="module")
def verdicts() -> pd.DataFrame:
    return datasets.load("verdicts")


def assumption(assumptions: pd.DataFrame, assumption_id: str) -> float:
    return float(assumptions.set_index("id").loc[assumption_id, "value"])


def unexplained(text: str, recorded: list[dict[str, object]]) -> list[str]:
    """Numbers written in ``text`` that no recorded claim's text contains."""
    return [n for n in NUMBER.findall(text) if not any(n in str(c["text"]) for c in recorded)]


# --- calculations -------------------------------------------------------------------------


def test_phase3_share_is_phase3_over_all_trials(facts) -> None:
    share = overview.phase3_share(facts)
    assert share.value == pytest.approx(100 * 222 / 2400)
    assert share.approximate  # 2400 is "ca 2400"
    assert share.inputs == ("global_phase3_trials_2021", "global_clinical_trials_2021")
    assert format_formula(share.formula, "en") == "222 / 2,400 × 100"
    assert format_formula(share.formula, "sv") == "222 / 2\u202f400 × 100"


def test_sponsor_split_adds_up_to_all_trials(facts) -> None:
    split = overview.trials_by_sponsor(facts)
    total = get_fact(facts, "global_clinical_trials_2021").central
    assert split["industry"].value + split["academia"].value == pytest.approx(total)
    assert split["industry"].value == pytest.approx(total / 2)


def test_skr_split_rests_on_its_assumptions(facts, assumptions) -> None:
    per_hospital, per_year = overview.skr_investment_figures(facts, assumptions)
    investment = get_fact(facts, "skr_investment").value
    years = assumption(assumptions, "skr_period_years")
    assert per_hospital.value == pytest.approx(investment / 7)
    assert per_year.value == pytest.approx(investment / years)
    assert per_hospital.assumption == "skr_even_split" and per_year.assumption == "skr_period_years"
    assert "assumption:skr_period_years" in per_year.inputs


def test_skr_years_assumption_is_the_inclusive_count_of_the_period(facts, assumptions) -> None:
    first, last = (int(year) for year in get_fact(facts, "skr_investment").period.split("-"))
    assert assumption(assumptions, "skr_period_years") == last - first + 1


def test_changing_the_years_assumption_changes_the_yearly_figure(facts, assumptions) -> None:
    ten = assumptions.assign(
        value=assumptions["value"].where(assumptions["id"] != "skr_period_years", 10.0)
    )
    _, per_year = overview.skr_investment_figures(facts, ten)
    assert per_year.value == pytest.approx(120)
    with pytest.raises(KeyError, match="skr_period_years"):
        overview.skr_investment_figures(facts, assumptions[assumptions["id"] != "skr_period_years"])


@pytest.mark.parametrize(
    ("lang", "per_hospital", "per_year"),
    [
        ("en", "about SEK 170 million", "about SEK 110 million"),
        ("sv", "ca 170 miljoner SEK", "ca 110 miljoner SEK"),
    ],
)
def test_skr_split_is_shown_rounded(facts, assumptions, lang, per_hospital, per_year) -> None:
    values = overview.sweden_values(facts, assumptions, lang)
    assert (values["per_hospital"], values["per_year"]) == (per_hospital, per_year)
    assert values["period"] == "2007–2017"


def test_derived_table_rounds_as_the_inputs_allow(facts, assumptions) -> None:
    table = overview.derived_figures_table(overview.derived_figures(facts, assumptions), "en")
    assert table["Value"].tolist() == [
        "about 9%", "about 1,200", "about 1,200", "about SEK 170 million", "about SEK 110 million",
    ]  # fmt: skip
    assert table["Formula"].iloc[3] == "1,200 / 7"
    swedish = overview.derived_figures_table(overview.derived_figures(facts, assumptions), "sv")
    assert swedish["Formel"].iloc[3] == "1\u202f200 / 7"
    assert swedish["Värde"].iloc[0] == "ca 9\u00a0%"


# --- global context -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_global_table_has_one_row_per_key_figure(facts, lang) -> None:
    table = overview.global_context_table(facts, lang)
    assert len(table) == len(overview.GLOBAL_CONTEXT_IDS)
    quotes = table.iloc[:, -1].tolist()
    expected = [get_fact(facts, fact_id).quote for fact_id in overview.GLOBAL_CONTEXT_IDS]
    assert quotes == expected


@pytest.mark.parametrize(
    ("lang", "money"), [("en", "USD 22.7 billion"), ("sv", "22,7 miljarder USD")]
)
def test_money_is_written_the_languages_way(facts, lang, money) -> None:
    table = overview.global_context_table(facts, lang)
    row = table.iloc[overview.GLOBAL_CONTEXT_IDS.index("global_private_investment_2021")]
    assert row.iloc[1] == money and row.iloc[2] == ""
    assert overview.global_values(facts, lang)["investment"] == money


def test_global_text_names_the_alliance_report_and_the_record(facts) -> None:
    english = i18n.t("overview_global_text", "en", **overview.global_values(facts, "en"))
    assert "Alliance for Regenerative Medicine" in english and "rekordstora" in english
    assert "about 9% of all" in english and "USD 22.7 billion" in english
    swedish = i18n.t("overview_global_text", "sv", **overview.global_values(facts, "sv"))
    assert "rekordstora privata investeringar" in swedish and "ca 2\u202f400" in swedish
    assert "Alliance for Regenerative 2021 Annual Report" in overview.reference_note("sv")


def test_swedish_table_headers_are_swedish(facts, landscape) -> None:
    assert list(overview.global_context_table(facts, "sv").columns) == [
        "Siffra", "Värde", "Enhet", "Citat",
    ]  # fmt: skip
    assert "Namn" in overview.landscape_table(landscape, "sv").columns


def test_trials_chart_carries_a_source_note_and_the_year(facts) -> None:
    fig = overview.trials_chart(facts, "sv")
    notes = [a.text for a in fig.layout.annotations]
    assert any(note.startswith("Källa: facts.csv") for note in notes)
    assert fig.layout.title.text.endswith("2021")
    assert all(float(y).is_integer() for y in fig.data[0].y)


# --- the Swedish landscape ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_skr_is_the_association_of_local_authorities_and_regions(facts, assumptions, lang) -> None:
    text = i18n.t("overview_sweden_text", lang, **overview.sweden_values(facts, assumptions, lang))
    assert "Sveriges Kommuner och Regioner (SKR" in text
    assert "county council" not in text.lower() and "landsting" not in text.lower()


def test_lund_stem_cell_center_is_a_research_centre(landscape) -> None:
    kinds = landscape.set_index("id")["kind"]
    assert kinds["lund_stem_cell_center"] == "research_centre"
    assert kinds["karolinska_atmp_centre"] == "atmp_centre"


def test_landscape_names_the_education_providers_the_report_names(landscape) -> None:
    providers = landscape[landscape["kind"] == "education_provider"]
    assert set(providers["id"]) == {"lakemedelsakademin", "vavnadsradet_vog_cell"}
    assert providers["quote"].str.contains("Läkemedelsakademin").any()
    assert providers["quote"].str.contains("VoG Cell").any()


def test_ccrm_nordic_is_a_proposal(landscape) -> None:
    row = landscape.set_index("id").loc["ccrm_nordic"]
    assert row["status"] == "proposed"
    assert "föreslagna infrastrukturen" in row["description_sv"]


def test_descriptions_start_each_sentence_once(landscape) -> None:
    """No garbled sentence starts such as "Startåret Grunden lades" (two capitals in a row)."""
    for column in ("description_en", "description_sv"):
        garbled = landscape[column].str.contains(r"\b[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+ lades")
        assert not garbled.any(), landscape.loc[garbled, "id"].tolist()


def test_landscape_table_orders_by_kind_and_records_its_numbers(landscape) -> None:
    claims.take()
    table = overview.landscape_table(landscape, "en")
    taken = claims.take()
    order = list(overview.KIND_ORDER)
    kinds = [landscape.set_index("name_en").loc[name, "kind"] for name in table["Name"]]
    assert [order.index(kind) for kind in kinds] == sorted(order.index(kind) for kind in kinds)
    karolinska = "data:landscape:karolinska_atmp_centre:description_en"
    assert {"text": "1975", "value": 1975.0, "basis": karolinska} in taken
    for text in table["Description"]:
        assert unexplained(text, taken) == []


def test_swedish_landscape_table_uses_swedish_names(landscape) -> None:
    names = set(overview.landscape_table(landscape, "sv")["Namn"])
    assert names == set(landscape["name_sv"])
    assert "Kliniskt ATMP-centrum vid Skånes universitetssjukhus" in names


def test_landscape_chart_counts_every_row(landscape) -> None:
    fig = overview.landscape_chart(landscape, "en")
    assert sum(sum(trace.y) for trace in fig.data) == len(landscape)


def test_karolinska_has_no_start_year_only_its_roots_fact(landscape, facts) -> None:
    row = landscape.set_index("id").loc["karolinska_atmp_centre"]
    assert pd.isna(row["start_year"])
    assert get_fact(facts, row["fact_id"]).value == 1975


def test_assumptions_table_shows_both_skr_assumptions(assumptions) -> None:
    table = overview.assumptions_table(assumptions, "sv")
    assert table["Värde"].tolist() == ["Jämn fördelning", "11 år"]
    assert table["Motivering"].str.len().gt(0).all()


# --- the term, the classes and the report's own words -------------------------------------


def test_classes_are_attributed_to_the_karolinska_news_item() -> None:
    for lang in ("en", "sv"):
        text = i18n.t("overview_classes_text", lang)
        assert "Karolinska" in text and not re.search(r"\bEU\b", text)
    assert "Karolinska" in datasets.resources()["atmp_classes"].title


def test_every_verdict_the_page_shows_is_an_overview_row(verdicts) -> None:
    shown = [
        *overview.BACKGROUND_VERDICTS,
        overview.TERM_VERDICT,
        *overview.CONCLUSION_VERDICTS,
        *overview.SIGNAL_VERDICTS,
    ]
    rows = verdicts.set_index("id")
    assert set(shown) <= set(rows.index)
    assert (rows.loc[shown, "section"] == "overview").all()
    assert "Europeiska läkemedelsverkets klassificering" in rows.loc["atmp_term_footnote", "quote"]
    assert "där utförare, behovsägare och finansiärer samverkar" in " ".join(
        rows.loc[list(overview.CONCLUSION_VERDICTS), "quote"]
    )


# --- labels, claims and language ----------------------------------------------------------


def used_label_ids() -> set[str]:
    """Label ids named in the module and the notebook, with the kinds and statuses expanded."""
    sources = MODULE.read_text("utf-8") + NOTEBOOK.read_text("utf-8")
    ids = set(re.findall(r"[\"'](overview_[a-z_]+|chart_[a-z_]+|axis_[a-z_]+)[\"']", sources))
    ids -= set(datasets.load("verdicts")["id"])
    fields = {field.name: field for field in datasets.resources()["landscape"].fields}
    ids |= {f"kind_{kind}" for kind in fields["kind"].constraints["enum"]}
    ids |= {f"status_{status}" for status in fields["status"].constraints["enum"]}
    return ids


def test_every_used_label_exists_in_both_languages() -> None:
    rows = {row["id"]: row for row in i18n.label_rows()}
    missing = sorted(label for label in used_label_ids() if label not in rows)
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_page_texts_record_every_number_they_write(facts, assumptions, lang) -> None:
    claims.take()
    texts = [
        i18n.t("overview_global_text", lang, **overview.global_values(facts, lang)),
        i18n.t("overview_sweden_text", lang, **overview.sweden_values(facts, assumptions, lang)),
        i18n.t("overview_background_text", lang, **overview.background_values(facts, lang)),
    ]
    taken = claims.take()
    assert [unexplained(text, taken) for text in texts] == [[], [], []]
    assert any(c["basis"] == "derived:1\u202f200 / 7" for c in taken)


def test_swedish_page_has_no_english_labels(facts, assumptions, landscape) -> None:
    frames = [
        overview.global_context_table(facts, "sv"),
        overview.derived_figures_table(overview.derived_figures(facts, assumptions), "sv"),
        overview.assumptions_table(assumptions, "sv"),
        overview.landscape_table(landscape, "sv"),
    ]
    text = "\n".join(frame.to_csv() for frame in frames)
    text += overview.landscape_chart(landscape, "sv").to_json()
    english = [
        row["en"]
        for row in i18n.label_rows()
        if row["file"] == "overview.csv" and row["en"] != row["sv"] and "{" not in row["en"]
    ]
    assert [phrase for phrase in english if re.search(rf"\b{re.escape(phrase)}\b", text)] == []
