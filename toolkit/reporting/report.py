"""Write an analysis to a folder: CSV tables, plots, report.md and report.html.

The policy on keys, decided once here:

- By default the report is a **staff document**: option statistics and option trace lines
  show the keys of all items (a psychometrician needs them to judge a possible miskey), and
  report.md, report.html and summary.json say on their face that they are confidential and
  contain the keys of secure items.
- With ``redact_secure`` the report can be shared: no file written (CSV, Markdown, HTML, PNG,
  JSON) holds a key, key letter or option-level statistic of a secure item (option statistics
  reveal the key by themselves), and no option trace is drawn for one. Public items keep
  theirs.

No report ever contains stems, option texts or rationales. Every string that comes from data
(ids, group names) is made inert before it enters the Markdown, and the HTML is rendered from
that Markdown.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io import atomic_write_text
from . import plots

if TYPE_CHECKING:
    from ..analysis.analyze import AnalysisResult
    from ..bank.store import Bank

FLOAT = "%.6f"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralize(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) gets a leading ``'``; numbers, and text that is
    just a number such as ``-0.5``, stay as they are. Carriage returns become ``\\n``."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        value = "'" + value
    # A bare CR is not quoted by the csv module (the line terminator is "\n") and would split
    # the row in a reader: line breaks inside a cell become "\n", which is quoted.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """The one CSV writer of the toolkit: atomic, deterministic (fixed float format, ``\n``),
    and safe to open in a spreadsheet: text cells and column names of user data are
    neutralized against formula injection (:func:`neutralize`)."""
    safe = df.rename(columns=neutralize)
    for col in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[col]) or pd.api.types.is_bool_dtype(safe[col])):
            safe[col] = safe[col].map(neutralize)
    atomic_write_text(path, safe.to_csv(index=False, lineterminator="\n", float_format=FLOAT))
    return path


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!|~])")


def _e(x: Any) -> str:
    """Data text made inert: Markdown punctuation backslash-escaped (no links, images or
    emphasis can be formed) and HTML special characters escaped."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(x)), quote=False)


def _f(x: Any, nd: int = 2) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    return "" if np.isnan(v) else f"{v:.{nd}f}"


def _table(df: pd.DataFrame, cols: list[tuple[str, str, int | None]]) -> list[str]:
    head = "| " + " | ".join(label for _, label, _ in cols) + " |"
    sep = "|" + "|".join("---" if nd is None else "---:" for _, _, nd in cols) + "|"
    out = [head, sep]
    for r in df.to_dict("records"):
        cells = [_e(r.get(c, "")) if nd is None else _f(r.get(c), nd) for c, _, nd in cols]
        out.append("| " + " | ".join(cells) + " |")
    return out


CONFIDENTIAL = (
    "**Confidential: staff document.** It contains the keys of secure items (option statistics"
    " and option trace lines). Do not share it; `qbank analyze --redact-secure` writes a"
    " shareable report."
)
REDACTED = (
    "**Redacted for sharing.** No key or option-level statistic of a secure item appears in"
    " this report or its files; option analysis is shown for public items only."
)


def secure_ids(bank: Bank) -> set[str]:
    return {i.id for i in bank.items if i.is_secure}


def write_analysis(
    result: AnalysisResult,
    bank: Bank,
    out_dir: str | Path,
    *,
    source: str,
    simulated: bool = False,
    redact_secure: bool = False,
) -> list[Path]:
    """Write the analysis tables, plots and report; see the module docstring for the policy
    on keys (``redact_secure``)."""
    out = Path(out_dir)
    secure = secure_ids(bank)
    options = result.option_statistics
    if redact_secure:
        options = options[~options["item_id"].isin(secure)].reset_index(drop=True)
    written = [
        write_csv(result.item_statistics, out / "item_statistics.csv"),
        write_csv(options, out / "option_statistics.csv"),
        write_csv(result.item_parameters, out / "item_parameters.csv"),
        write_csv(result.abilities, out / "abilities.csv"),
        write_csv(result.form_reliability, out / "form_reliability.csv"),
        write_csv(result.local_dependence, out / "local_dependence.csv"),
    ]
    if result.dif is not None:
        written.append(write_csv(result.dif, out / "dif.csv"))
    if result.links is not None:
        written.append(write_csv(result.links, out / "linking.csv"))

    pics: list[tuple[str, str]] = []
    p = plots.test_information(result.calibration, out / "plots" / "test-information.png")
    pics.append(("Test information and conditional standard error", p.name))
    goals = bank.blueprint.goals
    by_domain: dict[str, dict[str, list[str]]] = {}
    for item in result.item_parameters["item_id"]:
        it = bank.by_id.get(item)
        g = goals.get(it.learning_goal) if it else None
        d, t = (g.domain_id, g.topic_id) if g else ("?", "?")
        by_domain.setdefault(d, {}).setdefault(f"topic {t}", []).append(item)
    flagged = result.item_statistics[result.item_statistics["flags"] != ""]
    highlight = frozenset(flagged["item_id"])
    for d, panels in sorted(by_domain.items()):
        p = plots.item_curves(
            result.calibration,
            panels,
            out / "plots" / f"icc-domain-{d}.png",
            f"Item characteristic curves, domain {d} (flagged items bold)",
            highlight,
        )
        pics.append((f"Item characteristic curves, domain {d}", p.name))
    trace_items = [i for i in flagged["item_id"] if not (redact_secure and i in secure)][:20]
    for item in trace_items:
        p = plots.option_traces(options, item, out / "plots" / f"options-{item}.png", True)
        pics.append((f"Option trace lines, {item}", p.name))
    written += [out / "plots" / name for _, name in pics]

    banner = REDACTED if redact_secure else CONFIDENTIAL
    md = _markdown(result, source=source, simulated=simulated, pics=pics, banner=banner)
    atomic_write_text(out / "report.md", md)
    atomic_write_text(out / "report.html", _html(md))
    summary = {
        **_jsonable(result.info),
        "confidential": not redact_secure,
        "notice": banner.replace("**", "").replace("`", ""),
        "warnings": list(result.warnings),
    }
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return [*written, out / "report.md", out / "report.html", out / "summary.json"]


