"""Lint configuration: ``[tool.qbank.lint]`` in pyproject.toml or ``[lint]`` in qbank.toml.

The JSON Schema of the configuration is derived from the registered rules (their
codes, option names and the types of their defaults), so a typo in a rule code or
an option name is caught with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ConfigError, error_keys, locate, section
from .registry import RULES, Rule

__all__ = ["ConfigError", "LintConfig", "config_schema", "load_config", "parse_config"]

SEVERITIES = ("error", "warning", "info", "off")


def config_schema() -> dict[str, Any]:
    """JSON Schema of the ``lint`` table, derived from the rule registry."""
    code_list = {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{0,3}$"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:qbank:schema:lint-config",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "select": code_list,
            "ignore": code_list,
            "rules": RULES.config_schema(extra={"severity": {"enum": list(SEVERITIES)}}),
        },
    }


@dataclass(frozen=True)
class LintConfig:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = ""

    def enabled(self, r: Rule) -> bool:
        if self.select and not any(r.code.startswith(p) for p in self.select):
            return False
        if any(r.code.startswith(p) for p in self.ignore):
            return False
        return self.severity(r) != "off"

    def severity(self, r: Rule) -> str:
        return str(self.rules.get(r.code, {}).get("severity", r.severity))

    def options(self, r: Rule) -> dict[str, Any]:
        opts = dict(r.options)
        opts.update({k: v for k, v in self.rules.get(r.code, {}).items() if k != "severity"})
        return opts


def check_codes(codes: tuple[str, ...] | list[str], what: str, source: str = "") -> None:
    """Refuse a code or prefix that selects no rule (a typo must not become an empty run)."""
    from ..suggest import did_you_mean

    known = list(RULES.by_code())
    for c in codes:
        if not any(k.startswith(c) for k in known):
            where = f"{locate(source, ['lint', what])}: " if source else ""
            raise ConfigError(
                f"{where}{what} {c}: no lint rule has this code or prefix"
                f"{did_you_mean(c, known)} (see `qbank lint --list-rules`)"
            )


def parse_config(table: dict[str, Any], source: str = "") -> LintConfig:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(config_schema()).iter_errors(table), key=lambda e: e.path)
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path) or "lint"
        at = locate(source, error_keys(["lint"], e)) if source else source
        raise ConfigError(f"{at}: [{where}] {e.message}")
    check_codes(table.get("select", ()), "select", source)
    check_codes(table.get("ignore", ()), "ignore", source)
    return LintConfig(
        select=tuple(table.get("select", ())),
        ignore=tuple(table.get("ignore", ())),
        rules={k: dict(v) for k, v in table.get("rules", {}).items()},
        source=source,
    )


def load_config(path: str | Path | None = None, cwd: str | Path = ".") -> LintConfig:
    """Load the lint configuration from ``path``, or find qbank.toml / pyproject.toml in ``cwd``."""
    table, source = section(path, ("lint",), cwd)
    return parse_config(table, source) if table is not None else LintConfig(source=source)
