"""Benchmark: `qbank validate` on a generated 10,000-item bank, against a naive peer.

The peer is the obvious implementation: PyYAML's pure-Python ``yaml.safe_load`` and one
compiled ``jsonschema`` validator applied to every file, on the same files in the same run. Results are
reported as seconds and as a ratio peer / qbank (higher is better for qbank).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_bank import generate
from bench.report import emit
from toolkit.validate import validate_bank

REPO = Path(__file__).resolve().parent.parent


def peer(root: Path) -> int:
    schema = json.loads((REPO / "schema" / "item.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)  # compiled once, as any sane peer would
    n = 0
    for p in sorted((root / "items").rglob("*.yaml")):
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        validator.validate(data)
        n += 1
    return n


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t0, out


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp), n)
        t_serial, rep = timed(validate_bank, root, workers=1)
        assert rep.ok and rep.files_checked == n, rep.diagnostics[:3]
        t_par, rep2 = timed(validate_bank, root)
        assert rep2.diagnostics == rep.diagnostics
        t_peer, m = timed(peer, root)
        assert m == n
    print(f"items: {n}")
    print(f"qbank validate, 1 process : {t_serial:7.2f} s  ({n / t_serial:,.0f} items/s)")
    print(f"qbank validate, default   : {t_par:7.2f} s  ({n / t_par:,.0f} items/s)")
    print(f"peer (safe_load+validate) : {t_peer:7.2f} s  (schema only, no semantic checks)")
    print(f"ratio peer/qbank (1 proc) : {t_peer / t_serial:5.2f}x")
    print(f"ratio peer/qbank (default): {t_peer / t_par:5.2f}x")
    emit(
        "validate",
        f"{n:,}-item generated bank, all checks",
        f"{t_par:.2f} s ({n / t_par:,.0f} items/s); 1 process {t_serial:.2f} s",
        f"{t_peer:.2f} s (pure-Python safe_load + compiled jsonschema, schema only)",
        f"{t_peer / t_par:.1f}x",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
