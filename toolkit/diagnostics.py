"""Diagnostics as data, and the one place that renders them.

A :class:`Diagnostic` is an immutable record (file, line, column, code, severity,
message). Every check, rule and reader produces them; the renderers in
:data:`RENDERERS` turn a list of them into text, JSON, GitHub Actions annotations
or a Markdown summary. Nothing else formats diagnostics.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file.

    ``line`` and ``column`` are 1-based; 0 means "the file as a whole" (no position).
    ``path`` is shown as given (relative to the working directory where possible).
    """

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.path, d.line, d.column, d.code, d.message)


def _location(d: Diagnostic) -> str:
    if d.line <= 0:
        return d.path
    if d.column <= 0:  # a row of a data file: no column
        return f"{d.path}:{d.line}"
    return f"{d.path}:{d.line}:{d.column}"


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    """``path:line:column: CODE message`` one per line (flake8 style)."""
    lines = []
    for d in diagnostics:
        sev = "" if d.severity is Severity.ERROR else f"[{d.severity.value}] "
        lines.append(f"{_location(d)}: {d.code} {sev}{d.message}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of objects with path, line, column, code, severity, message."""
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for d in diagnostics:
        props = [f"file={_gh_escape_prop(d.path)}"]
        if d.line > 0:
            props += [f"line={d.line}", f"col={d.column}"]
        props.append(f"title={_gh_escape_prop(d.code)}")
        out.append(f"::{level[d.severity]} {','.join(props)}::{_gh_escape_data(d.message)}")
    return "\n".join(out) + ("\n" if out else "")


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(diagnostics: Sequence[Diagnostic]) -> str:
    """A Markdown summary suitable for a pull-request comment."""
    n_err = sum(d.severity is Severity.ERROR for d in diagnostics)
    n_warn = sum(d.severity is Severity.WARNING for d in diagnostics)
    if not diagnostics:
        return "### qbank: no problems found\n"
    out = [
        f"### qbank: {n_err} error(s), {n_warn} warning(s)",
        "",
        "| Location | Code | Severity | Message |",
        "|---|---|---|---|",
    ]
    for d in diagnostics:
        out.append(
            f"| `{_md_cell(_location(d))}` | {d.code} | {d.severity.value} | {_md_cell(d.message)} |"
        )
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "markdown": render_markdown,
}


def render(diagnostics: Sequence[Diagnostic], fmt: str = "text") -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}") from None
    return renderer(sorted(diagnostics, key=sort_key))
