"""``qbank validate``."""

from __future__ import annotations

import click

from ..diagnostics import render
from ..validate import BankNotFound, validate_bank
from .common import QbankUsageError, bank_option, emit, format_option, no_cache_option


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@bank_option
@format_option()
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary line.")
@no_cache_option
def validate(paths: tuple[str, ...], bank_dir: str, fmt: str, quiet: bool, no_cache: bool) -> None:
    """Check item files against the schema and the bank's rules.

    PATHS are item files or folders (default: the whole bank). Every problem is
    reported as path:line:column: CODE message. Exit 0 when clean, 1 on problems.
    """
    try:
        report = validate_bank(
            bank_dir, list(paths) if paths else None, use_cache=not no_cache, build_bank=False
        )
    except BankNotFound as exc:
        raise QbankUsageError(str(exc)) from None
    emit(render(report.diagnostics, fmt))
    if fmt == "text" and not quiet:
        n = len(report.errors)
        summary = f"{report.files_checked} file(s) checked, " + (
            f"{n} problem(s) found" if n else "no problems found"
        )
        click.echo(summary, err=True)
    click.get_current_context().exit(0 if report.ok else 1)


commands = [validate]
