"""A section notebook served as a web app on this machine, with Voila.

Voila runs the notebook in a kernel and shows its outputs and widgets, without code. The
``atmp-app`` template (``templates/voila/templates/atmp-app``) leaves out the cells tagged
notebook-only and every request to another host, and the notebook's page functions know
they are served (:func:`atmp_lib.page.served`): they show only what the app is for.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from atmp_lib.params import Section

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "atmp-app"
HOST = "127.0.0.1"


def voila_command(section: Section, port: int, open_browser: bool = False) -> list[str]:
    """The command serving a section notebook on ``127.0.0.1:port``."""
    command = [
        sys.executable, "-m", "voila", str(section.path), f"--Voila.ip={HOST}", f"--port={port}",
        f"--template={TEMPLATE}", "--theme=light", "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
    ]  # fmt: skip
    if not open_browser:
        command.append("--no-browser")
    return command


def voila_environment() -> dict[str, str]:
    """The environment Voila needs to find the app template shipped with the package."""
    paths = [str(TEMPLATES), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {**os.environ, "JUPYTER_PATH": os.pathsep.join(paths)}
