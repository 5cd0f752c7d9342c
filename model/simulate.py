"""Monte Carlo: the funds' paths under random drivers and a small population's chance.

Method
------
One deterministic projection of the scenario gives the expected members, the yearly rates of
death, exit, retirement and entitlement of each group, and the civil-service pensions paid each
year split by year of retirement. Each simulated path then varies:

* **economic drivers** — deviations of wage growth, price inflation and the interest rate from
  the scenario's path, drawn from the statsmodels VAR fitted to the national history
  (``model.drivers``). Wages move contributions (the contribution base and its floor and cap
  move together) and the pension each new cohort of retirees starts with (it is set from the
  previous year's wage); prices and wages move indexation where the scenario indexes by a
  rule; the interest deviation moves the return on reserves;
* **mortality trend** — deviations of the yearly rate at which death rates fall, drawn from the
  Lee–Carter-style random walk fitted to life expectancy, compounding into every later year;
* **a small population** — the yearly numbers of deaths, exits, retirements, new entrants, new
  beneficiaries and contributing residents of each group are counts: each is drawn around its
  expectation with the binomial variance ``n p (1 − p)`` (by its normal approximation, clipped
  to ``[0, n]``: exact binomial draws were 8× slower for 10,000 paths and the counts here are in
  the tens to thousands). Cash flows scale with the simulated heads of each group relative to
  the expected heads.

Heads do not depend on the economic path, so the economic part is linear algebra over the
deterministic projection (pensions by retirement year × wage and indexation factors); the
demographic part is a projection of group totals, cheap for any number of paths. With every
variance set to zero the simulation equals the deterministic projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model import fund as fundlib
from model.basis import Basis, build_basis
from model.errors import YanglaoError
from model.project import _headcount_weights, new_hires, project_basis
from model.results import Projection
from model.scenario.schedule import last_stated_year
from model.scenario.schema import Scenario
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN

PERCENTILES = (5, 25, 50, 75, 95)
#: Series summarised by percentiles, per fund.
SUMMARISED = ("reserve_end", "subsidy_need", "subsidy_income", "contributors", "beneficiaries")


@dataclass(frozen=True)
class Scales:
    """Multipliers of each source of randomness (0 switches it off)."""

    economic: float = 1.0
    mortality: float = 1.0
    population: float = 1.0


@dataclass
class Simulation:
    scenario: Scenario
    years: np.ndarray
    paths: int
    seed: int
    funds: dict[str, dict[str, np.ndarray]]  # fund -> series -> (paths, T)
    deterministic: Projection
    drivers: dict[str, Any] = field(default_factory=dict)

    def percentiles(self, fund: str, series: str) -> np.ndarray:
        """(len(PERCENTILES), T) percentiles of a series over paths."""
        return np.percentile(self.funds[fund][series], PERCENTILES, axis=0)

    def budget_series(self, fund: str) -> str:
        """The subsidy series that matters to the budget: the need under ``fill_gap``; what the
        rule pays otherwise (the residents' fund pays pensions as due, its need is nil)."""
        part = getattr(self.deterministic.basis, fund)
        return "subsidy_need" if int(np.asarray(part.subsidy_rule).ravel()[0]) == 0 else "subsidy_income"

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
    sd = np.sqrt(np.maximum(n * p * (1 - p), 0.0)) * scale
    return np.clip(mean + sd * z, 0.0, np.maximum(n, 0.0))


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 1.0)


def _driver_paths(paths: int, T: int, seed: int, scales: Scales):
    """Deviations (paths, T) of wage growth, inflation, interest, and mortality improvement."""
    from model import drivers

    history = drivers.load_history()
    economic = drivers.fit_economic(history)
    mortality = drivers.fit_mortality(history)
    # row 0 of the drivers' paths is the base year, where deviations are zero
    dev = economic.simulate_deviations(paths, T, seed, scale=scales.economic)
    imp = mortality.simulate_improvement(paths, T, seed + 1, scale=scales.mortality)
    return dev[..., 0], dev[..., 1], dev[..., 2], imp, {"economic": economic, "mortality": mortality}


def simulate(scenario: Scenario, paths: int = 1000, seed: int = 0, years: int | None = None,
             scales: Scales = Scales(), deviations=None) -> Simulation:
    """Simulate ``paths`` futures of every fund of ``scenario``.

    ``deviations`` (wage, inflation, interest, improvement), each (paths, T), replaces the fitted
    driver model (tests use it to set known paths).
    """
    if paths < 1:
        raise YanglaoError("--paths: expected at least one path")
    basis = build_basis(scenario, years)
    det = project_basis(basis, keep_members=True, keep_vintages=True)
    T = basis.years.size
    if deviations is None:
        wage, inflation, interest, improvement, fits = _driver_paths(paths, T, seed, scales)
    else:
        wage, inflation, interest, improvement = deviations
        fits = {}
    rng = np.random.default_rng(seed + 2)
    mortality_factor = _mortality_factor(basis, improvement)
    out: dict[str, dict[str, np.ndarray]] = {}
    if basis.civil_service is not None:
        out["civil_service"] = _civil_service_paths(scenario, basis, det, wage, inflation, interest,
                                                    mortality_factor, rng, scales.population)
    if basis.residents is not None:
        out["residents"] = _residents_paths(basis, det, interest, mortality_factor, rng, scales.population)
    return Simulation(scenario, basis.years, paths, seed, out, det, fits)


