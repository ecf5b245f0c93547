"""simulate -> analyze -> calibrate -> write-back, end to end on a temporary bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.responses.simulate import make_forms
from toolkit.validate import validate_bank

from .conftest import TmpBank, populated_bank


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    root = tmp_path_factory.mktemp("bank")
    bank = TmpBank(root / "bank")
    populated_bank(bank, per_domain=16)
    dif_item = make_forms(load_bank(bank.root), 2, 25, 5, seed=3)["F1"][0]
    out = root / "sim"
    res = run(
        "simulate",
        "--bank",
        str(bank.root),
        "--out",
        str(out),
        "--forms",
        "2",
        "--length",
        "25",
        "--anchors",
        "5",
        "--candidates",
        "400",
        "--form-mean",
        "F2=0.5",
        "--dif",
        f"{dif_item}=1.2",
        "--seed",
        "3",
    )
    assert res.exit_code == 0, res.output
    return bank, out / "simulated-responses.csv"


def test_analyze_writes_tables_and_report(simulated, tmp_path: Path) -> None:
    bank, responses = simulated
    out = tmp_path / "an"
    res = run(
        "analyze",
        str(responses),
        "--bank",
        str(bank.root),
        "--group",
        "group",
        "--reference",
        "reference",
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    assert "SIMULATED" in res.output
    for name in (
        "item_statistics.csv",
        "option_statistics.csv",
        "dif.csv",
        "item_parameters.csv",
        "report.md",
        "report.html",
        "linking.csv",
        "plots/test-information.png",
    ):
        assert (out / name).is_file(), name
    header = (out / "item_statistics.csv").read_text().splitlines()[0].split(",")
    for col in (
        "item_id",
        "n",
        "p_value",
        "point_biserial",
        "discrimination_index",
        "omit_rate",
        "alpha_if_deleted",
        "flags",
    ):
        assert col in header
    dif = (out / "dif.csv").read_text()
    assert "ets_class" in dif and "mh_d_dif" in dif
    report = (out / "report.md").read_text()
    assert "SIMULATED DATA" in report
    html = (out / "report.html").read_text()
    assert "<table>" in html and "correct: true" not in html and "rationale" not in html
    # deterministic: the same input gives byte-identical tables and report
    out2 = tmp_path / "an2"
    args = ["--group", "group", "--reference", "reference", "--out", str(out2)]
    run("analyze", str(responses), "--bank", str(bank.root), *args)
    for name in (
        "item_statistics.csv",
        "item_parameters.csv",
        "report.md",
        "plots/test-information.png",
    ):
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name


def test_calibrate_and_write_back(simulated, tmp_path: Path) -> None:
    bank, responses = simulated
    out = tmp_path / "cal"
    res = run(
        "calibrate",
        str(responses),
        "--bank",
        str(bank.root),
        "--model",
        "2pl",
        "--out",
        str(out),
        "--date",
        "2026-11-26",
        "--write-back",
        "--allow-simulated",
    )
    assert res.exit_code == 0, res.output
    header = (out / "item_parameters.csv").read_text().splitlines()[0]
    assert header.startswith("item_id,a,b,c,se_a,se_b")
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["model"] == "2pl" and prov["simulated"] is True
    assert len(prov["data"]["sha256"]) == 64 and prov["software"]["girth"].startswith("0.8")
    records = list((bank.root / "calibrations").glob("*.yaml"))
    assert len(records) == 1
    assert validate_bank(bank.root).ok  # write-back keeps every item valid
    loaded = load_bank(bank.root)
    calibrated = [i for i in loaded.items if i.stats]
    params = (tmp_path / "cal" / "item_parameters.csv").read_text().splitlines()[1:]
    assert calibrated and len(calibrated) == len(params)
    stats = calibrated[0].stats
    assert stats.calibration == records[0].stem and stats.item_version == calibrated[0].version
    # a second calibration is linked to the bank's scale through the calibrated items
    res = run(
        "calibrate",
        str(responses),
        "--bank",
        str(bank.root),
        "--out",
        str(tmp_path / "c2"),
        "--date",
        "2026-11-27",
    )
    assert "linked to the bank's scale" in res.output
    assert "A = 1.000" in res.output  # same data: the identity transformation


def test_bad_response_file_exits_nonzero_with_rows(simulated, tmp_path: Path) -> None:
    bank, _ = simulated
    p = tmp_path / "bad.csv"
    p.write_text("candidate_id,item_id,response\nc1,PMLE-0001,Q\nc1,PMLE-0001,B\nc2,NOPE,A\n")
    res = CliRunner().invoke(
        cli, ["analyze", str(p), "--bank", str(bank.root), "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 1
    assert ":2:" in res.output and "R004" in res.output and "R002" in res.output
    assert "R003" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(
        cli,
        [
            "analyze",
            str(tmp_path / "missing.csv"),
            "--bank",
            str(bank.root),
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert res.exit_code == 1 and "file not found" in res.output


def test_partial_credit_grm_single_form(tmp_path: Path) -> None:
    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank, per_domain=16)
    sim = tmp_path / "sim"
    res = run(
        "simulate",
        "--bank",
        str(bank.root),
        "--out",
        str(sim),
        "--forms",
        "1",
        "--length",
        "25",
        "--anchors",
        "0",
        "--candidates",
        "600",
        "--seed",
        "5",
    )
    assert res.exit_code == 0, res.output
    data = sim / "simulated-responses.csv"
    res = run(
        "calibrate",
        str(data),
        "--bank",
        str(bank.root),
        "--model",
        "grm",
        "--partial-credit",
        "--out",
        str(tmp_path / "grm"),
    )
    assert res.exit_code == 0, res.output
    header = (tmp_path / "grm" / "item_parameters.csv").read_text().splitlines()[0]
    assert header.startswith("item_id,a,b,c,categories,b1")
    bad = run(
        "calibrate",
        str(data),
        "--bank",
        str(bank.root),
        "--model",
        "pcm",
        "--out",
        str(tmp_path / "x"),
    )
    assert bad.exit_code == 2 and "--partial-credit" in bad.output


def test_write_back_refuses_simulated_data_and_existing_record(simulated, tmp_path: Path) -> None:
    bank, responses = simulated
    res = run(
        "calibrate",
        str(responses),
        "--bank",
        str(bank.root),
        "--out",
        str(tmp_path / "c"),
        "--write-back",
    )
    assert res.exit_code == 2 and "SIMULATED" in res.output


def test_report_escapes_untrusted_text_and_hides_secure_keys(simulated, tmp_path: Path) -> None:
    import pandas as pd

    bank, responses = simulated
    df = pd.read_csv(responses, dtype=str, keep_default_na=False)
    df["form_id"] = df["form_id"].replace({"F1": "[x](javascript:alert(1))", "F2": "<script>"})
    evil = tmp_path / "evil.csv"
    df.to_csv(evil, index=False)
    res = run("analyze", str(evil), "--bank", str(bank.root), "--out", str(tmp_path / "r"))
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r" / "report.html").read_text()
    assert 'href="javascript' not in html and "<script>" not in html
    assert "&lt;script&gt;" in html  # shown as text


def test_flag_thresholds_from_config(simulated, tmp_path: Path, monkeypatch) -> None:
    import csv

    bank, responses = simulated
    monkeypatch.chdir(tmp_path)
    (tmp_path / "qbank.toml").write_text("[analysis.flags.too_easy]\nmax_p = 0.3\n")
    res = run("analyze", str(responses), "--bank", str(bank.root), "--out", str(tmp_path / "o"))
    assert res.exit_code == 0, res.output
    with open(tmp_path / "o" / "item_statistics.csv") as fh:
        rows = list(csv.DictReader(fh))
    easy = [r for r in rows if "too_easy" in r["flags"]]
    assert easy and all(float(r["p_value"]) > 0.3 for r in easy)
    (tmp_path / "qbank.toml").write_text("[analysis.flags.too_easy]\nmax_pp = 0.3\n")
    bad = run("analyze", str(responses), "--bank", str(bank.root), "--out", str(tmp_path / "o2"))
    assert bad.exit_code == 2 and "qbank.toml" in bad.output
