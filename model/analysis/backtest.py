"""Back-test: start a year earlier, project one year with the policy then in force, compare.

A report states, besides the year's outturn, how much each fund's total income and total
expenditure rose over the year before. :func:`previous_year_scenario` turns a scenario into one
whose base year is the year before, with figures derived as follows (each written into the
figure's ``source``):

* total income and total expenditure: this year's, less the stated increase;
* income lines (contributions, interest, subsidy, other) and expenditure lines: the year's
  total split in this year's proportions (judgment: the report states no lines for the year
  before);
* year-end reserve: this year's opening reserve, ``reserve_end − (income − expenditure)``;
* beneficiaries: this year's count scaled by the fall in expenditure, net of this year's
  pension indexation (civil-service fund) — both reports attribute the rise in spending to more
  beneficiaries (and, for retirees, higher pensions); the residents' per-head pension is taken as
  unchanged;
* contributors: this year's count (judgment: not stated for the year before);
* schedules that begin with this year start a year earlier with their first value, the
  regional wage of the year before comes from the wage history, and a funeral grant derived
  from this year's budget is carried back as a stated amount.

:func:`backtest` projects that scenario one year, with this year's published policy (the
scenario's own schedules: e.g. 4.5% indexation in 2021), and compares every line with the
stated outturn. The errors measure the engine's one-year-ahead accuracy under the judgments
above; ``docs/backtest.md`` tabulates them and ``yanglao budget`` uses them as model error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from model.errors import YanglaoError
from model.scenario.schema import Scenario

#: Lines compared in the back-test, and the fund outturn field each is read from.
BACKTEST_LINES = (
    "contributors", "beneficiaries", "contribution_income", "interest_income", "subsidy_income",
    "other_income", "total_income", "benefit_expenditure", "total_expenditure", "reserve_end",
)
_INCOME_LINES = ("contribution_income", "interest_income", "subsidy_income", "other_income")
_EXPENDITURE_LINES = ("benefit_expenditure", "other_expenditure")


@dataclass(frozen=True)
class BacktestRow:
    fund: str
    line: str
    projected: float
    actual: float
    source: str

    @property
    def error(self) -> float:
        return self.projected - self.actual

    @property
    def relative_error(self) -> float | None:
        return self.error / self.actual if self.actual else None


def _value(block: dict[str, Any], key: str) -> float:
    item = block.get(key)
    return float(item["value"]) if item else 0.0


def _derived(value: float, unit: str, source: str) -> dict[str, Any]:
    return {"value": round(value, 6), "unit": unit, "source": source}


def previous_year_fund(block: dict[str, Any], fund_label: str, indexation: float = 0.0) -> dict[str, Any]:
    """A fund's base-year figures for the year before, derived from this year's (see module).

    ``indexation`` is the rise this year of pensions already in payment (0 for the residents'
    fund, whose basic pension is a flat amount)."""
    for key in ("income_increase", "expenditure_increase"):
        if key not in block:
            raise YanglaoError(f"{fund_label}: the base year states no {key}; a back-test needs the "
                               "increases of total income and total expenditure over the year before")
    income = _value(block, "total_income") - _value(block, "income_increase")
    expenditure = _value(block, "total_expenditure") - _value(block, "expenditure_increase")
    income_now = sum(_value(block, k) for k in _INCOME_LINES)
    expenditure_now = sum(_value(block, k) for k in _EXPENDITURE_LINES)
    opening = _value(block, "reserve_end") - (income_now - expenditure_now)
    inc_src = f"derived: total_income − income_increase ({block['income_increase']['source']})"
    exp_src = f"derived: total_expenditure − expenditure_increase ({block['expenditure_increase']['source']})"
    out: dict[str, Any] = {
        "total_income": _derived(income, "万元", inc_src),
        "total_expenditure": _derived(expenditure, "万元", exp_src),
        "reserve_end": _derived(opening, "万元", "derived: the following year's opening reserve, "
                                "reserve_end − (income lines − expenditure lines)"),
    }
    for key in _INCOME_LINES:
        if key in block or key != "other_income":
            share = _value(block, key) / income_now if income_now else 0.0
            out[key] = _derived(income * share, "万元", f"judgment: total income split in the "
                                f"following year's proportions ({share:.4f})")
    for key in _EXPENDITURE_LINES:
        if key in block or key == "benefit_expenditure":
            share = _value(block, key) / expenditure_now if expenditure_now else 0.0
            out[key] = _derived(expenditure * share, "万元", f"judgment: total expenditure split in "
                                f"the following year's proportions ({share:.4f})")
    if "contributors" in block:
        out["contributors"] = _derived(_value(block, "contributors"), "人", "judgment: the following "
                                       "year's count (not stated for the year before)")
    spending_ratio = expenditure / _value(block, "total_expenditure")
    out["beneficiaries"] = _derived(
        round(_value(block, "beneficiaries") * spending_ratio * (1 + indexation)), "人",
        f"derived: the following year's count × expenditure ratio {spending_ratio:.4f} × "
        f"(1 + indexation {indexation:g}); the report attributes the rise in spending to more "
        "beneficiaries and higher pensions")
    return out


def previous_year_scenario(scenario: Scenario) -> Scenario:
    """The scenario moved back one base year, with figures derived from the stated increases."""
    base = scenario.meta.base_year
    data = copy.deepcopy(scenario.model_dump(mode="python", exclude_none=True))
    data["meta"]["base_year"] = base - 1
    data["meta"]["id"] = f"{scenario.meta.id}-backtest-{base - 1}"
    data["meta"]["title"] = {"zh": f"{scenario.meta.title.zh}（{base - 1}年回测基期）",
                             "en": f"{scenario.meta.title.en} (back-test from {base - 1})"}
    by = data["base_year"]
    by.pop("combined", None)
    for fund in ("civil_service", "residents"):
        if fund in by:
            idx = 0.0
            if fund == "civil_service":
                from model.scenario.schedule import step_values

                idx = float(step_values(scenario.policy.civil_service.indexation, [base])[0])
            by[fund] = previous_year_fund(by[fund], fund, idx)
    _start_schedules_earlier(data, base - 1)
    residents = data["policy"].get("residents")
    if residents and residents.get("funeral_grant_yuan") == "from_budget":
        # The budget it came from is the following year's: carry the grant it implies.
        from model.engine.basis import build_basis

        grant = next(c.value for c in build_basis(scenario, 1).calibration
                     if c.fund == "residents" and c.name == "funeral_grant_yuan")
        residents["funeral_grant_yuan"] = {
            "value": {base - 1: round(float(grant), 2)}, "unit": "元",
            "source": "derived: the grant implied by the following year's funeral budget"}
    economy = data["assumptions"]["economy"]
    wage = economy.get("average_wage_region_yuan")  # absent without a civil-service fund
    history = (economy.get("average_wage_region_history_yuan") or {}).get("value")
    if wage and isinstance(wage["value"], dict) and isinstance(history, dict) and (base - 1) in history:
        wage["value"] = {base - 1: history[base - 1], **wage["value"]}
    return Scenario.model_validate(data)


def _start_schedules_earlier(node: Any, year: int) -> None:
    """Schedules whose first stated year is after ``year`` start at ``year`` with their first value."""
    if isinstance(node, dict):
        value = node.get("value")
        if "source" in node and isinstance(value, dict) and value and all(isinstance(k, int) for k in value):
            first = min(value)
            if first > year:
                node["value"] = {year: value[first], **value}
        for v in node.values():
            _start_schedules_earlier(v, year)
    elif isinstance(node, list):
        for v in node:
            _start_schedules_earlier(v, year)


def backtest(scenario: Scenario) -> list[BacktestRow]:
    """Project the year-before scenario one year and compare each line with the outturn."""
    from model.engine.project import project

    earlier = previous_year_scenario(scenario)
    result = project(earlier, years=1)
    rows = []
    for fund in result.funds:
        stated = getattr(scenario.base_year, fund)
        for line in BACKTEST_LINES:
            figure = getattr(stated, line, None)
            if figure is None:
                continue
            projected = float(result.series(fund, line)[1])
            rows.append(BacktestRow(fund, line, projected, float(figure.value), figure.source))
    return rows
