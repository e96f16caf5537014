"""Parameters more than one section declares: one object each, registered by each section.

``default`` is the literal each section's parameters cell gives (and ``params/default.yaml``
for the whole report).
"""

from atmp_lib.i18n import LANGUAGES
from atmp_lib.parameters import Param

LANG = Param("lang", str, "page language", choices=LANGUAGES, default="en")
HORIZON_YEARS = Param(
    "horizon_years", int, "years from the survey's first year (the survey asked about 5)",
    low=1, high=30, default=5,
)  # fmt: skip
CCRM_NORDIC_ESTABLISHED = Param(
    "ccrm_nordic_established", bool,
    "count the proposed CCRM Nordic as established (the report gives its need of 50-100 only "
    "'om det etableras', within five years of its start); off by default",
    default=False,
)  # fmt: skip
