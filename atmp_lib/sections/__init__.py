"""The report's sections, one package each, in page order.

Each section has ``parameters.py`` (its parameters, declared once: see
:mod:`atmp_lib.parameters`), ``calculations.py`` (figures and tables computed without a
language: frames and dataclasses with stable ids) and ``views.py`` (what the page shows:
labels, formatting, charts, the claims it records). Importing this package registers every
section's parameters.
"""

from atmp_lib.sections.common import LANG  # noqa: F401
from atmp_lib.sections.course_supply import parameters as _course_supply  # noqa: F401
from atmp_lib.sections.international import parameters as _international  # noqa: F401
from atmp_lib.sections.overview import parameters as _overview  # noqa: F401
from atmp_lib.sections.scenarios import parameters as _scenarios  # noqa: F401
from atmp_lib.sections.survey import parameters as _survey  # noqa: F401
