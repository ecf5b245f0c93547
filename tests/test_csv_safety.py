"""CSV outputs are safe to open in a spreadsheet: no cell of user data runs as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.reporting.report import neutralize, write_csv
from toolkit.responses.simulate import make_forms, simulate

from .conftest import TmpBank, populated_bank

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


def test_write_csv_neutralizes_formula_cells_and_keeps_numbers(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "candidate_id": [*HOSTILE, "-0.5", "c1"],
            "theta": [-1.5, 0.25, -3.0, 1.0, 2.0, -0.125, -7.0, 0.0],
            "n": [-1, 2, 3, 4, 5, 6, 7, 8],
        }
    ).rename(columns={"n": "=n"})
    path = write_csv(df, tmp_path / "t.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["candidate_id", "theta", "'=n"]
    ids = [r[0] for r in rows[1:]]
    assert ids[: len(HOSTILE)] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert len(rows) == 9  # a carriage return in a cell does not split its row
    assert ids[-2:] == ["-0.5", "c1"]  # a number written as text stays a number
    assert [r[1] for r in rows[1:3]] == ["-1.500000", "0.250000"]  # numbers stay numbers
    assert rows[1][2] == "-1"
    assert neutralize(-3) == -3 and neutralize("1e-5") == "1e-5" and neutralize("-1e5x") == "'-1e5x"


def test_candidate_ids_in_abilities_csv_are_neutralized(tmp_path: Path) -> None:
    tb = TmpBank(tmp_path / "bank")
    populated_bank(tb, per_domain=20)
    bank = load_bank(tb.root)
    forms = make_forms(bank, 1, 25, 0, seed=2)
    sim = simulate(bank, forms, n_per_form=120, seed=2)
    first = sim.responses["candidate_id"].iloc[0]
    responses = sim.responses.replace({"candidate_id": {first: "=cmd|' /C calc'!A0"}})
    src = tmp_path / "responses.csv"
    responses.to_csv(src, index=False)
    out = tmp_path / "an"
    res = CliRunner().invoke(
        cli, ["analyze", str(src), "--bank", str(tb.root), "--out", str(out), "--quiet"]
    )
    assert res.exit_code == 0, res.output
    text = (out / "abilities.csv").read_text(encoding="utf-8")
    assert "\n'=cmd|' /C calc'!A0," in text
    assert "\n=cmd" not in text
