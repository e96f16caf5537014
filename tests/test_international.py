"""The international-comparison section: mechanisms, initiatives, counts set against population."""

from __future__ import annotations

import ast
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

from atmp_lib import claims, datasets, parameters, provenance
from atmp_lib.charts import LIGHT_FILLS, PALETTE, tint
from atmp_lib.engine import downloads
from atmp_lib.errors import ParameterError
from atmp_lib.facts import get_fact
from atmp_lib.figure_views import figure_text
from atmp_lib.i18n import label_rows, t
from atmp_lib.paths import data_dir, notebooks_dir, raw_dir
from atmp_lib.population import population_of
from atmp_lib.sections.international import calculations as calc
from atmp_lib.sections.international import views
from atmp_lib.sections.international.parameters import COUNTRIES

NOTEBOOK = notebooks_dir() / "04_international.ipynb"
MODULES = (Path(calc.__file__), Path(views.__file__))
ALL = ["GB", "US", "CA"]
SEED = "002_e6db22695992e173.txt"


def enum(table: str, field: str) -> list[str]:
    spec = next(f for f in datasets.resources()[table].fields if f.name == field)
    return list(spec.constraints.get("enum") or spec.item_choices)


def csv_rows(name: str) -> list[dict[str, str]]:
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mechanisms() -> pd.DataFrame:
    return datasets.load("mechanism_comparison")


def tiny_mechanisms() -> pd.DataFrame:
    """A recommendation abroad, a joint (US;CA) row, a Swedish pipeline entry, a willingness
    and two mappings of needs (evidence, not counted)."""
    return pd.DataFrame(
        {
            "id": ["g1", "g2", "u1", "s1", "s2", "s3", "s4"],
            "mechanism": [
                "e_learning",
                "needs_mapping",
                "needs_mapping",
                "e_learning",
                "work_based_apprenticeships",
                "work_based_apprenticeships",
                "needs_mapping",
            ],  # fmt: skip
            "countries": ["GB", "GB", "US;CA", "SE", "GB", "SE", "SE"],
            "status": [
                "in_place",
                "recommended",
                "completed",
                "in_development",
                "in_development",
                "willingness_stated",
                "completed",
            ],  # fmt: skip
            "note_en": ["x"] * 7,
            "note_sv": ["x"] * 7,
            "brief_en": ["", "", "a study", "", "", "internships", "this report"],
            "brief_sv": ["", "", "en studie", "", "", "praktikantplatser", "denna rapport"],
        }
    )


# --- parameters -------------------------------------------------------------------------


def test_the_declared_parameters_accept_the_defaults_and_name_bad_values() -> None:
    parameters.check_values("international", lang="sv", countries=["US", "GB"], normalise_by="none")
    with pytest.raises(ParameterError) as caught:
        parameters.check_values(
            "international", lang="de", countries=["GB", "SE", "GB"], normalise_by="per_capita"
        )
    assert [problem.split(":")[0] for problem in caught.value.problems] == [
        "parameter 'lang'", "parameter 'countries'", "parameter 'normalise_by'",
    ]  # fmt: skip
    assert "'SE' not allowed" in caught.value.problems[1]


def test_country_choices_come_from_the_schema_and_have_a_population(population) -> None:
    assert COUNTRIES.allowed_values() == tuple(enum("international_initiatives", "countries"))
    assert set(COUNTRIES.allowed_values()) <= set(population["country"])


def test_mechanisms_and_statuses_match_the_schema() -> None:
    assert tuple(enum("mechanism_comparison", "mechanism")) == calc.MECHANISMS
    assert tuple(enum("international_initiatives", "mechanisms")) == calc.MECHANISMS
    assert tuple(enum("mechanism_comparison", "status")) == calc.STATUSES
    grouped = [status for statuses in calc.SWEDEN_GROUPS.values() for status in statuses]
    assert sorted(grouped) == sorted(calc.STATUS_ORDER)  # each status in exactly one group
    assert calc.EVIDENCE_MECHANISMS == ("needs_mapping",)
    assert "needs_mapping" not in calc.TRAINING_MECHANISMS


# --- the data say what the report says ----------------------------------------------------


def test_initiatives_are_initiatives_not_coordinators_or_authors(initiatives) -> None:
    names = " ".join(initiatives["name_en"])
    assert "coordination" not in names.lower()  # CGTC coordinates; it is not an initiative
    named = " ".join(initiatives["organisations_named"].dropna())
    assert "et al" not in named  # GM Green et al. are authors
    study = initiatives.set_index("id").loc["us_ca_green_study"]
    assert (study["countries"], study["locator"]) == ("US;CA", "USA och Kanada")
    doctoral = initiatives.set_index("id").loc["uk_doctoral_training_centres"]
    assert doctoral["audience"] == "doctoral_students"  # "centra för forskarutbildning"


def test_joint_rows_are_the_one_study_under_usa_och_kanada(initiatives, mechanisms) -> None:
    for frame in (initiatives, mechanisms):
        joint = frame[frame["countries"].str.contains(";")]
        assert len(joint) > 0 and set(joint["locator"]) == {"USA och Kanada"}
        assert set(joint["countries"]) == {"US;CA"}


