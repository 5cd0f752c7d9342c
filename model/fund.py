"""The fund: interest, the subsidy by rule, the subsidy need, and the reserve roll-forward.

All amounts are in 万元, arrays of shape (B,) for one year.

* interest ``= interest_rate × max(reserve_start, 0)`` — a negative reserve (an unfunded
  deficit, possible under the rules ``none`` and ``fixed``) earns nothing and costs nothing;
  a judgment, since a county fund cannot borrow;
* ``subsidy_need`` — what ``fill_gap`` would pay under any rule: the subsidy that brings the
  year-end reserve up to ``reserve_months`` months of the year's expenditure,
  ``max(0, reserve_months × expenditure / 12 − (reserve_start + income before subsidy −
  expenditure))``;
* the subsidy paid, by rule: ``fill_gap`` (the need), ``fixed`` (an amount),
  ``share_of_expenditure``, ``formula`` (what the residents' rules make due), ``none``;
* ``reserve_end = reserve_start + total_income − total_expenditure``, exactly.
"""

from __future__ import annotations

import numpy as np

from model.axes import FloatArray
from model.units import MONTHS_PER_YEAR


#: Subsidy rules in the order of their codes in a basis (``subsidy_rule``).
SUBSIDY_RULES = ("fill_gap", "fixed", "share_of_expenditure", "formula", "none")


def rule_weights(subsidy_rule: np.ndarray) -> dict[str, FloatArray]:
    """One-hot weights (B,) of each batch row's subsidy rule by the rule's name, computed once
    per run so that the yearly step selects the rule with a few multiplications.

    >>> rule_weights(np.array([0, 3]))["formula"].tolist()
    [0.0, 1.0]
    """
    codes = np.asarray(subsidy_rule)
    return {name: (codes == code).astype(float) for code, name in enumerate(SUBSIDY_RULES)}


def roll_forward(
    reserve_start: FloatArray,
    contribution_income: FloatArray,
    other_income: FloatArray,
    benefit_expenditure: FloatArray,
    other_expenditure: FloatArray,
    interest_rate: FloatArray,
    subsidy_rule: dict[str, FloatArray],
    reserve_months: FloatArray,
    subsidy_amount: FloatArray,
    subsidy_share: FloatArray,
    subsidy_due: FloatArray,
    stated_subsidy: FloatArray | None = None,
    withheld_fraction: FloatArray | float = 0.0,
    late_payment: FloatArray | float = 0.0,
) -> dict[str, FloatArray]:
    """One year of the fund [万元]. ``subsidy_rule`` is :func:`rule_weights` of the rows' rules; ``stated_subsidy`` (the base year) overrides them.

    Arrears: ``withheld_fraction`` of what the rule pays is not paid this year; ``late_payment``
    is last year's withheld subsidy arriving now. Both are 0 without arrears."""
    interest = interest_rate * np.maximum(reserve_start, 0.0)
    income_before_subsidy = contribution_income + interest + other_income
    expenditure = benefit_expenditure + other_expenditure
    before_subsidy = reserve_start + income_before_subsidy - expenditure
    target = reserve_months * expenditure / MONTHS_PER_YEAR
    need = np.maximum(target - before_subsidy, 0.0)
    if stated_subsidy is not None:
        subsidy = np.broadcast_to(stated_subsidy, need.shape).astype(float)
        withheld = np.zeros_like(need)
    else:
        w = subsidy_rule
        by_rule = (w["fill_gap"] * need + w["fixed"] * subsidy_amount
                   + w["share_of_expenditure"] * subsidy_share * expenditure + w["formula"] * subsidy_due)
        withheld = by_rule * withheld_fraction
        subsidy = by_rule - withheld + late_payment
    total_income = income_before_subsidy + subsidy
    reserve_end = reserve_start + total_income - expenditure
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.where(expenditure > 0, reserve_end / (expenditure / MONTHS_PER_YEAR), np.inf)
    return {
        "reserve_start": np.asarray(reserve_start, dtype=float).copy(),
        "interest_income": interest,
        "subsidy_income": subsidy,
        "subsidy_need": need,
        "subsidy_withheld": withheld,
        "subsidy_late_payment": np.zeros(need.shape) + (late_payment if stated_subsidy is None else 0.0),
        "total_income": total_income,
        "total_expenditure": expenditure,
        "balance": total_income - expenditure,
        "reserve_end": reserve_end,
        "months_of_payout": months,
    }


def roll_without_subsidy(
    reserve_start: FloatArray, income: FloatArray, expenditure: FloatArray, interest_rate: FloatArray
) -> FloatArray:
    """Year-end reserve had no subsidy been paid since the base year (interest as above)."""
    return reserve_start + interest_rate * np.maximum(reserve_start, 0.0) + income - expenditure


def depletion_year(years: np.ndarray, reserve_end: FloatArray) -> FloatArray:
    """First year whose year-end reserve is below zero, per batch row (NaN if never).

    >>> depletion_year(np.array([2021, 2022, 2023]), np.array([[5.0, -1.0, -2.0]])).tolist()
    [2022.0]
    """
    below = reserve_end < 0
    first = np.argmax(below, axis=-1)
    return np.where(below.any(-1), years[first], np.nan)


def present_value(amounts: FloatArray, discount_rate: FloatArray) -> FloatArray:
    """Present value at the start of the first year of yearly amounts paid mid-year.

    ``PV = Σ_t amount_t / Π_{u ≤ t}(1 + r_u) × (1 + r_t)^{1/2}``
    """
    factors = np.cumprod(1 + discount_rate, axis=-1) / np.sqrt(1 + discount_rate)
    return (amounts / factors).sum(-1)
