"""Remove old run folders, and the cached results no remaining run refers to.

A nightly run adds a folder every day; ``atmp-report prune`` keeps the newest N runs or the
runs started on or after a date, and never the run ``latest`` points at. A run whose
manifest still says "running" and that changed within the last hour is left alone (it may
be in progress).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from atmp_lib.engine.cache import STAGING_DIR, ResultCache
from atmp_lib.engine.manifest import RUN_ID_PATTERN, latest_target, read_manifest

LIVE_WINDOW_S = 3600


@dataclass
class Pruned:
    """What a prune removed (or, on a dry run, would remove) and what it kept."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    cache_entries_removed: int = 0


def run_ids(output_dir: Path) -> list[str]:
    """The run folders of an output folder, oldest first (run ids sort by start time)."""
    if not output_dir.is_dir():
        return []
    return sorted(
        path.name
        for path in output_dir.iterdir()
        if path.is_dir() and not path.is_symlink() and RUN_ID_PATTERN.match(path.name)
    )


def started_on(run_id: str) -> datetime:
    """A run's start time, read from its id."""
    return datetime.strptime(run_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def prune(
    output_dir: Path, keep: int | None = None, since: datetime | None = None, dry_run: bool = False
) -> Pruned:
    """Remove every run that is neither among the newest ``keep`` nor started on or after
    ``since`` (at least one must be given), except the ``latest`` one and live ones."""
    if keep is None and since is None:
        raise ValueError("prune needs keep or since")
    ids = run_ids(output_dir)
    wanted = set(ids[-keep:]) if keep else set()
    if since is not None:
        wanted |= {run_id for run_id in ids if started_on(run_id) >= since}
    protected = {latest_target(output_dir)} | {i for i in ids if _live(output_dir / i)}
    result = Pruned()
    for run_id in ids:
        if run_id in wanted or run_id in protected:
            result.kept.append(run_id)
            continue
        result.removed.append(run_id)
        if not dry_run:
            shutil.rmtree(output_dir / run_id)
    result.cache_entries_removed = _prune_cache(output_dir, result.kept, dry_run)
    return result


def _live(run_dir: Path) -> bool:
    record = read_manifest(run_dir)
    recent = time.time() - run_dir.stat().st_mtime < LIVE_WINDOW_S
    return record is not None and record.get("status") == "running" and recent


def _prune_cache(output_dir: Path, kept: list[str], dry_run: bool) -> int:
    """Drop cache entries that no kept run refers to, and stale staging folders."""
    cache = ResultCache(output_dir)
    used = {key for run_id in kept for key in _cache_keys(output_dir / run_id)}
    unused = sorted(cache.keys() - used)
    if not dry_run:
        for key in unused:
            cache.remove(key)
        staging = cache.root / STAGING_DIR
        if staging.is_dir():
            for folder in staging.iterdir():
                if time.time() - folder.stat().st_mtime > LIVE_WINDOW_S:
                    shutil.rmtree(folder, ignore_errors=True)
    return len(unused)


def _cache_keys(run_dir: Path) -> set[str]:
    record = read_manifest(run_dir) or {}
    return {
        section.get("cache_key")
        for group in record.get("runs", [])
        for section in group.get("sections", [])
        if section.get("cache_key")
    }
