"""A region's Monte Carlo and budget for people: terminal tables (Chinese by default, English
with ``lang="en"``, every line within 120 columns) and their files.

Simulation: region_simulation_totals.csv, region_simulation_counties.csv,
region_simulation_pool.csv, region_simulation_ranking.csv and region_simulation.xlsx.
Budget: region_budget.csv, region_budget_counties.csv, region_budget_pool.csv and
region_budget.xlsx. Every range is a simulated range conditional on the counties' scenarios.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from model.analysis.budget import Budget
from model.analysis.region import LEVELS_PAYING
from model.analysis.region_budget import RegionBudget
from model.analysis.region_simulate import COUNTY_PERCENTILES, RegionSimulation
from model.analysis.simulate import PERCENTILE_COLUMN, PERCENTILES, SUMMARISED
from model.output.labels import FUND_LABELS, level_names
from model.output.region_tables import (
    RANKING_SHOWN,
    WORDS,
    _money,
    _w,
    csv_text,
    label,
    measure_words,
    shown_years,
)
from model.output.text import MAX_WIDTH, fitted, wrapped

#: The series of a region simulation's terminal table per fund, and which percentiles it shows.
SHOWN = (
    ("subsidy_income", (5, 50, 95)),
    ("subsidy_need", (5, 50, 95)),
    ("reserve_end", (5, 50, 95)),
    ("contributors", (50,)),
    ("beneficiaries", (50,)),
)
_PCT_WORDS = {5: ("5%分位", "5th pct"), 50: ("中位数", "median"), 95: ("95%分位", "95th pct")}


def _pct_label(key: str, p: int, lang: str, levels: dict[str, str] | None) -> str:
    zh, en = _PCT_WORDS[p]
    return f"{label(key, lang, levels)} {_w(zh, en, lang)}"


def _header(region, n: int, paths: int, years: np.ndarray, lang: str) -> list[str]:
    name = getattr(region.header.name, lang)
    y0, y1 = int(years[0]), int(years[-1])
    return wrapped(
        _w(
            f"{name}：{n}个县，{paths}条模拟路径。各县共用同一经济与死亡率趋势的随机路径，"
            f"人数的随机波动各县独立；合计为各县逐路径之和（{y0}–{y1}年）。区间为以各县情景假设"
            "为条件的模拟区间，金额单位万元。",
            f"{name}: {n} counties, {paths} simulated paths. Every county runs on the same paths "
            "of the economy and the mortality trend, with its own chance in its small "
            f"population; totals are sums over the counties path by path ({y0}–{y1}). Ranges are "
            "simulated ranges conditional on the counties' scenarios; money in 万元.",
            lang,
        )
    )


def format_region_simulation(sim: RegionSimulation, lang: str = "zh") -> str:
    """The region's totals per fund (percentiles by year), its pooled funds and the counties
    with the highest median subsidy per contributor."""
    levels = None  # the default names of the levels (a simulation's lines name none)
    lines = _header(sim.region, len(sim.county_ids), sim.paths, sim.years, lang)
    years = shown_years([int(y) for y in sim.years])
    index = {int(y): t for t, y in enumerate(sim.years)}
    for fund, series in sim.totals.items():
        lines += [
            "",
            _w(FUND_LABELS[fund]["zh"] + "（各县合计）", FUND_LABELS[fund]["en"] + " (sum)", lang),
        ]
        rows = [[""] + [str(y) for y in years]]
        for key, ps in SHOWN:
            pct = np.percentile(series[key], ps, axis=0)
            for i, p in enumerate(ps):
                rows.append(
                    [_pct_label(key, p, lang, levels)] + [_money(pct[i, index[y]]) for y in years]
                )
        lines += fitted(rows, max_width=MAX_WIDTH)
    for fund, pool in sim.pool.items():
        lines += [""] + wrapped(
            _w(
                f"{FUND_LABELS[fund]['zh']}调剂金（每条路径按各县的模拟收支上解、下拨）：",
                f"{FUND_LABELS[fund]['en']}: the adjustment fund on every path (paid in and out "
                "on the counties' simulated flows):",
                lang,
            )
        )
        rows = [[""] + [str(y) for y in years]]
        need = np.percentile(pool["need_after"], (5, 50, 95), axis=0)
        for i, p in enumerate((5, 50, 95)):
            rows.append(
                [_pct_label("need_after_pool", p, lang, levels)]
                + [_money(need[i, index[y]]) for y in years]
            )
        reserve = np.percentile(pool["reserve_end"], 50, axis=0)
        rows.append(
            [_w("调剂金年末结余 中位数", "the fund's reserve, median", lang)]
            + [_money(reserve[index[y]]) for y in years]
        )
        short = pool["short"].mean(0)
        rows.append(
            [_w("不能足额下拨的概率", "P(cannot pay every gap)", lang)]
            + [f"{100 * short[index[y]]:.0f}%" for y in years]
        )
        lines += fitted(rows, max_width=MAX_WIDTH)
    for fund in dict.fromkeys(r["fund"] for r in sim.ranking):
        mine = [r for r in sim.ranking if r["fund"] == fund]
        what = measure_words(mine, lang)
        shown = min(RANKING_SHOWN, len(mine))
        lines += [""] + wrapped(
            _w(
                f"{FUND_LABELS[fund]['zh']}：各县{mine[0]['first_year']}–{mine[0]['last_year']}年"
                f"人均{what}（元/人·年）的中位数由高到低前{shown}名（共{len(mine)}个县），"
                "及其5%–95%模拟区间：",
                f"{FUND_LABELS[fund]['en']}: counties by the median {what} per contributor "
                f"(yuan a year), {mine[0]['first_year']}–{mine[0]['last_year']}, highest first "
                f"(top {shown} of {len(mine)}), with the 5%–95% simulated range:",
                lang,
            )
        )
        rows = [[label("rank", lang), label("county", lang), _w("中位数", "median", lang),
                 _w("5%分位", "5th pct", lang), _w("95%分位", "95th pct", lang)]]  # fmt: skip
        for r in mine[:RANKING_SHOWN]:
            rows.append(
                [
                    str(r["rank"]),
                    r["name_zh"] if lang == "zh" else r["name_en"],
                    f"{r['median_yuan']:,.0f}",
                    f"{r['p5_yuan']:,.0f}",
                    f"{r['p95_yuan']:,.0f}",
                ]
            )
        lines += fitted(rows, left=(1,), max_width=MAX_WIDTH)
    return "\n".join(lines)


#: Columns of the region's files that neither the region's words nor the analyses' headers
#: have: key -> (zh, en, unit, kind).
_EXTRA: dict[str, tuple[str, str, str, Any]] = {
    "county": ("县代码", "county id", "", "text"),
    "name_zh": ("县名", "name (Chinese)", "", "text"),
    "name_en": ("英文名", "name (English)", "", "text"),
    "line": ("项目代码", "line code", "", "text"),
    "need_after_pool_low": ("调剂后补助需求 5%分位", "need after pool, p5", "万元", "money"),
    "need_after_pool_high": ("调剂后补助需求 95%分位", "need after pool, p95", "万元", "money"),
    "transfer_income": ("转移收入", "transfers in", "万元", "money"),
    "transfer_expenditure": ("转移支出", "transfers out", "万元", "money"),
    "p_short": ("不能足额下拨的概率", "P(cannot pay every gap)", "", "share"),
    "p_short_given_scenario": ("不能足额下拨的概率", "P(cannot pay every gap)", "", "share"),
    "measure": ("口径", "measure", "", "text"),
    "first_year": ("起始年度", "first year", "", "year"),
    "last_year": ("截止年度", "last year", "", "year"),
    "p5_yuan": ("人均补助 5%分位", "per contributor, 5th pct", "元/人·年", "yuan"),
    "median_yuan": ("人均补助 中位数", "per contributor, median", "元/人·年", "yuan"),
    "p95_yuan": ("人均补助 95%分位", "per contributor, 95th pct", "元/人·年", "yuan"),
}  # fmt: skip
_MEASURES = {
    "zh": {"need": "补助需求", "paid": "补助收入"},
    "en": {"need": "subsidy need", "paid": "subsidy paid"},
}


def _columns(rows: list[dict[str, Any]], lang: str, levels: dict[str, str] | None = None):
    """The workbook columns of ``rows``: the region's words (:data:`WORDS`) with units, a
    percentile column of one of them (``need_after_pool_p5``), or the analyses' headers."""
    import re

    from model.output.labels import words
    from model.output.workbook_style import Column, column, header

    kinds = {"人": "persons", "万元": "money", "%": "share", "元/人·年": "yuan", "年": "year"}
    out = []
    for key in rows[0] if rows else ():
        if key in _EXTRA:
            zh, en, unit, kind = _EXTRA[key]
            out.append(Column(key, header(_w(zh, en, lang), unit, lang), kind,
                              values=_MEASURES[lang] if key == "measure" else None))  # fmt: skip
            continue
        m = re.fullmatch(r"(.+)_p(\d+)", key)
        base = m.group(1) if m else key
        if key in ("fund", "series", "year") or base not in WORDS:
            out.append(column(key, lang))
            continue
        entry = WORDS[base]
        text = words(entry, lang, levels) + (
            _w(f" {m.group(2)}%分位", f" p{m.group(2)}", lang) if m else ""
        )
        unit = entry["unit"]
        out.append(Column(key, header(text, unit, lang), kinds.get(unit, "number")))
    return out


