"""The whole item analysis of scored responses as one call returning a results object.

``analyze`` builds on :func:`~toolkit.analysis.calibration.calibrate_administration` (the same
call ``qbank calibrate`` makes) and adds classical statistics, option analysis, DIF and flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import UsageError
from ..vocab import LinkMethod, Model
from . import ctt
from .calibration import CalibrationRun, Progress, _quiet, calibrate_administration
from .dif import dif_analysis
from .flags import FLAGS, Evidence, attractive_distractors, evaluate_flags
from .irt import Calibration

if TYPE_CHECKING:
    from ..bank.store import Bank
    from ..responses.scoring import Scored


@dataclass(frozen=True)
class AnalysisResult:
    """Everything ``qbank analyze`` computes; each table is a pandas DataFrame."""

    run: CalibrationRun
    item_statistics: pd.DataFrame
    option_statistics: pd.DataFrame
    form_reliability: pd.DataFrame
    dif: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def calibration(self) -> Calibration:
        assert isinstance(self.run.calibration, Calibration)
        return self.run.calibration

    @property
    def item_parameters(self) -> pd.DataFrame:
        return self.run.params

    @property
    def abilities(self) -> pd.DataFrame:
        return self.run.abilities

    @property
    def local_dependence(self) -> pd.DataFrame:
        return self.run.local_dependence

    @property
    def links(self) -> pd.DataFrame | None:
        return self.run.form_links

    def to_frame(self) -> pd.DataFrame:
        return self.item_statistics.copy()

    def summary(self) -> str:
        flagged = int((self.item_statistics["flags"] != "").sum())
        return (
            self.run.summary()
            + f"\n  {flagged} item(s) flagged"
            + "".join(f"\n  warning: {w}" for w in self.warnings)
        )


def choose_reference(labels: pd.Series, reference: str | None) -> tuple[str, bool]:
    """The DIF reference group: ``reference`` when given; otherwise the largest labelled group
    (ties: the first in alphabetical order). Returns (group, chosen_for_the_user)."""
    counts = labels.value_counts()
    if reference is not None:
        return reference, False
    top = counts[counts == counts.max()].index
    return str(sorted(map(str, top))[0]), True


def analyze(
    scored: Scored,
    bank: Bank,
    *,
    model: Model | str = Model.TWO_PL,
    group: str | None = None,
    reference: str | None = None,
    link_method: LinkMethod | str = LinkMethod.STOCKING_LORD,
    link_to_bank: bool = True,
    flag_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Progress = _quiet,
    workers: int | None = None,
) -> AnalysisResult:
    """Classical statistics, IRT calibration (per form and linked when several forms were
    given to different groups), fit, local dependence, DIF (with ``group``) and flags."""
    if Model(model).polytomous:
        raise UsageError("analyze uses dichotomous models; calibrate grm/pcm with qbank calibrate")
    run = calibrate_administration(
        scored,
        bank,
        model=model,
        link_method=link_method,
        link_to_bank=link_to_bank,
        progress=progress,
        workers=workers,
    )
    m = scored.matrix
    dich = scored.dichotomous()  # partial credit counts as correct only when full
    progress("classical statistics and option analysis")
    stats = ctt.item_statistics(m, scored.omitted, run.forms, scored.max_score)
    options = {i.id: [(o.id, o.correct) for o in i.options] for i in bank.items}
    opt = ctt.option_statistics(
        dich, scored.choices, {k: v for k, v in options.items() if k in set(m.columns)}
    )
    warnings: list[str] = []
    dif = None
    ref = focal = None
    if group:
        if group not in scored.covariates.columns:
            raise UsageError(
                f"group column '{group}' is not in the response file; covariate"
                f" columns are: {', '.join(scored.covariates.columns[1:]) or 'none'}"
            )
        g = scored.covariates.set_index("candidate_id")[group].astype(str)
        labelled = g[g.str.strip() != ""]
        if labelled.empty:
            raise UsageError(f"group column '{group}' is blank for every candidate")
        ref, chosen = choose_reference(labelled, reference)
        others = sorted(set(labelled) - {ref})
        focal = ", ".join(others)
        if chosen:
            warnings.append(
                f"DIF reference group not given: chose '{ref}', the largest group (pass"
                f" --reference to choose); focal: {focal or 'none'}"
            )
        progress(f"DIF: reference '{ref}', focal '{focal}'")
        try:
            dif = dif_analysis(dich, g, ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        dif.insert(1, "reference_group", ref)
        dif.insert(2, "focal_group", focal)
    min_n = FLAGS.options_for(FLAGS.get("small_sample"), flag_overrides)["min_n"]
    for f, size in run.forms.value_counts().sort_index().items():
        if size < min_n:
            warnings.append(
                f"form {f} has {size} candidates: IRT estimates from fewer than {min_n:g}"
                " are unstable (flag small_sample)"
            )
    table = stats.merge(run.params, on="item_id", how="left").merge(
        run.fit, on="item_id", how="left"
    )
    if dif is not None:
        table = table.merge(
            dif[["item_id", "mh_d_dif", "ets_class", "lr_class"]], on="item_id", how="left"
        )
    attractive = attractive_distractors(opt)
    raised = [
        evaluate_flags(Evidence(r, attractive.get(r["item_id"])), flag_overrides)
        for r in table.to_dict("records")
    ]
    table["flags"] = [";".join(names) for names, _ in raised]
    table["flag_notes"] = [" | ".join(notes) for _, notes in raised]
    reliab = ctt.form_reliability(dich, run.forms)
    info = {
        "candidates": int(m.shape[0]),
        "items": int(m.shape[1]),
        "forms": run.n_forms,
        "model": str(run.model),
        "link_method": str(run.link_method) if run.form_links is not None else None,
        "bank_link": run.options.get("bank_link"),
        "marginal_reliability": run.marginal_reliability,
        "group": group,
        "reference": ref,
        "focal": focal,
        "responses": int(m.notna().to_numpy().sum()),
    }
    return AnalysisResult(run, table, opt, reliab, dif, info, tuple(warnings))
