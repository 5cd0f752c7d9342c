"""A region: every county projected, the region's totals, the pooled fund, a ranking of counties.

Method (``docs/region.md``):

* **Counties.** Each county scenario is calibrated on its own. Counties whose bases stack (the
  same projection years, the same funds and arrays of the same shapes) are run in one batched
  engine call; the others one by one. Batching runs the same arithmetic row by row, so each
  county's figures are those of its own run (``tests/analysis/test_region.py``).
* **Totals.** For each fund and year every money and head series summed over the counties, and
  the subsidy by level of government (central, region, prefecture, county), 万元. Totals cover
  the years every county projects (the base year to the earliest horizon); a county's own rows
  keep all its years.
* **The pool.** A fund pooled above the county has an adjustment fund (调剂金). In year ``t``
  county ``i`` pays in ``up[i] = s × contribution_income[i]`` (上解, ``s`` the contribution
  share); its gap is ``gap[i] = max(0, total_expenditure[i] − (total_income[i] −
  subsidy_income[i]))`` (the deficit before any subsidy); the pool holds ``A = R[t−1] + Σ up``
  and pays out ``D = min(A, Σ gap)`` in proportion to the gaps, ``down[i] = D × gap[i] / Σ gap``
  (下拨); its reserve is ``R[t] = A − D`` (no interest; ``R`` at the base year is the stated
  opening reserve). So ``Σ up = Σ down + R[t] − R[t−1]`` in every year. What a county still
  lacks after the pool, ``max(0, gap[i] + up[i] − down[i])``, summed over counties, is the
  pool's subsidy need, split between levels by the region's ``subsidy_shares``.
* **Ranking.** The counties of each fund ranked by subsidy per contributor over the first ten
  projected years (fewer where the horizon is nearer): the summed subsidy need in 元 over the
  summed contributors (the subsidy paid for a fund under the ``formula`` rule, whose need is nil
  by construction); and where a county states ``assumptions.economy.general_budget_revenue``
  by that subsidy as a share of the revenue over the same years. Each fund is ranked on its
  own: the residents' fund counts many more contributors than the civil-service fund, so a sum
  over both funds would rank counties by their mix of funds.

Everything is returned as data: arrays and rows of dicts, money in 万元.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from model.engine.basis import GOVERNMENT_LEVELS, Basis, Years, build_basis, stack_bases
from model.engine.fund import SUBSIDY_RULES
from model.engine.project import project_basis
from model.engine.results import Projection
from model.errors import YanglaoError
from model.scenario.region import Region
from model.scenario.schedule import schedule_values
from model.scenario.schema import Scenario
from model.units import YUAN_PER_WAN

FUNDS = ("civil_service", "residents")

#: Head series of a county row and of the totals (persons).
HEAD_SERIES = ("contributors", "beneficiaries")
#: Money series of a county row and of the totals (万元).
MONEY_SERIES = (
    "contribution_income",
    "interest_income",
    "subsidy_income",
    "other_income",
    "total_income",
    "benefit_expenditure",
    "other_expenditure",
    "total_expenditure",
    "balance",
    "reserve_start",
    "reserve_end",
    "subsidy_need",
    *(f"subsidy_{lv}" for lv in GOVERNMENT_LEVELS),
)
SERIES = HEAD_SERIES + MONEY_SERIES

#: The years of the ranking window after the base year (at most; fewer where a horizon is nearer).
RANKING_YEARS = 10


@dataclass
class CountyResult:
    """One county's projected series: ``series[fund][name]`` arrays (T,) over ``years``."""

    scenario: Scenario
    years: np.ndarray
    series: dict[str, dict[str, np.ndarray]]
    group: int  # the engine call it was run in (counties of one group were batched)
    rules: dict[str, str]  # fund -> its subsidy rule (SUBSIDY_RULES)

    @property
    def id(self) -> str:
        return self.scenario.meta.id


