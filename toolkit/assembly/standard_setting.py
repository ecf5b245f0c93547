"""Standard setting: modified Angoff (and Yes/No Angoff) ratings to a raw and a theta cut,
carried to each form through its test characteristic curve.

Ratings file (CSV, one row per rater)::

    rater,PMLE-0101,PMLE-0108,...
    r1,0.65,0.40,...
    r2,0.70,0.55,...

Modified Angoff: each value is the probability that a minimally competent candidate answers
the item correctly (0 to 1). Yes/No Angoff: each value is 1 (yes, would answer correctly) or 0
(``yes``/``no`` and ``y``/``n`` are accepted too).

- Each rater's cut is the sum of their ratings; the **raw cut** is the mean over raters, with
  the **standard error** SD(rater cuts) / sqrt(raters).
- **Rater agreement**: the intraclass correlation ICC(2,1) (two-way random effects, absolute
  agreement, one rater; Shrout and Fleiss 1979) over items x raters, and ICC(2,k) for the
  panel's mean, with the SD of the rater cuts.
- **Theta cut**: where the rated items' test characteristic curve equals the raw cut (their
  IRT parameters: the bank's ``stats`` or ``--params``); its standard error by the delta
  method, SE(raw) / TCC'(theta).
- **Per form**: each form's raw cut is its expected score at the theta cut (its own TCC), so
  parallel forms get equivalent cuts; with the decision accuracy and consistency there
  (:mod:`toolkit.assembly.classification`).

Problems in the ratings file are reported as ``file:row:column``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..diagnostics import Diagnostic, Severity
from ..errors import AnalysisError, DataError
from .curves import Params

if TYPE_CHECKING:
    from ..bank.store import Bank
    from .classification import Decision

ANGOFF, YES_NO = "angoff", "yes-no"
METHODS = (ANGOFF, YES_NO)
_YES = {"1": 1.0, "yes": 1.0, "y": 1.0, "0": 0.0, "no": 0.0, "n": 0.0}


@dataclass(frozen=True)
class Ratings:
    method: str
    raters: tuple[str, ...]
    items: tuple[str, ...]
    matrix: np.ndarray  # raters x items
    path: str = ""


def read_ratings(path: str | Path, bank: Bank, method: str = ANGOFF) -> Ratings:
    """Read a ratings CSV; :class:`DataError` listing every problem with its row and column."""
    from ..suggest import did_you_mean

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{p}: not UTF-8 text; save the ratings as a UTF-8 CSV file") from None
    rows = list(csv.reader(io.StringIO(text)))
    diags: list[Diagnostic] = []

    def bad(row: int, col: int, code: str, msg: str) -> None:
        diags.append(Diagnostic(str(p), row, col, code, Severity.ERROR, msg))

    if not rows or not rows[0] or rows[0][0].strip().lower() != "rater":
        bad(1, 1, "SS01", "the first column must be `rater`, followed by one column per item id")
        raise DataError(f"{p}: not a ratings file", diags)
    header = [h.strip() for h in rows[0]]
    items: list[str] = []
    for c, h in enumerate(header[1:], 2):
        if h not in bank.by_id:
            bad(1, c, "SS02", f"item {h!r} is not in the bank{did_you_mean(h, list(bank.by_id))}")
        elif h in items:
            bad(1, c, "SS03", f"item {h} has two columns; keep one")
        items.append(h)
    if len(header) < 2:
        bad(1, 1, "SS01", "no item columns: add one column per rated item")
    raters: list[str] = []
    values: list[list[float]] = []
    for r, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            bad(r, 1, "SS04", f"{len(row)} fields, the header has {len(header)}")
            continue
        rater = row[0].strip()
        if not rater:
            bad(r, 1, "SS05", "empty rater id")
        elif rater in raters:
            bad(r, 1, "SS05", f"rater {rater} has two rows; keep one")
        raters.append(rater)
        out = []
        for c, cell in enumerate(row[1:], 2):
            v = cell.strip().lower()
            if method == YES_NO:
                if v not in _YES:
                    bad(r, c, "SS06", f"{cell!r} is not a Yes/No rating; use 1/0 or yes/no")
                    out.append(math.nan)
                    continue
                out.append(_YES[v])
                continue
            try:
                x = float(v)
            except ValueError:
                bad(r, c, "SS06", f"{cell!r} is not a number; give a probability from 0 to 1")
                out.append(math.nan)
                continue
            if not 0 <= x <= 1 or math.isnan(x):
                hint = " (a percentage? divide by 100)" if 1 < x <= 100 else ""
                bad(r, c, "SS07", f"{cell} is outside 0..1{hint}")
            out.append(x)
        values.append(out)
    if not diags and len(raters) < 2:
        bad(len(rows), 1, "SS08", f"{len(raters)} rater(s); standard setting needs at least 2")
    if diags:
        raise DataError(f"{len(diags)} problem(s) in {p}", diags)
    return Ratings(method, tuple(raters), tuple(items), np.array(values, float), str(p))


def icc2(matrix: np.ndarray) -> tuple[float, float]:
    """ICC(2,1) and ICC(2,k) of a targets x raters matrix (Shrout and Fleiss 1979)."""
    n, k = matrix.shape
    grand = matrix.mean()
    msr = k * ((matrix.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((matrix.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    sse = ((matrix - matrix.mean(axis=1, keepdims=True) - matrix.mean(axis=0) + grand) ** 2).sum()
    mse = sse / ((n - 1) * (k - 1))
    den1 = msr + (k - 1) * mse + k * (msc - mse) / n
    den_k = msr + (msc - mse) / n
    return (
        float((msr - mse) / den1) if den1 > 0 else math.nan,
        float((msr - mse) / den_k) if den_k > 0 else math.nan,
    )


@dataclass(frozen=True)
class StandardSetting:
    method: str
    raters: tuple[str, ...]
    items: tuple[str, ...]
    rater_cuts: tuple[float, ...]
    raw_cut: float
    raw_se: float
    rater_sd: float
    icc_single: float
    icc_panel: float
    theta_cut: float | None = None
    theta_se: float | None = None
    rater_thetas: tuple[float, ...] = ()
    forms: tuple[Decision, ...] = field(default_factory=tuple)
    note: str = ""


def set_standard(
    ratings: Ratings,
    params: dict[str, tuple[float, float, float]],
    forms: dict[str, list[str]] | None = None,
) -> StandardSetting:
    """The cut from ``ratings``; theta and per-form cuts when ``params`` cover the items."""
    from .classification import decisions

    m = ratings.matrix
    cuts = m.sum(axis=1)
    sd = float(cuts.std(ddof=1))
    se = sd / math.sqrt(len(cuts))
    single, panel = icc2(m.T) if m.shape[1] > 1 else (math.nan, math.nan)
    base = dict(
        method=ratings.method,
        raters=ratings.raters,
        items=ratings.items,
        rater_cuts=tuple(float(c) for c in cuts),
        raw_cut=float(cuts.mean()),
        raw_se=se,
        rater_sd=sd,
        icc_single=single,
        icc_panel=panel,
    )
    missing = [i for i in ratings.items if i not in params]
    if missing:
        return StandardSetting(
            **base,  # type: ignore[arg-type]
            note=f"raw cut only: {len(missing)} of the {len(ratings.items)} rated items have no"
            " IRT parameters for their current version (give --params, or calibrate with"
            " --write-back), so no theta cut and no per-form cuts",
        )
    rated = Params.from_mapping(params, list(ratings.items))
    theta = rated.theta_for_score(float(cuts.mean()))
    h = 1e-4
    slope = float((rated.tcc(theta + h)[0] - rated.tcc(theta - h)[0]) / (2 * h))
    theta_se = se / slope if slope > 0 else math.inf
    per_rater = tuple(rated.theta_for_score(float(c)) for c in cuts)
    form_rows: tuple[Decision, ...] = ()
    note = ""
    if forms:
        lacking = sorted({i for ids in forms.values() for i in ids if i not in params})
        if lacking:
            raise AnalysisError(
                f"{len(lacking)} item(s) on the forms have no IRT parameters (e.g. {lacking[0]});"
                " the theta cut cannot be carried to those forms; give --params"
            )
        curves = {f: Params.from_mapping(params, ids) for f, ids in forms.items()}
        form_rows = tuple(decisions(curves, theta))
    else:
        note = "no forms given (--forms-dir): no per-form cuts"
    return StandardSetting(
        **base,  # type: ignore[arg-type]
        theta_cut=theta,
        theta_se=theta_se,
        rater_thetas=per_rater,
        forms=form_rows,
        note=note,
    )


def read_params(path: str | Path) -> dict[str, tuple[float, float, float]]:
    """Item parameters from a CSV with ``item_id``, ``a``, ``b`` (and ``c``), e.g. the
    ``item_parameters.csv`` of ``qbank calibrate``."""
    p = Path(path)
    rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
    need = {"item_id", "a", "b"}
    if not rows or not need <= set(rows[0]):
        raise DataError(
            f"{p}: a parameter file needs the columns item_id, a and b",
            [Diagnostic(str(p), 1, 1, "SS09", Severity.ERROR, "missing item_id, a or b")],
        )
    out = {}
    diags = []
    for r, row in enumerate(rows, 2):
        try:
            out[row["item_id"]] = (float(row["a"]), float(row["b"]), float(row.get("c") or 0))
        except ValueError:
            diags.append(
                Diagnostic(str(p), r, 1, "SS09", Severity.ERROR, "a, b, c must be numbers")
            )
    if diags:
        raise DataError(f"{p}: invalid parameters", diags)
    return out


def summary_markdown(res: StandardSetting) -> str:
    from ..reporting.report import _e

    def f(x: float | None, nd: int = 3) -> str:
        return "" if x is None or not math.isfinite(x) else f"{x:.{nd}f}"

    lines = [
        "# Standard setting",
        "",
        f"- Method: {'modified Angoff' if res.method == ANGOFF else 'Yes/No Angoff'};"
        f" {len(res.raters)} raters, {len(res.items)} items",
        f"- Raw cut: {f(res.raw_cut, 2)} (standard error {f(res.raw_se, 2)}; SD of rater cuts"
        f" {f(res.rater_sd, 2)})",
        f"- Rater agreement: ICC(2,1) {f(res.icc_single)}, ICC(2,k) {f(res.icc_panel)}",
    ]
    if res.theta_cut is not None:
        lines.append(f"- Theta cut: {f(res.theta_cut)} (standard error {f(res.theta_se)})")
    if res.note:
        lines.append(f"- Note: {_e(res.note)}")
    lines += ["", "## Raters", "", "| rater | raw cut | theta cut |", "|---|---:|---:|"]
    thetas = res.rater_thetas or (None,) * len(res.raters)
    for r, c, t in zip(res.raters, res.rater_cuts, thetas, strict=True):
        lines.append(f"| {_e(r)} | {c:.2f} | {f(t)} |")
    if res.forms:
        lines += [
            "",
            "## Cuts per form",
            "",
            "| form | items | expected score at the theta cut | raw cut | accuracy (Rudner) |"
            " consistency (Rudner) | accuracy (Lee) | consistency (Lee) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for d in res.forms:
            lines.append(
                f"| {_e(d.form_id)} | {d.items} | {d.expected_raw_cut:.2f} | {d.raw_cut} |"
                f" {d.rudner_accuracy:.3f} | {d.rudner_consistency:.3f} | {d.lee_accuracy:.3f} |"
                f" {d.lee_consistency:.3f} |"
            )
    return "\n".join(lines) + "\n"


def raters_csv(res: StandardSetting) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rater", "raw_cut", "theta_cut"])
    thetas = res.rater_thetas or (math.nan,) * len(res.raters)
    for r, c, t in zip(res.raters, res.rater_cuts, thetas, strict=True):
        w.writerow([r, f"{c:.6f}", "" if math.isnan(t) else f"{t:.6f}"])
    return buf.getvalue()
