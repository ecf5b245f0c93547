"""One error model for the library: every expected failure is a :class:`QbankError`.

The command line maps them to exit codes in one place (``toolkit.cli.main``):

- :class:`UsageError` (exit 2): the request cannot be carried out as asked: a bad option,
  a missing file, an invalid configuration.
- :class:`DataError` (exit 1): an input file (bank, responses, ratings, specification,
  archive) has problems; ``diagnostics`` lists each with its file and position.
- :class:`AnalysisError` (exit 1): the data are readable, but a computation cannot proceed
  on them (too few candidates, no variance, forms that share too few items to link).

Anything else is a bug and is allowed to show a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic


class QbankError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str = "", diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(message)


class UsageError(QbankError):
    """A usage or configuration problem (exit code 2)."""

    exit_code = 2


class DataError(QbankError):
    """An input file has problems (exit code 1); ``diagnostics`` says where."""


class AnalysisError(QbankError):
    """A computation cannot proceed on these data (exit code 1)."""
