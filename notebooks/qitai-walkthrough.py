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
# # Qitai County's two pension funds: a walkthrough for the budget analyst
#
# This notebook tells the Qitai story with the package alone: the 2021 report and where it
# disagrees with itself, the baseline projection, what the 2019 fee cut and the 2025 retirement
# reform mean for the county budget, how uncertain the subsidy need is, and next year's budget.
# Money is in 万元 (10,000 yuan). Open it in Jupyter with jupytext (`pip install jupytext`), or
# run it as a script: `python notebooks/qitai-walkthrough.py`. The test suite runs it, so it
# cannot fall out of step with the code.

# %%
import os
import tempfile
from pathlib import Path

from model.analysis.budget import make_budget
from model.analysis.compare import compare
from model.output.comparison_tables import format_comparison
from model.analysis.consistency import check_base_year
from model.output.budget_tables import line_label
from model.output.check_report import format_findings
from model.engine.project import project
from model.output.labels import zh_frame
from model.output.report import format_calibration, format_headline
from model.scenario.load import load_scenario
from model.analysis.simulate import simulate
from model.output.simulation_tables import format_simulation

ROOT = Path(__file__).resolve().parents[1] if "__file__" in globals() else Path.cwd().parent
OUT = Path(os.environ.get("YANGLAO_NOTEBOOK_OUT", tempfile.mkdtemp(prefix="yanglao-walkthrough-")))
qitai = load_scenario(ROOT / "scenarios" / "qitai-2021.yaml")

# %% [markdown]
# ## 1. The base year, and where the report disagrees with itself
#
# Every figure of the 2021 self-evaluation report is recorded in the scenario with the sentence
# it came from. `check_base_year` recomputes every identity among them.

# %%
findings = check_base_year(qitai)
print(format_findings(findings))
disagreements = [f for f in findings if not f.agrees]
assert disagreements, "the Qitai report is known to disagree with itself"

# %% [markdown]
# The civil-service fund's stated balance (−174.28) does not follow from its income (29,709.01)
# and expenditure (30,150.48); the dependency ratio 1.73 is not 6,816 / 4,167. The engine uses
# the figures that add up, and reproduces the report's outturn to 0.01 万元:

# %%
baseline = project(qitai)
print(format_calibration(baseline))

# %% [markdown]
# ## 2. The baseline projection

# %%
print(format_headline(baseline))
frame = zh_frame(baseline.to_frame())
frame[frame["基金"] == "civil_service"].head(10)

# %% [markdown]
# ## 3. The 2019 fee cut and the 2025 retirement reform
#
# Each question is a small variant file; all are projected in one batched run.

# %%
variants = ROOT / "scenarios" / "variants"
comparison = compare([qitai, load_scenario(variants / "no-fee-cut.yaml"),
                      load_scenario(variants / "no-retirement-reform.yaml")])
print(format_comparison(comparison, lang="zh"))
cs = {row["metric"].name: row for row in comparison.table["civil_service"]}
fee_cut_cost_10y = -cs["subsidy_need_10y"]["differences"][1]
reform_relief_10y = cs["subsidy_need_10y"]["differences"][2]
print(f"The fee cut costs the county {fee_cut_cost_10y:,.2f} 万元 over ten years; the retirement "
      f"reform saves it {reform_relief_10y:,.2f} 万元.")

# %% [markdown]
# ## 4. How uncertain is the subsidy need?
#
# Wage growth, prices and interest follow a VAR fitted to the national history; mortality
# improvement a random walk fitted to life expectancy; deaths and retirements in a county of
# 7,000 contributors are counts with their own chance. The fan chart shows the spread.

# %%
sim = simulate(qitai, paths=500, seed=1)
print(format_simulation(sim, lang="zh"))
from model.output.charts import plot_fan  # noqa: E402
from model.analysis.simulate import PERCENTILES  # noqa: E402

fan = plot_fan(sim.years, sim.percentiles("civil_service", "subsidy_need"), PERCENTILES,
               "机关事业单位基本养老保险基金 财政补贴需求", "万元", OUT / "fan_subsidy_need.png",
               deterministic=baseline.funds["civil_service"]["subsidy_need"][0])
print(f"fan chart: {fan}")

# %% [markdown]
# ## 5. Next year's budget
#
# The budget lines of 2022, with 90% intervals and the probability that each lands in the
# 90%–110% execution band the county's performance targets set.

# %%
budget = make_budget(qitai, 2022, paths=500, seed=1)
for line in budget.lines:
    if line.fund != "combined" and line.band_probability is not None and line.key.endswith(("income", "expenditure")):
        flag = "  ⚠ unlikely to land in the band" if line.flagged else ""
        print(f"{line.fund:13s} {line_label(line.key, 'zh').strip():10s} {line.budget:12,.2f}  "
              f"P(in band) {100 * line.band_probability:5.1f}%  best budget {line.best_budget:12,.2f}{flag}")
