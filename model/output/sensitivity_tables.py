"""Sensitivities for people: the sorted tables of effects and the break-even values, and the
rows of ``sensitivity.csv`` and ``break_even.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.sensitivity import Sensitivity
from model.output.labels import FUND_LABELS
from model.output.text import aligned

#: Each shock of ``model.analysis.sensitivity.SHOCKS``: its name and its step in words.
SHOCK_NAMES: dict[str, dict[str, str]] = {
    "wage_growth": {"zh": "工资增长率", "en": "wage growth", "step": "±1 percentage point"},
    "interest": {"zh": "基金利率", "en": "interest on reserves", "step": "±1 percentage point"},
    "indexation": {"zh": "养老金调整率", "en": "pension indexation", "step": "±1 percentage point"},
    "mortality_improvement": {"zh": "死亡率改善", "en": "mortality improvement", "step": "±0.5 percentage point"},
    "contribution_rate": {"zh": "单位缴费率", "en": "employer contribution rate", "step": "±2 percentage points"},
    "retirement_age": {"zh": "法定退休年龄", "en": "statutory retirement age", "step": "±1 year"},
    "headcount_growth": {"zh": "在职人数增长率", "en": "headcount growth", "step": "±1% a year (from constant)"},
    "residents_pension": {"zh": "城乡居民基础养老金", "en": "residents' basic pension", "step": "±10 元/月"},
}

#: Each break-even lever of ``model.analysis.sensitivity.LEVERS``: its name in words.
LEVER_NAMES: dict[str, dict[str, str]] = {
    "contribution_rate_employer": {"zh": "单位缴费率", "en": "employer contribution rate"},
    "indexation": {"zh": "养老金调整率", "en": "pension indexation rate"},
    "headcount_growth": {"zh": "在职人数增长率", "en": "headcount growth"},
}


def shock_label(name: str, lang: str = "en") -> str:
    return SHOCK_NAMES[name][lang]


def shock_step(name: str) -> str:
    return SHOCK_NAMES[name]["step"]


def sensitivity_rows(r: Sensitivity, lang: str = "en") -> list[dict[str, Any]]:
    """``sensitivity.csv``: one row per fund × shock, effects as differences from the baseline."""
    out = []
    for fund, rows in r.rows.items():
        for rank, row in enumerate(rows, start=1):
            shock = row["shock"]
            out.append({
                "fund": fund, "rank": rank, "shock": shock.name, "label": shock_label(shock.name, lang),
                "step": shock_step(shock.name),
                "subsidy_need_10y_down": row["need_down"], "subsidy_need_10y_up": row["need_up"],
                "subsidy_paid_10y_down": row["paid_down"], "subsidy_paid_10y_up": row["paid_up"],
                "depletion_year_without_subsidy_down": row["depletion_down"],
                "depletion_year_without_subsidy_up": row["depletion_up"],
                "baseline_subsidy_need_10y": r.base_values[fund]["subsidy_need_10y"],
                "baseline_subsidy_paid_10y": r.base_values[fund]["subsidy_paid_10y"],
                "baseline_depletion_year_without_subsidy": r.base_values[fund]["depletion_year_without_subsidy"],
            })
    return out


def break_even_rows(r: Sensitivity, lang: str = "en") -> list[dict[str, Any]]:
    return [{"fund": "civil_service", "lever": e["lever"], "label": LEVER_NAMES[e["lever"]][lang], "break_even_value": e["value"],
             "searched_from": e["range"][0], "searched_to": e["range"][1],
             "target_subsidy_need_10y": e["target_10y"]} for e in r.break_even]


def format_sensitivity(r: Sensitivity, lang: str = "en") -> str:
    """Sorted tables of effects per fund, then the break-even values."""
    zh = lang == "zh"
    lines = []
    for fund, rows in r.rows.items():
        b = r.base_values[fund]
        dep = b["depletion_year_without_subsidy"]
        lines.append(f"{FUND_LABELS[fund][lang]}: " + (
            f"基准10年补贴需求 {b['subsidy_need_10y']:,.2f} 万元, 按规则补贴 {b['subsidy_paid_10y']:,.2f} 万元, 无补贴耗尽年份 {dep or '–'}"
            if zh else
            f"baseline 10-year subsidy need {b['subsidy_need_10y']:,.2f} 万元, paid under the rule "
            f"{b['subsidy_paid_10y']:,.2f} 万元, depletion with no subsidy {dep or '–'}"))
        head = ("冲击", "幅度", "需求(下)", "需求(上)", "补贴(下)", "补贴(上)", "耗尽(下)", "耗尽(上)") if zh else \
            ("shock", "step", "need down", "need up", "paid down", "paid up", "depl. down", "depl. up")
        table = [head]
        for row in rows:
            s = row["shock"]
            table.append((shock_label(s.name, lang), shock_step(s.name), f"{row['need_down']:+,.2f}", f"{row['need_up']:+,.2f}",
                          f"{row['paid_down']:+,.2f}", f"{row['paid_up']:+,.2f}",
                          str(row["depletion_down"] or "–"), str(row["depletion_up"] or "–")))
        lines += aligned(table, left=(0, 1), indent="  ")
        lines.append("")
    if r.break_even:
        target = r.break_even[0]["target_10y"]
        lines.append(("保持10年补贴需求为基期水平(10 × 基期补贴 = " if zh else
                      "Break-even: the value that keeps the civil-service 10-year subsidy need at its "
                      "base-year level (10 × base-year subsidy = ") + f"{target:,.2f} 万元):")
        for e in r.break_even:
            v = "not reached in the range searched" if e["value"] is None else f"{e['value']:.4f}"
            lines.append(f"  {LEVER_NAMES[e['lever']][lang]}: {v}  [{e['range'][0]:g}, {e['range'][1]:g}]")
    return "\n".join(lines)
