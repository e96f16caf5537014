"""A non-editable install works from any folder: the wheel ships everything the library
reads, and --root drives every path."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        str(folder),
        str(ROOT),
    ]
    subprocess.run(command, check=True, capture_output=True)
    [built] = folder.glob("*.whl")
    return built


def test_the_wheel_ships_every_file_of_the_library(wheel: Path) -> None:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    library = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "atmp_lib").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert library - shipped == set()


def test_the_installed_package_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def report(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "atmp_lib.engine.cli", *args]
        return subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True)

    where = subprocess.run(
        [sys.executable, "-c", "import atmp_lib; print(atmp_lib.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site))
    validated = report("--root", str(ROOT), "validate")
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith("ok: 5 sections")
    missing = report("list")
    assert missing.returncode == 2
    assert "no project found" in missing.stderr
