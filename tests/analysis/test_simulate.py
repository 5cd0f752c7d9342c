"""Monte Carlo: equal to the projection without variance (every shipped scenario and variant),
centred on the scenario's path, indexation and pension increases following the simulated wages
and prices, a random residents' fund, parameter uncertainty, reproducible, labelled as
conditional on the scenario's assumptions."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from model.engine.project import project
from model.scenario.load import load_scenario
from model.analysis.simulate import PERCENTILES, Scales, simulate
from tests.conftest import QITAI, ROOT, variant

#: Zero randomness reproduces the projection to this relative tolerance (of each series' largest
#: absolute value, so that series crossing zero are held to the same standard).
ZERO_RTOL = 1e-9
QUIET = Scales(economic=0, mortality=0, population=0)
SERIES = ("reserve_end", "subsidy_need", "subsidy_income", "contributors", "beneficiaries",
          "reserve_end_without_subsidy", "contribution_income", "benefit_expenditure",
          "total_expenditure", "interest_income", "total_income")
SHIPPED = [QITAI] + sorted((ROOT / "scenarios" / "variants").glob("*.yaml"))
CS = "policy.civil_service"
WAGE_RULE = {f"{CS}.indexation_rule": {"wage_growth_share": 0.6, "price_inflation_share": 0.4,
                                        "source": "test: indexation linked to wages and prices"}}


def _assert_is_projection(sim, projection, what: str) -> None:
    for fund in sim.funds:
        names = SERIES + (("subsidy_due",) if fund == "residents" else ())
        for name in names:
            expected = projection.funds[fund][name][0]
            got = sim.funds[fund][name]
            scale = max(float(np.abs(expected).max()), 1.0)
            np.testing.assert_allclose(got, np.broadcast_to(expected, got.shape), rtol=0,
                                       atol=ZERO_RTOL * scale, err_msg=f"{what}: {fund}.{name}")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_without_variance_the_simulation_is_the_projection(path):
    scenario = load_scenario(path)
    sim = simulate(scenario, paths=3, seed=5, scales=QUIET)
    _assert_is_projection(sim, project(scenario), path.name)


def test_without_variance_parameter_draws_change_nothing(qitai, qitai_projection):
    sim = simulate(qitai, paths=5, seed=5, scales=QUIET, parameter_uncertainty=True)
    _assert_is_projection(sim, qitai_projection, "parameter uncertainty, no variance")


def test_same_seed_same_numbers_and_seeds_differ(qitai):
    for uncertain in (False, True):
        a = simulate(qitai, paths=200, seed=11, parameter_uncertainty=uncertain)
        b = simulate(qitai, paths=200, seed=11, parameter_uncertainty=uncertain)
        c = simulate(qitai, paths=200, seed=12, parameter_uncertainty=uncertain)
        for fund in a.funds:
            np.testing.assert_array_equal(a.funds[fund]["reserve_end"], b.funds[fund]["reserve_end"])
            assert not np.array_equal(a.funds[fund]["reserve_end"], c.funds[fund]["reserve_end"])


def test_percentiles_are_ordered_and_spread_grows(qitai):
    sim = simulate(qitai, paths=400, seed=2)
    for fund in sim.funds:
        for name in ("reserve_end", "subsidy_income", "beneficiaries"):
            p = sim.percentiles(fund, name)
            assert p.shape == (len(PERCENTILES), sim.years.size)
            assert (np.diff(p, axis=0) >= -1e-9).all()
    p = sim.percentiles("civil_service", "subsidy_need")
    spread = p[-1] - p[0]
    assert spread[0] == pytest.approx(0.0, abs=1e-6)  # the base year is history
    assert spread[10] > spread[3] > 0


def test_the_median_path_is_the_scenarios(qitai):
    """Deviations have mean zero about the scenario's path: the median wage index (path /
    scenario) stays within 1.5% of 1 in every year, and the median subsidy need within 3% of the
    deterministic projection's."""
    sim = simulate(qitai, paths=4000, seed=3)
    median = np.median(sim.driver_paths["wage_index"], axis=0)
    assert np.abs(median - 1).max() < 0.015
    assert np.abs(np.median(sim.driver_paths["price_index"], axis=0) - 1).max() < 0.015
    need = np.median(sim.funds["civil_service"]["subsidy_need"], axis=0)
    det = sim.deterministic.funds["civil_service"]["subsidy_need"][0]
    assert np.abs(need[1:] / det[1:] - 1).max() < 0.03


def test_the_long_run_wage_level_spread_is_the_trend_models(qitai):
    """About a trend the wage level's 5–95% range in 2050 is about ×0.78–×1.29 of the scenario's
    (it was ×0.42–×2.4 about a constant mean); docs/simulation.md reports it."""
    sim = simulate(qitai, paths=4000, seed=8)
    t = int(np.nonzero(sim.years == 2050)[0][0])
    low, high = np.percentile(sim.driver_paths["wage_index"][:, t], [5, 95])
    assert 0.72 < low < 0.84 and 1.2 < high < 1.38


