"""The item analysis page: the latest calibration record in the bank (``bank/calibrations/``)
and, when given, an analysis folder written by ``qbank analyze`` (flags, DIF, plots).

Only statistics reach the site: item ids, numbers, flag names and flag notes (which never name
an option), curves. ``option_statistics.csv`` and the option trace plots show keys and are
never read."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..bank.store import Bank
from ..diagnostics import Diagnostic, Severity
from ..errors import DataError
from . import charts
from .blueprint_pages import goal_page
from .model import Section
from .text import admonition, code, esc, num, table

PAGE = "bank/analysis.md"
PLOTS = ("test-information.png", "icc-domain-*.png")
"""The plots of an analysis folder that carry no key (option trace plots do)."""


def latest_calibration(bank_root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest record of ``bank_root/calibrations`` (by its date, then its id)."""
    from ..yamlio import YamlProblem, read_yaml

    found = []
    for path in sorted((bank_root / "calibrations").glob("*.yaml")):
        try:
            data = read_yaml(str(path), path.read_bytes()).data
        except YamlProblem as exc:
            diag = Diagnostic(
                str(path), exc.line, exc.column, exc.code, Severity.ERROR, exc.message
            )
            raise DataError(f"{path}: cannot read the calibration record", [diag]) from None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            diag = Diagnostic(
                str(path), 1, 1, "F003", Severity.ERROR, "a calibration record needs `items`"
            )
            raise DataError(f"{path}: not a calibration record", [diag])
        date = str((data.get("provenance") or {}).get("date", ""))
        found.append((date, str(data.get("id", path.stem)), path, data))
    if not found:
        return None
    _, _, path, data = max(found, key=lambda f: (f[0], f[1]))
    return path, data


def _f(row: dict[str, Any], key: str) -> float | None:
    try:
        v = float(row[key])
    except (KeyError, TypeError, ValueError):
        return None
    return None if v != v else v


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _calibration(bank: Bank, sec: Section, out: list[str], flags: dict[str, str]) -> None:
    found = latest_calibration(bank.root)
    out += ["## Latest calibration", ""]
    if found is None:
        out += [
            "No calibration is recorded in the bank yet (`bank/calibrations/` is empty):"
            " `qbank calibrate ... --write-back` records one.",
            "",
        ]
        return
    path, rec = found
    prov = rec.get("provenance") or {}
    out += [
        f"Record {code(path.name)}: model {esc(prov.get('model', '?'))}, date"
        f" {esc(prov.get('date', '?'))}, {len(rec['items'])} items, data"
        f" {code((prov.get('data') or {}).get('path', '?'))}.",
        "",
    ]
    if prov.get("simulated"):
        out += admonition(
            "warning", "SIMULATED", ["This calibration is of simulated responses (a demo)."]
        )
    rows = []
    params: dict[str, dict[str, tuple[float, float, float]]] = {}
    for r in sorted(rec["items"], key=lambda r: str(r.get("item_id"))):
        iid = str(r.get("item_id"))
        item = bank.by_id.get(iid)
        where = f"[{esc(iid)}](../{goal_page(item.learning_goal)})" if item else esc(iid)
        current = item is not None and item.version == r.get("item_version")
        a, b, c = _f(r, "a"), _f(r, "b"), _f(r, "c") or 0.0
        if item and a is not None and b is not None:
            g = bank.blueprint.goals.get(item.learning_goal)
            params.setdefault(g.domain_id if g else "?", {})[iid] = (a, b, c)
        rows.append(
            [
                where,
                str(r.get("item_version", "–")) + ("" if current else " (not current)"),
                str(r.get("n", "–")),
                num(_f(r, "p_value")),
                num(_f(r, "point_biserial")),
                num(a),
                num(b),
                num(_f(r, "c")),
                num(_f(r, "se_b")),
                esc(flags.get(iid, "")),
            ]
        )
    all_params = [p for d in params.values() for p in d.values()]
    sec.files["bank/charts/calibration-information.svg"] = charts.information(
        {"calibrated items": all_params},
        title=f"Test information of the {len(all_params)} calibrated items",
    )
    out += ["![Test information](charts/calibration-information.svg)", ""]
    out += ["### Item characteristic curves", ""]
    for d in sorted(params):
        name = f"bank/charts/icc-domain-{d}.svg"
        sec.files[name] = charts.item_curves(
            params[d], title=f"Item characteristic curves, domain {d}"
        )
        out += [f"![Item characteristic curves, domain {esc(d)}](charts/icc-domain-{d}.svg)", ""]
    out += ["### Item statistics", ""]
    out += table(
        ["item", "version", "n", "p", "r_pb", "a", "b", "c", "se_b", "flags"], rows, "lrrrrrrrrl"
    )


