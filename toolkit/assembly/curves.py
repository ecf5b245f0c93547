"""Item and test curves under the 3PL (2PL when c = 0): information and expected scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Params:
    """Item parameters (logistic metric, no 1.7 constant), in the order of ``ids``."""

    ids: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray

    @classmethod
    def from_mapping(cls, table: Mapping[str, tuple[float, float, float]], ids: Sequence[str]):  # type: ignore[no-untyped-def]
        rows = [table[i] for i in ids]
        arr = np.array(rows, dtype=float).reshape(len(rows), 3)
        return cls(tuple(ids), arr[:, 0], arr[:, 1], arr[:, 2])

    def p(self, theta: np.ndarray) -> np.ndarray:
        """P(correct), theta points (rows) x items (columns)."""
        z = np.subtract.outer(np.asarray(theta, float), self.b)
        return self.c + (1 - self.c) / (1 + np.exp(-self.a * z))

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Item information, theta points x items."""
        p = self.p(theta)
        return (
            self.a**2 * ((p - self.c) ** 2) / ((1 - self.c) ** 2) * (1 - p) / np.maximum(p, 1e-12)
        )

    def tcc(self, theta: np.ndarray | float) -> np.ndarray:
        """Expected raw score (test characteristic curve) at each theta."""
        return self.p(np.atleast_1d(theta)).sum(axis=1)

    def tif(self, theta: np.ndarray | float) -> np.ndarray:
        return self.information(np.atleast_1d(theta)).sum(axis=1)

    def theta_for_score(self, score: float, lo: float = -6.0, hi: float = 6.0) -> float:
        """The theta whose expected raw score is ``score`` (bisection on the monotone TCC);
        clipped to [lo, hi] when the score is outside the curve's range."""
        f_lo, f_hi = float(self.tcc(lo)[0]), float(self.tcc(hi)[0])
        if score <= f_lo:
            return lo
        if score >= f_hi:
            return hi
        for _ in range(100):
            mid = (lo + hi) / 2
            if float(self.tcc(mid)[0]) < score:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2
