"""qbank list, new, summary and blueprint."""

from __future__ import annotations

import json

from click.testing import CliRunner

from toolkit.bank import load_bank
from toolkit.cli import cli, main
from toolkit.summary import summarize

from .conftest import TmpBank, item_data, ms_item_data


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_filters(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0001"))
    tmp_bank.write(ms_item_data("PMLE-0002", status="draft", reviews=[]))
    tmp_bank.write(item_data("PMLE-0003", goal="4.2.1"))
    b = str(tmp_bank.root)
    out = run("list", "--bank", b)
    assert out.exit_code == 0
    assert [ln.split()[0] for ln in out.stdout.splitlines()[2:]] == [
        "PMLE-0001",
        "PMLE-0002",
        "PMLE-0003",
    ]
    js = json.loads(run("list", "--bank", b, "--format", "json", "--domain", "1").stdout)
    assert [r["id"] for r in js] == ["PMLE-0001", "PMLE-0002"]
    js = json.loads(run("list", "--bank", b, "--format", "json", "--status", "draft").stdout)
    assert [r["id"] for r in js] == ["PMLE-0002"]
    js = json.loads(
        run(
            "list", "--bank", b, "--format", "json", "--type", "multiple_choice", "--goal", "4.2.1"
        ).stdout
    )
    assert [r["id"] for r in js] == ["PMLE-0003"]
    assert "correct" not in json.dumps(js)  # keys are not listed


def test_new_scaffolds_valid_draft_with_next_id(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0041"))
    tmp_bank.write(item_data("PMLE-0805", goal="3.2.1"))
    b = str(tmp_bank.root)
    # ids follow the bank's numbering: topic 3.2 is the 8th topic, so its block is 0801..0899
    res = run("new", "--bank", b, "--goal", "3.2.1", "--author", "me")
    assert res.exit_code == 0
    path = res.stdout.strip()
    assert path.endswith("items/domain-3/topic-3.2/PMLE-0806.yaml")
    res = run("new", "--bank", b, "--goal", "3.2.1", "--type", "multiple_select", "--author", "me")
    assert res.stdout.strip().endswith("PMLE-0807.yaml")
    bank = load_bank(tmp_bank.root)  # scaffolds validate
    new = bank.get("PMLE-0807")
    assert (new.status, new.type, new.select, len(new.options), new.authors) == (
        "draft",
        "multiple_select",
        2,
        5,
        ("me",),
    )
    bad = run("new", "--bank", b, "--goal", "9.9.9")
    assert bad.exit_code == 2 and "not in the blueprint" in bad.output


def test_next_id_never_reuses_an_id_of_a_broken_file(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0101"))
    tmp_bank.write_raw("PMLE-0105.yaml", "id: [\n")
    res = run("new", "--bank", str(tmp_bank.root), "--goal", "1.1.1", "--author", "me")
    assert res.stdout.strip().endswith("PMLE-0106.yaml")


def test_summary(tmp_bank: TmpBank, tmp_path) -> None:
    tmp_bank.write(item_data("PMLE-0001"))
    tmp_bank.write(ms_item_data("PMLE-0002", exposure="public"))
    tmp_bank.write(item_data("PMLE-0003", goal="5.4.1", status="review", reviews=[]))
    s = summarize(load_bank(tmp_bank.root))
    assert s.items == 3 and s.by_status["approved"] == 2 and s.by_exposure["public"] == 1
    assert s.domains[0].approved == 2 and s.domains[0].goals_covered == 1
    assert s.approved_per_goal["1.1.1"] == 2 and s.approved_per_goal["5.4.1"] == 0
    out = tmp_path / "s.json"
    res = run("summary", "--bank", str(tmp_bank.root), "--format", "json", "--out", str(out))
    assert res.exit_code == 0
    assert json.loads(out.read_text())["by_type"] == {"multiple_choice": 2, "multiple_select": 1}
    table = run("summary", "--bank", str(tmp_bank.root)).stdout
    assert "3 items, 2 approved, 1 public" in table


def test_blueprint_command(tmp_bank: TmpBank) -> None:
    js = json.loads(run("blueprint", "--bank", str(tmp_bank.root), "--format", "json").stdout)
    assert [d["weight"] for d in js] == [12, 16, 18, 26, 28]
    goals = [g["id"] for d in js for t in d["topics"] for g in t["goals"]]
    assert len(goals) == 73 and goals[0] == "1.1.1"
    table = run("blueprint", "--bank", str(tmp_bank.root), "--topic", "4.2").stdout
    assert "26%" in table and "4.2.1" in table and "3.1.1" not in table
    res = run("blueprint", "--bank", str(tmp_bank.root), "--topic", "4.2.1")
    assert res.exit_code == 2 and "is a goal id" in res.output


def test_messages_name_options_by_letter_and_explain_approval(tmp_bank: TmpBank) -> None:
    data = item_data("PMLE-0101", reviews=[])
    data["options"][2]["correct"] = "yes"
    tmp_bank.write(data)
    out = run("validate", "--bank", str(tmp_bank.root)).output
    assert "option C 'correct' must be true or false" in out and "options[2]" not in out
    assert "status approved needs a review" in out


def test_yaml_error_points_at_the_line_to_change(tmp_bank: TmpBank) -> None:
    tmp_bank.write_raw("PMLE-0101.yaml", "id: PMLE-0101\nstem: |\n  first\nsecond\n")
    out = run("validate", "--bank", str(tmp_bank.root)).output
    assert "PMLE-0101.yaml:4:1: P001" in out and "indented less than the text above" in out


def test_lint_refuses_unknown_rule_and_names_invalid_files(tmp_bank: TmpBank) -> None:
    tmp_bank.write(item_data("PMLE-0101"))
    tmp_bank.write_raw("PMLE-0102.yaml", "id: [\n")
    res = run("lint", "--bank", str(tmp_bank.root), "--select", "IW99")
    assert res.exit_code == 2 and "did you mean" in res.output
    res = run("lint", "--bank", str(tmp_bank.root))
    assert "not linted:" in res.output and "PMLE-0102.yaml" in res.output


def test_top_level_help_does_not_cut_summaries() -> None:
    out = " ".join(run("--help").output.split("Commands:", 1)[1].split())
    assert "..." not in out and "and a report" in out


def test_main_returns_exit_codes(tmp_bank: TmpBank, capsys) -> None:
    assert main(["validate", "--bank", str(tmp_bank.root)]) == 0
    assert main(["validate", "--bank", str(tmp_bank.root / "nope")]) == 2
    assert main(["nonsense"]) == 2
    assert "Error" in capsys.readouterr().err


def test_new_ids_never_reuse_and_overflow_a_full_topic_block(tmp_bank: TmpBank) -> None:
    from toolkit.bank import Workspace

    tmp_bank.write(item_data("PMLE-0199", goal="1.1.1"))  # topic 1.1's block is full
    tmp_bank.write(item_data("PMLE-1650", goal="1.1.1"))
    ws = Workspace(load_bank(tmp_bank.root))
    assert ws.next_id("1.1") == "PMLE-1651"  # full block: one more than any number used
    assert ws.next_id("1.2") == "PMLE-0201"
    (tmp_bank.folder("1.1.1") / "PMLE-0250.yaml").write_text("not: [valid")  # broken file
    assert ws.next_id("1.2") == "PMLE-0251"  # its id is still taken
