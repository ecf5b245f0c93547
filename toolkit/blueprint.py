"""The exam blueprint: domains (weighted), topics and learning goals."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any


def largest_remainder(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """THE rounding rule from weights to whole counts, used everywhere qbank turns blueprint
    weights into numbers of items (coverage targets, the lint capacity rule, the assembler and
    the simulator).

    Largest remainder (Hamilton): each key first gets the whole part of its exact quota
    ``total x weight / sum(weights)``; the items left over go, one each, to the largest
    fractional remainders. Ties go to the larger weight, then to the key listed first. The
    counts always add up to ``total``, and each is its quota rounded down or up. Quotas are
    computed with exact fractions, so 60 x 12 % is 7.2 and never 7.199999.

    >>> largest_remainder({"1": 12, "2": 16, "3": 18, "4": 26, "5": 28}, 60)
    {'1': 7, '2': 9, '3': 11, '4': 16, '5': 17}
    """
    if total < 0:
        raise ValueError(f"total must not be negative (got {total})")
    w = {k: Fraction(str(v)) for k, v in weights.items()}
    s = sum(w.values())
    if s <= 0:
        raise ValueError("weights must add up to more than 0")
    quota = {k: total * v / s for k, v in w.items()}
    counts = {k: int(q) for k, q in quota.items()}
    order = list(w)
    ranked = sorted(order, key=lambda k: (-(quota[k] - counts[k]), -w[k], order.index(k)))
    for k in ranked[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


@dataclass(frozen=True)
class Goal:
    id: str
    level: str
    text: str
    topic_id: str
    domain_id: str


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    domain_id: str
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    weight: float
    topics: tuple[Topic, ...]

    @property
    def goals(self) -> tuple[Goal, ...]:
        return tuple(g for t in self.topics for g in t.goals)


@dataclass(frozen=True)
class ExamInfo:
    name: str
    code: str
    item_types: tuple[str, ...]
    scoring: str
    form_length: int
    vendor: str = ""
    source: str = ""


@dataclass(frozen=True)
class Blueprint:
    exam: ExamInfo
    domains: tuple[Domain, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blueprint:
        """Build from schema-valid blueprint data."""
        e = data["exam"]
        exam = ExamInfo(
            name=e["name"],
            code=e["code"],
            item_types=tuple(e["item_types"]),
            scoring=e["scoring"],
            form_length=int(e["form_length"]),
            vendor=e.get("vendor", ""),
            source=e.get("source", ""),
        )
        domains = []
        for d in data["domains"]:
            topics = []
            for t in d["topics"]:
                goals = tuple(
                    Goal(
                        id=g["id"],
                        level=g["level"],
                        text=g["text"],
                        topic_id=t["id"],
                        domain_id=d["id"],
                    )
                    for g in t["goals"]
                )
                topics.append(Topic(id=t["id"], title=t["title"], domain_id=d["id"], goals=goals))
            domains.append(
                Domain(id=d["id"], title=d["title"], weight=d["weight"], topics=tuple(topics))
            )
        return cls(exam=exam, domains=tuple(domains))

    @cached_property
    def goals(self) -> dict[str, Goal]:
        """All learning goals by id, in outline order."""
        return {g.id: g for d in self.domains for t in d.topics for g in t.goals}

    @cached_property
    def topics(self) -> dict[str, Topic]:
        return {t.id: t for d in self.domains for t in d.topics}

    def domain_counts(self, total: int) -> dict[str, int]:
        """Items per domain on a form (or block) of ``total`` items: :func:`largest_remainder`
        of the domain weights."""
        return largest_remainder({d.id: d.weight for d in self.domains}, total)

    def iter_goals(self) -> Iterator[Goal]:
        return iter(self.goals.values())

    @staticmethod
    def folder_for(goal: Goal) -> str:
        """Folder (relative to ``bank/items``) where items of ``goal`` live."""
        return f"domain-{goal.domain_id}/topic-{goal.topic_id}"
