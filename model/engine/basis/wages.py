"""Wages and contributions: the provincial wage over history and projection, the civil-service
salary level calibrated to the stated contributions, and the residents' contribution tiers.
"""

from __future__ import annotations

import numpy as np

from model.engine import calibrate as cal
from model.engine.axes import N_AGES, FloatArray, IntArray
from model.engine.basis.years import Years, history_first
from model.engine.calibrate import Calibrated
from model.engine.tables import age_levels
from model.scenario.schedule import geometric_values, schedule_values, step_values
from model.scenario.schema import Scenario, needed
from model.units import YUAN_PER_WAN

#: First calendar year of the wage and account histories behind pensions already in payment.
HISTORY_START = 1930
#: Years of provincial wages kept past the horizon (a short run still needs the wage of the
#: transition's last year for the deemed contribution index).
WAGE_MARGIN_YEARS = 10


def regional_wages(scenario: Scenario, y: Years) -> tuple[IntArray, FloatArray]:
    """The provincial average wage over every calendar year from HISTORY_START to a year past
    the horizon: the history before the base year, the projection from it."""
    eco = scenario.assumptions.economy
    base = scenario.meta.base_year
    calendar = np.arange(HISTORY_START, y.years[-1] + 2 + WAGE_MARGIN_YEARS)
    wage_hist = geometric_values(
        needed(eco.average_wage_region_history_yuan, "average_wage_region_history_yuan"), calendar
    )
    # The projection runs on past the horizon with the scenario's own wage path, so that a
    # formula that looks at the previous year, or at a reference year after a short run (the
    # transition's last year), sees the same wage whatever the horizon.
    ahead = np.arange(base, calendar[-1] + 1)
    drivers = {
        "wage_growth": step_values(eco.wage_growth, ahead),
        "price_inflation": step_values(eco.price_inflation, ahead),
    }
    wage_ahead = schedule_values(
        needed(eco.average_wage_region_yuan, "average_wage_region_yuan"), ahead, drivers
    )
    wage_all = np.where(
        calendar < base, wage_hist, wage_ahead[np.clip(calendar - base, 0, wage_ahead.size - 1)]
    )
    return calendar, wage_all


def civil_service_wages(
    stated,
    pol,
    pol0,
    a,
    y: Years,
    actives0: FloatArray,
    wage_all: FloatArray,
    calibration: list[Calibrated],
) -> dict:
    """Contribution rates, floor and cap, the salary scale by age and the salary level: the base
    year's level solved so that the stated contributions come from the base-year members."""
    yrs = y.years
    base_year = int(yrs[0])
    wage_prev = wage_all[yrs - 1 - HISTORY_START]  # provincial wage of the previous year
    floor = (
        history_first(y.values(pol.contribution_base_floor), y.values(pol0.contribution_base_floor))
        * wage_prev
    )
    cap = (
        history_first(y.values(pol.contribution_base_cap), y.values(pol0.contribution_base_cap))
        * wage_prev
    )
    er = history_first(
        y.values(pol.contribution_rate_employer), y.values(pol0.contribution_rate_employer)
    )
    ee = history_first(
        y.values(pol.contribution_rate_individual), y.values(pol0.contribution_rate_individual)
    )
    coll = history_first(y.values(pol.collection_rate), y.values(pol0.collection_rate))
    scale = age_levels(a.salary_scale)
    level0 = cal.solve_salary_level(
        stated.contribution_income.value,
        actives0,
        scale,
        floor[0],
        cap[0],
        (er[0] + ee[0]) * coll[0],
        ("base_year.civil_service.contribution_income", "base_year.civil_service.contributors"),
    )
    growth_index = np.cumprod(np.concatenate([[1.0], 1 + y.drivers["wage_growth"][1:]]))
    salary_level = level0 * growth_index
    mean_base = float((actives0 * np.clip(level0 * scale, floor[0], cap[0])).sum() / actives0.sum())
    indexed_wage_ratio = mean_base / wage_prev[0]
    cal.check_plausible(
        "contribution_base_yuan",
        mean_base,
        "a mean contribution base (元/年)",
        ("base_year.civil_service.contribution_income", "base_year.civil_service.contributors"),
    )
    calibration.append(
        Calibrated(
            "civil_service",
            "mean_contribution_base_yuan",
            mean_base,
            "元/年",
            f"contribution_income ({stated.contribution_income.source})",
            reference=float(wage_all[base_year - HISTORY_START]),
            reference_label="provincial average wage of the base year",
        )
    )
    calibration.append(
        Calibrated(
            "civil_service",
            "indexed_wage_ratio",
            indexed_wage_ratio,
            "/1",
            "mean contribution base / provincial wage of the previous year "
            "(Ī of the benefit formula)",
        )
    )
    return {
        "wage_prev": wage_prev,
        "floor": floor,
        "cap": cap,
        "er": er,
        "ee": ee,
        "coll": coll,
        "scale": scale,
        "salary_level": salary_level,
        "indexed_wage_ratio": indexed_wage_ratio,
        # contribution base per head by year and age (T, A), yuan/year
        "base_now": np.clip(salary_level[:, None] * scale[None, :], floor[:, None], cap[:, None]),
    }


