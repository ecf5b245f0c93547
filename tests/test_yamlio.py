"""Hostile and broken YAML gets a clear problem with a position, never a traceback or a hang."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.yamlio import MAX_BYTES, YamlProblem, decode, dump, load_text, read_yaml


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: [1, 2\n", "P001", 2),  # the line where the list opens
        ("a: 1\na: 2\n", "P002", 2),
        ("", "P003", 1),
        ("# only a comment\n\n", "P003", 1),
        ("a: &x [1, 2]\nb: *x\n", "P007", 1),
        ("a: 1\n---\nb: 2\n", "P001", 1),
        ("a: !!python/object:os.system x\n", "P001", 1),
        ("key: [unclosed\n", "P001", 1),
    ],
)
def test_load_problems(text: str, code: str, line: int) -> None:
    with pytest.raises(YamlProblem) as exc:
        load_text(text)
    assert exc.value.code == code
    assert exc.value.line == line
    assert exc.value.message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(YamlProblem) as exc:
        load_text("\n".join(lines) + "\n")
    assert exc.value.code == "P007"


def test_decode_problems() -> None:
    with pytest.raises(YamlProblem) as exc:
        decode(b"a: 1\nb: \xff\xfe\n")
    assert (exc.value.code, exc.value.line, exc.value.column) == ("P005", 2, 4)
    with pytest.raises(YamlProblem) as exc:
        decode(b"\x00\x01\x02binary")
    assert exc.value.code == "P005" and "binary" in exc.value.message
    with pytest.raises(YamlProblem) as exc:
        decode(b"a" * (MAX_BYTES + 1))
    assert exc.value.code == "P006"
    assert decode("\ufeffa: 1\n".encode()) == "a: 1\n"


def test_dates_stay_text_and_positions() -> None:
    doc = read_yaml("x.yaml", b"id: X\nreviews:\n  - date: 2026-11-26\n    reviewer: r\n")
    assert doc.data["reviews"][0]["date"] == "2026-11-26"
    assert doc.position(("reviews", 0, "reviewer")) == (4, 15)
    assert doc.position(("reviews", 0, "reviewer"), key=True) == (4, 5)
    assert doc.position(("missing", "deeper")) == (1, 1)


def test_dump_is_deterministic_and_round_trips() -> None:
    data = {"id": "X", "stem": "Line one\n\nLine two\n", "list": [1, "a: b"], "e": "é"}
    text = dump(data)
    assert "stem: |" in text and "é" in text
    assert load_text(text) == data
    assert dump(load_text(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_data_or_problem(text: str) -> None:
    try:
        load_text(text)
    except YamlProblem as p:
        assert p.code.startswith("P") and p.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_gives_data_or_problem(data: bytes) -> None:
    try:
        read_yaml("f.yaml", data)
    except YamlProblem as p:
        assert p.code.startswith("P")


_scalars = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
_data = st.recursive(
    _scalars,
    lambda ch: st.one_of(
        st.lists(ch, max_size=4), st.dictionaries(st.text(max_size=8), ch, max_size=4)
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), _data, min_size=1, max_size=5))
def test_dump_load_round_trip(data: dict) -> None:
    assert load_text(dump(data)) == data


def test_atomic_write_many_rolls_back(tmp_path, monkeypatch) -> None:
    import os

    from toolkit.io import atomic_write_many

    files = {tmp_path / f"f{i}.txt": f"new {i}\n" for i in range(4)}
    for p in files:
        p.write_text("old\n")
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError):
        atomic_write_many(files)
    monkeypatch.setattr(os, "replace", real)
    assert [p.read_text() for p in files] == ["old\n"] * 4
    assert not list(tmp_path.glob(".*.tmp"))
    atomic_write_many(files)
    assert [p.read_text() for p in files] == [f"new {i}\n" for i in range(4)]
    umask = os.umask(0)
    os.umask(umask)
    new_file = tmp_path / "fresh.txt"
    atomic_write_many({new_file: "x\n"})
    assert new_file.stat().st_mode & 0o777 == 0o666 & ~umask