def _mortality_factor(basis: Basis, improvement: np.ndarray) -> np.ndarray:
    """Cumulative factor (paths, T) on death rates from deviations of the improvement rate."""
    part = basis.civil_service or basis.residents
    # the scenario's own improvement is implicit in its death rates; a deviation δ in year t
    # multiplies that year's and every later year's rates by (1 − δ)
    return np.cumprod(1.0 - improvement, axis=1) if part is not None else np.ones_like(improvement)


def _civil_service_paths(scenario, basis: Basis, det: Projection, wage, inflation, interest,
                         mortality_factor, rng, pop_scale: float) -> dict[str, np.ndarray]:
    b = basis.civil_service
    d = det.funds["civil_service"]
    P, T = wage.shape
    G = b.actives0.shape[1]
    actives = d["actives"][0]  # (T, G, A), expected, year end
    retirees = d["retirees"][0]
    q = b.death_prob[0]
    # expected group flows and the rates they imply (per opening head)
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
    hiring = _headcount_weights(b.headcount_rule, 1)

    # group heads along each path
    A = np.broadcast_to(actives[0].sum(-1), (P, G)).copy()
    R = np.broadcast_to(retirees[0].sum(-1), (P, G)).copy()
    heads_a = np.zeros((P, T, G))
    heads_r = np.zeros((P, T, G))
    deaths_ret_path = np.zeros((P, T))
    heads_a[:, 0], heads_r[:, 0] = A, R
    deaths_ret_path[:, 0] = d["deaths_retired"][0, 0]
    for t in range(1, T):
        z = rng.standard_normal((4, P, G))
        mf = mortality_factor[:, t, None]
        da = _counts(A, p_death_a[t] * mf, z[0], pop_scale)
        ex = _counts(A - da, p_exit[t], z[1], pop_scale)
        rt = _counts(A - da - ex, p_retire[t], z[2], pop_scale)
        dr = _counts(R, p_death_r[t] * mf, z[3], pop_scale)
        staying = A - da - ex - rt
        hires = new_hires(A.sum(1), staying.sum(1), hiring, b, t)
        A = staying + hires[:, None] * entrant_shares
        R = R - dr + rt
        heads_a[:, t], heads_r[:, t] = A, R
        deaths_ret_path[:, t] = dr.sum(1)

    # economic factors: salaries (and the base's floor and cap) follow the wage path
    growth = b.salary_level_yuan[0, 1:] / b.salary_level_yuan[0, :-1] - 1
    wage_index = np.ones((P, T))
    wage_index[:, 1:] = np.cumprod((1 + growth + wage[:, 1:]) / (1 + growth), axis=1)
    # contributions by group on the expected members, scaled by heads and wages
    base = np.clip(b.salary_level_yuan[0][:, None] * b.salary_scale[0][None, :],
                   b.base_floor_yuan[0][:, None], b.base_cap_yuan[0][:, None])  # (T, A)
    rate = (b.contribution_rate_employer[0] + b.contribution_rate_individual[0]) * b.collection_rate[0]
    contrib_by_group = (actives * base[:, None, :]).sum(-1) / YUAN_PER_WAN * rate[:, None]  # (T, G)
    contributions = (contrib_by_group[None] * _ratio(heads_a, actives.sum(-1)[None])).sum(-1) * wage_index
    # pensions: by year of retirement, each vintage starting from the wage of the year before its
    # retirement and indexed since, then scaled by the retirees alive on the path
    vint = d["pension_by_vintage"][0]  # (V, T)
    idx_det = b.indexation[0]
    idx_path = np.broadcast_to(idx_det, (P, T)).copy()
    rule = scenario.policy.civil_service.indexation_rule
    if rule is not None:
        last = last_stated_year(scenario.policy.civil_service.indexation)
        ruled = det.years > (last if last is not None else det.years[0])
        idx_path[:, ruled] += rule.wage_growth_share * wage[:, ruled] + rule.price_inflation_share * inflation[:, ruled]
    cum_det = np.cumprod(1 + np.where(np.arange(T) == 0, 0.0, idx_det))
    cum_path = np.cumprod(1 + np.where(np.arange(T)[None] == 0, 0.0, idx_path), axis=1)
    start = np.ones((P, T))
    start[:, 1:] = wage_index[:, :-1]  # vintage v starts from the wage of year v − 1
    weights = start * cum_det[None] / cum_path  # (P, V)
    pensions = (weights @ vint) * cum_path / cum_det[None]
    pensions = pensions * _ratio(heads_r.sum(-1), retirees.sum((-1, -2))[None])
    funeral = deaths_ret_path * b.funeral_grant_yuan[0] / YUAN_PER_WAN
    expenditure = pensions + funeral + b.other_expenditure[0]
    return _roll(b, d, contributions, b.other_income[0] * np.ones((P, T)), expenditure,
                 np.zeros((P, T)), interest, heads_a.sum(-1), heads_r.sum(-1))


