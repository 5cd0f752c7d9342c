"""A region's Monte Carlo: every county's paths under one economy, their sums, and the pool's.

Method (``docs/region.md``):

* **One economy, many small populations.** The counties of a province share their wages'
  and prices' ups and downs, the interest on reserves and the trend of mortality, so each path
  draws those deviations once (:func:`model.analysis.simulate.common_deviations`, from the
  fitted driver models as a single county's simulation draws them) and every county runs on
  the same ones; drawing them apart per county would let the counties' shocks cancel and make
  the region's total far too narrow. Each county's small-population chance (deaths, exits,
  retirements, take-up, contributors as counts) is its own.
* **Streams.** ``SeedSequence(seed).spawn(2)`` gives the drivers' stream and the counties'
  stream; county ``i`` draws from the ``i``-th child of the counties' stream
  (:func:`model.analysis.simulate.simulate`'s ``seed_sequence``, whose blocks are children of
  it). So every number depends on the seed and the counties' order only — not on the number of
  workers, the backend or the memory budget.
* **Totals** are path by path sums over the counties that have each fund, over the years every
  county projects: a county simulated alone with the same deviations and its own stream gives
  exactly its part (``tests/analysis/test_region_simulate.py``).
* **The pool.** A fund pooled above the county runs its adjustment fund on every path with the
  rules of :func:`model.analysis.region.pool_flows`: paid in on the path's contributions, paid
  out on the path's gaps. Its need after the pool and its reserve are summarised by
  percentiles, and the share of paths on which the fund cannot pay every gap in full.

Counties run as tasks (:mod:`model.analysis.parallel`): in this process, a process pool or Dask.
Each task calibrates and simulates one county and sends back only the series the region needs.
Money in 万元, heads in persons; every range is conditional on the counties' scenarios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.analysis.region import FUNDS, LEVELS_PAYING, RANKING_YEARS, pool_flows
from model.analysis.simulate import (
    DEFAULT_MEMORY_MIB,
    PERCENTILES,
    SUMMARISED,
    Scales,
    common_deviations,
    simulate,
)
from model.engine.basis import GOVERNMENT_LEVELS
from model.engine.basis.years import projection_years
from model.errors import YanglaoError
from model.scenario.region import Region
from model.scenario.schema import Scenario
from model.units import YUAN_PER_WAN

#: The series a county sends back per fund, (paths, T): the summarised ones, and what the
#: budget lines and the pool need.
KEPT = (
    *SUMMARISED,
    "contribution_income",
    "interest_income",
    "total_income",
    "total_expenditure",
    "reserve_end_without_subsidy",
)
#: Percentiles kept per county (the region's totals keep every one of ``PERCENTILES``).
COUNTY_PERCENTILES = (5, 50, 95)
#: The process's own memory besides the paths (numpy, the models, one county's simulation) [MiB].
FIXED_MIB = 300


@dataclass(frozen=True)
class _Shared:
    deviations: tuple[np.ndarray, ...]  # four (paths, T_max), every county's drivers
    paths: int
    years: int | None
    scales: Scales
    budget_year_index: int | None  # with it, each county also sends its point budget lines
    pool_shares: dict[str, float]  # pooled fund -> the share of contributions paid in
    common_years: int  # the years every county projects (the totals' T)


@dataclass(frozen=True)
class _County:
    scenario: Scenario
    stream: np.random.SeedSequence


@dataclass
class CountyPaths:
    """What one county's task sends back."""

    id: str
    years: np.ndarray
    funds: dict[str, dict[str, np.ndarray]]  # fund -> series -> (paths, T)
    deterministic: dict[str, dict[str, np.ndarray]]  # fund -> series -> (T,)
    subsidy_by_level: dict[str, dict[str, np.ndarray]]  # fund -> subsidy_<level> -> (T,)
    rules: dict[str, str]  # fund -> its subsidy rule (SUBSIDY_RULES)
    budget_lines: dict[str, dict[str, float]] | None = None  # fund -> line -> 万元
    #: fund -> series of SUMMARISED -> (3, T_c) percentiles, and "deterministic" (5, T_c)
    percentiles: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    ranking: list[dict[str, Any]] = field(default_factory=list)  # a row per fund
    #: pooled fund -> (paid in, gap), each (paths, T_c)
    pool_parts: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


