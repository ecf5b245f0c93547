"""Knowledge-masked text of an item: product names, settings and code replaced by neutral tokens.

Blind reviewers are asked, in the test-wise probe, to answer "from the stem's wording and common
sense, with no product knowledge". People (and language models) cannot switch their knowledge off,
so their test-wise answers overstate what wording alone gives away. The masked view removes the
knowledge from the page instead: every product name, setting, flag, API name and code span becomes
a token such as ``[T3]``, the same term getting the same token in the stem and in every option of
the item. Wording cues survive (an option that contradicts the stem, repeats it, or sits at the
centre of the option set still does so), product facts do not.

A term is found by its form, not from a product list (lists go stale with every rebrand):

- in a code span (backticks), each identifier that is not an ordinary lower-case word;
- a word with inner capitals, a letter beside a digit, or joiners (``BigQuery``, ``ML.PREDICT``,
  ``n1-standard-4``, ``A100``, ``max_replica_count``, ``--flag``, ``Pub/Sub``,
  ``model@production``), or an acronym of two or more capitals (``TPU``, ``CMEK``), also as part
  of a hyphenated word (``host-to-GPU``); "28-day", "on-demand" and "12,000" stay readable;
- a run of capitalised words (``Vertex AI Model Monitoring``, ``Cloud Storage``, ``Pub/Sub``),
  joined by ``/`` or lower-case connectors such as "for" inside the run;
- a single capitalised word, except at the start of a sentence (or line) when the word also
  occurs in lower case in ``common`` (the words the bank uses in lower case: "The", "Which",
  "Each" stay; a hyphenated word stays when each part does and no part after a hyphen is
  capitalised, so "Training-serving skew" reads as in the stem while "Speech-to-Text" is a
  term), and unless the same word is masked elsewhere in the item's prose ("Edge models" at a
  sentence start when "an Edge model" was masked);
- lower-case connectors join capitalised words only ("Cloud Storage for Firebase" is one term,
  "europe-west4 with Model Registry" two).

Emphasis words of stems (NOT, EXCEPT, ...) and the "(Choose two.)" instruction stay readable.
The heuristic masks some general words too (a capitalised "Kubernetes" and "Python" alike): the
view is for probing, not for candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KEEP = frozenset(
    {"NOT", "EXCEPT", "ALL", "NONE", "ONLY", "LEAST", "MOST", "BEST", "FIRST", "I"}
    | {"TWO", "THREE", "FOUR", "FIVE", "ONE"}
)
CONNECTORS = frozenset({"for", "of", "on", "and", "in", "with"})

_CODE = re.compile(r"`[^`\n]+`")
# a "word": letters, digits and the joiners . _ - / @ (a leading -- for flags)
_TOKEN = re.compile(r"--?[A-Za-z][\w.-]*|[A-Za-z0-9][\w./@-]*[\w]|[A-Za-z0-9]")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|\n\s*$|^\s*$|\(\s*$|[\"']\s*$|[-*]\s+$")
# inner capitals, a letter next to a digit (A100, v5e, n1-standard-4), _ or . joiners, flags, a/b
_TECH = re.compile(r"[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]|[_.]\w|^--?|\w[/@]\w")
_CODE_WORD = re.compile(r"[A-Za-z_][\w.-]*\w|[A-Za-z_]")
_CHOOSE = re.compile(r"\((?:choose|select)\s+\w+\.?\)", re.IGNORECASE)


@dataclass(frozen=True)
class Masked:
    """The masked texts in the order given, and the terms behind each token (for the author)."""

    texts: tuple[str, ...]
    terms: dict[str, str]


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _is_technical(word: str) -> bool:
    if word in KEEP:
        return False
    # an acronym, alone or as part of a hyphenated word: "TPU", "host-to-GPU", "GPU-bound"
    if any(len(p) >= 2 and p.isupper() and p.isalpha() for p in word.split("-")):
        return True
    return bool(_TECH.search(word)) and any(c.isalpha() for c in word)


def _sentence_start(text: str, pos: int) -> bool:
    return bool(_SENTENCE_END.search(text[max(0, pos - 4) : pos]))


def _ordinary(word: str, common: frozenset[str]) -> bool:
    """A word the bank uses in lower case; a hyphenated one when each of its parts is
    ("Training-serving" at the start of a sentence, "training-serving" elsewhere)."""
    if any(p[:1].isupper() for p in word.split("-")[1:]):
        return False  # "Speech-to-Text": a capital after a hyphen marks a name
    parts = [p for p in word.casefold().split("-") if p]
    return bool(parts) and all(p in common for p in parts)


def _spans(
    text: str, common: frozenset[str], terms: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Start and end offsets of the terms in ``text``, left to right, not overlapping.

    ``terms``: single capitalised words masked in the prose elsewhere in the item; one of them
    at the start of a sentence stays a term even when it is also an ordinary word ("Edge
    models ..." when "an Edge model" was masked)."""
    spans: list[tuple[int, int]] = []
    protected = [m.span() for m in _CHOOSE.finditer(text)]
    code = [m.span() for m in _CODE.finditer(text)]
    for a, b in code:  # inside code, each identifier that is not an ordinary word
        for t in _CODE_WORD.finditer(text, a + 1, b - 1):
            w = t.group()
            if _is_technical(w) or _is_cap(w) or w.casefold() not in common:
                spans.append(t.span())

    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e in protected + code)

    toks = [m for m in _TOKEN.finditer(text) if free(*m.span())]
    i = 0
    while i < len(toks):
        m = toks[i]
        w = m.group()
        if not (_is_cap(w) or _is_technical(w)) or w in KEEP:
            i += 1
            continue
        # grow a run of capitalised or technical words (lower-case connectors inside a run)
        j = i
        while j + 1 < len(toks):
            gap = text[toks[j].end() : toks[j + 1].start()]
            nxt = toks[j + 1].group()
            if gap not in (" ", "/"):
                break
            if (_is_cap(nxt) or _is_technical(nxt)) and nxt not in KEEP:
                j += 1
                continue
            # connectors join capitalised words only ("Cloud Storage for Firebase"), not a
            # technical token to a name ("europe-west4 with Model Registry" is two terms)
            if nxt in CONNECTORS and j + 2 < len(toks) and _is_cap(toks[j].group()):
                after = toks[j + 2].group()
                gap2 = text[toks[j + 1].end() : toks[j + 2].start()]
                if gap2 == " " and _is_cap(after) and after not in KEEP:
                    j += 2
                    continue
            break
        start = i
        # a sentence-initial common word ("The", "Which") is not part of the term
        if (
            _sentence_start(text, toks[start].start())
            and not _is_technical(toks[start].group())
            and _ordinary(toks[start].group(), common)
            and toks[start].group() not in terms
        ):
            start += 1
        if start <= j:
            spans.append((toks[start].start(), toks[j].end()))
        i = j + 1
    spans.sort()
    return spans


