"""Run the report: validate first, execute sections with papermill in worker processes, publish.

A run validates the data and every parameter file before any kernel starts, then executes
each (parameter file, language, section) in a process pool (papermill changes the working
directory, which is not thread-safe), converts each executed notebook to an HTML page in the
same worker, and writes everything into its own folder ``<output-dir>/<run id>/``.
``<output-dir>/latest`` is switched atomically, and only after a fully successful run, to the
newest successful run (by run id, i.e. start time). Failed runs keep their partial output and
a manifest with status ``failed``.

``refresh`` re-executes the committed notebooks in place with their own defaults and writes
them atomically, so that nbval compares against fresh, metadata-stable outputs.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from atmp_lib import params as params_mod
from atmp_lib.params import ParamsFile, Section, display_path

KERNEL_NAME = "python3"
ENGINE_NAME = "atmp"
LANGUAGES = ("en", "sv")
DEFAULT_PARAMS = "default.yaml"
LATEST = "latest"
CLAIMS_FILE = "claims.csv"
VERSIONED_PACKAGES = (
    "atmp-competence", "pandas", "numpy", "plotly", "papermill", "nbconvert", "nbformat",
    "nbclient", "ipykernel", "ipywidgets", "jupyterlab", "nbval", "pyyaml", "tqdm",
)  # fmt: skip
DATA_ENV = "ATMP_DATA_DIR"
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class ValidationFailed(Exception):
    """Inputs are invalid; nothing was executed. ``problems`` lists every fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --------------------------------------------------------------------------- project layout


@dataclass(frozen=True)
class Project:
    """The folders a run reads: ``notebooks/``, ``params/`` and the data."""

    root: Path

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def params_dir(self) -> Path:
        return self.root / "params"

    @property
    def data_dir(self) -> Path:
        """``$ATMP_DATA_DIR`` when set (as in :mod:`atmp_lib.paths`), else ``<root>/data``."""
        override = os.environ.get(DATA_ENV)
        return Path(override).resolve() if override else self.root / "data"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"


def find_project_root(explicit: Path | None = None) -> Path:
    """``explicit`` if given; else the current directory when it has ``notebooks/``;
    else the folder that holds the ``atmp_lib`` package."""
    if explicit is not None:
        return explicit.resolve()
    cwd = Path.cwd()
    if (cwd / "notebooks").is_dir():
        return cwd.resolve()
    return Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- validation


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
) -> Inputs:
    """Load and validate sections, parameter files and data; raise listing every problem."""
    sections, problems = params_mod.load_sections(project.notebooks_dir, project.root)
    problems += params_mod.load_extensions()
    if not sections:
        problems.append(f"{display_path(project.notebooks_dir, project.root)}: no section "
                        "notebooks (NN_<name>.ipynb) found")
    chosen, found = params_mod.select_sections(sections, section_names)
    problems += found
    problems += params_mod.validate_defaults(sections, project.root)
    files = []
    for path in params_paths:
        loaded, found = params_mod.load_params_file(path, project.root)
        problems += found
        if loaded is not None:
            problems += params_mod.validate_values(loaded.values, sections, loaded.label)
            files.append(loaded)
    if check_data:
        problems += data_problems(project)
    if problems:
        raise ValidationFailed(problems)
    return Inputs(project=project, sections=chosen, params_files=files)


def data_problems(project: Project) -> list[str]:
    """Problems found by ``atmp_lib.datasets.validate_all`` on the project's data folder."""
    try:
        from atmp_lib.datasets import validate_all
    except ImportError as error:
        return [f"cannot import atmp_lib.datasets.validate_all, so the data cannot be "
                f"validated ({error})"]
    with data_env(project.data_dir):
        return list(validate_all())


@contextlib.contextmanager
def data_env(data_dir: Path) -> Iterator[None]:
    """Point :mod:`atmp_lib.paths` (and kernels started inside) at ``data_dir``."""
    previous = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = str(data_dir)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = previous


