"""The ``atmp-report`` command line: help, list, validate and argument errors (no kernels)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atmp_lib.engine import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(args))
    except SystemExit as exit_:  # argparse: --help and usage errors
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", [[], ["run"], ["validate"], ["list"], ["refresh"], ["prune"]])
def test_help_for_every_command(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("usage: atmp-report")


def test_run_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "run", "--help")
    for option in (
        "SECTION",
        "--params PARAMS.yaml",
        "--all-params",
        "--lang {en,sv,both}",
        "--jobs N",
        "--output-dir DIR",
        "--log-file F",
        "--cell-timeout SECONDS",
        "--no-progress",
        "--no-prewarm",
        "--force",
        "--self-contained",
    ):
        assert option in out, option


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("atmp-report")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    commands = re.findall(r"^ {4}(\w+) {2,}", done.stdout, flags=re.MULTILINE)
    assert commands == ["run", "validate", "list", "refresh", "prune", "app"]


def test_list_shows_sections_parameters_and_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "--root", str(project), "list")
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["01_alpha"] in lines and ["02_beta"] in lines
    assert ["countries", "list", "of", "str", "=", "['GB',", "'US',", "'CA']"] in lines
    assert ["horizon_years", "int", "=", "10"] in lines
    assert ["growth_share", "float", "=", "50.0"] in lines
    assert out.index("Parameter files (params/):") < out.index("default.yaml")
    assert "scenario.yaml" in out


def test_list_reports_a_bad_parameters_cell(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "notebooks" / "01_alpha.ipynb"
    path.write_text(path.read_text().replace("growth_share = 50.0", "growth_share = 5 * 10.0"))
    code, out, err = run_cli(capsys, "--root", str(project), "list")
    assert code == 2
    assert "01_alpha" in out
    assert (
        "notebooks/01_alpha.ipynb, parameters cell, line 3: 'growth_share = 5 * 10.0' is "
        "not a literal assignment"
    ) in err


def test_validate_checks_every_params_file_by_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "--root", str(project), "validate")
    assert code == 0
    assert out.strip() == (
        "ok: 2 sections, 2 parameter files (params/default.yaml, "
        "params/scenario.yaml), data in data valid"
    )
    (project / "params" / "broken.yaml").write_text("horizon_years: 0\n")
    code, _, err = run_cli(capsys, "--root", str(project), "validate")
    assert code == 2
    assert (
        "params/broken.yaml: parameter 'horizon_years': 0 is out of range (allowed: an "
        "integer from 1 to 30)"
    ) in err


def test_validate_reports_data_problems(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import atmp_lib.datasets

    monkeypatch.setattr(
        atmp_lib.datasets,
        "validate_all",
        lambda *a, **k: ["data/x.csv, row 2, column 'id': a value is required"],
    )
    code, _, err = run_cli(capsys, "--root", str(project), "validate", "-p", "default")
    assert code == 2
    assert "  data/x.csv, row 2, column 'id': a value is required" in err.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--lang", "fr"], "invalid choice: 'fr'"),
        (["run", "--jobs", "0"], "must be at least 1, got 0"),
        (["run", "-p", "a.yaml", "--all-params"], "not allowed with argument"),
        (["unknown"], "invalid choice: 'unknown'"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    assert message in err


def test_no_sections_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    code, _, err = run_cli(capsys, "--root", str(tmp_path), "validate", "-p", "default")
    assert code == 2
    assert "notebooks: no section notebooks (NN_<name>.ipynb) found" in err


@pytest.mark.parametrize("command", [["list"], ["validate"], ["run"], ["prune", "--keep", "1"]])
def test_no_project_is_exit_2_saying_what_was_looked_for(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, *command)
    assert code == 2
    assert "no project found: looked for a folder holding notebooks/ and data/" in err
    assert str(tmp_path) in err and "Sections" not in out


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import metadata

    code, out, _ = run_cli(capsys, "--version")
    assert code == 0
    assert out.strip() == f"atmp-report {metadata.version('atmp-competence')}"
