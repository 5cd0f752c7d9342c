"""The civil-service fund's basis, built topic by topic: mortality, retirement, the base year's
members, wages and contributions, pensions, the workforce and the fund."""

from __future__ import annotations

import numpy as np

from model.engine.axes import CS_GROUPS
from model.engine.basis.arrays import CivilServiceBasis, row
from model.engine.basis.fund_rules import GOVERNMENT_LEVELS, fund_arrays
from model.engine.basis.headcount import civil_service_headcount
from model.engine.basis.members import civil_service_members, retirement_rules
from model.engine.basis.mortality import civil_service_death_probabilities
from model.engine.basis.pensions import account_balances, civil_service_awards, indexation_rates
from model.engine.basis.wages import civil_service_wages, regional_wages
from model.engine.basis.years import Years, history_first
from model.engine.calibrate import Calibrated
from model.engine.retirement import retirement_hazard
from model.scenario.schedule import step_values
from model.scenario.schema import Scenario, needed
from model.units import YUAN_PER_WAN


def civil_service_basis(
    scenario: Scenario, observed: Scenario, y: Years, calibration: list[Calibrated]
) -> CivilServiceBasis:
    """Every array of the civil-service fund. ``observed`` has the base year's policy (the root
    of an ``extends`` chain), ``scenario`` the policy from the next year on."""
    stated = scenario.base_year.civil_service
    a = scenario.assumptions.civil_service
    pol = scenario.policy.civil_service  # from the year after the base year
    pol0 = observed.policy.civil_service  # the base year: as observed
    assert stated is not None and a is not None and pol is not None and pol0 is not None
    T = y.T

    q = civil_service_death_probabilities(scenario, y)
    # retirement under the projection's policy; the base-year stock under the observed one
    hazard, mean_retire_age = retirement_hazard(y.years, retirement_rules(pol, a))
    original_ages = {g: float(getattr(pol0.retirement_age, g)) for g in CS_GROUPS}
    actives0, retirees0 = civil_service_members(stated, a, q, original_ages)

    calendar, wage_all = regional_wages(scenario, y)
    wages = civil_service_wages(stated, pol, pol0, a, y, actives0, wage_all, calibration)

    # pensions: the stock in payment calibrated on its own; new awards by the formula
    crediting = step_values(
        needed(scenario.assumptions.economy.account_crediting_rate, "account_crediting_rate"),
        calendar,
    )
    grant = history_first(y.values(pol.funeral_grant_yuan), y.values(pol0.funeral_grant_yuan))
    lump_months = history_first(
        np.full(T, pol.survivors_lump_sum_months.value if pol.survivors_lump_sum_months else 0.0),
        np.array([pol0.survivors_lump_sum_months.value if pol0.survivors_lump_sum_months else 0.0]),
    )
    accounts = account_balances(
        pol0.benefit, a, calendar, wage_all, crediting, wages["indexed_wage_ratio"], y.years
    )
    refunds0 = float((actives0 * q[0] * accounts["open"][0]).sum()) / YUAN_PER_WAN
    awards = civil_service_awards(
        stated,
        pol,
        pol0,
        a,
        y,
        q,
        retirees0,
        original_ages,
        mean_retire_age,
        calendar,
        wage_all,
        crediting,
        wages["indexed_wage_ratio"],
        wages["base_now"],
        float(grant[0]),
        float(lump_months[0]),
        refunds0,
        calibration,
    )
    indexation, indexation_link = indexation_rates(pol, y)

    fund = fund_arrays(
        stated,
        "civil_service",
        needed(
            scenario.assumptions.economy.interest_rate_civil_service, "interest_rate_civil_service"
        ),
        pol.subsidy,
        y,
        calibration,
    )
    return CivilServiceBasis(
        subsidy_level=np.array([GOVERNMENT_LEVELS.index(pol.subsidy_paid_by)]),
        death_prob=q[None],
        exit_rate=row(np.full(T, a.exit_rate.value)),
        retirement_hazard=hazard[None],
        new_pension_monthly_yuan=awards["new_award"][None],
        final_base_yuan=awards["final_base"][None],
        account_balance_open_yuan=accounts["open"][None],
        account_balance_end_yuan=accounts["end"][None],
        survivors_lump_sum_months=row(lump_months),
        previous_average_wage_yuan=row(wages["wage_prev"]),
        retired_in_base_year=awards["retired_in_base_year"][None],
        final_base_mass0=np.array([awards["final_base_mass0"]]),
        **civil_service_headcount(pol, a, y),
        salary_level_yuan=row(wages["salary_level"]),
        salary_scale=row(wages["scale"]),
        base_floor_yuan=row(wages["floor"]),
        base_cap_yuan=row(wages["cap"]),
        contribution_rate_employer=row(wages["er"]),
        contribution_rate_individual=row(wages["ee"]),
        collection_rate=row(wages["coll"]),
        indexation=row(indexation),
        indexation_link=row(indexation_link),
        funeral_grant_yuan=row(grant),
        other_income=row(np.full(T, stated.other_income_total)),
        actives0=actives0[None],
        retirees0=retirees0[None],
        pension_mass0=awards["pension_mass0"][None],
        **fund,
    )
