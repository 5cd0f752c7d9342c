"""The 2025 gradual retirement reform, checked against the decision's own examples."""

from __future__ import annotations

import numpy as np
import pytest

from model.retirement import retirement_hazard, retirement_months


@pytest.mark.parametrize("year,month,age,group,expected_months", [
    (1965, 0, 60, "male", 721),      # first affected men: 60 years 1 month
    (1965, 4, 60, "male", 722),      # May 1965: 60y2m
    (1976, 11, 60, "male", 756),     # Dec 1976 and later: 63
    (1970, 0, 55, "female_55", 661),  # women 55: 55y1m
    (1981, 11, 55, "female_55", 696),  # 58
    (1975, 0, 50, "female_50", 601),  # women 50: 50y1m, step of 2 months
    (1975, 2, 50, "female_50", 602),
    (1984, 11, 50, "female_50", 660),  # 55
])
def test_reform_ages(year, month, age, group, expected_months):
    got = retirement_months(np.array([year]), np.array([month]), age, group, reform=True)
    assert int(got[0]) == expected_months


def test_without_reform_everyone_retires_at_the_original_age():
    years = np.arange(2021, 2060)
    hazard, age = retirement_hazard(years, {"male": 60, "female_55": 55, "female_50": 50}, reform=False)
    # members aged 59 at the end of the previous year all retire (they turn 60)
    assert (hazard[:, 0, 59] == 1).all() and (hazard[:, 0, :59] == 0).all()
    assert (age[:, 0, 59] == 60).all()


def test_every_cohort_retires_exactly_once_under_the_reform():
    years = np.arange(2021, 2070)
    hazard, age = retirement_hazard(years, {"male": 60, "female_55": 55, "female_50": 50}, reform=True)
    # follow the 1970 birth cohort of men: aged x at the end of t-1 means born t-1-x
    remaining = 1.0
    for t_index, t in enumerate(years):
        x = t - 1 - 1970
        if 0 <= x <= 100:
            remaining *= 1 - hazard[t_index, 0, x]
    assert remaining == pytest.approx(0.0)
    # men born in 1970 reach 60 in 2030, 60..71 months after January 2025: delays of
    # 16, 17 or 18 months, so they retire at 61y4m–61y6m, in 2031 and 2032
    for t in (2031, 2032):
        i = np.nonzero(years == t)[0][0]
        assert 61 + 4 / 12 - 1e-9 <= age[i, 0, t - 1 - 1970] <= 61.5 + 1e-9
        assert 0 < hazard[i, 0, t - 1 - 1970]
    assert hazard[np.nonzero(years == 2030)[0][0], 0, 2030 - 1 - 1970] == 0
