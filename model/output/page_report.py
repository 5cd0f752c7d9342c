"""The one-page report of a run: a self-contained HTML page, and a PDF where a browser can print it.

What the page shows, per fund (Chinese by default, English with ``lang="en"``):

* the headline in the bureau's words: next year's subsidy (the need under ``fill_gap``, else what
  the rule pays) and its split by level of government, the totals over 5 and 10 years, the year
  the reserve runs out (under the rule, and with no subsidy), the months of payouts held at the
  end of next year and the dependency ratio;
* next year's budget by level of government (:func:`model.analysis.budget.make_budget`);
* the performance targets of that budget;
* the subsidy paths of the deterministic projection and a fan chart of each fund's subsidy
  (:func:`model.analysis.simulate.simulate`; simulated ranges conditional on the scenario's
  assumptions);
* a tornado chart of the one-at-a-time sensitivities
  (:func:`model.analysis.sensitivity.sensitivity`) and the assumptions that matter most: the
  largest shocks, with the scenario's value in the budget year and the source it gives.

Everything is computed by the analyses (:func:`compute`) and only formatted here
(:func:`render`). The page is one HTML file: charts as ``data:`` PNG images (drawn by
:mod:`model.output.charts` with the shipped CJK font), CSS inline, no script and no external
resource, laid out to print on A4 (the numbers on the first sheet, the charts on the second).
The page's own text uses the fonts of the reader's machine (微软雅黑 on a Chinese Windows PC).

The PDF is printed by a headless Chromium-family browser found on ``PATH`` (:func:`pdf_engine`);
without one, only ``report.html`` is written.
"""

from __future__ import annotations

import base64
import html
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.analysis.budget import Budget, make_budget
from model.analysis.sensitivity import Sensitivity, sensitivity
from model.analysis.simulate import OUTPUT_SERIES, PERCENTILES, Simulation, simulate
from model.errors import OutputError
from model.output.budget_tables import line_label, target_rows
from model.output.labels import FUND_LABELS, level_names
from model.output.sensitivity_tables import shock_label, shock_step
from model.scenario.schedule import step_values
from model.scenario.schema import Scenario

#: Browsers on ``PATH`` that can print a page to PDF headless, in the order they are tried.
PDF_ENGINES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "msedge",
    "microsoft-edge",
)
#: Seconds a browser may take to print the page.
PDF_TIMEOUT = 120
#: Assumptions shown per fund: the largest shocks of its tornado.
TOP_ASSUMPTIONS = 4
#: Fonts of the page's text: Chinese system fonts of Windows, macOS and Linux, then any sans.
CJK_FONTS = (
    '"Microsoft YaHei", "微软雅黑", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", '
    '"Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "SimSun"'
)

LEVELS = ("central", "region", "prefecture", "county")