def params_paths_for(project: Project, given: list[str], all_params: bool) -> list[Path]:
    """The parameter files chosen on the command line (default: params/default.yaml)."""
    if all_params:
        return params_mod.list_params_files(project.params_dir) or [
            project.params_dir / DEFAULT_PARAMS
        ]
    if given:
        return [params_mod.resolve_params_file(item, project.root) for item in given]
    return [project.params_dir / DEFAULT_PARAMS]


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Job:
    """One notebook execution: a section run with one parameter file in one language."""

    section: str
    notebook: str
    group: str
    lang: str | None
    parameters: dict[str, Any]
    output_notebook: str
    output_html: str
    cwd: str
    data_dir: str
    nav: dict[str, Any]
    footer: str
    progress: bool | dict[str, Any]
    cell_timeout: int | None
    spares: int = 0  # kernels this worker keeps warm for its next notebooks


@dataclass
class JobResult:
    """What a worker reports back about one job."""

    section: str
    group: str
    status: str
    duration_s: float
    title: str | None = None
    error: dict[str, Any] | None = None


@dataclass
class Group:
    """The sections run with one parameter file in one language, in a folder of their own."""

    key: str
    params_file: ParamsFile
    lang: str
    values: dict[str, Any]
    sections: list[Section]

    @property
    def label(self) -> str:
        return f"{self.params_file.label} · {self.lang}"


def languages_for(params_file: ParamsFile, lang_option: str | None) -> list[str]:
    """``--lang`` if given (``both`` = en and sv), else the file's ``lang`` (default en)."""
    if lang_option == "both":
        return list(LANGUAGES)
    if lang_option:
        return [lang_option]
    return [params_file.values.get("lang", "en")]


def plan_groups(inputs: Inputs, lang_option: str | None) -> list[Group]:
    """One group per (parameter file, language), with a unique folder name each."""
    groups, used = [], set()
    for params_file in inputs.params_files:
        stem = _unique(re.sub(r"[^A-Za-z0-9_.-]", "_", params_file.stem), used)
        for lang in languages_for(params_file, lang_option):
            values = {**params_file.values, "lang": lang}  # the page language, stated
            groups.append(Group(f"{stem}/{lang}", params_file, lang, values, inputs.sections))
    return groups


def _unique(stem: str, used: set[str]) -> str:
    name, n = stem, 2
    while name in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name)
    return name


def plan_jobs(
    groups: list[Group], run_dir: Path, project: Project, options: RunOptions
) -> list[Job]:
    """Every job, in report order (group by group, sections in file-name order)."""
    from atmp_lib.html_report import ui_text

    jobs = []
    for group in groups:
        run_word = ui_text(group.lang)["run"]
        for position, section in enumerate(group.sections):
            folder = run_dir / group.key
            jobs.append(Job(
                section=section.name,
                notebook=str(section.path),
                group=group.key,
                lang=group.lang,
                parameters=params_mod.section_values(section, group.values),
                output_notebook=str(folder / f"{section.name}.ipynb"),
                output_html=str(folder / f"{section.name}.html"),
                cwd=str(project.notebooks_dir),
                data_dir=str(project.data_dir),
                nav=_provisional_nav(group, position, group.key.count("/") + 1),
                footer=f"{group.label} · {run_word} {run_dir.name}",
                progress=_progress(options, len(jobs), f"{group.key}/{section.name}"),
                cell_timeout=options.cell_timeout,
            ))
    if not options.prewarm:
        return jobs
    workers = max(1, min(options.jobs, len(jobs)))
    return [
        dataclasses.replace(job, spares=spares_wanted(len(jobs) - 1 - i, workers))
        for i, job in enumerate(jobs)
    ]


