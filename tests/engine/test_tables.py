"""Life tables and the annuity divisor against published figures."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import DataError
from model.engine.tables import life_expectancy_at_birth, life_table, payout_months

#: UN WPP 2024 life expectancy at birth, China, 2021 (china_e0_wpp2024.csv): men, women.
UN_E0_2021 = (75.49, 80.91)
#: The derived single-age table misses the UN annual figures by ~0.1 year (its README);
#: 0.5 year allows for the 5-year age grouping and the mid-period reference.
E0_TOLERANCE_YEARS = 0.5


def test_population_table_matches_un_life_expectancy():
    e0 = life_expectancy_at_birth(life_table("wpp2024_2020_2025"))
    assert e0 == pytest.approx(UN_E0_2021, abs=E0_TOLERANCE_YEARS)


def test_official_life_expectancy_lies_between_the_sexes():
    """Official national e0 2021 was 78.2 (NHC); it must lie between men and women."""
    e0 = life_expectancy_at_birth(life_table("wpp2024_2020_2025"))
    assert e0[0] < 78.2 < e0[1]


def test_insured_table_is_lighter_than_population_at_pension_ages():
    insured, population = life_table("cl2010_2013_pension"), life_table("wpp2024_2020_2025")
    assert (insured[:, 60:90] < population[:, 60:90]).all()
    assert (life_expectancy_at_birth(insured) > life_expectancy_at_birth(population)).all()


def test_tables_are_complete_and_increasing_at_old_ages():
    for name in ("cl2010_2013_pension", "wpp2024_2020_2025"):
        q = life_table(name)
        assert q.shape == (2, 101)
        assert (np.diff(q[:, 40:]) >= 0).all()


def test_unknown_table_is_an_error():
    with pytest.raises(DataError, match="unknown life table"):
        life_table("nope")


def test_payout_months_published_values_and_interpolation():
    # 国发〔2005〕38号 annex: 50 → 195, 55 → 170, 60 → 139, 63 → 117
    assert payout_months(np.array([50, 55, 60, 63])).tolist() == [195, 170, 139, 117]
    assert payout_months(np.array([60.25]))[0] == pytest.approx(139 - 0.25 * 7)
    assert payout_months(np.array([60.25]), "floor")[0] == 139
    with pytest.raises(DataError):
        payout_months(np.array([75]))
