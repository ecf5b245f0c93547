"""Calibration of one administration as a single library call.

``calibrate_administration(scored, bank, model=...)`` decides between a single form and
several linked forms, dispatches polytomous models, puts the result on the bank's scale
through items that already have parameters, and records provenance. It returns a
:class:`CalibrationRun`: typed, immutable, with its derived statistics (abilities, fit, local
dependence) computed lazily on first access and a ``summary()`` for people. ``qbank
calibrate`` and ``qbank analyze`` both call it, so for the same data and options they write
the same ``item_parameters.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError, UsageError
from ..vocab import LinkMethod, Model
from .fit import q3, s_x2
from .forms import LinkedCalibration, calibrate_forms, detect_forms
from .irt import Calibration, calibrate, calibrate_polytomous
from .linking import Link

if TYPE_CHECKING:
    from ..bank.store import Bank
    from ..responses.scoring import Scored

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class PolytomousCalibration(Calibration):
    """A graded response or partial credit calibration (one form). ``params`` has item_id, a,
    b (mean threshold), c (0), categories and the thresholds b1..bK; the same names as a
    dichotomous :class:`Calibration` (``estimated`` is inherited)."""

    @cached_property
    def abilities(self) -> pd.DataFrame:
        """Candidates' EAP abilities are not computed for polytomous models: an empty table
        with the same columns as for dichotomous models."""
        return pd.DataFrame({"candidate_id": [], "theta": [], "se": []})

    @property
    def marginal_reliability(self) -> float:
        return float("nan")


@dataclass(frozen=True)
class CalibrationRun:
    """One calibration of an administration.

    ``calibration`` holds the final parameters (on the bank's scale when ``bank_link`` is
    set); ``per_form`` the separate calibrations when several forms were linked.
    """

    model: Model
    calibration: Calibration | PolytomousCalibration
    forms: pd.Series = field(repr=False)
    link_method: LinkMethod
    linked: LinkedCalibration | None = field(default=None, repr=False)
    bank_link: Link | None = None
    options: dict[str, Any] = field(default_factory=dict)

    # Parameters and abilities -------------------------------------------------------------
    @property
    def params(self) -> pd.DataFrame:
        """item_id, a, b, c, se_a, se_b, se_c (polytomous: thresholds instead of SEs)."""
        return self.calibration.params

    @property
    def abilities(self) -> pd.DataFrame:
        """candidate_id, theta (EAP), se (posterior SD)."""
        return self.calibration.abilities

    @property
    def n_forms(self) -> int:
        return int(self.forms.nunique())

    @property
    def per_form(self) -> dict[str, Calibration]:
        if self.linked is not None:
            return self.linked.per_form
        if isinstance(self.calibration, Calibration):
            return {str(self.forms.iloc[0]): self.calibration}
        return {}

    @cached_property
    def form_links(self) -> pd.DataFrame | None:
        """The links between forms (None for a single form)."""
        return self.linked.links_frame() if self.linked is not None else None

    @property
    def marginal_reliability(self) -> float:
        return float(self.calibration.marginal_reliability)

    # Derived statistics ---------------------------------------------------------------
    @cached_property
    def fit(self) -> pd.DataFrame:
        """S-X2 item fit: each item on its largest form's complete data."""
        fits = []
        seen: set[str] = set()
        for c in sorted(self.per_form.values(), key=lambda c: -len(c.matrix)):
            est = c.estimated
            full = c.matrix[est["item_id"].tolist()].dropna(axis=0, how="any")
            fr = s_x2(full, est, self.model.n_params)
            fr = fr[~fr["item_id"].isin(seen)]
            fits.append(fr)
            seen |= set(fr["item_id"])
        return pd.concat(fits) if fits else pd.DataFrame(columns=["item_id", "fit_p"])

    @cached_property
    def local_dependence(self) -> pd.DataFrame:
        """Yen's Q3 for item pairs far from the mean Q3 (``|Q3 - mean| > 0.2``), per form."""
        parts = []
        for c in self.per_form.values():
            est = c.estimated
            full = c.matrix[est["item_id"].tolist()].dropna(axis=0, how="any")
            th = c.abilities.set_index("candidate_id").loc[full.index, "theta"].to_numpy()
            parts.append(q3(full, est, th))
        if not parts:
            return pd.DataFrame(columns=["item_a", "item_b", "q3", "q3_minus_mean"])
        return pd.concat(parts).drop_duplicates(["item_a", "item_b"]).reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        return self.params.copy()

    def summary(self) -> str:
        """A short text summary for people."""
        p = self.params
        est = p.dropna(subset=["a", "b"])
        lines = [
            f"Calibration: model {self.model}, {len(self.calibration.matrix)} candidates,"
            f" {len(p)} items ({len(p) - len(est)} not estimable), {self.n_forms} form(s)",
        ]
        if self.form_links is not None:
            for r in self.form_links.to_dict("records"):
                lines.append(
                    f"  form {r['form_id']} linked ({self.link_method}) through"
                    f" {r['anchors']} items: A = {r['A']:.3f}, B = {r['B']:.3f}"
                )
        if self.bank_link is not None:
            lk = self.bank_link
            lines.append(
                f"  linked to the bank's scale through {len(lk.anchors)} items:"
                f" A = {lk.A:.3f}, B = {lk.B:.3f} ({lk.method})"
            )
        if len(est):
            lines.append(
                f"  a: mean {est['a'].mean():.2f} (range {est['a'].min():.2f} to"
                f" {est['a'].max():.2f}); b: mean {est['b'].mean():.2f} (range"
                f" {est['b'].min():.2f} to {est['b'].max():.2f})"
            )
        rel = self.marginal_reliability
        if not np.isnan(rel):
            lines.append(f"  marginal reliability {rel:.3f}")
        return "\n".join(lines)


