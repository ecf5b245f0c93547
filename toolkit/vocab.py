"""The domain's words, defined once: statuses, item types, exposures, review decisions,
IRT models and link methods. ``StrEnum`` members compare equal to their strings, so data read
from YAML or CSV can be compared with them directly. A test checks that the bank's words equal
the enums of ``schema/item.schema.json``.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    RETIRED = "retired"


class ItemType(StrEnum):
    MULTIPLE_CHOICE = "multiple_choice"
    MULTIPLE_SELECT = "multiple_select"


class Exposure(StrEnum):
    SECURE = "secure"
    PUBLIC = "public"


class Decision(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


class Model(StrEnum):
    """IRT models: dichotomous (rasch, 1pl, 2pl, 3pl) and polytomous (grm, pcm)."""

    RASCH = "rasch"
    ONE_PL = "1pl"
    TWO_PL = "2pl"
    THREE_PL = "3pl"
    GRM = "grm"
    PCM = "pcm"

    @property
    def polytomous(self) -> bool:
        return self in (Model.GRM, Model.PCM)

    @property
    def n_params(self) -> int:
        """Free parameters per item (for fit degrees of freedom)."""
        return {"rasch": 1, "1pl": 1, "2pl": 2, "3pl": 3}.get(self.value, 2)


DICHOTOMOUS_MODELS = tuple(m for m in Model if not m.polytomous)
POLYTOMOUS_MODELS = tuple(m for m in Model if m.polytomous)


class LinkMethod(StrEnum):
    STOCKING_LORD = "stocking-lord"
    HAEBARA = "haebara"
    MEAN_SIGMA = "mean-sigma"
