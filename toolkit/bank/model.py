"""The immutable item model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from ..vocab import Exposure
from .stats import ItemStats


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    rationale: str


@dataclass(frozen=True)
class Review:
    reviewer: str
    date: str
    decision: str
    notes: str = ""
    version: int | None = None


@dataclass(frozen=True)
class Item:
    """One item, as stored in ``bank/items/.../<id>.yaml``."""

    id: str
    version: int
    status: str
    type: str
    learning_goal: str
    stem: str
    options: tuple[Option, ...]
    authors: tuple[str, ...]
    path: str = ""
    select: int | None = None
    references: tuple[str, ...] = ()
    exposure: str = Exposure.SECURE
    reviews: tuple[Review, ...] = ()
    enemies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lint_ignore: tuple[tuple[str, str], ...] = ()
    stats: ItemStats | None = field(default=None, compare=False, hash=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "") -> Item:
        """Build from schema-valid item data."""
        return cls(
            id=data["id"],
            version=data["version"],
            status=data["status"],
            type=data["type"],
            learning_goal=data["learning_goal"],
            stem=data["stem"],
            options=tuple(
                Option(o["id"], o["text"], o["correct"], o["rationale"]) for o in data["options"]
            ),
            authors=tuple(data["authors"]),
            path=path,
            select=data.get("select"),
            references=tuple(data.get("references", ())),
            exposure=data.get("exposure", Exposure.SECURE),
            reviews=tuple(
                Review(
                    r["reviewer"], r["date"], r["decision"], r.get("notes", ""), r.get("version")
                )
                for r in data.get("reviews", ())
            ),
            enemies=tuple(data.get("enemies", ())),
            tags=tuple(data.get("tags", ())),
            lint_ignore=tuple(
                (x["rule"], x["reason"]) for x in data.get("lint", {}).get("ignore", ())
            ),
            stats=ItemStats.from_dict(data["stats"]) if data.get("stats") else None,
        )

    def to_record(self) -> tuple[Any, ...]:
        """The item as a compact tuple of plain data (what the per-file cache stores; much
        faster to load than the item's mapping). :meth:`from_record` is its inverse."""
        stats = None
        if self.stats is not None:
            stats = {f.name: getattr(self.stats, f.name) for f in fields(self.stats)}
        return (
            self.id,
            self.version,
            self.status,
            self.type,
            self.learning_goal,
            self.stem,
            tuple((o.id, o.text, o.correct, o.rationale) for o in self.options),
            self.authors,
            self.select,
            self.references,
            str(self.exposure),
            tuple((r.reviewer, r.date, r.decision, r.notes, r.version) for r in self.reviews),
            self.enemies,
            self.tags,
            self.lint_ignore,
            stats,
        )

    @classmethod
    def from_record(cls, rec: Sequence[Any], path: str = "") -> Item:
        """Rebuild an item from :meth:`to_record`'s tuple."""
        return cls(
            rec[0],
            rec[1],
            rec[2],
            rec[3],
            rec[4],
            rec[5],
            tuple(Option(*o) for o in rec[6]),
            tuple(rec[7]),
            path,
            rec[8],
            tuple(rec[9]),
            rec[10],
            tuple(Review(*r) for r in rec[11]),
            tuple(rec[12]),
            tuple(rec[13]),
            tuple(tuple(x) for x in rec[14]),  # type: ignore[misc]
            ItemStats.from_dict(rec[15]) if rec[15] is not None else None,
        )

    def light_record(self) -> tuple[Any, ...]:
        """The small fields (everything but the text: stem, options, references, reviews and
        statistics) as plain data, for :meth:`LazyItem.create`."""
        return tuple(
            str(self.exposure) if name == "exposure" else getattr(self, name) for name in LIGHT
        )

    @property
    def key(self) -> tuple[str, ...]:
        """Ids of the correct options, in display order."""
        return tuple(o.id for o in self.options if o.correct)

    @property
    def is_secure(self) -> bool:
        return self.exposure != Exposure.PUBLIC

    def content(self) -> dict[str, Any]:
        """The content fields as plain data (what a version number versions)."""
        return {
            "type": self.type,
            "learning_goal": self.learning_goal,
            "stem": self.stem,
            "options": [
                {"id": o.id, "text": o.text, "correct": o.correct, "rationale": o.rationale}
                for o in self.options
            ],
            "select": self.select,
        }

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`content` (first 16 hex digits)."""
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


LIGHT = (
    "id",
    "version",
    "status",
    "type",
    "learning_goal",
    "authors",
    "select",
    "exposure",
    "enemies",
    "tags",
    "lint_ignore",
)
"""Fields of an item that bank-wide checks and most rules read; the rest is its text."""
HEAVY = ("stem", "options", "references", "reviews", "stats")


class LazyItem(Item):
    """An item known unchanged from the cache: its small fields are set, its text (``HEAVY``)
    is loaded on first use by ``loader``. Bank-wide lint rules read only the small fields, so
    a warm ``qbank lint`` never loads the text of 10,000 items. It behaves as an :class:`Item`
    in every other way (equality with an ``Item``, hashing, ``dataclasses.replace``, pickling,
    which gives a plain ``Item``)."""

    @classmethod
    def create(cls, light: Sequence[Any], path: str, loader: Callable[[], Item]) -> LazyItem:
        obj = object.__new__(cls)
        values = dict(zip(LIGHT, light, strict=True))
        for name in ("authors", "enemies", "tags"):
            values[name] = tuple(values[name])
        values["lint_ignore"] = tuple(tuple(x) for x in values["lint_ignore"])
        obj.__dict__.update(values, path=path, _loader=loader)
        return obj

    def _load(self) -> None:
        full = self.__dict__["_loader"]()  # on failure the loader stays, to fail the same way
        for name in HEAVY:
            self.__dict__.setdefault(name, getattr(full, name))
        del self.__dict__["_loader"]

    def _as_item(self) -> Item:
        return Item(*(getattr(self, f.name) for f in fields(Item)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Item):
            return NotImplemented
        a, b = self._as_item(), other._as_item() if isinstance(other, LazyItem) else other
        return a == b

    __hash__ = Item.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Item, tuple(getattr(self, f.name) for f in fields(Item)))


def _heavy(name: str) -> property:
    """A field of :class:`LazyItem` read from its loader on first use. (A property, not
    ``__getattr__``: fields with defaults, such as ``stats``, are also class attributes.)"""

    def get(self: LazyItem) -> Any:
        d = self.__dict__
        if name not in d:
            self._load()
        return d[name]

    def set_(self: LazyItem, value: Any) -> None:  # dataclasses.replace builds a new object
        self.__dict__[name] = value

    return property(get, set_)


for _name in HEAVY:
    setattr(LazyItem, _name, _heavy(_name))
