"""What constraint units see: the eligible items, the forms asked for, and the model's
variables (``x[i][f]`` = 1 when item ``i`` is on form ``f``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .mip import INF, LinearModel

if TYPE_CHECKING:
    from ..bank.model import Item
    from ..bank.store import Bank
    from ..blueprint import Goal
    from .spec import AssemblySpec


@dataclass
class AssemblyContext:
    bank: Bank
    spec: AssemblySpec
    items: list[Item] = field(default_factory=list)
    """Eligible items (every eligibility unit let them through), sorted by id."""
    excluded: dict[str, list[Item]] = field(default_factory=dict)
    """Items left out, by the name of the unit that left them out."""
    history_uses: Mapping[str, int] = field(default_factory=dict)
    """Forms of the history window each item was on."""
    model: LinearModel = field(default_factory=LinearModel)
    x: list[list[int]] = field(default_factory=list)
    shared: list[int] = field(default_factory=list)
    """Columns that count an item shared by two forms (added by the overlap unit)."""

    @property
    def form_ids(self) -> tuple[str, ...]:
        return self.spec.form_ids

    @property
    def n_forms(self) -> int:
        return len(self.spec.form_ids)

    @property
    def length(self) -> int:
        return self.spec.length

    def goal(self, item: Item) -> Goal:
        return self.bank.blueprint.goals[item.learning_goal]

    @cached_property
    def domain_counts(self) -> dict[str, int]:
        """Items per domain on each form (the one rounding rule)."""
        return self.bank.blueprint.domain_counts(self.length)

    def indices(self, pred: Any) -> list[int]:
        """Indices of eligible items for which ``pred(item)`` is true."""
        return [i for i, it in enumerate(self.items) if pred(it)]

    def grouped(self, key: Any) -> dict[Any, list[int]]:
        """Indices of eligible items grouped by ``key(item)`` (groups in first-seen order)."""
        out: dict[Any, list[int]] = {}
        for i, it in enumerate(self.items):
            out.setdefault(key(it), []).append(i)
        return out

    def build_variables(self) -> None:
        self.x = [
            [self.model.add_var(f"x[{it.id},{f}]") for f in self.form_ids] for it in self.items
        ]

    def form_terms(
        self, f: int, idx: Iterable[int], coef: float | Mapping[int, float] = 1.0
    ) -> Iterator[tuple[int, float]]:
        for i in idx:
            yield self.x[i][f], coef[i] if isinstance(coef, Mapping) else coef

    def add(
        self,
        terms: Iterable[tuple[int, float]],
        lb: float = -INF,
        ub: float = INF,
        *,
        unit: str,
        label: str,
        soft: bool = True,
    ) -> None:
        self.model.add_row(terms, lb, ub, unit=unit, label=label, soft=soft)
