"""Actuarial balance (``model.analysis.valuation``, ``yanglao valuation``): identities and properties,
never engine figures (the engine's results change as its formulas are refined)."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from model.engine.basis import build_basis
from model.errors import YanglaoError
from model.engine.project import project, project_basis
from model.analysis.valuation import Discount, parse_discount, valuation
from tests.conftest import QITAI, variant
from tests.scenario.bad_scenarios import CASES as BAD

#: The balance identity holds to rounding [万元].
IDENTITY_ATOL_WAN = 1e-6
#: Hand computations repeat the module's sums in another order [万元].
HAND_RTOL = 1e-10

runner = CliRunner()

REVENUE = {"value": {2021: 250000.0}, "unit": "万元", "uprate": "wage_growth",
           "source": "test: an invented figure, not Qitai's"}


@pytest.fixture(scope="module")
def qitai_valuation(qitai):
    return valuation(qitai)


@pytest.fixture(scope="module")
def with_revenue(qitai_data):
    return variant(qitai_data, {"assumptions.economy.general_budget_revenue": REVENUE})


@pytest.mark.parametrize("discount", [Discount("fund"), Discount("flat", 0.05), Discount("flat", 0.0),
                                      Discount("real", 0.02)])
def test_actuarial_balance_identity(qitai, discount):
    v = valuation(qitai, discount=discount, closed_years=3)
    for f in v.funds:
        income = sum(x.present_value for x in f.lines if x.kind == "income")
        spending = sum(x.present_value for x in f.lines if x.kind == "expenditure")
        assert f.opening_reserve + income - spending - f.closing_reserve_pv == pytest.approx(
            0.0, abs=IDENTITY_ATOL_WAN), f.fund
        assert abs(f.balance_residual) < IDENTITY_ATOL_WAN


def test_interest_margin_vanishes_at_the_fund_rate_with_a_positive_reserve(qitai_valuation):
    for f in qitai_valuation.funds:
        assert f.line("interest_margin").present_value == pytest.approx(0.0, abs=IDENTITY_ATOL_WAN)


def test_present_values_equal_a_hand_computation(qitai):
    v = valuation(qitai, years=3, closed_years=3)
    p = project(qitai, years=3)
    for f in v.funds:
        rate = getattr(p.basis, f.fund).interest_rate[0]
        flows = p.funds[f.fund]
        for name in ("contribution_income", "subsidy_income", "benefit_expenditure"):
            x = flows[name][0]
            hand = (x[1] / (1 + rate[1]) + x[2] / ((1 + rate[1]) * (1 + rate[2]))
                    + x[3] / ((1 + rate[1]) * (1 + rate[2]) * (1 + rate[3])))
            assert f.line(name).present_value == pytest.approx(hand, rel=HAND_RTOL), (f.fund, name)
            assert f.line(name).sum_nominal == pytest.approx(x[1:].sum(), rel=HAND_RTOL)
        prices = np.cumprod(1 + np.full(3, 0.02))  # the scenario's price inflation, 2%
        x = flows["benefit_expenditure"][0, 1:]
        assert f.line("benefit_expenditure").sum_real == pytest.approx((x / prices).sum(), rel=HAND_RTOL)
        assert f.opening_reserve == pytest.approx(flows["reserve_end"][0, 0])


def test_a_flat_rate_discounts_with_that_rate(qitai):
    v = valuation(qitai, years=2, discount=Discount("flat", 0.04), closed_years=3)
    p = project(qitai, years=2)
    x = p.funds["civil_service"]["benefit_expenditure"][0]
    hand = x[1] / 1.04 + x[2] / 1.04**2
    assert v.fund("civil_service").line("benefit_expenditure").present_value == pytest.approx(hand, rel=HAND_RTOL)


def test_a_higher_discount_rate_lowers_the_present_value_of_benefits(qitai):
    low = valuation(qitai, discount=Discount("flat", 0.02), closed_years=40)
    high = valuation(qitai, discount=Discount("flat", 0.05), closed_years=40)
    for a, b in zip(low.funds, high.funds, strict=True):
        assert b.line("benefit_expenditure").present_value < a.line("benefit_expenditure").present_value
        assert b.closed.pensioners < a.closed.pensioners
        assert b.closed.accrued_liability < a.closed.accrued_liability


def test_closed_group_pensioners_equal_their_discounted_benefits(qitai, qitai_valuation):
    """(a) is the closed-group benefit expenditure of today's pensioners, discounted at the
    fund's rate; the pensioners and the actives run apart add up to the closed group run whole."""
    basis = build_basis(qitai, 100)
    cs = basis.civil_service
    frozen = np.ones_like(cs.hiring_frozen)
    frozen[:, 0] = 0.0
    closed = replace(cs, hiring_frozen=frozen)
    whole = project_basis(replace(basis, civil_service=closed, residents=None), keep_members=False)
    alone = project_basis(replace(basis, civil_service=replace(closed, actives0=np.zeros_like(cs.actives0)),
                                  residents=None), keep_members=False)
    rate = cs.interest_rate[0, 1:]
    factor = 1.0 / np.cumprod(1 + rate)
    benefits = alone.funds["civil_service"]["benefit_expenditure"][0, 1:]
    c = qitai_valuation.fund("civil_service").closed
    assert c.pensioners == pytest.approx(float((benefits * factor).sum()), rel=HAND_RTOL)
    np.testing.assert_allclose(c.pensioners_benefits_by_year, benefits)
    everyone = float((whole.funds["civil_service"]["benefit_expenditure"][0, 1:] * factor).sum())
    assert c.pensioners + c.actives_all == pytest.approx(everyone, rel=1e-9)
    # no one is hired, and the century's last year weighs almost nothing in the present value
    assert whole.funds["civil_service"]["entrants"][0, 1:].sum() == 0.0
    last = whole.funds["civil_service"]["benefit_expenditure"][0, -1] * factor[-1]
    assert last < 1e-3 * everyone


