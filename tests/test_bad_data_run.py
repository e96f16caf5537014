"""A broken data table stops `atmp-report run` before any kernel starts, naming the fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_datasets import rewrite, set_cell

from atmp_lib.engine import cli


def drop_quote_column(path: Path) -> None:
    rewrite(path, lambda header, body: (header[:-1], [row[:-1] for row in body]))


def add_column(path: Path) -> None:
    rewrite(path, lambda header, body: ([*header, "note"], [[*row, ""] for row in body]))


def duplicate_first_row(path: Path) -> None:
    rewrite(path, lambda header, body: (header, [*body, body[0]]))


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing column": (drop_quote_column, "data/facts.csv: missing column 'quote'"),
    "extra column": (add_column, "data/facts.csv: unexpected column 'note'"),
    "wrong type": (
        lambda p: set_cell(p, "need_total", "value", "many"),
        "(id=need_total), column 'value': 'many' is not a valid number",
    ),
    "duplicate id": (duplicate_first_row, "column 'id': duplicate value"),
    "value outside low/high": (
        lambda p: set_cell(p, "need_ccrm_nordic", "value", "150"),
        "(id=need_ccrm_nordic), column 'value': value 150 is above high 100",
    ),
    "quote no longer in source": (
        lambda p: set_cell(p, "need_companies", "quote", "ca 401 personer"),
        "(id=need_companies), column 'quote': the quote does not occur verbatim",
    ),
}


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_table_stops_the_run_before_any_kernel(
    breakage: str, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, message = BREAKAGES[breakage]
    breaker(project_copy / "data" / "facts.csv")
    code = cli.main(["--root", str(project_copy), "run", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert not (project_copy / "reports").exists()