def _analysis(analysis_dir: Path | None, sec: Section, out: list[str]) -> dict[str, str]:
    out += ["## Analysis report", ""]
    if analysis_dir is None:
        out += [
            "No analysis folder was given (`qbank site build --analysis DIR`, a folder written by"
            " `qbank analyze`), so flags, DIF and form reliability are not shown.",
            "",
        ]
        return {}
    stats_path = analysis_dir / "item_statistics.csv"
    if not stats_path.is_file():
        sec.notes.append(f"{stats_path}: not found; the analysis section is left empty")
        out += [f"The analysis folder {code(analysis_dir)} holds no `item_statistics.csv`.", ""]
        return {}
    summary_path = analysis_dir / "summary.json"
    if summary_path.is_file():
        s = json.loads(summary_path.read_text(encoding="utf-8"))
        out += [
            f"{s.get('candidates', '?')} candidates, {s.get('items', '?')} items,"
            f" {s.get('forms', '?')} form(s), model {esc(s.get('model', '?'))}, marginal"
            f" reliability {num(_f(s, 'marginal_reliability'), 3)}.",
            "",
        ]
    stats = _read_csv(stats_path)
    flags = {r["item_id"]: r.get("flags", "").replace(";", ", ") for r in stats}
    flagged = [r for r in stats if r.get("flags")]
    out += ["### Flagged items", ""]
    if flagged:
        out += table(
            ["item", "p", "r_pb", "a", "b", "flags", "what to look at"],
            [
                [
                    esc(r["item_id"]),
                    num(_f(r, "p_value")),
                    num(_f(r, "point_biserial")),
                    num(_f(r, "a")),
                    num(_f(r, "b")),
                    esc(flags[r["item_id"]]),
                    esc(r.get("flag_notes", "").replace(";", "; ")),
                ]
                for r in flagged
            ],
            "lrrrrll",
        )
        out += ["See [item flags](../flags.md) for what each flag means and its threshold.", ""]
    else:
        out += ["No item is flagged.", ""]
    rel = analysis_dir / "form_reliability.csv"
    if rel.is_file():
        out += ["### Form reliability", ""]
        out += table(
            ["form", "candidates", "items", "alpha", "mean score"],
            [
                [
                    esc(r["form_id"]),
                    esc(r["candidates"]),
                    esc(r["items"]),
                    num(_f(r, "alpha"), 3),
                    num(_f(r, "mean_score"), 1),
                ]
                for r in _read_csv(rel)
            ],
            "lrrrr",
        )
    dif = analysis_dir / "dif.csv"
    out += ["### Differential item functioning", ""]
    if dif.is_file():
        rows = _read_csv(dif)
        shown = [r for r in rows if r.get("ets_class", "A") != "A" or r.get("lr_class", "A") != "A"]
        out += [
            f"{len(rows)} items tested; {len(shown)} with Mantel-Haenszel (ETS) or logistic"
            " regression class B or C (negative: favours the reference group).",
            "",
        ]
        if shown:
            out += table(
                ["item", "reference", "focal", "MH D-DIF", "ETS class", "LR class", "LR p (adj.)"],
                [
                    [
                        esc(r["item_id"]),
                        esc(r.get("reference_group", "")),
                        esc(r.get("focal_group", "")),
                        num(_f(r, "mh_d_dif")),
                        esc(r.get("ets_class", "")),
                        esc(r.get("lr_class", "")),
                        num(_f(r, "lr_p_adj"), 3),
                    ]
                    for r in shown
                ],
                "lllrllr",
            )
    else:
        out += ["The analysis had no groups (`qbank analyze --group`), so no DIF was computed.", ""]
    plots = sorted(
        {p for pattern in PLOTS for p in (analysis_dir / "plots").glob(pattern) if p.is_file()}
    )
    if plots:
        out += ["### Plots of the analysis", ""]
        for p in plots:
            sec.files[f"bank/analysis-plots/{p.name}"] = p.read_bytes()
            out += [f"![{esc(p.stem)}](analysis-plots/{p.name})", ""]
    return flags


def analysis_section(bank: Bank, analysis_dir: Path | None) -> Section:
    sec = Section()
    out = [
        "# Item analysis",
        "",
        "Statistics of the bank's items from calibrations and analyses. What each statistic and"
        " flag means: [item analysis](../analysis.md) and [item flags](../flags.md).",
        "",
    ]
    tail: list[str] = []
    flags = _analysis(analysis_dir, sec, tail)
    _calibration(bank, sec, out, flags)
    sec.page(PAGE, out + tail)
    sec.nav.append({"Item analysis": PAGE})
    return sec
