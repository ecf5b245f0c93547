"""Scoring responses against the keys of the administered item version.

Two entry points build the same :class:`Scored`:

- :func:`score` scores a :class:`~toolkit.responses.readers.ResponseData` held in memory
  (any layout: long, wide, scored);
- :func:`score_file` reads a long file in batches (:class:`~toolkit.responses.readers.
  LongBatches`) straight into the scored matrix: per response row it keeps three integers
  (candidate, cell, row number) instead of a row of Python strings, so memory grows by about
  20 bytes per response row instead of several hundred.

Both judge each distinct (item, version, response) cell once with
:class:`~toolkit.responses.cells.CellRules`, so checks, messages and scores are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, Severity
from .cells import CellRules, CellScore, factorize, score_one
from .readers import LongBatches, ResponseData

if TYPE_CHECKING:
    from ..bank.store import Bank

__all__ = ["Scored", "score", "score_file", "score_one"]

MAX_DIAGNOSTICS_PER_CODE = 1000
""":func:`score_file` keeps this many diagnostics of each code; ``problem_counts`` counts all."""


def _no_choices() -> pd.DataFrame:
    return pd.DataFrame({"candidate_id": [], "item_id": [], "option": []}, dtype=object)


@dataclass
class Scored:
    """Scored responses.

    ``matrix``: candidates x items, 1/0 (or partial credit 0..select), NaN = not administered.
    ``omitted``: same shape, True where the item was administered but not answered.
    ``choices``: long frame (candidate_id, item_id, option) of selected options, built on first
    use. ``forms``: form id per candidate ('' when not given). ``problem_counts``: the number
    of problems per code (more than ``diagnostics`` holds when a huge file was capped).
    """

    matrix: pd.DataFrame
    omitted: pd.DataFrame
    forms: pd.Series
    covariates: pd.DataFrame
    max_score: pd.Series
    diagnostics: list[Diagnostic] = field(default_factory=list)
    partial_credit: bool = False
    choice_source: Callable[[], pd.DataFrame] = field(default=_no_choices, repr=False)
    problem_counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def choices(self) -> pd.DataFrame:
        return self.choice_source()

    def dichotomous(self) -> pd.DataFrame:
        """1 for full credit, 0 otherwise, NaN = not administered (what IRT models use)."""
        mx = self.max_score.reindex(self.matrix.columns).fillna(1.0)
        m = self.matrix
        if (mx.to_numpy() == 1.0).all() and not self.partial_credit:
            return m  # all-or-nothing scores are already 1/0: no copy of a large matrix
        return (m >= mx.values).astype(float).where(m.notna())


def _diag(path: str, line: int, code: str, msg: str) -> Diagnostic:
    return Diagnostic(path, line, 0, code, Severity.ERROR, msg)


def _assemble(
    cand_names: np.ndarray,
    cand: np.ndarray,
    item_names: np.ndarray,
    item: np.ndarray,
    value: np.ndarray,
    omitted: np.ndarray,
    form_names: np.ndarray,
    form: np.ndarray,
    max_score: dict[str, float],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """The matrix, omissions, forms and maximum scores from scored rows given as codes.

    Rows are in file order; the matrix holds the candidates and items of these rows, sorted by
    id; a candidate's form is that of their first row."""
    used_c = np.unique(cand)
    used_i = np.unique(item)
    c_order = used_c[np.argsort(cand_names[used_c].astype(str), kind="stable")]
    i_order = used_i[np.argsort(item_names[used_i].astype(str), kind="stable")]
    c_pos = np.full(len(cand_names), -1, np.int64)
    c_pos[c_order] = np.arange(len(c_order))
    i_pos = np.full(len(item_names), -1, np.int64)
    i_pos[i_order] = np.arange(len(i_order))
    r, c = c_pos[cand], i_pos[item]
    mat = np.full((len(c_order), len(i_order)), np.nan)
    mat[r, c] = value
    om = np.zeros(mat.shape, bool)
    om[r, c] = omitted
    index = pd.Index(cand_names[c_order].astype(object), name="candidate_id")
    columns = pd.Index(item_names[i_order].astype(object), name="item_id")
    matrix = pd.DataFrame(mat, index=index, columns=columns)
    omit = pd.DataFrame(om, index=index, columns=columns)
    first = np.full(len(cand_names), -1, np.int64)
    first[cand[::-1]] = np.arange(len(cand))[::-1]  # first row of each candidate
    forms = pd.Series(form_names[form[first[c_order]]].astype(object), index=index, name="form_id")
    maxes = pd.Series(max_score, dtype=float).reindex(columns)
    maxes.index.name = None
    return matrix, omit, forms, maxes


