"""Multiple forms: detect them, calibrate each on its own, and link them onto one scale.

girth's MML assumes one N(0, 1) population. When forms go to groups of different ability
(non-equivalent groups), a concurrent calibration of the sparse matrix puts everyone on
one N(0, 1) and biases the parameters of items that only one group saw (see the
parameter-recovery tests). The per-form path calibrates each form on its own candidates
(each form's group standardized to N(0, 1)), links every form to the reference form
through the common items (Stocking-Lord by default; mean-sigma is reported as a check),
and averages the linked parameters of items that appear on several forms.

The forms are calibrated in parallel, one process per form up to the cores available, when
the data are large enough to repay starting the processes (:data:`PARALLEL_MIN_RESPONSES`).
Each process runs the same :func:`~toolkit.analysis.irt.calibrate` on the same sub-matrix as
the serial loop, and the results are collected in the serial order, so the parameters are
identical to the serial run (a test checks it).
"""

from __future__ import annotations

import os
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


PARALLEL_MIN_RESPONSES = 150_000
"""Administered responses from which ``workers=None`` calibrates forms in parallel: below it,
starting worker processes (about a second each, to import SciPy and girth) costs more than it
saves."""


def available_cores() -> int:
    """CPU cores this process may use (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _calibrate_form(form: str, sub: pd.DataFrame, model: str) -> Calibration:
    try:
        return calibrate(sub, model)
    except ValueError as exc:
        raise ValueError(f"form {form} ({len(sub)} candidates): {exc}") from None


def _worker_count(workers: int | None, n_forms: int, responses: int) -> int:
    if workers is None:
        workers = available_cores() if responses >= PARALLEL_MIN_RESPONSES else 1
    if workers < 1:
        raise ValueError(f"the number of worker processes must be at least 1 (got {workers})")
    return max(1, min(workers, n_forms))


def calibrate_forms(
    m: pd.DataFrame,
    forms: pd.Series,
    model: str = "2pl",
    method: str = "stocking-lord",
    reference: str | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> LinkedCalibration:
    """Calibrate each form separately and link all forms to ``reference`` (default: the
    form with the most candidates).

    ``workers``: processes calibrating forms at the same time (None: the cores available when
    the data hold at least :data:`PARALLEL_MIN_RESPONSES` responses, else 1; 1: serial).
    """
    forms = forms.reindex(m.index)
    order = forms.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    reference = reference or str(order.index[0])
    subs: dict[str, pd.DataFrame] = {}
    for f in order.index:
        sub = m.loc[forms == f]
        if progress:
            progress(f"  form {f}: {len(sub)} candidates")
        subs[str(f)] = sub.loc[:, sub.notna().any(axis=0)]
    n_workers = _worker_count(
        workers, len(subs), sum(int(s.notna().sum().sum()) for s in subs.values())
    )
    per_form: dict[str, Calibration] = {}
    if n_workers == 1:
        for f, sub in subs.items():
            per_form[f] = _calibrate_form(f, sub, model)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if progress:
            progress(f"  calibrating {len(subs)} forms in {n_workers} processes")
        # forkserver: workers do not inherit this process's memory or its threads (Arrow, BLAS);
        # the server imports the estimation code once and the workers share those pages.
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["toolkit.analysis.irt", "girth"])
        else:  # pragma: no cover - Windows
            ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
            futures = {f: pool.submit(_calibrate_form, f, sub, model) for f, sub in subs.items()}
            for f, fut in futures.items():  # collected in the serial order
                per_form[f] = fut.result()
    del subs
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
    ids = agg["item_id"].tolist()
    final = Calibration(model, agg.drop(columns=["forms"]), m if ids == cols else m[ids])
    return LinkedCalibration(final, per_form, links, ms_links, reference)
