"""The residents' fund's basis, built topic by topic: mortality, the county population and the
base year's beneficiaries, contributions, pensions and the fund."""

from __future__ import annotations

import numpy as np

from model.engine.basis.arrays import ResidentsBasis, row
from model.engine.basis.fund_rules import fund_arrays, funding_shares
from model.engine.basis.members import residents_beneficiaries, residents_population
from model.engine.basis.mortality import residents_death_probabilities
from model.engine.basis.pensions import residents_pensions
from model.engine.basis.wages import residents_contributions
from model.engine.basis.years import Years
from model.engine.calibrate import Calibrated
from model.scenario.schema import Scenario, needed


def residents_basis(
    scenario: Scenario, observed: Scenario, y: Years, calibration: list[Calibrated]
) -> ResidentsBasis:
    """Every array of the county population and the residents' fund. ``observed`` has the base
    year's policy (the root of an ``extends`` chain), ``scenario`` the policy from the next year
    on."""
    stated = scenario.base_year.residents
    a = scenario.assumptions.residents
    popa = scenario.assumptions.population
    pol = scenario.policy.residents
    pol0 = observed.policy.residents
    assert (
        stated is not None
        and a is not None
        and pol is not None
        and popa is not None
        and pol0 is not None
    )

    q = residents_death_probabilities(scenario, y)
    population = residents_population(popa, y)
    population0 = population["population0"]
    beneficiaries0, uptake = residents_beneficiaries(
        stated, a, popa, population0, int(round(pol0.pension_age.value)), calibration
    )
    contributions = residents_contributions(stated, a, pol, pol0, y, population0, calibration)
    pensions = residents_pensions(
        stated, a, pol, pol0, y, q, population0, beneficiaries0, contributions, calibration
    )
    fund = fund_arrays(
        stated,
        "residents",
        needed(scenario.assumptions.economy.interest_rate_residents, "interest_rate_residents"),
        pol.subsidy,
        y,
        calibration,
    )
    return ResidentsBasis(
        death_prob=q[None],
        fertility=population["fertility"][None],
        male_share_of_births=np.array([population["male_share_of_births"]]),
        net_migration_rate=row(y.values(popa.net_migration_rate)),
        migration_profile=population["migration_profile"][None],
        pension_age=int(round(pol.pension_age.value)),
        uptake=np.array([uptake]),
        contribution_ages=contributions["contribution_ages"][None],
        contributor_rate=row(contributions["contributor_rate"]),
        contribution_per_contributor_yuan=row(contributions["contribution_per_contributor_yuan"]),
        contribution_subsidy_per_contributor_yuan=row(
            contributions["contribution_subsidy_per_contributor_yuan"]
        ),
        central_pension_monthly_yuan=row(pensions["central"]),
        central_pension_link=row(pensions["central_link"]),
        top_up_pension_monthly_yuan=row(pensions["top_up"]),
        top_up_pension_link=row(pensions["top_up_link"]),
        new_account_pension_monthly_yuan=row(pensions["new_account"]),
        account_balance_by_age_yuan=pensions["balance_by_age"][None],
        account_refund_months=pensions["refund_months"][None],
        exposed0=np.array([pensions["exposed0"]]),
        account_refunds0=np.array([pensions["refunds0"]]),
        funeral_grant_yuan=row(pensions["grant"]),
        funeral_grant_link=row(pensions["grant_link"]),
        other_income_ratio=np.array([contributions["other_income_ratio"]]),
        account_crediting_rate=row(y.values(a.account_crediting_rate)),
        funding_shares=funding_shares(pol)[None],
        funding_shares0=funding_shares(pol0)[None],
        population0=population0[None],
        beneficiaries0=beneficiaries0[None],
        account_pension_mass0=pensions["account_mass0"][None],
        account_liability0=np.array(
            [
                a.account_liability_share_of_reserve.value
                * needed(stated.reserve_end, "reserve_end").value
            ]
        ),
        **fund,
    )
