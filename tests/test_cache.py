"""The per-file cache of validate and lint never hides a problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import cache as cache_mod
from toolkit.bank import load_workspace
from toolkit.lint import LintConfig, lint_bank
from toolkit.validate import validate_bank

from .conftest import TmpBank, item_data, populated_bank


def _codes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.code for d in report.diagnostics)


@pytest.fixture
def bank(tmp_bank: TmpBank) -> TmpBank:
    populated_bank(tmp_bank, per_domain=3)
    return tmp_bank


def _cache_file(bank: TmpBank, name: str = "validate") -> Path:
    return bank.root / cache_mod.DIRNAME / f"{name}.bin"


def _entries(bank: TmpBank) -> dict:  # type: ignore[type-arg]
    return cache_mod.FileCache(bank.root, "validate", _salt(_cache_file(bank))).entries


def _salt(path: Path) -> str:
    return cache_mod.decode_file(path.read_bytes())["salt"]  # type: ignore[no-any-return]


def test_warm_run_equals_cold_run_and_uses_the_cache(bank: TmpBank) -> None:
    bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))  # V101
    cold = validate_bank(bank.root, use_cache=True)
    assert _cache_file(bank).is_file()
    warm = validate_bank(bank.root, use_cache=True)
    assert warm.diagnostics == cold.diagnostics and "V101" in _codes(warm)
    assert warm.bank == cold.bank
    uncached = validate_bank(bank.root)
    assert uncached.diagnostics == warm.diagnostics


def test_a_changed_file_is_checked_again(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    data = item_data("PMLE-0001", goal="1.1.1")
    data["options"][0]["correct"] = True  # two keys now
    bank.write(data)
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))


def test_bank_checks_are_recomputed_from_cached_items(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    # a second file with an existing id: both files are unchanged on their own
    dup = item_data("PMLE-0001")
    bank.write(dup, bank.folder("1.1.1") / "PMLE-0001-copy.yaml")
    codes = _codes(validate_bank(bank.root, use_cache=True))
    assert "V201" in codes  # duplicate id found although PMLE-0001.yaml itself was cached


def test_blueprint_change_invalidates(bank: TmpBank) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    bp = bank.root / "blueprint.yaml"
    text = bp.read_text()
    # remove goal 1.1.1's text change -> different blueprint bytes: every entry is recomputed
    bp.write_text(text + "\n# a comment changes the bytes\n")
    before = _salt(_cache_file(bank))
    validate_bank(bank.root, use_cache=True)
    assert _salt(_cache_file(bank)) != before


def test_schema_or_code_or_version_change_invalidates(bank: TmpBank, monkeypatch) -> None:
    assert validate_bank(bank.root, use_cache=True).ok
    before = _salt(_cache_file(bank))
    monkeypatch.setattr(cache_mod, "_FINGERPRINT", "another schema or source")
    validate_bank(bank.root, use_cache=True)
    after_code = _salt(_cache_file(bank))
    assert after_code != before
    import toolkit

    monkeypatch.setattr(toolkit, "__version__", "999.0")
    validate_bank(bank.root, use_cache=True)
    assert _salt(_cache_file(bank)) != after_code


def test_a_corrupt_cache_is_rebuilt_not_trusted(bank: TmpBank) -> None:
    bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))
    validate_bank(bank.root, use_cache=True)
    path = _cache_file(bank)
    raw = cache_mod.decode_file(path.read_bytes())
    for entry in raw["entries"].values():  # a forged cache that says every file is clean
        entry[2]["diags"] = []
    forged = cache_mod.encode_file(raw)
    path.write_bytes(forged[:-40])  # ... and truncated: the checksum no longer matches
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))
    assert cache_mod.decode_file(path.read_bytes())["format"] == cache_mod.FORMAT
    flipped = bytearray(forged)
    flipped[-10] ^= 0xFF  # one damaged byte
    path.write_bytes(bytes(flipped))
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))
    path.write_bytes(cache_mod.encode_file({"format": 0, "salt": "x", "entries": {}}))
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))
    path.write_bytes(b"not a cache at all")
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))


def test_a_cache_file_cannot_make_qbank_run_code(bank: TmpBank, tmp_path: Path) -> None:
    """The body is a pickle, but the loader refuses every class or function reference: a
    planted file with a valid checksum is ignored, and its payload never runs."""
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (marker.write_text, ("pwned",))

    body = pickle.dumps({"format": cache_mod.FORMAT, "salt": "x", "entries": Payload()})
    planted = cache_mod.MAGIC + cache_mod._sign(body) + b"\n" + body  # even correctly signed
    assert cache_mod.decode_file(planted) is None
    _cache_file(bank).parent.mkdir(parents=True, exist_ok=True)
    _cache_file(bank).write_bytes(planted)
    assert validate_bank(bank.root, use_cache=True).ok
    assert not marker.exists()


def test_same_size_edit_with_restored_mtime_is_still_seen(bank: TmpBank, monkeypatch) -> None:
    """The stat shortcut compares the status-change time too, which `touch -r`, `cp -p` and
    editors that restore the modification time cannot set back."""
    import os

    monkeypatch.setattr(cache_mod, "RACY_NS", -(10**12))  # trust stat signatures at once
    assert validate_bank(bank.root, use_cache=True).ok
    entries = _entries(bank)
    assert all(e[1] is not None for e in entries.values())  # the shortcut is armed
    path = next((bank.root / "items").rglob("PMLE-0001.yaml"))
    st = path.stat()
    text = path.read_text()
    bad = text.replace("correct: false", "correct: true ", 1)  # same length, two keys now
    assert len(bad) == len(text) and bad != text
    path.write_text(bad)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))


def test_recently_changed_files_are_hashed_again(bank: TmpBank, monkeypatch) -> None:
    """A file changed just before the cache was written is stored without its stat signature
    (git's racily-clean rule), so a second change within the same clock tick is not missed."""
    validate_bank(bank.root, use_cache=True)
    entries = _entries(bank)
    assert entries and all(e[1] is None for e in entries.values())  # all written just now
    monkeypatch.setattr(cache_mod, "RACY_NS", -(10**12))  # pretend the files are old
    validate_bank(bank.root, use_cache=True, workers=1)
    cache = cache_mod.FileCache(bank.root, "validate", _salt(_cache_file(bank)))
    entries = cache.entries
    assert all(e[1] is not None for e in entries.values())
    key, entry = next(iter(entries.items()))
    assert cache.lookup(key, tuple(entry[1])) is not None


def test_validate_without_bank_matches_full_validation(bank: TmpBank) -> None:
    bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))
    bank.write(item_data("PMLE-0902", enemies=["PMLE-9999"]))
    full = validate_bank(bank.root, use_cache=True)
    light = validate_bank(bank.root, use_cache=True, build_bank=False)
    assert light.workspace is None
    assert light.diagnostics == full.diagnostics
    assert {"V101", "V202"} <= set(_codes(light))
    again = validate_bank(bank.root, use_cache=True)  # items come back from the cache
    assert again.bank == full.bank and again.diagnostics == full.diagnostics


