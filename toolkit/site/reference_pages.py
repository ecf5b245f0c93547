"""References generated from the code: the command line (from the click commands) and the
JSON Schemas of ``schema/`` (published as files and shown on one page)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .model import Section
from .text import esc, table

CLI_PAGE = "reference/cli.md"
SCHEMA_PAGE = "reference/schemas.md"


def _param_row(p: click.Parameter) -> list[str]:
    if isinstance(p, click.Option):
        names = ", ".join(f"`{n}`" for n in [*p.opts, *p.secondary_opts])
        help_ = p.help or ""
        if isinstance(p.type, click.Choice):
            help_ += f" Choices: {', '.join(map(str, p.type.choices))}."
        default = "" if p.is_flag or p.default in (None, (), "") else f"`{p.default!r}`"
        return [names, esc(help_), default, "yes" if p.required else ""]
    return [f"`{p.human_readable_name}`", "argument", "", "yes" if p.required else ""]


def _command(name: str, cmd: click.Command, parent: click.Context, out: list[str]) -> None:
    ctx = click.Context(cmd, info_name=name, parent=parent)
    out += [f"## {' '.join(ctx.command_path.split()[1:]) or name}", ""]
    out += ["```", cmd.get_usage(ctx).strip(), "```", ""]
    if cmd.help:
        out += [esc(line) if line.strip() else "" for line in click.unstyle(cmd.help).split("\n")]
        out.append("")
    params = [p for p in cmd.get_params(ctx) if p.name != "help"]
    if params:
        out += table(
            ["option", "what it does", "default", "required"], [_param_row(p) for p in params]
        )
    if isinstance(cmd, click.Group):
        for sub_name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                _command(sub_name, sub, ctx, out)


def cli_page() -> list[str]:
    from ..cli import cli

    root = click.Context(cli, info_name="qbank")
    out = [
        "# Command line reference",
        "",
        "<!-- generated from the click commands by toolkit.site -->",
        "",
        "Exit codes: 0 clean, 1 findings or failed checks, 2 usage or configuration error.",
        "",
    ]
    for name in cli.list_commands(root):
        cmd = cli.get_command(root, name)
        if cmd is not None and not cmd.hidden:
            _command(name, cmd, root, out)
    return out


def reference_section(schema_dir: Path) -> Section:
    sec = Section()
    sec.page(CLI_PAGE, cli_page())
    out = [
        "# JSON Schemas",
        "",
        "The file formats are defined by these JSON Schemas (Draft 2020-12), the single source of"
        " truth that `qbank validate` applies. Download them or read them below.",
        "",
    ]
    for path in sorted(schema_dir.glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        sec.files[f"reference/schemas/{path.name}"] = text
        title = json.loads(text).get("title", path.stem)
        anchor = path.name.split(".")[0]
        out += [
            f"## {esc(title)} {{#{anchor}}}",
            "",
            f"[`{path.name}`](schemas/{path.name})",
            "",
            f'??? abstract "{path.name}"',
            "",
            "    ```json",
            *(f"    {line}" if line else "" for line in text.rstrip("\n").split("\n")),
            "    ```",
            "",
        ]
    sec.page(SCHEMA_PAGE, out)
    sec.nav.append({"Command line": CLI_PAGE})
    sec.nav.append({"JSON Schemas": SCHEMA_PAGE})
    return sec
