"""The arrays of a basis: one dataclass per fund, the whole basis, and stacking on the batch
axis. Every array has a leading batch axis ``B`` (1 for one scenario, broadcast).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from model.engine.axes import FloatArray, IntArray
from model.engine.calibrate import Calibrated
from model.errors import CalibrationError


def row(x: FloatArray) -> FloatArray:
    """Add the leading batch axis of length 1."""
    return np.asarray(x, dtype=float)[None, ...]


@dataclass(frozen=True)
class CivilServiceBasis:
    """Arrays for the civil-service fund. Leading axis B (or 1, broadcast); T years, G groups,
    A ages. Money per head in yuan, totals in 万元."""

    death_prob: FloatArray  # [/1] (B, T, G, A), by age at the end of the previous year
    exit_rate: FloatArray  # [/1] (B, T)
    retirement_hazard: FloatArray  # [/1] (B, T, G, A)
    new_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T, G, A): new awards by the formula
    final_base_yuan: FloatArray  # [yuan/year] (B, T, G, A): contribution base before retiring
    account_balance_open_yuan: FloatArray  # [yuan per active] (B, T, A) at the start of year t
    account_balance_end_yuan: FloatArray  # [yuan per active] (B, T, A) at the end of year t
    survivors_lump_sum_months: FloatArray  # [months of pension per death] (B, T)
    previous_average_wage_yuan: (
        FloatArray  # [yuan/year] (B, T) provincial wage of year t−1 (计发基数)
    )
    retired_in_base_year: FloatArray  # 1.0 at each group's statutory age (G, A), else 0, (B, G, A)
    final_base_mass0: FloatArray  # [yuan/year] (B,) final pay of the base year's new retirees
    entrant_profile: FloatArray  # [/1] (B, G, A), sums to 1 over (G, A)
    headcount_rule: IntArray  # (B,) index into HEADCOUNT_RULES
    headcount_growth: FloatArray  # [/1] (B, T)
    replacement_ratio: FloatArray  # [/1] (B, T)
    headcount_path: FloatArray  # [persons] (B, T)
    hiring_frozen: FloatArray  # 1.0 in frozen years, (B, T)
    salary_level_yuan: FloatArray  # [yuan/year at salary scale 1] (B, T)
    salary_scale: FloatArray  # [/1] (B, A)
    base_floor_yuan: FloatArray  # [yuan/year] (B, T)
    base_cap_yuan: FloatArray  # [yuan/year] (B, T)
    contribution_rate_employer: FloatArray  # [/1] (B, T)
    contribution_rate_individual: FloatArray  # [/1] (B, T)
    collection_rate: FloatArray  # [/1] (B, T)
    indexation: FloatArray  # [/1] (B, T)
    indexation_link: FloatArray  # [/1] (B, T, 2) weights of wage growth and inflation in it
    funeral_grant_yuan: FloatArray  # [yuan per death] (B, T)
    interest_rate: FloatArray  # [/1] (B, T); year 0 is the calibrated base-year rate
    other_income: FloatArray  # [万元] (B, T)
    other_expenditure: FloatArray  # [万元] (B, T)
    subsidy_rule: IntArray  # (B,) index into SUBSIDY_RULES
    reserve_months: FloatArray  # [months of payouts] (B,)
    subsidy_amount: FloatArray  # [万元] (B, T)
    subsidy_share: FloatArray  # [/1] (B, T)
    arrears_share: FloatArray  # [/1] (B, T) of the level's subsidy withheld
    arrears_level: IntArray  # (B,) index into GOVERNMENT_LEVELS
    arrears_paid_late: FloatArray  # 1.0 if withheld subsidy is paid the next year, (B,)
    subsidy_level: IntArray  # (B,) index into GOVERNMENT_LEVELS of the budget paying the subsidy
    actives0: FloatArray  # [persons] (B, G, A), base-year end
    retirees0: FloatArray  # [persons] (B, G, A)
    pension_mass0: FloatArray  # [yuan/month, total of the cell] (B, G, A)
    reserve_start0: FloatArray  # [万元] (B,)
    subsidy0: FloatArray  # [万元] (B,) as stated for the base year


@dataclass(frozen=True)
class ResidentsBasis:
    """Arrays for the county population and the residents' fund (G = 2 sexes)."""

    death_prob: FloatArray  # [/1] (B, T, 2, A)
    fertility: FloatArray  # [births per woman per year] (B, T, A)
    male_share_of_births: FloatArray  # [/1] (B,)
    net_migration_rate: FloatArray  # [/1 of population] (B, T)
    migration_profile: FloatArray  # [/1] (B, 2, A), sums to 1
    pension_age: int
    uptake: FloatArray  # [/1] (B,) share of those reaching pension age who draw a pension
    contribution_ages: FloatArray  # 1.0 at contribution ages, (B, T, A)
    contributor_rate: FloatArray  # [/1 of the population at contribution ages] (B, T)
    contribution_per_contributor_yuan: FloatArray  # [yuan/year] (B, T)
    contribution_subsidy_per_contributor_yuan: FloatArray  # [yuan/year] (B, T)
    central_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T)
    central_pension_link: FloatArray  # [/1] (B, T, 2) weights of wage growth and inflation
    top_up_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T), calibrated in year 0
    top_up_pension_link: FloatArray  # [/1] (B, T, 2)
    new_account_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T)
    account_balance_by_age_yuan: FloatArray  # [yuan per resident] (B, T, A) at the start of year t
    account_refund_months: FloatArray  # [months of account pension refunded at death] (B, A)
    exposed0: FloatArray  # [persons] (B,) beneficiaries paid in the base year (mid-year)
    account_refunds0: FloatArray  # [万元] (B,) account refunds at death in the base year
    funeral_grant_yuan: FloatArray  # [yuan per death] (B, T)
    funeral_grant_link: FloatArray  # [/1] (B, T, 2)
    other_income_ratio: FloatArray  # [/1 of contributions] (B,)
    interest_rate: FloatArray  # [/1] (B, T)
    account_crediting_rate: FloatArray  # [/1] (B, T)
    funding_shares: FloatArray  # [/1] (B, 4 items, 4 levels): central minimum, top-up,
    #                              contribution subsidy, funeral grant × GOVERNMENT_LEVELS
    funding_shares0: FloatArray  # [/1] (B, 4, 4) in the base year (observed policy)
    subsidy_rule: IntArray  # (B,)
    reserve_months: FloatArray  # (B,)
    subsidy_amount: FloatArray  # [万元] (B, T)
    subsidy_share: FloatArray  # [/1] (B, T)
    arrears_share: FloatArray  # [/1] (B, T)
    arrears_level: IntArray  # (B,)
    arrears_paid_late: FloatArray  # (B,)
    other_expenditure: FloatArray  # [万元] (B, T)
    population0: FloatArray  # [persons] (B, 2, A)
    beneficiaries0: FloatArray  # [persons] (B, 2, A)
    account_pension_mass0: FloatArray  # [yuan/month, total of the cell] (B, 2, A)
    reserve_start0: FloatArray  # [万元] (B,)
    account_liability0: FloatArray  # [万元] (B,) at the end of the base year
    subsidy0: FloatArray  # [万元] (B,) as stated


