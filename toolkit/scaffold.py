"""``qbank new``: scaffold a draft item with the next free id in the right folder."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from .bank.store import Bank
from .bank.workspace import Workspace
from .errors import UsageError
from .gitutil import git_text
from .io import atomic_write_text
from .itemfile import render
from .vocab import ItemType

LETTERS = "ABCDEFGHIJ"


def default_author() -> str:
    """``git config user.name``, else the login name."""
    name = (git_text(".", "config", "user.name") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database
        return os.environ.get("USER", "author")


def new_item_data(item_id: str, goal_id: str, item_type: str, author: str) -> dict[str, Any]:
    """A draft item that validates, with text for the author to replace."""
    n_options, select = (4, None) if item_type == ItemType.MULTIPLE_CHOICE else (5, 2)
    data: dict[str, Any] = {
        "id": item_id,
        "version": 1,
        "status": "draft",
        "type": item_type,
        "learning_goal": goal_id,
        "exposure": "secure",
        "stem": "Describe the situation (organisation, data, constraints).\n\n"
        + ("Ask one clear question. (Choose two.)\n" if select else "Ask one clear question.\n"),
    }
    if select:
        data["select"] = select
    data["options"] = [
        {
            "id": LETTERS[i],
            "text": f"Option {LETTERS[i]}",
            "correct": i < (select or 1),
            "rationale": "Why this option is right or wrong.",
        }
        for i in range(n_options)
    ]
    data.update({"references": [], "authors": [author], "reviews": [], "enemies": [], "tags": []})
    return data


class ScaffoldError(UsageError, ValueError):
    """The new item cannot be created as asked."""


def new_item(
    bank: Bank, goal_id: str, item_type: str = "multiple_choice", author: str | None = None
) -> Path:
    """Write a draft item for ``goal_id`` and return its path."""
    goal = bank.blueprint.goals.get(goal_id)
    if goal is None:
        raise ScaffoldError(
            f"learning goal '{goal_id}' is not in the blueprint; goal ids look like 1.1.1"
            " (see bank/blueprint.yaml)"
        )
    if item_type not in bank.blueprint.exam.item_types:
        raise ScaffoldError(f"type '{item_type}' is not used by this exam")
    ws = Workspace(bank)
    item_id = ws.next_id(bank.blueprint.goals[goal_id].topic_id)
    path = ws.items_dir / bank.blueprint.folder_for(goal) / f"{item_id}.yaml"
    if path.exists():  # pragma: no cover - next_id looks at files too
        raise ScaffoldError(f"{path} already exists")
    data = new_item_data(item_id, goal_id, item_type, author or default_author())
    atomic_write_text(path, render(data))
    return path
