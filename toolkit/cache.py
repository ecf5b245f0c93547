"""A cache of per-file results, in the spirit of ruff's and mypy's caches.

``qbank validate`` and ``qbank lint`` parse every item file on every run, because bank-wide
checks (unique ids, enemies, near-duplicates, coverage) need the whole bank. The cache keeps,
for each file, the parsed data and the problems found in it (reading, schema and per-item
checks; per-item lint findings), keyed by the SHA-256 of the file's bytes. A file is read and
hashed on every run; only when its hash is in the cache is the parsing and checking skipped.
Bank-wide checks are always recomputed from the (cached) per-item data.

It can never hide a problem:

- every entry is keyed by the file's content hash, so any change to a file misses;
- the whole cache is keyed by a *salt*: the qbank version, the source of the toolkit, the
  schema files, the blueprint and the configuration; any change to one of them starts afresh;
- the cache file carries a format number and is checked on load; a corrupt, unreadable or
  foreign file is ignored and rebuilt, never trusted;
- writes are atomic (temporary file and rename), so an interrupted run leaves the old cache.

The cache lives in ``.qbank_cache/`` beside ``blueprint.yaml`` (git-ignored).
``--no-cache`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
DIRNAME = ".qbank_cache"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package_fingerprint() -> str:
    """Hash of the toolkit's own source, so that a code change (not only a version bump)
    invalidates results computed by older code."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    schema_dir = pkg.parent / "schema"
    if not schema_dir.is_dir():
        schema_dir = pkg / "_schema"
    for p in sorted(schema_dir.glob("*.json")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


_FINGERPRINT: str | None = None


def salt(*parts: bytes | str) -> str:
    """The cache key of a run: the qbank version and source, the schemas, and ``parts``
    (the blueprint's bytes, the configuration, ...)."""
    global _FINGERPRINT
    from . import __version__

    if _FINGERPRINT is None:
        _FINGERPRINT = _package_fingerprint()
    h = hashlib.sha256(f"{FORMAT}:{__version__}:{_FINGERPRINT}".encode())
    for p in parts:
        h.update(b"\0")
        h.update(p.encode() if isinstance(p, str) else p)
    return h.hexdigest()


class FileCache:
    """Per-file entries ``{key: {"sha": ..., ...payload}}`` in one JSON file, for one salt.

    ``get`` returns the payload only when the stored hash matches; ``put`` records one;
    ``save`` writes atomically (only when something changed) and drops entries that were not
    used in this run, so deleted files do not accumulate.
    """

    def __init__(self, folder: Path | None, name: str, run_salt: str) -> None:
        self.path = folder / DIRNAME / f"{name}.json" if folder is not None else None
        self.salt = run_salt
        self._entries: dict[str, dict[str, Any]] = {}
        self._used: set[str] = set()
        self._dirty = False
        self.hits = 0
        self.misses = 0
        if self.path is not None:
            self._entries = self._load()

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def _load(self) -> dict[str, dict[str, Any]]:
        assert self.path is not None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            self._dirty = self.path.exists()  # corrupt: rewrite it
            return {}
        ok = (
            isinstance(raw, dict)
            and raw.get("format") == FORMAT
            and raw.get("salt") == self.salt
            and isinstance(raw.get("entries"), dict)
            and all(
                isinstance(v, dict) and isinstance(v.get("sha"), str)
                for v in raw["entries"].values()
            )
        )
        if not ok:
            self._dirty = True
            return {}
        return raw["entries"]

    def get(self, key: str, sha: str) -> dict[str, Any] | None:
        if self.path is None:
            return None
        e = self._entries.get(key)
        if e is not None and e.get("sha") == sha:
            self._used.add(key)
            self.hits += 1
            return e
        self.misses += 1
        return None

    def put(self, key: str, sha: str, payload: dict[str, Any]) -> None:
        if self.path is None:
            return
        self._entries[key] = {"sha": sha, **payload}
        self._used.add(key)
        self._dirty = True

    def keep_only(self, keys: Iterable[str]) -> None:
        keep = set(keys)
        if set(self._entries) - keep:
            self._entries = {k: v for k, v in self._entries.items() if k in keep}
            self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        from .io import atomic_write_text

        self.keep_only(self._used)
        body = json.dumps(
            {"format": FORMAT, "salt": self.salt, "entries": self._entries},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            atomic_write_text(self.path, body)
        except OSError:  # a read-only checkout: run without a cache
            return
        self._dirty = False