def test_accrued_liability_adds_up(qitai_valuation):
    cs = qitai_valuation.fund("civil_service").closed
    assert 0 < cs.actives_accrued < cs.actives_all
    assert cs.accrued_liability == pytest.approx(cs.pensioners + cs.actives_accrued)
    assert cs.implicit_debt == pytest.approx(cs.accrued_liability - cs.reserve)
    res = qitai_valuation.fund("residents").closed
    assert res.accounts_added and res.accounts > 0
    assert res.accrued_liability == pytest.approx(res.pensioners + res.accounts)
    assert res.implicit_debt == pytest.approx(res.accrued_liability - res.reserve)


def test_civil_service_accounts_come_from_account_balance_when_projected(qitai, qitai_valuation):
    flows = project(qitai, years=1).funds["civil_service"]
    accounts = qitai_valuation.fund("civil_service").closed.accounts
    if "account_balance" in flows:
        assert accounts == pytest.approx(float(flows["account_balance"][0, 0]))
    else:
        assert accounts is None


def test_shares_of_budget_revenue_are_missing_without_the_input(qitai_valuation):
    assert qitai_valuation.revenue_source is None
    for f in qitai_valuation.funds:
        assert f.budget_revenue_pv is None and f.budget_revenue_base_year is None
        assert all(x.share_of_budget_revenue is None for x in f.lines)
    assert qitai_valuation.fund("residents").payroll_pv is None
    assert all(x.share_of_payroll is None for x in qitai_valuation.fund("residents").lines)


def test_shares_of_budget_revenue_with_the_input(with_revenue):
    v = valuation(with_revenue, years=3, closed_years=3)
    wage_growth = np.array([0.06, 0.06, 0.06])  # the scenario's wage growth 2022–2024
    revenue = 250000.0 * np.cumprod(1 + wage_growth)
    for f in v.funds:
        factor = 1.0 / np.cumprod(1 + getattr(project(with_revenue, years=3).basis, f.fund).interest_rate[0, 1:])
        assert f.budget_revenue_pv == pytest.approx(float((revenue * factor).sum()), rel=HAND_RTOL)
        line = f.line("subsidy_income")
        assert line.share_of_budget_revenue == pytest.approx(line.present_value / f.budget_revenue_pv)
        assert f.budget_revenue_base_year == pytest.approx(250000.0)
    cs = v.fund("civil_service")
    assert cs.line("contribution_base").share_of_payroll == pytest.approx(1.0)


def test_parse_discount_refuses_nonsense():
    assert parse_discount(None) == Discount("fund")
    for bad in ("abc", "real:", "5", "real:x"):
        with pytest.raises(YanglaoError, match="--discount"):
            parse_discount(bad)


def test_cli_writes_its_files(tmp_path):
    out = tmp_path / "val"
    result = runner.invoke(app, ["valuation", str(QITAI), "--out", str(out), "--lang", "en",
                                 "--discount", "real:0.02"])
    assert result.exit_code == 0, result.output
    assert "accrued liability" in result.output and "implicit debt" in result.output
    assert {p.name for p in out.iterdir()} == {"valuation.csv", "valuation_paths.csv", "valuation.xlsx",
                                               ".yanglao-run"}
    rows = list(csv.DictReader(open(out / "valuation.csv", encoding="utf-8-sig")))
    assert {r["fund"] for r in rows} == {"civil_service", "residents"}
    assert any(r["item"] == "implicit_debt" and r["section"] == "closed" for r in rows)
    assert all(r["share_of_pv_budget_revenue"] == "" for r in rows)


@pytest.mark.parametrize("name", ["negative_count", "years_out_of_order"])
def test_cli_bad_file_exits_2_with_a_located_message(name, tmp_path):
    path = BAD[name].write(tmp_path)
    out = tmp_path / "val"
    result = runner.invoke(app, ["valuation", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{path.name}:" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_bad_discount_exits_2(tmp_path):
    result = runner.invoke(app, ["valuation", str(QITAI), "--discount", "lots", "--out", str(tmp_path / "v")])
    assert result.exit_code == 2
    assert "--discount" in result.output
    assert not (tmp_path / "v").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_valuation_terminal_text_fits_120_columns_in_its_language(lang):
    from tests.analysis.terminal_text import check

    result = CliRunner().invoke(app, ["valuation", str(QITAI), "--lang", lang])
    assert result.exit_code == 0, result.output
    check(result.stdout, lang, ids=["qitai-2021"])
    assert not re.search(r"\de[-+]\d", result.stdout)  # the balance residual is money, not a scientific number
