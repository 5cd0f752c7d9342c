"""The basis: every array the engine reads, built once from a scenario and calibrated.

``build_basis(scenario)`` turns schedules into per-year arrays, life tables into death
probabilities, profiles into base-year member arrays, and solves the base-year levels the report
does not state (``model.engine.calibrate``). The engine (``model.engine.project``) reads nothing
else.

One module per topic, each a few pure functions: ``years`` (schedules over the projection and
uprating rules), ``mortality``, ``members`` (retirement rules and the base year's members),
``wages`` (wages and contributions), ``pensions`` (awards, pensions in payment, indexation,
accounts), ``headcount``, ``fund_rules`` (reserve, interest, subsidy rules, who pays); the fund
builders ``civil_service`` and ``residents`` call them in turn; ``arrays`` holds the result's
dataclasses and stacking.

Every array has a leading batch axis ``B`` (1 for one scenario), so that scenarios or
simulation paths can be stacked (:func:`stack_bases`) and run in one call.
"""

from __future__ import annotations

from model.engine.basis.arrays import Basis, CivilServiceBasis, ResidentsBasis, stack_bases
from model.engine.basis.civil_service import civil_service_basis
from model.engine.basis.fund_rules import GOVERNMENT_LEVELS
from model.engine.basis.headcount import HEADCOUNT_RULES
from model.engine.basis.residents import residents_basis
from model.engine.basis.wages import HISTORY_START, WAGE_MARGIN_YEARS, regional_wages
from model.engine.basis.years import PRICE_UPRATING, Years, projection_years
from model.engine.calibrate import Calibrated
from model.engine.fund import SUBSIDY_RULES
from model.errors import CalibrationError, Problem
from model.scenario.schema import Scenario

__all__ = [
    "GOVERNMENT_LEVELS",
    "HEADCOUNT_RULES",
    "HISTORY_START",
    "PRICE_UPRATING",
    "SUBSIDY_RULES",
    "WAGE_MARGIN_YEARS",
    "Basis",
    "CivilServiceBasis",
    "ResidentsBasis",
    "Years",
    "build_basis",
    "projection_years",
    "regional_wages",
    "stack_bases",
]


def build_basis(scenario: Scenario, years: int | None = None) -> Basis:
    """Calibrate the scenario's base year and build every array of the projection.

    The base year is history: calibration, the base-year members and the base year's cash
    flows use the policy of ``scenario.history`` (the root of an ``extends`` chain) with this
    scenario's assumptions; this scenario's policy applies from the next year on.
    """
    yrs = projection_years(scenario, years)
    history = scenario.history
    observed = (
        scenario if history is scenario else scenario.model_copy(update={"policy": history.policy})
    )
    calibration: list[Calibrated] = []
    y = Years(scenario, yrs)
    cs = res = None
    try:
        if scenario.base_year.civil_service:
            cs = civil_service_basis(scenario, observed, y, calibration)
        if scenario.base_year.residents:
            res = residents_basis(scenario, observed, y, calibration)
    except CalibrationError as err:
        raise located(err, scenario) from None
    return Basis(years=yrs, civil_service=cs, residents=res, calibration=tuple(calibration))


def located(err: CalibrationError, scenario: Scenario) -> CalibrationError:
    """The error with the file, line and field of the figure it names first, as a scenario
    error reads: ``file:line: field: message``."""
    if not err.fields:
        source = scenario._source
        return CalibrationError(f"{source}: {err.message}" if source else err.message, err.fields)
    file, line = scenario.locate(err.fields[0])
    also = f" (see also {', '.join(err.fields[1:])})" if len(err.fields) > 1 else ""
    return CalibrationError(str(Problem(file, err.fields[0], err.message + also, line)), err.fields)
