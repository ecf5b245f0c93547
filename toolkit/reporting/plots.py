"""Plots for the analysis report (matplotlib, Agg backend, deterministic PNGs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.irt import Calibration, irf


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "qbank", "figure.dpi": 100})
    return plt


def _save(fig, path: Path) -> Path:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, format="png", metadata={"Software": None}, bbox_inches="tight")
    tmp.replace(path)
    return path


def item_curves(
    cal: Calibration,
    panels: dict[str, list[str]],
    path: Path,
    title: str,
    highlight: frozenset[str] = frozenset(),
) -> Path:
    """Item characteristic curves as small multiples, one panel per group of items (a topic),
    each curve labelled with its item id; items in ``highlight`` (flagged) are drawn bold."""
    plt = _plt()
    theta = np.linspace(-4, 4, 161)
    par = cal.estimated.set_index("item_id")
    panels = {k: [i for i in v if i in par.index] for k, v in panels.items()}
    panels = {k: v for k, v in panels.items() if v}
    n = max(len(panels), 1)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 3.6 * rows), squeeze=False)
    for ax, (name, items) in zip(axes.ravel(), sorted(panels.items()), strict=False):
        sub = par.loc[items]
        p = irf(theta, sub["a"].to_numpy(), sub["b"].to_numpy(), sub["c"].to_numpy())
        for j, item in enumerate(items):
            bold = item in highlight
            ax.plot(
                theta,
                p[:, j],
                lw=2.0 if bold else 0.9,
                alpha=1.0 if bold else 0.75,
                label=f"{item}{' (flagged)' if bold else ''}",
            )
        ax.set(xlabel="ability (theta)", ylabel="P(correct)", ylim=(0, 1), title=name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for ax in axes.ravel()[len(panels) :]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def test_information(cal: Calibration, path: Path) -> Path:
    """Test information and conditional standard error of measurement."""
    plt = _plt()
    theta = np.linspace(-4, 4, 161)
    info = cal.information(theta)
    sem = 1 / np.sqrt(np.maximum(info, 1e-12))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(theta, info, color="tab:blue", label="test information")
    ax.set(xlabel="ability (theta)", ylabel="information")
    ax2 = ax.twinx()
    ax2.plot(theta, sem, color="tab:red", ls="--", label="conditional SEM")
    ax2.set_ylabel("standard error")
    ax2.set_ylim(0, min(2.0, float(sem.max()) * 1.05))
    ax.grid(alpha=0.3)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper right", fontsize=8)
    ax.set_title("Test information and conditional standard error (all items)")
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def option_traces_figure(options: pd.DataFrame, item: str, show_key: bool):  # type: ignore[no-untyped-def]
    """The figure of :func:`option_traces`. Without ``show_key`` every option is drawn alike and
    no label, title or style tells the key."""
    plt = _plt()
    g = options[options["item_id"] == item]
    cols = sorted([c for c in g.columns if c.startswith("share_g")], key=lambda c: int(c[7:]))
    x = np.arange(1, len(cols) + 1)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for _, r in g.iterrows():
        is_key = bool(show_key and r["key"])
        ax.plot(
            x,
            r[cols].to_numpy(float),
            "-" if is_key or not show_key else "--",
            marker="o",
            ms=3,
            label=f"{r['option']}{' (key)' if is_key else ''}",
        )
    ax.set(
        xlabel="score group (low to high)",
        ylabel="share choosing",
        ylim=(0, 1),
        xticks=x,
        title=f"Option trace lines: {item}",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def option_traces(options: pd.DataFrame, item: str, path: Path, show_key: bool = False) -> Path:
    """Empirical option trace lines: share choosing each option by score group. The key is
    marked (label and solid line) only with ``show_key``."""
    plt = _plt()
    fig = option_traces_figure(options, item, show_key)
    out = _save(fig, path)
    plt.close(fig)
    return out
