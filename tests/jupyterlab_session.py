"""Drive a real JupyterLab from tests: a private server, headless chromium, widgets and charts.

The browser tests prove what papermill and nbval cannot: that a notebook's ipywidgets
controls and plotly charts render in JupyterLab and that moving a control redraws the
chart in place. This module holds the reusable parts:

- ``start_lab``/``stop_lab``: a JupyterLab server on 127.0.0.1 with a random token, its
  own config/runtime/settings folders and nothing that fetches from the network;
- ``launch_chromium``: Debian's chromium through Playwright (no ``playwright install``);
- ``LabNotebook``: open a notebook, run all cells through the menu (or the command
  palette), find the first control, move it, and read the plotly graphs from the DOM.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import pytest

from atmp_lib.headless import BASE_FLAGS, CHROMIUM, LOCALHOST_ONLY, SKIP_BROWSER_ENV

# Only the local server resolves: a page needing the network fails instead of fetching.
CHROMIUM_ARGS = (*BASE_FLAGS, LOCALHOST_ONLY)
VIEWPORT = {"width": 1400, "height": 1000}
LOCAL_URL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")

SERVER_START_TIMEOUT = 45.0
SERVER_STOP_TIMEOUT = 10.0
PAGE_TIMEOUT = 45.0
RUN_TIMEOUT = 60.0
WIDGET_TIMEOUT = 20.0
UPDATE_TIMEOUT = 15.0

# User settings written for the private server: no news or update checks (network), no
# autosave (the run must not rewrite the notebook), every cell kept in the DOM.
LAB_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
OUTPUTS = f"{NOTEBOOK} .jp-Cell-outputArea"
EXECUTION_INDICATOR = f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator"
# Controls the generic test may move, in order of preference; within a group, the first in
# document order wins. Widgets are found inside cell outputs only.
SLIDER_HANDLE = f"{OUTPUTS} .widget-slider .noUi-handle"
NUMBER_INPUT = f"{OUTPUTS} .widget-text input[type='number']"
DROPDOWN = f"{OUTPUTS} .widget-dropdown select"
PLOTLY_GRAPH = f"{OUTPUTS} .js-plotly-plot"
OUTPUT_WIDGET = f"{OUTPUTS} .widget-output"


class LabError(AssertionError):
    """The server, the browser or the notebook did not do what the test waited for."""


def wait_until(
    check: Callable[[], Any], timeout: float, message: str, interval: float = 0.1
) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``message`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise LabError(f"timed out after {timeout:.0f} s: {message}")
        time.sleep(interval)


# --------------------------------------------------------------------------- chromium


def require_chromium(path: Path = CHROMIUM) -> Path:
    """Return chromium's path; fail clearly if it is missing (skip if ATMP_SKIP_BROWSER=1)."""
    if path.is_file() and os.access(path, os.X_OK):
        return path
    reason = f"chromium is needed at {path} for the JupyterLab browser test"
    if os.environ.get(SKIP_BROWSER_ENV) == "1":
        pytest.skip(f"{reason} ({SKIP_BROWSER_ENV}=1)")
    pytest.fail(
        f"{reason}: run scripts/ensure-chromium.sh (apt-get install chromium), "
        f"or set {SKIP_BROWSER_ENV}=1 to skip the browser tests.",
        pytrace=False,
    )


def launch_chromium(playwright: Any, executable: Path = CHROMIUM) -> Any:
    """Start headless chromium (Debian's build, not a Playwright download)."""
    return playwright.chromium.launch(
        executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True
    )


# --------------------------------------------------------------------------- server


