"""Sensitivities for people: the sorted tables of effects and the break-even values, and the
rows of ``sensitivity.csv`` and ``break_even.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.sensitivity import Sensitivity
from model.output.labels import FUND_LABELS
from model.output.text import aligned


def sensitivity_rows(r: Sensitivity, lang: str = "en") -> list[dict[str, Any]]:
    """``sensitivity.csv``: one row per fund × shock, effects as differences from the baseline."""
    out = []
    for fund, rows in r.rows.items():
        for rank, row in enumerate(rows, start=1):
            shock = row["shock"]
            out.append({
                "fund": fund, "rank": rank, "shock": shock.name, "label": getattr(shock, lang),
                "step": shock.step,
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
    return [{"fund": "civil_service", "lever": e["lever"], "label": e[lang], "break_even_value": e["value"],
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
            table.append((getattr(s, lang), s.step, f"{row['need_down']:+,.2f}", f"{row['need_up']:+,.2f}",
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
            lines.append(f"  {e[lang]}: {v}  [{e['range'][0]:g}, {e['range'][1]:g}]")
    return "\n".join(lines)