def test_every_mechanism_cell_quotes_the_seed(mechanisms) -> None:
    assert all(provenance.quote_in_source(q, SEED) for q in mechanisms["quote"])
    cgtc = mechanisms[mechanisms["quote"].str.contains("Cell and Gene Therapy Catapult")]
    assert set(cgtc["mechanism"]) == {"national_coordination"}
    sweden = mechanisms[mechanisms["countries"] == "SE"].set_index("id")
    assert sweden.loc["se_mapping", "status"] == "completed"
    assert sweden.loc["se_masters_none", "status"] == "none"
    assert sweden.loc["se_elearning_camp", "status"] == "in_development"


def test_statuses_say_no_more_than_the_seed(mechanisms) -> None:
    """ "producerat": produced, availability not stated; "utvecklar och skalar upp":
    established, developing and scaling up; "nyligen avslutad studie": completed."""
    rows = mechanisms.set_index("id")
    produced = rows.loc["se_elearning_lakemedelsakademin"]
    assert produced["status"] == "produced" and "producerat" in produced["quote"]
    assert "availability not stated" in produced["brief_en"]
    assert "tillgänglighet anges inte" in produced["brief_sv"]
    assert "does not say whether it is available now" in produced["note_en"]
    catti = rows[rows["quote"].str.contains("utvecklar och skalar upp")]
    assert len(catti) == 2 and set(catti["status"]) == {"scaling_up"}
    assert rows.loc["usca_study", "status"] == "completed"
    assert "avslutad studie" in rows.loc["usca_study", "quote"]
    assert (t("intl_status_completed", "sv"), t("intl_status_scaling_up", "en")) == (
        "Genomförd", "Established; developing and scaling up",
    )  # fmt: skip
    assert t("intl_status_produced", "en") == "Produced; availability not stated"
    in_place = rows[rows["status"] == "in_place"]
    assert not in_place["quote"].str.contains("producerat|skalar upp|avslutad").any()


def test_the_swedish_willingness_is_no_offer_and_names_all_four_forms(
    mechanisms, facts
) -> None:
    """All regions and 90% of companies are willing to contribute "i form av undervisning,
    examensarbeten, praktikantplatser, eller industridoktorander": a willingness in one of
    four forms, not said per respondent; no offer, not in place, not a UK apprenticeship,
    and industrial doctoral students are no centre for doctoral training."""
    willing = mechanisms[mechanisms["status"] == "willingness_stated"].set_index("mechanism")
    assert set(willing["countries"]) == {"SE"}
    assert set(willing.index) == {"work_based_apprenticeships"}
    sweden = mechanisms[mechanisms["countries"] == "SE"]
    assert "doctoral_training" not in set(sweden["mechanism"])  # no link to industridoktorander
    for quote in willing["quote"]:
        assert "praktikantplatser, eller industridoktorander" in quote
    internships = willing.loc["work_based_apprenticeships"]
    assert "nationally recognised qualification" in internships["note_en"]
    assert "nationellt erkänd kvalificering" in internships["note_sv"]
    forms_en = "in forms such as teaching, degree projects, internship places"
    assert forms_en in internships["note_en"] and "among other ways" not in internships["note_en"]
    assert "i former som undervisning, examensarbeten, praktikantplatser eller" in (
        internships["note_sv"]
    )
    assert "bland annat" not in internships["note_sv"]
    assert "does not say which form each respondent would offer" in internships["note_en"]
    assert t("intl_status_willingness_stated", "sv") == (
        "Vilja att bidra uttalad (formen anges inte per svarande); inget erbjudande"
    )
    assert t("intl_status_willingness_stated", "en") == (
        "Willingness to contribute stated (form not given per respondent); no offer"
    )
    words = " ".join(
        [row["en"] + row["sv"] for row in label_rows() if row["file"] == "international.csv"]
        + list(mechanisms["note_en"]) + list(mechanisms["note_sv"])
    )  # fmt: skip
    assert not re.search(r"\bOffered\b|\boffered\b|\bErbjuds\b|\berbjuds\b", words)
    claims.take()
    note = views.fill_facts(internships["note_sv"], facts, "sv")
    assert "90\u00a0% av de svarande företagen" in note and "{" not in note
    assert claims.take()[0]["basis"] == "fact:willing_companies_share"


def test_the_study_figure_is_filed_under_usa_och_kanada(initiatives, facts) -> None:
    fact_id = initiatives.set_index("id").loc["us_ca_green_study", "share_fact_id"]
    fact = get_fact(facts, fact_id)
    assert (fact.qualifier, fact.value, fact.geography) == ("up_to", 40.0, "USA och Kanada")
    assert not fact.label_en.startswith("US") and "USA och Kanada" in fact.label_en
    assert fact.display("sv") == "upp till 40\u00a0%" and fact.display("en") == "up to 40%"
    assert "us_employers_unable_to_recruit_share" not in set(facts["id"])  # the old "US:" row


def test_swedish_texts_use_the_reports_terms(initiatives, mechanisms) -> None:
    own = [row["sv"] for row in label_rows() if row["file"] == "international.csv"]
    swedish = own + list(initiatives["description_sv"]) + list(mechanisms["note_sv"])
    swedish += list(initiatives["name_sv"]) + list(mechanisms["brief_sv"].dropna())
    assert not [text for text in swedish if re.search("lärling|e-learning", text, re.I)]
    assert not [text for text in swedish if re.search(r"\bpaket", text, re.I)]
    assert "praktikprogram" in " ".join(initiatives["description_sv"])


# --- initiatives --------------------------------------------------------------------------


