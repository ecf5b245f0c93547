"""GIFT (``--format gift``), Moodle's plain-text question format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UsageError
from ..markup import image_sources, is_remote, to_html
from ..vocab import ItemType
from . import exporter
from .delivery import Delivery, includes_rationales
from .grades import choice_fractions

SPECIAL = "~=#{}:"
"""Characters with a meaning in GIFT; written with a backslash before them."""


def escape(text: str) -> str:
    """``text`` as GIFT literal text: backslash first, then ``~ = # { } :``, and line breaks
    as ``\\n`` (a blank line would end the question, and a line starting with ``//`` would be
    read as a comment)."""
    out = text.replace("\\", "\\\\")
    for ch in SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _answer_html(text: str) -> str:
    html = to_html(text, inline=True)
    # after `=` or `~` a leading `%` would start a grade (`~%50%...`)
    return "&#37;" + html[1:] if html.startswith("%") else html


@exporter("gift", container="file", options={"negative_marking": True, "feedback": "public"})
def gift(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """GIFT text file for Moodle: each item as `::ID::[html]stem{...}`, with `=` before the key
    of a multiple_choice item, and grades `~%50%` from Moodle's accepted list for the keys of a
    multiple_select item (with `negative_marking`, `~%-50%` for wrong choices, as in `moodle`).
    Rationales (per `feedback`) follow `#` after their answer. `$CATEGORY:` lines put items in
    domain/topic categories; `// [id:...] [tag:...]` comment lines carry the item id and tags,
    plus `goal-<learning goal>` (read by Moodle 3.6+). Every `~ = # { } :` and backslash in the text is escaped.

    GIFT cannot carry files: items with local images are refused (use `moodle`).
    """
    with_images = [
        it.id
        for it in delivery.items
        if any(
            not is_remote(s)
            for text in (it.stem, *(o.text for o in it.options), *(o.rationale for o in it.options))
            for s in image_sources(text)
        )
    ]
    if with_images:
        raise UsageError(
            "GIFT cannot carry images; these items have local images: "
            + ", ".join(with_images)
            + " (export them with --format moodle)"
        )
    lines = [f"// {delivery.title}", "// exported by qbank; one question per paragraph", ""]
    bank = f"{delivery.blueprint.exam.code} {delivery.id}"
    current: tuple[str, str] | None = None
    for item in delivery.items:
        cat = delivery.category(item)
        if cat != current:
            current = cat
            path = "/".join(["$course$/top", *(p.replace("/", "//") for p in (bank, *cat))])
            lines += [f"$CATEGORY: {path}", ""]
        lines.append(f"// {item.id} version {item.version}")
        tags = (*item.tags, f"goal-{item.learning_goal}")
        lines.append(" ".join([f"// [id:{item.id}]", *(f"[tag:{t}]" for t in tags)]))
        lines.append(_question(item, options))
        lines.append("")
    return {f"{delivery.id}.gift.txt": ("\n".join(lines)).encode("utf-8")}


def _question(item: Any, options: Mapping[str, Any]) -> str:
    multiple = item.type == ItemType.MULTIPLE_SELECT
    with_feedback = includes_rationales(item, str(options["feedback"]))
    if multiple:
        right, wrong = choice_fractions(
            len(item.key), negative_marking=bool(options["negative_marking"])
        )
    answers = []
    for o in item.options:
        if multiple:
            mark = f"~%{right if o.correct else wrong}%"
        else:
            mark = "=" if o.correct else "~"
        text = mark + escape(_answer_html(o.text))
        if with_feedback and o.rationale.strip():
            text += "#" + escape(to_html(o.rationale))
        answers.append(text)
    head = f"::{escape(item.id)}::[html]{escape(to_html(item.stem))}"
    return head + "{\n\t" + "\n\t".join(answers) + "\n}"
