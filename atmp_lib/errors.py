"""The package's one error hierarchy.

Every error carries ``problems``, the list of faults found (validation collects them all
rather than stopping at the first), each naming the file, row, column or parameter at
fault. :class:`InputError` means the input is invalid and nothing was executed (exit code
2); :class:`RunError` means a run was attempted and failed (exit code 1).
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class AtmpError(Exception):
    """Base of the package's errors: one or more problems, each a full sentence."""

    exit_code = EXIT_FAILED

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class InputError(AtmpError, ValueError):
    """Invalid input (data, parameters, labels, project folder); nothing was executed."""

    exit_code = EXIT_INVALID


class DataError(InputError):
    """A data table or the data package does not match its schema or its sources."""


class ParameterError(InputError):
    """A parameter value, parameter file or parameters cell is invalid."""


class LabelError(InputError, KeyError):
    """A label id is unknown, duplicated or lacks a translation."""


class ProjectNotFound(InputError):
    """No project folder (with notebooks/ and data/) was found where one was looked for."""


class RunError(AtmpError):
    """A run was attempted and failed or was interrupted."""


def utf8_fault(error: UnicodeDecodeError) -> str:
    """What a file that is not UTF-8 text is, in words: "not UTF-8 text (byte 0xe5 at offset 9)"."""
    return f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})"
