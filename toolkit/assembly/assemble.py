"""The assembler: parallel forms to the blueprint as a mixed-integer program (HiGHS).

``assemble(bank, spec)`` is the one library call behind ``qbank assemble`` and ``qbank
simulate``. It

1. leaves out the items that an eligibility unit refuses (not approved, public, over the
   exposure limit of the form history);
2. builds ``x[i, f]`` (item i on form f) and lets every enabled constraint unit add its rows;
3. sets the objective from what the bank knows about its items:

   - ``irt`` (every eligible item has a, b (c) for its current version): maximize the smallest
     information at the cut over the forms, minus ``parallel_weight`` x the largest deviation
     of any form's test information from the target at the ``theta`` points (minimax);
   - ``classical`` (every eligible item has p-value and point-biserial): maximize the smallest
     sum of point-biserials, minus ``parallel_weight`` x the largest deviation of a form's
     expected score (sum of p-values) from the forms' mean;
   - ``content`` (otherwise): content constraints only; among the forms that meet them, the
     seed picks (random weights per item and form; forms share as few items as the anchor
     block allows), and the output says so;

4. solves with HiGHS (single-threaded, so the same inputs and seed give the same forms, as
   long as the solve ends by optimality or a node limit rather than the time limit) and checks
   every constraint again on the forms produced. With a psychometric objective, a first solve
   without it finds forms that meet the content rules, and the real solve starts from them.

When no forms can meet the request it solves an *elastic* version (every soft row may be
missed at a cost of one per item) and raises :class:`InfeasibleError` naming the constraints
that had to give, by how much, with the supply of each domain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..errors import AnalysisError, UsageError
from ..formfile import Form, Section, entry_for, load_form
from ..vocab import DICHOTOMOUS_MODELS, Exposure, Status
from .constraints import CONSTRAINTS, instance
from .context import AssemblyContext
from .mip import INF, Solution

if TYPE_CHECKING:
    from ..bank.model import Item
    from ..bank.store import Bank
    from .curves import Params
    from .spec import AssemblySpec

IRT, CLASSICAL, CONTENT = "irt", "classical", "content"


class InfeasibleError(AnalysisError):
    """The bank cannot supply the forms asked for; ``diagnostics`` name the constraints that
    conflict (positioned in the specification) and by how much."""


@dataclass(frozen=True)
class Psychometrics:
    mode: str
    note: str
    params: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    classical: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def curves(self, ids: list[str]) -> Params:
        from .curves import Params

        return Params.from_mapping(self.params, ids)


def current_parameters(items: list[Item]) -> dict[str, tuple[float, float, float]]:
    """a, b, c of items whose ``stats`` hold dichotomous IRT parameters for their current
    version."""
    out = {}
    for it in items:
        s = it.stats
        if s is None or not s.applies_to(it.version) or not s.has_irt:
            continue
        if (s.model or "2pl") in DICHOTOMOUS_MODELS:
            out[it.id] = (float(s.a or 0.0), float(s.b or 0.0), float(s.c or 0.0))
    return out


def psychometrics(items: list[Item]) -> Psychometrics:
    """Which objective the items support, and a sentence saying so."""
    n = len(items)
    params = current_parameters(items)
    if n and len(params) == n:
        return Psychometrics(
            IRT,
            f"IRT: all {n} eligible items have parameters for their current version; the"
            " forms maximize information at the cut and keep their test information functions"
            " parallel",
            params,
        )
    classical = {}
    for it in items:
        s = it.stats or {}
        if s.get("item_version") == it.version and "p_value" in s and "point_biserial" in s:
            classical[it.id] = (float(s["p_value"]), float(s["point_biserial"]))
    why = (
        f"{len(params)} of {n} eligible items have IRT parameters for their current version"
        " (run `qbank calibrate --write-back` after an administration)"
    )
    if n and len(classical) == n:
        return Psychometrics(
            CLASSICAL,
            f"classical statistics only: {why}; the forms maximize the point-biserial and keep"
            " their expected scores parallel",
            classical=classical,
        )
    return Psychometrics(
        CONTENT,
        f"content constraints only: {why}, and {len(classical)} have classical statistics;"
        " no psychometric target was used, and the seed chose among the forms that meet every"
        " content rule",
    )


@dataclass(frozen=True)
class CheckResult:
    code: str
    name: str
    enabled: bool
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AssemblyResult:
    spec: AssemblySpec
    forms: tuple[Form, ...]
    items: Mapping[str, tuple[Item, ...]]
    """Form id -> its items in delivery order."""
    psychometrics: Psychometrics
    solution: Solution
    checks: tuple[CheckResult, ...]
    excluded: Mapping[str, tuple[str, ...]]
    """Unit name -> ids of items it left out."""
    history_uses: Mapping[str, int]
    eligible: int
    seed: int

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def form_ids(self) -> list[str]:
        return [f.id for f in self.forms]


def history_uses(spec: AssemblySpec, window: int = 0) -> dict[str, int]:
    """Forms of the history (the last ``window``; 0: all) each item id was on."""
    base = Path(spec.path).parent if spec.path else Path(".")
    files: list[Path] = []
    for entry in spec.history:
        p = base / entry
        if p.is_dir():
            files += sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml"))
        elif p.is_file():
            files.append(p)
        else:
            line, col = spec.position("history")
            raise UsageError(f"{spec.path}:{line}:{col}: history entry {entry!r} not found ({p})")
    if window:
        files = files[-window:]
    uses: Counter[str] = Counter()
    for f in files:
        uses.update(set(load_form(f).item_ids))
    return dict(uses)


def bank_commit(root: Path) -> str:
    from ..analysis.records import bank_commit as commit

    return commit(root)


def _objective(ctx: AssemblyContext, psy: Psychometrics, seed: int) -> None:
    import numpy as np

    model, spec = ctx.model, ctx.spec
    n, F = len(ctx.items), ctx.n_forms
    if psy.mode == CONTENT:
        w = np.random.default_rng(seed).random((n, F))
        for i in range(n):
            for f in range(F):
                model.cost[ctx.x[i][f]] = float(w[i, f])
        for y in ctx.shared:  # each item shared by two forms costs more than any weight gains
            model.cost[y] = -1.0
        return
    ids = [it.id for it in ctx.items]
    if psy.mode == IRT:
        curves = psy.curves(ids)
        at_cut = curves.information(np.array([spec.cut]))[0]
        points = curves.information(np.array(spec.theta))  # k x items
        target = spec.target
    else:
        at_cut = np.array([psy.classical[i][1] for i in ids])
        points = np.array([[psy.classical[i][0] for i in ids]])
        target = ()
    y = model.add_var("min_at_cut", -INF, INF, 1.0, integer=False)
    for f in range(F):
        ctx.add(
            [(y, 1.0)] + [(ctx.x[i][f], -float(at_cut[i])) for i in range(n)],
            ub=0.0,
            unit="objective",
            label="smallest value at the cut",
            soft=False,
        )
    if F < 2 and not target:
        return
    d = model.add_var("max_deviation", 0.0, INF, -spec.parallel_weight, integer=False)
    for k, row in enumerate(points):
        for f in range(F):
            terms = [(ctx.x[i][f], float(row[i])) for i in range(n)]
            if target:
                t = float(target[k])
            else:  # the forms' mean: sum_g row . x_g / F
                t = 0.0
                terms += [(ctx.x[i][g], -float(row[i]) / F) for g in range(F) for i in range(n)]
            for sign in (1.0, -1.0):
                ctx.add(
                    [(c, sign * v) for c, v in terms] + [(d, -1.0)],
                    ub=sign * t,
                    unit="objective",
                    label="deviation from the target",
                    soft=False,
                )


def _order(ctx: AssemblyContext, chosen: list[Item], f: int, seed: int) -> tuple[Section, ...]:
    bp = ctx.bank.blueprint
    goal_pos = {g: k for k, g in enumerate(bp.goals)}
    if ctx.spec.order == "shuffled":
        import numpy as np

        ordered = sorted(chosen, key=lambda it: it.id)
        perm = np.random.default_rng([seed, f]).permutation(len(ordered))
        return (Section("all", "All items", tuple(entry_for(ordered[k]) for k in perm)),)
    sections = []
    for d in bp.domains:
        mine = sorted(
            (it for it in chosen if ctx.goal(it).domain_id == d.id),
            key=lambda it: (goal_pos[it.learning_goal], it.id),
        )
        if mine:
            sections.append(Section(f"domain-{d.id}", d.title, tuple(entry_for(it) for it in mine)))
    return tuple(sections)


def prepare(bank: Bank, spec: AssemblySpec) -> AssemblyContext:
    """The context: spec resolved, history read, eligible items chosen, variables made."""
    spec = spec.resolved(bank.blueprint)
    units = [u for u in CONSTRAINTS if spec.enabled(u)]
    hist_unit = CONSTRAINTS.get("exposure.history")
    window = spec.options(hist_unit)["window"] if spec.enabled(hist_unit) else 0
    ctx = AssemblyContext(bank, spec, history_uses=history_uses(spec, window))
    excluded: dict[str, list[Item]] = {}
    for it in bank.items:
        if it.learning_goal not in bank.blueprint.goals:
            continue
        for u in units:
            if instance(u).eligible(it, ctx, spec.options(u)) is not None:
                excluded.setdefault(u.name, []).append(it)
                break
        else:
            ctx.items.append(it)
    ctx.excluded = excluded
    ctx.build_variables()
    for u in units:
        instance(u).build(ctx, spec.options(u))
    return ctx


def verify(ctx: AssemblyContext, forms: Mapping[str, list[Item]]) -> tuple[CheckResult, ...]:
    """Every constraint's check on ``forms`` (disabled ones are listed, not run)."""
    out = []
    for u in CONSTRAINTS:
        on = ctx.spec.enabled(u)
        problems = tuple(instance(u).verify(forms, ctx, ctx.spec.options(u))) if on else ()
        out.append(CheckResult(u.code, u.name, on, problems))
    return tuple(out)