def test_each_source_of_randomness_adds_spread(qitai):
    quiet = simulate(qitai, paths=200, seed=4, scales=QUIET)
    for scales in (Scales(1, 0, 0), Scales(0, 1, 0), Scales(0, 0, 1)):
        sim = simulate(qitai, paths=200, seed=4, scales=scales)
        need = sim.funds["civil_service"]["subsidy_need"][:, 10]
        assert need.std() > quiet.funds["civil_service"]["subsidy_need"][:, 10].std() + 1.0, scales


def test_indexation_follows_the_simulated_wages(qitai_data):
    """A wage deviation in year k moves the indexation of every pension in payment in year k by
    the rule's wage share; the vintage retiring in year k starts from the wage of year k − 1 and
    is not indexed in its first year, so it does not move."""
    scenario = variant(qitai_data, {f"{CS}.indexation_rule": {
        "wage_growth_share": 1.0, "price_inflation_share": 0.0, "source": "test"}})
    probe = simulate(scenario, paths=1, seed=0, scales=QUIET)
    T, k, d = probe.years.size, 7, 0.05  # 2028: after the last published rate (2025)
    wage = np.zeros((1, T))
    wage[0, k] = d
    zeros = np.zeros((1, T))
    sim = simulate(scenario, paths=1, seed=0, scales=QUIET, deviations=(wage, zeros, zeros, zeros))
    vint = probe.deterministic.funds["civil_service"]["pension_by_vintage"][0]
    got = sim.funds["civil_service"]["pension_expenditure"][0]
    det = probe.deterministic.funds["civil_service"]["pension_expenditure"][0]
    np.testing.assert_allclose(got[:k], det[:k], rtol=1e-12)
    np.testing.assert_allclose(got[k], np.exp(d) * vint[:k, k].sum() + vint[k, k], rtol=1e-12)
    # a year later every vintage has moved by the wage deviation except the one retiring in k
    np.testing.assert_allclose(got[k + 1], np.exp(d) * (det[k + 1] - vint[k, k + 1]) + vint[k, k + 1],
                               rtol=1e-12)
    # with a fixed rate (the shipped scenario) only the new pensions move
    fixed = simulate(load_scenario(QITAI), paths=1, seed=0, scales=QUIET,
                     deviations=(wage, zeros, zeros, zeros))
    base = fixed.deterministic.funds["civil_service"]["pension_expenditure"][0]
    np.testing.assert_allclose(fixed.funds["civil_service"]["pension_expenditure"][0, k], base[k], rtol=1e-12)


def test_residents_pensions_follow_the_simulated_prices(qitai):
    """The central minimum and the top-up grow with prices after their last stated year: an
    inflation deviation in year k raises them by exp(d) from year k on."""
    probe = simulate(qitai, paths=1, seed=0, scales=QUIET)
    T, k, d = probe.years.size, 9, 0.03
    inflation = np.zeros((1, T))
    inflation[0, k] = d
    zeros = np.zeros((1, T))
    sim = simulate(qitai, paths=1, seed=0, scales=QUIET, deviations=(zeros, inflation, zeros, zeros))
    det = probe.deterministic.funds["residents"]
    for name in ("basic_pension_central", "basic_pension_top_up"):
        got = sim.funds["residents"][name][0]
        np.testing.assert_allclose(got[:k], det[name][0, :k], rtol=1e-12)
        np.testing.assert_allclose(got[k:], np.exp(d) * det[name][0, k:], rtol=1e-12)


def test_a_wage_linked_rule_widens_civil_service_expenditure(qitai, qitai_data):
    economic = Scales(economic=1, mortality=0, population=0)
    fixed = simulate(qitai, paths=1000, seed=6, scales=economic)
    linked = simulate(variant(qitai_data, WAGE_RULE), paths=1000, seed=6, scales=economic)
    for t in (10, 20):
        spread = [np.subtract(*np.percentile(s.funds["civil_service"]["benefit_expenditure"][:, t], [95, 5]))
                  / np.median(s.funds["civil_service"]["benefit_expenditure"][:, t]) for s in (fixed, linked)]
        assert spread[1] > 1.5 * spread[0] > 0


def test_residents_bands_are_not_degenerate(qitai):
    """Population, take-up, contributors, deaths and price-linked pension increases are random:
    the residents' reserve and subsidy have a real 5–95% range after a few years."""
    sim = simulate(qitai, paths=1000, seed=7)
    for name, least in (("reserve_end", 0.01), ("subsidy_income", 0.02), ("beneficiaries", 0.001),
                        ("contributors", 0.0005)):
        p = sim.percentiles("residents", name)
        for t in (5, 10):
            assert (p[-1, t] - p[0, t]) > least * p[2, t], (name, t)
    heads_only = simulate(qitai, paths=1000, seed=7, scales=Scales(economic=0, mortality=0, population=1))
    p = heads_only.percentiles("residents", "beneficiaries")
    assert p[-1, 5] > p[0, 5]


