"""Set overlap between many items, vectorised with numpy (for the bank rules that compare items).

Token sets are stored as sorted arrays of 64-bit hashes (BLAKE2b of each token's UTF-8 bytes;
two different tokens share a hash with a probability of about 1 in 10^19 per pair), which the
lint cache keeps as bytes. Comparing 10,000 items pair by pair in Python takes seconds; the
functions here count shared tokens for all pairs at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def hash_set(tokens: Iterable[str]) -> bytes:
    """The distinct ``tokens`` as sorted little-endian uint64 hashes, as bytes (cacheable)."""
    import numpy as np

    blake = hashlib.blake2b
    raw = b"".join(blake(t.encode(), digest_size=8).digest() for t in set(tokens))
    return np.unique(np.frombuffer(raw, dtype="<u8")).tobytes()


def as_array(data: bytes) -> np.ndarray:
    """The array of a :func:`hash_set` (no copy)."""
    import numpy as np

    return np.frombuffer(data, dtype="<u8")


def shared_pairs(
    sets: Sequence[np.ndarray], max_df: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(a, b)``, ``a < b``, of ``sets`` that share at least one value held by at most
    ``max_df`` sets, with the number of such shared values (``hits``).

    Values held by more than ``max_df`` sets (boilerplate) do not make pairs; this bounds the
    work at ``max_df**2 / 2`` pairs per value.
    """
    import numpy as np

    n = len(sets)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty, empty
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=n)
    if not lengths.sum():
        return empty, empty, empty
    values = np.concatenate(sets)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    order = np.argsort(values, kind="stable")  # stable: owners ascend within a value
    values, owner = values[order], owner[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(values)))
    group = np.cumsum(first) - 1
    end = (starts + sizes)[group]  # exclusive end of each position's group
    keep = (sizes >= 2) & (sizes <= max_df)
    pos = np.flatnonzero(keep[group])
    codes = []
    for d in range(1, int(sizes[keep].max()) if keep.any() else 0):
        pos = pos[pos + d < end[pos]]
        if not len(pos):
            break
        codes.append(owner[pos] * n + owner[pos + d])
    if not codes:
        return empty, empty, empty
    pairs, hits = np.unique(np.concatenate(codes), return_counts=True)
    return pairs // n, pairs % n, hits


def concat(blobs: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Several :func:`hash_set` blobs as one array of values and the length of each."""
    import numpy as np

    lengths = np.fromiter((len(b) // 8 for b in blobs), dtype=np.int64, count=len(blobs))
    return np.frombuffer(b"".join(blobs), dtype="<u8"), lengths


def incidence(values: np.ndarray, lengths: np.ndarray, vocab: np.ndarray) -> np.ndarray:
    """A 0/1 float matrix with one row per set (``values`` cut by ``lengths``, as
    :func:`concat` gives them) and one column per value of ``vocab`` (sorted); values not in
    ``vocab`` are left out."""
    import numpy as np

    m = np.zeros((len(lengths), len(vocab)), dtype=np.float32)
    if len(values) and len(vocab):
        rows = np.repeat(np.arange(len(lengths)), lengths)
        cols = np.minimum(np.searchsorted(vocab, values), len(vocab) - 1)
        known = vocab[cols] == values  # values outside ``vocab`` have no column
        m[rows[known], cols[known]] = 1.0
    return m
