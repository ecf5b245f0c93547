"""One item as plain text for people (``qbank show``): in full, without its key (for screen
sharing and blind review), options only (the reviewers' options-only probe), or knowledge-masked
(the test-wise probe; see :mod:`toolkit.masking`)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .bank.model import Item


def item_text(
    item: Item,
    *,
    show_key: bool = True,
    options_only: bool = False,
    masked: bool = False,
    common: Iterable[str] = (),
) -> str:
    """The item as text. Without ``show_key`` no key, rationale or review appears; with
    ``options_only`` the stem is left out too (and so is anything that names the key). With
    ``masked`` (which implies no key) product names, settings and code become neutral tokens,
    ``common`` being the bank's ordinary lower-case words (:func:`toolkit.masking.common_words`)."""
    stem, texts = item.stem, [o.text for o in item.options]
    if masked:
        from .masking import mask

        show_key = False
        m = mask([stem, *texts], common)
        stem, texts = m.texts[0], list(m.texts[1:])
    lines = [f"{item.id} v{item.version} · goal {item.learning_goal} · {item.type}"]
    if show_key and not options_only:
        lines[0] += f" · {item.status} · {item.exposure}"
    lines.append("")
    if options_only:
        if item.select:
            lines += [f"(Choose {item.select}.)", ""]
    else:
        lines += [stem.rstrip(), ""]
    for o, text in zip(item.options, texts, strict=True):
        mark = " *" if show_key and not options_only and o.correct else ""
        body = textwrap.indent(text.strip(), "   ").lstrip()
        lines.append(f"{o.id}. {body}{mark}")
    if show_key and not options_only:
        lines += ["", f"Key: {', '.join(item.key)}", "", "Rationales:"]
        for o in item.options:
            lines.append(f"  {o.id}: {' '.join(o.rationale.split())}")
        if item.references:
            lines += ["", "References:", *(f"  {r}" for r in item.references)]
    return "\n".join(lines) + "\n"
