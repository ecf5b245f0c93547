"""Benchmark: `qbank lint` on a generated 10,000-item bank.

Reports the time of validation (loading), of the whole lint, and of the
near-duplicate rule (IW011), whose candidate search uses an inverted index of stem
shingles. The peer is the brute-force all-pairs Jaccard comparison on the same
items, run in the same process on a subsample and scaled by (n / m)^2. The planted
near-duplicates must all be found, and the indexed rule must find exactly the pairs
brute force finds on the subsample.
"""

from __future__ import annotations

import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_bank import generate
from bench.report import emit
from toolkit.bank.store import Bank
from toolkit.bank.workspace import Workspace
from toolkit.lint import LintConfig, lint_bank, rules_by_code
from toolkit.lint.text import jaccard, norm_tokens
from toolkit.validate import validate_bank


def brute_force_pairs(items, threshold: float = 0.5, k: int = 3) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    sh = []
    for it in items:
        t = norm_tokens(it.stem)
        sh.append({tuple(t[j : j + k]) for j in range(max(1, len(t) - k + 1))})
    return {
        (items[a].id, items[b].id)
        for a, b in combinations(range(len(items)), 2)
        if jaccard(sh[a], sh[b]) >= threshold
    }


def main(n: int = 10_000, planted: int = 20, sample: int = 2_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp), n, duplicates=planted)
        t0 = time.perf_counter()
        report = validate_bank(root)
        t_validate = time.perf_counter() - t0
        ws = report.workspace
        assert ws is not None and report.ok
        bank = ws.bank

        t0 = time.perf_counter()
        full = lint_bank(ws, LintConfig())
        t_lint = time.perf_counter() - t0

        iw011 = rules_by_code()["IW011"]
        t0 = time.perf_counter()
        dup = lint_bank(ws, LintConfig(select=("IW011",)), rules=[iw011])
        t_dup = time.perf_counter() - t0
        found = {Path(d.path).stem for d in dup.diagnostics}
        assert len(found) == 2 * planted, (len(found), planted)

        sub = Workspace(
            Bank(bank.root, bank.blueprint, bank.items[-sample:]), ws.sources, ws.blueprint_source
        )
        t0 = time.perf_counter()
        brute = brute_force_pairs(list(sub.bank.items))
        t_brute = time.perf_counter() - t0
        indexed = lint_bank(sub, LintConfig(select=("IW011",)), rules=[iw011])
        found_sub = {Path(d.path).stem for d in indexed.diagnostics}
        assert found_sub == {i for pair in brute for i in pair}
    scaled = t_brute * (n / sample) ** 2
    print(f"items: {n} (planted near-duplicate pairs: {planted})")
    print(f"validate (load)           : {t_validate:7.2f} s")
    print(
        f"lint, all {len(full.rules_run)} rules        : {t_lint:7.2f} s"
        f"  ({len(full.diagnostics)} findings)"
    )
    print(f"IW011 near-duplicates     : {t_dup:7.2f} s  (found all {planted} planted pairs)")
    print(f"peer: brute force, {sample} items: {t_brute:6.2f} s -> {scaled:7.1f} s scaled to {n}")
    print(f"ratio peer/IW011 at {n}   : {scaled / t_dup:7.1f}x")
    emit(
        "lint",
        f"{n:,}-item generated bank: all {len(full.rules_run)} rules / IW011 near-duplicates",
        f"{t_lint:.2f} s / {t_dup:.2f} s (found all {planted} planted pairs)",
        f"IW011 by brute force: {scaled:.1f} s (scaled from {sample} items)",
        f"{scaled / t_dup:.0f}x",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
