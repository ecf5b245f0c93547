"""``qbank lint`` and ``qbank coverage``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..coverage import coverage as compute_coverage
from ..diagnostics import render
from ..lint import ConfigError, GitError, LintConfig, lint_bank, load_config, rules_by_code
from ..lint.config import check_codes
from ..table import render_table
from .common import (
    QbankUsageError,
    bank_option,
    emit,
    format_option,
    load_report,
    no_cache_option,
    out_option,
)

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Config file (default: qbank.toml, else [tool.qbank] in pyproject.toml).",
)


MAX_LISTED = 20


def _config(path: str | None) -> LintConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise QbankUsageError(str(exc)) from None


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@bank_option
@format_option()
@config_option
@click.option(
    "--changed-since",
    "ref",
    metavar="REF",
    help="Lint only items changed since this git revision, and run the version rules.",
)
@click.option("--select", multiple=True, metavar="CODE", help="Only these rules (code or prefix).")
@click.option("--ignore", multiple=True, metavar="CODE", help="Skip these rules (code or prefix).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes (e.g. the version bump of VR001), then lint again.",
)
@no_cache_option
@out_option
def lint(
    paths: tuple[str, ...],
    bank_dir: str,
    fmt: str,
    config_path: str | None,
    ref: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    list_rules: bool,
    fix: bool,
    no_cache: bool,
    out: str | None,
) -> None:
    """Check item-writing quality, blueprint coverage and (with --changed-since) versions.

    PATHS limit the item rules to those files or folders; bank-wide rules always run.
    Exit 0 when there are no errors (warnings allowed), 1 on errors, 2 on usage errors.
    """
    config = _config(config_path)
    if list_rules:
        rows = [
            (r.code, r.name, r.scope, config.severity(r), r.summary[:70])
            for r in rules_by_code().values()
        ]
        emit(render_table(["code", "name", "scope", "severity", "summary"], rows), out)
        return
    if select or ignore:
        check_codes(select, "--select")
        check_codes(ignore, "--ignore")
        config = LintConfig(
            select or config.select, (*config.ignore, *ignore), config.rules, config.source
        )
    report = load_report(bank_dir, use_cache=not no_cache)
    only = None
    if paths:
        wanted = [Path(p).resolve() for p in paths]
        only = {
            i.id
            for i in report.bank.items
            if any(Path(i.path).resolve().is_relative_to(w) for w in wanted)
        }
    try:
        result = lint_bank(
            report.workspace,
            config,
            changed_since=ref,
            only_items=only,
            use_cache=not no_cache,
        )
    except GitError as exc:
        raise QbankUsageError(f"--changed-since {ref}: {exc}") from None
    if fix and result.fixes:
        from ..lint.engine import apply_fixes

        for path in apply_fixes(result):
            click.echo(f"fixed {path}", err=True)
        report = load_report(bank_dir, use_cache=not no_cache)
        result = lint_bank(
            report.workspace, config, changed_since=ref, only_items=only, use_cache=not no_cache
        )
    emit(render(result.diagnostics, fmt), out)
    invalid = sorted({d.path for d in report.errors})
    if fmt == "text":
        n_err = sum(d.severity.value == "error" for d in result.diagnostics)
        n_warn = sum(d.severity.value == "warning" for d in result.diagnostics)
        click.echo(
            f"{result.items_linted} item(s) linted with {len(result.rules_run)} rules:"
            f" {n_err} error(s), {n_warn} warning(s), {result.suppressed} suppressed",
            err=True,
        )
    if invalid:
        first = {}
        for d in report.errors:
            first.setdefault(d.path, d)
        for path in invalid[:MAX_LISTED]:
            d = first[path]
            click.echo(f"not linted: {path}: fails validation ({d.code} {d.message})", err=True)
        if len(invalid) > MAX_LISTED:
            click.echo(f"... and {len(invalid) - MAX_LISTED} more file(s)", err=True)
        click.echo(
            f"{len(invalid)} file(s) fail validation and were not linted; run `qbank validate`",
            err=True,
        )
    click.get_current_context().exit(0 if result.ok and not invalid else 1)


@click.command("coverage")
@bank_option
@format_option(["table", "json"], default="table")
@config_option
@click.option("--goals-only", is_flag=True, help="Show goal rows only.")
@out_option
def coverage(
    bank_dir: str, fmt: str, config_path: str | None, goals_only: bool, out: str | None
) -> None:
    """Approved items per domain, topic and goal against their targets.

    Targets come from the lint rules BP001 (min_approved per goal) and BP002 (forms,
    form_length) and their configuration.
    """
    config = _config(config_path)
    rules = rules_by_code()
    goal_opts, form_opts = config.options(rules["BP001"]), config.options(rules["BP002"])
    report = load_report(bank_dir)
    cov = compute_coverage(
        report.bank, goal_opts["min_approved"], form_opts["forms"], form_opts["form_length"]
    )
    if fmt == "json":
        emit(json.dumps(cov.to_dict(), indent=2) + "\n", out)
        return
    rows = []
    for r in cov.rows:
        if goals_only and r.level != "goal":
            continue
        indent = {"domain": "", "topic": "  ", "goal": "    "}[r.level]
        title = r.title if len(r.title) <= 48 else r.title[:47] + "…"
        rows.append(
            (indent + r.id, r.cognitive_level, title, r.approved, r.total, r.target, r.gap or "")
        )
    emit(
        render_table(
            ["id", "level", "title", "approved", "items", "target", "gap"], rows, "lllrrrr"
        ),
        out,
    )
    below = cov.goals_below_target
    click.echo(
        f"{len(below)} of {sum(r.level == 'goal' for r in cov.rows)} goals below"
        f" {cov.min_per_goal} approved items; domain targets for {cov.forms} forms of"
        f" {cov.form_length} items",
        err=True,
    )


commands = [lint, coverage]
