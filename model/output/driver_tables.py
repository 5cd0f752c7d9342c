"""The fitted drivers for people: Markdown tables of the history series, an economic fit and a
mortality fit (written beside a simulation, and into ``docs/drivers.md`` by
``tools/make_drivers_doc.py``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas

from model.analysis.drivers import (
    CPI_SERIES,
    DEPOSIT_SERIES,
    ECONOMIC_TRENDS,
    WAGE_SERIES,
    Z_90,
    EconomicFit,
    MortalityFit,
    history_long,
    year_span,
)


def four_decimals(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:.4f}"


def _runs(years: Sequence[int]) -> str:
    """Years as runs: ``[2000, 2001, 2002, 2005]`` → ``"2000–2002, 2005"``."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(year_span(r) for r in runs)


def format_history_summary(long: pandas.DataFrame | None = None) -> str:
    """A Markdown table of the history series the models use: years, range, file, status."""
    long = history_long() if long is None else long
    used = (WAGE_SERIES, CPI_SERIES, DEPOSIT_SERIES, "deposit_rate_1y_large_bank_posted", "e0_male", "e0_female",
            "e0_official_both", "avg_wage_nonprivate_xinjiang", "pension_indexation_all_retirees",
            "individual_account_crediting_rate_jizhang")
    lines = ["| series | file | years | values | unit | status (rows) |",
             "|---|---|---|---|---|---|"]
    for name in used:
        rows = long[(long["series"] == name) & long["value"].notna()]
        for filename, part in rows.groupby("file", sort=False):
            listed = _runs(sorted(int(y) for y in part["year"]))
            counts = part["status"].value_counts().sort_index()
            status = ", ".join(f"{k} {v}" for k, v in counts.items())
            unit = str(part["unit"].iloc[0]).split(" (")[0]
            lines.append(f"| {name} | {filename} | {listed} | {part['value'].min():g} to "
                         f"{part['value'].max():g} | {unit} | {status} |")
    return "\n".join(lines)


def format_economic_fit(fit: EconomicFit) -> str:
    """Markdown tables of an economic fit: parameters, shock correlations, diagnostics."""
    names = fit.series
    first, last = fit.years
    head = (["equation (this year)", "intercept", "× years since " + str(first - 1)]
            + [f"× {n} last year" for n in names]
            + [f"fitted trend {first}", f"fitted trend {last}", "sample mean", "shock sd"])
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    sd = fit.residual_sd
    start = fit.trend_at(first)
    for i, name in enumerate(names):
        cells = ([name, four_decimals(fit.intercepts[i]), four_decimals(fit.trend_coefficients[i])]
                 + [four_decimals(c) for c in fit.coefficients[i]]
                 + [four_decimals(start[i]), four_decimals(fit.mean[i]), four_decimals(fit.sample_mean[i]), four_decimals(sd[i])])
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| standard error | " + " | ".join(f"× {n} last year" for n in names) + " |",
              "|---|" + "---:|" * len(names)]
    for i, name in enumerate(names):
        lines.append(f"| {name} | " + " | ".join(four_decimals(c) for c in fit.coefficient_se[i]) + " |")
    correlation = fit.residual_covariance / np.outer(sd, sd)
    lines += ["", "| shock correlation | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]
    for i, name in enumerate(names):
        lines.append(f"| {name} | " + " | ".join(four_decimals(c) for c in correlation[i]) + " |")
    d = fit.diagnostics
    level = fit.level_sd(SPREAD_YEARS + 1)[-1, 0]
    lines += ["", "| diagnostic | value |", "|---|---|",
              f"| method | {fit.method}, {ECONOMIC_TRENDS[fit.trend]} |",
              f"| fallback | {fit.fallback_reason or 'none: the VAR(1) is used'} |",
              f"| years of data | {fit.years[0]}–{fit.years[1]} |",
              f"| observations (yearly transitions) | {d.n_obs} |",
              f"| stable | {'yes' if d.stable else 'no'} |",
              f"| largest root modulus | {four_decimals(d.largest_root_modulus)} |",
              f"| AIC | {four_decimals(d.aic)} |"]
    lines += [f"| Ljung–Box p ({d.ljung_box_lags} lags), {n} | {four_decimals(p)} |"
              for n, p in zip(names, d.ljung_box_pvalues, strict=True)]
    lines += [f"| wage level after {SPREAD_YEARS} years, 5–95% of the scenario's | "
              f"×{four_decimals(math.exp(-Z_90 * level))} to ×{four_decimals(math.exp(Z_90 * level))} |"]
    return "\n".join(lines)


def format_mortality_fit(fit: MortalityFit) -> str:
    """Markdown tables of a mortality fit: by sex, the combined rate, diagnostics."""
    lines = ["| sex | drift of e0 (years a year) | its s.e. | noise sd (years) | table e0 | "
             "improvement rate | rate per year of e0 | Ljung–Box p |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s, name in enumerate(fit.series):
        lines.append(f"| {name.removeprefix('e0_')} | {four_decimals(fit.drift_e0[s])} | "
                     f"{four_decimals(fit.drift_e0_se[s])} | {four_decimals(fit.sd_e0[s])} | {four_decimals(fit.table_e0[s])} | "
                     f"{four_decimals(fit.rate_by_sex[s])} | {four_decimals(fit.rate_per_e0_year[s])} | "
                     f"{four_decimals(fit.diagnostics.ljung_box_pvalues[s])} |")
    d = fit.diagnostics
    lines += ["", "| quantity | value |", "|---|---|",
              f"| years of change fitted | {fit.years[0]}–{fit.years[1]} |",
              f"| observations (yearly changes) | {d.n_obs} |",
              f"| correlation of male and female noise | {four_decimals(fit.correlation)} |",
              f"| life table of the translation | {fit.table} |",
              f"| improvement rate, both sexes (mean) | {four_decimals(fit.rate_mean)} |",
              f"| its standard error (drift uncertainty) | {four_decimals(fit.rate_mean_se)} |",
              f"| yearly noise sd of the rate | {four_decimals(fit.rate_sd)} |",
              f"| Ljung–Box lags | {d.ljung_box_lags} |",
              f"| AIC | {four_decimals(d.aic)} |"]
    return "\n".join(lines)


#: Years ahead of the spread of the wage level in the tables (a base year of 2021 + 29 = 2050).
SPREAD_YEARS = 29
