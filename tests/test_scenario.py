"""The scenario object: defaults from the data, strict validation, YAML files, the notebook."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import papermill
import pytest
import yaml

from atmp_lib import datasets, params, scenario
from atmp_lib.facts import get_fact
from atmp_lib.i18n import LANGUAGES, label_rows
from atmp_lib.international import uk_apprentices_per_million
from atmp_lib.normalise import population_of
from atmp_lib.paths import notebooks_dir, params_dir
from atmp_lib.scenario import FIELD_NAMES, Scenario, ScenarioError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = notebooks_dir() / "05_scenarios.ipynb"
NAMED = ("baseline", "no_ccrm", "ccrm_50", "ccrm_100", "uk_apprenticeship", "company_growth")
SCENARIO_MODULES = ("scenario.py", "model.py", "widgets.py", "scenario_views.py")


@pytest.fixture(scope="module")
def tables():
    return datasets.load("facts"), datasets.load("assumptions"), datasets.load("population")


@pytest.fixture(scope="module")
def base(tables) -> Scenario:
    return scenario.default_scenario(*tables)


def assumption(assumptions, assumption_id: str) -> float:
    return float(assumptions.set_index("id").loc[assumption_id, "value"])


# --------------------------------------------------------------------------- defaults


def test_defaults_come_from_facts(tables, base: Scenario) -> None:
    facts, _, population = tables
    assert base.need_companies == get_fact(facts, "need_companies").value
    assert base.need_healthcare == get_fact(facts, "need_healthcare").value
    low, high = get_fact(facts, "need_ccrm_nordic").bounds
    assert (base.ccrm_need_low, base.ccrm_need_high) == (low, high)
    horizon = get_fact(facts, "survey_horizon_years").value
    assert base.horizon_years == base.need_period_years == horizon
    assert base.population_sweden == population_of(population, "SE")
    assert base.apprentices_per_million == uk_apprentices_per_million(facts, population).value


def test_defaults_come_from_assumptions(tables, base: Scenario) -> None:
    facts, assumptions, _ = tables
    assert base.approx_band_pct == assumption(assumptions, "approx_band_pct")
    assert base.first_year == assumption(assumptions, "scenario_first_year")
    delay = assumption(assumptions, "ccrm_start_delay_years")
    assert base.ccrm_start_year == base.first_year + delay
    share = assumption(assumptions, "on_the_job_share_of_job_ads")
    job_ads = get_fact(facts, "job_ads_sweden_2021").value
    assert base.on_the_job_per_year == job_ads * share / 100
    assert base.draws == assumption(assumptions, "monte_carlo_draws")
    assert base.seed == assumption(assumptions, "monte_carlo_seed")
    assert base.ccrm_established is (assumption(assumptions, "ccrm_established_baseline") == 1)


def test_every_default_names_an_existing_source(tables) -> None:
    facts, assumptions, _ = tables
    sources = scenario.default_sources(*tables)
    assert list(sources) == list(FIELD_NAMES)
    known = set(facts["id"]) | set(assumptions["id"]) | {"population:SE", "population:GB"}
    for name, origin in sources.items():
        assert origin.ids, name
        assert set(origin.ids) <= known, (name, origin.ids)
        if origin.kind == "derived":
            assert origin.formula, name


def test_first_year_follows_the_latest_year_of_the_sources(tables, base: Scenario) -> None:
    facts, _, _ = tables
    assert base.first_year == int(get_fact(facts, "job_ads_sweden_2021").period) + 1


# --------------------------------------------------------------------------- validation


def mapping_of(base: Scenario, **changes) -> dict:
    return {**base.to_mapping(), **changes}


def test_scenario_is_immutable(base: Scenario) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.horizon_years = 10  # type: ignore[misc]


def test_replace_validates_and_keeps_the_original(base: Scenario) -> None:
    changed = base.replace(horizon_years=10)
    assert (changed.horizon_years, base.horizon_years) == (10, 5)
    with pytest.raises(ScenarioError, match="parameter 'horizon_years': 40 is out of range"):
        base.replace(horizon_years=40)


def test_unknown_key_is_rejected_naming_file_and_parameter(base: Scenario) -> None:
    problems = scenario.validate_scenario_mapping(mapping_of(base, growth=3), "params/x.yaml")
    assert len(problems) == 1
    assert problems[0].startswith("params/x.yaml: unknown parameter 'growth'; the parameters are:")


def test_missing_key_is_rejected(base: Scenario) -> None:
    mapping = base.to_mapping()
    del mapping["seed"]
    assert scenario.validate_scenario_mapping(mapping, "f.yaml") == [
        "f.yaml: missing parameter 'seed' (allowed: an integer >= 0)"
    ]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("horizon_years", 40, "40 is out of range (allowed: an integer from 1 to 30)"),
        ("horizon_years", 5.5, "5.5 is not an integer (allowed: an integer from 1 to 30)"),
        ("need_companies", "ca 400", "'ca 400' is not a number"),
        ("need_companies", True, "True is not a number"),
        ("ccrm_established", "yes", "'yes' is not true or false"),
        ("recruited_abroad_share", 120, "120 is out of range (allowed: a number from 0 to 100)"),
        ("draws", 0, "0 is out of range (allowed: an integer from 1 to 1000000)"),
        ("seed", -1, "-1 is out of range (allowed: an integer >= 0)"),
        ("approx_band_pct", float("nan"), "nan is not a finite number"),
    ],
)
def test_wrong_values_are_rejected_with_the_allowed_range(base, name, value, expected) -> None:
    problems = scenario.validate_scenario_mapping(mapping_of(base, **{name: value}), "f.yaml")
    assert len(problems) == 1
    assert problems[0].startswith(f"f.yaml: parameter '{name}': {expected}")


def test_ccrm_range_is_the_one_the_report_states(tables, base: Scenario) -> None:
    low, high = get_fact(tables[0], "need_ccrm_nordic").bounds
    too_high = int(high) + 1
    problems = scenario.validate_scenario_mapping(mapping_of(base, ccrm_need_high=too_high), "f")
    assert problems == [
        f"f: parameter 'ccrm_need_high': {too_high} is out of range "
        f"(allowed: a number from {low:g} to {high:g})"
    ]


def test_linked_fields_are_checked(base: Scenario) -> None:
    low_above_high = mapping_of(base, ccrm_need_low=90, ccrm_need_high=60)
    assert "is above 'ccrm_need_high'" in scenario.validate_scenario_mapping(low_above_high, "f")[0]
    late_start = mapping_of(base, ccrm_start_year=base.last_year + 1)
    (problem,) = scenario.validate_scenario_mapping(late_start, "f")
    assert f"allowed: an integer from {base.first_year} to {base.last_year}" in problem


def test_every_problem_is_reported(base: Scenario) -> None:
    mapping = mapping_of(base, horizon_years=0, seed="x", extra=1)
    problems = scenario.validate_scenario_mapping(mapping, "f")
    assert len(problems) == 3
    assert {re.search(r"'(\w+)'", p).group(1) for p in problems} == {
        "extra",
        "horizon_years",
        "seed",
    }


def test_params_validator_is_registered_and_checks_only_scenario_keys(base: Scenario) -> None:
    assert scenario.params_validator in params.VALIDATORS
    mapping = mapping_of(base, audience="all", lang="sv", ccrm_need_low=120, horizon_years=40)
    # horizon_years is left to the generic rule of atmp_lib.params; no file prefix here
    assert scenario.params_validator(mapping) == [
        "parameter 'ccrm_need_low': 120 is out of range (allowed: a number from 50 to 100)"
    ]


def test_from_parameters_reads_the_fields_from_a_namespace(base: Scenario) -> None:
    namespace = {**base.to_mapping(), "lang": "sv", "facts": object()}
    assert scenario.from_parameters(namespace, "cell") == base


# --------------------------------------------------------------------------- files


def test_named_scenarios_exist_load_and_have_exactly_the_fields() -> None:
    named = scenario.named_scenarios()
    assert set(NAMED) <= set(named)
    assert list(named)[0] == "baseline"
    for name in NAMED:
        data = yaml.safe_load((params_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
        assert list(data) == list(FIELD_NAMES), name


def test_baseline_file_is_the_default_scenario(base: Scenario) -> None:
    assert scenario.load_scenario(params_dir() / "baseline.yaml") == base


def test_named_scenarios_differ_from_the_baseline_as_their_names_say(base: Scenario) -> None:
    named = scenario.named_scenarios()
    assert named["no_ccrm"] == base.replace(ccrm_established=False)
    assert named["ccrm_50"] == base.replace(ccrm_need_low=50, ccrm_need_high=50)
    assert named["ccrm_100"] == base.replace(ccrm_need_low=100, ccrm_need_high=100)
    assert named["uk_apprenticeship"] == base.replace(apprenticeship_enabled=True)
    assert named["company_growth"].company_extra_growth_pct > 0


def test_named_files_pass_the_projects_parameter_validation() -> None:
    sections, problems = params.load_sections(notebooks_dir(), PROJECT_ROOT)
    assert problems == []
    for name in NAMED:
        loaded, found = params.load_params_file(params_dir() / f"{name}.yaml", PROJECT_ROOT)
        assert found == []
        assert params.validate_values(loaded.values, sections, loaded.label) == [], name


def test_save_and_load_round_trip(tmp_path: Path, base: Scenario) -> None:
    changed = base.replace(apprenticeship_enabled=True, company_extra_growth_pct=2.5)
    path = scenario.save_scenario(changed, tmp_path / "mine.yaml", comment="two\nlines")
    assert path.read_text(encoding="utf-8").startswith("# two\n# lines\nfirst_year: ")
    assert scenario.load_scenario(path) == changed


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path, base: Scenario) -> None:
    path = scenario.save_scenario(base, tmp_path / "mine.yaml")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(FileExistsError, match="mine.yaml exists; pass overwrite=True"):
        scenario.save_scenario(base.replace(seed=1), path)
    assert path.read_text(encoding="utf-8") == before
    scenario.save_scenario(base.replace(seed=1), path, overwrite=True)
    assert scenario.load_scenario(path).seed == 1


def test_bad_files_are_rejected_naming_the_file(tmp_path: Path, base: Scenario) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text("seed: 1\nseed: 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"twice.yaml: invalid YAML .*'seed' given twice"):
        scenario.load_scenario(twice)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump(mapping_of(base, draws="many")), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"wrong.yaml: parameter 'draws': 'many' is not a"):
        scenario.load_scenario(wrong)
    listed = tmp_path / "listed.yaml"
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="listed.yaml: expected a mapping"):
        scenario.load_scenario(listed)


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
    lib = PROJECT_ROOT / "atmp_lib"
    texts = [(lib / module).read_text(encoding="utf-8") for module in SCENARIO_MODULES]
    texts.append(NOTEBOOK.read_text(encoding="utf-8"))
    literal = {
        m for text in texts for m in re.findall(r'"((?:scen|param|group)_[a-z0-9_]+)"', text)
    }
    from atmp_lib import model

    families = (
        {f"param_{name}" for name in FIELD_NAMES}
        | {f"group_{group}" for group in scenario.GROUPS}
        | {f"scen_q_{q}" for q in model.QUANTITIES}
        | {f"scen_sector_{s}" for s in (*model.SECTORS, model.TOTAL)}
        | {f"scen_supply_{option}" for option in model.SUPPLY_OPTIONS}
        | {f"scen_origin_{kind}" for kind in ("fact", "assumption", "population", "derived")}
        | {f"scen_name_{name}" for name in NAMED}
    )
    return literal | families


def test_every_label_used_exists_in_both_languages() -> None:
    rows = {row["id"]: row for row in label_rows()}
    for label_id in sorted(used_label_ids()):
        assert label_id in rows, label_id
        for lang in LANGUAGES:
            assert rows[label_id][lang].strip(), (label_id, lang)


def test_scenario_labels_live_in_the_sections_file() -> None:
    own = {row["id"] for row in label_rows() if row["file"] == "scenarios.csv"}
    assert used_label_ids() - {"col_value", "col_unit", "assumption_label"} <= own


# --------------------------------------------------------------------------- notebook


def parameters_cell() -> dict:
    found, problems = params.read_parameters_cell(NOTEBOOK, "05_scenarios.ipynb")
    assert problems == []
    return {name: parameter.default for name, parameter in found.items()}


def test_notebook_parameters_are_the_baseline_plus_lang(base: Scenario) -> None:
    values = parameters_cell()
    assert values.pop("lang") == "en"
    assert values == base.to_mapping() | {
        name: float(value) for name, value in base.to_mapping().items()
        if scenario.SPECS[name].kind is float
    }  # fmt: skip
    floats = [name for name in FIELD_NAMES if scenario.SPECS[name].kind is float]
    assert all(isinstance(parameters_cell()[name], float) for name in floats)


def outputs_text(path: Path) -> str:
    """Every text/markdown, text/html and plotly JSON output of an executed notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/html"):
                if mime in data:
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
    from atmp_lib import model

    chosen = scenario.load_scenario(params_dir() / "ccrm_100.yaml")
    target = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(target), parameters={**chosen.to_mapping(), "lang": "sv"},
        kernel_name="python3", cwd=str(notebooks_dir()), progress_bar=False,
    )  # fmt: skip
    text = outputs_text(target)
    assert "Scenarier: kompetensgapet inom ATMP fram till 2026" in text
    assert "CCRM Nordic etableras, behov 100" in text  # the scenario is recognised by name
    for english in ("Need, supply and gap", "The named scenarios", "Assumptions the model"):
        assert english not in text
    assert "Här visas reglagen när notebooken körs i JupyterLab" in text
    cumulative = next(f for f in plotly_figures(target) if "Ackumulerat gap 2022" in str(f))
    expected = model.end_of_horizon(model.monte_carlo(chosen))["cumulative_gap"][1]
    assert cumulative["data"][1]["y"][-1] == pytest.approx(expected)
    comparison = next(f for f in plotly_figures(target) if f["data"][0].get("orientation") == "h")
    assert len(comparison["data"][0]["y"]) == len(scenario.named_scenarios())


