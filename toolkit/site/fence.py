"""The Markdown fence through which item text enters the site.

Generated pages never contain item text as Markdown. A public item is written as a fenced
block whose body is one line of JSON::

    ```qbank-item
    {"options": [{"id": "A", "text": "..."}], "stem": "..."}
    ```

and pymdownx.superfences hands that body to :func:`format_item` (registered as a custom fence
by :mod:`toolkit.site.build`), which converts every text through :func:`toolkit.markup.to_html`,
the one conversion the exports use: raw HTML is escaped, the result sanitized by nh3. Since the
body is a single JSON line, no item text can close the fence, and superfences stores the HTML
so that mkdocs' Markdown never processes it again. ``qbank-answer`` does the same for the key
and rationales shown in the collapsible block.
"""

from __future__ import annotations

import html
import json
from typing import Any

from ..markup import to_html

ITEM_FENCE = "qbank-item"
ANSWER_FENCE = "qbank-answer"


def item_block(stem: str, options: list[dict[str, str]]) -> str:
    """The fenced block (Markdown) showing a stem and its options."""
    body = json.dumps({"stem": stem, "options": options}, sort_keys=True, ensure_ascii=True)
    return f"```{ITEM_FENCE}\n{body}\n```"


def answer_block(options: list[dict[str, Any]]) -> str:
    """The fenced block (Markdown) showing the key and every option's rationale."""
    body = json.dumps({"options": options}, sort_keys=True, ensure_ascii=True)
    return f"```{ANSWER_FENCE}\n{body}\n```"


def _options(data: dict[str, Any]) -> list[dict[str, Any]]:
    opts = data.get("options")
    if not isinstance(opts, list):
        raise ValueError("a qbank fence needs a list of options")
    return opts


def format_item(
    source: str, language: str, class_name: str, options: Any, md: Any, **kw: Any
) -> str:
    """superfences formatter of ``qbank-item``: the stem and the lettered options as HTML."""
    data = json.loads(source)
    parts = ['<div class="qbank-item">', f'<div class="qbank-stem">{to_html(data["stem"])}</div>']
    parts.append('<ol class="qbank-options">')
    for o in _options(data):
        oid = html.escape(str(o["id"]))
        parts.append(
            f'<li><span class="qbank-option-id">{oid}.</span> {to_html(o["text"], inline=True)}</li>'
        )
    parts += ["</ol>", "</div>"]
    return "\n".join(parts)


def format_answer(
    source: str, language: str, class_name: str, options: Any, md: Any, **kw: Any
) -> str:
    """superfences formatter of ``qbank-answer``: the key, then each option with its rationale."""
    data = json.loads(source)
    opts = _options(data)
    key = ", ".join(html.escape(str(o["id"])) for o in opts if o.get("correct"))
    parts = [
        f'<p class="qbank-key"><strong>Key: {key}</strong></p>',
        '<dl class="qbank-rationales">',
    ]
    for o in opts:
        verdict = "correct" if o.get("correct") else "incorrect"
        parts.append(
            f"<dt>{html.escape(str(o['id']))} ({verdict}): {to_html(o['text'], inline=True)}</dt>"
        )
        parts.append(f"<dd>{to_html(o['rationale'])}</dd>")
    parts.append("</dl>")
    return "\n".join(parts)


def custom_fences() -> list[dict[str, Any]]:
    """The superfences ``custom_fences`` configuration of the two fences."""
    return [
        {"name": ITEM_FENCE, "class": ITEM_FENCE, "format": format_item},
        {"name": ANSWER_FENCE, "class": ANSWER_FENCE, "format": format_answer},
    ]
