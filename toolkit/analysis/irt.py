"""IRT calibration: a small interface of our own over girth.

Models: ``rasch`` (a = 1), ``1pl`` (one common a), ``2pl``, ``3pl`` (dichotomous),
and ``grm`` / ``pcm`` for partial-credit items. Parameters are in the logistic metric
P = c + (1 - c) / (1 + exp(-a (theta - b))) without the 1.7 constant, with the latent
distribution standard normal (girth's defaults).

girth 0.8's ``threepl_mml`` passes a (1, 1) array where SciPy >= 1.11's ``fminbound``
needs a scalar objective; :func:`_threepl` calls it with that one internal helper
adapted (no SciPy pin). Missing responses (not administered) are passed to girth as
its ``INVALID_RESPONSE`` tag, which its MML estimators skip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..vocab import DICHOTOMOUS_MODELS, POLYTOMOUS_MODELS

MODELS = DICHOTOMOUS_MODELS
N_QUAD = 61
ABILITY_BLOCK = 20_000  # candidates per block of the EAP computation
QUAD_BOUNDS = (-5.0, 5.0)


def girth_version() -> str:
    from importlib.metadata import version

    return version("girth")


def _to_girth(matrix: np.ndarray) -> np.ndarray:
    """[candidates x items] with NaN -> girth's [items x candidates] int array with tags."""
    from girth import INVALID_RESPONSE

    data = matrix.T.copy()
    out = np.where(np.isnan(data), INVALID_RESPONSE, data).astype(int)
    return out


def _threepl(dataset: np.ndarray, options: dict[str, Any] | None = None) -> dict[str, np.ndarray]:
    import importlib

    from girth.unidimensional.dichotomous.rasch_mml import _mml_abstract

    # The package re-exports the function under the module's name; get the module itself.
    mod = importlib.import_module("girth.unidimensional.dichotomous.threepl_mml")

    def _mml_abstract_scalar(difficulty, scalar, discrimination, theta, distribution):  # type: ignore[no-untyped-def]
        # girth hands a (1, 1) array here; SciPy's fminbound needs a scalar objective.
        return _mml_abstract(
            difficulty, np.asarray(scalar).reshape(-1), discrimination, theta, distribution
        )

    original = mod._mml_abstract
    mod._mml_abstract = _mml_abstract_scalar
    try:
        return mod.threepl_mml(dataset, options)
    finally:
        mod._mml_abstract = original


