"""The scenario object: one declaration per parameter, defaults from the data, strict
validation, override files, the notebook's parameters cell and runs, the views."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import papermill
import pytest
import yaml

from atmp_lib import claims, datasets, parameters, params
from atmp_lib.engine import cli
from atmp_lib.errors import ParameterError
from atmp_lib.facts import get_fact
from atmp_lib.i18n import LANGUAGES, label_rows, t
from atmp_lib.paths import Project, notebooks_dir, params_dir, working_on
from atmp_lib.sections import common
from atmp_lib.sections.scenarios import charts, model, scenario, views
from atmp_lib.sections.scenarios.parameters import (
    BY_NAME,
    FIELD_NAMES,
    FIELDS,
    GROUPS,
    OPTIONS,
    READINGS,
)
from atmp_lib.sections.scenarios.scenario import Scenario

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = notebooks_dir() / "05_scenarios.ipynb"
NAMED = (
    "baseline", "ccrm_nordic", "apprenticeship", "degree_modules", "training_centre",
    "recruited_abroad", "all_options",
)  # fmt: skip
SECTION = "atmp_lib/sections/scenarios"
SCENARIO_MODULES = tuple(f"{SECTION}/{name}.py" for name in (
    "parameters", "scenario", "model", "views", "widgets"))  # fmt: skip
#: The modules the section's code used to live in (removed, not wrapped).
OLD_MODULES = ("scenario.py", "model.py", "widgets.py", "scenario_views.py")
#: Removed with the proxy that counted job advertisements as people trained.
REMOVED_ASSUMPTIONS = ("on_the_job_share_of_job_ads", "on_the_job_enabled_baseline")


@pytest.fixture(scope="module")
def tables():
    return datasets.load("facts"), datasets.load("assumptions")


@pytest.fixture(scope="module")
def base(tables) -> Scenario:
    return scenario.default_scenario(*tables)


@pytest.fixture(scope="module")
def basis():
    return scenario.load_basis()


def param(name: str) -> parameters.Param:
    return BY_NAME[name].param


def assumption_row(assumptions, assumption_id: str):
    return assumptions.set_index("id").loc[assumption_id]


# --------------------------------------------------------------------------- defaults


def test_need_defaults_are_the_stated_figures(tables, base: Scenario) -> None:
    facts, _ = tables
    assert base.need_companies == get_fact(facts, "need_companies").value
    assert base.need_healthcare == get_fact(facts, "need_healthcare").value
    assert (base.ccrm_need_low, base.ccrm_need_high) == get_fact(facts, "need_ccrm_nordic").bounds
    assert base.horizon_years == get_fact(facts, "survey_horizon_years").value


def test_lever_defaults_come_from_assumptions(tables, base: Scenario) -> None:
    _, assumptions = tables
    for field in FIELDS:
        kind, _, row = field.param.data_default.partition(":")
        if kind == "assumption":
            value = assumption_row(assumptions, row)["value"]
            expected = value != 0 if field.kind is bool else field.kind(value)
            assert getattr(base, field.name) == expected, field.name


def test_todays_domestic_training_has_no_default(tables, base: Scenario) -> None:
    assert base.domestic_training_per_year is None and not base.domestic_known
    origin = scenario.default_origins(*tables)["domestic_training_per_year"]
    assert (origin.value, origin.kind) == (None, "unknown")
    assert param("domestic_training_per_year").optional
    assert not param("domestic_training_per_year").data_default


def test_none_means_the_data_default_or_unknown_never_both() -> None:
    with pytest.raises(ValueError, match="cannot mean both"):
        parameters.Param("x", float, "x", optional=True, data_default="fact:need_companies")
    from_data = {f.name for f in FIELDS if f.param.data_default}
    unknown = {f.name for f in FIELDS if f.param.optional}
    assert unknown == {"domestic_training_per_year"} and not from_data & unknown


def test_baseline_counts_no_ccrm_nordic_and_no_option(base: Scenario) -> None:
    assert not base.ccrm_nordic_established
    assert base.enabled_options == ()


def refs_of(field) -> tuple:
    return field.param.data_default, field.param.low, field.param.high


def test_job_advertisements_are_no_longer_a_proxy_for_training(tables) -> None:
    facts, assumptions = tables
    assert not set(REMOVED_ASSUMPTIONS) & set(assumptions["id"])
    used = {ref for field in FIELDS for ref in refs_of(field)}
    assert not any("job_ads" in str(ref) for ref in used)


def test_every_default_and_range_names_an_existing_row(tables) -> None:
    facts, assumptions = tables
    known = {f"fact:{i}" for i in facts["id"]} | {f"assumption:{i}" for i in assumptions["id"]}
    for field in FIELDS:
        kind, _, row = field.param.data_default.partition(":")
        if kind.startswith("fact"):
            assert f"fact:{row}" in known, field.name
        elif kind == "assumption":
            assert f"assumption:{row}" in known, field.name
        for bound in (field.param.low, field.param.high):
            assert not isinstance(bound, str) or bound in known, (field.name, bound)


def test_every_lever_row_has_a_range_around_its_value_and_a_reason(tables) -> None:
    _, assumptions = tables
    used = views.used_assumptions(assumptions)
    for _, row in used.iterrows():
        for lang in LANGUAGES:
            assert len(row[f"rationale_{lang}"]) > 40, row["id"]
        if not pd.isna(row["low"]):  # a range is given
            assert row["low"] <= row["value"] <= row["high"], row["id"]
    levers = [field.name for field in FIELDS if field.sensitivity]
    assert levers and all(scenario.range_sources(n) for n in levers)


def test_band_assumption_keeps_its_meaning_for_the_survey(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "approx_band_pct")
    assert (row["value"], row["unit"]) == (10, "%")
    assert "±" in row["rationale_en"] and "ca" in row["rationale_en"]


def test_ccrm_nordic_is_the_reports_one_switch(tables, base: Scenario) -> None:
    """The page counts the proposed CCRM Nordic by the switch the survey page reads too,
    not by a baseline row of its own."""
    _, assumptions = tables
    assert "ccrm_established_baseline" not in set(assumptions["id"])
    assert param("ccrm_nordic_established") is common.CCRM_NORDIC_ESTABLISHED
    assert parameters.schema("scenarios")["ccrm_nordic_established"] is (
        common.CCRM_NORDIC_ESTABLISHED)
    assert base.ccrm_nordic_established is common.CCRM_NORDIC_ESTABLISHED.default is False
    sections, _ = params.load_sections(notebooks_dir(), PROJECT_ROOT)
    assert params.validate_values({"ccrm_nordic_established": True}, sections, "x") == []


# --------------------------------------------------------------------------- validation


def mapping_of(base: Scenario, **changes) -> dict:
    return {**base.to_mapping(), **changes}


def test_scenario_is_immutable(base: Scenario) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.horizon_years = 10  # type: ignore[misc]


def test_replace_validates_and_keeps_the_original(base: Scenario) -> None:
    changed = base.replace(horizon_years=10)
    assert (changed.horizon_years, base.horizon_years) == (10, 5)
    with pytest.raises(ParameterError, match="parameter 'horizon_years': 40 is out of range"):
        base.replace(horizon_years=40)


def test_unknown_key_is_rejected_naming_file_and_parameter(base: Scenario) -> None:
    problems = scenario.validate_scenario_mapping(mapping_of(base, growth=3), "params/x.yaml")
    assert len(problems) == 1
    assert problems[0].startswith("params/x.yaml: unknown parameter 'growth'; the parameters are:")


def test_missing_key_is_rejected_unless_the_mapping_is_partial(base: Scenario) -> None:
    mapping = base.to_mapping()
    del mapping["seed"]
    assert scenario.validate_scenario_mapping(mapping, "f.yaml") == [
        "f.yaml: missing parameter 'seed' (allowed: an integer from 0 to 4294967295, or null "
        "(the default from the data: assumption:monte_carlo_seed))"
    ]
    assert scenario.validate_scenario_mapping({"seed": 3}, "f.yaml", partial=True) == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("horizon_years", 40, "40 is out of range (allowed: an integer from 1 to 30)"),
        ("horizon_years", 5.5, "5.5 is not an integer (allowed: an integer from 1 to 30)"),
        ("need_companies", "ca 400", "'ca 400' is not a number"),
        ("need_companies", None, "None is not resolved to the default from the data "
                                 "(fact:need_companies)"),
        ("ccrm_nordic_established", "yes", "'yes' is not true or false"),
        ("recruited_abroad_share", 50, "50 is out of range (allowed: a number from 5 to 30,"),
        ("degree_modules_graduates_per_year", 60,
         "60 is out of range (allowed: an integer from 10 to 50,"),
        ("apprenticeship_places_sweden", 60,
         "60 is out of range (allowed: an integer from 5 to 50,"),
        ("rounding_step_companies", 75, "75 is out of range (allowed: 50 or 100, or null"),
        ("approx_reading", "median", "'median' is not allowed (allowed: one of band, rounded)"),
        ("domestic_training_per_year", -3,
         "-3 is out of range (allowed: a number from 0 to 500, or null (not known from the "
         "sources))"),
        ("draws", 0, "0 is out of range (allowed: an integer from 1 to 1000000"),
        ("seed", -1, "-1 is out of range (allowed: an integer from 0 to 4294967295"),
        ("approx_band_pct", float("nan"), "nan is not a finite number"),
    ],
)  # fmt: skip
def test_wrong_values_are_rejected_with_the_allowed_range(base, name, value, expected) -> None:
    problems = scenario.validate_scenario_mapping(mapping_of(base, **{name: value}), "f.yaml")
    assert len(problems) == 1
    assert problems[0].startswith(f"f.yaml: parameter '{name}': {expected}")


def test_none_is_allowed_only_where_declared(base: Scenario) -> None:
    assert base.replace(domestic_training_per_year=None).domestic_training_per_year is None
    assert base.replace(domestic_training_per_year=12).domestic_training_per_year == 12.0
    for field in FIELDS:  # a file may give None for a default from the data, nothing else
        fault = field.param.fault(None)
        assert (fault is None) == field.param.accepts_none, field.name
        if field.param.data_default:
            with pytest.raises(ParameterError, match="not resolved"):
                base.replace(**{field.name: None})
    settings = {f.name for f in FIELDS if not f.param.accepts_none}
    assert settings == {"horizon_years", "ccrm_nordic_established", "approx_reading"}


def test_ranges_are_read_from_the_data(data_copy: Path, monkeypatch, base: Scenario) -> None:
    path = data_copy / "assumptions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] == "degree_modules_graduates_per_year":
            row["high"] = "70"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert param("degree_modules_graduates_per_year").fault(60)
    with working_on(Project(data_copy.parent)):
        assert param("degree_modules_graduates_per_year").fault(60) is None
        assert param("degree_modules_graduates_per_year").bounds() == (10, 70)


def test_ccrm_range_is_the_one_the_report_states(tables, base: Scenario) -> None:
    low, high = get_fact(tables[0], "need_ccrm_nordic").bounds
    too_high = int(high) + 1
    problems = scenario.validate_scenario_mapping(mapping_of(base, ccrm_need_high=too_high), "f")
    assert problems == [
        f"f: parameter 'ccrm_need_high': {too_high} is out of range "
        f"(allowed: a number from {low:g} to {high:g}, or null (the default from the data: "
        "fact_high:need_ccrm_nordic))"
    ]


def test_linked_fields_are_checked(base: Scenario) -> None:
    low_above_high = mapping_of(base, ccrm_need_low=90, ccrm_need_high=60)
    assert "is above 'ccrm_need_high'" in scenario.validate_scenario_mapping(low_above_high, "f")[0]


def test_every_problem_is_reported(base: Scenario) -> None:
    mapping = mapping_of(base, horizon_years=0, seed="x", extra=1)
    problems = scenario.validate_scenario_mapping(mapping, "f")
    assert {re.search(r"'(\w+)'", p).group(1) for p in problems} == {
        "extra", "horizon_years", "seed",
    }  # fmt: skip


def test_project_validation_applies_the_declared_ranges(base: Scenario) -> None:
    sections, _ = params.load_sections(notebooks_dir(), PROJECT_ROOT)
    problems = params.validate_values(
        {"ccrm_need_low": 120, "horizon_years": 40, "recruited_abroad_share": 50}, sections, "x"
    )
    assert problems == [
        "x: parameter 'ccrm_need_low': 120 is out of range (allowed: a number from 50 to 100, "
        "or null (the default from the data: fact_low:need_ccrm_nordic))",
        "x: parameter 'horizon_years': 40 is out of range (allowed: an integer from 1 to 30)",
        "x: parameter 'recruited_abroad_share': 50 is out of range (allowed: a number from 5 "
        "to 30, or null (the default from the data: assumption:recruited_abroad_share))",
    ]
    assert params.validate_values({"ccrm_need_low": 90, "ccrm_need_high": 60}, sections, "x") == [
        "x: parameter 'ccrm_need_low': 90 is above 'ccrm_need_high' (60) (allowed: low <= high)"
    ]


def test_from_parameters_reads_the_fields_from_a_namespace(base: Scenario) -> None:
    namespace = {**base.to_mapping(), "lang": "sv", "facts": object()}
    assert scenario.from_parameters(namespace, "cell", base) == base


def test_none_in_the_parameters_cell_is_the_default_from_the_data(base: Scenario) -> None:
    cell, _ = params.parse_parameters(views.parameters_cell(
        scenario.default_origins(*datasets_tables()), datasets.load("facts")), "cell")
    namespace = {name: p.default for name, p in cell.items()}
    assert namespace["need_companies"] is None and namespace["recruited_abroad_share"] is None
    assert scenario.from_parameters(namespace, "cell", base) == base
    chosen = scenario.from_parameters({**namespace, "need_companies": 450,
                                       "domestic_training_per_year": 12}, "cell", base)
    assert (chosen.need_companies, chosen.domestic_training_per_year) == (450.0, 12.0)
    assert chosen.need_healthcare == base.need_healthcare  # still the data's


def test_defaults_follow_the_data_without_touching_the_notebook(data_copy: Path) -> None:
    path = data_copy / "assumptions.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("recruited_abroad_share,"))
    path.write_text(text.replace(row, row.replace("recruited_abroad_share,15,",
                                                  "recruited_abroad_share,20,")),
                    encoding="utf-8")  # fmt: skip
    facts, assumptions = datasets.load("facts", data_copy), datasets.load("assumptions", data_copy)
    moved = scenario.default_scenario(facts, assumptions)
    assert moved.recruited_abroad_share == 20.0
    namespace = {"recruited_abroad_share": None, "need_companies": None}
    assert scenario.from_parameters(namespace | moved.to_mapping() | namespace, "cell",
                                    moved).recruited_abroad_share == 20.0  # fmt: skip


def datasets_tables():
    return datasets.load("facts"), datasets.load("assumptions")


def test_sensitivity_ranges_are_the_declared_ranges_of_active_levers(base, basis) -> None:
    assert scenario.sensitivity_ranges(base, basis) == {}
    longer = base.replace(horizon_years=8)
    assert set(scenario.sensitivity_ranges(longer, basis)) == {"company_growth_beyond_survey_pct"}
    every = base.with_every_option().replace(ccrm_nordic_established=True)
    ranges = scenario.sensitivity_ranges(every, basis)
    assert ranges["training_centre_trained_per_year"] == param(
        "training_centre_trained_per_year"
    ).bounds()
    assert {f"{option}_start_lag_years" for option in OPTIONS} <= set(ranges)
    assert "ccrm_start_lag_years" in ranges


# --------------------------------------------------------------------------- files


def test_named_scenarios_exist_and_baseline_comes_first() -> None:
    named = scenario.named_scenarios()
    assert list(named) == [NAMED[0], *sorted(NAMED[1:])]


def test_named_files_hold_only_overrides(base: Scenario) -> None:
    for name in NAMED:
        data = yaml.safe_load((params_dir() / f"{name}.yaml").read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            assert value != getattr(base, key), (name, key)


def test_named_scenarios_are_the_baseline_with_what_their_names_say(base: Scenario) -> None:
    named = scenario.named_scenarios()
    assert named["baseline"] == base
    assert named["ccrm_nordic"] == base.replace(ccrm_nordic_established=True)
    for option in OPTIONS:
        assert named[option] == base.replace(**{f"{option}_enabled": True}), option
    assert named["all_options"].enabled_options == OPTIONS
    assert named["all_options"].ccrm_nordic_established


def test_overrides_apply_to_the_baseline_of_the_data(tmp_path: Path, base: Scenario) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("training_centre_enabled: true\ndomestic_training_per_year: 12\n"
                    "need_healthcare: null\n")  # null: the default from the data
    loaded = scenario.load_scenario(path)
    assert loaded == base.replace(training_centre_enabled=True, domestic_training_per_year=12)
    other_base = base.replace(need_companies=500)
    assert scenario.load_scenario(path, other_base).need_companies == 500


def test_named_files_pass_the_projects_parameter_validation() -> None:
    sections, problems = params.load_sections(notebooks_dir(), PROJECT_ROOT)
    assert problems == []
    for name in NAMED:
        loaded, found = params.load_params_file(params_dir() / f"{name}.yaml", PROJECT_ROOT)
        assert found == []
        assert params.validate_values(loaded.values, sections, loaded.label) == [], name


def test_project_validation_names_file_parameter_and_range(tmp_path: Path) -> None:
    sections, _ = params.load_sections(notebooks_dir(), PROJECT_ROOT)
    problems = params.validate_values(
        {"training_centre_trained_per_year": 90, "domestic_training_per_year": None,
         "need_companies": None, "approx_reading": None}, sections, "params/x.yaml",
    )  # fmt: skip
    assert problems == [
        "params/x.yaml: parameter 'training_centre_trained_per_year': 90 is out of range "
        "(allowed: an integer from 10 to 40, or null (the default from the data: "
        "assumption:training_centre_trained_per_year))",
        "params/x.yaml: parameter 'approx_reading': None is not allowed (allowed: one of band, "
        "rounded)",
    ]


def test_save_writes_only_what_differs_and_loads_back(tmp_path: Path, base: Scenario) -> None:
    changed = base.replace(apprenticeship_enabled=True, company_growth_beyond_survey_pct=2.5)
    path = scenario.save_scenario(changed, tmp_path / "mine.yaml", base, comment="two\nlines")
    text = path.read_text(encoding="utf-8")
    assert text == ("# two\n# lines\ncompany_growth_beyond_survey_pct: 2.5\n"
                    "apprenticeship_enabled: true\n")  # fmt: skip
    assert scenario.load_scenario(path) == changed
    empty = scenario.save_scenario(base, tmp_path / "same.yaml", base)
    assert scenario.read_overrides(empty) == {}
    assert scenario.load_scenario(empty) == base


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path, base: Scenario) -> None:
    path = scenario.save_scenario(base.replace(seed=3), tmp_path / "mine.yaml", base)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(FileExistsError, match="mine.yaml exists; pass overwrite=True"):
        scenario.save_scenario(base.replace(seed=1), path, base)
    assert path.read_text(encoding="utf-8") == before
    scenario.save_scenario(base.replace(seed=1), path, base, overwrite=True)
    assert scenario.load_scenario(path).seed == 1


def test_bad_files_are_rejected_naming_the_file(tmp_path: Path) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text("seed: 1\nseed: 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"twice.yaml, line 2: duplicate key 'seed'"):
        scenario.load_scenario(twice)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("draws: many\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"wrong.yaml: parameter 'draws': 'many' is not a"):
        scenario.load_scenario(wrong)
    listed = tmp_path / "listed.yaml"
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="listed.yaml: expected a mapping"):
        scenario.load_scenario(listed)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="bomb.yaml: anchors and aliases"):
        scenario.load_scenario(bomb)


def test_one_bad_scenario_file_is_named_before_the_page_compares_them(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("seed: 4\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("seed: [\n", encoding="utf-8")
    (tmp_path / "Odd Name.yaml").write_text("seed: 5\n", encoding="utf-8")
    (tmp_path / "<img src=x onerror=alert(1)>.yaml").write_text("seed: 6\n", encoding="utf-8")
    problems = scenario.scenario_file_problems(tmp_path)
    assert len(problems) == 3
    assert any("broken.yaml, line" in problem for problem in problems)
    assert any("Odd Name.yaml: a scenario file's name" in problem for problem in problems)
    assert any("onerror=alert(1)>.yaml: a scenario file's name" in p for p in problems)
    with pytest.raises(ParameterError, match="broken.yaml"):
        scenario.named_scenarios(tmp_path)
    for name in ("broken.yaml", "Odd Name.yaml", "<img src=x onerror=alert(1)>.yaml"):
        (tmp_path / name).unlink()
    assert list(scenario.named_scenarios(tmp_path)) == ["good"]


def test_saving_never_follows_a_link_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    base = scenario.load_default_scenario()
    target = tmp_path / "target.yaml"
    target.write_text("seed: 9\n", encoding="utf-8")
    link = tmp_path / "linked.yaml"
    link.symlink_to(target)
    with pytest.raises(OSError, match="not a regular file"):
        scenario.save_scenario(base.replace(seed=1), link, base, overwrite=True)
    assert target.read_text(encoding="utf-8") == "seed: 9\n"
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "elsewhere" / "x.yaml")
    with pytest.raises(OSError, match="not a regular file"):
        scenario.save_scenario(base.replace(seed=1), dangling, base)
    assert not (tmp_path / "elsewhere").exists()
    dangling.unlink()
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(OSError, match="not a regular file"):
        scenario.save_scenario(base.replace(seed=1), tmp_path / "folder.yaml", base, overwrite=True)
    scenario.save_scenario(base.replace(seed=2), target, base, overwrite=True)
    assert scenario.read_overrides(target) == {"seed": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.yaml", "linked.yaml",
                                                          "target.yaml"]  # fmt: skip


def test_a_run_too_large_for_memory_is_refused_before_it_starts() -> None:
    base = scenario.load_default_scenario()
    with pytest.raises(ParameterError, match="'draws': 1,000,000 draws over 30 years"):
        base.replace(draws=1_000_000, horizon_years=30)
    assert base.replace(draws=1_000_000, horizon_years=5).draws == 1_000_000


def test_scenario_files_are_told_apart_from_other_parameter_files(tmp_path: Path) -> None:
    for name, text in {"a.yaml": "{}\n", "b.yaml": "seed: 4\n", "c.yaml": "audience: all\n",
                       "default.yaml": "seed: 4\n", "d.yaml": "seed: 4\nlang: sv\n"}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")  # fmt: skip
    found = sorted(p.name for p in tmp_path.iterdir() if scenario.is_scenario_file(p))
    assert found == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("name", ["../evil", "Has Space", "", "x" * 65, "a/b"])
def test_scenario_path_rejects_names_that_are_not_plain(name: str) -> None:
    with pytest.raises(ValueError, match="use lower-case letters"):
        scenario.scenario_path(name)


def test_scenario_path_adds_the_suffix(tmp_path: Path) -> None:
    assert scenario.scenario_path("ccrm_2025", tmp_path) == tmp_path / "ccrm_2025.yaml"
    assert scenario.scenario_path("ccrm_2025.yaml", tmp_path) == tmp_path / "ccrm_2025.yaml"


# --------------------------------------------------------------------------- labels


def used_label_ids() -> set[str]:
    """Label ids written literally in the scenario modules and the notebook, plus families."""
    texts = [(PROJECT_ROOT / module).read_text(encoding="utf-8") for module in SCENARIO_MODULES]
    texts.append(NOTEBOOK.read_text(encoding="utf-8"))
    literal = {
        m for text in texts for m in re.findall(r'"((?:scen|param|group)_[a-z0-9_]+)"', text)
    }
    checks = {f"scen_check_{r}_{v}" for r in ("band", "rounded") for v in ("holds", "top", "short")}
    families = (
        {f"param_{name}" for name in FIELD_NAMES}
        | {f"group_{group}" for group in GROUPS}
        | {f"scen_q_{q}" for q in model.QUANTITIES}
        | {f"scen_sector_{s}" for s in model.SECTORS}
        | {f"scen_option_{option}" for option in model.SOURCES}
        | {f"scen_origin_{kind}" for kind in ("fact", "assumption", "setting", "unknown",
                                              "end_low", "end_high")}  # fmt: skip
        | {f"scen_check_ccrm_{state}" for state in ("on", "off")}
        | {f"scen_reading_{reading}" for reading in READINGS}
        | {f"scen_name_{name}" for name in NAMED}
        | {f"scen_opt_col_{c}" for c in ("option", "on", "adds", "range", "from")}
        | {f"scen_tornado_col_{c}" for c in ("input", "range", "at_low", "at_high", "swing")}
        | {f"scen_cmp_col_{c}" for c in ("scenario", "file", "last_year", "need", "capacity",
                                         "p10_p90", "p50")}  # fmt: skip
        | {f"scen_check_col_{c}" for c in ("stated", "band", "rounded")}
        | {f"scen_col_{c}" for c in ("parameter", "value", "default", "basis", "range")}
        | {f"scen_tornado_{end}" for end in ("low", "high")}
        | set(views.UNIT_LABELS.values())
        | checks
    )
    return {i for i in literal | families if not i.endswith("_")}


def scenario_labels() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in label_rows() if row["file"] == "scenarios.csv"}


def test_every_label_used_exists_in_both_languages() -> None:
    rows = {row["id"]: row for row in label_rows()}
    for label_id in sorted(used_label_ids()):
        assert label_id in rows, label_id
        for lang in LANGUAGES:
            assert rows[label_id][lang].strip(), (label_id, lang)


def test_scenario_labels_live_in_the_sections_file() -> None:
    assert used_label_ids() <= set(scenario_labels())


#: Labels drawn only in charts or in the live explorer (not page text the register checks).
CHART_LABELS = ("scen_band", "scen_chart_comparison_title", "scen_w_summary")


def test_page_labels_write_no_number_of_their_own() -> None:
    for label_id, row in scenario_labels().items():
        if label_id in CHART_LABELS:
            continue
        for lang in LANGUAGES:
            assert not re.search(r"\d", re.sub(r"\{[a-z0-9_]+\}", "", row[lang])), (label_id, lang)


def test_labels_use_the_seeds_terms() -> None:
    text = " ".join(f"{row['en']} {row['sv']}" for row in scenario_labels().values())
    for banned in ("Storhet", "stänga gapet", "Per år över", "lärling", "Gap", " gap", "otäck"):
        assert banned not in text, banned
    assert "praktikplatser" in text and "behov som de valda insatserna inte täcker" in text.lower()
    assert "okänt enligt källorna" in text


# --------------------------------------------------------------------------- notebook


def test_notebook_parameters_cell_is_written_from_the_declarations(tables) -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    facts, assumptions = tables
    assert "".join(cell["source"]) == views.parameters_cell(
        scenario.default_origins(facts, assumptions), facts
    )
    found, problems = params.read_parameters_cell(NOTEBOOK, "05_scenarios.ipynb")
    assert problems == []
    assert list(found) == ["lang", *FIELD_NAMES]
    for field in FIELDS:  # literals only: None where the data (or nobody) gives the default
        assert found[field.name].default == field.param.default, field.name
        assert found[field.name].type_name == field.param.type_text, field.name
    assert found["need_companies"].default is None
    assert found["need_companies"].type_name == "Optional[float]"
    assert found["horizon_years"].default == 5 and found["horizon_years"].type_name == "int"


def test_papermill_help_shows_types_and_help() -> None:
    inferred = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(inferred) == {"lang", *FIELD_NAMES}
    domestic = inferred["domestic_training_per_year"]
    assert (domestic["inferred_type_name"], domestic["default"]) == ("Optional[float]", "None")
    assert "None: not known from the sources (no default)" in domestic["help"]
    companies = inferred["need_companies"]
    assert (companies["inferred_type_name"], companies["default"]) == ("Optional[float]", "None")
    assert "None: the default from the data, 400 (fact need_companies: “ca 400”)" in (
        companies["help"])
    assert "from 5 to 30" in inferred["recruited_abroad_share"]["help"]
    assert inferred["horizon_years"]["inferred_type_name"] == "int"
    for name, found in inferred.items():
        assert found["help"].startswith(parameters.schema("scenarios")[name].help), name


def test_report_list_shows_the_declared_types(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(PROJECT_ROOT), "list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"domestic_training_per_year\s+Optional\[float\]\s+= None", out)
    assert re.search(r"apprenticeship_places_sweden\s+Optional\[int\]\s+= None", out)
    assert "or null (the default from the data: assumption:apprenticeship_places_sweden)" in out
    assert "apprenticeship_uk_places" not in out
    assert re.search(r"ccrm_nordic_established\s+bool\s+= False", out)


def outputs_text(path: Path) -> str:
    """Every text/markdown and text/html output of an executed notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/html"):
                if mime in data and "application/vnd.plotly.v1+json" not in data:
                    parts.append("".join(data[mime]))
    return "\n".join(parts)


