"""One response cell: the checks and the score of an (item, version, response) value.

A response file repeats a few thousand distinct (item id, item version, response) values over
millions of rows. The readers and the scorers judge each distinct value once
(:class:`CellRules`, memoized) and map the verdict back to the rows with array indexing
(:func:`factorize`), so the in-memory reader, the chunked reader and both scorers share one
definition of every row-level check and of scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..bank.history import key_of
from ..vocab import ItemType

if TYPE_CHECKING:
    import pyarrow as pa

    from ..bank.store import Bank

SCORE_VALUES = frozenset({"0", "1", "0.0", "1.0", ""})
SHOWN = 60  # characters of a value quoted in a message


def short(value: str) -> str:
    """``value`` as quoted in a message: at most :data:`SHOWN` characters (a huge cell does not
    make a huge message)."""
    return value if len(value) <= SHOWN else f"{value[:SHOWN]}... ({len(value):,} characters)"


@dataclass(frozen=True)
class CellScore:
    """The score of one cell: ``value`` (NaN = not scored), ``omitted``, the ``picks`` (sorted
    option ids), the item's maximum score, or ``problem`` (an R006 message) when the
    administered version is unknown."""

    value: float
    omitted: bool
    picks: tuple[str, ...]
    max_score: float
    problem: str | None = None


def score_one(chosen: frozenset[str], key: frozenset[str], partial: bool) -> float:
    """All-or-nothing, or partial credit: one point per correct pick, minus one for each pick
    beyond the number asked for (floored at 0), so choosing every option earns nothing."""
    if not partial or len(key) == 1:
        return float(chosen == key)
    over = max(0, len(chosen) - len(key))
    return float(max(0, len(chosen & key) - over))


def picks_of(response: str) -> list[str]:
    """The option ids of a response (``;``-separated, blanks dropped), in the order given."""
    return [p.strip() for p in response.split(";") if p.strip()]


class CellRules:
    """Row-level checks (R003 to R006, R009) and scoring of response cells against ``bank``,
    memoized per distinct cell. Values are stripped strings; ``version`` is '' or digits."""

    def __init__(
        self,
        bank: Bank | None,
        *,
        scored_input: bool = False,
        partial_credit: bool = False,
        omitted_as_wrong: bool = True,
    ) -> None:
        self.bank = bank
        self.scored_input = scored_input
        self.partial_credit = partial_credit
        self.omitted_as_wrong = omitted_as_wrong
        self._upper = {k.upper(): k for k in bank.by_id} if bank is not None else {}
        self._checks: dict[tuple[str, str, str], tuple[str, str] | None] = {}
        self._scores: dict[tuple[str, str, str], CellScore] = {}
        self._keys: dict[tuple[str, str], frozenset[str] | None] = {}

    # Checks ---------------------------------------------------------------------------
    def check(self, item_id: str, version: str, response: str) -> tuple[str, str] | None:
        """(code, message) of the first problem of the cell, or None when it is fine."""
        k = (item_id, version, response)
        if k not in self._checks:
            self._checks[k] = self._check(item_id, version, response)
        return self._checks[k]

    def _check(self, item_id: str, version: str, response: str) -> tuple[str, str] | None:
        bank = self.bank
        if bank is None:
            return None
        item = bank.by_id.get(item_id)
        if item is None:
            hint = self._upper.get(item_id.upper())
            return (
                "R003",
                f"unknown item '{short(item_id)}': no such item in the bank"
                + (f" (did you mean '{hint}'?)" if hint else ""),
            )
        if self.scored_input:
            if response not in SCORE_VALUES:
                return (
                    "R009",
                    f"score '{short(response)}' for item {item_id} is not 1, 0 or empty",
                )
            return None
        if version != "" and not version.isdigit():
            return ("R006", f"item_version '{short(version)}' is not a whole number")
        picks = picks_of(response)
        if not picks:
            return None
        option_ids = [o.id for o in item.options]
        unknown = [p for p in picks if p not in option_ids]
        if unknown:
            given = short(", ".join(unknown))
            hint = ""
            for sep in (",", "|", " "):
                parts = [p.strip() for p in given.split(sep)]
                if len(parts) > 1 and all(p in option_ids for p in parts):
                    hint = f"; picks are joined by ';' (write {';'.join(parts)})"
                    break
            return (
                "R004",
                f"item {item.id} has no option {given} (options: {', '.join(option_ids)}){hint}",
            )
        if len(picks) > 1 and item.type == ItemType.MULTIPLE_CHOICE:
            return (
                "R005",
                f"item {item_id} is multiple_choice but {len(picks)} options were selected",
            )
        if len(set(picks)) != len(picks):
            return ("R005", f"the same option is selected twice for item {item_id}")
        return None

    # Scoring --------------------------------------------------------------------------
    def score(self, item_id: str, version: str, response: str) -> CellScore:
        """The score of a cell that passed :meth:`check` (keys of the administered version)."""
        k = (item_id, version, response)
        if k not in self._scores:
            self._scores[k] = self._score(item_id, version, response)
        return self._scores[k]

    def _key(self, item_id: str, version: str) -> frozenset[str] | None:
        k = (item_id, version)
        if k not in self._keys:
            assert self.bank is not None
            key = key_of(self.bank.by_id[item_id], int(version) if version else None)
            self._keys[k] = frozenset(key) if key is not None else None
        return self._keys[k]

    def _score(self, item_id: str, version: str, response: str) -> CellScore:
        if self.scored_input:
            return CellScore(float(response), False, (), 1.0)
        key = self._key(item_id, version)
        if key is None:
            return CellScore(
                np.nan,
                False,
                (),
                1.0,
                f"item {item_id} version {version} is not in the bank or its git history;"
                " cannot score it",
            )
        top = float(len(key)) if self.partial_credit else 1.0
        chosen = frozenset(picks_of(response))
        if not chosen:
            return CellScore(0.0 if self.omitted_as_wrong else np.nan, True, (), top)
        return CellScore(
            score_one(chosen, key, self.partial_credit), False, tuple(sorted(chosen)), top
        )


def factorize(
    columns: list[pa.Array | pa.ChunkedArray],
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Codes of the distinct rows of string ``columns`` (same length) and those distinct rows:
    ``rows[i] == distinct[codes[i]]``. Each column is dictionary-encoded by Arrow; the codes
    are combined in NumPy, so no Python string is made per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(columns[0])
    if n == 0:
        return np.zeros(0, np.int64), []
    combined = np.zeros(n, np.int64)
    dictionaries = []
    for col in columns:
        enc = pc.dictionary_encode(col)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        size = len(enc.dictionary)
        combined = combined * size + idx
        dictionaries.append(enc.dictionary.to_pylist())
    uniq, codes = np.unique(combined, return_inverse=True)
    distinct = []
    sizes = [len(d) for d in dictionaries]
    for u in uniq.tolist():
        parts = []
        for d, size in zip(reversed(dictionaries), reversed(sizes), strict=True):
            u, r = divmod(u, size)
            parts.append(d[r])
        distinct.append(tuple(reversed(parts)))
    return codes.astype(np.int64), distinct
