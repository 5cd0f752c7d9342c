"""Pure demographic steps on member arrays of shape (B, G, A).

Each function returns new arrays and never changes its inputs. Heads are floats: expected
values of a cohort projection. The order in which ``model.engine.project`` applies them inside a
year is written down there, once.
"""

from __future__ import annotations

import numpy as np

from model.engine.axes import AGES, FloatArray


def death_probabilities(
    qx_base: FloatArray,
    multiplier: FloatArray,
    improvement_rate: FloatArray,
    years: np.ndarray,
    table_year: int,
) -> FloatArray:
    """Yearly death probabilities, shape (T, G, A).

    ``q[t, g, x] = min(1, qx_base[g, x] × multiplier[g] × (1 − improvement[t])^(t − table_year))``
    with the improvement compounded year by year from the table's central year (constant before
    it). The open top age keeps its table value times the multiplier.

    Parameters
    ----------
    qx_base : ndarray [/1], shape (G, A)
    multiplier : ndarray [/1], shape (G,)
    improvement_rate : ndarray [/1 per year], shape (T,)
    years : ndarray [calendar year], shape (T,)
    """
    years = np.asarray(years)
    # Improvement from the table year to the first projection year at the first year's rate,
    # then each year at its own rate.
    gap = np.maximum(years[0] - table_year, 0)
    log_factor = gap * np.log1p(-improvement_rate[0]) + np.concatenate(
        [[0.0], np.cumsum(np.log1p(-improvement_rate[1:]))]
    )
    factor = np.exp(log_factor)[:, None, None]
    q = qx_base[None, :, :] * multiplier[None, :, None] * factor
    return np.minimum(q, 1.0)


def age_one_year(heads: FloatArray) -> FloatArray:
    """Move everyone up one year of age; the open top age keeps its own survivors.

    >>> age_one_year(np.array([[[1.0, 2.0, 3.0]]])).tolist()
    [[[0.0, 1.0, 5.0]]]
    """
    out = np.empty_like(heads)
    out[..., 0] = 0.0
    out[..., 1:] = heads[..., :-1]
    out[..., -1] += heads[..., -1]
    return out


def fertility_schedule(
    total_fertility_rate: FloatArray, mean_age: float, sd_age: float = 5.5
) -> FloatArray:
    """Age-specific fertility rates (T, A) with a normal shape over ages 15–49.

    ``asfr[t, x] = TFR[t] × φ(x; mean_age, sd_age) / Σ_{15≤y≤49} φ(y)``. The shape is a judgment
    (no county data); only the TFR and the mean age are scenario inputs.
    """
    shape = np.exp(-0.5 * ((AGES - mean_age) / sd_age) ** 2)
    shape[(AGES < 15) | (AGES > 49)] = 0.0
    shape /= shape.sum()
    return total_fertility_rate[:, None] * shape[None, :]
