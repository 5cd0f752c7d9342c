"""Driver models (model/analysis/drivers.py): they recover known parameters, simulate reproducibly, refuse
bad data, and the shipped history, Qitai history and docs/drivers.md agree with the code."""

from __future__ import annotations

import importlib.util
import json
import math

import numpy as np
import pandas as pd
import pytest

from model.analysis import drivers
from model.analysis.drivers import (
    ECONOMIC_SERIES,
    EconomicFit,
    MortalityFit,
    fit_economic,
    fit_mortality,
    improvement_rate_for_e0_gain,
    load_history,
)
from model.errors import DataError
from tools.make_drivers_doc import doc_section, doc_sections
from model.engine.tables import life_expectancy_at_birth, life_table
from tests.conftest import ROOT

STATUSES = {"verified", "corroborated", "derived", "unverified"}


# ------------------------------------------------------------------------------------------------
# Known models, simulated long, to fit


def _var_history(coefficients, intercepts, covariance, n_years, seed, first_year=1):
    """Years × the three economic series from a VAR(1) with the given parameters."""
    rng = np.random.default_rng(seed)
    a, c = np.asarray(coefficients), np.asarray(intercepts)
    mean = np.linalg.solve(np.eye(3) - a, c)
    shocks = rng.multivariate_normal(np.zeros(3), covariance, size=n_years + 100)
    x, rows = mean.copy(), []
    for u in shocks:
        x = c + a @ x + u
        rows.append(x)
    years = range(first_year, first_year + n_years)
    return pd.DataFrame(rows[100:], index=years, columns=list(ECONOMIC_SERIES))


def _e0_history(drift, sd, correlation, n_changes, seed, first_year=1):
    """Years × e0_male, e0_female from a random walk with drift."""
    rng = np.random.default_rng(seed)
    cov = np.array([[sd[0] ** 2, correlation * sd[0] * sd[1]],
                    [correlation * sd[0] * sd[1], sd[1] ** 2]])
    changes = np.asarray(drift) + rng.multivariate_normal(np.zeros(2), cov, size=n_changes)
    levels = np.vstack([[70.0, 75.0], 70.0 + np.cumsum(changes, axis=0) * [1, 1] + [0, 5]])
    years = range(first_year - 1, first_year + n_changes)
    return pd.DataFrame(levels, index=years, columns=["e0_male", "e0_female"])


TRUE_A = np.array([[0.60, 0.20, 0.00], [0.10, 0.40, 0.10], [0.00, 0.15, 0.80]])
TRUE_C = np.array([0.03, 0.01, 0.004])
TRUE_SD = np.array([0.02, 0.015, 0.005])
TRUE_CORR = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
TRUE_COV = TRUE_CORR * np.outer(TRUE_SD, TRUE_SD)
N_LONG = 4000


@pytest.fixture(scope="module")
def known_var_fit() -> EconomicFit:
    history = _var_history(TRUE_A, TRUE_C, TRUE_COV, N_LONG, seed=11)
    return fit_economic(history, years=history.index)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return load_history()


@pytest.fixture(scope="module")
def shipped_economic(history) -> EconomicFit:
    return fit_economic(history)


@pytest.fixture(scope="module")
def shipped_mortality(history) -> MortalityFit:
    return fit_mortality(history)


# ------------------------------------------------------------------------------------------------
# Economic fit recovers what generated the data


