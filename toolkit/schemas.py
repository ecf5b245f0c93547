"""The JSON Schemas in ``schema/``: loaded once, compiled once, errors turned into diagnostics.

The schemas are the single source of truth for the file formats; this module only
translates :mod:`jsonschema` errors into messages that say what is wrong and how
to fix it, positioned at the offending key or value.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:  # jsonschema is imported only when a file has a problem
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_PKG = Path(__file__).resolve().parent


def schema_dir() -> Path:
    """``schema/`` beside the package (source checkout) or inside it (installed wheel)."""
    for candidate in (_PKG.parent / "schema", _PKG / "_schema"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("qbank's schema/ folder is missing from this installation")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``schema/<name>.schema.json`` as data."""
    with open(schema_dir() / f"{name}.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def fast_check(name: str) -> Any:
    """A fastjsonschema-compiled checker for the clean-file fast path.

    fastjsonschema implements drafts 4-7; our schemas use only keywords whose meaning
    is the same in draft 7 and 2020-12 (tests/test_schemas.py checks the two agree),
    so the compiled code answers "valid?" about ten times faster than jsonschema.
    Detailed messages always come from jsonschema.
    """
    schema = dict(load_schema(name))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def is_valid(name: str, data: Any) -> bool:
    try:
        fast_check(name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


SCHEMA_CODES = {
    "S000": "other schema violation",
    "S001": "missing required field",
    "S002": "unknown field (typo?)",
    "S003": "wrong type",
    "S004": "value not among the allowed values",
    "S005": "value does not match the required pattern or format",
    "S006": "too few / too many items, too short, out of range, or duplicates",
}
"""Codes of JSON Schema violations (documented in docs/validate.md)."""

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _typename(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty (null)"
    return type(value).__name__


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _field(path: tuple[Any, ...]) -> str:
    """A field as an author reads it: options by their letter ("option C 'correct'"), other list
    entries by their 1-based number ("review 2 'date'")."""
    if not path:
        return "the document"
    if len(path) >= 2 and path[0] == "options" and isinstance(path[1], int) and path[1] < 26:
        rest = ".".join(str(p) for p in path[2:])
        return f"option {LETTERS[path[1]]}" + (f" '{rest}'" if rest else "")
    if len(path) >= 2 and isinstance(path[1], int) and isinstance(path[0], str):
        noun = {"reviews": "review", "references": "reference", "enemies": "enemy"}.get(
            path[0], f"{path[0]} entry"
        )
        rest = ".".join(str(p) for p in path[2:])
        return f"{noun} {path[1] + 1}" + (f" '{rest}'" if rest else "")
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return f"'{out}'"


class SchemaProblem:
    """One schema violation: a code, a message, the path, and whether to point at the key."""

    __slots__ = ("code", "key", "message", "path")

    def __init__(self, code: str, path: tuple[Any, ...], message: str, key: bool = False) -> None:
        self.code = code
        self.path = path
        self.message = message
        self.key = key


def _condition(err: ValidationError, root: dict[str, Any]) -> str:
    """' when type is multiple_select' for errors raised by an if/then branch."""
    sp = list(err.absolute_schema_path)
    if "then" not in sp:
        return ""
    node: Any = root
    for part in sp[: sp.index("then")]:
        node = node[part]
    props = node.get("if", {}).get("properties", {})
    conds = [
        f"{k} is {v['const']}" for k, v in props.items() if isinstance(v, dict) and "const" in v
    ]
    return f" (required when {' and '.join(conds)})" if conds else ""


def _explain(err: ValidationError, root: dict[str, Any]) -> Iterator[SchemaProblem]:
    path = tuple(err.absolute_path)
    v = err.validator
    inst = err.instance
    schema = err.schema if isinstance(err.schema, dict) else {}
    if v == "additionalProperties" and isinstance(inst, dict):
        allowed = list(schema.get("properties", {}))
        for extra in sorted(set(inst) - set(allowed), key=str):
            close = difflib.get_close_matches(str(extra), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
            yield SchemaProblem(
                "S002", (*path, extra), f"unknown field {_field((*path, extra))}; {hint}", key=True
            )
    elif v == "required":
        missing = [m for m in err.validator_value if isinstance(inst, dict) and m not in inst]
        for m in missing:
            where = f" in {_field(path)}" if path else ""
            yield SchemaProblem(
                "S001", path, f"missing required field '{m}'{where}{_condition(err, root)}; add it"
            )
    elif v == "type":
        want = err.validator_value
        wants = want if isinstance(want, list) else [want]
        expected = " or ".join(_TYPE_NAMES.get(w, w) for w in wants)
        yield SchemaProblem(
            "S003", path, f"{_field(path)} must be {expected}, not {_typename(inst)}"
        )
    elif v in ("enum", "const"):
        choices = err.validator_value if v == "enum" else [err.validator_value]
        listed = ", ".join(json.dumps(c) for c in choices)
        close = difflib.get_close_matches(str(inst), [str(c) for c in choices], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield SchemaProblem(
            "S004", path, f"{_field(path)} is {json.dumps(inst)}; it must be one of {listed}{hint}"
        )
    elif v in ("pattern", "format"):
        desc = schema.get("description", "")
        examples = schema.get("examples")
        hint = f" (e.g. {json.dumps(examples[0])})" if examples else ""
        if v == "format":
            hint = f" (expected a {err.validator_value}, e.g. 2026-01-31)"
        yield SchemaProblem(
            "S005",
            path,
            f"{_field(path)} has an invalid value {json.dumps(inst)}{hint}"
            + (f": {desc}" if desc else ""),
        )
    elif v in (
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "uniqueItems",
    ):
        if path == ("reviews",) and v == "minItems" and _condition(err, root):
            yield SchemaProblem(
                "S006",
                path,
                "status approved needs a review: an approving review by someone who is not an"
                " author, of the current version, recorded under 'reviews' (reviewer, date,"
                " decision: approved, version); or set status to review until it is reviewed",
            )
        elif path == ("references",) and v == "minItems" and _condition(err, root):
            yield SchemaProblem(
                "S006",
                path,
                "status approved needs at least one reference to official documentation under"
                " 'references'",
            )
        else:
            yield SchemaProblem("S006", path, f"{_field(path)}: {err.message}")
    else:
        yield SchemaProblem("S000", path, f"{_field(path)}: {err.message}")


def schema_problems(name: str, data: Any) -> list[SchemaProblem]:
    """All violations of schema ``name`` by ``data`` (empty when valid), in a stable order."""
    if is_valid(name, data):
        return []
    val = validator(name)
    errors = sorted(
        val.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
    )
    out: list[SchemaProblem] = []
    seen: set[tuple[str, tuple[Any, ...], str]] = set()
    for err in errors:
        for p in _explain(err, val.schema):
            k = (p.code, p.path, p.message)
            if k not in seen:
                seen.add(k)
                out.append(p)
    return out
