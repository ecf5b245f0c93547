"""Exports: golden files per format (byte for byte), determinism, schema validity, security."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.exchange_helpers import GOLDEN, fixed_bank, fixed_form
from toolkit.errors import DataError, UsageError
from toolkit.exchange import EXPORTERS
from toolkit.exchange.delivery import Delivery, from_form, from_items
from toolkit.exchange.export import check, export, export_options, render, zip_bytes
from toolkit.exchange.qtischema import available
from toolkit.formfile import load_form

FORMATS = [u.name for u in EXPORTERS]
NEEDS_SCHEMAS = pytest.mark.skipif(not available()[0], reason=available()[1])
OPTIONS = {"booklet": {"pdf": False}}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Delivery:
    root = tmp_path_factory.mktemp("golden")
    bank = fixed_bank(root / "bank")
    form_path = root / "F1.yaml"
    form_path.write_text(fixed_form(bank).dumps(), encoding="utf-8")
    return from_form(load_form(form_path), bank, form_path)


@pytest.fixture(scope="module")
def plain_delivery(tmp_path_factory: pytest.TempPathFactory) -> Delivery:
    bank = fixed_bank(tmp_path_factory.mktemp("plain") / "bank", image=False)
    return from_form(fixed_form(bank), bank)


def _delivery_for(fmt: str, delivery: Delivery, plain: Delivery) -> Delivery:
    return plain if fmt == "gift" else delivery  # GIFT cannot carry images


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_files(fmt: str, delivery: Delivery, plain_delivery: Delivery) -> None:
    """Each format's files equal the golden files byte for byte (regenerate with
    QBANK_UPDATE_GOLDEN=1 and review the diff)."""
    files = render(_delivery_for(fmt, delivery, plain_delivery), fmt, OPTIONS.get(fmt))
    folder = GOLDEN / fmt
    if os.environ.get("QBANK_UPDATE_GOLDEN"):
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert on_disk == sorted(files)
    for name, data in files.items():
        assert (folder / name).read_bytes() == data, f"{fmt}: {name} differs from the golden file"


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_deterministic(fmt: str, delivery: Delivery, plain_delivery: Delivery) -> None:
    d = _delivery_for(fmt, delivery, plain_delivery)
    first, second = render(d, fmt, OPTIONS.get(fmt)), render(d, fmt, OPTIONS.get(fmt))
    assert first == second
    assert zip_bytes(first) == zip_bytes(second)


@NEEDS_SCHEMAS
@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
@pytest.mark.parametrize("opts", [{}, {"partial_credit": True, "feedback": "all"}])
def test_qti_of_the_fixed_bank_is_schema_valid(fmt: str, opts: dict, delivery: Delivery) -> None:
    files = render(delivery, fmt, opts)
    diags, checked = check(fmt, files)
    assert diags == []
    assert sorted(checked) == sorted(n for n in files if n.endswith(".xml"))


@NEEDS_SCHEMAS
@pytest.mark.parametrize("fmt", ["qti21", "qti30"])
def test_the_validator_rejects_broken_qti(fmt: str, delivery: Delivery) -> None:
    files = render(delivery, fmt)
    name = "items/PMLE-0002.xml"
    attr = b'maxChoices="2"' if fmt == "qti21" else b'max-choices="2"'
    broken = dict(files, **{name: files[name].replace(attr, attr.replace(b"2", b"two"))})
    diags, _ = check(fmt, broken)
    assert diags and diags[0].path == name and diags[0].line > 0
    manifest = dict(files, imsmanifest=b"")
    manifest["imsmanifest.xml"] = files["imsmanifest.xml"].replace(b"<organizations/>", b"")
    diags, _ = check(fmt, manifest)
    assert any(d.path == "imsmanifest.xml" for d in diags)


def test_multiple_select_is_multiple_cardinality_with_max_choices(delivery: Delivery) -> None:
    item = render(delivery, "qti21", {"partial_credit": True})["items/PMLE-0002.xml"].decode()
    assert 'cardinality="multiple"' in item and 'maxChoices="2"' in item
    assert "rptemplates/map_response" in item and 'mappedValue="0.5"' in item
    single = render(delivery, "qti21")["items/PMLE-0001.xml"].decode()
    assert 'cardinality="single"' in single and "rptemplates/match_correct" in single


def test_secure_rationales_stay_out_of_delivery_packages_by_default(delivery: Delivery) -> None:
    for fmt in ("qti21", "qti30", "moodle", "canvas", "csv", "json"):
        blob = b"".join(render(delivery, fmt).values())
        assert b"Quantization cuts compute" not in blob, fmt  # secure item PMLE-0001
        assert b"Option A is explained" in blob, fmt  # public item PMLE-0003
        blob = b"".join(render(delivery, fmt, {"feedback": "all"}).values())
        assert b"Quantization cuts compute" in blob, fmt


def test_moodle_grades_come_from_the_accepted_list(delivery: Delivery) -> None:
    xml = render(delivery, "moodle")["F1.xml"].decode()
    assert '<answer fraction="50" format="html">' in xml
    assert '<answer fraction="-50" format="html">' in xml
    assert "<single>false</single>" in xml and "<single>true</single>" in xml
    assert "$course$/top/PMLE F1/Domain 1" in xml
    aon = render(delivery, "moodle", {"partial_credit": False})["F1.xml"].decode()
    assert 'type="multichoiceset"' in aon


def test_gift_escapes_special_characters(plain_delivery: Delivery) -> None:
    from toolkit.exchange.gift import escape

    assert escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    text = render(plain_delivery, "gift")["F1.gift.txt"].decode()
    assert "\\~ \\= \\# \\{ \\} \\: \\\\ stay" in text
    assert "~&\\#37; of traffic" in text  # a leading % would be read as a grade
    assert "\n\n" not in text.split("::PMLE-0001::")[1].split("}")[0]


def test_gift_refuses_items_with_images(delivery: Delivery) -> None:
    with pytest.raises(UsageError, match="PMLE-0001"):
        render(delivery, "gift")


def test_assets_are_packaged(delivery: Delivery) -> None:
    files = render(delivery, "qti21")
    (asset,) = [n for n in files if n.startswith("assets/")]
    assert f'src="../{asset}"' in files["items/PMLE-0001.xml"].decode()
    assert f'<file href="{asset}"/>' in files["imsmanifest.xml"].decode()


def test_an_image_outside_the_bank_is_refused(tmp_path: Path) -> None:
    from tests.conftest import TmpBank, item_data
    from toolkit.bank import load_bank

    tb = TmpBank(tmp_path / "bank")
    tb.write(item_data(stem="See ![x](../../../../secret.png)\n\nWhich one?\n"))
    (tmp_path / "secret.png").write_bytes(b"x")
    with pytest.raises(DataError) as info:
        from_items(load_bank(tmp_path / "bank"), ids=["PMLE-0001"])
    assert "outside the bank" in info.value.diagnostics[0].message
    assert info.value.diagnostics[0].line > 0


def test_form_pinned_to_other_content_is_an_error(delivery: Delivery, tmp_path: Path) -> None:
    from toolkit.bank import load_bank

    bank = fixed_bank(tmp_path / "bank")
    form = fixed_form(bank).dumps().replace("version: 1", "version: 2", 1)
    path = tmp_path / "F1.yaml"
    path.write_text(form, encoding="utf-8")
    with pytest.raises(DataError, match="does not match the bank"):
        from_form(load_form(path), load_bank(tmp_path / "bank"), path)


def test_written_zip_is_deterministic(delivery: Delivery, tmp_path: Path) -> None:
    a = export(delivery, "qti30", tmp_path / "a.zip").out.read_bytes()
    b = export(delivery, "qti30", tmp_path / "b.zip").out.read_bytes()
    assert a == b
    names = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert names[0] == "imsmanifest.xml"


def test_options_are_checked(tmp_path: Path) -> None:
    assert export_options("qti21", {"partial_credit": "yes"})["partial_credit"] is True
    with pytest.raises(UsageError, match="no option"):
        export_options("qti21", {"nope": "1"})
    with pytest.raises(UsageError, match="true or false"):
        export_options("qti21", {"partial_credit": "maybe"})
    cfg = tmp_path / "qbank.toml"
    cfg.write_text("[export.moodle]\nnegative_marking = false\n", encoding="utf-8")
    assert export_options("moodle", config_path=cfg)["negative_marking"] is False
    cfg.write_text("[export.moodle]\nnegative = false\n", encoding="utf-8")
    with pytest.raises(UsageError, match="negative"):
        export_options("moodle", config_path=cfg)


def test_every_exporter_is_documented() -> None:
    for unit in EXPORTERS:
        assert unit.code == unit.name and unit.scope in ("zip", "dir", "file")
        assert len(unit.doc) > 100, unit.name
