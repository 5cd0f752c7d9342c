"""Death probabilities of both funds' members from the shipped life tables."""

from __future__ import annotations

import numpy as np

from model.engine.axes import CS_GROUP_SEX, CS_GROUPS, SEXES, FloatArray
from model.engine.basis.years import Years
from model.engine.demography import death_probabilities
from model.engine.tables import life_table
from model.scenario.schema import Scenario


def civil_service_death_probabilities(scenario: Scenario, y: Years) -> FloatArray:
    """Death probabilities (T, G, A) of civil-service members: the pension-business life table of
    each group's sex, the scenario's multiplier, improving year by year."""
    mort = scenario.assumptions.mortality
    sexes = [SEXES.index(s) for s in CS_GROUP_SEX]
    qx = life_table(mort.civil_service_table)[sexes]
    mult = np.array([getattr(mort.civil_service_multiplier, g) for g in CS_GROUPS])
    return death_probabilities(
        qx, mult, y.values(mort.improvement_rate), y.years, mort.civil_service_table_year
    )


def residents_death_probabilities(scenario: Scenario, y: Years) -> FloatArray:
    """Death probabilities (T, 2, A) of the county population by sex."""
    mort = scenario.assumptions.mortality
    qx = life_table(mort.residents_table)
    mult = np.array([mort.residents_multiplier.male, mort.residents_multiplier.female])
    return death_probabilities(
        qx, mult, y.values(mort.improvement_rate), y.years, mort.residents_table_year
    )
