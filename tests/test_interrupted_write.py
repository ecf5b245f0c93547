"""Nothing lost: a process killed (SIGKILL) in the middle of a multi-file write
(``atomic_write_many``, used by the calibration write-back) leaves the previous files intact,
at once when killed while staging, after the journal is rolled back when killed between the
renames."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.io import JOURNAL_PREFIX, atomic_write_many, recover_interrupted

REPO = Path(__file__).resolve().parent.parent
N = 40

CHILD = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import toolkit.io as io

root, phase, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
files = {root / "items" / f"f{k:03d}.yaml": f"new {k}\\n" * 20000 for k in range(n)}
files[root / "calibrations" / "rec.yaml"] = "record\\n"
real_replace, real_stage = os.replace, io._stage
counts = {"rename": 0, "stage": 0}

def pause(phase_now):
    counts[phase_now] += 1
    if phase == phase_now and counts[phase_now] == n // 2:
        print("mid", flush=True)
        time.sleep(120)

def replace(src, dst):
    real_replace(src, dst)
    if Path(dst).name.startswith("f"):
        pause("rename")

def stage(target, data):
    out = real_stage(target, data)
    pause("stage")
    return out

io.os.replace = replace
io._stage = stage
io.atomic_write_many(files)
print("done", flush=True)
"""


def _old_bank(root: Path) -> dict[Path, bytes]:
    (root / "items").mkdir(parents=True)
    (root / "calibrations").mkdir()
    before = {}
    for k in range(N):
        p = root / "items" / f"f{k:03d}.yaml"
        p.write_text(f"old {k}\n" * 100, encoding="utf-8")
        before[p] = p.read_bytes()
    return before


def _kill_mid_write(root: Path, phase: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), phase, str(N), str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "mid"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def _intact(root: Path, before: dict[Path, bytes]) -> None:
    assert {p: p.read_bytes() for p in before} == before
    assert not (root / "calibrations" / "rec.yaml").exists()


def test_killed_while_staging_leaves_every_file_intact(tmp_path: Path) -> None:
    before = _old_bank(tmp_path)
    _kill_mid_write(tmp_path, "stage")
    _intact(tmp_path, before)
    assert not list(tmp_path.glob(f"{JOURNAL_PREFIX}*"))  # nothing had been renamed yet


def test_killed_between_renames_is_rolled_back(tmp_path: Path) -> None:
    before = _old_bank(tmp_path)
    _kill_mid_write(tmp_path, "rename")
    changed = [p for p in before if p.read_bytes() != before[p]]
    assert 0 < len(changed) < N  # the kill really came between two renames
    assert all(p.read_text(encoding="utf-8").startswith("new ") for p in changed)  # no torn file
    restored = recover_interrupted(tmp_path)
    assert len(restored) >= len(changed)
    _intact(tmp_path, before)
    leftovers = [p.name for p in tmp_path.rglob(".*") if p.is_file()]
    assert leftovers == []  # journal, backups and staged files are gone


def test_next_write_recovers_first(tmp_path: Path) -> None:
    before = _old_bank(tmp_path)
    _kill_mid_write(tmp_path, "rename")
    target = tmp_path / "items" / "f000.yaml"
    record = tmp_path / "calibrations" / "other.yaml"
    # The next write-back (items and a record: the same folder) rolls the journal back first.
    atomic_write_many({target: "newer\n", record: "other\n"})
    assert target.read_text(encoding="utf-8") == "newer\n"
    _intact(tmp_path, {p: b for p, b in before.items() if p != target})


def test_an_error_during_the_renames_restores_at_once(tmp_path: Path, monkeypatch) -> None:
    before = _old_bank(tmp_path)
    real = os.replace
    calls = {"n": 0}

    def failing(src, dst):  # type: ignore[no-untyped-def]
        if Path(dst).name.startswith("f"):
            calls["n"] += 1
            if calls["n"] == 5:
                raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    files = {p: "new\n" for p in before}
    files[tmp_path / "calibrations" / "rec.yaml"] = "record\n"
    with pytest.raises(OSError, match="No space"):
        atomic_write_many(files)
    monkeypatch.undo()
    _intact(tmp_path, before)
