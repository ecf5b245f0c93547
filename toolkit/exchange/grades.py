"""Grade fractions that Moodle accepts (its Moodle XML and GIFT importers match answer grades
against this list and refuse, or silently round, anything else)."""

from __future__ import annotations

from ..errors import UsageError

MOODLE_FRACTIONS = (
    "100",
    "90",
    "83.33333",
    "80",
    "75",
    "70",
    "66.66667",
    "60",
    "50",
    "40",
    "33.33333",
    "30",
    "25",
    "20",
    "16.66667",
    "14.28571",
    "12.5",
    "11.11111",
    "10",
    "5",
    "0",
)
"""Percentages from Moodle's ``question_bank::fraction_options_full()`` (and their negatives)."""


def moodle_fraction(percent: float) -> str:
    """``percent`` as a grade from Moodle's list (negatives allowed); a value that is not on
    the list (within 0.0001) is a usage error rather than a silently changed score."""
    sign = "-" if percent < 0 else ""
    for f in MOODLE_FRACTIONS:
        if abs(abs(percent) - float(f)) < 1e-4:
            return f"{sign}{f}" if f != "0" else "0"
    raise UsageError(
        f"a grade of {percent:.5g}% is not one Moodle accepts; accepted: "
        + ", ".join(MOODLE_FRACTIONS)
    )


def choice_fractions(n_keys: int, *, negative_marking: bool) -> tuple[str, str]:
    """(grade of each key, grade of each wrong option) for a multiple-answer question with
    ``n_keys`` keys: keys share 100 %; a wrong choice takes back one key's share when
    ``negative_marking`` is on (Moodle never lets a question score below zero)."""
    share = 100 / n_keys
    return moodle_fraction(share), moodle_fraction(-share) if negative_marking else "0"
