"""The task runner and the Monte Carlo's blocks: the same numbers in this process, in a process
pool and on a Dask LocalCluster, for any number of workers and any memory budget."""

import numpy as np
import pytest

from model.analysis import simulate as simulation
from model.analysis.parallel import local_cluster_config, run_tasks
from model.analysis.simulate import BLOCK_PATHS, blocks_per_task, simulate
from model.errors import YanglaoError


def scaled(shared, task):
    """A task of the tests: module level, so that worker processes import it by name."""
    return shared["factor"] * task


def blas_threads(shared, task):
    """BLAS threads seen inside a task."""
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def assert_same(a, b):
    assert a.funds.keys() == b.funds.keys()
    for fund in a.funds:
        assert a.funds[fund].keys() == b.funds[fund].keys()
        for name in a.funds[fund]:
            np.testing.assert_array_equal(a.funds[fund][name], b.funds[fund][name], err_msg=name)
    for name in a.driver_paths:
        np.testing.assert_array_equal(a.driver_paths[name], b.driver_paths[name], err_msg=name)
    assert a.drivers.get("rejected_explosive_draws") == b.drivers.get("rejected_explosive_draws")


@pytest.fixture(scope="module")
def in_process(qitai):
    """Three blocks, the last one partial, with parameter draws (the most streams)."""
    return simulate(qitai, paths=2 * BLOCK_PATHS + 300, seed=21, parameter_uncertainty=True)


def test_results_come_back_in_task_order_in_process_and_in_a_pool():
    tasks = list(range(7))
    for workers in (1, 2):
        got = run_tasks(scaled, tasks, shared={"factor": 3}, workers=workers)
        assert got == [3 * t for t in tasks]
    with pytest.raises(YanglaoError, match="--workers"):
        run_tasks(scaled, tasks, workers=0)


def test_blas_runs_on_one_thread_inside_tasks():
    for workers in (1, 2):
        for threads in run_tasks(blas_threads, [0, 1], workers=workers):
            assert all(n == 1 for n in threads)


def test_a_process_pool_gives_the_same_paths(qitai, in_process):
    assert_same(in_process, simulate(qitai, paths=2 * BLOCK_PATHS + 300, seed=21,
                                     parameter_uncertainty=True, workers=2))  # fmt: skip


def test_blocks_grouped_into_tasks_give_the_same_paths(qitai, in_process):
    """The memory budget only groups whole blocks into tasks: one task of three blocks gives
    what three tasks of one give."""
    sim = in_process
    eco = qitai.assumptions.economy
    shared = simulation._Shared(
        sim.deterministic.basis,
        sim.deterministic,
        simulation.step_values(eco.wage_growth, sim.years)[:, None],
        simulation.step_values(eco.price_inflation, sim.years)[:, None],
        simulation.Scales(),
        True,
        sim.drivers["economic"],
        sim.drivers["mortality"],
    )
    streams = np.random.SeedSequence(21).spawn(3)
    sizes = (BLOCK_PATHS, BLOCK_PATHS, 300)
    funds, factors, rejected = simulation._simulate_blocks(
        shared, simulation._Task(tuple(streams), sizes)
    )
    for fund in sim.funds:
        for name in sim.funds[fund]:
            np.testing.assert_array_equal(funds[fund][name], sim.funds[fund][name])
    np.testing.assert_array_equal(factors["wage_index"], sim.driver_paths["wage_index"])
    assert rejected == sim.drivers["rejected_explosive_draws"]


def test_a_smaller_budget_makes_smaller_tasks_and_too_small_a_budget_says_what_it_needs():
    assert BLOCK_PATHS == 2000  # the figures below are those of blocks of 2,000
    paths, T, kept = 40_000, 30, 35  # 20 blocks
    assert blocks_per_task(paths, T, kept, 1024, workers=1) == 1
    roomy = blocks_per_task(paths, T, kept, 4096, workers=2)
    tight = blocks_per_task(paths, T, kept, 700, workers=2)
    assert roomy == 3 and tight == 2  # at least four tasks per worker; then the budget
    with pytest.raises(YanglaoError, match=r"--memory: 40000 paths of 30 years need about"):
        blocks_per_task(paths, T, kept, 256, workers=1)


def test_the_first_block_does_not_depend_on_how_many_paths_follow(qitai, in_process):
    first = simulate(qitai, paths=BLOCK_PATHS, seed=21, parameter_uncertainty=True)
    for name in first.funds["civil_service"]:
        np.testing.assert_array_equal(
            first.funds["civil_service"][name],
            in_process.funds["civil_service"][name][:BLOCK_PATHS],
        )


def test_a_local_cluster_drops_the_malloc_trim_threshold():
    pytest.importorskip("distributed", reason="Dask distributed is the optional extra `cluster`")
    environ = local_cluster_config()["distributed.nanny.pre-spawn-environ"]
    assert "MALLOC_TRIM_THRESHOLD_" not in environ
    assert environ.get("OMP_NUM_THREADS") == 1  # the rest of Dask's environment is kept


def test_a_dask_local_cluster_gives_the_same_paths(qitai, in_process):
    pytest.importorskip("distributed", reason="Dask distributed is the optional extra `cluster`")
    sim = simulate(qitai, paths=2 * BLOCK_PATHS + 300, seed=21, parameter_uncertainty=True,
                   workers=2, scheduler="local")  # fmt: skip
    assert_same(in_process, sim)
