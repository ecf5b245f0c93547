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
    digests: Mapping[str, str] = field(default_factory=dict, repr=False)
    """SHA-256 of each valid item file's bytes, by the item's ``path`` (what per-file caches
    are keyed by; not by id, which two files may share by mistake)."""

    @property
    def root(self) -> Path:
        return self.bank.root

    @property
    def items_dir(self) -> Path:
        return self.bank.root / "items"

    def used_numbers(self) -> set[int]:
        """Numbers of every id the bank has ever used: valid items, files that fail validation,
        and files deleted from the git history (ids are never reused)."""
        code = self.bank.blueprint.exam.code
        pat = re.compile(rf"^{re.escape(code)}-(\d+)$")
        names = [i.id for i in self.bank.items]
        names += [p.stem for p in self.items_dir.rglob("*.yaml")]
        from ..gitutil import git_text

        history = git_text(self.root, "log", "--all", "--format=", "--name-only", "--", ".")
        names += [Path(line).stem for line in (history or "").splitlines() if line.strip()]
        return {int(m.group(1)) for n in names if (m := pat.match(n))}

    def allocate_ids(self, topic_ids: list[str | None]) -> list[str]:
        """New ids for several new items at once (one per entry of ``topic_ids``), by the same
        rule as :meth:`next_id` and never repeating within the batch."""
        used = self.used_numbers()
        out = []
        for t in topic_ids:
            new = self._next(used, t)
            used.add(int(new.rsplit("-", 1)[1]))
            out.append(new)
        return out

    def next_id(self, topic_id: str | None = None) -> str:
        """The next free id. With ``topic_id`` it follows the bank's visible numbering: items of
        the n-th topic of the blueprint are numbered n01..n99 (topic 4.2, the 11th, gets
        PMLE-11xx); when that block is full, or without a topic, it is one more than the highest
        number ever used. Ids are never reused (see :meth:`used_numbers`)."""
        return self._next(self.used_numbers(), topic_id)

    def _next(self, used: set[int], topic_id: str | None) -> str:
        code = self.bank.blueprint.exam.code
        topics = [t.id for d in self.bank.blueprint.domains for t in d.topics]
        if topic_id in topics:
            block = (topics.index(topic_id) + 1) * 100
            in_block = [n for n in used if block < n < block + 100]
            nxt = max(in_block, default=block) + 1
            if nxt < block + 100:
                return f"{code}-{nxt:04d}"
        return f"{code}-{(max(used, default=0) + 1):04d}"


def load_workspace(root: str | Path = "bank", *, strict: bool = True) -> Workspace:
    """Load and validate the bank in ``root`` with its source documents (see ``load_bank``)."""
    from ..validate import validate_bank
    from . import BankError

    report = validate_bank(root)
    if report.workspace is None or (strict and not report.ok):
        raise BankError(list(report.errors))
    return report.workspace
