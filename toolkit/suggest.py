"""'Did you mean ...?' hints for names the user typed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (case-insensitive first), or None."""
    choices = list(choices)
    for c in choices:
        if c.lower() == word.lower():
            return c
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` or an empty string."""
    m = close_match(word, choices)
    return f"; did you mean '{m}'?" if m else ""
