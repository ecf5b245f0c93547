"""Differential item functioning: Mantel-Haenszel (ETS A/B/C) and logistic regression.

Mantel-Haenszel: candidates are matched on their total score including the studied item
(Holland and Thayer), every score level a stratum; MH D-DIF = -2.35 ln(alpha_MH) with the
Robins-Breslow-Greenland variance (statsmodels' ``StratifiedTable``). ETS classes: A (|D| < 1 or the MH chi-square not
significant at .05), C (|D| >= 1.5 and |D| significantly above 1), B otherwise; the sign is D's
(negative: the item favours the reference group). Logistic regression (statsmodels):
item ~ total, + group (uniform DIF), + total:group (non-uniform); likelihood-ratio tests and
Nagelkerke R-squared differences (Jodoin-Gierl: B from 0.035, C from 0.070, and only when the
2-df test is significant). Candidates with a blank group are left out. p-values are also
given Benjamini-Hochberg adjusted. With several forms of different lengths, the total is the
proportion correct, rounded to a score level of the longest form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def matching_scores(m: pd.DataFrame) -> pd.Series:
    """Total score including every administered item; for forms of different lengths the
    proportion correct on the scale of the longest form, rounded to whole score levels."""
    x = m.to_numpy(float)
    n = (~np.isnan(x)).sum(axis=1)
    total = np.nansum(x, axis=1)
    longest = int(n.max()) if len(n) else 0
    if len(n) and (n == longest).all():
        return pd.Series(total, index=m.index)
    return pd.Series(np.round(total / np.maximum(n, 1) * longest), index=m.index)


def _ets_class(d: float, se: float, p: float | None = None) -> str:
    """ETS class from D-DIF, its SE and (when given) the MH chi-square p-value."""
    if np.isnan(d) or np.isnan(se):
        return ""
    if p is not None and not np.isnan(p):
        sig0 = p < 0.05
    else:
        sig0 = abs(d) / se > stats.norm.ppf(0.975) if se > 0 else abs(d) > 0
    sig1 = (abs(d) - 1) / se > stats.norm.ppf(0.95) if se > 0 else abs(d) > 1
    if abs(d) < 1 or not sig0:
        cls = "A"
    elif abs(d) >= 1.5 and sig1:
        cls = "C"
    else:
        cls = "B"
    if cls == "A":
        return "A"
    return ("+" if d > 0 else "-") + cls


def _groups(m: pd.DataFrame, group: pd.Series) -> pd.Series:
    """Group labels aligned with ``m``; blank and missing labels become NaN (left out)."""
    g = group.reindex(m.index)
    g = g.where(g.notna(), "").astype(str).str.strip()
    return g.where(g != "")


def mantel_haenszel(m: pd.DataFrame, group: pd.Series, reference: str) -> pd.DataFrame:
    """MH DIF per item; ``group`` holds each candidate's group, ``reference`` names the
    reference group, and every other non-blank value is the focal group. The pooled odds
    ratio, its standard error (Robins-Breslow-Greenland) and the continuity-corrected
    chi-square come from statsmodels' ``StratifiedTable``; only the ETS classes are ours."""
    from statsmodels.stats.contingency_tables import StratifiedTable

    total = matching_scores(m)
    g = _groups(m, group)
    rows = []
    for item in m.columns:
        took = m[item].notna() & g.notna()
        y = m.loc[took, item].to_numpy(float) >= 1
        ref = (g[took] == reference).to_numpy()
        band = total[took].to_numpy(float)
        tables = []
        for s in np.unique(band):
            k = band == s
            t = np.array(
                [
                    [np.sum(y[k] & ref[k]), np.sum(~y[k] & ref[k])],
                    [np.sum(y[k] & ~ref[k]), np.sum(~y[k] & ~ref[k])],
                ],
                dtype=float,
            )
            if t.sum() >= 2 and t[0].sum() > 0 and t[1].sum() > 0:
                tables.append(t)
        row = {
            "item_id": item,
            "n_reference": int(ref.sum()),
            "n_focal": int((~ref).sum()),
            "mh_alpha": np.nan,
            "mh_d_dif": np.nan,
            "mh_se": np.nan,
            "mh_chi2": np.nan,
            "mh_p": np.nan,
            "ets_class": "",
        }
        st = StratifiedTable(np.dstack(tables)) if tables else None
        num = sum(t[0, 0] * t[1, 1] / t.sum() for t in tables)
        den = sum(t[0, 1] * t[1, 0] / t.sum() for t in tables)
        if st is not None and num > 0 and den > 0:
            test = st.test_null_odds(correction=True)
            d = -2.35 * float(st.logodds_pooled)
            se = 2.35 * float(st.logodds_pooled_se)
            row.update(
                mh_alpha=float(st.oddsratio_pooled),
                mh_d_dif=d,
                mh_se=se,
                mh_chi2=float(test.statistic),
                mh_p=float(test.pvalue),
                ets_class=_ets_class(d, se, float(test.pvalue)),
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _nagelkerke(llf: float, llnull: float, n: int) -> float:
    cox = 1 - np.exp(2 * (llnull - llf) / n)
    mx = 1 - np.exp(2 * llnull / n)
    return float(cox / mx) if mx > 0 else float("nan")


def logistic_dif(m: pd.DataFrame, group: pd.Series, reference: str) -> pd.DataFrame:
    """Logistic-regression DIF per item (uniform, non-uniform and both)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    total = matching_scores(m)
    g = _groups(m, group)
    rows = []
    for item in m.columns:
        took = m[item].notna() & g.notna()
        y = (m.loc[took, item].to_numpy(float) >= 1).astype(float)
        s = total[took].to_numpy(float)
        s = (s - s.mean()) / (s.std() or 1)
        f = (g[took] != reference).to_numpy(float)
        row = {"item_id": item}
        try:
            X0 = sm.add_constant(np.column_stack([s]))
            X1 = sm.add_constant(np.column_stack([s, f]))
            X2 = sm.add_constant(np.column_stack([s, f, s * f]))
            fits = [sm.Logit(y, X).fit(disp=0, maxiter=200) for X in (X0, X1, X2)]
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError, OverflowError):
            # perfect separation or a singular design: no logistic DIF test for this item
            rows.append(
                row
                | {
                    "lr_uniform_p": np.nan,
                    "lr_nonuniform_p": np.nan,
                    "lr_p": np.nan,
                    "delta_r2": np.nan,
                    "lr_class": "",
                }
            )
            continue
        ll0, ll1, ll2 = (f_.llf for f_ in fits)
        n = len(y)
        r2 = [_nagelkerke(f_.llf, f_.llnull, n) for f_ in fits]
        dr2 = r2[2] - r2[0]
        row |= {
            "lr_uniform_chi2": 2 * (ll1 - ll0),
            "lr_uniform_p": stats.chi2.sf(2 * (ll1 - ll0), 1),
            "lr_nonuniform_chi2": 2 * (ll2 - ll1),
            "lr_nonuniform_p": stats.chi2.sf(2 * (ll2 - ll1), 1),
            "lr_chi2": 2 * (ll2 - ll0),
            "lr_p": stats.chi2.sf(2 * (ll2 - ll0), 2),
            "group_coef": float(fits[1].params[2]),
            "delta_r2": dr2,
        }
        significant = row["lr_p"] < 0.05
        row["lr_class"] = "A" if dr2 < 0.035 or not significant else ("B" if dr2 < 0.070 else "C")
        rows.append(row)
    return pd.DataFrame(rows)


def dif_analysis(
    m: pd.DataFrame, group: pd.Series, reference: str, alpha: float = 0.05
) -> pd.DataFrame:
    """MH and logistic DIF, with Benjamini-Hochberg adjusted p-values (``*_p_adj``)."""
    from statsmodels.stats.multitest import multipletests

    labels = set(_groups(m, group).dropna())
    if reference not in labels:
        raise ValueError(
            f"reference group '{reference}' does not occur in the group column"
            f" (groups: {', '.join(sorted(labels)) or 'none'})"
        )
    if len(labels) < 2:
        raise ValueError("DIF needs a reference and a focal group; the group column has one value")
    df = mantel_haenszel(m, group, reference).merge(
        logistic_dif(m, group, reference), on="item_id", how="left"
    )
    for col in ("mh_p", "lr_p"):
        p = df[col].to_numpy(float)
        ok = ~np.isnan(p)
        adj = np.full(len(p), np.nan)
        if ok.any():
            adj[ok] = multipletests(p[ok], alpha=alpha, method="fdr_bh")[1]
        df[f"{col}_adj"] = adj
    return df
