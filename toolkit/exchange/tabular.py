"""The rows shared by the CSV and JSON exports: one record per item, in delivery order."""

from __future__ import annotations

from typing import Any

from ..markup import to_html
from .delivery import Delivery, includes_rationales

MAX_OPTIONS = 10
"""The item schema allows up to 10 options (A to J)."""


def records(delivery: Delivery, feedback: str) -> list[dict[str, Any]]:
    """One record per item: position, section, id, version, goal, type, select, stem (Markdown
    and HTML), options (text, HTML, correct, rationale), key, points."""
    out = []
    for s in delivery.sections:
        for it in s.items:
            with_fb = includes_rationales(it, feedback)
            src = delivery.asset_src(it)
            out.append(
                {
                    "number": delivery.numbers[it.id],
                    "section": s.id,
                    "id": it.id,
                    "version": it.version,
                    "content_hash": it.content_hash,
                    "learning_goal": it.learning_goal,
                    "type": it.type,
                    "select": it.select or 1,
                    "exposure": it.exposure,
                    "stem": it.stem,
                    "stem_html": to_html(it.stem, rewrite_src=lambda x, m=src: m.get(x, x)),
                    "options": [
                        {
                            "id": o.id,
                            "text": o.text,
                            "html": to_html(o.text, inline=True),
                            "correct": o.correct,
                            "rationale": o.rationale if with_fb else "",
                        }
                        for o in it.options
                    ],
                    "key": list(it.key),
                    "tags": list(it.tags),
                }
            )
    return out
