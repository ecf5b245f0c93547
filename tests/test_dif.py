"""DIF: Mantel-Haenszel with ETS classes and logistic regression, on planted DIF."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.analysis.dif import _ets_class, dif_analysis
from toolkit.analysis.irt import irf


def planted(seed: int = 2, n: int = 3000, k: int = 20, shift: float = 1.0):
    rng = np.random.default_rng(seed)
    a = np.clip(rng.lognormal(0.1, 0.25, k), 0.5, 2.0)
    b = rng.normal(0, 1, k)
    group = np.where(rng.random(n) < 0.5, "ref", "foc")
    theta = rng.normal(0, 1, n) - 0.3 * (group == "foc")  # impact is not DIF
    bb = np.tile(b, (n, 1))
    bb[group == "foc", 0] += shift  # item 0 harder for the focal group (uniform DIF)
    p = irf(theta, a, np.zeros(k), np.zeros(k))
    p = 1 / (1 + np.exp(-a * (theta[:, None] - bb)))
    x = (rng.random((n, k)) < p).astype(float)
    cols = [f"I{j:02d}" for j in range(k)]
    idx = [f"c{i}" for i in range(n)]
    return pd.DataFrame(x, columns=cols, index=idx), pd.Series(group, index=idx)


def test_planted_dif_is_found_with_sign() -> None:
    m, g = planted()
    res = dif_analysis(m, g, "ref").set_index("item_id")
    assert res.loc["I00", "ets_class"] == "-C"  # favours the reference group
    assert res.loc["I00", "mh_d_dif"] < -1.5
    assert res.loc["I00", "lr_uniform_p"] < 1e-6
    assert res.loc["I00", "mh_p_adj"] < 0.01
    others = res.drop(index="I00")
    assert (others["ets_class"] == "A").mean() >= 0.85


def test_no_dif_without_planting() -> None:
    m, g = planted(shift=0.0, seed=9)
    res = dif_analysis(m, g, "ref")
    assert not res["ets_class"].str.endswith("C").any()


def test_ets_rules() -> None:
    assert _ets_class(0.5, 0.2) == "A"
    assert _ets_class(-1.2, 0.2) == "-B"
    assert _ets_class(1.8, 0.2) == "+C"
    assert _ets_class(1.8, 1.5) == "A"  # not significant
    assert _ets_class(1.8, 0.2, p=0.2) == "A"  # the MH chi-square decides significance
    assert _ets_class(1.3, 0.2, p=0.001) == "+B"


def test_blank_groups_are_left_out_and_impact_is_not_dif() -> None:
    m, g = planted(shift=0.0, seed=4)
    g = g.copy()
    g.iloc[:300] = ""
    res = dif_analysis(m, g, "ref")
    assert (res["n_reference"] + res["n_focal"]).max() == len(m) - 300
    # groups differ by 0.3 SD in ability; with total-score matching there is no spurious DIF
    assert abs(res["mh_d_dif"].mean()) < 0.15
