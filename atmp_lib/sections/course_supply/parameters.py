"""The course-supply section's parameters."""

from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import LANG

AUDIENCE = Param(
    "audience", str,
    "show only the efforts the report names for this audience ('all': every effort; efforts "
    "whose audience the report does not state are then named in a note)",
    choices="enum:course_supply.audience", extra_choices=("all",), default="all",
)  # fmt: skip

register("course_supply", LANG, AUDIENCE)
