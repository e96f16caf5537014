"""The overview section: its language-free calculations, its views and the data it owns."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pandas as pd
import pytest

from atmp_lib import claims, datasets, i18n, provenance
from atmp_lib.charts import PALETTE
from atmp_lib.facts import get_fact
from atmp_lib.figure_views import figure_text, figures_table, formula_text
from atmp_lib.sections.overview import calculations, views

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECTION = PROJECT_ROOT / "atmp_lib" / "sections" / "overview"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "01_overview.ipynb"
NUMBER = re.compile(r"\d+(?:[,\u202f]\d{3})*(?:[.,]\d+)?")
#: Words a landscape row's own quote must hold for the status it is given.
STATUS_WORDS = {
    "newly_established": "newly established",
    "being_built": "being built",
    "being_established": "etableringen",
    "planned": "assignment to develop",
    "proposed": "föreslagna",
    "completed": "under 2007-2017",
}


@pytest.fixture(scope="module")
def verdicts() -> pd.DataFrame:
    return datasets.load("verdicts")


@pytest.fixture(scope="module")
def public_facts() -> pd.DataFrame:
    return datasets.load("public_facts")


@pytest.fixture(scope="module")
def classes() -> pd.DataFrame:
    return datasets.load("atmp_classes")


def assumption(assumptions: pd.DataFrame, assumption_id: str) -> float:
    return float(assumptions.set_index("id").loc[assumption_id, "value"])


def unexplained(text: str, recorded: list[dict[str, object]]) -> list[str]:
    """Numbers written in ``text`` that no recorded claim's text contains."""
    return [n for n in NUMBER.findall(text) if not any(n in str(c["text"]) for c in recorded)]


# --- the layers ---------------------------------------------------------------------------


def test_the_old_flat_module_is_gone() -> None:
    assert not (PROJECT_ROOT / "atmp_lib" / "overview.py").exists()
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("atmp_lib.overview")


def test_calculations_know_no_language_labels_or_charts() -> None:
    source = (SECTION / "calculations.py").read_text("utf-8")
    for word in (r"\blang\b", r"\bi18n\b", r"\bplotly\b", r"\bclaims\b", r"\bt\("):
        assert not re.search(word, source), word


# --- calculations -------------------------------------------------------------------------


def test_phase3_share_is_phase3_over_all_trials(facts) -> None:
    share = calculations.phase3_share(facts)
    assert share.value == pytest.approx(100 * 222 / 2400)
    assert share.qualifier == "approx"  # 2400 is "ca 2400"
    assert share.inputs == ("fact:global_phase3_trials_2021", "fact:global_clinical_trials_2021")
    assert formula_text(share.formula, "en") == "222 / 2,400 × 100"
    assert formula_text(share.formula, "sv") == "222 / 2\u202f400 × 100"


def test_sponsor_split_adds_up_to_all_trials(facts) -> None:
    companies, academia = calculations.trials_by_sponsor(facts)
    total = get_fact(facts, "global_clinical_trials_2021").central
    assert companies.value + academia.value == pytest.approx(total)
    assert companies.value == pytest.approx(total / 2)
    assert companies.decimals == academia.decimals == -2


def test_skr_split_rests_on_its_assumptions(facts, assumptions) -> None:
    per_hospital, per_year = calculations.skr_investment_figures(facts, assumptions)
    investment = get_fact(facts, "skr_investment").value
    years = assumption(assumptions, "skr_period_years")
    assert per_hospital.value == pytest.approx(investment / 7)
    assert per_year.value == pytest.approx(investment / years)
    assert per_hospital.assumptions == ("skr_even_split",)
    assert set(per_year.assumptions) == {"skr_even_split", "skr_period_years"}
    assert "assumption:skr_period_years" in per_year.inputs


def test_skr_years_assumption_is_the_inclusive_count_of_the_period(facts, assumptions) -> None:
    first, last = (int(year) for year in get_fact(facts, "skr_investment").period.split("-"))
    assert assumption(assumptions, "skr_period_years") == last - first + 1


def test_changing_the_years_assumption_changes_the_yearly_figure(facts, assumptions) -> None:
    ten = assumptions.assign(
        value=assumptions["value"].where(assumptions["id"] != "skr_period_years", 10.0)
    )
    _, per_year = calculations.skr_investment_figures(facts, ten)
    assert per_year.value == pytest.approx(120)
    without = assumptions[assumptions["id"] != "skr_period_years"]
    with pytest.raises(KeyError, match="skr_period_years"):
        calculations.skr_investment_figures(facts, without)


