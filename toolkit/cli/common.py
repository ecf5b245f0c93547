"""Options and helpers shared by the commands."""

from __future__ import annotations

import click

from ..diagnostics import RENDERERS


class QbankUsageError(click.ClickException):
    """A usage or configuration problem (exit code 2)."""

    exit_code = 2


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


def emit(text: str) -> None:
    click.echo(text, nl=False)
