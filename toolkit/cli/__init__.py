"""The ``qbank`` command line: thin click commands over the library.

Exit codes: 0 clean, 1 findings or failed checks, 2 usage or configuration error.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import QbankError


class QbankGroup(click.Group):
    """Maps every library error (:class:`~toolkit.errors.QbankError`) to its message and exit
    code, once, for every command (also when the group is invoked by click's test runner)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Command summaries in full (click cuts them at the terminal width mid-phrase)."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=300)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import a command's module only when the command is used (``qbank validate`` does
        not pay for importing the export, analysis and site commands)."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            load_commands(COMMANDS[cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except QbankError as exc:
            ctx.exit(report_error(exc))


@click.group(
    cls=QbankGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="qbank")
def cli() -> None:
    """qbank: exam question banks - validate, lint, analyze and calibrate."""


COMMANDS: dict[str, str] = {
    "validate": "validate_cmd",
    "lint": "lint_cmd",
    "coverage": "lint_cmd",
    "fmt": "fmt_cmd",
    "list": "bank_cmds",
    "show": "bank_cmds",
    "new": "bank_cmds",
    "summary": "bank_cmds",
    "blueprint": "bank_cmds",
    "assemble": "assembly_cmds",
    "standard-setting": "assembly_cmds",
    "export": "exchange_cmds",
    "import": "exchange_cmds",
    "simulate": "analysis_cmds",
    "analyze": "analysis_cmds",
    "calibrate": "analysis_cmds",
    "site": "site_cmds",
    "probe": "probe_cmd",
}
"""Each command's module in ``toolkit/cli/`` (a module exposes ``commands``). Modules are
imported on first use; a test checks this table against the modules' ``commands``."""


def load_commands(module_name: str) -> None:
    """Import ``toolkit.cli.<module_name>`` and add its ``commands`` to the group."""
    import importlib

    module = importlib.import_module(f"{__name__}.{module_name}")
    for command in module.commands:
        if command.name not in cli.commands:
            cli.add_command(command)


def report_error(exc: QbankError) -> int:
    """Print a library error (its diagnostics, then its message) and return its exit code."""
    if exc.diagnostics:
        from ..diagnostics import render

        click.echo(render(exc.diagnostics), nl=False, err=True)
    message = str(exc)
    if message and not (exc.diagnostics and message == exc.diagnostics[0].message):
        click.echo(f"Error: {message}", err=True)
    return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    from .. import cache

    before = cache.FREEZE_AFTER_LOAD
    cache.FREEZE_AFTER_LOAD = True  # one command, then exit: see toolkit.cache.gc_paused
    try:
        return _main(argv)
    finally:
        cache.FREEZE_AFTER_LOAD = before


def _main(argv: list[str] | None) -> int:
    try:
        rv = cli.main(args=argv, prog_name="qbank", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file we were asked to write or read: say which, no traceback
        where = exc.filename or ""
        click.echo(f"Error: {where}{': ' if where else ''}{exc.strerror or exc}", err=True)
        return 1
    return rv if isinstance(rv, int) else 0
