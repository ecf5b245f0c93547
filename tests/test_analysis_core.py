"""The analysis core: one calibration call for analyze and calibrate, the key policy of
reports (staff vs redacted), DIF reference naming, input detection and refusals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.reporting import plots

from .conftest import TmpBank, populated_bank


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """Two forms given to non-equivalent groups; a quarter of the items are public."""
    root = tmp_path_factory.mktemp("core")
    bank = TmpBank(root / "bank")
    ids = populated_bank(bank, per_domain=20)
    for n, item_id in enumerate(ids):
        if n % 10 == 0:  # some public items (never on a form; their keys may be shown)
            path = next(bank.root.rglob(f"{item_id}.yaml"))
            data = yaml.safe_load(path.read_text())
            bank.write({**data, "exposure": "public"}, path)
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
        "300",
        "--form-mean",
        "F2=0.4",
        "--plant-dif",
        "2",
        "--seed",
        "5",
    )
    assert res.exit_code == 0, res.output
    return bank, out / "simulated-responses.csv"


def _secure_texts(bank_root: Path) -> tuple[set[str], list[str]]:
    bank = load_bank(bank_root)
    secure = {i.id for i in bank.items if i.is_secure}
    texts = []
    for i in bank.items:
        if i.is_secure:
            texts.append(i.stem.strip().splitlines()[0])
            texts += [o.rationale for o in i.options]
    return secure, texts


def test_analyze_and_calibrate_write_identical_parameters(sim, tmp_path: Path) -> None:
    bank, responses = sim
    a = run("analyze", str(responses), "--bank", str(bank.root), "-q", "--out", str(tmp_path / "a"))
    assert a.exit_code == 0, a.output
    c = run(
        "calibrate", str(responses), "--bank", str(bank.root), "-q", "--out", str(tmp_path / "c")
    )
    assert c.exit_code == 0, c.output
    pa = (tmp_path / "a" / "item_parameters.csv").read_bytes()
    pc = (tmp_path / "c" / "item_parameters.csv").read_bytes()
    assert pa == pc
    assert len(pa.splitlines()) > 20


def test_staff_report_says_it_is_confidential_and_shows_keys(sim, tmp_path: Path) -> None:
    bank, responses = sim
    out = tmp_path / "staff"
    res = run("analyze", str(responses), "--bank", str(bank.root), "-q", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "Confidential" in (out / "report.md").read_text()
    assert "Confidential" in (out / "report.html").read_text()
    assert json.loads((out / "summary.json").read_text())["confidential"] is True
    secure, _ = _secure_texts(bank.root)
    rows = list(csv.DictReader((out / "option_statistics.csv").open()))
    assert any(r["item_id"] in secure and r["key"] == "True" for r in rows)
    # the staff report draws option traces of flagged secure items (the redacted one must not)
    assert [p for p in (out / "plots").glob("options-*.png") if p.stem[8:] in secure]


def test_redacted_report_holds_no_secure_key_anywhere(sim, tmp_path: Path, monkeypatch) -> None:
    bank, responses = sim
    drawn: list[tuple[str, bool]] = []
    original = plots.option_traces_figure

    def spy(options, item, show_key):  # type: ignore[no-untyped-def]
        drawn.append((item, show_key))
        fig = original(options, item, show_key)
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        drawn_labels.extend(labels)
        return fig

    drawn_labels: list[str] = []
    monkeypatch.setattr(plots, "option_traces_figure", spy)
    out = tmp_path / "red"
    # DIF planted on secure items raises flags, so traces would be drawn for them if allowed
    res = run(
        "analyze",
        str(responses),
        "--bank",
        str(bank.root),
        "--group",
        "group",
        "--reference",
        "reference",
        "--redact-secure",
        "-q",
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    secure, texts = _secure_texts(bank.root)
    # no option-level row (key column or option statistics) of a secure item
    rows = list(csv.DictReader((out / "option_statistics.csv").open()))
    assert not any(r["item_id"] in secure for r in rows)  # public items never reach a form
    # no option trace plot of a secure item, and none of the plotted figures were asked about one
    assert not [p for p in (out / "plots").glob("options-*.png") if p.stem[8:] in secure]
    assert all(item not in secure for item, _ in drawn)
    # no file holds a secure item's text or rationale, and no '(key)' label of a secure item
    for f in out.rglob("*"):
        if f.suffix in {".csv", ".md", ".html", ".json"}:
            body = f.read_text()
            assert not any(t in body for t in texts), f
            for item in secure:
                assert f"{item} (key)" not in body
    assert json.loads((out / "summary.json").read_text())["confidential"] is False
    assert "Redacted" in (out / "report.md").read_text()


def test_option_traces_without_show_key_draw_every_option_alike() -> None:
    options = pd.DataFrame(
        {
            "item_id": ["X-0001"] * 4,
            "option": list("ABCD"),
            "key": [False, False, True, False],
            **{f"share_g{g}": [0.3, 0.2, 0.1 * g, 0.1] for g in range(1, 6)},
        }
    )
    hidden = plots.option_traces_figure(options, "X-0001", show_key=False)
    labels = [t.get_text() for t in hidden.axes[0].get_legend().get_texts()]
    styles = {ln.get_linestyle() for ln in hidden.axes[0].get_lines()}
    assert labels == list("ABCD") and len(styles) == 1
    shown = plots.option_traces_figure(options, "X-0001", show_key=True)
    labels = [t.get_text() for t in shown.axes[0].get_legend().get_texts()]
    assert "C (key)" in labels
    assert {ln.get_linestyle() for ln in shown.axes[0].get_lines()} == {"-", "--"}


def test_dif_names_reference_and_focal_groups(sim, tmp_path: Path) -> None:
    bank, responses = sim
    out = tmp_path / "dif"
    res = CliRunner().invoke(
        cli,
        [
            "analyze",
            str(responses),
            "--bank",
            str(bank.root),
            "--group",
            "group",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    # no --reference: the choice is announced, and named in the report and dif.csv
    assert "DIF reference group not given" in res.output
    dif = pd.read_csv(out / "dif.csv")
    ref = str(dif["reference_group"].iloc[0])
    focal = str(dif["focal_group"].iloc[0])
    assert {ref, focal} == {"reference", "focal"}
    md = (out / "report.md").read_text()
    assert f"reference group **{ref}**" in md and f"focal group **{focal}**" in md


def test_simulate_refuses_impossible_requests(tmp_path: Path) -> None:
    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank, per_domain=20)
    base = ["simulate", "--bank", str(bank.root), "--out", str(tmp_path / "o"), "--length", "25"]
    base += ["--forms", "2", "--anchors", "5"]
    cases = {
        ("--forms", "0"): "at least 1",
        ("--candidates", "0"): "at least 1 candidate",
        ("--form-mean", "F9=1"): "F9, which is not a form",
        ("--anchors", "25"): "anchor items do not fit",
    }
    for extra, message in cases.items():
        res = CliRunner().invoke(cli, [*base, *extra])
        assert res.exit_code == 2, (extra, res.output)
        assert message in res.output, (extra, res.output)
        assert "Traceback" not in res.output


def test_small_samples_are_flagged(tmp_path: Path) -> None:
    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank, per_domain=20)
    sim = tmp_path / "sim"
    res = run(
        "simulate", "--bank", str(bank.root), "--out", str(sim), "--forms", "1", "--length", "25",
        "--anchors", "0", "--candidates", "40", "--seed", "2",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(
        cli,
        ["analyze", str(sim / "simulated-responses.csv"), "--bank", str(bank.root), "--out",
         str(tmp_path / "a")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "form" in res.output and "unstable" in res.output
    stats = pd.read_csv(tmp_path / "a" / "item_statistics.csv")
    assert stats["flags"].fillna("").str.contains("small_sample").all()


def _long_csv(bank_root: Path) -> tuple[str, list[str]]:
    bank = load_bank(bank_root)
    items = [i for i in bank.items if i.type == "multiple_choice"][:3]
    rows = ["candidate_id;item_id;response"]
    for c in range(12):
        for i in items:
            rows.append(f"c{c};{i.id};{i.key[0] if c % 3 else 'A'}")
    return "\n".join(rows) + "\n", [i.id for i in items]


def test_semicolon_and_utf16_files_are_read(tmp_path: Path) -> None:
    from toolkit.responses.readers import read_responses

    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank)
    text, ids = _long_csv(bank.root)
    b = load_bank(bank.root)
    semi = tmp_path / "semi.csv"
    semi.write_text(text)
    data = read_responses(semi, "long", b)
    assert not data.diagnostics and set(data.frame["item_id"]) == set(ids)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.replace(";", "\t").encode("utf-16"))
    data = read_responses(utf16, "long", b)
    assert not data.diagnostics and len(data.frame) == 36


def test_response_hints_for_comma_picks_and_case(tmp_path: Path) -> None:
    from toolkit.responses.readers import read_responses

    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank)
    b = load_bank(bank.root)
    ms = next(i for i in b.items if i.type == "multiple_select")
    f = tmp_path / "r.csv"
    f.write_text(
        "candidate_id,item_id,response\n"
        f'c1,{ms.id},"{ms.key[0]},{ms.key[1]}"\n'
        f"c2,{ms.id.lower()},A\n"
    )
    msgs = [d.message for d in read_responses(f, "long", b).diagnostics]
    assert any("picks are joined by ';'" in m for m in msgs), msgs
    assert any(f"did you mean '{ms.id}'" in m for m in msgs), msgs


def test_registry_refuses_duplicates_and_suggests_names() -> None:
    from toolkit.analysis.flags import FLAGS
    from toolkit.registry import Registry

    reg: Registry = Registry("thing")

    @reg.register("T01", "one", options={"x": 1.0})
    def one() -> None:
        """One thing."""

    with pytest.raises(ValueError, match="registered twice"):
        reg.register("T01", "other")(one)
    with pytest.raises(KeyError, match="did you mean 'one'"):
        reg.get("onee")
    assert reg.config_schema()["properties"]["T01"]["properties"]["x"] == {"type": "number"}
    assert FLAGS.get("too_easy").code == "AF01"


def test_bad_flag_config_is_a_usage_error(tmp_path: Path, sim, monkeypatch) -> None:
    bank, responses = sim
    (tmp_path / "qbank.toml").write_text("[analysis.flags.too_easy]\nmax_pp = 0.9\n")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        cli, ["analyze", str(responses), "--bank", str(bank.root), "--out", "x"]
    )
    assert res.exit_code == 2
    assert "qbank.toml" in res.output and "max_pp" in res.output


def test_vocab_equals_schema_enums() -> None:
    from toolkit.schemas import load_schema
    from toolkit.vocab import Decision, Exposure, ItemType, Status

    props = load_schema("item")["properties"]
    assert [str(s) for s in Status] == props["status"]["enum"]
    assert [str(t) for t in ItemType] == props["type"]["enum"]
    assert [str(e) for e in Exposure] == props["exposure"]["enum"]
    decisions = load_schema("item")["$defs"]["review"]["properties"]["decision"]["enum"]
    assert [str(d) for d in Decision] == decisions
