"""Semantic checks of ``qbank validate``: the rules a JSON Schema cannot express.

Each check is a small registered unit: a stable ``code``, a readable ``name``, a
``scope`` (``item``: one item at a time; ``bank``: all items together;
``blueprint``: the blueprint) and a docstring that says what it catches and how
to fix it. Adding a check means adding a decorated function in one of the
modules imported at the bottom of this file; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..blueprint import Blueprint
from ..diagnostics import Diagnostic, Severity
from ..yamlio import PathPart, YamlDocument

Scope = Literal["item", "bank", "blueprint"]


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    scope: Scope
    func: Callable[..., Iterator[Diagnostic]]

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()


CHECKS: list[Check] = []


def check(code: str, name: str, scope: Scope) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a check function under ``code`` and ``name``."""

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        if any(c.code == code or c.name == name for c in CHECKS):
            raise ValueError(f"check {code} / {name} registered twice")
        CHECKS.append(Check(code, name, scope, func))
        return func

    return deco


@dataclass(frozen=True)
class CheckContext:
    """What checks may look at besides the item itself."""

    blueprint: Blueprint
    items_root: str


def at(
    doc: YamlDocument,
    path: Sequence[PathPart],
    code: str,
    message: str,
    *,
    key: bool = False,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    """A diagnostic positioned at ``path`` inside ``doc`` (positions are computed lazily)."""
    line, col = doc.position(tuple(path), key=key)
    return Diagnostic(doc.path, line, col, code, severity, message)


def by_scope(scope: Scope) -> list[Check]:
    return [c for c in CHECKS if c.scope == scope]


# Registration happens on import; keep this list the only place that names the modules.
from . import bank_checks, blueprint_checks, item_checks  # noqa: E402, F401
