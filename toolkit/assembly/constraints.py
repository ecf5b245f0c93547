"""Assembly constraints: registered units of the project's one registry.

Each unit is a class with a code (``AC04``), a name (``blueprint.domain-counts``), options with
defaults, and a docstring. It may

- leave items out of the pool (``eligible``: returns the reason, or ``None``),
- add rows to the model (``build``), labelled so that an infeasible request can say which
  constraint could not be met and by how much,
- check assembled forms (``verify``: yields what is wrong); the form report and the tests run
  every unit's check on every form produced.

Units whose scope is ``mandatory`` cannot be switched off in a specification (public practice
items never go on an operational form; enemies never share a form; only approved items).
Adding a constraint is one decorated class here and one test.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

from ..registry import Registry, Unit
from ..vocab import Exposure, ItemType, Status

if TYPE_CHECKING:
    from ..bank.model import Item
    from .context import AssemblyContext

Opts = dict[str, Any]
Forms = Mapping[str, Sequence["Item"]]
"""Assembled forms: form id -> its items."""


class Constraint:
    """Base of the constraint units: every hook does nothing."""

    def eligible(self, item: Item, ctx: AssemblyContext, o: Opts) -> str | None:
        return None

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        return None

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        return iter(())


ConstraintType = type[Constraint]
CONSTRAINTS: Registry[Callable[..., Constraint]] = Registry(
    "assembly constraint", config_key="name"
)
MANDATORY = "mandatory"
OPTIONAL = "optional"


def constraint(
    code: str, name: str, *, mandatory: bool = False, **options: Any
) -> Callable[[ConstraintType], ConstraintType]:
    """Register a constraint class."""
    return CONSTRAINTS.register(  # type: ignore[return-value]
        code, name, options=options, scope=MANDATORY if mandatory else OPTIONAL
    )


def instance(unit: Unit[Any]) -> Constraint:
    return unit.func()  # type: ignore[no-any-return]


def _bound(x: float, up: bool) -> int:
    return math.floor(x + 1e-9) if up else math.ceil(x - 1e-9)


# ----------------------------------------------------------------------------- eligibility


@constraint("AC01", "eligible.approved", mandatory=True)
class Approved(Constraint):
    """Only ``approved`` items, at the version the bank holds now: each form entry pins that
    version and its content hash, so a later edit of the item is detected when the form is
    used (export, scoring)."""

    def eligible(self, item: Item, ctx: AssemblyContext, o: Opts) -> str | None:
        return None if item.status == Status.APPROVED else f"status {item.status}"

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            for it in items:
                current = ctx.bank.by_id.get(it.id)
                if it.status != Status.APPROVED:
                    yield f"form {f}: {it.id} is {it.status}, not approved"
                elif current is None or current.content_hash != it.content_hash:
                    yield f"form {f}: {it.id} is not the bank's current version"


@constraint("AC02", "eligible.secure-only", mandatory=True)
class SecureOnly(Constraint):
    """Public practice items (``exposure: public``) never go on an operational form: candidates
    may have seen them, with their keys."""

    def eligible(self, item: Item, ctx: AssemblyContext, o: Opts) -> str | None:
        return None if item.exposure != Exposure.PUBLIC else "public practice item"

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            for it in items:
                if it.exposure == Exposure.PUBLIC:
                    yield f"form {f}: {it.id} is a public practice item"


@constraint("AC03", "exposure.history", max_uses=3, window=0)
class History(Constraint):
    """Exposure limit from the form history (the specification's ``history``: earlier form
    files or folders of them, oldest first): an item may be on at most ``max_uses`` forms
    counting the last ``window`` forms of the history (0: all of it) and the new forms. Items
    already at the limit are left out; the others may go on ``max_uses`` minus their uses of
    the new forms."""

    def eligible(self, item: Item, ctx: AssemblyContext, o: Opts) -> str | None:
        used = ctx.history_uses.get(item.id, 0)
        if o["max_uses"] and used >= o["max_uses"]:
            return f"on {used} recent form(s), the limit is {o['max_uses']}"
        return None

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        if not o["max_uses"]:
            return
        for i, it in enumerate(ctx.items):
            room = o["max_uses"] - ctx.history_uses.get(it.id, 0)
            if room < ctx.n_forms:
                ctx.add(
                    ((ctx.x[i][f], 1.0) for f in range(ctx.n_forms)),
                    ub=room,
                    unit="AC03",
                    label=f"{it.id} (on {ctx.history_uses.get(it.id, 0)} recent forms) is on at"
                    f" most {room} new form(s)",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        if not o["max_uses"]:
            return
        uses = Counter(it.id for items in forms.values() for it in items)
        for item_id, n in sorted(uses.items()):
            total = n + ctx.history_uses.get(item_id, 0)
            if total > o["max_uses"]:
                yield f"{item_id} is on {total} forms counting the history; limit {o['max_uses']}"


# ----------------------------------------------------------------------------- per form


@constraint("AC04", "form.length", mandatory=True)
class Length(Constraint):
    """Every form has exactly the specification's ``length`` items (``--length``)."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        for f, fid in enumerate(ctx.form_ids):
            ctx.add(
                ctx.form_terms(f, range(len(ctx.items))),
                ctx.length,
                ctx.length,
                unit="AC04",
                label=f"form {fid} has {ctx.length} items",
                soft=False,
            )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            if len(items) != ctx.length:
                yield f"form {f} has {len(items)} items, not {ctx.length}"
            dup = [k for k, n in Counter(it.id for it in items).items() if n > 1]
            if dup:
                yield f"form {f} holds {', '.join(sorted(dup))} more than once"