def _jsonable(info: dict[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, np.floating) else v) for k, v in info.items()}


def _markdown(
    r: AnalysisResult, *, source: str, simulated: bool, pics: list[tuple[str, str]], banner: str
) -> str:
    info = r.info
    lines = ["# Item analysis report", "", f"> {banner}", ""]
    if simulated:
        lines += [
            "> **SIMULATED DATA.** These responses were generated by `qbank simulate` from",
            "> known item parameters; they are not real candidates.",
            "",
        ]
    lines += [
        f"Source: {_e(source)} · model: **{_e(info['model'])}** · candidates: {info['candidates']}"
        f" · items: {info['items']} · forms: {info['forms']} · responses: {info['responses']}",
        "",
        f"Marginal reliability: **{_f(info['marginal_reliability'])}**",
        "",
        *[f"- Warning: {_e(w)}" for w in r.warnings],
        *([""] if r.warnings else []),
        "## Forms",
        "",
    ]
    lines += _table(
        r.form_reliability,
        [
            ("form_id", "form", None),
            ("candidates", "candidates", 0),
            ("items", "items (common to all)", 0),
            ("alpha", "alpha (KR-20)", 3),
            ("mean_score", "mean score", 1),
        ],
    )
    if r.links is not None:
        lines += [
            "",
            f"Forms were calibrated separately and linked to one scale through their"
            f" common items ({_e(info['link_method'])}; mean-sigma shown as a check):",
            "",
        ]
        lines += _table(
            r.links,
            [
                ("form_id", "form", None),
                ("A", "A", 3),
                ("B", "B", 3),
                ("anchors", "anchors", 0),
                ("mean_sigma_A", "mean-sigma A", 3),
                ("mean_sigma_B", "mean-sigma B", 3),
            ],
        )
    st = r.item_statistics
    flagged = st[st["flags"] != ""]
    lines += ["", f"## Flagged items ({len(flagged)} of {len(st)})", ""]
    if flagged.empty:
        lines.append("No item raised a flag.")
    else:
        lines += ["| item | flags | what to look at |", "|---|---|---|"]
        for row in flagged.to_dict("records"):
            lines.append(f"| {_e(row['item_id'])} | {_e(row['flags'])} | {_e(row['flag_notes'])} |")
    if r.dif is not None:
        c = r.dif[r.dif["ets_class"].astype(str).str.endswith("C")]
        b = r.dif[r.dif["ets_class"].astype(str).str.endswith("B")]
        lines += [
            "",
            "## Differential item functioning",
            "",
            f"Group column {_e(info['group'])}: reference group **{_e(info['reference'])}**,"
            f" focal group **{_e(info['focal'])}**. Mantel-Haenszel: {len(c)} item(s) in ETS"
            f" class C, {len(b)} in class B (negative D: the item favours the reference group"
            f" {_e(info['reference'])}, i.e. it is harder for the focal group).",
            "",
        ]
        show = r.dif[r.dif["ets_class"].astype(str).str.contains("B|C")].sort_values("mh_d_dif")
        if not show.empty:
            lines += _table(
                show,
                [
                    ("item_id", "item", None),
                    ("mh_d_dif", "MH D-DIF", 2),
                    ("mh_se", "SE", 2),
                    ("ets_class", "ETS", None),
                    ("mh_p_adj", "p (BH)", 4),
                    ("delta_r2", "LR delta R2", 3),
                    ("lr_class", "LR class", None),
                ],
            )
    if not r.local_dependence.empty:
        lines += [
            "",
            "## Local dependence (Yen's Q3)",
            "",
            "Pairs whose Q3 exceeds the mean Q3 by more than 0.2 (possible local dependence):",
            "",
        ]
        lines += _table(
            r.local_dependence.head(30),
            [
                ("item_a", "item", None),
                ("item_b", "item", None),
                ("q3", "Q3", 3),
                ("q3_minus_mean", "Q3 - mean", 3),
            ],
        )
    lines += ["", "## Plots", ""]
    for title, name in pics:
        lines += [f"### {_e(title)}", "", f"![{_e(title)}](plots/{name})", ""]
    lines += ["## All items", ""]
    lines += _table(
        st,
        [
            ("item_id", "item", None),
            ("n", "n", 0),
            ("p_value", "p", 2),
            ("point_biserial", "r (item-rest)", 2),
            ("discrimination_index", "D", 2),
            ("omit_rate", "omit", 3),
            ("a", "a", 2),
            ("b", "b", 2),
            ("c", "c", 2),
            ("fit_p", "fit p", 3),
            ("flags", "flags", None),
        ],
    )
    return "\n".join(lines) + "\n"


def _html(md: str, title: str = "Item analysis report") -> str:
    import markdown

    body = markdown.markdown(md, extensions=["tables"], output_format="html")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;"
        "padding:2px 6px}blockquote{background:#fff3cd;border-left:4px solid #d39e00;"
        "margin:0;padding:0.5em 1em}img{max-width:100%}</style></head><body>\n"
        + body
        + "\n</body></html>\n"
    )
