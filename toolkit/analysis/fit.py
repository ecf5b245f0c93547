"""Item fit (Orlando and Thissen's S-X2) and local dependence (Yen's Q3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .irt import irf, quadrature


def _lord_wingersky(p: np.ndarray) -> np.ndarray:
    """Summed-score probabilities at each node: p is nodes x items -> nodes x (items + 1)."""
    n_nodes, n_items = p.shape
    f = np.zeros((n_nodes, n_items + 1))
    f[:, 0] = 1.0
    for j in range(n_items):
        new = np.zeros_like(f)
        new[:, : j + 2] += f[:, : j + 2] * (1 - p[:, j : j + 1])
        new[:, 1 : j + 2] += f[:, : j + 1] * p[:, j : j + 1]
        f = new
    return f


def s_x2(
    m: pd.DataFrame, params: pd.DataFrame, n_params: int, min_expected: float = 1.0
) -> pd.DataFrame:
    """S-X2 for the items of a complete 0/1 matrix (one form). Returns item_id, fit_s_x2,
    fit_df, fit_p. Score groups are merged from the ends until expected counts reach
    ``min_expected``."""
    x = m.to_numpy(float)
    par = params.set_index("item_id").loc[list(m.columns)]
    theta, w = quadrature()
    p = irf(theta, par["a"].to_numpy(), par["b"].to_numpy(), par["c"].to_numpy())
    total = x.sum(axis=1).astype(int)
    k = x.shape[1]
    f_all = _lord_wingersky(p)
    denom = f_all.T @ w  # P(score s)
    rows = []
    for j, item in enumerate(m.columns):
        rest = np.delete(p, j, axis=1)
        f_rest = _lord_wingersky(rest)
        # E[x_j = 1 | total = s] for s = 1..k-1
        scores = np.arange(1, k)
        num = (p[:, j : j + 1] * f_rest[:, scores - 1]).T @ w
        expected = num / np.maximum(denom[scores], 1e-300)
        n_s = np.array([(total == s).sum() for s in scores], float)
        obs = np.array([x[total == s, j].sum() for s in scores], float)
        # merge sparse groups
        groups: list[list[int]] = []
        cur: list[int] = []
        for i in range(len(scores)):
            cur.append(i)
            e1 = (n_s[cur] * expected[cur]).sum()
            e0 = (n_s[cur] * (1 - expected[cur])).sum()
            if e1 >= min_expected and e0 >= min_expected:
                groups.append(cur)
                cur = []
        if cur:
            if groups:
                groups[-1] += cur
            else:
                groups.append(cur)
        chi = 0.0
        for g in groups:
            n = n_s[g].sum()
            if n == 0:
                continue
            e = (n_s[g] * expected[g]).sum() / n
            o = obs[g].sum() / n
            if 0 < e < 1:
                chi += n * (o - e) ** 2 / (e * (1 - e))
        df = len(groups) - n_params
        pval = float(stats.chi2.sf(chi, df)) if df > 0 else float("nan")
        rows.append({"item_id": item, "fit_s_x2": chi, "fit_df": df, "fit_p": pval})
    return pd.DataFrame(rows)


def q3(
    m: pd.DataFrame, params: pd.DataFrame, theta: np.ndarray, threshold: float = 0.2
) -> pd.DataFrame:
    """Yen's Q3: correlations of residuals (x - P(theta_EAP)) between item pairs. Returns the
    pairs whose Q3 minus the mean Q3 exceeds ``threshold`` (the usual screen)."""
    par = params.set_index("item_id").loc[list(m.columns)]
    p = irf(theta, par["a"].to_numpy(), par["b"].to_numpy(), par["c"].to_numpy())
    resid = pd.DataFrame(m.to_numpy(float) - p, index=m.index, columns=m.columns)
    corr = resid.corr(min_periods=30)
    vals = corr.to_numpy()
    iu = np.triu_indices_from(vals, k=1)
    pairs = pd.DataFrame(
        {"item_a": corr.columns[iu[0]], "item_b": corr.columns[iu[1]], "q3": vals[iu]}
    ).dropna()
    mean = float(pairs["q3"].mean()) if len(pairs) else 0.0
    pairs["q3_minus_mean"] = pairs["q3"] - mean
    out = pairs[pairs["q3_minus_mean"] > threshold]
    return out.sort_values("q3_minus_mean", ascending=False).reset_index(drop=True)