def test_landscape_counts_follow_a_changed_status(landscape) -> None:
    counts = calculations.landscape_counts(landscape)
    assert counts["count"].sum() == len(landscape)
    changed = landscape.assign(status="not_stated")
    assert calculations.landscape_counts(changed)["status"].unique().tolist() == ["not_stated"]


# --- derived figures as shown -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "per_hospital", "per_year"),
    [
        ("en", "about SEK 170 million", "about SEK 110 million"),
        ("sv", "ca 170 miljoner SEK", "ca 110 miljoner SEK"),
    ],
)
def test_skr_split_is_shown_rounded(facts, assumptions, lang, per_hospital, per_year) -> None:
    values = views.sweden_values(facts, assumptions, lang)
    assert (values["per_hospital"], values["per_year"]) == (per_hospital, per_year)
    assert values["period"] == "2007–2017"


def test_derived_table_rounds_as_the_inputs_allow(facts, assumptions) -> None:
    shown = calculations.derived_figures(facts, assumptions)
    table = figures_table(shown, "en")
    assert table["Value"].tolist() == [
        "about 9%", "about 1,200", "about 1,200", "about SEK 170 million", "about SEK 110 million",
    ]  # fmt: skip
    assert table["Formula"].iloc[3] == "1,200 / 7"
    assert table["Figure"].iloc[3].startswith("Investment by SKR (then SKL) per university")
    swedish = figures_table(shown, "sv")
    assert swedish["Formel"].iloc[3] == "1\u202f200 / 7"
    assert swedish["Värde"].iloc[0] == "ca 9\u00a0%"
    assert "dåvarande SKL" in swedish["Siffra"].iloc[4]


def test_derived_note_names_the_facts_the_figures_rest_on(facts, assumptions) -> None:
    shown = calculations.derived_figures(facts, assumptions)
    assert calculations.fact_ids(shown) == [
        "global_phase3_trials_2021", "global_clinical_trials_2021",
        "global_industry_sponsored_share", "skr_investment", "university_hospitals_with_atmp",
    ]  # fmt: skip
    assert views.derived_note(shown, facts, "en").startswith("Source: facts.csv")


# --- global context -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_global_table_has_one_row_per_key_figure(facts, lang) -> None:
    table = views.global_context_table(facts, lang)
    assert len(table) == len(calculations.GLOBAL_CONTEXT_IDS)
    quotes = table.iloc[:, -1].tolist()
    expected = [get_fact(facts, fact_id).quote for fact_id in calculations.GLOBAL_CONTEXT_IDS]
    assert quotes == expected


@pytest.mark.parametrize(
    ("lang", "money"), [("en", "USD 22.7 billion"), ("sv", "22,7 miljarder USD")]
)
def test_money_is_written_the_languages_way(facts, lang, money) -> None:
    table = views.global_context_table(facts, lang)
    row = table.iloc[calculations.GLOBAL_CONTEXT_IDS.index("global_private_investment_2021")]
    assert row.iloc[1] == money and row.iloc[2] == ""
    assert views.global_values(facts, lang)["investment"] == money


def test_global_text_names_the_alliance_report_and_the_record(facts) -> None:
    english = i18n.t("overview_global_text", "en", **views.global_values(facts, "en"))
    assert "Alliance for Regenerative Medicine" in english and "rekordstora" in english
    assert "about 9% of all" in english and "USD 22.7 billion" in english
    swedish = i18n.t("overview_global_text", "sv", **views.global_values(facts, "sv"))
    assert "rekordstora privata investeringar" in swedish and "ca 2\u202f400" in swedish
    assert "Alliance for Regenerative 2021 Annual Report" in views.reference_note("sv")


def test_swedish_table_headers_are_swedish(facts, landscape) -> None:
    assert list(views.global_context_table(facts, "sv").columns) == [
        "Siffra", "Värde", "Enhet", "Citat",
    ]  # fmt: skip
    assert "Namn" in views.landscape_table(landscape, "sv").columns


def test_trials_chart_carries_a_source_note_and_the_year(facts) -> None:
    fig = views.trials_chart(facts, "sv")
    notes = [a.text for a in fig.layout.annotations]
    assert any(note.startswith("Källa: facts.csv") for note in notes)
    assert fig.layout.title.text.endswith("2021")
    assert all(float(y).is_integer() for y in fig.data[0].y)
    assert list(fig.data[0].text[2:]) == ["ca 1\u202f200", "ca 1\u202f200"]
    assert fig.layout.xaxis.tickangle == 0  # level labels, wrapped, clear of the note
    assert all(len(line) <= 22 for label in fig.data[0].x for line in label.split("<br>"))


