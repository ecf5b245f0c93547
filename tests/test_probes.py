"""Knowledge-free test-wiseness probes (``qbank probe``)."""

from __future__ import annotations

import itertools
import json
import random

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.bank.model import Item
from toolkit.cli import cli
from toolkit.probes import PROBES, chance, hit_probability, run_probes

from .conftest import TmpBank, item_data, populated_bank


def _brute(scores: list[float], keys: set[int], k: int) -> float:
    """Probability by enumerating every random order used to break ties."""
    n, hits, total = len(scores), 0, 0
    for order in itertools.permutations(range(n)):
        rank = {o: r for r, o in enumerate(order)}  # random tie-breaker
        chosen = set(sorted(range(n), key=lambda i: (-scores[i], rank[i]))[:k])
        hits += chosen == keys
        total += 1
    return hits / total


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=3), min_size=4, max_size=5),
    st.integers(min_value=1, max_value=2),
    st.randoms(use_true_random=False),
)
def test_tie_breaking_is_exact(scores: list[int], k: int, rnd: random.Random) -> None:
    keys = set(rnd.sample(range(len(scores)), k))
    floats = [float(s) for s in scores]
    assert abs(hit_probability(floats, keys, k) - _brute(floats, keys, k)) < 1e-9


def _item(texts: list[str], key: int, stem: str = "Which option should the team choose?") -> Item:
    data = item_data()
    data["stem"] = stem
    data["options"] = [
        {"id": "ABCD"[n], "text": t, "correct": n == key, "rationale": "Because."}
        for n, t in enumerate(texts)
    ]
    return Item.from_dict(data)


def test_each_probe_finds_its_own_cue() -> None:
    longest = _item(["short", "a bit longer", "the longest option of all four here", "mid"], 2)
    assert hit_probability(PROBES.get("TW01").func(longest), [2], 1) == 1.0
    assert hit_probability(PROBES.get("TW02").func(longest), [3], 1) == 1.0  # "mid"
    central = _item(
        [
            "Dataflow streaming with autoscaling",
            "Dataflow batch with autoscaling",
            "Dataflow streaming with fixed workers",
            "Dataproc cluster with preemptible nodes",
        ],
        0,
    )
    assert hit_probability(PROBES.get("TW03").func(central), [0], 1) == 1.0
    echo = _item(
        ["Use Vertex AI Feature Store", "Use Memorystore", "Use Bigtable", "Use Spanner"],
        0,
        stem="The team already keeps features in Vertex AI Feature Store. Which serving store?",
    )
    assert hit_probability(PROBES.get("TW04").func(echo), [0], 1) == 1.0
    assert hit_probability(PROBES.get("TW05").func(echo), [0], 1) == 1.0
    assert chance(echo) == 0.25


def test_bank_rates_against_chance(tmp_bank: TmpBank) -> None:
    populated_bank(tmp_bank, per_domain=4)
    from toolkit.bank import load_bank

    results = run_probes(load_bank(tmp_bank.root).items)
    assert {r.code for r in results} == set(PROBES.by_code())
    for r in results:
        assert 0 <= r.hits <= r.items and 0 < r.chance_rate < 1


def test_probe_cli(tmp_bank: TmpBank) -> None:
    populated_bank(tmp_bank, per_domain=3)
    res = CliRunner().invoke(cli, ["probe", "--bank", str(tmp_bank.root)])
    assert res.exit_code == 0, res.output
    assert "convergence" in res.output and "chance" in res.output
    res = CliRunner().invoke(cli, ["probe", "--bank", str(tmp_bank.root), "--format", "json"])
    rows = json.loads(res.output)
    assert rows and {"probe", "rate", "chance", "z"} <= set(rows[0])
    res = CliRunner().invoke(cli, ["probe", "--bank", str(tmp_bank.root), "--select", "TW9"])
    assert res.exit_code == 2 and "no such probe" in res.output


