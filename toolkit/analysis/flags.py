"""Item flags: registered units over item statistics, with documented thresholds.

Each flag is a unit of the project's one registry (:mod:`toolkit.registry`): a code, a name
(used in the ``flags`` column and in the configuration), options with defaults, and a
docstring that says what the flag means. Thresholds can be changed in
``[tool.qbank.analysis.flags]``. A flag says what a reviewer should look at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..registry import Registry, Unit


@dataclass(frozen=True)
class Evidence:
    """What flags look at for one item: its row of statistics (CTT, IRT, fit, DIF) and
    what the option analysis found."""

    stats: Mapping[str, Any]
    attractive_distractor: str | None = None

    def num(self, key: str) -> float:
        v = self.stats.get(key)
        try:
            return float(v) if v is not None else float("nan")
        except (TypeError, ValueError):
            return float("nan")

    def text(self, key: str) -> str:
        v = self.stats.get(key)
        return "" if v is None or v != v else str(v)


FlagFunc = Callable[[Evidence, dict[str, Any]], "str | None"]
Flag = Unit[FlagFunc]
FLAGS: Registry[FlagFunc] = Registry("flag", config_key="name")


def flag(code: str, name: str, **options: float) -> Callable[[FlagFunc], FlagFunc]:
    return FLAGS.register(code, name, options=options)


@flag("AF01", "too_easy", max_p=0.95)
def too_easy(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Proportion correct above ``max_p``: the item barely separates candidates; check for a cue
    in the stem or an implausible set of distractors."""
    p = ev.num("p_value")
    return (
        f"p = {p:.2f} > {o['max_p']}: check for cues and weak distractors"
        if p > o["max_p"]
        else None
    )


