"""A cache of per-file results, in the spirit of ruff's and mypy's caches.

``qbank validate`` and ``qbank lint`` look at every item file on every run, because bank-wide
checks (unique ids, enemies, near-duplicates, coverage) need the whole bank. The cache keeps,
for each file, what was learnt from it (the problems found by reading, schema and per-item
checks; per-item lint findings; the small per-item data that bank-wide checks and rules work
from; the parsed item), keyed by the SHA-256 of the file's bytes. Bank-wide checks and rules
are always recomputed, from that cached per-item data.

How a file is recognised as unchanged, cheaply: like git's index, an entry also records the
file's *stat signature* (size, modification and status-change times in nanoseconds, inode).
When the signature is the same, the file is not read again; otherwise it is read and hashed,
and only a different hash is a miss. The status-change time cannot be set by tools that
preserve modification times (``touch -r``, ``cp -p``, ``git checkout``), and a file changed
within :data:`RACY_NS` before the run started (or during it) is stored without a signature, so
it is hashed again next time (git's "racily clean" rule).

It can never hide a problem:

- every entry is keyed by the file's content hash, so any change to a file misses;
- the whole cache is keyed by a *salt*: the qbank version, the source of the toolkit, the
  schema files, the blueprint and the configuration; any change to one of them starts afresh;
- a cache file starts with a format line and an HMAC-SHA256 of its body, keyed by a secret of
  the user kept outside every checkout; a corrupt, truncated, foreign or forged file (one
  committed to a pull request, say) does not verify and is ignored and rebuilt, never trusted.
  The body is a pickle of plain data only (dicts, lists, strings, numbers, bytes): the loader
  refuses any class or function reference, so a cache file cannot make qbank run code;
- writes are atomic (temporary file and rename), so an interrupted run leaves the old cache.

The cache lives in ``.qbank_cache/`` beside ``blueprint.yaml`` (git-ignored).
``--no-cache`` turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import io
import os
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMAT = 2
MAGIC = b"qbank-cache/2\n"
DIRNAME = ".qbank_cache"
RACY_NS = 3_000_000_000
"""Files changed less than this many nanoseconds before the cache is written are hashed again
on the next run instead of being trusted by their stat signature."""

StatSig = tuple[int, int, int, int]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stat_signature(fs_path: str) -> StatSig | None:
    """(size, mtime_ns, ctime_ns, inode) of a file, or None when it cannot be stat'ed."""
    try:
        st = os.stat(fs_path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


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


FREEZE_AFTER_LOAD = False
"""Set by the command line (a short-lived process): after loading, move the survivors out of the
collector's reach with ``gc.freeze``. Library callers (notebooks, tests) keep a normal collector."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built (cache
    entries, items): it would otherwise scan the growing heap again and again. Afterwards the
    survivors are frozen (``gc.freeze``) when :data:`FREEZE_AFTER_LOAD` is set (the CLI), so later
    collections do not scan them either; they live as long as the command anyway."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if FREEZE_AFTER_LOAD:
                gc.freeze()
            gc.enable()


class _PlainUnpickler(pickle.Unpickler):
    """Loads plain data only: any reference to a class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the cache refers to {module}.{name}; only plain data")


_LOAD_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    MemoryError,
    RecursionError,
)


_KEY: bytes | None = None


def _signing_key() -> bytes:
    """A secret of this user on this machine, kept outside every checkout
    (``$XDG_CACHE_HOME/qbank/key`` or ``~/.cache/qbank/key``), made on first use. Cache files are
    signed with it, so a cache file that arrives with a checkout (a forged one committed to a pull
    request, say) never verifies and is rebuilt. Without a writable home folder the key lives for
    one process only (the cache then helps nobody, and hides nothing)."""
    global _KEY
    if _KEY is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "qbank" / "key"
        try:
            key = path.read_bytes()
            if len(key) < 32:
                raise ValueError("short key")
        except (OSError, ValueError):
            key = os.urandom(32)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(key)
            except OSError:
                with contextlib.suppress(OSError):  # another process made it first
                    theirs = path.read_bytes()
                    key = theirs if len(theirs) >= 32 else key
        _KEY = key
    return _KEY


