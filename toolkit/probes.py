"""Knowledge-free test-wiseness probes: how often a simple cue, with no subject knowledge at all,
finds the key.

Human (or model) reviewers who know the products cannot switch that knowledge off, so their
"test-wise" guesses overstate how guessable an item is. These probes are mechanical instead:
each scores the options of an item by one surface cue that test-wise candidates are known to
use (the longest option, the one most like the others, the one that repeats the stem's words,
...) and picks the top one (the top ``select`` for multiple select). Over a bank, a probe's hit
rate should be near chance (1 in 4 for four options, 1 in 10 for choose two of five); a rate far
above chance is a cue candidates can learn, and a rate far below chance is one too (they learn
to avoid it).

Ties are scored exactly: when several options share the deciding score, the probe picks among
them at random and its hit counts with the probability that the random pick is the key.

Each probe is a registered unit (``PROBES``): adding one means adding one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import comb

from .bank.model import Item
from .lint.text import content_words
from .registry import Registry, Unit
from .vocab import ItemType, Status

ProbeFunc = Callable[[Item], list[float]]
Probe = Unit[ProbeFunc]

PROBES: Registry[ProbeFunc] = Registry("probe", modules=("toolkit.probes",))


def probe(code: str, name: str) -> Callable[[ProbeFunc], ProbeFunc]:
    """Register ``func(item) -> one score per option`` (the probe picks the highest)."""
    return PROBES.register(code, name)


@probe("TW01", "longest")
def longest(item: Item) -> list[float]:
    """Pick the longest option ("the most complete answer is right")."""
    return [float(len(o.text.strip())) for o in item.options]


@probe("TW02", "shortest")
def shortest(item: Item) -> list[float]:
    """Pick the shortest option (the counter-cue of a bank whose writers avoid long keys)."""
    return [-float(len(o.text.strip())) for o in item.options]


@probe("TW03", "convergence")
def convergence(item: Item) -> list[float]:
    """Pick the option that shares most words with the other options: when each distractor
    changes one element of the key, the key is the "centre" of the options."""
    words = [content_words(o.text) for o in item.options]
    scores = []
    for i, w in enumerate(words):
        others = [x for j, x in enumerate(words) if j != i]
        scores.append(sum(len(w & x) / max(1, len(w | x)) for x in others) / max(1, len(others)))
    return scores


@probe("TW04", "stem-echo")
def stem_echo(item: Item) -> list[float]:
    """Pick the option whose words the stem uses most (share of the option's content words
    that also occur in the stem): the key that repeats the stem's distinctive words."""
    stem = content_words(item.stem)
    return [len(w & stem) / max(1, len(w)) for w in (content_words(o.text) for o in item.options)]


def unique_echoes(item: Item) -> list[set[str]]:
    """For each option, the stem's content words that it uses and no other option does (what
    TW05 counts; an author removing the cue makes every set empty or shares the words)."""
    stem = content_words(item.stem)
    words = [content_words(o.text) & stem for o in item.options]
    return [
        w - set().union(*(x for j, x in enumerate(words) if j != i)) for i, w in enumerate(words)
    ]


@probe("TW05", "unique-echo")
def unique_echo(item: Item) -> list[float]:
    """Pick the option with most stem words that no other option uses (an echo only the key
    has)."""
    return [float(len(w)) for w in unique_echoes(item)]


def _units(codes: Sequence[str] | None) -> list[Probe]:
    """The probes of ``codes`` (all registered probes when None or empty)."""
    return [PROBES.get(c) for c in codes] if codes else list(PROBES.by_code().values())


def _key(item: Item) -> list[int]:
    return [n for n, o in enumerate(item.options) if o.correct]


def hit_probability(scores: Sequence[float], keys: Iterable[int], k: int) -> float:
    """Probability that picking the ``k`` highest scores (ties broken at random) picks exactly
    the options ``keys``."""
    keys = set(keys)
    if len(keys) != k or not 0 < k <= len(scores):
        return 0.0
    sure, tied = map(set, picked(scores, k))
    need = k - len(sure)
    if not sure <= keys or not keys - sure <= tied or len(keys - sure) != need:
        return 0.0
    return 1.0 / comb(len(tied), need)


