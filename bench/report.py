"""Rows of the benchmark table (``make bench`` -> ``docs/benchmarks.md``).

A bench script calls :func:`emit` for each result; when ``QBANK_BENCH_JSON`` names a file
(``bench/run_all.py`` sets it), the row is appended there as one JSON line, otherwise nothing
happens beyond the script's own printout. Scripts written elsewhere may append the same JSON
lines themselves: ``{"area": ..., "measure": ..., "qbank": ..., "peer": ..., "note": ...}``.
"""

from __future__ import annotations

import json
import os


def emit(area: str, measure: str, qbank: str, peer: str = "", note: str = "") -> None:
    path = os.environ.get("QBANK_BENCH_JSON")
    if not path:
        return
    row = {"area": area, "measure": measure, "qbank": qbank, "peer": peer, "note": note}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, sort_keys=True) + "\n")
