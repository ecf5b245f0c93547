"""Write an assembly: form files, answer keys, the form report (Markdown + HTML, plots) and
the classification table.

Files in ``DIR``:

- ``<form-id>.yaml``: the form (:mod:`toolkit.formfile`): id, specification and its SHA-256,
  bank commit, seed, and sections of item entries (id, version, content hash) in delivery
  order. It names items only; it holds no item text or key.
- ``keys/<form-id>.csv``: the answer key, a **staff document**: its first line is a comment
  saying so (``# CONFIDENTIAL ...``); then ``position,item_id,version,content_hash,type,key``
  (multiple_select keys joined with ``;``).
- ``report.md`` and ``report.html`` (with ``plots/`` when the items have IRT parameters): a
  staff document as well (it describes secure forms), without stems, options or keys.
- ``classification.csv``: accuracy and consistency at the cut per form (IRT only).

No file holds a time stamp or a timing, so the same inputs and seed give byte-identical files
(the solve time is printed by the command instead).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..io import atomic_write_text
from ..reporting.report import _e, _html
from ..vocab import ItemType
from .assemble import IRT, AssemblyResult
from .constraints import CONSTRAINTS, level_targets, mc_letters

if TYPE_CHECKING:
    from ..bank.model import Item
    from ..bank.store import Bank
    from .classification import Decision
    from .curves import Params

KEY_NOTICE = (
    "# CONFIDENTIAL staff document: answer key of form {form}. Do not give it to candidates,"
    " publish it or commit it to a public repository."
)
REPORT_NOTICE = (
    "**Confidential: staff document.** It describes the composition of secure operational"
    " forms (item ids, blueprint, overlap). It contains no stems, options or keys; the answer"
    " keys are in `keys/`, also confidential."
)
CURVE_THETA = np.linspace(-4, 4, 161)


def answer_key_csv(form_id: str, items: tuple[Item, ...]) -> str:
    lines = [KEY_NOTICE.format(form=form_id), "position,item_id,version,content_hash,type,key"]
    for k, it in enumerate(items, 1):
        lines.append(f"{k},{it.id},{it.version},{it.content_hash},{it.type},{';'.join(it.key)}")
    return "\n".join(lines) + "\n"


def form_curves(result: AssemblyResult) -> dict[str, Params]:
    if result.psychometrics.mode != IRT:
        return {}
    return {
        fid: result.psychometrics.curves([it.id for it in items])
        for fid, items in result.items.items()
    }


def decisions(result: AssemblyResult) -> list[Decision]:
    from .classification import decisions as run

    curves = form_curves(result)
    return run(curves, result.spec.cut) if curves else []


def _plot_curves(curves: dict[str, Params], cut: float, path: Path) -> Path:
    from ..reporting.plots import _plt, _save

    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for fid, p in curves.items():
        ax1.plot(CURVE_THETA, p.tif(CURVE_THETA), label=fid)
        ax2.plot(CURVE_THETA, p.tcc(CURVE_THETA), label=fid)
    for ax, title, ylabel in (
        (ax1, "Test information", "information"),
        (ax2, "Expected score (test characteristic curve)", "expected raw score"),
    ):
        ax.axvline(cut, color="grey", ls=":", label=f"cut (theta {cut:g})")
        ax.set(xlabel="ability (theta)", ylabel=ylabel, title=title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def _table(head: list[str], rows: list[list[str]], right: int = 1) -> list[str]:
    out = ["| " + " | ".join(head) + " |"]
    out.append("|" + "|".join("---" if k < right else "---:" for k in range(len(head))) + "|")
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def markdown(
    result: AssemblyResult, bank: Bank, decisions_: list[Decision], pics: list[str]
) -> str:
    spec, sol, psy = result.spec, result.solution, result.psychometrics
    bp = bank.blueprint
    fids = result.form_ids
    goal = bp.goals
    status = (
        "proven optimal"
        if sol.status == "optimal"
        else f"{sol.status} (stopped by a limit; relative gap {sol.gap:.2%})"
    )
    lines = [
        "# Form assembly report",
        "",
        f"> {REPORT_NOTICE}",
        "",
        f"- Forms: {', '.join(_e(f) for f in fids)}, {spec.length} items each, delivery order:"
        f" {spec.order}",
        f"- Specification: `{_e(spec.path or '(defaults)')}`"
        + (f" (sha256 {spec.sha256[:12]})" if spec.sha256 else ""),
        f"- Bank commit: {_e(result.forms[0].bank_commit if result.forms else '')}; seed"
        f" {result.seed}",
        f"- Solver: HiGHS (highspy), {status}; objective {sol.objective:.4f}."
        " The solve time is printed by `qbank assemble` (kept out of the files so that they are"
        " byte-identical for the same inputs).",
        f"- Psychometric target: {_e(psy.note)}.",
        f"- Pool: {result.eligible} eligible items"
        + "".join(f"; {len(ids)} left out by `{n}`" for n, ids in sorted(result.excluded.items())),
        "",
        "## Constraint checks on the forms produced",
        "",
    ]
    rows = []
    for c in result.checks:
        verdict = "off" if not c.enabled else ("pass" if c.ok else "FAIL: " + "; ".join(c.problems))
        rows.append([c.code, f"`{c.name}`", _e(verdict)])
    lines += _table(["code", "constraint", "result"], rows, right=99)

    # blueprint conformance
    counts = bp.domain_counts(spec.length)
    lines += ["## Blueprint conformance", "", "### Domains", ""]
    rows = []
    for d in bp.domains:
        have = [
            sum(goal[it.learning_goal].domain_id == d.id for it in result.items[f]) for f in fids
        ]
        rows.append([d.id, _e(d.title), f"{d.weight:g}%", str(counts[d.id]), *map(str, have)])
    lines += _table(["domain", "title", "weight", "target", *fids], rows, right=2)
    lines += ["### Topics (items per form)", ""]
    rows = []
    for t in bp.topics.values():
        have = [
            sum(goal[it.learning_goal].topic_id == t.id for it in result.items[f]) for f in fids
        ]
        rows.append([t.id, _e(t.title), str(len(t.goals)), *map(str, have)])
    lines += _table(["topic", "title", "goals", *fids], rows, right=2)
    lines += ["### Cognitive level and item type", ""]
    rows = []
    ctx_levels = _levels(result, bank)
    for level, target in ctx_levels.items():
        have = [sum(goal[it.learning_goal].level == level for it in result.items[f]) for f in fids]
        rows.append([_e(level), f"{target:.0%}", *map(str, have)])
    ms = [sum(it.type == ItemType.MULTIPLE_SELECT for it in result.items[f]) for f in fids]
    rows.append(["multiple_select", "", *map(str, ms)])
    max_goal = [max(Counter(it.learning_goal for it in result.items[f]).values()) for f in fids]
    rows.append(["most items on one goal", "", *map(str, max_goal)])
    lines += _table(["", "target share", *fids], rows)

    # overlap
    ids = {f: {it.id for it in result.items[f]} for f in fids}
    lines += ["## Overlap between forms (items in common)", ""]
    rows = [[f, *(str(len(ids[f] & ids[g])) for g in fids)] for f in fids]
    lines += _table(["", *fids], rows)
    if len(fids) > 1:
        common = set.intersection(*ids.values())
        lines += [f"Items on every form (anchor block): {len(common)}.", ""]

    # enemies and exposure
    pool_pairs = _enemy_pairs(bank)
    together = [(f, a, b) for f in fids for a, b in pool_pairs if a in ids[f] and b in ids[f]]
    lines += [
        "## Enemies and exposure",
        "",
        f"- Enemy pairs among the bank's items: {len(pool_pairs)}; pairs on the same form:"
        f" {len(together)}.",
        f"- Public practice items on a form: {sum(not it.is_secure for f in fids for it in result.items[f])}.",
    ]
    uses = Counter(i for f in fids for i in ids[f])
    hist = result.history_uses
    used_before = sum(1 for i in uses if hist.get(i))
    lines += [
        f"- Form history: {len(spec.history)} entr{'y' if len(spec.history) == 1 else 'ies'};"
        f" {used_before} item(s) on these forms were on a form of the history; the most forms"
        f" any item is on (history + new): {max((uses[i] + hist.get(i, 0) for i in uses), default=0)}.",
        f"- Items on 1 / 2 / 3+ new forms: {sum(v == 1 for v in uses.values())} /"
        f" {sum(v == 2 for v in uses.values())} / {sum(v >= 3 for v in uses.values())}.",
        "",
    ]

    # key balance
    letters = mc_letters([it for f in fids for it in result.items[f]])
    lines += ["## Key balance (multiple_choice keys per position)", ""]
    rows = []
    for f in fids:
        mc = [it for it in result.items[f] if it.type == ItemType.MULTIPLE_CHOICE]
        keys = Counter(it.key[0] for it in mc if it.key)
        rows.append([f, *(str(keys[L]) for L in letters), str(len(mc))])
    lines += _table(["form", *letters, "multiple_choice items"], rows)

    # psychometrics
    lines += ["## Test information and expected scores", ""]
    if result.psychometrics.mode != IRT:
        lines += [
            f"No test information or expected-score curves: {_e(psy.note)}.",
            "",
        ]
    else:
        curves = form_curves(result)
        pts = sorted({*spec.theta, spec.cut})
        rows = []
        for f, p in curves.items():
            rows.append(
                [
                    f,
                    *(f"{v:.2f}" for v in p.tif(np.array(pts))),
                    *(f"{v:.2f}" for v in p.tcc(np.array(pts))),
                ]
            )
        head = [f"I({t:g})" for t in pts] + [f"E({t:g})" for t in pts]
        lines += _table(["form", *head], rows)
        for name in pics:
            lines += [f"![test information and expected score](plots/{name})", ""]
    if decisions_:
        lines += [
            f"## Decisions at the cut (theta {spec.cut:g})",
            "",
            "Raw cut: the expected score at the theta cut on each form's test characteristic"
            " curve, rounded up. Accuracy and consistency: Rudner's method on theta, Lee's on"
            " the raw cut; ability distribution N(0, 1). Also in `classification.csv`.",
            "",
        ]
        rows = [
            [
                d.form_id,
                f"{d.expected_raw_cut:.2f}",
                str(d.raw_cut),
                f"{d.rudner_accuracy:.3f}",
                f"{d.rudner_consistency:.3f}",
                f"{d.lee_accuracy:.3f}",
                f"{d.lee_consistency:.3f}",
            ]
            for d in decisions_
        ]
        lines += _table(
            [
                "form",
                "expected score at cut",
                "raw cut",
                "accuracy (Rudner)",
                "consistency (Rudner)",
                "accuracy (Lee)",
                "consistency (Lee)",
            ],
            rows,
        )
    return "\n".join(lines).rstrip() + "\n"


def _levels(result: AssemblyResult, bank: Bank) -> dict[str, float]:
    from .context import AssemblyContext

    return level_targets(AssemblyContext(bank, result.spec))


def _enemy_pairs(bank: Bank) -> list[tuple[str, str]]:
    from .constraints import Enemies

    return Enemies.pairs(list(bank.items))


def write_assembly(result: AssemblyResult, bank: Bank, out_dir: str | Path) -> list[Path]:
    """Write every file of an assembly to ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    written: list[Path] = []
    for form in result.forms:
        atomic_write_text(out / f"{form.id}.yaml", form.dumps())
        atomic_write_text(
            out / "keys" / f"{form.id}.csv", answer_key_csv(form.id, result.items[form.id])
        )
        written += [out / f"{form.id}.yaml", out / "keys" / f"{form.id}.csv"]
    pics: list[str] = []
    curves = form_curves(result)
    if curves:
        p = _plot_curves(curves, result.spec.cut, out / "plots" / "form-curves.png")
        pics.append(p.name)
        written.append(p)
    dec = decisions(result)
    if dec:
        from .classification import decisions_csv

        atomic_write_text(out / "classification.csv", decisions_csv(dec))
        written.append(out / "classification.csv")
    md = markdown(result, bank, dec, pics)
    atomic_write_text(out / "report.md", md)
    atomic_write_text(out / "report.html", _html(md, "Form assembly report"))
    written += [out / "report.md", out / "report.html"]
    return written


__all__ = ["CONSTRAINTS", "answer_key_csv", "write_assembly"]
