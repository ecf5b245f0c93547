"""Response readers, scoring (all-or-nothing and partial credit) and simulation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.assembly.assemble import InfeasibleError
from toolkit.bank import load_bank
from toolkit.responses.readers import ResponseFileError, read_responses
from toolkit.responses.scoring import score, score_one
from toolkit.responses.simulate import make_forms, simulate, write_simulation

from .conftest import TmpBank, item_data, ms_item_data, populated_bank


@pytest.fixture
def bank(tmp_bank: TmpBank):
    tmp_bank.write(item_data("PMLE-0001"))  # key B
    tmp_bank.write(ms_item_data("PMLE-0002"))  # keys A, C
    return load_bank(tmp_bank.root)


def write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_long_format_scoring(bank, tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "candidate_id,item_id,response,region\n"
        "c1,PMLE-0001,B,eu\nc1,PMLE-0002,A;C,eu\n"
        "c2,PMLE-0001,A,us\nc2,PMLE-0002,C;A,us\n"
        "c3,PMLE-0001,,us\nc3,PMLE-0002,A;B,us\n",
    )
    data = read_responses(p, "long", bank)
    assert data.diagnostics == []
    assert list(data.covariates.columns) == ["candidate_id", "region"]
    s = score(data, bank)
    assert s.matrix.loc["c1"].tolist() == [1.0, 1.0]
    assert s.matrix.loc["c2"].tolist() == [0.0, 1.0]
    assert s.matrix.loc["c3"].tolist() == [0.0, 0.0]
    assert bool(s.omitted.loc["c3", "PMLE-0001"]) and not s.omitted.loc["c2", "PMLE-0001"]
    partial = score(data, bank, partial_credit=True)
    assert partial.matrix.loc["c3", "PMLE-0002"] == 1.0  # one of the two keys
    assert partial.matrix.loc["c1", "PMLE-0002"] == 2.0
    assert partial.max_score["PMLE-0002"] == 2.0


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("candidate_id,item_id\nc1,PMLE-0001\n", "R001", 1),
        ("candidate_id,item_id,response\nc1,PMLE-0001,B\nc1,PMLE-0001,C\n", "R002", 3),
        ("candidate_id,item_id,response\nc1,PMLE-0999,B\n", "R003", 2),
        ("candidate_id,item_id,response\nc1,PMLE-0001,B\nc2,PMLE-0001,Z\n", "R004", 3),
        ("candidate_id,item_id,response\nc1,PMLE-0001,A;B\n", "R005", 2),
        ("candidate_id,item_id,response\n,PMLE-0001,B\n", "R007", 2),
        ("candidate_id,item_id,response,item_version\nc1,PMLE-0001,B,x\n", "R006", 2),
        ("candidate_id,item_id,response\n", "R008", 1),
    ],
)
def test_row_problems_have_row_numbers(
    bank, tmp_path: Path, text: str, code: str, line: int
) -> None:
    p = write(tmp_path, text)
    try:
        data = read_responses(p, "long", bank)
        diags = data.diagnostics
    except ResponseFileError as exc:
        diags = exc.diagnostics
    assert [(d.code, d.line) for d in diags] == [(code, line)]
    assert str(p) in diags[0].path


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02\x03", b"candidate_id,item_id,response\nc1,\xff\xfe,B\n"]
)
def test_unreadable_files(bank, tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(ResponseFileError) as exc:
        read_responses(p, "long", bank)
    assert exc.value.diagnostics[0].code == "R008"


def test_unknown_version_and_old_keys_from_git(tmp_bank: TmpBank, tmp_path: Path) -> None:
    tmp_bank.write(item_data("PMLE-0001"))  # v1, key B
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    root = tmp_bank.root.parent
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    v2 = item_data("PMLE-0001", version=2)
    for o in v2["options"]:
        o["correct"] = o["id"] == "C"
    v2["reviews"][0]["version"] = 2
    tmp_bank.write(v2)
    subprocess.run(
        ["git", "commit", "-qam", "v2"], cwd=root, check=True, env=env, capture_output=True
    )
    bank = load_bank(tmp_bank.root)
    p = write(
        tmp_path,
        "candidate_id,item_id,response,item_version\n"
        "c1,PMLE-0001,B,1\nc2,PMLE-0001,B,2\nc3,PMLE-0001,C,\nc4,PMLE-0001,C,7\n",
    )
    data = read_responses(p, "long", bank)
    s = score(data, bank)
    assert s.matrix.loc[["c1", "c2", "c3"], "PMLE-0001"].tolist() == [1.0, 0.0, 1.0]
    assert [(d.code, d.line) for d in s.diagnostics] == [("R006", 5)]


def test_wide_and_scored_formats(bank, tmp_path: Path) -> None:
    wide = write(tmp_path, "candidate_id,group,PMLE-0001,PMLE-0002\nc1,a,B,A;C\nc2,b,-,\n", "w.csv")
    s = score(read_responses(wide, "wide", bank), bank)
    assert s.matrix.loc["c1"].tolist() == [1.0, 1.0]
    assert s.matrix.loc["c2", "PMLE-0001"] == 0.0 and np.isnan(s.matrix.loc["c2", "PMLE-0002"])
    scored = write(tmp_path, "candidate_id,PMLE-0001,PMLE-0002\nc1,1,0\nc2,,1\nc3,2,1\n", "s.csv")
    data = read_responses(scored, "scored", bank)
    assert [(d.code, d.line) for d in data.diagnostics] == [("R009", 4)]
    s = score(data, bank)
    assert s.matrix.loc["c1"].tolist() == [1.0, 0.0] and np.isnan(s.matrix.loc["c2", "PMLE-0001"])


def test_parquet_round_trip(bank, tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"candidate_id": ["c1", "c2"], "item_id": ["PMLE-0001"] * 2, "response": ["B", "D"]}
    )
    p = tmp_path / "r.parquet"
    df.to_parquet(p)
    s = score(read_responses(p, "long", bank), bank)
    assert s.matrix["PMLE-0001"].tolist() == [1.0, 0.0]


@given(
    st.frozensets(st.sampled_from("ABCDE"), max_size=5),
    st.frozensets(st.sampled_from("ABCDE"), min_size=1, max_size=3),
)
def test_score_one_properties(chosen: frozenset[str], key: frozenset[str]) -> None:
    allnone = score_one(chosen, key, partial=False)
    assert allnone == float(chosen == key)
    part = score_one(chosen, key, partial=True)
    assert 0 <= part <= len(key)
    if len(key) > 1:
        assert (part == len(key)) == (chosen == key)
        if len(chosen) <= len(key):  # no over-selection: one point per correct pick
            assert part == len(chosen & key)
        assert score_one(frozenset("ABCDE"), key, partial=True) < len(key)  # all: never full credit


def test_simulation_is_labelled_and_deterministic(tmp_bank: TmpBank, tmp_path: Path) -> None:
    populated_bank(tmp_bank, per_domain=16)
    bank = load_bank(tmp_bank.root)
    forms = make_forms(bank, n_forms=2, length=25, anchors=5, seed=1)
    assert all(len(v) == 25 for v in forms.values())
    assert len(set(forms["F1"]) & set(forms["F2"])) == 5
    runs = []
    for k in range(2):
        sim = simulate(bank, forms, n_per_form=50, form_means={"F2": 0.5}, seed=4)
        files = write_simulation(sim, tmp_path / f"run{k}")
        runs.append({f.name: f.read_bytes() for f in files})
    assert runs[0] == runs[1]
    assert b'"simulated": true' in runs[0]["manifest.json"]
    import json

    from toolkit.schemas import validator

    manifest = json.loads(runs[0]["manifest.json"])
    assert not list(validator("response-manifest").iter_errors(manifest))
    data = read_responses(tmp_path / "run0" / "simulated-responses.csv", "long", bank)
    assert data.diagnostics == [] and len(data.frame) == 2 * 50 * 25
    with pytest.raises(InfeasibleError, match="cannot supply 5 form"):
        make_forms(bank, n_forms=5, length=40, anchors=5)


def test_lookalike_item_columns_and_float_versions(bank, tmp_path: Path) -> None:
    wide = write(tmp_path, "candidate_id,PMLE-0001,pmle-0002\nc1,B,A;C\n", "w.csv")
    with pytest.raises(ResponseFileError) as exc:
        read_responses(wide, "wide", bank)
    d = exc.value.diagnostics[0]
    assert d.code == "R003" and "did you mean 'PMLE-0002'" in d.message
    df = pd.DataFrame(
        {
            "candidate_id": ["c1", "c2"],
            "item_id": ["PMLE-0001"] * 2,
            "response": ["B", "B"],
            "item_version": [1.0, None],
        }
    )
    p = tmp_path / "v.parquet"
    df.to_parquet(p)
    data = read_responses(p, "long", bank)
    assert data.diagnostics == [] and data.frame["item_version"].tolist() == ["1", ""]