def total_rows(sim: RegionSimulation) -> list[dict[str, Any]]:
    """region_simulation_totals.csv: fund × series × year, the percentiles of the sum over
    paths and the sum of the counties' projections."""
    rows = []
    for fund, series in sim.totals.items():
        for key in SUMMARISED:
            pct = np.percentile(series[key], PERCENTILES, axis=0)
            for t, year in enumerate(sim.years):
                row: dict[str, Any] = {"fund": fund, "series": key, "year": int(year)}
                row.update(
                    {
                        PERCENTILE_COLUMN.format(p=p): float(pct[i, t])
                        for i, p in enumerate(PERCENTILES)
                    }
                )
                row["deterministic"] = float(sim.deterministic[fund][key][t])
                rows.append(row)
    return rows


def county_rows(sim: RegionSimulation) -> list[dict[str, Any]]:
    """region_simulation_counties.csv: county × fund × series × year over the county's own
    years, its 5th, 50th and 95th percentiles and its projection."""
    rows = []
    for cid, funds in sim.counties.items():
        years = sim.county_years[cid]
        for fund, series in funds.items():
            det = series["deterministic"]
            for j, key in enumerate(SUMMARISED):
                pct = series[key]
                for t, year in enumerate(years):
                    row: dict[str, Any] = {
                        "county": cid,
                        "fund": fund,
                        "series": key,
                        "year": int(year),
                    }
                    row.update({PERCENTILE_COLUMN.format(p=p): float(pct[i, t])
                                for i, p in enumerate(COUNTY_PERCENTILES)})  # fmt: skip
                    row["deterministic"] = float(det[j, t])
                    rows.append(row)
    return rows


