"""``qbank export`` and ``qbank import``."""

from __future__ import annotations

import click

from ..exchange import EXPORTERS, IMPORTERS
from .common import QbankUsageError, bank_option, load_report


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QbankUsageError(
                f"--set {pair!r}: write KEY=VALUE, e.g. --set partial_credit=true"
            )
        out[key.strip()] = value.strip()
    return out


@click.command("export")
@click.argument("form", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([u.name for u in EXPORTERS]),
    help="Delivery format.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=str),
    help="Where to write: a .zip (qti21, qti30, canvas), a folder (booklet) or a file.",
)
@click.option(
    "--items",
    "item_ids",
    multiple=True,
    metavar="ID[,ID...]",
    help="Export these items (repeatable or comma-separated) instead of a form.",
)
@click.option("--goal", help="Export the items of this learning goal instead of a form.")
@click.option(
    "--check",
    is_flag=True,
    help="Validate QTI against the official schemas (and other XML for well-formedness);"
    " nothing is written when it fails.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="A format option, e.g. --set partial_credit=true (see docs/delivery/).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=str),
    help="Configuration file (default: qbank.toml or pyproject.toml here).",
)
@bank_option
def export_cmd(
    form: str | None,
    fmt: str,
    out: str,
    item_ids: tuple[str, ...],
    goal: str | None,
    check: bool,
    settings: tuple[str, ...],
    config: str | None,
    bank_dir: str,
) -> None:
    """Export FORM (a form file from `qbank assemble`), or chosen items, to a delivery format."""
    from ..exchange.delivery import from_form, from_items
    from ..exchange.export import export, export_options

    ids = [i for chunk in item_ids for i in chunk.replace(",", " ").split()]
    if sum(bool(x) for x in (form, ids, goal)) != 1:
        raise QbankUsageError("give a form file, or --items, or --goal (exactly one of them)")
    options = export_options(fmt, _settings(settings), config)
    bank = load_report(bank_dir, note_invalid=True).bank
    if form:
        from ..formfile import load_form

        delivery = from_form(load_form(form), bank, form)
    else:
        delivery = from_items(bank, ids=ids, goal=goal)
    result = export(delivery, fmt, out, options, validate=check)
    n = len(delivery.items)
    click.echo(f"wrote {out} ({fmt}, {n} item(s), {len(result.files)} file(s))", err=True)
    if check:
        if result.checked:
            click.echo(
                f"checked: {len(result.checked)} file(s) valid against the official {fmt} schemas",
                err=True,
            )
        elif any(name.endswith(".xml") for name in result.files):
            click.echo("checked: well-formed XML (no official schema for this format)", err=True)
        else:
            click.echo(f"checked: nothing to check ({fmt} has no XML)", err=True)
    if (
        fmt == "booklet"
        and options.get("pdf")
        and not any(name.endswith(".pdf") for name in result.files)
    ):
        click.echo(
            "note: no PDFs: WeasyPrint is not installed; run `pip install 'qbank[pdf]'` (it needs"
            " the Pango library: `apt install libpango-1.0-0 libpangoft2-1.0-0`), or print the"
            " HTML from a browser",
            err=True,
        )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([u.name for u in IMPORTERS]),
    help="Format of FILE.",
)
@click.option(
    "--goal", help="Learning goal of every imported item (else taken from the file's metadata)."
)
@click.option("--author", help="Author recorded on the new items (default: git user.name).")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@bank_option
def import_cmd(
    file: str,
    fmt: str,
    goal: str | None,
    author: str | None,
    dry_run: bool,
    bank_dir: str,
) -> None:
    """Import the questions of FILE as draft items with new ids (for migrating a bank)."""
    from ..diagnostics import render
    from ..exchange.importing import import_file
    from ..scaffold import default_author

    bank = load_report(bank_dir, note_invalid=True).bank
    result = import_file(
        bank, file, fmt, goal=goal, author=author or default_author(), dry_run=dry_run
    )
    if result.skipped:
        click.echo(render(list(result.skipped)), nl=False, err=True)
    for new_id, path in result.written.items():
        click.echo(f"{new_id}\t{result.titles[new_id]}\t{path}")
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {len(result.written)} item(s) as drafts; skipped {len(result.skipped)}."
        + ("" if dry_run else " Review them, then run `qbank validate` and `qbank lint`."),
        err=True,
    )


commands = [export_cmd, import_cmd]
