"""``qbank fmt``: one canonical layout for item files."""

from __future__ import annotations

from pathlib import Path

import click

from .common import bank_option


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@bank_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
def fmt(paths: tuple[str, ...], bank_dir: str, check: bool) -> None:
    """Format item files in the canonical layout, keeping comments (ruamel.yaml round trip).

    PATHS are item files or folders (default: the bank's items/). With --check, list the files
    that would change and exit 1 if there are any (for pre-commit and CI).
    """
    from ..errors import UsageError
    from ..itemfile import format_files

    targets = [Path(p) for p in paths] or [Path(bank_dir) / "items"]
    files: list[Path] = []
    for t in targets:
        if t.is_dir():
            # only item files: a bank folder also holds blueprint.yaml, assembly specs and
            # calibration records, which have layouts of their own
            files += [p for p in sorted(t.rglob("*.yaml")) if _is_item_file(p)]
        elif t.exists():
            if not _is_item_file(t):
                raise UsageError(
                    f"{t}: not an item file (item files live under a bank's items/ folder);"
                    " qbank fmt formats item files only"
                )
            files.append(t)
        else:
            raise UsageError(f"{t}: no such file or folder")
    changed, failed = format_files(files, check=check)
    for p, why in failed:
        click.echo(f"{p}: cannot format ({why}); run `qbank validate {p}` to locate it", err=True)
    verb = "would reformat" if check else "reformatted"
    for p in changed:
        click.echo(f"{verb} {p}")
    click.echo(
        f"{len(files)} file(s) checked, {len(changed)} {verb}"
        if changed
        else f"{len(files)} file(s) already formatted",
        err=True,
    )
    click.get_current_context().exit(1 if failed or (check and changed) else 0)


def _is_item_file(path: Path) -> bool:
    parts = path.resolve().parts
    return "items" in parts[:-1] and ".qbank_cache" not in parts


commands = [fmt]
