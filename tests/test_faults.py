"""Faults an operator meets: each ends in a clear message and its exit code, never a
traceback; input faults exit 2 before any kernel starts and name what is at fault."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from atmp_lib.engine import cli, manifest
from atmp_lib.engine.inputs import check_inputs
from atmp_lib.engine.run import deferred_signals
from atmp_lib.paths import Project, working_on


def report(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["--root", str(root), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


# --------------------------------------------------------------------------- data files


def _write(relative: str, content: bytes) -> Callable[[Path], None]:
    return lambda root: (root / relative).write_bytes(content)


def _replace_with_folder(relative: str) -> Callable[[Path], None]:
    def replace(root: Path) -> None:
        (root / relative).unlink()
        (root / relative).mkdir()

    return replace


def _huge_field(root: Path) -> None:
    path = root / "data" / "facts.csv"
    path.write_text(path.read_text() + '"' + "x" * 200_000 + '"\n')


DATA_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing table": (lambda root: (root / "data" / "facts.csv").unlink(),
                      "data/facts.csv: file not found"),
    "empty table": (_write("data/facts.csv", b""),
                    "data/facts.csv: the file is empty (expected a header row)"),
    "not UTF-8": (_write("data/facts.csv", "id,topic\nå,x\n".encode("latin-1")),
                  "data/facts.csv: not UTF-8 text (byte 0xe5 at offset 9)"),
    "a folder": (_replace_with_folder("data/facts.csv"), "data/facts.csv: is a folder, not a file"),
    "oversized field": (_huge_field, "data/facts.csv, row "),
    "broken descriptor": (_write("data/datapackage.json", b'{"resources": [}'),
                          "data/datapackage.json, line 1, column 16: invalid JSON"),
    "descriptor without resources": (_write("data/datapackage.json", b"[]"),
                                     "data/datapackage.json: expected an object with a list of"),
}  # fmt: skip


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("fault", list(DATA_FAULTS))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_data_file_that_cannot_be_read_is_named_before_any_kernel(
    fault: str, command: str, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, message = DATA_FAULTS[fault]
    breaker(project_copy)
    code, err = report(capsys, project_copy, command)
    assert code == 2, err
    assert message in err
    assert not (project_copy / "reports").exists()


def test_a_byte_order_mark_is_allowed(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project_copy / "data" / "facts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = report(capsys, project_copy, "validate")
    assert code == 0, err


def test_an_unreadable_table_is_named(
    project_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Simulated: this suite may run as root, who reads files whatever their mode.)"""
    read_bytes = Path.read_bytes

    def refuse_facts(path: Path) -> bytes:
        if path.name == "facts.csv":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_facts)
    code, err = report(capsys, project_copy, "validate")
    assert code == 2
    assert "data/facts.csv: cannot be read (permission denied)" in err


# --------------------------------------------------------------------------- parameter files

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(7)
)