def spares_wanted(jobs_left: int, workers: int) -> int:
    """Warm kernels a worker keeps for the jobs it will likely run after this one: two when
    it works alone (its notebook leaves the other core free), else one."""
    depth = PREWARM_DEPTH if workers == 1 else 1
    return min(depth, jobs_left // workers)


def _provisional_nav(group: Group, position: int, depth: int) -> dict[str, Any]:
    """Navigation by section name; replaced by titles once every section has run."""
    names = [s.name for s in group.sections]
    return {
        "index_href": "../" * depth + "index.html",
        "previous": _link(names[position - 1]) if position > 0 else None,
        "next": _link(names[position + 1]) if position + 1 < len(names) else None,
    }


def _link(name: str) -> dict[str, str]:
    return {"href": f"{name}.html", "label": name}


def _progress(options: RunOptions, index: int, label: str) -> bool | dict[str, Any]:
    if not options.progress:
        return False
    if options.jobs == 1:
        return {"desc": label, "leave": True}
    return {"desc": label, "position": index % options.jobs, "leave": False}


# --------------------------------------------------------------------------- workers


def _init_worker(data_dir: str, cwd: str | None = None, spares: int = 0) -> None:
    """Worker start-up: leave Ctrl-C to the parent, turn SIGTERM into a clean interrupt;
    with ``spares``, start kernels in ``cwd`` now so they boot while papermill is imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    os.environ[DATA_ENV] = data_dir
    _skip_slow_optional_imports()
    if cwd is not None and spares:
        atexit.register(_discard_spares)
        _keep_spares(cwd, spares)
        _preload_converter()


def _preload_converter() -> None:
    """Import papermill and build the HTML exporter (with plotly.js read) while the first
    kernel boots, instead of after the first notebook."""
    import papermill  # noqa: F401

    from atmp_lib import html_report

    html_report.preload()


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM: leave quietly; atexit then stops this worker's kernels. (While a notebook
    runs, nbclient's own handler shuts its kernel down and the job ends as failed.)"""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # no "Task exception ..." noise
    raise SystemExit(128 + signum)


def _skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` (it compiles a grammar at import,
    ~1.5 s per process); nbformat's schema uses no IRI formats, so no check is lost."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@cache
def kernel_manager_class() -> type:
    """jupyter_client's kernel manager over IPC (Unix sockets) instead of TCP on localhost:
    private to this user, and ipykernel does not warn about unencrypted TCP.

    Each kernel gets its own socket path prefix in the temp folder: jupyter_client's default
    (``kernel-ipc`` in the working directory) would be shared by concurrent kernels."""
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return str(Path(tempfile.gettempdir()) / f"atmp-kernel-{uuid.uuid4().hex[:16]}")

        def client(self, **kwargs: Any) -> Any:
            """Remember clients, so that a kernel handed to papermill is closed with them."""
            made = super().client(**kwargs)
            self.__dict__.setdefault("atmp_clients", []).append(made)
            return made

    return IPCKernelManager


@cache
def papermill_engine() -> str:
    """Register and name papermill's nbclient engine with fewer intermediate saves.

    papermill writes the whole notebook when every cell (markdown too) starts and completes;
    for the report's notebooks that is about half the time of a short section. Saving when a
    *code* cell starts keeps the file showing the running cell and every earlier output (and
    papermill still saves during long cells and, even after an error, at the end)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class StartSavingManager(NotebookExecutionManager):
        _skip_save = False

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            self._skip_save = cell.get("cell_type") != "code"
            super().cell_start(cell, cell_index, **kwargs)

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            self._skip_save = True
            super().cell_complete(cell, cell_index, **kwargs)

        def save(self, **kwargs: Any) -> None:
            if not self._skip_save or self.end_time is not None:
                super().save(**kwargs)

    class AtmpEngine(NBClientEngine):
        @classmethod
        def execute_notebook(  # same as papermill's Engine.execute_notebook, other manager
            cls, nb: Any, kernel_name: str, output_path: str | None = None,
            progress_bar: bool | dict = True, log_output: bool = False,
            autosave_cell_every: int = 30, **kwargs: Any,
        ) -> Any:
            manager = StartSavingManager(
                nb, output_path=output_path, progress_bar=progress_bar,
                log_output=log_output, autosave_cell_every=autosave_cell_every,
            )
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output,
                                             **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()
            return manager.nb

    papermill_engines.register(ENGINE_NAME, AtmpEngine)
    return ENGINE_NAME


# --------------------------------------------------------------------------- warm kernels

#: Run in a spare kernel ahead of its notebook: import what every section imports through
#: atmp_lib.page, and plotly's renderers module, which atmp_lib.charts touches and which
#: imports nbformat and jsonschema. As in the workers, jsonschema is kept from importing
#: ``rfc3987_syntax`` (see :func:`_skip_slow_optional_imports`). Sent as a *silent* request:
#: no output, no execution count, nothing in the notebook.
WARM_UP_CODE = """\
try:
    import sys
    sys.modules.setdefault("rfc3987_syntax", None)
    import pandas, plotly.graph_objects, plotly.io, atmp_lib.page
    plotly.io.renderers
except Exception:
    pass
"""


@dataclass
class _Spare:
    """A kernel started ahead of time for this worker's next notebook."""

    cwd: str
    manager: Any
    client: Any


PREWARM_DEPTH = 2
_spares: list[_Spare] = []  # oldest (warmest) first


def _keep_spares(cwd: str, count: int) -> None:
    """Top the worker's spare kernels up to ``count``."""
    while len(_spares) < count:
        _spares.append(_start_spare(cwd))


def _start_spare(cwd: str) -> _Spare:
    """Start a kernel in ``cwd`` and have it import the common modules, without waiting:
    it boots on the other core while the current notebook runs."""
    from jupyter_core.utils import run_sync

    manager = kernel_manager_class()(kernel_name=KERNEL_NAME)
    run_sync(manager.start_kernel)(cwd=cwd)
    client = manager.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP_CODE, silent=True, store_history=False)
    return _Spare(cwd, manager, client)


def _take_spare(cwd: str) -> _Spare | None:
    """The warmest spare kernel if it suits ``cwd`` and is alive (else it is shut down)."""
    from jupyter_core.utils import run_sync

    while _spares:
        spare = _spares.pop(0)
        if spare.cwd == cwd and run_sync(spare.manager.is_alive)():
            return spare
        _shutdown(spare, now=True)
    return None


_retiring: list[_Spare] = []


def _close_clients(spare: _Spare) -> None:
    for client in [spare.client, *spare.manager.__dict__.get("atmp_clients", [])]:
        with contextlib.suppress(Exception):
            client.stop_channels()


def _shutdown(spare: _Spare, now: bool = False) -> None:
    """Close every client of the kernel and shut the kernel down, waiting for it."""
    from jupyter_core.utils import run_sync

    _close_clients(spare)
    with contextlib.suppress(Exception):
        run_sync(spare.manager.shutdown_kernel)(now=now)


def _retire(spare: _Spare) -> None:
    """Ask a used kernel to shut down and move on; :func:`_reap` collects it later, so the
    next notebook does not wait for the old kernel's exit."""
    from jupyter_core.utils import run_sync

    _close_clients(spare)
    try:
        run_sync(spare.manager.request_shutdown)()
    except Exception:
        _shutdown(spare, now=True)
        return
    _retiring.append(spare)


EXIT_GRACE_S = 0.2
STOP_DEADLINE_S = 15.0


def _reap(wait: bool = False) -> None:
    """Clean up retired kernels that have exited; with ``wait`` (worker exit) all of them,
    ending those still running after a short grace (their notebooks are done)."""
    from jupyter_core.utils import run_sync

    for spare in list(_retiring):
        with contextlib.suppress(Exception):
            if not wait and run_sync(spare.manager.is_alive)():
                continue
            run_sync(spare.manager.finish_shutdown)(waittime=EXIT_GRACE_S)
            run_sync(spare.manager.cleanup_resources)()
        _retiring.remove(spare)


def _discard_spares() -> None:
    """At worker exit: shut untaken spare kernels down at once and reap retired ones."""
    while _spares:
        _shutdown(_spares.pop(), now=True)
    _reap(wait=True)


def execute_job(job: Job) -> JobResult:
    """Execute one section with papermill, then write its HTML page (in a worker process)."""
    import papermill

    started = time.perf_counter()
    Path(job.output_notebook).parent.mkdir(parents=True, exist_ok=True)
    spare = _take_spare(job.cwd)
    _keep_spares(job.cwd, job.spares)
    _reap()
    try:
        nb = papermill.execute_notebook(
            job.notebook, job.output_notebook, parameters=job.parameters,
            kernel_name=KERNEL_NAME, cwd=job.cwd, progress_bar=job.progress,
            execution_timeout=job.cell_timeout, kernel_manager_class=kernel_manager_class(),
            km=spare.manager if spare else None, engine_name=papermill_engine(),
        )
    except papermill.PapermillExecutionError as error:
        return _failed(job, started, _cell_error(job, error))
    except (Exception, KeyboardInterrupt) as error:  # dead kernel, timeout, interrupt
        return _failed(job, started, _other_error(job, error))
    finally:
        if spare is not None:
            _retire(spare)
    try:
        title = _write_page(job, nb)
    except Exception as error:  # the notebook ran; its page could not be written
        return _failed(job, started, {
            "ename": type(error).__name__, "evalue": f"writing the HTML page: {error}",
            "cell_index": None, "execution_count": None, "first_line": None, "traceback": [],
        })
    return JobResult(job.section, job.group, "succeeded", _since(started), title=title)


def _write_page(job: Job, nb: Any) -> str:
    from atmp_lib import html_report

    title = html_report.notebook_title(nb) or job.section
    nav = _page_nav(job.nav)
    page = html_report.render_page(nb, lang=job.lang, title=title, nav=nav, footer=job.footer)
    html_report.write_page(Path(job.output_html), page)
    return title


def _page_nav(nav: dict[str, Any]) -> Any:
    from atmp_lib.html_report import Link, PageNav

    def link(item: dict[str, str] | None) -> Link | None:
        return Link(**item) if item else None

    return PageNav(nav["index_href"], link(nav["previous"]), link(nav["next"]))


def _failed(job: Job, started: float, error: dict[str, Any]) -> JobResult:
    return JobResult(job.section, job.group, "failed", _since(started), error=error)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _cell_error(job: Job, error: Any) -> dict[str, Any]:
    """Where and what: the failing cell of the section notebook and the exception."""
    return {
        "ename": error.ename,
        "evalue": _strip_ansi(str(error.evalue)),
        "cell_index": _source_index(job, error.source, error.cell_index),
        "execution_count": error.exec_count,
        "first_line": _first_line(error.source),
        "traceback": [_strip_ansi(line) for line in error.traceback or []],
    }


def _other_error(job: Job, error: BaseException) -> dict[str, Any]:
    """An error outside a cell's own output (dead kernel, timeout): find the running cell."""
    cell = _last_started_cell(Path(job.output_notebook)) if job.output_notebook else None
    lines = _strip_ansi(str(error)).strip().splitlines()
    return {
        "ename": type(error).__name__,
        "evalue": lines[-1] if lines else "",
        "cell_index": _source_index(job, cell[1], cell[0]) if cell else None,
        "execution_count": None,
        "first_line": _first_line(cell[1]) if cell else None,
        "traceback": lines,
    }


def _last_started_cell(path: Path) -> tuple[int, str] | None:
    """(index, source) of the last code cell papermill started, from the saved notebook."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    started = [
        (i, "".join(c.get("source", "")))
        for i, c in enumerate(cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


def _source_index(job: Job, source: str, executed_index: int) -> int:
    """The cell's index in the section notebook itself (papermill inserted cells removed)."""
    try:
        cells = json.loads(Path(job.notebook).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return executed_index
    sources = ["".join(c.get("source", "")) for c in cells]
    matches = [i for i, s in enumerate(sources) if s == source]
    if not matches:
        return executed_index
    return min(matches, key=lambda i: abs(i - executed_index))


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


# --------------------------------------------------------------------------- run folder


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
    """Write JSON through a temp file of this process in the same folder, then os.replace."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    temp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    os.replace(temp, path)


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


def switch_latest(output_dir: Path, run_id: str) -> bool:
    """Point ``latest`` at ``run_id`` unless a newer successful run already holds it."""
    link = output_dir / LATEST
    with _latest_lock(output_dir):
        current = os.readlink(link) if link.is_symlink() else None
        if current is not None and Path(current).name > run_id:
            return False
        temp = output_dir / f".{LATEST}.{run_id}.tmp"
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        os.symlink(run_id, temp)
        os.replace(temp, link)
        return True


# --------------------------------------------------------------------------- manifest


def package_versions() -> dict[str, str | None]:
    """Installed versions of the project and its main dependencies (None when absent)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def data_hashes(project: Project) -> dict[str, str]:
    """sha256 of every file under the data folder, keyed by its path."""
    folder = project.data_dir
    if not folder.is_dir():
        return {}
    return {
        display_path(path, project.root): _sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _sha256(path: Path) -> str:
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
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


# --------------------------------------------------------------------------- the run


@dataclass
class RunOptions:
    """How to run: parallel jobs, languages, where to write, what to show, and whether each
    worker starts its next kernel (with the common imports) while a notebook runs."""

    jobs: int = 1
    lang: str | None = None
    output_dir: Path | None = None
    progress: bool = True
    cell_timeout: int | None = None
    log_file: Path | None = None
    argv: list[str] = field(default_factory=list)
    prewarm: bool = True


@dataclass
class RunOutcome:
    """The result of a run, for the command line to report."""

    run_dir: Path
    status: str
    results: list[JobResult]
    duration_s: float
    latest_switched: bool
    sections: int
    groups: int

    @property
    def failures(self) -> list[JobResult]:
        return [r for r in self.results if r.status != "succeeded"]

    @property
    def index(self) -> Path:
        return self.run_dir / "index.html"


class Run:
    """One report run: its folder, its jobs, its manifest; executes and publishes."""

    def __init__(self, inputs: Inputs, options: RunOptions):
        self.inputs = inputs
        self.options = options
        self.project = inputs.project
        self.output_dir = (options.output_dir or self.project.reports_dir).resolve()
        self.groups = plan_groups(inputs, options.lang)
        self.run_dir = create_run_dir(self.output_dir)
        self.jobs = plan_jobs(self.groups, self.run_dir, self.project, options)
        self.results: dict[tuple[str, str], JobResult] = {}
        self.started = datetime.now(UTC)
        self.manifest = self._initial_manifest()
        self._pool: ProcessPoolExecutor | None = None

    def execute(self, on_result: Callable[[JobResult], None] | None = None) -> RunOutcome:
        """Run every job; on any failure or interrupt keep the output and leave ``latest``."""
        clock = time.perf_counter()
        self._save_manifest("running")
        try:
            self._run_pool(on_result)
        except KeyboardInterrupt:
            self._mark_unfinished("interrupted")
        status = "succeeded" if self._all_succeeded() else "failed"
        self._publish_pages()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._save_manifest(status, duration=time.perf_counter() - clock)
        switched = status == "succeeded" and switch_latest(self.output_dir, self.run_dir.name)
        return RunOutcome(
            self.run_dir, status, self._ordered_results(), round(time.perf_counter() - clock, 2),
            switched, len(self.inputs.sections), len(self.groups),
        )

    def _run_pool(self, on_result: Callable[[JobResult], None] | None) -> None:
        workers = max(1, min(self.options.jobs, len(self.jobs)))
        first = spares_wanted(len(self.jobs), workers) if self.options.prewarm else 0
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker,
            initargs=(str(self.project.data_dir), str(self.project.notebooks_dir), first),
        )
        try:
            futures: dict[Future, Job] = {pool.submit(execute_job, job): job for job in self.jobs}
            for future in as_completed(futures):
                result = self._result_of(future, futures[future])
                self.results[(result.group, result.section)] = result
                self._save_manifest("running")
                if on_result:
                    on_result(result)
        except KeyboardInterrupt:
            _stop_workers(pool)
            raise
        self._pool = pool  # workers exit (and stop their kernels) while the pages are linked
        pool.shutdown(wait=False)

    @staticmethod
    def _result_of(future: Future, job: Job) -> JobResult:
        try:
            return future.result()
        except Exception as error:  # the worker process itself died
            return JobResult(job.section, job.group, "failed", 0.0, error={
                "ename": type(error).__name__, "evalue": str(error), "cell_index": None,
                "execution_count": None, "first_line": None, "traceback": [],
            })

    def _mark_unfinished(self, status: str) -> None:
        """Record every job without a result as interrupted, naming the cell that ran."""
        for job in self.jobs:
            if (job.group, job.section) in self.results:
                continue
            cell = _last_started_cell(Path(job.output_notebook))
            self.results[(job.group, job.section)] = JobResult(
                job.section, job.group, status, 0.0,
                error={"ename": "KeyboardInterrupt", "evalue": "the run was interrupted",
                       "cell_index": _source_index(job, cell[1], cell[0]) if cell else None,
                       "execution_count": None,
                       "first_line": _first_line(cell[1]) if cell else None, "traceback": []},
            )

    def _all_succeeded(self) -> bool:
        return len(self.results) == len(self.jobs) and all(
            r.status == "succeeded" for r in self.results.values()
        )

    def _ordered_results(self) -> list[JobResult]:
        return [self.results[(j.group, j.section)] for j in self.jobs if (j.group, j.section)
                in self.results]

    # ----- pages and entry page

    def _publish_pages(self) -> None:
        """Give every page titled prev/next links, then write the entry page."""
        from atmp_lib import html_report

        groups = []
        for group in self.groups:
            entries = self._index_entries(group)
            self._relink(group, entries)
            groups.append(html_report.IndexGroup(
                label=group.label, lang=group.lang,
                parameters=group.values, entries=entries,
            ))
        self._write_claims()
        status = "succeeded" if self._all_succeeded() else "failed"
        created = self.started.strftime("%Y-%m-%d %H:%M UTC")
        page = html_report.index_html(self.run_dir.name, status, groups, created)
        (self.run_dir / "index.html").write_text(page, encoding="utf-8")

    def _write_claims(self) -> None:
        """The claims register of every page written: each number stated and its basis."""
        import nbformat

        from atmp_lib import claims

        sources = claims.source_texts(self.project.data_dir / "raw")
        statements = []
        for job in self.jobs:
            result = self.results.get((job.group, job.section))
            if result is None or result.status != "succeeded":
                continue
            nb = nbformat.read(job.output_notebook, as_version=4)
            page = f"{job.group}/{job.section}.html"
            statements += claims.register(nb, page, job.lang, sources)
        claims.write_register(self.run_dir / CLAIMS_FILE, statements)
        self.manifest["claims"] = {
            "file": CLAIMS_FILE,
            "statements": len(statements),
            "unexplained": len(claims.unexplained(statements)),
        }

    def _index_entries(self, group: Group) -> list[Any]:
        from atmp_lib.html_report import IndexEntry

        entries = []
        for section in group.sections:
            result = self.results.get((group.key, section.name))
            ok = result is not None and result.status == "succeeded"
            notebook = self.run_dir / group.key / f"{section.name}.ipynb"
            entries.append(IndexEntry(
                section=section.name,
                title=(result.title if result and result.title else section.name),
                href=f"{group.key}/{section.name}.html" if ok else None,
                status=result.status if result else "not run",
                notebook_href=f"{group.key}/{notebook.name}" if notebook.exists() else None,
            ))
        return entries

    def _relink(self, group: Group, entries: list[Any]) -> None:
        from atmp_lib import html_report
        from atmp_lib.html_report import PageNav

        pages = [e for e in entries if e.href]
        depth = group.key.count("/") + 1
        for position, entry in enumerate(pages):
            nav = PageNav(
                "../" * depth + "index.html",
                _titled(pages[position - 1]) if position > 0 else None,
                _titled(pages[position + 1]) if position + 1 < len(pages) else None,
            )
            path = self.run_dir / entry.href
            html_report.replace_nav(path, nav, group.lang)

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
            "versions": package_versions(),
            "git": git_state(self.project.root, exclude=self.output_dir),
            "data": data_hashes(self.project),
            "runs": [],
        }

    def _save_manifest(self, status: str, duration: float | None = None) -> None:
        self.manifest["status"] = status
        self.manifest["runs"] = [self._group_manifest(g) for g in self.groups]
        if status != "running":
            self.manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.manifest["duration_s"] = round(duration or 0.0, 2)
        write_json_atomic(self.run_dir / "manifest.json", self.manifest)

    def _group_manifest(self, group: Group) -> dict[str, Any]:
        sections = []
        for job in (j for j in self.jobs if j.group == group.key):
            result = self.results.get((job.group, job.section))
            sections.append({
                "section": job.section,
                "notebook": display_path(Path(job.notebook), self.project.root),
                "parameters": job.parameters,
                "status": result.status if result else "pending",
                "duration_s": result.duration_s if result else None,
                "title": result.title if result else None,
                "error": result.error if result else None,
                "executed_notebook": f"{group.key}/{job.section}.ipynb",
                "html": f"{group.key}/{job.section}.html"
                if result and result.status == "succeeded" else None,
            })
        return {
            "key": group.key,
            "params_file": group.params_file.label,
            "lang": group.lang,
            "parameters": group.values,
            "sections": sections,
        }


def _titled(entry: Any) -> Any:
    from atmp_lib.html_report import Link

    return Link(href=Path(entry.href).name, label=entry.title)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Drop queued jobs, then SIGTERM the workers: a running notebook's kernel is shut down,
    each worker exits and stops its spare kernels; stragglers are killed after a deadline.

    ProcessPoolExecutor has no public way to stop running workers before Python 3.14."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + STOP_DEADLINE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


def describe_failure(result: JobResult, group_label: str) -> str:
    """One line: which section, which cell (index and first line), which error."""
    error = result.error or {}
    where = f"section {result.section} ({group_label})"
    if error.get("cell_index") is not None:
        count = error.get("execution_count")
        prompt = f", In [{count}]" if count is not None else ""
        where += f", cell {error['cell_index']}{prompt}: {error.get('first_line')!r}"
    what = error.get("ename", "error")
    if error.get("evalue"):
        what += f": {error['evalue']}"
    return f"{where}: {what}"


# --------------------------------------------------------------------------- refresh


@dataclass(frozen=True)
class RefreshJob:
    """Re-execute one committed notebook in place with its own defaults."""

    section: str
    notebook: str
    cwd: str
    data_dir: str
    progress: bool | dict[str, Any]
    cell_timeout: int | None


VOLATILE_CELL_METADATA = ("papermill", "execution")


def refresh_job(job: RefreshJob) -> JobResult:
    """Execute without injected parameters, strip volatile metadata, replace atomically."""
    import nbformat
    import papermill

    started = time.perf_counter()
    try:
        nb = papermill.execute_notebook(
            job.notebook, None, kernel_name=KERNEL_NAME, cwd=job.cwd,
            progress_bar=job.progress, execution_timeout=job.cell_timeout,
            kernel_manager_class=kernel_manager_class(),
        )
    except papermill.PapermillExecutionError as error:
        as_job = _job_like(job)
        return JobResult(job.section, "refresh", "failed", _since(started),
                         error=_cell_error(as_job, error))
    except (Exception, KeyboardInterrupt) as error:
        return JobResult(job.section, "refresh", "failed", _since(started),
                         error=_other_error(_job_like(job), error))
    strip_volatile_metadata(nb)
    path = Path(job.notebook)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    nbformat.write(nb, str(temp))
    os.replace(temp, path)
    return JobResult(job.section, "refresh", "succeeded", _since(started))


def _job_like(job: RefreshJob) -> Job:
    return Job(job.section, job.notebook, "refresh", None, {}, "", "", job.cwd, job.data_dir,
               {}, "", False, None)


def strip_volatile_metadata(nb: Any) -> None:
    """Drop papermill's and nbclient's timings, and saved widget state (random model ids),
    so stored notebooks change only with outputs."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.metadata.get("tags") == []:  # papermill adds empty tag lists
            del cell.metadata["tags"]


def refresh(inputs: Inputs, options: RunOptions,
            on_result: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Re-execute the chosen sections in place; an error leaves that notebook untouched."""
    jobs = [
        RefreshJob(s.name, str(s.path), str(inputs.project.notebooks_dir),
                   str(inputs.project.data_dir),
                   _progress(options, i, s.name), options.cell_timeout)
        for i, s in enumerate(inputs.sections)
    ]
    workers = max(1, min(options.jobs, len(jobs)))
    results = {}
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"),
        initializer=_init_worker, initargs=(str(inputs.project.data_dir),),
    )
    try:
        futures = {pool.submit(refresh_job, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            result = Run._result_of(future, _job_like(job))
            results[job.section] = result
            if on_result:
                on_result(result)
    except KeyboardInterrupt:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return [results[j.section] for j in jobs]
