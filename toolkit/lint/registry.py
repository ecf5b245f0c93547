"""Lint rules as small registered units (in the style of yamllint and sqlfluff).

A rule has a stable ``code`` (``IW002``), a readable ``name`` (``key.longest``), a
``scope`` (``item``: called once per item; ``bank``: called once with the whole
bank), a default ``severity``, ``options`` with defaults, and a docstring with a
"Bad:" and a "Good:" example. The rule yields :class:`Finding` objects; the engine
fills in the code, the severity, the file and the position. Adding a rule means
adding one decorated function in a module of ``toolkit/lint/rules/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["item", "bank"]
Target = Literal["item", "blueprint", "bank"]


@dataclass(frozen=True)
class Finding:
    """What a rule found. ``target`` says which file: the item (``item`` id, default: the
    item being checked), the blueprint, or the bank as a whole (no position)."""

    message: str
    path: tuple[str | int, ...] = ()
    item: str | None = None
    target: Target = "item"
    key: bool = False


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    scope: Scope
    severity: str
    options: Mapping[str, Any]
    func: Callable[..., Iterator[Finding]]
    needs_git: bool = False
    tags: tuple[str, ...] = field(default=())

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


RULES: list[Rule] = []


def rule(
    code: str,
    name: str,
    *,
    scope: Scope = "item",
    severity: str = "error",
    options: Mapping[str, Any] | None = None,
    needs_git: bool = False,
) -> Callable[[Callable[..., Iterator[Finding]]], Callable[..., Iterator[Finding]]]:
    """Register a lint rule."""

    def deco(func: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        if any(r.code == code or r.name == name for r in RULES):
            raise ValueError(f"lint rule {code} / {name} registered twice")
        RULES.append(Rule(code, name, scope, severity, dict(options or {}), func, needs_git))
        return func

    return deco


def rules_by_code() -> dict[str, Rule]:
    _load_rules()
    return {r.code: r for r in sorted(RULES, key=lambda r: r.code)}


_loaded = False


def _load_rules() -> None:
    global _loaded
    if not _loaded:
        from .rules import blueprint_rules, item_writing, version_rules  # noqa: F401

        _loaded = True
