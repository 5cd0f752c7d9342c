"""Properties that must hold whatever the numbers: directions of policy levers."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.basis import build_basis, stack_bases
from model.engine.project import project, project_basis
from tests.conftest import variant

CS = "policy.civil_service"


def _rate(value):
    return {"value": value, "source": "test"}


@pytest.mark.parametrize("low,high", [(0.12, 0.16), (0.16, 0.20), (0.16, 0.24)])
def test_higher_contribution_rate_never_raises_subsidy_need(qitai_data, low, high):
    results = []
    for rate in (low, high):
        sc = variant(qitai_data, {f"{CS}.contribution_rate_employer": _rate({2014: 0.20, 2022: rate})})
        results.append(project(sc).funds["civil_service"]["subsidy_need"][0, 1:])
    assert (results[1] <= results[0] + 1e-9).all()
    assert (results[1] < results[0]).any()


@pytest.mark.parametrize("slow,fast", [(0.0, 0.02), (0.02, 0.04), (0.03, 0.06)])
def test_faster_indexation_never_lowers_expenditure(qitai_data, slow, fast):
    out = []
    for rate in (slow, fast):
        sc = variant(qitai_data, {f"{CS}.indexation": _rate({2021: 0.045, 2022: rate})})
        out.append(project(sc).funds["civil_service"]["total_expenditure"][0])
    assert (out[1] >= out[0] - 1e-9).all()
    assert (out[1][1:] > out[0][1:]).all()


def test_retirement_reform_never_lowers_contributors(qitai_data):
    on = variant(qitai_data, {f"{CS}.retirement_reform.enabled": True})
    off = variant(qitai_data, {f"{CS}.retirement_reform.enabled": False})
    for rule in ("growth", "replacement"):
        # under 'constant' hiring fills every vacancy, so test rules where hiring does not adapt
        extra = {f"{CS}.headcount": {"rule": rule, "growth_rate": _rate(0.0),
                                     "replacement_ratio": {"value": 0.8, "source": "test"}, "source": "test"}}
        c_on = project(variant(qitai_data, {**extra, f"{CS}.retirement_reform.enabled": True}))
        c_off = project(variant(qitai_data, {**extra, f"{CS}.retirement_reform.enabled": False}))
        a = c_on.funds["civil_service"]["contributors"][0]
        b = c_off.funds["civil_service"]["contributors"][0]
        assert (a >= b - 1e-9).all(), rule
    # retirements fall and contributors rise once the reform bites
    r_on = project(on).funds["civil_service"]
    r_off = project(off).funds["civil_service"]
    years = project(on).years
    assert r_on["retirements"][0, years == 2025] < r_off["retirements"][0, years == 2025]
    assert (r_on["beneficiaries"][0, years >= 2026] < r_off["beneficiaries"][0, years >= 2026]).all()


def test_zero_mortality_and_exits_conserve_heads(qitai_data):
    sc = variant(qitai_data, {
        "assumptions.mortality.civil_service_multiplier": {"male": 1e-12, "female_55": 1e-12,
                                                           "female_50": 1e-12, "source": "test"},
        "assumptions.civil_service.exit_rate": {"value": 0.0, "source": "test"},
        f"{CS}.headcount": {"rule": "path", "path": {"value": 0, "source": "test"}, "source": "test"},
    })
    d = project(sc).funds["civil_service"]
    total = d["contributors"][0] + d["beneficiaries"][0]
    np.testing.assert_allclose(total, total[0], rtol=1e-9)
    assert d["entrants"][0].sum() == 0


def test_hiring_freeze_cuts_contributors_and_then_holds(qitai_data):
    sc = variant(qitai_data, {f"{CS}.headcount": {"rule": "constant", "freeze": {"start_year": 2022, "years": 5},
                                                  "source": "test"}})
    r = project(sc)
    c = r.funds["civil_service"]["contributors"][0]
    years = r.years
    frozen = (years >= 2022) & (years <= 2026)
    assert (np.diff(c[:6]) < 0).all()  # shrinking while frozen (2022–2026)
    assert r.funds["civil_service"]["entrants"][0, frozen].sum() == 0
    np.testing.assert_allclose(c[years >= 2027], c[years == 2026][0], rtol=1e-9)


def test_headcount_growth_rule_grows_contributors(qitai_data):
    sc = variant(qitai_data, {f"{CS}.headcount": {"rule": "growth", "growth_rate": _rate(0.02), "source": "test"}})
    c = project(sc).funds["civil_service"]["contributors"][0]
    np.testing.assert_allclose(c[1:] / c[:-1], 1.02, rtol=1e-9)


def test_unchanged_variant_reproduces_baseline_exactly(qitai_data, qitai_projection):
    again = project(variant(qitai_data, {}))
    for fund, d in qitai_projection.funds.items():
        for name, arr in d.items():
            np.testing.assert_array_equal(again.funds[fund][name], arr, err_msg=f"{fund}.{name}")


def test_batched_run_equals_single_runs(qitai_data):
    scenarios = [variant(qitai_data, {f"{CS}.contribution_rate_employer": _rate({2014: 0.2, 2021: r})})
                 for r in (0.14, 0.16, 0.20)]
    singles = [project(s) for s in scenarios]
    batched = project_basis(stack_bases([build_basis(s) for s in scenarios]))
    assert batched.batch_size == 3
    assert batched.checks() == []
    for i, single in enumerate(singles):
        for fund in single.funds:
            for name in ("contributors", "subsidy_need", "reserve_end", "benefit_expenditure"):
                np.testing.assert_allclose(batched.funds[fund][name][i], single.funds[fund][name][0],
                                           rtol=1e-12, err_msg=f"{i} {fund}.{name}")


@pytest.mark.parametrize("rule,field,value", [
    ("fixed", "amount", {"value": 20000, "source": "test"}),
    ("share_of_expenditure", "share", {"value": 0.5, "source": "test"}),
    ("none", None, None),
])
def test_subsidy_rules_pay_as_stated_and_need_is_reported(qitai_data, rule, field, value):
    sub = {"rule": rule, "source": "test"}
    if field:
        sub[field] = value
    r = project(variant(qitai_data, {f"{CS}.subsidy": sub}))
    d = r.funds["civil_service"]
    paid = d["subsidy_income"][0, 1:]
    if rule == "fixed":
        np.testing.assert_allclose(paid, 20000)
    elif rule == "share_of_expenditure":
        np.testing.assert_allclose(paid, 0.5 * d["total_expenditure"][0, 1:])
    else:
        np.testing.assert_array_equal(paid, 0)
        assert r.summary()["civil_service"]["depletion_year"] == 2022
    assert (d["subsidy_need"][0, 1:] >= 0).all()