@dataclass
class RegionSimulation:
    """A region's simulated paths, conditional on its counties' scenarios.

    ``totals[fund][series]`` are (paths, T) sums over the counties having the fund;
    ``deterministic[fund][series]`` (T,) the same sums of the counties' projections;
    ``counties[id][fund][series]`` the county's percentiles ``COUNTY_PERCENTILES`` (3, T_c)
    and its ``deterministic`` path; ``pool[fund]`` the adjustment fund's paths (``need_after``,
    ``reserve_end``, ``paid_in``, ``paid_out`` summed over counties, (paths, T); ``short``
    (paths, T) bool); ``ranking`` the counties by the median of their subsidy per contributor
    over the first projected years, with its 5%–95% range."""

    region: Region
    paths: int
    seed: int
    years: np.ndarray
    county_ids: list[str]
    totals: dict[str, dict[str, np.ndarray]]
    deterministic: dict[str, dict[str, np.ndarray]]
    counties: dict[str, dict[str, dict[str, np.ndarray]]]
    county_years: dict[str, np.ndarray]
    pool: dict[str, dict[str, Any]]
    ranking: list[dict[str, Any]]
    rejected_explosive_draws: int = 0
    parameter_uncertainty: bool = False
    budget_lines: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    subsidy_by_level: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    #: county -> fund -> series of ``KEPT`` -> (T_c,): each county's projection
    county_deterministic: dict[str, dict[str, dict[str, np.ndarray]]] = field(default_factory=dict)

    def percentiles(self, fund: str, series: str) -> np.ndarray:
        """(len(PERCENTILES), T) percentiles of a region total over paths."""
        return np.percentile(self.totals[fund][series], PERCENTILES, axis=0)


def _county_paths(shared: _Shared, task: _County) -> CountyPaths:
    """One county: calibrated and simulated on the region's deviations with its own stream."""
    from model.analysis.budget import lines_from
    from model.analysis.region import subsidy_by_level, subsidy_rules

    T = projection_years(task.scenario, shared.years).size
    sim = simulate(
        task.scenario,
        paths=shared.paths,
        years=shared.years,
        scales=shared.scales,
        deviations=tuple(x[:, :T] for x in shared.deviations),
        seed_sequence=task.stream,
        keep=KEPT,
    )
    det = sim.deterministic
    funds = {f: {k: sim.funds[f][k] for k in KEPT} for f in sim.funds}
    deterministic = {f: {k: np.asarray(det.funds[f][k][0]) for k in KEPT} for f in sim.funds}
    levels = {f: {k: v[0] for k, v in subsidy_by_level(det, f).items()} for f in sim.funds}
    lines = None
    if shared.budget_year_index is not None:
        t = shared.budget_year_index
        lines = {f: {k: float(v[0]) for k, v in d.items()} for f, d in lines_from(det, t).items()}
    part = CountyPaths(
        task.scenario.meta.id,
        sim.years,
        funds,
        deterministic,
        levels,
        subsidy_rules(det.basis),
        lines,
    )
    # what the region keeps of the county is computed here, in the worker
    T_region = shared.common_years
    for fund, series in funds.items():
        part.percentiles[fund] = {
            k: np.percentile(series[k], COUNTY_PERCENTILES, axis=0) for k in SUMMARISED
        }
        part.percentiles[fund]["deterministic"] = np.array(
            [deterministic[fund][k] for k in SUMMARISED]
        )
        part.ranking.append(_ranking_row(task.scenario, fund, part, T_region))
        if fund in shared.pool_shares:
            up = shared.pool_shares[fund] * series["contribution_income"][:, :T_region]
            gap = np.maximum(
                0.0,
                series["total_expenditure"][:, :T_region]
                - (series["total_income"][:, :T_region] - series["subsidy_income"][:, :T_region]),
            )
            part.pool_parts[fund] = (up, gap)
    return part


