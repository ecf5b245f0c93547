"""The loaded bank: blueprint plus items, with look-ups and filters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..blueprint import Blueprint
from .model import Item


@dataclass(frozen=True)
class Bank:
    """A validated bank. Items are sorted by id."""

    root: Path
    blueprint: Blueprint
    items: tuple[Item, ...]
    sources: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Parsed source document (``YamlDocument``) of each item, by id: gives positions."""
    blueprint_source: Any = field(default=None, compare=False, repr=False)

    @cached_property
    def by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    def get(self, item_id: str) -> Item:
        return self.by_id[item_id]

    def filter(
        self,
        *,
        domain: str | None = None,
        topic: str | None = None,
        goal: str | None = None,
        status: Iterable[str] | str | None = None,
        type: str | None = None,
        exposure: str | None = None,
    ) -> list[Item]:
        """Items matching every given criterion (``None`` means any)."""
        statuses = {status} if isinstance(status, str) else set(status) if status else None
        out = []
        for it in self.items:
            g = self.blueprint.goals.get(it.learning_goal)
            if domain is not None and (g is None or g.domain_id != domain):
                continue
            if topic is not None and (g is None or g.topic_id != topic):
                continue
            if goal is not None and it.learning_goal != goal:
                continue
            if statuses is not None and it.status not in statuses:
                continue
            if type is not None and it.type != type:
                continue
            if exposure is not None and it.exposure != exposure:
                continue
            out.append(it)
        return out

    @property
    def items_dir(self) -> Path:
        return self.root / "items"

    def next_id(self) -> str:
        """The next free id: one more than the highest number ever used in the bank."""
        code = self.blueprint.exam.code
        pat = re.compile(rf"^{re.escape(code)}-(\d+)$")
        nums = [int(m.group(1)) for i in self.items if (m := pat.match(i.id))]
        # Files that failed validation still hold ids: never hand those out again.
        for p in self.items_dir.rglob("*.yaml"):
            if m := pat.match(p.stem):
                nums.append(int(m.group(1)))
        return f"{code}-{(max(nums, default=0) + 1):04d}"
