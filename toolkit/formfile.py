"""Form files: one assembled exam form, as written by ``qbank assemble`` and read by ``qbank
export``, ``qbank simulate`` and the site.

A form file ``<form-id>.yaml`` pins each item to the version it was assembled from::

    id: F1
    spec: bank/assembly.yaml          # the specification it came from
    spec_sha256: 3f2a...              # of that file
    bank_commit: 6e14163...           # git commit of the bank (+dirty when uncommitted)
    seed: 7
    sections:                         # delivery order: sections in order, items in order
      - id: domain-1
        title: Architecting low-code AI solutions
        items:
          - {id: PMLE-0101, version: 2, content_hash: 9c1e0f3a2b4d5e6f}

Readers check each entry against the bank: an item whose version or content hash differs from
the bank's is reported (the form was assembled from other content), never silently exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, Severity
from .errors import DataError

if TYPE_CHECKING:
    from .bank.model import Item
    from .bank.store import Bank

FORM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
"""Form ids become file names: letters, digits, dot, dash, underscore; no path separators."""


@dataclass(frozen=True)
class FormEntry:
    id: str
    version: int
    content_hash: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[FormEntry, ...]


@dataclass(frozen=True)
class Form:
    id: str
    sections: tuple[Section, ...]
    spec: str = ""
    spec_sha256: str = ""
    bank_commit: str = ""
    seed: int | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def entries(self) -> tuple[FormEntry, ...]:
        """All entries in delivery order."""
        return tuple(e for s in self.sections for e in s.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.spec:
            out["spec"] = self.spec
        if self.spec_sha256:
            out["spec_sha256"] = self.spec_sha256
        if self.bank_commit:
            out["bank_commit"] = self.bank_commit
        if self.seed is not None:
            out["seed"] = self.seed
        out.update(self.meta)
        out["sections"] = [
            {
                "id": s.id,
                "title": s.title,
                "items": [
                    {"id": e.id, "version": e.version, "content_hash": e.content_hash}
                    for e in s.items
                ],
            }
            for s in self.sections
        ]
        return out

    def dumps(self) -> str:
        """Deterministic YAML text of the form."""
        from .yamlio import dump

        return dump(self.to_dict())


def entry_for(item: Item) -> FormEntry:
    return FormEntry(item.id, item.version, item.content_hash)


def check_form_id(form_id: str) -> str:
    from .errors import UsageError

    if not FORM_ID.match(form_id):
        raise UsageError(
            f"form id {form_id!r} is not allowed: use letters, digits, '.', '-' and '_' only"
            " (it becomes a file name)"
        )
    return form_id


def load_form(path: str | Path) -> Form:
    """Read a form file; raises :class:`DataError` with positioned diagnostics."""
    from .yamlio import read_yaml_file

    p = Path(path)
    doc = read_yaml_file(p, "form file")
    data = doc.data
    diags: list[Diagnostic] = []

    def bad(where: tuple[str | int, ...], msg: str) -> None:
        line, col = doc.position(where)
        diags.append(Diagnostic(str(p), line, col, "F001", Severity.ERROR, msg))

    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        bad((), "a form file is a mapping with an `id` and `sections`")
        raise DataError(f"{p}: not a form file", diags)
    if not FORM_ID.match(data["id"]):
        bad(("id",), f"form id {data['id']!r} may hold only letters, digits, '.', '-', '_'")
    sections = []
    for si, s in enumerate(data.get("sections") or []):
        entries = []
        if not isinstance(s, dict):
            bad(("sections", si), "a section is a mapping with `id`, `title` and `items`")
            continue
        for ii, e in enumerate(s.get("items") or []):
            ok = (
                isinstance(e, dict)
                and isinstance(e.get("id"), str)
                and isinstance(e.get("version"), int)
                and isinstance(e.get("content_hash"), str)
            )
            if not ok:
                bad(
                    ("sections", si, "items", ii),
                    "an item entry needs `id`, `version` (a whole number) and `content_hash`",
                )
                continue
            entries.append(FormEntry(e["id"], e["version"], e["content_hash"]))
        sections.append(Section(str(s.get("id", "")), str(s.get("title", "")), tuple(entries)))
    if not sections:
        bad((), "the form has no `sections`")
    if diags:
        raise DataError(f"{p}: invalid form file", diags)
    known = {"id", "spec", "spec_sha256", "bank_commit", "seed", "sections"}
    return Form(
        data["id"],
        tuple(sections),
        str(data.get("spec", "")),
        str(data.get("spec_sha256", "")),
        str(data.get("bank_commit", "")),
        data.get("seed"),
        {k: v for k, v in data.items() if k not in known},
    )


def resolve(form: Form, bank: Bank, path: str | Path = "") -> list[Item]:
    """The bank's items of ``form`` in delivery order; :class:`DataError` when an item is
    missing or its version or content hash differs from what the form pinned."""
    diags = []
    items = []
    for e in form.entries:
        it = bank.by_id.get(e.id)
        if it is None:
            msg = f"item {e.id} is not in the bank"
        elif it.version != e.version or it.content_hash != e.content_hash:
            msg = (
                f"item {e.id}: the form pins version {e.version} ({e.content_hash}), the bank"
                f" has version {it.version} ({it.content_hash}); reassemble the form or check"
                " out the bank commit it came from"
            )
        else:
            items.append(it)
            continue
        diags.append(Diagnostic(str(path or form.id), 0, 0, "F002", Severity.ERROR, msg))
    if diags:
        raise DataError(f"form {form.id} does not match the bank", diags)
    return items
