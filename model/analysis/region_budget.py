"""A region's budget for next year: every county's lines, their sums, the ranges of the sums,
and the adjustment fund's year.

Method (``docs/region.md``):

* **Point.** Each county's budget lines are those of its own budget
  (:func:`model.analysis.budget.lines_from` of its projection); the region's line is their sum,
  the subsidy split by level of government as each county splits it.
* **Ranges.** The region's outturns come from its Monte Carlo
  (:func:`model.analysis.region_simulate.simulate_region`: one economy, each county's own small
  population), summed path by path, with the lines a simulation does not draw at their point
  value (:func:`model.analysis.budget.outturn_samples`). A county's own ``budget`` ranges draw
  wage growth per county; summed over counties those draws would cancel, and the region's
  range would be far too narrow, so a region always takes its ranges from the simulation.
* **The pool.** For a fund pooled above the county, the adjustment fund's budget year from the
  counties' projections (:func:`model.analysis.region.pool_flows`): paid in, paid out, its
  reserve and what the levels still owe, with the 5%–95% range of that need over the paths.

Money in 万元, heads in persons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.analysis.budget import (
    LINE_KEYS,
    BudgetLine,
    budget_line_intervals,
    outturn_samples,
    with_combined,
)
from model.analysis.region import LEVELS_PAYING, pool_flows
from model.analysis.region_simulate import simulate_region
from model.analysis.simulate import DEFAULT_MEMORY_MIB
from model.errors import YanglaoError
from model.scenario.region import Region
from model.scenario.schema import Scenario


@dataclass
class RegionBudget:
    region: Region
    scenario: Scenario  # the first county's (the names of its levels of government)
    year: int
    paths: int
    seed: int
    lines: list[BudgetLine]  # the region's lines per fund and combined
    county_rows: list[dict[str, Any]]  # county × fund × line, the point budget
    pool: list[dict[str, Any]] = field(default_factory=list)  # pooled fund's year, per county


def make_region_budget(
    region: Region,
    scenarios: list[Scenario],
    year: int | None = None,
    paths: int = 2000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    *,
    memory_mib: float = DEFAULT_MEMORY_MIB,
    workers: int = 1,
    scheduler: str | None = None,
) -> RegionBudget:
    """The region's budget of ``year`` (default: the year after the base year)."""
    if not scenarios:
        raise YanglaoError("a region needs at least one county")
    base = scenarios[0].meta.base_year
    if year is None:
        year = base + 1
    if not base < year <= base + 100:
        raise YanglaoError(
            f"--year {year}: expected a year after the base year {base} (up to {base + 100})"
        )
    t = year - base
    short = [s.meta.id for s in scenarios if s.meta.horizon < year]
    if short:
        raise YanglaoError(
            f"--year {year}: after the horizon of {', '.join(short[:5])}"
            + (f" and {len(short) - 5} more" if len(short) > 5 else "")
            + "; expected a year every county projects"
        )
    sim = simulate_region(
        region,
        scenarios,
        paths=paths,
        seed=seed,
        years=t,
        progress=progress,
        memory_mib=memory_mib,
        workers=workers,
        scheduler=scheduler,
        budget_year_index=t,
    )
    point: dict[str, dict[str, float]] = {}
    county_rows = []
    names = {s.meta.id: s.meta.county for s in scenarios}
    for cid in sim.county_ids:
        for fund, mine in sim.budget_lines[cid].items():
            into = point.setdefault(fund, dict.fromkeys(LINE_KEYS, 0.0))
            for k in LINE_KEYS:
                into[k] += mine[k]
            county_rows.append(
                {
                    "county": cid,
                    "name_zh": names[cid].zh,
                    "name_en": names[cid].en,
                    "fund": fund,
                    **{k: mine[k] for k in LINE_KEYS},
                }
            )
    samples = {
        fund: outturn_samples(point[fund], {k: v[:, t] for k, v in series.items()})
        for fund, series in sim.totals.items()
    }
    budget_point = with_combined(
        {f: {k: np.array([v]) for k, v in d.items()} for f, d in point.items()}
    )
    point_all = {f: {k: float(v[0]) for k, v in d.items()} for f, d in budget_point.items()}
    lines = budget_line_intervals(point_all, with_combined(samples))
    return RegionBudget(
        region,
        scenarios[0],
        year,
        paths,
        seed,
        lines,
        county_rows,
        _pool_year(region, sim, t),
    )


def _pool_year(region: Region, sim, t: int) -> list[dict[str, Any]]:
    """The adjustment fund's budget year for each pooled fund: a row for the pool (``county``
    empty; its reserve and the levels' shares of the need, with the need's 5%–95% range over the
    paths) and one per county (paid in, gap, paid out, need after the pool), 万元."""
    rows: list[dict[str, Any]] = []
    for fund, pool in sim.pool.items():
        rules = region.pooling.of(fund)
        assert rules.contribution_share is not None and rules.subsidy_shares is not None
        ids = pool["county_ids"]
        det = {cid: sim.county_deterministic[cid][fund] for cid in ids}
        up = np.array([rules.contribution_share.value * det[c]["contribution_income"] for c in ids])
        gap = np.array(
            [
                np.maximum(
                    0.0,
                    det[c]["total_expenditure"]
                    - (det[c]["total_income"] - det[c]["subsidy_income"]),
                )
                for c in ids
            ]
        )
        flows = pool_flows(up[:, : t + 1], gap[:, : t + 1], rules.opening_reserve)
        need = flows["need_after"][:, t].sum()
        drawn = pool["need_after"][:, t]
        row: dict[str, Any] = {
            "fund": fund,
            "county": "",
            "paid_in": float(flows["paid_in"][:, t].sum()),
            "gap": float(flows["gap"][:, t].sum()),
            "paid_out": float(flows["paid_out"][:, t].sum()),
            "need_after_pool": float(need),
            "need_after_pool_low": float(np.quantile(drawn, 0.05)),
            "need_after_pool_high": float(np.quantile(drawn, 0.95)),
            "reserve_start": float(flows["reserve_start"][t]),
            "reserve_end": float(flows["reserve_end"][t]),
            "p_short": float(pool["short"][:, t].mean()),
        }
        row.update(
            {f"need_{lv}": float(need * rules.subsidy_shares.of(lv)) for lv in LEVELS_PAYING}
        )
        rows.append(row)
        for i, cid in enumerate(ids):
            rows.append(
                {
                    "fund": fund,
                    "county": cid,
                    **{
                        k: float(flows[key][i, t])
                        for k, key in (
                            ("paid_in", "paid_in"),
                            ("gap", "gap"),
                            ("paid_out", "paid_out"),
                            ("need_after_pool", "need_after"),
                        )
                    },
                }
            )
    return rows


__all__ = ["RegionBudget", "make_region_budget"]