def _residents_paths(basis: Basis, det: Projection, interest, mortality_factor, rng,
                     pop_scale: float) -> dict[str, np.ndarray]:
    b = basis.residents
    d = det.funds["residents"]
    P, T = interest.shape
    pop = d["population"][0]  # (T, 2, A)
    ben = d["beneficiaries_by_age"][0]
    q = b.death_prob[0]
    ben_open = np.concatenate([ben[:1], ben[:-1]]).sum((-1, -2))
    deaths_b = np.zeros(T)
    for t in range(1, T):
        deaths_b[t] = (ben[t - 1] * q[t]).sum()
    p_death_b = _ratio(deaths_b, ben_open)
    new_b = d["new_beneficiaries"][0]
    eligible = np.zeros(T)
    for t in range(1, T):
        eligible[t] = (pop[t - 1, :, b.pension_age - 1] * (1 - q[t, :, b.pension_age - 1])).sum()
    p_new = _ratio(new_b, eligible)
    at_ages = (pop * b.contribution_ages[0][:, None, :]).sum((-1, -2))  # (T,)
    rate = b.contributor_rate[0]

    Bn = np.full(P, ben[0].sum())
    heads = np.zeros((P, T))
    contributors = np.zeros((P, T))
    deaths = np.zeros((P, T))
    heads[:, 0] = Bn
    contributors[:, 0] = d["contributors"][0, 0]
    deaths[:, 0] = d["deaths_beneficiaries"][0, 0]
    for t in range(1, T):
        z = rng.standard_normal((3, P))
        db = _counts(Bn, p_death_b[t] * mortality_factor[:, t], z[0], pop_scale)
        nb = _counts(np.full(P, eligible[t]), p_new[t], z[1], pop_scale)
        Bn = Bn - db + nb
        heads[:, t] = Bn
        deaths[:, t] = db
        contributors[:, t] = _counts(np.full(P, at_ages[t]), np.full(P, rate[t]), z[2], pop_scale)
    contributions = contributors * b.contribution_per_contributor_yuan[0] / YUAN_PER_WAN
    contribution_subsidy = contributors * b.contribution_subsidy_per_contributor_yuan[0] / YUAN_PER_WAN
    per_head = (b.central_pension_monthly_yuan[0] + b.top_up_pension_monthly_yuan[0]) * MONTHS_PER_YEAR / YUAN_PER_WAN
    basic = heads * per_head
    account = d["account_pension_expenditure"][0] * _ratio(heads, d["beneficiaries"][0][None])
    funeral = deaths * b.funeral_grant_yuan[0] / YUAN_PER_WAN
    expenditure = basic + account + funeral + b.other_expenditure[0]
    due = basic + contribution_subsidy + funeral
    return _roll(b, d, contributions, contributions * b.other_income_ratio[0], expenditure, due,
                 interest, contributors, heads)


def _roll(b, d, contributions, other_income, expenditure, due, interest_dev, contributors, beneficiaries):
    """The fund year by year along every path, with the scenario's subsidy rule."""
    P, T = contributions.shape
    rules = fundlib.rule_weights(np.broadcast_to(b.subsidy_rule, (P,)))
    series = {k: np.zeros((P, T)) for k in ("reserve_end", "subsidy_need", "subsidy_income",
                                             "reserve_end_without_subsidy", "interest_income")}
    reserve = np.zeros(P)
    shadow = np.zeros(P)
    late = np.zeros(P)
    for t in range(T):
        rate = np.maximum(b.interest_rate[0, t] + interest_dev[:, t], 0.0) if t > 0 else b.interest_rate[0, t]
        start = np.full(P, b.reserve_start0[0]) if t == 0 else reserve
        money = fundlib.roll_forward(
            reserve_start=start, contribution_income=contributions[:, t], other_income=other_income[:, t],
            benefit_expenditure=expenditure[:, t] - b.other_expenditure[0, t],
            other_expenditure=np.full(P, b.other_expenditure[0, t]), interest_rate=rate,
            subsidy_rule=rules, reserve_months=b.reserve_months, subsidy_amount=b.subsidy_amount[0, t],
            subsidy_share=b.subsidy_share[0, t], subsidy_due=due[:, t],
            stated_subsidy=b.subsidy0 if t == 0 else None,
            withheld_fraction=0.0 if t == 0 else _withheld_fraction(b, d, t), late_payment=late,
        )
        late = money["subsidy_withheld"] * b.arrears_paid_late
        shadow = money["reserve_end"] if t == 0 else fundlib.roll_without_subsidy(
            shadow, contributions[:, t] + other_income[:, t], expenditure[:, t], rate)
        reserve = money["reserve_end"]
        for k in ("reserve_end", "subsidy_need", "subsidy_income", "interest_income"):
            series[k][:, t] = money[k]
        series["reserve_end_without_subsidy"][:, t] = shadow
    series["contributors"] = contributors
    series["beneficiaries"] = beneficiaries
    series["contribution_income"] = contributions
    series["total_expenditure"] = expenditure
    return series


