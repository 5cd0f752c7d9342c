"""Next year's budget of each fund, its performance targets, and how likely each line is to land
in the execution band.

Budget lines (万元) are the projection's values for the budget year, in the lines a county files:
income 保险费收入, 利息收入, 财政补贴收入 (split by level of government), 其他收入, 转移收入;
expenditure 基本养老金支出, 丧葬抚恤补助支出, 转移支出, 其他支出; the balance and the year-end
reserve. Transfers between schemes are not modelled (0). The civil-service fund's subsidy is paid
by the level the scenario names (``policy.civil_service.subsidy_paid_by``: the county's budget for
a county-pooled fund); the residents' subsidy is split by the scenario's funding rules.

Uncertainty (method)
--------------------
The outturn of a budget year is simulated ``paths`` times, one batched engine call:

* **drivers**: wage growth in each projected year ~ N(0, ``WAGE_GROWTH_SD``) around the scenario's
  path (compounded into salaries); interest rates ~ N(0, ``INTEREST_RATE_SD``);
* **a small population**: deaths, retirements, exits and new beneficiaries of each group and year
  are counts, so their totals are drawn with a Poisson spread around the expected count (a
  multiplier ~ N(1, 1/√expected) on the rates);
* **subsidy arrears**: with the scenario's probability (``assumptions.residents.
  subsidy_arrears_risk``; none when it states none) the level it names withholds its share of the
  residents' subsidy in the budget year;
* **model error**: each line's own one-year back-test error (``model.analysis.backtest``; the relative error
  as the standard deviation of a normal multiplier) on contributions, interest, other income and
  pensions; the subsidy under ``fill_gap`` then fills the new gap and totals, balance and reserve
  are recomputed, so the identities hold in every path. Without a back-test (no stated increases)
  ``DEFAULT_MODEL_ERROR`` applies.

Every interval and probability is conditional on the scenario's assumptions: the draws move the
outturn around the scenario's path, not the assumptions themselves.

For each line: a simulated range (5th–95th percentile, conditional on the scenario's assumptions),
the probability that the outturn lands within
90%–110% of the budget figure (the band of the performance targets), a flag when that probability
is below ``UNLIKELY_BELOW``, and the budget figure that makes landing in the band most likely.
A line without spread gets probability 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.engine.basis import GOVERNMENT_LEVELS, Basis, build_basis
from model.errors import YanglaoError
from model.engine.project import project_basis
from model.engine.results import Projection
from model.scenario.schema import ArrearsRisk, Scenario

#: Standard deviation of yearly wage growth around the scenario's path (judgment: a province's
#: urban wage growth moves by a few points a year, e.g. +9.2% in 2021; replaced by the fitted
#: driver model when simulations are used).
WAGE_GROWTH_SD = 0.02
#: Standard deviation of the interest rate earned on reserves (judgment: deposit rates moved by
#: tenths of a point a year).
INTEREST_RATE_SD = 0.003
#: Relative model error of a line without a back-test (judgment).
DEFAULT_MODEL_ERROR = 0.03
#: Below this probability of landing in the execution band a line is flagged.
UNLIKELY_BELOW = 0.5
#: The execution band of the performance targets (≥90% and ≤110%, the band budget-performance
#: targets commonly set; judgment).
BAND = (0.9, 1.1)

#: Budget lines: key, kind. Their labels for people are in ``model.output.budget_tables``.
LINES: tuple[tuple[str, str], ...] = (
    ("contribution_income", "income"),
    ("interest_income", "income"),
    ("subsidy_income", "income"),
    ("subsidy_central", "income"),
    ("subsidy_region", "income"),
    ("subsidy_prefecture", "income"),
    ("subsidy_county", "income"),
    ("other_income", "income"),
    ("transfer_income", "income"),
    ("total_income", "income"),
    ("pension_expenditure", "expenditure"),
    ("funeral_grant_expenditure", "expenditure"),
    ("transfer_expenditure", "expenditure"),
    ("other_expenditure", "expenditure"),
    ("total_expenditure", "expenditure"),
    ("balance", "balance"),
    ("reserve_end", "balance"),
    ("contributors", "people"),
    ("beneficiaries", "people"),
)
LINE_KEYS = tuple(k for k, *_ in LINES)


def _year_index(scenario: Scenario, year: int) -> int:
    base = scenario.meta.base_year
    if not base < year <= base + 100:
        raise YanglaoError(
            f"--year {year}: expected a year after the base year {base} (up to {base + 100})"
        )
    return year - base


def _death_grants(d: dict[str, np.ndarray], t: int) -> np.ndarray:
    """Funeral grants and survivors' lump sums of year index ``t`` (B,) [万元]."""
    grants = d["funeral_grant_expenditure"][:, t]
    if "survivors_lump_sum_expenditure" in d:
        grants = grants + d["survivors_lump_sum_expenditure"][:, t]
    return grants


