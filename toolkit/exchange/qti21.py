"""QTI 2.1 content package (``--format qti21``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import exporter
from .delivery import Delivery
from .qti_common import QTI21, package


@exporter("qti21", container="zip", options={"partial_credit": False, "feedback": "public"})
def qti21(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """IMS QTI 2.1 content package: a zip with `imsmanifest.xml` (IMS CP 1.1, item metadata in
    IMS MD 1.2: id, version, tags, learning goal), one `assessmentItem` per item under `items/`
    and an `assessmentTest` under `tests/` with a section per form section.

    Each item is a `choiceInteraction` (`maxChoices` 1, or `select` with `cardinality`
    `multiple` for multiple_select) scored by the standard `match_correct` template, or by
    `map_response` (1/select per key, floor 0) with `partial_credit = true`. With `feedback`
    `public` (default), `all` or `none`, rationales become per-option `modalFeedback`; the test
    sets `showFeedback="false"`.
    """
    return package(QTI21, delivery, options)
