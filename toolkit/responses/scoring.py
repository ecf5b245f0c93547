"""Scoring long responses against the keys of the administered item version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..bank.history import key_of
from ..diagnostics import Diagnostic, Severity
from .readers import ResponseData

if TYPE_CHECKING:
    from ..bank.store import Bank


@dataclass
class Scored:
    """Scored responses.

    ``matrix``: candidates x items, 1/0 (or partial credit 0..select), NaN = not administered.
    ``omitted``: same shape, True where the item was administered but not answered.
    ``choices``: long frame (candidate_id, item_id, option) of selected options.
    ``forms``: form id per candidate ('' when not given).
    """

    matrix: pd.DataFrame
    omitted: pd.DataFrame
    choices: pd.DataFrame
    forms: pd.Series
    covariates: pd.DataFrame
    max_score: pd.Series
    diagnostics: list[Diagnostic] = field(default_factory=list)
    partial_credit: bool = False

    def dichotomous(self) -> pd.DataFrame:
        """1 for full credit, 0 otherwise, NaN = not administered (what IRT models use)."""
        mx = self.max_score.reindex(self.matrix.columns).fillna(1.0)
        m = self.matrix
        return (m >= mx.values).astype(float).where(m.notna())


def score_one(chosen: frozenset[str], key: frozenset[str], partial: bool) -> float:
    """All-or-nothing, or partial credit: one point per correct pick, minus one for each pick
    beyond the number asked for (floored at 0), so choosing every option earns nothing."""
    if not partial or len(key) == 1:
        return float(chosen == key)
    over = max(0, len(chosen) - len(key))
    return float(max(0, len(chosen & key) - over))


def score(
    data: ResponseData, bank: Bank, *, partial_credit: bool = False, omitted_as_wrong: bool = True
) -> Scored:
    """Score ``data`` with the keys of the administered versions (``item_version``, else the
    current one). Rows whose version is unknown are left out with an R006 diagnostic."""
    df = data.frame
    diags: list[Diagnostic] = []
    values = np.full(len(df), np.nan)
    omitted = np.zeros(len(df), bool)
    maxes: dict[str, float] = {}
    keys_cache: dict[tuple[str, str], frozenset[str] | None] = {}
    choice_rows: list[tuple[str, str, str]] = []
    for i, (cand, item_id, resp, ver, row) in enumerate(
        zip(
            df["candidate_id"],
            df["item_id"],
            df["response"],
            df["item_version"],
            df["row"],
            strict=True,
        )
    ):
        item = bank.by_id[item_id]
        if data.scored_input:
            values[i] = float(resp)
            maxes[item_id] = 1.0
            continue
        k = (item_id, ver)
        if k not in keys_cache:
            key = key_of(item, int(ver) if ver else None)
            keys_cache[k] = frozenset(key) if key is not None else None
        key_set = keys_cache[k]
        if key_set is None:
            diags.append(
                Diagnostic(
                    data.source,
                    int(row),
                    0,
                    "R006",
                    Severity.ERROR,
                    f"item {item_id} version {ver} is not in the bank or its git"
                    " history; cannot score it",
                )
            )
            continue
        maxes[item_id] = float(len(key_set)) if partial_credit else 1.0
        chosen = frozenset(x.strip() for x in resp.split(";") if x.strip())
        if not chosen:
            omitted[i] = True
            values[i] = 0.0 if omitted_as_wrong else np.nan
            continue
        values[i] = score_one(chosen, key_set, partial_credit)
        choice_rows.extend((cand, item_id, opt) for opt in sorted(chosen))
    scored = df.assign(score=values, omitted=omitted)
    scored = scored[~np.isnan(values) | omitted]
    matrix = scored.pivot(index="candidate_id", columns="item_id", values="score")
    omit = scored.pivot(index="candidate_id", columns="item_id", values="omitted")
    matrix = matrix.sort_index().sort_index(axis=1)
    omit = omit.reindex_like(matrix).fillna(False).astype(bool)
    forms = df.drop_duplicates("candidate_id").set_index("candidate_id")["form_id"]
    choices = pd.DataFrame(choice_rows, columns=["candidate_id", "item_id", "option"])
    return Scored(
        matrix.astype(float),
        omit,
        choices,
        forms.reindex(matrix.index).fillna(""),
        data.covariates,
        pd.Series(maxes).reindex(matrix.columns),
        diags,
        partial_credit,
    )
