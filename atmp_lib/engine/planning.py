"""From sections, parameter files and languages to the distinct notebook executions.

A *group* is one parameter file in one language: a folder ``<file stem>/<lang>/`` and an
entry in the index. Each section of a group runs with its *effective* parameters: its
parameters cell's defaults, updated by the keys of the file that it declares. Groups whose
effective parameters for a section agree share one *execution* (a parameter file that a
section does not read does not multiply that section); its result lives in the folder of
the first group that needs it. Each execution has a cache key: the hash of everything its
result depends on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from atmp_lib.engine.manifest import file_hashes, package_versions, sha256_file
from atmp_lib.params import ParamsFile, Section
from atmp_lib.paths import Project

LANGUAGES = ("en", "sv")
#: Bumped when what the cache holds, or how a page is made from a notebook, changes.
CACHE_FORMAT = 1
LIBRARY_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Group:
    """The sections run with one parameter file in one language."""

    key: str
    params_file: ParamsFile
    lang: str
    values: dict[str, Any]
    sections: list[Section]

    @property
    def label(self) -> str:
        return f"{self.params_file.label} · {self.lang}"


@dataclass(frozen=True)
class Execution:
    """One distinct run of a section notebook, and the group folder that holds its result."""

    key: str
    section: Section
    lang: str
    parameters: dict[str, Any]
    home: str

    @property
    def notebook_path(self) -> str:
        """The executed notebook's path inside the run folder."""
        return f"{self.home}/{self.section.name}.ipynb"

    @property
    def page_path(self) -> str:
        """The page's path inside the run folder."""
        return f"{self.home}/{self.section.name}.html"

    @property
    def data_folder(self) -> str:
        """The folder, beside the page, holding its tables' and charts' data (CSV)."""
        return f"{self.home}/{self.section.name}"


@dataclass
class Plan:
    """The groups of a run, its distinct executions, and which execution serves which page."""

    groups: list[Group]
    executions: list[Execution]
    served_by: dict[tuple[str, str], Execution] = field(default_factory=dict)

    def execution(self, group: Group, section: Section) -> Execution:
        return self.served_by[(group.key, section.name)]


def languages_for(params_file: ParamsFile, lang_option: str | None) -> list[str]:
    """``--lang`` if given (``both`` = en and sv), else the file's ``lang`` (default en)."""
    if lang_option == "both":
        return list(LANGUAGES)
    if lang_option:
        return [lang_option]
    return [params_file.values.get("lang", "en")]


def plan_groups(
    params_files: list[ParamsFile], sections: list[Section], lang_option: str | None
) -> list[Group]:
    """One group per (parameter file, language), with a unique folder name each."""
    groups, used = [], set()
    for params_file in params_files:
        stem = _unique(re.sub(r"[^A-Za-z0-9_.-]", "_", params_file.stem), used)
        for lang in languages_for(params_file, lang_option):
            values = {**params_file.values, "lang": lang}  # the page language, stated
            groups.append(Group(f"{stem}/{lang}", params_file, lang, values, sections))
    return groups


def _unique(stem: str, used: set[str]) -> str:
    name, n = stem, 2
    while name in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name)
    return name


def effective_parameters(section: Section, values: dict[str, Any]) -> dict[str, Any]:
    """The section's defaults updated by the values it declares, in declaration order."""
    return {
        name: values.get(name, parameter.default) for name, parameter in section.parameters.items()
    }


def plan(groups: list[Group], fingerprint: str) -> Plan:
    """Every group's sections mapped to distinct executions, in report order."""
    result = Plan(groups, [])
    by_key: dict[str, Execution] = {}
    for group in groups:
        for section in group.sections:
            parameters = effective_parameters(section, group.values)
            key = execution_key(fingerprint, section, group.lang, parameters)
            if key not in by_key:
                by_key[key] = Execution(key, section, group.lang, parameters, group.key)
                result.executions.append(by_key[key])
            result.served_by[(group.key, section.name)] = by_key[key]
    return result


def execution_key(fingerprint: str, section: Section, lang: str, parameters: dict[str, Any]) -> str:
    """The hash of a section's notebook, its parameters and language, and the fingerprint
    of everything else its result depends on."""
    payload = {
        "fingerprint": fingerprint,
        "notebook": sha256_file(section.path),
        "section": section.name,
        "lang": lang,
        "parameters": parameters,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def fingerprint(project: Project) -> str:
    """The hash of what every section's result depends on besides its own notebook and
    parameters: the library (code, labels, templates), the data, the parameter files (a
    section may read them), the installed package versions and the cache format."""
    payload = {
        "format": CACHE_FORMAT,
        "library": file_hashes(LIBRARY_DIR, LIBRARY_DIR),
        "data": file_hashes(project.data_dir, project.root),
        "params": file_hashes(project.params_dir, project.root),
        "versions": package_versions(),
    }
    text = json.dumps(payload, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
