"""The report engine: validate, plan, execute the section notebooks, publish the report.

It knows nothing of ATMP: it runs the notebooks of a project folder (:mod:`atmp_lib.paths`)
with the parameter files in ``params/``, and writes one folder per run.

- :mod:`.planning` turns sections, parameter files and languages into distinct executions;
- :mod:`.cache` keeps executed notebooks and pages by the hash of everything they depend on;
- :mod:`.kernels` and :mod:`.execution` run notebooks with papermill in worker processes;
- :mod:`.publishing` writes pages, the entry page, shared assets and the claims register;
- :mod:`.manifest` records what a run did; :mod:`.run` ties it together; :mod:`.prune`
  removes old runs; :mod:`.cli` is the ``atmp-report`` command and owns the exit codes.
"""
