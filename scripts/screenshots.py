"""Regenerate docs/screenshots/<section>.png from a fresh report, and app.png of the
scenario explorer served as a web app.

Builds the report first (default parameters, English). Uses Debian's chromium headless,
with networking off (the app: only 127.0.0.1), so the pictures show what a reader sees
offline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from atmp_lib.headless import BASE_FLAGS, CHROMIUM, LOCALHOST_ONLY, page_command

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
TARGET = ROOT / "docs" / "screenshots"
WINDOW = "--window-size=1280,1800"


def latest_pages() -> list[Path]:
    """The section pages of a fresh run (English, default parameters)."""
    latest = REPORTS / "latest"
    command = [sys.executable, "-m", "atmp_lib.engine.cli", "run", "--lang", "en", "--no-progress"]
    subprocess.run(command, cwd=ROOT, check=True)
    pages = sorted((latest / "default" / "en").glob("*.html"))
    if not pages:
        raise SystemExit(f"no section pages under {latest}/default/en")
    return pages


def screenshot(page: Path, target: Path) -> None:
    """Render one page headless and save the top of it as PNG."""
    with tempfile.TemporaryDirectory() as profile:
        command = page_command(page.resolve().as_uri(), Path(profile), f"--screenshot={target}")
        command[1:1] = [WINDOW, "--hide-scrollbars"]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def served_app(timeout: float = 60.0) -> Iterator[str]:
    """``atmp-report app scenarios`` on a free port; its URL once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "atmp_lib.engine.cli", "app", "scenarios", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app did not answer on {url}")
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def app_screenshot(target: Path) -> None:
    """The explorer app once its charts are drawn (Playwright drives Debian's chromium)."""
    from playwright.sync_api import sync_playwright

    with served_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*BASE_FLAGS, LOCALHOST_ONLY], headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1800})
            page.goto(url)
            page.wait_for_selector(".js-plotly-plot", timeout=120_000)
            page.wait_for_timeout(1500)  # let the charts finish their first draw
            page.screenshot(path=str(target))
        finally:
            browser.close()


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for page in latest_pages():
        target = TARGET / f"{page.stem}.png"
        screenshot(page, target)
        print(f"wrote {target.relative_to(ROOT)}")
    app_screenshot(TARGET / "app.png")
    print(f"wrote {(TARGET / 'app.png').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
