"""``qbank probe``: knowledge-free test-wiseness probes over the bank."""

from __future__ import annotations

import json

import click

from ..table import render_table
from .common import bank_option, emit, format_option, load_report, out_option


@click.command("probe")
@bank_option
@click.option("--select", "codes", multiple=True, metavar="CODE", help="Only these probes.")
@click.option("--status", multiple=True, help="Only items of these statuses (repeatable).")
@click.option(
    "--items",
    "per_item",
    is_flag=True,
    help="One row per item: the probes that find its key (for authors revising items).",
)
@format_option(["table", "json"], default="table")
@out_option
def probe(
    bank_dir: str,
    codes: tuple[str, ...],
    status: tuple[str, ...],
    per_item: bool,
    fmt: str,
    out: str | None,
) -> None:
    """How often a surface cue with no subject knowledge (the longest option, the option most
    like the others, the one that repeats the stem) finds the key, against chance.

    A rate far from chance, above or below (|z| beyond about 2), is a cue candidates can learn.
    """
    from ..probes import PROBES, item_hits, run_probes
    from ..suggest import did_you_mean

    known = PROBES.by_code()
    for c in codes:
        if c not in known:
            hint = did_you_mean(c, list(known))
            raise click.UsageError(f"--select {c}: no such probe{hint}")
    bank = load_report(bank_dir, note_invalid=True).bank
    items = [i for i in bank.items if not status or i.status in status]
    if per_item:
        hits = {i.id: item_hits(i, list(codes) or None) for i in items}
        if fmt == "json":
            emit(json.dumps(hits, indent=2, sort_keys=True) + "\n", out)
            return
        rows = [
            (i, " ".join(f"{c}" if p == 1 else f"{c}({p:.2f})" for c, p in h.items() if p > 0))
            for i, h in sorted(hits.items())
        ]
        emit(render_table(["item", "probes that find the key (probability)"], rows) + "\n", out)
        return
    results = run_probes(items, list(codes) or None)
    if fmt == "json":
        rows = [
            {
                "probe": r.code,
                "name": r.name,
                "type": r.item_type,
                "items": r.items,
                "hits": round(r.hits, 3),
                "rate": round(r.rate, 4),
                "chance": round(r.chance_rate, 4),
                "z": round(r.z, 2),
            }
            for r in results
        ]
        emit(json.dumps(rows, indent=2) + "\n", out)
        return
    table = render_table(
        ["probe", "name", "type", "items", "hits", "rate", "chance", "z"],
        [
            (
                r.code,
                r.name,
                r.item_type,
                r.items,
                f"{r.hits:.1f}",
                f"{r.rate:.0%}",
                f"{r.chance_rate:.0%}",
                f"{r.z:+.1f}",
            )
            for r in results
        ],
        align="lllrrrrr",
    )
    emit(table + "\n", out)


commands = [probe]