def test_var_recovers_known_coefficients_mean_and_covariance(known_var_fit):
    fit = known_var_fit
    assert fit.method == "VAR(1)" and fit.fallback_reason is None
    # Standard errors are about sqrt((1 − a²)/N) ≈ 0.015 here: 0.05 is over three of them.
    np.testing.assert_allclose(fit.coefficients, TRUE_A, atol=0.05)
    true_mean = np.linalg.solve(np.eye(3) - TRUE_A, TRUE_C)
    np.testing.assert_allclose(fit.mean, true_mean, rtol=0.05)
    np.testing.assert_allclose(fit.residual_sd, TRUE_SD, rtol=0.05)
    correlation = fit.residual_covariance / np.outer(fit.residual_sd, fit.residual_sd)
    np.testing.assert_allclose(correlation, TRUE_CORR, atol=0.05)
    # the reported standard errors are the right size: the errors are within 4 of them
    assert np.all(np.abs(fit.coefficients - TRUE_A) < 4 * fit.coefficient_se)
    true_root = np.abs(np.linalg.eigvals(TRUE_A)).max()
    assert fit.diagnostics.largest_root_modulus == pytest.approx(true_root, abs=0.03)
    assert fit.diagnostics.stable and fit.diagnostics.n_obs == N_LONG - 1
    # white-noise residuals: Ljung–Box does not reject
    assert min(fit.diagnostics.ljung_box_pvalues) > 0.001


def test_ar_fallback_recovers_independent_ar1():
    phi = np.diag([0.5, 0.3, 0.9])
    history = _var_history(phi, [0.05, 0.014, 0.002], np.diag(TRUE_SD**2), N_LONG, seed=5)
    fit = fit_economic(history, years=history.index, method="ar", trend="c")
    assert fit.method == "AR(1) per series"
    np.testing.assert_allclose(np.diag(fit.coefficients), np.diag(phi), atol=0.04)
    assert np.count_nonzero(fit.coefficients - np.diag(np.diag(fit.coefficients))) == 0
    np.testing.assert_allclose(np.sqrt(np.diag(fit.residual_covariance)), TRUE_SD, rtol=0.05)
    np.testing.assert_allclose(fit.mean, [0.1, 0.02, 0.02], rtol=0.1)


def test_a_failing_var_falls_back_to_ar1_and_says_so(monkeypatch):
    history = _var_history(TRUE_A, TRUE_C, TRUE_COV, 200, seed=3)

    def broken(values, trend):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(drivers, "_fit_var", broken)
    fit = fit_economic(history, years=history.index)
    assert fit.method == "AR(1) per series"
    assert "VAR(1) fit failed" in fit.fallback_reason and "Singular matrix" in fit.fallback_reason
    with pytest.raises(DataError, match="VAR\\(1\\) fit failed"):
        fit_economic(history, years=history.index, method="var")


def test_explosive_data_are_refused_naming_the_series():
    explosive = np.diag([1.03, 0.3, 0.5])
    history = _var_history(explosive, [0.0, 0.01, 0.01], np.diag(TRUE_SD**2), 60, seed=2)
    with pytest.raises(DataError, match="not stable"):
        fit_economic(history, years=history.index, method="var")
    # auto: the VAR is not stable, and the fallback AR(1) of wage growth is not stationary either
    with pytest.raises(DataError, match="wage_growth .*not stationary"):
        fit_economic(history, years=history.index)


def test_trend_fit_recovers_a_known_trend_and_the_deviations_about_it():
    """Deviations from a VAR(1) about a linear trend: the "ct" fit recovers the coefficients,
    the trend's slope and its value in the last year; a constant-mean fit mistakes the trend for
    persistence (a worse fit, with more persistent deviations)."""
    deviations = _var_history(TRUE_A, np.zeros(3), TRUE_COV, N_LONG, seed=13)
    level, slope = np.array([0.12, 0.03, 0.03]), np.array([-2e-5, -1e-6, -4e-6])
    years = np.arange(1, N_LONG + 1)
    history = deviations + level + np.outer(years - 1, slope)
    fit = fit_economic(history, years=history.index)
    assert fit.trend == "ct"
    np.testing.assert_allclose(fit.coefficients, TRUE_A, atol=0.05)
    np.testing.assert_allclose(fit.trend_slope, slope, atol=3e-6)
    np.testing.assert_allclose(fit.mean, level + slope * (N_LONG - 1), atol=0.004)
    np.testing.assert_allclose(fit.trend_at(1), level, atol=0.004)
    flat = fit_economic(history, years=history.index, trend="c")
    assert flat.diagnostics.aic > fit.diagnostics.aic + 100  # the trend explains what it cannot
    assert flat.diagnostics.largest_root_modulus > fit.diagnostics.largest_root_modulus


