"""Report runs on the tiny fixture project: folders, manifest, latest, failures, concurrency."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from atmp_lib.engine import cli, manifest, planning
from atmp_lib.errors import ProjectNotFound
from atmp_lib.paths import find_project

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLI = [sys.executable, "-m", "atmp_lib.engine.cli"]
OLD_RUN = "20000101T000000.000Z-000000"
TRICKY = (
    'He said "hi" and \'bye\'\nsecond line \\n (backslash-n) \\" \t tab; ö, å, 🚀, {0} %s ${HOME}'
    '\n"); __import__("os").system("touch pwned"); ("'
    "\n'''; __import__(\"os\").system(\"touch pwned\"); '''"
)

pytestmark = pytest.mark.slow


def copy_project(target: Path) -> Path:
    root = target / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def atmp_report(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the command line in this process (its workers are processes of their own)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--root", str(root), *args, "--no-progress"])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def run_dirs(out: Path) -> list[Path]:
    return sorted(
        p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def manifest_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def sections_of(data: dict) -> list[dict]:
    return [section for run in data["runs"] for section in run["sections"]]


# --------------------------------------------------------------------------- a successful run


@pytest.fixture(scope="module")
def success(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One run of both sections, in both languages, two workers, with a tricky string."""
    base = tmp_path_factory.mktemp("success")
    root = copy_project(base)
    values = {"countries": ["GB", "US"], "horizon_years": 3, "note": TRICKY, "seed": 7}
    (root / "params" / "tricky.yaml").write_text(yaml.safe_dump(values, allow_unicode=True))
    out = base / "out"
    done = atmp_report(root, "run", "-p", "tricky", "--lang", "both", "--jobs", "2",
                       "--output-dir", str(out), "--log-file", str(base / "logs" / "run.log"))
    return {"done": done, "root": root, "out": out, "base": base}


def test_successful_run_writes_its_folder_and_points_latest_at_it(success: dict) -> None:
    done, out = success["done"], success["out"]
    assert done.returncode == 0, done.stderr
    [run_dir] = run_dirs(out)
    assert re.fullmatch(r"\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{6}", run_dir.name)
    assert os.readlink(out / "latest") == run_dir.name
    for lang in ("en", "sv"):
        for name in ("01_alpha", "02_beta"):
            assert (run_dir / "tricky" / lang / f"{name}.ipynb").is_file()
            assert (run_dir / "tricky" / lang / f"{name}.html").is_file()
    assert (run_dir / "index.html").is_file()
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith("atmp-report: 2 sections x 2 runs (4 executed, 0 reused) in ")
    assert summary.endswith(f" s -> {run_dir / 'index.html'}")
    assert not list(out.glob(".*.tmp")) and not list(run_dir.glob(".*.tmp"))


def test_manifest_records_parameters_versions_data_and_status(success: dict) -> None:
    [run_dir] = run_dirs(success["out"])
    data = manifest_of(run_dir)
    assert data["status"] == "succeeded" and data["run_id"] == run_dir.name
    for package in ("pandas", "plotly", "papermill", "nbconvert", "ipywidgets", "jupyterlab",
                    "nbval", "numpy"):
        assert package in data["versions"]
    assert data["versions"]["plotly"]
    data_dir = success["root"] / "data"
    assert data["data"] == {
        f"data/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.iterdir())
    }
    assert data["git"] == {"revision": None, "dirty": None}  # the copy is not a git repo
    assert [(r["params_file"], r["lang"]) for r in data["runs"]] == [
        ("params/tricky.yaml", "en"), ("params/tricky.yaml", "sv")]
    alpha, beta = data["runs"][1]["sections"]
    assert alpha["parameters"] == {"lang": "sv", "countries": ["GB", "US"], "growth_share": 50.0}
    assert beta["parameters"] == {"lang": "sv", "note": TRICKY, "horizon_years": 3, "seed": 7,
                                  "explode": False, "crash": False, "pause_s": 0.0}
    for section in sections_of(data):
        assert section["status"] == "succeeded" and section["error"] is None
        assert section["duration_s"] > 0


def test_entry_page_links_every_section_in_order_by_language(success: dict) -> None:
    [run_dir] = run_dirs(success["out"])
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]+)">', index)
    assert hrefs == ["tricky/en/01_alpha.html", "tricky/en/02_beta.html",
                     "tricky/sv/01_alpha.html", "tricky/sv/02_beta.html",
                     "report-data.xlsx", "data-package/datapackage.json", "sources.html"]
    assert "Alpha title (en)" in index and "Alfa-titel (sv)" in index
    assert "params/tricky.yaml · en" in index and "params/tricky.yaml · sv" in index
    assert "http" not in index.replace('name="viewport"', "")


