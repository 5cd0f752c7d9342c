"""Statutory retirement: who retires in which year, at what age, with or without the 2025 reform.

The 2025 gradual reform (渐进式延迟法定退休年龄, in force 2025-01-01) delays the original
statutory age by one month for every four months of birth cohort (men 60 → 63, women 55 → 58),
or every two months (women 50 → 55), counted from the first original retirement month on or after
January 2025, up to 36 (or 60) months:

    delay = min(cap, floor(months from 2025-01 to the original retirement month / step) + 1)

Birth months are taken as evenly spread, so a birth-year cohort retires over up to two calendar
years; the engine receives, for each year, the share of still-active members of each age who
retire (a hazard) and their mean retirement age in years (fractional).

Ages here are completed ages at the end of the previous year: a member aged ``x`` at the end of
year ``t-1`` was born in ``t-1-x`` and turns ``x+1`` during year ``t``.
"""

from __future__ import annotations

import numpy as np

from model.axes import AGES, CS_GROUPS, FloatArray

#: Reform step (months of birth cohort per month of delay) and cap (months) by group.
REFORM_STEP_MONTHS = {"male": 4, "female_55": 4, "female_50": 2}
REFORM_CAP_MONTHS = {"male": 36, "female_55": 36, "female_50": 60}


def retirement_months(
    birth_year: np.ndarray,
    birth_month: np.ndarray,
    original_age_years: float,
    group: str,
    reform: bool,
    reform_start_year: int = 2025,
) -> np.ndarray:
    """Statutory retirement age in months for births in (year, month 0–11).

    >>> int(retirement_months(np.array([1965]), np.array([0]), 60, "male", True)[0])  # 60y1m
    721
    >>> int(retirement_months(np.array([1977]), np.array([0]), 60, "male", True)[0])  # capped
    756
    >>> int(retirement_months(np.array([1964]), np.array([11]), 60, "male", True)[0])  # before
    720
    """
    original = int(round(original_age_years * 12))
    if not reform:
        return np.full(np.broadcast(birth_year, birth_month).shape, original)
    original_month = birth_year * 12 + birth_month + original
    after_start = original_month - reform_start_year * 12
    step, cap = REFORM_STEP_MONTHS[group], REFORM_CAP_MONTHS[group]
    delay = np.where(after_start >= 0, np.minimum(cap, after_start // step + 1), 0)
    return original + delay


def retirement_hazard(
    years: np.ndarray,
    original_ages: dict[str, float],
    reform: bool,
    reform_start_year: int = 2025,
) -> tuple[FloatArray, FloatArray]:
    """Share of active members retiring in each year, and their mean retirement age.

    Parameters
    ----------
    years : ndarray [calendar year], shape (T,)
        Projection years.
    original_ages : dict
        Statutory age in years per group of :data:`model.axes.CS_GROUPS`.
    reform : bool
        Whether the 2025 gradual reform applies.

    Returns
    -------
    hazard : ndarray [/1], shape (T, G, A)
        Of the members aged ``x`` at the end of year ``t-1`` and still active, the share that
        reaches its statutory age during year ``t``. 1 where the whole cohort has reached it.
    mean_age : ndarray [years], shape (T, G, A)
        Mean retirement age of those retiring (the original age where none retire).
    """
    years = np.asarray(years)
    months = np.arange(12)
    birth_year = years[:, None, None] - 1 - AGES[None, :, None]  # (T, A, 1)
    hazard = np.empty((years.size, len(CS_GROUPS), AGES.size))
    mean_age = np.empty_like(hazard)
    for g, group in enumerate(CS_GROUPS):
        ret_months = retirement_months(
            birth_year, months[None, None, :], original_ages[group], group, reform, reform_start_year
        )  # (T, A, 12)
        ret_year = (birth_year * 12 + months[None, None, :] + ret_months) // 12
        this_year = ret_year == years[:, None, None]
        earlier = ret_year < years[:, None, None]
        n_this = this_year.sum(-1)
        n_left = 12 - earlier.sum(-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            h = np.where(n_left > 0, n_this / np.maximum(n_left, 1), 1.0)
            age = np.where(
                n_this > 0,
                (ret_months * this_year).sum(-1) / np.maximum(n_this, 1) / 12.0,
                original_ages[group],
            )
        hazard[:, g, :] = h
        mean_age[:, g, :] = age
    return hazard, mean_age