@flag("AF02", "too_hard", min_p=0.20)
def too_hard(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Proportion correct below ``min_p``: check the key, ambiguity and whether the content is
    in scope."""
    p = ev.num("p_value")
    return f"p = {p:.2f} < {o['min_p']}: check the key and ambiguity" if p < o["min_p"] else None


@flag("AF03", "negative_discrimination", max_rpb=0.0)
def negative_discrimination(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Item-rest correlation below ``max_rpb`` (negative): stronger candidates do worse; the key
    is probably wrong or the item ambiguous."""
    r = ev.num("point_biserial")
    return f"point-biserial {r:.2f} < 0: likely miskey or ambiguity" if r < o["max_rpb"] else None


@flag("AF04", "low_discrimination", min_rpb=0.15)
def low_discrimination(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Item-rest correlation between 0 and ``min_rpb``: the item adds little; review the
    distractors and the wording."""
    r = ev.num("point_biserial")
    if 0 <= r < o["min_rpb"]:
        return f"point-biserial {r:.2f} < {o['min_rpb']}: weak discrimination"
    return None


@flag("AF05", "possible_miskey")
def possible_miskey(ev: Evidence, o: dict[str, Any]) -> str | None:
    """A distractor with a positive point-biserial that the top score group chooses more often
    than the key: check whether the distractor is also correct (or the key is wrong). The note
    does not name the option; see option_statistics.csv."""
    if ev.attractive_distractor:
        return "a distractor attracts high scorers more than the key: possible miskey"
    return None


@flag("AF06", "not_estimable")
def not_estimable(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Every candidate who took the item answered it the same way (all right or all wrong), so
    it has no IRT parameters: check the key (all wrong) or whether the item is trivial."""
    if (ev.num("n") or 0) > 0 and ev.num("a") != ev.num("a"):  # a is NaN
        return "no IRT parameters: everyone answered it the same way"
    return None


@flag("AF07", "poor_fit", max_p=0.01)
def poor_fit(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Item fit test (S-X2) p-value below ``max_p``: the IRT model does not describe the item;
    look at its empirical curve in the report."""
    p = ev.num("fit_p")
    return f"fit p = {p:.3f} < {o['max_p']}: model misfit" if p < o["max_p"] else None


@flag("AF08", "dif_c")
def dif_c(ev: Evidence, o: dict[str, Any]) -> str | None:
    """ETS class C differential item functioning: have content experts check the item for
    group-specific wording or context."""
    c = ev.text("ets_class")
    return f"DIF class {c}: check for group-specific content" if c.endswith("C") else None


@flag("AF09", "high_omission", max_omit=0.10)
def high_omission(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Omission rate above ``max_omit``: the item may be unclear, too long or placed where time
    runs out."""
    r = ev.num("omit_rate")
    return (
        f"omit rate {r:.0%} > {o['max_omit']:.0%}: unclear or too long?"
        if r > o["max_omit"]
        else None
    )


@flag("AF10", "small_sample", min_n=200)
def small_sample(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Fewer than ``min_n`` candidates answered the item: its IRT parameters (and the p-value)
    are too unstable to act on; collect more responses before revising or retiring it."""
    n = ev.num("n")
    return f"n = {n:.0f} < {o['min_n']:g}: estimates unstable" if n < o["min_n"] else None


@flag("AF11", "estimate_at_bound", a_min=0.3, a_max=4.0, b_max=5.0)
def estimate_at_bound(ev: Evidence, o: dict[str, Any]) -> str | None:
    """The discrimination is at or beyond ``a_min``/``a_max``, or the difficulty beyond
    +/-``b_max``: the estimator ran into the edge of its range (small or one-sided samples),
    so the value says little about the item."""
    a, b = ev.num("a"), ev.num("b")
    if a >= o["a_max"] or a <= o["a_min"]:
        return f"a = {a:.2f} at the edge of its range: unreliable estimate"
    if abs(b) >= o["b_max"]:
        return f"b = {b:.2f} at the edge of its range: unreliable estimate"
    return None


@flag("AF12", "large_se", max_se_a=1.0, max_se_b=1.0)
def large_se(ev: Evidence, o: dict[str, Any]) -> str | None:
    """Standard error of a above ``max_se_a`` or of b above ``max_se_b``: the parameter is
    barely determined by the data; do not use it for assembly or decisions yet."""
    sa, sb = ev.num("se_a"), ev.num("se_b")
    if sa > o["max_se_a"]:
        return f"se_a = {sa:.2f} > {o['max_se_a']:g}: a is barely determined"
    if sb > o["max_se_b"]:
        return f"se_b = {sb:.2f} > {o['max_se_b']:g}: b is barely determined"
    return None


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
    ev: Evidence, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[list[str], list[str]]:
    """The names of the flags ``ev`` raises and their messages (thresholds from ``overrides``)."""
    names, notes = [], []
    for f in FLAGS:
        msg = f.func(ev, FLAGS.options_for(f, overrides))
        if msg:
            names.append(f.name)
            notes.append(msg)
    return names, notes


def flag_config_schema() -> dict[str, Any]:
    """JSON Schema of ``[tool.qbank.analysis.flags]``, derived from the registered flags."""
    return FLAGS.config_schema()


def load_flag_overrides(path: str | None = None, cwd: str = ".") -> dict[str, dict[str, float]]:
    """Thresholds from ``[analysis.flags]`` of qbank.toml or ``[tool.qbank.analysis.flags]`` of
    pyproject.toml; raises :class:`~toolkit.config.ConfigError` naming the file on a bad table."""
    from jsonschema import Draft202012Validator

    from ..config import ConfigError, error_keys, locate, section

    table, source = section(path, ("analysis", "flags"), cwd)
    if table is None:
        return {}
    errors = list(Draft202012Validator(flag_config_schema()).iter_errors(table))
    if errors:
        e = errors[0]
        where = ".".join(["analysis.flags", *(str(p) for p in e.absolute_path)])
        at = locate(source, error_keys(["analysis", "flags"], e))
        raise ConfigError(f"{at}: [{where}] {e.message}")
    return table