#: The page's own words.
WORDS: dict[str, dict[str, str]] = {
    "report": {"zh": "养老保险基金预测一页报告", "en": "Pension funds: one-page report"},
    "meta": {
        "zh": "基期{base}年，预算年度{year}年，预测至{last}年；金额单位万元，人数单位人。"
        "模拟{paths}条路径（随机种子{seed}），区间均为情景假设下的模拟区间。",
        "en": "Base year {base}, budget year {year}, projected to {last}; money in 万元, heads in "
        "persons. {paths} simulated paths (seed {seed}); every range is a simulated range, "
        "conditional on the scenario's assumptions.",
    },
    "headline": {"zh": "要点", "en": "Headline"},
    "need": {"zh": "财政补贴需求", "en": "subsidy need"},
    "paid": {"zh": "按规则拨付的财政补贴", "en": "subsidy paid under the rule"},
    "next": {
        "zh": "{year}年{what} {value}",
        "en": "{year}: {what} {value}",
    },
    "of_which": {"zh": "，其中{parts}", "en": ", of which {parts}"},
    "part": {"zh": "{level} {value}", "en": "{level} {value}"},
    "sep": {"zh": "、", "en": ", "},
    "span": {
        "zh": "未来{n}年（{first}–{last}年）累计 {value}",
        "en": "{n} years ({first}–{last}): {value}",
    },
    "gap": {
        "zh": "另需补足缺口：未来10年累计 {value}",
        "en": "gap left to fill: {value} over 10 years",
    },
    "depletion": {
        "zh": "按情景补贴规则，基金{when}",
        "en": "Under the scenario's subsidy rule the reserve {when}",
    },
    "runs_out": {"zh": "于{year}年耗尽", "en": "runs out in {year}"},
    "never": {"zh": "至{last}年不耗尽", "en": "lasts to {last}"},
    "without": {
        "zh": "；若{first}年起无财政补贴，{when}",
        "en": "; with no subsidy from {first} it {when}",
    },
    "months": {
        "zh": "{year}年末可支付月数 {value} 个月",
        "en": "months of payouts held at the end of {year}: {value}",
    },
    "dependency": {
        "zh": "抚养比（缴费人数/领取待遇人数）{base_value}（{base}年）→ {end_value}（{last}年）",
        "en": "dependency ratio (contributors per beneficiary) {base_value} ({base}) → "
        "{end_value} ({last})",
    },
    "budget": {"zh": "{year}年预算（按政府层级）", "en": "Budget {year} by level of government"},
    "line": {"zh": "项目", "en": "line"},
    "combined": {"zh": "两项基金合计", "en": "both funds"},
    "range": {
        "zh": "财政补贴收入模拟区间（5%–95%）",
        "en": "fiscal subsidy, simulated range (5–95%)",
    },
    "targets": {"zh": "{year}年绩效目标", "en": "Performance targets {year}"},
    "indicator": {"zh": "指标", "en": "indicator"},
    "target": {"zh": "目标值", "en": "target"},
    "projected": {"zh": "预测值", "en": "projected"},
    "not_modelled": {
        "zh": "未建模：沿用基期目标",
        "en": "not modelled: target carried from the base year",
    },
    "assumptions": {"zh": "影响最大的假设", "en": "The assumptions that matter most"},
    "assumptions_note": {
        "zh": "按敏感性分析中对未来10年{what}的影响排序；"
        "基准值为{year}年的情景取值，来源按情景文件原文。",
        "en": "Ordered by their effect on the 10-year {what} in the sensitivity analysis; the base "
        "value is the scenario's in {year}, the source as the scenario file gives it.",
    },
    "assumption": {"zh": "假设", "en": "assumption"},
    "base_value": {"zh": "基准值", "en": "base value"},
    "step": {"zh": "冲击幅度", "en": "shock"},
    "effect_down": {"zh": "下调影响", "en": "effect down"},
    "effect_up": {"zh": "上调影响", "en": "effect up"},
    "source": {"zh": "来源", "en": "source"},
    "no_effect": {
        "zh": "各项冲击均不影响该基金的补贴。",
        "en": "No shock moves this fund's subsidy.",
    },
    "charts": {"zh": "图表", "en": "Charts"},
    "paths_title": {
        "zh": "财政补贴路径（确定性预测）",
        "en": "Subsidy paths (deterministic projection)",
    },
    "fan_title": {"zh": "{fund} {what}", "en": "{fund}: {what}"},
    "tornado_title": {"zh": "{fund}：10年{what}变化", "en": "{fund}: change in the 10-year {what}"},
    "tornado_x": {"zh": "万元（相对基准）", "en": "万元, difference from the baseline"},
    "ylabel": {"zh": "万元", "en": "10,000 yuan (万元)"},
    "conditional": {
        "zh": "扇形图的阴影为情景假设下的模拟区间："
        "以情景的工资增长、物价、利率、死亡率改善和政策为中心，只反映驱动因素的波动和小人口的随机性，不是对情景假设本身的预测区间。",
        "en": "The fan charts' bands are simulated ranges, conditional on the scenario's "
        "assumptions: centred on its wage growth, inflation, interest, mortality improvement and "
        "policy, they show the drivers' fluctuations and a small population's chance, not "
        "uncertainty about the assumptions themselves.",
    },
    "unit_wan": {"zh": "万元", "en": "万元"},
}

