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


def item_curves(cal: Calibration, items: list[str], path: Path, title: str) -> Path:
    """Item characteristic curves of ``items`` (one panel)."""
    plt = _plt()
    theta = np.linspace(-4, 4, 161)
    par = cal.estimated.set_index("item_id")
    items = [i for i in items if i in par.index]
    par = par.loc[items]
    p = irf(theta, par["a"].to_numpy(), par["b"].to_numpy(), par["c"].to_numpy())
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for j, item in enumerate(items):
        ax.plot(theta, p[:, j], lw=1.2, label=item)
    ax.set(xlabel="ability (theta)", ylabel="P(correct)", ylim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    if len(items) <= 12:
        ax.legend(fontsize=7, ncol=2, loc="lower right")
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


def option_traces(options: pd.DataFrame, item: str, path: Path, show_key: bool = False) -> Path:
    """Empirical option trace lines: share choosing each option by score group. The key is
    marked only with ``show_key`` (public items): reports must not reveal secure keys."""
    plt = _plt()
    g = options[options["item_id"] == item]
    cols = sorted([c for c in g.columns if c.startswith("share_g")], key=lambda c: int(c[7:]))
    x = np.arange(1, len(cols) + 1)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for _, r in g.iterrows():
        style = "-" if r["key"] else "--"
        ax.plot(
            x,
            r[cols].to_numpy(float),
            style,
            marker="o",
            ms=3,
            label=f"{r['option']}{' (key)' if r['key'] else ''}",
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
    out = _save(fig, path)
    plt.close(fig)
    return out
