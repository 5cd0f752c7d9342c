"""Monte Carlo: the funds' paths under random drivers and a small population's chance.

Everything here is **conditional on the scenario's assumptions**: the centre of every simulated
band is the scenario's own deterministic path (its wage growth, inflation, interest, mortality
improvement, policy), and the bands show how far chance — the drivers' year-to-year deviations
as fitted to history, and a small population's counts — moves the funds around that path. They
are not forecast intervals of the assumptions themselves (a wrong trend of wage growth is not in
them), and every label says so ("simulated range, conditional on the scenario's assumptions").

Method
------
One deterministic projection of the scenario gives every cash flow as a series
(``Projection.funds[fund][name][0]``). Each simulated path multiplies those series by path
factors, so that with every source of randomness switched off each path *is* the projection:

* **economic drivers** — deviations of wage growth, price inflation and the interest rate from
  the scenario's path, with mean zero, drawn from the statsmodels VAR(1) fitted to the national
  history about a linear trend (``model.analysis.drivers``). A wage deviation ``d`` is a
  deviation of log growth: the path's wage growth is ``(1 + g)·exp(d) − 1``, so the wage index
  (path / scenario) is ``exp(Σ d)`` with median 1. Factors: the wage index on contributions
  (their base, floor and cap move with wages) and on the pension each new cohort of retirees
  starts from (set from the previous year's wage); indexation and the residents' pension
  amounts follow the simulated wages and prices through the basis' links (``indexation_link``,
  ``central_pension_link``, ``top_up_pension_link``, ``funeral_grant_link``): a year's growth on
  a path is the scenario's plus ``link · (wage growth deviation, inflation deviation)``; the
  interest deviation moves the return on reserves;
* **mortality trend** — deviations of the yearly rate at which death rates fall, from the
  Lee–Carter-style random walk fitted to life expectancy, compounding into every later year;
* **a small population** — the yearly numbers of deaths, exits, retirements, new entrants of each
  civil-service group, and the county population's deaths, the residents reaching pension age who
  take up a pension, beneficiaries' deaths and contributing residents are counts: each is drawn
  around its expectation with the binomial variance ``n p (1 − p)`` (normal approximation,
  clipped to ``[0, n]``). Heads on a path are compared with the same count projection without
  chance (a reference row run by the same code), and the ratio scales the cash flows;
* **parameter uncertainty** (``parameter_uncertainty=True``) — each path draws its own VAR
  coefficients from their estimated covariance (explosive draws are rejected and redrawn; the
  count is reported) and its own error of the mortality drift.

Cash flows of a path (civil service): contributions = deterministic contributions × actives
ratio × wage index; pensions = Σ over year of retirement of the deterministic pensions of that
vintage × its starting-wage factor × its indexation ratio since retirement, × retirees ratio;
other benefits (funeral grants, lump sums at death) × deaths ratio. Residents: contributions,
the contribution subsidy and other income × contributors ratio; central minimum and top-up ×
beneficiaries ratio × their pension-increase factor; account pensions × beneficiaries ratio;
death-related benefits × deaths ratio (funeral grants × their increase factor). The fund's year
is the engine's own (``model.engine.project.fund_years``) with the path's interest rate.

Heads do not depend on the economic path, so the economic part is linear algebra over the
deterministic projection and the demographic part is a projection of group totals: cheap for any
number of paths. With every scale at zero the simulation equals the deterministic projection.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.engine.basis import Basis, build_basis
from model.engine.project import fund_years, headcount_weights, new_hires, project_basis
from model.engine.results import Projection
from model.errors import YanglaoError
from model.scenario.schedule import step_values
from model.scenario.schema import Scenario

PERCENTILES = (5, 25, 50, 75, 95)
#: Series summarised by percentiles, per fund.
SUMMARISED = ("reserve_end", "subsidy_need", "subsidy_income", "contributors", "beneficiaries")


#: Suffix of the percentile columns of ``percentiles.csv``: the bands are conditional on the
#: scenario's assumptions, not forecast intervals.
PERCENTILE_COLUMN = "p{p}_given_scenario"


@dataclass(frozen=True)
class Scales:
    """Multipliers of each source of randomness (0 switches it off)."""

    economic: float = 1.0
    mortality: float = 1.0
    population: float = 1.0


@dataclass
class Simulation:
    """Simulated paths of both funds, conditional on the scenario's assumptions.

    ``funds[fund][series]`` is (paths, T); ``driver_paths`` holds the path factors (``wage_index``,
    ``price_index``, ``interest_deviation``, ``mortality_factor``, each (paths, T)) and
    ``drivers`` the fitted models (and ``rejected_explosive_draws`` with parameter uncertainty).
    """

    scenario: Scenario
    years: np.ndarray
    paths: int
    seed: int
    funds: dict[str, dict[str, np.ndarray]]  # fund -> series -> (paths, T)
    deterministic: Projection
    drivers: dict[str, Any] = field(default_factory=dict)
    driver_paths: dict[str, np.ndarray] = field(default_factory=dict)
    parameter_uncertainty: bool = False

    def percentiles(self, fund: str, series: str) -> np.ndarray:
        """(len(PERCENTILES), T) percentiles of a series over paths."""
        return np.percentile(self.funds[fund][series], PERCENTILES, axis=0)

    def budget_series(self, fund: str) -> str:
        """The subsidy series that matters to the budget: the need under ``fill_gap``; what the
        rule pays otherwise (the residents' fund pays pensions as due, its need is nil)."""
        part = getattr(self.deterministic.basis, fund)
        return (
            "subsidy_need"
            if int(np.asarray(part.subsidy_rule).ravel()[0]) == 0
            else "subsidy_income"
        )

    def depletion_probability(self, fund: str, without_subsidy: bool = False) -> np.ndarray:
        """Probability that the reserve has been below zero by the end of each year (T,)."""
        key = "reserve_end_without_subsidy" if without_subsidy else "reserve_end"
        below = self.funds[fund][key] < 0
        return np.maximum.accumulate(below, axis=1).mean(0)


def _counts(n: np.ndarray, p: np.ndarray, z: np.ndarray, scale: float) -> np.ndarray:
    """Counts ~ binomial(n, p) by the normal approximation, clipped to [0, n]."""
    p = np.clip(p, 0.0, 1.0)
    mean = n * p
    if scale == 0:
        return mean
    sd = np.sqrt(np.maximum(mean * (1 - p), 0.0)) * scale
    return np.minimum(np.maximum(mean + sd * z, 0.0), np.maximum(n, 0.0))


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 1.0)


