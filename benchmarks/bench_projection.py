"""Timing of the projection engine and the CLI. A script, not a test: it asserts nothing.

    python benchmarks/bench_projection.py [--repeat N]

Measures, for a 75-year projection of both Qitai funds:
1. the engine alone for one scenario (basis built beforehand);
2. the engine for 1,000 scenarios stacked on the leading axis (variants of wage growth,
   contribution rates and indexation, applied to the calibrated basis);
3. building the basis (loading, calibration) for one scenario;
4. ``yanglao project`` end to end in a fresh process, against ``python -c "import pandas"``;
6. ``simulate``: 1,000 and 10,000 paths × 75 years of both funds with every source of randomness
   (drivers fitted beforehand), time and peak memory (tracemalloc); 10,000 paths with parameter
   uncertainty (aim: 10,000 paths ≤ 1 s);
5. a sensitivity run of 33 variants (8 shocks × ±1 and ±2 steps, and the baseline), each
   validated and calibrated, projected in one batched call; and the full ``sensitivity`` with
   its break-even solves.

``--scale`` measures the province-scale figures instead (min / median / max of each, and the
ratio the aim is stated in): 10,000 stacked scenarios against 1,000; the shipped 100-county region
(``scenarios/regions/example-100``) end to end (``yanglao project REGION``, fresh process) and its
parts (reading, the analysis with 1 and 2 workers calibrating); the region's Monte Carlo, 100
counties × 1,000 paths, with 1 and 2 workers; ``yanglao validate`` and ``yanglao simulate
--paths 10000 --out DIR`` end to end, each against ``python -c "import pandas"``.

``--simulate-large`` measures instead ``simulate`` of 100,000 paths × 75 years, keeping the
series the command line's output reads (``OUTPUT_SERIES``), in a fresh process each time,
with 1 and 2 workers (min/median/max of the time from the call to the
result, pool start included; peak resident memory of the process and of its largest worker,
read from /proc), and a numpy-heavy task on a Dask LocalCluster with and without Dask's
``MALLOC_TRIM_THRESHOLD_`` (needs the ``cluster`` extra).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.analysis.sensitivity import sensitivity  # noqa: E402
from model.analysis.simulate import simulate  # noqa: E402
from model.engine.basis import Basis, build_basis  # noqa: E402
from model.engine.project import project_basis  # noqa: E402
from model.scenario.load import load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "qitai-2021.yaml"
YEARS = 75
N_STACKED = 1000


def best_of(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def stacked(basis: Basis, n: int, seed: int = 0) -> Basis:
    """``n`` variants of one calibrated basis: salary paths, contribution and indexation rates."""
    rng = np.random.default_rng(seed)
    cs, res = basis.civil_service, basis.residents
    T = basis.years.size
    growth = rng.normal(0.0, 0.01, size=(n, 1))
    wage_factor = np.cumprod(
        np.concatenate([np.ones((n, 1)), np.full((n, T - 1), 1.0) + growth], 1), 1
    )
    cs = replace(
        cs,
        salary_level_yuan=cs.salary_level_yuan * wage_factor,
        contribution_rate_employer=np.clip(
            cs.contribution_rate_employer + rng.normal(0, 0.02, (n, 1)), 0, 1
        ),
        indexation=cs.indexation + rng.normal(0, 0.01, (n, 1)),
        interest_rate=np.repeat(cs.interest_rate, n, 0),
    )
    res = replace(res, contributor_rate=res.contributor_rate * rng.uniform(0.9, 1.1, (n, 1)))
    return replace(basis, civil_service=cs, residents=res)


def cli_times(args: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return times


def cli_seconds(args: list[str], repeat: int) -> float:
    return statistics.median(cli_times(args, repeat))


def times_of(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


REGION = ROOT / "scenarios" / "regions" / "example-100" / "region.yaml"


def bench_scale(repeat: int) -> None:
    """The province-scale figures of the module docstring."""
    import tempfile

    from model.analysis.region import project_region
    from model.analysis.region_simulate import simulate_region
    from model.scenario import load
    from model.scenario.region import load_region

    scenario = load_scenario(SCENARIO)
    basis = build_basis(scenario, YEARS)
    many = stacked(basis, N_STACKED)
    lots = stacked(basis, 10 * N_STACKED)
    t1k = times_of(lambda: project_basis(many, keep_members=False), repeat)
    t10k = times_of(lambda: project_basis(lots, keep_members=False), repeat)
    print(f"engine, {N_STACKED:,} stacked:   {_spread(t1k)}")
    print(
        f"engine, {10 * N_STACKED:,} stacked:  {_spread(t10k)}  "
        f"(ratio of medians {statistics.median(t10k) / statistics.median(t1k):.1f}; aim <= 11)"
    )

    def read() -> None:
        load.clear_cache()
        load_region(REGION)

    print(f"region: read 100 counties:          {_spread(times_of(read, repeat))}")
    region, scenarios = load_region(REGION)
    for workers in (1, 2):
        t = times_of(lambda w=workers: project_region(region, scenarios, workers=w), repeat)
        print(f"region: analysis, {workers} worker(s):      {_spread(t)}")
    exe = str(Path(sys.executable).parent / "yanglao")
    pandas = cli_times([sys.executable, "-c", "import pandas"], repeat)
    pandas_median = statistics.median(pandas)
    print(f'python -c "import pandas":           {_spread(pandas)}')
    project = cli_times([exe, "project", str(REGION)], repeat)
    print(f"yanglao project REGION (100):        {_spread(project)}  (aim <= 3 s)")
    validate = cli_times([exe, "validate", str(SCENARIO)], repeat)
    print(
        f"yanglao validate:                    {_spread(validate)}  "
        f"(median / pandas {statistics.median(validate) / pandas_median:.2f}; aim <= 1)"
    )
    with tempfile.TemporaryDirectory() as out:
        sim_cli = cli_times(
            [exe, "simulate", str(SCENARIO), "--paths", "10000", "--out", out, "--force"], repeat
        )
    print(
        f"yanglao simulate --paths 10000 --out: {_spread(sim_cli)}  "
        f"(median / pandas {statistics.median(sim_cli) / pandas_median:.2f}; aim <= 4)"
    )
    simulate_region(region, scenarios[:2], paths=10)  # fits the drivers once
    medians = {}
    for workers in (1, 2):
        t = times_of(
            lambda w=workers: simulate_region(region, scenarios, paths=1000, workers=w),
            max(3, repeat // 2),
        )
        medians[workers] = statistics.median(t)
        print(
            f"region Monte Carlo, 100 x 1,000 paths, {workers} worker(s): {_spread(t)}  "
            "(aim <= 30 s)"
        )
    print(f"speed-up on 2 workers (medians): {medians[1] / medians[2]:.2f}x")


SIMULATE_RUN = """
import json, sys, time
sys.path.insert(0, {root!r})
from model.analysis.simulate import OUTPUT_SERIES, _fitted_drivers, simulate
from model.scenario.load import load_scenario
scenario = load_scenario({scenario!r})
_fitted_drivers()
t0 = time.perf_counter()
simulate(scenario, paths={paths}, seed=1, years={years}, workers={workers}, memory_mib={memory},
         keep=OUTPUT_SERIES)
