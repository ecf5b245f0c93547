"""Small text helpers shared by lint rules."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_'.-]*")
_CHOOSE = re.compile(r"\((?:choose|select)\s+(\w+)\.?\)", re.IGNORECASE)
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


_NORM_WORD = re.compile(r"[a-z0-9_](?:[a-z0-9_'.-]*[a-z0-9_])?")


def norm_tokens(text: str) -> list[str]:
    """Casefolded words without leading or trailing ``.'-`` (one regex pass over the text)."""
    return _NORM_WORD.findall(text.casefold())


def question_part(stem: str) -> str:
    """The last paragraph of the stem (where the question is asked)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", stem.strip()) if p.strip()]
    return paras[-1] if paras else ""


def strip_choose(text: str) -> str:
    return _CHOOSE.sub("", text).strip()


def stated_choose_count(stem: str) -> int | None:
    """The N of '(Choose N.)' in the stem, 0 if stated but unreadable, None if absent."""
    m = _CHOOSE.search(stem)
    if not m:
        return None
    w = m.group(1).casefold()
    return int(w) if w.isdigit() else NUMBER_WORDS.get(w, 0)


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "what",
        "when",
        "how",
        "should",
        "they",
        "their",
        "them",
        "use",
        "using",
        "your",
        "you",
        "can",
        "will",
        "not",
        "no",
        "into",
        "than",
        "then",
        "so",
        "if",
        "each",
        "all",
        "any",
        "one",
        "two",
        "only",
    ]
)
"""Function words left out when items are compared by their content words."""


def content_words(text: str) -> set[str]:
    """The distinct casefolded words of ``text`` longer than two letters, function words left out
    (what the cue rules and the test-wiseness probes compare)."""
    return {w for w in norm_tokens(text) if len(w) > 2 and w not in STOP}
