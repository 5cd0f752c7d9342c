"""Break-even values solve what they claim; shocks move results the right way."""

from __future__ import annotations

import re

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


@pytest.fixture(scope="module")
def sens_with_break_even(qitai):
    return sensitivity(qitai)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sensitivity_terminal_text_fits_120_columns_in_its_language(sens_with_break_even, lang):
    from model.output.sensitivity_tables import format_sensitivity
    from tests.analysis.terminal_text import check

    text = format_sensitivity(sens_with_break_even, lang)
    check(text, lang)
    # the break-even values are percentages, not fractions
    values = {e["lever"]: e["value"] for e in sens_with_break_even.break_even}
    assert f"{100 * values['contribution_rate_employer']:.2f}%" in text
    assert f"{values['contribution_rate_employer']:.4f}" not in text
    if lang == "zh":
        # each shock with its size, in Chinese
        assert re.search(r"工资增长率 +±1个百分点 ", text) and "percentage point" not in text
        assert re.search(r"死亡率改善 +±0.5个百分点 ", text) and re.search(
            r"法定退休年龄 +±1岁 ", text
        )
    else:
        assert re.search(r"wage growth +±1 pp ", text) and "pp = percentage point" in text


def test_shock_steps_are_said_in_both_languages():
    from model.output.sensitivity_tables import SHOCK_NAMES, shock_step, shock_with_step

    for name in SHOCK_NAMES:
        assert shock_step(name, "zh") != shock_step(name, "en")
    assert shock_with_step("wage_growth", "zh") == "工资增长率 ±1个百分点"
    assert shock_with_step("wage_growth", "en") == "wage growth ±1 pp"
