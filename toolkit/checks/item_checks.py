"""Checks of one item at a time (scope ``item``)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ..bank.model import Item
from ..diagnostics import Diagnostic
from ..vocab import Decision, ItemType, Status
from ..yamlio import YamlDocument
from . import CheckContext, at, check

MIN_OPTIONS = {ItemType.MULTIPLE_CHOICE: 4, ItemType.MULTIPLE_SELECT: 5}


@check("V101", "options.count", "item")
def option_count(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """multiple_choice needs at least 4 options, multiple_select at least 5.

    Fix: add plausible distractors (each with a rationale).
    """
    need = MIN_OPTIONS[item.type]
    if len(item.options) < need:
        yield at(
            doc,
            ("options",),
            "V101",
            f"{item.type} item has {len(item.options)} options; it needs at least {need}",
        )


@check("V102", "key.single", "item")
def single_key(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A multiple_choice item has exactly one option with ``correct: true``."""
    if item.type != ItemType.MULTIPLE_CHOICE:
        return
    keys = item.key
    if len(keys) != 1:
        what = (
            "no correct option" if not keys else f"{len(keys)} correct options ({', '.join(keys)})"
        )
        yield at(
            doc,
            ("options",),
            "V102",
            f"multiple_choice item has {what}; mark exactly one option `correct: true`"
            " (or make the item multiple_select)",
        )


@check("V103", "key.select-count", "item")
def select_count(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """multiple_select: ``select`` equals the number of correct options, and is fewer than the options."""
    if item.type != ItemType.MULTIPLE_SELECT or item.select is None:
        return
    n = len(item.key)
    if item.select != n:
        yield at(
            doc,
            ("select",),
            "V103",
            f"select is {item.select} but {n} option(s) are marked correct; make them equal",
        )
    elif item.select >= len(item.options):
        yield at(
            doc,
            ("select",),
            "V103",
            f"select is {item.select} with only {len(item.options)} options; every option"
            " would be a key - add distractors",
        )


@check("V104", "select.only-multiple-select", "item")
def select_on_mc(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """``select`` belongs to multiple_select items only."""
    if item.type == ItemType.MULTIPLE_CHOICE and item.select is not None:
        yield at(
            doc,
            ("select",),
            "V104",
            "`select` is set on a multiple_choice item; remove it or change `type` to"
            " multiple_select",
            key=True,
        )


@check("V105", "options.unique-ids", "item")
def unique_option_ids(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Option ids are unique within an item."""
    seen: dict[str, int] = {}
    for i, o in enumerate(item.options):
        if o.id in seen:
            yield at(
                doc,
                ("options", i, "id"),
                "V105",
                f"option id '{o.id}' is used twice (also option {seen[o.id] + 1});"
                " give each option its own letter",
            )
        else:
            seen[o.id] = i


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold().rstrip(".")


@check("V106", "options.unique-texts", "item")
def unique_option_texts(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Option texts are unique within an item (ignoring case, spacing and a final period)."""
    seen: dict[str, str] = {}
    for i, o in enumerate(item.options):
        n = _norm(o.text)
        if n in seen:
            yield at(
                doc,
                ("options", i, "text"),
                "V106",
                f"option {o.id} has the same text as option {seen[n]}; rewrite one of them",
            )
        else:
            seen[n] = o.id


@check("V107", "goal.exists", "item")
def goal_exists(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """``learning_goal`` names a goal of the blueprint."""
    if item.learning_goal not in ctx.blueprint.goals:
        topic = item.learning_goal.rsplit(".", 1)[0]
        t = ctx.blueprint.topics.get(topic)
        hint = (
            f"topic {topic} has goals {', '.join(g.id for g in t.goals)}"
            if t
            else "see bank/blueprint.yaml (or `qbank blueprint`) for the goal ids"
        )
        yield at(
            doc,
            ("learning_goal",),
            "V107",
            f"learning goal '{item.learning_goal}' is not in the blueprint; {hint}",
        )


@check("V108", "file.folder", "item")
def folder_matches(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The item lives in ``items/domain-<d>/topic-<d.t>/`` of its learning goal."""
    goal = ctx.blueprint.goals.get(item.learning_goal)
    if goal is None:
        return
    want = ctx.blueprint.folder_for(goal)
    try:
        rel = os.path.relpath(os.path.dirname(os.path.abspath(doc.path)), ctx.items_root)
    except ValueError:
        return
    rel = rel.replace(os.sep, "/")
    if rel != want:
        yield at(
            doc,
            ("learning_goal",),
            "V108",
            f"item for goal {goal.id} is in folder '{rel}' but belongs in '{want}';"
            f" move the file (git mv) to bank/items/{want}/",
        )


@check("V109", "file.name", "item")
def file_name(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The file is named ``<id>.yaml``."""
    name = os.path.basename(doc.path)
    if name != f"{item.id}.yaml":
        yield at(
            doc,
            ("id",),
            "V109",
            f"file name '{name}' does not match id '{item.id}'; rename the file to"
            f" '{item.id}.yaml' (ids never change)",
        )


@check("V110", "review.independent-approval", "item")
def independent_approval(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """An approved item has an approving review of its current version by a non-author.

    The last review that applies to the current version must be ``approved`` and
    its reviewer must not be one of the item's ``authors``.
    """
    if item.status != Status.APPROVED:
        return
    authors = {a.casefold() for a in item.authors}
    current = [
        (i, r) for i, r in enumerate(item.reviews) if r.version is None or r.version == item.version
    ]
    if not current:
        yield at(
            doc,
            ("status",),
            "V110",
            f"status is approved but no review covers version {item.version};"
            " have a non-author review it and record the review, or set status: review",
        )
        return
    i, last = current[-1]
    if last.decision != Decision.APPROVED:
        yield at(
            doc,
            ("reviews", i, "decision"),
            "V110",
            f"status is approved but the latest review decided '{last.decision}';"
            " fix the item and record a new approving review",
        )
    elif last.reviewer.casefold() in authors:
        yield at(
            doc,
            ("reviews", i, "reviewer"),
            "V110",
            f"reviewer '{last.reviewer}' is an author of this item; approval needs a review"
            " by someone who did not write it",
        )


@check("V111", "id.exam-code", "item")
def id_prefix(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Item ids start with the blueprint's exam code (e.g. ``PMLE-``)."""
    code = ctx.blueprint.exam.code
    if not item.id.startswith(f"{code}-"):
        yield at(
            doc,
            ("id",),
            "V111",
            f"id '{item.id}' does not start with the exam code '{code}-';"
            " use `qbank new` to get the next free id",
        )


@check("V112", "type.allowed", "item")
def type_allowed(item: Item, doc: YamlDocument, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The item type is one the blueprint's exam uses."""
    allowed = ctx.blueprint.exam.item_types
    if item.type not in allowed:
        yield at(
            doc,
            ("type",),
            "V112",
            f"type '{item.type}' is not used by this exam; use one of {', '.join(allowed)}",
        )
