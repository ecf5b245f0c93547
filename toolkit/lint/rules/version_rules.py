"""Version rules (VR): git-aware checks that run with ``qbank lint --changed-since REF``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...bank.model import Item
from ...schemas import is_valid
from ..engine import LintContext
from ..registry import Finding, rule
from ..text import jaccard, norm_tokens

Opts = dict[str, Any]


def _old(ctx: LintContext, item: Item) -> Item | None:
    assert ctx.git is not None
    data = ctx.git.old_items.get(item.id)
    if data is None or not is_valid("item", data):
        return None
    return Item.from_dict(data)


@rule("VR001", "version.bump", needs_git=True)
def version_bump(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """An item whose content (stem, options, keys, rationales, type, select, goal) changed
    since REF has a higher ``version`` than at REF.

    Bad: the stem is reworded and ``version`` stays 3.
    Good: ``version: 4`` in the same change.
    """
    old = _old(ctx, item)
    if old is not None and old.content_hash != item.content_hash and item.version <= old.version:
        new = old.version + 1

        def bump(data: Any) -> None:
            data["version"] = new

        yield Finding(
            f"content changed since {ctx.git.ref} but version is still {item.version}"
            f" (was {old.version}); set version: {new} (`qbank lint --fix` does it)",
            ("version",),
            fix=bump,
        )


@rule("VR002", "stats.stale", severity="warning", needs_git=True)
def stats_stale(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """An item whose content changed since REF while it carries calibration ``stats``:
    the statistics describe the old version and no longer apply.

    Bad: a reworded key with ``stats`` from the last calibration.
    Good: expect new statistics after the next administration (the stats record the
    version they were computed for).
    """
    old = _old(ctx, item)
    if old is not None and item.stats and old.content_hash != item.content_hash:
        yield Finding(
            f"content changed since {ctx.git.ref} but the item carries statistics of"
            f" version {item.stats.item_version}; they no longer apply until it"
            " is calibrated again",
            ("stats",),
            key=True,
        )


@rule("VR003", "id.reused", scope="bank", options={"min_similarity": 0.2}, needs_git=True)
def id_reused(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """An item id is never reused for a different item.

    Reported when a new item takes an id whose file was deleted earlier in the
    history, or when an id at REF now holds a different item (another topic and a
    stem sharing less than ``min_similarity`` of its words).

    Bad: deleting PMLE-0042 and later adding a new PMLE-0042.
    Good: retire the old item; `qbank new` gives the new one a fresh id.
    """
    git = ctx.git
    assert git is not None
    for item in ctx.bank.items:
        if item.id not in git.changed_ids:
            continue
        old = git.old_items.get(item.id)
        if old is None and item.id in git.deleted_ever:
            yield Finding(
                f"id {item.id} belonged to an item deleted earlier in the history; ids are"
                " never reused - take a new id with `qbank new`",
                ("id",),
                item=item.id,
            )
        elif old is not None and isinstance(old.get("learning_goal"), str):
            old_topic = old["learning_goal"].rsplit(".", 1)[0]
            new_topic = item.learning_goal.rsplit(".", 1)[0]
            sim = jaccard(set(norm_tokens(str(old.get("stem", "")))), set(norm_tokens(item.stem)))
            if old_topic != new_topic and sim < opts["min_similarity"]:
                yield Finding(
                    f"id {item.id} held a different item at {git.ref} (topic {old_topic},"
                    f" {sim:.0%} of stem words shared); retire the old item and give the"
                    " new one a new id",
                    ("id",),
                    item=item.id,
                )


@rule("VR004", "item.deleted", scope="bank", needs_git=True)
def item_deleted(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Items are never deleted once committed: set ``status: retired`` instead, so the id
    stays taken and old administrations can still be scored.

    Bad: ``git rm bank/items/domain-1/topic-1.1/PMLE-0007.yaml``
    Good: ``status: retired``
    """
    git = ctx.git
    assert git is not None
    current = {i.id for i in ctx.bank.items}
    for item_id in sorted(set(git.old_items) - current):
        yield Finding(
            f"item {item_id} ({git.old_paths[item_id]}) was deleted since {git.ref};"
            " restore it and set status: retired instead",
            target="bank",
        )
