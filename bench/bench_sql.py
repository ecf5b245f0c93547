"""Benchmark and check: scoring as SQL, the form it takes past one machine.

``score_file`` judges each distinct (item, version, response) cell once with the bank
(``CellRules``) and maps the verdicts back to the rows. On BigQuery or Spark the same split
holds: the distinct cells (a few thousand rows) are judged locally, where the bank and its git
history are, and uploaded as a small table; the per-row work is one join with that table plus
a grouping for duplicates, written below in plain SQL. This script runs that SQL on SQLite
(in the standard library) over a long file, checks that it gives exactly the matrix of
``score_file``, and times each step, so that the docs can project the cost on an engine that
scales out (docs/scale.md).

    python bench/bench_sql.py [rows]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_responses import generate
from bench.report import emit
from toolkit.bank import load_bank
from toolkit.responses.cells import CellRules
from toolkit.responses.scoring import score_file

REPO = Path(__file__).resolve().parent.parent

DISTINCT_CELLS = """
SELECT DISTINCT item_id, COALESCE(item_version, '') AS item_version, COALESCE(response, '')
  AS response FROM responses
"""
DUPLICATES = """
SELECT candidate_id, item_id, COUNT(*) AS n FROM responses
GROUP BY candidate_id, item_id HAVING COUNT(*) > 1
"""
SCORED = """
SELECT r.candidate_id, r.item_id, c.score, c.omitted
FROM responses AS r
JOIN cells AS c
  ON c.item_id = r.item_id
 AND c.item_version = COALESCE(r.item_version, '')
 AND c.response = COALESCE(r.response, '')
WHERE c.problem IS NULL
"""


def main(rows: int = 1_000_000) -> None:
    bank = load_bank(REPO / "bank")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        generate(path, rows)
        t0 = time.perf_counter()
        reference = score_file(path, bank)
        t_stream = time.perf_counter() - t0
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    n = len(frame)
    db = sqlite3.connect(":memory:")
    frame.to_sql("responses", db, index=False)
    del frame
    t0 = time.perf_counter()
    distinct = db.execute(DISTINCT_CELLS).fetchall()
    t_distinct = time.perf_counter() - t0
    t0 = time.perf_counter()
    rules = CellRules(bank)  # local: the bank's keys and their git history
    cells = []
    for item_id, version, response in distinct:
        verdict = rules.check(item_id, version, response)
        sc = rules.score(item_id, version, response) if verdict is None else None
        problem = verdict[0] if verdict else (sc.problem and "R006")
        cells.append(
            (
                item_id,
                version,
                response,
                sc.value if sc else None,
                sc.omitted if sc else None,
                problem,
            )
        )
    db.execute("CREATE TABLE cells (item_id, item_version, response, score, omitted, problem)")
    db.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?)", cells)
    t_cells = time.perf_counter() - t0
    t0 = time.perf_counter()
    dups = db.execute(DUPLICATES).fetchall()
    t_dups = time.perf_counter() - t0
    t0 = time.perf_counter()
    scored = pd.DataFrame(
        db.execute(SCORED).fetchall(), columns=["candidate_id", "item_id", "score", "omitted"]
    )
    t_join = time.perf_counter() - t0
    matrix = scored.pivot(index="candidate_id", columns="item_id", values="score")
    matrix = matrix.sort_index().sort_index(axis=1).astype(float)
    same = bool(
        not dups
        and matrix.shape == reference.matrix.shape
        and np.array_equal(matrix.to_numpy(), reference.matrix.to_numpy(), equal_nan=True)
    )
    per_row = (t_dups + t_join) / n
    print(f"{n:,} rows; {len(distinct):,} distinct cells judged locally in {t_cells:.2f} s")
    print(
        f"SQL on SQLite: distinct {t_distinct:.1f} s, duplicates {t_dups:.1f} s, join {t_join:.1f} s"
    )
    print(f"score_file on the CSV: {t_stream:.1f} s; same matrix as the SQL: {same}")
    print(f"SQL per-row cost on one core: {per_row * 1e6:.2f} us/row")
    emit(
        "responses",
        f"scoring as SQL (SQLite, one core), {n / 1e6:.0f}M rows: duplicates + join",
        f"{t_dups + t_join:.1f} s ({per_row * 1e6:.2f} us/row); {len(distinct):,} cells"
        f" judged locally in {t_cells:.2f} s",
        f"score_file {t_stream:.1f} s",
        f"same matrix: {same}",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
