"""``make bench``: run every benchmark and write the table ``docs/benchmarks.md``.

Each script runs in its own process with ``QBANK_BENCH_JSON`` naming a file where it appends
its rows (``bench/report.py``); a script that writes no rows gets one row holding the last lines
it printed. The assembly, export and site benchmarks come from other parts of the project:
their rows are reserved and filled in when ``bench/bench_assemble.py``, ``bench/bench_export.py``
and ``bench/bench_site.py`` exist.

    python bench/run_all.py [--quick] [--only SCRIPT ...] [--out docs/benchmarks.md]

``--quick`` runs smaller sizes (for a try-out; the committed table comes from a full run).
The rows of each script are kept in ``bench/results/`` (not committed); ``--only`` reruns the
scripts named and takes the other rows from there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import machine

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"

# (area, script, arguments for a full run, arguments for --quick)
SCRIPTS: list[tuple[str, str, list[str], list[str]]] = [
    ("authoring", "bench_authoring.py", [], ["2000"]),
    ("validate", "bench_validate.py", [], ["2000"]),
    ("lint", "bench_lint.py", [], ["2000"]),
    ("calibration", "bench_calibrate.py", [], ["60"]),
    ("calibration", "bench_forms.py", [], ["600"]),
    ("responses", "bench_responses.py", [], ["500000", "200000"]),
    ("responses", "bench_sql.py", [], ["200000"]),
    ("assembly", "bench_assemble.py", [], []),
    ("export", "bench_export.py", [], []),
    ("site", "bench_site.py", [], []),
]
RESERVED = {"bench_assemble.py", "bench_export.py", "bench_site.py"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def run_script(area: str, script: str, args: list[str]) -> list[dict[str, str]]:
    path = BENCH / script
    if not path.exists():
        return [
            {
                "area": area,
                "measure": f"*reserved: filled in by `bench/{script}` when it exists*",
                "qbank": "-",
                "peer": "-",
                "note": "not run",
            }
        ]
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as fh:
        rows_file = fh.name
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(path), *args],
        cwd=REPO,
        env={**os.environ, "QBANK_BENCH_JSON": rows_file},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr[-2000:] if proc.returncode else "")
    rows = [json.loads(line) for line in Path(rows_file).read_text("utf-8").splitlines() if line]
    os.unlink(rows_file)
    if proc.returncode:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        rows.append(
            {
                "area": area,
                "measure": f"`bench/{script}` failed",
                "qbank": "-",
                "peer": "-",
                "note": tail,
            }
        )
    elif not rows:  # a script that prints its results: they go below the table
        rows.append(
            {
                "area": area,
                "measure": f"`bench/{script}` ({seconds:.0f} s)",
                "qbank": f"see [its output](#{script.replace('.', '')})",
                "peer": "",
                "note": "",
                "details": proc.stdout.strip(),
                "script": script,
            }
        )
    return rows


def _summary(script: str) -> str:
    """The first paragraph of a bench script's docstring, on one line."""
    import ast

    try:
        doc = ast.get_docstring(ast.parse((BENCH / script).read_text("utf-8"))) or ""
    except (OSError, SyntaxError):
        return ""
    return " ".join(doc.split("\n\n")[0].split())


def render(rows: list[dict[str, str]], info: dict[str, str], quick: bool, when: str) -> str:
    out = [
        "# Benchmarks",
        "",
        "<!-- written by `make bench` (bench/run_all.py); do not edit by hand -->",
        "",
        f"Measured {when} on: {info['cpu']}, {info['cores']} cores available, {info['memory']}"
        f" memory; {info['os']}; Python {info['python']}; NumPy {info['numpy']}.",
        f"Load average when the last run started: {info['load']} (the machine may be shared:"
        " compare the columns of one row, which were measured in the same run, rather than"
        " rows, which may come from different runs: `--only` reruns some scripts).",
        "",
    ]
    if quick:
        out += ["**Quick run (smaller sizes): not the reference figures.**", ""]
    out += [
        "Every peer is run in the same process or run as qbank, on the same data. Memory is",
        "the peak resident set of the process (and, where worker processes are used, the peak",
        "of the summed proportional set sizes of the process and its workers). No test asserts",
        "a time; see [Scale and hardening](scale.md) for what the response and calibration rows",
        "mean.",
        "",
        "| area | measure | qbank | peer | note |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            "| "
            + " | ".join(
                _cell(str(r.get(k, ""))) for k in ("area", "measure", "qbank", "peer", "note")
            )
            + " |"
        )
    for r in rows:
        if r.get("details"):
            out += ["", f"### {r['script']}", "", "```text", r["details"], "```"]
    out += ["", "## The scripts", "", "| script | what it measures |", "|---|---|"]
    for _, script, _, _ in SCRIPTS:
        if (BENCH / script).exists():
            out.append(f"| `bench/{script}` | {_cell(_summary(script))} |")
    out += [
        "",
        "Large banks are generated by `bench/gen_bank.py` and large response files by",
        "`bench/gen_responses.py` (synthetic, never shipped as content).",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    out = (
        Path(argv[argv.index("--out") + 1]) if "--out" in argv else REPO / "docs" / "benchmarks.md"
    )
    info = machine()
    try:
        info["load"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        info["load"] = "unknown"
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    only: list[str] = []
    for a in argv[argv.index("--only") + 1 :] if "--only" in argv else []:
        if a.startswith("--"):
            break
        only.append(a)
    rows: list[dict[str, str]] = []
    RESULTS.mkdir(exist_ok=True)
    for area, script, full, small in SCRIPTS:
        cached = RESULTS / f"{script}.json"
        if only and script not in only and cached.exists():
            rows += json.loads(cached.read_text("utf-8"))
            continue
        print(f"== {script}", flush=True)
        got = run_script(area, script, small if quick else full)
        cached.write_text(json.dumps(got, indent=1, sort_keys=True), encoding="utf-8")
        rows += got
    from toolkit.io import atomic_write_text

    atomic_write_text(out, render(rows, info, quick, when))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