def test_select_initiatives_lists_a_joint_row_once(initiatives) -> None:
    canada = calc.select_initiatives(initiatives, ["CA"])
    assert list(canada["id"]) == ["ca_catti", "us_ca_green_study"]  # mechanism order
    us = calc.select_initiatives(initiatives, ["US"])
    assert set(us["id"]) == {"us_ca_green_study", "us_nsf_grant"}
    both = calc.select_initiatives(initiatives, ALL)
    assert list(both["id"]).count("us_ca_green_study") == 1
    assert list(calc.select_initiatives(initiatives, ["CA", "GB"])["countries"])[0] == "CA"


def test_initiatives_table_fills_figures_and_records_them(initiatives, facts, population) -> None:
    claims.take()
    table = views.initiatives_table(initiatives, facts, population, "sv", ALL)
    taken = claims.take()
    row = table.set_index("Initiativ").loc["Advanced Therapies Apprenticeship Community"]
    assert row["Omfattning"] == "över 100 praktikplatser"
    assert "över 40\u00a0% av samtliga" in row["Beskrivning"] and "{" not in row["Beskrivning"]
    assert row["Mekanism"] == t("intl_mechanism_work_based_apprenticeships", "sv")
    study = table.set_index("Initiativ").loc[initiatives.set_index("id").loc[
        "us_ca_green_study", "name_sv"]]  # fmt: skip
    assert study["Land"] == "USA/Kanada (en studie; rapporten anger inte vilket land)"
    assert "upp till 40\u00a0%" in study["Beskrivning"]
    doctoral = table.set_index("Initiativ").loc["Centra för forskarutbildning (PhD-nivå)"]
    assert doctoral["Målgrupp"] == "forskarstuderande"
    bases = {c["basis"] for c in taken}
    assert "data:international_initiatives.csv:uk_atstn:start_year" in bases
    assert "fact:uk_apprenticeship_org_share" in bases


# --- mechanisms ---------------------------------------------------------------------------


def test_a_joint_row_has_a_place_of_its_own_never_one_per_country() -> None:
    frame = tiny_mechanisms()
    assert calc.places(frame, ["GB", "CA"]) == ["GB", "CA", "US;CA", "SE"]
    assert calc.places(frame, ["GB"]) == ["GB", "SE"]
    grid = calc.presence(frame, ["GB", "CA"]).set_index(["mechanism", "place"])
    assert grid.loc[("needs_mapping", "GB"), "status"] == "recommended"
    assert grid.loc[("needs_mapping", "CA"), "status"] == "not_mentioned"
    assert grid.loc[("needs_mapping", "US;CA"), "status"] == "completed"
    assert grid.loc[("needs_mapping", "SE"), "status"] == "completed"
    assert grid.loc[("e_learning", "SE"), "status"] == "in_development"
    assert grid.loc[("work_based_apprenticeships", "SE"), "status"] == "willingness_stated"


def test_summary_counts_training_mechanisms_and_keeps_the_mapping_apart() -> None:
    summary = calc.mechanism_summary(tiny_mechanisms(), ["GB", "CA"])
    # the US;CA study is "found abroad" but is evidence, not a way of training
    assert summary.abroad == ["work_based_apprenticeships", "e_learning"]
    assert summary.in_sweden["in_development"] == ["e_learning"]
    # a willingness is not in place and not "named": its own group
    assert summary.in_sweden["willingness_stated"] == ["work_based_apprenticeships"]
    assert summary.in_sweden["named"] == []
    assert summary.deciding["work_based_apprenticeships"] == ["s3"]
    assert summary.evidence == {"needs_mapping": ["u1", "s4"]}
    alone = calc.mechanism_summary(tiny_mechanisms(), ["GB"])  # GB only recommends one
    assert alone.evidence == {"needs_mapping": ["s4"]}
    assert alone.abroad == ["work_based_apprenticeships", "e_learning"]


def test_produced_and_in_place_count_as_named_willingness_does_not() -> None:
    assert [calc.sweden_group(s) for s in ("in_place", "produced", "scaling_up")] == ["named"] * 3
    assert calc.sweden_group("willingness_stated") == "willingness_stated"
    assert calc.sweden_group("not_mentioned") == "not_mentioned"


def test_summary_of_the_shipped_table(mechanisms) -> None:
    summary = calc.mechanism_summary(mechanisms, ALL)
    found = {
        r["mechanism"]
        for r in csv_rows("mechanism_comparison.csv")
        if r["status"] in calc.ABROAD_STATUSES and set(r["countries"].split(";")) - {"SE"}
    }
    assert set(summary.abroad) == found - {"needs_mapping"}
    assert len(summary.abroad) == 10 and "needs_mapping" not in summary.abroad
    assert summary.in_sweden["named"] == ["e_learning", "seminars_webinars"]
    assert summary.in_sweden["named_not_atmp"] == ["healthcare_staff_education"]
    assert summary.in_sweden["willingness_stated"] == ["work_based_apprenticeships"]
    assert summary.in_sweden["none"] == ["atmp_masters_programmes"]
    assert summary.in_sweden["recommended"] == ["national_coordination"]
    assert summary.in_sweden["not_mentioned"] == [
        "hands_on_training", "doctoral_training", "leadership_training", "regional_training_model",
    ]  # fmt: skip
    assert sum(len(ids) for ids in summary.in_sweden.values()) == len(summary.abroad)
    assert summary.deciding["e_learning"] == ["se_elearning_lakemedelsakademin"]
    assert summary.described["e_learning"] == ["se_elearning_lakemedelsakademin",
                                               "se_elearning_camp"]  # fmt: skip
    assert summary.evidence == {"needs_mapping": ["usca_study", "se_mapping"]}


