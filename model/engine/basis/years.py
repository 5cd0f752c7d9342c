"""Projection years and their economic drivers: where schedules become arrays over the
projection, and amounts follow their uprating rules.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from model.engine.axes import FloatArray, IntArray
from model.errors import CalibrationError
from model.scenario.schedule import schedule_values, step_values
from model.scenario.schema import Scenario


def projection_years(scenario: Scenario, years: int | None = None) -> IntArray:
    """Base year first, then ``years`` more (default: up to the scenario's horizon)."""
    base = scenario.meta.base_year
    last = scenario.meta.horizon if years is None else base + years
    return np.arange(base, last + 1)


class Years:
    """Projection years with the economic drivers, to turn schedules into arrays."""

    def __init__(self, scenario: Scenario, yrs: IntArray):
        eco = scenario.assumptions.economy
        self.scenario = scenario
        self.years = yrs
        self.T = yrs.size
        wage_growth = step_values(eco.wage_growth, yrs)
        prices = step_values(eco.price_inflation, yrs)
        self.drivers = {"wage_growth": wage_growth, "price_inflation": prices}

    def values(self, schedule, before: float | FloatArray | None = None) -> FloatArray:
        """The schedule over the projection years. Years before its first stated year keep
        ``before``, the value in force in the base year (stated or calibrated): a lever phased
        in from 2025 leaves the years before 2025 as they were."""
        first = schedule.first_year
        if before is None and first is not None and first > self.years[0]:
            raise CalibrationError(
                f"a schedule starting in {first} has no value for the years before it; "
                f"expected a value for {int(self.years[0])} or earlier"
            )
        return schedule_values(schedule, self.years, self.drivers, before)

    def optional(self, schedule, default: float) -> FloatArray:
        """The schedule, or ``default`` (the base year's value) where there is none; a schedule
        that starts after the base year keeps ``default`` until it does."""
        return (
            self.values(schedule, before=default)
            if schedule is not None
            else np.full(self.T, float(default))
        )


def history_first(projected: FloatArray, history: FloatArray) -> FloatArray:
    """The projection's values with the base year's taken from the history (observed) policy."""
    out = np.array(projected, dtype=float)
    out[0] = history[0]
    return out


def rule_growth(rule, y: Years, after: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """Yearly growth under a wage/price rule where ``after`` is True (else 0), and the rule's
    link (T, 2): the weights of wage growth and of price inflation in that growth, so that a
    simulation that moves wages or prices moves the growth with them."""
    growth = (
        rule.wage_growth_share * y.drivers["wage_growth"]
        + rule.price_inflation_share * y.drivers["price_inflation"]
        + rule.margin
    )
    link = np.stack(
        [
            np.where(after, rule.wage_growth_share, 0.0),
            np.where(after, rule.price_inflation_share, 0.0),
        ],
        axis=-1,
    )
    return np.where(after, growth, 0.0), link


#: The uprating of residents' amounts when a scenario states no rule: with consumer prices.
PRICE_UPRATING = {"wage_growth_share": 0.0, "price_inflation_share": 1.0, "margin": 0.0}


def uprated_amount(schedule, first_value: float, rule, y: Years) -> tuple[FloatArray, FloatArray]:
    """An amount per head (元) over the projection years: each stated amount in its year, and
    in every year after the base year without one, last year's amount grown by ``rule``
    (before the schedule's first year, from ``first_value``, the base year's amount), unless the
    schedule extends itself (``uprate`` or ``increment_per_year``). So a variant that states an
    amount from 2025 leaves the years before 2025 as the baseline has them. Returns the amounts
    (T,) and the rule's link (T, 2)."""

    rule = rule if rule is not None else SimpleNamespace(**PRICE_UPRATING)
    # Without a schedule (and before it starts) the base year's amount follows the rule.
    default_growth, default_link = rule_growth(rule, y, y.years > y.years[0])
    default_path = float(first_value) * np.cumprod(1.0 + default_growth, dtype=np.float64)
    if schedule is None:
        return default_path, default_link
    path = y.values(schedule, before=default_path)
    first = schedule.first_year
    before_first = y.years < first if first is not None else np.zeros(y.T, dtype=bool)
    link_before = np.where(before_first[:, None], default_link, 0.0)
    if schedule.uprate is not None or schedule.increment_per_year:
        return path, link_before
    # A stated amount holds in its own year; in every later year without one it follows the rule.
    stated = (
        np.isin(y.years, list(schedule.value))
        if isinstance(schedule.value, dict)
        else y.years == y.years[0]
    )
    ruled = (y.years > y.years[0]) & ~stated & ~before_first
    growth, link = rule_growth(rule, y, ruled)
    out = path.copy()
    for t in range(1, y.T):
        if ruled[t]:
            out[t] = out[t - 1] * (1.0 + growth[t])
    return out, link + link_before
