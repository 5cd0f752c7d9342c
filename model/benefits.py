"""Benefit formulas: the civil-service pension at retirement, and the residents' pensions.

Civil-service fund (国发〔2015〕2号, with the formula of 国发〔2005〕38号), monthly yuan at
retirement in year ``s`` at age ``R`` after ``N = R − service_start_age`` years of service:

* basic pension 基础养老金 ``= C × (1 + Ī) / 2 × N × accrual``,
* transitional pension 过渡性养老金 ``= C × Ī × N_deemed × transitional_coefficient`` for
  service before the reform (1 October 2014),
* individual-account pension ``= account balance / 计发月数(R)``,

where ``C`` is the provincial average wage of year ``s − 1`` per month (计发基数) and ``Ī`` the
member's average indexed wage ratio. One calibration factor scales the sum so that the base-year
pensions in payment reproduce the report (``model.calibrate``).

Residents' fund (国发〔2014〕8号): basic pension (central minimum + local top-up, paid by
government) plus account pension ``= balance / 139``.
"""

from __future__ import annotations

import numpy as np

from model.axes import FloatArray
from model.tables import payout_months


def account_balance_at_retirement(
    retire_year: FloatArray,
    contribution_start: FloatArray,
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

    Returns
    -------
    dict with ``basic``, ``transitional``, ``account`` and ``total`` [yuan/month].
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
    transitional = base_monthly * indexed_wage_ratio * deemed * transitional_coefficient
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
    }
