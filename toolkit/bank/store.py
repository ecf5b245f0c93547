"""The loaded bank: blueprint plus items, with look-ups and filters (no files: see
:mod:`toolkit.bank.workspace`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..blueprint import Blueprint
from .model import Item


@dataclass(frozen=True)
class Bank:
    """A validated bank. Items are sorted by id."""

    root: Path
    blueprint: Blueprint
    items: tuple[Item, ...]

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
