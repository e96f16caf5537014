"""The report as one PDF per language, printed by headless Chromium.

Each page of a language is printed on A4 with its print stylesheet (no navigation, charts
fitting the page) after its charts are drawn, and the pages are joined in report order.
Printing needs Debian's ``chromium`` (or the browser ``ATMP_CHROMIUM`` names); a run asked
for PDFs checks for it before anything is executed.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from atmp_lib.headless import page_command

PRINT_BUDGET_MS = 20000  # time for a page's scripts (plotly) to draw before printing
PRINT_TIMEOUT_S = 180


def chromium_problem(chromium: Path) -> str | None:
    """Why PDFs cannot be printed here, or None."""
    if not chromium.is_file():
        return (f"--pdf needs Chromium to print the pages; {chromium} was not found (install "
                "Debian's chromium or set ATMP_CHROMIUM to a Chromium binary)")  # fmt: skip
    return None


def print_pdf(pages: list[Path], target: Path) -> None:
    """Print ``pages`` (HTML files, in order) into one PDF at ``target``, atomically."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    with tempfile.TemporaryDirectory(prefix="atmp-pdf-") as scratch:
        for number, page in enumerate(pages):
            printed = Path(scratch) / f"{number:03d}.pdf"
            _print_page(page, printed, Path(scratch) / "profile")
            writer.append(str(printed))
        temporary = target.with_name(f".{target.name}.tmp")
        try:
            with temporary.open("wb") as handle:
                writer.write(handle)
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)


def _print_page(page: Path, output: Path, profile: Path) -> None:
    command = page_command(
        page.resolve().as_uri(), profile, f"--print-to-pdf={output}", PRINT_BUDGET_MS
    )
    command[-1:-1] = ["--no-pdf-header-footer", "--run-all-compositor-stages-before-draw"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S)
    if done.returncode != 0 or not output.is_file():
        raise OSError(f"Chromium could not print {page.name}: {done.stderr.strip()[-300:]}")
