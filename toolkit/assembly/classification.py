"""Classification accuracy and consistency of pass/fail decisions at a cut, per form.

- **Rudner (2001, 2005)** for a cut on the theta scale: at each ability ``theta`` the estimate
  is taken as normal around ``theta`` with standard error ``1 / sqrt(TIF(theta))``; the chance
  of passing is ``P(theta_hat >= cut | theta)``. Accuracy integrates the chance of the right
  decision (pass when ``theta >= cut``, fail otherwise) over the ability distribution;
  consistency the chance that two independent administrations agree,
  ``P(pass)^2 + P(fail)^2``.
- **Lee (2010)** for a raw-score cut: the conditional distribution of the number-correct score
  at each ``theta`` comes from the Lord-Wingersky recursion; the true status is "true score
  ``tau(theta)`` at or above the cut"; accuracy and consistency are integrated the same way.

The ability distribution is normal (mean ``mu``, SD ``sigma``; default N(0, 1), the scale of
the calibration) on 121 points from -6 to 6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .curves import Params


def _grid(mu: float, sigma: float, n: int = 121) -> tuple[np.ndarray, np.ndarray]:
    theta = np.linspace(-6.0, 6.0, n)
    w = np.exp(-0.5 * ((theta - mu) / sigma) ** 2)
    return theta, w / w.sum()


def _ndtr(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.asarray(ndtr(z))


def rudner(
    params: Params, theta_cut: float, mu: float = 0.0, sigma: float = 1.0
) -> tuple[float, float]:
    """(accuracy, consistency) of the decision ``theta_hat >= theta_cut``."""
    theta, w = _grid(mu, sigma)
    se = 1.0 / np.sqrt(np.maximum(params.tif(theta), 1e-12))
    p_pass = 1.0 - _ndtr((theta_cut - theta) / se)
    truth = theta >= theta_cut
    acc = float(np.sum(w * np.where(truth, p_pass, 1 - p_pass)))
    cons = float(np.sum(w * (p_pass**2 + (1 - p_pass) ** 2)))
    return acc, cons


def score_distribution(params: Params, theta: np.ndarray) -> np.ndarray:
    """P(X = x | theta) for x = 0..n (Lord-Wingersky recursion): theta points x (n + 1)."""
    p = params.p(theta)
    dist = np.ones((len(theta), 1))
    for j in range(p.shape[1]):
        pj = p[:, j : j + 1]
        new = np.zeros((len(theta), dist.shape[1] + 1))
        new[:, :-1] += dist * (1 - pj)
        new[:, 1:] += dist * pj
        dist = new
    return dist


def lee(params: Params, raw_cut: int, mu: float = 0.0, sigma: float = 1.0) -> tuple[float, float]:
    """(accuracy, consistency) of the decision ``X >= raw_cut`` on the number-correct score."""
    theta, w = _grid(mu, sigma)
    dist = score_distribution(params, theta)
    p_pass = dist[:, raw_cut:].sum(axis=1)
    truth = params.tcc(theta) >= raw_cut
    acc = float(np.sum(w * np.where(truth, p_pass, 1 - p_pass)))
    cons = float(np.sum(w * (p_pass**2 + (1 - p_pass) ** 2)))
    return acc, cons


def raw_cut_for(params: Params, theta_cut: float) -> tuple[float, int]:
    """The expected raw score at the theta cut (the form's test characteristic curve) and the
    whole-number cut: the smallest score at or above it."""
    expected = float(params.tcc(theta_cut)[0])
    return expected, math.ceil(expected - 1e-9)


@dataclass(frozen=True)
class Decision:
    form_id: str
    theta_cut: float
    expected_raw_cut: float
    raw_cut: int
    items: int
    rudner_accuracy: float
    rudner_consistency: float
    lee_accuracy: float
    lee_consistency: float

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def decisions(
    forms: dict[str, Params], theta_cut: float, mu: float = 0.0, sigma: float = 1.0
) -> list[Decision]:
    """Per form: the raw cut carried from ``theta_cut`` and the accuracy and consistency of
    decisions at it (Rudner on theta, Lee on the raw cut)."""
    out = []
    for fid, params in forms.items():
        expected, raw = raw_cut_for(params, theta_cut)
        ra, rc = rudner(params, theta_cut, mu, sigma)
        la, lc = lee(params, raw, mu, sigma)
        out.append(Decision(fid, theta_cut, expected, raw, len(params.ids), ra, rc, la, lc))
    return out


DECISION_COLUMNS = list(Decision.__dataclass_fields__)


def decisions_csv(rows: list[Decision]) -> str:
    """The decisions as CSV text (fixed float format)."""
    lines = [",".join(DECISION_COLUMNS)]
    for r in rows:
        cells = []
        for k in DECISION_COLUMNS:
            v = getattr(r, k)
            cells.append(f"{v:.6f}" if isinstance(v, float) else str(v))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"
