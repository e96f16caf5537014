"""Regenerate docs/screenshots/<section>.png from a fresh report.

Builds the report first (default parameters, English). Uses Debian's chromium headless,
with networking off, so the pictures show what a reader sees offline.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from atmp_lib.headless import page_command

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


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for page in latest_pages():
        target = TARGET / f"{page.stem}.png"
        screenshot(page, target)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