# --- counts in words (m1) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(7, "en", "seven"), (7, "sv", "sju"), (11, "sv", "elva"), (12, "en", "twelve"),
     (13, "sv", "13"), (1, "en", "1"), (2.5, "sv", "2,5")],
)  # fmt: skip
def test_counts_up_to_twelve_are_words_and_recorded(value, lang, text) -> None:
    claims.take()
    assert views.count_text(value, lang, "fact:x") == text
    assert claims.take() == [{"text": text, "value": float(value), "basis": "fact:x"}]


@pytest.mark.parametrize(
    ("lang", "word", "hospitals", "years"),
    [("en", "seven", "at the seven university hospitals", "the eleven calendar years"),
     ("sv", "sju", "vid de sju universitetssjukhusen", "de elva kalenderåren")],
)  # fmt: skip
def test_running_text_writes_small_counts_in_words(
    facts, assumptions, lang, word, hospitals, years
) -> None:
    claims.take()
    text = i18n.t("overview_sweden_text", lang, **views.sweden_values(facts, assumptions, lang))
    taken = claims.take()
    assert hospitals in text and years in text
    assert {"text": word, "value": 7.0, "basis": "fact:university_hospitals_with_atmp"} in taken
    background = i18n.t("overview_background_text", lang, **views.background_values(facts, lang))
    assert ("next five years" if lang == "en" else "de kommande fem åren") in background


# --- the Swedish landscape ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "then"), [("en", "(SKR, then SKL;"), ("sv", "(SKR, dåvarande SKL)")]
)
def test_skr_is_named_with_its_name_at_the_time(facts, assumptions, lang, then) -> None:
    text = i18n.t("overview_sweden_text", lang, **views.sweden_values(facts, assumptions, lang))
    assert f"Sveriges Kommuner och Regioner {then}" in text
    assert "county council" not in text.lower()


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_skl_note_gives_the_renaming_year_from_its_public_source(public_facts, lang) -> None:
    claims.take()
    note = i18n.t("overview_skl_note", lang, **views.skl_note_values(public_facts))
    taken = claims.take()
    assert "Sveriges Kommuner och Landsting (SKL)" in note and "2019" in note
    assert taken == [
        {"text": "2019", "value": 2019.0, "basis": "data:public_facts:skl_renamed_skr:value"}
    ]
    source = views.public_source_note(public_facts, lang)
    assert (
        "lakartidningen.se" in source and "byta namn till Sveriges Kommuner och regioner" in source
    )


def test_public_facts_are_marked_as_not_from_the_sources(public_facts) -> None:
    assert not public_facts["from_seeds"].any()
    row = public_facts.set_index("id").loc["skl_renamed_skr"]
    assert row["date"].startswith(str(int(row["value"])))


def test_skr_investment_rows_name_skl_in_both_languages(landscape, facts, assumptions) -> None:
    row = landscape.set_index("id").loc["skr_investment"]
    assert "then SKL" in row["name_en"] and "dåvarande SKL" in row["name_sv"]
    assert "then SKL" in get_fact(facts, "skr_investment").label_en
    labels = assumptions.set_index("id").loc[list(calculations.SKR_ASSUMPTIONS), "label_sv"]
    assert labels.str.contains("dåvarande SKL").all()


def test_every_status_quote_stands_verbatim_in_its_source(landscape) -> None:
    for row in landscape.itertuples():
        assert provenance.quote_in_source(row.status_quote, row.source), row.id


def test_a_status_is_only_what_the_quote_says(landscape) -> None:
    for row in landscape.itertuples():
        if row.status in STATUS_WORDS:
            assert STATUS_WORDS[row.status] in row.status_quote, row.id
    statuses = landscape.set_index("id")["status"]
    assert statuses["lu_atmp"] == "newly_established"
    assert set(statuses[statuses == "not_stated"].index) == {
        "swelife_atmp", "indicell", "biobank_sverige",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "reading"),
    [("en", "this compilation's reading"), ("sv", "denna sammanställnings tolkning")],
)
def test_the_page_says_a_status_is_a_reading_and_shows_the_sources_words(
    landscape, lang, reading
) -> None:
    assert reading in i18n.t("overview_landscape_text", lang)
    table = views.landscape_table(landscape, lang)
    words = table[i18n.t("overview_col_status_quote", lang)]
    assert words.tolist() == calculations.landscape_by_kind(landscape)["status_quote"].tolist()
    shown = set(table[i18n.t("col_status", lang)])
    assert not shown & {"In operation", "I drift"}
    assert i18n.t("status_not_stated", lang) in shown


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
    table = views.landscape_table(landscape, "en")
    taken = claims.take()
    order = list(calculations.KIND_ORDER)
    kinds = [landscape.set_index("name_en").loc[name, "kind"] for name in table["Name"]]
    assert [order.index(kind) for kind in kinds] == sorted(order.index(kind) for kind in kinds)
    karolinska = "data:landscape:karolinska_atmp_centre:description_en"
    assert {(c["text"], c["value"], c["basis"]) for c in taken} >= {("1975", 1975.0, karolinska)}
    for column in ("Description", "The sources' words on its status"):
        for text in table[column]:
            assert unexplained(text, taken) == []