def _estimate(model: str, data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run girth; return a, b, c arrays."""
    from girth import onepl_mml, rasch_mml, twopl_mml

    n = data.shape[0]
    opts = {"quadrature_n": N_QUAD, "quadrature_bounds": QUAD_BOUNDS}
    if model == "rasch":
        r = rasch_mml(data, 1.0, options=opts)
        return np.ones(n), np.asarray(r["Difficulty"], float), np.zeros(n)
    if model == "1pl":
        r = onepl_mml(data, options=opts)
        return (
            np.full(n, float(np.asarray(r["Discrimination"]).ravel()[0])),
            np.asarray(r["Difficulty"], float),
            np.zeros(n),
        )
    if model == "2pl":
        r = twopl_mml(data, options=opts)
        return (
            np.asarray(r["Discrimination"], float),
            np.asarray(r["Difficulty"], float),
            np.zeros(n),
        )
    if model == "3pl":
        if (data < 0).any():
            raise ValueError(
                "the 3PL estimator of girth does not accept not-administered"
                " responses; calibrate each form separately and link them"
            )
        r = _threepl(data, options=opts)
        return (
            np.asarray(r["Discrimination"], float),
            np.asarray(r["Difficulty"], float),
            np.asarray(r["Guessing"], float),
        )
    raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")


def irf(theta: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """P(correct) at each theta (rows) for each item (columns)."""
    z = np.outer(theta, np.ones_like(a)) - b
    return c + (1 - c) / (1 + np.exp(-a * z))


def total_information(theta: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Test information at each theta: the sum of the 3PL item information functions."""
    p = irf(theta, a, b, c)
    info = a**2 * ((p - c) ** 2) / ((1 - c) ** 2) * (1 - p) / np.maximum(p, 1e-12)
    return info.sum(axis=1)


def quadrature(n: int = N_QUAD) -> tuple[np.ndarray, np.ndarray]:
    theta = np.linspace(*QUAD_BOUNDS, n)
    w = np.exp(-0.5 * theta**2)
    return theta, w / w.sum()


def posterior(
    matrix: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, n_quad: int = N_QUAD
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior weights [candidates x nodes] under a N(0, 1) prior; NaN = not administered."""
    theta, prior = quadrature(n_quad)
    p = np.clip(irf(theta, a, b, c), 1e-9, 1 - 1e-9)  # nodes x items
    x = np.nan_to_num(matrix, nan=0.0)
    seen = ~np.isnan(matrix)
    loglik = (x * seen) @ np.log(p).T + ((1 - x) * seen) @ np.log(1 - p).T
    loglik += np.log(prior)
    loglik -= loglik.max(axis=1, keepdims=True)
    post = np.exp(loglik)
    post /= post.sum(axis=1, keepdims=True)
    return theta, post


def item_standard_errors(
    matrix: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray, model: str
) -> np.ndarray:
    """Standard errors of (a, b, c) from the cross-product of the candidates' score vectors
    (the empirical information of the marginal likelihood, which accounts for the
    uncertainty in theta). Columns: a, b, c; NaN where the model fixes a parameter. For the
    1PL the common a gets one standard error, repeated on every item."""
    theta, post = posterior(matrix, a, b, c)
    seen = ~np.isnan(matrix)
    x = np.nan_to_num(matrix)
    p = np.clip(irf(theta, a, b, c), 1e-9, 1 - 1e-9)  # nodes x items
    z = theta[:, None] - b
    pstar = 1 / (1 + np.exp(-a * z))
    dp = {
        "a": (1 - c) * pstar * (1 - pstar) * z,
        "b": -(1 - c) * pstar * (1 - pstar) * a,
        "c": 1 - pstar,
    }
    free = {"rasch": ["b"], "1pl": ["a", "b"], "2pl": ["a", "b"], "3pl": ["a", "b", "c"]}[model]
    blocks: list[np.ndarray] = []
    layout: list[tuple[str, int | None]] = []
    for name in free:
        h = dp[name] / (p * (1 - p))
        g = seen * (x * (post @ h) - post @ (p * h))  # candidates x items
        if model == "1pl" and name == "a":
            blocks.append(g.sum(axis=1, keepdims=True))
            layout.append(("a", None))
        else:
            blocks.append(g)
            layout += [(name, j) for j in range(len(a))]
    G = np.hstack(blocks)
    se = np.full((len(a), 3), np.nan)
    try:
        cov = np.linalg.pinv(G.T @ G)
    except np.linalg.LinAlgError:  # pragma: no cover
        return se
    diag = np.sqrt(np.clip(np.diag(cov), 0, None))
    for k, (name, j) in enumerate(layout):
        col = "abc".index(name)
        if j is None:
            se[:, col] = diag[k]
        else:
            se[j, col] = diag[k]
    return se


@dataclass(frozen=True)
class Calibration:
    """Results of one calibration. ``params`` has item_id, a, b, c, se_a, se_b, se_c."""

    model: str
    params: pd.DataFrame
    matrix: pd.DataFrame = field(repr=False)

    @cached_property
    def estimated(self) -> pd.DataFrame:
        """Parameters of the items that could be estimated (not all right or all wrong)."""
        return self.params.dropna(subset=["a", "b"]).reset_index(drop=True)

    @cached_property
    def abilities(self) -> pd.DataFrame:
        """EAP ability estimates and posterior standard deviations per candidate."""
        est = self.estimated
        a, b, c = (est[k].to_numpy() for k in "abc")
        ids = est["item_id"].tolist()
        m = self.matrix if list(self.matrix.columns) == ids else self.matrix[ids]
        eap = np.empty(len(m))
        psd = np.empty(len(m))
        # Blocks of candidates keep the working memory small for large matrices; each
        # candidate's posterior depends on their own row only.
        for start in range(0, len(m), ABILITY_BLOCK):
            x = m.iloc[start : start + ABILITY_BLOCK].to_numpy(float)
            theta, post = posterior(x, a, b, c)
            e = post @ theta
            eap[start : start + len(x)] = e
            psd[start : start + len(x)] = np.sqrt(np.maximum(post @ theta**2 - e**2, 0))
        return pd.DataFrame({"candidate_id": self.matrix.index, "theta": eap, "se": psd})

    @cached_property
    def marginal_reliability(self) -> float:
        ab = self.abilities
        var = float(ab["theta"].var(ddof=0))
        return var / (var + float((ab["se"] ** 2).mean()))

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Test information at ``theta`` (sum of item information)."""
        a, b, c = (self.estimated[k].to_numpy() for k in "abc")
        return total_information(theta, a, b, c)


def calibrate(
    matrix: pd.DataFrame,
    model: str = "2pl",
    estimator: Callable[[str, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> Calibration:
    """Calibrate a scored matrix (candidates x items; 1, 0, NaN = not administered)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    m = _checked(matrix)
    est = m.loc[:, [estimable(m[col]) for col in m.columns]]
    if est.shape[1] < 2:
        raise ValueError(
            "fewer than 2 items have both right and wrong answers; nothing to calibrate"
        )
    a, b, c = (estimator or _estimate)(model, _to_girth(est.to_numpy()))
    se = item_standard_errors(est.to_numpy(), a, b, c, model)
    params = pd.DataFrame(
        {
            "item_id": list(est.columns),
            "a": a,
            "b": b,
            "c": c,
            "se_a": se[:, 0],
            "se_b": se[:, 1],
            "se_c": se[:, 2],
        }
    )
    # Items everyone (or no one) answered correctly have no estimable parameters (NaN).
    params = params.set_index("item_id").reindex(list(m.columns)).reset_index()
    return Calibration(model, params, m)


def _checked(matrix: pd.DataFrame) -> pd.DataFrame:
    m = matrix.astype(float)
    if m.shape[1] < 2 or m.shape[0] < 10:
        raise ValueError(
            f"calibration needs at least 10 candidates and 2 items; got"
            f" {m.shape[0]} candidates and {m.shape[1]} items"
        )
    return m


def estimable(column: pd.Series) -> bool:
    """An item is estimable when the candidates who took it gave both right and wrong answers."""
    v = column.dropna()
    return bool(len(v) and v.min() < v.max())


def calibrate_polytomous(matrix: pd.DataFrame, model: str = "grm") -> pd.DataFrame:
    """Graded response (``grm``) or partial credit (``pcm``) calibration with girth, for
    partial-credit scores 0..k (NaN = not administered). Dichotomous items are the k = 1 case.

    Returns item_id, a, b (mean of the thresholds), c (0), categories and b1..bK thresholds.
    One population: calibrate a single form (the per-form linking handles dichotomous models).
    """
    from girth import grm_mml, pcm_mml

    if model not in POLYTOMOUS_MODELS:
        raise ValueError(f"unknown polytomous model {model!r}; choose grm or pcm")
    m = _checked(matrix)
    data = _to_girth(m.to_numpy())
    opts = {"quadrature_n": N_QUAD, "quadrature_bounds": QUAD_BOUNDS}
    r = (grm_mml if model == "grm" else pcm_mml)(data, options=opts)
    a = np.asarray(r["Discrimination"], float).ravel()
    diff = np.atleast_2d(np.asarray(r["Difficulty"], float))
    k = diff.shape[1]
    rows = []
    for j, item in enumerate(m.columns):
        th = diff[j][~np.isnan(diff[j])]
        row = {
            "item_id": item,
            "a": a[j],
            "b": float(th.mean()) if th.size else np.nan,
            "c": 0.0,
            "categories": int(th.size + 1),
        }
        for t in range(k):
            row[f"b{t + 1}"] = float(diff[j, t]) if t < th.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