def pool_rows(sim: RegionSimulation) -> list[dict[str, Any]]:
    """region_simulation_pool.csv: pooled fund × year, the need after the pool and the fund's
    reserve by percentile, and the probability it cannot pay every gap in full."""
    rows = []
    for fund, pool in sim.pool.items():
        need = np.percentile(pool["need_after"], PERCENTILES, axis=0)
        reserve = np.percentile(pool["reserve_end"], PERCENTILES, axis=0)
        short = pool["short"].mean(0)
        for t, year in enumerate(sim.years):
            row: dict[str, Any] = {"fund": fund, "year": int(year)}
            row.update(
                {f"need_after_pool_p{p}": float(need[i, t]) for i, p in enumerate(PERCENTILES)}
            )
            row.update(
                {f"reserve_end_p{p}": float(reserve[i, t]) for i, p in enumerate(PERCENTILES)}
            )
            row["p_short_given_scenario"] = float(short[t])
            rows.append(row)
    return rows


def write_region_simulation(
    sim: RegionSimulation, out_dir: str | Path, lang: str = "zh", force: bool = False
) -> list[Path]:
    """The simulation's CSV files and workbook, all or nothing."""
    from model.output.io import csv_bytes_writer, write_folder
    from model.output.workbook_style import (
        Sheet,
        write_workbook,
    )

    totals, counties, pool = total_rows(sim), county_rows(sim), pool_rows(sim)
    levels = None  # its columns name no level of government
    ranking = [dict(r) for r in sim.ranking]
    sheets = [
        Sheet(_w("合计", "totals", lang), _columns(totals, lang), totals, freeze_columns=3),
        Sheet(_w("各县", "counties", lang), _columns(counties, lang), counties, freeze_columns=4),
        Sheet(_w("排名", "ranking", lang), _columns(ranking, lang), ranking, freeze_columns=3),
    ]
    if pool:
        sheets.append(_pool_sheet(pool, lang, levels))
    note = _w(
        "各县共用同一经济与死亡率趋势的随机路径；区间以各县情景假设为条件（见 docs/region.md）",
        "every county runs on the same paths of the economy and the mortality trend; "
        "ranges are conditional on the counties' scenarios (docs/region.md)",
        lang,
    )
    about = _about(sim.region, sim.years, lang, "yanglao simulate", sim.paths, sim.seed, note)
    files = {
        "region_simulation_totals.csv": csv_bytes_writer(csv_text(totals)),
        "region_simulation_counties.csv": csv_bytes_writer(csv_text(counties)),
        "region_simulation_ranking.csv": csv_bytes_writer(csv_text(ranking)),
        "region_simulation.xlsx": lambda path: write_workbook(path, sheets, about, lang),
    }
    if pool:
        files["region_simulation_pool.csv"] = csv_bytes_writer(csv_text(pool))
    return write_folder(out_dir, files, force=force)


