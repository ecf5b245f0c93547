"""The blueprint and coverage page, and a page per learning goal listing its items.

Secure items are shown by their metadata and statistics only; public practice items in full,
their text through the ``qbank-item`` fence and their key and rationales in a collapsible
block (``??? note``)."""

from __future__ import annotations

import html
from collections import Counter

from ..bank.model import Item
from ..bank.store import Bank
from ..blueprint import Goal
from ..coverage import domain_targets
from ..vocab import Exposure, ItemType, Status
from . import charts
from .fence import answer_block, item_block
from .model import Section
from .text import admonition, esc, num, pct, table

GOALS_DIR = "bank/goals"


def goal_page(goal_id: str) -> str:
    return f"{GOALS_DIR}/{goal_id}.md"


def _rule_options(code: str) -> dict[str, object]:
    from ..lint import rules_by_code

    return dict(rules_by_code()[code].options)


def coverage_section(bank: Bank) -> Section:
    """``bank/index.md``: the exam, domains with weights and targets, topics and every goal."""
    sec = Section()
    bp = bank.blueprint
    min_per_goal = int(_rule_options("BP001")["min_approved"])  # type: ignore[call-overload]
    bp2 = _rule_options("BP002")
    forms, length = int(bp2["forms"]), int(bp2["form_length"]) or bp.exam.form_length  # type: ignore[call-overload]
    ms_band = _rule_options("BP004")
    targets = domain_targets(bp, forms, length)
    live = [i for i in bank.items if i.status != Status.RETIRED]
    by_goal: dict[str, Counter[str]] = {g: Counter() for g in bp.goals}
    for it in live:
        by_goal.setdefault(it.learning_goal, Counter())[it.status] += 1

    def count(goal_ids: list[str], status: str) -> int:
        return sum(by_goal[g][status] for g in goal_ids)

    approved = [i for i in live if i.status == Status.APPROVED]
    e = bp.exam
    out = [
        f"# Blueprint and coverage: {esc(e.name)}",
        "",
        f"Exam code {esc(e.code)}; forms of {e.form_length} items; item types:"
        f" {esc(', '.join(e.item_types))}; scoring: {esc(e.scoring)}."
        + (f" Source: {esc(e.source)}." if e.source else ""),
        "",
        f"The bank holds {len(bank.items)} items ({len(approved)} approved,"
        f" {sum(1 for i in live if i.status == Status.REVIEW)} in review,"
        f" {sum(1 for i in live if i.status == Status.DRAFT)} draft,"
        f" {len(bank.items) - len(live)} retired) on {len(bp.goals)} learning goals.",
        f"Targets: {forms} disjoint forms of {length} items need ceil({forms} x {length} x weight)"
        f" approved items per domain; every goal needs at least {min_per_goal} approved items"
        " (lint rules BP001 and BP002).",
        "",
        "## Domains",
        "",
    ]
    labels = [f"D{d.id}" for d in bp.domains]
    rows = []
    a_counts, r_counts, d_counts = [], [], []
    for d in bp.domains:
        ids = [g.id for g in d.goals]
        a, r, dr = (count(ids, s) for s in (Status.APPROVED, Status.REVIEW, Status.DRAFT))
        a_counts.append(a)
        r_counts.append(r)
        d_counts.append(dr)
        ms = sum(
            1 for i in approved if i.type == ItemType.MULTIPLE_SELECT and _domain(bank, i) == d.id
        )
        rows.append(
            [
                esc(d.id),
                esc(d.title),
                f"{d.weight:g} %",
                str(targets[d.id]),
                str(a),
                str(r),
                str(dr),
                str(max(0, targets[d.id] - a)),
                pct(ms, a),
            ]
        )
    out += table(
        [
            "domain",
            "title",
            "weight",
            "target",
            "approved",
            "review",
            "draft",
            "gap",
            "multiple_select",
        ],
        rows,
        "llrrrrrrr",
    )
    sec.files["bank/charts/coverage.svg"] = charts.grouped_bars(
        labels,
        {
            "target": [targets[d.id] for d in bp.domains],
            "approved": a_counts,
            "in review": r_counts,
            "draft": d_counts,
        },
        title="Approved items against targets, per domain",
        ylabel="items",
        stacked=("in review", "draft"),
    )
    out += ["![Approved items against targets per domain](charts/coverage.svg)", ""]

    levels = sorted({g.level for g in bp.goals.values()})
    level_counts = {
        lvl: [
            sum(
                1
                for i in approved
                if _goal(bank, i) and _goal(bank, i).level == lvl and _domain(bank, i) == d.id
            )  # type: ignore[union-attr]
            for d in bp.domains
        ]
        for lvl in levels
    }
    goal_mix = {
        lvl: [sum(1 for g in d.goals if g.level == lvl) for d in bp.domains] for lvl in levels
    }
    out += ["## Cognitive levels and item types", ""]
    rows = []
    for k, d in enumerate(bp.domains):
        n = sum(level_counts[lvl][k] for lvl in levels)
        ng = len(d.goals)
        rows.append(
            [esc(d.id)]
            + [f"{pct(level_counts[lvl][k], n)} ({pct(goal_mix[lvl][k], ng)})" for lvl in levels]
        )
    out += [
        "Share of approved items per cognitive level, with the share of the domain's goals at"
        " that level in brackets (lint rule BP003 compares them).",
        "",
        *table(["domain", *map(esc, levels)], rows, "l" + "r" * len(levels)),
    ]
    sec.files["bank/charts/levels.svg"] = charts.shares(
        labels, level_counts, title="Cognitive level of approved items, per domain"
    )
    ms_counts = [
        sum(1 for i in approved if i.type == ItemType.MULTIPLE_SELECT and _domain(bank, i) == d.id)
        for d in bp.domains
    ]
    sec.files["bank/charts/types.svg"] = charts.shares(
        labels,
        {
            "multiple_select": ms_counts,
            "multiple_choice": [a - m for a, m in zip(a_counts, ms_counts, strict=True)],
        },
        title="Item types of approved items, per domain (shaded: BP004 range of multiple_select)",
        band=(float(ms_band["min_share"]), float(ms_band["max_share"])),  # type: ignore[arg-type]
    )
    out += [
        "![Cognitive level mix per domain](charts/levels.svg)",
        "",
        "![Item types per domain](charts/types.svg)",
        "",
        "## Topics and learning goals",
        "",
    ]
    for d in bp.domains:
        out += [f"### Domain {esc(d.id)}: {esc(d.title)}", ""]
        for t in d.topics:
            ids = [g.id for g in t.goals]
            out += [
                f"#### Topic {esc(t.id)}: {esc(t.title)}",
                "",
                f"{count(ids, Status.APPROVED)} approved of {min_per_goal * len(ids)} targeted.",
                "",
            ]
            rows = []
            for g in t.goals:
                c = by_goal[g.id]
                rows.append(
                    [
                        f"[{esc(g.id)}](goals/{g.id}.md)",
                        esc(g.level),
                        esc(g.text),
                        str(c[Status.APPROVED]),
                        str(c[Status.REVIEW]),
                        str(c[Status.DRAFT]),
                        str(min_per_goal),
                    ]
                )
            out += table(
                ["goal", "level", "learning goal", "approved", "review", "draft", "target"],
                rows,
                "lllrrrr",
            )
    sec.page("bank/index.md", out)
    sec.nav.append({"Blueprint and coverage": "bank/index.md"})
    return sec


