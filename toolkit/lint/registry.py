"""Lint rules as small registered units (in the style of yamllint and sqlfluff).

A rule has a stable ``code`` (``IW002``), a readable ``name`` (``key.longest``), a
``scope`` (``item``: called once per item; ``bank``: called once with the whole
bank), a default ``severity``, ``options`` with defaults, and a docstring with a
"Bad:" and a "Good:" example. The rule yields :class:`Finding` objects; the engine
fills in the code, the severity, the file and the position. Adding a rule means
adding one decorated function in a module of ``toolkit/lint/rules/``. Rules live in the
project's one registry type (:mod:`toolkit.registry`).

Contract: an ``item``-scope rule looks only at its item, the blueprint and its options (its
findings are cached per item file); anything that compares items is a ``bank`` rule. A bank
rule that needs per-item data which is costly to derive (token sets, shingle hashes) declares
an :func:`item_features` function: the engine caches its plain-data result per item file and
hands the results to the rule in ``ctx.features[code]``, so that a warm run recomputes the
comparison, not the features.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..registry import Registry, Unit

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
    fix: Callable[[Any], None] | None = field(default=None, compare=False)
    """A safe, mechanical repair of the item's data (``qbank lint --fix``); never set for
    anything the author must decide."""


RuleFunc = Callable[..., Iterator[Finding]]
Rule = Unit[RuleFunc]

RULES: Registry[RuleFunc] = Registry(
    "lint rule",
    modules=(
        "toolkit.lint.rules.blueprint_rules",
        "toolkit.lint.rules.cue_rules",
        "toolkit.lint.rules.item_writing",
        "toolkit.lint.rules.version_rules",
    ),
)


def rule(
    code: str,
    name: str,
    *,
    scope: Scope = "item",
    severity: str = "error",
    options: Mapping[str, Any] | None = None,
    needs_git: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a lint rule."""
    return RULES.register(
        code,
        name,
        scope=scope,
        severity=severity,
        options=options,
        requires=("git",) if needs_git else (),
    )


FeatureFunc = Callable[[Any, Mapping[str, Any]], Any]
FEATURES: dict[str, FeatureFunc] = {}
"""Per-item feature functions of bank rules, by rule code (see :func:`item_features`)."""


def item_features(code: str) -> Callable[[FeatureFunc], FeatureFunc]:
    """Register ``func(item, options) -> plain data`` as the per-item features of bank rule
    ``code``. The result must be plain data (bytes, str, numbers, lists, dicts): it is cached."""

    def deco(func: FeatureFunc) -> FeatureFunc:
        FEATURES[code] = func
        return func

    return deco


def features_of(ctx: Any, code: str, item: Any, opts: Mapping[str, Any]) -> Any:
    """The features of ``item`` for rule ``code``: from ``ctx.features`` (the engine's cache,
    keyed by the item object, since two files may share an id by mistake) when there, else
    computed now (a rule called directly, e.g. from a notebook)."""
    got = ctx.features.get(code, {}).get(id(item))
    return got if got is not None else FEATURES[code](item, opts)


def rules_by_code() -> dict[str, Rule]:
    return RULES.by_code()
