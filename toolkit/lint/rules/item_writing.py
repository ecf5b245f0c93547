"""Item-writing rules (IW), after Haladyna, Downing and Rodriguez (2002), "A review of
multiple-choice item-writing guidelines for classroom assessment"."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ...bank.model import Item
from ...vocab import ItemType, Status
from ..engine import LintContext
from ..registry import Finding, features_of, item_features, rule
from ..similarity import as_array, hash_set, shared_pairs
from ..text import (
    jaccard,
    norm_tokens,
    question_part,
    stated_choose_count,
    strip_choose,
    words,
)

Opts = dict[str, Any]

_ALL_NONE = re.compile(
    r"\b(all|none|both|neither) of the (above|options|answers|choices)\b|\bboth [A-E] and [A-E]\b",
    re.IGNORECASE,
)


@rule("IW001", "options.all-none-of-the-above")
def all_none_of_the_above(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Options must not be "all of the above", "none of the above" or "both A and B".

    Such options test test-wiseness, not knowledge, and break when options are shuffled.

    Bad: ``text: All of the above``
    Good: four options that each stand on their own.
    """
    for i, o in enumerate(item.options):
        if _ALL_NONE.search(o.text):
            yield Finding(
                f"option {o.id} is an '{_ALL_NONE.search(o.text).group(0)}' option;"
                " replace it with a plausible, self-contained distractor",
                ("options", i, "text"),
            )


