"""Benefit formulas: the civil-service pension at retirement, and the residents' pensions.

Civil-service fund (国发〔2015〕2号, with the formula of 国发〔2005〕38号), monthly yuan at
retirement in year ``s`` at age ``R`` after ``N = R − service_start_age`` years of service:

* basic pension 基础养老金 ``= C × (1 + Ī) / 2 × N × accrual``,
* transitional pension 过渡性养老金 ``= C × Ī × N_deemed × transitional_coefficient`` for
  service before the reform (1 October 2014),
* individual-account pension ``= account balance / 计发月数(R)``,

where ``C`` is the provincial average wage of year ``s − 1`` per month (计发基数) and ``Ī`` the
member's average indexed wage ratio. Members retiring between October 2014 and September 2024
are compared with the old method (新老办法对比、保低限高, :func:`transition_award`). Pensions
in payment are calibrated to the report on their own (``model.engine.basis``); new awards follow the
formula.

Residents' fund (国发〔2014〕8号): basic pension (central minimum + local top-up, paid by
government) plus account pension ``= balance / 139``.
"""

from __future__ import annotations

import numpy as np

from model.engine.axes import FloatArray, IntArray
from model.engine.tables import payout_months


def account_balance_at_retirement(
    retire_year: FloatArray | IntArray,
    contribution_start: FloatArray | IntArray,
    calendar_years: np.ndarray,
    yearly_credit_yuan: FloatArray,
    crediting_rate: FloatArray,
) -> FloatArray:
    """Individual-account balance [yuan] at the start of ``retire_year``.

    ``balance = Σ_{y = start}^{s−1} credit_y × f_y × Π_{z = y+1}^{s−1} (1 + j_z)``, where
    ``f_y`` is the share of year ``y`` after ``contribution_start`` (a fractional year such as
    2014.75 counts the last quarter of 2014).

    Parameters
    ----------
    retire_year : ndarray [calendar year], any shape
    contribution_start : ndarray [calendar year, fractional], same shape
    calendar_years : ndarray [calendar year], shape (Y,), consecutive, covering all years used
    yearly_credit_yuan : ndarray [yuan], shape (Y,): a full year's credit in each year
    crediting_rate : ndarray [/1], shape (Y,): interest credited during each year
    """
    y0 = int(calendar_years[0])
    growth_index = np.cumprod(1.0 + crediting_rate)  # I_y = Π_{z ≤ y} (1 + j_z)
    discounted = yearly_credit_yuan / growth_index
    cum = np.concatenate([[0.0], np.cumsum(discounted)])  # cum[k] = Σ_{i < k} discounted[i]
    s = np.asarray(retire_year, dtype=float)
    start = np.minimum(np.asarray(contribution_start, dtype=float), s)
    first_full = np.ceil(start)
    i_end = np.clip((s - y0).astype(int), 0, len(calendar_years))  # exclusive: years < s
    i_full = np.clip((first_full - y0).astype(int), 0, len(calendar_years))
    full = cum[i_end] - cum[np.minimum(i_full, i_end)]
    partial_year = np.floor(start)
    i_partial = np.clip((partial_year - y0).astype(int), 0, len(calendar_years) - 1)
    frac = np.where(partial_year < first_full, first_full - start, 0.0)
    frac = np.where(partial_year < s, frac, 0.0)
    partial = frac * discounted[i_partial]
    idx_last = np.clip(i_end - 1, 0, len(calendar_years) - 1)
    return np.where(i_end > 0, (full + partial) * growth_index[idx_last], 0.0)


