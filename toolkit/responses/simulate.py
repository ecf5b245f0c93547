"""Simulated administrations: realistic response data from known item parameters.

Everything written here is labelled as simulated (file names, the manifest's
``simulated: true`` and the reports). Used by the demo and the parameter-recovery tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..io import atomic_write_text
from ..vocab import ItemType

if TYPE_CHECKING:
    from ..bank.store import Bank


@dataclass(frozen=True)
class Group:
    """A candidate group: its share of candidates and its ability distribution."""

    name: str
    share: float = 1.0
    mean: float = 0.0
    sd: float = 1.0


@dataclass
class Simulation:
    responses: pd.DataFrame
    true_items: pd.DataFrame
    true_abilities: pd.DataFrame
    forms: dict[str, list[str]]
    settings: dict[str, Any] = field(default_factory=dict)


def make_forms(
    bank: Bank,
    n_forms: int = 3,
    length: int | None = None,
    anchors: int = 12,
    seed: int = 0,
    status: str = "approved",
) -> dict[str, list[str]]:
    """Forms built to the blueprint weights from ``status`` items: ``anchors`` items common to
    all forms, the rest unique to each form. Largest-remainder rounding per domain."""
    rng = np.random.default_rng(seed)
    bp = bank.blueprint
    length = length or bp.exam.form_length
    if n_forms < 1:
        raise UsageError(f"the number of forms must be at least 1 (got {n_forms})")
    if not 0 <= anchors < length:
        raise UsageError(
            f"{anchors} anchor items do not fit forms of {length} items; anchors must be"
            f" fewer than the form length"
        )
    pool = {d.id: [i.id for i in bank.filter(domain=d.id, status=status)] for d in bp.domains}

    def split(total: int) -> dict[str, int]:
        raw = {d.id: total * d.weight / 100 for d in bp.domains}
        base = {k: int(np.floor(v)) for k, v in raw.items()}
        for k in sorted(raw, key=lambda k: raw[k] - base[k], reverse=True)[
            : total - sum(base.values())
        ]:
            base[k] += 1
        return base

    per_anchor, per_form = split(anchors), split(length)
    for d in bp.domains:
        need = per_anchor[d.id] + n_forms * (per_form[d.id] - per_anchor[d.id])
        if len(pool[d.id]) < need:
            raise UsageError(
                f"domain {d.id} has {len(pool[d.id])} {status} items; {n_forms} forms"
                f" of {length} with {anchors} anchors need {need}"
            )
    forms: dict[str, list[str]] = {f"F{k + 1}": [] for k in range(n_forms)}
    for d in bp.domains:
        items = list(rng.permutation(sorted(pool[d.id])))
        anchor_ids, rest = items[: per_anchor[d.id]], items[per_anchor[d.id] :]
        n_unique = per_form[d.id] - per_anchor[d.id]
        for k, f in enumerate(forms):
            forms[f] += anchor_ids + rest[k * n_unique : (k + 1) * n_unique]
    return {f: sorted(ids) for f, ids in forms.items()}


def plant_dif(
    forms: dict[str, list[str]],
    n: int,
    shift: float = 1.0,
    seed: int = 0,
    explicit: dict[str, float] | None = None,
) -> dict[str, float]:
    """DIF to plant: the ``explicit`` items (item -> shift) and ``n`` more items drawn at random
    (with ``seed``) from the forms, each ``shift`` logits harder for the focal group."""
    on_forms = sorted({x for ids in forms.values() for x in ids})
    out = dict(explicit or {})
    unknown = sorted(set(out) - set(on_forms))
    if unknown:
        raise UsageError(f"DIF items not on any form: {', '.join(unknown)}")
    if n < 0:
        raise UsageError(f"the number of DIF items must not be negative (got {n})")
    import random

    pool = [i for i in on_forms if i not in out]
    for item_id in random.Random(seed).sample(pool, min(n, len(pool))):
        out[item_id] = shift
    return out


def _true_parameters(
    items: list[str], model: str, rng: np.random.Generator, ms: set[str]
) -> pd.DataFrame:
    n = len(items)
    a = np.clip(rng.lognormal(0.1, 0.3, n), 0.4, 2.5)
    b = np.clip(rng.normal(0.0, 1.0, n), -2.8, 2.8)
    c = np.zeros(n)
    if model == "3pl":
        c = np.where([i in ms for i in items], 0.05, rng.beta(5, 17, n))
    return pd.DataFrame({"item_id": items, "a": a, "b": b, "c": c})


def simulate(
    bank: Bank,
    forms: dict[str, list[str]],
    *,
    n_per_form: int = 500,
    form_means: dict[str, float] | None = None,
    groups: tuple[Group, ...] = (Group("reference", 0.5), Group("focal", 0.5, -0.2)),
    model: str = "2pl",
    omit_rate: float = 0.02,
    dif: dict[str, float] | None = None,
    seed: int = 0,
    true_items: pd.DataFrame | None = None,
) -> Simulation:
    """Simulate one administration of ``forms``.

    Each form goes to ``n_per_form`` candidates whose abilities are drawn from their group's
    distribution shifted by the form's mean (``form_means``: non-equivalent groups). ``dif``
    maps item ids to a difficulty shift for the last group (the focal group). A wrong answer
    picks a distractor with item-specific attractiveness; omissions are more likely for
    low-ability candidates (mean rate ``omit_rate``).
    """
    if n_per_form < 1:
        raise UsageError(f"each form needs at least 1 candidate (got {n_per_form})")
    unknown = sorted(set(form_means or {}) - set(forms))
    if unknown:
        raise UsageError(
            f"form mean given for {', '.join(unknown)}, which is not a form; the forms are"
            f" {', '.join(forms)}"
        )
    if not 0 <= omit_rate < 1:
        raise UsageError(f"the omit rate must be in [0, 1) (got {omit_rate})")
    rng = np.random.default_rng(seed)
    all_items = sorted({i for ids in forms.values() for i in ids})
    ms = {i for i in all_items if bank.by_id[i].type == ItemType.MULTIPLE_SELECT}
    params = (
        true_items.set_index("item_id").loc[all_items].reset_index()
        if true_items is not None
        else _true_parameters(all_items, model, rng, ms)
    )
    pidx = params.set_index("item_id")
    attract = {
        i: rng.dirichlet(np.full(len(bank.by_id[i].options) - len(bank.by_id[i].key), 2.0))
        for i in all_items
    }
    dif = dif or {}
    shares = np.array([g.share for g in groups]) / sum(g.share for g in groups)
    rows: list[tuple[str, str, str, str, int, str]] = []
    abil: list[tuple[str, str, str, float]] = []
    n_cand = 0
    for form_id, ids in forms.items():
        shift = (form_means or {}).get(form_id, 0.0)
        g_idx = rng.choice(len(groups), size=n_per_form, p=shares)
        theta = np.array([rng.normal(groups[g].mean + shift, groups[g].sd) for g in g_idx])
        a = pidx.loc[ids, "a"].to_numpy()
        b = pidx.loc[ids, "b"].to_numpy()[None, :].repeat(n_per_form, axis=0)
        c = pidx.loc[ids, "c"].to_numpy()
        focal = g_idx == len(groups) - 1
        for j, item_id in enumerate(ids):
            if item_id in dif:
                b[focal, j] += dif[item_id]
        p = c + (1 - c) / (1 + np.exp(-a * (theta[:, None] - b)))
        correct = rng.random(p.shape) < p
        omit = rng.random(p.shape) < omit_rate * 2 * (1 - p)
        for r in range(n_per_form):
            n_cand += 1
            cand = f"C{n_cand:06d}"
            abil.append((cand, form_id, groups[g_idx[r]].name, float(theta[r])))
            for j, item_id in enumerate(ids):
                item = bank.by_id[item_id]
                if omit[r, j]:
                    resp = ""
                elif correct[r, j]:
                    resp = ";".join(item.key)
                else:
                    dis = [o.id for o in item.options if not o.correct]
                    if item.type == ItemType.MULTIPLE_SELECT:
                        k = len(item.key)
                        pick = set(rng.choice(len(item.options), size=k, replace=False))
                        ids_all = [o.id for o in item.options]
                        chosen = sorted(ids_all[x] for x in pick)
                        if set(chosen) == set(item.key):
                            chosen = sorted([*item.key[:-1], dis[0]])
                        resp = ";".join(chosen)
                    else:
                        resp = dis[rng.choice(len(dis), p=attract[item_id])]
                rows.append((cand, form_id, groups[g_idx[r]].name, item_id, item.version, resp))
    responses = pd.DataFrame(
        rows, columns=["candidate_id", "form_id", "group", "item_id", "item_version", "response"]
    )
    responses = responses[
        ["candidate_id", "item_id", "response", "form_id", "item_version", "group"]
    ]
    abilities = pd.DataFrame(abil, columns=["candidate_id", "form_id", "group", "theta"])
    params = params.assign(dif_shift=[dif.get(i, 0.0) for i in params["item_id"]])
    settings = {
        "n_per_form": n_per_form,
        "form_means": form_means or {},
        "model": model,
        "omit_rate": omit_rate,
        "seed": seed,
        "dif": dif,
        "groups": [g.__dict__ for g in groups],
    }
    return Simulation(responses, params, abilities, forms, settings)


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n", float_format="%.6f")


def write_simulation(sim: Simulation, out_dir: str | Path) -> list[Path]:
    """Write the simulated data, the true parameters and a manifest (``simulated: true``)."""
    import hashlib

    out = Path(out_dir)
    files = {
        "simulated-responses.csv": _csv(sim.responses),
        "simulated-true-item-parameters.csv": _csv(sim.true_items),
        "simulated-true-abilities.csv": _csv(sim.true_abilities),
    }
    manifest = {
        "simulated": True,
        "description": "SIMULATED response data generated by `qbank simulate`; not real"
        " candidates.",
        "files": [
            {
                "path": name,
                "format": "long" if "responses" in name else "table",
                "rows": text.count("\n") - 1,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
            }
            for name, text in files.items()
        ],
        "forms": sim.forms,
        "generator": {"command": "qbank simulate", **sim.settings},
    }
    written = []
    for name, text in files.items():
        atomic_write_text(out / name, text)
        written.append(out / name)
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    written.append(out / "manifest.json")
    return written