@rule("IW002", "key.longest", options={"ratio": 1.5})
def key_longest(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """The key must not be conspicuously longer (more detailed) than the distractors.

    Flags a key whose length is at least ``ratio`` times the mean length of the
    distractors (and, for multiple_choice, is the longest option).

    Bad: a 30-word key beside three 8-word distractors.
    Good: options of similar length; add the same specificity to the distractors.
    """
    keys = [o for o in item.options if o.correct]
    dis = [o for o in item.options if not o.correct]
    if not keys or not dis:
        return
    mean_dis = sum(len(o.text) for o in dis) / len(dis)
    mean_key = sum(len(o.text) for o in keys) / len(keys)
    longest = max(len(o.text) for o in dis)
    if item.type == ItemType.MULTIPLE_CHOICE and len(keys[0].text) <= longest:
        return
    if mean_dis > 0 and mean_key >= opts["ratio"] * mean_dis:
        idx = item.options.index(keys[0])
        yield Finding(
            f"the key is {mean_key / mean_dis:.1f}x as long as the average distractor"
            f" ({mean_key:.0f} vs {mean_dis:.0f} characters); shorten it or make the distractors"
            " as specific",
            ("options", idx, "text"),
        )


@rule(
    "IW003",
    "stem.negative-wording",
    options={"words": ["not", "except", "incorrect", "least likely", "false"]},
)
def negative_stem(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """A negative question ("not", "except") must be emphasized: capitals or bold.

    Only the question (the stem's last paragraph) is checked, so a scenario may say
    what a team does not have. "false" is ignored in "false positive/negative".
    Better still, ask the question positively; negatives are misread under time pressure.

    Bad: ``Which option is not supported?``
    Good: ``Which option is NOT supported?`` (or a positive question)
    """
    q = question_part(item.stem)
    alts = "|".join(re.escape(w) for w in opts["words"])
    pat = re.compile(
        rf"(\*\*|\*|_)?\b({alts})\b(\*\*|\*|_)?(?!\s+(?:positive|negative))", re.IGNORECASE
    )
    for m in pat.finditer(q):
        word = m.group(2)
        emphasized = word.isupper() or (m.group(1) and m.group(3))
        if not emphasized:
            yield Finding(
                f"negative word '{word}' in the question is not emphasized; write it in"
                " CAPITALS or bold, or ask the question positively",
                ("stem",),
            )
            return


@rule(
    "IW004",
    "options.absolute-words",
    severity="warning",
    options={
        "words": [
            "always",
            "never",
            "guaranteed",
            "guarantees",
            "impossible",
            "completely",
            "entirely",
            "absolutely",
            "in all cases",
            "under no circumstances",
        ]
    },
)
def absolute_words(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Distractors should not contain absolute words ("always", "never", ...).

    Test-wise candidates eliminate options with absolutes without knowing the content.

    Bad: ``text: Dataflow always autoscales to zero workers.``
    Good: ``text: Dataflow scales the worker pool to the backlog.``
    """
    pat = re.compile(r"\b(" + "|".join(map(re.escape, opts["words"])) + r")\b", re.IGNORECASE)
    for i, o in enumerate(item.options):
        if not o.correct and (m := pat.search(o.text)):
            yield Finding(
                f"distractor {o.id} contains the absolute word '{m.group(1)}', a cue"
                " for test-wise candidates; qualify or rephrase it",
                ("options", i, "text"),
            )


_VOWEL_SOUND = re.compile(
    r"^(?:[aeio]|u(?!ni|se|sa|su)|hour|honest|[AEFHILMNORSX][A-Z0-9]{0,3}\b)", re.IGNORECASE
)


@rule("IW005", "grammar.article-cue")
def article_cue(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """A stem ending in "a" or "an" must agree with every option, or it cues the key.

    Bad: stem ``... the team should use an`` with options ``Dataflow job`` / ``Airflow DAG``.
    Good: end the stem with ``a(n)`` or move the article into the options.
    """
    q = strip_choose(question_part(item.stem)).rstrip(" .:…_")
    m = re.search(r"\b(a|an)$", q, re.IGNORECASE)
    if not m:
        return
    article = m.group(1).lower()
    for i, o in enumerate(item.options):
        text = o.text.strip().lstrip("`*_\"'")
        starts_vowel = bool(_VOWEL_SOUND.match(text))
        if (article == "an") != starts_vowel:
            yield Finding(
                f"stem ends with '{article}' but option {o.id} ('{text[:20]}') does not"
                " agree with it; this cues the answer",
                ("options", i, "text"),
            )


def _option_tokens(text: str) -> list[str]:
    """Whitespace tokens, case-folded, trailing punctuation removed (keeps code and numbers)."""
    return [t.strip(".,;:!?\"'`()") for t in text.casefold().split() if t.strip(".,;:!?\"'`()")]


@rule("IW006", "options.overlap", options={"similarity": 0.9})
def options_overlap(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Options must not repeat or contain each other.

    Flags two options whose ordered word pairs (bigrams) have a Jaccard similarity of
    at least ``similarity``, or where one option's text is contained in another's.
    Parallel options that differ in one value (``30 2 * * 1-5`` vs ``30 2 1-5 * *``)
    are fine.

    Bad: ``Use a Dataflow pipeline`` and ``Use a Dataflow pipeline with autoscaling``.
    Good: options that each make a distinct claim.
    """
    toks = [_option_tokens(o.text) for o in item.options]
    grams = [set(itertools.pairwise(t)) or {tuple(t)} for t in toks]
    joined = [" " + " ".join(t) + " " for t in toks]
    for i in range(len(item.options)):
        for j in range(i + 1, len(item.options)):
            short, long_ = sorted((joined[i], joined[j]), key=len)
            contained = len(short) >= 14 and short in long_
            sim = jaccard(grams[i], grams[j])
            if contained or sim >= opts["similarity"]:
                a, b = item.options[i].id, item.options[j].id
                why = "one contains the other" if contained else f"{sim:.0%} the same word pairs"
                yield Finding(
                    f"options {a} and {b} overlap ({why}); make each option distinct",
                    ("options", j, "text"),
                )


@rule("IW007", "stem.question-form")
def question_form(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """The stem ends with a question ("?") or an incomplete statement (":" or "...").

    Bad: ``stem: BigQuery ML and model types.``
    Good: ``stem: ... Which model type should the team use?``
    """
    last = strip_choose(item.stem.strip().splitlines()[-1] if item.stem.strip() else "")
    if not last.rstrip().endswith(("?", ":", "...", "…", "___")):
        yield Finding(
            "the stem does not end with a question or an incomplete statement; end it"
            " with one clear question",
            ("stem",),
        )


@rule("IW008", "stem.select-count")
def select_count_stated(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """A multiple_select stem states how many options to choose, matching ``select``;
    a multiple_choice stem does not ask for several.

    Bad: multiple_select with ``select: 2`` and a stem without "(Choose two.)".
    Good: ``Which two actions should the team take? (Choose two.)``
    """
    n = stated_choose_count(item.stem)
    if item.type == ItemType.MULTIPLE_SELECT:
        if n is None:
            yield Finding(
                f"multiple_select stem does not say how many to choose; add"
                f" '(Choose {_word(item.select)}.)'",
                ("stem",),
            )
        elif n != item.select:
            yield Finding(
                f"stem says choose {n or 'an unreadable number'} but select is"
                f" {item.select}; make them agree",
                ("stem",),
            )
    elif n is not None and n != 1:
        yield Finding(
            "multiple_choice stem asks to choose several options; make the item"
            " multiple_select or ask for one",
            ("stem",),
        )


def _word(n: int | None) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n or 0, str(n))


@rule("IW009", "rationale.missing", options={"min_chars": 20})
def rationale_missing(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Every option has a rationale saying why it is right or wrong (at least ``min_chars``).

    Bad: ``rationale: ""``
    Good: ``rationale: Batch prediction does not need an endpoint, so ...``
    """
    for i, o in enumerate(item.options):
        text = o.rationale.strip()
        if len(text) < opts["min_chars"]:
            what = "no rationale" if not text else f"a rationale of only {len(text)} characters"
            yield Finding(
                f"option {o.id} has {what}; explain why it is right or wrong",
                ("options", i, "rationale"),
            )


@rule(
    "IW010",
    "reference.official",
    options={
        "domains": [
            "cloud.google.com",
            "docs.cloud.google.com",
            "developers.google.com",
            "ai.google.dev",
            "ai.google",
            "research.google",
            "tensorflow.org",
            "kubeflow.org",
            "beam.apache.org",
            "airflow.apache.org",
            "pytorch.org",
            "jax.readthedocs.io",
            "support.google.com",
        ]
    },
)
def reference_official(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """The item cites at least one reference, each an https URL on an allowed documentation domain.

    Bad: ``references: [http://someblog.example/post]``
    Good: ``references: [https://cloud.google.com/bigquery/docs/bqml-introduction]``
    """
    if not item.references and item.status != Status.RETIRED:
        yield Finding(
            "the item has no reference; cite the official documentation that supports the key",
            ("id",),
        )
    allowed = [d.lower() for d in opts["domains"]]
    for i, url in enumerate(item.references):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https":
            yield Finding(f"reference '{url}' is not an https URL", ("references", i))
        elif not any(host == d or host.endswith("." + d) for d in allowed):
            yield Finding(
                f"reference host '{host}' is not an allowed documentation domain"
                " (configure [tool.qbank.lint.rules.IW010] domains)",
                ("references", i),
            )


def _shingles(stem: str, k: int) -> set[str]:
    t = norm_tokens(stem)
    return {" ".join(t[j : j + k]) for j in range(max(1, len(t) - k + 1))}


@item_features("IW011")
def stem_shingles(item: Item, opts: Opts) -> bytes:
    """The stem's word ``shingle``-grams, hashed (cached per item file)."""
    return hash_set(_shingles(item.stem, int(opts["shingle"])))


@rule("IW011", "stem.near-duplicate", scope="bank", options={"threshold": 0.5, "shingle": 3})
def near_duplicates(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Two items must not have near-duplicate stems (they would test the same thing twice).

    Similarity is the Jaccard index of the stems' word ``shingle``-grams; pairs at or
    above ``threshold`` are reported on both files. Shingles shared by very many items
    (boilerplate such as "which approach should") are ignored when finding candidates.

    Bad: two items whose scenarios differ only in the company name.
    Good: mark true variants as `enemies` and rewrite one scenario.
    """
    import numpy as np

    items = [i for i in ctx.bank.items if i.status != Status.RETIRED]
    sh = [as_array(features_of(ctx, "IW011", it, opts)) for it in items]
    cap = max(50, int(math.sqrt(len(items)) * 2))
    a_idx, b_idx, hits = shared_pairs(sh, cap)
    if not len(hits):
        return
    sizes = np.fromiter((len(s) for s in sh), dtype=np.int64, count=len(sh))
    thr = float(opts["threshold"])
    # Jaccard >= thr needs at least thr * min(|A|, |B|) shared shingles.
    cand = hits >= thr * np.minimum(sizes[a_idx], sizes[b_idx])
    for a, b in zip(a_idx[cand].tolist(), b_idx[cand].tolist(), strict=True):
        inter = len(np.intersect1d(sh[a], sh[b], assume_unique=True))
        sim = inter / (len(sh[a]) + len(sh[b]) - inter)
        if sim >= thr:
            x, y = items[a], items[b]
            if y.id in x.enemies or x.id in y.enemies:
                continue
            for me, other in ((x, y), (y, x)):
                yield Finding(
                    f"stem is {sim:.0%} similar to {other.id} ({other.path}); rewrite"
                    " one of them, or list them as enemies if both are needed",
                    ("stem",),
                    item=me.id,
                )


@item_features("IW012")
def key_positions(item: Item, opts: Opts) -> list[Any]:
    """[number of options, positions of the keys] (cached per item file)."""
    return [len(item.options), [n for n, o in enumerate(item.options) if o.correct]]


@rule(
    "IW012",
    "key.position-balance",
    scope="bank",
    severity="warning",
    options={"tolerance": 0.1, "min_items": 40},
)
def key_balance(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Across the bank, keys of multiple_choice items are spread evenly over the positions.

    With 4 options each position should hold about 25% of the keys; a position
    off by more than ``tolerance`` is reported (once ``min_items`` items exist).

    Bad: 45% of the keys at C.
    Good: A 24%, B 26%, C 25%, D 25%.
    """
    by_n: dict[int, list[int]] = defaultdict(list)
    for it in ctx.bank.items:
        if it.type == ItemType.MULTIPLE_CHOICE and it.status != Status.RETIRED:
            n_opt, keys = features_of(ctx, "IW012", it, opts)
            if len(keys) == 1:
                by_n[n_opt].append(keys[0])
    for n_opt, group in sorted(by_n.items()):
        if len(group) < opts["min_items"]:
            continue
        counts = Counter(group)
        shares = {p: counts.get(p, 0) / len(group) for p in range(n_opt)}
        expect = 1 / n_opt
        off = {p: s for p, s in shares.items() if abs(s - expect) > opts["tolerance"]}
        if off:
            desc = ", ".join(f"{chr(65 + p)} {s:.0%}" for p, s in shares.items())
            yield Finding(
                f"key positions of {len(group)} {n_opt}-option items are unbalanced"
                f" ({desc}; expected about {expect:.0%} each); move keys when revising",
                target="bank",
            )


@rule("IW013", "length.stem", severity="warning", options={"min_words": 12, "max_words": 250})
def stem_length(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Stems are neither implausibly short nor long (``min_words`` to ``max_words``).

    Bad: ``stem: Which model?``
    Good: a scenario of a few sentences and one question.
    """
    n = len(words(item.stem))
    if n < opts["min_words"]:
        yield Finding(
            f"stem has only {n} words; give a scenario (at least {opts['min_words']})", ("stem",)
        )
    elif n > opts["max_words"]:
        yield Finding(
            f"stem has {n} words (more than {opts['max_words']}); cut what the question"
            " does not need",
            ("stem",),
        )


@rule("IW014", "length.option", severity="warning", options={"min_words": 1, "max_words": 45})
def option_length(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Options are neither empty-ish nor essays (``min_words`` to ``max_words``).

    Bad: an option of 80 words.
    Good: options of one sentence each.
    """
    for i, o in enumerate(item.options):
        n = len(words(o.text))
        if n < opts["min_words"] or n > opts["max_words"]:
            yield Finding(
                f"option {o.id} has {n} words (allowed {opts['min_words']}-{opts['max_words']})",
                ("options", i, "text"),
            )
