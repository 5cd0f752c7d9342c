"""Monte Carlo: reproducible, ordered, and equal to the projection without variance."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from model.simulate import PERCENTILES, Scales, simulate
from tests.conftest import QITAI

SERIES = ("reserve_end", "subsidy_need", "subsidy_income", "contributors", "beneficiaries",
          "reserve_end_without_subsidy")


def test_without_variance_the_simulation_is_the_projection(qitai, qitai_projection):
    sim = simulate(qitai, paths=20, seed=5, scales=Scales(economic=0, mortality=0, population=0))
    for fund in sim.funds:
        for name in SERIES:
            expected = qitai_projection.funds[fund][name][0]
            np.testing.assert_allclose(sim.funds[fund][name], np.broadcast_to(expected, sim.funds[fund][name].shape),
                                       rtol=1e-9, atol=1e-6, err_msg=f"{fund}.{name}")


def test_same_seed_same_numbers_and_seeds_differ(qitai):
    a = simulate(qitai, paths=200, seed=11)
    b = simulate(qitai, paths=200, seed=11)
    c = simulate(qitai, paths=200, seed=12)
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


def test_each_source_of_randomness_adds_spread(qitai):
    base = Scales(economic=0, mortality=0, population=0)
    for scales in (Scales(1, 0, 0), Scales(0, 1, 0), Scales(0, 0, 1)):
        sim = simulate(qitai, paths=200, seed=4, scales=scales)
        quiet = simulate(qitai, paths=200, seed=4, scales=base)
        need = sim.funds["civil_service"]["subsidy_need"][:, 10]
        assert need.std() > quiet.funds["civil_service"]["subsidy_need"][:, 10].std() + 1.0, scales


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


def test_simulate_cli_writes_tables_and_fan_charts(tmp_path):
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, ["simulate", str(QITAI), "--paths", "300", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "90%" in result.stdout
    rows = list(csv.DictReader(open(out / "percentiles.csv", encoding="utf-8")))
    assert {r["series"] for r in rows} >= {"reserve_end", "subsidy_need", "contributors", "beneficiaries"}
    dep = list(csv.DictReader(open(out / "depletion.csv", encoding="utf-8")))
    probs = [float(r["p_depleted_under_rule"]) for r in dep if r["fund"] == "residents"]
    assert all(b >= a for a, b in zip(probs, probs[1:], strict=False))  # by each year: never falls
    for name in ("fan_reserve_end_civil_service.png", "fan_subsidy_need_civil_service.png",
                 "fan_subsidy_income_residents.png", "simulation.xlsx"):
        assert (out / name).stat().st_size > 0, name
