"""Classical item statistics: difficulty, discrimination, reliability, distractor analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 3:
        return float("nan")
    xs, ys = x[ok], y[ok]
    if xs.std() == 0 or ys.std() == 0:
        return float("nan")
    return float(np.corrcoef(xs, ys)[0, 1])


def cronbach_alpha(m: np.ndarray) -> float:
    """Alpha (KR-20 for 0/1 items) of a complete candidates x items matrix."""
    k = m.shape[1]
    if k < 2 or m.shape[0] < 2:
        return float("nan")
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var))


def rest_scores(m: pd.DataFrame) -> pd.DataFrame:
    """For each item, each candidate's proportion correct on the other administered items
    (comparable across forms of different lengths); NaN where the item was not administered."""
    x = m.to_numpy(float)
    seen = ~np.isnan(x)
    tot = np.nansum(x, axis=1, keepdims=True)
    n = seen.sum(axis=1, keepdims=True)
    rest = (tot - np.nan_to_num(x)) / np.maximum(n - seen, 1)
    rest[~seen] = np.nan
    return pd.DataFrame(rest, index=m.index, columns=m.columns)


def item_statistics(
    m: pd.DataFrame,
    omitted: pd.DataFrame | None = None,
    forms: pd.Series | None = None,
    max_score: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per item: n, p_value, point_biserial (corrected item-rest), discrimination
    index (upper minus lower 27% by rest score), omit_rate, and alpha_if_deleted: the alpha of
    the item's form (the largest form with the item, over the items all its candidates took)
    without the item; ``alpha_form`` names that form."""
    x = m.to_numpy(float)
    mx = (
        max_score.reindex(m.columns).fillna(1.0).to_numpy()
        if max_score is not None
        else np.ones(m.shape[1])
    )
    rest = rest_scores(m).to_numpy()
    groups = (
        forms.reindex(m.index).fillna("").astype(str)
        if forms is not None
        else pd.Series("", index=m.index)
    )
    form_rows = {f: groups.to_numpy() == f for f in groups.value_counts().index}  # largest first
    rows = []
    for j, item in enumerate(m.columns):
        col = x[:, j]
        seen = ~np.isnan(col)
        n = int(seen.sum())
        p = float(np.nanmean(col) / mx[j]) if n else float("nan")
        rpb = _corr(col, rest[:, j])
        disc = float("nan")
        if n >= 10:
            r = rest[seen, j]
            lo, hi = np.quantile(r, [0.27, 0.73])
            low, high = col[seen][r <= lo], col[seen][r >= hi]
            if len(low) and len(high):
                disc = float((high.mean() - low.mean()) / mx[j])
        omit = float(omitted.iloc[:, j][seen].mean()) if omitted is not None and n else 0.0
        a_del, a_form = float("nan"), ""
        for f, in_form in form_rows.items():  # the largest form that has the item
            sub = x[in_form & seen]
            if not len(sub):
                continue
            cols = ~np.isnan(sub).any(axis=0)
            if cols.sum() > 2 and cols[j]:
                keep = cols.copy()
                keep[j] = False
                a_del, a_form = cronbach_alpha(sub[:, keep]), f
            break
        rows.append(
            {
                "item_id": item,
                "n": n,
                "p_value": p,
                "point_biserial": rpb,
                "discrimination_index": disc,
                "omit_rate": omit,
                "alpha_if_deleted": a_del,
                "alpha_form": a_form,
            }
        )
    return pd.DataFrame(rows)


def form_reliability(m: pd.DataFrame, forms: pd.Series) -> pd.DataFrame:
    """Alpha (KR-20) per form over the items every candidate of the form took."""
    rows = []
    groups = forms.reindex(m.index).fillna("")
    for form_id, idx in groups.groupby(groups).groups.items():
        sub = m.loc[idx]
        sub = sub.loc[:, sub.notna().all(axis=0)]
        rows.append(
            {
                "form_id": form_id or "(all)",
                "candidates": len(sub),
                "items": sub.shape[1],
                "alpha": cronbach_alpha(sub.to_numpy(float)),
                "mean_score": float(sub.sum(axis=1).mean()) if sub.shape[1] else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def option_statistics(
    m: pd.DataFrame,
    choices: pd.DataFrame,
    options: dict[str, list[tuple[str, bool]]],
    groups: int = 5,
) -> pd.DataFrame:
    """Distractor analysis: per item and option, the share of candidates choosing it overall
    and in each of ``groups`` score groups (by rest score, low to high), and the
    point-biserial of choosing it with the rest score."""
    rest = rest_scores(m)
    chosen = choices.assign(v=1).pivot_table(
        index="candidate_id", columns=["item_id", "option"], values="v", aggfunc="max", fill_value=0
    )
    rows = []
    for item in m.columns:
        took = m[item].notna()
        r = rest.loc[took, item]
        if r.empty:
            continue
        ranks = r.rank(method="first")
        grp = np.ceil(ranks / len(r) * groups).clip(1, groups).astype(int)
        for opt, is_key in options.get(item, []):
            col = (
                chosen[(item, opt)]
                if (item, opt) in chosen.columns
                else pd.Series(0, index=chosen.index)
            )
            sel = col.reindex(r.index).fillna(0).to_numpy(float)
            row = {
                "item_id": item,
                "option": opt,
                "key": is_key,
                "n": len(r),
                "share": float(sel.mean()),
                "point_biserial": _corr(sel, r.to_numpy(float)),
            }
            for g in range(1, groups + 1):
                mask = (grp == g).to_numpy()
                row[f"share_g{g}"] = float(sel[mask].mean()) if mask.any() else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)
