"""Death probabilities of both funds' members from the shipped life tables."""

from __future__ import annotations

import numpy as np

from model.engine.axes import CS_GROUP_SEX, CS_GROUPS, SEXES, FloatArray
from model.engine.basis.years import Years
from model.engine.demography import death_probabilities
from model.engine.tables import life_table
from model.scenario.schema import Scenario, needed


def civil_service_death_probabilities(scenario: Scenario, y: Years) -> FloatArray:
    """Death probabilities (T, G, A) of civil-service members: the pension-business life table of
    each group's sex, the scenario's multiplier, improving year by year."""
    mort = scenario.assumptions.mortality
    sexes = [SEXES.index(s) for s in CS_GROUP_SEX]
    qx = life_table(needed(mort.civil_service_table, "civil_service_table"))[sexes]
    multiplier = needed(mort.civil_service_multiplier, "civil_service_multiplier")
    mult = np.array([getattr(multiplier, g) for g in CS_GROUPS])
    year = needed(mort.civil_service_table_year, "civil_service_table_year")
    return death_probabilities(qx, mult, y.values(mort.improvement_rate), y.years, year)


def residents_death_probabilities(scenario: Scenario, y: Years) -> FloatArray:
    """Death probabilities (T, 2, A) of the county population by sex."""
    mort = scenario.assumptions.mortality
    qx = life_table(needed(mort.residents_table, "residents_table"))
    multiplier = needed(mort.residents_multiplier, "residents_multiplier")
    mult = np.array([multiplier.male, multiplier.female])
    year = needed(mort.residents_table_year, "residents_table_year")
    return death_probabilities(qx, mult, y.values(mort.improvement_rate), y.years, year)
