"""CSV (``--format csv``) for platforms with their own spreadsheet importers."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from . import exporter
from .delivery import Delivery
from .tabular import MAX_OPTIONS, records

LETTERS = "ABCDEFGHIJ"


@exporter("csv", container="file", options={"feedback": "public"})
def csv_export(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """CSV file (UTF-8, comma-separated, every field quoted, `\\n` line ends), one row per item
    in delivery order: `number, section, id, version, learning_goal, type, select, exposure,
    stem`, then `option_A` ... `option_J` (Markdown text, empty when the item has fewer
    options), `key` (e.g. `B` or `A;C`) and `rationale_A` ... `rationale_J` (per `feedback`).
    Text stays Markdown so that any importer can read it; the `json` format adds HTML.
    """
    letters = LETTERS[:MAX_OPTIONS]
    header = [
        "number",
        "section",
        "id",
        "version",
        "learning_goal",
        "type",
        "select",
        "exposure",
        "stem",
        *(f"option_{L}" for L in letters),
        "key",
        *(f"rationale_{L}" for L in letters),
    ]
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(header)
    for r in records(delivery, str(options["feedback"])):
        opts = {o["id"]: o for o in r["options"]}
        w.writerow(
            [
                r["number"],
                r["section"],
                r["id"],
                r["version"],
                r["learning_goal"],
                r["type"],
                r["select"],
                r["exposure"],
                r["stem"],
                *(opts[L]["text"] if L in opts else "" for L in letters),
                ";".join(r["key"]),
                *(opts[L]["rationale"] if L in opts else "" for L in letters),
            ]
        )
    return {f"{delivery.id}.csv": buf.getvalue().encode("utf-8")}
