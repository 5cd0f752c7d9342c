"""Every policy lever and every assumption changes the result, in the expected direction.

``LEVER_CASES`` changes one input of the Qitai scenario and names the series that must move and
how. ``test_every_field_has_a_case`` walks the policy and assumptions schemas, so a new field
without a case here fails the suite: no parameter can be silently ignored. A field that by design
moves no projected series is listed in ``INERT`` with the reason, and a test checks that it
really moves nothing (when it starts to, it needs a case).
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel

from model.engine.project import project
from model.scenario.schema import Assumptions, CivilServicePolicy, ResidentsPolicy
from model.scenario.variants import model_fields_of
from tests.conftest import DELETE, variant

CS = "policy.civil_service"
RS = "policy.residents"
ECO = "assumptions.economy"
MORT = "assumptions.mortality"
POP = "assumptions.population"
ACS = "assumptions.civil_service"
ARS = "assumptions.residents"


def s(value):
    return {"value": value, "source": "test"}


def q(value, unit: str = "/1"):
    return {"value": value, "unit": unit, "source": "test"}


# (id, changes, fund, series, direction[, reference]): "+" never lower and higher somewhere after
# the base year, "-" the reverse, "!=" different somewhere (the sign is not determined). With a
# reference (dotted-path changes), the lever is measured against the scenario with the reference
# applied rather than against the shipped one (e.g. a migration age profile needs migration).
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
    # new awards in the transition: the old method is a floor, so a higher old-method rate
    # raises the pensions of those retiring before the transition ends
    ("old_method_rates", {f"{CS}.benefit.transition.old_method_rate_by_service":
                          {10: 0.8, 20: 0.9, 30: 0.95, 35: 1.0}},
     "civil_service", "new_award_mean_monthly_yuan", "!="),
    # a longer transition keeps the old-method floor for later retirees
    ("transition_end", {f"{CS}.benefit.transition.end_year": 2030.75},
     "civil_service", "new_award_mean_monthly_yuan", "!="),
    ("excess_share_paid", {f"{CS}.benefit.transition.end_year": 2030.75,
                           f"{CS}.benefit.transition.excess_share_paid": s({2014: 0.0})},
     "civil_service", "new_award_mean_monthly_yuan", "!="),
    ("deemed_index", {f"{CS}.benefit.deemed_contribution_index": {"value": 3.0, "source": "test"}},
     "civil_service", "new_award_mean_monthly_yuan", "+"),
    ("survivors_lump_sum", {f"{CS}.survivors_lump_sum_months": {"value": 6, "source": "test"}},
     "civil_service", "benefit_expenditure", "+"),
    ("basic_pension_uprating", {f"{RS}.basic_pension_uprating": {
        "wage_growth_share": 1.0, "price_inflation_share": 0.0, "margin": 0.01, "source": "test"}},
     "residents", "basic_pension_top_up", "+"),
    ("funeral_grant_uprating", {f"{RS}.funeral_grant_uprating": {
        "wage_growth_share": 1.0, "price_inflation_share": 0.0, "margin": 0.01, "source": "test"}},
     "residents", "funeral_grant_expenditure", "+"),
    ("tier_mix_by_year", {"assumptions.residents.tier_mix_by_year": {2025: {500: 0.5, 1000: 0.5}}},
     "residents", "contribution_income", "+"),
    # a lower threshold gives more contributors the higher contribution subsidy
    ("contribution_subsidy_threshold", {f"{RS}.contribution_subsidy.threshold_tier_yuan": 100},
     "residents", "subsidy_due", "+"),
]

# Assumptions. The base year's stated figures never move; a base-year assumption may move the
# base year's calibration (see BASE_YEAR_NOT_STATED for the series that are not stated figures).
ASSUMPTION_CASES = [
    # economy
    ("wage_growth", {f"{ECO}.wage_growth": s({2021: 0.092, 2022: 0.08})},
     "civil_service", "contribution_income", "+"),
    # the residents' basic pension follows prices after its last stated year (the shipped rule)
    ("price_inflation", {f"{ECO}.price_inflation": s(0.03)}, "residents", "basic_pension_top_up", "+"),
    # a higher provincial wage raises the contribution floor and cap of the next year
    ("average_wage_region", {f"{ECO}.average_wage_region_yuan": {
        "value": {2021: 94281, 2022: 110000}, "uprate": "wage_growth", "source": "test"}},
     "civil_service", "contribution_income", "+"),
    # earlier wages shape the pensions in payment (and so the calibrated formula factor)
    ("average_wage_region_history", {f"{ECO}.average_wage_region_history_yuan": s(
        {1980: 900, 1990: 2500, 2000: 11000, 2010: 42000, 2020: 86343, 2021: 94281})},
     "civil_service", "benefit_expenditure", "!="),
    ("interest_rate_civil_service", {f"{ECO}.interest_rate_civil_service": s({2021: 0.023, 2022: 0.04})},
     "civil_service", "interest_income", "+"),
    ("interest_rate_residents", {f"{ECO}.interest_rate_residents": s({2021: 0.0223, 2022: 0.04})},
     "residents", "interest_income", "+"),
    # accounts credited at a higher rate from 2022 give higher pensions to those retiring after
    ("employee_account_crediting", {f"{ECO}.account_crediting_rate": s(
        {2014: 0.03, 2016: 0.0831, 2017: 0.0712, 2018: 0.0829, 2019: 0.0761, 2020: 0.0604, 2021: 0.0669,
         2022: 0.08})},
     "civil_service", "benefit_expenditure", "+"),
    ("pension_indexation_history", {f"{ECO}.pension_indexation_history": s({1980: 0.04, 2016: 0.065, 2021: 0.045})},
     "civil_service", "benefit_expenditure", "!="),
    # mortality
    ("civil_service_table", {f"{MORT}.civil_service_table": "wpp2024_2020_2025"},  # population > annuitants
     "civil_service", "beneficiaries", "-"),
    ("civil_service_table_year", {f"{MORT}.civil_service_table_year": 2020},  # less improvement to 2021
     "civil_service", "beneficiaries", "-"),
    ("civil_service_mortality_up", {f"{MORT}.civil_service_multiplier": {
        "male": 1.3, "female_55": 1.3, "female_50": 1.3, "source": "test"}},
     "civil_service", "beneficiaries", "-"),
    ("residents_table", {f"{MORT}.residents_table": "wpp2024_2015_2020"},  # the earlier, higher table
     "residents", "beneficiaries", "-"),
    ("residents_table_year", {f"{MORT}.residents_table_year": 2015},  # more improvement to 2021
     "residents", "beneficiaries", "+"),
    ("residents_mortality_up", {f"{MORT}.residents_multiplier": {"male": 1.3, "female": 1.3, "source": "test"}},
     "residents", "beneficiaries", "-"),
    ("improvement_rate", {f"{MORT}.improvement_rate": s(0.02)}, "civil_service", "beneficiaries", "+"),
    # a member roster's shapes: older retirees die sooner; pensions rising with age weigh more
    # on the older, who die sooner
    ("retiree_age_profile", {f"{ACS}.retiree_age_profile": {
        "weights": {60: 1.0, 70: 2.0, 80: 2.0, 90: 1.0}, "band_width": 10, "last_age": 100,
        "source": "test"}},
     "civil_service", "beneficiaries", "-"),
    ("pension_scale", {f"{ACS}.pension_scale": {
        "weights": {50: 0.8, 60: 0.9, 70: 1.1, 80: 1.4}, "band_width": 10, "last_age": 100,
        "source": "test"}},
     "civil_service", "benefit_expenditure", "!="),
    # population
    ("total_persons", {f"{POP}.total_persons": q(250000, "人")}, "residents", "population_total", "+"),
    ("age_structure_weights", {f"{POP}.age_structure.weights": {
        0: 3879237, 10: 3360387, 20: 3556339, 30: 4416542, 40: 4085352, 50: 4637479, 60: 2030108,
        70: 910365, 80: 341286, 90: 35250}},
     "residents", "beneficiaries", "!="),
    ("age_structure_bands", {f"{POP}.age_structure": {
        "weights": {0: 1.0, 20: 1.0, 40: 1.0, 60: 0.5, 80: 0.1}, "band_width": 20, "last_age": 95,
        "source": "test"}},
     "residents", "beneficiaries", "!="),
    # more men: higher mortality and fewer mothers
    ("male_share", {f"{POP}.male_share": q(0.6)}, "residents", "population_total", "-"),
    ("total_fertility", {f"{POP}.total_fertility_rate": s({2021: 1.5, 2022: 2.5})},
     "residents", "population_total", "+"),
    ("mean_age_at_birth", {f"{POP}.mean_age_at_birth": q(32, "岁")}, "residents", "population_total", "!="),
    ("sex_ratio_at_birth", {f"{POP}.sex_ratio_at_birth": q(1.3)}, "residents", "population_total", "!="),
    ("net_migration", {f"{POP}.net_migration_rate": s(0.01)}, "residents", "population_total", "+"),
    # the shipped scenario has no migration: the profile is measured against 1% a year
    ("migration_age_profile", {f"{POP}.migration_age_profile": {
        "weights": {0: 1.0, 20: 1.0, 40: 1.0}, "band_width": 20, "last_age": 79, "source": "test"}},
     "residents", "population_total", "!=", {f"{POP}.net_migration_rate": s(0.01)}),
    # civil-service members
    # more women, who retire earlier and live longer
    ("contributor_groups", {f"{ACS}.contributor_groups": {
        "male": 0.3, "female_55": 0.5, "female_50": 0.2, "source": "test"}},
     "civil_service", "beneficiaries", "+"),
    ("retiree_groups", {f"{ACS}.retiree_groups": {"male": 0.3, "female_55": 0.5, "female_50": 0.2,
                                                  "source": "test"}},
     "civil_service", "beneficiaries", "+"),
    ("entrant_groups", {f"{ACS}.entrant_groups": {"male": 0.2, "female_55": 0.5, "female_50": 0.3,
                                                  "source": "test"}},
     "civil_service", "beneficiaries", "+"),
    # an older workforce: more retire soon
    ("contributor_age_profile_older", {f"{ACS}.contributor_age_profile.weights": {
        20: 0.5, 25: 1.0, 30: 1.2, 35: 1.2, 40: 1.1, 45: 1.1, 50: 1.5, 55: 2.0}},
     "civil_service", "beneficiaries", "+"),
    ("contributor_age_profile_bands", {f"{ACS}.contributor_age_profile": {
        "weights": {20: 1.0, 40: 1.0}, "band_width": 20, "last_age": 54, "source": "test"}},
     "civil_service", "beneficiaries", "!="),
    # faster-growing retirements in the past: a younger stock of retirees, fewer deaths
    ("retiree_inflow_growth", {f"{ACS}.retiree_inflow_growth": q(0.08)}, "civil_service", "beneficiaries", "+"),
    ("salary_scale", {f"{ACS}.salary_scale.weights": {
        20: 0.5, 25: 0.7, 30: 0.9, 35: 1.0, 40: 1.1, 45: 1.2, 50: 1.3, 55: 1.4, 60: 1.5}},
     "civil_service", "contribution_income", "!="),
    ("entry_age_profile", {f"{ACS}.entry_age_profile": {
        "weights": {30: 1.0, 35: 1.0}, "band_width": 5, "last_age": 39, "source": "test"}},
     "civil_service", "beneficiaries", "!="),
    # leavers never draw a pension from the fund
    ("exit_rate", {f"{ACS}.exit_rate": q(0.03)}, "civil_service", "beneficiaries", "-"),
    ("service_start_age", {f"{ACS}.service_start_age": q(26, "岁")}, "civil_service", "benefit_expenditure", "!="),
    # the completed age gives at least as many 计发月数 as the interpolated one: smaller pensions
    ("payout_months_floor", {f"{ACS}.payout_months_fractional_ages": "floor"},
     "civil_service", "benefit_expenditure", "-"),
    # residents
    ("tier_mix", {f"{ARS}.tier_mix": {100: 0.05, 200: 0.15, 300: 0.20, 500: 0.25, 1000: 0.25, 2000: 0.10}},
     "residents", "benefit_expenditure", "!="),
    # more of the base year's pension is account pension, less basic pension for everyone after
    ("account_pension_share", {f"{ARS}.account_pension_share": q(0.15)}, "residents", "benefit_expenditure", "-"),
    ("account_liability_share", {f"{ARS}.account_liability_share_of_reserve": q(0.5)},
     "residents", "account_liability", "-"),
    ("residents_account_crediting", {f"{ARS}.account_crediting_rate": s({2010: 0.015, 2022: 0.04})},
     "residents", "benefit_expenditure", "+"),
    # fewer years in the account for those reaching the pension age
    ("scheme_start_year", {f"{ARS}.scheme_start_year": 2015}, "residents", "benefit_expenditure", "-"),
    ("uptake_at_pension_age", {f"{ARS}.uptake_at_pension_age": q(0.8)}, "residents", "beneficiaries", "+"),
]

#: Cases whose checked series is not a stated figure of the base year, so a base-year assumption
#: may move its base year: the population total of the base year is the assumption itself, and
#: the account liability of the base year is its share of the stated reserve.
BASE_YEAR_NOT_STATED = {"total_persons", "account_liability_share"}

#: Fields that by design move no projected series, with why. ``test_inert_fields_move_nothing``
#: checks each really moves nothing.
INERT = {
    # read only by the valuation, for present values as shares of the county's budget revenue
    f"{ECO}.general_budget_revenue": ({f"{ECO}.general_budget_revenue": s(100000)}),
    # a scale holds each band's value over its ages up to the next band, the last to the top age
    f"{ACS}.salary_scale.band_width": ({f"{ACS}.salary_scale.band_width": 10}),
    f"{ACS}.salary_scale.last_age": ({f"{ACS}.salary_scale.last_age": 65}),
    # read only by `yanglao budget`, which draws the withheld subsidy of a budget year
    f"{ARS}.subsidy_arrears_risk.probability": ({f"{ARS}.subsidy_arrears_risk": {
        "probability": 0.5, "level": "county", "source": "test"}}),
    f"{ARS}.subsidy_arrears_risk.level": ({f"{ARS}.subsidy_arrears_risk": {
        "probability": 0.3, "level": "prefecture", "source": "test"}}),
    # who pays the subsidy: the budget's split by level, not the fund's cash flows
    f"{CS}.subsidy_paid_by": ({f"{CS}.subsidy_paid_by": "region"}),
    # names the area of the age structure for the calibration's report only
    f"{POP}.age_structure_of": ({f"{POP}.age_structure_of": "county"}),
}

ALL_CASES = [c if len(c) == 6 else (*c, {}) for c in LEVER_CASES + ASSUMPTION_CASES]


@pytest.fixture(scope="module")
def baseline(qitai_projection):
    return qitai_projection


def _project_variant(qitai_data, qitai, changes):
    changed = variant(qitai_data, changes)
    changed._history = qitai  # a lever is a change of policy from the year after the base year
    return project(changed)


@pytest.mark.parametrize("case_id,changes,fund,series,direction,reference", ALL_CASES,
                         ids=[c[0] for c in ALL_CASES])
def test_lever_moves_the_result(qitai_data, qitai, baseline, case_id, changes, fund, series, direction,
                                reference):
    result = _project_variant(qitai_data, qitai, {**reference, **changes})
    before = _project_variant(qitai_data, qitai, reference) if reference else baseline
    new = result.funds[fund][series][0]
    old = before.funds[fund][series][0]
    # the base year is history in every variant
    if case_id not in BASE_YEAR_NOT_STATED:
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
        assert direction == "!=", f"unknown direction {direction!r}"
        assert (np.abs(later_new - later_old) > tol).any(), f"{series} did not change"


def _leaf_paths(model: type[BaseModel], prefix: str) -> set[str]:
    """Dotted paths of every input leaf: a value with its source (a Quantity or Schedule), a
    plain field, or a whole rule block (headcount, subsidy, funding)."""
    out = set()
    for name, field in model.model_fields.items():
        if name in ("source", "note", "unit") or name.endswith("_source"):
            continue
        sub = model_fields_of(field.annotation)
        path = f"{prefix}.{name}"
        if sub is not None and not getattr(sub, "value", None) and "value" not in sub.model_fields \
                and name not in ("headcount", "subsidy", "funding"):
            out |= _leaf_paths(sub, path)
        else:
            out.add(path)
    return out


_MISSING = object()


def _at(node, keys: list[str]):
    """The value at dotted ``keys`` inside parsed YAML (keys may be whole numbers), or _MISSING."""
    for k in keys:
        if not isinstance(node, dict):
            return _MISSING
        key = int(k) if k.isdigit() and int(k) in node else k
        if key not in node:
            return _MISSING
        node = node[key]
    return node


def _moves(change_path: str, value, field: str, data: dict) -> bool:
    """Whether setting ``change_path`` to ``value`` changes ``field`` of the scenario ``data``: the
    field itself or a part of it is set, or the field's value inside a block set whole differs."""
    if change_path == field or change_path.startswith(field + "."):
        return True
    if not field.startswith(change_path + "."):
        return False
    rest = field[len(change_path) + 1:].split(".")
    new = _MISSING if value is DELETE else _at(value, rest)
    return new != _at(data, field.split("."))