def test_coefficient_covariance_is_the_standard_errors(shipped_economic, history):
    for fit in (shipped_economic, fit_economic(history, method="ar")):
        cov = fit.coefficient_covariance
        assert cov.shape == (9, 9)
        np.testing.assert_allclose(np.sqrt(np.diag(cov)).reshape(3, 3), fit.coefficient_se, rtol=1e-10)
        np.testing.assert_allclose(cov, cov.T, atol=1e-15)


def test_shipped_trend_fit_narrows_the_long_run_wage_level(shipped_economic, history):
    """About a constant mean, the fall of wage growth from double digits reads as a persistent
    deviation: the wage level's 5–95% range after 29 years is about ×0.42–×2.4. About a trend it
    is about ×0.78–×1.29 (docs/simulation.md)."""
    flat = fit_economic(history, trend="c")
    z = drivers.Z_90
    wide = flat.level_sd(30)[-1, 0]
    narrow = shipped_economic.level_sd(30)[-1, 0]
    assert math.exp(-z * wide) < 0.45 and math.exp(z * wide) > 2.2
    assert 0.7 < math.exp(-z * narrow) < 0.85 and 1.15 < math.exp(z * narrow) < 1.4


def test_level_sd_is_the_simulated_spread_of_the_cumulated_deviations(shipped_economic):
    paths = shipped_economic.simulate_deviations(40_000, 12, seed=5)
    simulated = np.cumsum(paths, axis=1).std(axis=0)
    np.testing.assert_allclose(simulated[1:], shipped_economic.level_sd(12)[1:], rtol=0.03)


def test_coefficient_draws_are_stable_reproducible_and_centred(known_var_fit, shipped_economic):
    draws, rejected = known_var_fit.draw_coefficients(20_000, seed=3)
    again, _ = known_var_fit.draw_coefficients(20_000, seed=3)
    np.testing.assert_array_equal(draws, again)
    assert rejected == 0  # 4,000 years: the estimates are precise, nowhere near a unit root
    np.testing.assert_allclose(draws.mean(0), known_var_fit.coefficients, atol=4 * known_var_fit.coefficient_se.max() / np.sqrt(20_000) * 3)
    sample = np.cov(draws.reshape(-1, 9), rowvar=False)
    np.testing.assert_allclose(sample, known_var_fit.coefficient_covariance, atol=0.05 * known_var_fit.coefficient_covariance.max())
    # the shipped fit's coefficients are imprecise: some draws are explosive and are redrawn
    shipped, rejected = shipped_economic.draw_coefficients(5_000, seed=1)
    assert rejected > 0
    assert np.abs(np.linalg.eigvals(shipped)).max() < 1.0


def test_explosive_draws_are_redrawn_until_stable(shipped_economic):
    from dataclasses import replace

    loose = replace(shipped_economic, coefficient_covariance=shipped_economic.coefficient_covariance * 4)
    draws, rejected = loose.draw_coefficients(2_000, seed=2)
    assert rejected > 200
    assert np.abs(np.linalg.eigvals(draws)).max(axis=1).max() < 1.0
    hopeless = replace(shipped_economic, coefficients=np.eye(3) * 1.5,
                       coefficient_covariance=np.eye(9) * 1e-8)
    with pytest.raises(DataError, match="explosive"):
        hopeless.draw_coefficients(10, seed=0)


def test_per_path_coefficients_drive_the_deviations(shipped_economic):
    same = np.broadcast_to(shipped_economic.coefficients, (30, 3, 3))
    np.testing.assert_allclose(shipped_economic.simulate_deviations(30, 15, seed=4, coefficients=same),
                               shipped_economic.simulate_deviations(30, 15, seed=4), rtol=1e-12, atol=1e-15)
    draws, _ = shipped_economic.draw_coefficients(30, seed=9)
    varied = shipped_economic.simulate_deviations(30, 15, seed=4, coefficients=draws)
    assert np.all(varied[:, 0] == 0) and not np.allclose(varied, shipped_economic.simulate_deviations(30, 15, seed=4))
    assert np.all(shipped_economic.simulate_deviations(30, 15, seed=4, scale=0.0, coefficients=draws) == 0)


