"""Benchmark: qbank's 2PL calibration against a bare girth call on the same data, and the
largest data size (candidates x items) that calibrates within a time budget.

The peer is ``girth.twopl_mml`` on the same [items x candidates] array in the same run;
qbank adds the conversion, standard errors and EAP abilities on top. Usage:
    python bench/bench_calibrate.py [budget_seconds]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import emit
from toolkit.analysis.irt import _to_girth, calibrate, irf


def data(n: int, k: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = np.clip(rng.lognormal(0.1, 0.3, k), 0.4, 2.5)
    b = rng.normal(0, 1, k)
    p = irf(rng.normal(0, 1, n), a, b, np.zeros(k))
    return pd.DataFrame((rng.random(p.shape) < p).astype(float))


def compare(n: int, k: int) -> tuple[float, float]:
    from girth import twopl_mml

    m = data(n, k)
    t0 = time.perf_counter()
    twopl_mml(_to_girth(m.to_numpy()), options={"quadrature_n": 61, "quadrature_bounds": (-5, 5)})
    t_girth = time.perf_counter() - t0
    t0 = time.perf_counter()
    cal = calibrate(m, "2pl")
    _ = cal.abilities
    t_qbank = time.perf_counter() - t0
    return t_girth, t_qbank


def main(budget: float = 300.0) -> None:
    print("candidates x items | bare girth (s) | qbank calibrate + SE + EAP (s) | ratio")
    for n, k in ((2000, 60), (10000, 60), (10000, 150)):
        tg, tq = compare(n, k)
        print(f"{n:>10} x {k:<5} | {tg:14.2f} | {tq:30.2f} | {tq / tg:5.2f}")
        emit(
            "calibration",
            f"2PL, one form, {n:,} candidates x {k} items",
            f"{tq:.2f} s (calibrate + SE + EAP)",
            f"{tg:.2f} s (bare girth.twopl_mml)",
            f"{tq / tg:.2f}x the bare call's time",
        )
    print(f"largest size within {budget:.0f} s (60 items, doubling candidates):")
    n, best = 10000, None
    while True:
        m = data(n, 60)
        t0 = time.perf_counter()
        calibrate(m, "2pl")
        t = time.perf_counter() - t0
        print(f"  {n} x 60: {t:.1f} s")
        if t > budget:
            break
        best = (n, t)
        if t * 2.2 > budget * 1.5:  # the next doubling would clearly exceed the budget
            break
        n *= 2
    if best:
        print(f"largest measured within budget: {best[0]} x 60 in {best[1]:.1f} s")
        emit(
            "calibration",
            f"largest one-form 2PL within {budget:.0f} s (60 items, doubling)",
            f"{best[0]:,} candidates in {best[1]:.1f} s",
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 300.0)