def assemble(bank: Bank, spec: AssemblySpec, *, seed: int | None = None) -> AssemblyResult:
    """Assemble ``spec.forms`` parallel forms from ``bank``; see the module docstring."""
    seed = spec.seed if seed is None else seed
    ctx = prepare(bank, spec)
    spec = ctx.spec
    psy = psychometrics(ctx.items)
    start = None
    if psy.mode != CONTENT:
        # The psychometric objective couples every item of every form; HiGHS finds forms that
        # meet the content rules much faster without it, and starts from them.
        first, _ = ctx.model.solve(time_limit=spec.time_limit, seed=seed, first_solution=True)
        if not first.ok:
            raise diagnose(ctx, first)
        start = {c: first.values[c] for row in ctx.x for c in row}
    _objective(ctx, psy, seed)
    sol, _ = ctx.model.solve(
        time_limit=spec.time_limit,
        mip_gap=spec.mip_gap,
        max_nodes=spec.max_nodes,
        seed=seed,
        start=start,
    )
    if not sol.ok:
        raise diagnose(ctx, sol)
    chosen: dict[str, list[Item]] = {}
    for f, fid in enumerate(ctx.form_ids):
        chosen[fid] = [it for i, it in enumerate(ctx.items) if sol.values[ctx.x[i][f]] > 0.5]
    commit = bank_commit(bank.root)
    forms = []
    ordered: dict[str, tuple[Item, ...]] = {}
    for f, fid in enumerate(ctx.form_ids):
        sections = _order(ctx, chosen[fid], f, seed)
        form = Form(fid, sections, spec.path, spec.sha256, commit, seed)
        forms.append(form)
        ordered[fid] = tuple(bank.by_id[i] for i in form.item_ids)
    return AssemblyResult(
        spec,
        tuple(forms),
        ordered,
        psy,
        sol,
        verify(ctx, ordered),
        {k: tuple(it.id for it in v) for k, v in ctx.excluded.items()},
        dict(ctx.history_uses),
        len(ctx.items),
        seed,
    )