# ------------------------------------------------------------------------------------------------
# Economic simulation


def test_same_seed_same_paths_different_seed_different(shipped_economic):
    a = shipped_economic.simulate_deviations(50, 20, seed=7)
    b = shipped_economic.simulate_deviations(50, 20, seed=7)
    c = shipped_economic.simulate_deviations(50, 20, seed=8)
    assert a.shape == (50, 20, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[:, 1:], c[:, 1:])


def test_paths_start_at_zero_and_scale_multiplies_them(shipped_economic):
    one = shipped_economic.simulate_deviations(20, 10, seed=1)
    assert np.all(one[:, 0] == 0.0) and np.all(one[:, 1:] != 0.0)
    assert np.all(shipped_economic.simulate_deviations(20, 10, seed=1, scale=0.0) == 0.0)
    np.testing.assert_allclose(shipped_economic.simulate_deviations(20, 10, seed=1, scale=2.0),
                               2.0 * one, rtol=1e-12, atol=0)


def test_simulated_spread_is_the_models(known_var_fit):
    paths = known_var_fit.simulate_deviations(40_000, 4, seed=3)
    theory = known_var_fit.deviation_covariance(4)
    for t in (1, 3):
        sample = np.cov(paths[:, t], rowvar=False)
        # 40,000 paths: sampling error of a variance ≈ 0.7%; of a covariance about as small.
        np.testing.assert_allclose(sample, theory[t], rtol=0.05, atol=0.03 * theory[t].max())
    assert np.abs(paths.mean(axis=0)).max() < 4 * np.sqrt(theory[3].diagonal().max() / 40_000)


def test_bad_simulation_arguments_raise(shipped_economic, shipped_mortality):
    from model.errors import YanglaoError

    with pytest.raises(YanglaoError, match="scale"):
        shipped_economic.simulate_deviations(10, 5, seed=0, scale=-1.0)
    with pytest.raises(YanglaoError, match="n_paths"):
        shipped_mortality.simulate_improvement(0, 5, seed=0)


# ------------------------------------------------------------------------------------------------
# Refusing bad data


def test_nan_in_the_fitted_years_names_series_and_year(history):
    broken = history.copy()
    broken.loc[2010, "inflation"] = np.nan
    broken.loc[2012, "inflation"] = np.nan
    with pytest.raises(DataError, match=r"inflation has no value .* 2010, 2012"):
        fit_economic(broken)
    broken = history.copy()
    broken.loc[2015, "e0_female"] = np.nan
    with pytest.raises(DataError, match=r"e0_female has no value .* 2015"):
        fit_mortality(broken)


def test_missing_years_are_named(history):
    with pytest.raises(DataError, match=r"deposit_rate has no value .* 2025"):
        fit_economic(history, years=range(2010, 2026))


def test_too_few_years_raise_naming_the_series(history):
    with pytest.raises(DataError, match=r"wage_growth, inflation, deposit_rate.*at least 12"):
        fit_economic(history, years=range(2018, 2024))
    with pytest.raises(DataError, match=r"e0_male, e0_female.*at least 10"):
        fit_mortality(history, years=range(2019, 2024))


def test_a_constant_series_is_refused_not_fitted(history):
    # the deposit benchmark has not moved since October 2015
    with pytest.raises(DataError, match=r"deposit_rate is constant .* 2012–2023"):
        fit_economic(history.assign(deposit_rate=0.015), years=range(2012, 2024))


def test_years_must_be_consecutive(history):
    with pytest.raises(DataError, match="consecutive"):
        fit_economic(history, years=[2001, 2003, 2004] + list(range(2006, 2020)))


# ------------------------------------------------------------------------------------------------
# Mortality