def test_lint_cache_follows_config_and_content(bank: TmpBank) -> None:
    data = item_data("PMLE-0001", goal="1.1.1")
    data["options"][3]["text"] = "None of the above"
    bank.write(data)
    ws = load_workspace(bank.root)
    first = lint_bank(ws, use_cache=True)
    assert "IW001" in {d.code for d in first.diagnostics}
    assert lint_bank(ws, use_cache=True).diagnostics == first.diagnostics
    off = lint_bank(ws, LintConfig(ignore=("IW001",)), use_cache=True)
    assert "IW001" not in {d.code for d in off.diagnostics}
    warn = lint_bank(ws, LintConfig(rules={"IW001": {"severity": "warning"}}), use_cache=True)
    assert {d.severity.value for d in warn.diagnostics if d.code == "IW001"} == {"warning"}
    data["options"][3]["text"] = "Use a Dataflow template"
    bank.write(data)
    fixed = lint_bank(load_workspace(bank.root), use_cache=True)
    assert "IW001" not in {d.code for d in fixed.diagnostics}


def test_no_cache_flag_writes_nothing(bank: TmpBank) -> None:
    from click.testing import CliRunner

    from toolkit.cli import cli

    res = CliRunner().invoke(cli, ["validate", "--bank", str(bank.root), "--no-cache"])
    assert res.exit_code == 0
    assert not (bank.root / cache_mod.DIRNAME).exists()
    res = CliRunner().invoke(cli, ["lint", "--bank", str(bank.root)])
    assert (bank.root / cache_mod.DIRNAME / "lint.bin").is_file()