# ----------------------------------------------------------------------------- infeasibility


@dataclass(frozen=True)
class DomainSupply:
    domain: str
    per_form: int
    approved: int
    public: int
    over_exposed: int
    usable: int
    goals_usable: int


def supply(ctx: AssemblyContext) -> list[DomainSupply]:
    """Per domain: what each form needs and what the bank can give."""
    bp = ctx.bank.blueprint
    out = []
    excluded = {it.id: name for name, its in ctx.excluded.items() for it in its}
    for d in bp.domains:
        mine = [it for it in ctx.bank.items if bp.goals.get(it.learning_goal, None) is not None]
        mine = [it for it in mine if bp.goals[it.learning_goal].domain_id == d.id]
        approved = [it for it in mine if it.status == Status.APPROVED]
        usable = [it for it in ctx.items if ctx.goal(it).domain_id == d.id]
        out.append(
            DomainSupply(
                d.id,
                ctx.domain_counts[d.id],
                len(approved),
                sum(it.exposure == Exposure.PUBLIC for it in approved),
                sum(excluded.get(it.id) == "exposure.history" for it in approved),
                len(usable),
                len({it.learning_goal for it in usable}),
            )
        )
    return out


def _amount(v: float) -> str:
    r = round(v, 2)
    return f"{r:g}"