TRUE_DRIFT, TRUE_E0_SD, TRUE_E0_CORR = (0.25, 0.20), (0.15, 0.10), 0.6


@pytest.fixture(scope="module")
def known_mortality_fit() -> MortalityFit:
    history = _e0_history(TRUE_DRIFT, TRUE_E0_SD, TRUE_E0_CORR, N_LONG, seed=4)
    return fit_mortality(history, years=range(1, N_LONG + 1))


def test_random_walk_recovers_drift_noise_and_correlation(known_mortality_fit):
    fit = known_mortality_fit
    se = np.asarray(TRUE_E0_SD) / math.sqrt(N_LONG)
    assert np.all(np.abs(fit.drift_e0 - TRUE_DRIFT) < 4 * se)
    np.testing.assert_allclose(fit.drift_e0_se, se, rtol=0.05)
    np.testing.assert_allclose(fit.sd_e0, TRUE_E0_SD, rtol=0.05)
    assert fit.correlation == pytest.approx(TRUE_E0_CORR, abs=0.04)
    assert fit.diagnostics.n_obs == N_LONG


def test_improvement_rate_adds_the_drift_to_life_expectancy(known_mortality_fit):
    fit = known_mortality_fit
    qx = life_table(fit.table)
    for s in range(2):
        improved = np.minimum(qx[s] * (1 - fit.rate_by_sex[s]), 1.0)
        gain = life_expectancy_at_birth(improved) - life_expectancy_at_birth(qx[s])
        assert gain == pytest.approx(fit.drift_e0[s], abs=1e-8)
    assert fit.rate_mean == pytest.approx(np.mean(fit.rate_by_sex))
    # a 0.25-year gain at e0 ≈ 75–81 takes about a 2–3% fall in every death rate
    assert 0.015 < fit.rate_mean < 0.035
    assert improvement_rate_for_e0_gain(0.0, qx[0]) == pytest.approx(0.0, abs=1e-10)
    assert improvement_rate_for_e0_gain(-0.1, qx[0]) < 0


def test_linear_translation_of_noise_is_close_to_exact(shipped_mortality):
    fit = shipped_mortality
    qx = life_table(fit.table)
    for s in range(2):
        for k in (-2.0, 2.0):
            shock = k * fit.sd_e0[s]
            exact = (improvement_rate_for_e0_gain(fit.drift_e0[s] + shock, qx[s])
                     - fit.rate_by_sex[s])
            linear = fit.rate_per_e0_year[s] * shock
            assert abs(linear - exact) < 0.05 * abs(exact)


def test_improvement_paths_reproducible_zero_start_scale(shipped_mortality):
    fit = shipped_mortality
    a = fit.simulate_improvement(100, 15, seed=2)
    assert a.shape == (100, 15) and np.all(a[:, 0] == 0.0)
    np.testing.assert_array_equal(a, fit.simulate_improvement(100, 15, seed=2))
    assert not np.allclose(a[:, 1:], fit.simulate_improvement(100, 15, seed=3)[:, 1:])
    assert np.all(fit.simulate_improvement(100, 15, seed=2, scale=0.0) == 0.0)
    np.testing.assert_allclose(fit.simulate_improvement(100, 15, seed=2, scale=0.5), 0.5 * a)


def test_improvement_noise_is_white_with_a_persistent_drift_error(shipped_mortality):
    fit = shipped_mortality
    n = 40_000
    with_drift = fit.simulate_improvement(n, 4, seed=9)
    without = fit.simulate_improvement(n, 4, seed=9, drift_uncertainty=False)
    assert np.var(without[:, 2]) == pytest.approx(fit.deviation_variance(False), rel=0.03)
    assert np.var(with_drift[:, 2]) == pytest.approx(fit.deviation_variance(True), rel=0.03)
    # no persistence in the yearly noise; the drift error is shared by the years of a path
    assert abs(np.corrcoef(without[:, 1], without[:, 2])[0, 1]) < 0.02
    shared = fit.rate_mean_se**2 / fit.deviation_variance(True)
    assert np.corrcoef(with_drift[:, 1], with_drift[:, 3])[0, 1] == pytest.approx(shared, abs=0.02)


