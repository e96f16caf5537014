"""Execute section notebooks with papermill in worker processes.

papermill changes the working directory, which is not thread-safe, so notebooks run in
worker processes. :class:`Workers` starts them (spawned, each with its own
:class:`~atmp_lib.engine.kernels.KernelPool`), hands them tasks through a queue and
collects results; :meth:`Workers.stop` ends them (SIGTERM, then SIGKILL after a deadline)
when a run is interrupted. A task is a module-level function and its job, so the same
workers serve a report run (:func:`execute`) and a refresh (:func:`refresh`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import secrets
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from atmp_lib import seams
from atmp_lib.engine.kernels import (
    KERNEL_NAME,
    KernelPool,
    kernel_manager_class,
    remove_sockets,
    socket_prefix,
)

STOP_DEADLINE_S = 15.0
DATA_DIR = "data"  # beside a rendered page: the CSV files of its tables and charts
PREWARM_DEPTH = 2
VOLATILE_CELL_METADATA = ("papermill", "execution")


@dataclass(frozen=True)
class Job:
    """One notebook to execute; the result goes to ``output_notebook`` (and, for a report
    run, the rendered page to ``output_page``)."""

    key: str
    section: str
    notebook: str
    lang: str | None
    parameters: dict[str, Any]
    output_notebook: str
    output_page: str | None
    cwd: str
    progress: bool | dict[str, Any] = False
    cell_timeout: int | None = None
    spares: int = 0  # kernels the worker keeps warm for its next notebooks


@dataclass
class JobResult:
    """What a worker reports back about one job."""

    key: str
    section: str
    status: str  # succeeded | failed | interrupted
    duration_s: float
    title: str | None = None
    error: dict[str, Any] | None = field(default=None)


Task = Callable[[Job, KernelPool], JobResult]


# --------------------------------------------------------------------------- tasks


def execute(job: Job, kernels: KernelPool) -> JobResult:
    """Run a section with papermill, then render its page (both into ``job``'s paths)."""
    started = time.perf_counter()
    try:
        nb = _run_papermill(job, kernels, job.parameters, job.output_notebook)
    except _ExecutionFailed as failed:
        return _result(job, started, "failed", error=failed.error)
    try:
        title = _render(job, nb)
    except Exception as error:  # the notebook ran; its page could not be written
        detail = {**_blank_error(type(error).__name__), "evalue": f"writing the page: {error}"}
        return _result(job, started, "failed", error=detail)
    return _result(job, started, "succeeded", title=title)


def refresh(job: Job, kernels: KernelPool) -> JobResult:
    """Re-execute a committed notebook with its own defaults and replace it atomically
    without volatile metadata; on failure the notebook is left untouched."""
    import nbformat

    started = time.perf_counter()
    try:
        nb = _run_papermill(job, kernels, None, None)
    except _ExecutionFailed as failed:
        return _result(job, started, "failed", error=failed.error)
    strip_volatile_metadata(nb)
    path = Path(job.notebook)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    nbformat.write(nb, str(temp))
    os.replace(temp, path)
    return _result(job, started, "succeeded")


class _ExecutionFailed(Exception):
    def __init__(self, error: dict[str, Any]):
        self.error = error


def _run_papermill(
    job: Job, kernels: KernelPool, parameters: dict[str, Any] | None, output: str | None
) -> Any:
    import papermill

    from atmp_lib.seams import papermill_engine

    spare = kernels.take()
    kernels.top_up(job.spares)
    kernels.reap()
    try:
        return papermill.execute_notebook(
            job.notebook, output, parameters=parameters, kernel_name=KERNEL_NAME,
            cwd=job.cwd, progress_bar=job.progress, execution_timeout=job.cell_timeout,
            kernel_manager_class=kernel_manager_class(kernels.prefix),
            km=spare.manager if spare else None, engine_name=papermill_engine(),
        )  # fmt: skip
    except papermill.PapermillExecutionError as error:
        raise _ExecutionFailed(_cell_error(job, error)) from None
    except (Exception, KeyboardInterrupt) as error:  # dead kernel, timeout, interrupt
        raise _ExecutionFailed(_other_error(job, error)) from None
    finally:
        if spare is not None:
            kernels.retire(spare)


def _render(job: Job, nb: Any) -> str:
    """The page and, in a folder beside it, the data of its tables and charts."""
    from atmp_lib.engine import downloads, publishing

    title = publishing.notebook_title(nb) or job.section
    page, files = publishing.render_page(nb, lang=job.lang, title=title, data_folder=job.section)
    output = Path(job.output_page)
    downloads.write_files(output.parent / DATA_DIR, files)
    publishing.write_page(output, page)
    return title


def strip_volatile_metadata(nb: Any) -> None:
    """Drop papermill's and nbclient's timings and saved widget state (random model ids),
    so stored notebooks change only with their outputs."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.metadata.get("tags") == []:  # papermill adds empty tag lists
            del cell.metadata["tags"]


def _result(job: Job, started: float, status: str, **details: Any) -> JobResult:
    elapsed = round(time.perf_counter() - started, 3)
    return JobResult(job.key, job.section, status, elapsed, **details)


# --------------------------------------------------------------------------- errors


def _blank_error(name: str) -> dict[str, Any]:
    return {"ename": name, "evalue": "", "cell_index": None, "execution_count": None,
            "first_line": None, "traceback": []}  # fmt: skip


def interrupted_error(job: Job) -> dict[str, Any]:
    """The error of a job cut short by an interrupt, naming the cell that was running."""
    cell = _last_started_cell(Path(job.output_notebook))
    return {**_blank_error("KeyboardInterrupt"), "evalue": "the run was interrupted",
            "cell_index": _source_index(job, cell[1], cell[0]) if cell else None,
            "first_line": _first_line(cell[1]) if cell else None}  # fmt: skip


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
    except (OSError, ValueError, KeyError, TypeError):
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
    except (OSError, ValueError, KeyError, TypeError):
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


def describe_failure(result: JobResult, where: str) -> str:
    """One line: which section, which cell (index and first line), which error."""
    error = result.error or {}
    text = f"section {result.section} ({where})"
    if error.get("cell_index") is not None:
        count = error.get("execution_count")
        prompt = f", In [{count}]" if count is not None else ""
        text += f", cell {error['cell_index']}{prompt}: {error.get('first_line')!r}"
    what = error.get("ename", "error")
    if error.get("evalue"):
        what += f": {error['evalue']}"
    return f"{text}: {what}"


# --------------------------------------------------------------------------- workers


def spares_wanted(jobs_left: int, workers: int) -> int:
    """Warm kernels a worker keeps for the jobs it will likely run after this one: two when
    it works alone (its notebook leaves the other core free), else one."""
    depth = PREWARM_DEPTH if workers == 1 else 1
    return min(depth, jobs_left // workers)


class Workers:
    """Worker processes serving (task, job) pairs from one queue."""

    def __init__(self, count: int, cwd: str, spares: int = 0):
        context = get_context("spawn")
        self._tasks = context.Queue()
        self._results = context.Queue()
        self.prefix = socket_prefix(os.getpid())
        arguments = (self._tasks, self._results, cwd, spares, self.prefix)
        self._processes = [context.Process(target=_serve, args=arguments) for _ in range(count)]
        for process in self._processes:
            process.start()

    def run(self, task: Task, jobs: list[Job], on_result: Callable[[JobResult], None]) -> None:
        """Run every job; each result (a dead worker's job: failed) goes to ``on_result``."""
        for job in jobs:
            self._tasks.put((task, job))
        for _ in self._processes:
            self._tasks.put(None)
        running: dict[int, Job] = {}
        waiting = {job.key for job in jobs}
        by_key = {job.key: job for job in jobs}
        while waiting:
            message = self._next_message()
            if message is None:
                lost = self._lost_jobs(running)
                if not any(process.is_alive() for process in self._processes):
                    lost += [by_key[key] for key in waiting if by_key[key] not in lost]
                for job in lost:
                    waiting.discard(job.key)
                    on_result(_died(job))
                continue
            kind, pid, payload = message
            if kind == "started":
                running[pid] = by_key[payload]
            else:
                running.pop(pid, None)
                waiting.discard(payload.key)
                on_result(payload)

    def _next_message(self) -> tuple[str, int, Any] | None:
        try:
            return self._results.get(timeout=1.0)
        except queue.Empty:
            return None

    def _lost_jobs(self, running: dict[int, Job]) -> list[Job]:
        """Jobs whose worker has died without a result."""
        dead = {p.pid for p in self._processes if not p.is_alive() and p.exitcode != 0}
        return [running.pop(pid) for pid in list(running) if pid in dead]

    def close(self) -> None:
        """Wait for the workers to finish their last job and exit."""
        for process in self._processes:
            process.join(STOP_DEADLINE_S)
            if process.is_alive():
                process.kill()
        remove_sockets(self.prefix)

    def stop(self) -> None:
        """End the workers now: SIGTERM (a worker shuts its kernels down), then SIGKILL."""
        for process in self._processes:
            with contextlib.suppress(Exception):
                process.terminate()
        deadline = time.monotonic() + STOP_DEADLINE_S
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        remove_sockets(self.prefix)


def _died(job: Job) -> JobResult:
    error = {**_blank_error("WorkerDied"), "evalue": "the worker process died"}
    return JobResult(job.key, job.section, "failed", 0.0, error=error)


def _serve(tasks: Any, results: Any, cwd: str, spares: int, prefix: str) -> None:
    """A worker's life: take tasks until the end marker, keeping spare kernels warm."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)
    seams.skip_iri_grammar()
    kernels = KernelPool(cwd, prefix)
    try:
        if spares:
            kernels.top_up(spares)
            _preload()
        for item in iter(tasks.get, None):
            task, job = item
            results.put(("started", os.getpid(), job.key))
            results.put(("done", os.getpid(), task(job, kernels)))
    finally:
        kernels.close()


def _preload() -> None:
    """Import papermill and build the page exporter while the first kernel boots."""
    import papermill  # noqa: F401

    from atmp_lib.engine import publishing

    publishing.preload()


def _leave(signum: int, frame: Any) -> None:
    """SIGTERM: leave quietly; the worker's ``finally`` shuts its kernels down. (While a
    notebook runs, nbclient's own handler shuts that kernel down and the job fails.)"""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # no "Task exception ..." noise
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def started_workers(count: int, cwd: str, spares: int) -> Iterator[Workers]:
    """Workers that are stopped on any exit (closed normally, stopped on an exception)."""
    workers = Workers(count, cwd, spares)
    try:
        yield workers
    except BaseException:
        workers.stop()
        raise
    workers.close()