def tier_arrays(a, pol, y: Years) -> tuple[FloatArray, FloatArray]:
    """Mean contribution and mean contribution subsidy per contributor (元/年) by year."""
    cs = pol.contribution_subsidy

    def means(mix: dict[int, float]) -> tuple[float, float]:
        tiers = np.array(list(mix), dtype=float)
        shares = np.array(list(mix.values()), dtype=float)
        subsidy = np.where(
            tiers >= cs.threshold_tier_yuan, cs.from_threshold_yuan, cs.below_threshold_yuan
        )
        return float(tiers @ shares), float(subsidy @ shares)

    base = means(a.tier_mix)
    contribution = np.full(y.T, base[0])
    subsidy = np.full(y.T, base[1])
    for year, mix in (a.tier_mix_by_year or {}).items():
        later = y.years >= max(year, y.years[0] + 1)
        contribution[later], subsidy[later] = means(mix)
    return contribution, subsidy


def residents_contributions(
    stated, a, pol, pol0, y: Years, population0: FloatArray, calibration: list[Calibrated]
) -> dict[str, FloatArray]:
    """Who contributes and how much: the contribution ages by year (T, A), the contributor rate
    among the population at those ages, and the mean contribution and contribution subsidy per
    contributor, calibrated to the stated contributions."""
    ages = np.arange(N_AGES)
    T = y.T

    def ages_of(p) -> FloatArray:
        return ((ages >= p.contribution_age_from) & (ages <= p.contribution_age_to)).astype(float)

    contribution_ages = np.repeat(ages_of(pol)[None, :], T, 0)
    contribution_ages[0] = ages_of(pol0)
    at_contribution_ages = (population0 * contribution_ages[0]).sum()
    per_contributor, subsidy_per_contributor = tier_arrays(a, pol, y)
    _, subsidy_per_contributor0 = tier_arrays(a, pol0, y)
    subsidy_per_contributor[0] = subsidy_per_contributor0[0]
    if stated.contributors is not None and stated.contributors.value > 0:
        contributors0 = stated.contributors.value
        mean_tier = per_contributor[0]
        per_contributor = per_contributor * (
            stated.contribution_income.value * YUAN_PER_WAN / contributors0 / mean_tier
        )
        calibration.append(
            Calibrated(
                "residents",
                "contribution_per_contributor_yuan",
                per_contributor[0],
                "元/年",
                "contribution_income / stated contributors",
                reference=mean_tier,
                reference_label="mean of the tier mix",
            )
        )
    else:
        contributors0 = stated.contribution_income.value * YUAN_PER_WAN / per_contributor[0]
        calibration.append(
            Calibrated(
                "residents",
                "contributors",
                contributors0,
                "人",
                f"contribution_income ({stated.contribution_income.source}) "
                "/ mean tier of the tier mix",
            )
        )
    cal.check_plausible(
        "residents_contribution_yuan",
        stated.contribution_income.value * YUAN_PER_WAN / contributors0,
        "a mean contribution per contributor (元/年)",
        ("base_year.residents.contribution_income", "base_year.residents.contributors"),
    )
    contributor_rate0 = contributors0 / at_contribution_ages
    contributor_rate = history_first(
        y.optional(pol.participation_rate, contributor_rate0), np.array([contributor_rate0])
    )
    calibration.append(
        Calibrated(
            "residents",
            "contributor_rate",
            contributor_rate0,
            "/1",
            "contributors / population aged "
            f"{pol0.contribution_age_from}–{pol0.contribution_age_to}",
        )
    )
    other_ratio = (stated.other_income_total) / stated.contribution_income.value
    calibration.append(
        Calibrated(
            "residents",
            "other_income_ratio",
            other_ratio,
            "/1",
            "other_income / contribution_income (both as stated in the base year)",
        )
    )
    return {
        "contribution_ages": contribution_ages,
        "contributor_rate": contributor_rate,
        "contribution_per_contributor_yuan": per_contributor,
        "contribution_subsidy_per_contributor_yuan": subsidy_per_contributor,
        "other_income_ratio": other_ratio,
    }
