"""Putting data into generated Markdown safely.

Bank data other than item text (ids, titles, goal texts, flags, file names) is written into the
generated pages as plain text: :func:`esc` escapes HTML and the Markdown characters that could
start markup, so that a value can neither inject HTML nor become a link. Item text never goes
through here: it is placed in an ``item`` fence (:mod:`toolkit.site.fence`) and converted by
:func:`toolkit.markup.to_html`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def esc(value: object) -> str:
    """``value`` as literal text in Markdown (HTML-escaped, Markdown specials backslashed,
    on one line)."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def num(value: float | None, digits: int = 2) -> str:
    """A number with a fixed format, or an en dash when there is none."""
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A Markdown table; cells are already escaped. ``align``: one letter per column
    (``l``, ``r``, ``c``), left by default."""
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    out = [
        "| " + " | ".join(header) + " |",
        "|"
        + "|".join(marks[(align[i] if i < len(align) else "l")] for i in range(len(header)))
        + "|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def admonition(kind: str, title: str, body: Sequence[str], collapsible: bool = False) -> list[str]:
    """An admonition (``!!! kind``) or, with ``collapsible``, a details block (``??? kind``)."""
    mark = "???" if collapsible else "!!!"
    title = title.replace('"', "'")
    return [f'{mark} {kind} "{title}"', "", *(f"    {line}" if line else "" for line in body), ""]


def code(value: object) -> str:
    """``value`` as a Markdown code span (Markdown escapes its content; backticks dropped)."""
    text = " ".join(str(value).replace("`", "'").split())
    return f"`{text}`"