def _choices(
    cand_names: np.ndarray,
    cand: np.ndarray,
    item_names: np.ndarray,
    item: np.ndarray,
    cell: np.ndarray,
    picks: list[tuple[str, ...]],
) -> pd.DataFrame:
    """(candidate_id, item_id, option) of every pick, in row order."""
    n_picks = np.array([len(p) for p in picks], np.int64)
    per_row = n_picks[cell] if len(picks) else np.zeros(0, np.int64)
    rows = np.repeat(np.arange(len(cell)), per_row)
    options = np.array([o for p in picks for o in p] or [""], dtype=object)
    starts = np.concatenate([[0], np.cumsum(n_picks)[:-1]]) if len(picks) else np.zeros(0, int)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    opt_idx = starts[cell[rows]] + within if len(rows) else np.zeros(0, np.int64)
    return pd.DataFrame(
        {
            "candidate_id": cand_names[cand[rows]].astype(object),
            "item_id": item_names[item[rows]].astype(object),
            "option": options[opt_idx] if len(rows) else np.array([], dtype=object),
        }
    )


def score(
    data: ResponseData, bank: Bank, *, partial_credit: bool = False, omitted_as_wrong: bool = True
) -> Scored:
    """Score ``data`` with the keys of the administered versions (``item_version``, else the
    current one). Rows whose version is unknown are left out with an R006 diagnostic."""
    import pyarrow as pa

    df = data.frame
    rules = CellRules(
        bank,
        scored_input=data.scored_input,
        partial_credit=partial_credit,
        omitted_as_wrong=omitted_as_wrong,
    )
    cells_codes, distinct = factorize(
        [pa.array(df[c].tolist(), pa.string()) for c in ("item_id", "item_version", "response")]
    )
    cells: list[CellScore] = [rules.score(*d) for d in distinct]
    value = np.array([c.value for c in cells], float)[cells_codes] if cells else np.zeros(0)
    omitted = (
        np.array([c.omitted for c in cells], bool)[cells_codes] if cells else np.zeros(0, bool)
    )
    problem = np.array([c.problem is not None for c in cells], bool)
    diags = [
        _diag(data.source, int(row), "R006", cells[k].problem or "")
        for row, k in zip(df["row"].to_numpy(), cells_codes, strict=True)
        if problem[k]
    ]
    keep = ~np.isnan(value) | omitted
    cand_codes, cand_names = pd.factorize(df["candidate_id"])
    item_codes, item_names = pd.factorize(df["item_id"])
    form_codes, form_names = pd.factorize(df["form_id"])
    maxes: dict[str, float] = {}
    for k in np.unique(cells_codes[keep]) if keep.any() else []:
        maxes[distinct[k][0]] = cells[k].max_score
    cn, inames = np.asarray(cand_names, object), np.asarray(item_names, object)
    matrix, omit, forms, max_score = _assemble(
        cn,
        cand_codes[keep],
        inames,
        item_codes[keep],
        value[keep],
        omitted[keep],
        np.asarray(form_names, object) if len(form_names) else np.array([""], object),
        form_codes[keep],
        maxes,
    )
    chosen = keep & ~omitted
    picks = [c.picks for c in cells]
    choice_frame = _choices(
        cn, cand_codes[chosen], inames, item_codes[chosen], cells_codes[chosen], picks
    )
    return Scored(
        matrix,
        omit,
        forms,
        data.covariates,
        max_score,
        diags,
        partial_credit,
        lambda: choice_frame,
        _counts(diags),
    )


