"""Shipped tables: life tables, the annuity divisor, age profiles. Checked on load.

Lookups clip only where clipping is meant (the open top age of a life table) and fail loudly
elsewhere. Files are read with the standard library so that the CLI starts fast.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np

from model.engine.axes import AGES, MAX_AGE, N_AGES, FloatArray
from model.errors import DataError
from model.scenario.schema import AgeWeights

#: Life tables the scenario may name: file, and the columns for (male, female).
LIFE_TABLES = {
    "cl2010_2013_pension": (
        "china_life_insurance_cl2010_2013_qx.csv",
        ("cl5_pension_male", "cl6_pension_female"),
    ),
    "wpp2024_2020_2025": (
        "china_qx_single_age_derived_wpp2024.csv",
        ("qx_male_2020_2025", "qx_female_2020_2025"),
    ),
    "wpp2024_2015_2020": (
        "china_qx_single_age_derived_wpp2024.csv",
        ("qx_male_2015_2020", "qx_female_2015_2020"),
    ),
}


def _rows(filename: str) -> list[dict[str, str]]:
    try:
        text = resources.files("model.data").joinpath(filename).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"shipped data file model/data/{filename} is missing") from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def life_table(name: str) -> FloatArray:
    """One-year death probabilities ``qx``, shape (2, A): (male, female) × ages 0–100.

    The top age 100 is open: its qx is the table's own qx at 100 (1 where the table closes
    there), applied to everyone aged 100 and over.
    """
    if name not in LIFE_TABLES:
        raise DataError(f"unknown life table '{name}'; known: {', '.join(LIFE_TABLES)}")
    filename, columns = LIFE_TABLES[name]
    rows = _rows(filename)
    by_age = {int(r["age"]): r for r in rows}
    missing = [a for a in AGES if int(a) not in by_age]
    if missing:
        raise DataError(f"life table {filename} lacks ages {missing[:5]}…")
    qx = np.array([[float(by_age[int(a)][c]) for a in AGES] for c in columns])
    if not ((qx >= 0) & (qx <= 1)).all():
        raise DataError(f"life table {filename} has qx outside [0, 1]")
    return qx


def life_expectancy_at_birth(qx: FloatArray) -> FloatArray:
    """Period life expectancy at birth from single-age ``qx`` (..., A), deaths mid-year.

    The open top age contributes 1/qx years per survivor reaching it.
    """
    qx = np.asarray(qx)
    survivors = np.cumprod(
        np.concatenate([np.ones(qx.shape[:-1] + (1,)), 1 - qx[..., :-1]], -1), -1
    )
    years_lived = survivors * (1 - 0.5 * qx)
    top = survivors[..., -1] * (1 / np.maximum(qx[..., -1], 1e-12) - 0.5)
    return years_lived[..., :-1].sum(-1) + top


@cache
def payout_months_table() -> tuple[FloatArray, FloatArray]:
    """个人账户养老金计发月数: (retirement ages 40–70, months)."""
    rows = _rows("jifa_yueshu_payout_months.csv")
    ages = np.array([float(r["retire_age"]) for r in rows])
    months = np.array([float(r["months"]) for r in rows])
    if np.any(np.diff(ages) != 1) or np.any(np.diff(months) >= 0):
        raise DataError("payout-months table must run over consecutive ages with falling months")
    return ages, months


def payout_months(retirement_age: FloatArray, method: str = "interpolate") -> FloatArray:
    """Divisor of the individual-account pension for a (possibly fractional) retirement age.

    ``interpolate`` is linear between whole ages; ``floor`` uses the completed age. No official
    table exists for ages with months after the 2025 reform (the reference notes this as
    unverified local practice). Ages outside 40–70 raise.
    """
    ages, months = payout_months_table()
    r = np.asarray(retirement_age, dtype=float)
    if np.any((r < ages[0]) | (r > ages[-1])):
        raise DataError(
            f"retirement age outside the payout-months table ({ages[0]:g}–{ages[-1]:g})"
        )
    if method == "floor":
        r = np.floor(r)
    return np.interp(r, ages, months)


def _band_edges(profile: AgeWeights) -> tuple[np.ndarray, np.ndarray]:
    """Band edges (first age of each band, then one past the last age) and band weights; ages
    left between two bands narrower than the gap between their starts form a band of weight 0."""
    starts = list(profile.weights)
    edges: list[int] = []
    weights: list[float] = []
    for i, start in enumerate(starts):
        edges.append(start)
        weights.append(float(profile.weights[start]))
        if i + 1 < len(starts):
            end = min(starts[i + 1] - 1, start + profile.band_width - 1)
            if end + 1 < starts[i + 1]:
                edges.append(end + 1)
                weights.append(0.0)
    edges.append(min(profile.last_age, MAX_AGE) + 1)
    return np.array(edges, dtype=float), np.array(weights)


def _end_slope(h0: float, h1: float, d0: float, d1: float) -> float:
    """PCHIP's three-point slope at an end, kept within what preserves monotonicity."""
    m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
    if np.sign(m) != np.sign(d0):
        return 0.0
    if np.sign(d0) != np.sign(d1) and abs(m) > abs(3 * d0):
        return 3 * d0
    return float(m)


