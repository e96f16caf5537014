"""The scenario explorer served as a web app (``atmp-report app``), driven in chromium: it
shows the explorer without code or report prose, asks nothing of other hosts, redraws a
chart when a control moves, switches language, and offers the settings as a YAML download
instead of writing on the server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jupyterlab_session import free_port, launch_chromium, require_chromium, wait_until

from atmp_lib.engine import app as app_mod

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 120_000  # ms: the kernel runs the whole notebook before the page shows
UPDATE_TIMEOUT = 30.0
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


def test_the_app_command_serves_the_notebook_on_localhost_only() -> None:
    section = type("S", (), {"path": ROOT / "notebooks" / "05_scenarios.ipynb"})()
    command = app_mod.voila_command(section, 9999)  # type: ignore[arg-type]
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert f"--template={app_mod.TEMPLATE}" in command and "--strip_sources=True" in command
    template = app_mod.TEMPLATES / "voila" / "templates" / app_mod.TEMPLATE
    assert (template / "index.html.j2").is_file()


def _answers(url: str, process: subprocess.Popen) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"atmp-report app exited with code {process.returncode}")
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``atmp-report app scenarios`` on a free port, stopped (with its kernels) afterwards."""
    state = tmp_path_factory.mktemp("app-state")
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTER_CONFIG_DIR": str(state / "config")}  # fmt: skip
    log = (state / "app.log").open("w")
    command = [sys.executable, "-m", "atmp_lib.engine.cli", "--root", str(ROOT), "app",
               "scenarios", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: _answers(url, process), START_TIMEOUT, "the app to answer")
        yield url
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def app_page(app_url: str) -> Iterator[tuple[Any, list[str]]]:
    """The app opened in chromium, with every request to another host refused and noted."""
    from playwright.sync_api import sync_playwright

    external: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(LOCAL):
            request_route.continue_()
        else:
            external.append(url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 1800},
                                          accept_downloads=True)  # fmt: skip
            context.route("**/*", route)
            page = context.new_page()
            page.goto(app_url)
            page.wait_for_selector(".js-plotly-plot", timeout=RENDER_TIMEOUT)
            yield page, external
        finally:
            browser.close()


def _first_chart(page: Any) -> str:
    return page.evaluate(
        "() => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[0].data.map(t => t.y))"
    )


def test_the_app_shows_the_explorer_without_code_or_report_prose(app_page: Any) -> None:
    page, external = app_page
    text = page.inner_text("body")
    assert page.locator(".js-plotly-plot").count() == 3  # the explorer's charts only
    assert "from atmp_lib" not in text and "page.heading" not in text
    assert "Sensitivity" not in text  # a report heading: the report's prose is left out
    assert page.get_by_role("tab", name="Need", exact=True).count() == 1
    assert page.get_by_role("heading", level=1).inner_text().endswith("scenario explorer")
    assert external == []


def test_moving_a_control_redraws_the_chart_in_place(app_page: Any) -> None:
    page, external = app_page
    before = _first_chart(page)
    page.get_by_role("tab", name="Need", exact=True).click()
    box = page.get_by_role("spinbutton").locator("visible=true").first
    box.fill("450")
    box.press("Enter")
    wait_until(lambda: _first_chart(page) != before, UPDATE_TIMEOUT, "the chart to redraw")
    assert external == []


def test_the_language_switch_and_the_download_of_the_settings(app_page: Any) -> None:
    page, external = app_page
    page.get_by_text("Svenska", exact=True).click()
    page.wait_for_selector("text=Språk", timeout=UPDATE_TIMEOUT * 1000)
    assert page.get_by_role("heading", level=1).inner_text().endswith("scenarioutforskare")
    page.get_by_role("textbox").last.fill("min_plan")
    page.get_by_role("button", name="Spara som fil").click()
    link = page.locator("a[download]")
    link.wait_for(timeout=UPDATE_TIMEOUT * 1000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    saved = yaml.safe_load(Path(download.path()).read_text(encoding="utf-8"))
    assert download.suggested_filename == "min_plan.yaml"
    assert saved["need_companies"] == 450  # the setting moved in the earlier test
    assert external == []