def _goal(bank: Bank, item: Item) -> Goal | None:
    return bank.blueprint.goals.get(item.learning_goal)


def _domain(bank: Bank, item: Item) -> str:
    g = _goal(bank, item)
    return g.domain_id if g else ""


def _stats_cells(item: Item) -> list[str]:
    s = item.stats
    if s is None:
        return ["–"] * 6
    if not s.applies_to(item.version):
        return [f"stats of v{s.item_version}", "–", "–", "–", "–", "–"]
    return [
        str(s.n) if s.n is not None else "–",
        num(s.p_value),
        num(s.point_biserial),
        num(s.a),
        num(s.b),
        esc(", ".join(s.flags)) if s.flags else "",
    ]


def _public_item(item: Item) -> list[str]:
    """A practice item in full: the stem and options, then the key and rationales folded."""
    options = [{"id": o.id, "text": o.text} for o in item.options]
    answers = [
        {"id": o.id, "text": o.text, "correct": o.correct, "rationale": o.rationale}
        for o in item.options
    ]
    head = f"### {esc(item.id)}"
    kind = f"Choose {item.select}." if item.type == ItemType.MULTIPLE_SELECT else "Choose one."
    return [
        head,
        "",
        f"*Practice item, version {item.version}, {esc(item.type)}. {kind}*",
        "",
        item_block(item.stem, options),
        "",
        *admonition("note", "Answer and rationales", answer_block(answers).split("\n"), True),
    ]


def nav_title(text: str, limit: int = 72) -> str:
    """A nav title: shortened at a word, HTML-escaped (mkdocs templates do not escape it)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return html.escape(text)


def goal_sections(bank: Bank) -> Section:
    """One page per learning goal, grouped in the nav by domain."""
    sec = Section()
    items_by_goal: dict[str, list[Item]] = {}
    for it in bank.items:
        items_by_goal.setdefault(it.learning_goal, []).append(it)
    domain_nav = []
    for d in bank.blueprint.domains:
        entries = []
        for t in d.topics:
            for g in t.goals:
                items = items_by_goal.get(g.id, [])
                out = [
                    f"# {esc(g.id)} {esc(g.text)}",
                    "",
                    f"Domain {esc(d.id)} ({esc(d.title)}), topic {esc(t.id)} ({esc(t.title)});"
                    f" cognitive level: {esc(g.level)}. {len(items)} item(s).",
                    "",
                ]
                if items:
                    rows = [
                        [
                            esc(it.id),
                            esc(it.status),
                            str(it.version),
                            esc(it.type),
                            esc(it.exposure),
                            *_stats_cells(it),
                        ]
                        for it in items
                    ]
                    out += table(
                        [
                            "id",
                            "status",
                            "version",
                            "type",
                            "exposure",
                            "n",
                            "p",
                            "r_pb",
                            "a",
                            "b",
                            "flags",
                        ],
                        rows,
                        "llrllrrrrrl",
                    )
                    out += [
                        "Statistics come from the item's latest calibration (its `stats`), for"
                        " the version it was calibrated on. Secure items are listed by their"
                        " metadata only: their text, options, keys and rationales are never"
                        " published.",
                        "",
                    ]
                else:
                    out += ["No items yet.", ""]
                public = [it for it in items if it.exposure == Exposure.PUBLIC]
                if public:
                    out += ["## Practice items", ""]
                    for it in public:
                        out += _public_item(it)
                sec.page(goal_page(g.id), out)
                entries.append({nav_title(f"{g.id} {g.text}"): goal_page(g.id)})
        domain_nav.append({nav_title(f"Domain {d.id}: {d.title}"): entries})
    sec.nav.append({"Items by learning goal": domain_nav})
    return sec
