"""Run a command in a subprocess and measure its wall time and peak memory.

Two memory figures: the peak resident set of the process itself (exact, from
``os.wait4``'s resource usage) and the peak of the sum of the proportional set sizes (PSS) of
the process and all its descendants (worker processes), sampled from ``/proc`` every 0.1 s
(Linux; elsewhere the sampled figure is left out).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float  # the process itself
    tree_peak_mb: float | None  # the process and its descendants, sampled
    returncode: int
    stderr: str


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_kb(pid: int) -> int:
    """Proportional set size (shared pages split among the processes that map them, so a
    sum over processes does not count the shared libraries once per worker); RSS where PSS
    is not available."""
    for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name, encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree_rss_kb(root: int) -> int:
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(kids.get(pid, []))
    return total


def run(args: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> Measured:
    """Run ``args``; stdout is discarded, stderr kept for the caller to show on failure."""
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]
    sampling = os.path.isdir("/proc")
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    if sampling:
        sampler.start()
    stderr = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    done.set()
    if sampling:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        seconds,
        usage.ru_maxrss / 1024,
        peak[0] / 1024 if sampling else None,
        proc.returncode,
        stderr,
    )


def python(code: str, *argv: str, tree: Path = REPO) -> list[str]:
    """A command that runs ``code`` with ``tree`` (a checkout of qbank) first on sys.path."""
    prelude = f"import sys; sys.path.insert(0, {str(tree)!r}); sys.argv[1:] = {list(argv)!r}\n"
    return [sys.executable, "-c", prelude + code]


def qbank(*argv: str, tree: Path = REPO) -> list[str]:
    """The ``qbank`` command line of the checkout ``tree``."""
    return python("from toolkit.cli import main\nsys.exit(main(sys.argv[1:]))", *argv, tree=tree)


def machine() -> dict[str, str]:
    """Cores, memory, Python, NumPy and its BLAS: the first lines of every benchmark table."""
    import platform

    import numpy as np

    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(fh.readline().split()[1])
        mem = f"{kb / 1024**2:.1f} GB"
    except (OSError, ValueError, IndexError):
        mem = "unknown"
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        info = (cfg or {}).get("Build Dependencies", {}).get("blas", {})
        blas = f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except (TypeError, AttributeError):
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": str(cores),
        "memory": mem,
        "python": platform.python_version(),
        "numpy": f"{np.__version__} (BLAS: {blas})",
        "os": f"{platform.system()} {platform.release()}",
    }
