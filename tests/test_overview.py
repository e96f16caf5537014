"""The overview section's calculations, computed from the facts and landscape tables."""

from __future__ import annotations

import pandas as pd
import pytest

from atmp_lib import overview
from atmp_lib.facts import get_fact


def test_phase3_share_is_phase3_over_all_trials(facts) -> None:
    share = overview.phase3_share(facts)
    assert share.value == pytest.approx(100 * 222 / 2400)
    assert share.approximate  # 2400 is "ca 2400"
    assert share.inputs == ("global_phase3_trials_2021", "global_clinical_trials_2021")


def test_sponsor_split_adds_up_to_all_trials(facts) -> None:
    split = overview.trials_by_sponsor(facts)
    total = get_fact(facts, "global_clinical_trials_2021").central
    assert split["industry"].value + split["academia"].value == pytest.approx(total)
    assert split["industry"].value == pytest.approx(total / 2)


def test_skr_figures_use_the_period_and_hospital_count(facts) -> None:
    per_hospital, per_year = overview.skr_investment_figures(facts)
    assert per_hospital.value == pytest.approx(1200 / 7)
    assert per_year.value == pytest.approx(1200 / 11)
    assert per_year.assumption == "assumption_skr_years"


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_global_table_has_one_row_per_key_figure(facts, lang) -> None:
    table = overview.global_context_table(facts, lang)
    assert len(table) == len(overview.GLOBAL_CONTEXT_IDS)
    quotes = table.iloc[:, -1].tolist()
    expected = [get_fact(facts, fact_id).quote for fact_id in overview.GLOBAL_CONTEXT_IDS]
    assert quotes == expected


def test_swedish_table_headers_are_swedish(facts, landscape) -> None:
    assert list(overview.global_context_table(facts, "sv").columns) == [
        "Siffra", "Värde", "Enhet", "Citat",
    ]  # fmt: skip
    assert "Namn" in overview.landscape_table(landscape, "sv").columns


def test_landscape_chart_counts_every_row(landscape) -> None:
    fig = overview.landscape_chart(landscape, "en")
    assert sum(sum(trace.y) for trace in fig.data) == len(landscape)


def test_timeline_shows_only_dated_entries_in_order(landscape) -> None:
    fig = overview.landscape_timeline(landscape, "en")
    years = list(fig.data[0].x)
    assert years == sorted(years)
    assert len(years) == landscape["start_year"].notna().sum()


def test_trials_chart_carries_a_source_note(facts) -> None:
    fig = overview.trials_chart(facts, "sv")
    notes = [a.text for a in fig.layout.annotations]
    assert any(note.startswith("Källa: facts.csv") for note in notes)


def test_swedish_landscape_table_uses_swedish_names(landscape) -> None:
    names = set(overview.landscape_table(landscape, "sv")["Namn"])
    assert names == set(landscape["name_sv"])
    assert "Kliniskt ATMP-centrum vid Skånes universitetssjukhus" in names


def test_karolinska_has_no_start_year_only_its_roots_fact(landscape, facts) -> None:
    row = landscape.set_index("id").loc["karolinska_atmp_centre"]
    assert pd.isna(row["start_year"])
    assert get_fact(facts, row["fact_id"]).value == 1975
