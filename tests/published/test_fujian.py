"""Fujian Province's civil-service fund from the yearbook's totals (scenarios/
fujian-civil-service-2020.yaml): the scenario loads as one province-pooled fund, its base year
reproduces the five published figures, the lines it does not state are estimated and marked,
and the back-test table of docs/regions/fujian.md is the one the code computes."""

from __future__ import annotations

import re

import pytest

from model.engine.project import project
from model.scenario.accounts import complete_fund
from model.scenario.load import load_scenario
from model.scenario.outturn import load_outturn
from tests.conftest import DELETE, ROOT, variant
from tools.backtest_region import markdown, rows

SCENARIO = ROOT / "scenarios" / "fujian-civil-service-2020.yaml"
OUTTURN = ROOT / "scenarios" / "outturns" / "fujian-civil-service-2021.yaml"
DOC = ROOT / "docs" / "regions" / "fujian.md"
TABLE = re.compile(r"<!-- backtest-table -->\n(.*?)\n<!-- /backtest-table -->", re.S)

#: The yearbook's 2020 figures (表10-7) in 万元 and persons.
PUBLISHED = {
    "total_income": 189.22e4,
    "total_expenditure": 355.42e4,
    "reserve_end": 147.67e4,
    "contributors": 97.24e4,
    "beneficiaries": 49.63e4,
}
ESTIMATED = {"contribution_income", "interest_income", "subsidy_income", "benefit_expenditure"}


@pytest.fixture(scope="module")
def fujian():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def fujian_projection(fujian):
    return project(fujian)


def test_the_scenario_is_one_province_pooled_fund(fujian):
    assert fujian.funds == ("civil_service",)
    assert fujian.meta.pooling == "province" and fujian.meta.province == "35"
    assert fujian.meta.base_year == 2020
    assert fujian.assumptions.population is None and fujian.policy.residents is None
    # the subsidy of a province-pooled fund is the province's
    assert fujian.policy.civil_service.subsidy_paid_by == "region"


def test_stated_figures_are_read_in_published_units(fujian):
    cs = fujian.base_year.civil_service
    for key, value in PUBLISHED.items():
        stated = getattr(cs, key)
        assert stated.value == pytest.approx(value, abs=1e-6), key
        assert stated.published_unit in ("亿元", "万人"), key
        assert not stated.estimated, key
        assert "表10-7" in stated.source and "tjj.fujian.gov.cn" in stated.source, key


def test_the_base_year_reproduces_the_published_figures(fujian_projection):
    d = fujian_projection.funds["civil_service"]
    for key, value in PUBLISHED.items():
        assert d[key][0, 0] == pytest.approx(value, abs=0.01), key


def test_the_lines_not_published_are_estimated_and_marked(fujian):
    cs = fujian.base_year.civil_service
    assert set(cs.estimated_lines) == ESTIMATED
    for key in ESTIMATED:
        assert getattr(cs, key).estimated
        assert getattr(cs, key).source.startswith("estimated: "), key
    # the estimates add up to the stated total; contributions are capped at what it leaves
    lines = cs.contribution_income.value + cs.interest_income.value + cs.subsidy_income.value
    assert lines == pytest.approx(cs.total_income.value, abs=1e-6)
    assert cs.subsidy_income.value == 0.0
    assert "capped at total income" in cs.contribution_income.source


def test_the_doc_quotes_the_back_test_the_code_computes():
    found = TABLE.search(DOC.read_text(encoding="utf-8"))
    assert found, "docs/regions/fujian.md lost its back-test table markers"
    computed = markdown(rows(SCENARIO, OUTTURN), 2021)
    assert found.group(1).strip() == computed, (
        "regenerate with python tools/backtest_region.py "
        "scenarios/fujian-civil-service-2020.yaml scenarios/outturns/fujian-civil-service-2021.yaml"
    )


def test_the_outturn_closes_its_reserve_roll():
    from model.analysis.consistency import check_stated

    findings = list(check_stated(load_outturn(OUTTURN)))
    assert [f.identity.value for f in findings] == ["reserve_roll"]
    assert findings[0].agrees  # 147.67 + 334.69 − 332.10 = 150.26


def test_a_later_years_estimate_uses_the_uprated_wage(fujian):
    """An outturn's contributions are estimated at that year's wage, uprated by wage growth."""
    block = load_outturn(OUTTURN).civil_service
    done = complete_fund(block, "civil_service", fujian, year=2021)
    wage_2021 = 88149 * (1 + 0.1126)
    assert done.contribution_income.value == pytest.approx(99.23e4 * wage_2021 * 0.24 / 1e4)


def test_contributions_from_heads_never_exceed_a_stated_total(qitai_data):
    """Regression: heads × wage × rates above what total income leaves is capped there, so the
    estimated lines add up to the stated total and the base year reproduces it."""
    cs = "base_year.civil_service"
    drop = ("contribution_income", "interest_income", "subsidy_income", "other_income")
    changes = {f"{cs}.{k}": DELETE for k in drop}
    changes["base_year.combined"] = DELETE
    changes[f"{cs}.balance"] = DELETE
    changes[f"{cs}.income_increase"] = DELETE
    changes[f"{cs}.income_budget"] = DELETE
    changes[f"{cs}.income_budget_completion"] = DELETE
    changes[f"{cs}.income_growth"] = DELETE
    # 6816 × 94281 元 × 24% ≈ 15,422 万元 of contributions, more than this total leaves
    changes[f"{cs}.total_income"] = {"value": 12000, "unit": "万元", "source": "made-up total"}
    changes[f"{cs}.reserve_end"] = {"value": 360.87, "unit": "万元", "source": "made-up"}
    sc = variant(qitai_data, changes)
    block = sc.base_year.civil_service
    assert block.subsidy_income.value == 0.0
    lines = block.contribution_income.value + block.interest_income.value
    assert lines == pytest.approx(12000, abs=1e-6)
    d = project(sc).funds["civil_service"]
    assert d["total_income"][0, 0] == pytest.approx(12000, abs=0.01)
