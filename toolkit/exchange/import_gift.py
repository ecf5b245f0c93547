"""Import GIFT (``qbank import FILE --format gift``)."""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Severity
from . import importer
from .importing import (
    ImportedItem,
    ImportedOption,
    Limits,
    html_to_markdown,
    tags_and_goal,
)

ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_ESCAPE_RE = re.compile(r"\\[\\~=#{}:n]")


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    for k, v in RESTORE.items():
        text = text.replace(k, v)
    return text


@importer("gift")
def import_gift(
    data: bytes, source: str, limits: Limits
) -> tuple[list[ImportedItem], list[Diagnostic]]:
    """GIFT multiple-choice questions (`=key ~wrong`) and multiple-answer questions
    (`~%50%key ~%-50%wrong`: positive grades are keys), with `::title::`, `[html]`,
    `[markdown]`, `[plain]` and `[moodle]` text formats, `#feedback` (the rationale), escapes
    (`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`), `$CATEGORY:` lines, and `// [tag:...]` comments (a
    `goal-<id>` tag gives the learning goal). Other question kinds (true/false, short answer,
    numerical, matching, essay) are skipped and reported.
    """
    if len(data) > limits.max_member_bytes:
        from ..errors import DataError

        raise DataError(f"{source}: larger than {limits.max_member_bytes} bytes; not imported")
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    items: list[ImportedItem] = []
    skipped: list[Diagnostic] = []
    block: list[str] = []
    comments: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal block, comments
        if block:
            where = f"{source}:{start}"
            got = _question("\n".join(block), comments, where)
            if isinstance(got, str):
                skipped.append(Diagnostic(source, start, 1, "X102", Severity.WARNING, got))
            else:
                items.append(got)
        block, comments = [], []

    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if stripped.startswith("$CATEGORY:"):
            flush()
            continue
        if not block:
            start = n
        block.append(line)
    flush()
    return items, skipped


def _question(raw: str, comments: list[str], where: str) -> ImportedItem | str:
    body = _protect(raw)
    title = ""
    m = re.match(r"\s*::(.*?)::", body, re.S)
    if m:
        title = _restore(m.group(1)).strip()
        body = body[m.end() :]
    label = title or f"question at line {where.rsplit(':', 1)[-1]}"
    fmt = "moodle"
    m = re.match(r"\s*\[(html|markdown|plain|moodle)\]", body)
    if m:
        fmt = m.group(1)
        body = body[m.end() :]
    if "{" not in body or "}" not in body:
        return f"{label}: not imported: no answer block {{...}} (a description item)"
    head, rest = body.split("{", 1)
    answers_raw, _, tail = rest.partition("}")
    stem = head + (" " + tail if tail.strip() else "")
    parts = re.split(r"(?=[=~])", answers_raw)
    options = []
    multiple = False
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if part[0] not in "=~" or "->" in part:
            return f"{label}: not imported: only multiple-choice GIFT questions are supported"
        mark, part = part[0], part[1:]
        weight = None
        wm = re.match(r"%(-?\d+(?:\.\d+)?)%", part)
        if wm:
            weight = float(wm.group(1))
            part = part[wm.end() :]
            multiple = multiple or mark == "~"
        answer, _, feedback = part.partition("#")
        correct = mark == "=" if weight is None else weight > 0
        options.append(ImportedOption(_convert(answer, fmt), correct, _convert(feedback, fmt)))
    if not options:
        return f"{label}: not imported: true/false, essay or numerical questions are not supported"
    tags = [t for c in comments for t in re.findall(r"\[tag:([^\]]+)\]", c)]
    tag_tuple, goal = tags_and_goal(tags)
    return ImportedItem(
        where, label, _convert(stem, fmt), tuple(options), multiple, goal, tag_tuple
    )


def _convert(text: str, fmt: str) -> str:
    text = _restore(text).strip()
    if fmt == "markdown":
        return text
    if fmt == "html":
        return html_to_markdown(text)
    import html

    return html_to_markdown("<p>" + html.escape(text).replace("\n\n", "</p><p>") + "</p>")
