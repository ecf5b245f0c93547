"""Standard setting: Angoff ratings to raw, theta and per-form cuts; bad rating files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from toolkit.assembly.curves import Params
from toolkit.assembly.standard_setting import icc2, read_ratings, set_standard
from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.errors import DataError

from .conftest import TmpBank, populated_bank


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> TmpBank:
    bank = TmpBank(tmp_path_factory.mktemp("ss") / "bank")
    populated_bank(bank, per_domain=16)
    rng = np.random.default_rng(9)
    for p in sorted((bank.root / "items").rglob("*.yaml")):
        data = yaml.safe_load(p.read_text())
        a, b = float(rng.lognormal(0.1, 0.3)), float(rng.normal(0, 1))
        data["stats"] = {"calibration": "t", "item_version": 1, "a": round(a, 3), "b": round(b, 3)}
        bank.write(data, p)
    return bank


def angoff_file(path: Path, bank, items: list[str], theta: float, raters: int = 6) -> Path:  # type: ignore[no-untyped-def]
    """Ratings of raters who see the minimally competent candidate at ``theta`` (plus noise)."""
    from toolkit.assembly.assemble import current_parameters

    p = Params.from_mapping(current_parameters(list(bank.items)), items).p(np.array([theta]))[0]
    rng = np.random.default_rng(2)
    lines = ["rater," + ",".join(items)]
    for r in range(raters):
        vals = np.clip(p + rng.normal(0, 0.05, len(p)), 0, 1)
        lines.append(f"R{r + 1}," + ",".join(f"{v:.2f}" for v in vals))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cuts_carried_to_each_form(calibrated: TmpBank, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "forms: 2\nlength: 25\nsolver: {mip_gap: 0.01}\nconstraints:\n  overlap.anchors: {items: 4}\n"
    )
    forms = tmp_path / "forms"
    res = run("assemble", "--bank", str(calibrated.root), "--spec", str(spec), "--out", str(forms))
    assert res.exit_code == 0, res.output
    bank = load_bank(calibrated.root)
    from toolkit.formfile import load_form

    f1 = list(load_form(forms / "F1.yaml").item_ids)
    ratings = angoff_file(tmp_path / "r.csv", bank, f1, theta=0.4)
    out = tmp_path / "ss"
    res = run(
        "standard-setting",
        str(ratings),
        "--bank",
        str(calibrated.root),
        "--forms-dir",
        str(forms),
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    rows = (out / "form-cuts.csv").read_text().splitlines()
    assert len(rows) == 3
    theta_cut = float(rows[1].split(",")[1])
    assert abs(theta_cut - 0.4) < 0.25  # the raters' minimally competent candidate
    assert rows[1].split(",")[1] == rows[2].split(",")[1]  # one theta cut for every form
    md = (out / "standard-setting.md").read_text()
    assert "ICC(2,1)" in md and "Theta cut" in md
    assert (out / "raters.csv").read_text().startswith("rater,raw_cut,theta_cut\nR1,")


def test_raw_cut_only_without_parameters(tmp_path: Path) -> None:
    bank_dir = TmpBank(tmp_path / "bank")
    ids = populated_bank(bank_dir)
    bank = load_bank(bank_dir.root)
    f = tmp_path / "r.csv"
    f.write_text(f"rater,{ids[0]},{ids[1]}\nA,1,0\nB,1,1\nC,0,1\n")
    r = set_standard(read_ratings(f, bank, "yes-no"), {})
    assert r.raw_cut == pytest.approx(4 / 3) and r.theta_cut is None
    assert "raw cut only" in r.note


def test_bad_rating_files_give_file_row_errors(calibrated: TmpBank, tmp_path: Path) -> None:
    bank = load_bank(calibrated.root)
    ids = [i.id for i in bank.items][:3]
    f = tmp_path / "bad.csv"
    f.write_text(f"rater,{ids[0]},{ids[1]},PMLE-9999\nR1,0.5,65,0.4\nR2,0.5,x,0.3\nR1,0.5,0.6\n")
    with pytest.raises(DataError) as exc:
        read_ratings(f, bank)
    got = {(d.line, d.column, d.code) for d in exc.value.diagnostics}
    assert {(1, 4, "SS02"), (2, 3, "SS07"), (3, 3, "SS06"), (4, 1, "SS04")} <= got
    assert any("percentage" in d.message for d in exc.value.diagnostics)
    res = run("standard-setting", str(f), "--bank", str(calibrated.root), "--out", str(tmp_path))
    assert res.exit_code == 1 and f"{f}:2:3: SS07" in res.output
    f.write_text(f"rater,{ids[0]}\nR1,yes\n")
    with pytest.raises(DataError, match="problem"):
        read_ratings(f, bank, "angoff")


def test_icc_of_perfect_agreement_is_one() -> None:
    m = np.array([[0.2, 0.2, 0.2], [0.5, 0.5, 0.5], [0.9, 0.9, 0.9], [0.4, 0.4, 0.4]])
    single, panel = icc2(m)
    assert single == pytest.approx(1.0) and panel == pytest.approx(1.0)
    noisy = m + np.random.default_rng(1).normal(0, 0.2, m.shape)
    assert icc2(noisy)[0] < 0.9
