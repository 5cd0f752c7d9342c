"""Base-year calibration: solve for the levels the report does not give.

Each solver is a pure function of arrays and a stated target, so that the engine's own
computation of the base year reproduces the report. Where the relation is linear the level is
divided out exactly; where the contribution base floor or cap makes it non-linear,
Brent's method solves it (:func:`model.engine.roots.brent_root`).

Every calibrated level is recorded as a :class:`Calibrated` entry: what was solved, its value
and unit, the target it reproduces, and the starting guess it moved from (a judgment or a
published figure), so that a reader can see how far the data pulled it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engine.axes import FloatArray
from model.engine.roots import brent_root
from model.errors import CalibrationError
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN, readable


@dataclass(frozen=True)
class Calibrated:
    """One level solved for in the base year."""

    fund: str
    name: str
    value: float
    unit: str
    target: str
    reference: float | None = None
    reference_label: str = ""

    @property
    def ratio_to_reference(self) -> float | None:
        if self.reference in (None, 0):
            return None
        return self.value / self.reference


def contribution_income_wan(
    actives: FloatArray,
    salary_level_yuan: float,
    salary_scale: FloatArray,
    base_floor_yuan: float,
    base_cap_yuan: float,
    contribution_rate: float,
) -> float:
    """Contributions [万元] of ``actives`` (G, A) at a salary level (yuan/year at scale 1)."""
    base = np.clip(salary_level_yuan * salary_scale, base_floor_yuan, base_cap_yuan)
    return float((actives * base).sum() * contribution_rate / YUAN_PER_WAN)


def solve_salary_level(
    target_wan: float,
    actives: FloatArray,
    salary_scale: FloatArray,
    base_floor_yuan: float,
    base_cap_yuan: float,
    contribution_rate: float,
    fields: tuple[str, ...] = (),
) -> float:
    """Salary level [yuan/year at scale 1] whose contributions equal ``target_wan``.

    Contributions rise with the level, flat only where every member is at the floor or the cap.
    """
    if target_wan <= 0 or actives.sum() <= 0:
        raise CalibrationError(
            "cannot calibrate salaries: expected contributions and contributors both above 0",
            fields,
        )
    weighted = float((actives * salary_scale).sum())
    linear_level = target_wan * YUAN_PER_WAN / (weighted * contribution_rate)
    base = linear_level * salary_scale[actives.sum(0) > 0]
    if np.all((base >= base_floor_yuan) & (base <= base_cap_yuan)):
        return linear_level  # floor and cap do not bind: the relation is linear

    def gap(level: float) -> float:
        return (
            contribution_income_wan(
                actives, level, salary_scale, base_floor_yuan, base_cap_yuan, contribution_rate
            )
            - target_wan
        )

    lo, hi = 1e-3, linear_level * 10 + base_cap_yuan
    if gap(lo) > 0 or gap(hi) < 0:
        raise CalibrationError(
            f"the stated contributions {target_wan:,.2f} 万元 cannot come from the contributors "
            "between the contribution floor and cap; expected contributions the members' pay "
            "can give at the stated rates",
            fields,
        )
    return brent_root(gap, lo, hi, xtol=1e-9, rtol=1e-14)


def scale_to_target(
    target_wan: float, unscaled_wan: float, what: str, fields: tuple[str, ...] = ()
) -> float:
    """Factor that turns ``unscaled_wan`` into ``target_wan`` (a linear calibration)."""
    if unscaled_wan <= 0:
        raise CalibrationError(
            f"cannot calibrate {what}: the model gives no amount to scale", fields
        )
    return target_wan / unscaled_wan


def monthly_per_head_yuan(amount_wan: float, heads: float, fields: tuple[str, ...] = ()) -> float:
    """Yuan per head per month that pays ``amount_wan`` in a year to ``heads`` people."""
    if heads <= 0:
        raise CalibrationError(
            "cannot calibrate a per-head amount for no people; expected more than 0 people", fields
        )
    return amount_wan * YUAN_PER_WAN / heads / MONTHS_PER_YEAR


#: What a county's base year can plausibly give per head; outside these the stated figures do
#: not describe a pension fund (a typing error, a figure in the wrong unit or the wrong line).
PLAUSIBLE_PER_HEAD = {
    "pension_monthly_yuan": (50.0, 100_000.0),
    "contribution_base_yuan": (1_000.0, 10_000_000.0),
    "residents_pension_monthly_yuan": (10.0, 20_000.0),
    "residents_contribution_yuan": (10.0, 100_000.0),
}


def check_plausible(kind: str, value: float, what: str, fields: tuple[str, ...]) -> None:
    """Raise a CalibrationError when a calibrated amount per head is outside what a county's
    fund can have (:data:`PLAUSIBLE_PER_HEAD`)."""
    lo, hi = PLAUSIBLE_PER_HEAD[kind]
    if not lo <= value <= hi:
        raise CalibrationError(
            f"the stated figures give {what} of {readable(value)}; expected between {lo:,.0f} and "
            f"{hi:,.0f} (a figure in the wrong unit or the wrong line?)",
            fields,
        )
