"""The project folder: where notebooks/, params/, data/ and reports/ live.

Every path comes from one :class:`Project`: the folder given explicitly (``--root``), else
the nearest folder, from the working directory up, that holds ``notebooks/`` and
``data/``. Kernels run with their notebook's folder as working directory, so the library
finds the same project inside them as the command that started them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from atmp_lib.errors import ProjectNotFound

MARKERS = ("notebooks", "data")
_chosen: ContextVar[Project | None] = ContextVar("atmp_project", default=None)


@dataclass(frozen=True)
class Project:
    """A project folder and the folders inside it."""

    root: Path

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def params_dir(self) -> Path:
        return self.root / "params"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"


def is_project(folder: Path) -> bool:
    """True when the folder holds the project's marker folders."""
    return all((folder / marker).is_dir() for marker in MARKERS)


def find_project(explicit: Path | None = None, start: Path | None = None) -> Project:
    """The project at ``explicit``, else the nearest one from ``start`` (the working
    directory) up; :class:`ProjectNotFound` says where it looked."""
    wanted = " and ".join(f"{marker}/" for marker in MARKERS)
    if explicit is not None:
        folder = explicit.resolve()
        if is_project(folder):
            return Project(folder)
        raise ProjectNotFound(f"{explicit}: not a project folder (looked for {wanted} in it)")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return Project(folder)
    raise ProjectNotFound(
        f"no project found: looked for a folder holding {wanted} in {here} and each folder "
        "above it; run inside a project folder or give --root"
    )


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it (``params/x.yaml``), else as given; never
    fails (a symbolic-link loop is shown as written)."""
    base = _resolved(root)
    for candidate in (_resolved(path), Path(os.path.abspath(path))):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop
        return Path(os.path.abspath(path))


@contextlib.contextmanager
def working_on(project: Project) -> Iterator[Project]:
    """Make ``project`` the current one for this process's library calls (the command
    line's ``--root``), whatever the working directory."""
    token = _chosen.set(project)
    try:
        yield project
    finally:
        _chosen.reset(token)


def current_project() -> Project:
    """The project chosen by :func:`working_on`, else the one found from the working directory
    (remembered per working directory while it is still a project: a notebook asks often)."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    here = os.getcwd()
    found = _found_from.get(here)
    if found is None or not is_project(found.root):
        found = _found_from[here] = find_project()
    return found


_found_from: dict[str, Project] = {}


def data_dir() -> Path:
    """The current project's data folder (datapackage.json and the tables)."""
    return current_project().data_dir


def raw_dir() -> Path:
    """The current project's verbatim source documents."""
    return current_project().raw_dir


def params_dir() -> Path:
    """The current project's YAML parameter files."""
    return current_project().params_dir


def notebooks_dir() -> Path:
    """The current project's section notebooks."""
    return current_project().notebooks_dir
