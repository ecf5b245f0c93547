"""The blueprint is derived from the outline word for word."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit.outline import OutlineError, blueprint_from_outline, parse_outline
from toolkit.validate import load_blueprint

from .conftest import REPO, SHIPPED_BANK

OUTLINE = SHIPPED_BANK / "source" / "pmle-exam-outline.txt"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load((SHIPPED_BANK / "blueprint.yaml").read_text(encoding="utf-8"))


def test_blueprint_equals_outline(shipped: dict) -> None:
    derived = blueprint_from_outline(
        OUTLINE.read_text(encoding="utf-8"),
        code=shipped["exam"]["code"],
        vendor=shipped["exam"]["vendor"],
        form_length=shipped["exam"]["form_length"],
    )
    assert shipped == derived


def test_every_goal_is_verbatim_in_outline(shipped: dict) -> None:
    lines = set(OUTLINE.read_text(encoding="utf-8").splitlines())
    goals = [g for d in shipped["domains"] for t in d["topics"] for g in t["goals"]]
    assert len(goals) == 73
    for g in goals:
        assert f"- {g['text']}" in lines, g["id"]
        assert g["text"].split()[0] == g["level"]
    bullets = [
        ln
        for ln in lines
        if ln.startswith("- ") and ln.split()[1] in {"Implement", "Analyze", "Design"}
    ]
    assert len(bullets) == 73  # nothing in the outline is missing from the blueprint


def test_structure(shipped: dict) -> None:
    assert [d["weight"] for d in shipped["domains"]] == [12, 16, 18, 26, 28]
    assert sum(len(d["topics"]) for d in shipped["domains"]) == 16
    assert shipped["exam"]["item_types"] == ["multiple_choice", "multiple_select"]
    assert shipped["exam"]["scoring"] == "pass_fail"


def test_outline_copy_matches_shared_seed() -> None:
    seed = REPO.parent / "shared" / "seed" / "pmle-exam-outline.txt"
    if not seed.exists():
        pytest.skip("../shared is not beside this checkout")
    assert seed.read_bytes() == OUTLINE.read_bytes()


def test_shipped_blueprint_validates() -> None:
    bp, _, diags = load_blueprint(SHIPPED_BANK / "blueprint.yaml")
    assert diags == []
    assert bp is not None and len(bp.goals) == 73
    assert bp.folder_for(bp.goals["4.2.3"]) == "domain-4/topic-4.2"


def test_outline_parser_rejects_bad_structure() -> None:
    with pytest.raises(OutlineError):
        parse_outline("Title\nnothing here\n")
    bad = "T\nDomain 1: A\n1 topics\nTopic\n- Evaluate things.\nDomain 1 A (100%)\n"
    with pytest.raises(OutlineError, match="does not start"):
        parse_outline(bad)


def test_outline_parser_small() -> None:
    text = (
        "Exam\nMultiple Choice\nPass/fail.\n1 learning goals\n"
        "Domain 1: First\n1 topics\nTopic A\n- Implement X.\n"
        "Hands-On Labs\nIncluded Topics\n- Domain 1 First (100%).\n"
    )
    out = parse_outline(text)
    assert out["domains"][0]["weight"] == 100
    assert out["domains"][0]["topics"][0]["goals"][0] == {
        "id": "1.1.1",
        "level": "Implement",
        "text": "Implement X.",
    }
    assert out["item_types"] == ["multiple_choice"]


def test_blueprint_checks(tmp_path: Path, shipped: dict) -> None:
    import copy

    from toolkit.yamlio import dump

    bad = copy.deepcopy(shipped)
    bad["domains"][0]["weight"] = 13
    bad["domains"][1]["topics"][0]["id"] = "1.9"
    bad["domains"][2]["topics"][0]["goals"][1]["id"] = "3.1.1"
    p = tmp_path / "blueprint.yaml"
    p.write_text(dump(bad))
    bp, _, diags = load_blueprint(p)
    assert bp is None
    codes = sorted(d.code for d in diags)
    assert codes.count("B003") == 1
    assert "B002" in codes and "B001" in codes