def test_few_changes_go_to_a_delta_that_is_folded_later(bank: TmpBank, monkeypatch) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", -(10**12))
    validate_bank(bank.root, use_cache=True)
    main = _cache_file(bank)
    delta = main.with_name("validate-delta.bin")
    main_bytes = main.read_bytes()
    data = item_data("PMLE-0001", goal="1.1.1")
    data["options"][0]["correct"] = True  # two keys now
    bank.write(data)
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))
    assert main.read_bytes() == main_bytes and delta.is_file()  # only the delta was written
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))  # main + delta
    # a delta that belongs to another main file is ignored, never applied
    forged = cache_mod.decode_file(delta.read_bytes())
    forged["base"] = "another generation"
    for e in forged["entries"].values():
        if e is not None:
            e[2]["diags"] = []
    delta.write_bytes(cache_mod.encode_file(forged))
    assert "V102" in _codes(validate_bank(bank.root, use_cache=True))
    monkeypatch.setattr(cache_mod._Store, "save", _fold_always)
    validate_bank(bank.root, use_cache=True, workers=1)
    bank.write(item_data("PMLE-0001", goal="1.1.1"))
    assert validate_bank(bank.root, use_cache=True).ok
    assert not delta.exists()


_original_save = cache_mod._Store.save


def _fold_always(self) -> None:  # type: ignore[no-untyped-def]
    self.valid = False  # as if the delta had grown too large: write a new main file
    _original_save(self)


def test_bank_rules_follow_cached_features(bank: TmpBank) -> None:
    """IW011 works from per-item shingles kept in the lint cache: a copied stem is found on a
    warm run, and fixing one file clears it, although every other file comes from the cache."""
    first = item_data("PMLE-0901", goal="1.1.1")
    first["stem"] = (
        "A bank streams card payments through Pub/Sub into BigQuery and retrains a fraud model"
        " every night with BigQuery ML; analysts complain that yesterday's features are stale.\n\n"
        "Which change should the team make first?\n"
    )
    bank.write(first)
    lint_bank(load_workspace(bank.root), use_cache=True)  # fills the cache
    copy = dict(first, id="PMLE-0902")
    bank.write(copy)
    warm = lint_bank(validate_bank(bank.root, use_cache=True).workspace, use_cache=True)
    assert _copies(warm) == {"PMLE-0901", "PMLE-0902"}
    assert warm.diagnostics == lint_bank(load_workspace(bank.root)).diagnostics  # no cache
    copy["stem"] = "A retailer forecasts demand for 40,000 products.\n\nWhich model type fits?\n"
    bank.write(copy)
    fixed = lint_bank(validate_bank(bank.root, use_cache=True).workspace, use_cache=True)
    assert _copies(fixed) == set()


def _copies(report) -> set[str]:  # type: ignore[no-untyped-def]
    """Items of the IW011 findings between PMLE-0901 and PMLE-0902."""
    return {
        d.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        for d in report.diagnostics
        if d.code == "IW011" and ("PMLE-0901" in d.message or "PMLE-0902" in d.message)
    }


def test_items_from_the_cache_load_their_text_on_demand(bank: TmpBank) -> None:
    """Unchanged items come back as LazyItem: small fields at once, text (stem, options,
    references, reviews, stats) on first use; they equal, hash, replace and pickle like the
    items parsed from the files."""
    import dataclasses
    import pickle

    from toolkit.bank.model import Item, LazyItem

    data = item_data("PMLE-0901", goal="1.1.1")
    data["stats"] = {"calibration": "c1", "item_version": 1, "model": "2pl", "a": 1.2, "b": 0.3}
    bank.write(data)
    cold = {i.id: i for i in validate_bank(bank.root, use_cache=True).bank.items}
    warm = {i.id: i for i in validate_bank(bank.root, use_cache=True).bank.items}
    lazy = warm["PMLE-0901"]
    assert isinstance(lazy, LazyItem) and "_loader" in lazy.__dict__
    assert lazy.status == "approved" and "_loader" in lazy.__dict__  # small field: no load
    assert lazy.stats is not None and lazy.stats.a == 1.2  # stats has a class default: still loaded
    assert "_loader" not in lazy.__dict__
    for item_id, item in cold.items():
        assert warm[item_id] == item and item == warm[item_id]
        assert hash(warm[item_id]) == hash(item)
        assert warm[item_id].references == item.references
        assert warm[item_id].reviews == item.reviews
    again = validate_bank(bank.root, use_cache=True).bank.by_id["PMLE-0901"]
    plain = pickle.loads(pickle.dumps(again))
    assert type(plain) is Item and plain == cold["PMLE-0901"]
    changed = dataclasses.replace(
        validate_bank(bank.root, use_cache=True).bank.by_id["PMLE-0901"], status="review"
    )
    assert changed.status == "review" and changed.stem == cold["PMLE-0901"].stem


