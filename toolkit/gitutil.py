"""The one place that runs git (history of items, lint --changed-since, provenance)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import UsageError


class GitError(UsageError, RuntimeError):
    """git is missing, the folder is not in a repository, or git refused the command."""


def git(cwd: str | Path, *args: str, input: bytes | None = None) -> bytes:
    """Run ``git ARGS`` in ``cwd`` and return its standard output; raise :class:`GitError`."""
    try:
        res = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if res.returncode != 0:
        msg = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(msg[-1] if msg else f"git {' '.join(args)} failed")
    return res.stdout


def git_text(cwd: str | Path, *args: str) -> str | None:
    """Like :func:`git`, decoded; ``None`` instead of an error (for optional information)."""
    try:
        return git(cwd, *args).decode("utf-8", "replace")
    except GitError:
        return None