@dataclass
class LabServer:
    """A running private JupyterLab server."""

    process: subprocess.Popen
    port: int
    token: str
    root_dir: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        """The lab URL opening ``name`` (relative to root_dir) in a fresh workspace."""
        return f"{self.base_url}/lab/tree/{quote(name)}?token={self.token}&reset"

    def api(self, path: str, method: str = "GET", timeout: float = 5.0) -> Any:
        """Call the REST API with the token; return the decoded JSON (None if empty)."""
        request = urllib.request.Request(
            f"{self.base_url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None,
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server log, for failure messages."""
        if not self.log_path.exists():
            return "(no server log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_user_settings(settings_dir: Path) -> None:
    """Write LAB_USER_SETTINGS as JupyterLab user-settings files."""
    for plugin, values in LAB_USER_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def lab_command(root_dir: Path, state_dir: Path, port: int, token: str) -> list[str]:
    """The command line of a private, offline JupyterLab server."""
    command = [
        sys.executable,  # the project's venv: the one running the tests
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        # Network: no news feed, no update check, no PyPI-backed extension manager.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={state_dir / 'user-settings'}",
        f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        # Safety net if pytest is killed before its finaliser: idle kernels are culled and
        # an unused server stops itself (a test run never stays idle this long).
        "--MappingKernelManager.cull_idle_timeout=600",
        "--MappingKernelManager.cull_interval=60",
        "--ServerApp.shutdown_no_activity_timeout=900",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # containers and CI often run as root
    return command


def lab_environment(state_dir: Path) -> dict[str, str]:
    """Environment isolating the server from the user's Jupyter and IPython config."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER_")}
    env.update(
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        IPYTHONDIR=str(state_dir / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_lab(root_dir: Path, state_dir: Path, timeout: float = SERVER_START_TIMEOUT) -> LabServer:
    """Start JupyterLab in its own process group and wait until /api/status answers."""
    state_dir.mkdir(parents=True, exist_ok=True)
    write_user_settings(state_dir / "user-settings")
    port, token = free_port(), secrets.token_hex(24)
    log_path = state_dir / "jupyterlab.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            lab_command(root_dir, state_dir, port, token),
            cwd=root_dir,
            env=lab_environment(state_dir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
        )
    server = LabServer(process, port, token, root_dir, log_path)
    try:
        wait_until(lambda: _answers(server), timeout, "JupyterLab did not answer /api/status")
    except BaseException as error:
        stop_lab(server)
        error.add_note(f"server log ({log_path}):\n{server.log_tail()}")
        raise
    return server


def _answers(server: LabServer) -> bool:
    """Whether the server answers an authenticated /api/status (fail if it has exited)."""
    if server.process.poll() is not None:
        raise LabError(f"JupyterLab exited with code {server.process.returncode}")
    try:
        return "started" in server.api("status", timeout=2.0)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def stop_lab(server: LabServer, timeout: float = SERVER_STOP_TIMEOUT) -> None:
    """Shut the server down (kernels first, via /api/shutdown), else kill its process group.

    Kernels run in their own sessions, so the graceful shutdown is what stops them; a
    kernel orphaned by a killed server exits by itself (ipykernel watches its parent).
    The group is only signalled while its leader is unreaped, so its id cannot be reused.
    """
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(OSError, urllib.error.URLError):
            server.api("shutdown", method="POST", timeout=timeout)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout / 2)


# --------------------------------------------------------------------------- notebooks


def copy_without_outputs(source: Path, target: Path) -> Path:
    """Copy a notebook with outputs and counts cleared, so every output seen is live."""
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata.pop("widgets", None)  # stored widget state would render stale views
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


# --------------------------------------------------------------------------- page


READ_TEXTS = """(sel) => Array.from(document.querySelectorAll(sel)).map(e => e.innerText)"""
COUNT_OUTPUTS = """(sel) => Array.from(document.querySelectorAll(sel)).map(area =>
    Array.from(area.children).filter(c => c.classList.contains('jp-OutputArea-child')).length)"""
MARK_CHARTS = """([graphs, frames]) => {
    document.querySelectorAll(frames).forEach((f, i) => { f.dataset.atmpFrame = `output-${i}`; });
    const found = Array.from(document.querySelectorAll(graphs));
    found.forEach((g, i) => { g.dataset.atmpProbe = `chart-${i}`; });
    return found.length;
}"""
# A graph's marks (its own, and its Output widget's if it sits in one), its data (typed
# arrays as lists, uids dropped) and the SVG paths plotly drew.
READ_CHARTS = """([graphs, frames]) => Array.from(document.querySelectorAll(graphs)).map(g => {
    const frame = g.parentElement.closest(frames);
    return {
        probe: g.dataset.atmpProbe || null,
        frame: frame ? frame.dataset.atmpFrame || null : null,
        position: frame ? Array.from(frame.querySelectorAll('.js-plotly-plot')).indexOf(g) : 0,
        data: JSON.parse(JSON.stringify(g.data || [], (key, value) =>
            key === 'uid' ? undefined : (ArrayBuffer.isView(value) ? Array.from(value) : value))),
        paths: Array.from(g.querySelectorAll('.cartesianlayer .plot path[d], .pielayer path[d]'))
            .map(p => p.getAttribute('d')),
    };
})"""
IS_CONNECTED = """(sel) => document.querySelector(sel)?.isConnected === true"""


@dataclass(frozen=True)
class Chart:
    """A plotly graph div: its marks, its traces and its drawn paths.

    ``probe`` marks the graph element itself, ``frame`` the ipywidgets ``Output`` widget
    around it (None if none). A ``FigureWidget`` (or a ``Plotly.react``) keeps the graph
    element; an ``Output`` widget whose output is replaced draws a new graph element inside
    the same Output widget. ``container`` is what must survive a redraw in place.
    """

    probe: str | None
    frame: str | None
    position: int
    data: list[dict]
    paths: list[str]

    @property
    def key(self) -> str | None:
        """Where the chart sits: its Output widget and position there, else its own mark."""
        return f"{self.frame}#{self.position}" if self.frame else self.probe

    @property
    def container(self) -> str:
        """A CSS selector for the element that must stay in the page during a redraw."""
        if self.frame:
            return f'[data-atmp-frame="{self.frame}"]'
        return f'[data-atmp-probe="{self.probe}"]'

    def trace_values(self, key: str, trace: int = 0) -> list:
        """One attribute of one trace (e.g. the bar heights ``y``)."""
        return list(self.data[trace].get(key, []))


@dataclass(frozen=True)
class ControlMove:
    """A control moved by the test: its kind and its value before and after."""

    kind: str
    before: str
    after: str


@dataclass
class LabNotebook:
    """One notebook open in JupyterLab in a Playwright page."""

    page: Any
    server: LabServer
    name: str
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    # ---- opening and running

    def open(self) -> None:
        """Load the lab page for the notebook and wait until its kernel is idle."""
        self.page.on("request", self._record_request)
        self.page.on("console", self._record_console)
        self.page.goto(self.server.notebook_url(self.name), timeout=PAGE_TIMEOUT * 1000)
        self.page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook", timeout=PAGE_TIMEOUT * 1000)
        self.wait_kernel_idle(PAGE_TIMEOUT)

    def wait_kernel_idle(self, timeout: float) -> None:
        """Wait until both the toolbar indicator and the server say the kernel is idle."""
        wait_until(
            lambda: self._indicator_status() == "idle" and self._server_kernel_state() == "idle",
            timeout,
            f"the kernel of {self.name} did not become idle",
        )

    def run_all_cells(self) -> str:
        """Run > Run All Cells from the menu bar; the command palette if the menu fails."""
        try:
            self._run_all_from_menu()
            return "menu"
        except Exception:  # whatever broke the menu path, the palette is the fallback
            self.page.keyboard.press("Escape")
            self._run_all_from_palette()
            return "palette"

    def wait_until_executed(self, timeout: float = RUN_TIMEOUT) -> list[str]:
        """Wait until every code cell has an execution count; fail if the run stopped."""
        prompts = wait_until(
            self._finished_prompts, timeout, f"{self.name}: Run All did not finish"
        )
        self.wait_kernel_idle(timeout)
        return prompts

    def wait_for_widgets(self, timeout: float = WIDGET_TIMEOUT) -> None:
        """Wait until a widget control and a drawn plotly graph are visible."""
        controls = self.page.locator(f"{SLIDER_HANDLE}, {NUMBER_INPUT}, {DROPDOWN}")
        controls.filter(visible=True).first.wait_for(timeout=timeout * 1000)
        self.page.locator(f"{PLOTLY_GRAPH} .main-svg").first.wait_for(timeout=timeout * 1000)

    def wait_for_charts_drawn(
        self, timeout: float = WIDGET_TIMEOUT, settle: float = 0.5
    ) -> list[Chart]:
        """Wait until every graph holds traces and two reads ``settle`` s apart agree.

        A FigureWidget draws its axes before its traces; a snapshot taken then would make
        any later redraw look like a response to the control.
        """
        previous: list[Chart] | None = None

        def settled() -> list[Chart] | None:
            nonlocal previous
            charts = self.charts()
            drawn = bool(charts) and all(chart.data for chart in charts)
            stable = drawn and charts == previous
            previous = charts
            return charts if stable else None

        return wait_until(settled, timeout, f"{self.name}: the charts did not settle", settle)

    # ---- reading

    def mark_charts(self) -> int:
        """Mark every plotly graph and Output widget, to recognise the same elements later."""
        return self.page.evaluate(MARK_CHARTS, [PLOTLY_GRAPH, OUTPUT_WIDGET])

    def charts(self) -> list[Chart]:
        """The plotly graphs in the cell outputs, in document order."""
        rows = self.page.evaluate(READ_CHARTS, [PLOTLY_GRAPH, OUTPUT_WIDGET])
        return [Chart(**row) for row in rows]

    def output_counts(self) -> list[int]:
        """How many outputs each cell's output area holds (a new output adds one)."""
        return self.page.evaluate(COUNT_OUTPUTS, OUTPUTS)

    def is_connected(self, selector: str) -> bool:
        """Whether the element ``selector`` finds is in the page."""
        return self.page.evaluate(IS_CONNECTED, selector)

    def widget_html_texts(self) -> list[str]:
        """Texts of the HTML widgets in the outputs (e.g. an explorer's result line)."""
        return self.page.evaluate(READ_TEXTS, f"{OUTPUTS} .widget-html-content")

    def stderr_texts(self) -> list[str]:
        """Texts of stderr and error outputs (tracebacks), for failure messages."""
        selector = f"{OUTPUTS} [data-mime-type='application/vnd.jupyter.stderr']"
        return self.page.evaluate(READ_TEXTS, selector)

    # ---- moving controls

    def move_first_control(self) -> ControlMove:
        """Move the first slider or number box (else dropdown) in the outputs by one step."""
        for selector, move in (
            (f"{SLIDER_HANDLE}, {NUMBER_INPUT}", self._move_slider_or_number),
            (DROPDOWN, self._move_dropdown),
        ):
            control = self.page.locator(selector).filter(visible=True).first
            if control.count():
                return move(control)
        raise LabError(f"{self.name}: no slider, int/float text box or dropdown in the outputs")

    def slider_value(self, index: int = 0) -> str:
        """The value a slider's handle announces (aria-valuetext)."""
        handle = self.page.locator(SLIDER_HANDLE).nth(index)
        return handle.get_attribute("aria-valuetext") or ""

    def press_slider(self, key: str = "ArrowRight", index: int = 0) -> ControlMove:
        """Focus a slider's handle and press a key (ArrowRight moves it one step up)."""
        handle = self.page.locator(SLIDER_HANDLE).nth(index)
        before = self.slider_value(index)
        handle.focus()
        handle.press(key)
        after = wait_until(
            lambda: self.slider_value(index) != before and self.slider_value(index),
            UPDATE_TIMEOUT,
            f"slider {index} did not move on {key}",
        )
        return ControlMove("slider", before, after)

    def type_slider_readout(self, value: str, index: int = 0) -> ControlMove:
        """Type a value into a slider's readout box and press Enter."""
        before = self.slider_value(index)
        readout = self.page.locator(f"{OUTPUTS} .widget-slider .widget-readout").nth(index)
        readout.click()
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(value)
        self.page.keyboard.press("Enter")
        wait_until(
            lambda: self.slider_value(index) == value,
            UPDATE_TIMEOUT,
            f"slider {index} did not take the typed value {value!r}",
        )
        return ControlMove("slider readout", before, value)

    # ---- internals

    def _record_request(self, request: Any) -> None:
        if not request.url.startswith(LOCAL_URL_PREFIXES):
            self.external_requests.append(request.url)

    def _record_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _indicator_status(self) -> str | None:
        indicator = self.page.locator(EXECUTION_INDICATOR).first
        return indicator.get_attribute("data-status") if indicator.count() else None

    def _server_kernel_state(self) -> str | None:
        sessions = self.server.api("sessions")
        states = [s["kernel"]["execution_state"] for s in sessions if s["path"] == self.name]
        return states[0] if states else None

    def _run_all_from_menu(self) -> None:
        self.page.locator("#jp-MainMenu").get_by_role("menuitem", name="Run", exact=True).click(
            timeout=5000
        )
        item = self.page.locator(".lm-Menu-item[data-command='runmenu:run-all']")
        if not item.count():
            item = self.page.get_by_role("menuitem", name="Run All Cells", exact=True)
        item.first.click(timeout=5000)

    def _run_all_from_palette(self) -> None:
        self.page.locator(f"{NOTEBOOK} .jp-Notebook").first.click()
        self.page.keyboard.press("ControlOrMeta+Shift+C")
        palette = self.page.locator(".lm-CommandPalette-input")
        palette.fill("Run All Cells", timeout=5000)
        command = ".lm-CommandPalette-item[data-command='notebook:run-all-cells']"
        self.page.locator(command).first.click(timeout=5000)

    def _finished_prompts(self) -> list[str] | None:
        """The code cells' prompts once all are numbered; raise if the run stopped early."""
        texts = self.page.evaluate(READ_TEXTS, f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt")
        prompts = [text.strip() for text in texts]
        if prompts and all(_is_numbered(p) for p in prompts):
            return prompts
        queued = any("*" in p for p in prompts)
        idle = self._indicator_status() == "idle"
        if any(_is_numbered(p) for p in prompts) and not queued and idle:
            stderr = "\n".join(self.stderr_texts())[-3000:]  # some ran, the rest were dropped
            raise LabError(f"{self.name}: Run All stopped early; prompts {prompts}\n{stderr}")
        return None

    def _move_slider_or_number(self, control: Any) -> ControlMove:
        if control.get_attribute("role") == "slider":
            index = self._index_of(control, SLIDER_HANDLE)
            value, maximum = (control.get_attribute(a) for a in ("aria-valuenow", "aria-valuemax"))
            at_max = value == maximum
            return self.press_slider("ArrowLeft" if at_max else "ArrowRight", index)
        return self._move_number(control)

    def _index_of(self, control: Any, selector: str) -> int:
        """The position of ``control`` among the elements matching ``selector``."""
        return control.evaluate(
            "(el, sel) => Array.from(document.querySelectorAll(sel)).indexOf(el)", selector
        )

    def _move_number(self, box: Any) -> ControlMove:
        """Step an int/float text box by its step (down if that would pass its max)."""
        before = box.input_value()
        step = _number_attribute(box, "step") or 1.0
        maximum = _number_attribute(box, "max")
        value = float(before or 0) + step
        if maximum is not None and value > maximum:
            value -= 2 * step
        after = str(int(value)) if value.is_integer() else repr(value)
        box.fill(after)
        box.press("Enter")
        return ControlMove("number", before, after)

    def _move_dropdown(self, select: Any) -> ControlMove:
        """Pick the option after the selected one (the one before, if it is the last)."""
        options = select.evaluate("s => Array.from(s.options).map(o => o.value)")
        before = select.input_value()
        position = options.index(before)
        after = options[position + 1] if position + 1 < len(options) else options[position - 1]
        select.select_option(after)
        return ControlMove("dropdown", before, after)


def _number_attribute(element: Any, name: str) -> float | None:
    """A numeric HTML attribute (min, max, step); None if absent or not a number ("any")."""
    try:
        return float(element.get_attribute(name))
    except (TypeError, ValueError):
        return None


def _is_numbered(prompt: str) -> bool:
    """Whether a prompt reads like ``[12]:`` (executed), not ``[ ]:`` or ``[*]:``."""
    inner = prompt.strip().removesuffix(":").strip("[]")
    return inner.isdigit()


@contextlib.contextmanager
def screenshot_on_failure(notebook: LabNotebook, path: Path) -> Iterator[None]:
    """On any failure, save a full-page screenshot and attach diagnostics to the error."""
    try:
        yield
    except BaseException as error:
        with contextlib.suppress(Exception):
            notebook.page.screenshot(path=str(path), full_page=True)
            error.add_note(f"screenshot: {path}")
        error.add_note(f"server log ({notebook.server.log_path}):\n{notebook.server.log_tail(15)}")
        if notebook.console_errors:
            error.add_note("browser console errors:\n" + "\n".join(notebook.console_errors[-10:]))
        raise
