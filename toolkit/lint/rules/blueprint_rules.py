"""Blueprint rules (BP): coverage of goals and domains, and the mix of items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from ...bank.model import Item
from ...blueprint import Blueprint
from ...coverage import coverage
from ...vocab import ItemType, Status
from ..engine import LintContext
from ..registry import Finding, rule

Opts = dict[str, Any]


def approved(ctx: LintContext) -> list[Item]:
    return [i for i in ctx.bank.items if i.status == Status.APPROVED]


def approved_by_domain(ctx: LintContext) -> dict[str, list[Item]]:
    """Approved items on blueprint goals, grouped by domain id (every domain present)."""
    bp = ctx.bank.blueprint
    out: dict[str, list[Item]] = {d.id: [] for d in bp.domains}
    for i in approved(ctx):
        if i.learning_goal in bp.goals:
            out[bp.goals[i.learning_goal].domain_id].append(i)
    return out


def goal_path(bp: Blueprint, goal_id: str) -> tuple[str | int, ...]:
    for di, d in enumerate(bp.domains):
        for ti, t in enumerate(d.topics):
            for gi, g in enumerate(t.goals):
                if g.id == goal_id:
                    return ("domains", di, "topics", ti, "goals", gi, "id")
    return ()


def domain_path(bp: Blueprint, domain_id: str) -> tuple[str | int, ...]:
    for di, d in enumerate(bp.domains):
        if d.id == domain_id:
            return ("domains", di, "id")
    return ()


@rule("BP001", "coverage.goal-minimum", scope="bank", options={"min_approved": 4})
def goal_minimum(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Every learning goal has at least ``min_approved`` approved items.

    Bad: goal 4.2.3 with 2 approved items.
    Good: 4 or more approved items on every goal (`qbank coverage` shows the gaps).
    """
    bp = ctx.bank.blueprint
    for r in coverage(ctx.bank, min_per_goal=opts["min_approved"]).rows:
        if r.level == "goal" and r.gap:
            yield Finding(
                f"goal {r.id} has {r.approved} approved item(s); target {r.target}",
                goal_path(bp, r.id),
                target="blueprint",
            )


@rule("BP002", "coverage.domain-forms", scope="bank", options={"forms": 3, "form_length": 0})
def domain_forms(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """Every domain has enough approved items to assemble ``forms`` disjoint forms.

    A form of ``form_length`` items (0: the blueprint's ``form_length``) holds each domain's
    weight share of its items, rounded by the largest-remainder rule that the assembler also
    uses (60 items at 12/16/18/26/28 % give 7/9/11/16/17), so 3 forms of 60 items need
    3 x 17 = 51 approved items in the 28% domain.

    Bad: domain 5 (28%) with 40 approved items for 3 forms of 60.
    Good: 51 or more.
    """
    bp = ctx.bank.blueprint
    cov = coverage(ctx.bank, forms=opts["forms"], form_length=opts["form_length"])
    weights = {d.id: d.weight for d in bp.domains}
    for r in cov.rows:
        if r.level == "domain" and r.gap:
            weight = weights[r.id]
            yield Finding(
                f"domain {r.id} has {r.approved} approved items; {cov.forms} forms of"
                f" {cov.form_length} items at {weight:g}% need {r.target}",
                domain_path(bp, r.id),
                target="blueprint",
            )


@rule(
    "BP003",
    "mix.cognitive-level",
    scope="bank",
    severity="warning",
    options={"tolerance": 0.15, "min_items": 10},
)
def cognitive_mix(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """In each domain, the share of approved items per cognitive level (Implement,
    Analyze, Design) follows the share of the domain's goals at that level, within
    ``tolerance``.

    Bad: a domain whose goals are 40% Design with 10% of its items on Design goals.
    Good: item shares close to the goal shares.
    """
    bp = ctx.bank.blueprint
    by_domain = approved_by_domain(ctx)
    for d in bp.domains:
        mine = by_domain[d.id]
        if len(mine) < opts["min_items"]:
            continue
        goal_share = Counter(g.level for g in d.goals)
        item_share = Counter(bp.goals[i.learning_goal].level for i in mine)
        for level, ng in sorted(goal_share.items()):
            want, got = ng / len(d.goals), item_share.get(level, 0) / len(mine)
            if abs(got - want) > opts["tolerance"]:
                yield Finding(
                    f"domain {d.id}: {got:.0%} of approved items are on {level} goals,"
                    f" but {want:.0%} of its goals are; target within"
                    f" {opts['tolerance']:.0%}",
                    domain_path(bp, d.id),
                    target="blueprint",
                )


@rule(
    "BP004",
    "mix.multiple-select",
    scope="bank",
    severity="warning",
    options={"min_share": 0.1, "max_share": 0.4, "min_items": 10},
)
def multiple_select_mix(ctx: LintContext, opts: Opts) -> Iterator[Finding]:
    """In each domain, between ``min_share`` and ``max_share`` of approved items are multiple_select.

    Bad: a domain with no multiple_select items.
    Good: about one item in five is multiple_select.
    """
    bp = ctx.bank.blueprint
    by_domain = approved_by_domain(ctx)
    for d in bp.domains:
        mine = by_domain[d.id]
        if len(mine) < opts["min_items"]:
            continue
        share = sum(i.type == ItemType.MULTIPLE_SELECT for i in mine) / len(mine)
        if not opts["min_share"] <= share <= opts["max_share"]:
            yield Finding(
                f"domain {d.id}: {share:.0%} of approved items are multiple_select;"
                f" target {opts['min_share']:.0%}-{opts['max_share']:.0%}",
                domain_path(bp, d.id),
                target="blueprint",
            )