def _pool_sheet(pool: list[dict[str, Any]], lang: str, levels: dict[str, str] | None):
    from model.output.workbook_style import Sheet

    return Sheet(
        _w("调剂金", "adjustment fund", lang), _columns(pool, lang, levels), pool, freeze_columns=2
    )


def _about(region, years, lang: str, command: str, paths: int, seed: int, note: str):
    from model.output.workbook_style import About, RunSettings, ScenarioFacts

    header = region.header
    facts = (
        ScenarioFacts(
            id=header.id,
            region=getattr(header.name, lang),
            base_year=int(years[0]),
            horizon=int(years[-1]),
            file=region.source,
            title=getattr(header.name, lang),
        ),
    )
    return About(
        facts,
        RunSettings(
            command=command,
            paths=(region.source,),
            seed=seed,
            years=(int(years[0]), int(years[-1])),
            lang=lang,
            options=((_w("模拟路径数", "simulated paths", lang), str(paths)),),
        ),  # fmt: skip
        notes=(note,),
    )


# --------------------------------------------------------------------------------------------
# budget


def _as_budget(b: RegionBudget) -> Budget:
    return Budget(b.scenario, b.year, b.paths, b.lines, [])


def format_region_budget(b: RegionBudget, lang: str = "zh") -> str:
    """The region's budget lines (the sums of its counties', with ranges from the region's
    simulation), the adjustment fund's year and the counties with the largest subsidy."""
    from model.output.budget_tables import fixed, format_budget

    levels = level_names(b.scenario, lang)
    n = len({r["county"] for r in b.county_rows})
    name = getattr(b.region.header.name, lang)
    lines = wrapped(
        _w(
            f"{name}：{n}个县的{b.year}年预算之和。区间取自区域蒙特卡洛模拟（各县共用同一经济路径，"
            "人数波动各县独立），不是各县区间之和。",
            f"{name}: the {b.year} budgets of {n} counties, summed. Ranges come from the "
            "region's Monte Carlo (one economy for every county, each county's own small-"
            "population chance), not from adding the counties' ranges.",
            lang,
        )
    )
    lines += [""] + format_budget(_as_budget(b), lang).split("\n")
    pool = [r for r in b.pool if r["county"] == ""]
    for p in pool:
        fund = p["fund"]
        lines += [""] + wrapped(
            _w(
                f"{FUND_LABELS[fund]['zh']}调剂金（{b.year}年）：",
                f"{FUND_LABELS[fund]['en']}: the adjustment fund in {b.year}:",
                lang,
            )
        )
        rows = [
            [
                _w("项目", "line", lang),
                _w("预算", "budget", lang),
                _w("区间下限", "low (5%)", lang),
                _w("区间上限", "high (95%)", lang),
            ]
        ]
        for key in (
            "paid_in",
            "gap",
            "paid_out",
            "need_after_pool",
            *(f"need_{lv}" for lv in LEVELS_PAYING),
        ):
            low = f"{p['need_after_pool_low']:,.2f}" if key == "need_after_pool" else ""
            high = f"{p['need_after_pool_high']:,.2f}" if key == "need_after_pool" else ""
            rows.append([label(key, lang, levels), fixed(p[key], 2), low, high])
        rows.append(
            [
                _w("调剂金年末结余(万元)", "the fund's reserve at year end (万元)", lang),
                fixed(p["reserve_end"], 2),
                "",
                "",
            ]
        )
        rows.append(
            [
                _w("不能足额下拨的概率", "P(cannot pay every gap)", lang),
                f"{100 * p['p_short']:.0f}%",
                "",
                "",
            ]
        )
        lines += fitted(rows, left=(0,), indent="  ", max_width=MAX_WIDTH)
    lines += [""] + _largest_subsidies(b, lang, levels)
    return "\n".join(line.rstrip() for line in lines)


