"""IRT calibration: parameter recovery on simulated data (fixed seeds), the 3PL fix, and
agreement with published estimates for LSAT-6."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.irt import calibrate, irf

REF = Path(__file__).parent / "reference"


def simulate_matrix(n: int, k: int, seed: int, c: float = 0.0, mean: float = 0.0):
    rng = np.random.default_rng(seed)
    a = np.clip(rng.lognormal(0.1, 0.3, k), 0.4, 2.5)
    b = np.clip(rng.normal(0, 1, k), -2.5, 2.5)
    theta = rng.normal(mean, 1, n)
    p = irf(theta, a, b, np.full(k, c))
    x = (rng.random(p.shape) < p).astype(float)
    cols = [f"I{j:02d}" for j in range(k)]
    return pd.DataFrame(x, columns=cols), pd.DataFrame({"item_id": cols, "a": a, "b": b})


def bias_rmse(est: pd.Series, true: pd.Series) -> tuple[float, float]:
    d = est.to_numpy() - true.to_numpy()
    return float(d.mean()), float(np.sqrt((d**2).mean()))


def test_2pl_recovery_single_form() -> None:
    m, truth = simulate_matrix(2000, 25, seed=11)
    cal = calibrate(m, "2pl")
    bias_a, rmse_a = bias_rmse(cal.params["a"], truth["a"])
    bias_b, rmse_b = bias_rmse(cal.params["b"], truth["b"])
    assert abs(bias_a) < 0.06 and rmse_a < 0.15
    assert abs(bias_b) < 0.06 and rmse_b < 0.15
    # standard errors are of the right size: RMSE near the mean SE
    assert 0.7 < rmse_b / cal.params["se_b"].mean() < 1.4
    assert 0.7 < rmse_a / cal.params["se_a"].mean() < 1.4
    assert len(cal.abilities) == 2000
    assert 0.8 < cal.marginal_reliability < 0.95


def test_rasch_and_1pl() -> None:
    m, truth = simulate_matrix(1500, 15, seed=5)
    r = calibrate(m, "rasch").params
    assert (r["a"] == 1).all() and r["se_a"].isna().all()
    o = calibrate(m, "1pl").params
    assert o["a"].nunique() == 1
    assert np.corrcoef(o["b"], truth["b"])[0, 1] > 0.95


def test_3pl_runs_with_current_scipy_and_recovers() -> None:
    m, truth = simulate_matrix(3000, 20, seed=7, c=0.2)
    cal = calibrate(m, "3pl")
    p = cal.params
    assert p["c"].between(0, 0.34).all()
    assert abs(p["c"].mean() - 0.2) < 0.08
    assert np.corrcoef(p["b"], truth["b"])[0, 1] > 0.9
    assert bias_rmse(p["a"], truth["a"])[1] < 0.35


def test_3pl_refuses_sparse_matrix() -> None:
    m, _ = simulate_matrix(200, 6, seed=1)
    m.iloc[:50, 0] = np.nan
    with pytest.raises(ValueError, match="each form separately"):
        calibrate(m, "3pl")


def _lsat6() -> pd.DataFrame:
    freq = pd.read_csv(REF / "lsat6.csv", comment="#", dtype={"pattern": str})
    rows = [
        [int(ch) for ch in p]
        for p, n in zip(freq["pattern"], freq["count"], strict=True)
        for _ in range(n)
    ]
    return pd.DataFrame(rows, columns=[f"item{i}" for i in range(1, 6)], dtype=float)


def test_lsat6_agrees_with_published_estimates() -> None:
    m = _lsat6()
    assert len(m) == 1000 and abs(m["item1"].mean() - 0.924) < 1e-9
    ref = pd.read_csv(REF / "lsat6_reference.csv", comment="#")
    two = calibrate(m, "2pl").params
    np.testing.assert_allclose(two["a"], ref["a_2pl"], atol=0.03)
    np.testing.assert_allclose(two["b"], ref["b_2pl"], atol=0.03)
    # standard errors (cross-product of scores) agree with ltm's observed-information SEs
    np.testing.assert_allclose(two["se_a"], ref["se_a_2pl"], rtol=0.1)
    np.testing.assert_allclose(two["se_b"], ref["se_b_2pl"], rtol=0.1)
    one = calibrate(m, "1pl").params
    np.testing.assert_allclose(one["b"], ref["b_rasch"], atol=0.03)
    assert abs(one["a"].iloc[0] - 0.7551) < 0.01


def test_polytomous_grm_recovers_thresholds_and_pcm_runs() -> None:
    from toolkit.analysis.irt import calibrate_polytomous

    rng = np.random.default_rng(0)
    n, k = 3000, 10
    a = rng.uniform(0.8, 2, k)
    theta = rng.normal(0, 1, n)
    b1 = rng.normal(-0.5, 0.7, k)
    b2 = b1 + rng.uniform(0.5, 1.5, k)
    x = np.zeros((n, k))
    for j in range(k):
        u = rng.random(n)
        p1 = 1 / (1 + np.exp(-a[j] * (theta - b1[j])))
        p2 = 1 / (1 + np.exp(-a[j] * (theta - b2[j])))
        x[:, j] = (u < p1).astype(int) + ((u < p2).astype(int) if j < 4 else 0)
    m = pd.DataFrame(x, columns=[f"I{j}" for j in range(k)])
    grm = calibrate_polytomous(m, "grm")
    assert grm["categories"].tolist() == [3] * 4 + [2] * 6
    np.testing.assert_allclose(grm["a"], a, atol=0.25)
    np.testing.assert_allclose(grm["b1"], b1, atol=0.2)
    np.testing.assert_allclose(grm.loc[:3, "b2"], b2[:4], atol=0.25)
    pcm = calibrate_polytomous(m, "pcm")
    assert pcm["categories"].tolist() == [3] * 4 + [2] * 6
    assert np.corrcoef(pcm["b"], grm["b"])[0, 1] > 0.9


def test_items_without_variance_are_not_estimable() -> None:
    m, _ = simulate_matrix(800, 10, seed=3)
    m["I00"] = 1.0  # everyone right
    m["I01"] = 0.0  # everyone wrong
    cal = calibrate(m, "2pl")
    p = cal.params.set_index("item_id")
    assert p.loc[["I00", "I01"], ["a", "b"]].isna().all().all()
    assert p.drop(index=["I00", "I01"])[["a", "b"]].notna().all().all()
    assert cal.abilities["theta"].notna().all()
    assert np.isfinite(cal.information(np.linspace(-3, 3, 7))).all()
