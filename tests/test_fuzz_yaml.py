"""Property-based tests (hypothesis) of the YAML loader on item files: any item text
round-trips through a written item file; damaged files give a positioned problem inside the
file, never an exception; alias bombs of any shape are refused."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.bank import load_bank
from toolkit.errors import QbankError
from toolkit.yamlio import YamlProblem, dump, load_text

from .conftest import TmpBank, item_data

# Text an author may write: any printable unicode, markup, quotes, YAML indicators, blank
# lines, trailing spaces; no control characters other than newline and tab (the schema and
# YAML refuse those, and the loader reports them).
_text = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Co", "Cn"),
        whitelist_characters="\n\t",
    ),
    min_size=1,
    max_size=200,
).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stem=_text, option=_text, rationale=_text)
def test_any_item_text_round_trips_through_an_item_file(
    tmp_path_factory, stem: str, option: str, rationale: str
) -> None:
    data = item_data("PMLE-0001")
    data["stem"] = stem
    data["options"][0]["text"] = option
    data["options"][2]["rationale"] = rationale
    text = dump(data)
    assert load_text(text) == data
    bank = TmpBank(tmp_path_factory.mktemp("rt") / "bank")
    bank.write(data)
    try:
        item = load_bank(bank.root).by_id["PMLE-0001"]
    except QbankError:  # the schema may refuse a text (too short, say): refused, not broken
        return
    assert item.stem == stem
    assert item.options[0].text == option and item.options[2].rationale == rationale


_valid = dump(item_data("PMLE-0001"))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(_valid)),
    st.integers(0, 5),
    st.text(alphabet=string.printable + "\u00e9\u2028&*!|>'\"%@`", max_size=6),
)
def test_damaged_item_files_give_a_position_inside_the_file(at: int, cut: int, insert: str) -> None:
    text = _valid[:at] + insert + _valid[at + cut :]
    try:
        load_text(text)
    except YamlProblem as p:
        assert p.code.startswith("P") and p.message
        assert 1 <= p.line <= text.count("\n") + 2, (p.line, p.code)
        assert p.column >= 0


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9), st.integers(2, 12))
def test_alias_bombs_of_any_shape_are_refused(depth: int, width: int) -> None:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for d in range(1, depth + 1):
        lines.append(f"a{d}: &a{d} [" + ", ".join([f"*a{d - 1}"] * width) + "]")
    try:
        load_text("\n".join(lines) + "\n")
    except YamlProblem as p:
        assert p.code == "P007"
    else:
        raise AssertionError("an alias was accepted")