def test_mechanism_text_records_each_count_and_says_what_each_effort_is(
    mechanisms, population
) -> None:
    claims.take()
    text = views.mechanism_text(mechanisms, population, "en", ALL)
    taken = claims.take()
    summary = calc.mechanism_summary(mechanisms, ALL)
    assert [c["value"] for c in taken] == [
        len(summary.abroad),
        *[len(ids) for ids in summary.in_sweden.values() if ids],
    ]
    assert all(c["basis"].startswith("count:mechanism_comparison.csv:") for c in taken)
    # each count with the words leading up to it: equal counts stay apart in the register
    assert len({c["text"] for c in taken}) == len(taken)
    assert (taken[0]["text"], taken[0]["value"]) == ("ten", 10)  # in words in running text
    assert taken[3]["text"] == "willingness stated, nothing in place: 1"
    assert taken[3]["basis"].endswith("; Sweden willingness_stated")
    assert text.startswith("Of the ten education and training mechanisms")
    lines = text.splitlines()
    named = next(line for line in lines if line.startswith("- **named for Sweden and aimed"))
    assert named.startswith("- **named for Sweden and aimed at ATMP, as single small efforts:** 2")
    assert (
        "(e-learning: one introductory course produced by Läkemedelsakademin (availability not "
        "stated) and a tailored introductory course on GMP manufacture of ATMP being developed "
        "by CAMP; seminars and webinars:"
    ) in named
    assert "mapping" not in named  # evidence about training, not counted among them
    not_atmp = next(line for line in lines if line.startswith("- **named for Sweden, not aimed"))
    assert not_atmp.startswith(
        "- **named for Sweden, not aimed at ATMP:** 1 (education for healthcare staff: "
        "Vävnadsrådet's offering"
    )
    assert "future offering under review" in not_atmp
    willing = next(line for line in lines if "willingness stated" in line)
    assert willing.startswith(
        "- **willingness stated, nothing in place:** 1 (work-based apprenticeships: internship "
        "places are one of"
    )
    assert "doctoral" not in willing
    evidence = text.split("\n\n")[-1]
    assert evidence.startswith(
        "**Not counted among the education and training mechanisms:** a mapping of competence"
    )
    assert "Like the study under “USA och Kanada” (GM Green et al.)" in evidence
    assert "Sweden has mapped its needs (this report:" in evidence
    swedish = views.mechanism_text(mechanisms, population, "sv", ALL)
    assert swedish.startswith(
        "Av de tio utbildnings- och träningsmekanismer som enligt rapporten finns på plats eller "
        "är under utveckling utomlands"
    )
    named_sv = "**nämns för Sverige och är inriktade mot ATMP, som enstaka, små insatser:** 2"
    assert named_sv in swedish
    assert (
        "e-lärande: en introduktionskurs producerad av Läkemedelsakademin (tillgänglighet anges "
        "inte) och en skräddarsydd introduktionskurs om GMP-tillverkning av ATMP under utveckling "
        "hos CAMP;"
    ) in swedish
    assert "**nämns för Sverige, men utan inriktning mot ATMP:** 1 (utbildning för anställda" in (
        swedish
    )
    assert "**nämns inte för Sverige:** 4" in swedish
    assert "**vilja uttalad, inget på plats:** 1 (arbetsplatsförlagda praktikprogram:" in swedish
    assert "**Räknas inte bland utbildnings- och träningsmekanismerna:**" in swedish
    assert not re.search(r"\d", swedish.split(":")[0])  # no digits in the running headline


def test_the_mapping_sentence_without_a_mapping_abroad(population) -> None:
    text = views.mechanism_text(tiny_mechanisms(), population, "en", ["GB"])
    evidence = text.split("\n\n")[-1]
    assert "Sweden has mapped its needs (this report); the report names no such" in evidence
    assert evidence.endswith("mapping for United Kingdom.")


def test_mechanism_chart_shows_the_study_once(mechanisms, facts, population) -> None:
    fig = views.mechanism_chart(mechanisms, facts, population, "sv", ALL)
    heatmap = fig.data[0]
    places = [label.replace("<br>", " ") for label in heatmap.x]
    assert places == ["Storbritannien", "USA", "Kanada", "USA/Kanada (en studie)", "Sverige"]
    grid = calc.presence(mechanisms, ALL)
    assert len(heatmap.y) == grid["mechanism"].nunique()
    flat = [text.replace("<br>", " ") for row in heatmap.text for text in row]
    assert not any(re.search(r"\d", text) for text in flat)
    column = {name: i for i, name in enumerate(places)}
    rows = [label.replace("<br>", " ") for label in heatmap.y]
    mapping = rows.index(f"{t('intl_mechanism_needs_mapping', 'sv')} (underlag, räknas inte)")
    assert mapping == len(rows) - 1  # evidence, not counted: the last row

    def cell(mechanism: str, place: str) -> str:
        row = rows.index(t(f"intl_mechanism_{mechanism}", "sv"))
        return heatmap.text[row][column[place]].replace("<br>", " ")

    row = [text.replace("<br>", " ") for text in heatmap.text[mapping]]
    assert row[column["USA"]] == row[column["Kanada"]] == t("intl_status_not_mentioned", "sv")
    assert row[column["USA/Kanada (en studie)"]] == row[column["Sverige"]] == "Genomförd"
    assert cell("work_based_apprenticeships", "Sverige") == (
        "Vilja att bidra uttalad (formen anges inte per svarande); inget erbjudande"
    )
    assert cell("e_learning", "Sverige") == "Producerad; tillgänglighet anges inte"
    assert cell("hands_on_training", "Kanada") == "Etablerad; utvecklas och skalas upp"
    assert cell("seminars_webinars", "Sverige") == cell("e_learning", "Storbritannien") == (
        "Finns på plats"
    )
    assert cell("doctoral_training", "Sverige") == t("intl_status_not_mentioned", "sv")
    assert heatmap.name == t("intl_cell_status", "sv")
    assert "mechanism_comparison.csv" in fig.layout.annotations[-1].text
    assert "GM Green" in fig.layout.annotations[-1].text


