"""Every page of the report, in both languages, passes axe-core (the accessibility checker
Deque publishes) with no violation of any impact (WCAG 2.1 AA, the level Swedish
public-sector websites must meet, and axe's best practices)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyterlab_session import launch_chromium, require_chromium

AXE = Path(__file__).resolve().parent / "browser_tools" / "node_modules" / "axe-core" / "axe.min.js"

#: WCAG 2.1 success criterion 1.4.11: graphical objects need 3:1 against their background.
MIN_GRAPHIC_CONTRAST = 3.0

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


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


#: The colours plotly gives traces that set none, when the layout names no colorway.
PLOTLY_COLORWAY = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3",
                   "#ff6692", "#b6e880", "#ff97ff", "#fecb52"]  # fmt: skip


def chart_colours(page: str) -> set[str]:
    """The colours chart marks are drawn in (bars, lines, markers), as #rrggbb: each trace's
    own colours, or the colorway's colour for a trace that sets none."""
    colours = set()
    for blob in re.findall(r"var fig = (\{.*?\});\n", page):
        figure = json.loads(blob)
        colorway = figure.get("layout", {}).get("colorway") or PLOTLY_COLORWAY
        data_traces = [t for t in figure.get("data", []) if t.get("mode") != "text"]
        for index, trace in enumerate(data_traces):
            if trace.get("type") == "heatmap":
                continue  # cells carry their grade as text as well as colour
            own = set()
            for part in ("marker", "line"):
                value = (trace.get(part) or {}).get("color")
                values = value if isinstance(value, list) else [value]
                own |= {v.lower() for v in values if isinstance(v, str) and v.startswith("#")}
            colours |= own or {colorway[index % len(colorway)].lower()}
    return {colour[:7] for colour in colours if len(colour) in (7, 9)}


def test_chart_marks_stand_out_against_the_page(real_report: Path) -> None:
    """Every bar, line and marker colour of every chart has 3:1 against the white page."""
    weak = {
        f"{page.parent.name}/{page.name}: {colour} ({contrast_with_white(colour):.2f}:1)"
        for page in sorted(real_report.glob("*/*/*.html"))
        for colour in chart_colours(page.read_text(encoding="utf-8"))
        if contrast_with_white(colour) < MIN_GRAPHIC_CONTRAST
    }
    assert weak == set()
    assert len(set().union(*(chart_colours(p.read_text(encoding="utf-8"))
                             for p in real_report.glob("*/*/*.html")))) >= 4  # fmt: skip
