"""A simulation for people: what its ranges are conditional on, and the headline sentences per
fund and year."""

from __future__ import annotations

import numpy as np

from model.analysis.simulate import Simulation
from model.output.labels import FUND_LABELS


#: What every simulated band is, in the words of the tables, charts and headers.
CONDITIONAL = {"zh": "情景假设下的模拟区间", "en": "simulated range, conditional on the scenario's assumptions"}


def simulation_text(sim: Simulation, lang: str = "zh") -> str:
    """One line: paths, seed, what the ranges are conditional on, and parameter uncertainty."""
    zh = lang == "zh"
    if zh:
        text = (f"{sim.paths}条模拟路径（随机种子{sim.seed}），金额单位万元。以下区间均为{CONDITIONAL['zh']}："
                "以情景的工资增长、物价、利率、死亡率改善和政策为中心，仅反映驱动因素围绕其波动及小人口的随机性，"
                "不是对情景假设本身的预测区间")
        if sim.parameter_uncertainty:
            rejected = sim.drivers.get("rejected_explosive_draws")
            text += ("；含参数不确定性（每条路径按估计协方差抽取VAR系数和死亡率趋势"
                     + (f"，舍弃并重抽{rejected}个不稳定的系数抽样）" if rejected is not None else "）"))
        return text
    text = (f"{sim.paths} simulated paths (seed {sim.seed}); money in 万元. Every range below is a "
            f"{CONDITIONAL['en']}: centred on the scenario's wage growth, inflation, interest, "
            "mortality improvement and policy, it shows the drivers' fluctuations about them and "
            "a small population's chance, not uncertainty about the assumptions themselves")
    if sim.parameter_uncertainty:
        rejected = sim.drivers.get("rejected_explosive_draws")
        text += ("; with parameter uncertainty (each path draws its VAR coefficients and mortality "
                 "drift from their estimated covariance"
                 + (f"; {rejected} explosive coefficient draws rejected and redrawn)" if rejected is not None
                    else ")"))
    return text


def format_simulation(sim: Simulation, lang: str = "zh") -> str:
    """Headline sentences and a percentile table for selected years."""
    zh = lang == "zh"
    base = int(sim.years[0])
    shown = [y for y in (base + 5, base + 10, base + 20, int(sim.years[-1])) if y <= sim.years[-1]]
    shown = list(dict.fromkeys(shown))
    lines = [simulation_text(sim, lang)]
    for fund in sim.funds:
        lines.append("")
        lines.append(FUND_LABELS[fund][lang])
        for y in shown:
            t = int(np.nonzero(sim.years == y)[0][0])
            series = sim.budget_series(fund)
            need = sim.percentiles(fund, series)[:, t]
            res = sim.percentiles(fund, "reserve_end")[:, t]
            what_zh = "补贴需求" if series == "subsidy_need" else "按规则拨付的财政补贴"
            what_en = "subsidy need" if series == "subsidy_need" else "subsidy paid under the rule"
            p_rule = sim.depletion_probability(fund)[t]
            p_none = sim.depletion_probability(fund, without_subsidy=True)[t]
            if zh:
                lines.append(f"  {y}年：{what_zh}的{CONDITIONAL['zh']}（5%–95%）为 {need[0]:,.2f} 至 "
                             f"{need[-1]:,.2f}（中位数 {need[2]:,.2f}）；年末结余中位数 {res[2]:,.2f}"
                             f"（5%–95%：{res[0]:,.2f} 至 {res[-1]:,.2f}）；到{y}年基金耗尽的模拟路径占比 "
                             f"{100 * p_rule:.1f}%（无财政补贴时 {100 * p_none:.1f}%）")
            else:
                lines.append(f"  {y}: {what_en} {need[0]:,.2f} to {need[-1]:,.2f} (5–95%, "
                             f"{CONDITIONAL['en']}; median {need[2]:,.2f}); reserve median "
                             f"{res[2]:,.2f} (5–95%: {res[0]:,.2f} to {res[-1]:,.2f}); share of paths "
                             f"with the reserve exhausted by {y}: {100 * p_rule:.1f}% "
                             f"({100 * p_none:.1f}% with no subsidy)")
    return "\n".join(lines)
