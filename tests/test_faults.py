"""Faults an operator meets: each ends in a clear message and its exit code, never a
traceback; input faults exit 2 before any kernel starts and name what is at fault."""

from __future__ import annotations

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
