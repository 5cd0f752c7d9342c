"""The task runner and the Monte Carlo's blocks: the same numbers in this process, in a process
pool and on a Dask LocalCluster, for any number of workers and any memory budget."""

import numpy as np
import pytest

from model.analysis import simulate as simulation
from model.analysis.parallel import local_cluster_config, run_tasks
from model.analysis.simulate import BLOCK_PATHS, blocks_in_flight, simulate
from model.errors import YanglaoError
from tests.conftest import QITAI


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


def test_a_smaller_memory_budget_gives_the_same_paths(qitai, in_process):
    """The budget decides how many blocks are in flight at once, never what they draw."""
    paths, T = 2 * BLOCK_PATHS + 300, in_process.years.size
    kept = simulation.kept_series(in_process.deterministic.basis)
    tight = 345  # needs about 340 MiB: three blocks, one in flight at a time
    assert blocks_in_flight(paths, T, kept, tight, workers=2) == 1
    assert blocks_in_flight(paths, T, kept, 4096, workers=2) == 4
    sim = simulate(qitai, paths=paths, seed=21, parameter_uncertainty=True, workers=2,
                   memory_mib=tight)  # fmt: skip
    assert_same(in_process, sim)


def test_too_small_a_budget_says_what_the_run_needs():
    assert blocks_in_flight(40_000, 30, 35, 1024, workers=1) == 2
    with pytest.raises(
        YanglaoError, match=r"--memory: 40000 paths of 30 years need about 5\d\d MiB"
    ):
        blocks_in_flight(40_000, 30, 35, 256, workers=1)


def test_the_first_block_does_not_depend_on_how_many_paths_follow(qitai, in_process):
    first = simulate(qitai, paths=BLOCK_PATHS, seed=21, parameter_uncertainty=True)
    for name in first.funds["civil_service"]:
        np.testing.assert_array_equal(
            first.funds["civil_service"][name],
            in_process.funds["civil_service"][name][:BLOCK_PATHS],
        )


def worker_environment(shared, task):
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OMP_NUM_THREADS")


def test_a_local_cluster_drops_the_malloc_trim_threshold(monkeypatch):
    pytest.importorskip("distributed", reason="Dask distributed is the optional extra `cluster`")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    (environment,) = run_tasks(worker_environment, [0], scheduler="local")
    assert environment == (None, "1")  # the rest of Dask's worker environment is kept
    assert local_cluster_config() == {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None
    }


def test_a_dask_local_cluster_gives_the_same_paths(qitai, in_process):
    pytest.importorskip("distributed", reason="Dask distributed is the optional extra `cluster`")
    sim = simulate(qitai, paths=2 * BLOCK_PATHS + 300, seed=21, parameter_uncertainty=True,
                   workers=2, scheduler="local")  # fmt: skip
    assert_same(in_process, sim)


def test_the_command_line_gives_the_same_numbers_with_two_workers():
    import inspect

    from typer.testing import CliRunner

    from cli.main import app
    from cli.main import simulate as command
    from model.analysis.simulate import DEFAULT_MEMORY_MIB

    assert inspect.signature(command).parameters["memory"].default == DEFAULT_MEMORY_MIB
    base = ["simulate", str(QITAI), "--paths", "2500", "--seed", "4", "--lang", "en"]
    one = CliRunner().invoke(app, base)
    two = CliRunner().invoke(app, [*base, "--workers", "2", "--memory", "1000"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert one.output == two.output
    small = CliRunner().invoke(app, [*base, "--paths", "100000", "--memory", "300"])
    assert small.exit_code == 2 and "--memory" in small.output


def test_kept_series_are_the_numbers_of_a_full_run(qitai):
    from model.analysis.simulate import OUTPUT_SERIES

    kept = simulate(qitai, paths=500, seed=4, years=10, keep=OUTPUT_SERIES)
    full = simulate(qitai, paths=500, seed=4, years=10)
    for fund, series in kept.funds.items():
        assert set(series) == set(OUTPUT_SERIES)
        for k, v in series.items():
            np.testing.assert_array_equal(v, full.funds[fund][k])
    with pytest.raises(ValueError, match="no fund has the series"):
        simulate(qitai, paths=10, years=3, keep=("reserve_ends",))


def raising(shared, task):
    """A task of the tests that fails as calibration or loading would, in a worker."""
    from model.errors import CalibrationError, Problem, ScenarioError

    if task == "calibration":
        raise CalibrationError("county.yaml:12: no level reproduces the pensions", ("a.b",))
    raise ScenarioError([Problem("county.yaml", "meta.id", "missing required field", 3)])


@pytest.mark.parametrize("kind", ["calibration", "scenario"])
def test_an_error_in_a_worker_reads_the_same_here(kind):
    from model.errors import CalibrationError, ScenarioError

    with pytest.raises(YanglaoError) as here:
        run_tasks(raising, [kind])
    with pytest.raises(YanglaoError) as there:
        run_tasks(raising, [kind, kind], workers=2)
    assert type(there.value) is type(here.value)
    assert str(there.value) == str(here.value)
    if isinstance(here.value, CalibrationError):
        assert there.value.fields == here.value.fields == ("a.b",)
    if isinstance(here.value, ScenarioError):
        assert there.value.problems == here.value.problems
