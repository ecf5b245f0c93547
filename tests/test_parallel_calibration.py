"""Forms calibrated in parallel worker processes give exactly the serial results."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.analysis.forms import _worker_count, calibrate_forms, detect_forms

from .test_linking import two_forms


def test_parallel_forms_equal_serial_forms_bit_for_bit() -> None:
    m, _, _ = two_forms(seed=5, n=600)
    forms = detect_forms(m)
    serial = calibrate_forms(m, forms, "2pl", workers=1)
    parallel = calibrate_forms(m, forms, "2pl", workers=2)
    pd.testing.assert_frame_equal(
        serial.calibration.params, parallel.calibration.params, check_exact=True
    )
    for f in serial.per_form:
        pd.testing.assert_frame_equal(
            serial.per_form[f].params, parallel.per_form[f].params, check_exact=True
        )
    assert serial.links == parallel.links
    pd.testing.assert_frame_equal(
        serial.calibration.abilities, parallel.calibration.abilities, check_exact=True
    )


def test_worker_count() -> None:
    assert _worker_count(1, 8, 10**9) == 1
    assert _worker_count(16, 3, 0) == 3  # never more processes than forms
    assert _worker_count(None, 8, 10) == 1  # small data: serial
    with pytest.raises(ValueError, match="at least 1"):
        _worker_count(0, 8, 10)


def test_a_failing_form_is_named_from_a_worker() -> None:
    m, _, _ = two_forms(seed=5, n=600)
    forms = detect_forms(m)
    first = forms.iloc[0]
    m.loc[forms == first, :] = m.loc[forms == first, :].where(m.loc[forms == first].isna(), 1.0)
    with pytest.raises(ValueError, match=f"form {first}"):
        calibrate_forms(m, forms, "2pl", workers=2)
