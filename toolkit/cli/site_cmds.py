"""``qbank site build`` and ``qbank site serve``: the documentation site (mkdocs-material)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import bank_option

DEFAULT_FORMS = "reports/forms"


def _inputs(bank_dir: str, forms: str | None, analysis: str | None):  # type: ignore[no-untyped-def]
    from ..errors import UsageError
    from ..site import SiteInputs

    if forms is None and Path(DEFAULT_FORMS).is_dir():
        forms = DEFAULT_FORMS
    for opt, value in (("--forms", forms), ("--analysis", analysis)):
        if value is not None and not Path(value).is_dir():
            raise UsageError(f"{opt} {value}: no such folder")
    return SiteInputs(
        Path(bank_dir),
        Path(forms) if forms else None,
        Path(analysis) if analysis else None,
    )


forms_option = click.option(
    "--forms",
    type=click.Path(file_okay=False, path_type=str),
    help=f"Folder of form files from `qbank assemble` (default: {DEFAULT_FORMS} when it exists).",
)
analysis_option = click.option(
    "--analysis",
    type=click.Path(file_okay=False, path_type=str),
    help="Folder written by `qbank analyze` (flags, DIF, plots) to show on the analysis page.",
)


@click.group("site")
def site_group() -> None:
    """The documentation site: bank pages, guides and references (mkdocs-material)."""


@site_group.command("build")
@click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Folder of the built site (replaced as a whole once the build succeeds).",
)
@forms_option
@analysis_option
@bank_option
def build_cmd(out: str, forms: str | None, analysis: str | None, bank_dir: str) -> None:
    """Generate the bank pages and build the site with mkdocs in strict mode."""
    from ..site import build_site

    result = build_site(_inputs(bank_dir, forms, analysis), out)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(
        f"built the site ({result.pages} pages) in {result.seconds:.1f} s:"
        f" {result.out / 'index.html'}"
    )


@site_group.command("serve")
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address and port to serve on.",
)
@forms_option
@analysis_option
@bank_option
def serve_cmd(dev_addr: str, forms: str | None, analysis: str | None, bank_dir: str) -> None:
    """Serve the site with live reload for authors (restart to pick up bank changes)."""
    from ..site import serve_site

    click.echo(f"serving the site on http://{dev_addr}/ (Ctrl+C to stop)", err=True)
    serve_site(_inputs(bank_dir, forms, analysis), dev_addr)


commands = [site_group]
