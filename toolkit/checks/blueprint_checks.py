"""Checks of the blueprint (scope ``blueprint``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic
from ..yamlio import YamlDocument
from . import at, check


@check("B001", "blueprint.unique-ids", "blueprint")
def unique_ids(data: dict[str, Any], doc: YamlDocument) -> Iterator[Diagnostic]:
    """Domain, topic and goal ids are unique."""
    seen: set[str] = set()
    for di, d in enumerate(data["domains"]):
        for path, obj in (
            [(("domains", di), d)]
            + [(("domains", di, "topics", ti), t) for ti, t in enumerate(d["topics"])]
            + [
                (("domains", di, "topics", ti, "goals", gi), g)
                for ti, t in enumerate(d["topics"])
                for gi, g in enumerate(t["goals"])
            ]
        ):
            if obj["id"] in seen:
                yield at(doc, (*path, "id"), "B001", f"id '{obj['id']}' is used twice")
            seen.add(obj["id"])


@check("B002", "blueprint.nested-ids", "blueprint")
def nested_ids(data: dict[str, Any], doc: YamlDocument) -> Iterator[Diagnostic]:
    """A topic id starts with its domain id, a goal id with its topic id (``1`` > ``1.2`` > ``1.2.3``)."""
    for di, d in enumerate(data["domains"]):
        for ti, t in enumerate(d["topics"]):
            if not t["id"].startswith(d["id"] + "."):
                yield at(
                    doc,
                    ("domains", di, "topics", ti, "id"),
                    "B002",
                    f"topic id '{t['id']}' does not start with its domain id '{d['id']}.'",
                )
            for gi, g in enumerate(t["goals"]):
                if g["id"].rsplit(".", 1)[0] != t["id"]:
                    yield at(
                        doc,
                        ("domains", di, "topics", ti, "goals", gi, "id"),
                        "B002",
                        f"goal id '{g['id']}' does not start with its topic id '{t['id']}.'",
                    )


@check("B003", "blueprint.weights", "blueprint")
def weights_sum(data: dict[str, Any], doc: YamlDocument) -> Iterator[Diagnostic]:
    """Domain weights (percent) add up to 100."""
    total = sum(d["weight"] for d in data["domains"])
    if abs(total - 100) > 1e-9:
        yield at(
            doc,
            ("domains",),
            "B003",
            f"domain weights add up to {total:g}%, not 100%; correct the weights",
        )
