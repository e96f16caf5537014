"""What atmp_lib.seams relies on in other packages still holds; an upgrade that breaks it
fails here, by name, rather than somewhere in a report run."""

from __future__ import annotations

import inspect
from typing import Any

import plotly.graph_objects as go


def test_plotly_mimetype_renderer_still_builds_bundles_from_to_mimebundle() -> None:
    from atmp_lib.charts import ReportRenderer
    from atmp_lib.seams import mimetype_renderer_base

    base = mimetype_renderer_base()
    assert issubclass(ReportRenderer, base)
    assert "to_mimebundle" in vars(base)
    bundle = ReportRenderer().to_mimebundle(go.Figure(go.Bar(x=[1], y=[2])).to_dict())
    assert {"application/vnd.plotly.v1+json", "text/html"} <= set(bundle)


def test_papermill_engine_method_is_still_the_one_the_seam_repeats() -> None:
    """The seam repeats Engine.execute_notebook with another execution manager; if papermill
    changes that method (its signature or what it calls), the repetition must be reviewed."""
    from papermill.engines import Engine, NotebookExecutionManager

    signature = inspect.signature(Engine.execute_notebook)
    assert list(signature.parameters) == [
        "nb", "kernel_name", "output_path", "progress_bar", "log_output",
        "autosave_cell_every", "kwargs",
    ]  # fmt: skip
    source = inspect.getsource(Engine.execute_notebook)
    for step in ("NotebookExecutionManager(", "nb_man.notebook_start()",
                 "cls.execute_managed_notebook(", "nb_man.cleanup_pbar()",
                 "nb_man.notebook_complete()"):  # fmt: skip
        assert step in source, step
    for hook in ("cell_start", "cell_complete", "save", "notebook_start", "notebook_complete"):
        assert callable(getattr(NotebookExecutionManager, hook)), hook


def test_the_seam_registers_its_engine_with_papermill() -> None:
    from papermill.engines import papermill_engines

    from atmp_lib.seams import papermill_engine

    name = papermill_engine()
    assert papermill_engines.get_engine(name).__name__ == "SavingLessEngine"


def test_the_engine_saves_at_the_start_and_end_but_not_at_every_short_cell(tmp_path) -> None:
    """The manager keeps ``last_save_time`` and ``now()`` (the seam reads both): a run of
    quick code cells is written when it starts and when it ends, not once per cell."""
    import nbformat
    from papermill.engines import papermill_engines

    from atmp_lib.seams import papermill_engine

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(4)])
    for cell in nb.cells:
        cell.metadata["papermill"] = {}
    nb.metadata["papermill"] = {}
    writes: list[str] = []
    engine = papermill_engines.get_engine(papermill_engine())

    def run(cls: type, managed: Any, kernel_name: str, **kwargs: Any) -> None:
        for index, cell in enumerate(managed.nb.cells):
            managed.cell_start(cell, index)
            managed.cell_complete(cell, index)

    import papermill.engines as engines

    original_write = engines.write_ipynb
    engines.write_ipynb = lambda nb, path: writes.append(path)
    original_run = engine.execute_managed_notebook
    engine.execute_managed_notebook = classmethod(run)
    try:
        engine.execute_notebook(nb, "python3", output_path=str(tmp_path / "out.ipynb"),
                                progress_bar=False)  # fmt: skip
    finally:
        engines.write_ipynb = original_write
        engine.execute_managed_notebook = original_run
    assert len(writes) == 2  # notebook start and notebook end


def test_jsonschema_still_imports_and_validates_notebooks_without_the_iri_grammar() -> None:
    """The run skips ``rfc3987_syntax`` (see seams.skip_iri_grammar); jsonschema and
    nbformat must still work without it."""
    import subprocess
    import sys

    code = (
        "from atmp_lib import seams; seams.skip_iri_grammar(); import nbformat, sys; "
        "nbformat.validate(nbformat.v4.new_notebook()); "
        "assert sys.modules['rfc3987_syntax'] is None"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
