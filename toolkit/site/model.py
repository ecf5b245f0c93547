"""What page generation produces: files for the docs folder and their place in the nav."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NavEntry = dict[str, Any]
"""One mkdocs nav entry: ``{title: "path.md"}`` or ``{title: [entries...]}``."""


@dataclass
class Section:
    """The generated files of one part of the site and its nav entries."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the reader of the build output should know (e.g. an unreadable form file)."""

    def page(self, path: str, lines: list[str]) -> str:
        self.files[path] = "\n".join(lines).rstrip("\n") + "\n"
        return path


@dataclass(frozen=True)
class SiteInputs:
    """Where the site's data come from. ``forms_dir``/``analysis_dir`` may be ``None``: their
    sections then say that there is nothing to show."""

    bank_root: Path
    forms_dir: Path | None = None
    analysis_dir: Path | None = None
    repo_root: Path | None = None
