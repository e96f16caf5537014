"""English and Swedish labels for headings, axis titles and table headers.

Labels live in ``atmp_lib/labels/*.csv`` (columns ``id,en,sv``), one file per section plus
``common.csv``; an id may appear in one file only, and every id needs both languages, so a
page never falls back to the wrong language.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from atmp_lib.errors import LabelError

LANGUAGES = ("en", "sv")
LABELS_DIR = Path(__file__).resolve().parent / "labels"


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise naming the parameter and the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"parameter 'lang': {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def label_rows(directory: Path = LABELS_DIR) -> list[dict[str, str]]:
    """Every label row with the file it comes from, in file and row order."""
    rows = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                rows.append({**row, "file": path.name, "line": str(line)})
    return rows


def label_problems(directory: Path = LABELS_DIR) -> list[str]:
    """Duplicate ids and missing translations, each naming file and line."""
    problems, first_seen = [], {}
    for row in label_rows(directory):
        where = f"{row['file']}, line {row['line']}"
        if row["id"] in first_seen:
            also = first_seen[row["id"]]
            problems.append(f"{where}: duplicate label id {row['id']!r} (also {also})")
        first_seen.setdefault(row["id"], where)
        for lang in LANGUAGES:
            if not (row.get(lang) or "").strip():
                problems.append(f"{where}: label {row['id']!r} has no {lang} text")
    return problems


@cache
def _labels() -> dict[str, dict[str, str]]:
    problems = label_problems()
    if problems:
        raise LabelError("; ".join(problems))
    return {row["id"]: {lang: row[lang] for lang in LANGUAGES} for row in label_rows()}


def t(label_id: str, lang: str, **values: object) -> str:
    """The label in the language, with ``{placeholders}`` filled from ``values``."""
    check_lang(lang)
    try:
        text = _labels()[label_id][lang]
    except KeyError:
        raise LabelError(f"unknown label id {label_id!r} (add it to atmp_lib/labels/)") from None
    return text.format(**values) if values else text


def localized(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """The ``<base>_<lang>`` column of a table, e.g. ``name_sv``."""
    return frame[f"{base}_{check_lang(lang)}"]
