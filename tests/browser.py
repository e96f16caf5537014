"""Render an HTML file in Debian's headless chromium, offline, and inspect the resulting DOM.

Reusable by any test of report pages::

    from browser import figure_report, render_dom, render_doms

    dom = render_dom(page_path, tmp_path)  # fails clearly without chromium
    for figure in figure_report(dom): assert figure.rendered, figure.id
    doms = render_doms(page_paths, tmp_path)  # two chromium processes at a time

Every host name resolves to nothing (``--host-resolver-rules``), so a page that needs the
network shows it as a missing plot rather than silently fetching.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atmp_lib.headless import CHROMIUM, SKIP_BROWSER_ENV, page_command

SKIP_ENV = SKIP_BROWSER_ENV
FIGURE_CLASS = "atmp-figure"


def require_chromium() -> Path:
    """The chromium binary; fail the test when it is missing, unless ATMP_SKIP_BROWSER=1."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: headless-browser checks skipped")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) "
            f"or set {SKIP_ENV}=1 to skip the headless-browser checks",
            pytrace=False,
        )
    return CHROMIUM


def chromium_command(url: str, profile: Path, budget_ms: int = 15000) -> list[str]:
    """The headless, offline chromium command that dumps the DOM of ``url``."""
    return page_command(url, profile, "--dump-dom", budget_ms)


def render_dom(html_file: Path, tmp_path: Path, budget_ms: int = 15000, timeout: int = 180) -> str:
    """Open ``html_file`` from disk in headless chromium and return the DOM after scripts ran."""
    require_chromium()
    profile = tmp_path / f"chromium-profile-{html_file.stem}"
    profile.mkdir(parents=True, exist_ok=True)
    command = chromium_command(html_file.resolve().as_uri(), profile, budget_ms)
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    assert "<html" in done.stdout, f"chromium printed no DOM; stderr: {done.stderr[-2000:]}"
    return done.stdout


def render_doms(html_files: list[Path], tmp_path: Path, parallel: int = 2) -> dict[Path, str]:
    """:func:`render_dom` for several pages, ``parallel`` chromium processes at a time."""
    require_chromium()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        doms = pool.map(lambda path: render_dom(path, tmp_path), html_files)
        return dict(zip(html_files, doms, strict=True))


@dataclass
class Figure:
    """One ``atmp-figure`` div and the CSS classes found anywhere inside it."""

    id: str
    classes: set[str] = field(default_factory=set)

    @property
    def rendered(self) -> bool:
        """Plotly drew it: a plot container holding the main SVG."""
        return {"plot-container", "main-svg"} <= self.classes


class _FigureCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: list[Figure] = []
        self._depth = 0  # open divs inside the current figure div; 0 = outside any figure

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self._depth:
            self.figures[-1].classes |= classes
            self._depth += tag == "div"
        elif tag == "div" and FIGURE_CLASS in classes:
            self.figures.append(Figure(id=dict(attrs).get("id") or ""))
            self._depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self.figures[-1].classes |= set((dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1


def figure_report(dom: str) -> list[Figure]:
    """Every ``atmp-figure`` div of a DOM with the classes inside it."""
    collector = _FigureCollector()
    collector.feed(dom)
    collector.close()
    return collector.figures
