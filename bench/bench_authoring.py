"""Benchmark: the authors' loop on a generated 10,000-item bank, measured as a user runs it.

Each figure is the wall time of a real command (a new process, as pre-commit runs it):
``qbank validate`` and ``qbank lint`` cold (empty cache), warm (nothing changed) and after 10
changed files, each beside ``check-jsonschema`` on the same item files in the same run
(schema only, no semantic checks, no cache of results). Ratio = check-jsonschema / qbank.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_bank import generate

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*cmd: str, ok: tuple[int, ...] = (0,)) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if res.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({res.returncode}): {res.stderr[-500:]}")
    return dt


def best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(fn() for _ in range(repeat))


_RATIONALE = re.compile(r"^(\s+rationale: )", re.MULTILINE)


def touch(files: list[Path], n: int, round_: int) -> None:
    """Change the first rationale of ``n`` files (a real content change that stays valid)."""
    for p in files[:n]:
        text = p.read_text(encoding="utf-8")
        p.write_text(_RATIONALE.sub(rf"\g<1>r{round_} ", text, count=1), encoding="utf-8")


def main(n: int = 10_000) -> list[tuple[str, float, float]]:
    qbank = str(BIN / "qbank")
    cjs = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if cjs is None:
        raise SystemExit("check-jsonschema is not installed (pip install check-jsonschema)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp), n)
        files = sorted((root / "items").rglob("*.yaml"))
        schema = str(REPO / "schema" / "item.schema.json")

        def peer() -> float:
            # exit 1: it reads review dates as YAML timestamps, which the schema types as strings
            return run(cjs, "--schemafile", schema, *map(str, files), ok=(0, 1))

        p = peer()  # check-jsonschema keeps no results between runs: one timing serves all rows
        for cmd in ("validate", "lint"):
            cache = root / ".qbank_cache"
            shutil.rmtree(cache, ignore_errors=True)
            ok = (0, 1)  # lint may report findings on generated text
            cold = run(qbank, cmd, "--bank", str(root), ok=ok)
            warm = best(lambda c=cmd, ok=ok: run(qbank, c, "--bank", str(root), ok=ok))
            rounds = iter(range(100))

            def changed(c: str = cmd, ok: tuple[int, ...] = ok, rounds=rounds) -> float:  # type: ignore[no-untyped-def]
                touch(files, 10, next(rounds))
                return run(qbank, c, "--bank", str(root), ok=ok)

            ten = best(changed)
            rows += [
                (f"{cmd}, cold", cold, p),
                (f"{cmd}, warm (nothing changed)", warm, p),
                (f"{cmd}, 10 files changed", ten, p),
            ]
    return rows


def report(rows: list[tuple[str, float, float]], n: int) -> str:
    out = [
        f"Authors' loop on a generated {n:,}-item bank (wall time of each command; warm and 10-changed: median of 5 runs)",
        "",
        "| run | qbank (s) | check-jsonschema (s) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, q, p in rows:
        out.append(f"| {name} | {q:.2f} | {p:.2f} | {p / q:.1f}x |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(report(main(n), n))
