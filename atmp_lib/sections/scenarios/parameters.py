"""The scenarios section's parameters: the fields of :class:`atmp_lib.scenario.Scenario`."""

from __future__ import annotations

from typing import Any

from atmp_lib import scenario
from atmp_lib.i18n import t
from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import LANG


class ScenarioParam(Param):
    """A scenario field, held to the rule its spec in :mod:`atmp_lib.scenario` states."""

    def fault(self, value: Any) -> str | None:
        return scenario.value_fault(self.name, value)

    def allowed(self) -> str:
        return scenario.allowed_text(self.name).removeprefix("allowed: ")


FIELDS = tuple(
    ScenarioParam(name, spec.kind, t(f"param_{name}", "en"), low=spec.low, high=spec.high,
                  choices=spec.choices, optional=spec.optional, none_means="not known")
    for name, spec in scenario.SPECS.items()
)  # fmt: skip

register(
    "scenarios", LANG, *FIELDS, cross_checks=[lambda values: scenario._cross_field_faults(values)]
)
