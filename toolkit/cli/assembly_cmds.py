"""``qbank assemble`` and ``qbank standard-setting`` (the solver and numpy are imported inside)."""

from __future__ import annotations

from pathlib import Path

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


@click.command("standard-setting")
@click.argument("ratings", type=click.Path(dir_okay=False, path_type=str))
@bank_option
@click.option(
    "--method",
    type=click.Choice(["angoff", "yes-no"]),
    default="angoff",
    show_default=True,
    help="Modified Angoff (probabilities 0-1) or Yes/No Angoff (1/0).",
)
@click.option(
    "--forms-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Forms written by `qbank assemble`: carry the theta cut to each form's raw cut.",
)
@click.option(
    "--params",
    "params_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Item parameters CSV (item_id, a, b, c), e.g. item_parameters.csv of `qbank"
    " calibrate` (default: the bank's stats).",
)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str))
def standard_setting(
    ratings: str,
    bank_dir: str,
    method: str,
    forms_dir: str | None,
    params_path: str | None,
    out_dir: str,
) -> None:
    """Cut scores from Angoff ratings (CSV: a `rater` column, one column per item): raw and
    theta cut, rater agreement, standard errors, and each form's raw cut with decision
    accuracy and consistency."""
    from ..assembly.assemble import current_parameters
    from ..assembly.classification import decisions_csv
    from ..assembly.standard_setting import (
        raters_csv,
        read_params,
        read_ratings,
        set_standard,
        summary_markdown,
    )
    from ..io import atomic_write_text
    from ..reporting.report import _html
    from ..responses.simulate import forms_from_dir

    bank = load_report(bank_dir).bank
    data = read_ratings(ratings, bank, method)
    params = current_parameters(list(bank.items))
    if params_path:
        params.update(read_params(params_path))
    forms = forms_from_dir(bank, forms_dir) if forms_dir else None
    res = set_standard(data, params, forms)
    out = Path(out_dir)
    md = summary_markdown(res)
    files = {
        out / "standard-setting.md": md,
        out / "standard-setting.html": _html(md, "Standard setting"),
        out / "raters.csv": raters_csv(res),
    }
    if res.forms:
        files[out / "form-cuts.csv"] = decisions_csv(list(res.forms))
    for p, text in files.items():
        atomic_write_text(p, text)
        click.echo(f"wrote {p}")
    if res.note:
        click.echo(f"note: {res.note}", err=True)
    theta = (
        "" if res.theta_cut is None else f"; theta cut {res.theta_cut:.3f} (SE {res.theta_se:.3f})"
    )
    click.echo(
        f"raw cut {res.raw_cut:.2f} of {len(res.items)} (SE {res.raw_se:.2f}){theta};"
        f" ICC(2,1) {res.icc_single:.3f}"
    )
    for d in res.forms:
        click.echo(
            f"  form {d.form_id}: raw cut {d.raw_cut} of {d.items}; accuracy {d.rudner_accuracy:.3f}"
            f" (Rudner), {d.lee_accuracy:.3f} (Lee)"
        )


commands = [assemble, standard_setting]
