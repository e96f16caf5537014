"""Timings of the scenario model: the Monte Carlo and one interactive update.

Targets: 100,000 draws of a five-year scenario with every option switched on and CCRM
Nordic established well under a second; a control change in the explorer (10,000 draws,
the one-at-a-time sensitivity view recomputed, three charts replaced in place) within
100 ms. Run with
``.venv/bin/python benchmarks/bench_model.py``; it prints the timings and whether each
target is met (always exit code 0: timings on a shared machine are not a test).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from atmp_lib import datasets
from atmp_lib.sections.scenarios import model, scenario, views, widgets

MC_DRAWS = 100_000
MC_TARGET_MS = 1000
UPDATE_DRAWS = 10_000
UPDATE_TARGET_MS = 100
REPEATS = 7


def timings_ms(action: Callable[[int], None], repeats: int = REPEATS) -> list[float]:
    """Wall-clock milliseconds of ``action(i)`` for i in 0..repeats-1 (after one warm-up)."""
    action(-1)
    result = []
    for index in range(repeats):
        start = time.perf_counter()
        action(index)
        result.append((time.perf_counter() - start) * 1000)
    return result


def report(title: str, values: list[float], target: float) -> None:
    verdict = "OK" if statistics.median(values) < target else "SLOW"
    print(
        f"{title}: best {min(values):.1f} ms, median {statistics.median(values):.1f} ms, "
        f"max {max(values):.1f} ms (target < {target} ms): {verdict}"
    )


def monte_carlo_run(base: scenario.Scenario, basis: scenario.Basis) -> Callable[[int], None]:
    """Draw, simulate and take P10/P50/P90 per year and at the end of the horizon."""

    def run(_index: int) -> None:
        projection = model.monte_carlo(base, basis, draws=MC_DRAWS)
        model.total_percentiles(projection)
        model.end_of_horizon(projection)

    return run


def explorer_update(base: scenario.Scenario, basis: scenario.Basis) -> Callable[[int], None]:
    """Change the companies' need in the explorer: model and sensitivity view re-run, the
    three charts replaced."""
    note = views.model_source_note(datasets.load("facts"), "en")
    explorer = widgets.ScenarioExplorer(
        base.replace(draws=UPDATE_DRAWS), basis, "en", note, base=base
    )

    def run(index: int) -> None:
        explorer.controls["need_companies"].value = base.need_companies + 10 * (index + 2)

    return run


def main() -> None:
    base = scenario.load_default_scenario().with_every_option()
    base = base.replace(ccrm_nordic_established=True)
    basis = scenario.load_basis()
    horizon = base.horizon_years
    report(
        f"Monte Carlo, {MC_DRAWS:,} draws x {horizon} years (draw, simulate, percentiles)",
        timings_ms(monte_carlo_run(base, basis)),
        MC_TARGET_MS,
    )
    report(
        f"Interactive update, {UPDATE_DRAWS:,} draws (control change to charts replaced)",
        timings_ms(explorer_update(base, basis)),
        UPDATE_TARGET_MS,
    )


if __name__ == "__main__":
    main()
