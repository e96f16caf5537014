"""Debian's chromium, headless and offline: used for screenshots and the browser tests.

One place for the binary and its flags, so that every check of a page sees it as a reader
without network would: each host name resolves to nothing, background fetching is off.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ATMP_CHROMIUM", "/usr/bin/chromium"))
SKIP_BROWSER_ENV = "ATMP_SKIP_BROWSER"

# Flags for a root user in a container with no GPU and no network.
BASE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND"
LOCALHOST_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def page_command(url: str, profile: Path, output_flag: str, budget_ms: int = 15000) -> list[str]:
    """Headless chromium opening ``url`` offline, e.g. with ``--dump-dom`` or ``--screenshot=``."""
    return [
        str(CHROMIUM), "--headless", *BASE_FLAGS, NO_NETWORK, f"--user-data-dir={profile}",
        f"--virtual-time-budget={budget_ms}", output_flag, url,
    ]  # fmt: skip
