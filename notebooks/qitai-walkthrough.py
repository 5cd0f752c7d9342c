# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 奇台县两项养老保险基金：给预算分析人员的演示
# # Qitai County's two pension funds: a walkthrough for the budget analyst
#
# 本笔记本只用本软件包讲述奇台县的情况：2021年自评报告及其自相矛盾之处、基准预测、2019年降费和
# 2025年延迟退休对县级财政意味着什么、财政补贴需求有多不确定，以及下一年度的预算。金额单位为万元，
# 人数单位为人。在 Jupyter 中打开（见 README「演示笔记本」一节的命令），或作为脚本运行：
# `python notebooks/qitai-walkthrough.py`。测试会运行本笔记本，因此它不会与代码脱节。
#
# This notebook tells the Qitai story with the package alone: the 2021 report and where it
# disagrees with itself, the baseline projection, what the 2019 fee cut and the 2025 retirement
# reform mean for the county budget, how uncertain the subsidy need is, and next year's budget.
# Money is in 万元 (10,000 yuan), heads in persons. Open it in Jupyter with the one command of the
# README ("The walkthrough notebook"), or run it as a script: `python
# notebooks/qitai-walkthrough.py`. The test suite runs it, so it cannot fall out of step with the
# code.

# %%
from pathlib import Path

from model.analysis.budget import make_budget
from model.analysis.compare import compare
from model.analysis.consistency import check_base_year
from model.analysis.simulate import PERCENTILES, simulate
from model.engine.project import project
from model.output.budget_tables import line_label
from model.output.charts import fan_chart, paths_chart
from model.output.check_report import format_findings
from model.output.comparison_tables import format_comparison
from model.output.labels import FUND_LABELS, FUND_SHORT, zh_frame
from model.output.report import format_calibration, format_headline
from model.output.simulation_tables import format_simulation
from model.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1] if "__file__" in globals() else Path.cwd().parent
qitai = load_scenario(ROOT / "scenarios" / "qitai-2021.yaml")

# %% [markdown]
# ## 1. 基期数据，以及报告自相矛盾之处 / The base year, and where the report disagrees with itself
#
# 2021年自评报告的每个数字都连同出处原句记录在情景文件中。`check_base_year` 重新核算这些数字之间
# 的每一个恒等关系。
#
# Every figure of the 2021 self-evaluation report is recorded in the scenario with the sentence
# it came from. `check_base_year` recomputes every identity among them.

# %%
findings = check_base_year(qitai)
print(format_findings(findings))
disagreements = [f for f in findings if not f.agrees]
assert disagreements, "the Qitai report is known to disagree with itself"

# %% [markdown]
# 机关事业单位基金报告的当年结余（−174.28）与其收入（29,709.01）和支出（30,150.48）对不上；
# 抚养比1.73也不等于6,816 / 4,167。模型采用能够相互吻合的数字，并把报告的决算数复现到0.01万元：
#
# The civil-service fund's stated balance (−174.28) does not follow from its income (29,709.01)
# and expenditure (30,150.48); the dependency ratio 1.73 is not 6,816 / 4,167. The engine uses
# the figures that add up, and reproduces the report's outturn to 0.01 万元:

# %%
baseline = project(qitai)
print(format_calibration(baseline))

# %% [markdown]
# ## 2. 基准预测 / The baseline projection
#
# 先看结论：下一年度的财政补贴及各级财政的分担，然后是逐年的预测表（中文列名）。
#
# The headline first: next year's subsidy and who pays it, then the projection year by year
# (columns labelled in Chinese).

# %%
print(format_headline(baseline))
frame = zh_frame(baseline.to_frame(), qitai)
frame[frame["基金"] == "civil_service"].head(10)

# %% [markdown]
# ## 3. 2019年降费与2025年延迟退休 / The 2019 fee cut and the 2025 retirement reform
#
# 每个问题是一个很小的变体文件（`scenarios/variants/`），所有情景在一次批量运算中一起预测。
# 图中是机关事业单位基金在三个情景下按规则拨付的财政补贴。
#
# Each question is a small variant file (`scenarios/variants/`); all are projected in one
# batched run. The chart shows the civil-service fund's subsidy under the three scenarios.

# %%
variants = ROOT / "scenarios" / "variants"
comparison = compare(
    [
        qitai,
        load_scenario(variants / "no-fee-cut.yaml"),
        load_scenario(variants / "no-retirement-reform.yaml"),
    ]
)
print(format_comparison(comparison, lang="zh"))
cs = {row["metric"].name: row for row in comparison.table["civil_service"]}
fee_cut_cost_10y = -cs["subsidy_need_10y"]["differences"][1]
reform_relief_10y = cs["subsidy_need_10y"]["differences"][2]
print(
    f"降费使县级财政10年多负担 {fee_cut_cost_10y:,.2f} 万元；"
    f"延迟退休为其减轻 {reform_relief_10y:,.2f} 万元。"
)
subsidy = comparison.projection.funds["civil_service"]["subsidy_income"]
subsidy_chart = paths_chart(
    comparison.projection.years,
    {title: subsidy[b] for b, title in enumerate(comparison.titles("zh"))},
    f"{FUND_LABELS['civil_service']['zh']}：财政补贴（按规则拨付）",
    "万元",
)
subsidy_chart  # noqa: B018 (the cell shows the chart)

# %% [markdown]
# ## 4. 财政补贴需求有多不确定？ / How uncertain is the subsidy need?
#
# 工资增长、物价和利率服从按全国历史数据拟合的向量自回归（VAR）；死亡率改善服从按预期寿命拟合的
# 随机游走；一个约7,000名参保职工的县里，死亡和退休人数本身也是随机的。扇形图显示其分布范围
# （以情景假设为条件的模拟区间）。
#
# Wage growth, prices and interest follow a VAR fitted to the national history; mortality
# improvement a random walk fitted to life expectancy; deaths and retirements in a county of
# 7,000 contributors are counts with their own chance. The fan chart shows the spread (simulated
# ranges, conditional on the scenario's assumptions).

# %%
sim = simulate(qitai, paths=500, seed=1)
print(format_simulation(sim, lang="zh"))
fan = fan_chart(
    sim.years,
    sim.percentiles("civil_service", "subsidy_need"),
    PERCENTILES,
    f"{FUND_LABELS['civil_service']['zh']}：财政补贴需求",
    "万元",
    deterministic=baseline.funds["civil_service"]["subsidy_need"][0],
)
fan  # noqa: B018 (the cell shows the chart)

# %% [markdown]
# ## 5. 下一年度预算 / Next year's budget
#
# 2022年各预算科目、90%区间，以及每个科目落在县绩效目标设定的90%–110%执行区间内的概率。
#
# The budget lines of 2022, with 90% intervals and the probability that each lands in the
# 90%–110% execution band the county's performance targets set.

# %%
budget = make_budget(qitai, 2022, paths=500, seed=1)
for line in budget.lines:
    if (
        line.fund != "combined"
        and line.band_probability is not None
        and line.key.endswith(("income", "expenditure"))
    ):
        flag = "  ⚠ 不太可能落在执行区间内" if line.flagged else ""
        print(
            f"{FUND_SHORT[line.fund]['zh']:6s} {line_label(line.key, 'zh').strip():10s} "
            f"{line.budget:12,.2f}  落在区间内的概率 {100 * line.band_probability:5.1f}%  "
            f"最优预算 {line.best_budget:12,.2f}{flag}"
        )