def test_a_cache_file_from_elsewhere_is_not_trusted(bank: TmpBank, monkeypatch) -> None:
    """Cache files are signed with a key of this user kept outside the checkout: a cache that
    says a broken file is clean, committed to a pull request by someone else, is rebuilt."""
    bad = bank.write(item_data("PMLE-0901", options=item_data()["options"][:3]))  # V101
    validate_bank(bank.root, use_cache=True)
    path = _cache_file(bank)
    raw = cache_mod.decode_file(path.read_bytes())
    for entry in raw["entries"].values():
        entry[2]["diags"] = []
    monkeypatch.setattr(cache_mod, "_KEY", b"k" * 32)  # the forger's own key
    forged = cache_mod.encode_file(raw)
    monkeypatch.undo()
    path.write_bytes(forged)
    assert cache_mod.decode_file(forged) is None
    assert "V101" in _codes(validate_bank(bank.root, use_cache=True))
    assert bad.exists()


def test_duplicate_ids_are_linted_file_by_file(bank: TmpBank) -> None:
    """Two files with one id (V201): each is linted on its own content, with or without cache."""
    clean = item_data("PMLE-0001", goal="1.1.1")
    bank.write(clean, bank.folder("1.1.1") / "PMLE-0001-copy.yaml")
    broken = item_data("PMLE-0001", goal="1.1.1")
    broken["options"][3]["text"] = "None of the above"
    bank.write(broken)

    def iw001(use_cache: bool) -> list[str]:
        ws = validate_bank(bank.root, use_cache=use_cache).workspace
        report = lint_bank(ws, use_cache=use_cache)
        return sorted(d.path.rsplit("/", 1)[-1] for d in report.diagnostics if d.code == "IW001")

    assert iw001(False) == ["PMLE-0001.yaml"]
    assert iw001(True) == ["PMLE-0001.yaml"]  # cold cache
    assert iw001(True) == ["PMLE-0001.yaml"]  # warm cache


def test_lazy_text_is_checked_against_the_validated_hash(bank: TmpBank) -> None:
    """When the cached copy of an item is gone, its text is read from the file only if the file
    still has the hash it was validated with; a lost copy file is rebuilt, not re-read forever."""
    from toolkit.errors import DataError

    path = bank.write(item_data("PMLE-0901", goal="1.1.1"))
    validate_bank(bank.root, use_cache=True)
    blobs = bank.root / cache_mod.DIRNAME / "validate-items.bin"
    blobs.unlink()
    rebuilt = validate_bank(bank.root, use_cache=True).bank.by_id["PMLE-0901"]
    assert blobs.is_file() and rebuilt.stem  # parsed again and stored again
    lazy = validate_bank(bank.root, use_cache=True).bank.by_id["PMLE-0901"]
    blobs.unlink()
    path.write_text(path.read_text().replace("retailer", "wholesaler"))
    with pytest.raises(DataError, match="changed while qbank was reading"):
        _ = lazy.stem
    with pytest.raises(DataError):  # the same error again, not a KeyError
        _ = lazy.options


def test_the_library_leaves_the_garbage_collector_as_it_was(bank: TmpBank) -> None:
    import gc

    before = gc.get_freeze_count()
    validate_bank(bank.root, use_cache=True)
    lint_bank(validate_bank(bank.root, use_cache=True).workspace, use_cache=True)
    assert gc.get_freeze_count() == before and gc.isenabled()
