"""``qbank validate``: parse, schema-check and semantically check the bank, collecting every problem.

The pipeline for each item file is: read bytes -> decode UTF-8 -> parse with libyaml
-> JSON Schema -> item checks; then bank-wide checks over all items that got that
far. Every stage reports :class:`~toolkit.diagnostics.Diagnostic` objects; nothing
stops at the first problem. Positions are looked up only for files with problems.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import checks
from .bank.model import Item, LazyItem
from .bank.store import Bank
from .bank.workspace import Workspace
from .blueprint import Blueprint
from .diagnostics import Diagnostic, Severity, sort_key
from .errors import DataError, UsageError
from .schemas import schema_problems
from .yamlio import YamlDocument, YamlProblem, read_yaml

if TYPE_CHECKING:
    from .cache import FileCache, StatSig

PARALLEL_THRESHOLD = 2000
"""Banks with at least this many files are parsed in worker processes."""


class BankNotFound(UsageError, FileNotFoundError):
    """The bank folder (or its blueprint) does not exist: a usage error."""


@dataclass(frozen=True)
class ValidationReport:
    workspace: Workspace | None
    diagnostics: tuple[Diagnostic, ...]
    files_checked: int

    @property
    def bank(self) -> Bank | None:
        return self.workspace.bank if self.workspace else None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


def _display_fast(p: str | Path, cwd: str) -> str:
    """:func:`display_path` with the working directory looked up once (string operations only)."""
    s = str(p)
    full = os.path.normpath(s if os.path.isabs(s) else os.path.join(cwd, s))
    if full.startswith(cwd.rstrip(os.sep) + os.sep):
        full = full[len(cwd.rstrip(os.sep)) + 1 :]
    return full.replace(os.sep, "/")


def display_path(p: Path) -> str:
    """``p`` relative to the working directory when it is inside it, else absolute."""
    return _display_fast(p, os.getcwd())


def _diag(path: str, code: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    return Diagnostic(path, line, column, code, Severity.ERROR, message)


def _read(fs_path: str) -> bytes | OSError:
    try:
        with open(fs_path, "rb") as fh:
            return fh.read(2_000_001)
    except OSError as exc:
        return exc


def parse_file(
    fs_path: str, shown: str, schema: str
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Read and parse one file and check it against ``schema``.

    Returns the document (``None`` when it could not be parsed) and its problems.
    """
    raw = _read(fs_path)
    if isinstance(raw, OSError):
        return None, [_diag(shown, "P008", f"cannot read file: {raw.strerror}")]
    return parse_bytes(raw, shown, schema)


