"""The engine's own computation of the base year reproduces the report's outturn."""

from __future__ import annotations

import pytest

from tests.published import qitai_2021 as pub

CASES = [("civil_service", k, v) for k, v in pub.CIVIL_SERVICE.items()] + [
    ("residents", k, v) for k, v in pub.RESIDENTS.items()
]


@pytest.mark.parametrize("fund,name,stated", CASES, ids=[f"{f}.{n}" for f, n, _ in CASES])
def test_base_year_reproduces_report(qitai_projection, fund, name, stated):
    value, section = stated
    got = qitai_projection.series(fund, name)[0]
    tol = pub.HEADS_ATOL if name in ("contributors", "beneficiaries") else pub.MONEY_ATOL_WAN
    assert got == pytest.approx(value, abs=tol), f"{fund}.{name}: {got} vs {value} ({section})"


def test_base_year_is_the_first_row_of_each_fund(qitai_projection):
    rows = qitai_projection.rows()
    for fund in ("civil_service", "residents"):
        first = next(r for r in rows if r["fund"] == fund)
        assert first["year"] == 2021


def test_residents_shortfall_matches_the_unpaid_county_subsidy(qitai_projection):
    """The report says over 1700 万元 of county subsidy was not paid in (二(二)). The model's
    subsidy due under the funding rules, less the subsidy received, must be at least that."""
    shortfall = qitai_projection.funds["residents"]["subsidy_shortfall"][0, 0]
    due = qitai_projection.funds["residents"]["subsidy_due"][0, 0]
    assert due > pub.RESIDENTS["subsidy_income"][0]
    assert shortfall >= pub.RESIDENTS_COUNTY_ARREARS_AT_LEAST


def test_calibrated_salary_is_near_the_regional_public_sector_wage(qitai_projection):
    """Contributions of 13574.93 万元 at 24% from 6816 people imply a mean base of ~82,984 元,
    which should sit near Xinjiang's 2021 public-administration wage (83,364 元, POLICY §5)."""
    cal = {c.name: c.value for c in qitai_projection.calibration if c.fund == "civil_service"}
    assert cal["mean_contribution_base_yuan"] == pytest.approx(13574.93e4 / (6816 * 0.24), rel=1e-9)
    assert abs(cal["mean_contribution_base_yuan"] / 83364 - 1) < 0.01
