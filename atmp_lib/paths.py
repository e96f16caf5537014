"""Where the project's folders are: data, parameters, notebooks.

The package is installed editable from the project folder, so the data live beside it.
``ATMP_DATA_DIR`` points the library at another copy of the data (tests use it for
deliberately broken tables).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding datapackage.json and the tables."""
    override = os.environ.get("ATMP_DATA_DIR")
    return Path(override) if override else PROJECT_ROOT / "data"


def raw_dir() -> Path:
    """The folder holding the verbatim source documents."""
    return data_dir() / "raw"


def params_dir() -> Path:
    """The folder holding the YAML parameter files."""
    return PROJECT_ROOT / "params"


def notebooks_dir() -> Path:
    """The folder holding the section notebooks."""
    return PROJECT_ROOT / "notebooks"
