"""The vectorised set overlaps of the bank lint rules agree with plain Python sets."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.lint.similarity import as_array, concat, hash_set, incidence, shared_pairs

token_sets = st.lists(st.sets(st.sampled_from("abcdefghijklmnop"), max_size=8), max_size=12)


def _naive_pairs(sets: list[set[str]], max_df: int) -> dict[tuple[int, int], int]:
    df = Counter(t for s in sets for t in s)
    out: dict[tuple[int, int], int] = {}
    for a, b in combinations(range(len(sets)), 2):
        hits = sum(1 for t in sets[a] & sets[b] if df[t] <= max_df)
        if hits:
            out[(a, b)] = hits
    return out


@settings(max_examples=200, deadline=None)
@given(token_sets, st.integers(min_value=2, max_value=6))
def test_shared_pairs_matches_plain_sets(sets: list[set[str]], max_df: int) -> None:
    arrays = [as_array(hash_set(s)) for s in sets]
    a, b, hits = shared_pairs(arrays, max_df)
    got = {(int(x), int(y)): int(h) for x, y, h in zip(a, b, hits, strict=True)}
    assert got == _naive_pairs(sets, max_df)


@settings(max_examples=200, deadline=None)
@given(token_sets, st.sets(st.sampled_from("abcdefghij"), max_size=6))
def test_incidence_counts_shared_tokens(sets: list[set[str]], vocab_tokens: set[str]) -> None:
    vocab = np.unique(as_array(hash_set(vocab_tokens)))
    values, lengths = concat([hash_set(s) for s in sets])
    m = incidence(values, lengths, vocab)
    assert m.shape == (len(sets), len(vocab))
    for i, s in enumerate(sets):
        assert int(m[i].sum()) == len(s & vocab_tokens)
    shared = m @ m.T
    for i, j in combinations(range(len(sets)), 2):
        assert int(shared[i, j]) == len(sets[i] & sets[j] & vocab_tokens)


def test_hash_set_is_stable_and_sorted() -> None:
    h = as_array(hash_set(["vertex", "ai", "vertex"]))
    assert len(h) == 2 and list(h) == sorted(h)
    assert hash_set(["ai", "vertex"]) == hash_set(["vertex", "ai"])  # same bytes every run
