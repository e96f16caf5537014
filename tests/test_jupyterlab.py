"""The interactive notebooks work in a real JupyterLab: widgets render, charts redraw in place.

A private JupyterLab serves a copy of each target notebook (outputs stripped); headless
chromium opens it, runs all cells from the Run menu, moves the first visible control and
checks that a chart already on the page got new data in place: the same plotly graph
element (FigureWidget), or a new graph inside the same ``Output`` widget, with no output
appended to any cell. The fast tests at the end check the harness itself, without a browser.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyterlab_session import (
    SKIP_BROWSER_ENV,
    UPDATE_TIMEOUT,
    VIEWPORT,
    Chart,
    ControlMove,
    LabError,
    LabNotebook,
    LabServer,
    copy_without_outputs,
    free_port,
    lab_command,
    launch_chromium,
    require_chromium,
    screenshot_on_failure,
    start_lab,
    stop_lab,
    wait_until,
    write_user_settings,
)

from atmp_lib.charts import PALETTE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "lab" / "widget_chart.ipynb"
SCENARIOS = PROJECT_ROOT / "notebooks" / "05_scenarios.ipynb"
FIXTURE_WEIGHTS = [1, 2, 3]  # the fixture draws bars factor × (1, 2, 3)
NOT_A_FORECAST = "This is not a forecast of unfilled posts"


def fixture_bars(value: str) -> list[int]:
    """The fixture's bar heights for a slider value."""
    return [int(value) * weight for weight in FIXTURE_WEIGHTS]


def check_fixture_bars(
    notebook: LabNotebook, before: Chart, after: Chart, move: ControlMove
) -> None:
    """The bars follow the slider exactly: before, after ArrowRight, after typing 7."""
    assert move.kind == "slider"
    assert before.trace_values("y") == fixture_bars(move.before)
    assert after.trace_values("y") == fixture_bars(move.after)
    notebook.type_slider_readout("7")
    typed = wait_for_chart_change(notebook, after)
    assert typed.trace_values("y") == fixture_bars("7")
    assert after.key == typed.key == before.key, "the chart moved to another output"


def check_scenario_years(
    notebook: LabNotebook, before: Chart, after: Chart, move: ControlMove
) -> None:
    """The scenarios notebook's first control is the first year: the chart's years follow.
    The explorer's result line says the uncovered need is no forecast of unfilled posts, and
    the live charts draw in the report's palette, the sensitivity bars ending at whole-people
    values (base + length = the end the hover and the table give)."""
    assert move.kind == "slider"
    assert int(before.trace_values("x")[0]) == int(move.before)
    assert int(after.trace_values("x")[0]) == int(move.after)
    assert any(NOT_A_FORECAST in text for text in notebook.widget_html_texts())
    palette = {colour.lower() for colour in PALETTE.values()}
    charts = notebook.charts()
    traces = [trace for chart in charts for trace in chart.data]
    for trace in traces:
        for part in ("marker", "line"):
            colour = (trace.get(part) or {}).get("color")
            assert not isinstance(colour, str) or colour.lower() in palette, colour
    bars = [trace for trace in traces if trace.get("base") and trace.get("customdata")]
    assert bars, "no sensitivity bars among the live charts"
    for trace in bars:
        ends = [b + x for b, x in zip(trace["base"], trace["x"], strict=True)]
        assert ends == list(trace["customdata"]) and all(float(e).is_integer() for e in ends)


@dataclass(frozen=True)
class Target:
    """A notebook the browser test runs, and an optional check specific to it."""

    source: Path
    check: Callable[[LabNotebook, Chart, Chart, ControlMove], None] | None = None