# ------------------------------------------------------------------------------------------------
# The shipped history and its fits


def test_shipped_history_has_no_gaps_in_the_fitted_years(history):
    assert list(history.columns) == ["wage_growth", "inflation", "deposit_rate", "e0_male",
                                     "e0_female"]
    fitted = history.loc[2001:2023]
    assert list(fitted.index) == list(range(2001, 2024))
    assert np.isfinite(fitted.to_numpy()).all()
    assert np.isfinite(history.loc[2000, ["e0_male", "e0_female"]]).all()


def test_shipped_history_values_are_plausible(history):
    h = history.loc[2001:2023]
    assert h["wage_growth"].between(0.03, 0.25).all()
    assert h["inflation"].between(-0.03, 0.10).all()
    assert h["deposit_rate"].between(0.01, 0.06).all()
    assert h["e0_male"].between(65, 80).all() and h["e0_female"].between(70, 85).all()
    assert (h["e0_female"] > h["e0_male"]).all()
    # the benchmark deposit rate has been 1.5% since October 2015
    assert (history.loc[2016:2024, "deposit_rate"] == 0.015).all()
    # anchors from the reference: national wage 2021/2020 (NBS, verified)
    assert history.loc[2021, "wage_growth"] == pytest.approx(106837 / 97379 - 1)


def test_history_files_hold_each_row_once_with_a_known_status():
    long = drivers.history_long()  # raises if a (series, year) is in two files
    new = long[long["file"] == "history_series.csv"]
    assert set(new["status"]) == {"unverified"}
    assert set(new["series"]) == {"avg_wage_nonprivate_national", "cpi_inflation",
                                  "deposit_rate_1y_benchmark", "deposit_rate_1y_large_bank_posted"}
    wage_years = sorted(long.loc[long["series"] == "avg_wage_nonprivate_national", "year"])
    assert wage_years == list(range(2000, 2024))
    text = (ROOT / "model" / "data" / "SOURCE.md").read_text(encoding="utf-8")
    assert "`history_series.csv`" in text and "`qitai_history.csv`" in text


def test_shipped_fits_are_usable(shipped_economic, shipped_mortality):
    assert shipped_economic.method == "VAR(1)" and shipped_economic.diagnostics.stable
    assert shipped_economic.diagnostics.n_obs == 22
    assert 0.0 < shipped_economic.mean[0] < 0.2
    assert 0.005 < shipped_mortality.rate_mean < 0.05
    assert shipped_mortality.years == (2001, 2023)


# ------------------------------------------------------------------------------------------------
# Qitai history file and the docs


