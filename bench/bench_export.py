"""Benchmark: export one assembled 60-item form of the shipped bank to every format.

Each format is rendered in memory (median of 3) and, for QTI, also validated against the official
schemas (`--check`, when the schemas are found). The peer row is the same form written as plain
JSON with the standard library, a floor for "do nothing but serialise".
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.assembly.assemble import assemble
from toolkit.assembly.spec import default_spec_path, load_spec
from toolkit.bank import load_bank
from toolkit.exchange import EXPORTERS
from toolkit.exchange.delivery import from_form
from toolkit.exchange.export import check, render

REPO = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    bank = load_bank(REPO / "bank")
    result = assemble(bank, load_spec(default_spec_path(bank.root)), seed=7)
    form = result.forms[0]
    delivery = from_form(form, bank)
    n = len(delivery.items)
    t_peer, _ = timed(
        lambda: json.dumps(
            [
                {"id": i.id, "stem": i.stem, "options": [o.text for o in i.options]}
                for i in delivery.items
            ]
        )
    )
    print(
        f"form {form.id}: {n} items; peer (json.dumps of stems and options): {t_peer * 1000:.1f} ms"
    )
    for unit in EXPORTERS:
        t, files = timed(lambda u=unit.name: render(delivery, u, {}))
        line = f"{unit.name}: {t:.2f} s render, {len(files)} file(s), {sum(map(len, files.values())) / 1e6:.2f} MB"
        if unit.name.startswith("qti"):
            t_check, (problems, validated) = timed(lambda u=unit.name, f=files: check(u, f), 1)
            line += (
                f"; schema check {t_check:.2f} s ({len(validated)} files valid)"
                if validated and not problems
                else f"; schema check: {len(problems)} problem(s) or schemas not found"
            )
        print(line)


if __name__ == "__main__":
    main()