def plotly_figures(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        output["data"]["application/vnd.plotly.v1+json"]
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]


@pytest.mark.slow
def test_notebook_runs_a_named_scenario_in_swedish(tmp_path: Path) -> None:
    overrides = scenario.read_overrides(params_dir() / "ccrm_nordic.yaml")
    chosen = scenario.load_scenario(params_dir() / "ccrm_nordic.yaml")
    target = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(target), parameters={**overrides, "lang": "sv"},
        kernel_name="python3", cwd=str(notebooks_dir()), progress_bar=False,
    )  # fmt: skip
    text = outputs_text(target)
    year = chosen.start_year("ccrm")
    assert f"CCRM Nordic etableras från {year}" in text  # recognised by name
    assert f"CCRM Nordic antas etableras och starta {year}" in text
    assert "Behov som de valda insatserna inte täcker" in text
    assert "Dagens utbildning i Sverige är okänd enligt källorna" in text
    for english in ("What each training or recruitment option would add", "The named scenarios",
                    "Assumptions the model"):
        assert english not in text
    cumulative = next(f for f in plotly_figures(target)
                      if "ackumulerat 2022" in f["layout"]["title"]["text"])  # fmt: skip
    expected = model.end_of_horizon(model.monte_carlo(chosen, scenario.load_basis()))
    assert cumulative["data"][1]["y"][-1] == round(expected["cumulative_uncovered"][1])
    tornado = [f for f in plotly_figures(target) if "en parameter i taget" in str(f["layout"])]
    assert len(tornado) == 2  # this scenario, and every option switched on
    assert f"med alla indata vid sina standardvärden; CCRM Nordic räknas från {year})" in text


