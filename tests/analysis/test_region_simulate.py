"""A region's Monte Carlo: its totals are the sum of its counties simulated one by one on the
same drivers with their own streams; the counties share one economy; the pool's accounts close
on every path; the numbers do not depend on the number of workers or the backend."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis.region_simulate import KEPT, simulate_region
from model.analysis.simulate import Scales, common_deviations, simulate
from model.engine.basis.years import projection_years
from model.errors import YanglaoError
from model.scenario.region import load_region
from tests.analysis.test_region import small_region

PATHS = 48
SEED = 11
#: The example's first counties: the 8th has a 2040 horizon, the 10th the civil-service fund only.
COUNTIES = 10


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    return load_region(small_region(tmp_path_factory.mktemp("region"), COUNTIES))


@pytest.fixture(scope="module")
def sim(region):
    return simulate_region(*region, paths=PATHS, seed=SEED)


def test_the_example_has_what_the_checks_need(region):
    _, scenarios = region
    horizons = {s.meta.horizon for s in scenarios}
    assert len(horizons) == 2
    assert any(s.base_year.residents is None for s in scenarios)


def test_totals_are_the_sum_of_the_counties_simulated_one_by_one(region, sim):
    _, scenarios = region
    drivers, counties = np.random.SeedSequence(SEED).spawn(2)
    sizes = [projection_years(s).size for s in scenarios]
    deviations, _ = common_deviations(PATHS, max(sizes), drivers)
    T = sim.years.size
    assert T == min(sizes)
    expected: dict[str, dict[str, np.ndarray]] = {}
    for s, stream, size in zip(scenarios, counties.spawn(len(scenarios)), sizes, strict=True):
        alone = simulate(
            s, PATHS, deviations=tuple(x[:, :size] for x in deviations), seed_sequence=stream
        )
        assert alone.years.size == size
        for fund, series in alone.funds.items():
            into = expected.setdefault(fund, {k: np.zeros((PATHS, T)) for k in KEPT})
            for k in KEPT:
                into[k] += series[k][:, :T]
    assert set(expected) == set(sim.totals) == {"civil_service", "residents"}
    for fund, series in expected.items():
        for k in KEPT:
            np.testing.assert_allclose(sim.totals[fund][k], series[k], rtol=1e-12, atol=1e-9)


def test_every_county_has_its_percentiles_over_its_own_years(region, sim):
    _, scenarios = region
    for s in scenarios:
        years = sim.county_years[s.meta.id]
        assert years[-1] == s.meta.horizon
        for fund in s.funds:
            pct = sim.counties[s.meta.id][fund]["subsidy_need"]
            assert pct.shape == (3, years.size)
            assert np.all(pct[0] <= pct[1] + 1e-9) and np.all(pct[1] <= pct[2] + 1e-9)


def test_the_counties_share_one_economy(region):
    # without the small populations' chance a county's contributions move with the wage index
    # only, which is the region's: every county's path / projection ratio is the same
    sim = simulate_region(*region, paths=16, seed=3, scales=Scales(population=0.0))
    ratios = []
    for fund, d in sim.totals.items():
        if fund != "civil_service":
            continue
        ratios.append(d["contribution_income"] / sim.deterministic[fund]["contribution_income"])
    one = simulate_region(region[0], region[1][:1], paths=16, seed=3, scales=Scales(population=0.0))
    alone = (
        one.totals["civil_service"]["contribution_income"]
        / one.deterministic["civil_service"]["contribution_income"]
    )
    T = sim.years.size
    np.testing.assert_allclose(ratios[0], alone[:, :T], rtol=1e-10)
    assert np.ptp(ratios[0][:, -1]) > 0.01  # the economy does move


def test_the_pools_accounts_close_on_every_path(sim):
    pool = sim.pool["civil_service"]
    reserve = pool["reserve_end"]
    change = np.diff(reserve, axis=-1)
    np.testing.assert_allclose(
        pool["paid_in"][:, 1:], pool["paid_out"][:, 1:] + change, rtol=1e-12, atol=1e-6
    )
    assert np.all(reserve >= -1e-6)
    levels = sum(pool[f"need_{lv}"] for lv in ("region", "prefecture", "county"))
    np.testing.assert_allclose(levels, pool["need_after"], rtol=1e-12)
    assert "residents" not in sim.pool  # pooled at the county level in the example


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(region, sim):
    again = simulate_region(*region, paths=PATHS, seed=SEED)
    other = simulate_region(*region, paths=PATHS, seed=SEED + 1)
    for k in KEPT:
        np.testing.assert_array_equal(again.totals["residents"][k], sim.totals["residents"][k])
    assert not np.array_equal(
        other.totals["residents"]["subsidy_income"], sim.totals["residents"]["subsidy_income"]
    )


def test_two_workers_and_a_dask_cluster_give_the_same_numbers(region):
    _, scenarios = region
    runs = [simulate_region(region[0], scenarios[:4], paths=24, seed=5, workers=w) for w in (1, 2)]
    pytest.importorskip("distributed", reason="Dask distributed is the optional extra `cluster`")
    runs.append(
        simulate_region(region[0], scenarios[:4], paths=24, seed=5, workers=2, scheduler="local")
    )
    for other in runs[1:]:
        for fund, series in runs[0].totals.items():
            for k in KEPT:
                np.testing.assert_array_equal(other.totals[fund][k], series[k])
        np.testing.assert_array_equal(
            other.pool["civil_service"]["need_after"], runs[0].pool["civil_service"]["need_after"]
        )


def test_too_small_a_memory_budget_says_what_the_run_needs(region):
    with pytest.raises(YanglaoError, match=r"--memory: 100000 paths of 10 counties .* MiB"):
        simulate_region(*region, paths=100_000, memory_mib=500)


def test_the_ranking_orders_counties_by_the_median_subsidy_per_contributor(sim):
    for fund in ("civil_service", "residents"):
        rows = [r for r in sim.ranking if r["fund"] == fund]
        assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        medians = [r["median_yuan"] for r in rows]
        assert medians == sorted(medians, reverse=True)
        assert all(r["p5_yuan"] <= r["median_yuan"] <= r["p95_yuan"] for r in rows)
    measures = {r["fund"]: r["measure"] for r in sim.ranking}
    assert measures == {"civil_service": "need", "residents": "paid"}
