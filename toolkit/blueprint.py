"""The exam blueprint: domains (weighted), topics and learning goals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any


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

    def iter_goals(self) -> Iterator[Goal]:
        return iter(self.goals.values())

    @staticmethod
    def folder_for(goal: Goal) -> str:
        """Folder (relative to ``bank/items``) where items of ``goal`` live."""
        return f"domain-{goal.domain_id}/topic-{goal.topic_id}"
