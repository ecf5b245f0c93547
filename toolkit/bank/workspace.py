"""The bank on disk: the pure :class:`~toolkit.bank.store.Bank` together with the parsed source
documents of its files (for positions in diagnostics and for editing files in place) and the
operations that look at the folder (the next free id).

The domain model (``Bank``, ``Item``) knows nothing about files; code that reports positions,
edits item files or hands out ids works with a ``Workspace``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .store import Bank

if TYPE_CHECKING:
    from ..yamlio import YamlDocument


@dataclass(frozen=True)
class Workspace:
    bank: Bank
    sources: Mapping[str, YamlDocument] = field(default_factory=dict, repr=False)
    """Parsed source document of each valid item, by id."""
    blueprint_source: YamlDocument | None = field(default=None, repr=False)

    @property
    def root(self) -> Path:
        return self.bank.root

    @property
    def items_dir(self) -> Path:
        return self.bank.root / "items"

    def next_id(self) -> str:
        """The next free id: one more than the highest number ever used in the bank's folder
        (files that fail validation still hold their ids, so they are never handed out)."""
        code = self.bank.blueprint.exam.code
        pat = re.compile(rf"^{re.escape(code)}-(\d+)$")
        nums = [int(m.group(1)) for i in self.bank.items if (m := pat.match(i.id))]
        for p in self.items_dir.rglob("*.yaml"):
            if m := pat.match(p.stem):
                nums.append(int(m.group(1)))
        return f"{code}-{(max(nums, default=0) + 1):04d}"


def load_workspace(root: str | Path = "bank", *, strict: bool = True) -> Workspace:
    """Load and validate the bank in ``root`` with its source documents (see ``load_bank``)."""
    from ..validate import validate_bank
    from . import BankError

    report = validate_bank(root)
    if report.workspace is None or (strict and not report.ok):
        raise BankError(list(report.errors))
    return report.workspace