def lines_from(result: Projection, t: int) -> dict[str, dict[str, np.ndarray]]:
    """Budget lines of year index ``t`` for every batch row: {fund: {line: (B,)}}."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for fund, d in result.funds.items():
        subsidy = d["subsidy_income"][:, t]
        lines = {
            "contribution_income": d["contribution_income"][:, t],
            "interest_income": d["interest_income"][:, t],
            "subsidy_income": subsidy,
            "other_income": d["other_income"][:, t],
            "transfer_income": np.zeros_like(subsidy),
            "total_income": d["total_income"][:, t],
            # the fund accounts' lines: grants at death (丧葬抚恤补助) and pensions, with the
            # refunds of account balances at death among the pensions paid out of accounts
            "pension_expenditure": d["benefit_expenditure"][:, t] - _death_grants(d, t),
            "funeral_grant_expenditure": _death_grants(d, t),
            "transfer_expenditure": np.zeros_like(subsidy),
            "other_expenditure": d["other_expenditure"][:, t],
            "total_expenditure": d["total_expenditure"][:, t],
            "balance": d["balance"][:, t],
            "reserve_end": d["reserve_end"][:, t],
            "contributors": d["contributors"][:, t],
            "beneficiaries": d["beneficiaries"][:, t],
        }
        lines.update(_subsidy_by_level(result, fund, t))
        out[fund] = lines
    return out


def _subsidy_by_level(result: Projection, fund: str, t: int) -> dict[str, np.ndarray]:
    d = result.funds[fund]
    paid = d["subsidy_income"][:, t]
    zero = np.zeros_like(paid)
    if fund == "civil_service":
        cs = result.basis.civil_service
        payer = GOVERNMENT_LEVELS[int(cs.subsidy_level.flat[0])] if cs is not None else "county"
        return {f"subsidy_{lv}": paid.copy() if lv == payer else zero for lv in GOVERNMENT_LEVELS}
    due = np.stack([d[f"subsidy_due_{lv}"][:, t] for lv in GOVERNMENT_LEVELS], 1)
    withheld, late = d["subsidy_withheld"][:, t], d["subsidy_late_payment"][:, t]
    by_rule = paid + withheld - late
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(due.sum(1, keepdims=True) > 0, due / due.sum(1, keepdims=True), 0.0)
    shares[due.sum(1) <= 0, 3] = 1.0
    by_level = by_rule[:, None] * shares
    level = np.broadcast_to(result.basis.residents.arrears_level, paid.shape)
    rows = np.arange(paid.size)
    by_level[rows, level] += late - withheld
    return {f"subsidy_{lv}": by_level[:, i] for i, lv in enumerate(GOVERNMENT_LEVELS)}


def with_combined(lines: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    funds = list(lines)
    out = dict(lines)
    out["combined"] = {k: sum(lines[f][k] for f in funds) for k in LINE_KEYS}
    return out


def budget_lines(scenario: Scenario, year: int) -> dict[str, dict[str, float]]:
    """Point budget [万元] of ``year`` per fund and ``combined``: {fund: {line: value}}."""
    t = _year_index(scenario, year)
    result = project_basis(build_basis(scenario, t))
    lines = with_combined(lines_from(result, t))
    return {fund: {k: float(v[0]) for k, v in d.items()} for fund, d in lines.items()}


# --------------------------------------------------------------------------------------------
# uncertainty


def model_errors(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Relative one-year model error per fund and line, from the scenario's own back-test."""
    from model.analysis.backtest import backtest

    try:
        rows = backtest(scenario.history)
    except YanglaoError:
        return {}
    return {
        fund: {
            r.line: abs(r.relative_error)
            for r in rows
            if r.fund == fund and r.relative_error is not None
        }
        for fund in ("civil_service", "residents")
    }


