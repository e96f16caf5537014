"""The overview section's parameters."""

from atmp_lib.parameters import register
from atmp_lib.sections.common import LANG

register("overview", LANG)
