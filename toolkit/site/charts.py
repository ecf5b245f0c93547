"""Charts of the site: matplotlib (Agg) drawn to SVG, deterministic (fixed hash salt, no date),
with no item text in them (only ids, counts and curves)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

THETA_RANGE = (-4.0, 4.0)


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "qbank-site", "svg.fonttype": "path", "font.size": 9})
    return plt


def _svg(fig: Any) -> str:
    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def grouped_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    ylabel: str,
    stacked: Sequence[str] = (),
) -> str:
    """Bars per label, one bar per series side by side; series named in ``stacked`` are drawn
    on top of the series before them (e.g. drafts on top of approved items)."""
    import numpy as np

    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    x = np.arange(len(labels))
    groups: list[list[str]] = []
    for name in series:
        if name in stacked and groups:
            groups[-1].append(name)
        else:
            groups.append([name])
    width = 0.8 / max(len(groups), 1)
    for gi, group in enumerate(groups):
        bottom = np.zeros(len(labels))
        for name in group:
            values = np.asarray(series[name], dtype=float)
            ax.bar(
                x + (gi - (len(groups) - 1) / 2) * width, values, width, bottom=bottom, label=name
            )
            bottom += values
    ax.set_xticks(x, labels)
    ax.set(ylabel=ylabel, title=title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return _svg(fig)


def shares(
    labels: Sequence[str],
    parts: Mapping[str, Sequence[float]],
    *,
    title: str,
    band: tuple[float, float] | None = None,
) -> str:
    """Stacked 100 % bars: the share of each part per label; ``band`` shades an allowed range
    (as fractions) of the first part."""
    import numpy as np

    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    x = np.arange(len(labels))
    totals = np.sum([np.asarray(v, float) for v in parts.values()], axis=0)
    totals = np.where(totals > 0, totals, 1)
    bottom = np.zeros(len(labels))
    for name, values in parts.items():
        share = 100 * np.asarray(values, float) / totals
        ax.bar(x, share, 0.6, bottom=bottom, label=name)
        bottom += share
    if band is not None:
        ax.axhspan(100 * band[0], 100 * band[1], color="grey", alpha=0.15, label="target range")
    ax.set_xticks(x, labels)
    ax.set(ylabel="share of approved items (%)", ylim=(0, 100), title=title)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(fig)


def item_curves(params: Mapping[str, tuple[float, float, float]], *, title: str) -> str:
    """Item characteristic curves of ``params`` (item id -> a, b, c), labelled by id when
    there are few."""
    import numpy as np

    from ..analysis.irt import irf

    plt = _plt()
    theta = np.linspace(*THETA_RANGE, 161)
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    ids = sorted(params)
    if ids:
        a, b, c = (np.array([params[i][k] for i in ids], float) for k in range(3))
        p = irf(theta, a, b, c)
        for j, item in enumerate(ids):
            ax.plot(theta, p[:, j], lw=0.9, alpha=0.8, label=item)
    ax.set(xlabel="ability (theta)", ylabel="P(correct)", ylim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    if 0 < len(ids) <= 16:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(fig)


def information(curves: Mapping[str, Sequence[tuple[float, float, float]]], *, title: str) -> str:
    """Test information of each named set of item parameters (a, b, c), with the conditional
    standard error of measurement as dashed lines on the right axis."""
    import numpy as np

    from ..analysis.irt import total_information

    plt = _plt()
    theta = np.linspace(*THETA_RANGE, 161)
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    ax2 = ax.twinx()
    for k, (name, params) in enumerate(curves.items()):
        if not params:
            continue
        a, b, c = (np.array([p[i] for p in params], float) for i in range(3))
        info = total_information(theta, a, b, c)
        color = f"C{k % 10}"
        ax.plot(theta, info, color=color, label=f"{name} information")
        ax2.plot(theta, 1 / np.sqrt(np.maximum(info, 1e-12)), color=color, ls="--", lw=0.8)
    ax.set(xlabel="ability (theta)", ylabel="information", title=title)
    ax2.set_ylabel("standard error (dashed)")
    ax2.set_ylim(0, 2)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _svg(fig)