def test_pages_link_index_and_neighbours_by_title(success: dict) -> None:
    [run_dir] = run_dirs(success["out"])
    alpha = (run_dir / "tricky" / "sv" / "01_alpha.html").read_text(encoding="utf-8")
    beta = (run_dir / "tricky" / "sv" / "02_beta.html").read_text(encoding="utf-8")
    assert 'href="../../index.html"' in alpha
    assert 'href="02_beta.html" rel="next">Nästa: Beta title →' in alpha
    assert 'href="01_alpha.html" rel="prev">← Föregående: Alfa-titel (sv)' in beta


def test_tricky_string_arrives_verbatim_and_nothing_is_executed(success: dict) -> None:
    [run_dir] = run_dirs(success["out"])
    nb = nbformat.read(run_dir / "tricky" / "en" / "02_beta.ipynb", as_version=4)
    [echo] = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream"]
    assert json.loads(echo.text)["note"] == TRICKY
    for folder in (success["root"], success["root"] / "notebooks", success["base"], Path.cwd()):
        assert not (folder / "pwned").exists(), f"injected code ran in {folder}"


def test_log_file_records_each_section_and_the_summary(success: dict) -> None:
    log = (success["base"] / "logs" / "run.log").read_text(encoding="utf-8")
    assert log.count(" succeeded in ") == 4
    assert "atmp-report: 2 sections x 2 runs" in log
    [run_dir] = run_dirs(success["out"])
    assert (run_dir / "run.log").read_text(encoding="utf-8") == log


# --------------------------------------------------------------------------- failures


def fake_latest(out: Path) -> None:
    """A previous successful run that a failed run must leave in place."""
    (out / OLD_RUN).mkdir(parents=True)
    os.symlink(OLD_RUN, out / "latest")


def test_failed_sections_keep_partial_output_and_latest(tmp_path: Path) -> None:
    """An exception in a cell (fail.yaml) and a killed kernel (crash.yaml), in one run."""
    root, out = copy_project(tmp_path), tmp_path / "out"
    fake_latest(out)
    (root / "params" / "crash.yaml").write_text("crash: true\n")
    done = atmp_report(root, "run", "-p", str(FIXTURES / "extra_params" / "fail.yaml"),
                       "-p", "crash", "--jobs", "2", "--output-dir", str(out))
    assert done.returncode == 1, done.stderr
    failed = [line for line in done.stderr.splitlines() if line.startswith("atmp-report: FAILED")]
    assert failed == [
        f"atmp-report: FAILED section 02_beta ({FIXTURES / 'extra_params' / 'fail.yaml'} · en), "
        "cell 5, In [6]: 'if explode:': RuntimeError: boom from fixture",
        "atmp-report: FAILED section 02_beta (params/crash.yaml · en), cell 5: 'if explode:': "
        "DeadKernelError: Kernel died",
    ]
    assert "run failed (2 of 3 notebooks)" in done.stderr  # alpha runs once for both files
    assert "latest unchanged" in done.stderr
    assert os.readlink(out / "latest") == OLD_RUN
    run_dir = next(p for p in run_dirs(out) if p.name != OLD_RUN)
    data = manifest_of(run_dir)
    assert data["status"] == "failed"
    alpha, beta, _, crashed = sections_of(data)
    assert alpha["status"] == "succeeded" and (run_dir / alpha["html"]).is_file()
    assert beta["status"] == "failed" and beta["html"] is None
    assert {k: beta["error"][k] for k in ("ename", "evalue", "cell_index", "first_line")} == {
        "ename": "RuntimeError", "evalue": "boom from fixture", "cell_index": 5,
        "first_line": "if explode:"}
    assert crashed["error"]["ename"] == "DeadKernelError"
    partial = nbformat.read(run_dir / beta["executed_notebook"], as_version=4)
    assert any(o.output_type == "error" for c in partial.cells for o in c.get("outputs", []))
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert "Status: <span class=\"atmp-status-failed\">failed</span>" in index
    assert index.count("(failed)") == 2 and index.count("executed notebook") == 2


