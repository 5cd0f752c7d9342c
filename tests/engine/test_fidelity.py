"""The long run as an actuary reads it: new awards against the wage, no steps from band edges,
schedules that start when they say, residents' pensions that keep their value, and a subsidy
split that agrees with the report. The plausibility table in docs/plausibility.md is the
engine's (regenerate it with ``python tools/make_plausibility.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.project import project
from model.scenario.load import load_scenario
from tests.conftest import ROOT

#: Published anchors for the civil-service new award as a share of the previous year's
#: provincial average wage (docs/model-review.md): pre-reform public-sector pensions of 80–90%
#: of final basic pay plus allowances at the top of the range, China's full-career gross
#: replacement rate of about 70% (OECD Pensions at a Glance Asia/Pacific 2022) near the bottom
#: for those with no deemed service.
NEW_AWARD_TO_WAGE_RANGE = (0.55, 1.15)


@pytest.fixture(scope="module")
def qitai_run():
    return project(load_scenario(ROOT / "scenarios" / "qitai-2021.yaml"))


def test_new_award_ratio_stays_in_a_defensible_range_to_2050(qitai_run):
    d = qitai_run.funds["civil_service"]
    ratio = d["new_award_to_average_wage"][0]
    years = qitai_run.years
    lo, hi = NEW_AWARD_TO_WAGE_RANGE
    inside = (ratio >= lo) & (ratio <= hi)
    assert inside[years <= 2050].all(), dict(zip(years[~inside].tolist(), ratio[~inside].round(3).tolist()))


def test_new_awards_fall_towards_the_new_method_as_deemed_service_ends(qitai_run):
    ratio = qitai_run.funds["civil_service"]["new_award_to_average_wage"][0]
    years = qitai_run.years
    # the transitional pension fades: the 2050 award is well below the 2025 award (against the wage)
    assert ratio[years == 2050][0] < ratio[years == 2025][0] - 0.15
    # replacement of the member's own final base is below 100% once the transition has ended
    rr = qitai_run.funds["civil_service"]["replacement_rate"][0]
    assert (rr[years >= 2025] < 1.0).all()


def test_no_steps_in_retirements_from_band_edges():
    """Without the retirement reform (whose phase points make real steps) and with a constant
    workforce, retirements and new residents' beneficiaries change gradually: a step at a band
    edge shows as a kink, a change in the yearly growth rate of more than a few percentage
    points (ten-year bands gave +12% in 2032 after flat years)."""
    run = project(load_scenario(ROOT / "scenarios" / "variants" / "no-retirement-reform.yaml"))
    for fund, name, kink in (("civil_service", "retirements", 0.06),
                             ("residents", "new_beneficiaries", 0.06)):
        series = run.funds[fund][name][0, 1:]
        growth = np.diff(np.log(series))
        assert np.abs(np.diff(growth)).max() < kink, (name, growth.round(3))


def test_residents_pension_per_beneficiary_rises_after_2025(qitai_run):
    per_head = qitai_run.funds["residents"]["pension_in_payment_mean_monthly_yuan"][0]
    years = qitai_run.years
    after = per_head[years >= 2025]
    assert (np.diff(after) > 0).all()


def test_county_share_due_exceeds_what_the_report_says_it_left_unpaid(qitai_run):
    stated = load_scenario(ROOT / "scenarios" / "qitai-2021.yaml").base_year.residents
    due_county = qitai_run.funds["residents"]["subsidy_due_county"][0, 0]
    assert due_county > stated.subsidy_arrears.value  # 二(二): 县级财政补助资金1700余万元没有拨付到位
    # and the whole shortfall of the base year covers the county's unpaid part
    shortfall = qitai_run.funds["residents"]["subsidy_due"][0, 0] - stated.subsidy_income.value
    assert shortfall >= stated.subsidy_arrears.value


def test_stock_factor_does_not_touch_new_awards(qitai_run):
    """The level fitted to the pensions in payment scales the old method only: with no
    transition the formula's new awards are the same whatever the stock is."""
    from model.engine.basis import build_basis

    sc = load_scenario(ROOT / "scenarios" / "qitai-2021.yaml")
    data = sc.model_dump(mode="python", exclude_none=True)
    data["policy"]["civil_service"]["benefit"].pop("transition")
    data["policy"]["civil_service"]["benefit"].pop("deemed_contribution_index")
    plain = type(sc).model_validate(data)
    data["base_year"]["civil_service"]["benefit_expenditure"]["value"] *= 1.2
    data["base_year"]["civil_service"]["total_expenditure"]["value"] *= 1.2
    richer = type(sc).model_validate(data)
    a, b = build_basis(plain).civil_service, build_basis(richer).civil_service
    np.testing.assert_allclose(a.new_pension_monthly_yuan, b.new_pension_monthly_yuan, rtol=1e-12)
    assert b.pension_mass0.sum() > a.pension_mass0.sum() * 1.15


def test_plausibility_page_is_the_engines():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_plausibility", ROOT / "tools" / "make_plausibility.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    doc = (ROOT / "docs" / "plausibility.md").read_text(encoding="utf-8")
    shown = doc.split(tool.START)[1].split(tool.END)[0]
    assert shown == tool.table(), "docs/plausibility.md is stale: run python tools/make_plausibility.py"
