"""Generate a large synthetic bank (for benchmarks only; never shipped as content)."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.yamlio import dump

REPO = Path(__file__).resolve().parent.parent
WORDS = [
    "model",
    "pipeline",
    "feature",
    "training",
    "serving",
    "endpoint",
    "dataset",
    "latency",
    "budget",
    "drift",
    "monitoring",
    "bigquery",
    "vertex",
    "dataflow",
    "registry",
    "accuracy",
    "precision",
    "recall",
    "batch",
    "online",
    "schema",
    "team",
    "cost",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(dest: Path, n: int, seed: int = 1) -> Path:
    """Write a bank with ``n`` valid items under ``dest`` and return its root."""
    rng = random.Random(seed)
    root = dest / "bank"
    if root.exists():
        shutil.rmtree(root)
    (root / "items").mkdir(parents=True)
    shutil.copy(REPO / "bank" / "blueprint.yaml", root / "blueprint.yaml")
    bp = yaml.safe_load((root / "blueprint.yaml").read_text())
    goals = [
        (d["id"], t["id"], g["id"]) for d in bp["domains"] for t in d["topics"] for g in t["goals"]
    ]
    for i in range(1, n + 1):
        dom, top, goal = goals[i % len(goals)]
        ms = i % 5 == 0
        letters = "ABCDE" if ms else "ABCD"
        keys = set(rng.sample(letters, 2 if ms else 1))
        data = {
            "id": f"PMLE-{i:05d}",
            "version": 1,
            "status": "approved",
            "type": "multiple_select" if ms else "multiple_choice",
            "learning_goal": goal,
            "exposure": "secure",
            "stem": sentence(rng, 40) + "\n\n" + sentence(rng, 12)[:-1] + "?\n",
            **({"select": 2} if ms else {}),
            "options": [
                {
                    "id": L,
                    "text": f"{L}: {sentence(rng, 10)}",
                    "correct": L in keys,
                    "rationale": sentence(rng, 20),
                }
                for L in letters
            ],
            "references": ["https://cloud.google.com/vertex-ai/docs"],
            "authors": ["generator"],
            "reviews": [
                {"reviewer": "bench", "date": "2026-11-26", "decision": "approved", "version": 1}
            ],
            "enemies": [],
            "tags": ["synthetic"],
        }
        folder = root / "items" / f"domain-{dom}" / f"topic-{top}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{data['id']}.yaml").write_text(dump(data), encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
