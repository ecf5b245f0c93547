"""Blueprint coverage: approved items per domain, topic and goal against their targets."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from .bank.store import Bank
from .blueprint import Blueprint
from .vocab import Status


def domain_targets(bp: Blueprint, forms: int, form_length: int = 0) -> dict[str, int]:
    """Approved items each domain needs for ``forms`` disjoint forms of ``form_length`` items
    (0: the blueprint's form length): ``forms`` x the domain's count on one form, by the one
    rounding rule (:func:`toolkit.blueprint.largest_remainder`)."""
    length = form_length or bp.exam.form_length
    return {d: forms * n for d, n in bp.domain_counts(length).items()}


@dataclass(frozen=True)
class CoverageRow:
    level: str  # "domain" | "topic" | "goal"
    id: str
    title: str
    approved: int
    total: int
    target: int
    cognitive_level: str = ""

    @property
    def gap(self) -> int:
        return max(0, self.target - self.approved)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["gap"] = self.gap
        return d


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[CoverageRow, ...]
    min_per_goal: int
    forms: int
    form_length: int

    @property
    def goals_below_target(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.level == "goal" and r.gap]

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_per_goal": self.min_per_goal,
            "forms": self.forms,
            "form_length": self.form_length,
            "rows": [r.to_dict() for r in self.rows],
        }


def coverage(
    bank: Bank, min_per_goal: int = 4, forms: int = 3, form_length: int = 0
) -> CoverageReport:
    bp = bank.blueprint
    length = form_length or bp.exam.form_length
    targets = domain_targets(bp, forms, length)
    live = [i for i in bank.items if i.status != Status.RETIRED]
    approved = Counter(i.learning_goal for i in live if i.status == Status.APPROVED)
    total = Counter(i.learning_goal for i in live)
    rows: list[CoverageRow] = []

    def summed(level: str, id_: str, title: str, goal_ids: list[str], target: int) -> CoverageRow:
        return CoverageRow(
            level,
            id_,
            title,
            sum(approved[g] for g in goal_ids),
            sum(total[g] for g in goal_ids),
            target,
        )

    for d in bp.domains:
        rows.append(summed("domain", d.id, d.title, [g.id for g in d.goals], targets[d.id]))
        for t in d.topics:
            rows.append(
                summed("topic", t.id, t.title, [g.id for g in t.goals], min_per_goal * len(t.goals))
            )
            rows += [
                CoverageRow(
                    "goal", g.id, g.text, approved[g.id], total[g.id], min_per_goal, g.level
                )
                for g in t.goals
            ]
    return CoverageReport(tuple(rows), min_per_goal, forms, length)
