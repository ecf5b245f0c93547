"""The JSON Schemas: well-formed, their examples valid, and the fast path agrees with jsonschema."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from toolkit.schemas import is_valid, load_schema, schema_dir, schema_problems, validator

from .conftest import item_data, ms_item_data

NAMES = sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json"))


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12_with_id_and_examples(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:qbank:schema:")
    assert schema.get("description")
    for example in schema.get("examples", []):
        assert not list(validator(name).iter_errors(example))


_json = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(allow_nan=False),
        st.text(max_size=12),
    ),
    lambda ch: st.one_of(
        st.lists(ch, max_size=3), st.dictionaries(st.text(max_size=6), ch, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [*load_schema("item")["properties"], "bogus"]


@st.composite
def mutated_items(draw):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(draw(st.sampled_from([item_data(), ms_item_data()])))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["set", "delete", "option", "review"]))
        if kind == "set":
            data[draw(st.sampled_from(FIELDS))] = draw(_json)
        elif kind == "delete":
            data.pop(draw(st.sampled_from(FIELDS)), None)
        elif kind == "option" and isinstance(data.get("options"), list) and data["options"]:
            opt = data["options"][0]
            if isinstance(opt, dict):
                opt[draw(st.sampled_from(["id", "text", "correct", "rationale", "x"]))] = draw(
                    _json
                )
        elif kind == "review":
            data["reviews"] = [
                {
                    "reviewer": draw(st.text(max_size=3)),
                    "date": draw(st.sampled_from(["2026-02-30", "2026-01-01", "x", "2026-1-1"])),
                    "decision": draw(st.sampled_from(["approved", "nope"])),
                }
            ]
    return data


@settings(max_examples=400, deadline=None)
@given(mutated_items())
def test_fast_path_agrees_with_jsonschema(data: dict) -> None:
    full_ok = not list(validator("item").iter_errors(data))
    if is_valid("item", data):
        assert full_ok, "fast path accepted data that jsonschema rejects"
    assert (schema_problems("item", data) == []) == full_ok
