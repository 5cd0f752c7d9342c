"""The 2025 gradual retirement reform, checked against the decision's own examples."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.retirement import RetirementRules, retirement_hazard, retirement_months

AGES_STATUTORY = (("male", 60.0), ("female_55", 55.0), ("female_50", 50.0))


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
    hazard, age = retirement_hazard(years, RetirementRules(AGES_STATUTORY, reform=False))
    # members aged 59 at the end of the previous year all retire (they turn 60)
    assert (hazard[:, 0, 59] == 1).all() and (hazard[:, 0, :59] == 0).all()
    assert (age[:, 0, 59] == 60).all()


def test_every_cohort_retires_exactly_once_under_the_reform():
    years = np.arange(2021, 2070)
    hazard, age = retirement_hazard(years, RetirementRules(AGES_STATUTORY, reform=True))
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


def _retired_share_by_age(hazard, years, birth_year, group):
    """Share of a birth cohort (no deaths) retired by each calendar year."""
    remaining, out = 1.0, {}
    for i, t in enumerate(years):
        x = t - 1 - birth_year
        if 0 <= x <= 100:
            remaining *= 1 - hazard[i, group, x]
        out[int(t)] = 1 - remaining
    return out


def test_flexible_retirement_spreads_a_cohort():
    years = np.arange(2021, 2050)
    # statutory 63 for men born from 1970; 20% two years early, 10% three years late
    rules = RetirementRules(AGES_STATUTORY, reform=False, cohort_ages=(("male", ((1970, 63.0),)),),
                            early_share=0.2, early_years=2, late_share=0.1, late_years=3)
    hazard, age = retirement_hazard(years, rules)
    share = _retired_share_by_age(hazard, years, 1975, 0)
    assert share[2035] == pytest.approx(0.0)
    assert share[2036] == pytest.approx(0.2)  # at 61
    assert share[2038] == pytest.approx(0.9)  # the on-time 70% at 63
    assert share[2040] == pytest.approx(0.9)
    assert share[2041] == pytest.approx(1.0)  # at 66
    i = np.nonzero(years == 2036)[0][0]
    assert age[i, 0, 2036 - 1 - 1975] == pytest.approx(61.0)
    # early retirement never goes below the original age: without a reform there is none
    h, _ = retirement_hazard(years, RetirementRules(AGES_STATUTORY, reform=False, early_share=1.0,
                                                    early_years=3))
    assert _retired_share_by_age(h, years, 1975, 1)[2029] == pytest.approx(0.0)
    assert _retired_share_by_age(h, years, 1975, 1)[2030] == pytest.approx(1.0)


def test_minimum_contribution_years_delay_late_entrants():
    years = np.arange(2021, 2060)
    # everyone started at 35; women of 50 have 15 years at 50; from 2030 they need 20
    rules = RetirementRules(AGES_STATUTORY, reform=False, minimum_years=((1900, 15.0), (2030, 20.0)),
                            entry_ages=((35, 1.0),))
    hazard, age = retirement_hazard(years, rules)
    before = _retired_share_by_age(hazard, years, 1975, 2)  # turns 50 in 2025: 15 years suffice
    assert before[2025] == pytest.approx(1.0)
    after = _retired_share_by_age(hazard, years, 1985, 2)  # turns 50 in 2035: needs 5 more years
    assert after[2039] == pytest.approx(0.0)
    assert after[2040] == pytest.approx(1.0)
    i = np.nonzero(years == 2040)[0][0]
    assert age[i, 2, 2040 - 1 - 1985] == pytest.approx(55.0)


def test_custom_cohort_ages_override_the_reform():
    years = np.arange(2021, 2060)
    rules = RetirementRules(AGES_STATUTORY, reform=True, cohort_ages=(("male", ((1970, 65.0),)),))
    hazard, age = retirement_hazard(years, rules)
    share = _retired_share_by_age(hazard, years, 1970, 0)
    assert share[2034] == pytest.approx(0.0) and share[2035] == pytest.approx(1.0)
    # cohorts before 1970 keep the reform
    assert _retired_share_by_age(hazard, years, 1966, 0)[2027] == pytest.approx(1.0)
