"""Atomic writes and safe reading of user files."""

from __future__ import annotations

import contextlib
import os
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


def atomic_write_many(files: Mapping[Path, str]) -> None:
    """Replace several files as one change: every new content is staged first; the renames
    follow, and if one fails the files already replaced are restored. Either all files
    change or none does (short of a crash between two renames)."""
    staged: dict[Path, str] = {}
    try:
        for path, text in files.items():
            staged[path] = _stage(path, text.encode("utf-8"))
    except BaseException:
        for tmp in staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    originals = {p: p.read_bytes() if p.exists() else None for p in files}
    done: list[Path] = []
    try:
        for path, tmp in staged.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:
            old = originals[path]
            if old is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            else:
                atomic_write_bytes(path, old)
        for path, tmp in staged.items():
            if path not in done:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        raise
