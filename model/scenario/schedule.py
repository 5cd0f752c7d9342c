"""Year schedules become arrays here, and only here.

A :class:`~model.scenario.schema.Schedule` says "this value from year Y until it changes". The
functions below turn it into a float array over a run of calendar years, so that every formula
sees a plain ``rate[year_index]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.scenario.schema import Schedule

if TYPE_CHECKING:  # numpy is imported by the functions that make arrays: validation needs none
    import numpy as np

    from model.scenario.arrays import FloatArray


def step_values(schedule: Schedule, years: np.ndarray,
                before: float | FloatArray | None = None) -> FloatArray:
    """Value in force in each of ``years``: the last stated value at or before the year.

    Years before the first stated year take ``before`` where it is given (the value in force
    before the schedule starts: for a projection, the base year's stated or calibrated value, or
    a path of such values by year),
    else the first stated value (for histories that reach back before their first figure).

    >>> import numpy as np
    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2021: 0.16, 2025: 0.14}, source="example")
    >>> step_values(s, np.arange(2023, 2027)).tolist()
    [0.16, 0.16, 0.14, 0.14]
    """
    import numpy as np

    years = np.asarray(years)
    if not isinstance(schedule.value, dict):
        out = np.full(years.shape, float(schedule.value))
        last = None
    else:
        stated_years = np.fromiter(schedule.value.keys(), dtype=np.int64)
        stated_values = np.fromiter(schedule.value.values(), dtype=np.float64)
        idx = np.searchsorted(stated_years, years, side="right") - 1
        out = stated_values[np.clip(idx, 0, None)]
        if before is not None:
            out = np.where(idx < 0, before, out)
        last = int(stated_years[-1])
    step = getattr(schedule, "increment_per_year", None)
    if step:
        # rises by `step` each year after the last stated year (after the first year for a constant)
        start = last if last is not None else int(years.min())
        out = out + step * np.maximum(years - start, 0)
    return out


def value_at(schedule: Schedule, year: int) -> float:
    """The value in force in one ``year``: ``step_values(schedule, [year])[0]``, without numpy
    (completing a scenario's base-year account reads single values while it is validated).

    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2021: 0.16, 2025: 0.14}, increment_per_year=0.01, source="example")
    >>> [value_at(s, y) for y in (2020, 2024, 2025, 2027)]
    [0.16, 0.16, 0.14, 0.16]
    """
    from bisect import bisect_right

    year = int(year)
    if not isinstance(schedule.value, dict):
        out = float(schedule.value)
        start = year  # a constant rises from the first year asked for: here, this one
    else:
        stated_years = [int(y) for y in schedule.value]
        index = max(bisect_right(stated_years, year) - 1, 0)
        out = float(list(schedule.value.values())[index])
        start = stated_years[-1]
    step = getattr(schedule, "increment_per_year", None)
    if step:
        out = out + step * max(year - start, 0)
    return out


def schedule_values(schedule: Schedule, years: np.ndarray, drivers: dict[str, FloatArray],
                    before: float | FloatArray | None = None) -> FloatArray:
    """Values over ``years`` as the schedule says: ``before`` until the first stated year (see
    :func:`step_values`), steps, then carried forward, uprated by a driver (``drivers[name]`` is
    its growth per year over ``years``) or raised each year.

    >>> import numpy as np
    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2025: 150.0}, source="example")
    >>> schedule_values(s, np.arange(2023, 2027), {}, before=84.74).tolist()
    [84.74, 84.74, 150.0, 150.0]

    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2021: 143.0}, increment_per_year=20, source="example")
    >>> schedule_values(s, np.arange(2021, 2024), {}).tolist()
    [143.0, 163.0, 183.0]
    """
    if schedule.uprate is not None:
        return uprated_values(schedule, years, drivers[schedule.uprate], before)
    return step_values(schedule, years, before)


def last_stated_year(schedule: Schedule) -> int | None:
    return next(reversed(schedule.value)) if isinstance(schedule.value, dict) else None


def uprated_values(
    schedule: Schedule, years: np.ndarray, growth_by_year: FloatArray,
    before: float | FloatArray | None = None,
) -> FloatArray:
    """Step values up to the last stated year; after it the value grows with ``growth_by_year``.

    ``growth_by_year[i]`` is the growth from ``years[i-1]`` to ``years[i]``.

    >>> import numpy as np
    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2021: 100.0}, source="example", uprate="wage_growth")
    >>> uprated_values(s, np.arange(2021, 2024), np.array([0.0, 0.1, 0.1])).round(6).tolist()
    [100.0, 110.0, 121.0]
    """
    import numpy as np

    years = np.asarray(years)
    base = step_values(schedule, years, before)
    last = last_stated_year(schedule)
    if last is None or schedule.uprate is None:
        return base
    after = years > last
    if not after.any():
        return base
    factor = np.cumprod(np.where(after, 1.0 + growth_by_year, 1.0))
    return np.where(after, base * factor, base)


def geometric_values(schedule: Schedule, years: np.ndarray) -> FloatArray:
    """Stated levels with the years between them filled geometrically (for wage histories).

    Before the first and after the last stated year the nearest stated value is held.

    >>> import numpy as np
    >>> from model.scenario.schema import Schedule
    >>> s = Schedule(value={2000: 100.0, 2002: 121.0}, source="example")
    >>> geometric_values(s, np.arange(2000, 2003)).round(6).tolist()
    [100.0, 110.0, 121.0]
    """
    import numpy as np

    years = np.asarray(years, dtype=float)
    if not isinstance(schedule.value, dict):
        return np.full(years.shape, float(schedule.value))
    xs = np.fromiter(schedule.value.keys(), dtype=float)
    ys = np.log(np.fromiter(schedule.value.values(), dtype=float))
    return np.exp(np.interp(years, xs, ys))
