"""Results kept by content: an executed notebook and its page, under the execution's key.

The cache lives inside the output folder (``<output-dir>/.cache/<key>/``), so a fresh
``--output-dir`` starts cold. An entry is written in a staging folder and renamed into
place, so it is whole or absent; a run reuses an entry by linking its notebook into the run
folder and finishing its page there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atmp_lib.engine.manifest import write_json_atomic

CACHE_DIR = ".cache"
STAGING_DIR = ".staging"
NOTEBOOK = "notebook.ipynb"
PAGE = "page.html"
META = "meta.json"
DATA = "data"


@dataclass(frozen=True)
class Entry:
    """A cached result: where it is and what its producer recorded."""

    folder: Path
    meta: dict[str, Any]

    @property
    def notebook(self) -> Path:
        return self.folder / NOTEBOOK

    @property
    def page(self) -> Path:
        return self.folder / PAGE

    @property
    def data_files(self) -> list[Path]:
        """The CSV files of the page's tables and charts."""
        return sorted((self.folder / DATA).glob("*.csv"))


class ResultCache:
    """The cache of one output folder."""

    def __init__(self, output_dir: Path):
        self.root = output_dir / CACHE_DIR

    def lookup(self, key: str) -> Entry | None:
        """The whole entry for ``key``, or None."""
        folder = self.root / key
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (folder / NOTEBOOK).is_file() or not (folder / PAGE).is_file():
            return None
        return Entry(folder, meta)

    def staging(self, key: str) -> Path:
        """A new, empty folder for a worker to write one execution's result into."""
        folder = self.root / STAGING_DIR / f"{key}-{secrets.token_hex(3)}"
        folder.mkdir(parents=True)
        return folder

    def store(self, key: str, staged: Path, meta: dict[str, Any]) -> Entry:
        """Move a staged result into place (replacing an older entry of the same key)."""
        write_json_atomic(staged / META, meta)
        target = self.root / key
        if target.exists():
            old = self.root / STAGING_DIR / f"old-{key}-{secrets.token_hex(3)}"
            os.replace(target, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(staged, target)
        return Entry(target, meta)

    def keys(self) -> set[str]:
        """The keys of every entry."""
        if not self.root.is_dir():
            return set()
        return {path.name for path in self.root.iterdir() if path.name != STAGING_DIR}

    def remove(self, key: str) -> None:
        shutil.rmtree(self.root / key, ignore_errors=True)

    def clear_staging(self) -> None:
        """Drop what interrupted runs left half-written."""
        shutil.rmtree(self.root / STAGING_DIR, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target`` (same file system), else copy it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
