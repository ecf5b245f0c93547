"""Multiple forms: detect them, calibrate each on its own, and link them onto one scale.

girth's MML assumes one N(0, 1) population. When forms go to groups of different ability
(non-equivalent groups), a concurrent calibration of the sparse matrix puts everyone on
one N(0, 1) and biases the parameters of items that only one group saw (see the
parameter-recovery tests). The per-form path calibrates each form on its own candidates
(each form's group standardized to N(0, 1)), links every form to the reference form
through the common items (Stocking-Lord by default; mean-sigma is reported as a check),
and averages the linked parameters of items that appear on several forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .irt import Calibration, calibrate
from .linking import Link, link, mean_sigma


def detect_forms(
    m: pd.DataFrame, form_ids: pd.Series | None = None, min_candidates: int = 30
) -> pd.Series:
    """Form of each candidate: ``form_ids`` when given and non-empty, else the pattern of
    administered items. Patterns shared by fewer than ``min_candidates`` candidates (a missing
    row or two) join the large pattern whose items overlap theirs most; their missing cells
    stay "not administered"."""
    if form_ids is not None:
        f = form_ids.reindex(m.index).fillna("").astype(str)
        if (f != "").all():
            return f
    seen = m.notna().to_numpy()
    keys = ["".join("1" if v else "0" for v in row) for row in seen]
    pattern = pd.Series(keys, index=m.index)
    sizes = pattern.value_counts()
    large = [p for p in sizes.index if sizes[p] >= min_candidates] or [sizes.index[0]]
    large_sets = {p: {i for i, ch in enumerate(p) if ch == "1"} for p in large}

    def home(p: str) -> str:
        if p in large_sets:
            return p
        items = {i for i, ch in enumerate(p) if ch == "1"}
        return max(
            large,
            key=lambda q: (len(items & large_sets[q]) / len(items | large_sets[q]), sizes[q], q),
        )

    merged = pattern.map({p: home(p) for p in sizes.index})
    codes = {p: f"P{n + 1}" for n, p in enumerate(sorted(merged.unique(), reverse=True))}
    return merged.map(codes)


@dataclass(frozen=True)
class LinkedCalibration:
    calibration: Calibration  # final parameters on the reference form's scale
    per_form: dict[str, Calibration]
    links: dict[str, Link]
    mean_sigma_links: dict[str, Link]
    """Mean-sigma constants of the same links, reported beside them as a check."""
    reference: str

    def links_frame(self) -> pd.DataFrame:
        rows = []
        for f, lk in self.links.items():
            ms = self.mean_sigma_links[f]
            rows.append(
                {
                    "form_id": f,
                    "method": lk.method,
                    "A": lk.A,
                    "B": lk.B,
                    "anchors": len(lk.anchors),
                    "mean_sigma_A": ms.A,
                    "mean_sigma_B": ms.B,
                }
            )
        return pd.DataFrame(rows)


def calibrate_forms(
    m: pd.DataFrame,
    forms: pd.Series,
    model: str = "2pl",
    method: str = "stocking-lord",
    reference: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LinkedCalibration:
    """Calibrate each form separately and link all forms to ``reference`` (default: the
    form with the most candidates)."""
    forms = forms.reindex(m.index)
    order = forms.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    reference = reference or str(order.index[0])
    per_form: dict[str, Calibration] = {}
    for f in order.index:
        sub = m.loc[forms == f]
        if progress:
            progress(f"  form {f}: {len(sub)} candidates")
        sub = sub.loc[:, sub.notna().any(axis=0)]
        try:
            per_form[str(f)] = calibrate(sub, model)
        except ValueError as exc:
            raise ValueError(f"form {f} ({len(sub)} candidates): {exc}") from None
    ref_params = per_form[reference].params
    links: dict[str, Link] = {}
    ms_links: dict[str, Link] = {}
    linked = [ref_params.assign(form_id=reference)]
    pending = [f for f in per_form if f != reference]
    scale = ref_params.copy()
    # Link forms in order of their overlap with what is already on the scale.
    while pending:
        overlaps = {
            f: len(set(per_form[f].params["item_id"]) & set(scale["item_id"])) for f in pending
        }
        f = max(pending, key=lambda k: (overlaps[k], k))
        if overlaps[f] < 2:
            raise ValueError(
                f"form {f} shares {overlaps[f]} item(s) with the linked forms;"
                " linking needs at least 2 common items"
            )
        lk = link(per_form[f].params, scale, method)
        links[f], ms_links[f] = lk, mean_sigma(per_form[f].params, scale)
        on_scale = lk.apply(per_form[f].params).assign(form_id=f)
        linked.append(on_scale)
        scale = pd.concat([scale, on_scale[~on_scale["item_id"].isin(scale["item_id"])]])
        pending.remove(f)
    allp = pd.concat(linked)
    agg = (
        allp.groupby("item_id", sort=True)
        .agg(
            a=("a", "mean"),
            b=("b", "mean"),
            c=("c", "mean"),
            se_a=("se_a", lambda s: float(np.sqrt((s**2).sum()) / len(s))),
            se_b=("se_b", lambda s: float(np.sqrt((s**2).sum()) / len(s))),
            se_c=(
                "se_c",
                lambda s: float(np.sqrt((s**2).sum()) / len(s)) if s.notna().any() else np.nan,
            ),
            forms=("form_id", "count"),
        )
        .reset_index()
    )
    cols = list(m.columns)
    agg = agg.set_index("item_id").loc[[c for c in cols if c in set(agg["item_id"])]].reset_index()
    final = Calibration(model, agg.drop(columns=["forms"]), m[agg["item_id"].tolist()])
    return LinkedCalibration(final, per_form, links, ms_links, reference)
