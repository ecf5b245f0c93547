"""qbank's configuration file: ``qbank.toml`` (top level) or ``[tool.qbank]`` of pyproject.toml.

Each part (``lint``, ``analysis.flags``) is validated by the JSON Schema its registry derives.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError


class ConfigError(UsageError, ValueError):
    """The configuration file is invalid (a usage error: exit 2)."""


def _read(p: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        loc = f":{m.group(1)}:{m.group(2)}" if m else ""
        raise ConfigError(f"{p}{loc}: invalid TOML: {exc}") from None
    return data.get("tool", {}).get("qbank", {}) if p.name == "pyproject.toml" else data


def config_tables(
    path: str | Path | None = None, cwd: str | Path = "."
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The qbank tables to look in, in order: ``path`` if given (it must exist), else
    qbank.toml and then pyproject.toml in ``cwd`` (those that exist)."""
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}: configuration file not found")
        yield p, _read(p)
        return
    for p in (Path(cwd) / "qbank.toml", Path(cwd) / "pyproject.toml"):
        if p.is_file():
            yield p, _read(p)


def section(
    path: str | Path | None, keys: tuple[str, ...], cwd: str | Path = "."
) -> tuple[Any, str]:
    """The first table found at ``keys`` (e.g. ("analysis", "flags")) and its file, or (None, "")."""
    for p, table in config_tables(path, cwd):
        node: Any = table
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node is not None:
            return node, str(p)
        if path:
            return None, str(p)
    return None, ""
