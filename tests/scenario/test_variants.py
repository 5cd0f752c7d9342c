"""Variant files: extends, sparse overrides, errors, and the base year kept as history."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from model.engine.project import project
from model.errors import ScenarioError
from model.scenario.load import load_scenario
from tests.conftest import QITAI, ROOT
from tests.published import qitai_2021 as pub

VARIANTS = sorted((ROOT / "scenarios" / "variants").glob("*.yaml"))


def write(tmp_path: Path, name: str, body: str, extends: str = QITAI.name) -> Path:
    """A variant ``name`` in ``tmp_path`` extending ``extends`` (relative to it), next to a copy
    of the Qitai scenario (``extends`` stays inside the scenario's folder tree)."""
    base = tmp_path / QITAI.name
    if not base.exists():
        shutil.copyfile(QITAI, base)
    path = tmp_path / name
    path.write_text(f"extends: {extends}\n" + body, encoding="utf-8")
    return path


META = "meta:\n  id: test-variant\n  title: {zh: 测试, en: test}\n"


def test_variant_that_changes_nothing_reproduces_its_base_exactly(tmp_path, qitai_projection):
    same = project(load_scenario(write(tmp_path, "same.yaml", META)))
    for fund, d in qitai_projection.funds.items():
        for name, arr in d.items():
            np.testing.assert_array_equal(same.funds[fund][name], arr, err_msg=f"{fund}.{name}")


def test_misspelt_override_key_names_the_variant_file_and_line(tmp_path):
    path = write(tmp_path, "typo.yaml", META + "policy:\n  civil_service:\n    indexaton: {value: 0.02, source: x y z}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    assert problem.line == 7
    assert problem.field == "policy.civil_service.indexaton"
    assert "did you mean 'indexation'" in problem.message


def test_bad_override_value_is_reported_at_the_variant_line(tmp_path):
    path = write(tmp_path, "bad.yaml", META + "policy:\n  civil_service:\n    indexation: {value: 4, source: x y z}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert problem.file == str(path) and problem.line == 7
    assert "did you mean 0.04" in problem.message


def test_variant_needs_its_own_id_and_title(tmp_path):
    path = write(tmp_path, "noid.yaml", "policy:\n  civil_service:\n    indexation: {value: 0.02, source: x y z}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    fields = {p.field for p in err.value.problems}
    assert fields == {"meta.id", "meta.title"}


def test_missing_and_circular_extends(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(write(tmp_path, "lost.yaml", META, extends="nowhere.yaml"))
    a = write(tmp_path, "a.yaml", META, extends="b.yaml")
    write(tmp_path, "b.yaml", META, extends="a.yaml")
    with pytest.raises(ScenarioError, match="leads back"):
        load_scenario(a)


def test_schedule_starting_after_the_base_year_keeps_the_earlier_years(tmp_path):
    path = write(tmp_path, "idx.yaml", META + "policy:\n  civil_service:\n    indexation: {value: {2026: 0.04}, source: x y z}\n")
    sc = load_scenario(path)
    assert sc.policy.civil_service.indexation.value == {2021: 0.045, 2022: 0.04, 2023: 0.038, 2024: 0.03,
                                                        2025: 0.02, 2026: 0.04}


def test_chains_of_variants(tmp_path):
    first = write(tmp_path, "first.yaml", META + "policy:\n  civil_service:\n    indexation: {value: {2026: 0.04}, source: x y z}\n")
    second = write(tmp_path, "second.yaml", "meta:\n  id: second\n  title: {zh: 二, en: two}\n"
                   "policy:\n  civil_service:\n    collection_rate: {value: {2022: 0.9}, source: x y z}\n", extends=first.name)
    sc = load_scenario(second)
    assert sc.policy.civil_service.indexation.value[2026] == 0.04
    assert sc.policy.civil_service.collection_rate.value == {2014: 1.0, 2022: 0.9} or \
        sc.policy.civil_service.collection_rate.value == {2021: 1.0, 2022: 0.9}
    assert sc.history.meta.id == "qitai-2021"


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_shipped_variant_keeps_the_base_year_and_says_what_it_asks(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "extends:" in text
    result = project(load_scenario(path))
    for fund, figures in (("civil_service", pub.CIVIL_SERVICE), ("residents", pub.RESIDENTS)):
        for name, (value, _section) in figures.items():
            assert result.series(fund, name)[0] == pytest.approx(value, abs=pub.MONEY_ATOL_WAN), (fund, name)


def test_shipped_variants_differ_from_the_baseline_where_they_should(qitai_projection):
    def load(stem):
        return project(load_scenario(ROOT / "scenarios" / "variants" / f"{stem}.yaml"))

    base_cs = qitai_projection.funds["civil_service"]
    base_rs = qitai_projection.funds["residents"]
    assert (load("no-fee-cut").funds["civil_service"]["subsidy_need"][0, 1:] < base_cs["subsidy_need"][0, 1:]).all()
    base_benefits = base_cs["benefit_expenditure"][0]
    i4 = load("indexation-4pct").funds["civil_service"]["benefit_expenditure"][0]
    wage = load("indexation-wage-linked").funds["civil_service"]["benefit_expenditure"][0]
    for indexed in (i4, wage):  # above the baseline's 2% from 2026; the published years kept
        assert (indexed[5:] > base_benefits[5:]).all()
        assert np.allclose(indexed[:5], base_benefits[:5])
    # wages grow 5% a year until 2030: faster than 4% at first; from 2041 3.5%, slower than 4%
    assert wage[9] > i4[9] and wage[-1] / wage[-2] < i4[-1] / i4[-2]
    late = load("county-subsidy-late").funds["residents"]
    assert late["subsidy_income"][0, 1] < base_rs["subsidy_income"][0, 1]
    # paid a year late: from the second year the late payment arrives with the year's remainder
    assert late["subsidy_late_payment"][0, 2] == pytest.approx(late["subsidy_withheld"][0, 1])
    plus = load("residents-pension-plus20").funds["residents"]
    assert plus["basic_pension_central"][0, 5] > base_rs["basic_pension_central"][0, 5]


def test_every_shipped_variant_asks_something():
    """Each variant's projection differs from the baseline's in some series after the base year
    (a variant equal to its baseline answers no question)."""
    from model.analysis.compare import run_batched

    assert VARIANTS
    scenarios = [load_scenario(QITAI)] + [load_scenario(p) for p in VARIANTS]
    result = run_batched(scenarios)
    for b, path in enumerate(VARIANTS, start=1):
        differing = [
            f"{fund}.{name}"
            for fund, d in result.funds.items()
            for name, arr in d.items()
            if arr.ndim == 2
            and not np.allclose(arr[b, 1:], arr[0, 1:], rtol=1e-9, atol=1e-6, equal_nan=True)
        ]
        assert differing, f"{path.name} projects the same as the baseline in every series"
        # the base year is history: every variant keeps it
        for fund, d in result.funds.items():
            for name in ("reserve_end", "subsidy_income", "total_expenditure"):
                assert d[name][b, 0] == pytest.approx(d[name][0, 0]), (path.name, fund, name)
