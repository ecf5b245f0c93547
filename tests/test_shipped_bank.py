"""The shipped bank: valid, lint-clean, and covering every learning goal (read-only)."""

from __future__ import annotations

from collections import Counter

import pytest

from toolkit.bank import load_bank, load_workspace
from toolkit.lint import lint_bank
from toolkit.validate import validate_bank

from .conftest import SHIPPED_BANK


@pytest.fixture(scope="module")
def bank():
    return load_bank(SHIPPED_BANK)


def test_shipped_bank_validates() -> None:
    report = validate_bank(SHIPPED_BANK)
    assert report.ok, report.errors[:5]


def test_shipped_bank_lints_without_errors(bank) -> None:
    report = lint_bank(load_workspace(SHIPPED_BANK))
    errors = [d for d in report.diagnostics if d.severity.value == "error"]
    assert errors == [], errors[:5]


def test_every_goal_has_four_approved_items(bank) -> None:
    per_goal = Counter(i.learning_goal for i in bank.items if i.status == "approved")
    assert set(per_goal) == set(bank.blueprint.goals)
    assert min(per_goal.values()) >= 4


def test_mix_of_types_exposure_and_keys(bank) -> None:
    items = [i for i in bank.items if i.status == "approved"]
    ms = sum(i.type == "multiple_select" for i in items) / len(items)
    public = sum(i.exposure == "public" for i in items) / len(items)
    assert 0.15 <= ms <= 0.3 and 0.05 <= public <= 0.15
    positions = Counter(
        i.options.index(next(o for o in i.options if o.correct))
        for i in items
        if i.type == "multiple_choice"
    )
    assert max(positions.values()) - min(positions.values()) <= 0.1 * sum(positions.values())


def test_every_approved_item_was_reviewed_by_someone_else(bank) -> None:
    for item in bank.items:
        if item.status != "approved":
            continue
        last = [r for r in item.reviews if r.version in (None, item.version)][-1]
        assert last.decision == "approved" and last.reviewer not in item.authors, item.id
        assert item.references and all(u.startswith("https://") for u in item.references)


def test_shipped_bank_is_formatted() -> None:
    from toolkit.itemfile import format_files

    changed, failed = format_files(sorted((SHIPPED_BANK / "items").rglob("*.yaml")), check=True)
    assert failed == [] and changed == [], changed[:5]
