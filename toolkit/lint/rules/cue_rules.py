"""Rules against test-wise shortcuts: key length that is a cue across the bank, text left
over from the ``qbank new`` template, and items on the same goal that answer each other."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ...bank.model import Item
from ...vocab import ItemType, Status
from ..engine import LintContext
from ..registry import Finding, features_of, item_features, rule
from ..similarity import concat, hash_set, incidence
from ..text import content_words

Opts = dict[str, Any]


def length_ranks(item: Item) -> tuple[bool, bool]:
    """(the key is strictly the longest option, the key is strictly the shortest option) for a
    one-key item; for several keys: (the keys are exactly the longest options, ... shortest)."""
    lengths = [len(o.text.strip()) for o in item.options]
    keys = [n for n, o in zip(lengths, item.options, strict=True) if o.correct]
    others = [n for n, o in zip(lengths, item.options, strict=True) if not o.correct]
    if not keys or not others:
        return False, False
    return min(keys) > max(others), max(keys) < min(others)


@item_features("IW015")
def option_counts_and_ranks(item: Item, opts: Opts) -> list[Any]:
    """[number of options, number of keys, key strictly longest, key strictly shortest]."""
    longest, shortest = length_ranks(item)
    return [len(item.options), len(item.key), longest, shortest]


@rule(
    "IW015",
    "key.length-rank",
    scope="bank",
    severity="warning",
    options={"tolerance": 0.08, "min_items": 40},
)
def key_length_rank(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Across the bank, the key's length must look random: for four-option multiple_choice items
    the key is strictly the longest option in about one item in four, and strictly the shortest
    in about one in four (a share off by more than ``tolerance`` is reported once ``min_items``
    items exist). A candidate who learns "never pick the longest" must gain nothing. For
    multiple_select items the keys are the longest options about as often as chance allows.

    Bad: the key is the longest option in 4 of 219 items (2 %).
    Good: longest 24 %, shortest 26 %.
    """
    groups: dict[tuple[str, int, int], list[list[Any]]] = defaultdict(list)
    for it in ctx.bank.items:
        if it.status != Status.RETIRED:
            f = features_of(ctx, "IW015", it, opts)
            groups[(it.type, f[0], f[1])].append(f)
    for (typ, n_opt, n_key), group in sorted(groups.items()):
        if len(group) < opts["min_items"] or n_key >= n_opt:
            continue
        # chance that the keys are exactly the n_key longest (or shortest) of n_opt options
        from math import comb

        expect = 1 / comb(n_opt, n_key)
        longest = sum(f[2] for f in group) / len(group)
        shortest = sum(f[3] for f in group) / len(group)
        what = "key is" if n_key == 1 else "keys are"
        kind = "multiple_choice" if typ == ItemType.MULTIPLE_CHOICE else "multiple_select"
        for label, share in (("longest", longest), ("shortest", shortest)):
            if abs(share - expect) > opts["tolerance"]:
                yield Finding(
                    f"in {len(group)} {n_opt}-option {kind} items the {what} the {label}"
                    f" option(s) in {share:.0%} (chance: {expect:.0%}); key length is a cue;"
                    " vary which option is longest when revising",
                    target="bank",
                )


@item_features("IW019")
def probe_hits(item: Item, opts: Opts) -> list[Any]:
    """[chance of a blind guess, {probe code: probability that the probe finds the key}]."""
    from ...probes import PROBES, chance, hit_probability

    key = [n for n, o in enumerate(item.options) if o.correct]
    if not key:
        return [0.0, {}]
    return [
        chance(item),
        {c: hit_probability(u.func(item), key, len(key)) for c, u in PROBES.by_code().items()},
    ]


