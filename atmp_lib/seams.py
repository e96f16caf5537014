"""The few places that rely on another package's internals, kept in one small module.

Each is covered by ``tests/test_seams.py``, which fails loudly when an upgrade of that
package changes what is relied on here.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

PAPERMILL_ENGINE = "atmp"


def skip_iri_grammar() -> None:
    """Keep jsonschema (imported with nbformat and papermill) from importing
    ``rfc3987_syntax``, which compiles an IRI grammar at import (about a second per
    process); nbformat's notebook schema uses no IRI formats. A None in ``sys.modules``
    makes the import fail, which jsonschema treats as the package being absent."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def mimetype_renderer_base() -> type:
    """plotly's base class for renderers that return a mime bundle (not public API)."""
    from plotly.io._base_renderers import MimetypeRenderer

    return MimetypeRenderer


#: A code cell's start saves the notebook only when the last save is older than this, so
#: that a run of short cells is not written out once per cell.
START_SAVE_SECONDS = 5.0


@cache
def papermill_engine() -> str:
    """Register and name a papermill engine that saves the notebook less often.

    papermill writes the whole notebook whenever any cell (markdown too) starts and
    completes; for short sections that costs more than their cells. This engine saves at the
    start, when a *code* cell starts at least :data:`START_SAVE_SECONDS` after the last save,
    when papermill's autosave fires on a long cell's output, and at the end (after an error
    or an interrupt too, with the running cell marked): the executed notebook is always
    whole, only the file seen *during* a run may lag behind by a few quick cells.
    papermill builds its execution manager inside ``Engine.execute_notebook``, so that
    method is repeated here with the other manager.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class StartSavingManager(NotebookExecutionManager):
        _skip_next_save = False

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            recent = (self.now() - self.last_save_time).total_seconds() < START_SAVE_SECONDS
            self._skip_next_save = cell.get("cell_type") != "code" or recent
            super().cell_start(cell, cell_index, **kwargs)

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            self._skip_next_save = True
            super().cell_complete(cell, cell_index, **kwargs)

        def save(self, **kwargs: Any) -> None:
            skip = self._skip_next_save and self.end_time is None
            self._skip_next_save = False
            if not skip:
                super().save(**kwargs)

    class SavingLessEngine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb: Any,
            kernel_name: str,
            output_path: str | None = None,
            progress_bar: bool | dict = True,
            log_output: bool = False,
            autosave_cell_every: int = 30,
            **kwargs: Any,
        ) -> Any:
            manager = StartSavingManager(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()
            return manager.nb

    papermill_engines.register(PAPERMILL_ENGINE, SavingLessEngine)
    return PAPERMILL_ENGINE
