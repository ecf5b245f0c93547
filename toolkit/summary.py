"""Counts of the bank by domain, topic and goal, status, type and exposure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .bank.store import Bank
from .vocab import Exposure, ItemType, Status


@dataclass(frozen=True)
class DomainSummary:
    id: str
    title: str
    weight: float
    goals: int
    items: int
    approved: int
    goals_covered: int
    """Goals with at least one approved item."""
    by_status: dict[str, int]
    by_type: dict[str, int]
    public: int


@dataclass(frozen=True)
class BankSummary:
    items: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_exposure: dict[str, int]
    domains: tuple[DomainSummary, ...]
    approved_per_goal: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "by_status": self.by_status,
            "by_type": self.by_type,
            "by_exposure": self.by_exposure,
            "domains": [d.__dict__ for d in self.domains],
            "approved_per_goal": self.approved_per_goal,
        }


STATUSES = tuple(str(s) for s in Status)
TYPES = tuple(str(t) for t in ItemType)


def summarize(bank: Bank) -> BankSummary:
    """Summarize ``bank``. Dictionaries list every status/type, zeros included, in a fixed order."""

    def counts(values: list[str], keys: tuple[str, ...]) -> dict[str, int]:
        c = Counter(values)
        return {k: c.get(k, 0) for k in keys}

    per_goal = {g: 0 for g in bank.blueprint.goals}
    for it in bank.items:
        if it.status == Status.APPROVED and it.learning_goal in per_goal:
            per_goal[it.learning_goal] += 1
    domains = []
    for d in bank.blueprint.domains:
        items = bank.filter(domain=d.id)
        domains.append(
            DomainSummary(
                id=d.id,
                title=d.title,
                weight=d.weight,
                goals=len(d.goals),
                items=len(items),
                approved=sum(i.status == Status.APPROVED for i in items),
                goals_covered=sum(per_goal[g.id] > 0 for g in d.goals),
                by_status=counts([i.status for i in items], STATUSES),
                by_type=counts([i.type for i in items], TYPES),
                public=sum(i.exposure == Exposure.PUBLIC for i in items),
            )
        )
    return BankSummary(
        items=len(bank.items),
        by_status=counts([i.status for i in bank.items], STATUSES),
        by_type=counts([i.type for i in bank.items], TYPES),
        by_exposure=counts([i.exposure for i in bank.items], tuple(Exposure)),
        domains=tuple(domains),
        approved_per_goal=per_goal,
    )