def test_probe_per_item(tmp_bank: TmpBank) -> None:
    populated_bank(tmp_bank, per_domain=2)
    res = CliRunner().invoke(cli, ["probe", "--bank", str(tmp_bank.root), "--items"])
    assert res.exit_code == 0 and "PMLE-" in res.output
    res = CliRunner().invoke(
        cli,
        ["probe", "--bank", str(tmp_bank.root), "--items", "--select", "TW01", "--format", "json"],
    )
    per_item = json.loads(res.output)
    assert per_item and all(set(v) == {"TW01"} for v in per_item.values())
    assert all(0.0 <= p <= 1.0 for v in per_item.values() for p in v.values())


def test_explain_points_at_the_cue() -> None:
    from toolkit.probes import explain_item, picked, unique_echoes

    echo = _item(
        ["Use Memorystore", "Use Bigtable", "Use the feature registry", "Use Spanner"],
        0,
        stem="The team keeps features in a feature registry already. Which serving store?",
    )
    assert unique_echoes(echo) == [set(), set(), {"feature", "registry"}, set()]
    by_code = {p.code: p for p in explain_item(echo)}
    assert by_code["TW05"].sure == ("C",) and by_code["TW05"].hit == 0.0
    assert by_code["TW01"].sure == ("C",)
    assert picked([1.0, 1.0, 0.0, 0.0], 1) == ([], [0, 1])
    assert picked([2.0, 1.0, 1.0, 0.0], 2) == ([0], [1, 2])
    assert picked([2.0, 1.0, 0.0], 2) == ([0, 1], [])


def test_explain_multiple_select_tie_draws_the_rest() -> None:
    from toolkit.probes import explain_item

    data = item_data()
    data["type"] = "multiple_select"
    data["select"] = 2
    data["stem"] = "Which two settings? (Choose two.)"
    texts = ["aaaa aaaa", "bb", "cc", "dd", "eeeeeeeeee eeee"]
    data["options"] = [
        {"id": "ABCDE"[n], "text": t, "correct": n in (1, 4), "rationale": "Because."}
        for n, t in enumerate(texts)
    ]
    item = Item.from_dict(data)
    tw01 = {p.code: p for p in explain_item(item)}["TW01"]
    assert tw01.sure == ("A", "E") and tw01.tied == () and tw01.draw == 0  # no tie
    tw02 = {p.code: p for p in explain_item(item)}["TW02"]
    assert tw02.sure == () and tw02.tied == ("B", "C", "D") and tw02.draw == 2
    assert tw02.hit == 0.0  # the key E is not among the tied shortest


def test_probe_explain_cli(tmp_bank: TmpBank) -> None:
    populated_bank(tmp_bank, per_domain=1)
    from toolkit.bank import load_bank

    first = sorted(i.id for i in load_bank(tmp_bank.root).items)[0]
    root = str(tmp_bank.root)
    res = CliRunner().invoke(cli, ["probe", "--bank", root, "--explain", first])
    assert res.exit_code == 0, res.output
    assert first in res.output and "unique-echo" in res.output and "only one option" in res.output
    res = CliRunner().invoke(cli, ["probe", "--bank", root, "--explain", first, "--format", "json"])
    data = json.loads(res.output)[first]
    assert set(data["probes"]) == set(PROBES.by_code()) and data["key"]
    assert all(0.0 <= p["hit"] <= 1.0 for p in data["probes"].values())
    assert all(p["draw"] >= 0 for p in data["probes"].values())
    res = CliRunner().invoke(cli, ["probe", "--bank", root, "--explain", "PMLE-9999"])
    assert res.exit_code == 2 and "no item 'PMLE-9999'" in res.output
    res = CliRunner().invoke(cli, ["probe", "--bank", root, "--explain", first, "--items"])
    assert res.exit_code == 2 and "without --items" in res.output
    res = CliRunner().invoke(cli, ["probe", "--bank", root, "--status", "bogus"])
    assert res.exit_code == 2 and "bogus" in res.output


def test_probe_explain_names_the_echo_words(tmp_bank: TmpBank) -> None:
    data = item_data("PMLE-0001")
    data["stem"] = "Calls arrive as audio streams from the phone system.\n\nWhich setup?"
    data["options"][3]["text"] = "Restart the stream every few minutes of audio"
    tmp_bank.write(data)
    res = CliRunner().invoke(
        cli, ["probe", "--bank", str(tmp_bank.root), "--explain", "PMLE-0001", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["PMLE-0001"]["unique_echo"] == {"D": ["audio"]}
