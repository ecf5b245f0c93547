"""Benchmark: `qbank site build` for the shipped bank and for a generated 10,000-item bank
(every tenth item public, so that practice items are rendered in full).

The peer is mkdocs-material building the repository's hand-written docs alone (same theme, same
machine, same run): the ratio site / peer is the cost of the generated bank pages. Goals: the
shipped bank under 30 s, the 10,000-item bank under 5 minutes. Usage:

    python bench/bench_site.py [n_items]
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_bank import generate
from toolkit.bank import load_bank
from toolkit.site import SiteInputs, build_site

REPO = Path(__file__).resolve().parent.parent


def peer_docs_only(out: Path) -> float:
    """mkdocs-material on docs/ alone (not strict: the generated pages it links to are absent)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    start = time.perf_counter()
    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out), strict=False))
    return time.perf_counter() - start


def site(bank: Path, out: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    result = build_site(SiteInputs(bank, None, None, REPO), out)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return seconds, result.pages, size


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        peer = peer_docs_only(t / "peer")
        print(f"peer: mkdocs-material, hand-written docs only: {peer:.1f} s")

        seconds, pages, size = site(REPO / "bank", t / "shipped")
        items = len(load_bank(REPO / "bank").items)
        print(
            f"shipped bank ({items} items): {seconds:.1f} s, {pages} pages, {size / 1e6:.1f} MB"
            f" (goal < 30 s; {seconds / peer:.1f}x the peer)"
        )

        big = generate(t / "big", n)
        for k, path in enumerate(sorted((big / "items").rglob("*.yaml"))):
            if k % 10 == 0:
                path.write_text(
                    path.read_text().replace("exposure: secure", "exposure: public"),
                    encoding="utf-8",
                )
        seconds, pages, size = site(big, t / "big-site")  # cold: no per-file cache yet
        print(
            f"generated bank ({n} items, {n // 10} public): {seconds:.1f} s, {pages} pages,"
            f" {size / 1e6:.1f} MB (goal < 300 s; {seconds / peer:.1f}x the peer)"
        )
        shutil.rmtree(t / "big-site", ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
