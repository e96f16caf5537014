"""What a run records about itself, and the writes that must be whole or absent.

``manifest.json`` names the command, versions, data hashes, git state, and per section its
parameters, status, timings, error and whether its result was executed or reused from the
cache (and from which run). ``latest`` is a symlink switched atomically, only to a newer
successful run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import secrets
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from atmp_lib.files import write_text_atomic
from atmp_lib.paths import Project, display_path

MANIFEST = "manifest.json"
LATEST = "latest"
RUN_ID_PATTERN = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{6}$")
VERSIONED_PACKAGES = (
    "atmp-competence", "pandas", "numpy", "plotly", "papermill", "nbconvert", "nbformat",
    "nbclient", "ipykernel", "ipywidgets", "jupyterlab", "nbval", "pyyaml", "tqdm",
)  # fmt: skip


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC time to the millisecond plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


def create_run_dir(output_dir: Path) -> Path:
    """Create ``<output-dir>/<run id>/`` exclusively (a clash just draws a new id)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    while True:
        run_dir = output_dir / new_run_id()
        try:
            run_dir.mkdir()
            return run_dir
        except FileExistsError:
            continue


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON atomically (see :func:`atmp_lib.files.write_text_atomic`)."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextlib.contextmanager
def _latest_lock(output_dir: Path) -> Iterator[None]:
    """Serialise the compare-and-switch of ``latest`` between concurrent runs."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the switch itself is still atomic
        yield
        return
    with (output_dir / ".latest.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def latest_target(output_dir: Path) -> str | None:
    """The run id ``latest`` points at, or None."""
    link = output_dir / LATEST
    return Path(os.readlink(link)).name if link.is_symlink() else None


def switch_latest(output_dir: Path, run_id: str) -> bool:
    """Point ``latest`` at ``run_id`` unless a newer successful run already holds it."""
    link = output_dir / LATEST
    with _latest_lock(output_dir):
        current = latest_target(output_dir)
        if current is not None and (output_dir / current).is_dir() and current > run_id:
            return False  # a newer successful run holds it (a dangling link is replaced)
        temp = output_dir / f".{LATEST}.{run_id}.tmp"
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        os.symlink(run_id, temp)
        os.replace(temp, link)
        return True


def read_manifest(run_dir: Path) -> dict[str, Any] | None:
    """A run's manifest, or None when it is missing or unreadable."""
    try:
        data = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def package_versions() -> dict[str, str | None]:
    """Installed versions of the project and its main dependencies (None when absent)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def file_hashes(folder: Path, root: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, keyed by its path from ``root``, sorted."""
    if not folder.is_dir():
        return {}
    return {
        display_path(path, root): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def data_hashes(project: Project) -> dict[str, str]:
    """sha256 of every file under the data folder."""
    return file_hashes(project.data_dir, project.root)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def git_state(root: Path, exclude: Path | None = None) -> dict[str, Any]:
    """The git revision and whether the tree differs from it; nulls when git is unavailable."""
    revision = _git(root, "rev-parse", "HEAD")
    pathspec = ["--", "."]
    if exclude is not None:
        with contextlib.suppress(ValueError):
            pathspec.append(f":(exclude){exclude.resolve().relative_to(root.resolve())}")
    status = _git(root, "status", "--porcelain", *pathspec)
    return {
        "revision": revision.strip() if revision else None,
        "dirty": None if status is None else bool(status.strip()),
    }


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
