"""The assembly specification: ``bank/assembly.yaml`` (schema ``schema/assembly.schema.json``).

The schema is derived from the registered constraints (their names and options), written to
``schema/assembly.schema.json`` by ``python -m toolkit.docgen``, and a test keeps the two
equal. Every problem in a specification is reported with its file, line and column.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError, UsageError
from ..formfile import FORM_ID
from ..registry import Unit
from .constraints import CONSTRAINTS, MANDATORY

if TYPE_CHECKING:
    from ..blueprint import Blueprint
    from ..yamlio import YamlDocument

ORDERS = ("sections", "shuffled")
"""Delivery order: sections by domain (blueprint order), or one section shuffled by the seed."""


def spec_schema() -> dict[str, Any]:
    """JSON Schema of an assembly specification (constraint options from the registry)."""
    constraints = CONSTRAINTS.config_schema(extra={"enabled": {"type": "boolean"}})
    for u in CONSTRAINTS:
        if u.scope == MANDATORY:
            constraints["properties"][u.name]["properties"].pop("enabled")
    num_list = {"type": "array", "items": {"type": "number"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:qbank:schema:assembly",
        "title": "qbank assembly specification",
        "description": "Generated from the registered assembly constraints by `python -m"
        " toolkit.docgen`; do not edit by hand. See docs/assembly.md.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "forms": {"description": "Number of forms.", "type": "integer", "minimum": 1},
            "length": {
                "description": "Items per form; 0: the blueprint's form_length.",
                "type": "integer",
                "minimum": 0,
            },
            "ids": {
                "description": "Form ids (default F1, F2, ...).",
                "type": "array",
                "items": {"type": "string", "pattern": FORM_ID.pattern},
                "uniqueItems": True,
            },
            "order": {"description": "Delivery order of a form's items.", "enum": list(ORDERS)},
            "seed": {"description": "Default seed (`--seed` overrides).", "type": "integer"},
            "history": {
                "description": "Earlier form files or folders of them, oldest first, relative"
                " to this file (exposure limits).",
                "type": "array",
                "items": {"type": "string"},
            },
            "objective": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "cut": {"description": "Theta of the cut score.", "type": "number"},
                    "theta": {
                        "description": "Where the forms' information functions must agree.",
                        **num_list,
                    },
                    "target": {
                        "description": "Information at those points (empty: the forms' mean).",
                        **num_list,
                    },
                    "parallel_weight": {"type": "number", "minimum": 0},
                },
            },
            "solver": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "time_limit": {"type": "number", "exclusiveMinimum": 0},
                    "mip_gap": {"type": "number", "minimum": 0},
                    "max_nodes": {"type": "integer", "minimum": 0},
                },
            },
            "constraints": constraints,
        },
    }


@dataclass(frozen=True)
class AssemblySpec:
    forms: int = 3
    length: int = 0
    ids: tuple[str, ...] = ()
    order: str = "sections"
    seed: int = 0
    history: tuple[str, ...] = ()
    cut: float = 0.0
    theta: tuple[float, ...] = (-1.0, 0.0, 1.0)
    target: tuple[float, ...] = ()
    parallel_weight: float = 1.0
    time_limit: float = 60.0
    mip_gap: float = 1e-4
    max_nodes: int = 0
    constraints: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    path: str = ""
    sha256: str = ""
    doc: YamlDocument | None = field(default=None, compare=False, repr=False)

    @property
    def form_ids(self) -> tuple[str, ...]:
        return self.ids or tuple(f"F{k + 1}" for k in range(self.forms))

    def enabled(self, unit: Unit[Any]) -> bool:
        return unit.scope == MANDATORY or self.constraints.get(unit.name, {}).get("enabled", True)

    def options(self, unit: Unit[Any]) -> dict[str, Any]:
        return CONSTRAINTS.options_for(unit, self.constraints)

    def position(self, *path: str | int) -> tuple[int, int]:
        """(line, column) of ``path`` in the specification file, (0, 0) without a file."""
        if self.doc is None:
            return 0, 0
        return self.doc.position(path, key=True)

    def unit_position(self, unit: Unit[Any]) -> tuple[int, int]:
        if unit.name in self.constraints:
            return self.position("constraints", unit.name)
        if unit.name == "form.length":
            return self.position("length") if self.doc and "length" in self.doc.data else (0, 0)
        return 0, 0

    def resolved(self, bp: Blueprint) -> AssemblySpec:
        """With ``length`` 0 replaced by the blueprint's form length."""
        return self if self.length else dataclasses.replace(self, length=bp.exam.form_length)

    def replace(self, **changes: Any) -> AssemblySpec:
        """A copy with some fields changed (``None`` values are ignored); changing ``forms``
        drops explicit ``ids`` of the wrong number."""
        changes = {k: v for k, v in changes.items() if v is not None}
        out = dataclasses.replace(self, **changes)
        if "forms" in changes and len(out.ids) not in (0, out.forms):
            out = dataclasses.replace(out, ids=())
        if out.forms < 1:
            raise UsageError(f"the number of forms must be at least 1 (got {out.forms})")
        if out.length < 0:
            raise UsageError(f"the form length must be positive (got {out.length})")
        return out

    def with_options(self, name: str, **options: Any) -> AssemblySpec:
        """A copy with options of the constraint ``name`` set."""
        CONSTRAINTS.get(name)
        table = {k: dict(v) for k, v in self.constraints.items()}
        table.setdefault(name, {}).update(options)
        return dataclasses.replace(self, constraints=table)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], path: str = "", sha256: str = "", doc: Any = None
    ) -> AssemblySpec:
        obj = data.get("objective", {})
        sol = data.get("solver", {})
        d = cls()
        return cls(
            forms=data.get("forms", len(data.get("ids", ())) or d.forms),
            length=data.get("length", d.length),
            ids=tuple(data.get("ids", ())),
            order=data.get("order", d.order),
            seed=data.get("seed", d.seed),
            history=tuple(data.get("history", ())),
            cut=float(obj.get("cut", d.cut)),
            theta=tuple(float(t) for t in obj.get("theta", d.theta)),
            target=tuple(float(t) for t in obj.get("target", d.target)),
            parallel_weight=float(obj.get("parallel_weight", d.parallel_weight)),
            time_limit=float(sol.get("time_limit", d.time_limit)),
            mip_gap=float(sol.get("mip_gap", d.mip_gap)),
            max_nodes=int(sol.get("max_nodes", d.max_nodes)),
            constraints={k: dict(v) for k, v in data.get("constraints", {}).items()},
            path=path,
            sha256=sha256,
            doc=doc,
        )