def memory_needed_mib(counties: int, pooled_funds: int, paths: int, T: int, workers: int) -> float:
    """Peak memory of a region's simulation [MiB]: the totals' series of both funds, the pooled
    funds' two series per county (paid in and gap), one county's results per worker in flight
    (twice, as received), and the process's fixed part."""
    path_bytes = paths * T * 8
    totals = 2 * len(KEPT) * path_bytes
    pooled = pooled_funds * 2 * counties * path_bytes
    in_flight = 2 * workers * 2 * 2 * len(KEPT) * path_bytes
    return FIXED_MIB + (totals + pooled + in_flight) / 2**20


def simulate_region(
    region: Region,
    scenarios: list[Scenario],
    paths: int = 1000,
    seed: int = 0,
    years: int | None = None,
    scales: Scales | None = None,
    parameter_uncertainty: bool = False,
    progress: Callable[[int, int], None] | None = None,
    *,
    memory_mib: float = DEFAULT_MEMORY_MIB,
    workers: int = 1,
    scheduler: str | None = None,
    budget_year_index: int | None = None,
) -> RegionSimulation:
    """Simulate every county of ``region`` on common drivers (module docstring).

    ``years`` limits every county's projection (default: each to its horizon; the totals
    cover the years every county projects). ``progress(done, total)`` counts the drivers'
    draw and each county as its results come in. ``budget_year_index`` makes each county also
    send its point budget lines of that year (the region's budget)."""
    from model.analysis.parallel import iter_tasks

    scales = scales if scales is not None else Scales()
    if paths < 1:
        raise YanglaoError("--paths: expected at least one path")
    if not scenarios:
        raise YanglaoError("a region needs at least one county")
    horizons = [projection_years(s, years) for s in scenarios]
    T_max = max(h.size for h in horizons)
    T = min(h.size for h in horizons)
    pooled = [f for f in FUNDS if region.pooling.of(f).pooled]
    need = memory_needed_mib(len(scenarios), len(pooled), paths, T_max, workers)
    if need > memory_mib:
        raise YanglaoError(
            f"--memory: {paths} paths of {len(scenarios)} counties over {T_max} years need "
            f"about {need:,.0f} MiB, more than {memory_mib:,.0f} MiB; raise --memory or "
            "simulate fewer paths"
        )
    total = 1 + len(scenarios)
    if progress is not None:
        progress(0, total)
    drivers_stream, counties_stream = np.random.SeedSequence(seed).spawn(2)
    deviations, rejected = common_deviations(
        paths, T_max, drivers_stream, scales, parameter_uncertainty
    )
    if progress is not None:
        progress(1, total)
    tasks = [
        _County(s, stream)
        for s, stream in zip(scenarios, counties_stream.spawn(len(scenarios)), strict=True)
    ]
    shares = {}
    for fund in pooled:
        share = region.pooling.of(fund).contribution_share
        assert share is not None
        shares[fund] = share.value
    shared = _Shared(deviations, paths, years, scales, budget_year_index, shares, T)
    common = horizons[0][:T]

    totals: dict[str, dict[str, np.ndarray]] = {}
    deterministic: dict[str, dict[str, np.ndarray]] = {}
    by_level: dict[str, dict[str, np.ndarray]] = {}
    counties: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    county_years: dict[str, np.ndarray] = {}
    county_deterministic: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    budget_lines: dict[str, dict[str, dict[str, float]]] = {}
    pool_parts: dict[str, dict[str, list[np.ndarray]]] = {f: {"up": [], "gap": []} for f in pooled}
    pool_ids: dict[str, list[str]] = {f: [] for f in pooled}
    ranking_rows: list[dict[str, Any]] = []

    def step(done: int, _: int) -> None:
        if progress is not None:
            progress(1 + done, total)

    results = iter_tasks(
        _county_paths, tasks, shared=shared, workers=workers, scheduler=scheduler, progress=step
    )
    for part in results:
        if not np.array_equal(part.years[:T], common):
            raise YanglaoError(
                f"{part.id}: its projection starts in {int(part.years[0])}, not "
                f"{int(common[0])}; expected one base year in a region"
            )
        county_years[part.id] = part.years
        county_deterministic[part.id] = part.deterministic
        counties[part.id] = {}
        if part.budget_lines is not None:
            budget_lines[part.id] = part.budget_lines
        for fund, series in part.funds.items():
            into = totals.setdefault(fund, {k: np.zeros((paths, T)) for k in KEPT})
            det_into = deterministic.setdefault(fund, {k: np.zeros(T) for k in KEPT})
            for k in KEPT:
                into[k] += series[k][:, :T]
                det_into[k] += part.deterministic[fund][k][:T]
            lv_into = by_level.setdefault(
                fund, {f"subsidy_{lv}": np.zeros(T) for lv in GOVERNMENT_LEVELS}
            )
            for k, v in part.subsidy_by_level[fund].items():
                lv_into[k] += v[:T]
            counties[part.id][fund] = part.percentiles[fund]
            if fund in part.pool_parts:
                up, gap = part.pool_parts[fund]
                pool_parts[fund]["up"].append(up)
                pool_parts[fund]["gap"].append(gap)
                pool_ids[fund].append(part.id)
        ranking_rows += part.ranking
        del part
    pool = {}
    for fund, parts in pool_parts.items():
        if not parts["up"]:
            continue
        rules = region.pooling.of(fund)
        assert rules.subsidy_shares is not None
        flows = pool_flows(np.stack(parts["up"]), np.stack(parts["gap"]), rules.opening_reserve)
        need_after = flows["need_after"].sum(0)
        pool[fund] = {
            "level": rules.level,
            "county_ids": pool_ids[fund],
            "paid_in": flows["paid_in"].sum(0),
            "paid_out": flows["paid_out"].sum(0),
            "need_after": need_after,
            "reserve_end": flows["reserve_end"],
            "short": flows["short"],
            **{f"need_{lv}": need_after * rules.subsidy_shares.of(lv) for lv in LEVELS_PAYING},
        }
        del flows, parts["up"], parts["gap"]
    return RegionSimulation(
        region,
        paths,
        seed,
        common,
        [t.scenario.meta.id for t in tasks],
        totals,
        deterministic,
        counties,
        county_years,
        pool,
        _ranked(ranking_rows),
        rejected,
        parameter_uncertainty,
        budget_lines,
        by_level,
        county_deterministic,
    )


