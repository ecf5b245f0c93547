"""Several forms given to non-equivalent groups: girth's concurrent calibration of the
sparse matrix is biased; per-form calibration with characteristic-curve linking is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.forms import calibrate_forms, detect_forms
from toolkit.analysis.irt import calibrate, irf
from toolkit.analysis.linking import Link, link, mean_sigma

ANCHORS, UNIQUE = 15, 20


def two_forms(seed: int = 3, shift: float = 0.8, n: int = 2000):
    rng = np.random.default_rng(seed)
    items = (
        [f"A{i:02d}" for i in range(ANCHORS)]
        + [f"X{i:02d}" for i in range(UNIQUE)]
        + [f"Y{i:02d}" for i in range(UNIQUE)]
    )
    a = np.clip(rng.lognormal(0.1, 0.3, len(items)), 0.4, 2.5)
    b = np.clip(rng.normal(0, 1, len(items)), -2.5, 2.5)
    truth = pd.DataFrame({"item_id": items, "a": a, "b": b}).set_index("item_id")

    def form(ids: list[str], mean: float, offset: int) -> pd.DataFrame:
        theta = rng.normal(mean, 1, n)
        p = irf(
            theta,
            truth.loc[ids, "a"].to_numpy(),
            truth.loc[ids, "b"].to_numpy(),
            np.zeros(len(ids)),
        )
        x = (rng.random(p.shape) < p).astype(float)
        return pd.DataFrame(x, columns=ids, index=[f"c{offset + i}" for i in range(n)])

    f1 = items[:ANCHORS] + items[ANCHORS : ANCHORS + UNIQUE]
    f2 = items[:ANCHORS] + items[ANCHORS + UNIQUE :]
    m = pd.concat([form(f1, 0.0, 0), form(f2, shift, n)]).reindex(columns=items)
    return m, truth, items


def _bias_rmse(params: pd.DataFrame, truth: pd.DataFrame, ids: list[str], col: str):
    d = params.set_index("item_id").loc[ids, col] - truth.loc[ids, col]
    return float(d.mean()), float(np.sqrt((d**2).mean()))


@pytest.fixture(scope="module")
def study():
    m, truth, items = two_forms()
    concurrent = calibrate(m, "2pl").params
    forms = detect_forms(m)
    linked = calibrate_forms(m, forms, "2pl", reference=forms.iloc[0])
    return m, truth, items, concurrent, linked


def test_detect_forms_from_pattern(study) -> None:
    m, *_ = study
    forms = detect_forms(m)
    assert forms.nunique() == 2 and forms.value_counts().tolist() == [2000, 2000]
    given = pd.Series(["F1"] * 2000 + ["F2"] * 2000, index=m.index)
    assert detect_forms(m, given).tolist() == given.tolist()


def test_concurrent_calibration_is_biased_for_non_equivalent_groups(study) -> None:
    _, truth, items, concurrent, _ = study
    form2 = items[ANCHORS + UNIQUE :]
    bias_b, _ = _bias_rmse(concurrent, truth, form2, "b")
    assert bias_b < -0.3  # items seen only by the abler group look too easy


def test_per_form_linking_recovers_parameters(study) -> None:
    _, truth, items, _, linked = study
    params = linked.calibration.params
    for ids in (items[:ANCHORS], items[ANCHORS : ANCHORS + UNIQUE], items[ANCHORS + UNIQUE :]):
        bias_b, rmse_b = _bias_rmse(params, truth, ids, "b")
        bias_a, rmse_a = _bias_rmse(params, truth, ids, "a")
        assert abs(bias_b) < 0.12 and rmse_b < 0.2
        assert abs(bias_a) < 0.1 and rmse_a < 0.15
    lk = next(iter(linked.links.values()))
    assert abs(lk.B - 0.8) < 0.15 and abs(lk.A - 1.0) < 0.15  # the group shift is recovered
    frame = linked.links_frame()
    assert {"A", "B", "mean_sigma_A", "mean_sigma_B"} <= set(frame.columns)


@pytest.mark.parametrize("method", ["stocking-lord", "haebara", "mean-sigma"])
def test_linking_recovers_known_transformation(method: str) -> None:
    rng = np.random.default_rng(0)
    target = pd.DataFrame(
        {
            "item_id": [f"I{i}" for i in range(12)],
            "a": rng.uniform(0.6, 2, 12),
            "b": rng.normal(0, 1, 12),
            "c": 0.0,
        }
    )
    true = Link(1.3, -0.4, "x", ())
    # source scale: theta_s = (theta_t - B) / A  ->  a_s = a_t * A, b_s = (b_t - B) / A
    source = target.assign(a=target["a"] * 1.3, b=(target["b"] + 0.4) / 1.3)
    lk = link(source, target, method)
    assert abs(lk.A - true.A) < 1e-3 and abs(lk.B - true.B) < 1e-3
    back = lk.apply(source)
    np.testing.assert_allclose(back["b"], target["b"], atol=1e-3)


def test_linking_needs_common_items() -> None:
    a = pd.DataFrame({"item_id": ["x", "y"], "a": [1, 1], "b": [0, 1], "c": [0, 0]})
    b = pd.DataFrame({"item_id": ["y", "z"], "a": [1, 1], "b": [0, 1], "c": [0, 0]})
    with pytest.raises(ValueError, match="at least 2 common items"):
        mean_sigma(a, b)


def test_a_few_missing_rows_do_not_make_new_forms(study) -> None:
    m, *_ = study
    holes = m.copy()
    holes.iloc[0, 0] = np.nan  # one candidate misses one row
    holes.iloc[2500, 3] = np.nan
    forms = detect_forms(holes)
    assert forms.nunique() == 2
    assert forms.iloc[0] == forms.iloc[1] and forms.iloc[2500] == forms.iloc[2501]