@dataclass
class RegionResult:
    region: Region
    counties: list[CountyResult]
    years: np.ndarray  # the years every county covers
    totals: dict[str, dict[str, np.ndarray]]  # fund -> series (T,)
    pool: dict[str, dict[str, Any]]  # pooled fund -> pool arrays
    ranking: list[dict[str, Any]]
    groups: list[list[int]]  # county indices run together

    def county_rows(self) -> list[dict[str, Any]]:
        """One row per county, fund and year (the county's own years)."""
        rows = []
        for c in self.counties:
            for fund, s in c.series.items():
                for t, year in enumerate(c.years):
                    row: dict[str, Any] = {"county": c.id, "fund": fund, "year": int(year)}
                    row.update({k: float(s[k][t]) for k in SERIES})
                    rows.append(row)
        return rows

    def total_rows(self) -> list[dict[str, Any]]:
        """One row per fund and year of the region's totals."""
        rows = []
        for fund, s in self.totals.items():
            for t, year in enumerate(self.years):
                row: dict[str, Any] = {
                    "fund": fund,
                    "year": int(year),
                    "counties": int(s["counties"][t]),
                }
                row.update({k: float(s[k][t]) for k in SERIES})
                rows.append(row)
        return rows

    def pool_rows(self) -> list[dict[str, Any]]:
        """One row per pooled fund, county and year (the flows of the adjustment fund), and one
        per pooled fund and year with ``county`` empty: the pool's own totals."""
        rows: list[dict[str, Any]] = []
        for fund, p in self.pool.items():
            for t, year in enumerate(self.years):
                total: dict[str, Any] = {"fund": fund, "year": int(year), "county": ""}
                for k in ("paid_in", "gap", "paid_out", "need_after_pool"):
                    total[k] = float(p[k][:, t].sum())
                for k in ("reserve_start", "reserve_end", *(f"need_{lv}" for lv in LEVELS_PAYING)):
                    total[k] = float(p[k][t])
                rows.append(total)
                for i, cid in enumerate(p["county_ids"]):
                    rows.append(
                        {
                            "fund": fund,
                            "year": int(year),
                            "county": cid,
                            **{
                                k: float(p[k][i, t])
                                for k in ("paid_in", "gap", "paid_out", "need_after_pool")
                            },
                        }
                    )
        return rows


#: The levels that share the pool's remaining need (the region's ``subsidy_shares``).
LEVELS_PAYING = ("region", "prefecture", "county")


def stack_key(basis: Basis) -> tuple:
    """What must agree for two bases to stack: years, funds, and every array's shape past the
    batch axis (plain values must be equal)."""
    key: list[Any] = [tuple(int(y) for y in basis.years)]
    for fund in FUNDS:
        part = getattr(basis, fund)
        if part is None:
            key.append(None)
            continue
        sig = []
        for f in fields(part):
            v = getattr(part, f.name)
            sig.append((f.name, np.shape(v)[1:]) if isinstance(v, np.ndarray) else (f.name, v))
        key.append(tuple(sig))
    return tuple(key)


def group_bases(bases: list[Basis]) -> list[list[int]]:
    """Indices of bases that stack, in the order of their first member."""
    groups: dict[tuple, list[int]] = {}
    for i, b in enumerate(bases):
        groups.setdefault(stack_key(b), []).append(i)
    return list(groups.values())


