"""Options and helpers shared by the commands."""

from __future__ import annotations

import click

from ..diagnostics import RENDERERS
from ..errors import UsageError

QbankUsageError = UsageError
"""Commands raise the library's usage error; ``main`` maps every QbankError to its exit code."""


bank_option = click.option(
    "--bank",
    "bank_dir",
    default="bank",
    show_default=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Bank folder (holds blueprint.yaml and items/).",
)


def format_option(choices: list[str] | None = None, default: str = "text"):  # type: ignore[no-untyped-def]
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or list(RENDERERS)),
        default=default,
        show_default=True,
        help="Output format.",
    )


no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help="Ignore and do not update the per-file cache (.qbank_cache/ in the bank folder).",
)


def load_report(bank_dir: str, note_invalid: bool = False, use_cache: bool = True):  # type: ignore[no-untyped-def]
    """Validate the bank for a command; usage error (exit 2) when it or its blueprint is unusable.

    With ``note_invalid``, say on stderr how many files have validation errors.
    """
    from ..validate import BankNotFound, validate_bank

    try:
        report = validate_bank(bank_dir, use_cache=use_cache)
    except BankNotFound as exc:
        raise QbankUsageError(str(exc)) from None
    if report.bank is None:
        raise QbankUsageError(
            f"{bank_dir}/blueprint.yaml has errors; run `qbank validate` to see them"
        )
    if note_invalid and not report.ok:
        files = len({d.path for d in report.errors})
        click.echo(
            f"note: {files} file(s) have validation errors (those that cannot be parsed or break the"
            " schema are left out); run `qbank validate`",
            err=True,
        )
    return report


def emit(text: str, out: str | None = None) -> None:
    """Print ``text``, or write it atomically to ``out`` when given."""
    if out:
        from ..io import atomic_write_text

        atomic_write_text(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the output to this file (atomically) instead of standard output.",
)
