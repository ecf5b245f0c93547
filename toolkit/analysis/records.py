"""Calibration provenance, linking to the bank's scale, and write-back into the bank.

A write-back adds ``bank/calibrations/<id>.yaml`` (the full record) and replaces the
``stats`` block of each calibrated item so that it points to that record. Item files are
edited through the one round-trip writer (:mod:`toolkit.itemfile`): in a formatted file only
the ``stats:`` block changes, and authors' comments survive.
All new file contents are computed and checked before the first file is replaced; each
file is replaced atomically.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import __version__
from ..gitutil import git_text
from ..io import atomic_write_many
from ..vocab import DICHOTOMOUS_MODELS
from ..yamlio import dump, load_text
from .irt import girth_version
from .linking import Link, link

if TYPE_CHECKING:
    from ..bank.store import Bank
    from ..responses.scoring import Scored
    from .calibration import CalibrationRun


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def bank_commit(root: Path) -> str:
    """The bank's git commit, with ``+dirty`` when the bank has uncommitted changes."""
    head = git_text(root, "rev-parse", "HEAD")
    if head is None:
        return "unknown"
    dirty = git_text(root, "status", "--porcelain", "--", ".")
    return head.strip() + ("+dirty" if dirty and dirty.strip() else "")


def provenance(
    data_path: str | Path, model: str, options: dict[str, Any], bank: Bank, date: str | None = None
) -> dict[str, Any]:
    return {
        "data": {"path": Path(data_path).name, "sha256": file_sha256(data_path)},
        "model": model,
        "metric": "logistic, P = c + (1 - c) / (1 + exp(-a (theta - b))), no 1.7 constant;"
        " latent distribution N(0, 1)",
        "options": options,
        "software": {"qbank": __version__, "girth": girth_version()},
        "bank_commit": bank_commit(bank.root),
        "date": date or datetime.now(UTC).date().isoformat(),
    }


def bank_scale_anchors(bank: Bank) -> pd.DataFrame:
    """Current parameters of items whose ``stats`` hold a, b for their current version."""
    rows = []
    for it in bank.items:
        s = it.stats
        if s is None or not s.applies_to(it.version) or not s.has_irt:
            continue
        if (s.model or "2pl") in DICHOTOMOUS_MODELS:
            rows.append({"item_id": it.id, "a": s.a, "b": s.b, "c": s.c or 0.0})
    return pd.DataFrame(rows, columns=["item_id", "a", "b", "c"])


def link_to_bank(
    params: pd.DataFrame, bank: Bank, method: str = "stocking-lord", min_anchors: int = 5
) -> tuple[pd.DataFrame, Link | None]:
    """Place ``params`` on the bank's scale through items that already have parameters."""
    anchors = bank_scale_anchors(bank)
    common = set(anchors["item_id"]) & set(params["item_id"])
    if len(common) < min_anchors:
        return params, None
    lk = link(params, anchors, method)
    return lk.apply(params), lk


def record_id(prov: dict[str, Any]) -> str:
    return f"{prov['date']}-{prov['model']}-{prov['data']['sha256'][:8]}"


def _with_stats(text: str, stats: dict[str, Any]) -> str:
    """``text`` with its ``stats`` block replaced, through the one round-trip writer (comments
    and layout elsewhere in the file survive)."""
    from ..itemfile import edit

    def change(data: Any) -> None:
        data["stats"] = stats

    return edit(text, change)


def _r(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(v) else round(v, 4)


def write_back(
    bank: Bank,
    params: pd.DataFrame,
    item_stats: pd.DataFrame | None,
    prov: dict[str, Any],
    link_used: Link | None = None,
) -> list[Path]:
    """Write the calibration record and point each calibrated item's ``stats`` to it."""
    rid = record_id(prov)
    ctt = item_stats.set_index("item_id") if item_stats is not None else None
    record = {
        "id": rid,
        "provenance": prov,
        "linking": (
            {
                "method": link_used.method,
                "A": round(link_used.A, 6),
                "B": round(link_used.B, 6),
                "anchors": list(link_used.anchors),
            }
            if link_used
            else None
        ),
        "items": [],
    }
    new_texts: dict[Path, str] = {}
    for row in params.to_dict("records"):
        item = bank.by_id[row["item_id"]]
        stats: dict[str, Any] = {
            "calibration": rid,
            "item_version": item.version,
            "content_hash": item.content_hash,
            "model": prov["model"],
        }
        if ctt is not None and item.id in ctt.index:
            c = ctt.loc[item.id]
            stats["n"] = int(c["n"])
            for k in ("p_value", "point_biserial"):
                if _r(c.get(k)) is not None:
                    stats[k] = _r(c.get(k))
        for k in ("a", "b", "c", "se_a", "se_b", "se_c"):
            if _r(row.get(k)) is not None:
                stats[k] = _r(row.get(k))
        record["items"].append(
            {"item_id": item.id, **{k: v for k, v in stats.items() if k not in ("calibration",)}}
        )
        path = Path(item.path)
        old = path.read_text(encoding="utf-8")
        new = _with_stats(old, stats)
        before, after = load_text(old), load_text(new)
        before["stats"] = stats
        if before != after:  # pragma: no cover - guards the text surgery
            raise RuntimeError(f"{path}: could not replace the stats block safely; nothing written")
        new_texts[path] = new
    rec_path = bank.root / "calibrations" / f"{rid}.yaml"
    if rec_path.exists():
        raise FileExistsError(
            f"{rec_path} already exists: a calibration of the same data, model"
            " and date is recorded; remove it or pass another --date"
        )
    atomic_write_many({**new_texts, rec_path: dump(record)})
    return [rec_path, *new_texts]


def write_calibration(run: CalibrationRun, prov: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """Write ``item_parameters.csv`` and ``provenance.json`` of ``run`` to ``out_dir``."""
    import json

    from ..io import atomic_write_text
    from ..reporting.report import write_csv

    out = Path(out_dir)
    params = write_csv(run.params, out / "item_parameters.csv")
    atomic_write_text(out / "provenance.json", json.dumps(prov, indent=2, sort_keys=True) + "\n")
    return [params, out / "provenance.json"]


def write_back_run(
    bank: Bank, run: CalibrationRun, scored: Scored, prov: dict[str, Any]
) -> list[Path]:
    """Record ``run`` in the bank: its classical statistics and parameters (see
    :func:`write_back`)."""
    from . import ctt

    stats = ctt.item_statistics(scored.matrix, scored.omitted, run.forms, scored.max_score)
    return write_back(bank, run.params, stats, prov, run.bank_link)