def test_the_grid_states_each_status_in_words_and_fills_from_the_palette(
    mechanisms, facts, population
) -> None:
    """Every cell says its status (colour-blind readers need not read the fill); fills are
    the palette's blue at falling strength, grey for "none", the empty fill otherwise."""
    heatmap = views.mechanism_chart(mechanisms, facts, population, "en", ALL).data[0]
    assert heatmap.texttemplate == "%{text}"
    labels = {views.status_label(s, "en") for s in calc.STATUS_ORDER}
    for text_row, z_row in zip(heatmap.text, heatmap.z, strict=True):
        for text, z in zip(text_row, z_row, strict=True):
            status = calc.STATUS_ORDER[len(calc.STATUS_ORDER) - 1 - z]
            assert text.replace("<br>", " ") == views.status_label(status, "en") in labels
    stops = {round(position * len(calc.STATUS_ORDER)): colour
             for position, colour in heatmap.colorscale}  # fmt: skip
    for status in calc.STATUS_ORDER:
        rank = views.status_rank(status)
        assert stops[rank] == views.STATUS_FILLS[status]  # a flat band, not a blend
    allowed = {tint(name, share) for name in PALETTE for share in (0.2, 0.35, 0.45, 0.7, 1.0)}
    assert set(views.STATUS_FILLS.values()) <= allowed | {LIGHT_FILLS["empty"]}
    assert views.STATUS_FILLS["in_place"] == PALETTE["blue"]

def test_the_grid_exports_each_cell_with_its_status_in_words(
    mechanisms, facts, population
) -> None:
    """The data table and CSV give a coded z with the status the cell states, not a bare
    rank a reader cannot decode."""
    fig = json.loads(views.mechanism_chart(mechanisms, facts, population, "sv", ALL).to_json())
    header, rows = downloads.chart_data(fig, "sv")
    assert header == ["Serie", "Kolumn", "Rad", "Värde", t("report_col_label", "sv")]
    assert {row[0] for row in rows} == {t("intl_cell_status", "sv")}
    by_cell = {(row[1], row[2]): row for row in rows}
    apprenticeships = by_cell[("Sverige", t("intl_mechanism_work_based_apprenticeships", "sv"))]
    assert apprenticeships[4] == t("intl_status_willingness_stated", "sv")
    assert apprenticeships[3] == views.status_rank("willingness_stated")
    top = len(calc.STATUS_ORDER) - 1
    assert all(row[4] == views.status_label(calc.STATUS_ORDER[top - row[3]], "sv") for row in rows)


def test_swedens_healthcare_offering_is_in_place_but_not_aimed_at_atmp(
    mechanisms, facts, population
) -> None:
    """Vävnadsrådet's offering (mainly for staff in public healthcare, courses from VoG Cell
    on cell therapy operations) is not the UK's training of staff involved in advanced
    therapy treatments: a lighter status and fill of its own, a count of its own."""
    row = mechanisms.set_index("id").loc["se_healthcare"]
    assert row["status"] == "in_place_not_atmp"
    assert "Vävnadsrådet har ett utbildningsutbud riktat främst mot anställda" in row["quote"]
    assert calc.sweden_group("in_place_not_atmp") == "named_not_atmp"
    assert views.STATUS_FILLS["in_place_not_atmp"] != views.STATUS_FILLS["in_place"]
    assert views.status_rank("in_place_not_atmp") < views.status_rank("in_place")
    for lang, expected in (
        ("en", ("In place", "In place, not aimed at ATMP")),
        ("sv", ("Finns på plats", "Finns på plats, men utan inriktning mot ATMP")),
    ):
        heatmap = views.mechanism_chart(mechanisms, facts, population, lang, ALL).data[0]
        rows = [label.replace("<br>", " ") for label in heatmap.y]
        row_index = rows.index(t("intl_mechanism_healthcare_staff_education", lang))
        cells = [text.replace("<br>", " ") for text in heatmap.text[row_index]]
        assert (cells[0], cells[-1]) == expected  # the UK's ATTC, then Sweden
        assert heatmap.z[row_index][0] > heatmap.z[row_index][-1]
        table = views.mechanism_table(mechanisms, facts, population, lang, ALL)
        statuses = set(table[t("col_status", lang)])
        assert expected[1] in statuses
    swedish = views.mechanism_table(mechanisms, facts, population, "sv", ALL)
    established = swedish[swedish[t("col_status", "sv")].str.startswith("Etablerad")]
    assert set(established[t("intl_col_where", "sv")]) == {"Kanada"}  # CATTI only
    assert set(established[t("col_status", "sv")]) == {t("intl_status_scaling_up", "sv")}
    legend = t("intl_mechanisms_text", "sv")
    assert "**finns på plats**" in legend and "**etablerad**" not in legend
    assert "**finns på plats, men utan inriktning mot ATMP**" in legend
    assert "**in place, not aimed at ATMP**" in t("intl_mechanisms_text", "en")


