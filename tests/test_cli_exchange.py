"""qbank export and qbank import; schema-valid QTI for forms built from the shipped bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SHIPPED_BANK, TmpBank
from tests.exchange_helpers import fixed_bank, fixed_form
from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.exchange.delivery import from_form
from toolkit.exchange.export import check, render
from toolkit.exchange.qtischema import available
from toolkit.formfile import Form, Section, entry_for

NEEDS_SCHEMAS = pytest.mark.skipif(not available()[0], reason=available()[1])


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def form_file(tmp_path: Path) -> tuple[Path, Path]:
    bank = fixed_bank(tmp_path / "bank")
    path = tmp_path / "F1.yaml"
    path.write_text(fixed_form(bank).dumps(), encoding="utf-8")
    return tmp_path / "bank", path


@NEEDS_SCHEMAS
def test_export_form_with_check(form_file: tuple[Path, Path], tmp_path: Path) -> None:
    bank, form = form_file
    out = tmp_path / "F1-qti21.zip"
    r = run(
        "export", str(form), "--format", "qti21", "--out", str(out), "--check", "--bank", str(bank)
    )
    assert r.exit_code == 0, r.output
    assert out.is_file() and "valid against the official qti21 schemas" in r.stderr


def test_export_booklet_and_selected_items(form_file: tuple[Path, Path], tmp_path: Path) -> None:
    bank, _ = form_file
    out = tmp_path / "print"
    r = run(
        "export",
        "--items",
        "PMLE-0001,PMLE-0003",
        "--format",
        "booklet",
        "--out",
        str(out),
        "--bank",
        str(bank),
        "--set",
        "pdf=false",
    )
    assert r.exit_code == 0, r.output
    assert (out / "booklet.html").is_file() and (out / "answer-key.html").is_file()
    r = run(
        "export",
        "--goal",
        "2.1.1",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "g.csv"),
        "--bank",
        str(bank),
    )
    import csv

    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert r.exit_code == 0 and [row["id"] for row in rows] == ["PMLE-0003", "PMLE-0004"]


def test_export_usage_errors(form_file: tuple[Path, Path], tmp_path: Path) -> None:
    bank, form = form_file
    out = str(tmp_path / "x.zip")
    r = run("export", "--format", "qti21", "--out", out, "--bank", str(bank))
    assert r.exit_code == 2 and "exactly one" in r.stderr
    r = run(
        "export",
        str(form),
        "--format",
        "qti21",
        "--out",
        out,
        "--bank",
        str(bank),
        "--set",
        "partial_credit",
    )
    assert r.exit_code == 2 and "KEY=VALUE" in r.stderr
    r = run(
        "export", "--items", "PMLE-9999", "--format", "qti21", "--out", out, "--bank", str(bank)
    )
    assert r.exit_code == 2 and "PMLE-9999" in r.stderr


def test_export_of_a_stale_form_fails_and_writes_nothing(
    form_file: tuple[Path, Path], tmp_path: Path
) -> None:
    bank, form = form_file
    form.write_text(form.read_text().replace("content_hash: ", "content_hash: 0", 1))
    out = tmp_path / "x.zip"
    r = run("export", str(form), "--format", "qti21", "--out", str(out), "--bank", str(bank))
    assert r.exit_code == 1 and "reassemble the form" in r.stderr
    assert not out.exists()


def test_import_command(tmp_path: Path) -> None:
    gift = tmp_path / "q.gift"
    gift.write_text("::Q1:: Which is prime? {=7 ~8 ~9 ~10}\n\n::T:: True? {T}\n", encoding="utf-8")
    target = TmpBank(tmp_path / "target")
    r = run(
        "import",
        str(gift),
        "--format",
        "gift",
        "--goal",
        "1.1.1",
        "--bank",
        str(target.root),
        "--author",
        "migrator",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("PMLE-0101\tQ1\t")  # topic 1.1 numbers its items 01xx
    assert "imported 1 item(s) as drafts; skipped 1" in r.stderr
    assert "question type" not in r.stderr and "T: not imported" in r.stderr
    assert run("validate", "--bank", str(target.root)).exit_code == 0


@NEEDS_SCHEMAS
@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
def test_qti_of_forms_from_the_shipped_bank_is_schema_valid(fmt: str) -> None:
    """Every shipped item, on a form with one section per domain, validates."""
    bank = load_bank(SHIPPED_BANK)
    sections = tuple(
        Section(
            f"domain-{d.id}",
            d.title,
            tuple(entry_for(i) for i in bank.filter(domain=d.id, status="approved")),
        )
        for d in bank.blueprint.domains
    )
    form = Form("ALL", sections)
    files = render(from_form(form, bank), fmt, {"partial_credit": True, "feedback": "all"})
    diags, checked = check(fmt, files)
    assert diags == []
    assert len(checked) == len(bank.items) + 2