@rule(
    "IW019",
    "probe.balance",
    scope="bank",
    severity="warning",
    options={"max_z": 3.0, "min_items": 40},
)
def probe_balance(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Across the bank, no knowledge-free test-wiseness probe (``qbank probe``: the longest
    option, the shortest, the option most like the others, the one that repeats the stem, ...)
    finds the key more or less often than blind guessing by more than ``max_z`` standard
    deviations, per item type, once ``min_items`` items of that type exist. A cue that works
    (or that reliably fails) is one candidates can learn.

    Bad: the option sharing most words with the others is the key in 34 % of 219 items (z +3.1).
    Good: every probe within luck of 25 %.
    """
    from ...probes import PROBES

    by_type: dict[str, list[list[Any]]] = defaultdict(list)
    for it in ctx.bank.items:
        if it.status != Status.RETIRED:
            f = features_of(ctx, "IW019", it, opts)
            if f[1]:
                by_type[it.type].append(f)
    names = {c: u.name for c, u in PROBES.by_code().items()}
    for typ, group in sorted(by_type.items()):
        if len(group) < opts["min_items"]:
            continue
        expect = sum(f[0] for f in group)
        sd = sum(f[0] * (1 - f[0]) for f in group) ** 0.5
        for code, name in names.items():
            hits = sum(f[1].get(code, 0.0) for f in group)
            z = (hits - expect) / sd if sd else 0.0
            if abs(z) > opts["max_z"]:
                yield Finding(
                    f"probe {code} ({name}) finds the key of {hits / len(group):.0%} of"
                    f" {len(group)} {typ} items, chance {expect / len(group):.0%} (z {z:+.1f});"
                    " candidates can learn this cue; run `qbank probe` and vary it when revising",
                    target="bank",
                )


TEMPLATE_OPTION = "Option "
TEMPLATE_RATIONALE = "Why this option is right or wrong."
TEMPLATE_STEM = ("Describe the situation", "Ask one clear question")


@rule("IW016", "template.leftover")
def template_leftover(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """No text of the ``qbank new`` template is left in an item past ``draft``: options such as
    "Option A", the placeholder rationale, the placeholder stem.

    Bad: ``status: review`` with ``text: Option B``.
    Good: every option and rationale written for the item.
    """
    if item.status == Status.DRAFT:
        return
    if any(t in item.stem for t in TEMPLATE_STEM):
        yield Finding("the stem still holds the template's placeholder text", ("stem",))
    for n, o in enumerate(item.options):
        if o.text.strip() == f"{TEMPLATE_OPTION}{o.id}":
            yield Finding(
                f"option {o.id} is still the template's text {o.text.strip()!r}",
                ("options", n, "text"),
            )
        if o.rationale.strip() == TEMPLATE_RATIONALE:
            yield Finding(
                f"the rationale of option {o.id} is still the template's placeholder",
                ("options", n, "rationale"),
            )


@item_features("IW017")
def key_and_rationale_words(item: Item, opts: Opts) -> list[bytes]:
    """The content words of the key's text and of all rationales, hashed (cached per file)."""
    key = " ".join(o.text for o in item.options if o.correct)
    return [
        hash_set(content_words(key)),
        hash_set(content_words(" ".join(o.rationale for o in item.options))),
    ]


@rule(
    "IW017",
    "cue.cross-item",
    scope="bank",
    severity="warning",
    options={"containment": 0.6, "rationale_containment": 0.8, "min_words": 5},
)
def cross_item_cue(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Two items on the same learning goal must not answer each other: an item whose key text
    restates much of another item's key (at least ``containment`` of the content words of the
    shorter, when both have ``min_words`` or more), or whose rationales contain at least
    ``rationale_containment`` of the other's key, is reported, unless they are `enemies`. A
    candidate who meets both on one form learns the answer of one from the other. Words used by
    more than a quarter of a goal's items are that goal's vocabulary: they count in the
    containment but do not on their own make two items a pair to compare.

    Bad: PMLE-1101's key and PMLE-1104's key both say "min replicas 2, CPU target 60 %".
    Good: list them in each other's `enemies`, or make them test different facts.
    """
    import numpy as np

    by_goal: dict[str, list[Item]] = defaultdict(list)
    for it in ctx.bank.items:
        if it.status != Status.RETIRED:
            by_goal[it.learning_goal].append(it)
    thr, min_words = float(opts["containment"]), int(opts["min_words"])
    r_thr = float(opts["rationale_containment"])
    for group in by_goal.values():
        feats = [features_of(ctx, "IW017", it, opts) for it in group]
        keys, k_lengths = concat([f[0] for f in feats])
        rats, r_lengths = concat([f[1] for f in feats])
        vocab = np.unique(keys)  # only words of keys can be restated
        k_mat, r_mat = incidence(keys, k_lengths, vocab), incidence(rats, r_lengths, vocab)
        k_len = k_lengths.astype(np.float64)
        # Words in the keys (rationales) of more than a quarter of the goal's items are its
        # vocabulary, not a cue: they do not propose pairs (the containment counts every word).
        cap = max(8, len(group) // 4)
        k_rare = k_mat[:, k_mat.sum(axis=0) <= cap]
        r_rare = r_mat.sum(axis=0) <= cap
        shared = k_mat @ k_mat.T
        candidate = (k_rare @ k_rare.T) > 0
        long_enough = k_len >= min_words
        both_long = long_enough[:, None] & long_enough[None, :]
        min_len = np.maximum(np.minimum(k_len[:, None], k_len[None, :]), 1)
        over = np.triu(candidate & both_long & (shared / min_len >= thr), 1)
        reported: set[tuple[int, int]] = set()
        for a, b in np.argwhere(over).tolist():
            x, y = group[a], group[b]
            if y.id in x.enemies or x.id in y.enemies:
                continue
            ratio = int(shared[a, b]) / min(int(k_len[a]), int(k_len[b]))
            reported.add((a, b))
            for me, other in ((x, y), (y, x)):
                yield Finding(
                    f"the key of {me.id} restates {ratio:.0%} of the key of"
                    f" {other.id} (same goal): one item answers the other; add each"
                    " to the other's `enemies` or make them test different facts",
                    ("options",),
                    item=me.id,
                )
        # rationales of ``a`` that restate the key of ``b``
        in_rats = r_mat @ k_mat.T
        rare_hit = (r_mat[:, r_rare] @ k_mat[:, r_rare].T) > 0
        np.fill_diagonal(rare_hit, False)
        restate = rare_hit & long_enough[None, :] & (in_rats / np.maximum(k_len, 1) >= r_thr)
        for a, b in np.argwhere(restate).tolist():
            me, other = group[a], group[b]
            if (min(a, b), max(a, b)) in reported:
                continue
            if other.id in me.enemies or me.id in other.enemies:
                continue
            yield Finding(
                f"the rationales of {me.id} restate the key of {other.id} (same"
                " goal): one item answers the other; add each to the other's"
                " `enemies` or reword the rationale",
                ("options",),
                item=me.id,
            )


RENAMED = {
    "Gemini Enterprise Agent Platform": "Vertex AI",
    "Agent Platform": "Vertex AI",
    "Agent Studio": "Vertex AI Studio",
    "Agent Search": "Vertex AI Search",
    "Agent Runtime": "Vertex AI Agent Engine",
}


FORMERLY = {
    "Dataplex Universal Catalog": "Knowledge Catalog",
    # 2026: Dataproc on Compute Engine and Serverless for Apache Spark became one product
    "Dataproc": "Managed Service for Apache Spark",
    "Serverless for Apache Spark": "Managed Service for Apache Spark",
    # 2026: Google AI Edge's PyTorch converter and quantizer took the LiteRT name
    "AI Edge Torch": "LiteRT Torch",
    "AI Edge Quantizer": "LiteRT Quantizer",
}

_FORMERLY_NOTE = re.compile(r"\(formerly\s[^)]*\)")


@rule("IW018", "naming.outline", options={"renamed": RENAMED, "formerly": FORMERLY})
def outline_names(item: Item, ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Products are named as in the exam outline, the same way in every item. Google renamed
    Vertex AI and several of its products in 2026 (Gemini Enterprise Agent Platform, Agent
    Studio, Agent Search, ...); the certification follows its outline, which keeps the Vertex AI
    names, so items use those (``renamed`` maps each new name to the outline's). A product the
    outline does not name goes by its current name in Google's documentation; when it was
    renamed recently, the former name follows in parentheses so that candidates who studied
    older material recognise it (``formerly`` maps each former name to the current one).
    References may point to either documentation site.

    Bad: "Deploy the model to an Agent Platform endpoint."
    Good: "Deploy the model to a Vertex AI endpoint."
    Bad: "A data profile scan in Dataplex Universal Catalog."
    Good: "A data profile scan in Knowledge Catalog (formerly Dataplex Universal Catalog)."
    Good: "A Managed Service for Apache Spark (formerly Dataproc Serverless) batch."
    """
    texts = [(("stem",), item.stem)] + [
        (("options", n, "text"), o.text) for n, o in enumerate(item.options)
    ]
    renamed: dict[str, str] = dict(opts["renamed"])
    for path, text in texts:
        for new in sorted(renamed, key=len, reverse=True):
            if new in text:
                where = "the stem" if path == ("stem",) else f"option {item.options[path[1]].id}"
                yield Finding(
                    f"{where} says {new!r}; the exam outline names it {renamed[new]!r} (see the"
                    " naming policy in the authoring guide)",
                    path,
                )
                break
    for path, text in texts:
        unnoted = _FORMERLY_NOTE.sub("", text)  # the text without its "(formerly ...)" notes
        for former, current in dict(opts["formerly"]).items():
            if former in unnoted:
                where = "the stem" if path == ("stem",) else f"option {item.options[path[1]].id}"
                yield Finding(
                    f"{where} says {former!r}, which Google renamed {current!r}; write"
                    f" '{current} (formerly {former})' (see the naming policy in the authoring"
                    " guide)",
                    path,
                )
