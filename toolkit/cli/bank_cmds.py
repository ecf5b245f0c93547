"""``qbank list``, ``qbank show``, ``qbank new``, ``qbank summary`` and ``qbank blueprint``."""

from __future__ import annotations

import json

import click

from ..bank.store import Bank
from ..scaffold import ScaffoldError, new_item
from ..summary import STATUSES, TYPES, BankSummary, summarize
from ..table import render_table
from ..validate import display_path
from ..vocab import Exposure, ItemType
from .common import QbankUsageError, bank_option, emit, format_option, load_report, out_option


def _load(bank_dir: str) -> Bank:
    """Load the bank, leaving out invalid items with a note on stderr."""
    return load_report(bank_dir, note_invalid=True).bank


def _check_ids(bank: Bank, **given: str | None) -> None:
    """Refuse a domain, topic or goal id that the blueprint does not have (with a hint)."""
    from ..suggest import did_you_mean

    bp = bank.blueprint
    known = {
        "domain": [d.id for d in bp.domains],
        "topic": [t.id for d in bp.domains for t in d.topics],
        "goal": list(bp.goals),
    }
    for kind, value in given.items():
        if value is None or value in known[kind]:
            continue
        hint = did_you_mean(value, known[kind])
        for other, ids in known.items():
            if other != kind and value in ids:
                hint = f"; {value} is a {other} id: use --{other} {value}"
        raise QbankUsageError(f"--{kind} {value}: no such {kind} in the blueprint{hint}")


