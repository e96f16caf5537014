"""The course-supply section's parameters."""

from atmp_lib.parameters import Param, register
from atmp_lib.sections.common import LANG

AUDIENCE = Param(
    "audience", str, "show only the offerings for this audience ('all': every offering)",
    choices="enum:course_supply.audience", extra_choices=("all",),
)  # fmt: skip

register("course_supply", LANG, AUDIENCE)
