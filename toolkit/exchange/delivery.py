"""What an export delivers: a form (or a selection of items) resolved against the bank, in
delivery order, with the assets its items refer to."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError, UsageError
from ..markup import image_sources, is_remote

if TYPE_CHECKING:
    from ..bank.model import Item
    from ..bank.store import Bank
    from ..blueprint import Blueprint, Goal
    from ..formfile import Form

MAX_ASSET_BYTES = 10_000_000
"""An image larger than this is refused (a delivery package is not a media library)."""

_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]")


def _position(path: str, where: tuple[str | int, ...]) -> tuple[int, int]:
    """Line and column of ``where`` in the item file at ``path`` (0, 0 when unreadable)."""
    from ..yamlio import YamlDocument

    try:
        return YamlDocument(path, Path(path).read_text(encoding="utf-8"), None).position(where)
    except (OSError, UnicodeDecodeError):
        return 0, 0


def ncname(text: str, prefix: str = "X") -> str:
    """``text`` as an XML NCName (QTI identifiers): other characters become ``_``, and a
    ``prefix`` is added when it does not start with a letter or underscore."""
    out = _NCNAME_BAD.sub("_", text)
    return out if re.match(r"^[A-Za-z_]", out) else f"{prefix}{out}"


@dataclass(frozen=True)
class Asset:
    """A file an item refers to (an image), packaged under ``name`` (``assets/...``)."""

    src: str
    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class DeliverySection:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Delivery:
    """Items in delivery order, grouped in sections, with the blueprint and the bank root."""

    id: str
    title: str
    sections: tuple[DeliverySection, ...]
    blueprint: Blueprint
    bank_root: Path
    assets_by_item: dict[str, tuple[Asset, ...]] = field(default_factory=dict, compare=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Position of each item in the delivery, from 1."""
        return {it.id: n for n, it in enumerate(self.items, 1)}

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Every packaged asset once, sorted by name."""
        seen = {a.name: a for group in self.assets_by_item.values() for a in group}
        return tuple(seen[k] for k in sorted(seen))

    def asset_src(self, item: Item, prefix: str = "") -> dict[str, str]:
        """Image source in the item text -> its address in the export (``prefix`` + name)."""
        return {a.src: prefix + a.name for a in self.assets_by_item.get(item.id, ())}

    def goal(self, item: Item) -> Goal:
        return self.blueprint.goals[item.learning_goal]

    def category(self, item: Item) -> tuple[str, str]:
        """(domain, topic) titles of the item, for platform categories."""
        g = self.goal(item)
        d = next(d for d in self.blueprint.domains if d.id == g.domain_id)
        t = self.blueprint.topics[g.topic_id]
        return f"Domain {d.id}: {d.title}", f"Topic {t.id}: {t.title}"


def _collect_assets(bank: Bank, items: Sequence[Item]) -> dict[str, tuple[Asset, ...]]:
    """Find and read the local images of each item; :class:`DataError` names the item file
    (and the field) of any image that is missing, too large or outside the bank."""
    root = Path(os.path.realpath(bank.root))
    out: dict[str, tuple[Asset, ...]] = {}
    diags: list[Diagnostic] = []
    for it in items:
        texts: list[tuple[tuple[str | int, ...], str]] = [(("stem",), it.stem)]
        for k, o in enumerate(it.options):
            texts += [(("options", k, "text"), o.text), (("options", k, "rationale"), o.rationale)]
        found: list[Asset] = []
        base = Path(it.path).parent if it.path else bank.root
        for where, text in texts:
            for src in image_sources(text):
                if is_remote(src) or any(a.src == src for a in found):
                    continue
                problem = ""
                target = Path(os.path.realpath(base / src))
                if PurePosixPath(src).is_absolute() or not target.is_relative_to(root):
                    problem = "points outside the bank folder; keep images inside bank/"
                elif not target.is_file():
                    problem = "does not exist"
                elif target.stat().st_size > MAX_ASSET_BYTES:
                    problem = f"is larger than {MAX_ASSET_BYTES // 1_000_000} MB"
                if problem:
                    line, col = _position(it.path, where)
                    diags.append(
                        Diagnostic(
                            it.path or it.id,
                            line,
                            col,
                            "X001",
                            Severity.ERROR,
                            f"image {src!r} {problem}",
                        )
                    )
                    continue
                data = target.read_bytes()
                digest = hashlib.sha256(data).hexdigest()[:12]
                safe = _NCNAME_BAD.sub("_", target.name)
                found.append(Asset(src, f"assets/{digest}-{safe}", data))
        if found:
            out[it.id] = tuple(found)
    if diags:
        raise DataError("items refer to images that cannot be packaged", diags)
    return out


def from_form(form: Form, bank: Bank, path: str | Path = "") -> Delivery:
    """The delivery of an assembled form; a pinned version or content hash that differs from
    the bank's is an error (see :func:`toolkit.formfile.resolve`)."""
    from ..formfile import resolve

    items = {it.id: it for it in resolve(form, bank, path)}
    sections = tuple(
        DeliverySection(s.id or f"S{n}", s.title or s.id, tuple(items[e.id] for e in s.items))
        for n, s in enumerate(form.sections, 1)
    )
    title = str(form.meta.get("title") or f"{bank.blueprint.exam.name}: form {form.id}")
    every = [i for s in sections for i in s.items]
    return Delivery(
        form.id, title, sections, bank.blueprint, bank.root, _collect_assets(bank, every)
    )


def from_items(
    bank: Bank, ids: Sequence[str] = (), goal: str | None = None, name: str = ""
) -> Delivery:
    """A delivery of chosen items (``ids``, in that order) or of a goal's items (by id), in
    one section."""
    if bool(ids) == bool(goal):
        raise UsageError("give either item ids (--items) or a learning goal (--goal)")
    if goal:
        if goal not in bank.blueprint.goals:
            raise UsageError(
                f"learning goal {goal!r} is not in the blueprint (ids look like 1.1.1)"
            )
        items = bank.filter(goal=goal)
        if not items:
            raise UsageError(f"no items in the bank measure learning goal {goal}")
        did, title = name or f"goal-{goal}", f"Learning goal {goal}"
    else:
        missing = [i for i in ids if i not in bank.by_id]
        if missing:
            raise UsageError(f"not in the bank: {', '.join(missing)}")
        if len(set(ids)) != len(ids):
            raise UsageError("an item id is given twice in --items")
        items = [bank.by_id[i] for i in ids]
        did, title = name or "items", "Selected items"
    section = DeliverySection("S1", title, tuple(items))
    return Delivery(did, title, (section,), bank.blueprint, bank.root, _collect_assets(bank, items))


def includes_rationales(item: Item, feedback: str) -> bool:
    """Whether an export with the ``feedback`` option carries this item's rationales."""
    from . import FEEDBACK_CHOICES

    if feedback not in FEEDBACK_CHOICES:
        raise UsageError(f"feedback must be one of {', '.join(FEEDBACK_CHOICES)}, not {feedback!r}")
    return feedback == "all" or (feedback == "public" and not item.is_secure)