@constraint("AC05", "blueprint.domain-counts", tolerance=0)
class DomainCounts(Constraint):
    """Each form holds, from each domain, the domain's weight share of its items, rounded by
    the largest-remainder rule (:func:`toolkit.blueprint.largest_remainder`: 60 items at
    12/16/18/26/28 % give 7/9/11/16/17), give or take ``tolerance`` items."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        by_domain = ctx.grouped(lambda it: ctx.goal(it).domain_id)
        for d in ctx.bank.blueprint.domains:
            n = ctx.domain_counts[d.id]
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ctx.form_terms(f, by_domain.get(d.id, [])),
                    n - o["tolerance"],
                    n + o["tolerance"],
                    unit="AC05",
                    label=f"form {fid}: domain {d.id} has {n} items ({d.weight:g}% of"
                    f" {ctx.length})",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            have = Counter(ctx.goal(it).domain_id for it in items)
            for d, n in ctx.domain_counts.items():
                if abs(have[d] - n) > o["tolerance"]:
                    yield f"form {f}: domain {d} has {have[d]} items; the blueprint asks {n}"


@constraint("AC06", "blueprint.topic-minimum", min_items=1)
class TopicMinimum(Constraint):
    """Each form has at least ``min_items`` items on every topic of the blueprint."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        by_topic = ctx.grouped(lambda it: ctx.goal(it).topic_id)
        for t in ctx.bank.blueprint.topics:
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ctx.form_terms(f, by_topic.get(t, [])),
                    o["min_items"],
                    unit="AC06",
                    label=f"form {fid}: topic {t} has at least {o['min_items']} item(s)",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            have = Counter(ctx.goal(it).topic_id for it in items)
            for t in ctx.bank.blueprint.topics:
                if have[t] < o["min_items"]:
                    yield f"form {f}: topic {t} has {have[t]} item(s); at least {o['min_items']}"