def parse_bytes(
    raw: bytes, shown: str, schema: str
) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse bytes read from ``shown`` and check them against ``schema``."""
    try:
        doc = read_yaml(shown, raw)
    except YamlProblem as p:
        return None, [_diag(shown, p.code, p.message, p.line, p.column)]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r:.40})"
        return None, [
            _diag(
                shown,
                "P004",
                f"the file holds {kind}; it must be a mapping of fields (`id: ...`, `stem: ...`)",
                1,
                1,
            )
        ]
    problems = schema_problems(schema, doc.data)
    diags = []
    for p in problems:
        line, col = doc.position(p.path, key=p.key)
        diags.append(_diag(shown, p.code, p.message, line, col))
    return doc, diags


Parsed = tuple[YamlDocument | None, list[Diagnostic], str]
"""A parsed file: the document (None when it could not be parsed), its problems, and the
SHA-256 of the bytes that were parsed ("" when the file could not be read)."""


def _parse_job(args: tuple[str, str, str]) -> tuple[str | None, Any, list[Diagnostic], str]:
    fs_path, shown, schema = args
    raw = _read(fs_path)
    if isinstance(raw, OSError):
        return None, None, [_diag(shown, "P008", f"cannot read file: {raw.strerror}")], ""
    from .cache import digest

    doc, diags = parse_bytes(raw, shown, schema)
    if doc is None:
        return None, None, diags, digest(raw)
    return doc.text, doc.data, diags, digest(raw)


def _parse_many(jobs: list[tuple[str, str, str]], workers: int) -> list[Parsed]:
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        results = map(_parse_job, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_parse_job, jobs, chunksize=256)
    out: list[Parsed] = []
    try:
        for (_, shown, _), (text, data, diags, sha) in zip(jobs, results, strict=True):
            doc = None if text is None else YamlDocument(shown, text, data)
            out.append((doc, diags, sha))
    finally:
        if pool is not None:
            pool.shutdown()
    return out


@dataclass(frozen=True, slots=True)
class ItemHead:
    """What the bank-wide checks read of an item whose file is known unchanged from the cache
    (so that ``qbank validate`` need not rebuild every item)."""

    id: str
    enemies: tuple[str, ...]


def load_blueprint(path: Path) -> tuple[Blueprint | None, YamlDocument | None, list[Diagnostic]]:
    """Parse, schema-check and check ``blueprint.yaml``."""
    shown = display_path(path)
    doc, diags = parse_file(str(path), shown, "blueprint")
    if doc is None or diags:
        return None, doc, diags
    for c in checks.by_scope("blueprint"):
        diags.extend(c.func(doc.data, doc))
    if diags:
        return None, doc, diags
    return Blueprint.from_dict(doc.data), doc, diags


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.rglob("*.yaml")))
        elif p.exists():
            files.append(p)
        else:
            raise BankNotFound(f"{p}: no such file or folder")
    return files


def _loader(cache: FileCache, key: str, sha: str, fs: str, shown: str) -> Callable[[], Item]:
    """Load the text of an unchanged item: from the cache, else by parsing its file again."""

    def load() -> Item:
        record = cache.blob(key, sha)
        if record is not None:
            return Item.from_record(record, shown)
        from .cache import digest

        raw = _read(fs)
        doc, problems = parse_bytes(raw, shown, "item") if isinstance(raw, bytes) else (None, [])
        if not isinstance(raw, bytes) or digest(raw) != sha or doc is None or problems:
            raise DataError(
                f"{shown} changed while qbank was reading the bank; run the command again",
                diagnostics=problems,
            )
        return Item.from_dict(doc.data, shown)

    return load


def _walk(folder: Path) -> list[str]:
    """Paths (strings) of the ``.yaml`` and ``.yml`` files under ``folder``, sorted."""
    out: list[str] = []
    for dirpath, _dirs, filenames in os.walk(folder):
        out.extend(os.path.join(dirpath, n) for n in filenames if n.endswith((".yaml", ".yml")))
    out.sort()
    return out


def validate_bank(
    root: str | os.PathLike[str] = "bank",
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    workers: int | None = None,
    use_cache: bool = False,
    build_bank: bool = True,
) -> ValidationReport:
    """Validate the bank in ``root``; with ``paths``, report only on those files or folders.

    Bank-wide checks (unique ids, enemies) always see the whole bank. With ``use_cache``,
    per-file results are kept in ``root/.qbank_cache`` keyed by content hash (see
    :mod:`toolkit.cache`); bank-wide checks are recomputed on every run.
    With ``build_bank=False`` the report has no workspace (only the problems): unchanged files
    known from the cache are then not turned into items, which is what ``qbank validate`` needs.
    Raises :class:`BankNotFound` when ``root`` or a given path does not exist.
    """
    root = Path(root)
    if not root.is_dir():
        raise BankNotFound(f"{root}: bank folder not found (use --bank DIR to point elsewhere)")
    bp_path = root / "blueprint.yaml"
    if not bp_path.is_file():
        raise BankNotFound(f"{bp_path}: the bank has no blueprint.yaml")
    blueprint, bp_doc, diags = load_blueprint(bp_path)

    items_root = root / "items"
    walked = _walk(items_root)
    files: list[str | Path] = [p for p in walked if p.endswith(".yaml")]
    selected: set[Path] | None = None
    if paths is not None:
        chosen = _expand(paths)
        # The blueprint is always checked; other files outside items/ are not items.
        bp_resolved = bp_path.resolve()
        others = [p for p in chosen if p.resolve() != bp_resolved]
        selected = {p.resolve() for p in others}
        known = {Path(p).resolve() for p in files} if others else set()
        items_abs = items_root.resolve()
        for p in others:
            if p.resolve() in known:
                continue
            if p.suffix not in (".yaml", ".yml") or not p.resolve().is_relative_to(items_abs):
                diags.append(
                    _diag(
                        display_path(p),
                        "P010",
                        f"not an item file: items are .yaml files under"
                        f" {display_path(items_root)}/ (the blueprint and calibration"
                        " records have their own checks)",
                    )
                )
            else:
                files.append(p)
    for stray in (p for p in walked if p.endswith(".yml")):
        diags.append(
            _diag(
                display_path(Path(stray)),
                "P009",
                "item files must end in .yaml; rename it (git mv) to <id>.yaml",
            )
        )

    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    ctx = checks.CheckContext(blueprint, str(items_root.absolute())) if blueprint else None
    from .cache import FileCache, digest, gc_paused, salt, stat_signature

    with gc_paused():
        cache = FileCache(
            root if use_cache and blueprint is not None else None,
            "validate",
            salt(bp_doc.text if bp_doc is not None else ""),
            blobs=True,
        )
        entries: list[tuple[Item | ItemHead, YamlDocument]] = []
        digests: dict[str, str] = {}
        item_checks = checks.by_scope("item")
        misses: list[tuple[str, str, str]] = []
        miss_keys: list[tuple[str, StatSig | None]] = []
        cwd = os.getcwd()
        # the parsed items of unchanged files live in the blob file; if it was lost, parse
        # every file again (which writes it anew) rather than re-read them one by one later
        blobs_lost = build_bank and cache.enabled and not cache.blobs_present()
        items_prefix = str(items_root) + os.sep
        shown_prefix = _display_fast(items_root, cwd) + "/"
        for f in files:
            fs = str(f)
            shown = (
                shown_prefix + fs[len(items_prefix) :].replace(os.sep, "/")
                if fs.startswith(items_prefix)
                else _display_fast(fs, cwd)
            )
            key = fs[len(items_prefix) :] if fs.startswith(items_prefix) else os.path.abspath(fs)
            sig = stat_signature(fs) if cache.enabled else None
            hit: dict[str, Any] | None = None
            sha = ""
            if cache.enabled:
                found = cache.lookup(key, sig)
                if found is not None:
                    sha, hit = found
                else:
                    raw = _read(fs)
                    if isinstance(raw, bytes):
                        sha = digest(raw)
                        hit = cache.get(key, sha, sig)
            if hit is not None and blobs_lost and hit["head"] is not None:
                hit = None
            if hit is None:
                misses.append((fs, shown, "item"))
                miss_keys.append((key, sig))
                continue
            diags.extend(
                Diagnostic(shown, line, col, code, Severity(sev), msg)
                for line, col, code, sev, msg in hit["diags"]
            )
            head = hit["head"]
            if head is not None:
                doc = YamlDocument.from_file(shown, fs)
                item: Item | ItemHead = (
                    LazyItem.create(head, shown, _loader(cache, key, sha, fs, shown))
                    if build_bank
                    else ItemHead(head[0], tuple(head[8]))
                )
                entries.append((item, doc))
                digests[shown] = sha
        for (doc, file_diags, sha), (key, sig) in zip(
            _parse_many(misses, n_workers), miss_keys, strict=True
        ):
            found = list(file_diags)
            valid = doc is not None and not file_diags
            item = None
            if valid:
                assert doc is not None
                item = Item.from_dict(doc.data, doc.path)
                entries.append((item, doc))
                digests[item.path] = sha
                if ctx is not None:
                    for c in item_checks:
                        found.extend(c.func(item, doc, ctx))
            diags.extend(found)
            if sha:
                cache.put(
                    key,
                    sha,
                    {
                        "head": item.light_record() if item is not None else None,
                        "diags": [
                            [d.line, d.column, d.code, d.severity.value, d.message] for d in found
                        ],
                    },
                    sig=sig,
                    blob=item.to_record() if item is not None else None,
                )
        cache.save()
    entries.sort(key=lambda e: e[1].path)
    if ctx is not None:
        for c in checks.by_scope("bank"):
            diags.extend(c.func(entries, ctx))

    if selected is not None:
        shown_selected = {display_path(p) for p in selected}
        shown_selected |= {d.path for d in diags if d.code == "P010"}
        bp_shown = display_path(bp_path)
        diags = [d for d in diags if d.path in shown_selected or d.path == bp_shown]

    workspace = None
    if blueprint is not None and build_bank:
        items = tuple(sorted((i for i, _ in entries if isinstance(i, Item)), key=lambda i: i.id))
        sources = {i.id: d for i, d in entries}
        workspace = Workspace(Bank(root, blueprint, items), sources, bp_doc, digests)
    return ValidationReport(
        workspace=workspace,
        diagnostics=tuple(sorted(diags, key=sort_key)),
        files_checked=len(selected) if selected is not None else len(files),
    )
