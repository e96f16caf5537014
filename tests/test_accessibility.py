"""Every page of the report, in both languages, passes axe-core (the accessibility checker
Deque publishes) with no violation of any impact (WCAG 2.1 AA, the level Swedish
public-sector websites must meet, and axe's best practices)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyterlab_session import launch_chromium, require_chromium

AXE = Path(__file__).resolve().parent / "browser_tools" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, require_chromium())
        try:
            yield chromium
        finally:
            chromium.close()


def report_pages(run_dir: Path) -> list[Path]:
    return [*sorted(run_dir.glob("*/*/*.html")), run_dir / "index.html", run_dir / "sources.html"]


def axe_violations(browser: Any, page_path: Path) -> list[str]:
    """Every rule axe-core finds broken on a page (opened from disk, no network)."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("file:") else route.abort())  # fmt: skip
    page = context.new_page()
    try:
        page.goto(page_path.resolve().as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
    finally:
        context.close()
    return [
        f"{rule['id']} ({rule['impact']}): {node['html'][:120]}"
        for rule in result["violations"]
        for node in rule["nodes"]
    ]


def test_every_page_passes_axe_with_no_violation(real_report: Path, browser: Any) -> None:
    assert AXE.is_file(), "run scripts/ensure-browser-tools.sh (npm ci) first"
    pages = report_pages(real_report)
    assert len(pages) >= 12
    found = {page.relative_to(real_report).as_posix(): axe_violations(browser, page)
             for page in pages}  # fmt: skip
    assert {name: problems for name, problems in found.items() if problems} == {}
