"""Run the registered lint rules over a loaded bank and collect diagnostics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bank.model import Item
from ..bank.store import Bank
from ..bank.workspace import Workspace
from ..cache import FileCache, digest, gc_paused, salt
from ..diagnostics import Diagnostic, Severity, sort_key
from .config import LintConfig
from .gitview import GitView, load_git_view
from .registry import FEATURES, Finding, Rule, rules_by_code


@dataclass(frozen=True)
class LintContext:
    """What rules may look at: the bank, git history, and the per-item features of bank rules
    (``features[code][id(item)]``, computed by the rule's :func:`~.registry.item_features`
    function and cached per item file)."""

    bank: Bank
    git: GitView | None = None
    features: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    """A safe repair found by a rule: ``apply`` edits the item's round-trip data."""

    path: str
    code: str
    item: str
    apply: Callable[[Any], None]


@dataclass(frozen=True)
class LintReport:
    diagnostics: tuple[Diagnostic, ...]
    items_linted: int
    rules_run: tuple[str, ...]
    suppressed: int
    fixes: tuple[Fix, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _display(p: Path) -> str:
    from ..validate import display_path

    return display_path(p)


def _to_diag(ws: Workspace, rule: Rule, sev: Severity, f: Finding, item: Item | None) -> Diagnostic:
    if f.target == "blueprint" and ws.blueprint_source is not None:
        doc = ws.blueprint_source
        line, col = doc.position(f.path, key=f.key)
        return Diagnostic(doc.path, line, col, rule.code, sev, f.message)
    item_id = f.item or (item.id if item else None)
    doc = ws.sources.get(item_id) if item_id and f.target == "item" else None
    if doc is None:
        where = _display(ws.items_dir)
        return Diagnostic(where, 0, 0, rule.code, sev, f.message)
    line, col = doc.position(f.path, key=f.key)
    return Diagnostic(doc.path, line, col, rule.code, sev, f.message)


def _setting(config: LintConfig, rules: Iterable[Rule]) -> str:
    """A short fingerprint of what ``rules`` compute under ``config`` (codes, severities,
    options): cached results computed under another setting are not used."""
    import json

    from ..cache import digest

    rules = list(rules)
    return digest(
        json.dumps(
            {
                "rules": [r.code for r in rules],
                "severity": {r.code: config.severity(r) for r in rules},
                "options": {r.code: config.options(r) for r in rules},
            },
            sort_keys=True,
            default=str,
        ).encode()
    )[:16]


def lint_bank(
    workspace: Workspace,
    config: LintConfig | None = None,
    *,
    changed_since: str | None = None,
    only_items: Iterable[str] | None = None,
    rules: Iterable[Rule] | None = None,
    use_cache: bool = False,
) -> LintReport:
    """Lint the bank of ``workspace`` (its source documents give the positions).

    With ``changed_since`` (a git revision), item rules run only on items changed
    since then, and the git-aware version rules run too. ``only_items`` (ids) limits
    item rules further. Bank-wide rules always see the whole bank. With ``use_cache`` (and no
    ``changed_since``), the findings of item rules and the per-item features of bank rules are
    kept per item file, keyed by its content hash, the blueprint and the rules' configuration
    (see :mod:`toolkit.cache`); bank-wide rules are always recomputed from those features.
    """
    bank = workspace.bank
    config = config or LintConfig()
    git = load_git_view(bank.root, changed_since) if changed_since else None
    features: dict[str, dict[str, Any]] = {}
    ctx = LintContext(bank, git, features)
    active = [
        r
        for r in (rules if rules is not None else rules_by_code().values())
        if config.enabled(r) and (git is not None or not r.needs_git)
    ]
    only = set(only_items) if only_items is not None else None
    items = [
        i
        for i in bank.items
        if (git is None or i.id in git.changed_ids) and (only is None or i.id in only)
    ]
    ignores = {i.id: {code for code, _ in i.lint_ignore} for i in bank.items}
    diags: list[Diagnostic] = []
    fixes: list[Fix] = []
    suppressed = 0

    def add(rule: Rule, findings: Iterable[Finding], item: Item | None) -> None:
        nonlocal suppressed
        sev = Severity(config.severity(rule))
        for f in findings:
            owner = f.item or (item.id if item and f.target == "item" else None)
            if owner and rule.code in ignores.get(owner, ()):
                suppressed += 1
                continue
            diags.append(_to_diag(workspace, rule, sev, f, item))
            target = workspace.bank.by_id.get(owner) if owner else None
            if f.fix is not None and target is not None:
                fixes.append(Fix(target.path, rule.code, target.id, f.fix))

    item_rules = [r for r in active if r.scope == "item"]
    feature_rules = [r for r in active if r.scope != "item" and r.code in FEATURES]
    bp = workspace.blueprint_source.text if workspace.blueprint_source is not None else ""
    cache = FileCache(workspace.root if use_cache and git is None else None, "lint", salt(bp))
    rules_setting = _setting(config, item_rules)
    feature_setting = {r.code: _setting(config, [r]) for r in feature_rules}
    for r in feature_rules:
        features[r.code] = {}
    with gc_paused():
        selected = {i.id for i in items}
        # items that share an id (V201) are linted but never cached: their results could mix
        id_counts = Counter(i.id for i in bank.items)
        duplicated = {k for k, n in id_counts.items() if n > 1}
        for it in bank.items:
            doc = workspace.sources.get(it.id)
            key = it.id  # ids shared by two files (V201) are never cached, below
            sha = workspace.digests.get(it.path) or (digest(doc.text.encode()) if doc else "")
            hit = cache.get(key, sha) if sha and it.id not in duplicated else None
            payload: dict[str, Any] = hit if hit is not None else {}
            changed = False
            if it.id in selected:
                if doc is not None and payload.get("rules") == rules_setting:
                    diags.extend(
                        Diagnostic(doc.path, line, col, code, Severity(sev), msg)
                        for line, col, code, sev, msg in payload["diags"]
                    )
                    suppressed += payload["suppressed"]
                else:
                    before, before_suppressed = len(diags), suppressed
                    for r in item_rules:
                        add(r, r.func(it, ctx, config.options(r)), it)
                    mine = [d for d in diags[before:] if doc is not None and d.path == doc.path]
                    if len(mine) == len(diags) - before:  # findings on other files are not cached
                        payload = dict(payload)
                        payload["rules"] = rules_setting
                        payload["diags"] = [
                            [d.line, d.column, d.code, d.severity.value, d.message] for d in mine
                        ]
                        payload["suppressed"] = suppressed - before_suppressed
                        changed = True
            cached_features = payload.get("features", {})
            new_features = None
            for r in feature_rules:
                c = cached_features.get(r.code)
                if c is not None and c[0] == feature_setting[r.code]:
                    features[r.code][id(it)] = c[1]  # type: ignore[index]
                else:
                    value = FEATURES[r.code](it, config.options(r))
                    features[r.code][id(it)] = value  # type: ignore[index]
                    if new_features is None:
                        new_features = dict(cached_features)
                    new_features[r.code] = [feature_setting[r.code], value]
            if new_features is not None:
                payload = {**payload, "features": new_features}
                changed = True
            if changed and sha:
                cache.put(it.id, sha, payload)
    cache.save()
    for r in active:
        if r.scope != "item":
            add(r, r.func(ctx, config.options(r)), None)
    return LintReport(
        diagnostics=tuple(sorted(set(diags), key=sort_key)),
        items_linted=len(items),
        rules_run=tuple(r.code for r in active),
        suppressed=suppressed,
        fixes=tuple(fixes),
    )


def apply_fixes(report: LintReport) -> list[str]:
    """Apply the report's fixes to the item files through the round-trip writer, all files
    at once (atomically, rolled back on failure); return the paths changed."""
    from ..io import atomic_write_many
    from ..itemfile import edit

    by_path: dict[str, list[Fix]] = {}
    for f in report.fixes:
        by_path.setdefault(f.path, []).append(f)
    new_texts = {}
    for path, fixes in sorted(by_path.items()):

        def change(data: Any, fixes: list[Fix] = fixes) -> None:
            for f in fixes:
                f.apply(data)

        new_texts[Path(path)] = edit(Path(path).read_text(encoding="utf-8"), change)
    if new_texts:
        atomic_write_many(new_texts)
    return sorted(by_path)
