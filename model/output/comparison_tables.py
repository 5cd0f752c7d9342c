"""A comparison for people: the terminal table per fund and the rows of ``compare.csv``."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.analysis.compare import Comparison, Metric
from model.output.labels import FUND_LABELS
from model.output.text import aligned


def metric_label(m: Metric, lang: str = "en") -> str:
    """A metric's name for people, from its kind and its years or year."""
    n, y = m.years, m.year
    zh, en = {
        "depletion_year": ("基金耗尽年份(按补贴规则)", "depletion year (under the subsidy rule)"),
        "depletion_year_without_subsidy": ("基金耗尽年份(无财政补贴)", "depletion year with no subsidy"),
        "subsidy_need": (f"{n}年财政补贴需求", f"subsidy need over {n} years"),
        "subsidy_need_pv": (f"{n}年补贴需求现值", f"present value of the {n}-year subsidy need"),
        "subsidy_paid": (f"{n}年财政补贴(按规则)", f"subsidy paid over {n} years"),
        "reserve_end": (f"{y}年末滚存结余", f"reserve at the end of {y}"),
        "dependency_ratio": (f"{y}年抚养比", f"dependency ratio {y}"),
        "cost_rate": (f"{y}年成本费率(支出/缴费基数)", f"cost rate {y} (expenditure / contribution base)"),
        "contribution_rate": (f"{y}年缴费率合计", f"contribution rate {y} (employer + individual)"),
    }[m.kind]
    return zh if lang == "zh" else en


def short_names(c: Comparison, lang: str = "en") -> list[str]:
    """Column names: 'baseline' (基准) for the first, others by id less the first's id."""
    return ["基准" if lang == "zh" else "baseline", *c.short_ids()[1:]]


def comparison_long_rows(c: Comparison, lang: str = "en") -> list[dict[str, Any]]:
    """``compare.csv``: one row per fund × metric × scenario."""
    out = []
    for fund, rows in c.table.items():
        for row in rows:
            m = row["metric"]
            for sid, title, v, dv in zip(c.ids, c.titles(lang), row["values"], row["differences"], strict=True):
                out.append({"fund": fund, "metric": m.name, "label": metric_label(m, lang), "unit": m.unit,
                            "scenario": sid, "title": title, "value": v, "difference_from_first": dv})
    return out


def format_comparison(c: Comparison, lang: str = "en") -> str:
    """Terminal table per fund: metrics down, scenarios across; each cell after the first
    column also shows its difference from the first scenario in brackets."""
    names = short_names(c, lang)
    lines = []
    for i, (name, title) in enumerate(zip(names, c.titles(lang), strict=True)):
        lines.append(f"  [{i}] {name}: {title}")
    lines.append("")
    for fund, rows in c.table.items():
        unit_note = "万元" if lang == "zh" else "money in 万元"
        diff_note = "括号内为与基准之差" if lang == "zh" else "(Δ from the first scenario in brackets)"
        lines.append(f"{FUND_LABELS[fund][lang]} — {unit_note}; {diff_note}")
        header = ["", *names]
        body = []
        for row in rows:
            m = row["metric"]
            cells = [metric_label(m, lang), _fmt(row["values"][0], m.unit)]
            for v, d in zip(row["values"][1:], row["differences"][1:], strict=True):
                cells.append(f"{_fmt(v, m.unit)} ({_fmt(d, m.unit, signed=True)})" if d is not None
                             else _fmt(v, m.unit))
            body.append(cells)
        lines += aligned([header, *body])
        lines.append("")
    return "\n".join(lines)


def _fmt(v: float | None, unit: str, signed: bool = False) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    if unit == "年":
        return f"{v:+.0f}" if signed else f"{v:.0f}"
    if unit == "/1":
        return f"{v:+.3f}" if signed else f"{v:.3f}"
    return f"{v:+,.2f}" if signed else f"{v:,.2f}"