#: The back-test line whose error stands for each budget line.
_ERROR_LINE = {
    "contribution_income": "contribution_income",
    "interest_income": "interest_income",
    "other_income": "other_income",
    "pension_expenditure": "benefit_expenditure",
    "funeral_grant_expenditure": "benefit_expenditure",
}


def _perturbed_basis(
    basis: Basis,
    result: Projection,
    paths: int,
    t_budget: int,
    rng: np.random.Generator,
    risk: ArrearsRisk | None = None,
) -> Basis:
    """``paths`` copies of ``basis`` with drivers, small-population counts and arrears drawn."""
    T = basis.years.size
    cs, rs = basis.civil_service, basis.residents
    if cs is not None:
        d = result.funds["civil_service"]
        growth = rng.normal(0.0, WAGE_GROWTH_SD, (paths, T))
        growth[:, 0] = 0.0
        wage_factor = np.cumprod(1 + growth, axis=1)
        heads = d["actives"][0] + d["retirees"][0]  # (T, G, A)
        expected_deaths = np.concatenate(
            [np.zeros((1, 3)), (heads[:-1] * cs.death_prob[0, 1:]).sum(-1)]
        )
        expected_retire = np.concatenate(
            [np.zeros((1, 3)), (d["actives"][0][:-1] * cs.retirement_hazard[0, 1:]).sum(-1)]
        )
        expected_exits = d["exits"][0]
        cs = replace(
            cs,
            salary_level_yuan=cs.salary_level_yuan * wage_factor,
            base_floor_yuan=cs.base_floor_yuan * wage_factor,
            base_cap_yuan=cs.base_cap_yuan * wage_factor,
            interest_rate=_draw_rates(cs.interest_rate, paths, rng),
            death_prob=np.minimum(
                cs.death_prob * _poisson_factor(expected_deaths, paths, rng)[..., None], 1.0
            ),
            retirement_hazard=np.minimum(
                cs.retirement_hazard * _poisson_factor(expected_retire, paths, rng)[..., None], 1.0
            ),
            exit_rate=np.clip(
                cs.exit_rate * _poisson_factor(expected_exits[:, None], paths, rng)[..., 0], 0, 1
            ),
        )
    if rs is not None:
        d = result.funds["residents"]
        pop = d["population"][0]
        expected_deaths = np.concatenate(
            [np.zeros((1, 2)), (pop[:-1] * rs.death_prob[0, 1:]).sum(-1)]
        )
        arrears = rs.arrears_share * np.ones((paths, T))
        withheld = rng.random(paths) < (risk.probability if risk is not None else 0.0)
        arrears[:, t_budget] = np.maximum(arrears[:, t_budget], np.where(withheld, 1.0, 0.0))
        rs = replace(
            rs,
            interest_rate=_draw_rates(rs.interest_rate, paths, rng),
            death_prob=np.minimum(
                rs.death_prob * _poisson_factor(expected_deaths, paths, rng)[..., None], 1.0
            ),
            uptake=rs.uptake * _poisson_factor(d["new_beneficiaries"][0, -1:], paths, rng)[:, 0],
            arrears_share=arrears,
            # the drawn arrears are the level's the risk names, unless the scenario's policy
            # already has arrears of its own
            arrears_level=rs.arrears_level
            if rs.arrears_share.max() > 0
            else np.array([GOVERNMENT_LEVELS.index(risk.level if risk is not None else "county")]),
        )
    return replace(basis, civil_service=cs, residents=rs)


def _poisson_factor(expected: np.ndarray, paths: int, rng: np.random.Generator) -> np.ndarray:
    """Multipliers (paths, *expected.shape) ~ N(1, 1/√expected): a count's Poisson spread."""
    with np.errstate(divide="ignore"):
        sd = np.where(expected > 0, 1 / np.sqrt(np.maximum(expected, 1e-12)), 0.0)
    return np.maximum(1 + rng.standard_normal((paths,) + expected.shape) * sd, 0.0)