def test_the_introduction_counts_initiatives_and_the_study_apart(initiatives, population) -> None:
    """The GM Green et al. study is evidence about training, not an initiative: "ten
    initiatives and one study", in words, each count recorded with what it counts."""
    assert [calc.is_study(cell) for cell in initiatives.set_index("id").loc[
        ["us_ca_green_study", "us_nsf_grant"], "mechanisms"]] == [True, False]  # fmt: skip
    assert calc.initiative_count(initiatives, ALL) == calc.InitiativeCount(10, 1)
    claims.take()
    english = views.intro_values(initiatives, population, "en", ALL)
    taken = claims.take()
    assert english["count"] == "ten initiatives and one study"
    assert [(c["text"], c["value"]) for c in taken] == [("ten", 10), ("one study", 1)]
    assert taken[0]["basis"].startswith("count:international_initiatives:countries∋GB|US|CA")
    assert views.intro_values(initiatives, population, "sv", ALL)["count"] == (
        "tio initiativ och en studie"
    )
    assert views.intro_values(initiatives, population, "sv", ["US"])["count"] == (
        "ett initiativ och en studie"
    )
    assert views.intro_values(initiatives, population, "en", ["GB"])["count"] == (
        "eight initiatives"
    )
    intro = t("intl_intro", "sv", countries="Storbritannien, USA och Kanada",
              count="tio initiativ och en studie")  # fmt: skip
    assert "(Storbritannien, USA och Kanada; tio initiativ och en studie i detta avsnitt)" in intro


def test_organisations_are_named_not_called_leads(initiatives, facts, population) -> None:
    """NSF funds Wake Forest and RegenMed; CATTI works with CCRM; ATTC with CGTC: the column
    names the organisations without calling them all leads."""
    for lang, header in (("en", "Organisations named"), ("sv", "Organisationer som nämns")):
        table = views.initiatives_table(initiatives, facts, population, lang, ALL)
        assert header in table.columns
        assert not [c for c in table.columns if re.search("lead|ledande", c, re.I)]
    nsf = initiatives.set_index("id").loc["us_nsf_grant"]
    assert "beviljade" in nsf["quote"] and "granted funding to" in nsf["description_en"]


def test_the_study_recommends_an_ecosystem_from_compulsory_school(initiatives) -> None:
    """ "bör spänna över grundskola till universitet": grundskola is compulsory school."""
    study = initiatives.set_index("id").loc["us_ca_green_study"]
    assert "from compulsory school to university" in study["description_en"]
    assert "primary school" not in study["description_en"]
    assert "från grundskola till universitet" in study["description_sv"]


def test_chart_labels_break_at_spaces_never_after_a_hyphen(mechanisms, facts, population) -> None:
    """The chart's data table joins wrapped lines with a space: a break after a hyphen would
    read "ATMP- området"."""
    assert views.wrap("ett utbud inriktat mot ATMP-området och mer", 30).split("<br>")[0] == (
        "ett utbud inriktat mot"
    )
    for lang in ("en", "sv"):
        heatmap = views.mechanism_chart(mechanisms, facts, population, lang, ALL).data[0]
        texts = [*heatmap.x, *heatmap.y, *[text for row in heatmap.text for text in row]]
        assert not [text for text in texts if re.search(r"-<br>", text)]


def test_mechanism_table_rows_and_places(mechanisms, facts, population) -> None:
    table = views.mechanism_table(mechanisms, facts, population, "en", ["US"])
    assert "United States/Canada (one study; the report does not say which country)" in set(
        table["Where"]
    )
    assert "United Kingdom" not in set(table["Where"])
    assert set(table["Quote"]) <= set(mechanisms["quote"])
    everything = views.mechanism_table(mechanisms, facts, population, "en", ALL)
    assert len(everything) == len(calc.shown_mechanism_rows(mechanisms, ALL))
    mapping = everything[everything["Mechanism"].str.startswith("Mapping of competence needs")]
    assert set(mapping["Mechanism"]) == {"Mapping of competence needs (evidence, not counted)"}
    assert set(mapping["Status"]) == {"Completed"}
    assert not any("{" in note for note in everything["What the report says"])


# --- figures and their scaling ----------------------------------------------------------


def test_only_places_that_a_sector_offers_are_scaled(initiatives, facts) -> None:
    items = calc.initiative_figures(initiatives, facts, ALL)
    assert [(i.fact.id, i.scalable) for i in items] == [
        ("uk_apprenticeship_places", True),
        ("uk_apprenticeship_org_share", False),
        ("uk_training_centres", False),  # national centres serve a whole industry
        ("us_ca_study_employers_unable_to_recruit_share", False),
    ]
    assert calc.scaled_countries(initiatives, facts, ALL) == ["GB"]
    assert calc.initiative_figures(initiatives, facts, ["US", "CA"])[0].place == "US;CA"


