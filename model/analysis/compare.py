"""Scenarios side by side: one batched projection, headline metrics, differences from the first.

All scenarios are calibrated separately (each keeps its base year as observed) and stacked on
the engine's leading axis, so a comparison is one engine call. Metrics per fund and scenario:

* depletion year under the scenario's subsidy rule, and with no subsidy after the base year;
* subsidy need (what ``fill_gap`` would pay) over 5, 10 and 20 years, its present value over 10
  years, and the subsidy paid under the rule over the same years; a fund whose scenarios all pay
  by the ``formula`` rule shows the subsidy paid alone (its need is nil by construction: the
  rule pays what the residents' rules make due, and the reserve it keeps covers the rest);
* year-end reserve and dependency ratio in chosen years;
* for the civil-service fund the cost rate, expenditure / contribution base, against the total
  contribution rate (employer + individual) in chosen years.

Money in 万元; differences are scenario minus the first scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.engine.basis import build_basis, stack_bases
from model.engine.fund import SUBSIDY_RULES
from model.engine.project import project_basis
from model.engine.results import HEADLINE_HORIZONS, Projection
from model.errors import YanglaoError
from model.scenario.schema import Scenario

#: Years after the base year at which reserves, ratios and cost rates are shown by default.
DEFAULT_OFFSETS = (5, 10, 20)


@dataclass(frozen=True)
class Metric:
    """One headline figure: its name (the column key), what it measures, its parameters and unit.

    ``kind`` names the measure (``subsidy_need``, ``reserve_end``, …); ``years`` is the horizon of
    a sum over years, ``year`` the calendar year of a figure read in one year. Labels for people
    are built from these in ``model.output.comparison_tables``.
    """

    name: str
    kind: str
    unit: str
    years: int | None = None
    year: int | None = None


@dataclass
class Comparison:
    scenarios: list[Scenario]
    projection: Projection
    years_shown: tuple[int, ...]
    table: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # fund -> rows

    @property
    def ids(self) -> list[str]:
        return [s.meta.id for s in self.scenarios]

    def titles(self, lang: str = "en") -> list[str]:
        return [getattr(s.meta.title, lang) for s in self.scenarios]

    def short_ids(self) -> list[str]:
        """Each scenario's id less the first's id (the first's own id for the first)."""
        first = self.ids[0]
        return [sid[len(first) + 1 :] if sid.startswith(first + "-") else sid for sid in self.ids]


def run_batched(
    scenarios: list[Scenario],
    years: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Projection:
    """Calibrate each scenario, stack them, and project all in one engine call.

    ``progress(done, total)``, if given, is called from ``(0, total)`` as each scenario is
    calibrated and once the projection is done (``total`` is the number of scenarios plus one).
    """
    total = len(scenarios) + 1
    if progress is not None:
        progress(0, total)
    bases = []
    for i, s in enumerate(scenarios, start=1):
        bases.append(build_basis(s, years))
        if progress is not None:
            progress(i, total)
    try:
        stacked = stack_bases(bases)
    except YanglaoError as err:
        raise YanglaoError(f"these scenarios cannot be compared: {err}") from None
    result = project_basis(stacked, scenario=scenarios[0], keep_members=False)
    result.checks(raise_on_failure=True)
    if progress is not None:
        progress(total, total)
    return result


def compare(
    scenarios: list[Scenario],
    years: int | None = None,
    at_years: tuple[int, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Project ``scenarios`` together and tabulate their headline metrics per fund.

    ``progress(done, total)``, if given, is called between blocks of work
    (:func:`run_batched`)."""
    if not scenarios:
        raise YanglaoError("nothing to compare: give at least one scenario")
    base_years = {s.meta.base_year for s in scenarios}
    if len(base_years) > 1:
        raise YanglaoError(
            f"scenarios have different base years {sorted(base_years)}; "
            "expected one base year for a comparison"
        )
    result = run_batched(scenarios, years, progress)
    yrs = result.years
    if at_years is None:
        at_years = tuple(int(yrs[0] + k) for k in DEFAULT_OFFSETS if yrs[0] + k <= yrs[-1])
    missing = [y for y in at_years if y not in yrs]
    if missing:
        raise YanglaoError(f"years {missing} are outside the projection {yrs[0]}–{yrs[-1]}")
    comparison = Comparison(list(scenarios), result, tuple(at_years))
    for fund in result.funds:
        comparison.table[fund] = _fund_rows(result, fund, len(scenarios), at_years)
    return comparison


def metrics_for(fund: str, at_years: tuple[int, ...], need: bool = True) -> list[Metric]:
    """The metrics of ``fund`` in order; ``need=False`` leaves out the subsidy need (for a fund
    whose every scenario pays by the ``formula`` rule, where the need is nil by construction)."""
    out = [
        Metric("depletion_year", "depletion_year", "年"),
        Metric("depletion_year_without_subsidy", "depletion_year_without_subsidy", "年"),
    ]
    if need:
        for n in HEADLINE_HORIZONS:
            out.append(Metric(f"subsidy_need_{n}y", "subsidy_need", "万元", years=n))
        out.append(Metric("subsidy_need_10y_pv", "subsidy_need_pv", "万元", years=10))
    for n in HEADLINE_HORIZONS:
        out.append(Metric(f"subsidy_paid_{n}y", "subsidy_paid", "万元", years=n))
    for y in at_years:
        out.append(Metric(f"reserve_end_{y}", "reserve_end", "万元", year=y))
        out.append(Metric(f"dependency_ratio_{y}", "dependency_ratio", "/1", year=y))
        if fund == "civil_service":
            out.append(Metric(f"cost_rate_{y}", "cost_rate", "/1", year=y))
            out.append(Metric(f"contribution_rate_{y}", "contribution_rate", "/1", year=y))
    return out


def _fund_rows(
    result: Projection, fund: str, n: int, at_years: tuple[int, ...]
) -> list[dict[str, Any]]:
    d = result.funds[fund]
    yrs = result.years
    part = getattr(result.basis, fund)
    values: dict[str, list[float | None]] = {}
    for b in range(n):
        s = result.summary(b)[fund]
        for key in (
            "depletion_year",
            "depletion_year_without_subsidy",
            "subsidy_need_10y_pv",
            *(f"subsidy_need_{k}y" for k in HEADLINE_HORIZONS),
            *(f"subsidy_paid_{k}y" for k in HEADLINE_HORIZONS),
        ):
            values.setdefault(key, []).append(s[key])
        for y in at_years:
            t = int(np.nonzero(yrs == y)[0][0])
            values.setdefault(f"reserve_end_{y}", []).append(float(d["reserve_end"][b, t]))
            with np.errstate(divide="ignore", invalid="ignore"):
                dep = d["contributors"][b, t] / d["beneficiaries"][b, t]
            values.setdefault(f"dependency_ratio_{y}", []).append(float(dep))
            if fund == "civil_service":
                base = d["contribution_base"][b, t]
                values.setdefault(f"cost_rate_{y}", []).append(
                    float(d["total_expenditure"][b, t] / base) if base > 0 else None
                )
                er = part.contribution_rate_employer[
                    min(b, part.contribution_rate_employer.shape[0] - 1), t
                ]
                ee = part.contribution_rate_individual[
                    min(b, part.contribution_rate_individual.shape[0] - 1), t
                ]
                values.setdefault(f"contribution_rate_{y}", []).append(float(er + ee))
    rules = np.broadcast_to(np.asarray(part.subsidy_rule), (n,))
    need = not bool(np.all(rules == SUBSIDY_RULES.index("formula")))
    rows = []
    for m in metrics_for(fund, at_years, need=need):
        vals = values[m.name]
        first = vals[0]
        diffs = [None if (v is None or first is None) else v - first for v in vals]
        rows.append({"metric": m, "values": vals, "differences": diffs})
    return rows
