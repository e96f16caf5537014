"""The recruitment-survey section's parameters.

``ccrm_nordic_established`` is the one switch for the proposed CCRM Nordic that the
scenarios section reads too, so that both pages count the same need.
"""

from __future__ import annotations

from atmp_lib.errors import ParameterError
from atmp_lib.parameters import register, schema
from atmp_lib.sections.common import CCRM_NORDIC_ESTABLISHED, HORIZON_YEARS, LANG

SECTION = "survey"

register(SECTION, LANG, CCRM_NORDIC_ESTABLISHED, HORIZON_YEARS)


def check_parameters(**values: object) -> None:
    """Hold the notebook's parameter values to the declarations above; every fault is
    named with its parameter and what it allows (:class:`ParameterError`)."""
    declared = schema(SECTION)
    problems = [
        f"parameter {name!r}: not a parameter of the survey section "
        f"(known: {', '.join(declared)})"
        for name in values
        if name not in declared
    ]
    for name, value in values.items():
        fault = declared[name].fault(value) if name in declared else None
        if fault:
            problems.append(f"parameter {name!r}: {fault}")
    if problems:
        raise ParameterError(problems)