def _monotone_cubic(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Monotone piecewise-cubic Hermite interpolation (Fritsch–Carlson, as PCHIP) of
    non-decreasing ``y`` at knots ``x``, evaluated at ``at`` (clipped to the knots' range).

    Written out here because scipy.interpolate costs half a second to import.

    >>> _monotone_cubic(np.array([0., 1., 2.]), np.array([0., 1., 2.]), np.array([0.5, 1.5]))
    array([0.5, 1.5])
    """
    h = np.diff(x)
    d = np.diff(y) / h
    m = np.empty_like(y)
    m[0], m[-1] = d[0], d[-1]
    if len(d) > 1:
        m[0] = _end_slope(h[0], h[1], d[0], d[1])
        m[-1] = _end_slope(h[-1], h[-2], d[-1], d[-2])
        w1 = 2 * h[1:] + h[:-1]
        w2 = h[1:] + 2 * h[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            harmonic = (w1 + w2) / (w1 / d[:-1] + w2 / d[1:])
        m[1:-1] = np.where((d[:-1] > 0) & (d[1:] > 0), harmonic, 0.0)
    at = np.clip(at, x[0], x[-1])
    k = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(h) - 1)
    t = (at - x[k]) / h[k]
    h00 = (1 + 2 * t) * (1 - t) ** 2
    h10 = t * (1 - t) ** 2
    h01 = t * t * (3 - 2 * t)
    h11 = t * t * (t - 1)
    return h00 * y[k] + h10 * h[k] * m[k] + h01 * y[k + 1] + h11 * h[k] * m[k + 1]


def age_weights(profile: AgeWeights, normalise: bool = True) -> FloatArray:
    """Spread band weights over single ages 0–100, shape (A,), smoothly.

    The cumulative weight at the band edges is interpolated by a monotone cubic (PCHIP) and
    differenced at whole ages, so that each band keeps exactly its weight while the weight per
    age changes gradually across band edges: a step at every fifth or tenth age would make
    steps in retirements and new beneficiaries each time a band edge reaches the pension age.
    Bands one age wide are kept as stated. With ``normalise`` the result sums to 1.
    """
    edges, weights = _band_edges(profile)
    out = np.zeros(N_AGES)
    first, stop = int(edges[0]), int(edges[-1])
    if profile.band_width == 1 or len(weights) < 3:
        sizes = np.diff(edges)
        per_age = np.repeat(weights / sizes, sizes.astype(int))
        out[first:stop] = per_age
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        ages = np.arange(first, stop + 1, dtype=float)
        out[first:stop] = np.diff(_monotone_cubic(edges, cumulative, ages))
    out = np.maximum(out, 0.0)
    if normalise:
        out /= out.sum()
    return out


def age_levels(profile: AgeWeights) -> FloatArray:
    """Band values held over each band's ages (not shared), shape (A,); 0 outside the bands.

    For scales such as relative salary by age, where a band's value applies to each age in it.
    Ages after ``last_age`` keep the last band's value.
    """
    out = np.zeros(N_AGES)
    starts = list(profile.weights)
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else MAX_AGE
        out[start : end + 1] = float(profile.weights[start])
    return out
