"""Regenerate docs/screenshots/<section>.png from the newest successful report.

Builds the report first when reports/latest is missing. Uses Debian's chromium headless,
with networking off, so the pictures show what a reader sees offline.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
TARGET = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    '--host-resolver-rules=MAP * ~NOTFOUND',
    "--window-size=1280,1800",
    "--virtual-time-budget=15000",
]


def latest_pages() -> list[Path]:
    """The section pages of the newest successful run (English, default parameters)."""
    latest = REPORTS / "latest"
    if not latest.exists():
        subprocess.run([sys.executable, "-m", "atmp_lib.cli", "run"], cwd=ROOT, check=True)
    pages = sorted((latest / "default" / "en").glob("*.html"))
    if not pages:
        raise SystemExit(f"no section pages under {latest}/default/en")
    return pages


def screenshot(page: Path, target: Path) -> None:
    """Render one page headless and save the top of it as PNG."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--screenshot={target}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for page in latest_pages():
        target = TARGET / f"{page.stem}.png"
        screenshot(page, target)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
