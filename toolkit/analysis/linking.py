"""Linking separate calibrations onto one scale through common (anchor) items.

A scale transformation theta* = A theta + B maps parameters as a* = a / A,
b* = A b + B, c* = c. The constants come from mean-sigma (on the anchors' b) or from
characteristic-curve methods: Stocking-Lord (match the anchors' test characteristic
curves) and Haebara (match each anchor's item characteristic curve), both minimized over
a grid of theta values weighted by N(0, 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from ..vocab import LinkMethod
from .irt import irf

METHODS = tuple(LinkMethod)


@dataclass(frozen=True)
class Link:
    """theta_target = A * theta_source + B, estimated from ``anchors`` common items."""

    A: float
    B: float
    method: str
    anchors: tuple[str, ...]

    def apply(self, params: pd.DataFrame) -> pd.DataFrame:
        out = params.copy()
        out["a"] = out["a"] / self.A
        out["b"] = self.A * out["b"] + self.B
        if "se_a" in out:
            out["se_a"] = out["se_a"] / self.A
        if "se_b" in out:
            out["se_b"] = out["se_b"] * abs(self.A)
        return out


def _common(source: pd.DataFrame, target: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = source.dropna(subset=["a", "b"]).set_index("item_id")
    t = target.dropna(subset=["a", "b"]).set_index("item_id")
    ids = sorted(set(s.index) & set(t.index))
    return s.loc[ids], t.loc[ids]


def mean_sigma(source: pd.DataFrame, target: pd.DataFrame) -> Link:
    s, t = _common(source, target)
    if len(s) < 2:
        raise ValueError("linking needs at least 2 common items")
    A = float(t["b"].std(ddof=0) / s["b"].std(ddof=0))
    B = float(t["b"].mean() - A * s["b"].mean())
    return Link(A, B, "mean-sigma", tuple(s.index))


def characteristic_curve(
    source: pd.DataFrame, target: pd.DataFrame, method: str = "stocking-lord"
) -> Link:
    """Stocking-Lord or Haebara linking constants (starting from mean-sigma)."""
    s, t = _common(source, target)
    if len(s) < 2:
        raise ValueError("linking needs at least 2 common items")
    theta = np.linspace(-4, 4, 41)
    w = np.exp(-0.5 * theta**2)
    w /= w.sum()
    pt = irf(theta, t["a"].to_numpy(), t["b"].to_numpy(), t["c"].to_numpy())
    sa, sb, sc = s["a"].to_numpy(), s["b"].to_numpy(), s["c"].to_numpy()

    def loss(x: np.ndarray) -> float:
        A, B = x
        ps = irf(theta, sa / A, A * sb + B, sc)
        if method == "stocking-lord":
            return float(np.sum(w * (pt.sum(axis=1) - ps.sum(axis=1)) ** 2))
        return float(np.sum(w[:, None] * (pt - ps) ** 2))

    start = mean_sigma(source, target)
    res = optimize.minimize(
        loss,
        x0=[start.A, start.B],
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 2000},
    )
    return Link(float(res.x[0]), float(res.x[1]), method, tuple(s.index))


def link(source: pd.DataFrame, target: pd.DataFrame, method: str = "stocking-lord") -> Link:
    if method == "mean-sigma":
        return mean_sigma(source, target)
    if method in ("stocking-lord", "haebara"):
        return characteristic_curve(source, target, method)
    raise ValueError(f"unknown linking method {method!r}; choose one of {', '.join(METHODS)}")
