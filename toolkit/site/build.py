"""Building the site: generated pages + the repository's ``docs/`` in a temporary docs folder,
then mkdocs (theme mkdocs-material) in strict mode with the repository's ``mkdocs.yml``.

The generated pages are never written into ``docs/``; the nav of ``mkdocs.yml`` gets the
generated sections added (the bank after the home page, the generated references at the end),
and pymdownx.superfences gets the two item fences of :mod:`toolkit.site.fence`. mkdocs' log is
captured, never printed: in strict mode any warning fails the build with a
:class:`~toolkit.errors.DataError` that lists them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError, UsageError
from .model import NavEntry, Section, SiteInputs

SUPERFENCES = "pymdownx.superfences"
SITE_MARKERS = ("sitemap.xml", "404.html", "search")
"""Files every built site has: ``--out`` may replace a folder only when it holds one of them."""


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    seconds: float
    notes: tuple[str, ...] = ()


def find_repo_root(start: Path | None = None) -> Path:
    """The folder holding ``mkdocs.yml`` and ``docs/``: the current folder or one above it, else
    the repository qbank is installed from."""
    here = (start or Path.cwd()).resolve()
    candidates = [here, *here.parents, Path(__file__).resolve().parents[2]]
    for c in candidates:
        if (c / "mkdocs.yml").is_file() and (c / "docs").is_dir():
            return c
    raise UsageError(
        f"no mkdocs.yml with a docs/ folder in {here} or above it: run `qbank site` in the"
        " qbank repository"
    )


def generate(inputs: SiteInputs) -> list[Section]:
    """Every generated section, in nav order (loads and validates the bank)."""
    from ..bank import load_bank
    from ..schemas import schema_dir
    from .analysis_pages import analysis_section
    from .blueprint_pages import coverage_section, goal_sections
    from .form_pages import forms_section
    from .reference_pages import reference_section

    bank = load_bank(inputs.bank_root)
    return [
        coverage_section(bank),
        goal_sections(bank),
        analysis_section(bank, inputs.analysis_dir),
        forms_section(bank, inputs.forms_dir),
        reference_section(schema_dir()),
    ]


def _nav(repo_nav: list[Any], sections: list[Section]) -> list[Any]:
    bank_nav: list[NavEntry] = [e for s in sections[:-1] for e in s.nav]
    ref_nav = sections[-1].nav
    nav = list(repo_nav)
    return [*nav[:1], {"The bank": bank_nav}, *nav[1:], {"Generated reference": ref_nav}]


def _extensions(raw: list[Any]) -> list[Any]:
    """The repository's markdown_extensions with the item fences added to superfences."""
    from .fence import custom_fences

    out: list[Any] = []
    found = False
    for ext in raw:
        name = ext if isinstance(ext, str) else next(iter(ext))
        if name == SUPERFENCES:
            found = True
            conf = dict(ext[name] or {}) if isinstance(ext, dict) else {}
            conf["custom_fences"] = [*(conf.get("custom_fences") or []), *custom_fences()]
            out.append({SUPERFENCES: conf})
        else:
            out.append(ext)
    if not found:
        out.append({SUPERFENCES: {"custom_fences": custom_fences()}})
    return out


def prepare(inputs: SiteInputs, work: Path) -> tuple[Path, dict[str, Any], list[str], int]:
    """Write the docs folder (``docs/`` + generated pages) under ``work``; returns it, the
    config overrides for mkdocs, the notes of the generation and the number of pages."""
    from mkdocs.utils import yaml_load

    repo = inputs.repo_root or find_repo_root()
    docs = work / "docs"
    shutil.copytree(repo / "docs", docs)
    sections = generate(inputs)
    pages = sum(1 for p in docs.rglob("*.md"))
    for s in sections:
        for rel, content in s.files.items():
            target = docs / rel
            if target.exists():
                raise UsageError(
                    f"docs/{rel} exists in the repository, but the site generates that page:"
                    " rename or move the hand-written file"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            pages += rel.endswith(".md")
    with (repo / "mkdocs.yml").open(encoding="utf-8") as fh:
        raw = yaml_load(fh) or {}
    overrides = {
        "docs_dir": str(docs),
        "nav": _nav(list(raw.get("nav") or []), sections),
        "markdown_extensions": _extensions(list(raw.get("markdown_extensions") or [])),
    }
    notes = [n for s in sections for n in s.notes]
    return docs, overrides, notes, pages


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_log() -> Iterator[_Capture]:
    """mkdocs logs to the ``mkdocs`` logger; keep its warnings, print nothing."""
    logger = logging.getLogger("mkdocs")
    handler = _Capture()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def _check_out(out: Path, repo: Path) -> None:
    out = out.resolve()
    if out == repo or out in repo.parents or out == repo / "docs" or (repo / "docs") in out.parents:
        raise UsageError(f"--out {out}: choose a folder of its own (e.g. site/)")
    if out.exists() and (
        not out.is_dir()
        or (any(out.iterdir()) and not any((out / m).exists() for m in SITE_MARKERS))
    ):
        raise UsageError(
            f"--out {out} exists and does not look like a built site; nothing was replaced:"
            " choose an empty or new folder"
        )


def build_site(
    inputs: SiteInputs, out: str | os.PathLike[str], *, strict: bool = True
) -> BuildResult:
    """Generate the pages and build the site into ``out`` (replaced as a whole, only once the
    build has succeeded)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    start = time.perf_counter()
    repo = inputs.repo_root or find_repo_root()
    inputs = SiteInputs(inputs.bank_root, inputs.forms_dir, inputs.analysis_dir, repo)
    dest = Path(out)
    _check_out(dest, repo)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qbank-site-") as tmp:
        _, overrides, notes, pages = prepare(inputs, Path(tmp))
        staged = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            with _captured_log() as log:
                try:
                    config = load_config(
                        config_file=str(repo / "mkdocs.yml"),
                        site_dir=str(staged),
                        strict=strict,
                        **overrides,
                    )
                    build(config)
                except MkDocsException as exc:
                    msgs = log.messages or [str(exc)]
                    raise DataError(
                        f"the site does not build{' in strict mode' if strict else ''}:"
                        f" {len(msgs)} problem(s); first: {msgs[0]}",
                        [
                            Diagnostic(str(repo / "mkdocs.yml"), 0, 0, "SITE", Severity.ERROR, m)
                            for m in msgs
                        ],
                    ) from None
            _replace(staged, dest)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return BuildResult(dest, pages, time.perf_counter() - start, tuple(notes + log.messages))


def _replace(staged: Path, dest: Path) -> None:
    """Put the staged site in place of ``dest`` (rename; the old site is removed after)."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    staged.rename(dest)
    if old is not None:
        shutil.rmtree(old)


def serve_site(inputs: SiteInputs, dev_addr: str = "127.0.0.1:8000") -> None:
    """Generate the pages once and serve the site with mkdocs' live-reloading server (pages of
    ``docs/`` as they were copied; restart to pick up changes of the bank)."""
    from mkdocs.commands.serve import serve

    repo = inputs.repo_root or find_repo_root()
    inputs = SiteInputs(inputs.bank_root, inputs.forms_dir, inputs.analysis_dir, repo)
    with tempfile.TemporaryDirectory(prefix="qbank-site-") as tmp:
        _, overrides, _, _ = prepare(inputs, Path(tmp))
        serve(config_file=str(repo / "mkdocs.yml"), dev_addr=dev_addr, **overrides)