@constraint("AC07", "blueprint.goal-maximum", max_items=1)
class GoalMaximum(Constraint):
    """At most ``max_items`` items per learning goal on a form: items written to the same goal
    tend to cue each other (one item's stem or key gives away another's answer)."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        for g, idx in ctx.grouped(lambda it: it.learning_goal).items():
            if len(idx) <= o["max_items"]:
                continue
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ctx.form_terms(f, idx),
                    ub=o["max_items"],
                    unit="AC07",
                    label=f"form {fid}: at most {o['max_items']} item(s) on goal {g}",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            for g, n in sorted(Counter(it.learning_goal for it in items).items()):
                if n > o["max_items"]:
                    yield f"form {f}: {n} items on goal {g}; at most {o['max_items']}"


def level_targets(ctx: AssemblyContext) -> dict[str, float]:
    """Share of a form per cognitive level: each domain's share of the form times the share
    of its goals at that level."""
    out: dict[str, float] = {}
    for d in ctx.bank.blueprint.domains:
        share = ctx.domain_counts[d.id] / ctx.length if ctx.length else 0.0
        levels = Counter(g.level for g in d.goals)
        for level, n in levels.items():
            out[level] = out.get(level, 0.0) + share * n / len(d.goals)
    return dict(sorted(out.items()))


@constraint("AC08", "mix.cognitive-level", tolerance=0.1)
class CognitiveMix(Constraint):
    """The share of a form's items at each cognitive level (the goals' Implement, Analyze,
    Design) is within ``tolerance`` of the blueprint's share: each domain's share of the form
    times the share of its goals at that level."""

    def _bounds(self, t: float, ctx: AssemblyContext, o: Opts) -> tuple[int, int]:
        return (
            max(0, _bound((t - o["tolerance"]) * ctx.length, False)),
            _bound((t + o["tolerance"]) * ctx.length, True),
        )

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        by_level = ctx.grouped(lambda it: ctx.goal(it).level)
        for level, t in level_targets(ctx).items():
            lo, hi = self._bounds(t, ctx, o)
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ctx.form_terms(f, by_level.get(level, [])),
                    lo,
                    hi,
                    unit="AC08",
                    label=f"form {fid}: {lo}-{hi} items on {level} goals ({t:.0%} target)",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            have = Counter(ctx.goal(it).level for it in items)
            for level, t in level_targets(ctx).items():
                lo, hi = self._bounds(t, ctx, o)
                if not lo <= have[level] <= hi:
                    yield f"form {f}: {have[level]} items on {level} goals; target {lo}-{hi}"


@constraint("AC09", "mix.multiple-select", min_share=0.15, max_share=0.35)
class MultipleSelectShare(Constraint):
    """Between ``min_share`` and ``max_share`` of a form's items are multiple_select."""

    def _bounds(self, ctx: AssemblyContext, o: Opts) -> tuple[int, int]:
        return (
            _bound(o["min_share"] * ctx.length, False),
            _bound(o["max_share"] * ctx.length, True),
        )

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        ms = ctx.indices(lambda it: it.type == ItemType.MULTIPLE_SELECT)
        lo, hi = self._bounds(ctx, o)
        for f, fid in enumerate(ctx.form_ids):
            ctx.add(
                ctx.form_terms(f, ms),
                lo,
                hi,
                unit="AC09",
                label=f"form {fid}: {lo}-{hi} multiple_select items",
            )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        lo, hi = self._bounds(ctx, o)
        for f, items in forms.items():
            n = sum(it.type == ItemType.MULTIPLE_SELECT for it in items)
            if not lo <= n <= hi:
                yield f"form {f}: {n} multiple_select items; target {lo}-{hi}"


def mc_letters(items: Sequence[Item]) -> list[str]:
    """Option ids of the multiple_choice items (the key positions to balance)."""
    return sorted({o.id for it in items if it.type == ItemType.MULTIPLE_CHOICE for o in it.options})


@constraint("AC10", "keys.balance", tolerance=0.1)
class KeyBalance(Constraint):
    """Key positions are balanced within a form: among its multiple_choice items, the share
    keyed at each position (A, B, C, D) is within ``tolerance`` of an even share, so that
    "always pick C" earns nothing. (multiple_select keys are not counted.)"""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        mc = ctx.indices(lambda it: it.type == ItemType.MULTIPLE_CHOICE)
        letters = mc_letters(ctx.items)
        if not letters:
            return
        even = 1 / len(letters)
        hi, lo = even + o["tolerance"], max(0.0, even - o["tolerance"])
        for letter in letters:
            keyed = {i for i in mc if ctx.items[i].key == (letter,)}
            above = {i: (i in keyed) - hi for i in mc}
            below = {i: (i in keyed) - lo for i in mc}
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ctx.form_terms(f, mc, above),
                    ub=0.0,
                    unit="AC10",
                    label=f"form {fid}: at most {hi:.0%} of multiple_choice keys at {letter}",
                )
                if lo > 0:
                    ctx.add(
                        ctx.form_terms(f, mc, below),
                        lb=0.0,
                        unit="AC10",
                        label=f"form {fid}: at least {lo:.0%} of multiple_choice keys at {letter}",
                    )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        letters = mc_letters(ctx.items)
        if not letters:
            return
        even = 1 / len(letters)
        for f, items in forms.items():
            mc = [it for it in items if it.type == ItemType.MULTIPLE_CHOICE]
            keys = Counter(it.key[0] for it in mc if it.key)
            for letter in letters:
                share = keys[letter] / len(mc) if mc else 0.0
                if abs(share - even) > o["tolerance"] + 1e-9:
                    yield (
                        f"form {f}: {share:.0%} of multiple_choice keys at {letter};"
                        f" target {even:.0%} ± {o['tolerance']:.0%}"
                    )


