"""A report run from validated inputs to a published run folder, and the refresh.

A run plans its distinct executions, reuses every one whose cache key is found (unless
``force``), executes the rest in worker processes, then publishes: executed notebooks and
finished pages in ``<output-dir>/<run id>/<file>/<lang>/``, one shared plotly.js, the claims
register, the entry page and ``manifest.json``. ``latest`` moves only after a run in which
every section succeeded; a failed or interrupted run keeps its partial output and says so
in its manifest.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atmp_lib import datasets
from atmp_lib.engine import downloads, execution, manifest, pdf, publishing
from atmp_lib.engine.cache import Entry, ResultCache, link_or_copy
from atmp_lib.engine.execution import Job, JobResult, started_workers
from atmp_lib.engine.inputs import Inputs
from atmp_lib.engine.planning import Execution, Group, Plan, fingerprint, plan, plan_groups
from atmp_lib.errors import RunError
from atmp_lib.paths import display_path

CLAIMS_FILE = "claims.csv"
WORKBOOK = "report-data.xlsx"
DATA_PACKAGE_DIR = "data-package"
SOURCES_PAGE = "sources.html"


@dataclass
class RunOptions:
    """How to run: parallel jobs, languages, where to write, what to show, whether to reuse
    cached results, whether workers keep their next kernel warm, and the page form."""

    jobs: int = 1
    lang: str | None = None
    output_dir: Path | None = None
    progress: bool = True
    cell_timeout: int | None = None
    argv: list[str] = field(default_factory=list)
    prewarm: bool = True
    force: bool = False
    self_contained: bool = False
    pdf: bool = False


@dataclass
class Outcome:
    """What became of one execution: its job result and where the result came from."""

    result: JobResult
    reused_from: str | None = None  # the run that produced a reused result


@dataclass
class RunOutcome:
    """The result of a run, for the command line to report."""

    run_dir: Path
    status: str
    outcomes: list[tuple[Execution, Outcome]]
    duration_s: float
    latest_switched: bool
    sections: int
    groups: int

    @property
    def failures(self) -> list[tuple[Execution, Outcome]]:
        return [(e, o) for e, o in self.outcomes if o.result.status != "succeeded"]

    @property
    def executed(self) -> int:
        return sum(1 for _, o in self.outcomes if o.reused_from is None)

    @property
    def reused(self) -> int:
        return sum(1 for _, o in self.outcomes if o.reused_from is not None)

    @property
    def index(self) -> Path:
        return self.run_dir / "index.html"


class Run:
    """One report run: its folder, its plan, its manifest; executes and publishes."""

    def __init__(self, inputs: Inputs, options: RunOptions):
        self.inputs = inputs
        self.options = options
        self.project = inputs.project
        self.output_dir = (options.output_dir or self.project.reports_dir).resolve()
        groups = plan_groups(inputs.params_files, inputs.sections, options.lang)
        self.plan: Plan = plan(groups, fingerprint(self.project))
        self.cache = ResultCache(self.output_dir)
        self.run_dir = manifest.create_run_dir(self.output_dir)
        self.outcomes: dict[str, Outcome] = {}
        self._pages: dict[str, Path] = {}  # execution key -> its rendered page (cache entry)
        self._jobs_by_key: dict[str, Job] = {}
        self._staged: dict[str, Path] = {}  # execution key -> the folder its worker writes
        self.started = datetime.now(UTC)
        self.record = self._initial_manifest()

    @property
    def groups(self) -> list[Group]:
        return self.plan.groups

    def execute(self, on_outcome: Callable[[Execution, Outcome], None] | None = None) -> RunOutcome:
        """Reuse or execute every execution, then publish. An interrupt (Ctrl-C, SIGTERM) or
        a write that fails (a full disk) starts no further section; what is done is kept,
        and the manifest says why the run stopped."""
        clock = time.perf_counter()
        report = on_outcome or (lambda execution, outcome: None)
        stopped = None
        try:
            self._save_manifest("running")
            self._reuse_cached(report)
            self._execute_missing(report)
        except KeyboardInterrupt:
            stopped = "interrupted"
        except (OSError, WriteFailed) as error:
            stopped = "failed"
            self.record["error"] = f"the run stopped: {_write_fault(error)}"
        if stopped:
            self._mark_unfinished(stopped)
        status, switched = self._finish(stopped, clock)
        ordered = [
            (e, self.outcomes[e.key]) for e in self.plan.executions if e.key in self.outcomes
        ]
        return RunOutcome(
            self.run_dir, status, ordered, round(time.perf_counter() - clock, 2), switched,
            len(self.inputs.sections), len(self.groups),
        )  # fmt: skip

    def _finish(self, stopped: str | None, clock: float) -> tuple[str, bool]:
        """Publish and write the final manifest with signals held back, so that neither is
        left half-written; a signal that came meanwhile marks the run interrupted."""
        with deferred_signals() as received:
            try:
                self._publish()
            except OSError as error:
                stopped = stopped or "failed"
                self.record["error"] = f"writing the report failed: {_write_fault(error)}"
            if received and not stopped:
                stopped = "interrupted"
            status = stopped or ("succeeded" if self._all_succeeded() else "failed")
            try:
                self._save_manifest(status, duration=time.perf_counter() - clock)
            except OSError as error:
                raise RunError(
                    f"{self.run_dir}: the run {status}, but its manifest could not be written "
                    f"({_write_fault(error)}); latest unchanged"
                ) from None
            switched = status == "succeeded" and manifest.switch_latest(
                self.output_dir, self.run_dir.name
            )
        return status, switched

    # ----- reuse and execution

    def _reuse_cached(self, report: Callable[[Execution, Outcome], None]) -> None:
        if self.options.force:
            return
        for item in self.plan.executions:
            entry = self.cache.lookup(item.key)
            if entry is None:
                continue
            self._place(item, entry)
            result = JobResult(
                item.key, item.section.name, "succeeded", 0.0, entry.meta.get("title")
            )
            self._settle(item, Outcome(result, entry.meta.get("run_id", "")), report)

    def _execute_missing(self, report: Callable[[Execution, Outcome], None]) -> None:
        missing = [e for e in self.plan.executions if e.key not in self.outcomes]
        if not missing:
            return
        staged = self._staged = {e.key: self.cache.staging(e.key) for e in missing}
        jobs = self._jobs(missing, staged)
        by_key = {e.key: e for e in missing}
        workers = max(1, min(self.options.jobs, len(jobs)))
        first = execution.spares_wanted(len(jobs), workers) if self.options.prewarm else 0
        self._jobs_by_key = {job.key: job for job in jobs}

        def settle(result: JobResult) -> None:
            item = by_key[result.key]
            self._keep(item, result, staged[item.key])
            self._settle(item, Outcome(result), report)
            if _disk_full(result):
                raise WriteFailed(f"{item.section.name}: {(result.error or {}).get('evalue')}")

        with started_workers(workers, str(self.project.notebooks_dir), first) as pool:
            pool.run(execution.execute, jobs, settle)

    def _jobs(self, missing: list[Execution], staged: dict[str, Path]) -> list[Job]:
        workers = max(1, min(self.options.jobs, len(missing)))
        jobs = []
        for index, item in enumerate(missing):
            folder = staged[item.key]
            jobs.append(Job(
                key=item.key, section=item.section.name, notebook=str(item.section.path),
                lang=item.lang, parameters=item.parameters,
                output_notebook=str(folder / "notebook.ipynb"),
                output_page=str(folder / "page.html"), cwd=str(self.project.notebooks_dir),
                progress=progress_setting(self.options, index, f"{item.home}/{item.section.name}"),
                cell_timeout=self.options.cell_timeout,
                spares=execution.spares_wanted(len(missing) - 1 - index, workers)
                if self.options.prewarm else 0,
            ))  # fmt: skip
        return jobs

    def _keep(self, item: Execution, result: JobResult, staged: Path) -> None:
        """A success goes into the cache and the run folder; a failure's notebook into the
        run folder only."""
        if result.status == "succeeded":
            meta = {"run_id": self.run_dir.name, "section": item.section.name,
                    "lang": item.lang, "title": result.title}  # fmt: skip
            self._place(item, self.cache.store(item.key, staged, meta))
            return
        notebook = staged / "notebook.ipynb"
        if notebook.is_file():
            target = self.run_dir / item.notebook_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(notebook, target)
        shutil.rmtree(staged, ignore_errors=True)

    def _place(self, item: Execution, entry: Entry) -> None:
        """Link an executed notebook and its data files into the run folder."""
        link_or_copy(entry.notebook, self.run_dir / item.notebook_path)
        for path in entry.data_files:
            link_or_copy(path, self.run_dir / item.data_folder / path.name)
        self._pages[item.key] = entry.page

    def _settle(self, item: Execution, outcome: Outcome, report: Callable) -> None:
        self.outcomes[item.key] = outcome
        self._save_manifest("running")
        report(item, outcome)

    def _mark_unfinished(self, status: str) -> None:
        """Record every execution without an outcome as ``status``, naming its cell."""
        for item in self.plan.executions:
            if item.key in self.outcomes:
                continue
            job = self._jobs_by_key.get(item.key)
            error = execution.interrupted_error(job) if job else None
            result = JobResult(item.key, item.section.name, status, 0.0, error=error)
            self.outcomes[item.key] = Outcome(result)
            if item.key in self._staged:
                self._keep(item, result, self._staged[item.key])

    def _all_succeeded(self) -> bool:
        return len(self.outcomes) == len(self.plan.executions) and all(
            o.result.status == "succeeded" for o in self.outcomes.values()
        )

    # ----- publishing

    def _publish(self) -> None:
        """Finish every page, write the shared assets, the claims register and the index."""
        titles = {key: o.result.title for key, o in self.outcomes.items()
                  if o.result.status == "succeeded"}  # fmt: skip
        pages = self._pages
        if not self.options.self_contained and pages:
            publishing.write_assets(self.run_dir)
        for group in self.groups:
            for section in group.sections:
                item = self.plan.execution(group, section)
                if item.home == group.key and item.key in pages and item.key in titles:
                    self._finish_page(group, item, pages[item.key], titles)
        self.record["claims"] = publishing.write_claims(
            self.run_dir / CLAIMS_FILE, self._claim_sources(titles), self.project.raw_dir
        )
        offered = self._write_downloads(titles)
        entries = [self._index_group(group, titles) for group in self.groups]
        status = "succeeded" if self._all_succeeded() else "failed"
        created = self.started.strftime("%Y-%m-%d %H:%M UTC")
        page = publishing.index_html(self.run_dir.name, status, entries, created, offered)
        publishing.write_page(self.run_dir / "index.html", page)

    def _write_downloads(self, titles: dict) -> list[str]:
        """The run's downloads: every table's and chart's data in one workbook, a copy of
        the data package and the sources page; returns the files written."""
        shown = [item for item in self.plan.executions if item.key in titles]
        sheets = [
            (f"{item.section.name[:2]} {item.lang} {path.stem}", path)
            for item in shown
            for path in downloads.read_files(self.run_dir / item.data_folder)
        ]
        documents = datasets.descriptor(self.project.data_dir).get("sources", [])
        downloads.write_workbook(
            self.run_dir / WORKBOOK, sheets, publishing.sources_rows(documents)
        )
        package = self.run_dir / DATA_PACKAGE_DIR
        if not package.exists():
            downloads.copy_data_package(self.project.data_dir, package)
        page = publishing.sources_html(documents, self._references())
        publishing.write_page(self.run_dir / SOURCES_PAGE, page)
        return [WORKBOOK, f"{DATA_PACKAGE_DIR}/datapackage.json", SOURCES_PAGE, *self._pdfs(titles)]

    def _references(self) -> list[dict[str, str]]:
        """The public sources of the data package's reference tables (``atmp:external``),
        one row per table and organisation, for the sources page."""
        found: dict[tuple, dict[str, str]] = {}
        for name, resource in datasets.resources(self.project.data_dir).items():
            if not resource.external:
                continue
            frame = datasets.load(name, self.project.data_dir)
            for _, row in frame.iterrows():
                reference = _reference_of(row, resource.title, resource.title_sv)
                found.setdefault(tuple(reference.values()), reference)
        return list(found.values())

    def _pdfs(self, titles: dict) -> list[str]:
        """With ``pdf``: one PDF per language, of the first parameter file's pages."""
        if not self.options.pdf or not self.groups:
            return []
        first = self.groups[0].params_file
        written = []
        for group in (g for g in self.groups if g.params_file is first):
            items = [self.plan.execution(group, s) for s in group.sections]
            pages = [self.run_dir / item.page_path for item in items if item.key in titles]
            if pages:
                name = f"report-{group.lang}.pdf"
                pdf.print_pdf(pages, self.run_dir / name)
                written.append(name)
        return written

    def _finish_page(self, group: Group, item: Execution, source: Path, titles: dict) -> None:
        neighbours = [self.plan.execution(group, s) for s in group.sections]
        shown = [e for e in neighbours if e.key in titles]
        position = shown.index(item)
        twin = self._twin(group, item, titles)
        nav = publishing.PageNav(
            "../" * (item.home.count("/") + 1) + "index.html",
            self._link(item, shown[position - 1], titles) if position > 0 else None,
            self._link(item, shown[position + 1], titles) if position + 1 < len(shown) else None,
            twin=twin[0] if twin else None,
            twin_lang=twin[1] if twin else None,
        )
        footer = f"{group.label} · {publishing.ui_text(group.lang)['run']} {self.run_dir.name}"
        rendered = source.read_text(encoding="utf-8")
        css_href = None
        if not self.options.self_contained:
            css = publishing.write_stylesheet(self.run_dir, publishing.page_styles(rendered))
            css_href = publishing.relative_href(item.page_path, css)
        page = publishing.finish_page(
            rendered, nav=nav, lang=group.lang, footer=footer,
            plotly_tag=self._plotly_tag(item), css_href=css_href,
        )  # fmt: skip
        publishing.write_page(self.run_dir / item.page_path, page)

    def _twin(
        self, group: Group, item: Execution, titles: dict
    ) -> tuple[publishing.Link, str] | None:
        """The same page in the other language of the same parameter file, if run."""
        for other in self.groups:
            if other.params_file is group.params_file and other.lang != group.lang:
                twin = self.plan.execution(other, item.section)
                if twin.key in titles:
                    label = publishing.ui_text(other.lang)["language_name"]
                    href = publishing.relative_href(item.page_path, twin.page_path)
                    return publishing.Link(href, label), other.lang
        return None

    @staticmethod
    def _link(item: Execution, other: Execution, titles: dict) -> publishing.Link:
        href = publishing.relative_href(item.page_path, other.page_path)
        return publishing.Link(href, titles[other.key])

    def _plotly_tag(self, item: Execution) -> str:
        if self.options.self_contained:
            return publishing.plotly_inline_tag()
        asset = f"{publishing.ASSETS_DIR}/{publishing.PLOTLY_ASSET}"
        locale = f"{publishing.ASSETS_DIR}/{publishing.LOCALE_ASSET}"
        return publishing.plotly_file_tag(
            publishing.relative_href(item.page_path, asset),
            publishing.relative_href(item.page_path, locale),
        )

    def _claim_sources(self, titles: dict) -> list[tuple[str, str, Path]]:
        return [
            (item.page_path, item.lang, self.run_dir / item.notebook_path)
            for item in self.plan.executions
            if item.key in titles
        ]

    def _index_group(self, group: Group, titles: dict) -> publishing.IndexGroup:
        entries = []
        for section in group.sections:
            item = self.plan.execution(group, section)
            outcome = self.outcomes.get(item.key)
            ok = item.key in titles
            notebook = self.run_dir / item.notebook_path
            entries.append(publishing.IndexEntry(
                section=section.name,
                title=titles.get(item.key) or section.name,
                href=item.page_path if ok else None,
                status=outcome.result.status if outcome else "not run",
                notebook_href=item.notebook_path if notebook.exists() else None,
            ))  # fmt: skip
        return publishing.IndexGroup(group.label, group.lang, group.values, entries)

    # ----- manifest

    def _initial_manifest(self) -> dict[str, Any]:
        return {
            "run_id": self.run_dir.name,
            "status": "running",
            "started": self.started.isoformat(timespec="seconds"),
            "finished": None,
            "duration_s": None,
            "command": self.options.argv,
            "project_root": str(self.project.root),
            "jobs": self.options.jobs,
            "force": self.options.force,
            "versions": manifest.package_versions(),
            "git": manifest.git_state(self.project.root, exclude=self.output_dir),
            "data": manifest.data_hashes(self.project),
            "runs": [],
        }

    def _save_manifest(self, status: str, duration: float | None = None) -> None:
        self.record["status"] = status
        self.record["runs"] = [self._group_manifest(g) for g in self.groups]
        self.record["executions"] = {
            "planned": len(self.plan.executions),
            "executed": sum(1 for o in self.outcomes.values() if o.reused_from is None),
            "reused": sum(1 for o in self.outcomes.values() if o.reused_from is not None),
        }
        if status != "running":
            self.record["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.record["duration_s"] = round(duration or 0.0, 2)
        manifest.write_json_atomic(self.run_dir / manifest.MANIFEST, self.record)

    def _group_manifest(self, group: Group) -> dict[str, Any]:
        sections = []
        for section in group.sections:
            item = self.plan.execution(group, section)
            outcome = self.outcomes.get(item.key)
            result = outcome.result if outcome else None
            ok = result is not None and result.status == "succeeded"
            sections.append({
                "section": section.name,
                "notebook": display_path(section.path, self.project.root),
                "parameters": item.parameters,
                "cache_key": item.key,
                "status": result.status if result else "pending",
                "source": _source(outcome),
                "reused_from": outcome.reused_from if outcome else None,
                "shared_with": item.home if item.home != group.key else None,
                "duration_s": result.duration_s if result else None,
                "title": result.title if result else None,
                "error": result.error if result else None,
                "executed_notebook": item.notebook_path,
                "html": item.page_path if ok else None,
            })  # fmt: skip
        return {
            "key": group.key,
            "params_file": group.params_file.label,
            "lang": group.lang,
            "parameters": group.values,
            "sections": sections,
        }


class WriteFailed(Exception):
    """A section could not write its results (the disk is full): stop starting others."""


def _disk_full(result: JobResult) -> bool:
    error = result.error or {}
    text = f"{error.get('evalue', '')} {' '.join(error.get('traceback', []))}"
    return result.status == "failed" and ("No space left on device" in text or "ENOSPC" in text)


def _write_fault(error: BaseException) -> str:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return f"no space left on the device holding {error.filename or 'the output folder'}"
    return str(error)


@contextlib.contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM back (noting them) while the block runs."""
    received: list[int] = []

    def note(signum: int, frame: Any) -> None:
        received.append(signum)

    try:
        previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: signals go elsewhere anyway
        yield received
        return
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _reference_of(row: Any, title: str, title_sv: str = "") -> dict[str, str]:
    """What a reference table's row says of its public source, in both languages."""

    def cell(*names: str) -> str:
        for name in names:
            if name in row and isinstance(row[name], str) and row[name]:
                return row[name]
        return ""

    return {
        "what_en": cell("label_en") or title,
        "what_sv": cell("label_sv") or title_sv or title,
        "organisation_en": cell("agency_en", "source_organisation"),
        "organisation_sv": cell("agency_sv", "source_organisation"),
        "date": str(cell("reference_date", "date")),
        "url": cell("source_url"),
    }


def _source(outcome: Outcome | None) -> str | None:
    if outcome is None:
        return None
    return "executed" if outcome.reused_from is None else "reused"


# --------------------------------------------------------------------------- refresh


def refresh(
    inputs: Inputs, options: RunOptions, on_result: Callable[[JobResult], None] | None = None
) -> list[JobResult]:
    """Re-execute the chosen sections in place; an error leaves that notebook untouched."""
    cwd = str(inputs.project.notebooks_dir)
    jobs = [
        Job(key=s.name, section=s.name, notebook=str(s.path), lang=None, parameters={},
            output_notebook=str(s.path), output_page=None, cwd=cwd,
            progress=progress_setting(options, i, s.name), cell_timeout=options.cell_timeout)
        for i, s in enumerate(inputs.sections)
    ]  # fmt: skip
    results: dict[str, JobResult] = {}

    def collect(result: JobResult) -> None:
        results[result.key] = result
        if on_result:
            on_result(result)

    workers = max(1, min(options.jobs, len(jobs)))
    with started_workers(workers, cwd, 0) as pool:
        pool.run(execution.refresh, jobs, collect)
    return [results[job.key] for job in jobs]


def progress_setting(options: RunOptions, index: int, label: str) -> bool | dict[str, Any]:
    """papermill's progress bar for the ``index``-th notebook: one bar per parallel job."""
    if not options.progress:
        return False
    if options.jobs == 1:
        return {"desc": label, "leave": True}
    return {"desc": label, "position": index % options.jobs, "leave": False}