@dataclass(frozen=True)
class Basis:
    """Everything one batched projection needs."""

    years: IntArray  # (T,)
    civil_service: CivilServiceBasis | None
    residents: ResidentsBasis | None
    calibration: tuple[Calibrated, ...] = field(default=())
    #: Batch rows at least (stacked identical scenarios keep arrays of length 1, broadcast).
    rows: int = 1

    @property
    def batch_size(self) -> int:
        sizes = {self.rows}
        for part in (self.civil_service, self.residents):
            if part is not None:
                sizes |= {
                    np.shape(getattr(part, f.name))[0]
                    for f in fields(part)
                    if isinstance(getattr(part, f.name), np.ndarray)
                }
        return max(sizes)


def stack_bases(bases: list[Basis]) -> Basis:
    """Stack bases of the same years and funds on the batch axis.

    Arrays equal in every basis stay of length 1 (broadcast), so stacking many variants of one
    scenario costs memory only for what differs.
    """
    first = bases[0]
    for b in bases[1:]:
        if not np.array_equal(b.years, first.years):
            raise CalibrationError("cannot stack projections over different years")
    parts: dict[str, Any] = {}
    for name in ("civil_service", "residents"):
        items = [getattr(b, name) for b in bases]
        if any(i is None for i in items):
            if not all(i is None for i in items):
                raise CalibrationError(f"cannot stack: only some scenarios have the {name} fund")
            parts[name] = None
            continue
        values = {}
        for f in fields(items[0]):
            arrs = [getattr(i, f.name) for i in items]
            if not isinstance(arrs[0], np.ndarray):
                if any(x != arrs[0] for x in arrs):
                    raise CalibrationError(f"cannot stack: {name}.{f.name} differs")
                values[f.name] = arrs[0]
            elif all(x.shape == arrs[0].shape and np.array_equal(x, arrs[0]) for x in arrs[1:]):
                values[f.name] = arrs[0]
            else:
                values[f.name] = np.concatenate(
                    [
                        np.broadcast_to(x, (1,) + np.shape(x)[1:]) if x.shape[0] == 1 else x
                        for x in arrs
                    ]
                )
        parts[name] = replace(items[0], **values)
    return Basis(years=first.years, calibration=first.calibration, rows=len(bases), **parts)