@constraint("AC11", "enemies.apart", mandatory=True)
class Enemies(Constraint):
    """Items that name each other (either way) in ``enemies`` never share a form."""

    @staticmethod
    def pairs(items: Sequence[Item]) -> list[tuple[str, str]]:
        ids = {it.id for it in items}
        out = set()
        for it in items:
            for e in it.enemies:
                if e in ids and e != it.id:
                    out.add((min(it.id, e), max(it.id, e)))
        return sorted(out)

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        pos = {it.id: i for i, it in enumerate(ctx.items)}
        for a, b in self.pairs(ctx.items):
            for f, fid in enumerate(ctx.form_ids):
                ctx.add(
                    ((ctx.x[pos[a]][f], 1.0), (ctx.x[pos[b]][f], 1.0)),
                    ub=1,
                    unit="AC11",
                    label=f"form {fid}: enemies {a} and {b} not both",
                )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        for f, items in forms.items():
            for a, b in self.pairs(items):
                yield f"form {f}: enemies {a} and {b} are both on it"


# ----------------------------------------------------------------------------- across forms


def max_overlap(ctx: AssemblyContext, o: Opts) -> int:
    return _bound(o["max_share"] * ctx.length, True)


@constraint("AC12", "overlap.maximum", max_share=0.2)
class Overlap(Constraint):
    """Any two forms share at most ``max_share`` of their items (anchor items included)."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        m = max_overlap(ctx, o)
        for f, g in combinations(range(ctx.n_forms), 2):
            fid, gid = ctx.form_ids[f], ctx.form_ids[g]
            ys = []
            for i in range(len(ctx.items)):
                y = ctx.model.add_var(f"y[{i},{fid},{gid}]", integer=False)
                ctx.add(
                    ((y, 1.0), (ctx.x[i][f], -1.0), (ctx.x[i][g], -1.0)),
                    lb=-1,
                    unit="AC12",
                    label="overlap indicator",
                    soft=False,
                )
                ys.append(y)
            ctx.shared += ys
            ctx.add(
                ((y, 1.0) for y in ys),
                ub=m,
                unit="AC12",
                label=f"forms {fid} and {gid} share at most {m} items",
            )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        m = max_overlap(ctx, o)
        ids = {f: {it.id for it in items} for f, items in forms.items()}
        for f, g in combinations(sorted(ids), 2):
            n = len(ids[f] & ids[g])
            if n > m:
                yield f"forms {f} and {g} share {n} items; at most {m}"


@constraint("AC13", "overlap.anchors", items=0)
class Anchors(Constraint):
    """A block of ``items`` anchor items common to every form (for equating), spread over the
    domains by the blueprint weights with the same largest-remainder rule. 0: no anchor block."""

    def build(self, ctx: AssemblyContext, o: Opts) -> None:
        n = o["items"]
        if not n or ctx.n_forms < 2:
            return
        per_domain = ctx.bank.blueprint.domain_counts(n)
        by_domain = ctx.grouped(lambda it: ctx.goal(it).domain_id)
        zs: dict[str, list[int]] = {}
        for i, it in enumerate(ctx.items):
            z = ctx.model.add_var(f"z[{it.id}]")
            zs.setdefault(ctx.goal(it).domain_id, []).append(z)
            for f in range(ctx.n_forms):
                ctx.add(
                    ((z, 1.0), (ctx.x[i][f], -1.0)), ub=0, unit="AC13", label="anchor", soft=False
                )
        for d, k in per_domain.items():
            if not k:
                continue
            ctx.add(
                ((z, 1.0) for z in zs.get(d, [])),
                k,
                unit="AC13",
                label=f"{k} anchor item(s) from domain {d}"
                + ("" if by_domain.get(d) else " (it has no eligible items)"),
            )

    def verify(self, forms: Forms, ctx: AssemblyContext, o: Opts) -> Iterator[str]:
        n = o["items"]
        if not n or len(forms) < 2:
            return
        common = set.intersection(*({it.id for it in items} for items in forms.values()))
        if len(common) < n:
            yield f"the forms share {len(common)} items; the anchor block has {n}"
