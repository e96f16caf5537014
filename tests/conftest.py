"""Shared fixtures: a writable copy of the data package for deliberately broken tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
