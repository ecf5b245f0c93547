"""Atomic writes and safe reading of user files."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(target: Path, data: bytes) -> str:
    """Write ``data`` to a temp file beside ``target`` with the mode the file would get."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder, then rename).

    A crash or error leaves either the old file or the new one, never a partial file.
    Line endings are always ``\\n`` so output is byte-identical across platforms.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    target = Path(path)
    tmp = _stage(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


JOURNAL_PREFIX = ".qbank-journal-"


def _journal_dir(paths: list[Path]) -> Path:
    return Path(os.path.commonpath([str(p.resolve().parent) for p in paths]))


def _roll_back(journal: Path) -> list[Path]:
    """Undo the write that ``journal`` describes; returns the files restored or removed."""
    import json

    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # not ours or unreadable: leave it for a person to look at
    done: list[Path] = []
    for target, backup, tmp in entries:
        t = Path(target)
        if backup is not None and os.path.exists(backup):
            if t.exists() and os.path.samefile(backup, t):
                os.unlink(backup)  # never replaced (rename of a hard link onto itself is a no-op)
            else:
                os.replace(backup, t)
            done.append(t)
        elif backup is None and t.exists():
            t.unlink()
            done.append(t)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    journal.unlink()
    return done


def recover_interrupted(folder: str | os.PathLike[str]) -> list[Path]:
    """Undo every multi-file write under ``folder`` that was interrupted (its journal is
    left): each file it had replaced gets its previous content back, each file it had created
    is removed. Returns the files restored or removed. One writer at a time per folder."""
    done: list[Path] = []
    for journal in sorted(Path(folder).glob(f"{JOURNAL_PREFIX}*.json")):
        done += _roll_back(journal)
    return done


def _backup(path: Path) -> str | None:
    """A hidden hard link to the current content of ``path`` (a copy where links are not
    supported); None when ``path`` does not exist."""
    if not path.exists():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak", dir=path.parent)
    os.close(fd)
    os.unlink(name)
    try:
        os.link(path, name)
    except OSError:
        with open(name, "wb") as fh:
            fh.write(path.read_bytes())
            fh.flush()
            os.fsync(fh.fileno())
    return name


def atomic_write_many(files: Mapping[Path, str]) -> None:
    """Replace several files as one change: either all files change or none does, also when
    the process is killed.

    Every new content is first staged in a temporary file beside its target (written and
    synced); then a hard link keeps each previous file, and a journal in the folder that holds
    all the targets lists them; the renames follow. An error restores the previous files at
    once; after a crash, the next multi-file write in that folder (or
    :func:`recover_interrupted`) restores them from the journal.
    """
    import json

    paths = [Path(p) for p in files]
    if not paths:
        return
    where = _journal_dir(paths)
    recover_interrupted(where)
    staged: dict[Path, str] = {}
    try:
        for path, text in files.items():
            staged[Path(path)] = _stage(Path(path), text.encode("utf-8"))
    except BaseException:
        for tmp in staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    backups = {p: _backup(p) for p in staged}
    journal = where / f"{JOURNAL_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.json"
    entries = [[str(p.resolve()), backups[p], staged[p]] for p in staged]
    atomic_write_text(journal, json.dumps({"files": entries}))
    try:
        for path, tmp in staged.items():
            os.replace(tmp, path)
    except BaseException:
        _roll_back(journal)
        raise
    os.unlink(journal)
    for b in backups.values():
        if b is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(b)