def _draw_rates(rates: np.ndarray, paths: int, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0.0, INTEREST_RATE_SD, (paths, rates.shape[-1]))
    noise[:, 0] = 0.0
    return np.maximum(rates + noise, 0.0)


def _total_income(d: dict[str, np.ndarray]) -> np.ndarray:
    """The income lines of a budget added up, in the order the accounts list them."""
    return (
        d["contribution_income"]
        + d["interest_income"]
        + d["subsidy_income"]
        + d["other_income"]
        + d["transfer_income"]
    )


def simulate_budget_year(
    scenario: Scenario,
    year: int,
    paths: int = 2000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Simulated outturns of ``year`` [万元]: {fund or combined: {line: (paths,)}}.

    ``progress(done, total)``, if given, is called after each of the three blocks of work (the
    deterministic projection, the simulated projection, the model errors)."""
    t = _year_index(scenario, year)
    basis = build_basis(scenario, t)
    det = project_basis(basis)
    if progress is not None:
        progress(1, 3)
    rng = np.random.default_rng(seed)
    residents = scenario.assumptions.residents
    risk = residents.subsidy_arrears_risk if residents is not None else None
    sim = project_basis(_perturbed_basis(basis, det, paths, t, rng, risk), keep_members=False)
    if progress is not None:
        progress(2, 3)
    lines = lines_from(sim, t)
    errors = model_errors(scenario)
    if progress is not None:
        progress(3, 3)
    subsidy_rules = {"civil_service": basis.civil_service, "residents": basis.residents}
    for fund, d in lines.items():
        fund_errors = errors.get(fund, {})
        delta = np.zeros(paths)
        for line, source in _ERROR_LINE.items():
            sd = fund_errors.get(source, DEFAULT_MODEL_ERROR)
            moved = d[line] * (1 + rng.normal(0.0, sd, paths))
            change = moved - d[line]
            delta += -change if line.endswith("expenditure") else change
            d[line] = moved
        part = subsidy_rules[fund]
        fill_gap = np.broadcast_to(part.subsidy_rule == 0, (paths,))
        # Under fill_gap the subsidy fills the new gap (never below zero); otherwise the reserve
        # takes it.
        extra = np.where(
            fill_gap, np.maximum(d["subsidy_income"] - delta, 0.0) - d["subsidy_income"], 0.0
        )
        d["subsidy_income"] = d["subsidy_income"] + extra
        if fund == "civil_service":
            d["subsidy_county"] = d["subsidy_income"].copy()
        else:
            d["subsidy_county"] = d["subsidy_county"] + extra
        d["total_income"] = _total_income(d)
        d["total_expenditure"] = (
            d["pension_expenditure"]
            + d["funeral_grant_expenditure"]
            + d["transfer_expenditure"]
            + d["other_expenditure"]
        )
        new_balance = d["total_income"] - d["total_expenditure"]
        d["reserve_end"] = d["reserve_end"] + (new_balance - d["balance"])
        d["balance"] = new_balance
    return with_combined(lines)


def band_probability(samples: np.ndarray, budget: float, band: tuple[float, float] = BAND) -> float:
    """Share of ``samples`` within ``band`` × ``budget`` (0 or 1 for a line without spread).

    >>> band_probability(np.array([95.0, 100.0, 105.0]), 100.0)
    1.0
    >>> band_probability(np.array([80.0, 80.0]), 100.0)
    0.0
    """
    if budget <= 0:
        return float("nan")
    lo, hi = band[0] * budget, band[1] * budget
    return float(np.mean((samples >= lo - 1e-9) & (samples <= hi + 1e-9)))


def best_budget(samples: np.ndarray, point: float, band: tuple[float, float] = BAND) -> float:
    """The budget figure whose band catches most of the samples (nearest the point on ties)."""
    if point <= 0 or np.ptp(samples) == 0:
        return point
    s = np.sort(samples)
    candidates = np.linspace(max(s[0] / band[1], 1e-9), s[-1] / band[0], 801)
    candidates = np.append(candidates, point)
    inside = np.searchsorted(s, candidates * band[1], "right") - np.searchsorted(
        s, candidates * band[0], "left"
    )
    best = inside.max()
    tied = candidates[inside == best]
    return float(tied[np.argmin(np.abs(tied - point))])


@dataclass
class BudgetLine:
    fund: str
    key: str
    kind: str
    budget: float
    low: float
    high: float
    band_probability: float | None
    best_budget: float | None

    @property
    def flagged(self) -> bool:
        return self.band_probability is not None and self.band_probability < UNLIKELY_BELOW


@dataclass
class Budget:
    scenario: Scenario
    year: int
    paths: int
    lines: list[BudgetLine]
    targets: list[dict[str, Any]] = field(default_factory=list)


def simulation_budget_year(
    scenario: Scenario,
    year: int,
    paths: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    *,
    memory_mib: float | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Outturns of ``year`` from the Monte Carlo of ``model.analysis.simulate`` (fitted drivers, mortality
    trend, small-population counts). Lines the simulation does not draw separately keep their
    point value; totals, balance and the subsidy split are recomputed so the identities hold.
    ``progress`` is handed to the simulation."""
    from model.analysis.simulate import simulate

    t = _year_index(scenario, year)
    point = budget_lines(scenario, year)
    from model.analysis.simulate import DEFAULT_MEMORY_MIB

    sim = simulate(
        scenario,
        paths=paths,
        seed=seed,
        years=t,
        progress=progress,
        memory_mib=DEFAULT_MEMORY_MIB if memory_mib is None else memory_mib,
        workers=workers,
        scheduler=scheduler,
        keep=(*SIMULATED_LINES, "total_expenditure"),
    )
    out = {
        fund: outturn_samples(point[fund], {k: v[:, t] for k, v in series.items()})
        for fund, series in sim.funds.items()
    }
    return with_combined(out)


#: The lines a simulation draws; the others keep their point value in every outturn.
SIMULATED_LINES = (
    "contribution_income",
    "interest_income",
    "subsidy_income",
    "reserve_end",
    "contributors",
    "beneficiaries",
)


def outturn_samples(point: dict[str, float], drawn: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One fund's simulated outturns of the budget year {line: (paths,)} from a simulation's
    values of that year (``drawn``: ``SIMULATED_LINES`` and ``total_expenditure``, (paths,)):
    lines it does not draw keep their point value; pensions take the change of expenditure;
    totals, balance and the subsidy split are recomputed so the identities hold."""
    paths = drawn["total_expenditure"].shape[0]
    p = point
    d = {k: np.full(paths, p[k]) for k in LINE_KEYS}
    for key in SIMULATED_LINES:
        d[key] = np.array(drawn[key], dtype=float)
    spending = drawn["total_expenditure"]
    d["pension_expenditure"] = (
        spending
        - p["funeral_grant_expenditure"]
        - p["other_expenditure"]
        - p["transfer_expenditure"]
    )
    d["total_expenditure"] = np.array(spending, dtype=float)
    d["total_income"] = _total_income(d)
    d["balance"] = d["total_income"] - d["total_expenditure"]
    # the subsidy keeps the point budget's split between levels of government
    for lv in GOVERNMENT_LEVELS:
        share = (
            p[f"subsidy_{lv}"] / p["subsidy_income"] if p["subsidy_income"] else (lv == "county")
        )
        d[f"subsidy_{lv}"] = d["subsidy_income"] * share
    return d


def budget_line_intervals(
    point: dict[str, dict[str, float]], samples: dict[str, dict[str, np.ndarray]]
) -> list[BudgetLine]:
    """Every fund's budget lines with their 5%–95% ranges, band probabilities and best budgets."""
    lines = []
    for fund, values in point.items():
        for key, kind in LINES:
            x = samples[fund][key]
            v = values[key]
            banded = kind in ("income", "expenditure") and v > 0
            lines.append(
                BudgetLine(
                    fund,
                    key,
                    kind,
                    v,
                    float(np.quantile(x, 0.05)),
                    float(np.quantile(x, 0.95)),
                    band_probability(x, v) if banded else None,
                    best_budget(x, v) if banded else None,
                )
            )
    return lines


def make_budget(
    scenario: Scenario,
    year: int | None = None,
    paths: int = 2000,
    seed: int = 0,
    intervals: str = "budget",
    progress: Callable[[int, int], None] | None = None,
    *,
    memory_mib: float | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> Budget:
    """Budget lines with intervals and band probabilities, and the performance-target table.

    ``memory_mib``, ``workers`` and ``scheduler`` are handed to the simulation of
    ``intervals="simulation"`` (:func:`model.analysis.simulate.simulate`).

    ``intervals="budget"`` draws the outturn as described in this module; ``"simulation"`` takes
    it from the Monte Carlo of ``model.analysis.simulate`` (``yanglao budget --intervals simulation``).
    ``year`` defaults to the year after the base year. ``progress(done, total)``, if given, is
    called between blocks of work, from ``(0, total)`` to ``(total, total)``.
    """
    if intervals not in ("budget", "simulation"):
        raise YanglaoError(f"--intervals: expected 'budget' or 'simulation', got {intervals!r}")
    if year is None:
        year = scenario.meta.base_year + 1
    # blocks: the point budget, the samples' blocks, the intervals
    sample_blocks = [3 if intervals == "budget" else 2 + len(scenario.funds)]

    def report(done: int) -> None:
        if progress is not None:
            progress(done, sample_blocks[0] + 2)

    def sampled(done: int, total: int) -> None:
        sample_blocks[0] = total
        report(1 + done)

    report(0)
    point = budget_lines(scenario, year)
    report(1)
    if intervals == "simulation":
        samples = simulation_budget_year(
            scenario,
            year,
            paths,
            seed,
            sampled,
            memory_mib=memory_mib,
            workers=workers,
            scheduler=scheduler,
        )
    else:
        samples = simulate_budget_year(scenario, year, paths, seed, sampled)
    lines = budget_line_intervals(point, samples)
    report(sample_blocks[0] + 2)
    return Budget(scenario, year, paths, lines, _targets(scenario, point, samples))


def _targets(scenario: Scenario, point, samples) -> list[dict[str, Any]]:
    """The performance targets of each fund in the report's order: the indicator's key, its unit,
    the stated target (bound, value, unit; None when not stated), the execution band for the
    expenditure completion rate, and the projected value. The table for people is built in
    ``model.output.budget_tables``."""
    out = []
    for fund in ("civil_service", "residents"):
        if fund not in point:
            continue
        stated = getattr(scenario.base_year, fund).targets
        low = stated.get("expenditure_completion_low")
        high = stated.get("expenditure_completion_high")
        band = ((low.value if low else 90) / 100, (high.value if high else 110) / 100)
        exp = samples[fund]["total_expenditure"]
        inc = samples[fund]["total_income"]
        rows = [
            ("beneficiaries_paid", "人", None, point[fund]["beneficiaries"]),
            ("benefits_paid_in_full", "%", stated.get("benefits_paid_in_full"), 100.0),
            (
                "expenditure_execution_in_band",
                "%",
                None,
                100 * band_probability(exp, point[fund]["total_expenditure"], band),
            ),
            (
                "income_execution_in_band",
                "%",
                None,
                100 * band_probability(inc, point[fund]["total_income"], band),
            ),
            (
                "months_of_payouts",
                "月",
                None,
                12 * point[fund]["reserve_end"] / point[fund]["total_expenditure"]
                if point[fund]["total_expenditure"]
                else None,
            ),
            ("compliant_use", "%", stated.get("compliant_use"), None),
            ("petition_rate", "%", stated.get("petition_rate"), None),
            ("satisfaction", "%", stated.get("satisfaction"), None),
        ]
        for indicator, unit, target, projected in rows:
            out.append(
                {
                    "fund": fund,
                    "indicator": indicator,
                    "unit": unit,
                    "target_bound": None if target is None else target.bound,
                    "target_value": None if target is None else target.value,
                    "target_unit": None if target is None else target.unit,
                    "band": band if indicator == "expenditure_execution_in_band" else None,
                    "projected": projected,
                    "note": ""
                    if projected is not None
                    else "not modelled: target carried from the base year",
                }
            )
    return out