def _prose_words(text: str, spans: list[tuple[int, int]]) -> Iterable[str]:
    """The one-word terms among ``spans`` outside code spans, as written ("Edge", not a code
    keyword such as ``CREATE`` or an option label such as "(A)")."""
    code = [m.span() for m in _CODE.finditer(text)]
    for a, b in spans:
        w = text[a:b]
        if len(w) >= 3 and _TOKEN.fullmatch(w) and not any(s <= a < e for s, e in code):
            yield w


def _norm(term: str) -> str:
    return " ".join(term.split()).casefold()


def mask(texts: Sequence[str], common: Iterable[str] = ()) -> Masked:
    """Mask the terms of one item's texts (stem first, then the options) with shared tokens.

    ``common``: lower-case words that are ordinary English in this bank (a capitalised one at the
    start of a sentence is then left alone)."""
    common_set = frozenset(common)
    # first pass: the terms found anywhere, so that a sentence-initial word masked elsewhere in
    # the item is masked everywhere (the same term gets the same treatment in every text)
    found = frozenset(w for t in texts for w in _prose_words(t, _spans(t, common_set)))
    spans = [_spans(text, common_set, found) for text in texts]
    tokens: dict[str, str] = {}
    out: list[str] = []
    for text, text_spans in zip(texts, spans, strict=True):
        parts: list[str] = []
        pos = 0
        for a, b in text_spans:
            if a < pos:
                continue
            key = _norm(text[a:b])
            tok = tokens.setdefault(key, f"[T{len(tokens) + 1}]")
            parts += [text[pos:a], tok]
            pos = b
        parts.append(text[pos:])
        out.append("".join(parts))
    first_seen: dict[str, str] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for a, b in text_spans:
            first_seen.setdefault(tokens[_norm(text[a:b])], " ".join(text[a:b].split()))
    return Masked(tuple(out), dict(sorted(first_seen.items(), key=lambda kv: int(kv[0][2:-1]))))


_LOWER_WORD = re.compile(r"\b[a-z][a-z']*\b")


def common_words(texts: Iterable[str]) -> frozenset[str]:
    """Words that occur in lower case in ``texts`` outside code spans (the bank's ordinary
    vocabulary; a package named in backticks elsewhere does not make its name ordinary)."""
    found: set[str] = set()
    for t in texts:
        found.update(_LOWER_WORD.findall(_CODE.sub(" ", t)))
    return frozenset(found)
