"""The one writer of item files: ruamel.yaml in round-trip mode, with one canonical layout.

Every place that writes or edits an item file goes through here (``qbank fmt``, ``qbank new``,
the statistics write-back of ``qbank calibrate``, ``qbank lint --fix``), so authors' comments
and layout survive programmatic edits. PyYAML (libyaml) still does all the *reading* for
validation: it is several times faster, and positions are composed only when needed.

The canonical layout:

- top-level keys in :data:`ITEM_KEY_ORDER` (unknown keys keep their place after the known
  ones), option keys as ``id, text, correct, rationale``, review keys as ``reviewer, date,
  decision, version, notes``;
- multi-line text as literal block scalars (``|``), single-line text plain where YAML allows
  it and quoted where it does not;
- two-space indentation, list items indented under their key (``  - id: A``);
- no line wrapping of long text, exactly one final newline;
- comments kept where the author put them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ITEM_KEY_ORDER = (
    "id",
    "version",
    "status",
    "type",
    "learning_goal",
    "exposure",
    "stem",
    "options",
    "select",
    "references",
    "authors",
    "tags",
    "reviews",
    "enemies",
    "lint",
    "stats",
)
OPTION_KEY_ORDER = ("id", "text", "correct", "rationale")
REVIEW_KEY_ORDER = ("reviewer", "date", "decision", "version", "notes")


def _yaml():  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 1_000_000  # never wrap text
    y.preserve_quotes = False
    y.allow_duplicate_keys = False
    return y


def load(text: str) -> Any:
    """Round-trip data (comments attached) of an item file's text."""
    return _yaml().load(text)


def dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    text = buf.getvalue()
    return text.rstrip("\n") + "\n"


def _reorder(mapping: Any, order: Iterable[str]) -> Any:
    """``mapping`` with its keys in ``order`` (others after, in their order), comments kept."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(mapping, dict):
        return mapping
    order = list(order)
    keys = [k for k in order if k in mapping] + [k for k in mapping if k not in order]
    if list(mapping) == keys:
        return mapping
    out = CommentedMap()
    for k in keys:
        out[k] = mapping[k]
    if isinstance(mapping, CommentedMap):
        out.ca.comment = mapping.ca.comment
        for k in keys:
            if k in mapping.ca.items:
                out.ca.items[k] = mapping.ca.items[k]
        out.ca.end = mapping.ca.end
    return out


def _text_styles(node: Any) -> Any:
    """Literal blocks for multi-line strings, plain style elsewhere (recursively)."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(node, dict):
        for k in list(node):
            node[k] = _text_styles(node[k])
        return node
    if isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _text_styles(v)
        return node
    if isinstance(node, str):
        if "\n" in node.rstrip("\n") or (node.endswith("\n") and node.strip()):
            return LiteralScalarString(node)
        return str(node)  # drops a kept quoting style: the dumper quotes only where needed
    return node


def canonical(data: Any) -> Any:
    """``data`` (round-trip or plain) in the canonical layout."""
    data = _reorder(data, ITEM_KEY_ORDER)
    if isinstance(data, dict):
        if isinstance(data.get("options"), list):
            data["options"] = _seq(
                [_reorder(o, OPTION_KEY_ORDER) for o in data["options"]], data["options"]
            )
        if isinstance(data.get("reviews"), list):
            data["reviews"] = _seq(
                [_reorder(r, REVIEW_KEY_ORDER) for r in data["reviews"]], data["reviews"]
            )
    return _text_styles(data)


def _seq(items: list[Any], original: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    out = CommentedSeq(items)
    if isinstance(original, CommentedSeq):
        out._yaml_comment = original.ca  # keep comments between list entries
    return out


def format_text(text: str) -> str:
    """The canonical text of an item file (idempotent)."""
    return dump(canonical(load(text)))


def render(data: dict[str, Any]) -> str:
    """Canonical text of new item data (plain dicts)."""
    return dump(canonical(data))


def edit(text: str, change: Callable[[Any], None]) -> str:
    """Apply ``change`` to the round-trip data of ``text`` and return the canonical text:
    comments and layout of everything ``change`` does not touch survive."""
    data = load(text)
    change(data)
    return dump(canonical(data))


def format_files(
    paths: Iterable[Path], *, check: bool = False
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Format item files in place (atomically). Returns the files that changed (or, with
    ``check``, would change, leaving them untouched) and the files that could not be read
    as YAML, with the reason (they are left as they are)."""
    from ruamel.yaml.error import YAMLError

    from .io import atomic_write_text

    changed, failed = [], []
    for p in paths:
        try:
            old = p.read_text(encoding="utf-8")
            new = format_text(old)
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            failed.append((p, " ".join(str(exc).split())))
            continue
        if new != old:
            changed.append(p)
            if not check:
                atomic_write_text(p, new)
    return changed, failed
