"""``atmp-report``: run, validate, list, refresh and prune; the owner of the exit codes.

Exit codes: 0 success, 1 a section failed (or the run was interrupted), 2 invalid input
(no project folder, data, parameter files, section names or parameters cells; nothing was
executed).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from atmp_lib import parameters, seams
from atmp_lib import params as params_mod
from atmp_lib.engine import app as app_mod
from atmp_lib.engine import inputs as inputs_mod
from atmp_lib.engine import pdf
from atmp_lib.engine import prune as prune_mod
from atmp_lib.engine.execution import describe_failure
from atmp_lib.engine.manifest import LATEST
from atmp_lib.engine.planning import Execution
from atmp_lib.engine.run import Outcome, Run, RunOptions, RunOutcome, refresh
from atmp_lib.errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, InputError, RunError
from atmp_lib.headless import CHROMIUM
from atmp_lib.paths import Project, display_path, find_project, working_on

PROG = "atmp-report"


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Build the ATMP competence-needs report from the section notebooks.",
        epilog="Exit codes: 0 ok, 1 a section failed or the run was interrupted, "
        "2 invalid input (nothing was executed).",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project folder holding notebooks/, params/ and data/ (default: the current "
        "directory or the nearest folder above it that holds notebooks/ and data/)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(commands)
    _add_validate(commands)
    commands.add_parser(
        "list",
        help="show sections, their parameters and the parameter files",
        description="Show every section with its parameters (type and "
        "default, read from its parameters cell) and the files in params/.",
    )
    _add_refresh(commands)
    _add_prune(commands)
    _add_app(commands)
    return parser


def _add_app(commands: Any) -> None:
    app = commands.add_parser(
        "app", help="serve a section notebook as a web app on 127.0.0.1 (Voila)",
        description="Serve a section notebook (default: the scenarios) as a web app with "
        "Voila, on this machine only: its controls and charts, no code, no request to other "
        "hosts; the reader chooses the language. Stop it with Ctrl-C.",
    )  # fmt: skip
    app.add_argument("section", nargs="?", default="scenarios", metavar="SECTION",
                     help="the section to serve (default: scenarios)")  # fmt: skip
    app.add_argument("--port", type=_positive_int, default=8866, metavar="PORT",
                     help="the port on 127.0.0.1 (default: 8866)")  # fmt: skip
    app.add_argument("--open", action="store_true", help="open it in the default browser")


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("atmp-competence")
    except metadata.PackageNotFoundError:
        return "unknown"


def _add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="validate, execute the sections and write an HTML report",
        description="Validate data and parameters, execute the sections with papermill and "
        "write reports/<run id>/ (executed notebooks, HTML pages, index.html, claims.csv, "
        "manifest.json). Results whose notebook, library, data, parameters and package "
        "versions are unchanged are reused from reports/.cache/. reports/latest points at "
        "the newest successful run.",
    )
    run.add_argument(
        "sections",
        nargs="*",
        metavar="SECTION",
        help="sections to run, e.g. 02_course_supply, course_supply or 02 "
        "(default: all, in file-name order)",
    )
    _add_params_options(run, "default: params/default.yaml")
    run.add_argument(
        "--lang",
        choices=["en", "sv", "both"],
        default=None,
        help="language(s) of the pages (default: the parameter file's lang, or en)",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=1,
        metavar="N",
        help="notebooks executed in parallel (default: 1)",
    )
    run.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where run folders go (default: reports/ in the project folder)",
    )
    run.add_argument(
        "--log-file",
        type=Path,
        default=None,
        metavar="F",
        help="append the run's log (start, each section, errors, summary) to F",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="execute every section even when a cached result could be reused",
    )
    run.add_argument(
        "--self-contained",
        action="store_true",
        help="embed plotly.js in every page (pages to send on their own; default: "
        "one shared assets/plotly.min.js per run folder)",
    )
    run.add_argument(
        "--pdf",
        action="store_true",
        help="also print the report as one PDF per language (needs Chromium)",
    )
    run.add_argument(
        "--no-prewarm",
        action="store_true",
        help="start each kernel only when its notebook starts (default: each "
        "worker starts its next kernel, with pandas/plotly/atmp_lib.page imported, "
        "while the current notebook runs)",
    )
    _add_execution_options(run)


def _add_validate(commands: Any) -> None:
    validate = commands.add_parser(
        "validate",
        help="check data and parameter files without starting a kernel",
        description="Check the data, the sections' parameters cells and parameter files "
        "without starting a kernel. Prints every problem (exit 2) or an ok summary (exit 0).",
    )
    _add_params_options(validate, "default: every file in params/")


def _add_refresh(commands: Any) -> None:
    refresh = commands.add_parser(
        "refresh",
        help="re-execute notebooks/ in place with their defaults (for nbval)",
        description="Re-execute the committed section notebooks in place with their own "
        "default parameters, strip volatile metadata and write each atomically; a failing "
        "notebook is left untouched.",
    )
    refresh.add_argument(
        "sections", nargs="*", metavar="SECTION", help="sections to refresh (default: all)"
    )
    refresh.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=1,
        metavar="N",
        help="notebooks executed in parallel (default: 1)",
    )
    _add_execution_options(refresh)


def _add_prune(commands: Any) -> None:
    prune = commands.add_parser(
        "prune",
        help="remove old run folders (never the one latest points at)",
        description="Remove run folders of the output folder except the newest N (--keep) "
        "and those started on or after a date (--since); the run latest points at and runs "
        "still in progress are always kept. Cached results no kept run uses are removed too.",
    )
    prune.add_argument(
        "--keep", type=_positive_int, default=None, metavar="N", help="keep the newest N runs"
    )
    prune.add_argument(
        "--since",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="keep the runs started on or after this date (UTC)",
    )
    prune.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the folder holding the runs (default: reports/ in the project)",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="say what would be removed, remove nothing"
    )


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from None


def _add_params_options(command: argparse.ArgumentParser, default: str) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "-p",
        "--params",
        action="append",
        default=[],
        metavar="PARAMS.yaml",
        help=f"parameter file, a path or a name in params/; repeatable ({default})",
    )
    group.add_argument("--all-params", action="store_true", help="every parameter file in params/")


def _add_execution_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--cell-timeout",
        type=_positive_int,
        default=None,
        metavar="SECONDS",
        help="fail a cell that runs longer than this (default: no limit)",
    )
    command.add_argument(
        "--no-progress", action="store_true", help="hide the per-notebook progress bars"
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# --------------------------------------------------------------------------- commands


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``atmp-report`` console script."""
    seams.skip_iri_grammar()
    args = build_parser().parse_args(argv)
    handlers = {"run": cmd_run, "validate": cmd_validate, "list": cmd_list,
                "refresh": cmd_refresh, "prune": cmd_prune, "app": cmd_app}  # fmt: skip
    try:
        project = find_project(args.root)
        with working_on(project):
            return handlers[args.command](args, project, list(argv or sys.argv[1:]))
    except InputError as error:
        return _report_problems(error.problems)
    except RunError as error:
        for problem in error.problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the reader stopped reading (``atmp-report list | head``)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def cmd_run(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Validate everything, then reuse or execute and publish; see the module docstring."""
    paths = inputs_mod.params_paths_for(project, args.params, args.all_params)
    output_dir = (args.output_dir or project.reports_dir).absolute()
    problems = inputs_mod.output_problems(output_dir, args.log_file, project.root)
    if args.pdf and (missing := pdf.chromium_problem(CHROMIUM)):
        problems.append(missing)
    inputs = inputs_mod.check_inputs(project, args.sections, paths, more_problems=problems)
    options = RunOptions(
        jobs=args.jobs, lang=args.lang, output_dir=args.output_dir,
        progress=not args.no_progress, cell_timeout=args.cell_timeout, argv=[PROG, *argv],
        prewarm=not args.no_prewarm, force=args.force, self_contained=args.self_contained,
        pdf=args.pdf,
    )  # fmt: skip
    try:
        run = Run(inputs, options)
    except OSError as error:
        problem = f"{output_dir}: cannot create the run folder ({error.strerror or error})"
        raise RunError(problem) from None
    with _run_log(run.run_dir / "run.log", args.log_file) as log, _sigterm_as_interrupt():
        log.info("run %s started: %d sections x %d runs, %d distinct executions, jobs=%d, "
                 "root=%s", run.run_dir.name, len(inputs.sections), len(run.groups),
                 len(run.plan.executions), args.jobs, project.root)  # fmt: skip
        labels = {group.key: group.label for group in run.groups}
        outcome = run.execute(on_outcome=lambda e, o: _log_outcome(log, e, o, labels))
        return _report_outcome(outcome, run.output_dir, log, labels)


def cmd_validate(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Check data and parameter files; no kernel is started."""
    if args.params or args.all_params:
        paths = inputs_mod.params_paths_for(project, args.params, args.all_params)
    else:
        paths = params_mod.list_params_files(project.params_dir)
    inputs = inputs_mod.check_inputs(project, [], paths)
    data = display_path(project.data_dir, project.root)
    files = ", ".join(p.label for p in inputs.params_files) or "none"
    print(
        f"ok: {len(inputs.sections)} sections, {len(inputs.params_files)} parameter files "
        f"({files}), data in {data} valid"
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Print the sections with their parameters, and the parameter files."""
    sections, problems = params_mod.load_sections(project.notebooks_dir, project.root)
    if not sections:
        folder = display_path(project.notebooks_dir, project.root)
        problems.append(f"{folder}: no section notebooks (NN_<name>.ipynb) found")
    problems += params_mod.load_extensions()
    print(f"Sections ({display_path(project.notebooks_dir, project.root)}/):")
    declared = [p for section in sections for p in section.parameters.values()]
    name_width = max((len(p.name) for p in declared), default=0)
    type_width = max((len(p.type_name) for p in declared), default=0)
    for section in sections:
        print(f"  {section.name}")
        rules = parameters.schema(section.short_name)
        for parameter in section.parameters.values():
            print(
                f"      {parameter.name:<{name_width}}  {parameter.type_name:<{type_width}}"
                f"  = {parameter.default!r}"
            )
            rule = rules.get(parameter.name)
            if rule is not None:
                print(f"      {'':<{name_width}}  {rule.help}; allowed: {rule.allowed()}")
        if not section.parameters:
            print("      (no parameters)")
    print(f"Parameter files ({display_path(project.params_dir, project.root)}/):")
    files = params_mod.list_params_files(project.params_dir)
    for path in files:
        print(f"  {path.name}")
    if not files:
        print("  (none)")
    return _report_problems(problems) if problems else EXIT_OK


def cmd_refresh(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Re-execute committed notebooks in place with their defaults."""
    inputs = inputs_mod.check_inputs(project, args.sections, [])
    options = RunOptions(jobs=args.jobs, progress=not args.no_progress,
                         cell_timeout=args.cell_timeout)  # fmt: skip
    with _sigterm_as_interrupt():
        try:
            results = refresh(inputs, options)
        except KeyboardInterrupt:
            print(
                f"{PROG}: refresh interrupted; unfinished notebooks were left untouched",
                file=sys.stderr,
            )
            return EXIT_FAILED
    failed = [r for r in results if r.status != "succeeded"]
    for result in failed:
        print(
            f"{PROG}: {describe_failure(result, 'refresh')} (the notebook was left untouched)",
            file=sys.stderr,
        )
    seconds = sum(r.duration_s for r in results)
    print(
        f"{PROG}: refreshed {len(results) - len(failed)} of {len(results)} sections "
        f"in {seconds:.1f} s (notebook time)"
    )
    return EXIT_FAILED if failed else EXIT_OK


def cmd_prune(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Remove old runs; never the latest one."""
    if args.keep is None and args.since is None:
        raise InputError("prune: give --keep N, --since YYYY-MM-DD or both")
    output_dir = (args.output_dir or project.reports_dir).resolve()
    pruned = prune_mod.prune(output_dir, args.keep, args.since, args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for run_id in pruned.removed:
        print(f"{verb} {run_id}")
    print(
        f"{PROG}: {verb} {len(pruned.removed)} runs and {pruned.cache_entries_removed} "
        f"cached results; kept {len(pruned.kept)} runs in {output_dir}"
    )
    return EXIT_OK


def cmd_app(args: argparse.Namespace, project: Project, argv: list[str]) -> int:
    """Serve one section as a web app until interrupted."""
    inputs = inputs_mod.check_inputs(project, [args.section], [])
    [section] = inputs.sections
    command = app_mod.voila_command(section, args.port, open_browser=args.open)
    print(f"{PROG}: serving {section.name} on http://{app_mod.HOST}:{args.port}/ (Ctrl-C stops)")
    sys.stdout.flush()
    try:
        done = subprocess.run(command, env=app_mod.voila_environment(), cwd=project.notebooks_dir)
    except KeyboardInterrupt:
        return EXIT_OK
    return EXIT_OK if done.returncode in (0, -signal.SIGINT, 130) else EXIT_FAILED


# --------------------------------------------------------------------------- reporting


def _report_problems(problems: list[str]) -> int:
    print(f"{PROG}: {len(problems)} problem(s); nothing was executed:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def _log_outcome(
    log: logging.Logger, item: Execution, outcome: Outcome, labels: dict[str, str]
) -> None:
    result = outcome.result
    if result.status == "succeeded":
        how = f"reused from {outcome.reused_from}" if outcome.reused_from else "executed"
        log.info("%s (%s) succeeded in %.1f s (%s)", item.section.name, labels[item.home],
                 result.duration_s, how)  # fmt: skip
        return
    log.error("%s", describe_failure(result, labels[item.home]))
    for line in (result.error or {}).get("traceback", []):
        log.error("    %s", line)


def _report_outcome(
    outcome: RunOutcome, output_dir: Path, log: logging.Logger, labels: dict[str, str]
) -> int:
    runs = f"{outcome.groups} run{'s' if outcome.groups > 1 else ''}"
    done = f"{outcome.executed} executed, {outcome.reused} reused"
    if outcome.status == "succeeded":
        summary = (
            f"{PROG}: {outcome.sections} sections x {runs} ({done}) in "
            f"{outcome.duration_s:.1f} s -> {outcome.index}"
        )
        log.info("%s", summary)
        print(summary)
        return EXIT_OK
    for item, failure in outcome.failures:
        print(
            f"{PROG}: FAILED {describe_failure(failure.result, labels[item.home])}", file=sys.stderr
        )
    latest = output_dir / LATEST
    summary = (
        f"{PROG}: run {outcome.status} ({len(outcome.failures)} of "
        f"{len(outcome.outcomes)} notebooks) in {outcome.duration_s:.1f} s; partial "
        f"output in {outcome.run_dir} (manifest.json, index.html); {latest} unchanged"
    )
    log.error("%s", summary)
    print(summary, file=sys.stderr)
    return EXIT_FAILED


@contextlib.contextmanager
def _run_log(run_log: Path, log_file: Path | None) -> Iterator[logging.Logger]:
    """Log to the run folder's run.log and, if asked, append to ``log_file``."""
    log = logging.getLogger("atmp_lib.engine")
    log.setLevel(logging.INFO)
    log.propagate = False
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    handlers: list[logging.Handler] = [logging.FileHandler(run_log, encoding="utf-8")]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        log.addHandler(handler)
    try:
        yield log
    finally:
        for handler in handlers:
            log.removeHandler(handler)
            handler.close()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a scheduler's timeout) like Ctrl-C, so the run is recorded as failed."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