def subsidy_by_level(result: Projection, fund: str) -> dict[str, np.ndarray]:
    """The subsidy paid split by level of government, arrays (B, T) [万元], as the budget
    splits it: the civil-service fund's by the level that pays it, the residents' by the shares
    due under the funding rules with arrears on the level that withholds them."""
    d = result.funds[fund]
    paid = d["subsidy_income"]
    B, T = paid.shape
    if fund == "civil_service":
        cs = result.basis.civil_service
        assert cs is not None
        level = np.broadcast_to(np.asarray(cs.subsidy_level), (B,))
        return {
            f"subsidy_{lv}": np.where((level == i)[:, None], paid, 0.0)
            for i, lv in enumerate(GOVERNMENT_LEVELS)
        }
    rs = result.basis.residents
    assert rs is not None
    due = np.stack([d[f"subsidy_due_{lv}"] for lv in GOVERNMENT_LEVELS], -1)  # (B, T, L)
    withheld, late = d["subsidy_withheld"], d["subsidy_late_payment"]
    by_rule = paid + withheld - late
    total_due = due.sum(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(total_due > 0, due / total_due, 0.0)
    shares[..., 3] = np.where(total_due[..., 0] > 0, shares[..., 3], 1.0)
    by_level = by_rule[..., None] * shares
    level = np.broadcast_to(np.asarray(rs.arrears_level), (B,))
    onehot = (np.arange(len(GOVERNMENT_LEVELS))[None, :] == level[:, None]).astype(float)
    by_level = by_level + (late - withheld)[..., None] * onehot[:, None, :]
    return {f"subsidy_{lv}": by_level[..., i] for i, lv in enumerate(GOVERNMENT_LEVELS)}


def _county_series(result: Projection, row: int) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for fund in result.funds:
        d = result.funds[fund]
        levels = subsidy_by_level(result, fund)
        s = {k: np.array(d[k][row], dtype=float) for k in HEAD_SERIES + MONEY_SERIES if k in d}
        s.update({k: np.array(v[row], dtype=float) for k, v in levels.items()})
        out[fund] = s
    return out


def subsidy_rules(basis: Basis) -> dict[str, str]:
    """Each fund's subsidy rule by name (``SUBSIDY_RULES``)."""
    out = {}
    for fund in FUNDS:
        part = getattr(basis, fund)
        if part is not None:
            out[fund] = SUBSIDY_RULES[int(np.asarray(part.subsidy_rule).flat[0])]
    return out


def _calibrated(years: int | None, scenarios: list[Scenario]) -> list[Basis]:
    return [build_basis(s, years) for s in scenarios]


def run_counties(
    scenarios: list[Scenario],
    years: int | None = None,
    batched: bool = True,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int = 1,
    scheduler: str | None = None,
) -> tuple[list[CountyResult], list[list[int]]]:
    """Project every county: those whose bases stack in one engine call per group (``batched``),
    the others one by one. Returns the counties in order and the groups run together.
    ``workers`` and ``scheduler`` run the counties' calibrations as tasks
    (:mod:`model.analysis.parallel`); the figures do not depend on them."""
    from model.analysis.parallel import run_tasks

    total = len(scenarios) + 1
    if workers == 1 and scheduler is None:
        bases = []
        for i, s in enumerate(scenarios):
            bases.append(build_basis(s, years))
            if progress is not None:
                progress(i + 1, total)
    else:
        # a county's calibration takes about 10 ms: the counties go to the workers in a few
        # chunks rather than one task each (on 2 cores, starting the pool costs about what it
        # saves for 100 counties; benchmarks/bench_projection.py --region)
        size = max(1, -(-len(scenarios) // (2 * workers)))
        chunks = [scenarios[i : i + size] for i in range(0, len(scenarios), size)]

        def counted(done: int, _: int) -> None:
            if progress is not None:
                progress(min(done * size, len(scenarios)), total)

        parts = run_tasks(
            _calibrated, chunks, shared=years, workers=workers, scheduler=scheduler,
            progress=counted,
        )  # fmt: skip
        bases = [b for part in parts for b in part]
    groups = group_bases(bases) if batched else [[i] for i in range(len(bases))]
    results: list[CountyResult | None] = [None] * len(scenarios)
    for g, members in enumerate(groups):
        basis = bases[members[0]] if len(members) == 1 else stack_bases([bases[i] for i in members])
        proj = project_basis(basis, scenario=scenarios[members[0]], keep_members=False)
        proj.checks(raise_on_failure=True)
        for row, i in enumerate(members):
            results[i] = CountyResult(
                scenarios[i],
                np.asarray(bases[i].years),
                _county_series(proj, row),
                g,
                subsidy_rules(bases[i]),
            )
    if progress is not None:
        progress(total, total)
    return [r for r in results if r is not None], groups


def region_totals(
    counties: list[CountyResult], years: np.ndarray
) -> dict[str, dict[str, np.ndarray]]:
    """Sum of every series over the counties that have each fund, over ``years``; ``counties``
    counts them."""
    totals: dict[str, dict[str, np.ndarray]] = {}
    T = years.size
    for fund in FUNDS:
        having = [c for c in counties if fund in c.series]
        if not having:
            continue
        s = {k: np.zeros(T) for k in SERIES}
        for c in having:
            for k in SERIES:
                s[k] = s[k] + c.series[fund][k][:T]
        s["counties"] = np.full(T, float(len(having)))
        totals[fund] = s
    return totals


def adjustment_fund(
    counties: list[CountyResult],
    fund: str,
    T: int,
    share: float,
    opening_reserve: float,
    subsidy_shares: dict[str, float],
) -> dict[str, Any]:
    """The adjustment fund (调剂金) of one pooled fund over ``T`` years (module docstring).

    Arrays ``paid_in``, ``gap``, ``paid_out``, ``need_after_pool`` are (counties, T);
    ``reserve_start``, ``reserve_end`` and ``need_<level>`` are (T,)."""
    having = [c for c in counties if fund in c.series]
    n = len(having)
    contrib = np.array([c.series[fund]["contribution_income"][:T] for c in having]).reshape(n, T)
    income = np.array(
        [c.series[fund]["total_income"][:T] - c.series[fund]["subsidy_income"][:T] for c in having]
    ).reshape(n, T)
    spend = np.array([c.series[fund]["total_expenditure"][:T] for c in having]).reshape(n, T)
    flows = pool_flows(share * contrib, np.maximum(0.0, spend - income), opening_reserve)
    up, gap, down, after = flows["paid_in"], flows["gap"], flows["paid_out"], flows["need_after"]
    start, end = flows["reserve_start"], flows["reserve_end"]
    short = flows["short"]
    pooled_need = after.sum(0)
    out_d: dict[str, Any] = {
        "county_ids": [c.id for c in having],
        "paid_in": up,
        "gap": gap,
        "paid_out": down,
        "need_after_pool": after,
        "reserve_start": start,
        "reserve_end": end,
        "short": short,
        "counties_reserve_end": np.array([c.series[fund]["reserve_end"][:T] for c in having])
        .reshape(n, T)
        .sum(0),
    }
    for lv in LEVELS_PAYING:
        out_d[f"need_{lv}"] = pooled_need * subsidy_shares.get(lv, 0.0)
    return out_d


def pool_flows(up: np.ndarray, gap: np.ndarray, opening_reserve: float) -> dict[str, np.ndarray]:
    """The adjustment fund's year over counties (module docstring), for one path or many.

    ``up`` (paid in before the base year is zeroed) and ``gap`` are (counties, …, T), the
    middle axes any number of paths. Returns ``paid_in``, ``gap``, ``paid_out`` and
    ``need_after`` (counties, …, T); ``reserve_start``, ``reserve_end`` and ``short`` (…, T):
    ``short`` is true where the fund could not pay every gap in full. The base year (index 0)
    is history: no flows."""
    up = np.array(up, dtype=float)
    up[..., 0] = 0.0
    T = up.shape[-1]
    down = np.zeros_like(up)
    start = np.zeros(up.shape[1:])
    end = np.zeros(up.shape[1:])
    short = np.zeros(up.shape[1:], dtype=bool)
    reserve = np.full(up.shape[1:-1], float(opening_reserve))
    for t in range(T):
        start[..., t] = reserve
        if t == 0:
            end[..., t] = reserve
            continue
        available = reserve + up[..., t].sum(0)
        need = gap[..., t].sum(0)
        paid = np.minimum(available, need)
        positive = need > 0
        down[..., t] = np.where(positive, paid * gap[..., t] / np.where(positive, need, 1.0), 0.0)
        short[..., t] = available < need
        reserve = available - down[..., t].sum(0)
        end[..., t] = reserve
    after = np.maximum(0.0, gap + up - down)
    after[..., 0] = 0.0
    return {
        "paid_in": up,
        "gap": gap,
        "paid_out": down,
        "need_after": after,
        "reserve_start": start,
        "reserve_end": end,
        "short": short,
    }


def ranking(counties: list[CountyResult], T: int) -> list[dict[str, Any]]:
    """Counties of each fund by subsidy per contributor over the ranking window, highest first
    (``rank`` within the fund), with the subsidy as a share of general budget revenue where the
    county states it (``rank_by_revenue_share`` within the fund).

    The subsidy is the need (what filling the gap would take) for a fund under any rule but
    ``formula``; under ``formula`` the need is nil by construction (the residents' rules make the
    subsidy due and the reserve covers the rest), so the subsidy paid is ranked (``measure``)."""
    window = slice(1, min(T, RANKING_YEARS + 1))
    ranked: list[dict[str, Any]] = []
    for fund in FUNDS:
        rows: list[dict[str, Any]] = []
        for c in counties:
            if fund not in c.series:
                continue
            s = c.series[fund]
            measure = "paid" if c.rules[fund] == "formula" else "need"
            key = "subsidy_income" if measure == "paid" else "subsidy_need"
            amount = float(s[key][window].sum())
            heads = float(s["contributors"][window].sum())
            revenue = _revenue(c, T, window)
            rows.append(
                {
                    "fund": fund,
                    "county": c.id,
                    "name_zh": c.scenario.meta.county.zh,
                    "name_en": c.scenario.meta.county.en,
                    "measure": measure,
                    "first_year": int(c.years[window.start]) if T > 1 else None,
                    "last_year": int(c.years[window.stop - 1]) if T > 1 else None,
                    "subsidy": amount,
                    "contributor_years": heads,
                    "subsidy_per_contributor_yuan": (
                        amount * YUAN_PER_WAN / heads if heads > 0 else None
                    ),
                    "budget_revenue": revenue,
                    "subsidy_share_of_revenue": amount / revenue if revenue else None,
                }
            )
        rows.sort(key=lambda r: (-(r["subsidy_per_contributor_yuan"] or 0.0), r["county"]))
        for place, row in enumerate(rows, start=1):
            row["rank"] = place
        by_share = sorted(
            (r for r in rows if r["subsidy_share_of_revenue"] is not None),
            key=lambda r: (-r["subsidy_share_of_revenue"], r["county"]),
        )
        for place, row in enumerate(by_share, start=1):
            row["rank_by_revenue_share"] = place
        for row in rows:
            row.setdefault("rank_by_revenue_share", None)
        ranked += [{"rank": r.pop("rank"), **r} for r in rows]
    return ranked


def _revenue(c: CountyResult, T: int, window: slice) -> float | None:
    """The county's general budget revenue summed over ``window`` (None where not stated)."""
    schedule = c.scenario.assumptions.economy.general_budget_revenue
    if schedule is None:
        return None
    yrs = c.years[:T]
    drivers = Years(c.scenario, yrs).drivers
    return float(np.asarray(schedule_values(schedule, yrs, drivers))[window].sum())


def project_region(
    region: Region,
    scenarios: list[Scenario],
    years: int | None = None,
    batched: bool = True,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int = 1,
    scheduler: str | None = None,
) -> RegionResult:
    """Project every county of ``region`` and compute totals, the pool and the ranking."""
    if not scenarios:
        raise YanglaoError("a region needs at least one county")
    counties, groups = run_counties(
        scenarios, years, batched, progress, workers=workers, scheduler=scheduler
    )
    T = min(c.years.size for c in counties)
    common = counties[0].years[:T]
    for c in counties:
        if not np.array_equal(c.years[:T], common):
            raise YanglaoError(
                f"{c.id}: its projection starts in {int(c.years[0])}, not "
                f"{int(common[0])}; expected one base year in a region"
            )
    pool = {}
    for fund in FUNDS:
        rules = region.pooling.of(fund)
        if not rules.pooled or not any(fund in c.series for c in counties):
            continue
        assert rules.contribution_share is not None and rules.subsidy_shares is not None
        shares = {lv: rules.subsidy_shares.of(lv) for lv in LEVELS_PAYING}
        pool[fund] = adjustment_fund(
            counties, fund, T, rules.contribution_share.value, rules.opening_reserve, shares
        )
        pool[fund]["level"] = rules.level
    return RegionResult(
        region,
        counties,
        common,
        region_totals(counties, common),
        pool,
        ranking(counties, T),
        groups,
    )


__all__ = [
    "CountyResult",
    "RegionResult",
    "adjustment_fund",
    "group_bases",
    "pool_flows",
    "project_region",
    "ranking",
    "region_totals",
    "run_counties",
    "stack_key",
    "subsidy_by_level",
    "subsidy_rules",
]
