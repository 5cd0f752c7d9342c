"""Sensitivities for people: the sorted tables of effects and the break-even values, and the
rows of ``sensitivity.csv`` and ``break_even.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.sensitivity import Sensitivity
from model.output.labels import FUND_LABELS
from model.output.text import fitted

#: Each shock of ``model.analysis.sensitivity.SHOCKS``: its name and its step in words (``pp`` is a
#: percentage point, said once in the English table's note).
SHOCK_NAMES: dict[str, dict[str, str]] = {
    "wage_growth": {"zh": "工资增长率", "en": "wage growth", "step_zh": "±1个百分点", "step_en": "±1 pp"},
    "interest": {"zh": "基金利率", "en": "interest on reserves", "step_zh": "±1个百分点", "step_en": "±1 pp"},
    "indexation": {"zh": "养老金调整率", "en": "pension indexation", "step_zh": "±1个百分点", "step_en": "±1 pp"},
    "mortality_improvement": {"zh": "死亡率改善", "en": "mortality improvement", "step_zh": "±0.5个百分点",
                              "step_en": "±0.5 pp"},
    "contribution_rate": {"zh": "单位缴费率", "en": "employer contribution rate", "step_zh": "±2个百分点",
                          "step_en": "±2 pp"},
    "retirement_age": {"zh": "法定退休年龄", "en": "statutory retirement age", "step_zh": "±1岁", "step_en": "±1 year"},
    "headcount_growth": {"zh": "在职人数增长率", "en": "headcount growth", "step_zh": "每年±1%（基准不变）",
                         "step_en": "±1%/year (from 0)"},
    "residents_pension": {"zh": "城乡居民基础养老金", "en": "residents' basic pension", "step_zh": "±10元/月",
                          "step_en": "±10 yuan/month"},
}

#: Each break-even lever of ``model.analysis.sensitivity.LEVERS``: its name in words.
LEVER_NAMES: dict[str, dict[str, str]] = {
    "contribution_rate_employer": {"zh": "单位缴费率", "en": "employer contribution rate"},
    "indexation": {"zh": "养老金调整率", "en": "pension indexation rate"},
    "headcount_growth": {"zh": "在职人数增长率", "en": "headcount growth"},
}


def shock_label(name: str, lang: str = "zh") -> str:
    """A shock's name in ``lang``."""
    return SHOCK_NAMES[name][lang if lang in ("zh", "en") else "en"]


def shock_step(name: str, lang: str = "en") -> str:
    """A shock's size in ``lang`` ("±1个百分点", "±1 pp")."""
    return SHOCK_NAMES[name]["step_zh" if lang == "zh" else "step_en"]


def shock_with_step(name: str, lang: str = "zh") -> str:
    """A shock's name with its size, for a chart's bar: "工资增长率 ±1个百分点"."""
    return f"{shock_label(name, lang)} {shock_step(name, lang)}"


def percent(x: float | None, lang: str = "zh") -> str:
    """A break-even value (a rate as a fraction) as a percentage with 2 decimals.

    >>> percent(0.24), percent(-0.0068), percent(None, "en")
    ('24.00%', '-0.68%', 'not reached in the range searched')
    """
    if x is None:
        return "在搜索范围内未达到" if lang == "zh" else "not reached in the range searched"
    return f"{100 * x:.2f}%"


def sensitivity_rows(r: Sensitivity, lang: str = "en") -> list[dict[str, Any]]:
    """``sensitivity.csv``: one row per fund × shock, effects as differences from the baseline."""
    out = []
    for fund, rows in r.rows.items():
        for rank, row in enumerate(rows, start=1):
            shock = row["shock"]
            out.append({
                "fund": fund, "rank": rank, "shock": shock.name, "label": shock_label(shock.name, lang),
                "step": shock_step(shock.name, lang),
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


def _year(y: int | None) -> str:
    return "–" if y is None else str(y)


def format_sensitivity(r: Sensitivity, lang: str = "zh") -> str:
    """Sorted tables of effects per fund, then the break-even values as percentages; no line
    wider than 120 columns."""
    zh = lang == "zh"
    lines = ([
        "敏感性分析：每次只改变一项假设，金额单位万元，为较基准的变化。需求＝10年财政补贴需求，"
        "拨付＝10年按补贴规则",
        "拨付的财政补贴，耗尽＝无财政补贴时基金耗尽年份；（下）（上）为假设下调、上调。",
    ] if zh else [
        "Sensitivity: one assumption changed at a time; money in 10,000 yuan, as differences from the baseline.",
        "need = 10-year subsidy need, paid = 10-year subsidy paid under the rule, depl. = depletion year with no",
        "subsidy; − and + = the assumption lowered and raised; pp = percentage point.",
    ])
    for fund, rows in r.rows.items():
        b = r.base_values[fund]
        dep = _year(b["depletion_year_without_subsidy"])
        lines.append("")
        lines.append(FUND_LABELS[fund][lang])
        lines.append("  " + (
            f"基准：10年财政补贴需求 {b['subsidy_need_10y']:,.2f} 万元，按补贴规则拨付 "
            f"{b['subsidy_paid_10y']:,.2f} 万元，无财政补贴时{dep}年耗尽"
            if zh else
            f"baseline: 10-year subsidy need {b['subsidy_need_10y']:,.2f}, paid under the rule "
            f"{b['subsidy_paid_10y']:,.2f}, depletion with no subsidy {dep}"))
        head = ("假设", "幅度", "需求(下)", "需求(上)", "拨付(下)", "拨付(上)", "耗尽(下)", "耗尽(上)") if zh else \
            ("shock", "step", "need −", "need +", "paid −", "paid +", "depl. −", "depl. +")
        table = [head]
        for row in rows:
            s = row["shock"]
            table.append((shock_label(s.name, lang), shock_step(s.name, lang),
                          f"{row['need_down'] + 0.0:+,.2f}", f"{row['need_up'] + 0.0:+,.2f}",
                          f"{row['paid_down'] + 0.0:+,.2f}", f"{row['paid_up'] + 0.0:+,.2f}",
                          _year(row["depletion_down"]), _year(row["depletion_up"])))
        lines += fitted(table, left=(0, 1), indent="  ")
    if r.break_even:
        target = r.break_even[0]["target_10y"]
        lines.append("")
        lines += ([f"保本值：使机关事业单位10年财政补贴需求保持基期水平（基期财政补贴的10倍，{target:,.2f} 万元）的参数值"]
                  if zh else
                  ["Break-even: the value that keeps the civil-service fund's 10-year subsidy need at its base-year",
                   f"level (10 × the base-year subsidy = {target:,.2f})"])
        levers: list[tuple[str, ...]] = [("参数", "保本值", "搜索范围") if zh else
                                         ("lever", "break-even value", "range searched")]
        for e in r.break_even:
            lo, hi = e["range"]
            levers.append((LEVER_NAMES[e["lever"]][lang], percent(e["value"], lang),
                          f"{percent(lo)} 至 {percent(hi)}" if zh else f"{percent(lo)} to {percent(hi)}"))
        lines += fitted(levers, left=(0,), indent="  ")
    return "\n".join(line.rstrip() for line in lines)
