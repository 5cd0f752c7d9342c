"""Members: the retirement rules, and the base year's members of both funds at its end."""

from __future__ import annotations

import numpy as np

from model.engine.axes import CS_GROUPS, N_AGES, FloatArray
from model.engine.basis.years import Years
from model.engine.calibrate import Calibrated
from model.engine.demography import fertility_schedule
from model.engine.retirement import RetirementRules
from model.engine.tables import age_weights
from model.errors import CalibrationError
from model.units import readable


def retirement_rules(pol, a) -> RetirementRules:
    cohort = pol.retirement_age_by_cohort
    flex = pol.flexible_retirement
    minimum = pol.minimum_contribution_years
    entry = age_weights(a.entry_age_profile)
    return RetirementRules(
        original_ages=tuple((g, float(getattr(pol.retirement_age, g))) for g in CS_GROUPS),
        reform=pol.retirement_reform.enabled,
        reform_start_year=pol.retirement_reform.start_year,
        cohort_ages=tuple(
            (g, tuple(getattr(cohort, g).items()))
            for g in CS_GROUPS
            if cohort is not None and getattr(cohort, g)
        ),
        early_share=flex.early_share if flex else 0.0,
        early_years=flex.early_years if flex else 0.0,
        late_share=flex.late_share if flex else 0.0,
        late_years=flex.late_years if flex else 0.0,
        minimum_years=(
            tuple(minimum.value.items())
            if isinstance(minimum.value, dict)
            else ((1900, float(minimum.value)),)
        )
        if minimum is not None
        else (),
        entry_ages=tuple(
            (int(x), float(w)) for x, w in zip(np.nonzero(entry)[0], entry[entry > 0], strict=True)
        ),
    )


def civil_service_members(
    stated, a, q: FloatArray, original_ages: dict[str, float]
) -> tuple[FloatArray, FloatArray]:
    """The base year's members at its end (G, A): contributors spread by the age profile below
    each group's retirement age, retirees by the survival of past retirements growing at the
    assumed rate."""
    ages = np.arange(N_AGES)
    contributors = stated.contributors.value
    profile = age_weights(a.contributor_age_profile, normalise=False)
    actives0 = np.zeros((len(CS_GROUPS), N_AGES))
    for g, group in enumerate(CS_GROUPS):
        p = np.where(ages < int(np.floor(original_ages[group])), profile, 0.0)
        if p.sum() <= 0:
            raise CalibrationError(
                f"the contributor age profile leaves no ages below {group}'s "
                f"retirement age {original_ages[group]:g}",
                ("assumptions.civil_service.contributor_age_profile",),
            )
        actives0[g] = p / p.sum() * getattr(a.contributor_groups, group) * contributors
    retirees0 = np.zeros_like(actives0)
    inflow_growth = a.retiree_inflow_growth.value
    stated_profile = (
        age_weights(a.retiree_age_profile, normalise=False)
        if a.retiree_age_profile is not None
        else None
    )
    for g, group in enumerate(CS_GROUPS):
        r0 = int(np.floor(original_ages[group]))
        if stated_profile is not None:
            weights = stated_profile[r0:]
            if weights.sum() <= 0:
                raise CalibrationError(
                    f"the retiree age profile leaves no ages from {group}'s retirement age "
                    f"{original_ages[group]:g}",
                    ("assumptions.civil_service.retiree_age_profile",),
                )
        else:
            survival = np.concatenate([[1.0], np.cumprod(1 - q[0, g, r0:-1])])
            weights = survival * (1 + inflow_growth) ** -(ages[r0:] - r0)
        retirees0[g, r0:] = (
            weights / weights.sum() * getattr(a.retiree_groups, group) * stated.beneficiaries.value
        )
    return actives0, retirees0


def residents_population(popa, y: Years) -> dict[str, FloatArray]:
    """The county population at the end of the base year (2, A), its fertility by year and age,
    and the age profile of migrants."""
    structure = age_weights(popa.age_structure)
    male = popa.male_share.value
    sex_split = np.array([male, 1 - male])
    srb = popa.sex_ratio_at_birth.value
    return {
        "population0": popa.total_persons.value * sex_split[:, None] * structure[None, :],
        "fertility": fertility_schedule(
            y.values(popa.total_fertility_rate), popa.mean_age_at_birth.value
        ),
        "migration_profile": sex_split[:, None] * age_weights(popa.migration_age_profile)[None, :],
        "male_share_of_births": srb / (1 + srb),
    }


def residents_beneficiaries(
    stated, a, popa, population0: FloatArray, pension_age0: int, calibration: list[Calibrated]
) -> tuple[FloatArray, float]:
    """The base year's beneficiaries (2, A), as a share of the population at pension ages, and
    the take-up of those who reach the pension age later (stated, else that share)."""
    ages = np.arange(N_AGES)
    older = population0[:, pension_age0:].sum()
    stock_share = stated.beneficiaries.value / older
    if stock_share > 1:
        raise CalibrationError(
            f"{readable(stated.beneficiaries.value, 0)} beneficiaries exceed the "
            f"{readable(older, 0)} people "
            f"aged {pension_age0}+ of the population assumption; expected at most that many",
            (
                "base_year.residents.beneficiaries",
                "assumptions.population.total_persons",
                "assumptions.population.age_structure",
            ),
        )
    beneficiaries0 = np.where(ages[None, :] >= pension_age0, population0 * stock_share, 0.0)
    area = popa.age_structure_of
    flag = (
        ""
        if area == "county"
        else f"; the age structure is the {area}'s, not the county's: a share near 1 says the "
        "county has more older people than that structure gives"
    )
    calibration.append(
        Calibrated(
            "residents",
            "beneficiaries_share_of_older",
            stock_share,
            "/1",
            f"beneficiaries ({stated.beneficiaries.source}) / population aged "
            f"{pension_age0}+{flag}",
        )
    )
    stated_uptake = a.uptake_at_pension_age
    uptake = stated_uptake.value if stated_uptake is not None else stock_share
    calibration.append(
        Calibrated(
            "residents",
            "uptake_at_pension_age",
            uptake,
            "/1",
            f"as stated ({stated_uptake.source})"
            if stated_uptake is not None
            else "none stated: the base year's share of beneficiaries among the older population",
            reference=stock_share,
            reference_label="the base year's share among the older population",
        )
    )
    return beneficiaries0, uptake