@pytest.mark.slow
def test_notebook_rejects_an_invalid_parameter_naming_it(tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(NOTEBOOK), str(tmp_path / "out.ipynb"), parameters={"horizon_years": 40},
            kernel_name="python3", cwd=str(notebooks_dir()), progress_bar=False,
        )  # fmt: skip
    assert "parameter 'horizon_years': 40 is out of range" in str(caught.value)


# --------------------------------------------------------------------------- views


def test_parameter_table_lists_every_field_with_its_source(tables, base: Scenario) -> None:
    from atmp_lib import scenario_views as views

    sources = scenario.default_sources(*tables)
    frame = views.parameter_table(base.replace(apprenticeship_enabled=True), sources, "sv")
    assert len(frame) == len(FIELD_NAMES)
    row = frame.set_index("Parameter").loc["Lärlingsprogram"]
    assert (row["Värde"], row["Standardvärde"]) == ("ja", "nej")
    assert frame["Standardvärdet från"].iloc[3] == "facts.csv: need_companies"


def test_check_figures_reproduce_the_report(base: Scenario) -> None:
    from atmp_lib import scenario_views as views

    figures = views.check_figures(base.replace(horizon_years=8, company_extra_growth_pct=0))
    assert [figure.value for figure in figures] == [460, 510, 560]
    assert [figure.formula for figure in figures] == ["400 + 60", "400 + 60 + 50", "400 + 60 + 100"]
    assert figures[2].inputs == ("need_companies", "need_healthcare", "need_ccrm_nordic")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_assumptions_table_covers_every_assumption_used(tables, lang: str) -> None:
    from atmp_lib import scenario_views as views

    _, assumptions, _ = tables
    used = views.used_assumptions(scenario.default_sources(*tables), assumptions)
    assert "approx_band_pct" in set(used["id"])
    assumed = {
        o.ids[0] for o in scenario.default_sources(*tables).values() if o.kind == "assumption"
    }
    assert assumed <= set(used["id"])
    frame = views.assumptions_table(used, lang)
    assert len(frame) == len(used)
    assert frame.iloc[:, 3].str.len().min() > 20  # every row states its reason


def test_values_are_written_the_languages_way(base: Scenario) -> None:
    from atmp_lib import scenario_views as views

    assert views.format_value("population_sweden", 10452326, "sv") == "10\u202f452\u202f326"
    assert views.format_value("first_year", 2022, "sv") == "2022"
    assert views.format_value("apprentices_per_million", 1.4919, "sv") == "1,49"
    assert views.format_value("ccrm_established", True, "en") == "yes"