def test_swedish_landscape_table_uses_swedish_names(landscape) -> None:
    names = set(views.landscape_table(landscape, "sv")["Namn"])
    assert names == set(landscape["name_sv"])
    assert "Kliniskt ATMP-centrum vid Skånes universitetssjukhus" in names


def test_landscape_chart_counts_every_row_in_declared_status_order(landscape) -> None:
    fig = views.landscape_chart(landscape, "en")
    assert {trace.orientation for trace in fig.data} == {"h"}  # kinds read down the left
    assert sum(sum(trace.x) for trace in fig.data) == len(landscape)
    declared = {f.name: f for f in datasets.resources()["landscape"].fields}["status"]
    names = [i18n.t(f"status_{s}", "en") for s in declared.constraints["enum"]]
    shown = [trace.name for trace in fig.data]
    assert shown == [name for name in names if name in shown]
    assert fig.layout.legend.traceorder == "normal"  # the legend reads as the bars stack


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour against the white page."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_chart_marks_use_the_accessible_palette_and_stand_out(facts, landscape) -> None:
    """Marks at least 3:1 against the page (WCAG 1.4.11), from the shared palette; the
    landscape's statuses differ in fill pattern too, for readers who cannot tell colours."""
    trials = views.trials_chart(facts, "en").data[0]
    assert trials.marker.color == PALETTE["blue"]
    fig = views.landscape_chart(landscape, "sv")
    colours = [trace.marker.color for trace in fig.data]
    patterns = [trace.marker.pattern.shape for trace in fig.data]
    assert set(colours) <= set(PALETTE.values())
    assert len(set(colours)) == len(set(patterns)) == len(fig.data)
    assert all(contrast_with_white(c) >= 3 for c in [trials.marker.color, *colours])
    declared = {f.name: f for f in datasets.resources()["landscape"].fields}["status"]
    assert list(views.STATUS_STYLES) == declared.constraints["enum"]


def test_swedish_status_of_a_proposal_is_a_participle(landscape) -> None:
    """CCRM Nordic is "den föreslagna infrastrukturen": "Föreslagen", beside "Avslutad"."""
    assert i18n.t("status_proposed", "sv") == "Föreslagen"
    table = views.landscape_table(landscape, "sv").set_index("Namn")
    assert table.loc["CCRM Nordic", "Status"] == "Föreslagen"
    assert "Föreslås" not in views.landscape_chart(landscape, "sv").to_json()


def test_karolinska_has_no_start_year_only_its_roots_fact(landscape, facts) -> None:
    row = landscape.set_index("id").loc["karolinska_atmp_centre"]
    assert pd.isna(row["start_year"])
    assert get_fact(facts, row["fact_id"]).value == 1975


def test_assumptions_table_shows_both_skr_assumptions(assumptions) -> None:
    table = views.assumptions_table(assumptions, "sv")
    assert table["Värde"].tolist() == ["Jämn fördelning", "11 år"]
    assert table["Motivering"].str.len().gt(0).all()
    assert not table["Motivering"].str.contains('"').any()  # Swedish quotation marks only


# --- the term, the classes and the report's own words -------------------------------------


def test_classes_are_attributed_to_the_karolinska_news_item() -> None:
    for lang in ("en", "sv"):
        text = i18n.t("overview_classes_text", lang)
        assert "Karolinska" in text and not re.search(r"\bEU\b", text)
    assert "Karolinska" in datasets.resources()["atmp_classes"].title


def test_the_fourth_class_has_its_swedish_regulatory_name(classes) -> None:
    table = views.atmp_classes_table(classes, "sv")
    assert "Kombinerade läkemedel för avancerad terapi" in table["Namn"].tolist()
    assert not table.apply(lambda col: col.str.contains("Kombinationsläkemedel")).any().any()


