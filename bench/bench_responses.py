"""Benchmark: large long response files, scored (and calibrated) in bounded memory.

Every measurement runs in its own subprocess (``bench/measure.py``): wall time, the peak
resident set of the process (exact, ``os.wait4``) and of the process with its worker processes
(sampled). In the same run:

1. a 10-million-row long CSV (8 forms of 45 items over the shipped bank, non-equivalent
   groups) through ``qbank calibrate --model 2pl``: read, checked, scored, calibrated;
2. the same rows as Parquet, and as CSV, scored only (``score_file``);
3. a smaller file (1 million rows) scored by this checkout's chunked reader and by the reader
   of the baseline revision (default ``main``, exported with ``git archive``: the in-memory
   ``read_responses`` + ``score``), and calibrated by both command lines.

    python bench/bench_responses.py [rows] [small_rows]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_responses import generate
from bench.measure import Measured, python, qbank, run
from bench.report import emit

REPO = Path(__file__).resolve().parent.parent
BASELINE = os.environ.get("QBANK_BENCH_BASELINE", "51c0d18")
"""The revision before chunked scoring (issue 17), whose reader is the in-memory one."""

SCORE_STREAM = """
from toolkit.bank import load_bank
from toolkit.responses.scoring import score_file
s = score_file(sys.argv[1], load_bank(sys.argv[2]))
assert not s.problem_counts, s.problem_counts
print(s.matrix.shape)
"""
SCORE_IN_MEMORY = """
from toolkit.bank import load_bank
from toolkit.responses.readers import read_responses
from toolkit.responses.scoring import score
bank = load_bank(sys.argv[2])
s = score(read_responses(sys.argv[1], "long", bank), bank)
print(s.matrix.shape)
"""


def _baseline_tree(tmp: Path) -> Path | None:
    """The baseline revision exported to ``tmp`` (None when git or the revision is missing)."""
    out = tmp / "baseline"
    out.mkdir()
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", BASELINE, "toolkit", "schema"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out


def _calibrate(
    path: Path, bank: str, out: Path, tree: Path = REPO, extra: tuple[str, ...] = ()
) -> list[str]:
    return qbank(
        "calibrate", str(path), "--bank", bank, "--model", "2pl", "--no-link-to-bank",
        "--quiet", "--out", str(out), *extra, tree=tree,
    )  # fmt: skip


def _workers(m: Measured) -> bool:
    """Whether worker processes added to the memory (the summed PSS of the process tree is
    below the process's own peak RSS when there were none: shared pages count once)."""
    return bool(m.tree_peak_mb and m.tree_peak_mb > m.peak_mb)


def _show(label: str, m: Measured, rows: int) -> str:
    ok = "" if m.returncode == 0 else f"  FAILED ({m.returncode}): {m.stderr.strip()[-300:]}"
    tree = f", with workers {m.tree_peak_mb:,.0f} MB" if _workers(m) else ""
    line = (
        f"{label:46s} {m.seconds:7.1f} s  peak {m.peak_mb:6,.0f} MB{tree}"
        f"  ({rows / m.seconds / 1e6:.2f} M rows/s){ok}"
    )
    print(line, flush=True)
    return line


def _mem(m: Measured) -> str:
    tree = f" ({m.tree_peak_mb:,.0f} MB with its workers)" if _workers(m) else ""
    return f"{m.seconds:.1f} s, peak {m.peak_mb:,.0f} MB{tree}"


def main(rows: int = 10_000_000, small_rows: int = 1_000_000) -> None:
    bank = str(REPO / "bank")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        big_csv, big_pq = tmp / "big.csv", tmp / "big.parquet"
        info = generate(big_csv, rows)
        generate(big_pq, rows)
        n = int(info["rows"])  # type: ignore[call-overload]
        size = big_csv.stat().st_size / 1e6
        print(
            f"{n:,} rows, {info['candidates']:,} candidates, {info['items']} items;"
            f" CSV {size:,.0f} MB, Parquet {big_pq.stat().st_size / 1e6:,.0f} MB",
            flush=True,
        )
        out = tmp / "out"
        cal = run(_calibrate(big_csv, bank, out))
        _show("qbank calibrate (read, check, score, calibrate)", cal, n)
        serial = run(_calibrate(big_csv, bank, out, extra=("--workers", "1")))
        _show("qbank calibrate --workers 1 (one process)", serial, n)
        s_csv = run(python(SCORE_STREAM, str(big_csv), bank))
        _show("score_file, CSV", s_csv, n)
        s_pq = run(python(SCORE_STREAM, str(big_pq), bank))
        _show("score_file, Parquet", s_pq, n)
        big_pq.unlink()
        big_csv.unlink()
        emit(
            "responses",
            f"{n / 1e6:.0f}M-row long CSV ({size:,.0f} MB): qbank calibrate --model 2pl",
            _mem(cal),
            "",
            "forms calibrated in parallel processes",
        )
        emit(
            "responses",
            f"{n / 1e6:.0f}M-row long CSV: qbank calibrate --model 2pl --workers 1",
            _mem(serial),
            "",
            "one process; goal: peak under 1.5 GB",
        )
        emit(
            "responses",
            f"{n / 1e6:.0f}M-row long file, scoring only: CSV / Parquet",
            f"{_mem(s_csv)} / {_mem(s_pq)}",
            "",
        )

        small = tmp / "small.csv"
        sinfo = generate(small, small_rows)
        ns = int(sinfo["rows"])  # type: ignore[call-overload]
        new_s = run(python(SCORE_STREAM, str(small), bank))
        _show(f"score_file ({ns:,} rows)", new_s, ns)
        new_c = run(_calibrate(small, bank, out))
        _show(f"qbank calibrate ({ns:,} rows)", new_c, ns)
        base = _baseline_tree(tmp)
        if base is None:
            print(f"baseline {BASELINE!r} not available (git archive failed); skipped")
            return
        old_s = run(python(SCORE_IN_MEMORY, str(small), bank, tree=base))
        _show(f"{BASELINE}: read_responses + score", old_s, ns)
        old_c = run(_calibrate(small, bank, out, base))
        _show(f"{BASELINE}: qbank calibrate ({ns:,} rows)", old_c, ns)
        per_row_old = (old_s.peak_mb - new_s.peak_mb) * 2**20 / ns
        print(f"memory per response row saved by the chunked reader: ~{per_row_old:.0f} bytes")
        emit(
            "responses",
            f"{ns / 1e6:.0f}M-row long CSV, scoring only",
            _mem(new_s),
            f"{_mem(old_s)} ({BASELINE}: in-memory reader)",
        )
        emit(
            "responses",
            f"{ns / 1e6:.0f}M-row long CSV, qbank calibrate --model 2pl",
            _mem(new_c),
            f"{_mem(old_c)} ({BASELINE})",
        )


if __name__ == "__main__":
    args = [int(x) for x in sys.argv[1:3]]
    main(*args)
