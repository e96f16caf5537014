"""What a report run costs, against a default single-language run measured in the same rounds.

Measures, in rounds (interleaved, so that load from other processes affects every
measurement alike; medians are reported), each into a fresh output folder:

(a) ``atmp-report run`` (the default parameters, one language): a cold run;
(b) ``atmp-report run --all-params --lang both``: a cold run of every parameter file;
(c) ``atmp-report run`` again into (a)'s folder with nothing changed: an unchanged rerun;
(d) the floor: the same run of a copy of the project whose notebooks keep only their
    parameters cell and their imports (a kernel start plus the imports, per section);

and the size of (a)'s and (b)'s run folders. Targets: (b)/(a) <= 5, (c)/(a) <= 0.5,
(a)/(d) <= 1.5, (a)'s folder <= 8 MB and (b)'s <= 50 MB. Exits 1 when a target is missed.

Run:  .venv/bin/python benchmarks/bench_report.py [--rounds N] [--jobs N] [--root DIR]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from atmp_lib.paths import find_project

TARGETS = {"all_params_ratio": 5.0, "rerun_ratio": 0.5, "floor_ratio": 1.5, "default_mb": 8.0,
           "all_params_mb": 50.0}  # fmt: skip
MEGABYTE = 1_000_000


def run_report(root: Path, out: Path, jobs: int, *extra: str) -> tuple[float, Path]:
    """Wall time of one ``atmp-report run`` in a fresh process, and its run folder."""
    command = [sys.executable, "-m", "atmp_lib.engine.cli", "--root", str(root), "run",
               "--jobs", str(jobs), "--no-progress", "--output-dir", str(out), *extra]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, (out / "latest").resolve()


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in a folder, each file (hard links included) counted once."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_size
    return total


def executions(run_dir: Path) -> str:
    counts = json.loads((run_dir / "manifest.json").read_text())["executions"]
    return f"{counts['executed']} executed, {counts['reused']} reused"


def floor_project(root: Path, target: Path) -> Path:
    """A copy of the project whose section notebooks keep only the parameters cell and the
    imports of the cells after it: what any run of them costs at least."""
    for folder in ("data", "params", "notebooks"):
        shutil.copytree(root / folder, target / folder)
    for path in sorted((target / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        parameters, *rest = [cell for cell in notebook.cells if cell.cell_type == "code"]
        imports = [ast.unparse(node) for cell in rest for node in ast.parse(cell.source).body
                   if isinstance(node, ast.Import | ast.ImportFrom)]  # fmt: skip
        notebook.cells = [parameters, nbformat.v4.new_code_cell("\n".join(imports))]
        nbformat.write(notebook, path)
    return target


def one_round(
    root: Path, floor_root: Path, scratch: Path, number: int, jobs: int
) -> dict[str, float]:
    """(a), (b), (c) and (d) once each; prints and returns seconds and megabytes."""
    default_out, all_out = scratch / f"default-{number}", scratch / f"all-{number}"
    floor_out = scratch / f"floor-{number}"
    cold, default_dir = run_report(root, default_out, jobs)
    everything, all_dir = run_report(root, all_out, jobs, "--all-params", "--lang", "both")
    rerun, rerun_dir = run_report(root, default_out, jobs)
    floor, _ = run_report(floor_root, floor_out, jobs)
    result = {
        "cold": cold, "all_params": everything, "rerun": rerun, "floor": floor,
        "default_mb": folder_bytes(default_dir) / MEGABYTE,
        "all_params_mb": folder_bytes(all_dir) / MEGABYTE,
    }  # fmt: skip
    print(
        f"  (a) default run        {cold:6.1f} s  {result['default_mb']:5.1f} MB  "
        f"({executions(default_dir)})"
    )
    print(
        f"  (b) all params, both   {everything:6.1f} s  {result['all_params_mb']:5.1f} MB  "
        f"({executions(all_dir)})"
    )
    print(f"  (c) unchanged rerun    {rerun:6.1f} s            ({executions(rerun_dir)})")
    print(f"  (d) floor              {floor:6.1f} s")
    for folder in (default_out, all_out, floor_out):
        shutil.rmtree(folder, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project folder")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks in parallel (default 1)")
    args = parser.parse_args()
    root = find_project(args.root).root
    scratch = Path(tempfile.mkdtemp(prefix="atmp-bench-"))
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; --jobs {args.jobs}")
    rounds = []
    try:
        floor_root = floor_project(root, scratch / "floor-project")
        for number in range(1, args.rounds + 1):
            print(f"round {number}:", flush=True)
            rounds.append(one_round(root, floor_root, scratch, number, args.jobs))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    measured = {
        "all_params_ratio": median["all_params"] / median["cold"],
        "rerun_ratio": median["rerun"] / median["cold"],
        "floor_ratio": median["cold"] / median["floor"],
        "default_mb": median["default_mb"],
        "all_params_mb": median["all_params_mb"],
    }
    print(
        f"medians over {len(rounds)} rounds: (a) {median['cold']:.1f} s, "
        f"(b) {median['all_params']:.1f} s, (c) {median['rerun']:.1f} s, "
        f"(d) {median['floor']:.1f} s"
    )
    missed = 0
    for key, value in measured.items():
        ok = value <= TARGETS[key]
        missed += not ok
        print(f"  {key:<17} {value:6.2f}  (target <= {TARGETS[key]:g})  {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
