"""Git-aware version rules on a temporary repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.bank import load_workspace
from toolkit.cli import cli
from toolkit.lint import GitError, LintConfig, lint_bank

from .conftest import TmpBank, item_data

VR_ONLY = LintConfig(select=("VR",))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@x",
            "HOME": str(cwd),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> TmpBank:
    bank = TmpBank(tmp_path / "bank")
    bank.write(item_data("PMLE-0001"))
    bank.write(
        item_data("PMLE-0002", stats={"calibration": "2026-01", "item_version": 1, "b": 0.3})
    )
    bank.write(item_data("PMLE-0003"))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return bank


def codes(bank: TmpBank, ref: str = "HEAD") -> list[tuple[str, str]]:
    report = lint_bank(load_workspace(bank.root, strict=False), VR_ONLY, changed_since=ref)
    return sorted((Path(d.path).stem, d.code) for d in report.diagnostics)


def test_unchanged_bank_is_clean(repo: TmpBank) -> None:
    report = lint_bank(load_workspace(repo.root), VR_ONLY, changed_since="HEAD")
    assert report.diagnostics == () and report.items_linted == 0


def test_content_change_needs_version_bump_and_stats_go_stale(repo: TmpBank) -> None:
    repo.write(
        item_data(
            "PMLE-0001",
            stem="A reworded scenario about BigQuery ML and SQL analysts.\n\nWhich statement?\n",
        )
    )
    d2 = item_data("PMLE-0002", stats={"calibration": "2026-01", "item_version": 1, "b": 0.3})
    d2["options"][0]["rationale"] = "A corrected rationale for option A, after review."
    repo.write(d2)
    assert codes(repo) == [("PMLE-0001", "VR001"), ("PMLE-0002", "VR001"), ("PMLE-0002", "VR002")]
    repo.write(
        item_data(
            "PMLE-0001",
            version=2,
            stem="A reworded scenario about BigQuery ML and SQL analysts.\n\nWhich statement?\n",
            reviews=[{"reviewer": "r", "date": "2026-11-26", "decision": "approved", "version": 2}],
        )
    )
    assert ("PMLE-0001", "VR001") not in codes(repo)


def test_metadata_change_needs_no_bump(repo: TmpBank) -> None:
    repo.write(item_data("PMLE-0001", tags=["bigquery-ml", "sql"], exposure="public"))
    assert codes(repo) == []


def test_deleted_item_and_reused_id(repo: TmpBank, tmp_path: Path) -> None:
    path3 = repo.folder("1.1.1") / "PMLE-0003.yaml"
    path3.unlink()
    assert codes(repo) == [("items", "VR004")]
    git(tmp_path, "commit", "-qam", "delete 3")
    # Re-adding the id later is a reuse, even after the deletion was committed.
    repo.write(
        item_data(
            "PMLE-0003", goal="5.4.1", stem="A brand new scenario on model cards.\n\nWhich field?\n"
        )
    )
    assert codes(repo) == [("PMLE-0003", "VR003")]


def test_id_now_names_a_different_item(repo: TmpBank) -> None:
    (repo.folder("1.1.1") / "PMLE-0001.yaml").unlink()
    repo.write(
        item_data(
            "PMLE-0001",
            goal="5.4.1",
            version=2,
            stem="Explainable AI for an image classifier in a hospital.\n\nWhich method?\n",
        )
    )
    assert ("PMLE-0001", "VR003") in codes(repo)


def test_changed_since_limits_item_rules(repo: TmpBank) -> None:
    bad = item_data("PMLE-0002")
    bad["options"][3]["text"] = "All of the above"
    repo.write(bad, repo.folder("1.1.1") / "PMLE-0002.yaml")
    cfg = LintConfig(select=("IW001",))
    bank = load_workspace(repo.root)
    assert lint_bank(bank, cfg, changed_since="HEAD").items_linted == 1
    report = lint_bank(bank, cfg, changed_since="HEAD")
    assert [Path(d.path).stem for d in report.diagnostics] == ["PMLE-0002"]


def test_bad_ref_and_not_a_repo(repo: TmpBank, tmp_path: Path) -> None:
    with pytest.raises(GitError, match="unknown git revision"):
        lint_bank(load_workspace(repo.root), VR_ONLY, changed_since="no-such-ref")
    res = CliRunner().invoke(cli, ["lint", "--bank", str(repo.root), "--changed-since", "nope"])
    assert res.exit_code == 2 and "unknown git revision" in res.output
    other = TmpBank(tmp_path.parent / (tmp_path.name + "-norepo") / "bank")
    with pytest.raises(GitError):
        lint_bank(load_workspace(other.root), VR_ONLY, changed_since="HEAD")


def test_lint_fix_bumps_the_version_and_keeps_comments(repo: TmpBank) -> None:
    path = repo.folder("1.1.1") / "PMLE-0001.yaml"
    text = path.read_text().replace(
        "A retailer keeps three years", "A retailer keeps four years", 1
    )
    path.write_text("# reviewed by the SQL team\n" + text)
    assert ("PMLE-0001", "VR001") in codes(repo)
    res = CliRunner().invoke(
        cli,
        ["lint", "--bank", str(repo.root), "--select", "VR", "--changed-since", "HEAD", "--fix"],
    )
    assert "fixed" in res.output, res.output
    assert ("PMLE-0001", "VR001") not in codes(repo)
    new = path.read_text()
    assert "# reviewed by the SQL team" in new and "version: 2" in new
    assert "four years" in new
