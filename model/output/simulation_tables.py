"""A simulation for people: what its ranges are conditional on, and a table per fund of the
selected years (no line wider than 120 columns).

The band of a simulation is the range of its simulated outcomes, the 5th to the 95th percentile
of the paths given the scenario's assumptions: a 预测区间 / "simulated range (5%–95%)", not a
confidence interval of an estimate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.analysis.simulate import Simulation
from model.output.labels import FUND_LABELS
from model.output.text import aligned, display_width, pad

#: What every simulated band is, in the words of the tables, charts and headers.
CONDITIONAL = {"zh": "预测区间（5%–95%，以情景假设为条件）",
               "en": "simulated range (5%–95%), conditional on the scenario's assumptions"}


def simulation_text(sim: Simulation, lang: str = "zh") -> str:
    """What the ranges are: paths, seed, what they are conditional on, and parameter uncertainty
    (lines no wider than 120 columns)."""
    zh = lang == "zh"
    if zh:
        text = (f"{sim.paths}条模拟路径（随机种子{sim.seed}），金额单位万元。预测区间为模拟结果的5%至95%分位，"
                "以情景假设为条件：\n以情景的工资增长、物价、利率、死亡率改善和政策为中心，只反映驱动因素围绕这些假设的"
                "波动和小人口的随机性，\n不反映情景假设本身的不确定性")
        if sim.parameter_uncertainty:
            rejected = sim.drivers.get("rejected_explosive_draws")
            text += ("；含参数不确定性（每条路径按估计协方差抽取向量自回归模型系数和死亡率趋势"
                     + (f"，\n舍弃并重抽{rejected}个不稳定的系数抽样）" if rejected is not None else "）"))
        return text + "。"
    text = (f"{sim.paths} simulated paths (seed {sim.seed}); money in 10,000 yuan. Every range is a simulated "
            "range (5%–95%),\nconditional on the scenario's assumptions: centred on the scenario's wage growth, "
            "inflation, interest,\nmortality improvement and policy, it shows the drivers' fluctuations about them "
            "and a small population's\nchance, not uncertainty about the assumptions themselves")
    if sim.parameter_uncertainty:
        rejected = sim.drivers.get("rejected_explosive_draws")
        text += ("; with parameter uncertainty\n(each path draws its VAR coefficients and mortality "
                 "drift from their estimated covariance"
                 + (f"; {rejected} explosive\ncoefficient draws rejected and redrawn)" if rejected is not None
                    else ")"))
    return text + "."


def shown_years(sim: Simulation, years: Sequence[int] | None = None) -> list[int]:
    """The years of the table: those asked for that the simulation holds, else 5, 10 and 20 years
    after the base year and the last year."""
    held = [int(y) for y in sim.years]
    if years:
        return [y for y in dict.fromkeys(int(y) for y in years) if y in held]
    base = held[0]
    return [y for y in dict.fromkeys((base + 5, base + 10, base + 20, held[-1])) if y in held]


def _money(x: float) -> str:
    text = f"{x:,.2f}"
    return text.lstrip("-") if text.lstrip("-") == "0.00" else text


def _grouped_header(widths: list[int], groups: list[tuple[str, int, int]]) -> str:
    """A line of group names over the columns ``first``–``last`` of a table of ``widths``
    (columns two spaces apart, as :func:`model.output.text.aligned` lays them out)."""
    starts = [sum(w + 2 for w in widths[:i]) for i in range(len(widths))]
    line = ""
    for name, first, last in groups:
        span = starts[last] + widths[last] - starts[first]
        line = pad(line, starts[first], True) + pad(name, span, False)
    return line


def format_simulation(sim: Simulation, lang: str = "zh", years: Sequence[int] | None = None) -> str:
    """What the ranges are, then per fund a table of the selected years: the subsidy and the
    reserve (5%, median, 95%) and the share of paths with the reserve exhausted by then."""
    zh = lang == "zh"
    lines = [*simulation_text(sim, lang).splitlines()]
    for fund in sim.funds:
        series = sim.budget_series(fund)
        if zh:
            what = "财政补贴需求" if series == "subsidy_need" else "按规则拨付的财政补贴"
            head = ("年份", "5%", "中位数", "95%", "5%", "中位数", "95%", "按规则", "无财政补贴")
            groups = [(what, 1, 3), ("年末滚存结余", 4, 6), ("基金耗尽的路径占比", 7, 8)]
        else:
            what = "subsidy need" if series == "subsidy_need" else "subsidy paid under the rule"
            head = ("year", "5%", "median", "95%", "5%", "median", "95%", "under rule", "no subsidy")
            groups = [(what, 1, 3), ("reserve at year end", 4, 6), ("paths exhausted by then", 7, 8)]
        need = sim.percentiles(fund, series)
        res = sim.percentiles(fund, "reserve_end")
        p_rule = sim.depletion_probability(fund)
        p_none = sim.depletion_probability(fund, without_subsidy=True)
        rows: list[tuple[str, ...]] = [head]
        for y in shown_years(sim, years):
            t = int(np.nonzero(sim.years == y)[0][0])
            rows.append((f"{y}年" if zh else str(y), _money(need[0, t]), _money(need[2, t]), _money(need[-1, t]),
                         _money(res[0, t]), _money(res[2, t]), _money(res[-1, t]),
                         f"{100 * p_rule[t]:.1f}%", f"{100 * p_none[t]:.1f}%"))
        table = aligned(rows, left=(0,), indent="  ")
        widths = [max(display_width(r[i]) for r in rows) for i in range(len(head))]
        # the group names may be wider than their columns: widen the first column of each group
        for name, first, last in groups:
            span = sum(widths[first:last + 1]) + 2 * (last - first)
            if display_width(name) > span:
                widths[first] += display_width(name) - span
        if widths != [max(display_width(r[i]) for r in rows) for i in range(len(head))]:
            rows = [tuple(pad(c, widths[i], i in (0,)) for i, c in enumerate(r)) for r in rows]
            table = aligned(rows, left=(0,), indent="  ")
        lines.append("")
        lines.append(FUND_LABELS[fund][lang] + ("：预测区间（5%–95%）和中位数" if zh else
                                               ": simulated range (5%–95%) and median"))
        lines.append(("  " + _grouped_header(widths, groups)).rstrip())
        lines += [line.rstrip() for line in table]
    return "\n".join(lines)