def _largest_subsidies(b: RegionBudget, lang: str, levels: dict[str, str]) -> list[str]:
    """The counties with the largest subsidy budget (both funds), with their county-level part."""
    by_county: dict[str, dict[str, float]] = {}
    names = {r["county"]: r["name_zh" if lang == "zh" else "name_en"] for r in b.county_rows}
    for r in b.county_rows:
        into = by_county.setdefault(r["county"], {"subsidy_income": 0.0, "subsidy_county": 0.0})
        into["subsidy_income"] += r["subsidy_income"]
        into["subsidy_county"] += r["subsidy_county"]
    ranked = sorted(by_county.items(), key=lambda kv: (-kv[1]["subsidy_income"], kv[0]))
    shown = min(RANKING_SHOWN, len(ranked))
    lines = wrapped(
        _w(
            f"财政补贴预算最多的{shown}个县（两项基金，万元）：",
            f"The {shown} counties with the largest subsidy budget (both funds, 万元):",
            lang,
        )  # fmt: skip
    )
    rows = [
        [
            _w("县", "county", lang),
            label("subsidy_income", lang, levels),
            label("subsidy_county", lang, levels),
        ]
    ]
    for cid, v in ranked[:RANKING_SHOWN]:
        rows.append([names[cid], f"{v['subsidy_income']:,.2f}", f"{v['subsidy_county']:,.2f}"])
    return lines + fitted(rows, left=(0,), indent="  ", max_width=MAX_WIDTH)


def write_region_budget(
    b: RegionBudget, out_dir: str | Path, lang: str = "zh", force: bool = False
) -> list[Path]:
    """region_budget.csv, region_budget_counties.csv, region_budget_pool.csv (a pooled fund)
    and region_budget.xlsx, all or nothing."""
    from model.output.budget_tables import budget_rows
    from model.output.io import csv_bytes_writer, write_folder
    from model.output.workbook_style import Sheet, write_workbook

    levels = level_names(b.scenario, lang)
    lines = budget_rows(_as_budget(b), lang)
    counties = [dict(r) for r in b.county_rows]
    pool = [dict(r) for r in b.pool]
    sheets = [
        Sheet(_w("预算", "budget", lang), _columns(lines, lang), lines, freeze_columns=2),
        Sheet(
            _w("各县", "counties", lang),
            _columns(counties, lang, levels),
            counties,
            freeze_columns=2,
        ),
    ]
    if pool:
        sheets.append(_pool_sheet(pool, lang, levels))
    note = _w(
        "各县预算之和；区间取自区域蒙特卡洛模拟（见 docs/region.md）",
        "sums of the counties' budgets; ranges from the region's Monte Carlo (docs/region.md)",
        lang,
    )
    years = np.array([b.year, b.year])
    about = _about(b.region, years, lang, "yanglao budget", b.paths, b.seed, note)
    files = {
        "region_budget.csv": csv_bytes_writer(csv_text(lines)),
        "region_budget_counties.csv": csv_bytes_writer(csv_text(counties)),
        "region_budget.xlsx": lambda path: write_workbook(path, sheets, about, lang),
    }
    if pool:
        files["region_budget_pool.csv"] = csv_bytes_writer(csv_text(pool))
    return write_folder(out_dir, files, force=force)


__all__ = [
    "county_rows",
    "format_region_budget",
    "format_region_simulation",
    "pool_rows",
    "total_rows",
    "write_region_budget",
    "write_region_simulation",
]
