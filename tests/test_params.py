"""Parameter files, parameters cells and the rules table; bad input never starts a kernel."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from atmp_lib import parameters, params
from atmp_lib.engine import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KNOWN = "countries, crash, explode, growth_share, horizon_years, lang, note, pause_s, seed"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the fixture project (two sections, valid data, two params files)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def write_params(root: Path, name: str, text: str) -> Path:
    path = root / "params" / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(root: Path, *args: str) -> int:
    return cli.main(["--root", str(root), *args])


def problems_of(capsys: pytest.CaptureFixture[str], code: int) -> list[str]:
    """The problem lines printed by a command that must have exited 2."""
    captured = capsys.readouterr()
    assert code == 2, f"expected exit 2, got {code}\n{captured.out}\n{captured.err}"
    assert "nothing was executed" in captured.err
    return [line.strip() for line in captured.err.splitlines()[1:]]


# --------------------------------------------------------------------------- one kind each


@pytest.mark.usefixtures("no_kernel")
def test_bad_yaml_names_file_and_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_params(project, "bad.yaml", "lang: en\ncountries: [GB, US\nhorizon_years: 5\n")
    problems = problems_of(capsys, run_cli(project, "run", "-p", "params/bad.yaml"))
    assert len(problems) == 1
    assert problems[0].startswith("params/bad.yaml, line 3: ")
    assert "expected ',' or ']'" in problems[0]


@pytest.mark.usefixtures("no_kernel")
def test_duplicate_yaml_key_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_params(project, "dup.yaml", "lang: en\nlang: sv\n")
    problems = problems_of(capsys, run_cli(project, "validate", "-p", "dup"))
    assert problems == ["params/dup.yaml, line 2: duplicate key 'lang' (first on line 1)"]


@pytest.mark.usefixtures("no_kernel")
def test_unknown_key_is_named_with_the_known_ones(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_params(project, "typo.yaml", "horizon_year: 5\n")
    problems = problems_of(capsys, run_cli(project, "run", "-p", "typo"))
    assert problems == [
        "params/typo.yaml: unknown parameter 'horizon_year' (did you mean 'horizon_years'?); "
        f"no section declares it (known parameters: {KNOWN})"
    ]


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("horizon_years: ten", "'ten' is not a number (allowed: an integer from 1 to 30)"),
        ("horizon_years: true", "True is not a number (allowed: an integer from 1 to 30)"),
        ("horizon_years: 5.5", "5.5 is not an integer (allowed: an integer from 1 to 30)"),
        ("explode: 1", "1 is not true or false (allowed: true or false)"),
        ("note: 12", "12 is not text (allowed: any text)"),
        ("countries: GB", "'GB' is empty or not a list (allowed: a non-empty list of distinct "
                          "items, each one of GB, US, CA)"),
        ("countries: [1, 2]", "1, 2 not allowed (allowed: a non-empty list of distinct items, "
                              "each one of GB, US, CA)"),
        ("growth_share: null", "None is not allowed (allowed: a number from 0 to 100)"),
    ],
)
def test_wrong_type(project: Path, capsys: pytest.CaptureFixture[str], line: str,
                    message: str) -> None:
    assert_one_problem(project, capsys, "types", line, message)


def assert_one_problem(project: Path, capsys: pytest.CaptureFixture[str], stem: str,
                       line: str, message: str) -> None:
    """A one-line parameter file stops `run` with exactly this problem for its key."""
    write_params(project, f"{stem}.yaml", line + "\n")
    name = line.split(":")[0]
    problems = problems_of(capsys, run_cli(project, "run", "-p", stem))
    assert problems == [f"params/{stem}.yaml: parameter {name!r}: {message}"]


def test_int_is_accepted_where_float_is_expected(project: Path) -> None:
    sections, _ = params.load_sections(project / "notebooks", project)
    assert params.validate_values({"growth_share": 12}, sections, "x.yaml") == []


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("horizon_years: -5", "-5 is out of range (allowed: an integer from 1 to 30)"),
        ("horizon_years: 31", "31 is out of range (allowed: an integer from 1 to 30)"),
        ("growth_share: 100.5", "100.5 is out of range (allowed: a number from 0 to 100)"),
        ("growth_share: -1", "-1 is out of range (allowed: a number from 0 to 100)"),
        ("lang: fr", "'fr' is not allowed (allowed: one of en, sv)"),
        ("countries: [GB, SE]", "'SE' not allowed (allowed: a non-empty list of distinct "
                                "items, each one of GB, US, CA)"),
        ("countries: [GB, GB]", "duplicate 'GB' (allowed: a non-empty list of distinct items, "
                                "each one of GB, US, CA)"),
        ("countries: []", "[] is empty or not a list (allowed: a non-empty list of distinct "
                          "items, each one of GB, US, CA)"),
        ("seed: -1", "-1 is out of range (allowed: an integer >= 0)"),
    ],
)
def test_out_of_range(project: Path, capsys: pytest.CaptureFixture[str], line: str,
                      message: str) -> None:
    assert_one_problem(project, capsys, "range", line, message)


@pytest.mark.usefixtures("no_kernel")
def test_missing_params_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = problems_of(capsys, run_cli(project, "run", "-p", "params/nope.yaml"))
    assert problems == [
        "params/nope.yaml: parameter file not found (files in params/: default.yaml, "
        "scenario.yaml)"
    ]


@pytest.mark.usefixtures("no_kernel")
def test_misspelled_section(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = problems_of(capsys, run_cli(project, "run", "alpah"))
    assert problems == [
        "unknown section 'alpah' (did you mean '01_alpha'?); the sections are: 01_alpha, 02_beta"
    ]


@pytest.mark.usefixtures("no_kernel")
def test_not_a_mapping(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_params(project, "list.yaml", "- lang\n- en\n")
    problems = problems_of(capsys, run_cli(project, "validate", "-p", "list"))
    assert problems == [
        "params/list.yaml: expected a mapping of parameter names to values, got list"
    ]


# --------------------------------------------------------------------------- all at once


@pytest.mark.usefixtures("no_kernel")
def test_every_problem_is_reported_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import atmp_lib.datasets

    monkeypatch.setattr(
        atmp_lib.datasets, "validate_all",
        lambda *a, **k: ["data/survey.csv, row 3, column 'share': 'x' is not a valid number"],
    )
    write_params(project, "many.yaml",
                 "lang: fr\nhorizon_years: 0\ngrowth_share: 120\ncolour: red\n")
    write_params(project, "also.yaml", "seed: -3\n")
    code = run_cli(project, "run", "zeta", "-p", "many", "-p", "also", "-p", "gone")
    problems = problems_of(capsys, code)
    assert problems == [
        "unknown section 'zeta' (did you mean '02_beta'?); the sections are: 01_alpha, 02_beta",
        "params/many.yaml: parameter 'lang': 'fr' is not allowed (allowed: one of en, sv)",
        "params/many.yaml: parameter 'horizon_years': 0 is out of range "
        "(allowed: an integer from 1 to 30)",
        "params/many.yaml: parameter 'growth_share': 120 is out of range "
        "(allowed: a number from 0 to 100)",
        f"params/many.yaml: unknown parameter 'colour'; no section declares it "
        f"(known parameters: {KNOWN})",
        "params/also.yaml: parameter 'seed': -3 is out of range (allowed: an integer >= 0)",
        "params/gone.yaml: parameter file not found (files in params/: also.yaml, "
        "default.yaml, many.yaml, scenario.yaml)",
        "data/survey.csv, row 3, column 'share': 'x' is not a valid number",
    ]


@pytest.mark.usefixtures("no_kernel")
def test_datasets_import_error_is_a_clear_problem(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "atmp_lib.datasets", None)
    problems = problems_of(capsys, run_cli(project, "validate"))
    assert len(problems) == 1
    assert problems[0].startswith("cannot import atmp_lib.datasets.validate_all, so the data "
                                  "cannot be validated (")


# --------------------------------------------------------------------------- parameters cells


def test_parameters_cell_literals_are_read_without_executing() -> None:
    source = 'lang = "en"\n# a comment\ncountries: list = ["GB", "US"]\nshare_pct = -2.5\n'
    parameters, problems = params.parse_parameters(source, "nb.ipynb")
    assert problems == []
    assert {name: p.default for name, p in parameters.items()} == {
        "lang": "en", "countries": ["GB", "US"], "share_pct": -2.5,
    }
    assert parameters["share_pct"].line == 4


def test_declared_types_are_read_from_annotations_and_type_comments() -> None:
    source = (
        'lang = "en"\n'
        "share: float = 15.0  # share of the need (%)\n"
        "known = None  # type: Optional[float] people a year; empty when not known\n"
    )
    parameters, problems = params.parse_parameters(source, "nb.ipynb")
    assert problems == []
    assert [p.type_name for p in parameters.values()] == ["str", "float", "Optional[float]"]
    assert parameters["known"].default is None
    assert params.type_matches(12, parameters["known"].default)  # None stays open


def test_non_literal_in_parameters_cell_names_notebook_and_line() -> None:
    source = 'lang = "en"\nseed = random.randint(0, 9)\nimport os\nx, y = 1, 2\n'
    _, problems = params.parse_parameters(source, "notebooks/03_survey.ipynb")
    assert problems == [
        "notebooks/03_survey.ipynb, parameters cell, line 2: 'seed = random.randint(0, 9)' "
        "is not a literal assignment (write name = <literal>)",
        "notebooks/03_survey.ipynb, parameters cell, line 3: 'import os' is not a literal "
        "assignment (write name = <literal>)",
        "notebooks/03_survey.ipynb, parameters cell, line 4: 'x, y = 1, 2' is not a literal "
        "assignment (write name = <literal>)",
    ]


def test_syntax_error_in_parameters_cell() -> None:
    _, problems = params.parse_parameters('lang = "en\n', "nb.ipynb")
    assert len(problems) == 1
    assert problems[0].startswith("nb.ipynb, parameters cell, line 1: syntax error (")


@pytest.mark.usefixtures("no_kernel")
def test_bad_parameters_cell_stops_a_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "notebooks" / "02_beta.ipynb"
    path.write_text(path.read_text().replace('pause_s = 0.0', 'pause_s = float(0)'))
    problems = problems_of(capsys, run_cli(project, "run"))
    assert problems == [
        "notebooks/02_beta.ipynb, parameters cell, line 7: 'pause_s = float(0)' is not a "
        "literal assignment (write name = <literal>)"
    ]


def test_sections_are_discovered_in_file_name_order(project: Path) -> None:
    (project / "notebooks" / "00_intro.ipynb").write_text(
        (project / "notebooks" / "01_alpha.ipynb").read_text())
    (project / "notebooks" / "scratch.ipynb").write_text("{}")
    (project / "notebooks" / "1_bad_name.ipynb").write_text("{}")
    sections, problems = params.load_sections(project / "notebooks", project)
    assert [s.name for s in sections] == ["00_intro", "01_alpha", "02_beta"]
    assert problems == []


def test_section_names_accept_number_and_short_name(project: Path) -> None:
    sections, _ = params.load_sections(project / "notebooks", project)
    chosen, problems = params.select_sections(sections, ["beta", "01", "02_beta.ipynb"])
    assert [s.name for s in chosen] == ["01_alpha", "02_beta"]
    assert problems == []


# --------------------------------------------------------------------------- rules and hooks


@pytest.mark.parametrize(
    ("section", "name", "value", "ok"),
    [
        ("course_supply", "audience", "healthcare_staff", True),
        ("course_supply", "audience", "all", True),
        ("course_supply", "audience", "everyone", False),
        ("international", "normalise_by", "none", True),
        ("international", "normalise_by", "gdp", False),
        ("international", "countries", ["GB", "CA"], True),
        ("international", "countries", ["GB", "GB"], False),
        ("scenarios", "draws", 1_000_000, True), ("scenarios", "draws", 0, False),
        ("scenarios", "draws", True, False), ("scenarios", "seed", 0, True),
        ("scenarios", "seed", 1.5, False),
        ("survey", "horizon_years", 30, True), ("survey", "horizon_years", 30.0, False),
        ("survey", "ccrm_nordic_established", "yes", False),
    ],
)  # fmt: skip
def test_the_sections_declared_rules(section: str, name: str, value: object, ok: bool) -> None:
    params.load_extensions()
    rule = parameters.schema(section)[name]
    assert (rule.fault(value) is None) is ok


def test_a_parameter_shared_by_sections_is_declared_once() -> None:
    params.load_extensions()
    assert parameters.schema("survey")["horizon_years"] is parameters.schema("scenarios")[
        "horizon_years"
    ] or parameters.schema("scenarios")["horizon_years"].allowed() == "an integer from 1 to 30"
    assert parameters.schema("survey")["lang"] is parameters.schema("overview")["lang"]


def test_rules_between_parameters_are_checked_over_effective_values(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(parameters.CROSS_CHECKS, "beta", [])

    def horizon_needs_seed(values: dict) -> list[str]:
        if values["horizon_years"] > 20 and values["seed"] == 0:
            return ["parameter 'seed': must be set when 'horizon_years' > 20"]
        return []

    parameters.CROSS_CHECKS["beta"].append(horizon_needs_seed)
    sections, _ = params.load_sections(project / "notebooks", project)
    assert params.validate_values({"horizon_years": 25}, sections, "s.yaml") == [
        "s.yaml: parameter 'seed': must be set when 'horizon_years' > 20"
    ]
    assert params.validate_values({"horizon_years": 25, "seed": 3}, sections, "s.yaml") == []


def test_a_cell_and_its_declarations_must_name_the_same_parameters(project: Path) -> None:
    path = project / "notebooks" / "02_beta.ipynb"
    path.write_text(path.read_text().replace("explode = False", "explodes = False"))
    sections, _ = params.load_sections(project / "notebooks", project)
    assert params.validate_defaults(sections, project) == [
        "notebooks/02_beta.ipynb, parameters cell: parameter 'explodes' is not declared in "
        "atmp_lib/sections/beta/parameters.py",
        "notebooks/02_beta.ipynb, parameters cell: parameter 'explode' declared in "
        "atmp_lib/sections/beta/parameters.py is missing",
    ]


def test_defaults_in_notebooks_are_checked_too(project: Path) -> None:
    path = project / "notebooks" / "02_beta.ipynb"
    path.write_text(path.read_text().replace("horizon_years = 10", "horizon_years = 99"))
    sections, _ = params.load_sections(project / "notebooks", project)
    assert params.validate_defaults(sections, project) == [
        "notebooks/02_beta.ipynb, parameters cell, line 3: parameter 'horizon_years': "
        "default 99 is out of range (allowed: an integer from 1 to 30)"
    ]


def test_each_section_receives_only_its_declared_keys(project: Path) -> None:
    sections, _ = params.load_sections(project / "notebooks", project)
    values = {"lang": "sv", "countries": ["GB"], "horizon_years": 3}
    alpha, beta = sections
    assert params.section_values(alpha, values) == {"lang": "sv", "countries": ["GB"]}
    assert params.section_values(beta, values) == {"lang": "sv", "horizon_years": 3}
