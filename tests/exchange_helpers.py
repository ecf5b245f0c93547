"""A small fixed bank and form for the export tests (golden files, round trips)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import TmpBank, item_data, ms_item_data
from toolkit.bank import Bank, load_bank
from toolkit.formfile import Form, Section, entry_for

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"

RICH_STEM = """\
A team measures serving latency < 100 ms for a `List<int>` payload & logs it:

```python
def p99(xs: list[int]) -> float:
    return sorted(xs)[int(0.99 * len(xs))]  # "<b>not bold</b>"
```

| metric | target |
|:--|--:|
| p99 | 100 ms |

- *emphasis*, **strong** and a [link](https://cloud.google.com/vertex-ai/docs)
- raw HTML stays text: <script>alert("x")</script> and GIFT marks ~ = # { } : \\ stay too

![latency diagram](img/diagram.png)

Which change keeps p99 latency under the target?
"""


def fixed_bank(root: Path, image: bool = True) -> Bank:
    """Four items on two domains: a rich multiple_choice item with code, a table, hostile text
    and (with ``image``) an image; a multiple_select item; a public item; a plain item."""
    bank = TmpBank(root)
    stem = RICH_STEM if image else RICH_STEM.replace("![latency diagram](img/diagram.png)\n\n", "")
    rich = item_data(
        "PMLE-0001",
        "1.1.1",
        stem=stem,
        options=[
            {
                "id": "A",
                "text": "Batch requests with `max_batch_size < 64`",
                "correct": False,
                "rationale": "Batching raises throughput but *adds* queueing delay.",
            },
            {
                "id": "B",
                "text": "Enable the `ONNX` runtime & int8 quantization",
                "correct": True,
                "rationale": "Quantization cuts compute per request, which lowers p99.",
            },
            {
                "id": "C",
                "text": "% of traffic to a bigger model {canary}",
                "correct": False,
                "rationale": "A bigger model is slower; see <https://example.com/a?b=1&c=2>.",
            },
            {
                "id": "D",
                "text": "Write logs synchronously: `log(x) -> None`",
                "correct": False,
                "rationale": "Synchronous logging adds latency to every request.",
            },
        ],
        tags=["latency", "serving"],
    )
    bank.write(rich)
    img = bank.folder("1.1.1") / "img"
    img.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "diagram.png", img / "diagram.png")
    bank.write(ms_item_data("PMLE-0002", "1.1.1"))
    bank.write(item_data("PMLE-0003", "2.1.1", exposure="public"))
    bank.write(item_data("PMLE-0004", "2.1.1"))
    return load_bank(root)


def fixed_form(bank: Bank) -> Form:
    by = bank.by_id
    return Form(
        id="F1",
        sections=(
            Section(
                "domain-1",
                "Architecting low-code AI solutions",
                (entry_for(by["PMLE-0002"]), entry_for(by["PMLE-0001"])),
            ),
            Section(
                "domain-2",
                "Collaborating to manage data and models",
                (entry_for(by["PMLE-0003"]), entry_for(by["PMLE-0004"])),
            ),
        ),
        seed=7,
    )
