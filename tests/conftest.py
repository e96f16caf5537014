"""Shared fixtures: a writable copy of the data package for deliberately broken tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupyter_client
import papermill
import pytest

from atmp_lib import datasets
from atmp_lib.engine import execution
from atmp_lib.paths import data_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ that a test may break without touching the project."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    for path in (target / "raw").iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything would execute a notebook or start a kernel or worker."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a kernel or worker was started although the input is invalid")

    monkeypatch.setattr(papermill, "execute_notebook", forbidden)
    monkeypatch.setattr(execution, "Workers", forbidden)
    monkeypatch.setattr(jupyter_client.KernelManager, "start_kernel", forbidden)
    monkeypatch.setattr(jupyter_client.AsyncKernelManager, "start_kernel", forbidden)


def _table_fixture(table: str):
    """A session-wide fixture returning one validated table (tests must not mutate it)."""

    @pytest.fixture(scope="session")
    def load_table():
        return datasets.load(table)

    return load_table


facts = _table_fixture("facts")
population = _table_fixture("population")
assumptions = _table_fixture("assumptions")
landscape = _table_fixture("landscape")
competences = _table_fixture("competences")
topic_map = _table_fixture("topic_competence_map")
course_supply = _table_fixture("course_supply")
initiatives = _table_fixture("international_initiatives")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's notebooks, parameters and data."""
    root = tmp_path / "project"
    for folder in ("notebooks", "params", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    for path in (root / "data" / "raw").iterdir():
        path.chmod(0o644)
    return root


def _declare_fixture_sections() -> None:
    """The fixture project's sections (tests/fixtures/project) declare their parameters
    the way the report's sections do (atmp_lib/sections/*/parameters.py)."""
    from atmp_lib.parameters import Param, register

    lang = Param("lang", str, "page language", choices=("en", "sv"))
    register(
        "alpha", lang,
        Param("countries", list, "countries", choices=("GB", "US", "CA")),
        Param("growth_share", float, "a share", low=0, high=100),
    )  # fmt: skip
    register(
        "beta", lang,
        Param("note", str, "free text"),
        Param("horizon_years", int, "years", low=1, high=30),
        Param("seed", int, "seed", low=0),
        Param("explode", bool, "raise in a cell"),
        Param("crash", bool, "kill the kernel"),
        Param("pause_s", float, "sleep", low=0),
    )  # fmt: skip


_declare_fixture_sections()


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the real notebooks/ with params/default.yaml in both languages, built
    once for the session into a temp folder (its ``latest`` run folder)."""
    import contextlib
    import io

    from atmp_lib.engine import cli

    out = tmp_path_factory.mktemp("real") / "reports"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["--root", str(PROJECT_ROOT), "run", "--jobs", "2", "--no-progress",
                         "--lang", "both", "--output-dir", str(out)])  # fmt: skip
    assert code == 0, stderr.getvalue()
    return out / "latest"