def picked(scores: Sequence[float], k: int) -> tuple[list[int], list[int]]:
    """What a probe that picks the ``k`` highest scores takes: the options it takes for sure, and
    the options tied at the cut among which it picks the rest at random (empty when no tie)."""
    if not 0 < k <= len(scores):
        return [], []
    cut = sorted(scores, reverse=True)[k - 1]
    above = [i for i, s in enumerate(scores) if s > cut]
    tied = [i for i, s in enumerate(scores) if s == cut]
    if len(above) + len(tied) == k:
        return sorted(above + tied), []
    return above, tied


def chance(item: Item) -> float:
    """The hit probability of a blind guess."""
    return 1.0 / comb(len(item.options), len(item.key))


@dataclass(frozen=True)
class ProbeResult:
    """One probe over a set of items of one type."""

    code: str
    name: str
    item_type: str
    items: int
    hits: float
    """Expected number of hits (ties count fractionally)."""
    chance: float
    """Expected hits of blind guessing."""
    variance: float
    """Variance of the number of hits of blind guessing (for :attr:`z`)."""

    @property
    def rate(self) -> float:
        return self.hits / self.items if self.items else 0.0

    @property
    def chance_rate(self) -> float:
        return self.chance / self.items if self.items else 0.0

    @property
    def z(self) -> float:
        """Standard score of the hits against blind guessing: beyond about +-2 the probe does
        better (or worse) than chance by more than luck explains."""
        return (self.hits - self.chance) / self.variance**0.5 if self.variance else 0.0


def run_probes(items: Iterable[Item], codes: Sequence[str] | None = None) -> list[ProbeResult]:
    """Every probe (or those of ``codes``) over ``items`` (retired items left out), per type."""
    live = [i for i in items if i.status != Status.RETIRED and i.key]
    out = []
    for unit in _units(codes):
        for typ in (ItemType.MULTIPLE_CHOICE, ItemType.MULTIPLE_SELECT):
            group = [i for i in live if i.type == typ]
            if not group:
                continue
            hits = 0.0
            for it in group:
                key = _key(it)
                hits += hit_probability(unit.func(it), key, len(key))
            out.append(
                ProbeResult(
                    unit.code,
                    unit.name,
                    str(typ),
                    len(group),
                    hits,
                    sum(chance(i) for i in group),
                    sum(chance(i) * (1 - chance(i)) for i in group),
                )
            )
    return out


def item_hits(item: Item, codes: Sequence[str] | None = None) -> dict[str, float]:
    """For one item, the probability that each probe finds its key."""
    key = _key(item)
    return {u.code: hit_probability(u.func(item), key, len(key)) for u in _units(codes)}


@dataclass(frozen=True)
class ProbePick:
    """What one probe picks in one item, for an author revising it."""

    code: str
    name: str
    sure: tuple[str, ...]
    """Option ids the probe takes whatever the tie-break."""
    tied: tuple[str, ...]
    """Option ids tied at the cut; the probe takes ``draw`` of them at random."""
    draw: int
    """How many options the probe draws from ``tied`` (0 when there is no tie)."""
    hit: float
    """Probability that the probe's pick is exactly the key."""


def explain_item(item: Item, codes: Sequence[str] | None = None) -> list[ProbePick]:
    """Per probe, which options it picks in ``item`` and how likely that is the key: the view an
    author needs to see where a cue points (a probe that reliably picks a distractor is a cue
    too, because candidates learn to avoid what it points at)."""
    key = _key(item)
    k = len(key) or 1
    ids = [o.id for o in item.options]
    out = []
    for u in _units(codes):
        scores = u.func(item)
        sure, tied = picked(scores, k)
        out.append(
            ProbePick(
                u.code,
                u.name,
                tuple(ids[i] for i in sure),
                tuple(ids[i] for i in tied),
                k - len(sure) if tied else 0,
                hit_probability(scores, key, len(key)),
            )
        )
    return out