def run_papermill_cli(tmp_path: Path, *options: str) -> str:
    target = tmp_path / "out.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOK), str(target), "-k", "python3",
         "--cwd", str(notebooks_dir()), "--no-progress-bar", *options],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return outputs_text(target)


@pytest.mark.slow
def test_papermill_cli_takes_numbers_and_the_unknown(tmp_path: Path) -> None:
    text = run_papermill_cli(
        tmp_path, "-p", "domestic_training_per_year", "12", "-p", "need_companies", "420",
        "-p", "training_centre_enabled", "True", "-p", "approx_reading", "rounded",
        "-p", "draws", "2000",
    )  # fmt: skip
    assert "It subtracts the 12 people a year trained in Sweden today" in text
    assert "The companies' need (about 400)" in text  # the survey's own figure stays as stated
    assert "the companies' stated need comes to 84 people a year" in text  # 420 over 5 years
    assert "Switched on: national hands-on training centre." in text
    unknown = run_papermill_cli(tmp_path, "-p", "domestic_training_per_year", "None",
                                "-p", "draws", "2000")  # fmt: skip
    assert "Today's training in Sweden is not known from the sources" in unknown


@pytest.mark.slow
def test_papermill_cli_takes_the_companies_need(tmp_path: Path) -> None:
    text = run_papermill_cli(tmp_path, "-p", "need_companies", "450", "-p", "draws", "2000")
    assert "the companies' stated need comes to 90 people a year" in text
    assert "at these figures the need up to 2026 adds up to 510" in text  # 450 + 60