#: Each shock's step in Chinese (the English step is ``sensitivity_tables.shock_step``).
STEP_ZH = {
    "wage_growth": "±1个百分点",
    "interest": "±1个百分点",
    "indexation": "±1个百分点",
    "mortality_improvement": "±0.5个百分点",
    "contribution_rate": "±2个百分点",
    "retirement_age": "±1岁",
    "headcount_growth": "在职人数每年±1%",
    "residents_pension": "±10 元/月",
}

#: Units of the performance targets in the page's language (万元 stays as it is, in both).
UNIT_WORDS = {"zh": {}, "en": {"人": "persons", "月": "months"}}

#: The levels' words in the headline: 中央 and, for the others, the scenario's name of the level.
LEVEL_WORDS = {"zh": "{name}级", "en": "{name}"}


# --------------------------------------------------------------------------------------------
# the analyses


@dataclass
class PageData:
    """What the page shows, as the analyses return it."""

    scenario: Scenario
    simulation: Simulation
    budget: Budget
    sensitivity: Sensitivity
    paths: int
    seed: int


def compute(scenario: Scenario, *, paths: int = 1000, seed: int = 0) -> PageData:
    """Run the analyses the page needs: the Monte Carlo (which holds the deterministic projection
    to the horizon), next year's budget with ``paths`` simulated outturns, and the one-at-a-time
    sensitivities (without break-even values)."""
    sim = simulate(scenario, paths=paths, seed=seed, keep=OUTPUT_SERIES)
    budget = make_budget(scenario, paths=paths, seed=seed)
    sens = sensitivity(scenario, break_even=False)
    return PageData(scenario, sim, budget, sens, paths, seed)


def fills_gap(data: PageData, fund: str) -> bool:
    """Whether the fund's subsidy fills the gap (its need is what the budget pays)."""
    return data.simulation.budget_series(fund) == "subsidy_need"


def headline_figures(data: PageData) -> dict[str, dict[str, Any]]:
    """The headline's numbers per fund, as the analyses give them (``None`` where the horizon is
    too short or the event does not happen)."""
    det = data.simulation.deterministic
    summary = det.summary()
    t = data.budget.year - int(det.years[0])
    out: dict[str, dict[str, Any]] = {}
    for fund in det.funds:
        s = summary[fund]
        lines = {x.key: x.budget for x in data.budget.lines if x.fund == fund}
        kind = "need" if fills_gap(data, fund) else "paid"
        out[fund] = {
            "kind": kind,
            "next_year": lines["subsidy_income"],
            "by_level": {lv: lines[f"subsidy_{lv}"] for lv in LEVELS},
            "5y": s[f"subsidy_{kind}_5y"],
            "10y": s[f"subsidy_{kind}_10y"],
            "need_10y": s["subsidy_need_10y"],
            "depletion_year": s["depletion_year"],
            "depletion_year_without_subsidy": s["depletion_year_without_subsidy"],
            "months": float(det.series(fund, "months_of_payout")[t]),
            "dependency_base": s["dependency_ratio_base"],
            "dependency_end": s["dependency_ratio_end"],
        }
    return out


# --------------------------------------------------------------------------------------------
# numbers and words


