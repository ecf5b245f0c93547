"""``qbank simulate``, ``qbank analyze`` and ``qbank calibrate`` (heavy imports inside)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..diagnostics import render
from ..vocab import DICHOTOMOUS_MODELS, POLYTOMOUS_MODELS, LinkMethod
from .common import QbankUsageError, bank_option, load_report

MODELS = [str(m) for m in DICHOTOMOUS_MODELS]
MAX_SHOWN_PER_CODE = 50
LINK_METHODS = [str(m) for m in LinkMethod]


def _bank(bank_dir: str):  # type: ignore[no-untyped-def]
    return load_report(bank_dir).bank


def _pairs(values: tuple[str, ...], what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values:
        key, sep, num = v.partition("=")
        try:
            out[key.strip()] = float(num)
        except ValueError:
            raise QbankUsageError(f"{what} '{v}' must look like NAME=NUMBER") from None
        if not sep:
            raise QbankUsageError(f"{what} '{v}' must look like NAME=NUMBER")
    return out


def _read_and_score(  # type: ignore[no-untyped-def]
    responses: str, fmt: str, bank, partial: bool, sep: str | None = None, choices: bool = True
):
    """Long files are read in batches straight into the scored matrix (bounded memory); wide
    and scored files (one row per candidate) are read whole."""
    from ..responses.readers import read_responses
    from ..responses.scoring import score, score_file

    if fmt == "long":
        scored = score_file(responses, bank, sep=sep, partial_credit=partial, keep_choices=choices)
        problems, counts = scored.diagnostics, scored.problem_counts
    else:
        data = read_responses(responses, fmt, bank, sep=sep)
        scored = score(data, bank, partial_credit=partial)
        problems = data.diagnostics + scored.diagnostics
        counts = {}
        for d in problems:
            counts[d.code] = counts.get(d.code, 0) + 1
    if problems:
        shown: list = []
        per_code: dict[str, int] = {}
        for d in sorted(problems, key=lambda d: (d.line, d.code)):
            per_code[d.code] = per_code.get(d.code, 0) + 1
            if per_code[d.code] <= MAX_SHOWN_PER_CODE:
                shown.append(d)
        click.echo(render(shown), nl=False, err=True)
        for code, n in sorted(counts.items()):
            if n > MAX_SHOWN_PER_CODE:
                click.echo(f"... and {n - MAX_SHOWN_PER_CODE} more {code} problem(s)", err=True)
        total = sum(counts.values())
        click.echo(f"{total} problem(s) in {responses}; fix them and run again", err=True)
        click.get_current_context().exit(1)
    return scored


def _is_simulated(responses: str) -> bool:
    manifest = Path(responses).parent / "manifest.json"
    try:
        return bool(json.loads(manifest.read_text(encoding="utf-8")).get("simulated"))
    except (OSError, ValueError):
        return False


responses_arg = click.argument("responses", type=click.Path(dir_okay=False, path_type=str))
format_opt = click.option(
    "--format",
    "fmt",
    type=click.Choice(["long", "wide", "scored"]),
    default="long",
    show_default=True,
    help="Layout of RESPONSES.",
)
sep_opt = click.option(
    "--sep",
    help="Field separator of a CSV file (default: detected among , ; tab and |).",
)
partial_opt = click.option(
    "--partial-credit",
    is_flag=True,
    help="Score multiple_select items with partial credit (default: all-or-nothing).",
)


@click.command("simulate")
@bank_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--forms-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Simulate an administration of the forms written by `qbank assemble --out DIR`.",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Assemble the forms with this specification (default: <bank>/assembly.yaml).",
)
@click.option("--forms", "n_forms", type=int, help="Number of forms (default: the spec's).")
@click.option("--length", type=int, help="Items per form (default: the spec's).")
@click.option("--anchors", type=int, help="Items common to all forms (default: the spec's).")
@click.option("--candidates", default=600, show_default=True, help="Candidates per form.")
@click.option("--model", type=click.Choice(["2pl", "3pl"]), default="2pl", show_default=True)
@click.option(
    "--form-mean",
    multiple=True,
    metavar="FORM=MEAN",
    help="Ability mean of a form's candidates (non-equivalent groups), e.g. F2=0.5.",
)
@click.option(
    "--dif",
    multiple=True,
    metavar="ITEM=SHIFT",
    help="Plant DIF: the item is SHIFT logits harder for the focal group.",
)
@click.option(
    "--plant-dif",
    "plant_dif_n",
    default=0,
    show_default=True,
    metavar="N",
    help="Plant DIF on N items chosen at random from the forms (shift --dif-shift).",
)
@click.option("--dif-shift", default=1.0, show_default=True)
@click.option("--omit-rate", default=0.02, show_default=True)
@click.option("--seed", default=1, show_default=True)
def simulate(
    bank_dir: str,
    out_dir: str,
    forms_dir: str | None,
    spec_path: str | None,
    n_forms: int | None,
    length: int | None,
    anchors: int | None,
    candidates: int,
    model: str,
    form_mean: tuple[str, ...],
    dif: tuple[str, ...],
    plant_dif_n: int,
    dif_shift: float,
    omit_rate: float,
    seed: int,
) -> None:
    """Generate SIMULATED response data (labelled as such) for the forms of `--forms-dir`, or
    for forms the assembler builds from the bank with every rule of the specification."""
    from ..responses.simulate import Group, forms_from_dir, make_forms, plant_dif, write_simulation
    from ..responses.simulate import simulate as run

    bank = _bank(bank_dir)
    if forms_dir:
        given = [
            o
            for o, v in (
                ("--forms", n_forms),
                ("--length", length),
                ("--anchors", anchors),
                ("--spec", spec_path),
            )
            if v is not None
        ]
        if given:
            raise QbankUsageError(
                f"--forms-dir takes the forms as they are; drop {', '.join(given)}"
            )
        forms = forms_from_dir(bank, forms_dir)
    else:
        from .assembly_cmds import load_spec_for

        spec = load_spec_for(bank_dir, spec_path)
        forms = make_forms(bank, n_forms, length, anchors, seed, spec)
    dif_map = plant_dif(forms, plant_dif_n, dif_shift, seed, _pairs(dif, "--dif"))
    sim = run(
        bank,
        forms,
        n_per_form=candidates,
        form_means=_pairs(form_mean, "--form-mean"),
        groups=(Group("reference", 0.5, 0.0), Group("focal", 0.5, -0.2)),
        model=model,
        omit_rate=omit_rate,
        dif=dif_map,
        seed=seed,
    )
    for p in write_simulation(sim, out_dir):
        click.echo(f"wrote {p}")
    if dif_map:
        planted = ", ".join(f"{k} ({v:+g})" for k, v in sorted(dif_map.items()))
        click.echo(f"planted DIF against the focal group: {planted}")
    click.echo(
        f"SIMULATED: {len(sim.responses)} responses of {len(sim.true_abilities)} candidates"
        f" on {len(forms)} forms",
        err=True,
    )


link_opt = click.option(
    "--link-method", type=click.Choice(LINK_METHODS), default="stocking-lord", show_default=True
)
link_bank_opt = click.option(
    "--link-to-bank/--no-link-to-bank",
    default=True,
    show_default=True,
    help="Put the parameters on the bank's scale through items that already have"
    " parameters (needs at least 5).",
)


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    return (lambda _msg: None) if quiet else (lambda msg: click.echo(msg, err=True))


quiet_opt = click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
workers_opt = click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes calibrating forms at the same time (default: the cores available, for"
    " data large enough to repay it; the results are the same).",
)


@click.command("analyze")
@responses_arg
@bank_option
@format_opt
@sep_opt
@click.option("--group", help="Covariate column that defines groups for DIF.")
@click.option(
    "--reference",
    help="Reference group value (default: the largest group, alphabetical on ties; a warning"
    " names it).",
)
@click.option("--model", type=click.Choice(MODELS), default="2pl", show_default=True)
@link_opt
@link_bank_opt
@partial_opt
@click.option(
    "--redact-secure",
    is_flag=True,
    help="Shareable report: no key, stem, option text or rationale of a secure item in any"
    " file written (default: a confidential staff report that shows keys).",
)
@quiet_opt
@workers_opt
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str))
def analyze(
    responses: str,
    bank_dir: str,
    fmt: str,
    sep: str | None,
    group: str | None,
    reference: str | None,
    model: str,
    link_method: str,
    link_to_bank: bool,
    partial_credit: bool,
    redact_secure: bool,
    quiet: bool,
    workers: int | None,
    out_dir: str,
) -> None:
    """Item analysis: classical statistics, IRT, fit, DIF, flags and a report."""
    from ..analysis.analyze import analyze as run
    from ..analysis.flags import load_flag_overrides
    from ..reporting.report import write_analysis

    if reference and not group:
        raise QbankUsageError("--reference needs --group")
    overrides = load_flag_overrides()
    bank = _bank(bank_dir)
    scored = _read_and_score(responses, fmt, bank, partial_credit, sep)
    result = run(
        scored,
        bank,
        model=model,
        group=group,
        reference=reference,
        link_method=link_method,
        link_to_bank=link_to_bank,
        flag_overrides=overrides,
        progress=_progress(quiet),
        workers=workers,
    )
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    simulated = _is_simulated(responses)
    files = write_analysis(
        result,
        bank,
        out_dir,
        source=Path(responses).name,
        simulated=simulated,
        redact_secure=redact_secure,
    )
    flagged = int((result.item_statistics["flags"] != "").sum())
    click.echo(
        f"{'SIMULATED data: ' if simulated else ''}{result.info['candidates']} candidates,"
        f" {result.info['items']} items, {result.info['forms']} form(s); {flagged} item(s)"
        f" flagged; marginal reliability {result.info['marginal_reliability']:.3f}"
    )
    click.echo(f"wrote {len(files)} files to {out_dir} (report: {Path(out_dir) / 'report.html'})")


@click.command("calibrate")
@responses_arg
@bank_option
@format_opt
@sep_opt
@click.option(
    "--model",
    type=click.Choice([*MODELS, *(str(m) for m in POLYTOMOUS_MODELS)]),
    default="2pl",
    show_default=True,
    help="grm/pcm: polytomous models for partial-credit scores (with --partial-credit).",
)
@link_opt
@link_bank_opt
@click.option(
    "--write-back",
    is_flag=True,
    help="Record the calibration under bank/calibrations/ and update items' stats.",
)
@click.option(
    "--allow-simulated",
    is_flag=True,
    help="Allow --write-back of a calibration of SIMULATED data (for demos and tests).",
)
@click.option("--date", help="Date recorded in the provenance (default: today, UTC).")
@partial_opt
@quiet_opt
@workers_opt
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str))
def calibrate(
    responses: str,
    bank_dir: str,
    fmt: str,
    sep: str | None,
    model: str,
    link_method: str,
    link_to_bank: bool,
    write_back: bool,
    allow_simulated: bool,
    date: str | None,
    partial_credit: bool,
    quiet: bool,
    workers: int | None,
    out_dir: str,
) -> None:
    """Calibrate items with IRT (girth) and write item_parameters.csv and provenance.json."""
    from ..analysis.calibration import calibrate_administration, run_provenance
    from ..analysis.records import record_id, write_back_run, write_calibration

    report = load_report(bank_dir)
    bank = report.bank
    simulated = _is_simulated(responses)
    if write_back and not report.ok:
        raise QbankUsageError(
            "the bank has validation errors; fix them (`qbank validate`) before"
            " writing statistics back"
        )
    if write_back and simulated and not allow_simulated:
        raise QbankUsageError(
            f"{responses} is SIMULATED data (manifest.json); its statistics do"
            " not belong in the bank - pass --allow-simulated for a demo"
        )
    scored = _read_and_score(responses, fmt, bank, partial_credit, sep, choices=False)
    run = calibrate_administration(
        scored,
        bank,
        model=model,
        link_method=link_method,
        link_to_bank=link_to_bank,
        progress=_progress(quiet),
        workers=workers,
    )
    prov = run_provenance(
        run,
        responses,
        bank,
        date=date,
        simulated=simulated,
        extra={"format": fmt, "partial_credit": partial_credit},
    )
    paths = write_calibration(run, prov, out_dir)
    click.echo(f"wrote {' and '.join(map(str, paths))} ({len(run.params)} items, model {model})")
    click.echo(run.summary(), err=True)
    if write_back:
        written = write_back_run(bank, run, scored, prov)
        click.echo(
            f"recorded calibration {record_id(prov)}: {written[0]} and {len(written) - 1}"
            " item stats blocks"
        )


commands = [simulate, analyze, calibrate]
