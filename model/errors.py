"""The project's own errors.

``model`` raises only subclasses of :class:`YanglaoError`; the CLI catches exactly these, prints
the message (one line per problem) and exits non-zero, never with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class YanglaoError(Exception):
    """Base class of every error the package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one scenario file.

    Attributes
    ----------
    file : str
        The file as the user named it.
    field : str
        Dotted path of the field, e.g. ``policy.civil_service.contribution_rate_employer.value``.
    message : str
        What is wrong and what is expected.
    line : int | None
        1-based line in the file, where known.
    """

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(YanglaoError):
    """A scenario file that cannot be read or is not valid. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # pickled whole, so that an error raised in a worker process reads the same here
        return (type(self), (self.problems,))


class DataError(YanglaoError):
    """A shipped or referenced data table is missing or malformed."""


class CalibrationError(YanglaoError):
    """The base year cannot be reproduced from the scenario's assumptions.

    ``fields`` are the dotted paths of the figures and assumptions at fault, the first being
    where the message points (``model.engine.basis.build_basis`` adds their file and line)."""

    def __init__(self, message: str, fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.fields = tuple(fields)

    def __reduce__(self):
        return (type(self), (self.message, self.fields))


class IdentityError(YanglaoError):
    """An accounting identity failed on a projection result."""


class OutputError(YanglaoError):
    """Output could not be written."""
