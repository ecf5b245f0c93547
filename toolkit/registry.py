"""One registry type for every pluggable unit: validation checks, lint rules, analysis flags,
assembly constraints and exporters.

A unit has a stable ``code`` (``IW002``), a readable ``name`` (``key.longest``), options with
their defaults, and a docstring that says what it does (with "Bad:"/"Good:" examples for lint
rules, or what a flag means). The docs pages and the JSON Schema of the configuration are
derived from the registry, never kept by hand in a second place. A registry knows which
modules hold its units and imports them on first use, so adding a unit means adding one
decorated function (or class) in one of those modules, and nothing else.

Example::

    FLAGS = Registry("flag", modules=("toolkit.analysis.flags",), config_key="name")

    @FLAGS.register("AF01", "too_easy", options={"max_p": 0.95})
    def too_easy(row, options): ...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Unit(Generic[F]):
    """One registered unit. ``func`` is the function (or class) that does the work."""

    kind: str
    code: str
    name: str
    func: F
    options: Mapping[str, Any] = field(default_factory=dict)
    scope: str = ""
    severity: str = "error"
    requires: tuple[str, ...] = ()
    """What the unit needs beyond the bank, e.g. ``("git",)`` for history-aware lint rules."""

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        """The first paragraph of the docstring, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    @property
    def needs_git(self) -> bool:
        return "git" in self.requires

    def options_schema(self) -> dict[str, Any]:
        """JSON Schema properties of the unit's options, from the types of their defaults."""
        return {k: json_type(v) for k, v in self.options.items()}


def json_type(value: Any) -> dict[str, Any]:
    """The JSON Schema type of a default value."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list | tuple):
        return {"type": "array", "items": json_type(value[0]) if value else {}}
    if isinstance(value, dict):
        return {"type": "object"}
    return {}


class Registry(Generic[F]):
    """An ordered collection of units of one kind, filled by the ``register`` decorator.

    ``modules`` are imported on first access so that registration happens once, lazily.
    ``config_key`` says whether configuration tables name units by ``code`` or ``name``.
    """

    def __init__(
        self,
        kind: str,
        *,
        modules: tuple[str, ...] = (),
        config_key: Literal["code", "name"] = "code",
    ) -> None:
        self.kind = kind
        self.config_key = config_key
        self._modules = modules
        self._units: dict[str, Unit[F]] = {}
        self._loaded = not modules

    def register(
        self,
        code: str,
        name: str,
        *,
        options: Mapping[str, Any] | None = None,
        scope: str = "",
        severity: str = "error",
        requires: tuple[str, ...] = (),
    ) -> Callable[[F], F]:
        """Decorator: register ``func`` under ``code`` and ``name`` (both must be new)."""

        def deco(func: F) -> F:
            if code in self._units or any(u.name == name for u in self._units.values()):
                raise ValueError(f"{self.kind} {code} / {name} registered twice")
            self._units[code] = Unit(
                self.kind, code, name, func, dict(options or {}), scope, severity, requires
            )
            return func

        return deco

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for m in self._modules:
                importlib.import_module(m)

    def units(self) -> list[Unit[F]]:
        """All units, sorted by code."""
        self._load()
        return [self._units[c] for c in sorted(self._units)]

    def __iter__(self) -> Iterator[Unit[F]]:
        return iter(self.units())

    def __len__(self) -> int:
        self._load()
        return len(self._units)

    def by_code(self) -> dict[str, Unit[F]]:
        return {u.code: u for u in self.units()}

    def by_name(self) -> dict[str, Unit[F]]:
        return {u.name: u for u in self.units()}

    def get(self, key: str) -> Unit[F]:
        """The unit with this code or name; ``KeyError`` with a suggestion otherwise."""
        self._load()
        if key in self._units:
            return self._units[key]
        for u in self._units.values():
            if u.name == key:
                return u
        from .suggest import did_you_mean

        known = [*self._units, *(u.name for u in self._units.values())]
        raise KeyError(f"no {self.kind} {key!r}{did_you_mean(key, known)}")

    def where(self, **attrs: Any) -> list[Unit[F]]:
        """Units whose attributes equal ``attrs`` (e.g. ``scope="item"``)."""
        return [u for u in self.units() if all(getattr(u, k) == v for k, v in attrs.items())]

    def config_schema(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """JSON Schema of a table ``{<code or name>: {<option>: value, ...}}``; ``extra`` adds
        properties every unit accepts (e.g. ``severity``)."""
        props = {}
        for u in self.units():
            p = dict(extra or {})
            p.update(u.options_schema())
            props[getattr(u, self.config_key)] = {
                "type": "object",
                "description": f"{u.name}: {u.summary}",
                "additionalProperties": False,
                "properties": p,
            }
        return {"type": "object", "additionalProperties": False, "properties": props}

    def options_for(self, unit: Unit[F], table: Mapping[str, Any] | None) -> dict[str, Any]:
        """The unit's options with the overrides of a (validated) configuration table."""
        opts = dict(unit.options)
        if table:
            own = table.get(getattr(unit, self.config_key), {})
            opts.update({k: v for k, v in own.items() if k in unit.options})
        return opts
