"""Shared fixtures: temporary banks built from the shipped blueprint (never the real bank/)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from toolkit.yamlio import dump

REPO = Path(__file__).resolve().parent.parent
SHIPPED_BANK = REPO / "bank"


def item_data(item_id: str = "PMLE-0001", goal: str = "1.1.1", **overrides: Any) -> dict[str, Any]:
    """A valid, approved multiple_choice item; ``overrides`` replace top-level fields."""
    data: dict[str, Any] = {
        "id": item_id,
        "version": 1,
        "status": "approved",
        "type": "multiple_choice",
        "learning_goal": goal,
        "exposure": "secure",
        "stem": (
            "A retailer keeps three years of sales in BigQuery and its analysts know SQL.\n\n"
            "Which statement should they run to train a forecasting model?\n"
        ),
        "options": [
            {
                "id": L,
                "text": f"Option text {L}",
                "correct": L == "B",
                "rationale": f"Option {L} is explained by the documented behaviour.",
            }
            for L in "ABCD"
        ],
        "references": ["https://cloud.google.com/bigquery/docs/bqml-introduction"],
        "authors": ["author-a"],
        "reviews": [
            {"reviewer": "reviewer-b", "date": "2026-11-26", "decision": "approved", "version": 1}
        ],
        "enemies": [],
        "tags": ["bigquery-ml"],
    }
    data.update(copy.deepcopy(overrides))
    return data


def ms_item_data(
    item_id: str = "PMLE-0002", goal: str = "1.1.1", **overrides: Any
) -> dict[str, Any]:
    data = item_data(item_id, goal)
    data["type"] = "multiple_select"
    data["select"] = 2
    data["stem"] = (
        "A team serves a model on Vertex AI and must cut latency without losing accuracy.\n\n"
        "Which two steps should the team take? (Choose two.)\n"
    )
    data["options"] = [
        {
            "id": L,
            "text": f"Step {L}",
            "correct": L in "AC",
            "rationale": f"Step {L} is explained by the docs.",
        }
        for L in "ABCDE"
    ]
    data.update(copy.deepcopy(overrides))
    return data


class TmpBank:
    """A bank in a temporary folder with the shipped blueprint and no items."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "items").mkdir(parents=True)
        shutil.copy(SHIPPED_BANK / "blueprint.yaml", root / "blueprint.yaml")

    def folder(self, goal: str) -> Path:
        d, t = goal.split(".")[0], ".".join(goal.split(".")[:2])
        return self.root / "items" / f"domain-{d}" / f"topic-{t}"

    def write(self, data: dict[str, Any], path: Path | None = None) -> Path:
        path = path or self.folder(data["learning_goal"]) / f"{data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), encoding="utf-8")
        return path

    def write_raw(self, name: str, content: str | bytes, goal: str = "1.1.1") -> Path:
        path = self.folder(goal) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


@pytest.fixture
def tmp_bank(tmp_path: Path) -> TmpBank:
    return TmpBank(tmp_path / "bank")


def populated_bank(bank: TmpBank, per_domain: int = 12) -> list[str]:
    """Fill ``bank`` with approved items on every domain, spread over its topics and goals
    (round robin, so that forms can be assembled to the blueprint), keys rotating over A-D,
    every fifth item multiple_select."""
    import yaml

    bp = yaml.safe_load((bank.root / "blueprint.yaml").read_text(encoding="utf-8"))
    ids = []
    n = 0
    for d in bp["domains"]:
        lists = [[g["id"] for g in t["goals"]] for t in d["topics"]]
        goals = [gs[k] for k in range(max(map(len, lists))) for gs in lists if k < len(gs)]
        for k in range(per_domain):
            n += 1
            item_id = f"PMLE-{n:04d}"
            goal = goals[k % len(goals)]
            if n % 5 == 0:
                data = ms_item_data(item_id, goal)
            else:
                data = item_data(item_id, goal)
                for o in data["options"]:
                    o["correct"] = o["id"] == "ABCD"[n % 4]
            bank.write(data)
            ids.append(item_id)
    return ids
