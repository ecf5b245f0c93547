"""The candidate booklet carries no key, no rationale and no item id; the answer key says it is
confidential."""

from __future__ import annotations

import re
from pathlib import Path

from tests.exchange_helpers import fixed_bank, fixed_form
from toolkit.exchange.booklet import render_answer_key, render_booklet
from toolkit.exchange.delivery import from_form


def test_candidate_booklet_has_no_key_rationale_or_item_id(tmp_path: Path) -> None:
    bank = fixed_bank(tmp_path / "bank")
    d = from_form(fixed_form(bank), bank)
    html = render_booklet(d)
    for item in d.items:
        assert item.id not in html
        assert item.content_hash not in html
        for o in item.options:
            assert o.rationale not in html
    body = html.split("<body>", 1)[1]
    assert "(key)" not in body and 'class="correct"' not in body and 'class="key"' not in body
    assert "rationale" not in body.lower() and "key" not in body.lower()
    numbers = re.findall(r'<div class="number">(\d+)\.</div>', html)
    assert numbers == ["1", "2", "3", "4"]
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "break-inside: avoid" in html and "break-before: page" in html


def test_answer_key_is_marked_confidential_and_complete(tmp_path: Path) -> None:
    bank = fixed_bank(tmp_path / "bank")
    d = from_form(fixed_form(bank), bank)
    html = render_answer_key(d)
    assert html.count("CONFIDENTIAL") >= 2
    assert '<td class="key">A, C</td>' in html  # the multiple_select item, first on the form
    for item in d.items:
        assert item.id in html
        for o in item.options:
            assert o.rationale.split("<")[0].split("*")[0][:20] in html


def test_pdfs_where_weasyprint_is_installed(tmp_path: Path) -> None:
    from toolkit.exchange.booklet import pdf_engine
    from toolkit.exchange.export import render

    bank = fixed_bank(tmp_path / "bank")
    files = render(from_form(fixed_form(bank), bank), "booklet", {"pdf": True})
    if pdf_engine() is None:
        assert not any(n.endswith(".pdf") for n in files)
    else:
        assert files["booklet.pdf"].startswith(b"%PDF") and files["answer-key.pdf"].startswith(
            b"%PDF"
        )
