"""Parameters declared once: their rules, with ranges and choices read from the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atmp_lib.parameters import Param, shown
from atmp_lib.paths import Project, working_on

YEARS = Param("n", int, "h", low=1, high=30)
SHARE = Param("x", float, "h", low=0)
PAIR = Param("l", list, "h", choices=("GB", "US"))
LIST_OF = "(allowed: a non-empty list of distinct items, each one of GB, US)"


@pytest.mark.parametrize(
    ("param", "value", "fault"),
    [
        (YEARS, 30, None),
        (YEARS, 31, "31 is out of range (allowed: an integer from 1 to 30)"),
        (YEARS, 2.0, "2.0 is not an integer (allowed: an integer from 1 to 30)"),
        (SHARE, float("nan"), "nan is not a finite number (allowed: a number >= 0)"),
        (SHARE, True, "True is not a number (allowed: a number >= 0)"),
        (Param("x", float, "h", optional=True, none_means="not known"), None, None),
        (Param("x", float, "h"), None, "None is not allowed (allowed: a number)"),
        (Param("b", bool, "h"), 1, "1 is not true or false (allowed: true or false)"),
        (Param("s", str, "h", choices=("a", "b")), "c", "'c' is not allowed (allowed: one of a, b)"),  # noqa: E501
        (Param("s", str, "h"), "anything", None),
        (PAIR, ["GB", "GB"], f"duplicate 'GB' {LIST_OF}"),
        (PAIR, [], f"[] is empty or not a list {LIST_OF}"),
    ],
)
def test_a_declared_rule_names_what_is_wrong_and_what_is_allowed(param, value, fault) -> None:
    assert param.fault(value) == fault


def test_ranges_and_choices_are_read_from_the_current_project_s_data(data_copy: Path) -> None:
    band = Param("approx_band_pct", float, "h", low="assumption:approx_band_pct",
                 high="assumption:approx_band_pct")  # fmt: skip
    ccrm = Param("ccrm", float, "h", low="fact:need_ccrm_nordic", high="fact:need_ccrm_nordic")
    countries = Param("countries", list, "h", choices="enum:international_initiatives.countries")
    assert ccrm.bounds() == (50, 100)
    assert countries.allowed_values() == ("GB", "US", "CA")
    assert band.bounds() == (0, 25)
    path = data_copy / "assumptions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line.removesuffix(",0,25") + ",0,40" if line.startswith("approx_band_pct,") else line
             for line in lines]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with working_on(Project(data_copy.parent)):
        assert band.bounds() == (0, 40)
        assert band.fault(35.0) is None


def test_a_long_value_is_cut_short_in_messages() -> None:
    text = shown("x" * 10_000)
    assert len(text) < 80 and text.endswith("(10,002 characters)")


# --------------------------------------------------------------------------- parameters cells

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: The scenarios' cell names the data behind each None default: tested in test_scenario.py.
WRITTEN_HERE = ("01_overview", "02_course_supply", "03_survey", "04_international")


@pytest.mark.parametrize("notebook", WRITTEN_HERE)
def test_a_parameters_cell_is_written_from_the_declarations(notebook: str) -> None:
    """Each cell is exactly what the declarations write, and the next cell holds every
    parameter to them before it loads any data."""
    import nbformat

    import atmp_lib.sections  # noqa: F401  (registers every section's parameters)
    from atmp_lib.parameters import parameters_cell, schema

    section = notebook.split("_", 1)[1]
    code = [c for c in nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", 4).cells
            if c.cell_type == "code"]  # fmt: skip
    assert code[0].metadata.get("tags") == ["parameters"]
    assert code[0].source == parameters_cell(section)
    check = re.search(rf'parameters\.check_values\(\s*"{section}"', code[1].source)
    assert check and check.start() < code[1].source.index("datasets.load(")
    assert all(f"{name}={name}" in code[1].source for name in schema(section))


def test_a_cell_line_gives_type_default_help_and_what_none_means() -> None:
    from atmp_lib.parameters import cell_line, literal

    assert cell_line(PAIR) == "l: list[str] = None  # h; allowed: " + LIST_OF[10:-1]
    assert literal(["GB", "US"]) == '["GB", "US"]' and literal(2.0) == "2" and literal("å") == '"å"'
    unknown = Param("x", float, "today's output", optional=True, none_means="not known")
    assert cell_line(unknown) == (
        "x = None  # type: Optional[float] today's output; allowed: a number; None: not known "
        "(no default)"
    )