def _fields() -> set[str]:
    fields = _leaf_paths(CivilServicePolicy, CS) | _leaf_paths(ResidentsPolicy, RS)
    for name, info in Assumptions.model_fields.items():
        fields |= _leaf_paths(model_fields_of(info.annotation), f"assumptions.{name}")
    return fields


def test_every_field_has_a_case(qitai_data):
    """Every leaf of ``policy`` and ``assumptions`` is moved by some case (or listed as inert)."""
    from tests.conftest import with_changes

    data = qitai_data[0]
    fields = _fields()
    assert {f"{ECO}.wage_growth", f"{MORT}.civil_service_multiplier.male", f"{POP}.age_structure.band_width",
            f"{ACS}.exit_rate", f"{ARS}.tier_mix", f"{CS}.benefit.basic_accrual_rate"} <= fields, "the walk is broken"
    changes = [(path, value, with_changes(data, reference) if reference else data)
               for _, case_changes, *_, reference in ALL_CASES for path, value in case_changes.items()]
    missing = sorted(f for f in fields - set(INERT)
                     if not any(_moves(path, value, f, before) for path, value, before in changes))
    assert not missing, f"fields no lever test moves: {missing}"
    assert not set(INERT) - fields, f"inert fields that are not in the schema: {sorted(set(INERT) - fields)}"


@pytest.mark.parametrize("path", sorted(INERT))
def test_inert_fields_move_nothing(qitai_data, qitai, baseline, path):
    result = _project_variant(qitai_data, qitai, INERT[path])
    moved = [f"{fund}.{name}" for fund, arrays in baseline.funds.items() for name, arr in arrays.items()
             if not np.array_equal(result.funds[fund][name], arr)]
    assert not moved, f"{path} is listed as inert but moves {moved}: give it a case in LEVER_CASES"


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
