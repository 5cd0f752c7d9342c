"""The fund: interest, the subsidy by rule, the subsidy need, and the reserve roll-forward.

All amounts are in 万元, arrays of shape (B, T): batch rows by years.

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

from model.engine.axes import FloatArray
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
    reserve_start0: FloatArray,
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
    stated_subsidy0: FloatArray | None = None,
    withheld_fraction: FloatArray | float = 0.0,
    paid_late: FloatArray | float = 0.0,
) -> dict[str, FloatArray]:
    """The fund over every year [万元], arrays (B, T); ``reserve_start0`` and the rule's
    weights (:func:`rule_weights`) are (B,).

    Only the reserve carries from one year to the next, so the loop over years holds the few
    operations that depend on it (interest, the need, the subsidy by rule, the year-end
    reserve); everything else is computed over (B, T) at once. ``stated_subsidy0`` (the base
    year, as stated) overrides the rule in year 0. Arrears: ``withheld_fraction`` (B, T) of
    what the rule pays is not paid in its year, and the ``paid_late`` (B,) part of it arrives the
    next year.
    """
    B, T = np.shape(contribution_income)
    # The loop reads one year of every row at a time: work on year-major copies so that each
    # read is contiguous (a column of a (B, T) array is strided when B is large).
    contribution_income, other_income, benefit_expenditure, other_expenditure, interest_rate = (
        np.ascontiguousarray(np.broadcast_to(x, (B, T)).T)
        for x in (
            contribution_income,
            other_income,
            benefit_expenditure,
            other_expenditure,
            interest_rate,
        )
    )
    subsidy_amount, subsidy_share, subsidy_due = (
        np.broadcast_to(x, (B, T)).T for x in (subsidy_amount, subsidy_share, subsidy_due)
    )
    expenditure = benefit_expenditure + other_expenditure
    target = np.broadcast_to(reserve_months, (B,)) * expenditure / MONTHS_PER_YEAR
    w = subsidy_rule
    # what the rules other than fill_gap pay does not depend on the reserve
    by_other_rules = (
        w["fixed"] * subsidy_amount
        + w["share_of_expenditure"] * subsidy_share * expenditure
        + w["formula"] * subsidy_due
    )
    fill_gap = w["fill_gap"]
    withheld_fraction = np.ascontiguousarray(np.broadcast_to(withheld_fraction, (B, T)).T)
    reserve_start = np.empty((T, B))
    interest = np.empty((T, B))
    need = np.empty((T, B))
    subsidy = np.empty((T, B))
    withheld = np.zeros((T, B))
    late_payment = np.zeros((T, B))
    reserve = np.broadcast_to(reserve_start0, (B,)).astype(float)
    late = np.zeros(B)
    if B <= SCALAR_ROWS:
        # a few rows: the same arithmetic on Python floats, a tenth of the time of numpy calls
        # on arrays of one element (the same IEEE operations in the same order: the same bits)
        columns = _roll_scalar_rows(
            reserve, interest_rate, contribution_income, other_income, expenditure, target,
            fill_gap, by_other_rules, withheld_fraction, paid_late, stated_subsidy0, B, T,
        )  # fmt: skip
        reserve_start, interest, need, subsidy, withheld, late_payment = columns
        T = 0  # the loop below has nothing left to do
    for t in range(T):
        reserve_start[t] = reserve
        interest_t = interest_rate[t] * np.maximum(reserve, 0.0)
        income_before_subsidy = contribution_income[t] + interest_t + other_income[t]
        before_subsidy = reserve + income_before_subsidy - expenditure[t]
        need_t = np.maximum(target[t] - before_subsidy, 0.0)
        if t == 0 and stated_subsidy0 is not None:
            subsidy_t = np.broadcast_to(stated_subsidy0, (B,)).astype(float)
        else:
            by_rule = fill_gap * need_t + by_other_rules[t]
            withheld_t = by_rule * withheld_fraction[t]
            subsidy_t = by_rule - withheld_t + late
            withheld[t] = withheld_t
            late_payment[t] = late
            late = withheld_t * paid_late
        reserve = reserve + (income_before_subsidy + subsidy_t) - expenditure[t]
        interest[t], need[t], subsidy[t] = interest_t, need_t, subsidy_t
    total_income = contribution_income + interest + other_income + subsidy
    reserve_end = reserve_start + total_income - expenditure
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.where(expenditure > 0, reserve_end / (expenditure / MONTHS_PER_YEAR), np.inf)
    # back from year-major to (B, T)
    return {
        "reserve_start": reserve_start.T,
        "interest_income": interest.T,
        "subsidy_income": subsidy.T,
        "subsidy_need": need.T,
        "subsidy_withheld": withheld.T,
        "subsidy_late_payment": late_payment.T,
        "total_income": total_income.T,
        "total_expenditure": expenditure.T,
        "balance": (total_income - expenditure).T,
        "reserve_end": reserve_end.T,
        "months_of_payout": months.T,
    }


#: Up to this many rows :func:`roll_forward` runs its yearly loop on Python floats.
SCALAR_ROWS = 4


def _roll_scalar_rows(
    reserve0, interest_rate, contribution_income, other_income, expenditure, target,
    fill_gap, by_other_rules, withheld_fraction, paid_late, stated_subsidy0, B: int, T: int,
) -> tuple[np.ndarray, ...]:  # fmt: skip
    """:func:`roll_forward`'s yearly loop row by row on Python floats; arrays (T, B) of the
    reserve at the start, interest, the need, the subsidy, what is withheld and paid late."""
    out = [np.zeros((T, B)) for _ in range(6)]
    goal_all = np.broadcast_to(target, (T, B))
    others_all = np.broadcast_to(by_other_rules, (T, B))
    rate, contrib, other, spend, goal, others, frac = (
        x.tolist()
        for x in (interest_rate, contribution_income, other_income, expenditure, goal_all,
                  others_all, withheld_fraction)
    )  # fmt: skip
    fill = np.broadcast_to(fill_gap, (B,)).tolist()
    late_share = np.broadcast_to(paid_late, (B,)).tolist()
    stated = None if stated_subsidy0 is None else np.broadcast_to(stated_subsidy0, (B,)).tolist()
    for row in range(B):
        reserve, late = float(reserve0[row]), 0.0
        starts, interests, needs, subsidies, withhelds, lates = ([0.0] * T for _ in range(6))
        for t in range(T):
            starts[t] = reserve
            interest_t = rate[t][row] * (reserve if not reserve < 0.0 else 0.0)
            income_before_subsidy = contrib[t][row] + interest_t + other[t][row]
            before_subsidy = reserve + income_before_subsidy - spend[t][row]
            gap = goal[t][row] - before_subsidy
            need_t = gap if not gap < 0.0 else 0.0
            if t == 0 and stated is not None:
                subsidy_t = float(stated[row])
            else:
                by_rule = fill[row] * need_t + others[t][row]
                withheld_t = by_rule * frac[t][row]
                subsidy_t = by_rule - withheld_t + late
                withhelds[t] = withheld_t
                lates[t] = late
                late = withheld_t * late_share[row]
            reserve = reserve + (income_before_subsidy + subsidy_t) - spend[t][row]
            interests[t], needs[t], subsidies[t] = interest_t, need_t, subsidy_t
        for array, values in zip(out, (starts, interests, needs, subsidies, withhelds, lates),
                                 strict=True):  # fmt: skip
            array[:, row] = values
    return tuple(out)


def reserve_without_subsidy(
    reserve_end0: FloatArray, income: FloatArray, expenditure: FloatArray, interest_rate: FloatArray
) -> FloatArray:
    """Year-end reserve (B, T) had no subsidy been paid since the base year: the base year as it
    was, then interest as above on this reserve, income before subsidy less expenditure."""
    income, expenditure, interest_rate = (
        np.ascontiguousarray(np.broadcast_to(x, np.shape(income)).T)
        for x in (income, expenditure, interest_rate)
    )
    out: FloatArray = np.empty(income.shape)
    shadow = reserve_end0
    out[0] = shadow
    for t in range(1, out.shape[0]):
        shadow = shadow + interest_rate[t] * np.maximum(shadow, 0.0) + income[t] - expenditure[t]
        out[t] = shadow
    return out.T


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