def _make_qitai_history():
    path = ROOT / "tools" / "make_qitai_history.py"
    spec = importlib.util.spec_from_file_location("make_qitai_history", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_qitai_history_file_is_what_the_script_writes():
    tool = _make_qitai_history()
    shipped = (ROOT / "model" / "data" / "qitai_history.csv").read_text(encoding="utf-8")
    assert shipped == tool.render(), "regenerate with python tools/make_qitai_history.py"


def test_qitai_history_states_and_computes():
    rows = pd.read_csv(ROOT / "model" / "data" / "qitai_history.csv", comment="#")
    assert set(rows["status"]) <= STATUSES
    assert not rows.duplicated(["fund", "year", "item"]).any()
    value = rows.set_index(["fund", "year", "item"])["value"]
    # report 二(一): balance −174.28 stated, 29709.01 − 30150.48 = −441.47 computed
    assert value["civil_service", 2021, "balance"] == -174.28
    assert value["civil_service", 2021, "balance_computed"] == pytest.approx(-441.47)
    assert value["combined", 2021, "total_income_computed"] == pytest.approx(36042.78)
    # 2020: the opening reserve of 2021 and the stated increases (model.analysis.backtest)
    assert value["civil_service", 2020, "reserve_end"] == pytest.approx(802.34)
    assert value["residents", 2020, "total_income"] == pytest.approx(6333.77 - 191.91)
    assert value["civil_service", 2020, "contributors"] == 6816
    by_status = rows.set_index(["fund", "year", "item"])["status"]
    assert by_status["civil_service", 2020, "contribution_income"] == "unverified"  # a judgment
    assert by_status["civil_service", 2021, "contribution_income"] == "verified"


def test_doc_tables_are_the_fits():
    doc = (ROOT / "docs" / "drivers.md").read_text(encoding="utf-8")
    for name, body in doc_sections().items():
        assert doc_section(doc, name) == body, (
            f"docs/drivers.md section {name} is stale: "
            "python tools/make_drivers_doc.py --update docs/drivers.md")


def test_doc_economic_table_numbers_match_the_fit_to_4_decimals(shipped_economic):
    doc = (ROOT / "docs" / "drivers.md").read_text(encoding="utf-8")
    table = doc_section(doc, "economic-fit").split("\n\n")[0].splitlines()[2:]
    for i, line in enumerate(table):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[0] == ECONOMIC_SERIES[i]
        numbers = [float(c) for c in cells[1:]]
        expected = [shipped_economic.intercepts[i], shipped_economic.trend_coefficients[i],
                    *shipped_economic.coefficients[i],
                    shipped_economic.trend_at(shipped_economic.years[0])[i], shipped_economic.mean[i],
                    shipped_economic.sample_mean[i], shipped_economic.residual_sd[i]]
        np.testing.assert_allclose(numbers, expected, atol=5e-5)


# ------------------------------------------------------------------------------------------------
# The stored fit (model/data/fitted_drivers.json) and when it is refitted


def _fresh() -> tuple[EconomicFit, MortalityFit]:
    return drivers.fit_drivers(load_history())


def test_stored_fit_is_the_fresh_fit(shipped_economic, shipped_mortality):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", drivers.DriverFitWarning)
        fits = drivers.fitted_drivers()
    assert fits.stored and fits.reason is None
    differences = drivers.fit_differences((fits.economic, fits.mortality),
                                          (shipped_economic, shipped_mortality))
    assert max(differences.values()) <= 1e-10, differences
    assert fits.economic.method == shipped_economic.method
    assert fits.economic.fallback_reason == shipped_economic.fallback_reason
    assert fits.mortality.table == shipped_mortality.table
    # the stored numbers are read as written: frozen arrays, NaN p-values kept
    assert not fits.economic.coefficients.flags.writeable


def test_stored_file_is_the_record_of_the_shipped_history(history, shipped_economic,
                                                          shipped_mortality):
    """The file holds the fits of today's code on today's history: refit it with
    `yanglao drivers --refit` when this fails."""
    text = drivers.stored_fit_path().read_text(encoding="utf-8")
    record = drivers.fit_record(shipped_economic, shipped_mortality, history)
    assert json.loads(text)["digest"] == record["digest"]
    stored = drivers.fits_from_record(json.loads(text))
    again = drivers.fits_from_record(json.loads(drivers.stored_fit_text(record)))
    assert max(drivers.fit_differences(stored, again).values()) <= 1e-10


def test_round_trip_through_the_file_text_is_exact(shipped_economic, shipped_mortality, history):
    record = drivers.fit_record(shipped_economic, shipped_mortality, history)
    economic, mortality = drivers.fits_from_record(json.loads(drivers.stored_fit_text(record)))
    differences = drivers.fit_differences((economic, mortality),
                                          (shipped_economic, shipped_mortality))
    assert max(differences.values()) == 0.0


def test_changed_history_is_refitted_with_a_warning(history):
    changed = history.copy()
    changed.loc[2010, "inflation"] += 0.001
    with pytest.warns(drivers.DriverFitWarning, match="economic"):
        fits = drivers.fitted_drivers(changed)
    assert not fits.stored and "history differs" in (fits.reason or "")
    expected = fit_economic(changed)
    assert fits.economic.coefficients == pytest.approx(expected.coefficients, abs=1e-12)
    assert fits.digest != drivers.history_record(history)["digest"]


def test_what_makes_the_stored_fit_stale(history):
    current = drivers.history_record(history)
    record = drivers.read_stored_fit()
    assert record is not None
    assert drivers.stored_fit_problem(record, current) is None
    assert "no stored fit" in (drivers.stored_fit_problem(None, current) or "")
    other_settings = dict(current, settings={**current["settings"], "ljung_box_max_lags": 3})
    assert "settings" in (drivers.stored_fit_problem(record, other_settings) or "")
    tampered = json.loads(json.dumps(record))
    tampered["history"]["economic"]["inflation"][0] += 0.01
    assert "digest" in (drivers.stored_fit_problem(tampered, current) or "")
    # a life table that changed is a changed history too
    table = dict(current, history={**current["history"], "life_table_sha256": "0" * 64})
    table["digest"] = drivers._digest(table["settings"], table["history"])
    assert "life_table" in (drivers.stored_fit_problem(record, table) or "")


def test_unreadable_stored_fit_is_a_data_error():
    record = drivers.read_stored_fit()
    assert record is not None
    broken = json.loads(json.dumps(record))
    del broken["economic"]["coefficients"]
    with pytest.raises(DataError, match="drivers --refit"):
        drivers.fits_from_record(broken)


def test_a_missing_stored_fit_is_refitted(monkeypatch, tmp_path, shipped_economic):
    monkeypatch.setattr(drivers, "stored_fit_path", lambda: tmp_path / "fitted_drivers.json")
    with pytest.warns(drivers.DriverFitWarning, match="no stored fit"):
        fits = drivers.fitted_drivers()
    assert not fits.stored
    assert fits.economic.coefficients == pytest.approx(shipped_economic.coefficients, abs=1e-12)


def test_simulate_is_identical_with_the_stored_fit(qitai, monkeypatch, shipped_economic,
                                                   shipped_mortality):
    from model.analysis import simulate

    stored = drivers.fitted_drivers()
    assert stored.stored
    runs = []
    for pair in ((stored.economic, stored.mortality), (shipped_economic, shipped_mortality)):
        monkeypatch.setattr(simulate, "_fitted_drivers", lambda pair=pair: pair)
        runs.append(simulate.simulate(qitai, paths=40, seed=3, years=12,
                                      parameter_uncertainty=True))
    a, b = runs
    assert a.funds.keys() == b.funds.keys()
    for fund in a.funds:
        for series in a.funds[fund]:
            np.testing.assert_array_equal(a.funds[fund][series], b.funds[fund][series])


def _drivers_app():
    import typer

    from cli.drivers import DRIVERS_HELP
    from cli.drivers import drivers as command

    app = typer.Typer()
    app.command(help=DRIVERS_HELP)(command)
    app.command("unused")(lambda: None)  # two commands: the name is the first argument
    return app


def test_drivers_command_checks_and_refits(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    app = _drivers_app()
    ok = CliRunner().invoke(app, ["drivers", "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "the stored fit is that of the shipped history" in ok.output
    assert "| wage_growth |" in ok.output

    target = tmp_path / "fitted_drivers.json"
    record = drivers.read_stored_fit()
    assert record is not None
    record["history"]["economic"]["inflation"][0] += 0.01  # stored with another history
    record["digest"] = drivers._digest(record["settings"], record["history"])
    target.write_text(drivers.stored_fit_text(record), encoding="utf-8")
    monkeypatch.setattr(drivers, "stored_fit_path", lambda: target)
    stale = CliRunner().invoke(app, ["drivers", "--lang", "en"])
    assert stale.exit_code == 1
    assert "out of step" in stale.output and "--refit" in stale.output

    refit = CliRunner().invoke(app, ["drivers", "--refit", "--lang", "en"])
    assert refit.exit_code == 0, refit.output
    assert "refitted" in refit.output
    assert (target.read_text(encoding="utf-8")
            == (ROOT / "model" / "data" / "fitted_drivers.json").read_text(encoding="utf-8"))
