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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, Severity
from .cells import CellRules, CellScore, factorize, score_one, short
from .readers import LongBatches, ResponseData

if TYPE_CHECKING:
    from ..bank.store import Bank

__all__ = ["Scored", "score", "score_file", "score_one"]

MAX_DIAGNOSTICS_PER_CODE = 1000
""":func:`score_file` keeps this many diagnostics of each code; ``problem_counts`` counts all."""


def _choices_not_kept() -> pd.DataFrame:
    raise RuntimeError("the options chosen were not kept: score_file(..., keep_choices=True)")


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


SLICE = 1 << 20  # rows per slice when arrays over all rows are processed


@dataclass
class _Rows:
    """Scored rows as codes: the candidate and the cell of each row, the rows to use, and per
    cell its item (index into ``item_names``), value, omission, picks and maximum score."""

    cand: np.ndarray
    cell: np.ndarray
    keep: np.ndarray
    cand_names: np.ndarray
    item_names: np.ndarray
    cell_item: np.ndarray
    cell_value: np.ndarray
    cell_omitted: np.ndarray
    cell_max: np.ndarray
    cell_picks: list[tuple[str, ...]]

    def slices(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(candidates, cells) of the kept rows, a slice of the file at a time."""
        for s in range(0, len(self.cand), SLICE):
            k = self.keep[s : s + SLICE]
            yield self.cand[s : s + SLICE][k], self.cell[s : s + SLICE][k]

    def assemble(
        self, form_of: np.ndarray
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
        """The matrix and omissions (candidates and items of the kept rows, sorted by id), the
        form of each candidate (``form_of``: per candidate code) and the items' maximum scores.
        Filled a slice at a time: no array over all rows is made."""
        used_c = np.zeros(len(self.cand_names), bool)
        used_cell = np.zeros(len(self.cell_item), bool)
        for cc, ce in self.slices():
            used_c[cc] = True
            used_cell[ce] = True
        used_i = np.unique(self.cell_item[used_cell])
        c_order = np.flatnonzero(used_c)
        c_order = c_order[np.argsort(self.cand_names[c_order].astype(str), kind="stable")]
        i_order = used_i[np.argsort(self.item_names[used_i].astype(str), kind="stable")]
        c_pos = np.full(len(self.cand_names), -1, np.int64)
        c_pos[c_order] = np.arange(len(c_order))
        i_pos = np.full(len(self.item_names), -1, np.int64)
        i_pos[i_order] = np.arange(len(i_order))
        mat = np.full((len(c_order), len(i_order)), np.nan)
        om = np.zeros(mat.shape, bool)
        flat_m, flat_o = mat.reshape(-1), om.reshape(-1)
        for cc, ce in self.slices():
            at = c_pos[cc] * len(i_order) + i_pos[self.cell_item[ce]]
            flat_m[at] = self.cell_value[ce]
            flat_o[at] = self.cell_omitted[ce]
        index = pd.Index(self.cand_names[c_order].astype(object), name="candidate_id")
        columns = pd.Index(self.item_names[i_order].astype(object), name="item_id")
        maxes = {
            str(self.item_names[self.cell_item[k]]): float(self.cell_max[k])
            for k in np.flatnonzero(used_cell)
        }
        max_score = pd.Series(maxes, dtype=float).reindex(columns)
        max_score.index.name = None
        return (  # copy=False: pandas would otherwise copy the (large) arrays
            pd.DataFrame(mat, index=index, columns=columns, copy=False),
            pd.DataFrame(om, index=index, columns=columns, copy=False),
            pd.Series(form_of[c_order].astype(object), index=index, name="form_id"),
            max_score,
        )

    def choices(self) -> pd.DataFrame:
        """(candidate_id, item_id, option) of every pick of the kept rows, in row order."""
        n_picks = np.array([len(p) for p in self.cell_picks], np.int64)
        options = np.array([o for p in self.cell_picks for o in p] + [""], dtype=object)
        starts = np.concatenate([[0], np.cumsum(n_picks)[:-1]]).astype(np.int64)
        parts = []
        for cc, ce in self.slices():
            if not len(ce):
                continue
            per_row = n_picks[ce]
            rows = np.repeat(np.arange(len(ce)), per_row)
            within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
            parts.append(
                pd.DataFrame(
                    {
                        "candidate_id": self.cand_names[cc[rows]].astype(object),
                        "item_id": self.item_names[self.cell_item[ce[rows]]].astype(object),
                        "option": options[starts[ce[rows]] + within],
                    }
                )
            )
        if not parts:
            return _no_choices()
        return pd.concat(parts, ignore_index=True)


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
    cell, distinct = factorize(
        [pa.array(df[c].tolist(), pa.string()) for c in ("item_id", "item_version", "response")]
    )
    cells: list[CellScore] = [rules.score(*d) for d in distinct]
    problem = np.array([c.problem is not None for c in cells], bool)
    diags = [
        _diag(data.source, int(row), "R006", cells[k].problem or "")
        for row, k in zip(df["row"].to_numpy(), cell, strict=True)
        if problem[k]
    ]
    value = np.array([c.value for c in cells], float)
    omitted = np.array([c.omitted for c in cells], bool)
    usable = ~problem & (~np.isnan(value) | omitted)
    cand, cand_names = pd.factorize(df["candidate_id"])
    cell_item, item_names = pd.factorize(pd.Series([d[0] for d in distinct], dtype=object))
    rows = _Rows(
        cand,
        cell,
        usable[cell] if len(cells) else np.zeros(0, bool),
        np.asarray(cand_names, object),
        np.asarray(item_names, object),
        np.asarray(cell_item, np.int64),
        value,
        omitted,
        np.array([c.max_score for c in cells], float),
        [c.picks for c in cells],
    )
    first = df.drop_duplicates("candidate_id").set_index("candidate_id")["form_id"]
    form_of = first.reindex(rows.cand_names).fillna("").to_numpy(object)
    matrix, omit, forms, max_score = rows.assemble(form_of)
    choice_frame = rows.choices()
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
        if len(rows):
            self.counts[code] = n + len(rows)

    def add(self, d: Diagnostic) -> None:
        self.add_rows(d.code, np.array([d.line]), lambda _: d.message)


class _RowNumbers:
    """The file row of each read row (CSV line or Parquet row) without an array over all rows:
    a batch's rows are consecutive unless malformed rows were skipped in it."""

    def __init__(self) -> None:
        self.starts: list[int] = []  # index of the batch's first row among all rows
        self.firsts: list[int] = []  # its file row
        self.explicit: dict[int, np.ndarray] = {}  # batches with gaps
        self.n = 0

    def add(self, rows: np.ndarray) -> None:
        if not len(rows):
            return
        if int(rows[-1]) - int(rows[0]) != len(rows) - 1:
            self.explicit[len(self.starts)] = rows.copy()
        self.starts.append(self.n)
        self.firsts.append(int(rows[0]))
        self.n += len(rows)

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        idx = np.asarray(idx, np.int64)
        if not len(idx):
            return np.zeros(0, np.int64)
        b = np.searchsorted(np.asarray(self.starts), idx, side="right") - 1
        out = np.asarray(self.firsts, np.int64)[b] + (idx - np.asarray(self.starts)[b])
        for k, rows in self.explicit.items():
            hit = b == k
            out[hit] = rows[idx[hit] - self.starts[k]]
        return out


def _row_problems(
    log: _Log,
    cand: np.ndarray,
    cell: np.ndarray,
    row: _RowNumbers,
    cand_index: dict[str, int],
    cand_names: np.ndarray,
    cell_item: list[int],
    item_key_names: np.ndarray,
    cell_problem: list[tuple[str, str] | None],
    cell_unscorable: list[str | None],
) -> np.ndarray:
    """Record the row problems of a streamed file (R007, R002, the cells' R003 to R006 and
    R009) and return the mask of the rows to score. As in :func:`read_responses` followed by
    :func:`score`, an R006 of scoring (a version not in the history) is reported only on rows
    that passed the reader's checks."""
    n = len(cand)
    readable = np.ones(n, bool)
    # R007: empty candidate id.
    if "" in cand_index:
        empty = np.flatnonzero(cand == cand_index[""])
        log.add_rows("R007", row[empty], lambda _: "empty candidate_id")
        readable[empty] = False
    # R002: a second row for the same candidate and item (the first one counts). A bitmap of
    # (candidate, item) pairs seen so far is filled in file order, a slice of rows at a time.
    n_keys = max(1, len(item_key_names))
    key_of_cell = np.asarray(cell_item, np.int64)
    seen = np.zeros(len(cand_names) * n_keys, bool)
    dup = np.zeros(n, bool)

    def pairs(s: int) -> np.ndarray:
        return cand[s : s + SLICE].astype(np.int64) * n_keys + key_of_cell[cell[s : s + SLICE]]

    for s in range(0, n, SLICE):
        p = pairs(s)
        again = np.ones(len(p), bool)
        again[np.unique(p, return_index=True)[1]] = False
        dup[s : s + len(p)] = again | seen[p]
        seen[p] = True
    del seen
    dups = np.flatnonzero(dup)
    del dup
    if len(dups):
        room = max(0, log.cap - log.counts.get("R002", 0))
        shown = dups[:room]
        wanted = np.unique(cand[shown].astype(np.int64) * n_keys + key_of_cell[cell[shown]])
        first: dict[int, int] = {}
        for s in range(0, n, SLICE):
            p = pairs(s)
            hits = np.flatnonzero(np.isin(p, wanted))
            for k, r in zip(hits, row[hits + s], strict=True):
                first.setdefault(int(p[k]), int(r))

        def message(k: int) -> str:
            i = dups[k]
            key = int(cand[i]) * n_keys + int(key_of_cell[cell[i]])
            return (
                f"candidate {short(cand_names[cand[i]])} has a second row for item"
                f" {short(item_key_names[key_of_cell[cell[i]]])} (first on row"
                f" {first.get(key, '?')});"
                " keep one response per candidate and item"
            )

        log.add_rows("R002", row[dups], message)
        readable[dups] = False
    # R003 to R006, R009: cells with a problem.
    for code in sorted({p[0] for p in cell_problem if p is not None}):
        of_code = np.array([p is not None and p[0] == code for p in cell_problem], bool)
        hit = np.concatenate(
            [np.flatnonzero(of_code[cell[s : s + SLICE]]) + s for s in range(0, n, SLICE)]
        )
        log.add_rows(code, row[hit], lambda k, hit=hit: cell_problem[cell[hit[k]]][1])  # type: ignore[index,misc]
        readable[hit] = False
    unscorable = np.array([u is not None for u in cell_unscorable], bool)
    if unscorable.any():
        lost = np.flatnonzero(readable & unscorable[cell])
        log.add_rows("R006", row[lost], lambda k: cell_unscorable[cell[lost[k]]] or "")
        readable[lost] = False
    return readable


def score_file(
    path: str | Path,
    bank: Bank,
    *,
    sep: str | None = None,
    partial_credit: bool = False,
    omitted_as_wrong: bool = True,
    shown: str | None = None,
    max_per_code: int = MAX_DIAGNOSTICS_PER_CODE,
    keep_choices: bool = True,
) -> Scored:
    """Read a long response file (CSV or Parquet) in batches and score it, with the checks and
    diagnostics of :func:`~toolkit.responses.readers.read_responses` and :func:`score`.

    Memory: the scored matrix (9 bytes per candidate and item: score and omission), plus 8
    bytes per response row (candidate and cell codes) and transient slices. Header problems
    raise :class:`~toolkit.responses.readers.ResponseFileError`; row problems are in
    ``diagnostics`` (at most ``max_per_code`` per code; ``problem_counts`` has the totals). A
    candidate's form and covariates are those of their first row. ``keep_choices=False``
    frees the per-row codes at once (``qbank calibrate`` has no use for the options chosen;
    ``Scored.choices`` then raises).
    """
    import pyarrow.compute as pc

    reader = LongBatches(path, shown, sep)
    shown = reader.shown
    rules = CellRules(bank, partial_credit=partial_credit, omitted_as_wrong=omitted_as_wrong)
    log = _Log(shown, max_per_code)
    cand_index: dict[str, int] = {}
    item_key_index: dict[str, int] = {}  # every item id string seen (also unknown ones)
    cell_index: dict[tuple[str, str, str], int] = {}
    cells: list[CellScore | None] = []  # None: the cell cannot be scored
    cell_problem: list[tuple[str, str] | None] = []  # the reader's checks
    cell_unscorable: list[str | None] = []  # R006 of scoring: version not in the history
    cell_item: list[int] = []
    first_rows: list[list[str]] = []  # candidate, form, covariates at their first row
    row = _RowNumbers()
    parts: dict[str, list[np.ndarray]] = {"cand": [], "cell": []}
    for batch in reader:
        cols = batch.columns
        enc = pc.dictionary_encode(cols["candidate_id"])
        local = enc.dictionary.to_pylist()
        idx = enc.indices.to_numpy(zero_copy_only=False)
        gmap = np.empty(len(local), np.int64)
        new: list[int] = []
        for j, name in enumerate(local):
            g = cand_index.get(name)
            if g is None:
                g = cand_index[name] = len(cand_index)
                new.append(j)
            gmap[j] = g
        if new:
            at = np.unique(idx, return_index=True)[1][new]
            values = [[local[j] for j in new]] + [
                cols[c].take(at).to_pylist() for c in ("form_id", *reader.covariates)
            ]
            first_rows.extend(map(list, zip(*values, strict=True)))
        codes, distinct = factorize([cols["item_id"], cols["item_version"], cols["response"]])
        cmap = np.empty(len(distinct), np.int64)
        for j, d in enumerate(distinct):
            g = cell_index.get(d)
            if g is None:
                g = cell_index[d] = len(cells)
                verdict = rules.check(*d)
                sc = rules.score(*d) if verdict is None else None
                cells.append(sc if sc is not None and sc.problem is None else None)
                cell_problem.append(verdict)
                cell_unscorable.append(sc.problem if sc is not None else None)
                cell_item.append(item_key_index.setdefault(d[0], len(item_key_index)))
            cmap[j] = g
        parts["cand"].append(gmap[idx].astype(np.int32))
        parts["cell"].append(cmap[codes].astype(np.int32))
        row.add(batch.rows)
    for d in reader.problems:
        log.add(d)
    if reader.malformed > len(reader.problems):
        log.counts["R008"] += reader.malformed - len(reader.problems)
    cand = np.concatenate(parts.pop("cand")) if cells else np.zeros(0, np.int32)
    cell = np.concatenate(parts.pop("cell")) if cells else np.zeros(0, np.int32)
    cand_names = np.array(list(cand_index), dtype=object)
    item_key_names = np.array(list(item_key_index), dtype=object)
    keep = _row_problems(
        log,
        cand,
        cell,
        row,
        cand_index,
        cand_names,
        cell_item,
        item_key_names,
        cell_problem,
        cell_unscorable,
    )
    rows = _Rows(
        cand,
        cell,
        keep,
        cand_names,
        item_key_names,
        np.asarray(cell_item, np.int64),
        np.array([c.value if c else np.nan for c in cells], float),
        np.array([c.omitted if c else False for c in cells], bool),
        np.array([c.max_score if c else 1.0 for c in cells], float),
        [c.picks if c else () for c in cells],
    )
    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # the reader's buffers, before the matrix
    cov_names = ["candidate_id", "form_id", *reader.covariates]
    firsts = pd.DataFrame(first_rows, columns=cov_names, dtype=object)
    matrix, omit, forms, max_score = rows.assemble(firsts["form_id"].to_numpy(object))
    return Scored(
        matrix,
        omit,
        forms,
        firsts.drop(columns=["form_id"]),
        max_score,
        sorted(log.kept, key=lambda d: (d.line, d.code)),
        partial_credit,
        rows.choices if keep_choices else _choices_not_kept,
        dict(sorted(log.counts.items())),
    )
