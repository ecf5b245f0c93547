"""Item flags: registered checks over item statistics, with documented thresholds.

Each flag is a registered unit (id, docstring, options with defaults); thresholds can be
changed in ``[tool.qbank.analysis.flags]``. A flag says what a reviewer should look at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

Row = dict[str, Any]


@dataclass(frozen=True)
class Flag:
    id: str
    options: dict[str, float]
    func: Callable[[Row, dict[str, float]], str | None]

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()


FLAGS: list[Flag] = []


def flag(
    id: str, **options: float
) -> Callable[[Callable[[Row, dict[str, float]], str | None]], Any]:
    def deco(func: Callable[[Row, dict[str, float]], str | None]) -> Any:
        FLAGS.append(Flag(id, dict(options), func))
        return func

    return deco


def _num(row: Row, key: str) -> float:
    v = row.get(key)
    try:
        return float(v) if v is not None else float("nan")
    except (TypeError, ValueError):
        return float("nan")


@flag("too_easy", max_p=0.95)
def too_easy(row: Row, o: dict[str, float]) -> str | None:
    """Proportion correct above ``max_p``: the item barely separates candidates; check for a cue
    in the stem or an implausible set of distractors."""
    p = _num(row, "p_value")
    return (
        f"p = {p:.2f} > {o['max_p']}: check for cues and weak distractors"
        if p > o["max_p"]
        else None
    )


@flag("too_hard", min_p=0.20)
def too_hard(row: Row, o: dict[str, float]) -> str | None:
    """Proportion correct below ``min_p``: check the key, ambiguity and whether the content is
    in scope."""
    p = _num(row, "p_value")
    return f"p = {p:.2f} < {o['min_p']}: check the key and ambiguity" if p < o["min_p"] else None


@flag("negative_discrimination", max_rpb=0.0)
def negative_discrimination(row: Row, o: dict[str, float]) -> str | None:
    """Item-rest correlation below ``max_rpb`` (negative): stronger candidates do worse; the key
    is probably wrong or the item ambiguous."""
    r = _num(row, "point_biserial")
    return f"point-biserial {r:.2f} < 0: likely miskey or ambiguity" if r < o["max_rpb"] else None


@flag("low_discrimination", min_rpb=0.15)
def low_discrimination(row: Row, o: dict[str, float]) -> str | None:
    """Item-rest correlation between 0 and ``min_rpb``: the item adds little; review the
    distractors and the wording."""
    r = _num(row, "point_biserial")
    if 0 <= r < o["min_rpb"]:
        return f"point-biserial {r:.2f} < {o['min_rpb']}: weak discrimination"
    return None


@flag("possible_miskey")
def possible_miskey(row: Row, o: dict[str, float]) -> str | None:
    """A distractor with a positive point-biserial that the top score group chooses more often
    than the key: check whether the distractor is also correct (or the key is wrong). The note
    does not name the option (reports must not reveal keys); see option_statistics.csv."""
    d = row.get("_attractive_distractor")
    if d:
        return "a distractor attracts high scorers more than the key: possible miskey"
    return None


@flag("not_estimable")
def not_estimable(row: Row, o: dict[str, float]) -> str | None:
    """Every candidate who took the item answered it the same way (all right or all wrong), so
    it has no IRT parameters: check the key (all wrong) or whether the item is trivial."""
    if int(_num(row, "n") or 0) > 0 and _num(row, "a") != _num(row, "a"):  # a is NaN
        return "no IRT parameters: everyone answered it the same way"
    return None


@flag("poor_fit", max_p=0.01)
def poor_fit(row: Row, o: dict[str, float]) -> str | None:
    """Item fit test (S-X2) p-value below ``max_p``: the IRT model does not describe the item;
    look at its empirical curve in the report."""
    p = _num(row, "fit_p")
    return f"fit p = {p:.3f} < {o['max_p']}: model misfit" if p < o["max_p"] else None


@flag("dif_c")
def dif_c(row: Row, o: dict[str, float]) -> str | None:
    """ETS class C differential item functioning: have content experts check the item for
    group-specific wording or context."""
    c = str(row.get("ets_class") or "")
    return f"DIF class {c}: check for group-specific content" if c.endswith("C") else None


@flag("high_omission", max_omit=0.10)
def high_omission(row: Row, o: dict[str, float]) -> str | None:
    """Omission rate above ``max_omit``: the item may be unclear, too long or placed where time
    runs out."""
    r = _num(row, "omit_rate")
    return (
        f"omit rate {r:.0%} > {o['max_omit']:.0%}: unclear or too long?"
        if r > o["max_omit"]
        else None
    )


def attractive_distractors(options: pd.DataFrame, groups: int = 5) -> dict[str, str]:
    """item -> distractor id that looks like a possible miskey."""
    out: dict[str, str] = {}
    top = f"share_g{groups}"
    for item, g in options.groupby("item_id"):
        keys = g[g["key"]]
        if keys.empty or top not in g:
            continue
        key_top = float(keys[top].max())
        for _, r in g[~g["key"]].iterrows():
            if r["point_biserial"] > 0 and r[top] > key_top:
                out[str(item)] = str(r["option"])
                break
    return out


def evaluate_flags(
    row: Row, overrides: dict[str, dict[str, float]] | None = None
) -> tuple[list[str], list[str]]:
    """The ids of the flags ``row`` raises and their messages (thresholds from ``overrides``)."""
    overrides = overrides or {}
    ids, notes = [], []
    for f in FLAGS:
        msg = f.func(row, {**f.options, **overrides.get(f.id, {})})
        if msg:
            ids.append(f.id)
            notes.append(msg)
    return ids, notes


def flag_config_schema() -> dict[str, Any]:
    """JSON Schema of ``[tool.qbank.analysis.flags]``, derived from the registered flags."""
    props = {
        f.id: {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: {"type": "number"} for k in f.options},
            "description": f.doc.split("\n")[0],
        }
        for f in FLAGS
    }
    return {"type": "object", "additionalProperties": False, "properties": props}


def load_flag_overrides(path: str | None = None, cwd: str = ".") -> dict[str, dict[str, float]]:
    """Thresholds from ``[analysis.flags]`` of qbank.toml or ``[tool.qbank.analysis.flags]`` of
    pyproject.toml; raises :class:`~toolkit.config.ConfigError` naming the file on a bad table."""
    from jsonschema import Draft202012Validator

    from ..config import ConfigError, section

    table, source = section(path, ("analysis", "flags"), cwd)
    if table is None:
        return {}
    errors = list(Draft202012Validator(flag_config_schema()).iter_errors(table))
    if errors:
        raise ConfigError(f"{source}: [analysis.flags] {errors[0].message}")
    return table
