"""The 2020 → 2021 back-test runs, and its documented table is the engine's."""

from __future__ import annotations

import pytest

from model.analysis.backtest import backtest, previous_year_scenario
from model.output.backtest_tables import format_backtest
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def rows(qitai):
    return backtest(qitai)


def test_documented_table_matches_the_engine(rows):
    doc = (ROOT / "docs" / "backtest.md").read_text(encoding="utf-8")
    table = doc.split("<!-- backtest-table -->\n")[1].split("\n<!-- /backtest-table -->")[0]
    assert table == format_backtest(rows, 2021)


def test_previous_year_figures_come_from_the_stated_increases(qitai):
    earlier = previous_year_scenario(qitai)
    assert earlier.meta.base_year == 2020
    cs = earlier.base_year.civil_service
    # 二(一): 29709.01 − 3801.491 and 30150.48 − 2599.1
    assert cs.total_income.value == pytest.approx(25907.519)
    assert cs.total_expenditure.value == pytest.approx(27551.38)
    assert cs.reserve_end.value == pytest.approx(802.34)
    parts = cs.contribution_income.value + cs.interest_income.value + cs.subsidy_income.value + cs.other_income.value
    assert parts == pytest.approx(cs.total_income.value)
    rs = earlier.base_year.residents
    assert rs.total_income.value == pytest.approx(6333.77 - 191.91)
    assert rs.reserve_end.value == pytest.approx(20043.72 - (6333.77 - 5619.81))


def test_errors_are_what_the_docs_explain(rows):
    by = {(r.fund, r.line): r for r in rows}
    # totals and spending within a few percent; the residents' subsidy misses by the arrears
    assert abs(by["civil_service", "total_expenditure"].relative_error) < 0.05
    assert abs(by["residents", "benefit_expenditure"].relative_error) < 0.05
    assert by["residents", "subsidy_income"].error > 1700  # report 二(二): over 1700 万元 unpaid
    # the base year's own lines are projected from 2020, not copied: interest is earned on the
    # derived 2020 reserve at the 2021 rate
    assert by["civil_service", "interest_income"].projected != pytest.approx(18.45, abs=1e-9)