PARAMS_FAULTS: dict[str, tuple[bytes | None, str]] = {
    "a list as a key": (b"? [a, b]\n: 1\n", "a parameter name must be a plain word, not a list"),
    "a mapping as a key": (b"? {a: 1}\n: 1\n", "a parameter name must be a plain word, not a dict"),
    "not a number": (b"horizon_years: .nan\n", "parameter 'horizon_years'"),
    "NaN percentage": (b"lang: en\napprox_band_pct: .nan\n", "'approx_band_pct'"),
    "an alias bomb": (ALIAS_BOMB.encode(), "anchors and aliases (&name, *name) are not allowed"),
    "not UTF-8": (b"lang: \xe5\n", "not UTF-8 text (byte 0xe5 at offset 6)"),
    "a list": (b"- lang\n- en\n", "expected a mapping of parameter names to values, got list"),
}  # fmt: skip


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("fault", list(PARAMS_FAULTS))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_bad_parameter_file_is_one_clear_problem_in_validate_and_run(
    fault: str, command: str, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = PARAMS_FAULTS[fault]
    (project_copy / "params" / "bad.yaml").write_bytes(content)
    code, err = report(capsys, project_copy, command, "-p", "bad")
    assert code == 2, err
    assert message in err
    assert err.count("params/bad.yaml") >= 1


@pytest.mark.usefixtures("no_kernel")
def test_a_huge_value_is_not_echoed_whole(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_copy / "params" / "big.yaml").write_text(f"lang: {'x' * 500_000}\n")
    code, err = report(capsys, project_copy, "validate", "-p", "big")
    assert code == 2
    assert "params/big.yaml: parameter 'lang'" in err
    assert len(err) < 2_000


@pytest.mark.usefixtures("no_kernel")
def test_a_broken_scenario_file_stops_only_the_runs_that_read_it(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_copy / "params" / "other.yaml").write_text("seed: [\n", encoding="utf-8")
    code, err = report(capsys, project_copy, "run", "scenarios")
    assert code == 2
    assert "params/other.yaml, line 2:" in err and "nothing was executed" in err
    project = Project(project_copy)
    with working_on(project):
        assert check_inputs(project, ["overview"], []).sections  # it does not read params/


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


PATH_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a symbolic-link loop": (_loop, "cannot be opened"),
    "a pipe": (_fifo, "is not a regular file"),
    "a folder": (lambda path: path.mkdir(), "is a folder, not a parameter file"),
}


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("fault", list(PATH_FAULTS))
def test_a_parameter_path_that_is_no_file_says_what_it_is(
    fault: str, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, message = PATH_FAULTS[fault]
    make(project_copy / "params" / "odd.yaml")
    code, err = report(capsys, project_copy, "run", "-p", "params/odd.yaml")
    assert code == 2, err
    assert f"params/odd.yaml: {message}" in err


@pytest.mark.usefixtures("no_kernel")
def test_a_device_is_not_a_parameter_file(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = report(capsys, project_copy, "validate", "-p", "/dev/zero")
    assert code == 2
    assert "/dev/zero: is not a regular file" in err


# --------------------------------------------------------------------------- notebooks


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("content", ["[]", '{"cells": "text"}', '{"cells": [1, 2]}'])
def test_a_notebook_that_is_not_one_is_named(
    content: str, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_copy / "notebooks" / "06_odd.ipynb").write_text(content)
    code, err = report(capsys, project_copy, "run")
    assert code == 2
    assert (
        "notebooks/06_odd.ipynb: not a notebook (expected a JSON object with a list of cells)"
        in err
    )


@pytest.mark.usefixtures("no_kernel")
def test_a_runaway_parameter_file_is_refused_unread(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_copy / "params" / "huge.yaml").write_text(f"lang: {'x' * 5_000_000}\n")
    code, err = report(capsys, project_copy, "validate", "-p", "huge")
    assert code == 2
    assert "params/huge.yaml: larger than 1 MB; not a parameter file" in err


# --------------------------------------------------------------------------- output folder

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "project", root)
    return root


def _latest_folder(out: Path) -> None:
    (out / "latest").mkdir(parents=True)


def _latest_file(out: Path) -> None:
    out.mkdir(parents=True)
    (out / "latest").write_text("not a link")


OUTPUT_FAULTS: dict[str, tuple[Callable[[Path], None], list[str], str]] = {
    "latest is a folder": (_latest_folder, [], "latest: is a folder, not the link"),
    "latest is a file": (_latest_file, [], "latest: is a file, not the link"),
    "log file is a folder": (lambda out: (out / "log").mkdir(parents=True), ["--log-file", "log"],
                             "is a folder, not a file"),
    "output folder is a file": (lambda out: out.write_text("x"), [], "the output folder is a file"),
}  # fmt: skip


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("fault", list(OUTPUT_FAULTS))
def test_an_output_folder_that_cannot_take_the_run_is_exit_2_before_anything(
    fault: str, tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    make, extra, message = OUTPUT_FAULTS[fault]
    make(out)
    extra = [str(out / item) if item == "log" else item for item in extra]
    code, err = report(capsys, tiny_project, "run", "--output-dir", str(out), *extra)
    assert code == 2, err
    assert message in err
    runs = [p for p in out.iterdir() if p.name[:1].isdigit()] if out.is_dir() else []
    assert runs == []


def test_a_dangling_latest_is_moved_on(tmp_path: Path) -> None:
    os.symlink("29990101T000000.000Z-ffffff", tmp_path / "latest")  # a run deleted by hand
    (tmp_path / "20260101T000000.000Z-aaaaaa").mkdir()
    assert manifest.switch_latest(tmp_path, "20260101T000000.000Z-aaaaaa")
    assert os.readlink(tmp_path / "latest") == "20260101T000000.000Z-aaaaaa"


def test_a_reader_that_stops_reading_is_no_traceback() -> None:
    code = (
        "import os, sys\n"
        "read, write = os.pipe(); os.close(read); os.dup2(write, 1)\n"
        "from atmp_lib.engine import cli\n"
        f"sys.exit(cli.main(['--root', {str(FIXTURES / 'project')!r}, 'list']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr == ""


def test_signals_wait_while_a_run_is_being_published() -> None:
    with deferred_signals() as received:
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
    assert received == [signal.SIGTERM, signal.SIGINT]


def test_a_manifest_that_cannot_be_written_is_a_run_error_not_a_traceback(
    tiny_project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """(Simulated: the disk fills up just as the run writes its final manifest.)"""
    write = manifest.write_json_atomic

    def full_at_the_end(path: Path, data: dict) -> None:
        if path.name == "manifest.json" and data.get("status") != "running":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        write(path, data)

    monkeypatch.setattr(manifest, "write_json_atomic", full_at_the_end)
    out = tmp_path / "out"
    code, err = report(capsys, tiny_project, "run", "alpha", "--no-progress", "--output-dir",
                       str(out))  # fmt: skip
    assert code == 1
    assert "its manifest could not be written (no space left on the device" in err
    assert not (out / "latest").exists()
    assert list(out.rglob(".*.tmp")) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system (too small for the run's shared plotly.js); skipped where this
    user cannot mount one."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_fails_the_run_with_a_manifest_that_says_so(
    tiny_project: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = report(capsys, tiny_project, "run", "--no-progress", "--output-dir",
                       str(small_disk))  # fmt: skip
    assert code == 1, err
    [run_dir] = [p for p in small_disk.iterdir() if p.name[:1].isdigit()]
    record = json.loads((run_dir / "manifest.json").read_text())
    assert record["status"] == "failed"
    assert "no space left on the device" in record["error"]
    assert not (small_disk / "latest").exists()
    assert list(small_disk.rglob(".*.tmp")) == []
    for page in run_dir.rglob("*.html"):
        assert page.read_text().rstrip().endswith("</html>"), page  # whole or absent


@pytest.mark.slow
def test_sigterm_mid_run_starts_no_later_section(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("slow1", "slow2"):
        (tiny_project / "params" / f"{name}.yaml").write_text(f"pause_s: 60.0\nnote: {name}\n")
    command = [
        sys.executable,
        "-m",
        "atmp_lib.engine.cli",
        "--root",
        str(tiny_project),
        "run",
        "beta",
        "-p",
        "slow1",
        "-p",
        "slow2",
        "--output-dir",
        str(out),
        "--no-progress",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob(".cache/.staging/*/notebook.ipynb")):
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.2)
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    [run_dir] = [p for p in out.iterdir() if p.name[:1].isdigit()]
    record = json.loads((run_dir / "manifest.json").read_text())
    assert record["status"] == "interrupted"
    assert (run_dir / "slow1" / "en" / "02_beta.ipynb").is_file()  # kept, to see where it was
    assert not (run_dir / "slow2" / "en" / "02_beta.ipynb").exists()  # never started
    assert list(out.glob(".cache/.staging/*")) == []
    assert (run_dir / "index.html").is_file() and not (out / "latest").exists()
