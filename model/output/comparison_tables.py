"""A comparison for people: the terminal table per fund (one row per scenario, at most 120
columns wide, in Chinese by default or English) and the rows of ``compare.csv``."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.analysis.compare import Comparison, Metric
from model.output.labels import FUND_LABELS
from model.output.text import MAX_WIDTH, fitted, wrapped


def metric_label(m: Metric, lang: str = "en") -> str:
    """A metric's name for people, from its kind and its years or year."""
    n, y = m.years, m.year
    zh, en = {
        "depletion_year": ("基金耗尽年份(按补贴规则)", "depletion year (under the subsidy rule)"),
        "depletion_year_without_subsidy": (
            "基金耗尽年份(无财政补贴)",
            "depletion year with no subsidy",
        ),
        "subsidy_need": (f"{n}年财政补贴需求", f"subsidy need over {n} years"),
        "subsidy_need_pv": (f"{n}年补贴需求现值", f"present value of the {n}-year subsidy need"),
        "subsidy_paid": (f"{n}年财政补贴(按规则)", f"subsidy paid over {n} years"),
        "reserve_end": (f"{y}年末滚存结余", f"reserve at the end of {y}"),
        "dependency_ratio": (f"{y}年抚养比", f"dependency ratio {y}"),
        "cost_rate": (
            f"{y}年成本费率(支出/缴费基数)",
            f"cost rate {y} (expenditure / contribution base)",
        ),
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
            for sid, title, v, dv in zip(
                c.ids, c.titles(lang), row["values"], row["differences"], strict=True
            ):
                out.append(
                    {
                        "fund": fund,
                        "metric": m.name,
                        "label": metric_label(m, lang),
                        "unit": m.unit,
                        "scenario": sid,
                        "title": title,
                        "value": v,
                        "difference_from_first": dv,
                    }
                )
    return out


def metric_header(m: Metric, lang: str = "zh") -> tuple[str, str]:
    """A metric's header in two lines, the period over the measure, so that a table of many
    metrics stays narrow.

    >>> metric_header(Metric("subsidy_need_5y", "subsidy_need", "万元", years=5))
    ('今后5年', '财政补贴需求')
    >>> metric_header(Metric("reserve_end_2026", "reserve_end", "万元", year=2026), "en")
    ('2026', 'reserve')
    """
    n, y = m.years, m.year
    zh, en = {
        "depletion_year": (("基金耗尽年份", "按补贴规则"), ("depletion year", "under the rule")),
        "depletion_year_without_subsidy": (
            ("基金耗尽年份", "无财政补贴"),
            ("depletion year", "with no subsidy"),
        ),
        "subsidy_need": ((f"今后{n}年", "财政补贴需求"), (f"over {n} years", "subsidy need")),
        "subsidy_need_pv": ((f"今后{n}年", "补贴需求现值"), (f"over {n} years", "need, PV")),
        "subsidy_paid": ((f"今后{n}年", "按规则补贴"), (f"over {n} years", "subsidy paid")),
        "reserve_end": ((f"{y}年", "年末滚存结余"), (f"{y}", "reserve")),
        "dependency_ratio": ((f"{y}年", "抚养比"), (f"{y}", "dependency")),
        "cost_rate": ((f"{y}年", "成本费率"), (f"{y}", "cost rate")),
        "contribution_rate": ((f"{y}年", "缴费率合计"), (f"{y}", "contrib. rate")),
    }[m.kind]
    return zh if lang == "zh" else en


#: Notes under a fund's block for the metrics whose short header needs a word.
METRIC_NOTES = {
    "cost_rate": {
        "zh": "成本费率 = 支出 / 缴费基数",
        "en": "cost rate = expenditure / contribution base",
    },
    "contribution_rate": {
        "zh": "缴费率合计 = 单位 + 个人缴费比例",
        "en": "contrib. rate = employer + individual contribution rate",
    },
    "subsidy_need_pv": {
        "zh": "补贴需求现值：按基金利率折现",
        "en": "need, PV: the subsidy need discounted at the fund's interest rate",
    },
}


def format_comparison(c: Comparison, lang: str = "zh", width: int = MAX_WIDTH) -> str:
    """The comparison for a terminal: a legend of the scenarios, then one block per fund with
    one row per scenario and the metrics across (two header lines: the period, the measure);
    each cell after the first row also shows its difference from the first scenario in
    brackets. A block wider than ``width`` columns is cut into blocks that repeat the scenario
    column (:func:`model.output.text.fitted`)."""
    zh = lang == "zh"
    names = short_names(c, lang)
    labels = [f"[{i}] {name}" for i, name in enumerate(names)]
    lines = []
    for label, title in zip(labels, c.titles(lang), strict=True):
        lines += wrapped(f"{label}{'：' if zh else ': '}{title}", "  ", "      ", width)
    lines.append("")
    for fund, rows in c.table.items():
        title = FUND_LABELS[fund][lang]
        lines.append(
            f"{title}（金额：万元；括号内为与基准之差）"
            if zh
            else f"{title} (money in 万元; difference from the first scenario in brackets)"
        )
        metrics = [row["metric"] for row in rows]
        heads = [metric_header(m, lang) for m in metrics]
        table = [
            ["", *(h[0] for h in heads)],
            ["情景" if zh else "scenario", *(h[1] for h in heads)],
        ]
        for i, label in enumerate(labels):
            cells = [label]
            for row in rows:
                m, v, d = row["metric"], row["values"][i], row["differences"][i]
                if i == 0 or d is None:
                    cells.append(_fmt(v, m.unit))
                else:
                    cells.append(f"{_fmt(v, m.unit)} ({_fmt(d, m.unit, signed=True)})")
            table.append(cells)
        lines += fitted(table, left=(0,), max_width=width)
        notes = [METRIC_NOTES[k][lang] for k in METRIC_NOTES if any(m.kind == k for m in metrics)]
        if notes:
            lines += wrapped(
                ("注：" if zh else "Note: ") + ("；" if zh else "; ").join(notes), "", "", width
            )
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