MAX_ROWS_SHOWN = 6


def diagnose(ctx: AssemblyContext, sol: Solution) -> AnalysisError:
    """The error to raise when the model has no solution: which constraints conflict.

    A first elastic solve finds the least total relaxation (in items) that makes the request
    feasible; the constraints it relaxes are one side of the conflict. A second elastic solve
    keeps those hard and relaxes the others: what it must relax is the other side. Each relaxed
    row becomes a diagnostic at the constraint's entry in the specification."""
    spec = ctx.spec
    path = spec.path or "(default specification)"
    head = (
        f"the bank cannot supply {ctx.n_forms} form(s) of {ctx.length} items"
        f" as specified{' in ' + spec.path if spec.path else ''}"
    )
    if sol.status != "infeasible":
        return AnalysisError(
            f"{head}: the solver found no forms within its limits ({sol.status} after"
            f" {sol.seconds:.1f} s); raise solver.time_limit in the specification"
        )
    units = CONSTRAINTS.by_code()
    opts = {"time_limit": spec.time_limit, "mip_gap": 1e-6, "seed": spec.seed, "elastic": True}
    _, first = ctx.model.solve(**opts)  # type: ignore[arg-type]
    sides = [first]
    if first:
        # Any relaxation will do for naming the other side: a node limit keeps it quick and
        # deterministic (a time limit would not be).
        again, second = ctx.model.solve(
            time_limit=min(spec.time_limit, 20.0),
            mip_gap=0.1,
            max_nodes=200,
            seed=spec.seed,
            elastic=True,
            hard_units=frozenset(r.unit for r, _, _ in first),
        )
        if again.ok and second:
            sides.append(second)
    diags: list[Diagnostic] = []
    summary = []
    for relaxed in sides:
        per_unit: dict[str, list[tuple[str, float, str]]] = {}
        for row, v, side in relaxed:
            per_unit.setdefault(row.unit, []).append((row.label, v, side))
        parts = []
        for code, rows in per_unit.items():
            unit = units.get(code)
            name = unit.name if unit else code
            line, col = spec.unit_position(unit) if unit else (0, 0)
            for label, v, side in rows[:MAX_ROWS_SHOWN]:
                what = "short by" if side == "short" else "over by"
                msg = f"{name}: {label}: {what} {_amount(v)}"
                diags.append(Diagnostic(path, line, col, code, Severity.ERROR, msg))
            if len(rows) > MAX_ROWS_SHOWN:
                msg = f"{name}: ... and {len(rows) - MAX_ROWS_SHOWN} more like these"
                diags.append(Diagnostic(path, line, col, code, Severity.ERROR, msg))
            total = _amount(sum(v for _, v, _ in rows))
            parts.append(f"{name} ({code}) by {total} in {len(rows)} place(s)")
        summary.append(" and ".join(parts))
    if not first:
        lines = [f"{head}: the request is inconsistent even with every constraint relaxed"]
    elif len(sides) == 1:
        lines = [f"{head}: it can be met only by relaxing {summary[0]} (listed above)"]
    else:
        lines = [
            f"{head}: the constraints conflict; meet them by relaxing {summary[0]}; or else,"
            f" for example, {summary[1]} (both listed above)"
        ]
    goal_unit = CONSTRAINTS.get("blueprint.goal-maximum")
    per_goal = spec.options(goal_unit)["max_items"] if spec.enabled(goal_unit) else 0
    for s in supply(ctx):
        notes = []
        disjoint = s.per_form * ctx.n_forms
        if s.usable < disjoint:
            why = []
            if s.public:
                why.append(f"{s.public} public")
            if s.over_exposed:
                why.append(f"{s.over_exposed} over the exposure limit")
            extra = f" ({', '.join(why)} left out)" if why else ""
            notes.append(
                f"{s.usable} usable of {s.approved} approved{extra}; {disjoint} for"
                f" {ctx.n_forms} forms sharing no items"
            )
        if per_goal and s.goals_usable * per_goal < s.per_form:
            notes.append(
                f"at most {per_goal} item(s) per goal allows {s.goals_usable * per_goal} per"
                f" form ({s.goals_usable} goals have usable items)"
            )
        if notes:
            lines.append(
                f"  domain {s.domain} needs {s.per_form} items on each form: " + "; ".join(notes)
            )
    return InfeasibleError("\n".join(lines), sorted(set(diags), key=diags.index))
