"""Benchmark: calibration of several forms given to non-equivalent groups, qbank (per form,
linked; serial and in parallel processes) beside a bare ``girth.twopl_mml`` call on the same
sparse matrix, in the same run: time and recovery (RMSE and bias of b against the true values).

Design (as in issue 17): 8 forms x 2,500 candidates over the shipped 292-item bank, 45 items
per form with 15 anchors (255 items used, 82 % of the matrix not administered), group means
0, -0.6, 0.6, -0.4, 0.4, -0.2, 0.2, 0 (the first form, the linking reference, is N(0, 1)).
The data go through the real pipeline: a long CSV, scored by ``score_file``.

    python bench/bench_forms.py [candidates_per_form]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_responses import generate
from bench.report import emit
from toolkit.analysis.calibration import calibrate_administration
from toolkit.analysis.forms import available_cores
from toolkit.analysis.irt import N_QUAD, QUAD_BOUNDS, _to_girth
from toolkit.bank import load_bank
from toolkit.responses.scoring import score_file

REPO = Path(__file__).resolve().parent.parent


def rmse_bias(est: dict[str, float], truth: dict[str, tuple[float, float]]) -> tuple[float, float]:
    d = np.array([est[i] - truth[i][1] for i in truth if i in est and np.isfinite(est[i])])
    return float(np.sqrt((d**2).mean())), float(d.mean())


def main(per_form: int = 2500) -> None:
    from girth import twopl_mml

    bank = load_bank(REPO / "bank")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "forms.csv"
        info = generate(path, n_forms=8, length=45, anchors=15, per_form=per_form)
        scored = score_file(path, bank)
    truth = info["truth"]
    assert isinstance(truth, dict)
    dich = scored.dichotomous()
    empty = float(dich.isna().to_numpy().mean())
    runs = {}
    for label, workers in (("serial", 1), ("parallel", None)):
        t0 = time.perf_counter()
        run = calibrate_administration(
            scored, bank, model="2pl", link_to_bank=False, workers=workers
        )
        runs[label] = (time.perf_counter() - t0, run)
    (t_serial, serial), (t_par, parallel) = runs["serial"], runs["parallel"]
    identical = serial.params.equals(parallel.params)
    est = dict(zip(parallel.params["item_id"], parallel.params["b"], strict=True))
    rmse_q, bias_q = rmse_bias(est, truth)

    t0 = time.perf_counter()
    g = twopl_mml(
        _to_girth(dich.to_numpy()),
        options={"quadrature_n": N_QUAD, "quadrature_bounds": QUAD_BOUNDS},
    )
    t_girth = time.perf_counter() - t0
    gb = dict(zip(dich.columns, np.asarray(g["Difficulty"], float), strict=True))
    rmse_g, bias_g = rmse_bias(gb, truth)

    n_items = dich.shape[1]
    cores = available_cores()
    print(
        f"{info['forms']} forms x {per_form} candidates, {n_items} items,"
        f" {empty:.1%} not administered; {cores} core(s)"
    )
    print(f"qbank, forms serial      : {t_serial:7.1f} s")
    print(f"qbank, forms in parallel : {t_par:7.1f} s  (identical to serial: {identical})")
    print(f"bare girth.twopl_mml     : {t_girth:7.1f} s")
    print(
        f"RMSE(b) qbank {rmse_q:.3f} (bias {bias_q:+.3f}); girth {rmse_g:.3f} (bias {bias_g:+.3f})"
    )
    print(f"speed-up over bare girth : {t_girth / t_par:.1f}x (serial {t_girth / t_serial:.1f}x)")
    design = f"8 forms x {per_form:,}, {n_items} items, {empty:.0%} not administered"
    emit(
        "calibration",
        f"2PL, {design}: time",
        f"{t_par:.1f} s parallel, {t_serial:.1f} s serial (identical: {identical})",
        f"{t_girth:.1f} s (bare girth.twopl_mml, sparse matrix)",
        f"{t_girth / t_par:.1f}x faster ({cores} cores)",
    )
    emit(
        "calibration",
        f"2PL, {design}: RMSE(b) / bias(b)",
        f"{rmse_q:.3f} / {bias_q:+.3f}",
        f"{rmse_g:.3f} / {bias_g:+.3f}",
        "per-form calibration + Stocking-Lord linking vs one N(0, 1) population",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2500)
