"""One call that runs the whole item analysis on scored responses and returns a results object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import ctt
from .dif import dif_analysis
from .fit import q3, s_x2
from .flags import attractive_distractors, evaluate_flags
from .forms import calibrate_forms, detect_forms
from .irt import Calibration, calibrate

if TYPE_CHECKING:
    from ..bank.store import Bank
    from ..responses.scoring import Scored

N_PARAMS = {"rasch": 1, "1pl": 1, "2pl": 2, "3pl": 3}


@dataclass(frozen=True)
class AnalysisResult:
    """Everything ``qbank analyze`` computes; each table is a pandas DataFrame."""

    item_statistics: pd.DataFrame
    option_statistics: pd.DataFrame
    form_reliability: pd.DataFrame
    local_dependence: pd.DataFrame
    calibration: Calibration
    dif: pd.DataFrame | None = None
    links: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def item_parameters(self) -> pd.DataFrame:
        return self.calibration.params

    @property
    def abilities(self) -> pd.DataFrame:
        return self.calibration.abilities

    def to_frame(self) -> pd.DataFrame:
        return self.item_statistics.copy()


def analyze(
    scored: Scored,
    bank: Bank,
    *,
    model: str = "2pl",
    group: str | None = None,
    reference: str | None = None,
    link_method: str = "stocking-lord",
    flag_overrides: dict[str, dict[str, float]] | None = None,
) -> AnalysisResult:
    """Classical statistics, IRT calibration (per form and linked when several forms were
    given to different groups), fit, local dependence, DIF (with ``group``) and flags."""
    m = scored.matrix
    dich = scored.dichotomous()  # partial credit counts as correct only when full
    forms = detect_forms(dich, scored.forms)
    stats = ctt.item_statistics(m, scored.omitted, forms, scored.max_score)
    options = {i.id: [(o.id, o.correct) for o in i.options] for i in bank.items}
    opt = ctt.option_statistics(
        dich, scored.choices, {k: v for k, v in options.items() if k in set(m.columns)}
    )
    links = None
    if forms.nunique() > 1:
        linked = calibrate_forms(dich, forms, model, link_method)
        cal = linked.calibration
        links = linked.links_frame()
        per_form = linked.per_form
    else:
        cal = calibrate(dich, model)
        per_form = {str(forms.iloc[0]): cal}
    # Item fit per form (complete data), largest form first; each item is fitted once.
    fits = []
    seen: set[str] = set()
    for c in sorted(per_form.values(), key=lambda c: -len(c.matrix)):
        est = c.estimated
        full = c.matrix[est["item_id"].tolist()].dropna(axis=0, how="any")
        fr = s_x2(full, est, N_PARAMS[model])
        fr = fr[~fr["item_id"].isin(seen)]
        fits.append(fr)
        seen |= set(fr["item_id"])
    fit = pd.concat(fits) if fits else pd.DataFrame(columns=["item_id", "fit_p"])
    ld_parts = []
    for c in per_form.values():
        est = c.estimated
        full = c.matrix[est["item_id"].tolist()].dropna(axis=0, how="any")
        th = c.abilities.set_index("candidate_id").loc[full.index, "theta"].to_numpy()
        ld_parts.append(q3(full, est, th))
    ld = (
        pd.concat(ld_parts).drop_duplicates(["item_a", "item_b"]).reset_index(drop=True)
        if ld_parts
        else pd.DataFrame()
    )
    dif = None
    ref = None
    if group:
        if group not in scored.covariates.columns:
            raise ValueError(
                f"group column '{group}' is not in the response file; covariate"
                f" columns are: {', '.join(scored.covariates.columns[1:]) or 'none'}"
            )
        g = scored.covariates.set_index("candidate_id")[group].astype(str)
        labelled = g[g.str.strip() != ""]
        if labelled.empty:
            raise ValueError(f"group column '{group}' is blank for every candidate")
        ref = reference or str(labelled.value_counts().idxmax())
        dif = dif_analysis(dich, g, ref)
    table = stats.merge(cal.params, on="item_id", how="left").merge(fit, on="item_id", how="left")
    if dif is not None:
        table = table.merge(
            dif[["item_id", "mh_d_dif", "ets_class", "lr_class"]], on="item_id", how="left"
        )
    attractive = attractive_distractors(opt)
    table["_attractive_distractor"] = [attractive.get(i, "") for i in table["item_id"]]
    raised = [evaluate_flags(r, flag_overrides) for r in table.to_dict("records")]
    table["flags"] = [";".join(raised_ids) for raised_ids, _ in raised]
    table["flag_notes"] = [" | ".join(notes) for _, notes in raised]
    table = table.drop(columns=["_attractive_distractor"])
    reliab = ctt.form_reliability(dich, forms)
    info = {
        "candidates": int(m.shape[0]),
        "items": int(m.shape[1]),
        "forms": int(forms.nunique()),
        "model": model,
        "link_method": link_method if links is not None else None,
        "marginal_reliability": cal.marginal_reliability,
        "group": group,
        "reference": ref if group else None,
        "responses": int(m.notna().to_numpy().sum()),
    }
    return AnalysisResult(table, opt, reliab, ld, cal, dif, links, info)
