"""``qbank probe``: knowledge-free test-wiseness probes over the bank."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..table import render_table
from ..vocab import Status
from .common import QbankUsageError, bank_option, emit, format_option, load_report, out_option

if TYPE_CHECKING:
    from ..bank.model import Item


@click.command("probe")
@bank_option
@click.option("--select", "codes", multiple=True, metavar="CODE", help="Only these probes.")
@click.option(
    "--status",
    multiple=True,
    type=click.Choice([s.value for s in Status]),
    help="Only items of these statuses (repeatable).",
)
@click.option(
    "--items",
    "per_item",
    is_flag=True,
    help="One row per item: the probes that find its key (for authors revising items).",
)
@click.option(
    "--explain",
    "explain_ids",
    multiple=True,
    metavar="ID",
    help="For these items (repeatable): which option each probe picks, and the stem words that "
    "only one option repeats (the unique-echo cue to remove). Shows keys: staff only.",
)
@format_option(["table", "json"], default="table")
@out_option
def probe(
    bank_dir: str,
    codes: tuple[str, ...],
    status: tuple[str, ...],
    per_item: bool,
    explain_ids: tuple[str, ...],
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
            raise QbankUsageError(f"--select {c}: no such probe{hint}")
    if explain_ids and (per_item or status):
        raise QbankUsageError(
            "--explain names its items itself; use it without --items and --status"
        )
    bank = load_report(bank_dir, note_invalid=True).bank
    if explain_ids:
        for item_id in explain_ids:
            if item_id not in bank.by_id:
                raise QbankUsageError(
                    f"--explain: no item {item_id!r} in {bank_dir}"
                    f"{did_you_mean(item_id, bank.by_id)} (files with validation errors are"
                    " left out; run `qbank validate`)"
                )
        chosen = [bank.by_id[i] for i in dict.fromkeys(explain_ids)]
        emit(_explain(chosen, list(codes) or None, fmt), out)
        return
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


def _picks_text(p: Mapping[str, Any]) -> str:
    """ "A C", "2 of B/C/D" or "A + 1 of C/D": what one probe takes."""
    parts = []
    if p["picks"]:
        parts.append(" ".join(p["picks"]))
    if p["tied"]:
        parts.append(f"{p['draw']} of {'/'.join(p['tied'])}")
    return " + ".join(parts)


def _explain(items: Sequence[Item], codes: list[str] | None, fmt: str) -> str:
    """Render :func:`toolkit.probes.explain_item` and the unique stem echoes of ``items``."""
    from ..probes import explain_item, unique_echoes

    data = {}
    for it in items:
        echoes = {o.id: sorted(w) for o, w in zip(it.options, unique_echoes(it), strict=True) if w}
        data[it.id] = {
            "key": [o.id for o in it.options if o.correct],
            "probes": {
                p.code: {
                    "name": p.name,
                    "picks": list(p.sure),
                    "tied": list(p.tied),
                    "draw": p.draw,
                    "hit": p.hit,
                }
                for p in explain_item(it, codes)
            },
            "unique_echo": echoes,
        }
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    parts = []
    for item_id, d in data.items():
        rows = [
            (code, p["name"], _picks_text(p), f"{p['hit']:.2f}") for code, p in d["probes"].items()
        ]
        head = f"{item_id} (key {', '.join(d['key'])})" if d["key"] else f"{item_id} (no key)"
        table = render_table(["probe", "name", "picks", "finds key"], rows, align="lllr")
        echo = "; ".join(f"{o}: {', '.join(w)}" for o, w in d["unique_echo"].items())
        parts.append(f"{head}\n{table}\nstem words only one option repeats: {echo or 'none'}\n")
    return "\n".join(parts)


commands = [probe]
