"""Parse the exam outline text (the source of truth) into blueprint data.

The outline (``bank/source/pmle-exam-outline.txt``) lists domains as
``Domain N: Title``, then ``K topics``, then each topic title on its own line
followed by its learning goals as ``- `` bullets. Domain weights come from the
"Included Topics" scope line (``Domain 1 ... (12%)``). Goal text is kept word
for word; the cognitive level is the goal's leading verb.
"""

from __future__ import annotations

import re
from typing import Any

LEVELS = ("Implement", "Analyze", "Design")

_DOMAIN = re.compile(r"^Domain (\d+): (.+)$")
_TOPICS = re.compile(r"^(\d+) topics?$")
_WEIGHT = re.compile(r"Domain (\d+) ([^()]+?) \((\d+)%\)")


class OutlineError(ValueError):
    """The outline text does not have the expected structure."""


def parse_outline(text: str) -> dict[str, Any]:
    """Return ``{"name", "goal_count", "item_types", "scoring", "domains": [...]}``."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    if not lines:
        raise OutlineError("outline is empty")
    name = lines[0].strip()
    weights = {int(m.group(1)): int(m.group(3)) for m in _WEIGHT.finditer(text)}
    declared = re.search(r"^(\d+) learning goals$", text, re.MULTILINE)

    domains: list[dict[str, Any]] = []
    topic: dict[str, Any] | None = None
    in_domains = False
    for raw in lines:
        line = raw.strip()
        m = _DOMAIN.match(line)
        if m:
            in_domains = True
            num = int(m.group(1))
            domains.append(
                {"id": str(num), "title": m.group(2), "weight": weights.get(num), "topics": []}
            )
            topic = None
            continue
        if not in_domains or not line:
            continue
        if line == "Hands-On Labs":  # end of the course outline
            break
        if _TOPICS.match(line) or re.fullmatch(r"\d+", line):
            continue
        dom = domains[-1]
        if line.startswith("- "):
            if topic is None:
                raise OutlineError(f"goal before any topic in domain {dom['id']}: {line[:40]}")
            goal_text = line[2:].strip()
            verb = goal_text.split(" ", 1)[0]
            if verb not in LEVELS:
                raise OutlineError(f"goal does not start with {'/'.join(LEVELS)}: {goal_text[:40]}")
            topic["goals"].append(
                {"id": f"{topic['id']}.{len(topic['goals']) + 1}", "level": verb, "text": goal_text}
            )
        else:
            topic = {"id": f"{dom['id']}.{len(dom['topics']) + 1}", "title": line, "goals": []}
            dom["topics"].append(topic)

    if not domains:
        raise OutlineError("no 'Domain N: Title' lines found")
    n_goals = sum(len(t["goals"]) for d in domains for t in d["topics"])
    if declared and int(declared.group(1)) != n_goals:
        raise OutlineError(f"outline declares {declared.group(1)} learning goals, found {n_goals}")
    for d in domains:
        if d["weight"] is None:
            raise OutlineError(f"no weight found for domain {d['id']}")
    types = []
    if "Multiple Choice" in text:
        types.append("multiple_choice")
    if "Multiple Select" in text:
        types.append("multiple_select")
    return {
        "name": name,
        "goal_count": n_goals,
        "item_types": types,
        "scoring": "pass_fail" if "Pass/fail" in text else "scaled",
        "domains": domains,
    }


def blueprint_from_outline(
    text: str, *, code: str, vendor: str, form_length: int
) -> dict[str, Any]:
    """Blueprint data (as written to ``bank/blueprint.yaml``) built from the outline."""
    parsed = parse_outline(text)
    return {
        "exam": {
            "name": parsed["name"],
            "code": code,
            "vendor": vendor,
            "item_types": parsed["item_types"],
            "scoring": parsed["scoring"],
            "form_length": form_length,
            "source": "source/pmle-exam-outline.txt",
        },
        "domains": parsed["domains"],
    }
