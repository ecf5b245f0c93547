"""A small linear model builder over HiGHS (through ``highspy``), in arrays.

Constraint units add labelled rows; the assembler solves the model, and when it is infeasible
solves it again *elastically*: every soft row gets slack variables, the total slack is
minimized, and the rows that needed slack say which constraints conflict and by how much.
The solver is imported only in :meth:`LinearModel.solve`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

INF = math.inf


def _new_highs():  # type: ignore[no-untyped-def]
    """A silent HiGHS instance. HiGHS writes a banner to the C-level standard output when its
    first instance is made, before any option can switch logging off; the library never prints,
    so that one write goes to the null device."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class Row:
    """One linear row ``lb <= sum(coef * x[col]) <= ub``.

    ``unit`` is the code of the constraint unit that added it; ``label`` says in words what the
    row asks (e.g. "form F2: domain 4 has 16 items"). ``soft`` rows may be relaxed in the
    elastic solve; the others are the structure of the model."""

    cols: tuple[int, ...]
    coefs: tuple[float, ...]
    lb: float
    ub: float
    unit: str
    label: str
    soft: bool = True


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal" | "feasible" (time or node limit) | "infeasible" | "no solution"
    values: tuple[float, ...] = field(repr=False)
    objective: float
    gap: float
    seconds: float
    nodes: int

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass
class LinearModel:
    """Columns and rows of a (mixed-integer) linear program; maximized."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    def add_var(
        self, name: str, lb: float = 0.0, ub: float = 1.0, cost: float = 0.0, integer: bool = True
    ) -> int:
        self.cost.append(cost)
        self.lower.append(lb)
        self.upper.append(ub)
        self.integer.append(integer)
        self.names.append(name)
        return len(self.cost) - 1

    def add_row(
        self,
        terms: Iterable[tuple[int, float]],
        lb: float = -INF,
        ub: float = INF,
        *,
        unit: str,
        label: str,
        soft: bool = True,
    ) -> None:
        merged: dict[int, float] = {}
        for c, v in terms:
            merged[c] = merged.get(c, 0.0) + v
        cols = tuple(sorted(c for c, v in merged.items() if v != 0.0))
        self.rows.append(Row(cols, tuple(merged[c] for c in cols), lb, ub, unit, label, soft))

    def solve(
        self,
        *,
        time_limit: float = 60.0,
        mip_gap: float = 1e-4,
        max_nodes: int = 0,
        seed: int = 0,
        elastic: bool = False,
        hard_units: frozenset[str] = frozenset(),
        start: dict[int, float] | None = None,
        first_solution: bool = False,
    ) -> tuple[Solution, list[tuple[Row, float, str]]]:
        """Solve (maximize) with HiGHS, single-threaded so that the same model gives the same
        answer. With ``elastic``, soft rows get slacks and the total slack is minimized instead;
        the second value lists each relaxed row with its slack and its side (``"short"``: the
        row's lower bound was missed; ``"over"``: its upper bound). Rows of ``hard_units`` are
        not relaxed. ``start`` gives values of some columns as a starting solution (HiGHS
        completes the rest); ``first_solution`` stops at the first feasible solution."""
        import highspy
        import numpy as np

        cost = list(self.cost)
        lower, upper, integer = list(self.lower), list(self.upper), list(self.integer)
        rows: list[tuple[Sequence[int], Sequence[float], float, float]] = []
        slack_of: list[tuple[int, int, str]] = []  # (row index, slack column, side)
        if elastic:
            cost = [0.0] * len(cost)
        for r_i, r in enumerate(self.rows):
            cols, coefs = list(r.cols), list(r.coefs)
            if elastic and r.soft and r.unit not in hard_units:
                if r.lb > -INF:
                    cols.append(len(cost))
                    coefs.append(1.0)
                    slack_of.append((r_i, len(cost), "short"))
                    cost.append(-1.0)
                    lower.append(0.0)
                    upper.append(INF)
                    integer.append(False)
                if r.ub < INF:
                    cols.append(len(cost))
                    coefs.append(-1.0)
                    slack_of.append((r_i, len(cost), "over"))
                    cost.append(-1.0)
                    lower.append(0.0)
                    upper.append(INF)
                    integer.append(False)
            rows.append((cols, coefs, r.lb, r.ub))

        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = len(cost)
        lp.num_row_ = len(rows)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.array(cost, dtype=float)
        lp.col_lower_ = np.array([max(v, -inf) for v in lower], dtype=float)
        lp.col_upper_ = np.array([min(v, inf) for v in upper], dtype=float)
        lp.row_lower_ = np.array([max(r[2], -inf) for r in rows], dtype=float)
        lp.row_upper_ = np.array([min(r[3], inf) for r in rows], dtype=float)
        starts, index, value = [0], [], []
        for cols, coefs, _, _ in rows:
            index += cols
            value += coefs
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = len(cost)
        lp.a_matrix_.num_row_ = len(rows)
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in integer
        ]
        h = _new_highs()
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", int(seed) % 2147483647)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        if max_nodes:
            h.setOptionValue("mip_max_nodes", int(max_nodes))
        if first_solution:
            h.setOptionValue("mip_max_improving_sols", 1)
        h.passModel(lp)
        if start:
            cols = sorted(start)
            h.setSolution(
                len(cols),
                np.array(cols, dtype=np.int32),
                np.array([start[c] for c in cols], dtype=float),
            )
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        ms = h.getModelStatus()
        info = h.getInfo()
        status_map = {
            highspy.HighsModelStatus.kOptimal: "optimal",
            highspy.HighsModelStatus.kInfeasible: "infeasible",
        }
        status = status_map.get(ms, "")
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not status:
            status = "feasible" if has_solution else "no solution"
        values = tuple(h.getSolution().col_value) if has_solution else ()
        gap = float(info.mip_gap) if has_solution and any(integer) else 0.0
        if status == "optimal":
            gap = min(gap, mip_gap)
        sol = Solution(
            status,
            values[: self.n_cols],
            float(info.objective_function_value) if has_solution else math.nan,
            gap if math.isfinite(gap) else math.inf,
            seconds,
            int(info.mip_node_count) if any(integer) else 0,
        )
        relaxed: list[tuple[Row, float, str]] = []
        if elastic and has_solution:
            relaxed = [(self.rows[r_i], values[c], side) for r_i, c, side in slack_of]
            relaxed = [r for r in relaxed if r[1] > 1e-6]
        return sol, relaxed
