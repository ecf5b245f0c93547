"""Form assembly: every constraint on produced forms, determinism, infeasible requests,
specification errors, the IRT objective and the rounding rule."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from toolkit.assembly.assemble import IRT, InfeasibleError, assemble, prepare, verify
from toolkit.assembly.constraints import CONSTRAINTS
from toolkit.assembly.spec import AssemblySpec, load_spec
from toolkit.bank import load_bank
from toolkit.blueprint import largest_remainder
from toolkit.cli import cli
from toolkit.errors import DataError
from toolkit.formfile import load_form, resolve
from toolkit.vocab import Exposure, ItemType, Status

from .conftest import SHIPPED_BANK, TmpBank, populated_bank

WEIGHTS = {"1": 12, "2": 16, "3": 18, "4": 26, "5": 28}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# ----------------------------------------------------------------------------- rounding rule


def test_largest_remainder_on_the_blueprint_weights() -> None:
    assert largest_remainder(WEIGHTS, 60) == {"1": 7, "2": 9, "3": 11, "4": 16, "5": 17}
    # a tie of remainders (9.6 and 15.6) goes to the larger weight
    assert largest_remainder(WEIGHTS, 50) == {"1": 6, "2": 8, "3": 9, "4": 13, "5": 14}
    assert largest_remainder(WEIGHTS, 10) == {"1": 1, "2": 1, "3": 2, "4": 3, "5": 3}


@given(
    st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=500),
)
def test_largest_remainder_properties(ws: list[int], total: int) -> None:
    weights = {str(k): w for k, w in enumerate(ws)}
    counts = largest_remainder(weights, total)
    assert sum(counts.values()) == total
    for k, w in weights.items():
        quota = total * w / sum(ws)
        assert int(quota) <= counts[k] <= int(quota) + 1


def test_coverage_and_lint_use_the_same_rule() -> None:
    from toolkit.coverage import domain_targets

    bp = load_bank(SHIPPED_BANK).blueprint
    assert domain_targets(bp, 3, 60) == {"1": 21, "2": 27, "3": 33, "4": 48, "5": 51}


# ----------------------------------------------------------------------------- shipped spec


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    res = run("assemble", "--bank", str(SHIPPED_BANK), "--out", str(out))
    assert res.exit_code == 0, res.output
    return out


def forms_of(out: Path, bank):  # type: ignore[no-untyped-def]
    return {p.stem: resolve(load_form(p), bank, p) for p in sorted(out.glob("*.yaml"))}


def test_shipped_forms_keep_every_rule(shipped: Path) -> None:
    bank = load_bank(SHIPPED_BANK)
    spec = load_spec(SHIPPED_BANK / "assembly.yaml")
    bp = bank.blueprint
    forms = forms_of(shipped, bank)
    assert sorted(forms) == ["F1", "F2", "F3"] == list(spec.form_ids)
    enemies = {(a.id, e) for a in bank.items for e in a.enemies}
    levels = Counter(bp.goals[i.learning_goal].level for i in bank.items)
    assert levels  # the blueprint has cognitive levels
    for items in forms.values():
        assert len(items) == 60 == len({i.id for i in items})
        assert all(i.status == Status.APPROVED for i in items)
        assert all(i.exposure != Exposure.PUBLIC for i in items)  # never a practice item
        dom = Counter(bp.goals[i.learning_goal].domain_id for i in items)
        assert dom == {"1": 7, "2": 9, "3": 11, "4": 16, "5": 17}
        assert set(Counter(bp.goals[i.learning_goal].topic_id for i in items)) == set(bp.topics)
        assert max(Counter(i.learning_goal for i in items).values()) == 1
        ids = {i.id for i in items}
        assert not [(a, b) for a, b in enemies if a in ids and b in ids]
        ms = sum(i.type == ItemType.MULTIPLE_SELECT for i in items)
        assert 9 <= ms <= 21
        mc = [i.key[0] for i in items if i.type == ItemType.MULTIPLE_CHOICE]
        for letter in "ABCD":
            assert abs(mc.count(letter) / len(mc) - 0.25) <= 0.1 + 1e-9
    for f, g in combinations(forms.values(), 2):
        assert len({i.id for i in f} & {i.id for i in g}) <= 12  # 20 % of 60
    common = set.intersection(*({i.id for i in items} for items in forms.values()))
    assert len(common) == 10  # the anchor block
    report = (shipped / "report.md").read_text()
    assert "FAIL" not in report and "proven optimal" in report
    assert "content constraints only" in report  # the shipped bank has no IRT parameters
    assert "Confidential" in report


def test_form_files_and_keys(shipped: Path) -> None:
    bank = load_bank(SHIPPED_BANK)
    form = load_form(shipped / "F1.yaml")
    assert form.spec.endswith("assembly.yaml") and len(form.spec_sha256) == 64
    assert form.bank_commit and form.seed == 7
    assert [s.id for s in form.sections] == [f"domain-{d}" for d in "12345"]
    key = (shipped / "keys" / "F1.csv").read_text().splitlines()
    assert key[0].startswith("# CONFIDENTIAL")
    assert key[1] == "position,item_id,version,content_hash,type,key"
    first = key[2].split(",")
    item = bank.by_id[first[1]]
    assert first[0] == "1" and first[5] == ";".join(item.key)
    assert first[1] == form.entries[0].id and first[3] == item.content_hash
    # no item text in the report
    report = (shipped / "report.html").read_text()
    assert item.stem.splitlines()[0] not in report


def test_same_inputs_and_seed_give_identical_files(shipped: Path, tmp_path: Path) -> None:
    res = run("assemble", "--bank", str(SHIPPED_BANK), "--out", str(tmp_path))
    assert res.exit_code == 0, res.output
    files = sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for f in files:
        assert (shipped / f).read_bytes() == (tmp_path / f).read_bytes(), f


# ----------------------------------------------------------------------------- small banks


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> TmpBank:
    bank = TmpBank(tmp_path_factory.mktemp("b") / "bank")
    populated_bank(bank, per_domain=16)
    return bank


def small_spec(**kw) -> AssemblySpec:  # type: ignore[no-untyped-def]
    spec = AssemblySpec(forms=2, length=25).with_options("overlap.anchors", items=4)
    return spec.replace(**kw)


def test_seed_changes_content_only_forms(small: TmpBank) -> None:
    bank = load_bank(small.root)
    a = assemble(bank, small_spec(), seed=1)
    b = assemble(bank, small_spec(), seed=1)
    c = assemble(bank, small_spec(), seed=2)
    assert a.ok and a.forms == b.forms and a.forms != c.forms


def test_every_constraint_check_can_fail(small: TmpBank) -> None:
    """Each unit's check finds a violation planted in good forms (so a passing check means
    something)."""
    bank = load_bank(small.root)
    spec = small_spec()
    result = assemble(bank, spec, seed=3)
    ctx = prepare(bank, result.spec)
    good = {f: list(items) for f, items in result.items.items()}
    assert all(c.ok for c in verify(ctx, good))
    f1, f2 = good["F1"], good["F2"]
    spare = [i for i in bank.items if i.id not in {x.id for x in f1 + f2}]
    bp = bank.blueprint

    def swap(form, new):  # type: ignore[no-untyped-def]
        return {**good, "F1": [new, *form[1:]]}

    import dataclasses

    same_goal = dataclasses.replace(f1[0], id="PMLE-9999", learning_goal=f1[1].learning_goal)
    other_domain = next(
        i
        for i in bank.items
        if bp.goals[i.learning_goal].domain_id != bp.goals[f1[0].learning_goal].domain_id
        and i.id not in {x.id for x in f1}
    )

    planted = {
        "eligible.approved": swap(f1, dataclasses.replace(f1[0], status=Status.REVIEW)),
        "eligible.secure-only": swap(f1, dataclasses.replace(f1[0], exposure=Exposure.PUBLIC)),
        "form.length": {**good, "F1": f1[:-1]},
        "blueprint.domain-counts": swap(f1, other_domain),
        "blueprint.goal-maximum": swap(f1, same_goal),
        "enemies.apart": swap(f1, dataclasses.replace(f1[0], enemies=(f1[1].id,))),
        "overlap.maximum": {**good, "F2": f1},
        "overlap.anchors": {**good, "F2": [i for i in f2 if i.id not in {x.id for x in f1}]},
        "mix.multiple-select": {
            **good,
            "F1": [i for i in f1 if i.type == ItemType.MULTIPLE_CHOICE]
            + [i for i in spare if i.type == ItemType.MULTIPLE_CHOICE][:5],
        },
    }
    t = bp.goals[f1[0].learning_goal].topic_id
    planted["blueprint.topic-minimum"] = {
        **good,
        "F1": [i for i in f1 if bp.goals[i.learning_goal].topic_id != t],
    }
    mc = [i for i in f1 if i.type == ItemType.MULTIPLE_CHOICE]
    rekeyed = [dataclasses.replace(i, options=_keyed_a(i)) for i in mc]
    planted["keys.balance"] = {**good, "F1": rekeyed}
    planted["mix.cognitive-level"] = {
        **good,
        "F1": [i for i in f1 if bp.goals[i.learning_goal].level != "Analyze"],
    }
    hist_ctx = prepare(bank, spec.with_options("exposure.history", max_uses=1))
    for name in [u.name for u in CONSTRAINTS]:
        unit = CONSTRAINTS.get(name)
        if name == "exposure.history":
            problems = list(unit.func().verify(good, hist_ctx, {"max_uses": 1, "window": 0}))
        else:
            problems = list(unit.func().verify(planted[name], ctx, spec.options(unit)))
        assert problems, f"{name} did not notice its planted violation"


def _keyed_a(item):  # type: ignore[no-untyped-def]
    import dataclasses

    return tuple(dataclasses.replace(o, correct=o.id == "A") for o in item.options)


def test_every_constraint_is_documented() -> None:
    for u in CONSTRAINTS:
        assert u.doc and u.code.startswith("AC") and "." in u.name


def test_history_limits_exposure(small: TmpBank, tmp_path: Path) -> None:
    bank = load_bank(small.root)
    first = assemble(bank, small_spec(forms=1), seed=1)
    hist = tmp_path / "hist"
    for f in first.forms:
        (hist / f"{f.id}.yaml").parent.mkdir(exist_ok=True)
        (hist / f"{f.id}.yaml").write_text(f.dumps())
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(
        "forms: 1\nlength: 25\nhistory: [hist]\n"
        "constraints:\n  exposure.history: {max_uses: 1}\n  overlap.anchors: {items: 0}\n"
    )
    second = assemble(bank, load_spec(spec_file), seed=1)
    used = {i for f in first.forms for i in f.item_ids}
    assert not used & {i for f in second.forms for i in f.item_ids}
    assert second.ok and len(second.excluded["exposure.history"]) == len(used)


# ----------------------------------------------------------------------------- infeasible


def test_infeasible_request_names_the_conflict(small: TmpBank) -> None:
    bank = load_bank(small.root)
    with pytest.raises(InfeasibleError) as exc:
        assemble(bank, small_spec(forms=4, length=40), seed=1)
    msg = str(exc.value)
    assert "cannot supply 4 form(s) of 40 items" in msg
    assert "domain 5 needs 11 items on each form" in msg
    codes = {d.code for d in exc.value.diagnostics}
    assert codes and codes <= {u.code for u in CONSTRAINTS}
    assert all(
        "short by" in d.message or "over by" in d.message or "more" in d.message
        for d in exc.value.diagnostics
    )


def test_infeasible_cli_exit_1_positions_in_spec(small: TmpBank, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "forms: 2\nlength: 25\nconstraints:\n  overlap.maximum: {max_share: 0.1}\n"
        "  overlap.anchors: {items: 6}\n"
    )
    res = run(
        "assemble", "--bank", str(small.root), "--spec", str(spec), "--out", str(tmp_path / "o")
    )
    assert res.exit_code == 1
    assert f"{spec}:4:3: AC12 overlap.maximum: forms F1 and F2 share at most 2 items" in res.output
    assert "Traceback" not in res.output and "HiGHS" not in res.output
    assert not (tmp_path / "o").exists()


def test_public_items_are_never_used_even_when_short(tmp_path: Path) -> None:
    bank = TmpBank(tmp_path / "bank")
    populated_bank(bank, per_domain=16)
    for p in sorted((bank.root / "items" / "domain-5").rglob("*.yaml"))[:6]:
        data = yaml.safe_load(p.read_text())
        data["exposure"] = "public"
        bank.write(data, p)
    with pytest.raises(
        InfeasibleError,
        match=r"domain 5 needs 7 items on each form: 10 usable"
        r" of 16 approved \(6 public left out\)",
    ):
        assemble(load_bank(bank.root), small_spec(forms=2, length=25), seed=1)


def test_bad_specifications_are_positioned(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("forms: 2\nconstraints:\n  overlap.maximum: {max_shar: 0.1}\n")
    with pytest.raises(DataError) as exc:
        load_spec(spec)
    d = exc.value.diagnostics[0]
    assert (d.path, d.line, d.code) == (str(spec), 3, "S002")
    spec.write_text("constraints:\n  enemies.apart: {enabled: false}\n")  # mandatory
    with pytest.raises(DataError):
        load_spec(spec)
    spec.write_text("constraints:\n  keys.balance: {tolerance: 1.5}\n")
    with pytest.raises(DataError, match="invalid") as exc:
        load_spec(spec)
    assert exc.value.diagnostics[0].line == 2
    res = run("assemble", "--spec", str(spec), "--out", str(tmp_path / "o"))
    assert res.exit_code == 1 and "share between 0 and 1" in res.output


# ----------------------------------------------------------------------------- IRT


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> TmpBank:
    import numpy as np

    bank = TmpBank(tmp_path_factory.mktemp("irt") / "bank")
    populated_bank(bank, per_domain=16)
    rng = np.random.default_rng(5)
    for p in sorted((bank.root / "items").rglob("*.yaml")):
        data = yaml.safe_load(p.read_text())
        data["stats"] = {
            "calibration": "test",
            "item_version": 1,
            "model": "2pl",
            "a": round(float(rng.lognormal(0.1, 0.3)), 3),
            "b": round(float(rng.normal(0, 1)), 3),
        }
        bank.write(data, p)
    return bank


def test_irt_forms_are_parallel_and_informative(calibrated: TmpBank) -> None:
    import numpy as np

    bank = load_bank(calibrated.root)
    spec = small_spec(mip_gap=0.01)
    result = assemble(bank, spec, seed=1)
    assert result.psychometrics.mode == IRT and result.ok
    assert result.solution.status == "optimal" and result.solution.gap <= 0.01
    curves = {
        f: result.psychometrics.curves(list(i.id for i in it)) for f, it in result.items.items()
    }
    tif = {f: c.tif(np.array(spec.theta)) for f, c in curves.items()}
    assert np.max(np.abs(tif["F1"] - tif["F2"])) < 0.5  # parallel at the theta points
    assert assemble(bank, spec, seed=1).forms == result.forms  # deterministic
    # more information at the cut than the first 25 items of the bank
    first_25 = result.psychometrics.curves([i.id for i in bank.items][:25])
    assert min(c.tif(0.0)[0] for c in curves.values()) > first_25.tif(0.0)[0]


def test_irt_report_has_curves_and_classification(calibrated: TmpBank, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "forms: 2\nlength: 25\nobjective: {cut: 0.5}\nsolver: {mip_gap: 0.01}\n"
        "constraints:\n  overlap.anchors: {items: 4}\n"
    )
    res = run(
        "assemble",
        "--bank",
        str(calibrated.root),
        "--spec",
        str(spec),
        "--out",
        str(tmp_path / "o"),
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "o"
    assert (out / "plots" / "form-curves.png").is_file()
    rows = (out / "classification.csv").read_text().splitlines()
    assert rows[0].startswith("form_id,theta_cut,expected_raw_cut,raw_cut")
    assert len(rows) == 3
    for r in rows[1:]:
        cells = r.split(",")
        assert 0.5 < float(cells[5]) < 1 and 0.5 < float(cells[7]) < 1
    assert "Decisions at the cut" in (out / "report.md").read_text()
