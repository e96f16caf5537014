"""The recruitment-survey section's parameters.

``ccrm_nordic_established`` is the one switch for the proposed CCRM Nordic that the
scenarios section reads too, so that both pages count the same need.
"""

from __future__ import annotations

from atmp_lib.parameters import register
from atmp_lib.sections.common import CCRM_NORDIC_ESTABLISHED, HORIZON_YEARS, LANG

SECTION = "survey"

register(SECTION, LANG, CCRM_NORDIC_ESTABLISHED, HORIZON_YEARS)
