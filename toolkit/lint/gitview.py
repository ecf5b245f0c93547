"""What the bank looked like at a git revision: for ``qbank lint --changed-since REF``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..gitutil import GitError, git
from ..yamlio import YamlProblem, load_text

__all__ = ["GitError", "GitView", "load_git_view"]


@dataclass(frozen=True)
class GitView:
    ref: str
    old_items: dict[str, dict[str, Any]]
    """Item data at ``ref`` by id (files that did not parse are left out)."""
    old_paths: dict[str, str]
    changed_ids: frozenset[str]
    """Ids of items whose file differs from ``ref`` (or that are new)."""
    deleted_ever: frozenset[str]
    """Ids whose file was deleted at some point in the history."""


def load_git_view(bank_root: Path, ref: str) -> GitView:
    items_dir = (bank_root / "items").resolve()
    top = Path(git(bank_root, "rev-parse", "--show-toplevel").decode().strip())
    rel = items_dir.relative_to(top).as_posix() if items_dir.is_relative_to(top) else "."
    try:
        git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(f"unknown git revision '{ref}'") from None

    listing = git(top, "ls-tree", "-r", "-z", ref, "--", rel).decode("utf-8", "replace")
    entries = []
    for rec in filter(None, listing.split("\0")):
        meta, path = rec.split("\t", 1)
        _, kind, sha = meta.split()
        if kind == "blob" and path.endswith(".yaml"):
            entries.append((sha, path))
    old_items: dict[str, dict[str, Any]] = {}
    old_paths: dict[str, str] = {}
    if entries:
        out = git(top, "cat-file", "--batch", input="".join(f"{s}\n" for s, _ in entries).encode())
        pos = 0
        for _, path in entries:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            blob = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
            try:
                data = load_text(blob.decode("utf-8"))
            except (YamlProblem, UnicodeDecodeError):
                continue
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                old_items[data["id"]] = data
                old_paths[data["id"]] = path

    changed = git(top, "diff", "--name-only", "--no-renames", "-z", ref, "--", rel).decode()
    untracked = git(top, "ls-files", "--others", "--exclude-standard", "-z", "--", rel).decode()
    changed_ids = {Path(p).stem for p in (changed + untracked).split("\0") if p.endswith(".yaml")}
    deleted = git(top, "log", "--all", "--diff-filter=D", "--name-only", "--format=", "--", rel)
    deleted_ids = {Path(p).stem for p in deleted.decode().splitlines() if p.endswith(".yaml")}
    return GitView(ref, old_items, old_paths, frozenset(changed_ids), frozenset(deleted_ids))
