"""qbank fmt and the one round-trip writer of item files."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli import cli
from toolkit.itemfile import ITEM_KEY_ORDER, format_text
from toolkit.schemas import load_schema

from .conftest import TmpBank, item_data

COMMENTED = """\
# Reviewed with the product team on 2026-11-20.
stem: |
  A team keeps sales in BigQuery.

  Which statement should they run?
id: PMLE-0101   # do not reuse
version: 1
status: approved
type: multiple_choice
learning_goal: 1.1.1
exposure: secure
options:
  - id: A
    text: "Option text A"
    correct: false
    rationale: "Option A is explained by the documented behaviour."
  # B is the key: CREATE MODEL with ARIMA_PLUS
  - id: B
    text: "Option text B: with a colon"
    correct: true
    rationale: Option B is explained by the documented behaviour.
  - id: C
    text: Option text C
    correct: false
    rationale: Option C is explained by the documented behaviour.
  - id: D
    text: Option text D
    correct: false
    rationale: Option D is explained by the documented behaviour.
references: [https://cloud.google.com/bigquery/docs/bqml-introduction]
authors: [author-a]
tags: [bigquery-ml]
reviews:
  - {reviewer: reviewer-b, date: 2026-11-26, decision: approved, version: 1}
"""


def test_key_order_covers_the_schema() -> None:
    assert set(ITEM_KEY_ORDER) == set(load_schema("item")["properties"])


def test_format_keeps_data_and_comments_and_is_idempotent() -> None:
    out = format_text(COMMENTED)
    assert yaml.safe_load(out) == yaml.safe_load(COMMENTED)
    assert format_text(out) == out
    for comment in ("# Reviewed with the product team", "# do not reuse", "# B is the key"):
        assert comment in out
    keys = [ln.split(":")[0] for ln in out.splitlines() if ln and ln[0].isalpha()]
    assert keys == [k for k in ITEM_KEY_ORDER if k in keys]
    assert out.endswith("\n") and not out.endswith("\n\n")


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=60,
    )
)
def test_any_text_round_trips(text: str) -> None:
    data = item_data(stem=text + "\n\nWhich one?\n")
    data["options"][0]["text"] = text
    src = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    out = format_text(src)
    assert yaml.safe_load(out) == data
    assert format_text(out) == out


def test_fmt_check_and_write(tmp_bank: TmpBank) -> None:
    path = tmp_bank.write_raw("PMLE-0101.yaml", COMMENTED)
    runner = CliRunner()
    res = runner.invoke(cli, ["fmt", "--bank", str(tmp_bank.root), "--check"])
    assert res.exit_code == 1 and "would reformat" in res.output
    assert path.read_text() == COMMENTED  # --check changes nothing
    res = runner.invoke(cli, ["fmt", "--bank", str(tmp_bank.root)])
    assert res.exit_code == 0
    res = runner.invoke(cli, ["fmt", "--bank", str(tmp_bank.root), "--check"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(cli, ["validate", "--bank", str(tmp_bank.root)]).exit_code == 0


def test_fmt_of_a_bank_folder_leaves_the_blueprint_alone(tmp_bank: TmpBank) -> None:
    tmp_bank.write_raw("PMLE-0101.yaml", COMMENTED)
    bp = tmp_bank.root / "blueprint.yaml"
    before = bp.read_text()
    res = CliRunner().invoke(cli, ["fmt", str(tmp_bank.root)])
    assert res.exit_code == 0, res.output
    assert bp.read_text() == before and "blueprint" not in res.output
    res = CliRunner().invoke(cli, ["fmt", str(bp)])
    assert res.exit_code == 2 and "not an item file" in res.output
    assert bp.read_text() == before


def test_fmt_reports_unreadable_files_and_leaves_them(tmp_bank: TmpBank) -> None:
    bad = tmp_bank.write_raw("PMLE-0102.yaml", "id: [\n")
    res = CliRunner().invoke(cli, ["fmt", "--bank", str(tmp_bank.root)])
    assert res.exit_code == 1 and "PMLE-0102.yaml: cannot format" in res.output
    assert bad.read_text() == "id: [\n"


def test_comments_survive_a_stats_write_back(tmp_bank: TmpBank) -> None:
    from toolkit.analysis.records import _with_stats

    formatted = format_text(COMMENTED)
    stats = {"calibration": "2026-12-01-2pl-abcd1234", "item_version": 1, "a": 1.2, "b": -0.3}
    once = _with_stats(formatted, stats)
    assert "# B is the key" in once and "# do not reuse" in once
    assert yaml.safe_load(once)["stats"] == stats
    # only the stats block differs from the formatted file
    assert once.startswith(formatted.rstrip("\n"))
    stats2 = {**stats, "a": 1.4}
    twice = _with_stats(once, stats2)
    assert yaml.safe_load(twice)["stats"] == stats2 and twice.count("stats:") == 1


def test_new_items_are_formatted(tmp_bank: TmpBank) -> None:
    res = CliRunner().invoke(
        cli, ["new", "--bank", str(tmp_bank.root), "--goal", "1.1.1", "--author", "me"]
    )
    path = Path(res.stdout.strip())
    assert format_text(path.read_text()) == path.read_text()
