"""Checks across all items (scope ``bank``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Protocol

from ..diagnostics import Diagnostic, Severity
from ..yamlio import YamlDocument
from . import CheckContext, at, check


class ItemLike(Protocol):
    """What bank-wide checks may read of an item (an ``Item`` or a cached ``ItemHead``)."""

    @property
    def id(self) -> str: ...

    @property
    def enemies(self) -> tuple[str, ...]: ...


Entry = tuple[ItemLike, YamlDocument]


@check("V201", "id.unique", "bank")
def unique_ids(entries: Sequence[Entry], ctx: CheckContext) -> Iterator[Diagnostic]:
    """Item ids are unique across the bank (ids are never reused, not even for retired items)."""
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for item, doc in entries:
        by_id[item.id].append((item, doc))
    for item_id, group in by_id.items():
        if len(group) < 2:
            continue
        paths = sorted(doc.path for _, doc in group)
        for _, doc in group:
            others = ", ".join(p for p in paths if p != doc.path)
            yield at(
                doc,
                ("id",),
                "V201",
                f"id '{item_id}' is also used by {others}; give the newer item the next free"
                " id (`qbank new` picks one)",
            )


@check("V202", "enemies.exist", "bank")
def enemies_exist(entries: Sequence[Entry], ctx: CheckContext) -> Iterator[Diagnostic]:
    """Every id listed in ``enemies`` is an item of the bank, and not the item itself."""
    ids = {item.id for item, _ in entries}
    for item, doc in entries:
        for i, enemy in enumerate(item.enemies):
            if enemy == item.id:
                yield at(
                    doc,
                    ("enemies", i),
                    "V202",
                    f"item lists itself ('{enemy}') as an enemy; remove it",
                )
            elif enemy not in ids:
                yield at(
                    doc,
                    ("enemies", i),
                    "V202",
                    f"enemy '{enemy}' is not an item of the bank; fix the id or remove it",
                )


@check("V203", "enemies.mutual", "bank")
def enemies_mutual(entries: Sequence[Entry], ctx: CheckContext) -> Iterator[Diagnostic]:
    """Enemies are listed on both items (a warning: assembly keeps a pair apart when either
    side lists it, but an author revising the other item should see the link too). It is
    reported on the item that lacks the link, the file to fix."""
    docs = {item.id: (item, doc) for item, doc in entries}
    for item, _ in entries:
        for enemy in item.enemies:
            if enemy == item.id or enemy not in docs:
                continue  # V202
            other, doc = docs[enemy]
            if item.id not in other.enemies:
                yield at(
                    doc,
                    ("enemies",) if other.enemies else ("id",),
                    "V203",
                    f"'{item.id}' lists this item as an enemy, but this item does not list"
                    f" '{item.id}'; add it to `enemies` here so the link shows on both items",
                    key=True,
                    severity=Severity.WARNING,
                )
