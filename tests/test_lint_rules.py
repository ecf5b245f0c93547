"""Lint rules, driven by tests/lint_cases.yaml, plus the registry contract and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from toolkit.bank import load_workspace
from toolkit.cli import cli
from toolkit.lint import ConfigError, LintConfig, lint_bank, load_config, rules_by_code
from toolkit.lint.config import config_schema, parse_config

from .conftest import TmpBank, item_data, ms_item_data

CASES = yaml.safe_load((Path(__file__).parent / "lint_cases.yaml").read_text(encoding="utf-8"))


def _apply(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = data
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _build(spec: dict[str, Any], default_base: str = "mc") -> dict[str, Any]:
    base = spec.get("base", default_base)
    item_id = spec.get("id", "PMLE-0001")
    data = ms_item_data(item_id) if base == "ms" else item_data(item_id)
    for k, v in (spec.get("set") or {}).items():
        _apply(data, k, v)
    if "key" in spec:
        for i, o in enumerate(data["options"]):
            o["correct"] = i == spec["key"]
    return data


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['rule']}-{'fail' if case['fails'] else 'pass'}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_case(case: dict[str, Any], tmp_bank: TmpBank) -> None:
    specs = case.get("items") or [{"base": case.get("base", "mc"), "set": case.get("set")}]
    for spec in specs:
        tmp_bank.write(_build(spec, case.get("base", "mc")))
    bank = load_workspace(tmp_bank.root, strict=False)
    rule = rules_by_code()[case["rule"]]
    config = LintConfig(rules={rule.code: dict(case.get("options") or {})})
    report = lint_bank(bank, config, rules=[rule])
    fired = [d for d in report.diagnostics if d.code == rule.code]
    assert bool(fired) == case["fails"], [d.message for d in fired]
    for d in fired:
        assert d.message and d.path


def test_every_rule_has_docs_and_cases() -> None:
    covered = {(c["rule"], c["fails"]) for c in CASES}
    for code, r in rules_by_code().items():
        assert "Bad:" in r.doc and "Good:" in r.doc, code
        assert r.name and r.scope in ("item", "bank")
        if not r.needs_git:
            assert (code, True) in covered and (code, False) in covered, code


def test_suppression_with_reason(tmp_bank: TmpBank) -> None:
    data = item_data(
        lint={"ignore": [{"rule": "IW001", "reason": "Testing the suppression path."}]}
    )
    data["options"][3]["text"] = "None of the above"
    tmp_bank.write(data)
    bank = load_workspace(tmp_bank.root)
    report = lint_bank(bank, rules=[rules_by_code()["IW001"]])
    assert report.diagnostics == () and report.suppressed == 1


def test_config_from_pyproject_and_qbank_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.qbank.lint]\nignore = ["IW013"]\n[tool.qbank.lint.rules.IW002]\nratio = 2.0\nseverity = "warning"\n'
    )
    cfg = load_config(cwd=tmp_path)
    rules = rules_by_code()
    assert cfg.options(rules["IW002"])["ratio"] == 2.0
    assert cfg.severity(rules["IW002"]) == "warning"
    assert not cfg.enabled(rules["IW013"]) and cfg.enabled(rules["IW001"])
    (tmp_path / "qbank.toml").write_text('[lint]\nselect = ["BP"]\n')
    cfg = load_config(cwd=tmp_path)
    assert cfg.enabled(rules["BP001"]) and not cfg.enabled(rules["IW001"])


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"rules": {"IW999": {}}}, "IW999"),
        ({"rules": {"IW002": {"ration": 2}}}, "ration"),
        ({"rules": {"IW002": {"ratio": "big"}}}, "number"),
        ({"rules": {"IW002": {"severity": "fatal"}}}, "fatal"),
        ({"selectt": []}, "selectt"),
    ],
)
def test_config_errors(table: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_config(table, "qbank.toml")


def test_config_toml_syntax_error_has_position(tmp_path: Path) -> None:
    p = tmp_path / "qbank.toml"
    p.write_text('[lint]\nselect = ["a" "b"]\n')
    with pytest.raises(ConfigError, match=r"qbank.toml:\d+:\d+: invalid TOML"):
        load_config(p)


def test_config_schema_lists_every_rule() -> None:
    schema = config_schema()
    assert set(schema["properties"]["rules"]["properties"]) == set(rules_by_code())


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_lint_cli(tmp_bank: TmpBank, tmp_path: Path) -> None:
    d = item_data()
    d["options"][3]["text"] = "All of the above"
    tmp_bank.write(d)
    b = str(tmp_bank.root)
    res = run("lint", "--bank", b, "--select", "IW")
    assert res.exit_code == 1 and ": IW001 " in res.stdout
    md = run("lint", "--bank", b, "--select", "IW", "--format", "markdown").stdout
    assert md.startswith("### qbank:") and "| IW001 |" in md
    js = json.loads(run("lint", "--bank", b, "--format", "json").stdout)
    assert {"IW001", "BP001", "BP002"} <= {x["code"] for x in js}
    warn_only = run("lint", "--bank", b, "--select", "IW013", "--select", "IW004")
    assert warn_only.exit_code == 0
    cfg = tmp_path / "q.toml"
    cfg.write_text('[lint]\nselect = ["IW00"]\n[lint.rules.IW001]\nseverity = "warning"\n')
    assert run("lint", "--bank", b, "--config", str(cfg)).exit_code == 0
    cfg.write_text("[lint.rules.XX001]\n")
    bad = run("lint", "--bank", b, "--config", str(cfg))
    assert bad.exit_code == 2 and "XX001" in bad.output
    assert "IW011" in run("lint", "--list-rules").stdout


def test_coverage_cli(tmp_bank: TmpBank) -> None:
    for n in range(1, 5):
        tmp_bank.write(item_data(f"PMLE-000{n}"))
    tmp_bank.write(item_data("PMLE-0005", goal="1.1.2", status="review", reviews=[]))
    b = str(tmp_bank.root)
    js = json.loads(run("coverage", "--bank", b, "--format", "json").stdout)
    rows = {(r["level"], r["id"]): r for r in js["rows"]}
    assert rows[("goal", "1.1.1")]["approved"] == 4 and rows[("goal", "1.1.1")]["gap"] == 0
    assert rows[("goal", "1.1.2")]["approved"] == 0 and rows[("goal", "1.1.2")]["total"] == 1
    # 3 forms x the largest-remainder counts of 60 items (7/9/11/16/17)
    assert rows[("domain", "5")]["target"] == 51 and rows[("domain", "1")]["target"] == 21
    assert rows[("topic", "1.1")]["approved"] == 4 and rows[("topic", "1.1")]["target"] == 12
    table = run("coverage", "--bank", b).stdout
    assert "1.1.1" in table and "target" in table
