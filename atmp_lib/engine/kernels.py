"""Kernels for the section notebooks: private IPC sockets, and spares started ahead of need.

Starting a kernel and importing pandas and plotly takes seconds; a worker that keeps the
next kernel booting on the other core while its current notebook runs halves a cold run.
:class:`KernelPool` holds those spare kernels for one worker process, and shuts every
kernel it started down when it is closed.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
SOCKET_PREFIX = "atmp-kernel-"
EXIT_GRACE_S = 0.2

#: Run in a spare kernel before its notebook: the imports every section makes through
#: atmp_lib.page, plotly's renderers, and one throwaway chart of each kind the sections
#: draw (plotly loads its validators on first use: most of a first chart's cost).
#: jsonschema is kept from importing ``rfc3987_syntax`` (a grammar compiled at import,
#: ~1.5 s; nbformat's schema uses no IRI formats). Sent as a *silent* request: nothing of
#: it appears in the notebook.
WARM_UP_CODE = """\
try:
    import sys
    sys.modules.setdefault("rfc3987_syntax", None)
    import pandas, plotly.graph_objects as go, plotly.io, atmp_lib.page
    plotly.io.renderers
    _warm = go.Figure([go.Bar(x=[1], y=[1], error_y={"array": [1]}), go.Scatter(x=[1], y=[1]),
                       go.Heatmap(z=[[1]])])
    _warm.update_layout(template="plotly_white", title={"text": "x"}, legend={"x": 0},
                        annotations=[{"text": "x"}])
    _warm.update_xaxes(title_text="x")
    _warm.to_json()
    del _warm
except Exception:
    pass
"""


#: Kernels log an ERROR ("KeyboardInterrupt caught in kernel") when jupyter_client
#: interrupts them on the way to an ordinary shutdown; a notebook's own errors reach the
#: run through kernel messages, so a kernel's log is kept to what is critical.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)


def socket_prefix(owner: int) -> str:
    """The temp-folder prefix of the IPC sockets of kernels started for process ``owner``
    (a run), so that what a killed worker leaves behind can be removed afterwards."""
    return f"{SOCKET_PREFIX}{owner}-"


def remove_sockets(prefix: str) -> int:
    """Remove the socket files left under ``prefix``; returns how many there were."""
    left = list(Path(tempfile.gettempdir()).glob(f"{prefix}*"))
    for path in left:
        path.unlink(missing_ok=True)
    return len(left)


@cache
def kernel_manager_class(prefix: str = SOCKET_PREFIX) -> type:
    """jupyter_client's kernel manager over IPC (Unix sockets) instead of TCP on localhost:
    private to this user, and ipykernel does not warn about unencrypted TCP. Each kernel
    gets its own socket path, starting with ``prefix``, in the temp folder (the default is
    shared by concurrent kernels)."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return str(Path(tempfile.gettempdir()) / f"{prefix}{uuid.uuid4().hex[:16]}")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return super().format_kernel_cmd([*(extra_arguments or []), *KERNEL_ARGUMENTS])

        def client(self, **kwargs: Any) -> Any:
            """Remember clients, so that a kernel handed to papermill is closed with them."""
            made = super().client(**kwargs)
            self.__dict__.setdefault("atmp_clients", []).append(made)
            return made

    return IPCKernelManager


@dataclass
class Spare:
    """A kernel started ahead of time, with the client that sent it the warm-up code."""

    cwd: str
    manager: Any
    client: Any


@dataclass
class KernelPool:
    """Spare kernels of one worker process (oldest, i.e. warmest, first)."""

    cwd: str
    prefix: str = SOCKET_PREFIX
    spares: list[Spare] = field(default_factory=list)
    retiring: list[Spare] = field(default_factory=list)

    def top_up(self, count: int) -> None:
        """Start kernels until ``count`` spares are booting or ready."""
        while len(self.spares) < count:
            self.spares.append(_start(self.cwd, self.prefix))

    def take(self) -> Spare | None:
        """The warmest spare that is alive (dead ones are shut down), or None."""
        from jupyter_core.utils import run_sync

        while self.spares:
            spare = self.spares.pop(0)
            if run_sync(spare.manager.is_alive)():
                return spare
            _shutdown(spare, now=True)
        return None

    def retire(self, spare: Spare) -> None:
        """Ask a used kernel to stop and move on; :meth:`reap` collects it later."""
        from jupyter_core.utils import run_sync

        _close_clients(spare)
        try:
            run_sync(spare.manager.request_shutdown)()
        except Exception:
            _shutdown(spare, now=True)
            return
        self.retiring.append(spare)

    def reap(self, wait: bool = False) -> None:
        """Clean up retired kernels that have exited (with ``wait``: all of them)."""
        from jupyter_core.utils import run_sync

        for spare in list(self.retiring):
            with contextlib.suppress(Exception):
                if not wait and run_sync(spare.manager.is_alive)():
                    continue
                run_sync(spare.manager.finish_shutdown)(waittime=EXIT_GRACE_S)
                run_sync(spare.manager.cleanup_resources)()
            self.retiring.remove(spare)

    def close(self) -> None:
        """Shut every spare down at once and collect every retired kernel."""
        while self.spares:
            _shutdown(self.spares.pop(), now=True)
        self.reap(wait=True)


def _start(cwd: str, prefix: str) -> Spare:
    """Start a kernel in ``cwd`` and send it the warm-up code, without waiting for either."""
    from jupyter_core.utils import run_sync

    manager = kernel_manager_class(prefix)(kernel_name=KERNEL_NAME)
    run_sync(manager.start_kernel)(cwd=cwd)
    client = manager.blocking_client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP_CODE, silent=True, store_history=False)
    return Spare(cwd, manager, client)


def _close_clients(spare: Spare) -> None:
    for client in [spare.client, *spare.manager.__dict__.get("atmp_clients", [])]:
        with contextlib.suppress(Exception):
            client.stop_channels()


def _shutdown(spare: Spare, now: bool = False) -> None:
    """Close every client of the kernel and shut it down, waiting for it."""
    from jupyter_core.utils import run_sync

    _close_clients(spare)
    with contextlib.suppress(Exception):
        run_sync(spare.manager.shutdown_kernel)(now=now)
