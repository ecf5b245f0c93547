"""JSON (``--format json``) for platforms with their own importers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import exporter
from .delivery import Delivery
from .tabular import records


@exporter("json", container="file", options={"feedback": "public"})
def json_export(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """JSON document: `{"form": {id, title, sections: [{id, title, items: [ids]}]},
    "items": [...]}` with one record per item in delivery order (number, section, id, version,
    content_hash, learning_goal, type, select, exposure, stem and `stem_html`, options with
    `text`, `html`, `correct` and `rationale` (per `feedback`), key, tags). Sorted keys,
    two-space indent, UTF-8.
    """
    doc = {
        "form": {
            "id": delivery.id,
            "title": delivery.title,
            "sections": [
                {"id": s.id, "title": s.title, "items": [i.id for i in s.items]}
                for s in delivery.sections
            ],
        },
        "items": records(delivery, str(options["feedback"])),
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {f"{delivery.id}.json": text.encode("utf-8")}
