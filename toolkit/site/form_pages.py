"""The forms page: each assembled form's blueprint conformance and information curve.

No item text and no item ids are shown: a form's composition is counted per domain and
section only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..bank.model import Item
from ..bank.store import Bank
from ..errors import DataError
from ..formfile import Form, load_form, resolve
from . import charts
from .model import Section
from .text import admonition, code, esc, table

PAGE = "bank/forms.md"


def _params(items: list[Item]) -> list[tuple[float, float, float]]:
    out = []
    for it in items:
        s = it.stats
        if s is not None and s.applies_to(it.version) and s.has_irt:
            out.append((float(s.a), float(s.b), float(s.c or 0.0)))  # type: ignore[arg-type]
    return out


def _form(bank: Bank, path: Path, form: Form, out: list[str]) -> list[Item] | None:
    out += [f"## Form {esc(form.id)}", ""]
    facts = [f"file {code(path.name)}", f"{len(form.entries)} items"]
    if form.spec:
        facts.append(f"specification {code(form.spec)}")
    if form.seed is not None:
        facts.append(f"seed {esc(form.seed)}")
    if form.bank_commit:
        facts.append(f"bank commit {code(form.bank_commit[:12])}")
    out += ["; ".join(facts) + ".", ""]
    try:
        items = resolve(form, bank, path)
    except DataError as exc:
        body = [esc(d.message) for d in exc.diagnostics[:10]]
        if len(exc.diagnostics) > 10:
            body.append(f"... and {len(exc.diagnostics) - 10} more")
        out += admonition("warning", "The form does not match the bank", [f"- {b}" for b in body])
        return None
    bp = bank.blueprint
    n = len(items)
    by_domain = Counter(bp.goals[it.learning_goal].domain_id for it in items)
    rows = []
    for d in bp.domains:
        expected = n * d.weight / 100
        rows.append(
            [
                esc(d.id),
                esc(d.title),
                f"{d.weight:g} %",
                f"{expected:.1f}",
                str(by_domain[d.id]),
                f"{by_domain[d.id] - expected:+.1f}",
            ]
        )
    out += ["Blueprint conformance:", ""]
    out += table(
        ["domain", "title", "weight", "expected", "on the form", "difference"], rows, "llrrrr"
    )
    out += table(
        ["section", "title", "items"],
        [[esc(s.id), esc(s.title), str(len(s.items))] for s in form.sections],
        "llr",
    )
    with_irt = len(_params(items))
    if with_irt < n:
        out += [
            f"{n - with_irt} of {n} items have no IRT parameters for their current version.",
            "",
        ]
    return items


def forms_section(bank: Bank, forms_dir: Path | None) -> Section:
    sec = Section()
    out = [
        "# Forms",
        "",
        "Assembled forms (files written by `qbank assemble`): how each follows the blueprint and"
        " how precisely it measures along the ability scale. No item text is shown here.",
        "",
    ]
    files = sorted(forms_dir.glob("*.yaml")) if forms_dir is not None and forms_dir.is_dir() else []
    if forms_dir is None:
        out += ["No forms folder was given (`qbank site build --forms DIR`).", ""]
    elif not files:
        out += [f"The forms folder {code(forms_dir)} holds no form files (`*.yaml`).", ""]
    curves: dict[str, list[tuple[float, float, float]]] = {}
    for path in files:
        try:
            form = load_form(path)
        except DataError as exc:
            where = exc.diagnostics[0] if exc.diagnostics else None
            msg = f"{where.path}:{where.line}: {where.message}" if where else str(exc)
            sec.notes.append(f"{msg} (form left out of the site)")
            out += admonition("failure", f"{path.name} cannot be read", [esc(msg)])
            continue
        items = _form(bank, path, form, out)
        if items is not None:
            curves[form.id] = _params(items)
    if any(curves.values()):
        sec.files["bank/charts/forms-information.svg"] = charts.information(
            curves, title="Test information of each form"
        )
        out += [
            "## Information curves",
            "",
            "![Test information of the forms](charts/forms-information.svg)",
            "",
        ]
    sec.page(PAGE, out)
    sec.nav.append({"Forms": PAGE})
    return sec