def test_sweden_equivalent_is_at_least_about_a_whole_number(facts, population) -> None:
    """ "över 100" places for about 67 million: at least about 15 for Sweden, never "over
    1.49" per million or a fraction of a place."""
    fact = get_fact(facts, "uk_apprenticeship_places")
    figure = calc.sweden_equivalent(fact, population, "GB")
    se, gb = population_of(population, "SE"), population_of(population, "GB")
    assert figure.value == pytest.approx(100 * se / gb)
    assert (figure.qualifier, figure.decimals) == ("at_least_approx", 0)
    assert figure.inputs == ("fact:uk_apprenticeship_places", "population:GB", "population:SE")
    claims.take()
    assert figure_text(figure, "en") == "at least about 15 apprenticeship places"
    assert figure_text(figure, "sv") == "minst ca 15 praktikplatser"
    assert claims.take()[0]["basis"] == f"derived:100 × {se:,} / {gb:,}"
    table = views.equivalents_table(
        datasets.load("international_initiatives"), facts, population, "sv", ALL
    )
    assert list(table["Formel"]) == ["100 × 10\u202f452\u202f326 / 67\u202f026\u202f292"]
    assert not table.astype(str).apply(lambda c: c.str.contains(r"1,49|0,04")).any().any()


def test_equivalent_sentence_states_the_source_figure_and_its_caveat(
    initiatives, facts, population
) -> None:
    (values,) = views.equivalent_values(initiatives, facts, population, "en", ALL)
    sentence = t("intl_equivalent_sentence", "en", **values)
    assert sentence.startswith(
        "United Kingdom: over 100 apprenticeship places for about 67 million inhabitants."
    )
    assert "would have at least about 15 apprenticeship places – an illustration only" in sentence
    (swedish,) = views.equivalent_values(initiatives, facts, population, "sv", ALL)
    assert swedish["equivalent"] == "minst ca 15 praktikplatser"
    assert views.equivalent_values(initiatives, facts, population, "en", ["US", "CA"]) == []


def test_key_figures_table_with_and_without_scaling(initiatives, facts, population) -> None:
    scaled = views.key_figures_table(initiatives, facts, population, "en", ALL, "population")
    plain = views.key_figures_table(initiatives, facts, population, "en", ALL, "none")
    linked = initiatives[["scale_fact_id", "share_fact_id"]].stack().dropna()
    assert len(scaled) == len(plain) == linked.nunique()
    assert not any("inhabitant" in column.lower() for column in plain.columns)
    sweden = "Sweden at the same rate per inhabitant (illustration)"
    rows = scaled.set_index("Unit")
    assert rows.loc["apprenticeship places", sweden] == "at least about 15 apprenticeship places"
    centres = rows.loc["training centres"]
    assert (centres["Value"], centres["Inhabitants (illustration)"]) == ("3", "about 67 million")
    assert centres[sweden].startswith("not scaled")
    study = scaled[scaled["Value"] == "up to 40%"].iloc[0]
    assert study["Country"].startswith("United States/Canada (one study")
    assert study[sweden] == ""
    page = " ".join(scaled.astype(str).to_numpy().ravel())
    assert not re.search(r"per million|0\.04|1\.49", page)


def test_population_note_uses_the_agency_name_of_the_language(population) -> None:
    named = population.assign(
        agency_en=population["source_organisation"],
        agency_sv=population["source_organisation"].str.replace(
            "Statistics Sweden (SCB)", "Statistiska centralbyrån (SCB)"
        ),
    )
    assert "Statistiska centralbyrån (SCB)" in views.population_note(named, [], "sv")
    assert "Statistics Sweden (SCB)" in views.population_note(named, [], "en")


# --- layers and labels ------------------------------------------------------------------


def test_calculations_know_no_language_and_draw_nothing() -> None:
    tree = ast.parse(MODULES[0].read_text(encoding="utf-8"))
    modules = {getattr(node, "module", None) for node in ast.walk(tree)}
    modules |= {
        a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
    }
    assert not {m for m in modules if m and ("plotly" in m or "i18n" in m or "views" in m)}
    arguments = {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                 for a in node.args.args}  # fmt: skip
    assert "lang" not in arguments
    assert not (MODULES[0].parent.parent.parent / "international.py").exists()


def used_label_ids() -> set[str]:
    """Literal label ids in the modules and the notebook, plus the ids built from data values."""
    sources = "".join(path.read_text(encoding="utf-8") for path in MODULES)
    sources += NOTEBOOK.read_text(encoding="utf-8")
    pattern = r"[\"']((?:intl|col|figure)_[a-z_]*[a-z])\\?[\"']"
    literal = set(re.findall(pattern, sources)) - set(datasets.load("verdicts")["id"])
    built = (
        {f"intl_mechanism_{m}" for m in calc.MECHANISMS}
        | {f"intl_status_{s}" for s in calc.STATUS_ORDER}
        | {f"intl_sweden_{group}" for group in calc.SWEDEN_GROUPS}
        | {f"intl_evidence_{m}_{form}" for m in calc.EVIDENCE_MECHANISMS
           for form in ("like", "alone", "abroad_only")}  # fmt: skip
        | {f"intl_count_{noun}_{n}" for noun in ("initiatives", "studies") for n in ("one", "many")}
        | {"intl_mechanisms_headline_one"}
        | {f"intl_audience_{a}" for a in enum("international_initiatives", "audience")}
        | {f"intl_bound_{q}" for q in enum("facts", "qualifier")}
        | {"figure_sweden_at_same_rate", "figure_population_millions"}
    )
    return literal | built


