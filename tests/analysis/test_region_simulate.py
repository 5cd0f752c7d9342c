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


# --------------------------------------------------------------------------------------------
# the region's budget


@pytest.fixture(scope="module")
def region_budget(region):
    from model.analysis.region_budget import make_region_budget

    return make_region_budget(*region, paths=64, seed=2)


def test_the_region_budget_is_the_sum_of_the_county_budgets(region, region_budget):
    from model.analysis.budget import LINE_KEYS, budget_lines

    _, scenarios = region
    year = scenarios[0].meta.base_year + 1
    assert region_budget.year == year
    expected: dict[str, dict[str, float]] = {}
    for s in scenarios:
        for fund, lines in budget_lines(s, year).items():
            into = expected.setdefault(fund, dict.fromkeys(LINE_KEYS, 0.0))
            for k in LINE_KEYS:
                into[k] += lines[k]
    got = {(x.fund, x.key): x.budget for x in region_budget.lines}
    assert {f for f, _ in got} == {"civil_service", "residents", "combined"}
    for fund, lines in expected.items():
        # every county's own budget, "combined" the sum of the funds
        for k in LINE_KEYS:
            assert got[(fund, k)] == pytest.approx(lines[k], rel=1e-12, abs=1e-9), (fund, k)
    levels = sum(
        got[("combined", f"subsidy_{lv}")] for lv in ("central", "region", "prefecture", "county")
    )
    assert levels == pytest.approx(got[("combined", "subsidy_income")], rel=1e-12)
    assert len({r["county"] for r in region_budget.county_rows}) == len(scenarios)


def test_the_region_budget_ranges_come_from_the_region_simulation(region, region_budget):
    from model.analysis.region_simulate import simulate_region

    sim = simulate_region(*region, paths=64, seed=2, years=1)
    drawn = sim.totals["civil_service"]["subsidy_income"][:, 1]
    line = next(
        x for x in region_budget.lines if (x.fund, x.key) == ("civil_service", "subsidy_income")
    )
    assert line.low == pytest.approx(float(np.quantile(drawn, 0.05)), rel=1e-12)
    assert line.high == pytest.approx(float(np.quantile(drawn, 0.95)), rel=1e-12)
    assert line.low < line.budget < line.high


def test_the_region_budget_pool_closes(region_budget):
    pool = [r for r in region_budget.pool if r["county"] == ""]
    counties = [r for r in region_budget.pool if r["county"] != ""]
    assert len(pool) == 1 and pool[0]["fund"] == "civil_service"
    p = pool[0]
    assert p["paid_in"] == pytest.approx(p["paid_out"] + p["reserve_end"] - p["reserve_start"])
    assert p["paid_in"] == pytest.approx(sum(r["paid_in"] for r in counties), rel=1e-12)
    assert p["need_after_pool"] == pytest.approx(
        sum(p[f"need_{lv}"] for lv in ("region", "prefecture", "county")), rel=1e-12
    )
    assert p["need_after_pool_low"] <= p["need_after_pool_high"]


def test_a_budget_year_past_a_county_horizon_is_refused(region):
    from model.analysis.region_budget import make_region_budget

    with pytest.raises(YanglaoError, match=r"--year 2045: after the horizon of"):
        make_region_budget(*region, year=2045, paths=100)


# --------------------------------------------------------------------------------------------
# the commands


def test_budget_and_simulate_take_a_region_file(tmp_path):
    import csv

    from typer.testing import CliRunner

    from cli.main import app

    path = small_region(tmp_path / "r", counties=3)
    runner = CliRunner()
    budget = runner.invoke(
        app, ["budget", str(path), "--paths", "100", "--out", str(tmp_path / "b"), "--lang", "en"]
    )
    assert budget.exit_code == 0, budget.output
    assert "the 2022 budgets of 3 counties, summed" in budget.stdout
    assert "adjustment fund in 2022" in budget.stdout
    for name in ("region_budget.csv", "region_budget_counties.csv", "region_budget_pool.csv",
                 "region_budget.xlsx"):  # fmt: skip
        assert (tmp_path / "b" / name).is_file(), name
    simulated = runner.invoke(
        app, ["simulate", str(path), "--paths", "50", "--years", "5", "--out", str(tmp_path / "s")]
    )
    assert simulated.exit_code == 0, simulated.output
    assert "3个县，50条模拟路径" in simulated.stdout
    from model.output.text import display_width

    assert max(display_width(line) for line in simulated.stdout.splitlines()) <= 120
    with (tmp_path / "s" / "region_simulation_totals.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["year"] for r in rows} == {str(y) for y in range(2021, 2027)}
    again = runner.invoke(
        app, ["simulate", str(path), "--paths", "50", "--years", "5", "--workers", "2"]
    )
    assert again.exit_code == 0 and again.stdout == simulated.stdout
    bad = tmp_path / "r" / "region.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("level: prefecture\n  province",
                   "level: town\n  province"), encoding="utf-8")  # fmt: skip
    for command in ("budget", "simulate"):
        failed = runner.invoke(app, [command, str(bad)])
        assert failed.exit_code == 2
        assert f"{bad}:" in failed.output and "region.level" in failed.output
        assert "Traceback" not in failed.output


def test_the_shipped_100_county_example_runs_through_project_budget_and_simulate():
    """The done-when of the region work, on the shipped example itself (small path counts):
    each command's totals are the sums of its county rows."""
    from model.analysis.region import SERIES, project_region
    from model.analysis.region_budget import make_region_budget
    from tests.analysis.test_region import EXAMPLE

    region, scenarios = load_region(EXAMPLE / "region.yaml")
    assert len(scenarios) == 100
    projected = project_region(region, scenarios)
    T = projected.years.size
    for fund, totals in projected.totals.items():
        having = [c for c in projected.counties if fund in c.series]
        for k in SERIES:
            summed = np.sum([c.series[fund][k][:T] for c in having], axis=0)
            np.testing.assert_allclose(totals[k], summed, rtol=1e-12, atol=1e-6)
    budget = make_region_budget(region, scenarios, paths=100, seed=1)
    for fund in ("civil_service", "residents"):
        line = next(x for x in budget.lines if (x.fund, x.key) == (fund, "subsidy_income"))
        rows = [r for r in budget.county_rows if r["fund"] == fund]
        assert line.budget == pytest.approx(sum(r["subsidy_income"] for r in rows), rel=1e-12)
        # the budget year's point is the deterministic region's
        assert line.budget == pytest.approx(projected.totals[fund]["subsidy_income"][1], rel=1e-12)
    sim = simulate_region(region, scenarios, paths=20, seed=1, years=3)
    for fund, series in sim.deterministic.items():
        np.testing.assert_allclose(
            series["subsidy_income"], projected.totals[fund]["subsidy_income"][:4], rtol=1e-12
        )
    assert len(sim.counties) == 100
