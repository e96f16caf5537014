"""The international-comparisons section's parameters."""

from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import LANG

COUNTRIES = Param(
    "countries", list, "the countries whose initiatives are compared with Sweden",
    choices="enum:international_initiatives.countries", default=["GB", "US", "CA"],
)  # fmt: skip
NORMALISE_BY = Param(
    "normalise_by", str,
    "set a country's counts against its population and scale them to Sweden's (an "
    "illustration: population is not the size of an ATMP sector), or show them as stated",
    choices=("population", "none"), default="population",
)  # fmt: skip

register("international", LANG, COUNTRIES, NORMALISE_BY)
