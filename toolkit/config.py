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


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"']+)\s*=")


def _dotted(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in text.split(".")]


def locate(source: str, keys: list[str]) -> str:
    """``source:line`` of the key at ``keys`` (e.g. ["lint", "rules", "IW001", "max"]) in a
    TOML file: the line that sets it, else the header of its innermost table that is present;
    just ``source`` when the file cannot be read or nothing matches. For pyproject.toml the
    keys are looked up under ``tool.qbank``."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return source
    if Path(source).name == "pyproject.toml":
        keys = ["tool", "qbank", *keys]
    table: list[str] = []
    best, best_depth = 0, -1
    for n, line in enumerate(lines, 1):
        m = _HEADER.match(line)
        if m:
            table = _dotted(m.group(1))
            depth = len(table)
            if keys[:depth] == table and depth > best_depth:
                best, best_depth = n, depth
            continue
        k = _KEY.match(line)
        if k:
            full = table + _dotted(k.group(1))
            depth = len(full)
            if keys[:depth] == full and depth > best_depth:
                best, best_depth = n, depth
    return f"{source}:{best}" if best else source


def error_keys(prefix: list[str], error: Any) -> list[str]:
    """The keys of the TOML setting a jsonschema ``error`` is about: its path, and for an
    unexpected key (``additionalProperties``) that key."""
    keys = [*prefix, *(str(p) for p in error.absolute_path)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        if extra:
            keys.append(str(extra[0]))
    return keys
