"""Every validation check, with failing and passing examples, and the command's contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.bank import BankError, load_bank
from toolkit.checks import CHECKS
from toolkit.cli import cli
from toolkit.validate import BankNotFound, validate_bank

from .conftest import TmpBank, item_data, ms_item_data


def codes(bank: TmpBank, paths: list[Path] | None = None) -> list[str]:
    report = validate_bank(bank.root, paths)
    return [d.code for d in report.diagnostics]


def test_clean_bank(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data())
    tmp_bank.write(ms_item_data())
    report = validate_bank(tmp_bank.root)
    assert report.ok, report.diagnostics
    assert report.files_checked == 2
    assert report.bank is not None and [i.id for i in report.bank.items] == [
        "PMLE-0001",
        "PMLE-0002",
    ]
    assert load_bank(tmp_bank.root).get("PMLE-0002").key == ("A", "C")


# (code, how to break a valid item) - each must produce exactly that code.
def _two_keys(d):
    d["options"][0]["correct"] = True


def _no_key(d):
    d["options"][1]["correct"] = False


def _three_options(d):
    d["options"] = d["options"][:3]
    d["options"][1]["correct"] = True


def _dup_option_id(d):
    d["options"][2]["id"] = "A"


def _dup_option_text(d):
    d["options"][3]["text"] = "option TEXT  a."


def _unknown_goal(d):
    d["learning_goal"] = "1.1.9"


def _self_review(d):
    d["reviews"][0]["reviewer"] = "author-a"


def _changes_requested(d):
    d["reviews"][0]["decision"] = "changes_requested"


def _stale_review(d):
    d["version"] = 2


def _select_on_mc(d):
    d["select"] = 1 + 1


def _bad_prefix(d):
    d["id"] = "ABC-0001"


def _unknown_enemy(d):
    d["enemies"] = ["PMLE-9999"]


def _self_enemy(d):
    d["enemies"] = ["PMLE-0001"]


@pytest.mark.parametrize(
    ("code", "mutate"),
    [
        ("V102", _two_keys),
        ("V102", _no_key),
        ("V101", _three_options),
        ("V105", _dup_option_id),
        ("V106", _dup_option_text),
        ("V107", _unknown_goal),
        ("V110", _self_review),
        ("V110", _changes_requested),
        ("V110", _stale_review),
        ("V104", _select_on_mc),
        ("V202", _unknown_enemy),
        ("V202", _self_enemy),
    ],
)
def test_item_checks_fail(tmp_bank: TmpBank, code: str, mutate) -> None:
    data = item_data()
    mutate(data)
    tmp_bank.write(data, tmp_bank.folder("1.1.1") / f"{data['id']}.yaml")
    assert codes(tmp_bank) == [code]


def test_id_prefix(tmp_bank: TmpBank) -> None:
    data = item_data()
    _bad_prefix(data)
    tmp_bank.write(data)
    assert codes(tmp_bank) == ["V111"]


def test_multiple_select_checks(tmp_bank: TmpBank) -> None:
    d1 = ms_item_data("PMLE-0002", select=3)
    d2 = ms_item_data("PMLE-0003")
    d2["options"] = d2["options"][:4]
    d3 = ms_item_data("PMLE-0004")
    del d3["select"]
    for d in (d1, d2, d3):
        tmp_bank.write(d)
    report = validate_bank(tmp_bank.root)
    got = {(Path(d.path).stem, d.code) for d in report.diagnostics}
    assert got == {("PMLE-0002", "V103"), ("PMLE-0003", "V101"), ("PMLE-0004", "S001")}


def test_duplicate_ids_report_both_files(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0001"))
    dup = item_data("PMLE-0001", goal="1.2.1")
    tmp_bank.write(dup, tmp_bank.folder("1.2.1") / "PMLE-0001.yaml")
    report = validate_bank(tmp_bank.root)
    assert [d.code for d in report.diagnostics] == ["V201", "V201"]
    assert "topic-1.2" in report.diagnostics[0].message


def test_file_name_and_folder(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0001"), tmp_bank.folder("1.1.1") / "PMLE-0007.yaml")
    tmp_bank.write(item_data("PMLE-0002"), tmp_bank.folder("2.1.1") / "PMLE-0002.yaml")
    report = validate_bank(tmp_bank.root)
    got = sorted((Path(d.path).name, d.code) for d in report.diagnostics)
    assert got == [("PMLE-0002.yaml", "V108"), ("PMLE-0007.yaml", "V109")]
    v108 = next(d for d in report.diagnostics if d.code == "V108")
    assert "domain-1/topic-1.1" in v108.message


def test_schema_problems_have_positions_and_hints(tmp_bank: TmpBank) -> None:
    text = (
        "id: PMLE-0001\nversion: one\nstatus: aproved\ntype: multiple_choice\n"
        "learning_goal: 1.1.1\nstem: Which?\nauthors: [a]\nstatuss: x\n"
        "options:\n  - id: A\n    text: t\n    correct: yes please\n    rationale: r\n"
    )
    tmp_bank.write_raw("PMLE-0001.yaml", text)
    report = validate_bank(tmp_bank.root)
    by_code = {d.code: d for d in reversed(report.diagnostics)}  # first of each code
    assert by_code["S003"].line == 2 and "whole number" in by_code["S003"].message
    assert by_code["S004"].line == 3 and "did you mean 'approved'" in by_code["S004"].message
    assert (by_code["S002"].line, by_code["S002"].column) == (8, 1)
    assert "did you mean 'status'" in by_code["S002"].message
    assert any(d.code == "S003" and d.line == 12 for d in report.diagnostics)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "P003"),
        ("- a\n- b\n", "P004"),
        ("just a string\n", "P004"),
        ("id: [\n", "P001"),
        ("id: a\nid: b\n", "P002"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "P005"),
        (b"id: caf\xe9\n", "P005"),
        ("x: &a 1\ny: *a\n", "P007"),
        ("x: " + "a" * 1_000_001 + "\n", "P006"),
    ],
)
def test_bad_files(tmp_bank: TmpBank, content: str | bytes, code: str) -> None:
    tmp_bank.write_raw("PMLE-0001.yaml", content)
    tmp_bank.write(item_data("PMLE-0002"))
    report = validate_bank(tmp_bank.root)
    assert [d.code for d in report.diagnostics] == [code]
    assert report.bank is not None and len(report.bank.items) == 1


def test_all_problems_in_one_run(tmp_bank: TmpBank) -> None:
    for n in range(1, 6):
        d = item_data(f"PMLE-000{n}")
        d["options"][0]["correct"] = True
        tmp_bank.write(d)
    tmp_bank.write_raw("PMLE-0009.yaml", "id: [\n")
    assert sorted(codes(tmp_bank)) == ["P001"] + ["V102"] * 5


def test_yml_extension_flagged(tmp_bank: TmpBank) -> None:
    tmp_bank.write_raw("PMLE-0003.yml", "id: x\n")
    assert codes(tmp_bank) == ["P009"]


def test_paths_restrict_report_but_bank_wide_checks_see_all(tmp_bank: TmpBank) -> None:
    a = tmp_bank.write(item_data("PMLE-0001", enemies=["PMLE-0002"]))
    d = item_data("PMLE-0002", enemies=["PMLE-0001"])
    d["options"][0]["correct"] = True
    b = tmp_bank.write(d)
    assert codes(tmp_bank, [a]) == []
    assert codes(tmp_bank, [b]) == ["V102"]
    with pytest.raises(BankNotFound):
        validate_bank(tmp_bank.root, [tmp_bank.root / "nope.yaml"])


def test_load_bank_strict(tmp_bank: TmpBank) -> None:
    tmp_bank.write_raw("PMLE-0001.yaml", "id: [\n")
    with pytest.raises(BankError) as exc:
        load_bank(tmp_bank.root)
    assert "P001" in str(exc.value)
    assert load_bank(tmp_bank.root, strict=False).items == ()


def test_parallel_parse_gives_same_result(tmp_bank: TmpBank, monkeypatch) -> None:
    import toolkit.validate as v

    for n in range(1, 30):
        d = item_data(f"PMLE-{n:04d}")
        if n % 7 == 0:
            d["options"][0]["correct"] = True
        tmp_bank.write(d)
    tmp_bank.write_raw("PMLE-0100.yaml", "id: [\n")
    serial = validate_bank(tmp_bank.root, workers=1)
    monkeypatch.setattr(v, "PARALLEL_THRESHOLD", 1)
    parallel = validate_bank(tmp_bank.root, workers=2)
    assert serial.diagnostics == parallel.diagnostics
    assert serial.bank.items == parallel.bank.items


def test_every_check_documented_and_unique() -> None:
    assert len({c.code for c in CHECKS}) == len(CHECKS)
    for c in CHECKS:
        assert c.doc, c.code
        assert c.scope in ("item", "bank", "blueprint")


# ------------------------------------------------------------------ CLI


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_exit_codes_and_formats(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data())
    ok = run("validate", "--bank", str(tmp_bank.root))
    assert ok.exit_code == 0
    d = item_data("PMLE-0002")
    d["options"][0]["correct"] = True
    p = tmp_bank.write(d)
    bad = run("validate", "--bank", str(tmp_bank.root))
    assert bad.exit_code == 1
    line = bad.output.strip().splitlines()[0]
    assert line.startswith(f"{p.as_posix()}:") and ": V102 " in line
    js = json.loads(run("validate", "--bank", str(tmp_bank.root), "--format", "json").output)
    assert js[0]["code"] == "V102" and set(js[0]) == {
        "path",
        "line",
        "column",
        "code",
        "severity",
        "message",
    }
    gh = run("validate", "--bank", str(tmp_bank.root), "--format", "github").output
    assert gh.startswith("::error file=") and "line=" in gh and "title=V102" in gh
    assert run("validate", "--bank", str(tmp_bank.root / "missing")).exit_code == 2
    assert run("validate", "--format", "xml").exit_code == 2


def test_one_sided_enemy_is_a_warning_on_the_listing_item(tmp_bank: TmpBank) -> None:
    a = item_data("PMLE-0001")
    a["enemies"] = ["PMLE-0002"]
    tmp_bank.write(a)
    tmp_bank.write(item_data("PMLE-0002"), tmp_bank.folder("1.1.1") / "PMLE-0002.yaml")
    report = validate_bank(tmp_bank.root)
    (diag,) = report.diagnostics
    # reported on the item that lacks the link (the file to fix), at its id (no enemies key)
    assert (Path(diag.path).stem, diag.code, str(diag.severity)) == ("PMLE-0002", "V203", "warning")
    assert "PMLE-0001" in diag.message and report.ok and diag.line == 1
    only_b = validate_bank(tmp_bank.root, [tmp_bank.folder("1.1.1") / "PMLE-0002.yaml"])
    assert [d.code for d in only_b.diagnostics] == ["V203"]
    b = item_data("PMLE-0002")
    b["enemies"] = ["PMLE-0001"]
    tmp_bank.write(b, tmp_bank.folder("1.1.1") / "PMLE-0002.yaml")
    assert validate_bank(tmp_bank.root).diagnostics == ()
