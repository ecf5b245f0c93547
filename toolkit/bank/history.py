"""Earlier versions of items, from git history: to score an administration with the keys
of the item version that was actually administered."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..gitutil import git_text as _git
from ..schemas import is_valid
from ..yamlio import YamlProblem, load_text
from .model import Item


@cache
def item_versions(path: str) -> dict[int, Item]:
    """Every version of the item stored at ``path`` that git history holds (last commit of
    each version wins). Empty when the file is not in a git repository."""
    p = Path(path).resolve()
    log = _git(p.parent, "log", "--follow", "--format=%H", "--", p.name)
    if not log:
        return {}
    top = _git(p.parent, "rev-parse", "--show-toplevel")
    if not top:
        return {}
    versions: dict[int, Item] = {}
    for commit in log.split():
        rel = _git(
            p.parent, "log", "-1", "--name-only", "--format=", "--follow", commit, "--", p.name
        )
        rel_path = (rel or "").strip().splitlines()[-1] if rel and rel.strip() else None
        if rel_path is None:
            continue
        text = _git(Path(top.strip()), "show", f"{commit}:{rel_path}")
        if text is None:
            continue
        try:
            data = load_text(text)
        except YamlProblem:
            continue
        if isinstance(data, dict) and is_valid("item", data):
            it = Item.from_dict(data, str(p))
            versions.setdefault(it.version, it)  # newest commit first
    return versions


def key_of(item: Item, version: int | None) -> tuple[str, ...] | None:
    """Key of ``item`` at ``version`` (None: current); None when that version is unknown."""
    if version is None or version == item.version:
        return item.key
    old = item_versions(item.path).get(version) if item.path else None
    return old.key if old else None
