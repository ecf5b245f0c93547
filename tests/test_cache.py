"""The per-file cache of validate and lint never hides a problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import cache as cache_mod
from toolkit.bank import load_workspace
from toolkit.lint import LintConfig, lint_bank
from toolkit.validate import validate_bank

from .conftest import TmpBank, item_data, populated_bank


def _codes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.code for d in report.diagnostics)


@pytest.fixture
def bank(tmp_bank: TmpBank) -> TmpBank:
    populated_bank(tmp_bank, per_domain=3)
    return tmp_bank


def _cache_file(bank: TmpBank, name: str = "validate") -> Path:
    return bank.root / cache_mod.DIRNAME / f"{name}.json"


def test_warm_run_equals_cold_run_and_uses_the_cache(bank: TmpBank) -> None:
    bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))  # V101
    cold = validate_bank(bank.root, use_cache=True)
    assert _cache_file(bank).is_file()
    warm = validate_bank(bank.root, use_cache=True)
    assert warm.diagnostics == cold.diagnostics and "V101" in _codes(warm)
    assert warm.bank == cold.bank
    uncached = validate_bank(bank.root)
    assert uncached.diagnostics == warm.diagnostics


def test_a_changed_file_is_checked_again(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    data = item_data("PMLE-0001", goal="1.1.1")
    data["options"][0]["correct"] = True  # two keys now
    bank.write(data)
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))


def test_bank_checks_are_recomputed_from_cached_items(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    # a second file with an existing id: both files are unchanged on their own
    dup = item_data("PMLE-0001")
    bank.write(dup, bank.folder("1.1.1") / "PMLE-0001-copy.yaml")
    codes = _codes(validate_bank(bank.root, use_cache=True))
    assert "V201" in codes  # duplicate id found although PMLE-0001.yaml itself was cached


def test_blueprint_change_invalidates(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    bp = bank.root / "blueprint.yaml"
    text = bp.read_text()
    # remove goal 1.1.1's text change -> different blueprint bytes: every entry is recomputed
    bp.write_text(text + "\n# a comment changes the bytes\n")
    before = json.loads(_cache_file(bank).read_text())["salt"]
    validate_bank(bank.root, use_cache=True)
    assert json.loads(_cache_file(bank).read_text())["salt"] != before


def test_schema_or_code_or_version_change_invalidates(bank: TmpBank, monkeypatch) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    before = json.loads(_cache_file(bank).read_text())["salt"]
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", "another schema or source")
    validate_bank(bank.root, use_cache=True)
    after_code = json.loads(_cache_file(bank).read_text())["salt"]
    assert after_code != before
    import toolkit

    monkeypatch.setattr(toolkit, "__version__", "999.0")
    validate_bank(bank.root, use_cache=True)
    assert json.loads(_cache_file(bank).read_text())["salt"] != after_code


def test_a_corrupt_cache_is_rebuilt_not_trusted(bank: TmpBank) -> None:
    bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))
    validate_bank(bank.root, use_cache=True)
    path = _cache_file(bank)
    raw = json.loads(path.read_text())
    for entry in raw["entries"].values():  # a forged cache that says every file is clean
        entry["diags"] = []
    path.write_text(json.dumps(raw)[:-40])  # ... and truncated: not valid JSON
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))
    assert json.loads(path.read_text())["format"] == cache_mod.FORMAT
    path.write_text('{"format": 0, "salt": "x", "entries": {}}')
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))


def test_lint_cache_follows_config_and_content(bank: TmpBank) -> None:
    data = item_data("PMLE-0001", goal="1.1.1")
    data["options"][3]["text"] = "None of the above"
    bank.write(data)
    ws = load_workspace(bank.root)
    first = lint_bank(ws, use_cache=True)
    assert "IW001" in {d.code for d in first.diagnostics}
    assert lint_bank(ws, use_cache=True).diagnostics == first.diagnostics
    off = lint_bank(ws, LintConfig(ignore=("IW001",)), use_cache=True)
    assert "IW001" not in {d.code for d in off.diagnostics}
    warn = lint_bank(ws, LintConfig(rules={"IW001": {"severity": "warning"}}), use_cache=True)
    assert {d.severity.value for d in warn.diagnostics if d.code == "IW001"} == {"warning"}
    data["options"][3]["text"] = "Use a Dataflow template"
    bank.write(data)
    fixed = lint_bank(load_workspace(bank.root), use_cache=True)
    assert "IW001" not in {d.code for d in fixed.diagnostics}


def test_no_cache_flag_writes_nothing(bank: TmpBank) -> None:
    from click.testing import CliRunner

    from toolkit.cli import cli

    res = CliRunner().invoke(cli, ["validate", "--bank", str(bank.root), "--no-cache"])
    assert res.exit_code == 0
    assert not (bank.root / cache_mod.DIRNAME).exists()
    res = CliRunner().invoke(cli, ["lint", "--bank", str(bank.root)])
    assert (bank.root / cache_mod.DIRNAME / "lint.json").is_file()
