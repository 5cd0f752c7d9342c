"""The fund's own arrays: the opening reserve and interest, the subsidy rule and arrears, and
who pays the residents' subsidy.
"""

from __future__ import annotations

import numpy as np

from model.engine.axes import FloatArray
from model.engine.basis.arrays import row
from model.engine.basis.years import Years
from model.engine.calibrate import Calibrated
from model.engine.fund import SUBSIDY_RULES
from model.errors import CalibrationError
from model.scenario.schema import Subsidy
from model.units import MONTHS_PER_YEAR

GOVERNMENT_LEVELS = ("central", "region", "prefecture", "county")


def fund_arrays(
    stated, fund: str, interest_schedule, subsidy: Subsidy, y: Years, calibration: list[Calibrated]
) -> dict[str, np.ndarray]:
    """The fund's opening reserve and interest (the base year's implied by its stated lines),
    other income and expenditure held at the base year's, and the subsidy rule's arrays."""
    reserve_start0, interest0 = opening_reserve(stated, fund, calibration)
    interest_rate = y.values(interest_schedule).copy()
    interest_rate[0] = interest0
    payout_monthly = stated.total_expenditure.value / MONTHS_PER_YEAR
    base_months = stated.reserve_end.value / payout_monthly if payout_monthly > 0 else 0.0
    if fund == "civil_service":
        calibration.append(
            Calibrated(
                fund,
                "reserve_months_held",
                base_months,
                "月",
                "reserve_end / (total_expenditure / 12) in the base year",
            )
        )
    return {
        "reserve_start0": np.array([reserve_start0]),
        "interest_rate": row(interest_rate),
        "other_expenditure": row(np.full(y.T, stated.other_expenditure_total)),
        "subsidy0": np.array([stated.subsidy_income.value]),
        **subsidy_arrays(subsidy, y, base_months),
    }


def funding_shares(policy) -> FloatArray:
    """Who pays the residents' subsidy: (4 items, 4 levels) — central minimum, local top-up,
    contribution subsidy, funeral grant × GOVERNMENT_LEVELS."""
    f = policy.funding
    return np.array(
        [
            [getattr(s, lv) for lv in GOVERNMENT_LEVELS]
            for s in (f.central_minimum, f.local_top_up, f.contribution_subsidy, f.funeral_grant)
        ]
    )


def subsidy_arrays(subsidy: Subsidy, y: Years, base_months: float):
    code = SUBSIDY_RULES.index(subsidy.rule)
    months = base_months if subsidy.reserve_months == "base_year" else subsidy.reserve_months.value
    amount = y.optional(subsidy.amount, 0.0)
    share = y.optional(subsidy.share, 0.0)
    arrears = subsidy.arrears
    # No subsidy is withheld before the schedule's first year (the base year's is as stated).
    arrears_share = y.values(arrears.share, before=0.0) if arrears else np.zeros(y.T)
    arrears_share[0] = 0.0  # the base year's subsidy is as stated
    level = GOVERNMENT_LEVELS.index(arrears.level) if arrears else 3
    late = 1.0 if (arrears and arrears.paid == "next_year") else 0.0
    return {
        "subsidy_rule": np.array([code]),
        "reserve_months": np.array([float(months)]),
        "subsidy_amount": row(amount),
        "subsidy_share": row(share),
        "arrears_share": row(arrears_share),
        "arrears_level": np.array([level]),
        "arrears_paid_late": np.array([late]),
    }


def opening_reserve(stated, fund: str, calibration: list[Calibrated]) -> tuple[float, float]:
    """Opening reserve implied by the year-end reserve and the stated income and expenditure
    lines, and the interest rate that earns the stated interest on it."""
    income = (
        stated.contribution_income.value
        + stated.interest_income.value
        + stated.subsidy_income.value
        + stated.other_income_total
    )
    expenditure = stated.benefit_expenditure.value + (stated.other_expenditure_total)
    reserve_start = stated.reserve_end.value - (income - expenditure)
    if reserve_start > 0:
        rate = stated.interest_income.value / reserve_start
    elif stated.interest_income.value == 0:
        rate = 0.0
    else:
        raise CalibrationError(
            f"the opening reserve implied by the base year's lines is {reserve_start:,.2f} 万元, "
            f"so the stated interest {stated.interest_income.value:,.2f} 万元 cannot be earned on "
            "it; expected a reserve that the stated income and expenditure leave positive",
            (f"base_year.{fund}.interest_income", f"base_year.{fund}.reserve_end"),
        )
    calibration.append(
        Calibrated(
            fund,
            "reserve_start",
            reserve_start,
            "万元",
            "reserve_end − (income lines − expenditure lines) of the base year",
        )
    )
    calibration.append(
        Calibrated(
            fund,
            "interest_rate_base_year",
            rate,
            "/1",
            "interest_income / opening reserve",
        )
    )
    return reserve_start, rate
