"""Fitted models of the economic drivers and of mortality improvement, for Monte Carlo runs.

The shipped history (``model/data``, see ``SOURCE.md``) is read by :func:`load_history`. Two
models are fitted on it with statsmodels (imported inside the functions, so that importing this
module, and the CLI, stays fast):

* :func:`fit_economic` — a VAR(1) on annual national wage growth, CPI inflation and the one-year
  deposit rate, around a linear time trend by default (so the deviations it describes are
  deviations from a trend, not from one constant mean over 2001–2023); if the VAR fails or is not
  stable, independent AR(1) models per series, and the result says so
  (:attr:`EconomicFit.fallback_reason`);
* :func:`fit_mortality` — a Lee–Carter-style random walk with drift on UN WPP life expectancy at
  birth by sex, translated into the yearly rate at which death rates fall (the scenario's
  ``assumptions.mortality.improvement_rate``).

Both fits return frozen results whose ``simulate_*`` methods draw paths of **deviations** from
a scenario's deterministic path: row 0 of every path is the starting year (the base year, which
is history) and is exactly 0; later rows follow the fitted dynamics; ``scale`` multiplies every
shock, so ``scale=0`` gives zeros and adding the deviations reproduces the deterministic path.
The trends fitted here are reported, not imposed: the centre of a simulation is the scenario's
own path. With ``parameter_uncertainty`` the coefficients of each path are drawn from their
estimated covariance (:meth:`EconomicFit.draw_coefficients`, explosive draws redrawn) and each
path has its own error of the mortality drift. ``docs/drivers.md`` shows the fitted numbers (:func:`doc_sections`).

Units: rates and growth are fractions per year (0.05 is 5%); life expectancy is in years.
A fit that cannot be made (missing values, too few years, a constant or explosive series, a
singular covariance) raises :class:`~model.errors.DataError` naming the series and the years.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.errors import DataError, YanglaoError

if TYPE_CHECKING:
    import pandas

#: Columns of :func:`load_history` that :func:`fit_economic` models, in the order of its arrays.
ECONOMIC_SERIES = ("wage_growth", "inflation", "deposit_rate")
#: Columns of :func:`load_history` that :func:`fit_mortality` models (male, female).
E0_SERIES = ("e0_male", "e0_female")
#: The fitted years by default: wage growth needs the wage of the year before (first: 2000) and
#: the last national wage in the history is 2023's.
DEFAULT_ECONOMIC_YEARS = range(2001, 2024)
#: Years whose change of life expectancy over the year before is fitted by default (UN WPP 2024
#: annual estimates run 2000–2023).
DEFAULT_MORTALITY_YEARS = range(2001, 2024)
#: Fewest years of data for a VAR(1) of three series: 11 transitions leave 7 degrees of freedom
#: per equation (4 coefficients each).
MIN_ECONOMIC_YEARS = 12
#: Fewest yearly changes of life expectancy for a drift and a noise variance by sex.
MIN_MORTALITY_CHANGES = 10
#: Most lags of the Ljung–Box test of residuals; fewer (one per five residuals) in short samples.
LJUNG_BOX_MAX_LAGS = 4
#: The life table whose uniform reduction translates life-expectancy gains into improvement
#: rates: UN WPP 2024 derived single-age qx, 2020–2025 (the residents' table in the scenario).
MORTALITY_TABLE = "wpp2024_2020_2025"
#: Weights of (male, female) in the single improvement rate the engine applies to both sexes
#: (judgment: equal, as the populations of both sexes at pension ages are of similar size).
SEX_WEIGHTS = (0.5, 0.5)
#: Deterministic terms of the economic fit: ``"ct"`` a constant and a linear time trend (the
#: default: wage growth fell from double digits to about 6% over the sample, a trend rather than
#: a slow deviation), ``"c"`` a constant only (deviations from one mean over the whole sample).
ECONOMIC_TRENDS = {"c": "around a constant mean", "ct": "around a linear trend"}
DEFAULT_ECONOMIC_TREND = "ct"
#: Most rounds of redrawing explosive coefficient draws before giving up.
MAX_REDRAW_ROUNDS = 1000

#: History files (in ``model/data``) and the series read from each; no (series, year) is in two.
_LONG_FILES = ("history_series.csv", "china_param_series.csv")
WAGE_SERIES = "avg_wage_nonprivate_national"
CPI_SERIES = "cpi_inflation"
DEPOSIT_SERIES = "deposit_rate_1y_benchmark"


# ------------------------------------------------------------------------------------------------
# History


def _read_data_csv(filename: str) -> pandas.DataFrame:
    """A shipped CSV without its ``#`` header lines (a ``#`` inside a field is kept)."""
    import pandas as pd

    try:
        text = resources.files("model.data").joinpath(filename).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"shipped data file model/data/{filename} is missing") from None
    body = "\n".join(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return pd.read_csv(io.StringIO(body))


def history_long() -> pandas.DataFrame:
    """Every shipped history row in long format, with the file it comes from.

    Returns
    -------
    pandas.DataFrame
        Columns series, year, value, unit, status, source, file. Rows of
        ``history_series.csv`` and ``china_param_series.csv`` as stated (percentages in percent,
        wages in yuan a year); UN WPP 2024 life expectancy at birth as series ``e0_male`` /
        ``e0_female`` (years, status ``verified``: the UN's published estimates); official life
        expectancy as ``e0_official_both``.

    Raises
    ------
    DataError
        If a file is missing or a (series, year) appears twice.
    """
    import pandas as pd

    frames = []
    for filename in _LONG_FILES:
        frame = _read_data_csv(filename)
        frames.append(frame.assign(file=filename))
    e0 = _read_data_csv("china_e0_wpp2024.csv")
    for column in E0_SERIES:
        frames.append(pd.DataFrame({
            "series": column, "year": e0["year"], "value": e0[column], "unit": "years",
            "status": "verified",
            "source": "UN WPP 2024 (R package wpp2024, GitHub PPgp/wpp2024, data/e01dt.rda)",
            "file": "china_e0_wpp2024.csv"}))
    official = _read_data_csv("china_life_expectancy_official.csv")
    frames.append(pd.DataFrame({
        "series": "e0_official_both", "year": official["year"], "value": official["e0_both"],
        "unit": "years", "status": official["status"], "source": official["source"],
        "file": "china_life_expectancy_official.csv"}))
    long = pd.concat(frames, ignore_index=True)
    long["year"] = long["year"].astype(int)
    twice = long[long.duplicated(["series", "year"], keep=False)]
    if len(twice):
        pairs = ", ".join(f"{s} {y} ({f})" for s, y, f in twice[["series", "year", "file"]].values)
        raise DataError(f"history rows stated twice: {pairs}")
    return long


def _series(long: pandas.DataFrame, name: str) -> pandas.Series:
    rows = long[long["series"] == name].dropna(subset=["value"])
    if rows.empty:
        raise DataError(f"history series {name} has no values in model/data")
    return rows.set_index("year")["value"].astype(float).sort_index()


def load_history() -> pandas.DataFrame:
    """The yearly history the driver models are fitted on.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (every year from the first to the last of any series; NaN where a
        series has no value), columns:

        * ``wage_growth`` [/1 per year]: growth of the national average wage of urban
          non-private units over the year before (NBS; 2018 and 2020–2022 from
          ``china_param_series.csv``, the other years recalled, unverified);
        * ``inflation`` [/1 per year]: CPI, year average over the year before (NBS, recalled,
          unverified);
        * ``deposit_rate`` [/1 per year]: PBoC one-year benchmark deposit rate at year end
          (recalled, unverified; fixed at 1.5% since October 2015);
        * ``e0_male``, ``e0_female`` [years]: UN WPP 2024 life expectancy at birth.

    Raises
    ------
    DataError
        If a file or series is missing or a row is stated twice.
    """
    import pandas as pd

    long = history_long()
    wage = _series(long, WAGE_SERIES)
    # Growth only between consecutive years: a missing year leaves NaN, never a multi-year rate.
    wage = wage.reindex(range(int(wage.index.min()), int(wage.index.max()) + 1))
    columns = {
        "wage_growth": wage / wage.shift(1) - 1.0,
        "inflation": _series(long, CPI_SERIES) / 100.0,
        "deposit_rate": _series(long, DEPOSIT_SERIES) / 100.0,
        "e0_male": _series(long, "e0_male"),
        "e0_female": _series(long, "e0_female"),
    }
    first = min(int(s.index.min()) for s in columns.values())
    last = max(int(s.index.max()) for s in columns.values())
    frame = pd.DataFrame({k: v.reindex(range(first, last + 1)) for k, v in columns.items()})
    frame.index.name = "year"
    return frame


def _years_of(years: Iterable[int], what: str) -> list[int]:
    out = [int(y) for y in years]
    if not out:
        raise DataError(f"{what}: no years to fit")
    if any(b != a + 1 for a, b in zip(out, out[1:], strict=False)):
        raise DataError(f"{what}: the years must be consecutive and increasing; got "
                        f"{out[0]}…{out[-1]} with gaps or out of order")
    return out


def year_span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"


def _window(history: pandas.DataFrame, columns: Sequence[str], years: Sequence[int],
            what: str) -> np.ndarray:
    """The history's values of ``columns`` in ``years`` (years × columns), checked complete."""
    missing_columns = [c for c in columns if c not in history.columns]
    if missing_columns:
        raise DataError(f"{what}: the history has no column {', '.join(missing_columns)}")
    frame = history.reindex(index=list(years))[list(columns)].astype(float)
    problems = []
    for column in columns:
        gaps = [int(y) for y, v in frame[column].items() if not math.isfinite(v)]
        if gaps:
            listed = ", ".join(map(str, gaps))
            problems.append(f"{column} has no value (NaN or missing) in {listed}")
    if problems:
        raise DataError(f"{what} over {year_span(years)}: " + "; ".join(problems))
    return frame.to_numpy()


def _check_not_constant(values: np.ndarray, columns: Sequence[str], years: Sequence[int],
                        what: str) -> None:
    for j, column in enumerate(columns):
        if np.ptp(values[:, j]) == 0.0:
            raise DataError(f"{what}: {column} is constant ({values[0, j]:g}) over {year_span(years)}; "
                            "its model would have a singular matrix — widen the years")


def _ljung_box_pvalues(residuals: np.ndarray) -> tuple[tuple[float, ...], int]:
    """Ljung–Box p-values of each residual column, and the number of lags used."""
    from statsmodels.stats.diagnostic import acorr_ljungbox

    lags = max(1, min(LJUNG_BOX_MAX_LAGS, residuals.shape[0] // 5))
    pvalues = []
    for j in range(residuals.shape[1]):
        if np.ptp(residuals[:, j]) == 0.0:
            pvalues.append(float("nan"))
            continue
        table = acorr_ljungbox(residuals[:, j], lags=[lags], return_df=True)
        pvalues.append(float(table["lb_pvalue"].iloc[-1]))
    return tuple(pvalues), lags


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype=float, copy=True)
    out.setflags(write=False)
    return out


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    # An int always gives the same stream; a Generator is drawn from (its state advances).
    return np.random.default_rng(seed)


def _check_sizes(n_paths: int, n_years: int, scale: float) -> None:
    if int(n_paths) < 1 or int(n_years) < 1:
        raise YanglaoError(f"simulation needs at least one path and one year; got "
                           f"n_paths={n_paths}, n_years={n_years}")
    if not (math.isfinite(scale) and scale >= 0):
        raise YanglaoError(f"scale must be a finite number ≥ 0; got {scale}")


# ------------------------------------------------------------------------------------------------
# Economic drivers


@dataclass(frozen=True)
class FitDiagnostics:
    """How well a driver model fits, and whether it may be simulated.

    Attributes
    ----------
    stable : bool
        Whether every root of the fitted dynamics lies inside the unit circle (deviations die
        out); always true of a returned economic fit, and true of a random walk's increments.
    largest_root_modulus : float
        Largest modulus of the eigenvalues of the coefficient matrix [/1]; the yearly factor by
        which the slowest deviation decays (0 for a random walk's white-noise increments).
    ljung_box_pvalues : tuple[float, ...]
        p-value of the Ljung–Box test that a series' residuals are not autocorrelated, per
        series; small values (< 0.05) say the model leaves serial correlation unexplained.
    ljung_box_lags : int
        Lags of the Ljung–Box test (one per five residuals, at most ``LJUNG_BOX_MAX_LAGS``).
    aic : float
        ``−2 log-likelihood + 2 × parameters`` (coefficients, intercepts or drifts and the
        distinct terms of the residual covariance), Gaussian likelihood at the ML estimates.
        Comparable between models of the same data only.
    n_obs : int
        Number of residuals (yearly transitions or changes) the fit used.
    """

    stable: bool
    largest_root_modulus: float
    ljung_box_pvalues: tuple[float, ...]
    ljung_box_lags: int
    aic: float
    n_obs: int


@dataclass(frozen=True, eq=False)
class EconomicFit:
    """A fitted model of wage growth, inflation and the deposit rate (fractions per year).

    The dynamics, for the vector ``x_t`` of the three series (order ``series``), in year ``t``
    with time index ``s = t − years[0] + 1``:
    ``x_t = intercepts + trend_coefficients × s + coefficients @ x_{t-1} + u_t`` with
    ``u_t ~ N(0, residual_covariance)``. The model's deterministic path is
    ``μ_t = (I − A)⁻¹ (intercepts − A trend_slope) + trend_slope × s`` with
    ``trend_slope = (I − A)⁻¹ trend_coefficients`` (a constant mean when ``trend == "c"``);
    deviations ``d_t = x_t − μ_t`` follow ``d_t = coefficients @ d_{t-1} + u_t``.

    Attributes
    ----------
    method : str
        ``"VAR(1)"`` or ``"AR(1) per series"`` (the fallback: diagonal coefficients and
        covariance, the series independent).
    fallback_reason : str | None
        Why the VAR was not used (``None`` when it was).
    trend : str
        ``"ct"`` (constant and linear trend) or ``"c"`` (constant only); see ``ECONOMIC_TRENDS``.
    series : tuple[str, ...]
        Names of the series, the order of every array's axes.
    years : tuple[int, int]
        First and last year of the data fitted (the first is used only as a lag).
    coefficients : ndarray [/1], shape (3, 3)
        ``coefficients[i, j]``: effect of series ``j`` last year on series ``i`` this year.
    coefficient_se : ndarray [/1], shape (3, 3)
        Standard errors of ``coefficients`` (0 off the diagonal of the AR(1) fallback).
    coefficient_covariance : ndarray [/1²], shape (9, 9)
        Estimated covariance of the coefficients, row-major (``coefficients[i, j]`` is entry
        ``3 i + j``): statsmodels ``cov_params()`` (zero between series in the fallback).
    intercepts : ndarray [/1 per year], shape (3,)
    trend_coefficients : ndarray [/1 per year per year], shape (3,)
        Coefficient of the time index in each equation (0 when ``trend == "c"``).
    trend_slope : ndarray [/1 per year per year], shape (3,)
        Yearly change of the deterministic path ``μ_t``.
    residual_covariance : ndarray [(/1 per year)²], shape (3, 3)
        Covariance of the yearly shocks, degrees-of-freedom adjusted.
    mean : ndarray [/1 per year], shape (3,)
        The deterministic path in the last fitted year, ``μ`` at ``years[1]`` (the long-run mean
        ``(I − coefficients)⁻¹ intercepts`` when ``trend == "c"``).
    sample_mean : ndarray [/1 per year], shape (3,)
        Mean of the data over the fitted years.
    diagnostics : FitDiagnostics
    """

    method: str
    fallback_reason: str | None
    series: tuple[str, ...]
    years: tuple[int, int]
    coefficients: np.ndarray
    coefficient_se: np.ndarray
    intercepts: np.ndarray
    residual_covariance: np.ndarray
    mean: np.ndarray
    sample_mean: np.ndarray
    diagnostics: FitDiagnostics
    trend: str = "c"
    trend_coefficients: np.ndarray = field(default_factory=lambda: _frozen(np.zeros(3)))
    trend_slope: np.ndarray = field(default_factory=lambda: _frozen(np.zeros(3)))
    coefficient_covariance: np.ndarray = field(default_factory=lambda: _frozen(np.zeros((9, 9))))

    def trend_at(self, year: int) -> np.ndarray:
        """The model's deterministic path ``μ`` in ``year`` [/1 per year], shape (3,)."""
        return self.mean + self.trend_slope * (int(year) - self.years[1])

    @property
    def residual_sd(self) -> np.ndarray:
        """Standard deviation of each series' yearly shock [/1 per year], shape (3,)."""
        return np.sqrt(np.diag(self.residual_covariance))

    def deviation_covariance(self, n_years: int) -> np.ndarray:
        """Covariance of the simulated deviations in each year, shape (n_years, 3, 3).

        Year 0 is the start (0); year ``t`` is ``A Σ_{t−1} Aᵀ + Σ_u``: the theory that
        :meth:`simulate_deviations` draws from, for checks and for analytic bands.
        """
        k = len(self.series)
        out = np.zeros((int(n_years), k, k))
        for t in range(1, int(n_years)):
            out[t] = self.coefficients @ out[t - 1] @ self.coefficients.T + self.residual_covariance
        return out

    def level_sd(self, n_years: int) -> np.ndarray:
        """Standard deviation of the cumulated deviations ``Σ_{u ≤ t} d_u`` in each year,
        shape (n_years, 3) [/1]: for wage growth, the spread of the log wage level about the
        scenario's path (so ``exp(±1.645 × level_sd)`` is its 5–95% range). Exact for the
        point coefficients: the state ``(d_t, Σ d)`` has covariance ``F C Fᵀ + Q``."""
        k = len(self.series)
        a = self.coefficients
        f = np.block([[a, np.zeros((k, k))], [a, np.eye(k)]])
        q = np.block([[self.residual_covariance] * 2] * 2)
        cov = np.zeros((2 * k, 2 * k))
        out = np.zeros((int(n_years), k))
        for t in range(1, int(n_years)):
            cov = f @ cov @ f.T + q
            out[t] = np.sqrt(np.diag(cov)[k:])
        return out

    def draw_coefficients(self, n_paths: int, seed: int | np.random.Generator
                          ) -> tuple[np.ndarray, int]:
        """Coefficient matrices drawn from their estimated distribution, one per path.

        Each draw is ``coefficients + N(0, coefficient_covariance)`` (the asymptotic normal of
        the least-squares estimates). A draw with an eigenvalue of modulus ≥ 1 would make its
        path explode; it is rejected and drawn again (the accepted draws are the normal
        truncated to the stable region), at most ``MAX_REDRAW_ROUNDS`` rounds.

        Returns
        -------
        draws : ndarray [/1], shape (n_paths, 3, 3)
        rejected : int
            How many explosive draws were rejected and redrawn.

        Raises
        ------
        DataError
            If the stable region is so unlikely that draws keep failing.
        """
        _check_sizes(n_paths, 1, 1.0)
        rng = _generator(seed)
        k = len(self.series)
        values, vectors = np.linalg.eigh(self.coefficient_covariance)
        loading = vectors * np.sqrt(np.maximum(values, 0.0))
        draws = np.empty((int(n_paths), k, k))
        todo = np.arange(int(n_paths))
        rejected = 0
        for _ in range(MAX_REDRAW_ROUNDS):
            z = rng.standard_normal((todo.size, k * k))
            cand = self.coefficients + (z @ loading.T).reshape(todo.size, k, k)
            stable = np.abs(np.linalg.eigvals(cand)).max(axis=1) < 1.0
            draws[todo[stable]] = cand[stable]
            rejected += int((~stable).sum())
            todo = todo[~stable]
            if todo.size == 0:
                return draws, rejected
        raise DataError(f"{self.method} coefficients: {todo.size} of {n_paths} draws still "
                        f"explosive after {MAX_REDRAW_ROUNDS} rounds; the estimates are too "
                        "uncertain to draw stable models from")

    def simulate_deviations(self, n_paths: int, n_years: int, seed: int | np.random.Generator,
                            scale: float = 1.0, coefficients: np.ndarray | None = None
                            ) -> np.ndarray:
        """Paths of deviations of the three series from their deterministic path.

        Parameters
        ----------
        n_paths : int
            Number of paths.
        n_years : int
            Years per path, the starting year included: pass the projection's number of years
            counting the base year.
        seed : int or numpy.random.Generator
            The same int gives the same paths.
        scale : float, default 1.0
            Multiplies every shock (0 gives zeros; 2 doubles every path exactly: the draws
            do not depend on ``scale``).
        coefficients : ndarray, shape (n_paths, 3, 3), optional
            A coefficient matrix per path (e.g. from :meth:`draw_coefficients`); default the
            point estimates for every path.

        Returns
        -------
        ndarray [/1 per year], shape (n_paths, n_years, 3)
            ``[..., j]`` is series ``series[j]``. Row 0 is the starting year and is 0; then
            ``d_t = coefficients @ d_{t−1} + scale × u_t``: mean 0 in every year. Add to a
            scenario's path of wage growth, inflation and the deposit rate (the caller clips
            rates where it must).
        """
        _check_sizes(n_paths, n_years, scale)
        rng = _generator(seed)
        k = len(self.series)
        draws = rng.standard_normal((int(n_paths), int(n_years) - 1, k))
        loading = np.linalg.cholesky(self.residual_covariance)
        # years first inside the loop, so that each year's step reads and writes one block
        shocks = scale * (draws @ loading.T).transpose(1, 0, 2)
        out = np.zeros((int(n_years), int(n_paths), k))
        if coefficients is None:
            for t in range(1, int(n_years)):
                out[t] = out[t - 1] @ self.coefficients.T + shocks[t - 1]
        else:
            a = np.asarray(coefficients, dtype=float)
            if a.shape != (int(n_paths), k, k):
                raise YanglaoError(f"coefficients: expected shape {(int(n_paths), k, k)}, "
                                   f"got {a.shape}")
            for t in range(1, int(n_years)):
                out[t] = np.einsum("pij,pj->pi", a, out[t - 1]) + shocks[t - 1]
        return out.transpose(1, 0, 2)


def _fit_var(values: np.ndarray, trend: str = DEFAULT_ECONOMIC_TREND):
    """statsmodels VAR(1) with deterministic terms ``trend`` on years × series (a seam for
    tests)."""
    from statsmodels.tsa.api import VAR

    return VAR(values).fit(maxlags=1, trend=trend)


def _fit_var_checked(values: np.ndarray, trend: str) -> tuple[dict | None, str | None]:
    """The VAR(1) estimates, or None and why it cannot be used."""
    k = values.shape[1]
    n_det = len(trend)  # statsmodels rows: constant, then the time trend, then the lags
    try:
        result = _fit_var(values, trend)
        coefficients = np.asarray(result.coefs[0], dtype=float)
        params = np.asarray(result.params, dtype=float)
        # stderr rows: deterministic terms, then each series' lag; columns: equations.
        coefficient_se = np.asarray(result.stderr, dtype=float)[n_det:].T
        # cov_params is the covariance of params.ravel() (regressor-major): coefficients[i, j]
        # is params[n_det + j, i], entry (n_det + j) k + i.
        index = np.array([(n_det + j) * k + i for i in range(k) for j in range(k)])
        coefficient_covariance = np.asarray(result.cov_params(), dtype=float)[np.ix_(index, index)]
        intercepts = params[0]
        trend_coefficients = params[1] if n_det == 2 else np.zeros(k)
        covariance = np.asarray(result.sigma_u, dtype=float)
        residuals = np.asarray(result.resid, dtype=float)
        llf = float(result.llf)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
        return None, f"the VAR(1) fit failed ({type(err).__name__}: {err})"
    arrays = (coefficients, coefficient_se, coefficient_covariance, intercepts, covariance, residuals)
    if not all(np.isfinite(a).all() for a in arrays) or not math.isfinite(llf):
        return None, "the VAR(1) fit gave non-finite estimates"
    root = float(np.abs(np.linalg.eigvals(coefficients)).max())
    if root >= 1.0:
        return None, f"the VAR(1) is not stable (largest root modulus {root:.4f} ≥ 1)"
    try:
        np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        return None, "the VAR(1) residual covariance is singular (not positive definite)"
    return {"coefficients": coefficients, "coefficient_se": coefficient_se,
            "coefficient_covariance": coefficient_covariance,
            "intercepts": intercepts, "trend_coefficients": trend_coefficients,
            "covariance": covariance, "residuals": residuals, "llf": llf,
            "n_params": k * k + n_det * k + k * (k + 1) // 2, "root": root}, None


def _fit_ar_each(values: np.ndarray, columns: Sequence[str], years: Sequence[int],
                 what: str, trend: str) -> dict:
    """Independent AR(1) with deterministic terms ``trend`` per series (statsmodels AutoReg)."""
    from statsmodels.tsa.ar_model import AutoReg

    k = values.shape[1]
    n_det = len(trend)
    phi, phi_se, const, slope, variance = (np.zeros(k) for _ in range(5))
    residuals, llf = [], 0.0
    for j, column in enumerate(columns):
        try:
            result = AutoReg(values[:, j], lags=1, trend=trend).fit()
        except (np.linalg.LinAlgError, ValueError) as err:
            raise DataError(f"{what}: the AR(1) of {column} over {year_span(years)} cannot be fitted "
                            f"({err})") from None
        params = np.asarray(result.params, dtype=float)
        const[j], phi[j] = params[0], params[n_det]
        slope[j] = params[1] if n_det == 2 else 0.0
        phi_se[j] = float(result.bse[n_det])
        resid = np.asarray(result.resid, dtype=float)
        if not (math.isfinite(phi[j]) and np.isfinite(resid).all()):
            raise DataError(f"{what}: the AR(1) of {column} over {year_span(years)} gave non-finite "
                            "estimates")
        if abs(phi[j]) >= 1.0:
            raise DataError(f"{what}: the AR(1) of {column} over {year_span(years)} is not stationary "
                            f"(coefficient {phi[j]:.4f}); no trend to deviate from")
        # Degrees-of-freedom adjusted like the VAR's covariance (coefficients per equation).
        variance[j] = float(resid @ resid) / (len(resid) - 1 - n_det)
        if variance[j] <= 0.0:
            raise DataError(f"{what}: the AR(1) of {column} over {year_span(years)} fits exactly "
                            "(zero residual variance)")
        residuals.append(resid)
        llf += float(result.llf)
    coefficient_covariance = np.zeros((k * k, k * k))
    coefficient_covariance[np.arange(k) * (k + 1), np.arange(k) * (k + 1)] = phi_se**2
    return {"coefficients": np.diag(phi), "coefficient_se": np.diag(phi_se),
            "coefficient_covariance": coefficient_covariance,
            "intercepts": const, "trend_coefficients": slope, "covariance": np.diag(variance),
            "residuals": np.column_stack(residuals), "llf": llf, "n_params": (2 + n_det) * k,
            "root": float(np.abs(phi).max())}


def fit_economic(history: pandas.DataFrame, years: Iterable[int] = DEFAULT_ECONOMIC_YEARS,
                 method: str = "auto", trend: str = DEFAULT_ECONOMIC_TREND) -> EconomicFit:
    """Fit the joint yearly dynamics of wage growth, inflation and the deposit rate.

    Parameters
    ----------
    history : pandas.DataFrame
        Years (index) × series, with columns ``wage_growth``, ``inflation``, ``deposit_rate``
        in fractions per year, as :func:`load_history` returns.
    years : iterable of int, default 2001–2023
        Consecutive years of data; the first is used only as the lag of the second.
    method : {"auto", "var", "ar"}
        ``auto``: a VAR(1) (statsmodels ``VAR``), falling back to independent AR(1) models
        (statsmodels ``AutoReg``) if the VAR fit fails, is not stable (a root on or outside the
        unit circle) or has a singular residual covariance; ``var`` or ``ar``: that model only.
    trend : {"ct", "c"}
        Deterministic terms: a constant and a linear time trend (default), or a constant only.
        The simulation uses only the deviations about them, never the trend itself.

    Returns
    -------
    EconomicFit

    Raises
    ------
    DataError
        Missing or non-finite values (naming each series and year), fewer than
        ``MIN_ECONOMIC_YEARS`` years, a constant series, a non-stationary AR(1), or (method
        ``var``) a VAR that cannot be used.
    """
    what = "fit_economic"
    if method not in ("auto", "var", "ar"):
        raise YanglaoError(f"{what}: method must be 'auto', 'var' or 'ar'; got {method!r}")
    if trend not in ECONOMIC_TRENDS:
        raise YanglaoError(f"{what}: trend must be one of {', '.join(ECONOMIC_TRENDS)}; got {trend!r}")
    fit_years = _years_of(years, what)
    if len(fit_years) < MIN_ECONOMIC_YEARS:
        raise DataError(f"{what}: {len(fit_years)} years ({year_span(fit_years)}) of "
                        f"{', '.join(ECONOMIC_SERIES)}; a VAR(1) of {len(ECONOMIC_SERIES)} series "
                        f"needs at least {MIN_ECONOMIC_YEARS}")
    values = _window(history, ECONOMIC_SERIES, fit_years, what)
    _check_not_constant(values, ECONOMIC_SERIES, fit_years, what)

    if method == "ar":
        estimates, reason = None, "method 'ar' asked for"
    else:
        estimates, reason = _fit_var_checked(values, trend)
    if estimates is None and method == "var":
        raise DataError(f"{what} over {year_span(fit_years)}: {reason}")
    if estimates is None:
        estimates = _fit_ar_each(values, ECONOMIC_SERIES, fit_years, what, trend)
        used = "AR(1) per series"
    else:
        used, reason = "VAR(1)", None

    coefficients = estimates["coefficients"]
    k = len(ECONOMIC_SERIES)
    # deterministic path μ_s = level + slope × s (s = 1 in the first year of data)
    slope = np.linalg.solve(np.eye(k) - coefficients, estimates["trend_coefficients"])
    level = np.linalg.solve(np.eye(k) - coefficients,
                            estimates["intercepts"] - coefficients @ slope)
    mean = level + slope * len(fit_years)
    pvalues, lags = _ljung_box_pvalues(estimates["residuals"])
    diagnostics = FitDiagnostics(
        stable=estimates["root"] < 1.0,
        largest_root_modulus=estimates["root"],
        ljung_box_pvalues=pvalues,
        ljung_box_lags=lags,
        aic=-2.0 * estimates["llf"] + 2.0 * estimates["n_params"],
        n_obs=int(estimates["residuals"].shape[0]),
    )
    return EconomicFit(
        method=used, fallback_reason=reason, series=ECONOMIC_SERIES,
        years=(fit_years[0], fit_years[-1]), coefficients=_frozen(coefficients),
        coefficient_se=_frozen(estimates["coefficient_se"]),
        intercepts=_frozen(estimates["intercepts"]),
        residual_covariance=_frozen(estimates["covariance"]), mean=_frozen(mean),
        sample_mean=_frozen(values.mean(axis=0)), diagnostics=diagnostics, trend=trend,
        trend_coefficients=_frozen(estimates["trend_coefficients"]), trend_slope=_frozen(slope),
        coefficient_covariance=_frozen(estimates["coefficient_covariance"]),
    )


# ------------------------------------------------------------------------------------------------
# Mortality improvement


def improvement_rate_for_e0_gain(e0_gain: float, qx: np.ndarray) -> float:
    """The uniform yearly fall in death rates that adds ``e0_gain`` years to life expectancy.

    Solves ``e0(min(1, qx × (1 − r))) − e0(qx) = e0_gain`` for ``r`` (scipy ``brentq``), with
    ``e0`` from :func:`model.engine.tables.life_expectancy_at_birth` — the same uniform reduction at
    every age, top age included, that ``model.engine.demography.death_probabilities`` applies.

    Parameters
    ----------
    e0_gain : float [years]
        Gain of life expectancy at birth over one year; negative for a loss.
    qx : ndarray [/1], shape (A,)
        One sex's single-age death probabilities, ages 0–100.

    Returns
    -------
    float [/1 per year]
        The improvement rate ``r`` (negative if ``e0_gain`` is).
    """
    from scipy.optimize import brentq

    from model.engine.tables import life_expectancy_at_birth

    qx = np.asarray(qx, dtype=float)
    base = float(life_expectancy_at_birth(qx))

    def excess(rate: float) -> float:
        return float(life_expectancy_at_birth(np.minimum(qx * (1.0 - rate), 1.0))) - base - e0_gain

    low, high = -0.5, 0.5
    if not excess(low) <= 0.0 <= excess(high):
        raise DataError(f"a life-expectancy change of {e0_gain:+.4f} years a year is outside what "
                        "a uniform change of death rates within ±50% a year gives")
    return float(brentq(excess, low, high, xtol=1e-12))


@dataclass(frozen=True, eq=False)
class MortalityFit:
    """A random walk with drift on life expectancy at birth, as a yearly improvement rate.

    Model (Lee–Carter style, with life expectancy standing in for the mortality index):
    ``e0_{s,t} = e0_{s,t−1} + drift_e0[s] + ε_{s,t}``, ``ε_t ~ N(0, Σ)`` (male, female), iid
    over years. Each sex's change of e0 is translated into the uniform yearly fall of death
    rates that gives it on the :data:`MORTALITY_TABLE` table, linearly around the drift:
    ``r_{s,t} = rate_by_sex[s] + rate_per_e0_year[s] × ε_{s,t}``. The engine applies one rate to
    both sexes: ``r_t = Σ_s SEX_WEIGHTS[s] r_{s,t}``, with mean ``rate_mean`` and yearly noise of
    standard deviation ``rate_sd``.

    Attributes
    ----------
    series : tuple[str, ...]
        ``("e0_male", "e0_female")``, the order of the per-sex arrays.
    years : tuple[int, int]
        First and last year whose change over the year before was fitted.
    drift_e0 : ndarray [years per year], shape (2,)
    drift_e0_se : ndarray [years per year], shape (2,)
        Standard error of the drift.
    sd_e0 : ndarray [years per year], shape (2,)
        Standard deviation of the yearly noise (degrees-of-freedom adjusted).
    correlation : float
        Correlation of the male and female noise.
    table : str
        Life table of the translation.
    table_e0 : ndarray [years], shape (2,)
        Life expectancy at birth of that table.
    rate_by_sex : ndarray [/1 per year], shape (2,)
        Uniform fall of death rates that adds ``drift_e0`` to ``table_e0``.
    rate_per_e0_year : ndarray [/1 per year per year of e0], shape (2,)
        Slope of the translation at the drift.
    rate_mean : float [/1 per year]
        The improvement rate the drift implies for both sexes together.
    rate_sd : float [/1 per year]
        Standard deviation of the yearly noise of that rate.
    rate_mean_se : float [/1 per year]
        Standard error of ``rate_mean`` (the drift's estimation error, as a rate).
    diagnostics : FitDiagnostics
        ``largest_root_modulus`` is 0: the increments are white noise.
    """

    series: tuple[str, ...]
    years: tuple[int, int]
    drift_e0: np.ndarray
    drift_e0_se: np.ndarray
    sd_e0: np.ndarray
    correlation: float
    table: str
    table_e0: np.ndarray
    rate_by_sex: np.ndarray
    rate_per_e0_year: np.ndarray
    rate_mean: float
    rate_sd: float
    rate_mean_se: float
    diagnostics: FitDiagnostics

    def simulate_improvement(self, n_paths: int, n_years: int, seed: int | np.random.Generator,
                             scale: float = 1.0, drift_uncertainty: bool = True) -> np.ndarray:
        """Paths of deviations of the yearly improvement rate from its mean.

        Persistence (the choice): under a random walk with drift the mortality level carries
        every past shock, but its yearly *change* — the improvement rate — is the drift plus
        independent noise. So the deviation in each year is independent noise of standard
        deviation ``rate_sd``; its effect persists because the engine compounds ``(1 − r_t)``
        year after year. With ``drift_uncertainty`` each path also draws its own error of the
        drift, N(0, ``rate_mean_se``²), held over all years — the one persistent part of the
        rate, as in Lee and Carter's (1992) forecast intervals. Over 30 years of a 23-year fit
        it adds a variance of the mortality level (30² σ²/23) comparable to the noise's (30 σ²).

        Parameters
        ----------
        n_paths, n_years : int
            Paths, and years per path counting the starting year.
        seed : int or numpy.random.Generator
            The same int gives the same paths; the draws do not depend on ``scale`` or
            ``drift_uncertainty`` (the drift error is drawn either way).
        scale : float, default 1.0
            Multiplies every deviation (0 gives zeros).
        drift_uncertainty : bool, default True
            Add the per-path drift error.

        Returns
        -------
        ndarray [/1 per year], shape (n_paths, n_years)
            Row 0 (the starting year, history) is 0. Add to the scenario's improvement rates.
        """
        _check_sizes(n_paths, n_years, scale)
        rng = _generator(seed)
        drift_draw = rng.standard_normal((int(n_paths), 1))
        noise = rng.standard_normal((int(n_paths), int(n_years) - 1))
        deviation = self.rate_sd * noise
        if drift_uncertainty:
            deviation = deviation + self.rate_mean_se * drift_draw
        out = np.zeros((int(n_paths), int(n_years)))
        out[:, 1:] = scale * deviation
        return out

    def deviation_variance(self, drift_uncertainty: bool = True) -> float:
        """Variance of the simulated deviation in any year after the first [(/1 per year)²]."""
        return self.rate_sd**2 + (self.rate_mean_se**2 if drift_uncertainty else 0.0)


def fit_mortality(history: pandas.DataFrame, years: Iterable[int] = DEFAULT_MORTALITY_YEARS,
                  table: str = MORTALITY_TABLE) -> MortalityFit:
    """Fit a random walk with drift to life expectancy at birth by sex; translate to a rate.

    Parameters
    ----------
    history : pandas.DataFrame
        Years (index) × series with columns ``e0_male``, ``e0_female`` [years], as
        :func:`load_history` returns.
    years : iterable of int, default 2001–2023
        Consecutive years whose change over the year before is fitted (so the year before
        the first is needed too).
    table : str
        Shipped life table (``model.engine.tables.LIFE_TABLES``) of the translation into rates.

    Returns
    -------
    MortalityFit

    Raises
    ------
    DataError
        Missing or non-finite values (naming each series and year), fewer than
        ``MIN_MORTALITY_CHANGES`` changes, a series whose changes are all equal, or a singular
        covariance of the changes.
    """
    import statsmodels.api as sm

    from model.engine.tables import life_expectancy_at_birth, life_table

    what = "fit_mortality"
    change_years = _years_of(years, what)
    if len(change_years) < MIN_MORTALITY_CHANGES:
        raise DataError(f"{what}: {len(change_years)} yearly changes ({year_span(change_years)}) of "
                        f"{', '.join(E0_SERIES)}; a drift and a noise variance need at least "
                        f"{MIN_MORTALITY_CHANGES}")
    levels = _window(history, E0_SERIES, [change_years[0] - 1] + change_years, what)
    changes = np.diff(levels, axis=0)
    change_names = [f"the yearly change of {s}" for s in E0_SERIES]
    _check_not_constant(changes, change_names, change_years, what)

    drift, drift_se, sd = np.zeros(2), np.zeros(2), np.zeros(2)
    residuals = np.zeros_like(changes)
    for s in range(2):
        # OLS on a constant: the ML drift of a random walk; its scale is the df-adjusted variance.
        result = sm.OLS(changes[:, s], np.ones((len(changes), 1))).fit()
        drift[s], drift_se[s] = float(result.params[0]), float(result.bse[0])
        sd[s] = math.sqrt(float(result.scale))
        residuals[:, s] = result.resid
    covariance = np.cov(residuals, rowvar=False, ddof=1)
    if not np.isfinite(covariance).all() or np.linalg.det(covariance) <= 0.0:
        raise DataError(f"{what}: the covariance of the yearly changes of {', '.join(E0_SERIES)} "
                        f"over {year_span(change_years)} is singular")
    correlation = float(covariance[0, 1] / math.sqrt(covariance[0, 0] * covariance[1, 1]))

    qx = life_table(table)
    table_e0 = np.asarray(life_expectancy_at_birth(qx), dtype=float)
    rate_by_sex, slope = np.zeros(2), np.zeros(2)
    step = 0.01  # years of e0: a central difference well inside the translation's smooth range
    for s in range(2):
        rate_by_sex[s] = improvement_rate_for_e0_gain(drift[s], qx[s])
        slope[s] = (improvement_rate_for_e0_gain(drift[s] + step, qx[s])
                    - improvement_rate_for_e0_gain(drift[s] - step, qx[s])) / (2 * step)
    weights = np.asarray(SEX_WEIGHTS) * slope
    rate_variance = float(weights @ covariance @ weights)
    n = len(changes)

    pvalues, lags = _ljung_box_pvalues(residuals)
    covariance_ml = covariance * (n - 1) / n
    llf = -0.5 * n * (2 * math.log(2 * math.pi) + math.log(np.linalg.det(covariance_ml)) + 2)
    diagnostics = FitDiagnostics(stable=True, largest_root_modulus=0.0, ljung_box_pvalues=pvalues,
                                 ljung_box_lags=lags, aic=-2.0 * llf + 2.0 * (2 + 3), n_obs=n)
    return MortalityFit(
        series=E0_SERIES, years=(change_years[0], change_years[-1]), drift_e0=_frozen(drift),
        drift_e0_se=_frozen(drift_se), sd_e0=_frozen(sd), correlation=correlation, table=table,
        table_e0=_frozen(table_e0), rate_by_sex=_frozen(rate_by_sex),
        rate_per_e0_year=_frozen(slope),
        rate_mean=float(np.dot(SEX_WEIGHTS, rate_by_sex)), rate_sd=math.sqrt(rate_variance),
        rate_mean_se=math.sqrt(rate_variance / n), diagnostics=diagnostics,
    )


# ------------------------------------------------------------------------------------------------
# The stored fit: both models fitted on the shipped history, kept with that history

#: The stored fit in ``model/data`` (written by ``yanglao drivers --refit``).
STORED_FIT_FILE = "fitted_drivers.json"
#: Version of the stored fit's layout and of the fitting code behind it: raise it when a change
#: of the code changes the fitted numbers, so that a fit stored by the old code is refitted.
STORED_FIT_FORMAT = 1

_ECONOMIC_ARRAYS = ("coefficients", "coefficient_se", "intercepts", "residual_covariance", "mean",
                    "sample_mean", "trend_coefficients", "trend_slope", "coefficient_covariance")
_MORTALITY_ARRAYS = ("drift_e0", "drift_e0_se", "sd_e0", "table_e0", "rate_by_sex",
                     "rate_per_e0_year")


class DriverFitWarning(UserWarning):
    """The stored driver fit is not that of the shipped history or settings: refitted."""


@dataclass(frozen=True, eq=False)
class DriverFits:
    """The fitted driver models a simulation uses, and where they came from.

    Attributes
    ----------
    economic : EconomicFit
    mortality : MortalityFit
    stored : bool
        True if read from the stored fit (the history and settings it was fitted on are those
        shipped); False if fitted now.
    reason : str or None
        Why the stored fit was not used (missing, unreadable, another history or settings).
    digest : str
        sha256 of the fitted history rows and the fit settings (:func:`history_record`).
    """

    economic: EconomicFit
    mortality: MortalityFit
    stored: bool
    reason: str | None
    digest: str


def fit_settings() -> dict:
    """The settings of the default fits, as stored beside them (plain JSON data)."""
    return {
        "format": STORED_FIT_FORMAT,
        "economic": {"years": [DEFAULT_ECONOMIC_YEARS[0], DEFAULT_ECONOMIC_YEARS[-1]],
                     "method": "auto", "trend": DEFAULT_ECONOMIC_TREND},
        "mortality": {"years": [DEFAULT_MORTALITY_YEARS[0], DEFAULT_MORTALITY_YEARS[-1]],
                      "table": MORTALITY_TABLE, "sex_weights": list(SEX_WEIGHTS)},
        "ljung_box_max_lags": LJUNG_BOX_MAX_LAGS,
    }


def _column_values(history: pandas.DataFrame, columns: Sequence[str], years: Sequence[int]
                   ) -> dict[str, list]:
    frame = history.reindex(index=list(years))
    out: dict[str, list] = {"years": [int(y) for y in years]}
    for column in columns:
        values = frame[column] if column in frame.columns else [math.nan] * len(years)
        out[column] = [_json_float(v) for v in values]
    return out


def history_record(history: pandas.DataFrame, settings: dict | None = None) -> dict:
    """The history rows the default fits read, the settings, and their sha256 ``digest``.

    The rows are the values each fit reads (wage growth, inflation and the deposit rate over the
    economic years; life expectancy by sex over the mortality years and the year before) and the
    sha256 of the life table that translates gains of life expectancy into rates.
    """
    from model.engine.tables import life_table

    settings = fit_settings() if settings is None else settings
    eco_first, eco_last = settings["economic"]["years"]
    mort_first, mort_last = settings["mortality"]["years"]
    qx = np.ascontiguousarray(life_table(settings["mortality"]["table"]), dtype="<f8")
    rows = {
        "economic": _column_values(history, ECONOMIC_SERIES, range(eco_first, eco_last + 1)),
        "mortality": _column_values(history, E0_SERIES, range(mort_first - 1, mort_last + 1)),
        "life_table_sha256": hashlib.sha256(qx.tobytes()).hexdigest(),
    }
    return {"settings": settings, "history": rows, "digest": _digest(settings, rows)}


def _digest(settings: dict, rows: dict) -> str:
    text = json.dumps({"settings": settings, "history": rows}, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_float(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None  # NaN (no value) as null: strict JSON


def _plain(value):
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()] if value.ndim else _json_float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return _json_float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, FitDiagnostics):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def _unplain_floats(values) -> tuple[float, ...]:
    return tuple(math.nan if v is None else float(v) for v in values)


def _array(values) -> np.ndarray:
    return _frozen(np.array(values, dtype=float))


def fit_record(economic: EconomicFit, mortality: MortalityFit, history: pandas.DataFrame) -> dict:
    """The stored fit as plain JSON data: the history record, the fits, what fitted them."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    record = history_record(history)
    return {
        "about": ("Driver models fitted on the shipped history by model/analysis/drivers.py; "
                  "written by `yanglao drivers --refit`. Not to be edited: a simulation refits when the "
                  "history or the settings below differ from the digest's."),
        "digest": record["digest"],
        "settings": record["settings"],
        "history": record["history"],
        "fitted_with": {p: installed(p) for p in ("statsmodels", "numpy", "scipy")},
        "economic": {f.name: _plain(getattr(economic, f.name)) for f in fields(economic)},
        "mortality": {f.name: _plain(getattr(mortality, f.name)) for f in fields(mortality)},
    }


def fits_from_record(record: dict) -> tuple[EconomicFit, MortalityFit]:
    """The two fits of a stored record (:func:`fit_record`).

    Raises
    ------
    DataError
        If the record lacks a field or has one of the wrong shape.
    """
    try:
        eco = dict(record["economic"])
        mort = dict(record["mortality"])
        for name in _ECONOMIC_ARRAYS:
            eco[name] = _array(eco[name])
        for name in _MORTALITY_ARRAYS:
            mort[name] = _array(mort[name])
        for part in (eco, mort):
            d = dict(part["diagnostics"])
            d["ljung_box_pvalues"] = _unplain_floats(d["ljung_box_pvalues"])
            part["diagnostics"] = FitDiagnostics(**d)
            part["series"] = tuple(part["series"])
            part["years"] = tuple(int(y) for y in part["years"])
        economic = EconomicFit(**eco)
        mortality = MortalityFit(**mort)
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"the stored driver fit model/data/{STORED_FIT_FILE} is not readable "
                        f"({type(err).__name__}: {err}); refit it with `yanglao drivers --refit`"
                        ) from None
    k = len(ECONOMIC_SERIES)
    shapes = (economic.coefficients.shape, economic.coefficient_covariance.shape)
    if shapes != ((k, k), (k * k, k * k)):
        raise DataError(f"the stored driver fit model/data/{STORED_FIT_FILE} has arrays of the "
                        "wrong shape; refit it with `yanglao drivers --refit`")
    return economic, mortality


def stored_fit_path() -> Path:
    """Where the stored fit is (in the installed package's ``model/data``)."""
    return Path(str(resources.files("model.data").joinpath(STORED_FIT_FILE)))


def stored_fit_text(record: dict) -> str:
    """The stored fit's file text: JSON, keys in a fixed order, floats exact (shortest repr)."""
    import re

    text = json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False)
    # a list of numbers on one line (a matrix: a row a line)
    return re.sub(r"\[\s*([-+0-9.eE,\snul]*?)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
                  text) + "\n"


def read_stored_fit() -> dict | None:
    """The stored record, or None if there is no stored fit; :class:`DataError` if unreadable."""
    path = stored_fit_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as err:
        raise DataError(f"the stored driver fit {path} cannot be read ({err.strerror})") from None
    try:
        record = json.loads(text)
    except ValueError as err:
        raise DataError(f"the stored driver fit {path} is not JSON ({err})") from None
    if not isinstance(record, dict):
        raise DataError(f"the stored driver fit {path} is not a JSON object")
    return record


def stored_fit_problem(record: dict | None, current: dict) -> str | None:
    """Why a stored record is not the fit of the ``current`` history record; None if it is."""
    if record is None:
        return f"there is no stored fit (model/data/{STORED_FIT_FILE})"
    if record.get("settings") != current["settings"]:
        return "the fit settings differ from those of the stored fit"
    rows = record.get("history")
    if not isinstance(rows, dict) or _digest(record["settings"], rows) != record.get("digest"):
        return "the stored fit's history does not match its digest"
    if record["digest"] != current["digest"]:
        changed = [part for part in ("economic", "mortality", "life_table_sha256")
                   if rows.get(part) != current["history"][part]]
        return ("the shipped history differs from the history of the stored fit ("
                + ", ".join(changed) + ")")
    return None


def fit_drivers(history: pandas.DataFrame | None = None) -> tuple[EconomicFit, MortalityFit]:
    """Both models fitted now with the default settings (statsmodels; a few seconds)."""
    history = load_history() if history is None else history
    settings = fit_settings()
    return (
        fit_economic(history, range(settings["economic"]["years"][0],
                                    settings["economic"]["years"][1] + 1),
                     method=settings["economic"]["method"], trend=settings["economic"]["trend"]),
        fit_mortality(history, range(settings["mortality"]["years"][0],
                                     settings["mortality"]["years"][1] + 1),
                      table=settings["mortality"]["table"]),
    )


def fitted_drivers(history: pandas.DataFrame | None = None) -> DriverFits:
    """The driver models of the shipped history: the stored fit, refitted only when needed.

    The stored fit (``model/data/fitted_drivers.json``) is used when the history rows the fits
    read (``history``, default :func:`load_history`) and the fit settings hash to the digest
    it was stored with; otherwise both models are fitted now, with a
    :class:`DriverFitWarning` saying why (``yanglao drivers --refit`` stores the new fit).
    """
    import warnings

    history = load_history() if history is None else history
    current = history_record(history)
    try:
        record = read_stored_fit()
        reason = stored_fit_problem(record, current)
        if reason is None and record is not None:
            economic, mortality = fits_from_record(record)
            return DriverFits(economic, mortality, stored=True, reason=None,
                              digest=current["digest"])
    except DataError as err:
        reason = str(err)
    warnings.warn(DriverFitWarning(f"driver models refitted: {reason}; "
                                   "`yanglao drivers --refit` stores the new fit"), stacklevel=2)
    economic, mortality = fit_drivers(history)
    return DriverFits(economic, mortality, stored=False, reason=reason, digest=current["digest"])


def fit_differences(a: tuple[EconomicFit, MortalityFit], b: tuple[EconomicFit, MortalityFit]
                    ) -> dict[str, float]:
    """Largest absolute difference of each array (and number) between two pairs of fits."""
    out: dict[str, float] = {}
    for part, (x, y) in (("economic", (a[0], b[0])), ("mortality", (a[1], b[1]))):
        for f in fields(x):
            u, v = getattr(x, f.name), getattr(y, f.name)
            if isinstance(u, FitDiagnostics):
                u, v = u.ljung_box_pvalues + (u.aic, u.largest_root_modulus), \
                    v.ljung_box_pvalues + (v.aic, v.largest_root_modulus)
                name = "diagnostics"
            else:
                name = f.name
            if isinstance(u, str | None) or isinstance(u, tuple) and u and isinstance(u[0], str):
                out[f"{part}.{name}"] = 0.0 if u == v else math.inf
                continue
            ua, va = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
            if ua.shape != va.shape:
                out[f"{part}.{name}"] = math.inf
                continue
            both_nan = np.isnan(ua) & np.isnan(va)
            diff = np.where(both_nan, 0.0, np.abs(ua - va))
            largest = float(np.nan_to_num(diff, nan=math.inf).max()) if diff.size else 0.0
            out[f"{part}.{name}"] = largest
    return out


#: The standard normal's 95th percentile: 5–95% of a normal is its mean ± Z_90 sd.
Z_90 = 1.6448536269514722