@functools.lru_cache(maxsize=1)
def _fitted_drivers():
    """The driver models of the shipped history (once per process): the stored fit, refitted
    only when the history or the fit settings changed (``drivers.fitted_drivers``)."""
    from model.analysis import drivers

    fits = drivers.fitted_drivers()
    return fits.economic, fits.mortality


#: Paths per block. Each block of paths draws from its own random stream, the block's child of
#: ``numpy.random.SeedSequence(seed).spawn``; the layout of blocks depends on ``paths`` only, so
#: the numbers do not depend on the memory budget, the number of workers or the backend.
BLOCK_PATHS = 2000
#: Default memory budget of a simulation [MiB] (``--memory``): room for the command line's
#: largest run, 100,000 paths of both funds over 30 years (about 1,100 MiB), with some to spare.
DEFAULT_MEMORY_MIB = 2048
#: Working memory of a block per path and year, in float64 arrays alive at its peak (measured
#: with tracemalloc on the shipped county scenario, both funds, parameter uncertainty on: 76
#: with the block's own results; rounded up).
WORKING_ARRAYS = 80
#: What the process holds besides the paths: the basis, the deterministic projection with its
#: members and vintages, the fitted models, numpy itself [MiB].
FIXED_MIB = 200


@dataclass(frozen=True)
class _Shared:
    """What every block needs, sent once to each worker."""

    basis: Basis
    det: Projection
    wage_growth: np.ndarray  # (T, 1)
    price_inflation: np.ndarray  # (T, 1)
    scales: Scales
    parameter_uncertainty: bool
    economic: Any  # the fitted driver models (None with given deviations)
    mortality: Any
    keep: tuple[str, ...] | None = None  # the funds' series kept (None: all)


@dataclass(frozen=True)
class _Task:
    """One block of paths: its stream and size and, with given deviations, its rows."""

    stream: np.random.SeedSequence
    size: int
    deviations: tuple[np.ndarray, ...] | None = None  # four (size, T)


#: The series the command line's output reads per fund (tables, percentiles.csv, depletion.csv,
#: fan charts): a simulation run for it keeps only these (``keep``).
OUTPUT_SERIES = (*SUMMARISED, "reserve_end_without_subsidy")


def output_series() -> tuple[str, ...]:
    """``OUTPUT_SERIES``, for a caller that names functions rather than importing them."""
    return OUTPUT_SERIES


def kept_series(basis: Basis, keep: tuple[str, ...] | None = None) -> int:
    """How many (paths, T) series a simulation keeps: the funds' series and the path factors."""
    if keep is not None:
        funds = (basis.civil_service is not None) + (basis.residents is not None)
        return 4 + len(keep) * funds
    return 4 + 14 * (basis.civil_service is not None) + 17 * (basis.residents is not None)


