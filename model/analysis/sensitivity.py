"""One-at-a-time sensitivities and break-even values.

Each shock moves one input of the scenario down and up by a stated step; all shocked scenarios
and the baseline are projected in one batched engine call. The effects on the 10-year subsidy
need (what ``fill_gap`` would pay), the 10-year subsidy paid under the rule and the depletion
year with no subsidy are reported as differences from the baseline, sorted by size.

Break-even values solve, with scipy's ``brentq``, for the input at which the civil-service
fund's 10-year subsidy need stays at its base-year level, i.e. equals ten times the base year's
subsidy. A first batched pass over a grid finds the bracket.

Shocks go through the scenario itself (a modified copy, validated), so they use exactly the
machinery of variants: policy shocks take effect after the base year, assumption shocks are
recalibrated.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from model.engine.basis import build_basis, stack_bases
from model.errors import YanglaoError
from model.engine.project import project_basis
from model.scenario.schema import Scenario

Data = dict[str, Any]


def _shift_schedule(node: Data, delta: float, lo: float | None = None, hi: float | None = None) -> None:
    """Add ``delta`` to every value of a schedule (clipped to the schedule's range)."""
    def move(v: float) -> float:
        v = v + delta
        if lo is not None:
            v = max(v, lo)
        if hi is not None:
            v = min(v, hi)
        return v

    value = node["value"]
    node["value"] = {y: move(v) for y, v in value.items()} if isinstance(value, dict) else move(value)


def _at(data: Data, path: str) -> Data:
    for key in path.split("."):
        data = data[key]
    return data


@dataclass(frozen=True)
class Shock:
    """A one-at-a-time shock: ``apply(data, sign)`` changes a scenario's data by one step.

    Its name and step in words for people are in ``model.output.sensitivity_tables``."""

    name: str
    apply: Callable[[Data, int, int], None]  # (data, sign ±1, base year)


def _wage(d: Data, sign: int, base: int) -> None:
    _shift_schedule(_at(d, "assumptions.economy.wage_growth"), 0.01 * sign, -0.5, 0.5)


def _interest(d: Data, sign: int, base: int) -> None:
    for fund in ("civil_service", "residents"):
        if d["policy"].get(fund):
            _shift_schedule(_at(d, f"assumptions.economy.interest_rate_{fund}"), 0.01 * sign, 0.0, 1.0)


def _indexation(d: Data, sign: int, base: int) -> None:
    if d["policy"].get("civil_service"):
        _shift_schedule(_at(d, "policy.civil_service.indexation"), 0.01 * sign, -0.5, 0.5)


def _mortality(d: Data, sign: int, base: int) -> None:
    _shift_schedule(_at(d, "assumptions.mortality.improvement_rate"), 0.005 * sign, 0.0, 1.0)


def _contribution(d: Data, sign: int, base: int) -> None:
    if d["policy"].get("civil_service"):
        _shift_schedule(_at(d, "policy.civil_service.contribution_rate_employer"), 0.02 * sign, 0.0, 0.9)


def _retirement(d: Data, sign: int, base: int) -> None:
    if d["policy"].get("civil_service"):
        ages = _at(d, "policy.civil_service.retirement_age")
        for g in ("male", "female_55", "female_50"):
            ages[g] = ages[g] + sign


def _headcount(d: Data, sign: int, base: int) -> None:
    if d["policy"].get("civil_service"):
        d["policy"]["civil_service"]["headcount"] = {
            "rule": "growth", "growth_rate": {"value": 0.01 * sign, "source": "sensitivity shock"},
            "source": "sensitivity shock",
        }


def _residents_pension(d: Data, sign: int, base: int) -> None:
    if d["policy"].get("residents"):
        node = _at(d, "policy.residents.basic_pension_central_monthly_yuan")
        old = node["value"] if isinstance(node["value"], dict) else {base: node["value"]}
        # from the year after the base year: every later stated value moves, and the value in
        # force in the base year is restated for the next year before it moves
        later = {y: v + 10 * sign for y, v in old.items() if y > base}
        in_force = [v for y, v in old.items() if y <= base][-1]
        node["value"] = {**{y: v for y, v in old.items() if y <= base},
                         base + 1: later.pop(base + 1, in_force + 10 * sign), **later}


SHOCKS: tuple[Shock, ...] = (
    Shock("wage_growth", _wage),
    Shock("interest", _interest),
    Shock("indexation", _indexation),
    Shock("mortality_improvement", _mortality),
    Shock("contribution_rate", _contribution),
    Shock("retirement_age", _retirement),
    Shock("headcount_growth", _headcount),
    Shock("residents_pension", _residents_pension),
)


def shocked(scenario: Scenario, change: Callable[[Data], None]) -> Scenario:
    """A validated copy of ``scenario`` with ``change`` applied to its data; the base year keeps
    the scenario's history."""
    data = copy.deepcopy(scenario.model_dump(mode="python", exclude_none=True))
    change(data)
    try:
        out = Scenario.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise YanglaoError(f"a shocked copy of the scenario is not valid at {where}: {first['msg']}") from None
    out._history = scenario.history
    return out


@dataclass
class Sensitivity:
    baseline: Scenario
    rows: dict[str, list[dict[str, Any]]]  # fund -> rows sorted by size of effect
    base_values: dict[str, dict[str, Any]]
    break_even: list[dict[str, Any]]


def _headline(result, b: int, fund: str) -> dict[str, Any]:
    s = result.summary(b)[fund]
    return {"subsidy_need_10y": s["subsidy_need_10y"], "subsidy_paid_10y": s["subsidy_paid_10y"],
            "depletion_year_without_subsidy": s["depletion_year_without_subsidy"]}


def sensitivity(scenario: Scenario, years: int | None = None, break_even: bool = True,
                extra_multiples: tuple[int, ...] = (),
                progress: Callable[[int, int], None] | None = None) -> Sensitivity:
    """Run every shock down and up in one batched projection; solve the break-even values.

    ``extra_multiples`` adds shocks of several steps (e.g. ``(2,)`` for ±2 steps) to the same
    batched call; the table reports the one-step shocks. ``progress(done, total)``, if given, is
    called between blocks of work (each variant calibrated, the batched projection, each
    break-even lever), from ``(0, total)`` to ``(total, total)``.
    """
    base = scenario.meta.base_year
    variants = [scenario]
    labels: list[tuple[Shock, int]] = []
    for shock in SHOCKS:
        for sign in (-1, 1):
            variants.append(shocked(scenario, lambda d, s=shock, g=sign: s.apply(d, g, base)))
            labels.append((shock, sign))
    for k in extra_multiples:
        for shock in SHOCKS:
            for sign in (-1, 1):
                def apply_k(d, s=shock, g=sign, k=k):
                    for _ in range(k):
                        s.apply(d, g, base)
                variants.append(shocked(scenario, apply_k))
    solving = break_even and scenario.base_year.civil_service is not None
    total = len(variants) + 1 + (len(LEVERS) if solving else 0)

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    report(0)
    bases = []
    for i, v in enumerate(variants, start=1):
        bases.append(build_basis(v, years))
        report(i)
    result = project_basis(stack_bases(bases), keep_members=False)
    report(len(variants) + 1)
    result.checks(raise_on_failure=True)
    if result.years.size <= 10:
        raise YanglaoError("a sensitivity needs at least 10 projection years")
    rows: dict[str, list[dict[str, Any]]] = {}
    base_values = {fund: _headline(result, 0, fund) for fund in result.funds}
    for fund in result.funds:
        b0 = base_values[fund]
        by_shock: dict[str, dict[str, Any]] = {}
        for i, (shock, sign) in enumerate(labels, start=1):
            h = _headline(result, i, fund)
            row = by_shock.setdefault(shock.name, {"shock": shock})
            key = "down" if sign < 0 else "up"
            row[f"need_{key}"] = h["subsidy_need_10y"] - b0["subsidy_need_10y"]
            row[f"paid_{key}"] = h["subsidy_paid_10y"] - b0["subsidy_paid_10y"]
            row[f"depletion_{key}"] = h["depletion_year_without_subsidy"]
        ordered = sorted(
            by_shock.values(),
            key=lambda r: -max(abs(r["need_down"]), abs(r["need_up"]), abs(r["paid_down"]), abs(r["paid_up"])),
        )
        rows[fund] = ordered
    solved = (break_even_values(scenario, years, lambda k: report(len(variants) + 1 + k))
              if solving else [])
    return Sensitivity(scenario, rows, base_values, solved)


# --------------------------------------------------------------------------------------------
# break-even values


@dataclass(frozen=True)
class Lever:
    """A break-even lever: its name (words for people in ``model.output.sensitivity_tables``),
    the range searched and how to set it."""

    name: str
    lo: float
    hi: float
    set: Callable[[Data, float, int], None]  # (data, value, base year)


def _set_employer(d: Data, x: float, base: int) -> None:
    node = _at(d, "policy.civil_service.contribution_rate_employer")
    old = node["value"] if isinstance(node["value"], dict) else {base: node["value"]}
    node["value"] = {**{y: v for y, v in old.items() if y <= base}, base + 1: x}


def _set_indexation(d: Data, x: float, base: int) -> None:
    node = _at(d, "policy.civil_service.indexation")
    old = node["value"] if isinstance(node["value"], dict) else {base: node["value"]}
    node["value"] = {**{y: v for y, v in old.items() if y <= base}, base + 1: x}
    d["policy"]["civil_service"].pop("indexation_rule", None)


def _set_headcount(d: Data, x: float, base: int) -> None:
    d["policy"]["civil_service"]["headcount"] = {
        "rule": "growth", "growth_rate": {"value": x, "source": "break-even"}, "source": "break-even"}


LEVERS: tuple[Lever, ...] = (
    Lever("contribution_rate_employer", 0.0, 0.6, _set_employer),
    Lever("indexation", -0.1, 0.2, _set_indexation),
    Lever("headcount_growth", -0.15, 0.3, _set_headcount),
)

#: Grid points of the first, batched pass that brackets each break-even value.
BREAK_EVEN_GRID = 13


def break_even_values(scenario: Scenario, years: int | None = None,
                      solved: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Values of each lever at which the civil-service 10-year subsidy need equals ten times
    the base year's subsidy (held constant in nominal terms). ``solved(k)``, if given, is called
    once the first ``k`` levers are solved."""
    from scipy.optimize import brentq

    base = scenario.meta.base_year
    target = 10 * scenario.base_year.civil_service.subsidy_income.value
    out = []
    for lever in LEVERS:
        grid = np.linspace(lever.lo, lever.hi, BREAK_EVEN_GRID)
        variants = [shocked(scenario, lambda d, x=x, lever=lever: lever.set(d, float(x), base)) for x in grid]
        result = project_basis(stack_bases([build_basis(v, years) for v in variants]), keep_members=False)
        needs = np.array([result.summary(i)["civil_service"]["subsidy_need_10y"] for i in range(len(grid))])
        gap = needs - target
        sign_change = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
        entry = {"lever": lever.name, "target_10y": target,
                 "value": None, "range": (lever.lo, lever.hi)}
        if sign_change.size:
            i = int(sign_change[0])

            def f(x: float, lever=lever) -> float:
                v = shocked(scenario, lambda d: lever.set(d, x, base))
                r = project_basis(build_basis(v, years), keep_members=False)
                return r.summary(0)["civil_service"]["subsidy_need_10y"] - target

            entry["value"] = float(brentq(f, grid[i], grid[i + 1], xtol=1e-6))
        out.append(entry)
        if solved is not None:
            solved(len(out))
    return out