def _sign(body: bytes) -> bytes:
    return hmac.new(_signing_key(), body, hashlib.sha256).hexdigest().encode()


def encode_file(obj: Any) -> bytes:
    """The bytes of a cache file holding ``obj`` (plain data): format line, HMAC-SHA256 of the
    body with this user's key (see :func:`_signing_key`), body."""
    body = pickle.dumps(obj, protocol=5)
    return MAGIC + _sign(body) + b"\n" + body


def decode_file(raw: bytes) -> Any | None:
    """The data of a cache file, or None when it is not a valid cache file of this format signed
    with this user's key (damaged, truncated, foreign or forged)."""
    n = len(MAGIC)
    if not raw.startswith(MAGIC) or raw[n + 64 : n + 65] != b"\n":
        return None
    body = raw[n + 65 :]
    if not hmac.compare_digest(_sign(body), raw[n : n + 64]):
        return None
    try:
        return _PlainUnpickler(io.BytesIO(body)).load()
    except _LOAD_ERRORS:
        return None


def _read_file(path: Path, run_salt: str) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    data = decode_file(raw)
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("salt") != run_salt
        or not isinstance(data.get("entries"), dict)
    ):
        return None
    return data


class _Store:
    """One mapping persisted as a *main* file and a small *delta* file beside it.

    Saving after a few changes writes only the delta (the changed and removed keys), so that
    10 edited files do not mean rewriting the entries of 10,000; when the delta grows past a
    tenth of the main file, both are folded into a new main file. A delta names the main file
    it applies to (a random generation id), so a delta left beside another main is ignored.
    """

    def __init__(self, path: Path, run_salt: str) -> None:
        self.path = path
        self.delta_path = path.with_name(path.stem + "-delta" + path.suffix)
        self.salt = run_salt
        self.data: dict[str, Any] = {}
        self.generation = ""
        self.delta_keys: set[str] = set()
        self.changed: set[str] = set()
        self.valid = False  # a main file of this salt was found
        self.rewrite = False  # damaged entries were dropped: write the main file anew
        main = _read_file(path, run_salt)
        if main is None:
            return
        self.valid = True
        self.data = main["entries"]
        self.generation = str(main.get("generation", ""))
        delta = _read_file(self.delta_path, run_salt)
        if delta is not None and delta.get("base") == self.generation:
            for k, v in delta["entries"].items():
                if v is None:
                    self.data.pop(k, None)
                else:
                    self.data[k] = v
            self.delta_keys = set(delta["entries"])

    def mark(self, key: str) -> None:
        self.changed.add(key)

    @property
    def needs_save(self) -> bool:
        return bool(self.changed) or self.rewrite

    def save(self) -> None:
        from .io import atomic_write_bytes

        pending = self.delta_keys | self.changed
        if self.valid and not self.rewrite and len(pending) <= max(64, len(self.data) // 10):
            entries = {k: self.data.get(k) for k in sorted(pending)}
            atomic_write_bytes(
                self.delta_path,
                encode_file(
                    {
                        "format": FORMAT,
                        "salt": self.salt,
                        "base": self.generation,
                        "entries": entries,
                    }
                ),
            )
            self.delta_keys = pending
        else:
            self.generation = os.urandom(8).hex()
            atomic_write_bytes(
                self.path,
                encode_file(
                    {
                        "format": FORMAT,
                        "salt": self.salt,
                        "generation": self.generation,
                        "entries": self.data,
                    }
                ),
            )
            self.delta_path.unlink(missing_ok=True)
            self.delta_keys = set()
            self.valid = True
            self.rewrite = False
        self.changed = set()


class FileCache:
    """Per-file entries for one salt: ``key -> [sha, stat signature or None, payload]``.

    ``lookup`` finds an entry by stat signature (no read), ``get`` by content hash; ``put``
    records one. With ``blobs``, a second store holds a larger per-file value (the parsed item)
    that only some commands need; it is loaded on the first :meth:`blob` call. ``save`` writes
    atomically (only what changed, see :class:`_Store`) and drops entries not used in this
    run, so deleted files do not accumulate.
    """

    def __init__(
        self, folder: Path | None, name: str, run_salt: str, *, blobs: bool = False
    ) -> None:
        base = folder / DIRNAME if folder is not None else None
        self.path = base / f"{name}.bin" if base is not None else None
        self.blob_path = base / f"{name}-items.bin" if base is not None and blobs else None
        self.salt = run_salt
        self._store: _Store | None = None
        self._entries: dict[str, list[Any]] = {}
        self._used: set[str] = set()
        self._blobs: _Store | None = None
        self.hits = 0
        self.misses = 0
        self.started = time.time_ns()  # files changed after this may change again unseen
        if self.path is not None:
            self._store = _Store(self.path, run_salt)
            self._entries = {
                k: v
                for k, v in self._store.data.items()
                if isinstance(v, list) and len(v) == 3 and isinstance(v[0], str)
            }
            if len(self._entries) != len(self._store.data) or (
                not self._store.valid and os.path.exists(self.path)
            ):
                self._store.rewrite = True  # damaged or stale: rewrite it whole

    @property
    def enabled(self) -> bool:
        return self.path is not None

    @property
    def entries(self) -> dict[str, list[Any]]:
        """The entries as loaded (main file and delta), for inspection."""
        return self._entries

    def lookup(self, key: str, sig: StatSig | None) -> tuple[str, dict[str, Any]] | None:
        """(sha, payload) of ``key`` when its stat signature is unchanged, without reading it."""
        e = self._entries.get(key)
        if e is None or sig is None or e[1] is None or tuple(e[1]) != sig:
            return None
        self._used.add(key)
        self.hits += 1
        return e[0], e[2]

    def get(self, key: str, sha: str, sig: StatSig | None = None) -> dict[str, Any] | None:
        """The payload of ``key`` when its content hash is ``sha`` (and record ``sig``)."""
        if self._store is None:
            return None
        e = self._entries.get(key)
        if e is not None and e[0] == sha:
            self._used.add(key)
            self.hits += 1
            if sig is not None and e[1] != list(sig):
                e[1] = list(sig)
                self._store.mark(key)
            return e[2]  # type: ignore[no-any-return]
        self.misses += 1
        return None

    def put(
        self,
        key: str,
        sha: str,
        payload: dict[str, Any],
        *,
        sig: StatSig | None = None,
        blob: Any = None,
    ) -> None:
        if self._store is None:
            return
        self._entries[key] = [sha, list(sig) if sig is not None else None, payload]
        self._used.add(key)
        self._store.mark(key)
        if blob is not None and self.blob_path is not None:
            blobs = self._load_blobs()
            blobs.data[key] = [sha, blob]
            blobs.mark(key)

    def _load_blobs(self) -> _Store:
        if self._blobs is None:
            assert self.blob_path is not None
            self._blobs = _Store(self.blob_path, self.salt)
        return self._blobs

    def blobs_present(self) -> bool:
        """Whether the blob file exists (a lost one means every blob must be made again)."""
        return self.blob_path is not None and os.path.exists(self.blob_path)

    def blob(self, key: str, sha: str) -> Any | None:
        """The blob stored for ``key`` at content hash ``sha``, or None."""
        if self.blob_path is None:
            return None
        b = self._load_blobs().data.get(key)
        if not isinstance(b, list) or len(b) != 2 or b[0] != sha:
            return None
        return b[1]

    def save(self) -> None:
        store = self._store
        if store is None:
            return
        gone = set(self._entries) - self._used
        for k in gone:
            del self._entries[k]
            store.mark(k)
        racy = self.started - RACY_NS
        for k, e in self._entries.items():
            if e[1] is not None and max(e[1][1], e[1][2]) >= racy:
                e[1] = None  # changed just now: hash it again next time
                store.mark(k)
        blobs = self._blobs
        if blobs is not None:
            for k in [k for k in blobs.data if k not in self._entries]:
                del blobs.data[k]
                blobs.mark(k)
        if not store.needs_save and not (blobs is not None and blobs.changed):
            return
        store.data = self._entries
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            gitignore = self.path.parent / ".gitignore"  # type: ignore[union-attr]
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            if blobs is not None and blobs.changed:
                blobs.save()
            store.save()
        except OSError:  # a read-only checkout: run without a cache
            return
