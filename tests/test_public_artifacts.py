"""One test over every public or candidate-facing artifact: the site, the practice exports of
public items, and the candidate booklet of a form. No secure item's stem, option or rationale
reaches the site or a practice export, and no key or rationale of any item reaches the booklet.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from tests.conftest import REPO
from tests.site_helpers import make_site_bank, secure_texts
from toolkit.bank import load_bank
from toolkit.exchange.delivery import from_form, from_items
from toolkit.exchange.export import render
from toolkit.formfile import load_form
from toolkit.site import SiteInputs, build_site

PRACTICE_FORMATS = ("qti21", "qti30", "moodle", "gift", "canvas", "csv", "json", "booklet")


def _unpack(name: str, data: bytes) -> dict[str, str]:
    """Text of a file, or of every member of an archive."""
    if name.endswith(".zip") or data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {f"{name}!{m}": zf.read(m).decode("utf-8", "replace") for m in zf.namelist()}
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return {name: data.decode("utf-8", "replace")}


def test_no_secure_text_in_any_public_artifact(tmp_path: Path) -> None:
    data = make_site_bank(tmp_path)
    bank = load_bank(data["bank"])  # type: ignore[arg-type]
    secure = [i for i in bank.items if i.is_secure]
    public = [i for i in bank.items if not i.is_secure]
    assert secure and public

    artifacts: dict[str, str] = {}
    # 1. the public site
    site = build_site(
        SiteInputs(data["bank"], data["forms"], data["analysis"], REPO), tmp_path / "site"
    )  # type: ignore[arg-type]
    for p in site.out.rglob("*"):
        if p.is_file():
            artifacts.update(_unpack(str(p), p.read_bytes()))
    # 2. practice exports of the public items, in every format, rationales included
    practice = from_items(bank, ids=[i.id for i in public])
    for fmt in PRACTICE_FORMATS:
        opts = {"feedback": "all"} if fmt != "booklet" else {}
        for name, blob in render(practice, fmt, opts).items():
            artifacts.update(_unpack(f"practice-{fmt}/{name}", blob))

    leaks = [
        (where, item.id, what)
        for item in secure
        for what, text in secure_texts(item.id).items()
        for where, body in artifacts.items()
        if text in body
    ]
    assert leaks == []

    # 3. the candidate booklet of an operational form: secure stems and options are the exam
    # itself, but no key marker and no rationale of any item may appear
    form = from_form(load_form(Path(data["forms"]) / "F1.yaml"), bank)  # type: ignore[arg-type]
    booklet = render(form, "booklet", {})["booklet.html"].decode("utf-8")
    assert secure_texts(form.items[0].id)["stem"] in booklet  # it is the exam
    for item in form.items:
        for o in item.options:
            assert o.rationale not in booklet, (item.id, o.id)
        assert item.id not in booklet
    assert "(key)" not in booklet and 'class="key"' not in booklet