def civil_service_pension_monthly_yuan(
    retire_year: FloatArray,
    retire_age: FloatArray,
    calendar_years: np.ndarray,
    region_wage_yuan: FloatArray,
    crediting_rate: FloatArray,
    indexed_wage_ratio: float,
    service_start_age: float,
    basic_accrual_rate: float,
    transitional_coefficient: float,
    reform_year: float,
    account_contribution_rate: float,
    payout_method: str = "interpolate",
    deemed_contribution_index: float | None = None,
) -> dict[str, FloatArray]:
    """The statutory pension [yuan/month] at retirement, by component, before calibration.

    Parameters
    ----------
    retire_year, retire_age : ndarray, broadcastable
        Calendar year of retirement and age at retirement [years, may be fractional].
    calendar_years : ndarray, shape (Y,)
        Consecutive years covering every ``retire_year − 1`` and the account history.
    region_wage_yuan : ndarray [yuan/year], shape (Y,)
        Provincial average wage per calendar year (计发基数 proxy).
    crediting_rate : ndarray [/1], shape (Y,)
        个人账户记账利率 per calendar year.
    deemed_contribution_index : float, optional
        视同缴费指数, the indexed wage ratio of deemed service in the transitional pension
        (default: ``indexed_wage_ratio``).

    Returns
    -------
    dict with ``basic``, ``transitional``, ``account`` and ``total`` [yuan/month], and
    ``service`` and ``deemed`` [years].
    """
    y0 = int(calendar_years[0])
    s = np.asarray(retire_year, dtype=float)
    r = np.asarray(retire_age, dtype=float)
    s, r = np.broadcast_arrays(s, r)
    wage_prev = region_wage_yuan[np.clip((s - 1 - y0).astype(int), 0, len(calendar_years) - 1)]
    base_monthly = wage_prev / 12.0
    service = np.maximum(r - service_start_age, 0.0)
    service_start_year = s - service
    deemed = np.clip(reform_year - service_start_year, 0.0, service)
    basic = base_monthly * (1.0 + indexed_wage_ratio) / 2.0 * service * basic_accrual_rate
    deemed_index = (
        indexed_wage_ratio if deemed_contribution_index is None else deemed_contribution_index
    )
    transitional = base_monthly * deemed_index * deemed * transitional_coefficient
    credit = account_contribution_rate * indexed_wage_ratio * region_wage_yuan
    balance = account_balance_at_retirement(
        s, np.maximum(service_start_year, reform_year), calendar_years, credit, crediting_rate
    )
    account = balance / payout_months(r, payout_method)
    return {
        "basic": basic,
        "transitional": transitional,
        "account": account,
        "total": basic + transitional + account,
        "service": service,
        "deemed": deemed,
    }


def old_method_rate(service_years: FloatArray, rate_by_service: dict[int, float]) -> FloatArray:
    """The old method's pension as a share of final pay for completed years of service: the rate
    of the highest stated number of years reached (the first rate below the first step).

    >>> rates = {10: 0.7, 20: 0.8, 30: 0.85, 35: 0.9}
    >>> old_method_rate(np.array([19.5, 20.0, 36.0]), rates).tolist()
    [0.7, 0.8, 0.9]
    """
    steps = np.array(list(rate_by_service), dtype=float)
    rates = np.array(list(rate_by_service.values()), dtype=float)
    idx = np.searchsorted(steps, np.floor(np.asarray(service_years, dtype=float)), side="right") - 1
    return rates[np.clip(idx, 0, None)]


def transition_award(
    new_method: FloatArray,
    old_method: FloatArray,
    excess_share_paid: FloatArray,
    share_of_year_in_transition: FloatArray,
) -> FloatArray:
    """新老办法对比、保低限高 [yuan/month]: in the transition, the old method's pension where the
    new one is lower (保低), else the old one plus the paid share of the excess (限高); outside it,
    the new method. A year partly in the transition is weighted by the share of it inside.

    >>> transition_award(np.array([100., 120.]), np.array([110., 110.]), np.array([0.5, 0.5]),
    ...                  np.array([1.0, 1.0])).tolist()
    [110.0, 115.0]
    """
    within = old_method + excess_share_paid * np.maximum(new_method - old_method, 0.0)
    return share_of_year_in_transition * within + (1.0 - share_of_year_in_transition) * new_method
