"""The chunked scorer (``score_file``) equals the in-memory reader + scorer on any long file:
same matrix, omissions, choices, forms and row diagnostics (property-based, hypothesis)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.bank import load_bank
from toolkit.responses import readers
from toolkit.responses.readers import ResponseFileError, read_responses
from toolkit.responses.scoring import score, score_file

from .conftest import TmpBank, item_data, ms_item_data

CANDIDATES = ["c1", "c2", "c3", " c2", "c4 ", "", "=c5"]
ITEMS = ["PMLE-0001", "PMLE-0002", "PMLE-0999", "pmle-0001", " PMLE-0002"]
RESPONSES = ["", "A", "B", "C", "A;C", "C;A", "A;A", "A,C", "Z", "A;B;C", " B ", "B;"]
VERSIONS = ["", "1", "x", "7", "1.0"]

row = st.tuples(
    st.sampled_from(CANDIDATES),
    st.sampled_from(ITEMS),
    st.sampled_from(RESPONSES),
    st.sampled_from(VERSIONS),
    st.sampled_from(["F1", "F2"]),
)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    tb = TmpBank(tmp_path_factory.mktemp("stream") / "bank")
    tb.write(item_data("PMLE-0001"))  # key B
    tb.write(ms_item_data("PMLE-0002"))  # keys A, C
    return load_bank(tb.root)


def _csv(rows: list[tuple[str, ...]], sep: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(["candidate_id", "item_id", "response", "item_version", "form_id"])
    w.writerows(rows)
    return buf.getvalue()


def _both(path: Path, bank, cap: int = 10**6):  # type: ignore[no-untyped-def]
    try:
        data = read_responses(path, "long", bank)
    except ResponseFileError as exc:
        with pytest.raises(ResponseFileError) as again:
            score_file(path, bank, max_per_code=cap)
        assert [(d.code, d.line) for d in again.value.diagnostics] == [
            (d.code, d.line) for d in exc.diagnostics
        ]
        return None
    old = score(data, bank)
    new = score_file(path, bank, max_per_code=cap)
    return data.diagnostics + old.diagnostics, old, new


def _same(result) -> None:  # type: ignore[no-untyped-def]
    if result is None:
        return
    old_diags, old, new = result
    assert sorted((d.code, d.line, d.message) for d in old_diags) == sorted(
        (d.code, d.line, d.message) for d in new.diagnostics
    )
    pd.testing.assert_frame_equal(old.matrix, new.matrix, check_exact=True)
    pd.testing.assert_frame_equal(old.omitted, new.omitted)
    pd.testing.assert_series_equal(old.max_score, new.max_score)
    pd.testing.assert_frame_equal(
        old.choices.reset_index(drop=True), new.choices.reset_index(drop=True)
    )
    if not old_diags:  # score_file takes the form of a candidate's first row, even a bad one
        pd.testing.assert_series_equal(old.forms, new.forms)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=40))
def test_chunked_scoring_equals_in_memory_scoring(bank, tmp_path_factory, rows) -> None:
    path = tmp_path_factory.mktemp("h") / "r.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    _same(_both(path, bank))


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=30), st.sampled_from([";", "\t", "|"]))
def test_separators_and_parquet_agree(bank, tmp_path_factory, rows, sep) -> None:
    d = tmp_path_factory.mktemp("p")
    text = _csv(rows, sep)
    (d / "r.csv").write_text(text, encoding="utf-16" if sep == "\t" else "utf-8")
    _same(_both(d / "r.csv", bank))
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    frame.to_parquet(d / "r.parquet")
    _same(_both(d / "r.parquet", bank))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_reader(bank, tmp_path_factory, blob) -> None:
    path = tmp_path_factory.mktemp("b") / "r.csv"
    path.write_bytes(b"candidate_id,item_id,response\n" + blob)
    try:
        s = score_file(path, bank)
    except ResponseFileError as exc:
        assert exc.diagnostics and exc.diagnostics[0].code in ("R001", "R008")
        return
    assert all(d.line >= 2 for d in s.diagnostics)


def test_small_batches_give_the_same_result(bank, tmp_path: Path, monkeypatch) -> None:
    rng = np.random.default_rng(0)
    rows = [
        (
            f"c{rng.integers(0, 300)}",
            ITEMS[rng.integers(0, 2)],
            RESPONSES[rng.integers(0, 6)],
            "",
            "F1",
        )
        for _ in range(5000)
    ]
    path = tmp_path / "r.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    whole = score_file(path, bank)
    monkeypatch.setattr(readers, "BATCH_BYTES", 4096)  # many batches
    monkeypatch.setattr("toolkit.responses.scoring.SLICE", 1000)
    sliced = score_file(path, bank)
    assert whole.problem_counts == sliced.problem_counts and whole.problem_counts["R002"] > 0
    assert whole.diagnostics == sliced.diagnostics
    pd.testing.assert_frame_equal(whole.matrix, sliced.matrix)
    _same(_both(path, bank))


def test_malformed_rows_are_all_reported_with_their_lines(bank, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "candidate_id,item_id,response\nc1,PMLE-0001,B\nc2,PMLE-0001\nc3,PMLE-0001,B,x\n"
        "c4,PMLE-0001,A\n",
        encoding="utf-8",
    )
    s = score_file(path, bank)
    assert [(d.code, d.line) for d in s.diagnostics] == [("R008", 3), ("R008", 4)]
    assert list(s.matrix.index) == ["c1", "c4"]


def test_diagnostics_are_capped_but_counted(bank, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "candidate_id,item_id,response\n" + "".join(f"c{k},PMLE-0001,Z\n" for k in range(50)),
        encoding="utf-8",
    )
    s = score_file(path, bank, max_per_code=10)
    assert len(s.diagnostics) == 10 and s.problem_counts == {"R004": 50}


def test_choices_can_be_left_out(bank, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("candidate_id,item_id,response\nc1,PMLE-0002,A;C\n", encoding="utf-8")
    kept = score_file(path, bank)
    assert kept.choices.to_dict("records") == [
        {"candidate_id": "c1", "item_id": "PMLE-0002", "option": o} for o in "AC"
    ]
    lean = score_file(path, bank, keep_choices=False)
    pd.testing.assert_frame_equal(kept.matrix, lean.matrix)
    with pytest.raises(RuntimeError, match="keep_choices"):
        _ = lean.choices
