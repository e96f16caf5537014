"""How far the report is from its floor: kernels that only import, versus the full report.

Measures, in one invocation (in rounds, interleaved, so that load from other processes
affects every measurement alike; medians are reported):

(a) the floor: for each section, start a ``python3`` kernel, import atmp_lib, plotly and
    pandas in it, shut it down (sequentially, the way ``--jobs 1`` runs sections);
(b) ``atmp-report run --jobs 1`` (validation, execution, HTML pages, manifest);
(c) ``atmp-report run --jobs 2``;

and prints the seconds and the ratios (b)/(a) and (c)/(a). Target: (b) <= 1.5 x (a).
``--compare`` adds, for context, (b) with ``--no-prewarm`` and a floor that imports what the
sections really import (``atmp_lib.page`` and plotly's renderers).

Run:  .venv/bin/python benchmarks/bench_report.py [--rounds N] [--compare] [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jupyter_client.manager import KernelManager

from atmp_lib import params, runner

FLOOR_CODE = "import atmp_lib, plotly, pandas"
SECTION_IMPORTS = "import atmp_lib.page, plotly.io; plotly.io.renderers"
TARGET = 1.5


def floor_seconds(sections: list[params.Section], cwd: Path, code: str = FLOOR_CODE) -> float:
    """Start a kernel, run ``code``, shut it down (gracefully), once per section."""
    started = time.perf_counter()
    for _ in sections:
        ip = Path(tempfile.gettempdir()) / f"atmp-bench-{os.getpid()}"
        manager = KernelManager(kernel_name=runner.KERNEL_NAME, transport="ipc", ip=str(ip))
        manager.start_kernel(cwd=str(cwd))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"floor code failed: {reply['content']}")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=False)
    return time.perf_counter() - started


def report_seconds(root: Path, out: Path, jobs: int, extra: list[str]) -> tuple[float, dict]:
    """Wall time of ``atmp-report run --jobs N`` in a fresh process, and its manifest."""
    command = [sys.executable, "-m", "atmp_lib.cli", "--root", str(root), "run", "--jobs",
               str(jobs), "--no-progress", "--output-dir", str(out), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"report with --jobs {jobs} failed ({done.returncode}):\n{done.stderr}")
    manifest = json.loads((out / runner.LATEST / "manifest.json").read_text())
    return seconds, manifest


def section_times(manifest: dict) -> str:
    return ", ".join(f"{s['section']} {s['duration_s']:.1f}s"
                     for run in manifest["runs"] for s in run["sections"])


def measure_round(
    label_to_measure: dict[str, Callable[[], tuple[float, str]]],
) -> dict[str, float]:
    """Run each measurement once, printing it; returns seconds by label."""
    seconds = {}
    for label, measure in label_to_measure.items():
        value, detail = measure()
        seconds[label] = value
        print(f"  {label:<34} {value:6.1f} s   {detail}", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project folder")
    parser.add_argument("-p", "--params", default=None, help="parameter file (default: default)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--compare", action="store_true",
                        help="also measure --no-prewarm and a floor with the sections' imports")
    args = parser.parse_args()

    project = runner.Project(runner.find_project_root(args.root))
    sections, problems = params.load_sections(project.notebooks_dir, project.root)
    if problems or not sections:
        sys.exit("\n".join(problems) or "no sections in notebooks/")
    extra = ["-p", args.params] if args.params else []
    scratch = Path(tempfile.mkdtemp(prefix="atmp-bench-"))
    counter = iter(range(10_000))

    def report(jobs: int, *more: str) -> Callable[[], tuple[float, str]]:
        def measure() -> tuple[float, str]:
            value, manifest = report_seconds(
                project.root, scratch / f"out{next(counter)}", jobs, [*extra, *more])
            return value, f"[{section_times(manifest)}]"
        return measure

    measurements: dict[str, Callable[[], tuple[float, str]]] = {
        "(a) floor": lambda: (floor_seconds(sections, project.notebooks_dir), ""),
        "(b) run --jobs 1": report(1),
        "(c) run --jobs 2": report(2),
    }
    if args.compare:
        measurements["(a') floor with sections' imports"] = lambda: (
            floor_seconds(sections, project.notebooks_dir, SECTION_IMPORTS), "")
        measurements["(b') run --jobs 1 --no-prewarm"] = report(1, "--no-prewarm")

    print(f"{len(sections)} sections: {', '.join(s.name for s in sections)}; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    rounds = []
    try:
        for number in range(1, args.rounds + 1):
            print(f"round {number}:")
            rounds.append(measure_round(measurements))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    median = {label: statistics.median(r[label] for r in rounds) for label in measurements}
    print(f"medians over {len(rounds)} rounds (load average now {os.getloadavg()[0]:.2f}):")
    for label, value in median.items():
        print(f"  {label:<34} {value:6.1f} s")
    floor = median["(a) floor"]
    ratio_b, ratio_c = median["(b) run --jobs 1"] / floor, median["(c) run --jobs 2"] / floor
    per_round = ", ".join(f"{r['(b) run --jobs 1'] / r['(a) floor']:.2f}" for r in rounds)
    print(f"ratio (b)/(a) = {ratio_b:.2f}  (target <= {TARGET}; per round: {per_round})")
    print(f"ratio (c)/(a) = {ratio_c:.2f}")
    return 0 if ratio_b <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