def blocks_in_flight(paths: int, T: int, kept: int, memory_mib: float, workers: int) -> int:
    """How many blocks may be computed or waiting to be taken at once under a memory budget, or
    an error saying how much the run needs.

    Peak ≈ fixed part + every path's kept series + each worker's working arrays of one block +
    the blocks in flight, each held twice while it is received (its bytes and its arrays); in
    this process one block's results, copied into place. At most two blocks per worker are in
    flight (enough to keep each busy)."""
    path_bytes = T * 8
    result = BLOCK_PATHS * kept * path_bytes
    kept_all = paths * kept * path_bytes
    working = workers * BLOCK_PATHS * WORKING_ARRAYS * path_bytes
    room = (memory_mib - FIXED_MIB) * 2**20 - kept_all - working
    per_block = result if workers == 1 else 2 * result
    if room < per_block:
        need = (kept_all + working + per_block) / 2**20 + FIXED_MIB
        raise YanglaoError(
            f"--memory: {paths} paths of {T} years need about {need:,.0f} MiB, more than "
            f"{memory_mib:,.0f} MiB; raise --memory or simulate fewer paths"
        )
    return int(max(1, min(room // per_block, 2 * workers)))


def simulate(
    scenario: Scenario,
    paths: int = 1000,
    seed: int = 0,
    years: int | None = None,
    scales: Scales = Scales(),
    deviations=None,
    parameter_uncertainty: bool = False,
    progress: Callable[[int, int], None] | None = None,
    *,
    memory_mib: float = DEFAULT_MEMORY_MIB,
    workers: int = 1,
    scheduler: str | None = None,
    seed_sequence: np.random.SeedSequence | None = None,
    keep: tuple[str, ...] | None = None,
) -> Simulation:
    """Simulate ``paths`` futures of every fund of ``scenario``, conditional on its assumptions.

    Parameters
    ----------
    scenario : Scenario
    paths : int
        Number of paths (≥ 1).
    seed : int
        The same seed gives the same numbers, whatever ``memory_mib``, ``workers`` and
        ``scheduler``.
    years : int, optional
        Years after the base year (default: to the scenario's horizon).
    scales : Scales
        Multipliers of the economic, mortality and population randomness (0 switches one off).
    deviations : tuple of four ndarrays (paths, T), optional
        (wage, inflation, interest, improvement) deviations replacing the fitted driver model
        (wage and inflation as deviations of log growth, interest and improvement as deviations
        of the rate); tests use it to set known paths.
    parameter_uncertainty : bool, default False
        Draw each path's VAR coefficients from their estimated covariance (explosive draws
        redrawn) and its own error of the mortality drift, instead of using the point estimates.
    progress : callable, optional
        Called as ``progress(done, total)`` between blocks of work (the deterministic
        projection, then each block of paths' drivers and funds, counted as its results come
        in), from ``(0, total)`` to ``(total, total)``.
    memory_mib : float, default 2048
        Memory budget [MiB]: paths run in blocks of ``BLOCK_PATHS``, and only as many blocks
        are in flight at once as keep the peak under it; when the kept paths alone do not fit,
        an error says how much the run needs.
    workers : int, default 1
        Processes running blocks at once (1: this process).
    scheduler : str, optional
        ``"local"`` for a Dask LocalCluster of ``workers`` processes, or a Dask scheduler's
        address (needs the ``cluster`` extra).
    seed_sequence : numpy.random.SeedSequence, optional
        The stream whose children the blocks draw from, instead of ``SeedSequence(seed)`` (a
        region passes each county its child).
    keep : tuple of str, optional
        The funds' series to keep (default: all). Each path's series take memory: 100,000 paths
        of 30 years are 24 MiB a series, and a simulation has about 35; the command line keeps
        ``OUTPUT_SERIES``. The kept series are the same numbers as in a full run.
    """
    from model.analysis.parallel import iter_tasks

    if paths < 1:
        raise YanglaoError("--paths: expected at least one path")
    basis = build_basis(scenario, years)
    T = basis.years.size
    window = blocks_in_flight(paths, T, kept_series(basis, keep), memory_mib, workers)
    det = project_basis(basis, scenario=scenario, keep_members=True, keep_vintages=True)
    sizes = [min(BLOCK_PATHS, paths - start) for start in range(0, paths, BLOCK_PATHS)]
    root = seed_sequence if seed_sequence is not None else np.random.SeedSequence(seed)
    streams = root.spawn(len(sizes))
    given = None
    if deviations is not None:
        given = [np.broadcast_to(np.asarray(x, dtype=float), (paths, T)) for x in deviations]
    tasks = []
    for i, (stream, size) in enumerate(zip(streams, sizes, strict=True)):
        rows = slice(i * BLOCK_PATHS, i * BLOCK_PATHS + size)
        devs = None if given is None else tuple(np.ascontiguousarray(x[rows]) for x in given)
        tasks.append(_Task(stream, size, devs))
    economic, mortality = _fitted_drivers() if deviations is None else (None, None)
    eco = scenario.assumptions.economy
    shared = _Shared(
        basis,
        det,
        step_values(eco.wage_growth, basis.years)[:, None],
        step_values(eco.price_inflation, basis.years)[:, None],
        scales,
        parameter_uncertainty,
        economic,
        mortality,
        None if keep is None else tuple(keep),
    )
    # blocks of work: the deterministic run, then for each block of paths its drivers and each
    # fund, reported when the block's results are in
    per_block = 1 + (basis.civil_service is not None) + (basis.residents is not None)
    total = 1 + len(tasks) * per_block
    if progress is not None:
        progress(0, total)
        progress(1, total)

    def step(done: int, _: int) -> None:
        if progress is not None and done:
            for part in range(per_block - 1, -1, -1):
                progress(1 + done * per_block - part, total)

    funds: dict[str, dict[str, np.ndarray]] = {}
    factors: dict[str, np.ndarray] = {}
    rejected = 0
    start = 0
    results = iter_tasks(
        _simulate_block,
        tasks,
        shared=shared,
        workers=workers,
        scheduler=scheduler,
        progress=step,
        window=window,
    )
    for task, (part_funds, part_factors, part_rejected) in zip(tasks, results, strict=True):
        rows = slice(start, start + task.size)
        for fund, series in part_funds.items():
            into = funds.setdefault(fund, {})
            for name, values in series.items():
                into.setdefault(name, np.empty((paths, T)))[rows] = values
        for name, values in part_factors.items():
            factors.setdefault(name, np.empty((paths, T)))[rows] = values
        rejected += part_rejected
        start = rows.stop
        del part_funds, part_factors  # the block's arrays go before the next one arrives
    if keep is not None:
        missing = set(keep) - {name for series in funds.values() for name in series}
        if missing:
            raise ValueError(f"keep: no fund has the series {sorted(missing)}")
    fits: dict[str, Any] = {}
    if deviations is None:
        fits = {"economic": economic, "mortality": mortality}
        if parameter_uncertainty:
            fits["rejected_explosive_draws"] = rejected
    return Simulation(
        scenario, basis.years, paths, seed, funds, det, fits, factors, parameter_uncertainty
    )


def _simulate_block(shared: _Shared, task: _Task):
    """One block of paths from its own stream (the economic, mortality, coefficient and
    population draws each from a child of it): each fund's series and the path factors
    (paths, T), and the explosive coefficient draws rejected."""
    stream, paths, deviations = task.stream, task.size, task.deviations
    basis, det, scales = shared.basis, shared.det, shared.scales
    T = basis.years.size
    economic_rng, mortality_rng, coefficient_rng, population_rng = (
        np.random.default_rng(child) for child in stream.spawn(4)
    )
    rejected = 0
    if deviations is None:
        deviations, rejected = _drawn_deviations(
            shared.economic,
            shared.mortality,
            paths,
            T,
            (economic_rng, mortality_rng, coefficient_rng),
            scales,
            shared.parameter_uncertainty,
        )
    # Inside, paths are the last axis (T, P): every yearly step reads and writes contiguous
    # rows. The results are returned as (P, T).
    wage, inflation, interest, improvement = (
        np.ascontiguousarray(np.broadcast_to(x, (paths, T)).T) for x in deviations
    )
    # deviations of log growth → deviations of the growth rates the links multiply
    rate_dev = np.stack(
        [
            (1 + shared.wage_growth) * np.expm1(wage),
            (1 + shared.price_inflation) * np.expm1(inflation),
        ],
        axis=-1,
    )  # (T, P, 2)
    factors = {
        "wage_index": np.exp(np.cumsum(wage, axis=0)),
        "price_index": np.exp(np.cumsum(inflation, axis=0)),
        "interest_deviation": interest,
        "mortality_factor": np.cumprod(1.0 - improvement, axis=0),
    }
    out: dict[str, dict[str, np.ndarray]] = {}
    pop = scales.population
    if basis.civil_service is not None:
        out["civil_service"] = _civil_service_paths(
            basis, det, factors, rate_dev, population_rng, pop
        )
    if basis.residents is not None:
        out["residents"] = _residents_paths(basis, det, factors, rate_dev, population_rng, pop)
    funds = {
        fund: {
            k: np.ascontiguousarray(v.T)
            for k, v in series.items()
            if shared.keep is None or k in shared.keep
        }
        for fund, series in out.items()
    }
    return funds, {k: np.ascontiguousarray(v.T) for k, v in factors.items()}, rejected


def _drawn_deviations(
    economic, mortality, paths: int, T: int, rngs, scales: Scales, parameter_uncertainty: bool
) -> tuple[tuple[np.ndarray, ...], int]:
    """The four deviations (wage, inflation, interest, improvement), each (paths, T), drawn
    from the fitted models with the (economic, mortality, coefficient) generators ``rngs``, and
    the explosive coefficient draws rejected."""
    economic_rng, mortality_rng, coefficient_rng = rngs
    coefficients, rejected = None, 0
    if parameter_uncertainty:
        coefficients, rejected = economic.draw_coefficients(paths, coefficient_rng)
    # row 0 of the drivers' paths is the base year, where deviations are zero
    dev = economic.simulate_deviations(
        paths, T, economic_rng, scale=scales.economic, coefficients=coefficients
    )
    improvement = mortality.simulate_improvement(
        paths, T, mortality_rng, scale=scales.mortality, drift_uncertainty=parameter_uncertainty
    )
    return (dev[..., 0], dev[..., 1], dev[..., 2], improvement), rejected


def common_deviations(
    paths: int,
    T: int,
    seed_sequence: np.random.SeedSequence,
    scales: Scales = Scales(),
    parameter_uncertainty: bool = False,
) -> tuple[tuple[np.ndarray, ...], int]:
    """Driver deviations for many scenarios at once (a region's counties share one economy and
    one mortality trend): the four (paths, T) arrays that :func:`simulate`'s ``deviations``
    takes, drawn in blocks of ``BLOCK_PATHS`` as a simulation draws its own (block ``i`` from
    the ``i``-th child of ``seed_sequence``), and the explosive coefficient draws rejected.

    A scenario with a nearer horizon takes the first columns: a path's early years do not
    depend on how many years were drawn after them."""
    economic, mortality = _fitted_drivers()
    sizes = [min(BLOCK_PATHS, paths - start) for start in range(0, paths, BLOCK_PATHS)]
    parts: list[tuple[np.ndarray, ...]] = []
    rejected = 0
    for stream, size in zip(seed_sequence.spawn(len(sizes)), sizes, strict=True):
        rngs = tuple(np.random.default_rng(child) for child in stream.spawn(4))[:3]
        devs, n = _drawn_deviations(
            economic, mortality, size, T, rngs, scales, parameter_uncertainty
        )
        parts.append(devs)
        rejected += n
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(4)), rejected


def _growth_factor(amount: np.ndarray, link: np.ndarray, rate_dev: np.ndarray) -> np.ndarray:
    """Path / scenario of an amount that grows by ``link · (wage, price deviation)`` more than
    the scenario's growth each year (T, P): ``Π_{u ≤ t} (1 + g_u + link_u · dev_u) / (1 + g_u)``,
    ``g`` the scenario's growth of ``amount`` (T,). Exactly 1 where the link or the deviation
    is 0."""
    g = np.zeros_like(amount)
    g[1:] = _ratio(amount[1:], amount[:-1]) - 1.0
    return _growth_factor_rates(g, link, rate_dev)


def _fund_heads(
    fund: str, heads, basis: Basis, det: Projection, factors, rng, pop_scale: float
) -> tuple[Any, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """A fund's basis, its deterministic series and its heads along each path as ratios to the
    scenario's (T, P): ``heads`` (the fund's :func:`_civil_service_heads` or
    :func:`_residents_heads`) with the paths' mortality and noise, over the same count with
    neither; the ratios scale the scenario's projected flows."""
    b = getattr(basis, fund)
    d = det.funds[fund]
    mortality_factor = factors["mortality_factor"]
    path = heads(b, d, mortality_factor, rng, pop_scale, noise=True)
    ref = heads(b, d, np.ones((mortality_factor.shape[0], 1)), rng, pop_scale, noise=False)
    return b, d, {k: _ratio(path[k], ref[k]) for k in path}


# ------------------------------------------------------------------------------------------------
# civil-service fund


def _civil_service_heads(
    b, d, mortality_factor: np.ndarray, rng, pop_scale: float, noise: bool
) -> dict[str, np.ndarray]:
    """Group totals of actives and retirees along each path (T, P), and deaths (T, P).

    Rates of death, exit and retirement per group and year are those the deterministic members
    imply; counts are binomial around them. ``noise=False`` runs the same code without chance
    (the reference the paths are compared with)."""
    T, P = mortality_factor.shape
    actives = d["actives"][0]  # (T, G, A), expected, year end
    retirees = d["retirees"][0]
    G = actives.shape[1]
    q = b.death_prob[0]
    A_open = np.concatenate([actives[:1], actives[:-1]]).sum(-1)  # (T, G)
    R_open = np.concatenate([retirees[:1], retirees[:-1]]).sum(-1)
    deaths_a = np.zeros((T, G))
    deaths_r = np.zeros((T, G))
    exits = np.zeros((T, G))
    retire = np.zeros((T, G))
    for t in range(1, T):
        a_prev, r_prev = actives[t - 1], retirees[t - 1]
        deaths_a[t] = (a_prev * q[t]).sum(-1)
        after = a_prev * (1 - q[t])
        exits[t] = (after * b.exit_rate[0, t]).sum(-1)
        retire[t] = (after * (1 - b.exit_rate[0, t]) * b.retirement_hazard[0, t]).sum(-1)
        deaths_r[t] = (r_prev * q[t]).sum(-1)
    p_death_a = _ratio(deaths_a, A_open)
    p_exit = _ratio(exits, A_open - deaths_a)
    p_retire = _ratio(retire, A_open - deaths_a - exits)
    p_death_r = _ratio(deaths_r, R_open)
    entrant_shares = b.entrant_profile[0].sum(-1)  # (G,)
    hiring = headcount_weights(b.headcount_rule, 1)
    scale = pop_scale if noise else 0.0

    A = np.broadcast_to(actives[0].sum(-1), (P, G)).copy()
    R = np.broadcast_to(retirees[0].sum(-1), (P, G)).copy()
    heads_a = np.zeros((T, P))
    heads_r = np.zeros((T, P))
    deaths = np.zeros((T, P))
    heads_a[0], heads_r[0] = A.sum(1), R.sum(1)
    deaths[0] = (retirees[0] * q[0]).sum()
    for t in range(1, T):
        z = rng.standard_normal((4, P, G)) if scale else np.zeros((4, P, G))
        mf = mortality_factor[t, :, None]
        da = _counts(A, p_death_a[t] * mf, z[0], scale)
        ex = _counts(A - da, p_exit[t], z[1], scale)
        rt = _counts(A - da - ex, p_retire[t], z[2], scale)
        dr = _counts(R, p_death_r[t] * mf, z[3], scale)
        staying = A - da - ex - rt
        hires = new_hires(A.sum(1), staying.sum(1), hiring, b, t)
        A = staying + hires[:, None] * entrant_shares
        R = R - dr + rt
        heads_a[t], heads_r[t] = A.sum(1), R.sum(1)
        deaths[t] = da.sum(1) + dr.sum(1)
    return {"actives": heads_a, "retirees": heads_r, "deaths": deaths}


def _civil_service_paths(
    basis: Basis, det: Projection, factors, rate_dev, rng, pop_scale: float
) -> dict[str, np.ndarray]:
    b, d, ratio = _fund_heads(
        "civil_service", _civil_service_heads, basis, det, factors, rng, pop_scale
    )
    actives_ratio = ratio["actives"]
    retirees_ratio = ratio["retirees"]
    deaths_ratio = ratio["deaths"]
    T, P = factors["wage_index"].shape
    wage_index = factors["wage_index"]

    # contributions: the scenario's, scaled by the path's actives and wages (the base's floor
    # and cap move with the average wage)
    contributions = d["contribution_income"][0][:, None] * actives_ratio * wage_index
    # pensions by year of retirement: vintage v starts from the wage of year v − 1 and is
    # indexed from year v + 1 on by the path's indexation (the scenario's plus the rule's link
    # to the simulated wages and prices)
    vint = d["pension_by_vintage"][0]  # (V, T) [万元]
    index_factor = _growth_factor_rates(b.indexation[0], b.indexation_link[0], rate_dev)
    start = np.ones((T, P))
    start[1:] = wage_index[:-1]
    pensions = (vint.T @ (start / index_factor)) * index_factor * retirees_ratio
    other_benefits = (d["benefit_expenditure"][0] - d["pension_expenditure"][0])[
        :, None
    ] * deaths_ratio
    benefits = pensions + other_benefits
    cash = {
        "contribution_income": contributions,
        "other_income": np.broadcast_to(d["other_income"][0][:, None], (T, P)),
        "pension_expenditure": pensions,
        "benefit_expenditure": benefits,
        "other_expenditure": np.broadcast_to(d["other_expenditure"][0][:, None], (T, P)),
    }
    series = _roll(basis.civil_service, d, cash, np.zeros((T, P)), factors["interest_deviation"])
    series["contributors"] = d["contributors"][0][:, None] * actives_ratio
    series["beneficiaries"] = d["beneficiaries"][0][:, None] * retirees_ratio
    return series


def _growth_factor_rates(rate: np.ndarray, link: np.ndarray, rate_dev: np.ndarray) -> np.ndarray:
    """Path / scenario of a cumulative rate (indexation) (T, P): ``Π_{1 ≤ u ≤ t} (1 + r_u +
    link_u · dev_u) / (1 + r_u)``; exactly 1 where the link or the deviation is 0."""
    if not np.any(link):
        return np.ones(rate_dev.shape[:2])
    rate = rate[:, None]
    step = (1.0 + rate + np.einsum("tk,tpk->tp", link, rate_dev)) / (1.0 + rate)
    step[0] = 1.0
    return np.cumprod(step, axis=0)


# ------------------------------------------------------------------------------------------------
# residents' fund


def _residents_heads(
    b, d, mortality_factor: np.ndarray, rng, pop_scale: float, noise: bool
) -> dict[str, np.ndarray]:
    """County population, beneficiaries, their deaths and contributors along each path (T, P).

    The population's deaths are binomial at the year's crude death rate (times the path's
    mortality factor); births and migration are the scenario's, in proportion to the path's
    population. Residents reaching the pension age take up a pension with binomial chance at the
    scenario's uptake, among the path's survivors; beneficiaries die with binomial chance;
    contributors are a binomial share of the path's population at contribution ages."""
    T, P = mortality_factor.shape
    pop = d["population"][0]  # (T, 2, A)
    ben = d["beneficiaries_by_age"][0]
    q = b.death_prob[0]
    pa = b.pension_age
    pop_total = pop.sum((-1, -2))
    pop_deaths = np.zeros(T)
    ben_deaths = np.zeros(T)
    eligible = np.zeros(T)
    for t in range(1, T):
        pop_deaths[t] = (pop[t - 1] * q[t]).sum()
        ben_deaths[t] = (ben[t - 1] * q[t]).sum()
        eligible[t] = (pop[t - 1, :, pa - 1] * (1 - q[t, :, pa - 1])).sum()
    p_death_pop = _ratio(pop_deaths, np.concatenate([pop_total[:1], pop_total[:-1]]))
    other_change = np.zeros(T)
    other_change[1:] = pop_total[1:] - pop_total[:-1] + pop_deaths[1:]  # births + net migration
    p_death_b = _ratio(ben_deaths, np.concatenate([ben[:1], ben[:-1]]).sum((-1, -2)))
    p_new = _ratio(d["new_beneficiaries"][0], eligible)
    at_ages = (pop * b.contribution_ages[0][:, None, :]).sum((-1, -2))  # (T,)
    rate = b.contributor_rate[0]
    scale = pop_scale if noise else 0.0

    N = np.full(P, pop_total[0])
    Bn = np.full(P, ben[0].sum())
    out = {k: np.zeros((T, P)) for k in ("population", "beneficiaries", "deaths", "contributors")}
    out["population"][0] = N
    out["beneficiaries"][0] = Bn
    out["deaths"][0] = (ben[0] * q[0]).sum()
    out["contributors"][0] = at_ages[0] * rate[0]
    for t in range(1, T):
        z = rng.standard_normal((4, P)) if scale else np.zeros((4, P))
        mf = mortality_factor[t]
        share = N / pop_total[t - 1] if pop_total[t - 1] > 0 else np.ones(P)
        dn = _counts(N, p_death_pop[t] * mf, z[0], scale)
        db = _counts(Bn, p_death_b[t] * mf, z[1], scale)
        # survivors reaching the pension age on this path: the scenario's, in proportion to the
        # path's population, less the path's extra deaths
        reaching = (
            eligible[t] * share * _ratio(1 - p_death_pop[t] * mf, np.full(P, 1 - p_death_pop[t]))
        )
        nb = _counts(reaching, p_new[t], z[2], scale)
        N = N - dn + other_change[t] * share
        Bn = Bn - db + nb
        out["population"][t] = N
        out["beneficiaries"][t] = Bn
        out["deaths"][t] = db
        out["contributors"][t] = _counts(
            at_ages[t] * N / pop_total[t] if pop_total[t] > 0 else np.zeros(P),
            np.full(P, rate[t]),
            z[3],
            scale,
        )
    return out


def _residents_paths(
    basis: Basis, det: Projection, factors, rate_dev, rng, pop_scale: float
) -> dict[str, np.ndarray]:
    b, d, ratio = _fund_heads("residents", _residents_heads, basis, det, factors, rng, pop_scale)
    beneficiaries = ratio["beneficiaries"]
    contributors = ratio["contributors"]
    deaths = ratio["deaths"]
    T, P = factors["wage_index"].shape

    def series(name: str) -> np.ndarray:
        """A deterministic series as a column (T, 1); zeros if the projection has none."""
        return (d[name][0] if name in d else np.zeros(T))[:, None]

    # pension increases along the path: the basis' links to the simulated wages and prices
    central_factor = _growth_factor(
        b.central_pension_monthly_yuan[0], b.central_pension_link[0], rate_dev
    )
    top_up_factor = _growth_factor(
        b.top_up_pension_monthly_yuan[0], b.top_up_pension_link[0], rate_dev
    )
    funeral_factor = _growth_factor(b.funeral_grant_yuan[0], b.funeral_grant_link[0], rate_dev)

    central = series("basic_pension_central") * beneficiaries * central_factor
    top_up = series("basic_pension_top_up") * beneficiaries * top_up_factor
    account = series("account_pension_expenditure") * beneficiaries
    funeral = series("funeral_grant_expenditure") * deaths * funeral_factor
    # the rest of the benefits is death-related (account refunds at death, …)
    rest = (
        series("benefit_expenditure")
        - series("basic_pension_central")
        - series("basic_pension_top_up")
        - series("account_pension_expenditure")
        - series("funeral_grant_expenditure")
    ) * deaths
    contribution_subsidy = series("contribution_subsidy") * contributors
    due_rest = (
        series("subsidy_due")
        - series("basic_pension_central")
        - series("basic_pension_top_up")
        - series("contribution_subsidy")
        - series("funeral_grant_expenditure")
    )
    cash = {
        "contribution_income": series("contribution_income") * contributors,
        "other_income": series("other_income") * contributors,
        "basic_pension_central": central,
        "basic_pension_top_up": top_up,
        "account_pension_expenditure": account,
        "benefit_expenditure": central + top_up + account + funeral + rest,
        "other_expenditure": np.broadcast_to(series("other_expenditure"), (T, P)),
    }
    due = central + top_up + contribution_subsidy + funeral + due_rest
    out = _roll(b, d, cash, due, factors["interest_deviation"])
    out["contributors"] = series("contributors") * contributors
    out["beneficiaries"] = series("beneficiaries") * beneficiaries
    out["subsidy_due"] = due
    return out


# ------------------------------------------------------------------------------------------------
# the fund's year along every path


def _roll(
    b, d, cash: dict[str, np.ndarray], due: np.ndarray, interest_dev: np.ndarray
) -> dict[str, np.ndarray]:
    """The fund year by year along every path: the engine's own fund step with the scenario's
    subsidy rule, the path's cash flows and its interest rate (the scenario's plus the
    deviation; never below zero unless the scenario's is). Arrays (T, paths)."""
    T, P = cash["contribution_income"].shape
    rate = b.interest_rate[0][:, None]
    # the engine's fund step works on (batch, T) arrays: here batch = paths
    path_rate = np.maximum(rate + interest_dev, np.minimum(rate, 0.0)).T
    b_path = replace(b, interest_rate=path_rate)
    withheld = np.array([_withheld_fraction(b, d, t) for t in range(T)])[None, :]
    # (paths, T) views of the (T, paths) arrays: the fund step reads them year by year
    money = fund_years(
        b_path, {k: v.T for k, v in cash.items()}, P, due=due.T, withheld_fraction=withheld
    )
    names = (
        "reserve_end",
        "subsidy_need",
        "subsidy_income",
        "interest_income",
        "total_income",
        "total_expenditure",
        "reserve_end_without_subsidy",
    )
    out = {k: money[k].T for k in names}
    out.update({k: np.asarray(v) for k, v in cash.items()})
    return out


def _withheld_fraction(b, d, t: int) -> float:
    """The deterministic projection's withheld share of the subsidy by rule in year ``t``."""
    if t == 0:
        return 0.0
    withheld = d["subsidy_withheld"][0, t]
    if withheld == 0:
        return 0.0
    by_rule = withheld + d["subsidy_income"][0, t] - d["subsidy_late_payment"][0, t]
    return float(withheld / max(by_rule, 1e-12))


# ------------------------------------------------------------------------------------------------
# tables


def percentile_rows(sim: Simulation) -> list[dict[str, Any]]:
    """``percentiles.csv``: fund × series × year with the percentiles over paths (columns
    ``p5_given_scenario`` …: simulated ranges conditional on the scenario's assumptions) and the
    deterministic value (the scenario's path)."""
    rows = []
    for fund in sim.funds:
        for name in SUMMARISED:
            pct = sim.percentiles(fund, name)
            det = sim.deterministic.funds[fund][name][0]
            for t, year in enumerate(sim.years):
                row = {"fund": fund, "series": name, "year": int(year)}
                row.update(
                    {
                        PERCENTILE_COLUMN.format(p=p): float(pct[i, t])
                        for i, p in enumerate(PERCENTILES)
                    }
                )
                row["deterministic"] = float(det[t])
                rows.append(row)
    return rows


def depletion_rows(sim: Simulation) -> list[dict[str, Any]]:
    """``depletion.csv``: probability the reserve has run out by each year, per fund (the share
    of simulated paths, conditional on the scenario's assumptions)."""
    rows = []
    for fund in sim.funds:
        under_rule = sim.depletion_probability(fund)
        without = sim.depletion_probability(fund, without_subsidy=True)
        for t, year in enumerate(sim.years):
            rows.append(
                {
                    "fund": fund,
                    "year": int(year),
                    "p_depleted_under_rule_given_scenario": float(under_rule[t]),
                    "p_depleted_without_subsidy_given_scenario": float(without[t]),
                }
            )
    return rows


def driver_rows(sim: Simulation) -> list[dict[str, Any]]:
    """Percentiles of the path factors per year: the wage and price indices (path / scenario),
    the interest deviation and the mortality factor, conditional on the scenario's
    assumptions."""
    rows = []
    for name, values in sim.driver_paths.items():
        pct = np.percentile(values, PERCENTILES, axis=0)
        for t, year in enumerate(sim.years):
            row = {"factor": name, "year": int(year)}
            row.update(
                {PERCENTILE_COLUMN.format(p=p): float(pct[i, t]) for i, p in enumerate(PERCENTILES)}
            )
            rows.append(row)
    return rows