@pytest.mark.slow
def test_notebook_rejects_an_invalid_parameter_naming_it(tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(NOTEBOOK), str(tmp_path / "out.ipynb"),
            parameters={"recruited_abroad_share": 40},
            kernel_name="python3", cwd=str(notebooks_dir()), progress_bar=False,
        )  # fmt: skip
    assert "parameter 'recruited_abroad_share': 40 is out of range" in str(caught.value)


# --------------------------------------------------------------------------- views


def numbers_in(frame) -> list[str]:
    cells = " ".join(str(v) for v in frame.to_numpy().ravel())
    return re.findall(r"\d[\d\u202f,.]*", cells)


def recorded_texts() -> str:
    return " ".join(str(claim["text"]) for claim in claims.take())


def test_parameter_table_lists_every_field_with_source_and_range(tables, base) -> None:
    sources = scenario.default_origins(*tables)
    frame = views.parameter_table(base.replace(apprenticeship_enabled=True), sources, "sv")
    assert len(frame) == len(FIELD_NAMES)
    rows = frame.set_index("Parameter")
    row = rows.loc["Praktikprogram i brittisk stil påslaget"]
    assert (row["Värde"], row["Standardvärde"]) == ("ja", "nej")
    domestic = rows.loc[views.t("param_domestic_training_per_year", "sv")]
    assert (domestic["Värde"], domestic["Standardvärdet från"]) == (
        "okänt enligt källorna", "inget: finns inte i källorna")  # fmt: skip
    places = rows.loc["Praktikplatser i Sverige (antagande)"]
    assert places[["Standardvärde", "Standardvärdet från", "Tillåtet intervall"]].tolist() == [
        "15", "assumptions.csv: apprenticeship_places_sweden", "5 till 50"]  # fmt: skip


