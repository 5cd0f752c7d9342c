"""Break-even values solve what they claim; shocks move results the right way."""

from __future__ import annotations

import pytest

from model.engine.basis import build_basis
from model.engine.project import project_basis
from model.analysis.sensitivity import LEVERS, break_even_values, sensitivity, shocked


@pytest.fixture(scope="module")
def sens(qitai):
    return sensitivity(qitai, break_even=False)


def test_shock_directions(sens):
    rows = {r["shock"].name: r for r in sens.rows["civil_service"]}
    assert rows["indexation"]["need_up"] > 0 > rows["indexation"]["need_down"]
    assert rows["retirement_age"]["need_up"] < 0 < rows["retirement_age"]["need_down"]
    assert rows["wage_growth"]["need_up"] < 0 < rows["wage_growth"]["need_down"]
    assert rows["mortality_improvement"]["need_up"] > 0
    res = {r["shock"].name: r for r in sens.rows["residents"]}
    assert res["residents_pension"]["paid_up"] > 0 > res["residents_pension"]["paid_down"]


def test_break_even_values_hold_the_need_at_the_target(qitai):
    target = 10 * qitai.base_year.civil_service.subsidy_income.value
    solved = {e["lever"]: e for e in break_even_values(qitai)}
    base = qitai.meta.base_year
    for lever in LEVERS:
        value = solved[lever.name]["value"]
        assert value is not None and lever.lo < value < lever.hi
        sc = shocked(qitai, lambda d, lever=lever, value=value: lever.set(d, value, base))
        need = project_basis(build_basis(sc)).summary(0)["civil_service"]["subsidy_need_10y"]
        assert need == pytest.approx(target, rel=1e-6)
