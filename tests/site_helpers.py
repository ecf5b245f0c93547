"""A small bank, forms and an analysis folder for the site tests (secure texts are unique
tokens, so that a leak anywhere in the built site can be searched for)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TmpBank, item_data, ms_item_data
from toolkit.bank import load_bank
from toolkit.formfile import Form, Section, entry_for
from toolkit.io import atomic_write_text
from toolkit.yamlio import dump

PUBLIC_STEM = (
    "A fraud team needs scoring latency < 100 ms for its zebrafish telemetry model and a"
    " `List<int>` of feature ids; a log line reads <script>alert('x')</script>.\n\n"
    "Which serving option meets the latency target?\n"
)
PUBLIC_RATIONALE = "The quagga endpoint keeps p99 latency under the target."
CALIBRATION = "2026-12-01-2pl-abcdef12"


def secure_texts(item_id: str) -> dict[str, str]:
    """The unique texts of a secure item: the stem, each option, each rationale."""
    tag = item_id.replace("-", "").lower()
    texts = {"stem": f"Secretstem{tag} asks which option is right?"}
    for L in "ABCDE":
        texts[f"option {L}"] = f"Secretoption{tag}{L.lower()} words"
        texts[f"rationale {L}"] = f"Secretwhy{tag}{L.lower()} explains it."
    return texts


def _stats(item_id: str, n: int, version: int = 1) -> dict[str, object]:
    return {
        "calibration": CALIBRATION,
        "item_version": version,
        "model": "2pl",
        "n": 500,
        "p_value": round(0.3 + 0.05 * n, 4),
        "point_biserial": 0.35,
        "a": round(0.8 + 0.1 * n, 4),
        "b": round(-1 + 0.2 * n, 4),
        "c": 0.0,
    }


def make_site_bank(root: Path) -> dict[str, object]:
    """Write a bank with secure items on two goals and one public practice item, a calibration
    record, two form files (one invalid) and an analysis folder; returns what the tests need."""
    bank = TmpBank(root / "bank")
    secure_ids = []
    for n in range(1, 9):
        item_id = f"PMLE-{n:04d}"
        goal = "1.1.1" if n <= 4 else "2.1.1"
        t = secure_texts(item_id)
        data = ms_item_data(item_id, goal) if n == 4 else item_data(item_id, goal)
        data["stem"] = t["stem"] + (" (Choose two.)" if n == 4 else "")
        for o in data["options"]:
            o["text"] = t[f"option {o['id']}"]
            o["rationale"] = t[f"rationale {o['id']}"]
        data["stats"] = _stats(item_id, n)
        bank.write(data)
        secure_ids.append(item_id)
    public = item_data("PMLE-0009", "1.1.1", exposure="public", stem=PUBLIC_STEM)
    public["options"][1]["text"] = "A quagga endpoint with `min_replica_count >= 2`"
    public["options"][1]["rationale"] = PUBLIC_RATIONALE
    bank.write(public)
    calibrations = bank.root / "calibrations"
    calibrations.mkdir()
    (calibrations / f"{CALIBRATION}.yaml").write_text(
        dump(
            {
                "id": CALIBRATION,
                "provenance": {"model": "2pl", "date": "2026-12-01", "data": {"path": "r.csv"}},
                "items": [
                    {
                        "item_id": i,
                        **{k: v for k, v in _stats(i, n + 1).items() if k != "calibration"},
                    }
                    for n, i in enumerate(secure_ids)
                ],
            }
        ),
        encoding="utf-8",
    )
    loaded = load_bank(bank.root)
    forms = root / "forms"
    form = Form(
        "F1",
        (
            Section(
                "domain-1", "Domain one", tuple(entry_for(loaded.by_id[i]) for i in secure_ids[:4])
            ),
            Section(
                "domain-2", "Domain two", tuple(entry_for(loaded.by_id[i]) for i in secure_ids[4:])
            ),
        ),
        seed=7,
    )
    atomic_write_text(forms / "F1.yaml", form.dumps())
    atomic_write_text(forms / "broken.yaml", "id: [not, a, form\n")
    analysis = root / "analysis"
    atomic_write_text(
        analysis / "item_statistics.csv",
        "item_id,n,p_value,point_biserial,a,b,flags,flag_notes\n"
        "PMLE-0001,500,0.12,0.05,0.5,2.1,too_hard;low_discrimination,"
        "p = 0.12 < 0.2: check the key and ambiguity;point-biserial 0.05 < 0.15\n"
        "PMLE-0002,500,0.60,0.40,1.1,0.1,,\n",
    )
    atomic_write_text(
        analysis / "dif.csv",
        "item_id,reference_group,focal_group,mh_d_dif,ets_class,lr_class,lr_p_adj\n"
        "PMLE-0002,reference,focal,-1.8,C,B,0.001\nPMLE-0003,reference,focal,0.1,A,A,0.9\n",
    )
    # what the site must never read: option statistics and option trace plots show keys
    atomic_write_text(
        analysis / "option_statistics.csv", "item_id,option,key\nPMLE-0001,B,Keyleak\n"
    )
    (analysis / "plots").mkdir()
    (analysis / "plots" / "options-PMLE-0001.png").write_bytes(b"\x89PNG Keyleak")
    (analysis / "plots" / "test-information.png").write_bytes(b"\x89PNG information")
    return {
        "bank": bank.root,
        "forms": forms,
        "analysis": analysis,
        "secure_ids": secure_ids,
        "public_id": "PMLE-0009",
    }