def test_every_number_in_the_tables_is_recorded(tables, base: Scenario) -> None:
    facts, assumptions = tables
    basis = scenario.load_basis()
    every = base.with_every_option().replace(ccrm_nordic_established=True)
    claims.take()
    frames = [
        views.parameter_table(every, scenario.default_origins(*tables), "sv"),
        views.check_table(model.need_check(base), base, facts, "sv"),
        views.options_table(every, "sv"),
        views.need_table(model.yearly(every, basis), every, "sv"),
        views.tornado_table(model.tornado(every, basis,
                                          scenario.sensitivity_ranges(every, basis)),
                            every, "sv"),  # fmt: skip
        views.assumptions_table(views.used_assumptions(assumptions), "sv"),
    ]
    recorded = recorded_texts()
    for frame in frames:
        for number in numbers_in(frame):
            assert number.rstrip(",.") in recorded, number


def test_check_table_gives_the_totals_under_each_reading(tables, base: Scenario) -> None:
    facts, _ = tables
    frame = views.check_table(model.need_check(base), base, facts, "en")
    assert frame.iloc[0, 1:].tolist() == ["460", "414–506", "405–515"]
    assert frame.iloc[1, 1:].tolist() == ["510–560", "464–606", "455–615"]
    text = views.check_sentences(model.need_check(base), base, base, facts, "en")
    assert "reachable without CCRM Nordic, but only near the top of that band" in text
    assert "holds only" not in text


def test_check_text_follows_the_numbers(tables, base: Scenario) -> None:
    facts, _ = tables
    narrow = base.replace(approx_band_pct=5)
    text = views.check_sentences(model.need_check(narrow), narrow, narrow, facts, "en")
    assert "below the report's “over 500” without CCRM Nordic" in text


def test_uncovered_text_says_what_is_not_subtracted(base: Scenario) -> None:
    assert "not known from the sources" in views.uncovered_sentences(base, "en")
    known = views.uncovered_sentences(base.replace(domestic_training_per_year=7), "sv")
    assert "de 7 personer per år" in known


def test_values_are_written_the_languages_way() -> None:
    claims.take()
    assert views.format_value("need_companies", 1250.0, "sv", "parameter:x") == "1\u202f250"
    assert views.format_value("first_year", 2022, "sv", "parameter:first_year") == "2022"
    assert views.format_value("apprenticeship_duration_years", 1.5, "sv", "parameter:x") == "1,5"
    assert views.format_value("ccrm_nordic_established", True, "en", "") == "yes"
    assert views.format_value("domestic_training_per_year", None, "sv", "") == (
        "okänt enligt källorna"
    )
    assert views.about_people(7.8, "en", "derived:x") == "about 8"
    assert views.about_people(20.0, "en", "derived:x") == "20"


def test_uncovered_text_with_and_without_options(base: Scenario) -> None:
    basis = scenario.load_basis()
    none = views.uncovered_text(model.monte_carlo(base, basis, draws=500), base, "en")
    assert "No option is chosen, so all of it is need not covered" in none
    assert "would add" not in none
    on = base.replace(training_centre_enabled=True)
    projection = model.monte_carlo(on, basis, draws=500)
    left = model.end_of_horizon(projection)["cumulative_uncovered"][1]
    text = views.uncovered_text(projection, on, "en")
    assert f"the need not covered is **{round(left)}**" in text
    known = base.replace(domestic_training_per_year=12)  # no option, but something subtracted
    text = views.uncovered_text(model.monte_carlo(known, basis, draws=500), known, "en")
    assert "No option is chosen" not in text
    assert "the capacity counted (the chosen options, and today's training if entered) would " \
        "add 60" in text


# --------------------------------------------------------------------------- one schema


def test_the_old_modules_are_gone_and_nothing_wraps_them() -> None:
    for module in OLD_MODULES:
        assert not (PROJECT_ROOT / "atmp_lib" / module).exists(), module
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("atmp_lib", "tests", "benchmarks", "scripts")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
        if path.name != Path(__file__).name  # this test names what it looks for
    ) + NOTEBOOK.read_text(encoding="utf-8")  # fmt: skip
    for old in (r"from atmp_lib import [^\n]*\b(model|scenario|widgets|scenario_views)\b",
                r"\batmp_lib\.(model|scenario|widgets|scenario_views)\b",
                r"\b(allowed_text|SPECS|ScenarioParam|default_sources)\b", r"scenario\.value_fault",
                r"class Spec\b"):  # fmt: skip
        assert not re.search(old, code), old


def test_each_parameter_rule_is_written_once() -> None:
    """Types, ranges, choices and help exist only in the Param declarations: the Scenario's
    fields, the registered schema and no other module construct or restate them."""
    registered = parameters.schema("scenarios")
    assert list(registered) == ["lang", *FIELD_NAMES]
    for field in FIELDS:
        assert registered[field.name] is field.param
        assert Scenario.__dataclass_fields__[field.name].type == field.field_type
    assert registered["lang"] is common.LANG
    assert registered["horizon_years"] is common.HORIZON_YEARS
    for module in SCENARIO_MODULES:
        if module.endswith("parameters.py"):
            continue
        text = (PROJECT_ROOT / module).read_text(encoding="utf-8")
        assert "Param(" not in text, module
        assert not re.search(r"\b(?:low|high|choices)=(?:\d|\"|\()", text), module


# --------------------------------------------------------------------------- review findings


def page_labels(lang: str) -> str:
    return " ".join(row[lang] for row in scenario_labels().values())


def assumption_texts(assumptions, lang: str) -> str:
    used = views.used_assumptions(assumptions)
    return " ".join(used[f"label_{lang}"]) + " " + " ".join(used[f"rationale_{lang}"])


def test_growth_lever_is_an_assumption_beyond_the_survey(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "company_growth_beyond_survey_pct")
    assert "utvecklingstakten" not in row["rationale_en"] + row["rationale_sv"]
    assert row["label_en"].startswith("Beyond the survey")
    assert row["label_sv"].startswith("Utöver kartläggningen")
    assert "within the five years it has no effect" in row["rationale_en"]
    assert views.t("param_company_growth_beyond_survey_pct", "en").startswith("Beyond the survey")
    assert BY_NAME["company_growth_beyond_survey_pct"].beyond_survey


def test_ranking_text_names_the_stated_need_not_the_growth(base, basis) -> None:
    claims.take()
    frame = model.tornado(base, basis, scenario.sensitivity_ranges(base, basis))
    values = views.tornado_values(frame, base, "en")
    assert values["top"] == "Companies' need over the survey period (people)"
    text = views.t("scen_tornado_text", "en", **values)
    assert "Here **“Companies' need over the survey period (people)”** matters most" in text
    assert "companies' growth after the survey period while the horizon ends with it" in text


