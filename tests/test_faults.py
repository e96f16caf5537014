"""Faults an operator meets: each ends in a clear message and its exit code, never a
traceback; input faults exit 2 before any kernel starts and name what is at fault."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from atmp_lib.engine import cli


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