def _counts(diags: list[Diagnostic]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in diags:
        out[d.code] = out.get(d.code, 0) + 1
    return out


class _Log:
    """Diagnostics of a streamed file: every problem counted, the first ``cap`` of each code
    kept."""

    def __init__(self, shown: str, cap: int) -> None:
        self.shown, self.cap = shown, cap
        self.kept: list[Diagnostic] = []
        self.counts: dict[str, int] = {}

    def add_rows(self, code: str, rows: np.ndarray, message: Callable[[int], str]) -> None:
        """Record ``code`` on each of ``rows``; ``message(k)`` makes the text of the k-th."""
        n = self.counts.get(code, 0)
        room = max(0, self.cap - n)
        for k in range(min(room, len(rows))):
            self.kept.append(_diag(self.shown, int(rows[k]), code, message(k)))
        self.counts[code] = n + len(rows)

    def add(self, d: Diagnostic) -> None:
        self.add_rows(d.code, np.array([d.line]), lambda _: d.message)


def _row_problems(
    log: _Log,
    cand: np.ndarray,
    cell: np.ndarray,
    row: np.ndarray,
    cand_index: dict[str, int],
    cand_names: np.ndarray,
    cell_item: list[int],
    item_key_names: np.ndarray,
    cell_problem: list[tuple[str, str] | None],
) -> np.ndarray:
    """Record the row problems of a streamed file (R007, R002, the cells' R003 to R006) and
    return the mask of the rows to score."""
    bad = np.zeros(len(row), bool)
    # R007: empty candidate id.
    if "" in cand_index:
        empty = cand == cand_index[""]
        log.add_rows("R007", row[empty], lambda _: "empty candidate_id")
        bad |= empty
    # R002: a second row for the same candidate and item (the first one counts).
    ikey = np.asarray(cell_item, np.int64)[cell]
    pair = cand.astype(np.int64) * max(1, len(item_key_names)) + ikey
    order = np.argsort(pair, kind="stable")
    sorted_pair = pair[order]
    dup_sorted = np.zeros(len(order), bool)
    dup_sorted[1:] = sorted_pair[1:] == sorted_pair[:-1]
    if dup_sorted.any():
        is_first = ~dup_sorted
        first_of = order[np.maximum.accumulate(np.where(is_first, np.arange(len(order)), 0))]
        dups = order[dup_sorted]
        firsts = first_of[dup_sorted]
        by_row = np.argsort(row[dups], kind="stable")
        dups, firsts = dups[by_row], firsts[by_row]
        log.add_rows(
            "R002",
            row[dups],
            lambda k: (
                f"candidate {cand_names[cand[dups[k]]]} has a second row for item"
                f" {item_key_names[ikey[dups[k]]]} (first on row {row[firsts[k]]}); keep one"
                " response per candidate and item"
            ),
        )
        dup = np.zeros(len(row), bool)
        dup[dups] = True
    else:
        dup = np.zeros(len(row), bool)
    del order, sorted_pair, dup_sorted, pair
    # R003 to R006: cells with a problem.
    problem = np.array([p is not None for p in cell_problem], bool)
    cell_bad = problem[cell] if len(cell) else np.zeros(0, bool)
    for code in sorted({p[0] for p in cell_problem if p is not None}):
        of_code = np.array([p is not None and p[0] == code for p in cell_problem], bool)
        hit = np.flatnonzero(of_code[cell]) if len(cell) else np.zeros(0, np.int64)
        log.add_rows(code, row[hit], lambda k, hit=hit: cell_problem[cell[hit[k]]][1])  # type: ignore[index,misc]
    return ~(bad | dup | cell_bad)


def score_file(
    path: str | Path,
    bank: Bank,
    *,
    sep: str | None = None,
    partial_credit: bool = False,
    omitted_as_wrong: bool = True,
    shown: str | None = None,
    max_per_code: int = MAX_DIAGNOSTICS_PER_CODE,
) -> Scored:
    """Read a long response file (CSV or Parquet) in batches and score it, with the checks and
    diagnostics of :func:`~toolkit.responses.readers.read_responses` and :func:`score`.

    Memory: the scored matrix (8 bytes per candidate and item), plus about 20 bytes per
    response row while reading. Header problems raise
    :class:`~toolkit.responses.readers.ResponseFileError`; row problems are in
    ``diagnostics`` (at most ``max_per_code`` per code; ``problem_counts`` has the totals).
    """
    import pyarrow.compute as pc

    reader = LongBatches(path, shown, sep)
    shown = reader.shown
    rules = CellRules(bank, partial_credit=partial_credit, omitted_as_wrong=omitted_as_wrong)
    log = _Log(shown, max_per_code)
    cand_index: dict[str, int] = {}
    form_index: dict[str, int] = {}
    item_key_index: dict[str, int] = {}  # every item id string seen (also unknown ones)
    cell_index: dict[tuple[str, str, str], int] = {}
    cells: list[CellScore | None] = []  # None: the cell has a reader problem
    cell_problem: list[tuple[str, str] | None] = []
    cell_item: list[int] = []
    cov_rows: list[list[str]] = []
    parts: dict[str, list[np.ndarray]] = {"cand": [], "cell": [], "row": [], "form": []}
    for batch in reader:
        cols, rows = batch.columns, batch.rows
        enc = pc.dictionary_encode(cols["candidate_id"])
        local = enc.dictionary.to_pylist()
        idx = enc.indices.to_numpy(zero_copy_only=False)
        first_pos = np.unique(idx, return_index=True)[1]
        gmap = np.empty(len(local), np.int64)
        new: list[int] = []
        for j, name in enumerate(local):
            g = cand_index.get(name)
            if g is None:
                g = cand_index[name] = len(cand_index)
                new.append(j)
            gmap[j] = g
        if new:
            at = first_pos[new]
            values = [[local[j] for j in new]] + [
                cols[c].take(at).to_pylist() for c in reader.covariates
            ]
            cov_rows.extend(map(list, zip(*values, strict=True)))
        fenc = pc.dictionary_encode(cols["form_id"])
        fmap = np.array(
            [form_index.setdefault(f, len(form_index)) for f in fenc.dictionary.to_pylist()]
        )
        codes, distinct = factorize([cols["item_id"], cols["item_version"], cols["response"]])
        cmap = np.empty(len(distinct), np.int64)
        for j, d in enumerate(distinct):
            g = cell_index.get(d)
            if g is None:
                g = cell_index[d] = len(cells)
                verdict = rules.check(*d)
                sc = rules.score(*d) if verdict is None else None
                if sc is not None and sc.problem is not None:
                    verdict = ("R006", sc.problem)
                cells.append(sc if verdict is None else None)
                cell_problem.append(verdict)
                cell_item.append(item_key_index.setdefault(d[0], len(item_key_index)))
            cmap[j] = g
        parts["cand"].append(gmap[idx].astype(np.int32))
        parts["cell"].append(cmap[codes].astype(np.int32))
        parts["row"].append(rows)
        parts["form"].append(fmap[fenc.indices.to_numpy(zero_copy_only=False)].astype(np.int32))
    for d in reader.problems:
        log.add(d)
    if len(reader._skipped) > len(reader.problems):
        log.counts["R008"] += len(reader._skipped) - len(reader.problems)
    cand = np.concatenate(parts.pop("cand")) if cells else np.zeros(0, np.int32)
    cell = np.concatenate(parts.pop("cell")) if cells else np.zeros(0, np.int32)
    row = np.concatenate(parts.pop("row")) if cells else np.zeros(0, np.int64)
    form = np.concatenate(parts.pop("form")) if cells else np.zeros(0, np.int32)
    cand_names = np.array(list(cand_index), dtype=object)
    item_key_names = np.array(list(item_key_index), dtype=object)
    keep = _row_problems(
        log, cand, cell, row, cand_index, cand_names, cell_item, item_key_names, cell_problem
    )
    # Scores of the kept rows.
    cell_value = np.array([c.value if c else np.nan for c in cells], float)
    cell_omitted = np.array([c.omitted if c else False for c in cells], bool)
    kc, kcand, kform = cell[keep], cand[keep], form[keep]
    del cand, cell, row, form, keep
    bank_ids = np.array(sorted(bank.by_id), dtype=object)
    bank_pos = {k: n for n, k in enumerate(bank_ids)}
    cell_bank_item = np.array([bank_pos.get(item_key_names[i], -1) for i in cell_item], np.int64)
    kitem = cell_bank_item[kc]
    value, omitted = cell_value[kc], cell_omitted[kc]
    maxes = {
        str(bank_ids[cell_bank_item[k]]): cells[k].max_score  # type: ignore[union-attr]
        for k in np.unique(kc)
    }
    cov_names = ["candidate_id", *reader.covariates]
    covariates = (
        pd.DataFrame(cov_rows, columns=cov_names) if cov_rows else pd.DataFrame(columns=cov_names)
    )
    form_names = np.array(list(form_index) or [""], dtype=object)
    matrix, omit, forms, max_score = _assemble(
        cand_names, kcand, bank_ids, kitem, value, omitted, form_names, kform, maxes
    )
    chosen = ~omitted
    c_cand, c_item, c_cell = kcand[chosen], kitem[chosen], kc[chosen]
    picks = [c.picks if c else () for c in cells]

    def choices() -> pd.DataFrame:
        return _choices(cand_names, c_cand, bank_ids, c_item, c_cell, picks)

    return Scored(
        matrix,
        omit,
        forms,
        covariates,
        max_score,
        sorted(log.kept, key=lambda d: (d.line, d.code)),
        partial_credit,
        choices,
        dict(sorted(log.counts.items())),
    )
