"""Typed item statistics: the ``stats`` block that ``qbank calibrate --write-back`` writes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one item version from one calibration (``bank/calibrations/<id>.yaml``)."""

    calibration: str
    item_version: int
    content_hash: str | None = None
    model: str | None = None
    n: int | None = None
    p_value: float | None = None
    point_biserial: float | None = None
    a: float | None = None
    b: float | None = None
    c: float | None = None
    se_a: float | None = None
    se_b: float | None = None
    se_c: float | None = None
    flags: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemStats:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "flags" in values:
            values["flags"] = tuple(values["flags"])
        return cls(**values)

    def applies_to(self, version: int) -> bool:
        """Whether these statistics were computed for ``version`` of the item."""
        return self.item_version == version

    @property
    def has_irt(self) -> bool:
        return self.a is not None and self.b is not None