def money(value: float | None) -> str:
    """万元 with two decimals and thousands separators; never ``-0.00``.

    >>> money(18142.132898), money(-0.001), money(None)
    ('18,142.13', '0.00', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.2f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def _w(key: str, lang: str, **kw: Any) -> str:
    text = WORDS[key][lang]
    return text.format(**kw) if kw else text


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(key: str, text: str) -> str:
    """A number of the page, marked with the key it stands for (tests read it back)."""
    return f'<span class="num" data-key="{_e(key)}">{_e(text)}</span>'


def _amount(key: str, value: float | None) -> str:
    """An amount in 万元, kept on one line with its unit."""
    return f'<span class="amount">{_num(key, money(value))}&nbsp;万元</span>'


def _fund_name(fund: str, lang: str) -> str:
    return FUND_LABELS[fund][lang] if fund in FUND_LABELS else _w("combined", lang)


def _level_name(level: str, lang: str, names: dict[str, str]) -> str:
    if level == "central":
        return "中央" if lang == "zh" else "central government"
    return LEVEL_WORDS[lang].format(name=names[level])


# --------------------------------------------------------------------------------------------
# sections


def _headline(data: PageData, lang: str) -> str:
    figures = headline_figures(data)
    names = level_names(data.scenario, lang)
    det = data.simulation.deterministic
    base, last = int(det.years[0]), int(det.years[-1])
    year = data.budget.year
    boxes = []
    for fund, f in figures.items():
        what = _w(f["kind"], lang)
        items = []
        parts = [
            _w(
                "part",
                lang,
                level=_e(_level_name(lv, lang, names)),
                value=_amount(f"{fund}.by_level.{lv}", v),
            )
            for lv, v in f["by_level"].items()
            if abs(v) >= 0.005
        ]
        first = _w(
            "next",
            lang,
            year=year,
            what=_e(what),
            value=_amount(f"{fund}.next_year", f["next_year"]),
        )
        if parts:
            first += _w("of_which", lang, parts=_w("sep", lang).join(parts))
        items.append(first)
        for n in (5, 10):
            if f[f"{n}y"] is not None:
                items.append(
                    _e(what)
                    + ("：" if lang == "zh" else ": ")
                    + _w(
                        "span",
                        lang,
                        n=n,
                        first=base + 1,
                        last=base + n,
                        value=_amount(f"{fund}.{n}y", f[f"{n}y"]),
                    )
                )
        if f["kind"] == "paid" and f["need_10y"] is not None and f["need_10y"] >= 0.005:
            items.append(_w("gap", lang, value=_amount(f"{fund}.need_10y", f["need_10y"])))
        when = (
            _w("runs_out", lang, year=_num(f"{fund}.depletion_year", str(f["depletion_year"])))
            if f["depletion_year"] is not None
            else _w("never", lang, last=last)
        )
        without = f["depletion_year_without_subsidy"]
        when0 = (
            _w(
                "runs_out",
                lang,
                year=_num(f"{fund}.depletion_year_without_subsidy", str(without)),
            )
            if without is not None
            else _w("never", lang, last=last)
        )
        items.append(
            _w("depletion", lang, when=when) + _w("without", lang, first=base + 1, when=when0)
        )
        items.append(
            _w("months", lang, year=year, value=_num(f"{fund}.months", f"{f['months']:.1f}"))
        )
        items.append(
            _w(
                "dependency",
                lang,
                base=base,
                last=last,
                base_value=_num(f"{fund}.dependency_base", f"{f['dependency_base']:.2f}"),
                end_value=_num(f"{fund}.dependency_end", f"{f['dependency_end']:.2f}"),
            )
        )
        li = "".join(f"<li>{x}</li>" for x in items)
        boxes.append(
            f'<div class="box" data-fund="{fund}"><h3>{_e(_fund_name(fund, lang))}</h3>'
            f"<ul>{li}</ul></div>"
        )
    return (
        f'<section id="headline"><h2>{_e(_w("headline", lang))}</h2>'
        f'<div class="boxes">{"".join(boxes)}</div></section>'
    )


def _budget(data: PageData, lang: str) -> str:
    b = data.budget
    names = level_names(data.scenario, lang)
    funds = list(dict.fromkeys(x.fund for x in b.lines))
    if len(funds) == 2:  # one fund and its "combined" copy: the copy says nothing new
        funds = funds[:1]
    lines = {(x.fund, x.key): x for x in b.lines}
    levels = [
        lv for lv in LEVELS if any(abs(lines[(f, f"subsidy_{lv}")].budget) >= 0.005 for f in funds)
    ]
    keys = [
        "subsidy_income",
        *(f"subsidy_{lv}" for lv in levels),
        "total_income",
        "total_expenditure",
        "balance",
        "reserve_end",
    ]
    head = "".join(f"<th>{_e(_fund_name(f, lang))}</th>" for f in funds)
    rows = []
    for key in keys:
        label = line_label(key, lang, names)
        indent = ' class="sub"' if label.startswith("  ") else ""
        cells = "".join(
            f"<td>{_num(f'budget.{f}.{key}', money(lines[(f, key)].budget))}</td>" for f in funds
        )
        rows.append(f"<tr><th{indent}>{_e(label.strip())}</th>{cells}</tr>")
    cells = ""
    for f in funds:
        line = lines[(f, "subsidy_income")]
        low = _num(f"budget.{f}.subsidy_income.low", money(line.low))
        high = _num(f"budget.{f}.subsidy_income.high", money(line.high))
        cells += f"<td>{low} – {high}</td>"
    rows.append(f'<tr class="range"><th>{_e(_w("range", lang))}</th>{cells}</tr>')
    return (
        f'<section id="budget"><h2>{_e(_w("budget", lang, year=b.year))}'
        f'<span class="unit">{_e(_w("unit_wan", lang))}</span></h2>'
        f"<table><thead><tr><th>{_e(_w('line', lang))}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _targets(data: PageData, lang: str) -> str:
    b = data.budget
    rows = target_rows(b)
    funds = list(dict.fromkeys(t["fund"] for t in rows))
    by = {(t["fund"], t["indicator_en"]): t for t in rows}
    indicators = list(
        dict.fromkeys((t["indicator_en"], t["indicator_zh"], t["unit"]) for t in rows)
    )
    head = "".join(f'<th colspan="2">{_e(_fund_name(f, lang))}</th>' for f in funds)
    sub = "".join(
        f"<th>{_e(_w('target', lang))}</th><th>{_e(_w('projected', lang))}</th>" for _ in funds
    )
    body = []
    for en, zh, unit in indicators:
        cells = []
        for f in funds:
            t = by[(f, en)]
            if t["projected"] is None:
                proj = f'<span class="note">{_e(_w("not_modelled", lang))}</span>'
            else:
                value = f"{t['projected']:,.0f}" if unit == "人" else f"{t['projected']:.1f}"
                proj = _num(f"target.{f}.{en}", value) + f" {_e(UNIT_WORDS[lang].get(unit, unit))}"
            cells.append(f"<td>{_e(t['target'] or '–')}</td><td>{proj}</td>")
        body.append(f"<tr><th>{_e(zh if lang == 'zh' else en)}</th>{''.join(cells)}</tr>")
    return (
        f'<section id="targets"><h2>{_e(_w("targets", lang, year=b.year))}</h2>'
        f'<table><thead><tr><th rowspan="2">{_e(_w("indicator", lang))}</th>{head}</tr>'
        f"<tr>{sub}</tr></thead><tbody>{''.join(body)}</tbody></table></section>"
    )


def _pct(x: float) -> str:
    return f"{100 * x:.2f}".rstrip("0").rstrip(".") + "%"


def assumption_base(
    scenario: Scenario, shock: str, fund: str, year: int, lang: str = "zh"
) -> tuple[str, str]:
    """(the value in force in ``year`` in words of ``lang``, its source as the scenario states
    it) of the input a shock moves; ``("–", "")`` where the scenario has no such input."""
    a, p = scenario.assumptions, scenario.policy
    cs, rs = p.civil_service, p.residents

    def at(schedule) -> float:
        import numpy as np

        return float(step_values(schedule, np.array([year]))[0])

    if shock == "wage_growth":
        return _pct(at(a.economy.wage_growth)), a.economy.wage_growth.source
    if shock == "interest":
        rate = getattr(a.economy, f"interest_rate_{fund}", None)
        return (_pct(at(rate)), rate.source) if rate is not None else ("–", "")
    if shock == "mortality_improvement":
        return _pct(at(a.mortality.improvement_rate)), a.mortality.improvement_rate.source
    if shock == "residents_pension":
        if rs is None:
            return "–", ""
        node = rs.basic_pension_central_monthly_yuan
        unit = "元/月" if lang == "zh" else "yuan/month"
        return f"{at(node):g} {unit}", node.source
    if cs is None:
        return "–", ""
    if shock == "indexation":
        return _pct(at(cs.indexation)), cs.indexation.source
    if shock == "contribution_rate":
        return _pct(at(cs.contribution_rate_employer)), cs.contribution_rate_employer.source
    if shock == "retirement_age":
        ages = cs.retirement_age
        text = AGES[lang].format(m=ages.male, f55=ages.female_55, f50=ages.female_50)
        return text, ages.source
    if shock == "headcount_growth":
        h = cs.headcount
        if h.rule == "growth" and h.growth_rate is not None:
            return _pct(at(h.growth_rate)), h.growth_rate.source
        return HEADCOUNT_RULES[lang].get(h.rule, h.rule), h.source
    return "–", ""


#: The headcount rules of the civil-service fund in words.
HEADCOUNT_RULES = {
    "zh": {"constant": "人数不变", "replacement": "按补充率", "path": "按人数路径"},
    "en": {"constant": "constant", "replacement": "replacement", "path": "a path of heads"},
}
#: The statutory retirement ages in words (men; women in posts retiring at 55 and at 50).
AGES = {"zh": "男{m:g}岁，女{f55:g}/{f50:g}岁", "en": "men {m:g}, women {f55:g} / {f50:g}"}


def _tornado_rows(data: PageData, fund: str, lang: str) -> list[tuple[str, float, float, Any]]:
    """(label, effect down, effect up, the analysis' row) of the fund's shocks that move its
    subsidy, largest first."""
    key = "need" if fills_gap(data, fund) else "paid"
    out = []
    for row in data.sensitivity.rows[fund]:
        down, up = float(row[f"{key}_down"]), float(row[f"{key}_up"])
        if max(abs(down), abs(up)) < 0.005:
            continue
        out.append((shock_label(row["shock"].name, lang), down, up, row))
    return sorted(out, key=lambda r: max(abs(r[1]), abs(r[2])), reverse=True)


def _assumptions(data: PageData, lang: str) -> str:
    year = data.budget.year
    parts = []
    for fund in data.sensitivity.rows:
        rows = _tornado_rows(data, fund, lang)[:TOP_ASSUMPTIONS]
        what = _w("need" if fills_gap(data, fund) else "paid", lang)
        title = (
            f"<h3>{_e(_fund_name(fund, lang))}</h3>"
            f'<p class="note">{_e(_w("assumptions_note", lang, what=what, year=year))}</p>'
        )
        if not rows:
            parts.append(title + f"<p>{_e(_w('no_effect', lang))}</p>")
            continue
        body = []
        for label, down, up, row in rows:
            name = row["shock"].name
            value, source = assumption_base(data.scenario, name, fund, year, lang)
            step = STEP_ZH[name] if lang == "zh" else shock_step(name)
            body.append(
                f"<tr><th>{_e(label)}</th><td>{_e(value)}</td><td>{_e(step)}</td>"
                f"<td>{_num(f'sens.{fund}.{name}.down', f'{down:+,.2f}')}</td>"
                f"<td>{_num(f'sens.{fund}.{name}.up', f'{up:+,.2f}')}</td>"
                f'<td class="source">{_e(source)}</td></tr>'
            )
        head = "".join(
            f"<th>{_e(_w(k, lang))}</th>"
            for k in ("assumption", "base_value", "step", "effect_down", "effect_up", "source")
        )
        parts.append(
            title + f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    return (
        f'<section id="assumptions"><h2>{_e(_w("assumptions", lang))}'
        f'<span class="unit">{_e(_w("unit_wan", lang))}</span></h2>{"".join(parts)}</section>'
    )


# --------------------------------------------------------------------------------------------
# charts


def _png(draw: Callable[..., object], *args: Any, **kwargs: Any) -> str:
    """A chart drawn by ``draw(*args, path, **kwargs)`` (a ``plot_*`` function of
    :mod:`model.output.charts`) as a ``data:`` URI."""
    with tempfile.TemporaryDirectory(prefix="yanglao-page-") as tmp:
        path = Path(tmp) / "chart.png"
        draw(*args, path, **kwargs)
        data = path.read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _figure(uri: str, alt: str) -> str:
    return f'<figure><img src="{uri}" alt="{_e(alt)}"></figure>'


def _charts(data: PageData, lang: str) -> str:
    from model.output.charts import plot_fan, plot_paths, plot_tornado

    sim = data.simulation
    det = sim.deterministic
    ylabel = _w("ylabel", lang)
    colon = "：" if lang == "zh" else ": "
    series = {}
    for fund in sim.funds:
        what = _w("need" if fills_gap(data, fund) else "paid", lang)
        series[f"{_fund_name(fund, lang)}{colon}{what}"] = det.funds[fund][sim.budget_series(fund)][
            0
        ]
    title = _w("paths_title", lang)
    figures = [_figure(_png(plot_paths, det.years, series, title, ylabel, lang=lang), title)]
    for fund in sim.funds:
        name = sim.budget_series(fund)
        what = _w("need" if name == "subsidy_need" else "paid", lang)
        title = _w("fan_title", lang, fund=_fund_name(fund, lang), what=what)
        uri = _png(
            plot_fan,
            sim.years,
            sim.percentiles(fund, name),
            PERCENTILES,
            title,
            ylabel,
            lang=lang,
            deterministic=det.funds[fund][name][0],
        )
        figures.append(_figure(uri, title))
    for fund in data.sensitivity.rows:
        bars = [(label, down, up) for label, down, up, _ in _tornado_rows(data, fund, lang)]
        if not bars:
            continue
        what = _w("need" if fills_gap(data, fund) else "paid", lang)
        title = _w("tornado_title", lang, fund=_fund_name(fund, lang), what=what)
        uri = _png(plot_tornado, bars, title, _w("tornado_x", lang), lang=lang)
        figures.append(_figure(uri, title))
    return (
        f'<section id="charts"><h2>{_e(_w("charts", lang))}</h2>'
        f'<p class="note">{_e(_w("conditional", lang))}</p>'
        f'<div class="grid">{"".join(figures)}</div></section>'
    )


# --------------------------------------------------------------------------------------------
# the page

_CSS = """
@page { size: A4; margin: 11mm 11mm 12mm 11mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; padding: 18px 22px; max-width: 1060px; color: #1a1a1a; background: #fff;
  font-family: FONTS; font-size: 13px; line-height: 1.45; }
h1 { font-size: 22px; margin: 0 0 2px 0; }
h2 { font-size: 15px; margin: 12px 0 5px 0; padding-bottom: 2px; border-bottom: 2px solid #2b5a8a;
  color: #1d3f63; }
h2 .unit { float: right; font-size: 11px; font-weight: normal; color: #555; }
h3 { font-size: 13px; margin: 2px 0 4px 0; color: #1d3f63; }
p { margin: 2px 0 6px 0; }
.meta, .note { color: #555; font-size: 11px; }
.boxes { display: flex; gap: 10px; }
.box { flex: 1 1 0; border: 1px solid #b9c8d8; border-left: 4px solid #2b5a8a; background: #f4f8fc;
  padding: 6px 10px; }
.box ul { margin: 0; padding-left: 16px; }
.box li { margin: 1px 0; }
.box li:first-child { font-weight: bold; font-size: 14px; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.amount { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 12px; break-inside: avoid; }
th, td { border: 1px solid #c8d2dc; padding: 2px 6px; vertical-align: top; }
thead th { background: #e6eef6; text-align: center; }
tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
tbody th.sub { padding-left: 20px; color: #333; }
td { text-align: right; white-space: nowrap; }
td.source { text-align: left; white-space: normal; font-size: 10px; color: #444; min-width: 40%; }
tr.range td, tr.range th { color: #555; font-size: 11px; }
#assumptions table { margin-bottom: 6px; }
#charts { break-before: page; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 10px; }
figure { margin: 0; break-inside: avoid; }
img { width: 100%; height: auto; display: block; }
@media print { body { padding: 0; max-width: none; font-size: 10px; line-height: 1.35; }
  h1 { font-size: 17px; } h2 { font-size: 12px; margin: 6px 0 3px 0; } h3 { font-size: 11px; }
  .meta, .note { font-size: 9px; } table { font-size: 9px; } th, td { padding: 1px 4px; }
  td.source { font-size: 8px; } tr.range td, tr.range th { font-size: 8px; }
  .box { padding: 4px 8px; } .box li:first-child { font-size: 11px; } }
"""


def page_css(lang: str) -> str:
    """The page's stylesheet in ``lang`` (English puts a Latin font before the CJK fonts)."""
    fonts = CJK_FONTS if lang == "zh" else f'"Segoe UI", Arial, "Helvetica Neue", {CJK_FONTS}'
    return _CSS.replace("FONTS", fonts + ", sans-serif")


def render(data: PageData, lang: str = "zh") -> str:
    """The page of ``data`` in ``lang`` as HTML text."""
    if lang not in ("zh", "en"):
        raise OutputError(f"--lang {lang!r}: expected zh or en")
    det = data.simulation.deterministic
    title = getattr(data.scenario.meta.title, lang)
    meta = _w(
        "meta",
        lang,
        base=int(det.years[0]),
        year=data.budget.year,
        last=int(det.years[-1]),
        paths=data.paths,
        seed=data.seed,
    )
    stop = "。" if lang == "zh" else ". "
    body = "".join(
        (
            f"<header><h1>{_e(title)}</h1>"
            f'<p class="meta">{_e(_w("report", lang))}{stop}{_e(meta)}</p></header>',
            _headline(data, lang),
            _budget(data, lang),
            _targets(data, lang),
            _assumptions(data, lang),
            _charts(data, lang),
        )
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — {_e(_w('report', lang))}</title>\n"
        f"<style>{page_css(lang)}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def build_page(scenario: Scenario, *, lang: str = "zh", paths: int = 1000, seed: int = 0) -> str:
    """The one-page report of ``scenario`` as self-contained HTML (see the module docstring)."""
    return render(compute(scenario, paths=paths, seed=seed), lang)


# --------------------------------------------------------------------------------------------
# writing


def pdf_engine() -> str | None:
    """The first browser of :data:`PDF_ENGINES` on ``PATH`` (its path), or ``None``."""
    for name in PDF_ENGINES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: str, engine: str) -> bytes:
    """The PDF of the HTML text ``page``, printed by the headless browser ``engine``.

    The browser runs with a throw-away profile, no sandbox (it reads only this page, which has
    no script and loads nothing) and no header or footer; it is given :data:`PDF_TIMEOUT`
    seconds. Raises :class:`OutputError` with the browser's last words if it fails.
    """
    with tempfile.TemporaryDirectory(prefix="yanglao-pdf-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(page, encoding="utf-8")
        cmd = [
            engine,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=PDF_TIMEOUT,
                env={**os.environ, "LANG": os.environ.get("LANG", "C.UTF-8")},
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise OutputError(f"{engine}: could not print the page to PDF ({err})") from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = " ".join((done.stderr or "").strip().splitlines()[-3:])
            raise OutputError(
                f"{engine}: could not print the page to PDF "
                f"(exit {done.returncode}){': ' + tail if tail else ''}"
            )
        return out.read_bytes()


def write_page(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    lang: str = "zh",
    paths: int = 1000,
    seed: int = 0,
    force: bool = False,
) -> list[Path]:
    """Write ``report.html`` and, where :func:`pdf_engine` finds a browser, ``report.pdf`` as the
    folder ``out_dir`` (all or nothing, through :func:`model.output.io.write_folder`).

    Returns the paths written: without a browser the list has no ``report.pdf``. Raises
    :class:`OutputError` if the folder may not be replaced or a browser is found but fails.
    """
    from model.output.io import check_output_folder, write_folder

    check_output_folder(out_dir, force)
    page = build_page(scenario, lang=lang, paths=paths, seed=seed)
    contents = {"report.html": page.encode("utf-8")}
    engine = pdf_engine()
    if engine is not None:
        contents["report.pdf"] = print_pdf(page, engine)

    def writer(content: bytes) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            path.write_bytes(content)

        return write

    files = {name: writer(content) for name, content in contents.items()}
    return write_folder(out_dir, files, force=force)