def test_parameter_uncertainty_widens_the_spread(qitai):
    point = simulate(qitai, paths=2000, seed=10)
    drawn = simulate(qitai, paths=2000, seed=10, parameter_uncertainty=True)
    assert drawn.drivers["rejected_explosive_draws"] >= 0 and "rejected_explosive_draws" not in point.drivers
    t = -1
    for fund, name in (("civil_service", "subsidy_need"), ("residents", "subsidy_income")):
        widths = [np.subtract(*np.percentile(s.funds[fund][name][:, t], [95, 5])) for s in (point, drawn)]
        assert widths[1] > 1.05 * widths[0], (fund, name, widths)
    level = [np.subtract(*np.percentile(s.driver_paths["wage_index"][:, t], [95, 5])) for s in (point, drawn)]
    assert level[1] > 1.1 * level[0]
    mortality = [s.driver_paths["mortality_factor"][:, t].std() for s in (point, drawn)]
    assert mortality[1] > 1.2 * mortality[0]  # each path also draws its mortality drift


def test_small_population_spread_has_the_binomial_size(qitai, qitai_projection):
    """Retirees' deaths in a year are about binomial: the spread of the retiree count after one
    year is close to √(n p (1 − p)) of the expected deaths, retirements and their sum."""
    sim = simulate(qitai, paths=4000, seed=9, scales=Scales(economic=0, mortality=0, population=1))
    d = qitai_projection.funds["civil_service"]
    n_ret, deaths = d["beneficiaries"][0, 0], d["deaths_retired"][0, 1]
    p = deaths / n_ret
    retirements = d["retirements"][0, 1]
    n_act = d["contributors"][0, 0]
    expected_sd = np.sqrt(n_ret * p * (1 - p) + retirements * (1 - retirements / n_act))
    assert sim.funds["civil_service"]["beneficiaries"][:, 1].std() == pytest.approx(expected_sd, rel=0.15)


def test_simulate_cli_writes_tables_and_fan_charts_labelled_conditional(tmp_path):
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, ["simulate", str(QITAI), "--paths", "300", "--seed", "1",
                                      "--parameter-uncertainty", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "预测区间（5%–95%" in result.stdout and "以情景假设为条件" in result.stdout
    assert "90%" not in result.stdout and "置信区间" not in result.stdout
    assert "参数不确定性" in result.stdout
    rows = list(csv.DictReader(open(out / "percentiles.csv", encoding="utf-8-sig")))
    assert {r["series"] for r in rows} >= {"reserve_end", "subsidy_need", "contributors", "beneficiaries"}
    assert {"p5_given_scenario", "p50_given_scenario", "p95_given_scenario"} <= set(rows[0])
    dep = list(csv.DictReader(open(out / "depletion.csv", encoding="utf-8-sig")))
    probs = [float(r["p_depleted_under_rule_given_scenario"]) for r in dep if r["fund"] == "residents"]
    assert all(b >= a for a, b in zip(probs, probs[1:], strict=False))  # by each year: never falls
    for name in ("fan_reserve_end_civil_service.png", "fan_subsidy_need_civil_service.png",
                 "fan_subsidy_income_residents.png", "simulation.xlsx"):
        assert (out / name).stat().st_size > 0, name
    english = CliRunner().invoke(app, ["simulate", str(QITAI), "--paths", "100", "--lang", "en"])
    assert english.exit_code == 0, english.output
    assert "simulated range (5%–95%)" in english.stdout
    assert "conditional on the scenario's assumptions" in english.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_simulate_terminal_text_fits_120_columns_in_its_language(lang):
    from tests.analysis.terminal_text import check

    result = CliRunner().invoke(app, ["simulate", str(QITAI), "--paths", "200", "--parameter-uncertainty",
                                      "--lang", lang])
    assert result.exit_code == 0, result.output
    check(result.stdout, lang, ids=["qitai-2021"])
    # a range of simulated outcomes, not a confidence interval; one block per fund
    assert ("预测区间" if lang == "zh" else "simulated range (5%–95%)") in result.stdout
    assert "置信区间" not in result.stdout and "confidence" not in result.stdout


def test_simulate_table_shows_the_years_asked_for(qitai):
    from model.output.simulation_tables import format_simulation, shown_years

    sim = simulate(qitai, paths=50, seed=0)
    assert shown_years(sim) == [2026, 2031, 2041, 2050]
    assert shown_years(sim, [2030, 2022, 2030, 1999]) == [2030, 2022]
    text = format_simulation(sim, "zh", years=[2030])
    assert "2030年" in text and "2026年" not in text