OPTIONS_APPRENTICESHIP = {
    "en": "Apprenticeship places in Sweden (assumption): default 15 – the UK's over 100 places "
          "scaled by population, a starting point only, since population is not a measure of the "
          "size of an ATMP sector – range 5 to 50 places. The sources give no Swedish figure.",
    "sv": "Praktikplatser i Sverige (antagande): standardvärde 15 – Storbritanniens över 100 "
          "platser omräknade efter befolkning, bara som utgångspunkt eftersom befolkningen inte "
          "är ett mått på ATMP-sektorns storlek – intervall 5 till 50 platser. Källorna anger "
          "ingen svensk siffra.",
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_apprenticeship_places_in_sweden_are_the_lever_not_the_uk_count(tables, lang) -> None:
    claims.take()
    facts, _ = tables
    origins = scenario.default_origins(*tables)
    text = views.t("scen_options_text", lang, **views.options_values(origins, facts, lang))
    assert OPTIONS_APPRENTICESHIP[lang] in text
    recorded = claims.take()
    bases = {(entry["text"], entry["basis"]) for entry in recorded}
    assert ("15", "assumption:apprenticeship_places_sweden") in bases
    assert {("5", "assumption:apprenticeship_places_sweden"),
            ("50", "assumption:apprenticeship_places_sweden")} <= bases  # fmt: skip
    assert "apprenticeship_uk_places" not in FIELD_NAMES


def test_default_places_in_sweden_are_the_uk_places_scaled_by_population(tables) -> None:
    """The note behind the default holds: the UK's “över 100” (read as 100 to an assumed 150)
    scaled by population is 15 to 23 whole places, and the default is the lower end."""
    from atmp_lib.population import population_of

    facts, assumptions = tables
    population = datasets.load("population")
    ratio = population_of(population, "SE") / population_of(population, "GB")
    uk = get_fact(facts, "uk_apprenticeship_places")
    row = assumption_row(assumptions, "apprenticeship_places_sweden")
    assert (uk.value, uk.qualifier) == (100, "at_least")
    assert int(uk.value * ratio) == row["value"] == 15
    assert (row["low"], row["high"]) == (5, 50)
    assert int(150 * ratio) == 23
    assert "read as 100 to an assumed 150 places" in row["rationale_en"]
    assert "that is 15 to 23 places in Sweden (whole places, rounded down)" in row["rationale_en"]
    assert "blir det 15 till 23 platser i Sverige (hela platser, avrundat nedåt)" in (
        row["rationale_sv"])
    assert "The sources give no Swedish figure." in row["rationale_en"]
    assert "Källorna anger ingen svensk siffra." in row["rationale_sv"]
    assert "apprenticeship_uk_places_upper" not in set(assumptions["id"])


@pytest.mark.parametrize(("lang", "adds", "size"), [
    ("en", "about 8 people (15 places in Sweden / 2 years per place)", "5 to 50 places in Sweden"),
    ("sv", "ca 8 personer (15 platser i Sverige / 2 år per plats)", "5 till 50 platser i Sverige"),
])  # fmt: skip
def test_options_table_gives_the_apprentices_from_the_places_in_sweden(base, lang, adds, size):
    claims.take()
    row = views.options_table(base, lang).iloc[1].tolist()  # today's training, then this
    assert row[0] == views.t("scen_option_apprenticeship", lang)
    assert (row[2], row[3]) == (adds, size)
    more = views.options_table(base.replace(apprenticeship_places_sweden=30), lang)
    assert more.iloc[1, 2].startswith("15 ")  # 30 places / 2 years: no population scaling


@pytest.mark.parametrize("lang", LANGUAGES)
def test_options_note_names_the_uk_figure_and_population_behind_the_default(tables, lang):
    facts, _ = tables
    note = views.options_note(facts, lang)
    assert "Storbritannien" in note and "reference/population.csv" in note
    model_note = views.model_source_note(facts, lang)  # the model uses neither
    assert "population.csv" not in model_note and "Storbritannien" not in model_note


def test_p50s_side_by_side_carry_the_footnote(base, basis) -> None:
    claims.take()
    assert views.comparison_footnote("en") == (
        "P50s are computed separately for each measure, so they need not add up (need − "
        "capacity is not always equal to the P50 of the need not covered).")
    assert views.comparison_footnote("sv") == (
        "P50-värdena beräknas separat för varje mått och behöver därför inte gå jämnt upp "
        "(behov − kapacitet är inte alltid lika med P50 för det behov som inte täcks).")
    on = base.replace(training_centre_enabled=True)
    projection = model.monte_carlo(on, basis, draws=500)
    for lang in LANGUAGES:
        assert views.comparison_footnote(lang) in views.uncovered_text(projection, on, lang)
    assert "gå ihop" not in views.uncovered_text(projection, on, "sv")


def test_percentile_band_is_not_a_confidence_interval(base, basis) -> None:
    claims.take()
    projection = model.monte_carlo(base, basis, draws=500)
    en = views.uncovered_text(projection, base, "en")
    sv = views.uncovered_text(projection, base, "sv")
    assert ("P10–P90 is the middle 80% of 500 draws within the assumed reading of “ca”" in en
            and "not a statistical confidence interval from the survey" in en)  # fmt: skip
    assert ("P10–P90 är de mittersta 80\u00a0% av 500 dragningar" in sv
            and "inte ett statistiskt konfidensintervall från kartläggningen" in sv)  # fmt: skip
    assert any(c["text"] == "80" and c["basis"] == "derived:90 − 10" for c in claims.take())


def test_title_reads_the_survey_years_as_an_assumption(base, basis) -> None:
    claims.take()
    en = views.t(views.title_key(base, basis), "en", **views.title_values(base, basis, "en"))
    sv = views.t(views.title_key(base, basis), "sv", **views.title_values(base, basis, "sv"))
    assert "over the survey's five years (read as 2022–2026)" in en
    assert "under kartläggningens fem år (här läst som 2022–2026)" in sv
    assert "up to" not in en and "fram till" not in sv
    longer = base.replace(horizon_years=8)
    en = views.t(views.title_key(longer, basis), "en", **views.title_values(longer, basis, "en"))
    assert "from 2022 to 2029 (the survey's five years read as 2022–2026)" in en
    sv = views.t(views.title_key(longer, basis), "sv", **views.title_values(longer, basis, "sv"))
    assert "2022–2029 (kartläggningens fem år, här lästa som 2022–2026)" in sv


def test_recruitment_abroad_is_not_called_training() -> None:
    for label_id in ("scen_title", "scen_name_all_options", "scen_all_options",
                     "scen_options_heading", "scen_tornado_all_text"):  # fmt: skip
        blanks = dict.fromkeys(("period", "first_year", "survey_last_year", "ccrm_year", "top",
                                "swing", "last_year", "base", "ccrm"), "")  # fmt: skip
        assert re.search(r"training (and|or) recruitment", views.t(label_id, "en", **blanks)), (
            label_id)  # fmt: skip
        assert re.search(r"utbildnings- (och|eller) rekryteringsinsats",
                         views.t(label_id, "sv", **blanks)), label_id  # fmt: skip
    assert "vad olika utbildningsinsatser" not in page_labels("sv")
    assert "Alla fyra insatserna" not in page_labels("sv")


def test_assumptions_say_the_report_names_none_not_that_there_are_none(tables) -> None:
    _, assumptions = tables
    en, sv = assumption_texts(assumptions, "en"), assumption_texts(assumptions, "sv")
    assert "names none in Sweden" in en and "names no Swedish counterpart" in en
    assert "nämner inget i Sverige" in sv and "nämner ingen svensk motsvarighet" in sv
    for claim in ("and none in Sweden", "and no Swedish counterpart"):
        assert claim not in en
    for claim in ("och inget i Sverige", "och ingen svensk motsvarighet"):
        assert claim not in sv


def test_swedish_wording_uses_the_reviewed_terms(tables) -> None:
    _, assumptions = tables
    sv = page_labels("sv") + " " + assumption_texts(assumptions, "sv")
    for wrong in ("spänner de över", "fyller ATMP-tjänster", "tar ATMP-tjänster",
                  "Engelska praktikprogram", "Avrundningsläsning", "avrundningsläsning",
                  "paketets", "alternativet", "Lärlingsutbildningar", "Vilken indata",
                  "en indata", "(här 2", "(här {first_year}", "50-100"):  # fmt: skip
        assert wrong not in sv, wrong
    for right in ("ligger de inom", "som anställs i ATMP-tjänster", "läst som avrundade tal",
                  "Läsning som avrundat tal", "Vilka indata betyder mest",
                  "en parameter i taget", "(här läst som {first_year}"):  # fmt: skip
        assert right in sv, right


def test_check_text_says_whether_this_run_counts_ccrm_nordic(tables, base) -> None:
    facts, _ = tables
    check = model.need_check(base)
    off = views.check_sentences(check, base, base, facts, "en")
    on = views.check_sentences(check, base, base.replace(ccrm_nordic_established=True), facts,
                               "sv")  # fmt: skip
    assert "in this run it is off, so the figures below leave CCRM Nordic out" in off
    assert "i den här körningen är den påslagen" in on


def test_need_text_says_what_growth_after_the_survey_adds(base, basis) -> None:
    claims.take()
    assert views.growth_sentence(base, basis, model.yearly(base, basis), "en") == ""
    grown = base.replace(horizon_years=8, company_growth_beyond_survey_pct=5)
    text = views.need_notes(grown, basis, model.yearly(grown, basis), "en")
    added = 80 * (1.05 + 1.05**2 + 1.05**3 - 3)  # 2027-2029, on the stated 80 a year
    assert (f"After 2026 the companies' yearly need is assumed to grow 5% a year faster than "
            f"their stated rate, an assumption beyond the survey: {round(added)} of the need "
            "up to 2029 comes from it.") in text  # fmt: skip


# --------------------------------------------------------------------------- second review


NOT_A_FORECAST = {
    "en": "This is not a forecast of unfilled posts: the survey does not say how many of these "
          "recruitments cannot be made.",
    "sv": "Detta är ingen prognos över tjänster som inte kan tillsättas: kartläggningen anger "
          "inte hur många av rekryteringarna som inte går att genomföra.",
}  # fmt: skip


def every_option_tornado(base: Scenario, basis) -> tuple[Scenario, pd.DataFrame]:
    every = base.with_every_option()
    return every, model.tornado(every, basis, scenario.sensitivity_ranges(every, basis))


def tornado_fixture() -> pd.DataFrame:
    """Two inputs: one whose unrounded difference (7.8) rounds otherwise than the difference
    of its rounded ends (284 − 277 = 7), one whose rounded difference ties with it."""
    return pd.DataFrame({
        "input": ["apprenticeship_places_sweden", "need_healthcare"], "low": [5, 54],
        "high": [50, 66], "at_low": [284.4, 280.6], "at_high": [276.6, 288.0],
        "swing": [7.8, 7.4], "base": [284.4, 284.4],
    })  # fmt: skip


def test_tornado_difference_is_taken_between_the_ends_shown(base: Scenario) -> None:
    claims.take()
    table = views.tornado_table(tornado_fixture(), base, "en")
    rows = table.set_index(table.columns[0])
    places = rows.loc[views.t("param_apprenticeship_places_sweden", "en")]
    assert places.tolist() == ["5–50", "284", "277", "7"]  # not the 8 of 7.8
    healthcare = rows.loc[views.t("param_need_healthcare", "en")]
    assert healthcare.iloc[1:].tolist() == ["281", "288", "7"]
    # ranked by the difference shown: a tie (7 and 7) keeps the model's order
    assert table.iloc[0, 0] == places.name


def test_every_tornado_row_adds_up_in_both_languages(base: Scenario, basis) -> None:
    every, frame = every_option_tornado(base, basis)
    for lang in LANGUAGES:
        table = views.tornado_table(frame, every, lang)
        swings = [int(v) for v in table.iloc[:, 4]]
        for low, high, swing in zip(table.iloc[:, 2], table.iloc[:, 3], swings, strict=True):
            ends = [int(v.replace("\u202f", "").replace(",", "")) for v in (low, high)]
            assert abs(ends[1] - ends[0]) == swing, (low, high, swing)
        assert swings == sorted(swings, reverse=True)
        values = views.tornado_values(frame, every, lang)
        assert values["swing"] == str(swings[0])
        assert values["top"] == table.iloc[0, 0]


def test_tornado_chart_gives_the_ends_the_table_shows(base: Scenario, basis) -> None:
    """Exported as the report does (a bar's end = base + length), each bar gives the table's
    absolute end, and its series says what the value is."""
    from atmp_lib.engine.downloads import chart_data

    every, frame = every_option_tornado(base, basis)
    figure = json.loads(charts.tornado_figure(frame, every, "x", "note", "en").to_json())
    header, rows = chart_data(figure, "en")
    table = views.tornado_table(frame, every, "en").set_index("Input")
    series = {views.t(f"scen_tornado_{end}", "en", last_year=every.last_year): column
              for end, column in (("low", 2), ("high", 3))}  # fmt: skip
    assert set(series) == {row[0] for row in rows}
    assert all(name.startswith("Not covered up to 2026") for name in series)
    for name, category, value, *_ in rows:
        shown = table.loc[category.rsplit(": ", 1)[0]].iloc[series[name] - 1]
        assert value == int(shown), (name, category)
    for trace in figure["data"]:
        assert [b + x for b, x in zip(trace["base"], trace["x"], strict=True)] == trace[
            "customdata"]  # fmt: skip
        assert "%{customdata" in trace["hovertemplate"]


def test_all_options_tornado_text_states_its_centre(base: Scenario, basis) -> None:
    every, frame = every_option_tornado(base, basis)
    centre = round(model.cumulative_uncovered(every, basis))
    claims.take()
    en = views.t("scen_tornado_all_text", "en", **views.tornado_values(frame, every, "en"))
    sv = views.t("scen_tornado_all_text", "sv", **views.tornado_values(frame, every, "sv"))
    assert f"({centre} with every input at its default; CCRM Nordic not counted)" in en
    assert f"({centre} med alla indata vid sina standardvärden; CCRM Nordic räknas inte)" in sv
    established = every.replace(ccrm_nordic_established=True)
    counted = views.tornado_values(frame, established, "en")["ccrm"]
    assert counted == f"CCRM Nordic counted from {established.start_year('ccrm')}"


def test_uncovered_need_is_not_called_a_forecast_of_unfilled_posts(base: Scenario, basis) -> None:
    claims.take()
    on = base.replace(training_centre_enabled=True)
    for current in (base, on):  # with no option chosen, and with one
        projection = model.monte_carlo(current, basis, draws=500)
        for lang in LANGUAGES:
            assert NOT_A_FORECAST[lang] in views.uncovered_text(projection, current, lang)
    for lang in LANGUAGES:
        assert NOT_A_FORECAST[lang] in views.t("scen_w_summary", lang)


def test_places_parameter_is_labelled_an_assumption_for_sweden(tables, base) -> None:
    origins = scenario.default_origins(*tables)
    expected = {"en": "Apprenticeship places in Sweden (assumption)",
                "sv": "Praktikplatser i Sverige (antagande)"}  # fmt: skip
    for lang, label in expected.items():
        table = views.parameter_table(base, origins, lang)
        assert label in table.iloc[:, 0].tolist()
        shown = " ".join(table.iloc[:, 0])
        assert "UK apprenticeship places" not in shown and "Brittiska praktikplatser" not in shown
        assert views.t("param_apprenticeship_places_sweden", lang) == label


def test_apprenticeship_duration_is_an_assumption_without_outside_facts(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "apprenticeship_duration_years")
    assert "The default of 2 years (range 1 to 3) is an assumption" in row["rationale_en"]
    assert "Standardvärdet 2 år (intervall 1 till 3) är ett antagande" in row["rationale_sv"]
    for outside in ("England", "technician", "at least a year"):
        assert outside not in row["rationale_en"], outside
    for outside in ("England", "teknikernivå", "Lärling"):
        assert outside not in row["rationale_sv"], outside


def test_willingness_is_not_read_as_offering_internship_places(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "apprenticeship_enabled_baseline")
    assert "teaching, degree projects, internship places" in row["rationale_en"]
    assert "does not say how many would offer internship places" in row["rationale_en"]
    assert "undervisning, examensarbeten, praktikantplatser eller industridoktorander" in row[
        "rationale_sv"]  # fmt: skip
    assert "for instance with" not in row["rationale_en"]
    assert "till exempel med" not in row["rationale_sv"]


def test_need_table_adds_up_when_a_yearly_need_is_not_whole(base: Scenario, basis) -> None:
    """62 people over five years is 12.4 a year: rounding each cell alone would show 12 a year
    and a running total of 62 (12 × 5 = 60)."""
    odd = base.replace(need_healthcare=62, ccrm_nordic_established=True, ccrm_need_high=95)
    frame = model.yearly(odd, basis)
    claims.take()
    table = views.need_table(frame, odd, "en")
    numbers = table.iloc[:, 1:].astype(int)
    parts, need, running = numbers.iloc[:, :3], numbers.iloc[:, 3], numbers.iloc[:, 4]
    assert (parts.sum(axis=1) == need).all()
    assert (need.cumsum() == running).all()
    assert (parts.iloc[:, 1].to_numpy() - frame["need_healthcare"].to_numpy()).__abs__().max() < 1
    assert parts.iloc[:, 1].sum() == 62
    assert running.iloc[-1] == round(frame["cumulative_need"].iloc[-1])
    values = views.need_values(odd, frame, "en")
    assert values["healthcare"] == "about 12" and values["total"] == str(running.iloc[-1])
    assert views.need_note(frame, odd, "note", "sv").startswith("Hela personer")
    assert views.need_note(model.yearly(base, basis), base, "note", "en") == "note"
    figure = charts.need_figure(frame, odd, "x", "note", "en")
    assert [list(trace.y) for trace in figure.data] == [parts[c].tolist() for c in parts]


def hex_colour(colour: str) -> str:
    return colour[:7].lower()


def contrast(first: str, second: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def scenario_figures(base: Scenario, basis) -> list[dict]:
    every = base.with_every_option().replace(ccrm_nordic_established=True)
    projection = model.monte_carlo(every, basis, draws=500)
    named = {"baseline": base, "all_options": every}
    figures = [
        charts.need_figure(model.yearly(every, basis), every, "x", "note", "en"),
        charts.projection_figure(projection, "x", "note", "en"),
        charts.cumulative_figure(projection, every, "x", "note", "en"),
        charts.tornado_figure(every_option_tornado(base, basis)[1], every, "x", "note", "en"),
        charts.comparison_figure(model.compare(named, basis), named, "note", "en"),
    ]
    return [json.loads(figure.to_json()) for figure in figures]


def test_chart_marks_use_the_accessible_palette(base: Scenario, basis) -> None:
    """Bars, lines and markers take the report's palette (each at least 3:1 against the white
    page); bands are a translucent fill of a palette colour; text inside a bar reads at 4.5:1."""
    from atmp_lib.charts import PALETTE

    palette = {colour.lower() for colour in PALETTE.values()}
    for figure in scenario_figures(base, basis):
        for trace in figure["data"]:
            for part in ("marker", "line"):
                colour = (trace.get(part) or {}).get("color")
                if colour:
                    assert colour.lower() in palette, (figure["layout"]["title"], colour)
                    assert contrast(colour) >= 3
            if "fillcolor" in trace:
                assert hex_colour(trace["fillcolor"]) in palette
                assert len(trace["fillcolor"]) == 9  # translucent
            if "insidetextfont" in trace:
                bar = trace["marker"]["color"]
                assert contrast(trace["insidetextfont"]["color"], bar) >= 4.5
    lines = [trace for figure in scenario_figures(base, basis)[1:3] for trace in figure["data"]
             if trace.get("mode") == "lines+markers"]  # fmt: skip
    symbols = {trace["marker"]["symbol"] for trace in lines}
    assert len(symbols) == 3  # need, capacity and uncovered differ in more than colour


def test_charts_plot_whole_people(base: Scenario, basis) -> None:
    for figure in scenario_figures(base, basis):
        for trace in figure["data"]:
            for key in ("y", "x", "base", "customdata"):
                values = trace.get(key) or []
                numbers = [v for v in values if isinstance(v, int | float)]
                assert all(float(v).is_integer() for v in numbers), (trace.get("name"), key)


def test_comparison_chart_description_keeps_names_apart(base: Scenario, basis) -> None:
    from atmp_lib.engine.downloads import describe

    named = scenario.named_scenarios(base=base)
    figure = charts.comparison_figure(model.compare(named, basis), named, "note", "en")
    text = describe(json.loads(figure.to_json()), "en")
    assert f"over {t(f'number_word_{len(named)}', 'en')} categories" in text
    assert "“All four training and recruitment options, CCRM Nordic established from " in text


@pytest.mark.slow
def test_ten_thousand_draws_stay_within_about_one_person(base: Scenario, basis) -> None:
    """What the draws' rationale claims: P10/P50/P90 within about one person of a million
    draws, whatever the seed."""
    every = base.with_every_option().replace(ccrm_nordic_established=True)
    many = model.end_of_horizon(model.monte_carlo(every, basis, draws=1_000_000))
    for seed in range(8):
        few = model.end_of_horizon(model.monte_carlo(every.replace(seed=seed), basis))
        for quantity, values in few.items():
            assert abs(values - many[quantity]).max() < 1.5, (seed, quantity)


def test_options_table_gives_every_size_with_its_unit(base: Scenario, basis) -> None:
    claims.take()
    every = base.with_every_option().replace(domestic_training_per_year=7)
    for lang, unit in (("en", "people"), ("sv", "personer")):
        adds = views.options_table(every, lang).iloc[:, 2].tolist()
        assert adds[0] == f"7 {unit}"  # today's training, entered
        assert adds[2:4] == [f"20 {unit}", f"20 {unit}"]  # modules, training centre


def test_scenario_assumptions_quote_the_languages_way(tables) -> None:
    _, assumptions = tables
    used = views.used_assumptions(assumptions)
    mine = used[used["applies_to"].str.startswith("scenario parameter")]
    for lang, quote in (("en", "“"), ("sv", "”")):
        text = " ".join(mine[f"label_{lang}"]) + " ".join(mine[f"rationale_{lang}"])
        assert '"' not in text, lang
        assert quote in text, lang


@pytest.mark.parametrize(("lang", "reader", "wrong"), [
    ("en", "today's training in Sweden if the reader enters it", "researcher"),
    ("sv", "dagens utbildning i Sverige om läsaren anger den", "forskare"),
])  # fmt: skip
def test_todays_training_is_entered_by_the_reader(tables, lang, reader, wrong) -> None:
    claims.take()
    method = views.t("scen_method_text", lang, period="5", ccrm_period="5")
    assert reader in method
    assert views.t("scen_domestic_on", lang) in ("entered by the reader", "angiven av läsaren")
    assert wrong not in page_labels(lang)
    assert wrong not in views.parameters_cell(scenario.default_origins(*tables), tables[0])


def test_band_around_ca_is_this_compilations_reading_not_a_convention(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "approx_band_pct")
    assert row["rationale_en"].endswith(
        "reading “ca” as within ±10% of the stated figure is this compilation's reading, chosen "
        "for illustration (an assumption); it is not a figure from the source and not an "
        "established convention.")
    assert row["rationale_sv"].endswith(
        "att läsa ”ca” som inom ±10 % av den angivna siffran är denna sammanställnings läsning, "
        "vald för att illustrera osäkerheten (ett antagande); det är varken en siffra ur källan "
        "eller en etablerad konvention.")
    claims.take()
    for lang, wrong in (("en", "is a convention for"), ("sv", "är en konvention för")):
        table = views.assumptions_table(views.used_assumptions(assumptions), lang)
        shown = " ".join(table.iloc[:, -1])
        assert row[f"rationale_{lang}"] in shown and wrong not in shown
        assert wrong not in page_labels(lang)


def test_smf_is_read_as_small_and_medium_sized_companies(tables) -> None:
    _, assumptions = tables
    row = assumption_row(assumptions, "recruited_abroad_share")
    assert "most of the surveyed companies are SMEs, small and medium-sized enterprises" in (
        row["rationale_en"])
    assert "de flesta av de tillfrågade bolagen är små och medelstora företag" in (
        row["rationale_sv"])
    assert "companies are small" not in row["rationale_en"]
    assert "bolagen är små (" not in row["rationale_sv"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_band_traces_are_closed_polygons_p90_forwards_then_p10_backwards(base, basis, lang):
    """The shape the chart data export reads a band from: one scatter trace per band, filled
    "toself", its x the years forwards then backwards, its y P90 forwards then P10 backwards,
    named "<measure>: P10–P90" and followed by the measure's P50 line."""
    projection = model.monte_carlo(base.replace(training_centre_enabled=True), basis, draws=500)
    bands = model.total_percentiles(projection)
    years = [int(y) for y in projection.years]
    figures = {
        charts.CHART_QUANTITIES: charts.projection_figure(projection, "x", "note", lang),
        ("cumulative_uncovered",): charts.cumulative_figure(projection, base, "x", "note", lang),
    }
    for quantities, fig in figures.items():
        traces = fig.data
        assert len(traces) == 2 * len(quantities)
        for quantity, band, line in zip(quantities, traces[::2], traces[1::2], strict=True):
            name = views.t(f"scen_q_{quantity}", lang)
            assert (band.type, band.fill, band.mode) == ("scatter", "toself", "lines")
            assert band.name == f"{name}: P10–P90" and line.name == name
            assert list(band.x) == years + years[::-1]
            p10, p50, p90 = (np.rint(values).tolist() for values in bands[quantity])
            assert list(band.y) == p90 + p10[::-1]
            assert (line.fill in (None, "none"), list(line.x), list(line.y)) == (True, years, p50)


def test_comparison_chart_data_names_its_series(base: Scenario, basis) -> None:
    from atmp_lib.engine.downloads import chart_data

    named = scenario.named_scenarios(base=base)
    comparison = model.compare(named, basis)
    for lang in LANGUAGES:
        figure = json.loads(charts.comparison_figure(comparison, named, "note", lang).to_json())
        _, rows = chart_data(figure, lang)
        assert {row[0] for row in rows} == {views.t("scen_cmp_col_p50", lang, mid="P50")}
        assert all(row[3] <= row[2] <= row[4] for row in rows)  # P10 ≤ P50 ≤ P90
        assert figure["data"][0]["showlegend"] is False


def test_scenario_rationales_give_whole_people_and_the_reports_programmes(tables) -> None:
    _, assumptions = tables
    healthcare = assumption_row(assumptions, "rounding_step_healthcare")
    assert "from 58 to 62 (in whole people)" in healthcare["rationale_en"]
    assert "mellan 58 och 62 (räknat i hela personer)" in healthcare["rationale_sv"]
    used = views.used_assumptions(assumptions)
    for lang in LANGUAGES:  # no half people in any reason the scenarios give
        assert not re.search(r"\d[.,]5\b", " ".join(used[f"rationale_{lang}"])), lang
    modules = assumption_row(assumptions, "degree_modules_graduates_per_year")
    assert "biomedicine, pharmacist, pharmaceutical and medical programmes" in (
        modules["rationale_en"])
    assert "biomedicin-, apotekar-, läkemedels- och läkarprogrammen" in modules["rationale_sv"]