def _excerpt(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


@click.command("list")
@bank_option
@click.option("--domain", help="Domain id, e.g. 4.")
@click.option("--topic", help="Topic id, e.g. 4.2.")
@click.option("--goal", help="Learning goal id, e.g. 4.2.1.")
@click.option("--status", type=click.Choice(STATUSES), multiple=True, help="Repeatable.")
@click.option("--type", "item_type", type=click.Choice(TYPES))
@click.option("--exposure", type=click.Choice([str(e) for e in Exposure]))
@format_option(["table", "json"], default="table")
def list_items(
    bank_dir: str,
    domain: str | None,
    topic: str | None,
    goal: str | None,
    status: tuple[str, ...],
    item_type: str | None,
    exposure: str | None,
    fmt: str,
) -> None:
    """List items, filtered by domain, topic, goal, status, type or exposure."""
    bank = _load(bank_dir)
    _check_ids(bank, domain=domain, topic=topic, goal=goal)
    items = bank.filter(
        domain=domain,
        topic=topic,
        goal=goal,
        status=status or None,
        type=item_type,
        exposure=exposure,
    )
    if fmt == "json":
        rows = [
            {
                "id": i.id,
                "version": i.version,
                "status": i.status,
                "type": i.type,
                "learning_goal": i.learning_goal,
                "exposure": i.exposure,
                "authors": list(i.authors),
                "path": i.path,
                "stem": i.stem,
            }
            for i in items
        ]
        emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    rows2 = [
        (
            i.id,
            i.learning_goal,
            i.status,
            "MS" if i.type == ItemType.MULTIPLE_SELECT else "MC",
            i.version,
            i.exposure,
            _excerpt(i.stem),
        )
        for i in items
    ]
    emit(render_table(["id", "goal", "status", "type", "v", "exposure", "stem"], rows2))
    click.echo(f"{len(items)} item(s)", err=True)


@click.command("show")
@bank_option
@click.argument("item_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--no-key", is_flag=True, help="Leave out the key, rationales and reviews.")
@click.option(
    "--options-only",
    is_flag=True,
    help="Only the options (no stem, no key): the reviewers' options-only probe.",
)
@click.option(
    "--masked",
    is_flag=True,
    help="No key, and product names, settings and code replaced by tokens such as [T3]: the"
    " test-wise probe without product knowledge.",
)
def show(
    bank_dir: str, item_ids: tuple[str, ...], no_key: bool, options_only: bool, masked: bool
) -> None:
    """Print items in full (or without their key, for screen sharing and blind review)."""
    from ..itemtext import item_text
    from ..masking import common_words
    from ..suggest import did_you_mean

    bank = _load(bank_dir)
    common: frozenset[str] = frozenset()
    if masked:
        common = common_words(t for i in bank.items for t in (i.stem, *(o.text for o in i.options)))
    out = []
    for item_id in item_ids:
        if item_id not in bank.by_id:
            raise QbankUsageError(
                f"no item {item_id!r} in {bank_dir}{did_you_mean(item_id, bank.by_id)}"
            )
        out.append(
            item_text(
                bank.by_id[item_id],
                show_key=not no_key,
                options_only=options_only,
                masked=masked,
                common=common,
            )
        )
    click.echo("\n".join(out), nl=False)


@click.command("new")
@bank_option
@click.option("--goal", required=True, help="Learning goal id, e.g. 1.1.1.")
@click.option(
    "--type", "item_type", type=click.Choice(TYPES), default="multiple_choice", show_default=True
)
@click.option("--author", help="Author name (default: git user.name).")
def new(bank_dir: str, goal: str, item_type: str, author: str | None) -> None:
    """Scaffold a draft item with the next free id in the goal's folder."""
    bank = _load(bank_dir)
    try:
        path = new_item(bank, goal, item_type, author)
    except ScaffoldError as exc:
        raise QbankUsageError(str(exc)) from None
    click.echo(display_path(path))


@click.command("summary")
@bank_option
@format_option(["table", "json"], default="table")
@out_option
def summary(bank_dir: str, fmt: str, out: str | None) -> None:
    """Summarize the bank: items per domain, status, type and exposure."""
    bank = _load(bank_dir)
    s = summarize(bank)
    if fmt == "json":
        text = json.dumps(s.to_dict(), indent=2) + "\n"
    else:
        text = _summary_table(bank, s)
    emit(text, out)


def _summary_table(bank: Bank, s: BankSummary) -> str:
    exam = bank.blueprint.exam
    head = (
        f"{exam.vendor} {exam.name} ({exam.code}): {s.items} items, "
        f"{s.by_status['approved']} approved, {s.by_exposure['public']} public\n"
    )
    rows = [
        (
            d.id,
            d.title[:44],
            f"{d.weight:g}%",
            d.items,
            d.approved,
            f"{d.goals_covered}/{d.goals}",
            d.by_type["multiple_select"],
            d.by_status["draft"] + d.by_status["review"],
            d.by_status["retired"],
            d.public,
        )
        for d in s.domains
    ]
    return head + render_table(
        [
            "domain",
            "title",
            "weight",
            "items",
            "approved",
            "goals covered",
            "MS",
            "draft/review",
            "retired",
            "public",
        ],
        rows,
        "llrrrrrrrr",
    )


@click.command("blueprint")
@bank_option
@click.option("--domain", help="Only this domain, e.g. 4.")
@click.option("--topic", help="Only this topic, e.g. 4.2.")
@click.option("--goals/--no-goals", default=True, show_default=True, help="List learning goals.")
@format_option(["table", "json"], default="table")
def blueprint(bank_dir: str, domain: str | None, topic: str | None, goals: bool, fmt: str) -> None:
    """Show the exam blueprint: domains with weights, topics and learning goals."""
    bank = _load(bank_dir)
    _check_ids(bank, domain=domain, topic=topic)
    bp = bank.blueprint
    domains = [d for d in bp.domains if domain is None or d.id == domain]
    if fmt == "json":
        data = [
            {
                "id": d.id,
                "title": d.title,
                "weight": d.weight,
                "topics": [
                    {
                        "id": t.id,
                        "title": t.title,
                        "goals": [{"id": g.id, "level": g.level, "text": g.text} for g in t.goals],
                    }
                    for t in d.topics
                    if topic is None or t.id == topic
                ],
            }
            for d in domains
        ]
        emit(json.dumps(data, indent=2) + "\n")
        return
    rows: list[tuple[str, str, str, str]] = []
    for d in domains:
        if topic is None or topic.split(".")[0] == d.id:
            rows.append((d.id, "domain", f"{d.weight}%", d.title))
        for t in d.topics:
            if topic is not None and t.id != topic:
                continue
            rows.append((t.id, "topic", "", f"  {t.title}"))
            if goals:
                rows += [(g.id, g.level, "", f"    {_excerpt(g.text, 90)}") for g in t.goals]
    emit(render_table(["id", "kind/level", "weight", "title"], rows))


commands = [list_items, show, new, summary, blueprint]
