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


def _vocabulary() -> list[str]:
    """Words of the blueprint's goal texts: a realistic technical vocabulary."""
    text = (REPO / "bank" / "blueprint.yaml").read_text(encoding="utf-8")
    return sorted({w.strip(".,()").lower() for w in text.split() if w.isascii() and len(w) > 2})


WORDS = _vocabulary()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(dest: Path, n: int, seed: int = 1, duplicates: int = 0) -> Path:
    """Write a bank with ``n`` valid items under ``dest`` and return its root.

    The last ``duplicates`` items copy the stem of an earlier item with one word
    changed (planted near-duplicates for the lint benchmark).
    """
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
    stems: list[str] = []
    for i in range(1, n + 1):
        dom, top, goal = goals[i % len(goals)]
        ms = i % 5 == 0
        letters = "ABCDE" if ms else "ABCD"
        keys = set(rng.sample(letters, 2 if ms else 1))
        stem = sentence(rng, 40) + "\n\n" + sentence(rng, 12)[:-1] + "?\n"
        if i > n - duplicates:
            stem = stems[i - (n - duplicates) - 1].replace(" ", " changed ", 1)
        data = {
            "id": f"PMLE-{i:05d}",
            "version": 1,
            "status": "approved",
            "type": "multiple_select" if ms else "multiple_choice",
            "learning_goal": goal,
            "exposure": "secure",
            "stem": stem,
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
        stems.append(stem)
        folder = root / "items" / f"domain-{dom}" / f"topic-{top}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{data['id']}.yaml").write_text(dump(data), encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
