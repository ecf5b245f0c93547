"""Loading the bank: ``load_bank()`` returns a validated, immutable :class:`Bank`."""

from __future__ import annotations

import os

from ..diagnostics import Diagnostic
from ..errors import DataError
from .model import Item, Option, Review
from .stats import ItemStats
from .store import Bank

__all__ = [
    "Bank",
    "BankError",
    "Item",
    "ItemStats",
    "Option",
    "Review",
    "Workspace",
    "load_bank",
    "load_workspace",
]


class BankError(DataError):
    """The bank has errors; ``diagnostics`` lists them all."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        n = len(diagnostics)
        first = diagnostics[0] if diagnostics else None
        detail = f": {first.path}:{first.line}: {first.code} {first.message}" if first else ""
        super().__init__(f"bank has {n} problem(s){detail}", diagnostics)


def load_bank(root: str | os.PathLike[str] = "bank", *, strict: bool = True) -> Bank:
    """Load and validate the bank in ``root``.

    With ``strict`` (the default) any error raises :class:`BankError`; otherwise the
    items that are valid are returned and the rest are left out.
    """
    from ..validate import validate_bank

    report = validate_bank(root)
    if report.bank is None or (strict and not report.ok):
        raise BankError(list(report.errors))
    return report.bank


from .workspace import Workspace, load_workspace  # noqa: E402