def test_interrupt_records_a_failed_run_and_leaves_latest(tmp_path: Path) -> None:
    root, out = copy_project(tmp_path), tmp_path / "out"
    fake_latest(out)
    (root / "params" / "slow.yaml").write_text("pause_s: 60.0\n")
    process = subprocess.Popen(
        [*CLI, "--root", str(root), "run", "beta", "-p", "slow", "--output-dir", str(out),
         "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_the_pause(out, process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1, stderr
    assert ("FAILED section 02_beta (params/slow.yaml · en), cell 3: 'time.sleep(pause_s)': "
            "KeyboardInterrupt: the run was interrupted") in stderr
    assert "Traceback" not in stderr
    assert os.readlink(out / "latest") == OLD_RUN
    run_dir = next(p for p in run_dirs(out) if p.name != OLD_RUN)
    data = manifest_of(run_dir)
    assert data["status"] == "interrupted"
    assert [s["status"] for s in sections_of(data)] == ["interrupted"]


def _wait_for_the_pause(out: Path, process: subprocess.Popen) -> None:
    """Wait until the run has started its notebook (papermill saved it), then long enough for
    the quick cells before the paused one (the pause lasts a minute; the error message
    checked afterwards names the cell that was running)."""
    deadline = time.monotonic() + 120
    while not list(out.glob(".cache/.staging/*/notebook.ipynb")):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.2)
    time.sleep(6)


# --------------------------------------------------------------------------- concurrency


def test_two_concurrent_runs_get_their_own_folders(tmp_path: Path) -> None:
    root, out = copy_project(tmp_path), tmp_path / "out"
    command = [*CLI, "--root", str(root), "run", "alpha", "--output-dir", str(out),
               "--no-progress"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    first, second = run_dirs(out)
    assert first.name != second.name
    assert os.readlink(out / "latest") == second.name  # the newer run id wins
    for run_dir in (first, second):
        assert manifest_of(run_dir)["status"] == "succeeded"
        assert (run_dir / "default" / "en" / "01_alpha.html").is_file()


# --------------------------------------------------------------------------- building blocks


def test_run_ids_sort_by_time_and_are_unique() -> None:
    from datetime import UTC, datetime

    early = manifest.new_run_id(datetime(2025, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))
    late = manifest.new_run_id(datetime(2025, 1, 2, 3, 4, 5, 7000, tzinfo=UTC))
    assert early.startswith("20250102T030405.006Z-") and early < late
    assert len({manifest.new_run_id() for _ in range(200)}) == 200


def test_latest_is_switched_atomically_and_never_back_to_an_older_run(tmp_path: Path) -> None:
    old, new = "20250101T000000.000Z-aaaaaa", "20250102T000000.000Z-bbbbbb"
    for name in (old, new):
        (tmp_path / name).mkdir()
    assert manifest.switch_latest(tmp_path, new)
    assert not manifest.switch_latest(tmp_path, old)
    assert os.readlink(tmp_path / "latest") == new
    assert sorted(p.name for p in tmp_path.iterdir()) == [".latest.lock", old, new, "latest"]


def test_git_state_is_null_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert manifest.git_state(tmp_path) == {"revision": None, "dirty": None}


def test_project_is_explicit_else_found_from_the_working_directory_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectNotFound, match="looked for a folder holding notebooks/ and data/"):
        find_project()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks" / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks" / "deep")
    assert find_project().root == tmp_path.resolve()
    with pytest.raises(ProjectNotFound, match="not a project folder"):
        find_project(tmp_path / "notebooks")


def test_languages_come_from_the_file_unless_given(tmp_path: Path) -> None:
    from atmp_lib.params import ParamsFile

    file = ParamsFile(tmp_path / "x.yaml", "params/x.yaml", {"lang": "sv"})
    assert planning.languages_for(file, None) == ["sv"]
    assert planning.languages_for(file, "both") == ["en", "sv"]
    assert planning.languages_for(ParamsFile(file.path, file.label, {}), None) == ["en"]


# --------------------------------------------------------------------------- refresh


def test_refresh_rewrites_in_place_and_leaves_a_failing_notebook_untouched(
    tmp_path: Path,
) -> None:
    root = copy_project(tmp_path)
    beta = root / "notebooks" / "02_beta.ipynb"
    beta.write_text(beta.read_text().replace("explode = False", "explode = True"))
    beta_before = beta.read_bytes()
    done = atmp_report(root, "refresh", "--jobs", "2")
    assert done.returncode == 1
    assert "refreshed 1 of 2 sections" in done.stdout
    assert "section 02_beta (refresh), cell 5, In [5]: 'if explode:': RuntimeError: boom " \
           "from fixture (the notebook was left untouched)" in done.stderr
    assert beta.read_bytes() == beta_before

    nb = nbformat.read(root / "notebooks" / "01_alpha.ipynb", as_version=4)
    assert "papermill" not in nb.metadata
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4]
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    for cell in nb.cells:
        assert not {"papermill", "execution"} & set(cell.metadata)
        assert cell.metadata.get("tags", ["parameters"]) != []
    assert any("text/html" in o.get("data", {}) for o in code[3].outputs)
    assert not list((root / "notebooks").glob(".*.tmp"))
