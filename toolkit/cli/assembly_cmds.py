"""``qbank assemble`` and ``qbank standard-setting`` (the solver and numpy are imported inside)."""

from __future__ import annotations

import click

from .common import bank_option, load_report

spec_option = click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Assembly specification (default: <bank>/assembly.yaml, or built-in defaults when"
    " the bank has none).",
)


def load_spec_for(bank_dir: str, spec_path: str | None):  # type: ignore[no-untyped-def]
    """The specification to use: ``--spec``, else the bank's ``assembly.yaml``, else the
    defaults (said on stderr)."""
    from ..assembly.spec import AssemblySpec, default_spec_path, load_spec

    if spec_path:
        return load_spec(spec_path)
    default = default_spec_path(bank_dir)
    if default.is_file():
        return load_spec(default)
    click.echo(f"note: {default} not found; using the default specification", err=True)
    return AssemblySpec()


@click.command("assemble")
@bank_option
@spec_option
@click.option("--forms", "n_forms", type=click.IntRange(min=1), help="Number of forms.")
@click.option("--length", type=click.IntRange(min=1), help="Items per form.")
@click.option("--seed", type=int, help="Seed (default: the specification's).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str))
def assemble(
    bank_dir: str,
    spec_path: str | None,
    n_forms: int | None,
    length: int | None,
    seed: int | None,
    out_dir: str,
) -> None:
    """Assemble parallel forms to the blueprint (a mixed-integer program solved by HiGHS) and
    write the forms, their answer keys (staff only) and the form report."""
    from ..assembly.assemble import assemble as run
    from ..assembly.report import write_assembly

    bank = load_report(bank_dir).bank
    spec = load_spec_for(bank_dir, spec_path).replace(forms=n_forms, length=length)
    result = run(bank, spec, seed=seed)
    sol = result.solution
    click.echo(f"note: {result.psychometrics.note}", err=True)
    for p in write_assembly(result, bank, out_dir):
        click.echo(f"wrote {p}")
    status = "proven optimal" if sol.status == "optimal" else f"{sol.status}, gap {sol.gap:.2%}"
    click.echo(
        f"assembled {len(result.forms)} forms of {result.spec.length} items from"
        f" {result.eligible} eligible items: {status} in {sol.seconds:.2f} s"
        f" ({sol.nodes} branch-and-bound nodes)"
    )
    failed = [c for c in result.checks if not c.ok]
    for c in failed:
        click.echo(f"error: {c.code} {c.name}: {'; '.join(c.problems)}", err=True)
    if failed:
        click.get_current_context().exit(1)


commands = [assemble]