def _semantic_problems(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    ids = data.get("ids")
    if ids and "forms" in data and len(ids) != data["forms"]:
        out.append((("ids",), f"{len(ids)} form ids for {data['forms']} forms; give one per form"))
    obj = data.get("objective", {})
    if obj.get("target") and len(obj["target"]) != len(obj.get("theta", (-1, 0, 1))):
        out.append((("objective", "target"), "give one target information value per theta point"))
    for name, opts in data.get("constraints", {}).items():
        for k, v in opts.items():
            if isinstance(v, float) and not 0 <= v <= 1:
                out.append((("constraints", name, k), f"{k} is a share between 0 and 1"))
            elif isinstance(v, int) and not isinstance(v, bool) and v < 0:
                out.append((("constraints", name, k), f"{k} must not be negative"))
    return out


def load_spec(path: str | Path) -> AssemblySpec:
    """Read and check an assembly specification; :class:`DataError` with positioned
    diagnostics when it is invalid."""
    from ..schemas import schema_problems
    from ..yamlio import read_yaml_file

    p = Path(path)
    doc = read_yaml_file(p, "assembly specification")
    diags = []
    if not isinstance(doc.data, dict):
        diags.append(
            Diagnostic(str(p), 1, 1, "S003", Severity.ERROR, "a specification is a mapping")
        )
    else:
        for sp in schema_problems("assembly", doc.data):
            line, col = doc.position(sp.path, key=sp.key)
            diags.append(Diagnostic(str(p), line, col, sp.code, Severity.ERROR, sp.message))
        if not diags:
            for where, msg in _semantic_problems(doc.data):
                line, col = doc.position(where)
                diags.append(Diagnostic(str(p), line, col, "S006", Severity.ERROR, msg))
    if diags:
        raise DataError(f"{p}: invalid assembly specification", diags)
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    return AssemblySpec.from_dict(doc.data, str(path), sha, doc)


def default_spec_path(bank_root: str | Path) -> Path:
    return Path(bank_root) / "assembly.yaml"
