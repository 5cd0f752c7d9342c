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

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.engine.axes import AGES, CS_GROUPS, FloatArray

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


@dataclass(frozen=True)
class RetirementRules:
    """Everything that decides when civil-service members retire (hashable, so results cache).

    Attributes
    ----------
    original_ages : tuple of (group, age in years)
        Statutory ages before any reform.
    reform : bool
        The 2025 gradual reform on or off; ``reform_start_year`` when it begins.
    cohort_ages : tuple of (group, ((birth year, age in years), ...))
        A custom statutory age by birth cohort, from the first stated birth year on (steps);
        overrides the original age and the reform for those cohorts.
    early_share, early_years, late_share, late_years :
        Flexible retirement: shares of each cohort retiring that many years before (never before
        the original age) or after the statutory age.
    minimum_years : tuple of (calendar year, years)
        Minimum contribution years for a pension, by retirement year (steps). Members short of
        it keep working until they have it.
    entry_ages : tuple of (age, weight)
        Distribution of the age at which members began contributing, for the minimum-years rule.
    """

    original_ages: tuple[tuple[str, float], ...]
    reform: bool
    reform_start_year: int = 2025
    cohort_ages: tuple[tuple[str, tuple[tuple[int, float], ...]], ...] = ()
    early_share: float = 0.0
    early_years: float = 0.0
    late_share: float = 0.0
    late_years: float = 0.0
    minimum_years: tuple[tuple[int, float], ...] = ()
    entry_ages: tuple[tuple[int, float], ...] = ()


def _steps(pairs: tuple[tuple[int, float], ...], keys: np.ndarray) -> np.ndarray:
    """Step lookup: the value of the last pair whose key is ≤ each key (NaN before the first)."""
    k = np.array([p[0] for p in pairs])
    v = np.array([p[1] for p in pairs], dtype=float)
    i = np.searchsorted(k, keys, side="right") - 1
    return np.where(i >= 0, v[np.clip(i, 0, None)], np.nan)


def retirement_hazard(years: np.ndarray, rules: RetirementRules) -> tuple[FloatArray, FloatArray]:
    """Share of active members retiring in each year, and their mean retirement age.

    Each birth month of a cohort retires at its statutory date, shifted by flexible retirement
    (early, on time, late) and delayed where the member is short of the minimum contribution
    years; the shares of these cases weight the count of birth months retiring in each year.

    Parameters
    ----------
    years : ndarray [calendar year], shape (T,)
    rules : RetirementRules

    Returns
    -------
    hazard : ndarray [/1], shape (T, G, A)
        Of the members aged ``x`` at the end of year ``t-1`` and still active, the share that
        retires during year ``t``. 1 where the whole cohort has retired.
    mean_age : ndarray [years], shape (T, G, A)
        Mean retirement age of those retiring (the original age where none retire).
    """
    return _retirement_hazard(tuple(int(y) for y in np.asarray(years)), rules)


@lru_cache(maxsize=64)
def _retirement_hazard(
    years_t: tuple[int, ...], rules: RetirementRules
) -> tuple[FloatArray, FloatArray]:
    years = np.array(years_t)
    months = np.arange(12)
    birth_year = years[:, None, None] - 1 - AGES[None, :, None]  # (T, A, 1)
    birth_month = months[None, None, :]
    original = dict(rules.original_ages)
    cohorts = dict(rules.cohort_ages)
    hazard = np.empty((years.size, len(CS_GROUPS), AGES.size))
    mean_age = np.empty_like(hazard)
    on_time = 1.0 - rules.early_share - rules.late_share
    entry = np.array([a for a, _ in rules.entry_ages], dtype=float)
    entry_w = np.array([w for _, w in rules.entry_ages], dtype=float)
    if entry_w.size:
        entry_w = entry_w / entry_w.sum()
    for g, group in enumerate(CS_GROUPS):
        statutory = retirement_months(
            birth_year, birth_month, original[group], group, rules.reform, rules.reform_start_year
        ) * np.ones((1, 1, 12), dtype=np.int64)  # (T, A, 12)
        if group in cohorts:
            custom = _steps(cohorts[group], birth_year[..., 0])[..., None]  # (T, A, 1)
            statutory = np.where(np.isnan(custom), statutory, np.round(np.nan_to_num(custom) * 12))
        statutory = statutory.astype(np.int64)
        date = birth_year * 12 + birth_month + statutory
        earliest = int(round(original[group] * 12))
        flex = [
            (np.maximum(-round(rules.early_years * 12), earliest - statutory), rules.early_share),
            (np.zeros_like(statutory), on_time),
            (np.full_like(statutory, round(rules.late_years * 12)), rules.late_share),
        ]
        flex = [(off, w) for off, w in flex if w > 0]
        components = []
        if rules.minimum_years and entry_w.size:
            needed = np.round(np.nan_to_num(_steps(rules.minimum_years, date // 12)) * 12)
            never_short = 0.0  # weight of entry ages that always have the minimum
            for e, w_e in zip(entry, entry_w, strict=True):
                shortfall = np.maximum(needed - (statutory - round(e * 12)), 0).astype(np.int64)
                if not shortfall.any():
                    never_short += w_e
                    continue
                for off, w_f in flex:
                    components.append((np.maximum(off, shortfall), w_f * w_e))
            components += [(off, w_f * never_short) for off, w_f in flex if never_short > 0]
        else:
            components = flex
        n_this = np.zeros(birth_year.shape[:2])
        n_before = np.zeros_like(n_this)
        age_sum = np.zeros_like(n_this)
        for off, w in components:
            ret_year = (date + off) // 12
            this = ret_year == years[:, None, None]
            n_this += w * this.mean(-1)
            n_before += w * (ret_year < years[:, None, None]).mean(-1)
            age_sum += w * ((statutory + off) * this).mean(-1)
        left = 1.0 - n_before
        with np.errstate(invalid="ignore", divide="ignore"):
            hazard[:, g, :] = np.where(left > 1e-12, np.minimum(n_this / left, 1.0), 1.0)
            mean_age[:, g, :] = np.where(
                n_this > 0, age_sum / np.maximum(n_this, 1e-300) / 12.0, original[group]
            )
    hazard.setflags(write=False)
    mean_age.setflags(write=False)
    return hazard, mean_age