def _withheld_fraction(b, d, t: int) -> float:
    """The deterministic projection's withheld share of the subsidy in year ``t``."""
    withheld = d["subsidy_withheld"][0, t]
    if withheld == 0:
        return 0.0
    by_rule = withheld + d["subsidy_income"][0, t] - d["subsidy_late_payment"][0, t]
    return float(withheld / max(by_rule, 1e-12))


def percentile_rows(sim: Simulation) -> list[dict[str, Any]]:
    """``percentiles.csv``: fund × series × year with the percentiles and the deterministic value."""
    rows = []
    for fund in sim.funds:
        for name in SUMMARISED:
            pct = sim.percentiles(fund, name)
            det = sim.deterministic.funds[fund][name][0]
            for t, year in enumerate(sim.years):
                row = {"fund": fund, "series": name, "year": int(year)}
                row.update({f"p{p}": float(pct[i, t]) for i, p in enumerate(PERCENTILES)})
                row["deterministic"] = float(det[t])
                rows.append(row)
    return rows


def depletion_rows(sim: Simulation) -> list[dict[str, Any]]:
    """``depletion.csv``: probability the reserve has run out by each year, per fund."""
    rows = []
    for fund in sim.funds:
        under_rule = sim.depletion_probability(fund)
        without = sim.depletion_probability(fund, without_subsidy=True)
        for t, year in enumerate(sim.years):
            rows.append({"fund": fund, "year": int(year), "p_depleted_under_rule": float(under_rule[t]),
                         "p_depleted_without_subsidy": float(without[t])})
    return rows


def format_simulation(sim: Simulation, lang: str = "zh") -> str:
    """Headline sentences and a percentile table for selected years."""
    from model.axes import FUND_LABELS

    zh = lang == "zh"
    base = int(sim.years[0])
    shown = [y for y in (base + 5, base + 10, base + 20, int(sim.years[-1])) if y <= sim.years[-1]]
    shown = list(dict.fromkeys(shown))
    lines = [(f"{sim.paths}条模拟路径（随机种子{sim.seed}），金额单位万元" if zh else
              f"{sim.paths} simulated paths (seed {sim.seed}); money in 万元")]
    for fund in sim.funds:
        lines.append("")
        lines.append(FUND_LABELS[fund][lang])
        for y in shown:
            t = int(np.nonzero(sim.years == y)[0][0])
            series = sim.budget_series(fund)
            need = sim.percentiles(fund, series)[:, t]
            res = sim.percentiles(fund, "reserve_end")[:, t]
            what_zh = "补贴需求" if series == "subsidy_need" else "按规则拨付的财政补贴"
            what_en = "subsidy need" if series == "subsidy_need" else "subsidy paid under the rule"
            p_rule = sim.depletion_probability(fund)[t]
            p_none = sim.depletion_probability(fund, without_subsidy=True)[t]
            if zh:
                lines.append(f"  {y}年：{what_zh}有90%的概率在 {need[0]:,.2f} 至 {need[-1]:,.2f} 之间（中位数 "
                             f"{need[2]:,.2f}）；年末结余中位数 {res[2]:,.2f}（5%–95%：{res[0]:,.2f} 至 "
                             f"{res[-1]:,.2f}）；到{y}年基金耗尽的概率 {100 * p_rule:.1f}%（无财政补贴时 "
                             f"{100 * p_none:.1f}%）")
            else:
                lines.append(f"  {y}: with 90% probability the {what_en} lies between {need[0]:,.2f} and "
                             f"{need[-1]:,.2f} (median {need[2]:,.2f}); reserve median {res[2]:,.2f} "
                             f"(5–95%: {res[0]:,.2f} to {res[-1]:,.2f}); probability the reserve is "
                             f"exhausted by {y}: {100 * p_rule:.1f}% ({100 * p_none:.1f}% with no subsidy)")
    return "\n".join(lines)
