"""What a run reads, loaded and validated before any kernel starts.

Sections (the notebooks' parameters cells), the chosen parameter files and the data are
all checked, and every problem is collected: invalid input raises one
:class:`~atmp_lib.errors.InputError` listing them all, and nothing is executed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from atmp_lib import parameters
from atmp_lib import params as params_mod
from atmp_lib.engine.manifest import LATEST
from atmp_lib.errors import DataError, InputError
from atmp_lib.params import ParamsFile, Section
from atmp_lib.paths import Project, display_path

DEFAULT_PARAMS = "default.yaml"


@dataclass
class Inputs:
    """Everything validated that a run or a refresh needs."""

    project: Project
    sections: list[Section]
    params_files: list[ParamsFile]


def check_inputs(
    project: Project,
    section_names: list[str],
    params_paths: list[Path],
    check_data: bool = True,
    more_problems: list[str] | None = None,
) -> Inputs:
    """Load and validate sections, parameter files and data; raise listing every problem.

    The data are validated first: a value rule that reads broken data is skipped (the data
    problems are listed instead of a traceback)."""
    broken_data = data_problems(project) if check_data else []
    sections, problems = params_mod.load_sections(project.notebooks_dir, project.root)
    problems += params_mod.load_extensions()
    if not sections:
        folder = display_path(project.notebooks_dir, project.root)
        problems.append(f"{folder}: no section notebooks (NN_<name>.ipynb) found")
    chosen, found = params_mod.select_sections(sections, section_names)
    problems += found
    problems += _unless_data_broken(lambda: params_mod.validate_defaults(sections, project.root))
    for section in chosen:
        problems += _unless_data_broken(
            lambda s=section: parameters.file_problems(s.short_name, project.root)
        )
    files = []
    for path in params_paths:
        loaded, found = params_mod.load_params_file(path, project.root)
        problems += found
        if loaded is not None:
            problems += _unless_data_broken(
                lambda f=loaded: params_mod.validate_values(f.values, sections, f.label)
            )
            files.append(loaded)
    problems += broken_data + (more_problems or [])
    if problems:  # a file both given with -p and read by a section is reported once
        raise InputError(list(dict.fromkeys(problems)))
    return Inputs(project=project, sections=chosen, params_files=files)


def _unless_data_broken(check: Callable[[], list[str]]) -> list[str]:
    """The problems ``check`` finds; none when it stops on invalid data (listed apart)."""
    try:
        return check()
    except DataError:
        return []


def data_problems(project: Project) -> list[str]:
    """Every problem the data package of the project has."""
    try:
        from atmp_lib.datasets import validate_all
    except ImportError as error:
        return [
            f"cannot import atmp_lib.datasets.validate_all, so the data cannot be "
            f"validated ({error})"
        ]
    return list(validate_all(project.data_dir))


def params_paths_for(project: Project, given: list[str], all_params: bool) -> list[Path]:
    """The parameter files chosen on the command line (default: params/default.yaml)."""
    if all_params:
        return params_mod.list_params_files(project.params_dir) or [
            project.params_dir / DEFAULT_PARAMS
        ]
    if given:
        return [params_mod.resolve_params_file(item, project.root) for item in given]
    return [project.params_dir / DEFAULT_PARAMS]


def output_problems(output_dir: Path, log_file: Path | None, root: Path) -> list[str]:
    """What would keep a run from writing its folder, its log or the ``latest`` link."""
    shown = display_path(output_dir, root)
    problems = []
    if output_dir.exists() and not output_dir.is_dir():
        problems.append(f"{shown}: the output folder is a file")
    elif output_dir.is_dir() and not os.access(output_dir, os.W_OK | os.X_OK):
        problems.append(f"{shown}: the output folder is not writable")
    latest = output_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        kind = "a folder" if latest.is_dir() else "a file"
        problems.append(
            f"{shown}/{LATEST}: is {kind}, not the link to the newest successful run that the "
            "report keeps there; move it away"
        )
    if log_file is not None:
        problems += _log_file_problems(log_file, root)
    return problems


def _log_file_problems(log_file: Path, root: Path) -> list[str]:
    shown = display_path(log_file, root)
    if log_file.is_dir():
        return [f"--log-file {shown}: is a folder, not a file"]
    if log_file.exists() and not os.access(log_file, os.W_OK):
        return [f"--log-file {shown}: is not writable"]
    parent = next((p for p in (log_file.parent, *log_file.parent.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return [f"--log-file {shown}: {display_path(parent, root)} is a file, not a folder"]
    return []