print(json.dumps({{"seconds": time.perf_counter() - t0}}))
"""


def _peak_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a process [KiB]; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return children + [d for c in children for d in _descendants(c)]


def simulate_in_fresh_process(
    paths: int, workers: int, memory: int, years: int | None = YEARS
) -> dict[str, float]:
    """One simulate run in a new interpreter: seconds, and the peak resident memory [MiB] of the
    process and of its largest descendant (pool workers), polled from /proc every 20 ms."""
    import json
    import threading

    code = SIMULATE_RUN.format(
        root=str(ROOT), scenario=str(SCENARIO), paths=paths, years=years, workers=workers,
        memory=memory,
    )  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
    peaks: dict[int, int] = {}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for pid in [proc.pid, *_descendants(proc.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _peak_kib(pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    done.set()
    watcher.join()
    result = json.loads(out.decode().strip().splitlines()[-1])
    others = [v for k, v in peaks.items() if k != proc.pid]
    result["rss"] = peaks.get(proc.pid, 0) / 1024
    result["worker_rss"] = max(others, default=0) / 1024
    return result


def numpy_heavy(_shared, n: int) -> float:
    """A task that allocates and frees many arrays of a few MiB (as the simulation's blocks do)."""
    total = 0.0
    for _ in range(n):
        a = np.ones(400_000) * 1.5
        total += float((a * a).sum())
    return total


def bench_malloc_trim(repeat: int) -> None:
    """The same numpy-heavy tasks, and simulate of 20,000 paths, on a LocalCluster of 2 workers
    with and without Dask's MALLOC_TRIM_THRESHOLD_; how long a LocalCluster takes to start."""
    from model.analysis.parallel import run_tasks, start_local_cluster

    scenario = load_scenario(SCENARIO)

    for processes in (True, False):
        starts = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            cluster, client = start_local_cluster(2, processes=processes)
            client.wait_for_workers(2)
            starts.append(time.perf_counter() - t0)
            client.close()
            cluster.close()
        print(f"LocalCluster(2, processes={processes}) start: {_spread(starts)}")
    import os

    for trim in (False, True, False, True):
        # a nanny leaves its pre-spawn environment in this process's os.environ
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        cluster, client = start_local_cluster(2, trim=trim)
        client.wait_for_workers(2)
        address = cluster.scheduler_address
        run_tasks(numpy_heavy, [10] * 4, scheduler=address)  # warm the workers
        times, simulated = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run_tasks(numpy_heavy, [500] * 8, scheduler=address)
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            simulate(scenario, paths=20_000, seed=1, years=YEARS, scheduler=address, workers=2)
            simulated.append(time.perf_counter() - t0)
        client.close()
        cluster.close()
        label = "kept   " if trim else "dropped"
        print(f"8 numpy-heavy tasks, MALLOC_TRIM_THRESHOLD_ {label}: {_spread(times)}")
        print(f"simulate 20,000 paths, MALLOC_TRIM_THRESHOLD_ {label}: {_spread(simulated)}")


def _spread(times: list[float]) -> str:
    return (
        f"min {min(times):6.2f} s  median {statistics.median(times):6.2f} s  "
        f"max {max(times):6.2f} s  (n={len(times)})"
    )


def bench_simulate_large(repeat: int) -> None:
    paths, memory = 100_000, 4096
    for years, span in ((YEARS, f"{YEARS} years"), (None, "to the horizon (2050)")):
        for workers in (1, 2):
            runs = [simulate_in_fresh_process(paths, workers, memory, years) for _ in range(repeat)]
            rss = [r["rss"] for r in runs]
            worker = [r["worker_rss"] for r in runs]
            print(
                f"simulate, {paths:,} paths, {span}, {workers} worker(s): "
                f"{_spread([r['seconds'] for r in runs])}; peak memory {max(rss):,.0f} MiB "
                f"(largest worker {max(worker):,.0f} MiB)"
            )


def reference_projection(basis: Basis) -> float:
    """A plain numpy age-shift projection of the same size as the engine's run of ``basis``:
    civil-service actives and retirees (B, 3, 101) and the residents' population and
    beneficiaries (B, 2, 101) aged one year at a time through death, retirement, entry and
    take-up, with contributions, pensions and a reserve rolled forward. No calibration, no
    bookkeeping: the floor against which the engine's time is a ratio."""
    cs, rs = basis.civil_service, basis.residents
    assert cs is not None and rs is not None
    n_years = basis.years.size
    q_cs, hazard, entry = cs.death_prob, cs.retirement_hazard, np.full((3, 101), 1.0 / 101)
    q_rs = rs.death_prob
    rows = basis.batch_size  # stacked scenarios: every row projected, as the engine does

    def own(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, (rows, *x.shape[1:])).copy()

    actives, retirees, mass = own(cs.actives0), own(cs.retirees0), own(cs.pension_mass0)
    population, beneficiaries = own(rs.population0), own(rs.beneficiaries0)
    wage = np.ones((1, 101))
    reserve = np.zeros(rows)
    for t in range(1, n_years):
        survive = 1.0 - q_cs[:, t]
        retiring = actives * survive * hazard[:, t]
        actives = actives * survive - retiring
        retirees = retirees * survive + retiring
        mass = mass * survive + retiring * 3000.0
        actives[..., 1:], retirees[..., 1:], mass[..., 1:] = (
            actives[..., :-1].copy(),
            retirees[..., :-1].copy(),
            mass[..., :-1].copy(),
        )
        actives += entry * (actives.sum(axis=(1, 2), keepdims=True) * 0.02)
        survive_rs = 1.0 - q_rs[:, t]
        population = population * survive_rs
        beneficiaries = beneficiaries * survive_rs
        population[..., 1:] = population[..., :-1].copy()
        beneficiaries[..., 1:] = beneficiaries[..., :-1].copy()
        beneficiaries[..., 60] += population[..., 60] * 0.58
        contributions = (actives * wage).sum(axis=(1, 2)) * 0.24
        pensions = mass.sum(axis=(1, 2)) * 12 + beneficiaries.sum(axis=(1, 2)) * 143 * 12
        reserve = reserve * 1.02 + contributions - pensions
    return float(reserve.sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--simulate-large", action="store_true")
    parser.add_argument("--scale", action="store_true")
    args = parser.parse_args()
    if args.scale:
        bench_scale(max(3, args.repeat // 2))
        return
    if args.simulate_large:
        bench_simulate_large(max(3, args.repeat // 2))
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("Dask distributed not installed (extra `cluster`): no LocalCluster figures")
        else:
            bench_malloc_trim(max(3, args.repeat // 2))
        return
    scenario = load_scenario(SCENARIO)
    basis = build_basis(scenario, YEARS)
    many = stacked(basis, N_STACKED)

    # the engine and the reference interleaved, round by round, so that both see the same load
    ones, refs = [], []
    for _ in range(args.repeat * 6):
        ones += times_of(lambda: project_basis(basis, keep_members=False), 1)
        refs += times_of(lambda: reference_projection(basis), 1)
    one_best, one_med = min(ones), statistics.median(ones)
    ref_best, ref_med = min(refs), statistics.median(refs)
    ref_many_best, _ = best_of(lambda: reference_projection(many), max(3, args.repeat // 2))
    one_m_best, _ = best_of(lambda: project_basis(basis, keep_members=True), args.repeat * 3)
    many_best, many_med = best_of(
        lambda: project_basis(many, keep_members=False), max(3, args.repeat // 2)
    )
    build_best, _ = best_of(lambda: build_basis(load_scenario(SCENARIO), YEARS), args.repeat)
    sens_best, sens_med = best_of(
        lambda: sensitivity(scenario, YEARS, break_even=False, extra_multiples=(2,)), args.repeat
    )
    full_best, _ = best_of(lambda: sensitivity(scenario, YEARS), max(2, args.repeat // 2))
    import tracemalloc

    simulate(scenario, paths=100, seed=1, years=YEARS)  # fits the drivers and warms caches
    sim_best, sim_med = best_of(
        lambda: simulate(scenario, paths=10_000, seed=1, years=YEARS), max(3, args.repeat // 2)
    )
    sim1k_best, sim1k_med = best_of(
        lambda: simulate(scenario, paths=1_000, seed=1, years=YEARS), args.repeat
    )
    simpu_best, _ = best_of(
        lambda: simulate(scenario, paths=10_000, seed=1, years=YEARS, parameter_uncertainty=True),
        max(3, args.repeat // 2),
    )
    tracemalloc.start()
    simulate(scenario, paths=10_000, seed=1, years=YEARS)
    _, sim_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    exe = str(Path(sys.executable).parent / "yanglao")
    cli = cli_seconds([exe, "project", str(SCENARIO), "--years", str(YEARS)], args.repeat)
    pandas = cli_seconds([sys.executable, "-c", "import pandas"], args.repeat)

    print(
        f"engine, 1 scenario x {YEARS} years, both funds:  best {one_best * 1e3:7.1f} ms  "
        f"median {one_med * 1e3:7.1f} ms  (keeping member arrays: {one_m_best * 1e3:.1f} ms)"
    )
    print(
        f"numpy age-shift reference, same size:        best {ref_best * 1e3:7.1f} ms  "
        f"median {ref_med * 1e3:7.1f} ms  (engine / reference: {one_best / ref_best:.1f}x; "
        "aim <= 3x)"
    )
    print(
        f"reference, {N_STACKED} scenarios stacked:          best {ref_many_best:7.3f} s   "
        f"(engine / reference: {many_best / ref_many_best:.1f}x)"
    )
    print(
        f"engine, {N_STACKED} scenarios stacked:             best {many_best:7.3f} s   "
        f"median {many_med:7.3f} s"
    )
    print(f"load + calibrate one scenario:                best {build_best * 1e3:7.1f} ms")
    print(
        f"sensitivity, 33 variants batched:             best {sens_best:7.3f} s   "
        f"median {sens_med:7.3f} s"
    )
    print(f"sensitivity with break-even solves:           best {full_best:7.3f} s")
    print(
        f"simulate, 1,000 paths x {YEARS} years:          best {sim1k_best:7.3f} s   "
        f"median {sim1k_med:7.3f} s"
    )
    print(
        f"simulate, 10,000 paths x {YEARS} years:         best {sim_best:7.3f} s   "
        f"median {sim_med:7.3f} s  "
        f"peak memory {sim_peak / 2**20:,.0f} MiB"
    )
    print(f"simulate, 10,000 paths, parameter uncertainty: best {simpu_best:7.3f} s   (aim <= 1 s)")
    print(f"yanglao project (fresh process):              median {cli:7.3f} s")
    print(
        f'python -c "import pandas":                    median {pandas:7.3f} s  '
        f"(ratio {cli / pandas:.2f}; aim <= 1.5)"
    )


if __name__ == "__main__":
    main()