def test_every_label_the_section_uses_exists_and_none_is_left_over() -> None:
    ids = used_label_ids()
    assert {"intl_title", "intl_mechanisms_heading", "col_country", "intl_joint_note"} <= ids
    for label_id in sorted(ids):
        for lang in ("en", "sv"):
            assert t(label_id, lang).strip(), (label_id, lang)
    own = {row["id"] for row in label_rows() if row["file"] == "international.csv"}
    assert own - ids == set()


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
    for name, values in RUNS.items():
        command = [
            sys.executable, "-m", "papermill", str(NOTEBOOK), str(folder / f"{name}.ipynb"),
            "-k", "python3", "--cwd", str(notebooks_dir()), "--no-progress-bar",
            "-y", json.dumps(values),
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


@pytest.mark.slow
def test_every_number_on_the_page_is_explained_by_the_claims_register(executed) -> None:
    sources = claims.source_texts(raw_dir())
    for name, nb in executed.items():
        lang = RUNS[name].get("lang", "en")
        statements = claims.register(nb, name, lang, sources)
        assert statements and claims.unexplained(statements) == [], name


@pytest.mark.slow
def test_default_page_states_the_mechanism_headline_and_verdicts(executed) -> None:
    nb = executed["default"]
    markdown = "\n".join(outputs(nb, "text/markdown"))
    headline = (
        "Of the ten education and training mechanisms the report describes as in place or "
        "being developed abroad"
    )
    assert headline in markdown
    none = "- **none, as the report states:** 1 (master's programmes adapted to ATMP: no degree"
    assert none in markdown
    shown = outputs(nb, "text/html") + outputs(nb, "text/markdown")
    page = "\n".join(shown)
    verdicts = datasets.load("verdicts").set_index("id")
    for verdict_id in (*views.INTRO_VERDICTS, views.SWEDEN_VERDICT, views.WILLINGNESS_VERDICT,
                       views.APPRENTICESHIP_VERDICT):  # fmt: skip
        assert html.escape(verdicts.loc[verdict_id, "quote"]) in page
    ordered = [out["data"].get("text/markdown") or out["data"].get("text/html", "")
               for out in display_outputs(nb)]  # fmt: skip
    named = "- **named for Sweden and aimed at ATMP, as single small efforts:** 2"
    summary = next(i for i, text in enumerate(ordered) if named in text)
    verdict = next(i for i, text in enumerate(ordered) if "ytterst begränsat" in text)
    assert 0 < verdict - summary <= 2  # the report's verdict stands next to the count
    assert "Regenerative Medicine (RM)" in page
    assert not re.search(r"0[.,]04|1[.,]49|15[.,]5|over 15\b", page)


@pytest.mark.slow
def test_notebook_with_us_only(executed, initiatives) -> None:
    nb = executed["us_only"]
    table = html_table(nb, "Organisations named")
    for _, row in initiatives.iterrows():
        assert (row["name_en"] in table) == ("US" in row["countries"].split(";")), row["id"]
    assert "United Kingdom" not in table
    (chart,) = figures(nb)
    places = [label.replace("<br>", " ") for label in chart["data"][0]["x"]]
    assert places == ["United States", "United States/Canada (one study)", "Sweden"]
    page = "\n".join(outputs(nb, "text/html") + outputs(nb, "text/markdown"))
    assert html.escape(t("intl_apprenticeship_reason", "en")) not in page  # no UK on the page


@pytest.mark.slow
def test_notebook_without_normalisation(executed) -> None:
    nb = executed["no_normalisation"]
    shown = outputs(nb, "text/html") + outputs(nb, "text/markdown")
    assert not any(re.search("per inhabitant|million inhabitants", text, re.I) for text in shown)
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
    assert "<td>minst ca 15 praktikplatser</td>" in tables
    markdown = "\n".join(outputs(nb, "text/markdown"))
    assert "skulle Sverige (ca 10 miljoner invånare) ha minst ca 15 praktikplatser" in markdown
    (chart,) = figures(nb)
    assert chart["layout"]["title"]["text"] == t("intl_chart_mechanisms_title", "sv")
    assert chart["layout"]["separators"] == ",\u202f"


def test_a_count_filed_under_several_countries_is_never_scaled(
    initiatives, facts, population
) -> None:
    """No one population belongs to a row the report files under "USA och Kanada": its count
    is listed, not set against a population, even when the row asks for scaling."""
    joint = initiatives["countries"].map(lambda cell: len(calc.codes(cell)) > 1)
    row_id = initiatives.loc[joint, "id"].iloc[0]
    asks = initiatives.assign(
        scale_fact_id=initiatives["scale_fact_id"].mask(
            initiatives["id"] == row_id, "global_atmp_companies"
        ),
        scale_by_population=initiatives["scale_by_population"].mask(
            initiatives["id"] == row_id, True
        ),
    )
    items = {i.fact.id: i for i in calc.initiative_figures(asks, facts, ALL)}
    assert items["global_atmp_companies"].place == "US;CA"
    assert not items["global_atmp_companies"].scalable
    assert items["uk_apprenticeship_places"].scalable
    pairs = calc.sweden_equivalents(asks, facts, population, ALL)
    assert [item.fact.id for item, _ in pairs] == ["uk_apprenticeship_places"]
    assert calc.scaled_countries(asks, facts, ALL) == ["GB"]
