"""Semantic checks of ``qbank validate``: the rules a JSON Schema cannot express.

Each check is a small registered unit: a stable ``code``, a readable ``name``, a
``scope`` (``item``: one item at a time; ``bank``: all items together;
``blueprint``: the blueprint) and a docstring that says what it catches and how
to fix it. Adding a check means adding a decorated function in one of the
modules named in ``CHECKS``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ..blueprint import Blueprint
from ..diagnostics import Diagnostic, Severity
from ..registry import Registry, Unit
from ..yamlio import PathPart, YamlDocument

Scope = Literal["item", "bank", "blueprint"]
CheckFunc = Callable[..., Iterator[Diagnostic]]
Check = Unit[CheckFunc]

CHECKS: Registry[CheckFunc] = Registry(
    "validation check",
    modules=(
        "toolkit.checks.bank_checks",
        "toolkit.checks.blueprint_checks",
        "toolkit.checks.item_checks",
    ),
)


def check(code: str, name: str, scope: Scope) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under ``code`` and ``name``."""
    return CHECKS.register(code, name, scope=scope)


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
    return CHECKS.where(scope=scope)