def _ranking_row(scenario: Scenario, fund: str, part: CountyPaths, T: int) -> dict[str, Any]:
    """A county's subsidy per contributor [元] over the ranking window on every path: the need
    under any rule but ``formula``, the subsidy paid under ``formula`` (as the deterministic
    ranking of ``model.analysis.region``); its median and 5%–95% range."""
    window = slice(1, min(T, RANKING_YEARS + 1))
    paid_rule = part.rules[fund] == "formula"
    key = "subsidy_income" if paid_rule else "subsidy_need"
    amount = part.funds[fund][key][:, window].sum(1)
    heads = part.funds[fund]["contributors"][:, window].sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_head = np.where(heads > 0, amount * YUAN_PER_WAN / np.where(heads > 0, heads, 1), 0.0)
    p5, p50, p95 = np.percentile(per_head, COUNTY_PERCENTILES)
    return {
        "fund": fund,
        "county": part.id,
        "name_zh": scenario.meta.county.zh,
        "name_en": scenario.meta.county.en,
        "measure": "paid" if paid_rule else "need",
        "first_year": int(part.years[window.start]) if T > 1 else None,
        "last_year": int(part.years[window.stop - 1]) if T > 1 else None,
        "p5_yuan": float(p5),
        "median_yuan": float(p50),
        "p95_yuan": float(p95),
    }


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fund in FUNDS:
        mine = sorted(
            (r for r in rows if r["fund"] == fund), key=lambda r: (-r["median_yuan"], r["county"])
        )
        out += [{"rank": i, **r} for i, r in enumerate(mine, start=1)]
    return out


__all__ = ["KEPT", "RegionSimulation", "memory_needed_mib", "simulate_region"]