TARGETS = [
    pytest.param(Target(FIXTURE, check_fixture_bars), id="fixture"),
    pytest.param(
        Target(SCENARIOS, check_scenario_years),
        id="scenarios",
        marks=pytest.mark.skipif(
            not SCENARIOS.exists(),
            reason="notebooks/05_scenarios.ipynb does not exist yet (being written); "
            "this case runs as soon as it does",
        ),
    ),
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A private JupyterLab on a tmp root folder; always stopped, kernels included."""
    base = tmp_path_factory.mktemp("jupyterlab")
    project = base / "project"  # the notebooks' kernels find the project from their folder
    root = project / "notebooks"
    root.mkdir(parents=True)
    (project / "data").symlink_to(PROJECT_ROOT / "data")
    shutil.copytree(PROJECT_ROOT / "params", project / "params")
    server = start_lab(root, base / "state")
    try:
        yield server
    finally:
        stop_lab(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium_browser = launch_chromium(playwright, require_chromium())
        try:
            yield chromium_browser
        finally:
            chromium_browser.close()


@pytest.fixture
def lab_page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page for one test."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


# --------------------------------------------------------------------------- helpers


def wait_for_chart_change(notebook: LabNotebook, before: Chart) -> Chart:
    """Wait until the chart at ``before``'s place shows other data; return it."""

    def changed() -> Chart | None:
        same = [c for c in notebook.charts() if c.key == before.key]
        return same[0] if same and redrawn(same[0], before) else None

    return wait_until(changed, UPDATE_TIMEOUT, f"chart {before.key} did not get new data")


def redrawn(chart: Chart, before: Chart) -> bool:
    """Whether a graph holds new data and plotly has drawn it (new shapes, if it had any)."""
    return chart.data != before.data and (chart.paths != before.paths or not before.paths)


def changed_charts(now: list[Chart], before: list[Chart]) -> list[Chart]:
    """The graphs redrawn with new data since ``before`` (matched by position)."""
    return [chart for chart, old in zip(now, before, strict=False) if redrawn(chart, old)]


def charts_in_place(notebook: LabNotebook, before: list[Chart]) -> list[Chart]:
    """The charts once every one sits where one sat before (an Output widget may be
    empty for a moment while it swaps its figure); fail if that does not happen."""
    keys = [chart.key for chart in before]

    def same_places() -> list[Chart] | None:
        charts = notebook.charts()
        return charts if [chart.key for chart in charts] == keys else None

    message = f"a chart was added, removed or moved instead of redrawn in place ({keys})"
    return wait_until(same_places, 5.0, message)


def run_notebook(notebook: LabNotebook) -> None:
    """Open the notebook, run all cells and wait for its widgets and charts."""
    notebook.open()
    notebook.run_all_cells()
    notebook.wait_until_executed()
    notebook.wait_for_widgets()
    notebook.wait_for_charts_drawn()


# --------------------------------------------------------------------------- browser


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_moving_a_control_redraws_the_chart_in_place(
    target: Target, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    require_chromium()  # in the test body, so a missing chromium FAILS it (not an error)
    lab_server: LabServer = request.getfixturevalue("lab_server")
    lab_page = request.getfixturevalue("lab_page")
    name = f"{target.source.stem}.ipynb"
    copy_without_outputs(target.source, lab_server.root_dir / name)
    notebook = LabNotebook(lab_page, lab_server, name)
    with screenshot_on_failure(notebook, tmp_path / f"{target.source.stem}-failure.png"):
        run_notebook(notebook)
        assert notebook.mark_charts() >= 1, "no plotly graph in the outputs"
        charts_before, outputs_before = notebook.charts(), notebook.output_counts()

        move = notebook.move_first_control()
        changed = wait_until(
            lambda: changed_charts(notebook.charts(), charts_before),
            UPDATE_TIMEOUT,
            f"no chart changed after moving a {move.kind} from {move.before} to {move.after}",
        )
        charts_in_place(notebook, charts_before)

        assert move.after != move.before
        assert all(notebook.is_connected(c.container) for c in changed), "a chart was replaced"
        assert notebook.output_counts() == outputs_before, "an output was appended"
        if target.check:
            first = changed[0]
            before = next(c for c in charts_before if c.key == first.key)
            target.check(notebook, before, first, move)
        assert notebook.external_requests == [], "the page fetched from the network"


# --------------------------------------------------------------------------- harness


def test_missing_chromium_fails_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SKIP_BROWSER_ENV, raising=False)
    with pytest.raises(pytest.fail.Exception, match="chromium is needed.*ATMP_SKIP_BROWSER=1"):
        require_chromium(tmp_path / "no-chromium")


def test_missing_chromium_skips_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SKIP_BROWSER_ENV, "1")
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        require_chromium(tmp_path / "no-chromium")


