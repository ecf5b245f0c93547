"""The bad-input corpus (``tests/bad_inputs/``): every case through the command line gives a
clear message naming the file and the line or row, a non-zero exit and no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit.cli import main

from .conftest import TmpBank, populated_bank

CORPUS = Path(__file__).parent / "bad_inputs"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text("utf-8"))
ITEM_AT = "bank/items/domain-1/topic-1.1/PMLE-0901.yaml"

# kind -> (where the case file goes, relative to the working folder; the default command)
KINDS: dict[str, tuple[str, list[str]]] = {
    "item": (ITEM_AT, ["validate", "--bank", "bank"]),
    "blueprint": ("bank/blueprint.yaml", ["validate", "--bank", "bank"]),
    "config": ("qbank.toml", ["lint", "--bank", "bank"]),
    "responses": ("responses/{name}", ["calibrate", "{file}", "--bank", "bank", "--out", "out"]),
}


@pytest.fixture(scope="module")
def bank_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "bank"
    populated_bank(TmpBank(root))
    return root


def test_the_corpus_is_complete() -> None:
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    assert files - {"cases.yaml", "README.md"} == set(CASES)
    assert len(CASES) >= 40
    assert all(c["kind"] in KINDS for c in CASES.values())


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, bank_template: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    spec = CASES[case]
    where, default_args = KINDS[spec["kind"]]
    shutil.copytree(bank_template, tmp_path / "bank")
    target = tmp_path / where.format(name=Path(case).name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / case, target)
    shown = str(target.relative_to(tmp_path))
    monkeypatch.chdir(tmp_path)
    args = [a.format(file=shown) for a in spec.get("args", default_args)]
    code = main(args)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == spec.get("exit", 1), text
    assert "Traceback" not in text, text
    line = spec["line"]
    located = f"{shown}:{line}" if line else shown
    hits = [t for t in text.splitlines() if located in t]
    if spec["code"]:
        hits = [t for t in hits if f" {spec['code']} " in t or f": {spec['code']} " in t]
    assert hits, f"expected {located} {spec['code'] or ''} in:\n{text}"
    if line:  # the exact line, not a longer number that starts with it
        assert any(t.split(located, 1)[1][:1] in (":", " ", "") for t in hits), text
    if "message" in spec:
        assert any(spec["message"] in t for t in hits), text
