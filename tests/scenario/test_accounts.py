"""Partial accounts: a base year of totals only, or of a subsidy by level of government, runs;
the lines it does not state are estimated by the rules of ``model.scenario.accounts`` and marked,
and the consistency check leaves them out."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis.consistency import check_base_year
from model.engine.project import project
from model.errors import ScenarioError
from tests.conftest import DELETE, LINES_BESIDE_TOTALS, variant

CS = "base_year.civil_service"
RS = "base_year.residents"


def _totals_only(block: str) -> dict:
    changes = {f"{block}.{k}": DELETE for k in LINES_BESIDE_TOTALS}
    changes["base_year.combined"] = DELETE
    return changes


def test_a_civil_service_base_year_of_totals_runs_and_marks_its_estimates(qitai_data):
    sc = variant(qitai_data, _totals_only(CS))
    cs = sc.base_year.civil_service
    assert cs is not None
    assert set(cs.estimated_lines) == {
        "contribution_income",
        "interest_income",
        "subsidy_income",
        "benefit_expenditure",
    }
    for key in cs.estimated_lines:
        assert getattr(cs, key).source.startswith("estimated: ")
    # the estimates add up to the stated totals, which stay as stated
    lines = cs.contribution_income.value + cs.interest_income.value + cs.subsidy_income.value
    assert lines == pytest.approx(cs.total_income.value, abs=1e-9)
    assert cs.benefit_expenditure.value == cs.total_expenditure.value
    result = project(sc)
    d = result.funds["civil_service"]
    # the base year reproduces the stated totals and reserve
    assert d["total_income"][0, 0] == pytest.approx(cs.total_income.value, abs=0.01)
    assert d["total_expenditure"][0, 0] == pytest.approx(cs.total_expenditure.value, abs=0.01)
    assert d["reserve_end"][0, 0] == pytest.approx(cs.reserve_end.value, abs=0.01)
    # estimated lines are not checked as the report's identities
    assert not [
        f
        for f in check_base_year(sc)
        if f.fund == "civil_service" and f.figure.key in cs.estimated_lines
    ]


def test_contributions_from_heads_when_no_total_leaves_them(qitai_data):
    """Without total income the civil-service contributions come from heads × wage × rates."""
    changes = _totals_only(CS)
    changes[f"{CS}.total_income"] = DELETE
    changes[f"{CS}.subsidy_income"] = {"value": 16115.63, "unit": "万元", "source": "x y z"}
    sc = variant(qitai_data, changes)
    cs = sc.base_year.civil_service
    assert cs is not None
    # 6816 contributors × 94281 元 × (16% + 8%) × 100% / 10,000
    assert cs.contribution_income.value == pytest.approx(6816 * 94281 * 0.24 / 1e4)
    assert cs.contribution_income.estimated and cs.total_income.estimated
    project(sc)


def test_a_residents_subsidy_report_by_level_runs(qitai_data):
    changes = _totals_only(RS)
    changes[f"{RS}.total_income"] = DELETE
    changes[f"{RS}.total_expenditure"] = DELETE
    changes[f"{RS}.subsidy_by_level"] = {
        "central": {"value": 2000, "unit": "万元", "source": "made-up subsidy report: 中央"},
        "county": {"value": 1274, "unit": "万元", "source": "made-up subsidy report: 县级"},
    }
    # without a funeral budget the grant per death is stated
    changes["policy.residents.funeral_grant_yuan"] = {
        "value": 2000,
        "unit": "元",
        "source": "made-up",
    }
    sc = variant(qitai_data, changes)
    rs = sc.base_year.residents
    assert rs is not None
    assert rs.subsidy_income.value == 3274 and not rs.subsidy_income.estimated
    assert rs.subsidy_income.source.startswith("derived: ")
    assert {"benefit_expenditure", "contribution_income", "interest_income"} <= set(
        rs.estimated_lines
    )
    result = project(sc)
    assert np.all(np.isfinite(result.funds["residents"]["reserve_end"]))


def test_carry_over_and_transfers_enter_the_account(qitai_data):
    sc = variant(
        qitai_data,
        {
            f"{CS}.reserve_start": {"value": 802.34, "unit": "万元", "source": "made-up: 上年结余"},
            f"{CS}.transfer_income": {"value": 0, "unit": "万元", "source": "made-up: 转移收入"},
        },
    )
    findings = [f for f in check_base_year(sc) if f.identity.value == "reserve_roll"]
    # 802.34 + 29709.01 − 30150.48 = 360.87, the stated year-end reserve
    assert len(findings) == 1 and findings[0].agrees
    wrong = variant(
        qitai_data,
        {f"{CS}.reserve_start": {"value": 900, "unit": "万元", "source": "made-up: 上年结余"}},
    )
    assert not [f for f in check_base_year(wrong) if f.identity.value == "reserve_roll"][0].agrees


def test_an_account_with_too_little_is_refused(qitai_data):
    with pytest.raises(ScenarioError) as err:
        variant(qitai_data, {f"{CS}.total_income": DELETE, f"{CS}.subsidy_income": DELETE})
    assert "total_income (or subsidy_income, or subsidy_by_level)" in str(err.value)