def test_lab_command_is_local_token_protected_and_offline(tmp_path: Path) -> None:
    command = lab_command(tmp_path / "root", tmp_path / "state", 12345, "secret")
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--ServerApp.port=12345" in command
    assert "--IdentityProvider.token=secret" in command
    assert f"--ServerApp.root_dir={tmp_path / 'root'}" in command
    assert "--no-browser" in command
    assert "--LabApp.news_url=None" in command
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command
    assert "--LabApp.extension_manager=readonly" in command


def test_user_settings_turn_off_news_and_autosave(tmp_path: Path) -> None:
    write_user_settings(tmp_path)
    notification = tmp_path / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    docmanager = tmp_path / "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
    assert '"fetchNews": "false"' in notification.read_text()
    assert '"autosave": false' in docmanager.read_text()


def test_copy_without_outputs_clears_outputs_and_counts(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    notebook.cells = [cell]
    nbformat.write(notebook, tmp_path / "in.ipynb")

    copy = nbformat.read(copy_without_outputs(tmp_path / "in.ipynb", tmp_path / "out.ipynb"), 4)

    assert copy.cells[0].outputs == []
    assert copy.cells[0].execution_count is None
    assert copy.cells[0].source == "1 + 1"


def test_fixture_notebook_has_slider_and_the_explorers_live_figure() -> None:
    notebook = nbformat.read(FIXTURE, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "widgets.IntSlider" in code and "LiveFigure(" in code
    assert "FigureWidget" not in code  # it needs anywidget, which the package does not ship
    assert notebook.metadata.kernelspec.name == "python3"
    assert all(not c.get("outputs") for c in notebook.cells)


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_wait_until_fails_with_its_message() -> None:
    with pytest.raises(LabError, match="timed out after 0 s: never"):
        wait_until(lambda: False, 0.05, "never", interval=0.01)


def test_stop_lab_kills_the_process_group_when_the_api_is_gone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    server = LabServer(sleeper, free_port(), "token", tmp_path, tmp_path / "none.log")

    stop_lab(server, timeout=0.5)

    assert sleeper.returncode == -signal.SIGTERM


def chart(
    probe: str | None, y: list[int], frame: str | None = None, paths: tuple[str, ...] = ("M0",)
) -> Chart:
    """A bar chart snapshot as ``LabNotebook.charts`` returns it."""
    return Chart(probe, frame, 0, [{"type": "bar", "y": y}], list(paths))


def test_chart_key_is_its_output_widget_else_its_own_mark() -> None:
    assert chart("chart-0", [1]).key == "chart-0"
    assert chart(None, [1], frame="output-2").key == "output-2#0"
    assert chart(None, [1], frame="output-2").container == '[data-atmp-frame="output-2"]'
    assert chart("chart-0", [1]).container == '[data-atmp-probe="chart-0"]'


def test_redrawn_needs_new_data_and_new_shapes() -> None:
    before = chart("chart-0", [1, 2], paths=("M0", "M1"))
    assert redrawn(chart("chart-0", [2, 4], paths=("M0", "M2")), before)
    assert not redrawn(chart("chart-0", [2, 4], paths=("M0", "M1")), before)  # not drawn yet
    assert not redrawn(chart("chart-0", [1, 2], paths=("M5",)), before)
    assert changed_charts(
        [before, chart("chart-1", [3], paths=("M9",))], [before, chart("chart-1", [1])]
    ) == [chart("chart-1", [3], paths=("M9",))]