def calibrate_administration(
    scored: Scored,
    bank: Bank | None = None,
    *,
    model: Model | str = Model.TWO_PL,
    link_method: LinkMethod | str = LinkMethod.STOCKING_LORD,
    link_to_bank: bool = True,
    min_bank_anchors: int = 5,
    progress: Progress = _quiet,
    workers: int | None = None,
) -> CalibrationRun:
    """Calibrate scored responses: one form directly, several forms separately and linked
    to the largest one; polytomous models (``grm``, ``pcm``) need partial-credit scores and
    one form. With ``link_to_bank`` (and a ``bank``), parameters are put on the bank's scale
    through at least ``min_bank_anchors`` items that already have parameters. ``workers``:
    processes that calibrate forms at the same time (see
    :func:`~toolkit.analysis.forms.calibrate_forms`; the results do not depend on it).

    Raises :class:`UsageError` for a model the data cannot take and :class:`AnalysisError`
    when the estimation cannot proceed on these data.
    """
    try:
        model = Model(model)
        link_method = LinkMethod(link_method)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    dich = scored.dichotomous()
    forms = detect_forms(dich, scored.forms)
    options: dict[str, Any] = {"forms": int(forms.nunique()), "link_method": str(link_method)}
    linked = None
    try:
        if model.polytomous:
            if not scored.partial_credit:
                raise UsageError(
                    f"model {model} is for partial-credit scores; score with partial credit"
                    " (--partial-credit)"
                )
            if forms.nunique() > 1:
                raise UsageError(
                    f"model {model} calibrates one form at a time; the data hold"
                    f" {forms.nunique()} forms (use 2pl/3pl, which calibrate each form and"
                    " link them)"
                )
            progress(f"calibrating {dich.shape[1]} items ({model})")
            cal: Calibration | PolytomousCalibration = PolytomousCalibration(
                str(model), calibrate_polytomous(scored.matrix, str(model)), scored.matrix
            )
        elif forms.nunique() > 1:
            progress(f"calibrating {forms.nunique()} forms separately ({model}), then linking")
            linked = calibrate_forms(
                dich, forms, str(model), str(link_method), progress=progress, workers=workers
            )
            cal = linked.calibration
            options["form_linking"] = [
                {k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()}
                for row in linked.links_frame().to_dict("records")
            ]
        else:
            progress(f"calibrating {dich.shape[1]} items ({model})")
            cal = calibrate(dich, str(model))
    except ValueError as exc:
        raise AnalysisError(str(exc)) from None
    bank_link = None
    if link_to_bank and bank is not None and not model.polytomous:
        from .records import link_to_bank as to_bank

        params, bank_link = to_bank(cal.params, bank, str(link_method), min_bank_anchors)
        if bank_link is not None:
            assert isinstance(cal, Calibration)
            cal = Calibration(cal.model, params, cal.matrix)
    options["bank_link"] = (
        {
            "method": bank_link.method,
            "A": round(bank_link.A, 6),
            "B": round(bank_link.B, 6),
            "anchors": len(bank_link.anchors),
        }
        if bank_link
        else None
    )
    return CalibrationRun(model, cal, forms, link_method, linked, bank_link, options)


def run_provenance(
    run: CalibrationRun,
    source: str | Path,
    bank: Bank,
    *,
    date: str | None = None,
    simulated: bool = False,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The provenance record of ``run`` (data hash, model, options, versions, bank commit)."""
    from .records import provenance

    prov = provenance(source, str(run.model), {**(extra or {}), **run.options}, bank, date)
    prov["simulated"] = simulated
    return prov
