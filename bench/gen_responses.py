"""Generate a large SIMULATED long response file over the shipped bank, fast and in bounded
memory (vectorized per block of candidates, written with Arrow's CSV writer or as Parquet).

``qbank simulate`` builds its rows in Python, which is right for demo sizes but would take
minutes and gigabytes for ten million rows; this generator draws the same kind of data (2PL,
forms built by ``make_forms``, non-equivalent groups, omissions) in NumPy.

    python bench/gen_responses.py OUT.csv|OUT.parquet [rows] [forms] [length] [anchors]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.bank import load_bank
from toolkit.responses.simulate import make_forms

REPO = Path(__file__).resolve().parent.parent
BLOCK = 20_000  # candidates per block


MEANS = (0.0, -0.6, 0.6, -0.4, 0.4, -0.2, 0.2, 0.0)
"""Ability means of the forms' groups (non-equivalent groups): the first form's group, the
reference of the linking, is N(0, 1), and so is the pooled population on average."""


def generate(
    out: Path,
    rows: int = 10_000_000,
    n_forms: int = 8,
    length: int = 45,
    anchors: int = 15,
    seed: int = 1,
    omit_rate: float = 0.02,
    per_form: int | None = None,
) -> dict[str, object]:
    """Write about ``rows`` long rows (or ``per_form`` candidates per form) to ``out`` (CSV or
    .parquet); returns the design and the true item parameters (item_id -> (a, b))."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    bank = load_bank(REPO / "bank")
    forms = make_forms(bank, n_forms, length, anchors, seed)
    items = sorted({i for ids in forms.values() for i in ids})
    rng = np.random.default_rng(seed)
    a = np.clip(rng.lognormal(0.1, 0.3, len(items)), 0.4, 2.5)
    b = np.clip(rng.normal(0.0, 1.0, len(items)), -2.8, 2.8)
    truth = {i: (float(a[k]), float(b[k])) for k, i in enumerate(items)}
    means = [MEANS[f % len(MEANS)] for f in range(n_forms)]
    per_form = per_form or -(-rows // (n_forms * length))
    schema = pa.schema(
        [(c, pa.string()) for c in ("candidate_id", "item_id", "response", "form_id")]
        + [("item_version", pa.int64()), ("group", pa.string())]
    )
    parquet = out.suffix == ".parquet"
    writer = (
        pq.ParquetWriter(out, schema)
        if parquet
        else pacsv.CSVWriter(out, schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
    )
    n_cand = 0
    written = 0
    try:
        for f, (form_id, ids) in enumerate(forms.items()):
            idx = [items.index(i) for i in ids]
            fa, fb = a[idx], b[idx]
            its = [bank.by_id[i] for i in ids]
            right = np.array([";".join(it.key) for it in its], dtype=object)
            wrong = [
                [o.id for o in it.options if not o.correct]
                if len(it.key) == 1
                else [f"{it.key[0]};{o.id}" for o in it.options if not o.correct]
                for it in its
            ]
            versions = np.array([it.version for it in its])
            left = per_form
            while left > 0:
                n = min(BLOCK, left)
                left -= n
                theta = rng.normal(means[f], 1.0, n)
                p = 1 / (1 + np.exp(-fa * (theta[:, None] - fb)))
                correct = rng.random(p.shape) < p
                omit = rng.random(p.shape) < omit_rate * 2 * (1 - p)
                resp = np.empty(p.shape, dtype=object)
                for j in range(len(ids)):
                    pick = rng.integers(0, len(wrong[j]), n)
                    w = np.array(wrong[j], dtype=object)[pick]
                    resp[:, j] = np.where(correct[:, j], right[j], w)
                resp[omit] = ""
                cands = np.array([f"C{n_cand + k + 1:07d}" for k in range(n)], dtype=object)
                groups = np.where(rng.random(n) < 0.5, "reference", "focal").astype(object)
                n_cand += n
                k = len(ids)
                table = pa.table(
                    {
                        "candidate_id": np.repeat(cands, k),
                        "item_id": np.tile(np.array(ids, dtype=object), n),
                        "response": resp.ravel(),
                        "form_id": np.full(n * k, form_id, dtype=object),
                        "item_version": np.tile(versions, n),
                        "group": np.repeat(groups, k),
                    },
                    schema=schema,
                )
                writer.write_table(table)
                written += n * k
    finally:
        writer.close()
    return {
        "rows": written,
        "candidates": n_cand,
        "forms": n_forms,
        "length": length,
        "anchors": anchors,
        "items": len(items),
        "truth": truth,
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    info = generate(
        Path(args[0]),
        *(int(x) for x in args[1:5]),  # type: ignore[arg-type]
    )
    print({k: v for k, v in info.items() if k != "truth"})
