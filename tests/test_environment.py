"""environment.yml (for conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _normalise(requirement: str) -> str:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return f"{name.lower().replace('_', '-')}{spec.replace(' ', '')}"


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = [req for reqs in project["optional-dependencies"].values() for req in reqs]
    return {_normalise(req) for req in [*project["dependencies"], *extras]}


def environment_requirements() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    found = set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            found |= {_normalise(req) for req in entry["pip"] if not req.startswith("-e")}
        elif not entry.startswith(("python=", "pip")) or entry.startswith("pip:"):
            found.add(_normalise(entry))
    return found


def test_environment_yml_matches_pyproject() -> None:
    assert environment_requirements() == pyproject_requirements()


def test_constraints_pin_every_direct_dependency() -> None:
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines()
        if "==" in line
    }
    names = {re.split(r"[<>=!~ ]", req)[0] for req in pyproject_requirements()}
    assert names - pinned == set()
