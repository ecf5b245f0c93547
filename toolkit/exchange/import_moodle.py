"""Import Moodle XML (``qbank import FILE --format moodle``)."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from . import importer
from .importing import (
    ImportedItem,
    ImportedOption,
    Limits,
    html_to_markdown,
    problem,
    tags_and_goal,
)
from .xmlutil import parse_untrusted

SUPPORTED = ("multichoice", "multichoiceset")


@importer("moodle")
def import_moodle(
    data: bytes, source: str, limits: Limits
) -> tuple[list[ImportedItem], list[Diagnostic]]:
    """Moodle XML `multichoice` (and All-or-Nothing `multichoiceset`) questions: answers with a
    positive fraction are keys, answer feedback becomes the rationale, `html`, `markdown`,
    `plain_text` and `moodle_auto_format` texts are converted to Markdown, and a
    `goal-<id>` tag gives the learning goal. Category questions are read past; other question
    types are skipped and reported. Embedded files are not imported.
    """
    if len(data) > limits.max_member_bytes:
        from ..errors import DataError

        raise DataError(f"{source}: larger than {limits.max_member_bytes} bytes; not imported")
    root = parse_untrusted(data, source)
    if root.tag != "quiz":
        raise _not_moodle(source)
    items: list[ImportedItem] = []
    skipped: list[Diagnostic] = []
    for n, q in enumerate(root.findall("question"), 1):
        qtype = q.get("type", "")
        where = f"{source}:question {n}"
        if qtype == "category":
            continue
        title = _text(q.find("name")) or f"question {n}"
        if qtype not in SUPPORTED:
            skipped.append(problem(where, f"{title}: not imported: question type {qtype!r}"))
            continue
        single = (_text(q.find("single")) or "true").strip().lower() in ("true", "1")
        options = []
        for a in q.findall("answer"):
            try:
                fraction = float(a.get("fraction", "0"))
            except ValueError:
                fraction = 0.0
            options.append(
                ImportedOption(
                    _markdown(a, a.get("format")),
                    fraction > 0,
                    _markdown(a.find("feedback")),
                )
            )
        raw_tags = [_text(t) for t in q.findall("tags/tag")]
        tags, goal = tags_and_goal(raw_tags)
        items.append(
            ImportedItem(
                where,
                title,
                _markdown(q.find("questiontext")),
                tuple(options),
                qtype == "multichoiceset" or not single,
                goal,
                tags,
            )
        )
    return items, skipped


def _not_moodle(source: str) -> Exception:
    from ..errors import DataError

    msg = "not a Moodle XML question file (the root element must be <quiz>)"
    return DataError(f"{source}: {msg}", [problem(source, msg, "X101")])


def _text(el: Any) -> str:
    if el is None:
        return ""
    t = el.find("text")
    return (t.text if t is not None else el.text) or ""


def _markdown(el: Any, fmt: str | None = None) -> str:
    """The ``<text>`` of ``el`` as Markdown, by its ``format``."""
    if el is None:
        return ""
    fmt = fmt or el.get("format", "html")
    text = _text(el)
    if fmt == "markdown":
        return text.strip()
    if fmt in ("plain_text", "moodle_auto_format"):
        import html

        text = "<p>" + html.escape(text).replace("\n\n", "</p><p>") + "</p>"
    return html_to_markdown(text)
