"""Benchmark: form assembly time and optimality gap.

1. The shipped specification (bank/assembly.yaml: 3 forms x 60 items, at most 20 % overlap,
   10 anchors) on the shipped bank (content constraints only: it has no IRT parameters yet).
   Goal: proven optimal in under 10 s.
2. The same specification on a generated 2,000-item bank whose items carry 2PL parameters
   (the IRT objective: maximin information at the cut, minimax deviation of the test
   information functions at theta -1, 0, 1), with the specification's 60 s time limit.

Times are wall-clock seconds of the solve alone and of the whole library call (loading
excluded). Usage:  python bench/bench_assemble.py [n_items]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_bank import generate
from toolkit.assembly.assemble import assemble
from toolkit.assembly.spec import load_spec
from toolkit.bank import load_bank

REPO = Path(__file__).resolve().parent.parent


def timed(bank, spec, runs: int) -> None:  # type: ignore[no-untyped-def]
    solve, total, last = [], [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        last = assemble(bank, spec)
        total.append(time.perf_counter() - t0)
        solve.append(last.solution.seconds)
    assert last is not None
    s = last.solution
    print(
        f"  mode {last.psychometrics.mode}; {last.eligible} eligible items; status {s.status};"
        f" gap {s.gap:.4%}; nodes {s.nodes}; objective {s.objective:.4f}"
    )
    print(
        f"  solve {statistics.median(solve):.2f} s, whole call {statistics.median(total):.2f} s"
        f" (median of {runs}); all constraint checks pass: {last.ok}"
    )


def with_parameters(root: Path, seed: int = 3) -> None:
    """Append 2PL parameters for the current version to every item file."""
    rng = np.random.default_rng(seed)
    for p in sorted((root / "items").rglob("*.yaml")):
        a = float(np.clip(rng.lognormal(0.1, 0.3), 0.4, 2.5))
        b = float(np.clip(rng.normal(0, 1), -2.8, 2.8))
        with p.open("a", encoding="utf-8") as fh:
            fh.write(
                f"stats:\n  calibration: bench\n  item_version: 1\n  model: 2pl\n"
                f"  a: {a:.3f}\n  b: {b:.3f}\n"
            )


def main(n_items: int = 2000) -> None:
    spec = load_spec(REPO / "bank" / "assembly.yaml")
    print("shipped bank, bank/assembly.yaml (3 forms x 60):")
    timed(load_bank(REPO / "bank"), spec, 3)
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp), n_items)
        with_parameters(root)
        bank = load_bank(root)
        print(f"generated bank of {n_items} items with 2PL parameters, same specification:")
        timed(bank, spec, 1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
