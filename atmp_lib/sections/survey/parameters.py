"""The recruitment-survey section's parameters."""

from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import HORIZON_YEARS, LANG

CCRM_ESTABLISHED = Param(
    "ccrm_established", bool,
    "count the proposed CCRM Nordic's need, as if it were established and started with the "
    "survey's period",
)  # fmt: skip

register("survey", LANG, CCRM_ESTABLISHED, HORIZON_YEARS)
