"""A budget for people: the terminal tables of budget lines and performance targets, and the
rows of ``budget.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.budget import Budget
from model.output.labels import FUND_LABELS
from model.output.text import aligned


def budget_rows(b: Budget, lang: str = "en") -> list[dict[str, Any]]:
    """``budget.csv``: one row per fund (and combined) × line."""
    return [{"fund": x.fund, "line": x.key, "label": (x.zh if lang == "zh" else x.en).strip(),
             "budget": x.budget, "low_5pct_given_scenario": x.low, "high_95pct_given_scenario": x.high,
             "band_probability": x.band_probability, "best_budget_for_band": x.best_budget,
             "flag": "unlikely" if x.flagged else ""} for x in b.lines]


def format_budget(b: Budget, lang: str = "zh") -> str:
    """Terminal tables: budget lines with intervals and band probabilities, then the targets."""
    zh = lang == "zh"
    names = {**{f: FUND_LABELS[f][lang] for f in FUND_LABELS}, "combined": "两项基金合计" if zh else "both funds"}
    lines = [(f"{b.year}年预算（万元）；区间为情景假设下的模拟区间（5%–95%），概率为执行率落在90%–110%的"
              f"模拟占比（{b.paths}次模拟，均以情景假设为条件）"
              if zh else f"Budget {b.year} (万元); ranges are simulated 5–95% ranges, conditional on the "
              f"scenario's assumptions; probability that execution lands in 90%–110% "
              f"({b.paths} simulated outturns, on the same condition)")]
    head = ("项目", "预算", "区间下限", "区间上限", "落入区间概率", "最优预算", "") if zh else \
        ("line", "budget", "low", "high", "P(in band)", "best budget", "")
    for fund in dict.fromkeys(x.fund for x in b.lines):
        lines.append("")
        lines.append(names[fund])
        rows = [head]
        for x in (x for x in b.lines if x.fund == fund):
            digits = 0 if x.kind == "people" else 2
            # + 0.0 turns a negative zero into zero
            rows.append(((x.zh if zh else x.en), f"{x.budget + 0.0:,.{digits}f}", f"{x.low + 0.0:,.{digits}f}",
                         f"{x.high + 0.0:,.{digits}f}",
                         "" if x.band_probability is None else f"{100 * x.band_probability:.1f}%",
                         "" if x.best_budget is None else f"{x.best_budget:,.2f}",
                         ("⚠ 不大可能" if zh else "⚠ unlikely") if x.flagged else ""))
        lines += aligned(rows, left=(0, 6), indent="  ")
    lines.append("")
    lines.append("绩效目标" if zh else "Performance targets")
    for t in b.targets:
        proj = "" if t["projected"] is None else (f"{t['projected']:,.0f}" if t["unit"] == "人"
                                                 else f"{t['projected']:.1f}")
        label = t["indicator_zh"] if zh else t["indicator_en"]
        lines.append(f"  {names[t['fund']]} | {label}: {t['target'] or '–'} | "
                     f"{'预测' if zh else 'projected'} {proj or '–'} {t['unit'] if proj else ''}")
    return "\n".join(lines)
