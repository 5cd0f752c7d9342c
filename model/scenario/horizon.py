"""Schedules checked over the whole horizon, after their increments and uprating.

A schedule's stated values are checked where they are written (``model.scenario.schema``); a
schedule that rises by ``increment_per_year`` or grows with ``uprate`` after its last stated
year can still leave its range later on (a central pension falling by 50 元 a year is negative
from 2030). This walks every such schedule year by year to the horizon, in plain Python (no
numpy, so ``yanglao validate`` stays light), and reports the first year out of range.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from model.scenario.schema import Scenario, Schedule


def _step(schedule: Schedule, year: int) -> float:
    """The value in force in ``year`` (the first stated value before it)."""
    if not isinstance(schedule.value, dict):
        return float(schedule.value)
    value = next(iter(schedule.value.values()))
    for y, v in schedule.value.items():
        if y <= year:
            value = v
    return float(value)


def walk_schedules(
    obj: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Schedule]]:
    """Every schedule in a scenario with its field path."""
    if isinstance(obj, Schedule):
        yield path, obj
        return
    if isinstance(obj, BaseModel):
        items: Any = ((name, getattr(obj, name)) for name in type(obj).model_fields)
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        return
    for key, value in items:
        # only containers are walked into: a generator per leaf value made this walk a
        # tenth of the time of reading a region's counties
        if isinstance(value, (BaseModel, dict)):
            yield from walk_schedules(value, path + (key,))


def horizon_problems(scenario: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    """(field path, message) for each schedule whose extension leaves its range by the horizon."""
    base, horizon = scenario.meta.base_year, scenario.meta.horizon
    eco = scenario.assumptions.economy
    drivers = {"wage_growth": eco.wage_growth, "price_inflation": eco.price_inflation}
    out = []
    for path, schedule in walk_schedules(scenario):
        extends = schedule.increment_per_year or schedule.uprate
        if not extends:
            continue
        stated = list(schedule.value) if isinstance(schedule.value, dict) else []
        last = stated[-1] if stated else base
        value = _step(schedule, last)
        for year in range(max(last, base) + 1, horizon + 1):
            if schedule.increment_per_year:
                value = value + schedule.increment_per_year
            elif schedule.uprate:
                value = value * (1.0 + _step(drivers[schedule.uprate], year))
            lo, hi = type(schedule).lo, type(schedule).hi
            if (
                not math.isfinite(value)
                or (lo is not None and value < lo)
                or (hi is not None and value > hi)
            ):
                how = (
                    f"rising by {schedule.increment_per_year:g} a year"
                    if schedule.increment_per_year
                    else f"growing with {schedule.uprate}"
                )
                bounds = " and ".join(
                    f"{word} {b:g}"
                    for word, b in (("at least", lo), ("at most", hi))
                    if b is not None
                )
                key = "increment_per_year" if schedule.increment_per_year else "uprate"
                out.append(
                    (
                        path + (key,),
                        f"{how} after {last}, the value reaches {value:.6g} in "
                        f"{year}; expected {bounds} to the horizon {horizon}",
                    )
                )
                break
    return out
