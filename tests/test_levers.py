"""Every policy lever changes the result, in the expected direction.

``LEVER_CASES`` changes one input of the Qitai scenario and names the series that must move and
how. ``test_every_policy_field_has_a_case`` walks the policy schema, so a new policy field without
a case here fails the suite: no parameter can be silently ignored.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel

from model.project import project
from model.scenario.schema import CivilServicePolicy, ResidentsPolicy
from model.scenario.variants import model_fields_of
from tests.conftest import variant

CS = "policy.civil_service"
RS = "policy.residents"


def s(value):
    return {"value": value, "source": "test"}


# (id, changes, fund, series, direction): "+" never lower and higher somewhere after the base
# year, "-" the reverse, "!=" different somewhere.
LEVER_CASES = [
    ("employer_rate", {f"{CS}.contribution_rate_employer": s({2014: 0.2, 2019: 0.16, 2022: 0.18})},
     "civil_service", "contribution_income", "+"),
    ("individual_rate", {f"{CS}.contribution_rate_individual": s({2014: 0.08, 2022: 0.10})},
     "civil_service", "contribution_income", "+"),
    ("base_floor", {f"{CS}.contribution_base_floor": s({2014: 0.6, 2022: 1.0})},
     "civil_service", "contribution_income", "+"),
    ("base_cap", {f"{CS}.contribution_base_cap": s({2014: 3.0, 2022: 0.9})},
     "civil_service", "contribution_income", "-"),
    ("collection", {f"{CS}.collection_rate": s({2014: 1.0, 2022: 0.9})},
     "civil_service", "contribution_income", "-"),
    ("retirement_age", {f"{CS}.retirement_age": {"male": 61, "female_55": 56, "female_50": 51, "source": "test"}},
     "civil_service", "beneficiaries", "-"),
    ("reform_enabled", {f"{CS}.retirement_reform.enabled": False}, "civil_service", "beneficiaries", "+"),
    ("reform_start", {f"{CS}.retirement_reform.start_year": 2030}, "civil_service", "beneficiaries", "+"),
    ("accrual", {f"{CS}.benefit.basic_accrual_rate": s(0.012)}, "civil_service", "benefit_expenditure", "+"),
    ("transitional", {f"{CS}.benefit.transitional_coefficient": s(0.014)},
     "civil_service", "benefit_expenditure", "+"),
    ("benefit_reform_year", {f"{CS}.benefit.reform_year": 2010.0},
     "civil_service", "benefit_expenditure", "!="),
    ("account_rate", {f"{CS}.benefit.account_contribution_rate": s(0.12)},
     "civil_service", "benefit_expenditure", "+"),
    ("indexation", {f"{CS}.indexation": s({2021: 0.045, 2022: 0.05})}, "civil_service", "benefit_expenditure", "+"),
    ("indexation_rule_wage", {f"{CS}.indexation_rule": {"wage_growth_share": 1.0, "price_inflation_share": 0.0,
                                                        "source": "test"}},
     "civil_service", "benefit_expenditure", "+"),
    ("indexation_rule_price", {f"{CS}.indexation_rule": {"wage_growth_share": 0.0, "price_inflation_share": 0.5,
                                                         "source": "test"}},
     "civil_service", "benefit_expenditure", "-"),
    ("indexation_rule_margin", {f"{CS}.indexation_rule": {"wage_growth_share": 0.0, "price_inflation_share": 0.0,
                                                          "margin": -0.01, "source": "test"}},
     "civil_service", "benefit_expenditure", "-"),
    ("cohort_ages", {f"{CS}.retirement_age_by_cohort": {"male": {1963: 63}, "female_55": {1968: 58},
                                                        "female_50": {1973: 55}, "source": "test"}},
     "civil_service", "beneficiaries", "-"),
    ("flexible_late", {f"{CS}.flexible_retirement": {"early_share": 0, "early_years": 0, "late_share": 0.5,
                                                     "late_years": 2, "source": "test"}},
     "civil_service", "beneficiaries", "-"),
    ("flexible_early", {f"{CS}.flexible_retirement": {"early_share": 0.5, "early_years": 3, "late_share": 0,
                                                      "late_years": 0, "source": "test"}},
     "civil_service", "beneficiaries", "+"),
    ("minimum_years", {f"{CS}.minimum_contribution_years": s({2014: 15, 2022: 32})},
     "civil_service", "beneficiaries", "-"),
    ("cs_funeral", {f"{CS}.funeral_grant_yuan": s({2014: 0, 2022: 20000})},
     "civil_service", "benefit_expenditure", "+"),
    ("headcount_growth", {f"{CS}.headcount": {"rule": "growth", "growth_rate": s(0.02), "source": "test"}},
     "civil_service", "contributors", "+"),
    ("headcount_replacement", {f"{CS}.headcount": {"rule": "replacement", "replacement_ratio": s(0.5),
                                                   "source": "test"}},
     "civil_service", "contributors", "-"),
    ("headcount_path", {f"{CS}.headcount": {"rule": "path", "path": s({2021: 6816, 2030: 8000}), "source": "test"}},
     "civil_service", "contributors", "+"),
    ("headcount_freeze", {f"{CS}.headcount": {"rule": "constant", "freeze": {"start_year": 2023, "years": 3},
                                              "source": "test"}},
     "civil_service", "contributors", "-"),
    ("subsidy_reserve_months", {f"{CS}.subsidy": {"rule": "fill_gap", "reserve_months": s(3), "source": "test"}},
     "civil_service", "subsidy_income", "+"),
    ("subsidy_fixed", {f"{CS}.subsidy": {"rule": "fixed", "amount": s(10000), "source": "test"}},
     "civil_service", "subsidy_income", "-"),
    ("subsidy_share", {f"{CS}.subsidy": {"rule": "share_of_expenditure", "share": s(0.9), "source": "test"}},
     "civil_service", "subsidy_income", "+"),
    ("subsidy_arrears", {f"{CS}.subsidy": {"rule": "fill_gap", "source": "test", "arrears": {
        "level": "county", "share": s({2022: 0.5}), "paid": "never", "source": "test"}}},
     "civil_service", "reserve_end", "-"),
    ("central_minimum", {f"{RS}.basic_pension_central_monthly_yuan": s({2020: 93, 2022: 150})},
     "residents", "benefit_expenditure", "+"),
    ("contribution_subsidy", {f"{RS}.contribution_subsidy": {"below_threshold_yuan": 60, "from_threshold_yuan": 90,
                                                             "threshold_tier_yuan": 500, "source": "test"}},
     "residents", "subsidy_due", "+"),
    ("contribution_age_from", {f"{RS}.contribution_age_from": 20}, "residents", "contributors", "-"),
    ("contribution_age_to", {f"{RS}.contribution_age_to": 64}, "residents", "contributors", "+"),
    ("pension_age", {f"{RS}.pension_age": s(65)}, "residents", "beneficiaries", "-"),
    ("account_divisor", {f"{RS}.account_divisor_months": s(100)}, "residents", "benefit_expenditure", "+"),
    ("residents_funeral", {f"{RS}.funeral_grant_yuan": s({2021: 603, 2022: 3000})},
     "residents", "benefit_expenditure", "+"),
    ("funding_shares", {f"{RS}.funding.local_top_up": {"county": 1.0}}, "residents", "subsidy_due_county", "+"),
    ("residents_subsidy_rule", {f"{RS}.subsidy": {"rule": "none", "source": "test"}},
     "residents", "subsidy_income", "-"),
    ("residents_arrears_late", {f"{RS}.subsidy.arrears": {"level": "county", "share": s({2022: 1.0}),
                                                          "paid": "next_year", "source": "test"}},
     "residents", "reserve_end", "-"),
    ("top_up", {f"{RS}.basic_pension_top_up_monthly_yuan": s({2022: 150})},
     "residents", "benefit_expenditure", "+"),
    ("participation", {f"{RS}.participation_rate": s({2022: 0.6})}, "residents", "contribution_income", "+"),
    ("basic_pension_uprating", {f"{RS}.basic_pension_uprating": {
        "wage_growth_share": 1.0, "price_inflation_share": 0.0, "margin": 0.01, "source": "test"}},
     "residents", "basic_pension_top_up", "+"),
    ("funeral_grant_uprating", {f"{RS}.funeral_grant_uprating": {
        "wage_growth_share": 1.0, "price_inflation_share": 0.0, "margin": 0.01, "source": "test"}},
     "residents", "funeral_grant_expenditure", "+"),
    ("tier_mix_by_year", {"assumptions.residents.tier_mix_by_year": {2025: {500: 0.5, 1000: 0.5}}},
     "residents", "contribution_income", "+"),
]


@pytest.fixture(scope="module")
def baseline(qitai_projection):
    return qitai_projection


@pytest.mark.parametrize("case_id,changes,fund,series,direction", LEVER_CASES, ids=[c[0] for c in LEVER_CASES])
def test_lever_moves_the_result(qitai_data, qitai, baseline, case_id, changes, fund, series, direction):
    changed = variant(qitai_data, changes)
    changed._history = qitai  # a lever is a change of policy from the year after the base year
    result = project(changed)
    new = result.funds[fund][series][0]
    old = baseline.funds[fund][series][0]
    # the base year is history in every variant
    assert new[0] == pytest.approx(old[0], abs=1e-6), "the base year must not change"
    later_new, later_old = new[1:], old[1:]
    tol = 1e-9 * np.maximum(np.abs(later_old), 1.0)
    if direction == "+":
        assert (later_new >= later_old - tol).all(), f"{series} fell somewhere"
        assert (later_new > later_old + tol).any(), f"{series} did not rise"
    elif direction == "-":
        assert (later_new <= later_old + tol).all(), f"{series} rose somewhere"
        assert (later_new < later_old - tol).any(), f"{series} did not fall"
    else:
        assert (np.abs(later_new - later_old) > tol).any(), f"{series} did not change"


def _policy_paths(model: type[BaseModel], prefix: str) -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        if name in ("source", "note", "unit"):
            continue
        sub = model_fields_of(field.annotation)
        path = f"{prefix}.{name}"
        if sub is not None and not getattr(sub, "value", None) and "value" not in sub.model_fields \
                and name not in ("headcount", "subsidy", "funding"):
            out |= _policy_paths(sub, path)
        else:
            out.add(path)
    return out


def test_every_policy_field_has_a_case():
    fields = _policy_paths(CivilServicePolicy, CS) | _policy_paths(ResidentsPolicy, RS)
    covered = {path for _, changes, *_ in LEVER_CASES for path in changes}
    missing = sorted(f for f in fields if not any(c == f or c.startswith(f + ".") or f.startswith(c + ".")
                                                  for c in covered))
    assert not missing, f"policy fields with no lever test: {missing}"


def test_fee_cut_first_year_cost_is_four_percent_of_the_base(qitai_data, baseline):
    """Hand calculation: restoring the 20% employer rate raises 2022 contributions by exactly
    4% of the 2022 contribution base, and lowers the 2022 subsidy need by as much."""
    from model.scenario.load import load_scenario
    from tests.conftest import ROOT

    fee = project(load_scenario(ROOT / "scenarios" / "variants" / "no-fee-cut.yaml"))
    b, f = baseline.funds["civil_service"], fee.funds["civil_service"]
    base_2022 = b["contribution_base"][0, 1]
    assert f["contribution_income"][0, 1] - b["contribution_income"][0, 1] == pytest.approx(0.04 * base_2022, rel=1e-12)
    assert b["subsidy_need"][0, 1] - f["subsidy_need"][0, 1] == pytest.approx(0.04 * base_2022, rel=1e-9)
    assert f["contribution_income"][0, 0] == pytest.approx(13574.93, abs=0.01)
