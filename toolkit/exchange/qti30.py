"""QTI 3.0 content package (``--format qti30``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import exporter
from .delivery import Delivery
from .qti_common import QTI30, package


@exporter("qti30", container="zip", options={"partial_credit": False, "feedback": "public"})
def qti30(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """1EdTech QTI 3.0 content package: the same content as `qti21` in QTI 3.0 spelling
    (`qti-assessment-item`, `qti-choice-interaction`, kebab-case attributes), with the QTI 3.0
    manifest (IEEE LOM item metadata, resource types `imsqti_item_xmlv3p0` and
    `imsqti_test_xmlv3p0`) and the QTI 3.0 response-processing templates.
    Options as for `qti21`.
    """
    return package(QTI30, delivery, options)