def test_page_texts_for_officials_do_not_speak_of_a_package(landscape) -> None:
    rows = [row for row in i18n.label_rows() if row["file"] == "overview.csv"]
    texts = [row[lang] for row in rows for lang in ("en", "sv")]
    texts += landscape["description_en"].tolist() + landscape["description_sv"].tolist()
    assert [text for text in texts if re.search(r"\bpackage|\bpaket", text, re.I)] == []


def test_background_shows_the_need_for_public_knowledge(verdicts) -> None:
    assert "overview_background_public_knowledge" in views.BACKGROUND_VERDICTS
    row = verdicts.set_index("id").loc["overview_background_public_knowledge"]
    assert "kunskapen om området öka hos allmänhet och beslutsfattare" in row["quote"]
    assert "decision-makers" in row["translation"]
    assert "beslutsfattare" in i18n.t("overview_background_text", "sv")
    assert "decision-makers" in i18n.t("overview_background_text", "en")


def test_every_verdict_the_page_shows_is_an_overview_row(verdicts) -> None:
    shown = [
        *views.BACKGROUND_VERDICTS,
        views.TERM_VERDICT,
        *views.CONCLUSION_VERDICTS,
        *views.SIGNAL_VERDICTS,
    ]
    rows = verdicts.set_index("id")
    assert set(shown) <= set(rows.index)
    assert (rows.loc[shown, "section"] == "overview").all()
    assert "Europeiska läkemedelsverkets klassificering" in rows.loc["atmp_term_footnote", "quote"]
    assert "där utförare, behovsägare och finansiärer samverkar" in " ".join(
        rows.loc[list(views.CONCLUSION_VERDICTS), "quote"]
    )


# --- labels, claims and language ----------------------------------------------------------


def used_label_ids(facts, assumptions) -> set[str]:
    """Label ids named in the section's modules and the notebook, with the kinds, statuses,
    figures and count words expanded."""
    sources = "".join(p.read_text("utf-8") for p in SECTION.glob("*.py"))
    sources += NOTEBOOK.read_text("utf-8")
    ids = set(re.findall(r"[\"'](overview_[a-z_]+|chart_[a-z_]+|axis_[a-z_]+)[\"']", sources))
    ids -= set(datasets.load("verdicts")["id"])
    ids -= {f.id for f in calculations.derived_figures(facts, assumptions)}
    fields = {field.name: field for field in datasets.resources()["landscape"].fields}
    ids |= {f"kind_{kind}" for kind in fields["kind"].constraints["enum"]}
    ids |= {f"status_{status}" for status in fields["status"].constraints["enum"]}
    ids |= {f.label_id for f in calculations.derived_figures(facts, assumptions)}
    ids |= {f"overview_word_{n}" for n in views.WORDED_COUNTS}
    return ids


def test_every_used_label_exists_in_both_languages(facts, assumptions) -> None:
    rows = {row["id"]: row for row in i18n.label_rows()}
    missing = sorted(label for label in used_label_ids(facts, assumptions) if label not in rows)
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_page_texts_record_every_number_they_write(facts, assumptions, public_facts, lang) -> None:
    claims.take()
    texts = [
        i18n.t("overview_global_text", lang, **views.global_values(facts, lang)),
        i18n.t("overview_sweden_text", lang, **views.sweden_values(facts, assumptions, lang)),
        i18n.t("overview_background_text", lang, **views.background_values(facts, lang)),
        i18n.t("overview_skl_note", lang, **views.skl_note_values(public_facts)),
    ]
    taken = claims.take()
    assert [unexplained(text, taken) for text in texts] == [[], [], [], []]
    assert any(c["basis"] == "derived:1,200 / 7" for c in taken)


def test_swedish_page_has_no_english_labels(facts, assumptions, landscape) -> None:
    frames = [
        views.global_context_table(facts, "sv"),
        figures_table(calculations.derived_figures(facts, assumptions), "sv"),
        views.assumptions_table(assumptions, "sv"),
        views.landscape_table(landscape, "sv").drop(columns="Källornas ord om statusen"),
    ]
    text = "\n".join(frame.to_csv() for frame in frames)
    text += views.landscape_chart(landscape, "sv").to_json()
    english = [
        row["en"]
        for row in i18n.label_rows()
        if row["file"] == "overview.csv" and row["en"] != row["sv"] and "{" not in row["en"]
    ]
    assert [phrase for phrase in english if re.search(rf"\b{re.escape(phrase)}\b", text)] == []


def test_a_figure_is_recorded_with_its_formula(facts) -> None:
    claims.take()
    text = figure_text(calculations.phase3_share(facts), "sv")
    assert claims.take() == [
        {"text": text, "value": pytest.approx(9.25), "basis": "derived:222 / 2,400 × 100"}
    ]
