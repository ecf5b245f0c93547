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
    from ..assembly.spec import AssemblySpec
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
    n_forms: int | None = None,
    length: int | None = None,
    anchors: int | None = None,
    seed: int = 0,
    spec: AssemblySpec | None = None,
) -> dict[str, list[str]]:
    """Forms for a simulated administration, built by the assembler
    (:func:`toolkit.assembly.assemble.assemble`), so that they keep every rule of the
    specification (``spec``; default: the bank's ``assembly.yaml``, else the defaults):
    blueprint counts, enemies apart, no public items, overlap, key balance. ``n_forms``,
    ``length`` and ``anchors`` (the anchor block common to all forms) override the
    specification. Returns form id -> item ids in delivery order."""
    from ..assembly.assemble import assemble
    from ..assembly.spec import AssemblySpec, default_spec_path, load_spec

    if spec is None:
        path = default_spec_path(bank.root)
        spec = load_spec(path) if path.is_file() else AssemblySpec()
    spec = spec.replace(forms=n_forms, length=length)
    if anchors is not None:
        if anchors < 0:
            raise UsageError(f"the number of anchor items must not be negative (got {anchors})")
        form_length = spec.length or bank.blueprint.exam.form_length
        if anchors >= form_length:
            raise UsageError(
                f"{anchors} anchor items do not fit forms of {form_length} items; anchors must"
                " be fewer than the form length"
            )
        spec = spec.with_options("overlap.anchors", items=anchors)
    result = assemble(bank, spec, seed=seed)
    return {f.id: list(f.item_ids) for f in result.forms}


def forms_from_dir(bank: Bank, forms_dir: str | Path) -> dict[str, list[str]]:
    """The forms written by ``qbank assemble`` in ``forms_dir`` (every ``*.yaml`` file there),
    checked against the bank: each item must still be at the version and content hash its form
    pinned. Returns form id -> item ids in delivery order."""
    from ..formfile import load_form, resolve

    folder = Path(forms_dir)
    files = sorted(folder.glob("*.yaml"))
    if not folder.is_dir() or not files:
        raise UsageError(
            f"{folder}: no form files (*.yaml) found; run `qbank assemble --out {folder}`"
        )
    out: dict[str, list[str]] = {}
    for p in files:
        form = load_form(p)
        if form.id in out:
            raise UsageError(f"{p}: form id {form.id} appears in two files of {folder}")
        out[form.id] = [it.id for it in resolve(form, bank, p)]
    return out


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
