"""Regions side by side: the same counties under two poolings, a region with and without some
counties, or two prefectures; each region projected as ``yanglao region`` does it, its totals and
its pool compared with the first region's.

Metrics per fund and region (money in 万元, summed over the region's counties having the fund):

* the number of counties;
* subsidy need over 5, 10 and 20 years (what filling each county's gap would take; nil for a
  fund whose counties all pay by the ``formula`` rule) and the subsidy paid over the same years;
* who pays over 10 years: the subsidy paid by level of government (central, province,
  prefecture, county) as each county's rules split it, and, for a fund pooled above the county,
  what the adjustment fund pays out and the need left after it, split by the region's shares;
* in chosen years: the counties' reserves, the adjustment fund's reserve, contributors,
  beneficiaries and their ratio.

Differences are region minus the first region. Regions must share one base year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from model.analysis.compare import DEFAULT_OFFSETS
from model.analysis.region import FUNDS, LEVELS_PAYING, RegionResult, project_region
from model.engine.basis import GOVERNMENT_LEVELS
from model.engine.results import HEADLINE_HORIZONS
from model.errors import YanglaoError
from model.scenario.region import Region
from model.scenario.schema import Scenario

#: The span of the "who pays" metrics, years after the base year.
BURDEN_YEARS = 10


@dataclass
class RegionComparison:
    results: list[RegionResult]
    years_shown: tuple[int, ...]
    table: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # fund -> rows

    @property
    def ids(self) -> list[str]:
        return [r.region.header.id for r in self.results]


def _window(T: int, n: int) -> slice:
    """The first ``n`` projected years (fewer where the common horizon is nearer)."""
    return slice(1, min(T, n + 1))


def metrics(fund: str, at_years: tuple[int, ...], pooled: bool) -> list[tuple[str, str]]:
    """(metric, unit) of ``fund`` in order."""
    out = [("counties", "个")]
    out += [(f"subsidy_need_{n}y", "万元") for n in HEADLINE_HORIZONS]
    out += [(f"subsidy_paid_{n}y", "万元") for n in HEADLINE_HORIZONS]
    out += [(f"subsidy_{lv}_{BURDEN_YEARS}y", "万元") for lv in GOVERNMENT_LEVELS]
    if pooled:
        out += [
            (f"pool_paid_out_{BURDEN_YEARS}y", "万元"),
            (f"pool_need_after_{BURDEN_YEARS}y", "万元"),
        ]
        out += [(f"pool_need_{lv}_{BURDEN_YEARS}y", "万元") for lv in LEVELS_PAYING]
    for y in at_years:
        out += [(f"reserve_end_{y}", "万元")]
        if pooled:
            out += [(f"pool_reserve_end_{y}", "万元")]
        out += [(f"contributors_{y}", "人"), (f"beneficiaries_{y}", "人"),
                (f"dependency_ratio_{y}", "/1")]  # fmt: skip
    return out


def _values(result: RegionResult, fund: str, at_years: tuple[int, ...]) -> dict[str, float | None]:
    totals = result.totals.get(fund)
    if totals is None:
        return {}
    T = result.years.size
    out: dict[str, float | None] = {"counties": float(totals["counties"][0])}
    for n in HEADLINE_HORIZONS:
        w = _window(T, n)
        out[f"subsidy_need_{n}y"] = float(totals["subsidy_need"][w].sum())
        out[f"subsidy_paid_{n}y"] = float(totals["subsidy_income"][w].sum())
    w = _window(T, BURDEN_YEARS)
    for lv in GOVERNMENT_LEVELS:
        out[f"subsidy_{lv}_{BURDEN_YEARS}y"] = float(totals[f"subsidy_{lv}"][w].sum())
    pool = result.pool.get(fund)
    if pool is not None:
        out[f"pool_paid_out_{BURDEN_YEARS}y"] = float(pool["paid_out"][:, w].sum())
        out[f"pool_need_after_{BURDEN_YEARS}y"] = float(pool["need_after_pool"][:, w].sum())
        for lv in LEVELS_PAYING:
            out[f"pool_need_{lv}_{BURDEN_YEARS}y"] = float(pool[f"need_{lv}"][w].sum())
    index = {int(y): t for t, y in enumerate(result.years)}
    for y in at_years:
        t = index[y]
        out[f"reserve_end_{y}"] = float(totals["reserve_end"][t])
        if pool is not None:
            out[f"pool_reserve_end_{y}"] = float(pool["reserve_end"][t])
        heads, drawing = float(totals["contributors"][t]), float(totals["beneficiaries"][t])
        out[f"contributors_{y}"] = heads
        out[f"beneficiaries_{y}"] = drawing
        out[f"dependency_ratio_{y}"] = heads / drawing if drawing > 0 else None
    return out


def compare_regions(
    regions: list[tuple[Region, list[Scenario]]],
    years: int | None = None,
    at_years: tuple[int, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RegionComparison:
    """Project every region (:func:`model.analysis.region.project_region`) and tabulate their
    metrics per fund, with the differences from the first region."""
    if not regions:
        raise YanglaoError("nothing to compare: give at least one region")
    base_years = {s.meta.base_year for _, scenarios in regions for s in scenarios}
    if len(base_years) > 1:
        raise YanglaoError(
            f"the regions' counties have different base years {sorted(base_years)}; "
            "expected one base year for a comparison"
        )
    total = sum(len(s) + 1 for _, s in regions)
    done = [0]

    def step(k: int, _: int) -> None:
        if progress is not None:
            progress(done[0] + k, total)

    results = []
    for region, scenarios in regions:
        results.append(project_region(region, scenarios, years=years, progress=step))
        done[0] += len(scenarios) + 1
    end = min(int(r.years[-1]) for r in results)
    start = int(results[0].years[0])
    if at_years is None:
        at_years = tuple(start + k for k in DEFAULT_OFFSETS if start + k <= end)
    missing = [y for y in at_years if not start <= y <= end]
    if missing:
        raise YanglaoError(
            f"years {missing} are outside the years every region projects {start}–{end}"
        )
    comparison = RegionComparison(results, tuple(at_years))
    for fund in FUNDS:
        if not any(fund in r.totals for r in results):
            continue
        pooled = any(fund in r.pool for r in results)
        values = [_values(r, fund, comparison.years_shown) for r in results]
        rows = []
        for name, unit in metrics(fund, comparison.years_shown, pooled):
            vals = [v.get(name) for v in values]
            first = vals[0]
            diffs = [None if v is None or first is None else v - first for v in vals]
            rows.append({"metric": name, "unit": unit, "values": vals, "differences": diffs})
        comparison.table[fund] = rows
    return comparison


__all__ = ["BURDEN_YEARS", "RegionComparison", "compare_regions", "metrics"]
