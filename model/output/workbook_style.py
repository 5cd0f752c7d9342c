"""Workbooks as a county finance bureau reads them in Excel or WPS: one style for every workbook.

Every workbook the project writes goes through :func:`write_workbook` (or, for a sheet laid out
by hand such as the 绩效自评表, :func:`style_sheet`):

- a 说明 sheet first: the scenario (id, region, base year, horizon, file), its main sources, the
  run's settings (command, files, seed, years, language) and the units;
- headers in the run's language (``lang="zh"`` Chinese, ``"en"`` English) with their units, in
  bold, frozen, with an autofilter; codes in cells (fund, series, flags) in words;
- a number format on every numeric cell, by the column's kind (:data:`NUMBER_FORMATS`): money
  in 万元 ``#,##0.00``, persons ``#,##0``, shares and probabilities ``0.0%`` (stored as
  fractions), ratios ``0.00``, years ``0``;
- column widths from the content, a Chinese character counted as two
  (:func:`model.output.text.display_width`);
- printing on A4 landscape, one page wide, the header rows repeated on every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.output.labels import FUND_LABELS, LABELS, level_names, words
from model.output.safe_text import safe_cell
from model.output.text import display_width

#: Number formats by kind of column. Shares, probabilities and rates are stored as fractions.
NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00",  # 万元
    "yuan": "#,##0.00",  # 元, 元/月
    "persons": "#,##0",
    "count": "#,##0",
    "share": "0.0%",
    "rate": "0.00%",  # interest and discount rates, completion rates of a report (2 decimals)
    "ratio": "0.00",
    "months": "0.0",
    "factor": "0.0000",
    "year": "0",
    "number": "#,##0.00",
}

#: A column's kind from the unit of a label (:data:`model.output.labels.LABELS`).
UNIT_KINDS = {
    "万元": "money",
    "人": "persons",
    "/1": "ratio",
    "年": "year",
    "月": "months",
    "元/月": "yuan",
    "元/年": "yuan",
    "元": "yuan",
    "%": "rate",
}

#: The name of the first sheet of every workbook.
ABOUT_SHEET = {"zh": "说明", "en": "about"}

#: The widest a column is made (characters); longer text wraps.
MAX_COLUMN_WIDTH = 60
#: A header wider than this wraps rather than widening its column.
MAX_HEADER_WIDTH = 24

#: Funds (and both together) in words, for the ``fund`` cells of a sheet.
FUND_WORDS: dict[str, dict[str, str]] = {
    **FUND_LABELS,
    "combined": {"zh": "两项基金合计", "en": "both funds"},
}

#: Short fund names for sheet names (at most 31 characters).
FUND_SHEETS: dict[str, dict[str, str]] = {
    "civil_service": {"zh": "机关事业单位", "en": "civil service"},
    "residents": {"zh": "城乡居民", "en": "residents"},
    "combined": {"zh": "两项基金合计", "en": "both funds"},
}

Row = Mapping[str, Any]
Kind = str | Callable[[Row], str]


# --------------------------------------------------------------------------------------------
# what a sheet holds


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the row key it shows, its header, its kind (or a function of the row
    giving the kind), a scale applied to its numbers (``0.01``: a percentage stored as a
    fraction) and words for its codes."""

    key: str
    header: str
    kind: Kind = "text"
    scale: float = 1.0
    values: Mapping[str, str] | None = None
    wrap: bool = False

    def kind_of(self, row: Row) -> str:
        return self.kind(row) if callable(self.kind) else self.kind

    def cell(self, row: Row) -> Any:
        """The cell's value: a number scaled, a code in words, text made safe, NaN blank."""
        v = row.get(self.key)
        if v is None:
            return None
        if isinstance(v, bool):
            return safe_cell(str(v))
        if isinstance(v, int | float) or _is_numpy_number(v):
            x = float(v)
            if x != x or x in (float("inf"), float("-inf")):
                return None
            if self.scale != 1.0:
                return x * self.scale
            return int(v) if _is_integer(v) else x
        if self.values is not None and str(v) in self.values:
            return safe_cell(self.values[str(v)])
        return safe_cell(v)


def _is_numpy_number(v: Any) -> bool:
    return type(v).__module__ == "numpy" and hasattr(v, "dtype") and v.dtype.kind in "iuf"


def _is_integer(v: Any) -> bool:
    return isinstance(v, int) or (_is_numpy_number(v) and v.dtype.kind in "iu")


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name, columns and rows; ``title`` lines above the header; the first
    ``freeze_columns`` columns stay in view when scrolling right."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Row]
    title: Sequence[str] = ()
    freeze_columns: int = 1


@dataclass(frozen=True)
class ScenarioFacts:
    """What the 说明 sheet says of a scenario."""

    id: str
    region: str
    base_year: int
    horizon: int | None = None
    file: str = ""
    title: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunSettings:
    """The settings of a run, as the 说明 sheet lists them. The command line passes what it
    was given; a writer called without one describes the run from its result."""

    command: str = ""
    paths: tuple[str, ...] = ()
    seed: int | None = None
    years: tuple[int, int] | None = None
    lang: str = "zh"
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class About:
    """The 说明 sheet: the scenarios, the run, notes on what the workbook holds."""

    scenarios: tuple[ScenarioFacts, ...]
    run: RunSettings
    notes: tuple[str, ...] = ()
    units: tuple[tuple[str, str], ...] | None = None  # default: :func:`units_rows`


# --------------------------------------------------------------------------------------------
# words


def _w(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


#: Units in English words (an English workbook has no Chinese but names of places and documents).
UNITS_EN = {
    "万元": "10,000 yuan",
    "人": "persons",
    "月": "months",
    "元/月": "yuan a month",
    "元/年": "yuan a year",
    "元": "yuan",
    "%": "%",
}


def header(text: str, unit: str = "", lang: str = "zh") -> str:
    """A header with its unit: ``收入合计 (万元)``; no unit for ratios and years.

    >>> header("收入合计", "万元"), header("抚养比", "/1"), header("reserve", "万元", "en")
    ('收入合计 (万元)', '抚养比', 'reserve (10,000 yuan)')
    """
    if lang != "zh":
        unit = UNITS_EN.get(unit, unit)
    return f"{text} ({unit})" if unit and unit not in ("/1", "年") else text


def label_column(
    key: str, lang: str, levels: dict[str, str] | None = None, kind: Kind | None = None
) -> Column:
    """A column of the projection (:data:`model.output.labels.LABELS`): its words, unit and kind."""
    entry = LABELS[key]
    unit = entry["unit"]
    if kind is None:
        kind = SHARE_COLUMNS.get(key) or UNIT_KINDS.get(unit, "number" if unit else "text")
    values = fund_values(lang) if key == "fund" else None
    return Column(key, header(words(entry, lang, levels), unit, lang), kind, values=values)


#: Projection columns that are shares (a fraction of a wage or a base), shown as percentages.
SHARE_COLUMNS = {
    "replacement_rate": "share",
    "new_award_to_average_wage": "share",
    "pension_in_payment_to_average_wage": "share",
}


def fund_values(lang: str) -> dict[str, str]:
    """Fund codes → the funds' names in ``lang``."""
    return {k: v[lang] for k, v in FUND_WORDS.items()}


def series_values(lang: str, levels: dict[str, str] | None = None) -> dict[str, str]:
    """Projection column codes (a series of a simulation) → their words in ``lang``."""
    return {k: words(v, lang, levels) for k, v in LABELS.items()}


#: The columns of the analyses' CSV files (compare, sensitivity, budget, simulation, valuation,
#: evaluation) in words: key → (Chinese, English, unit, kind). Projection columns are in
#: :data:`model.output.labels.LABELS`.
HEADERS: dict[str, tuple[str, str, str, str]] = {
    "fund": ("基金", "fund", "", "text"),
    "year": ("年度", "year", "年", "year"),
    "label": ("项目", "item", "", "text"),
    "unit": ("单位", "unit", "", "text"),
    "scenario": ("情景编号", "scenario", "", "text"),
    "title": ("情景名称", "scenario title", "", "text"),
    "name": ("简称", "short name", "", "text"),
    "value": ("数值", "value", "", "number"),
    "difference_from_first": ("与基准之差", "difference from the baseline", "", "number"),
    # sensitivity and break-even
    "rank": ("排序", "rank", "", "count"),
    "step": ("冲击幅度", "step", "", "text"),
    "subsidy_need_10y_down": (
        "10年补贴需求变化(下调)",
        "10-year subsidy need, shock down",
        "万元",
        "money",
    ),
    "subsidy_need_10y_up": (
        "10年补贴需求变化(上调)",
        "10-year subsidy need, shock up",
        "万元",
        "money",
    ),
    "subsidy_paid_10y_down": (
        "10年财政补贴变化(下调)",
        "10-year subsidy paid, shock down",
        "万元",
        "money",
    ),
    "subsidy_paid_10y_up": (
        "10年财政补贴变化(上调)",
        "10-year subsidy paid, shock up",
        "万元",
        "money",
    ),
    "depletion_year_without_subsidy_down": (
        "无补贴耗尽年份(下调)",
        "depletion with no subsidy, down",
        "年",
        "year",
    ),
    "depletion_year_without_subsidy_up": (
        "无补贴耗尽年份(上调)",
        "depletion with no subsidy, up",
        "年",
        "year",
    ),
    "baseline_subsidy_need_10y": (
        "基准10年补贴需求",
        "baseline 10-year subsidy need",
        "万元",
        "money",
    ),
    "baseline_subsidy_paid_10y": (
        "基准10年财政补贴",
        "baseline 10-year subsidy paid",
        "万元",
        "money",
    ),
    "baseline_depletion_year_without_subsidy": (
        "基准无补贴耗尽年份",
        "baseline depletion with no subsidy",
        "年",
        "year",
    ),
    "break_even_value": ("盈亏平衡值", "break-even value", "", "factor"),
    "searched_from": ("搜索下限", "searched from", "", "factor"),
    "searched_to": ("搜索上限", "searched to", "", "factor"),
    "target_subsidy_need_10y": ("目标10年补贴需求", "target 10-year subsidy need", "万元", "money"),
    # budget and targets
    "budget": ("预算数", "budget", "", "money"),
    "low_5pct_given_scenario": ("模拟区间下限(5%)", "low (5%, given the scenario)", "", "money"),
    "high_95pct_given_scenario": (
        "模拟区间上限(95%)",
        "high (95%, given the scenario)",
        "",
        "money",
    ),
    "band_probability": (
        "执行率落在90%–110%的概率",
        "probability execution is in 90%–110%",
        "",
        "share",
    ),
    "best_budget_for_band": ("最优预算数", "best budget for the band", "万元", "money"),
    "flag": ("提示", "flag", "", "text"),
    "level1": ("一级指标", "first-level indicator", "", "text"),
    "level2": ("二级指标", "second-level indicator", "", "text"),
    "indicator_zh": ("三级指标", "indicator (Chinese)", "", "text"),
    "indicator_en": ("三级指标(英文)", "indicator", "", "text"),
    "target": ("年度指标值", "target", "", "text"),
    "projected": ("预测值", "projected", "", "number"),
    "note": ("备注", "note", "", "text"),
    # simulation
    "series": ("指标", "series", "", "text"),
    "p5_given_scenario": ("5%分位数", "5th percentile", "", "money"),
    "p25_given_scenario": ("25%分位数", "25th percentile", "", "money"),
    "p50_given_scenario": ("中位数", "median", "", "money"),
    "p75_given_scenario": ("75%分位数", "75th percentile", "", "money"),
    "p95_given_scenario": ("95%分位数", "95th percentile", "", "money"),
    "deterministic": ("情景路径值", "the scenario's path", "", "money"),
    "p_depleted_under_rule_given_scenario": (
        "按补贴规则基金耗尽概率",
        "probability depleted under the rule",
        "",
        "share",
    ),
    "p_depleted_without_subsidy_given_scenario": (
        "无财政补贴基金耗尽概率",
        "probability depleted with no subsidy",
        "",
        "share",
    ),
    "factor": ("驱动因素", "factor", "", "text"),
    # valuation
    "section": ("部分", "section", "", "text"),
    "sum_nominal": ("名义合计", "sum", "万元", "money"),
    "sum_base_year_prices": ("基年价格合计", "sum, base-year prices", "万元", "money"),
    "present_value": ("现值", "present value", "万元", "money"),
    "share_of_pv_payroll": ("占缴费工资现值", "share of PV payroll", "", "share"),
    "share_of_pv_budget_revenue": ("占预算收入现值", "share of PV budget revenue", "", "share"),
    "multiple_of_base_year_payroll": ("基年缴费工资倍数", "× base-year payroll", "", "ratio"),
    "multiple_of_base_year_budget_revenue": (
        "基年预算收入倍数",
        "× base-year budget revenue",
        "",
        "ratio",
    ),
    "discount_rate": ("贴现率", "discount rate", "", "rate"),
    "discount_factor": ("贴现因子", "discount factor", "", "factor"),
    "price_index": ("物价指数", "price index", "", "factor"),
    "closed_group_discount_factor": (
        "封闭人群贴现因子",
        "closed-group discount factor",
        "",
        "factor",
    ),
    "closed_group_pensioners_benefits": (
        "现有退休人员待遇",
        "benefits of today's pensioners",
        "万元",
        "money",
    ),
    # evaluation
    "label_zh": ("项目", "item (Chinese)", "", "text"),
    "label_en": ("项目(英文)", "item", "", "text"),
    "outturn": ("决算数", "outturn", "", "number"),
    "outturn_source": ("决算数来源", "outturn source", "", "text"),
    "stated": ("报告所列数", "stated", "", "number"),
    "stated_source": ("报告所列数来源", "stated in", "", "text"),
    "budget_source": ("预算数来源", "budget source", "", "text"),
    "completion_pct": ("预算完成率", "budget completion", "", "rate"),
    "band_low_pct": ("区间下限", "band low", "", "rate"),
    "band_high_pct": ("区间上限", "band high", "", "rate"),
    "other_budgets": ("其他预算数", "other budgets", "", "text"),
    "previous": ("上年数", "previous year", "", "number"),
    "previous_source": ("上年数来源", "previous year's source", "", "text"),
    "change": ("增减额", "change", "", "number"),
    "growth_pct": ("增长率", "growth", "", "rate"),
    "stated_change": ("报告所列增减额", "stated change", "", "number"),
    "stated_growth_pct": ("报告所列增长率", "stated growth", "", "rate"),
    "stated_completion_pct": ("报告所列完成率", "stated completion", "", "rate"),
    "notes": ("说明", "notes", "", "text"),
}

#: Codes in cells, in words: flags, sections, the simulation's driver factors.
CODE_WORDS: dict[str, dict[str, str]] = {
    "unlikely": {"zh": "不大可能", "en": "unlikely"},
    "below": {"zh": "低于区间", "en": "below the band"},
    "above": {"zh": "高于区间", "en": "above the band"},
    "open": {"zh": "开放人群", "en": "open group"},
    "closed": {"zh": "封闭人群", "en": "closed group"},
    "wage_index": {"zh": "工资指数(模拟/情景)", "en": "wage index (path / scenario)"},
    "price_index": {"zh": "物价指数(模拟/情景)", "en": "price index (path / scenario)"},
    "interest_deviation": {"zh": "利率偏差", "en": "interest deviation"},
    "mortality_factor": {"zh": "死亡率因子", "en": "mortality factor"},
}


def code_values(lang: str) -> dict[str, str]:
    """Codes in cells (:data:`CODE_WORDS`, funds) → words in ``lang``."""
    return {**{k: v[lang] for k, v in CODE_WORDS.items()}, **fund_values(lang)}


def column(
    key: str,
    lang: str,
    kind: Kind | None = None,
    scale: float = 1.0,
    values: Mapping[str, str] | None = None,
    unit: str | None = None,
    wrap: bool = False,
) -> Column:
    """A column of an analysis's CSV (:data:`HEADERS`) with its words in ``lang``, its unit and
    kind; ``fund`` and code columns show words. A key of neither table is shown as it is."""
    if key in HEADERS:
        zh, en, default_unit, default_kind = HEADERS[key]
        text = zh if lang == "zh" else en
    elif key in LABELS:
        return label_column(key, lang, kind=kind)
    else:
        text, default_unit, default_kind = key, "", "number"
    if values is None and key == "unit" and lang != "zh":
        values = UNITS_EN
    elif values is None and default_kind == "text":
        values = code_values(lang)
    return Column(
        key,
        header(text, default_unit if unit is None else unit, lang),
        default_kind if kind is None else kind,
        scale,
        values,
        wrap,
    )


# --------------------------------------------------------------------------------------------
# the 说明 sheet

_DOCUMENT = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号|[\u4e00-\u9fff]{2,12}年鉴\d{4}")


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list | tuple):
        for v in node:
            yield from _strings(v)


def scenario_facts(scenario: Any, lang: str = "zh", horizon: int | None = None) -> ScenarioFacts:
    """The 说明 sheet's facts of a scenario: id, region, base year, horizon, file, title and its
    main sources (the report its base year comes from, then the documents its sources cite
    most: 国发〔2015〕2号, a yearbook)."""
    meta = scenario.meta
    cited: dict[str, int] = {}
    for text in _strings(scenario.model_dump(mode="json")):
        for doc in _DOCUMENT.findall(text):
            cited[doc] = cited.get(doc, 0) + 1
    documents = sorted(cited, key=lambda d: (-cited[d], d))[:10]
    sources = tuple(dict.fromkeys([*([meta.report] if meta.report else []), *documents]))
    file = getattr(scenario, "_source", None) or ""
    return ScenarioFacts(
        id=meta.id,
        region=getattr(meta.county, lang),
        base_year=meta.base_year,
        horizon=horizon or meta.horizon,
        file=str(file),
        title=getattr(meta.title, lang),
        sources=sources,
    )


def units_rows(lang: str) -> tuple[tuple[str, str], ...]:
    """The units of every workbook, in words."""
    if lang == "zh":
        return (
            ("金额", "万元（另注明元或元/月者除外）"),
            ("人数", "人"),
            ("比例、概率、利率", "百分比（单元格内为小数，按百分比显示）"),
            ("比率", "倍（如抚养比：缴费人数/领取待遇人数）"),
            ("年度", "公历年"),
        )
    return (
        ("money", "万元 (10,000 yuan) unless a header says 元 or 元/月"),
        ("heads", "persons (人)"),
        ("shares, probabilities, rates", "percentages (stored as fractions)"),
        ("ratios", "times (e.g. dependency ratio: contributors per beneficiary)"),
        ("years", "calendar years"),
    )


def about_rows(about: About, lang: str) -> list[dict[str, Any]]:
    """The rows of the 说明 sheet: section, item, content."""
    rows: list[dict[str, Any]] = []

    def add(section: str, item: str, value: Any) -> None:
        if value not in (None, ""):
            rows.append({"section": section, "item": item, "value": value})

    sec = _w("情景", "scenario", lang)
    for f in about.scenarios:
        add(sec, _w("情景编号", "id", lang), f.id)
        add(sec, _w("情景名称", "title", lang), f.title)
        add(sec, _w("地区", "region", lang), f.region)
        add(sec, _w("基期年度", "base year", lang), f.base_year)
        add(sec, _w("预测期末年度", "horizon", lang), f.horizon)
        add(sec, _w("情景文件", "file", lang), f.file)
    sec = _w("主要资料来源", "main sources", lang)
    for f in about.scenarios:
        for s in f.sources:
            add(sec, f.id, s)
    add(
        sec,
        _w("全国参数与数据表", "national parameters and tables", lang),
        _w(
            "随软件发布的 model/data（见 SOURCE.md）",
            "model/data shipped with the tool (see SOURCE.md)",
            lang,
        ),
    )
    run = about.run
    sec = _w("运行设置", "settings of the run", lang)
    add(sec, _w("命令", "command", lang), run.command)
    for p in run.paths:
        add(sec, _w("输入文件", "input file", lang), p)
    if run.seed is not None:
        add(sec, _w("随机种子", "seed", lang), run.seed)
    if run.years is not None:
        add(sec, _w("预测年度", "years", lang), f"{run.years[0]}–{run.years[1]}")
    add(sec, _w("语言", "language", lang), _w("中文 (--lang zh)", "English (--lang en)", run.lang))
    for name, value in run.options:
        add(sec, name, value)
    sec = _w("单位", "units", lang)
    for item, value in about.units or units_rows(lang):
        add(sec, item, value)
    sec = _w("说明", "notes", lang)
    for note in about.notes:
        add(sec, "", note)
    return rows


def about_sheet(about: About, lang: str) -> Sheet:
    """The 说明 sheet as a sheet of three columns."""
    return Sheet(
        ABOUT_SHEET[lang],
        [
            Column("section", _w("类别", "section", lang)),
            Column("item", _w("项目", "item", lang)),
            Column(
                "value",
                _w("内容", "content", lang),
                lambda r: "year" if isinstance(r.get("value"), int) else "text",
                wrap=True,
            ),
        ],
        about_rows(about, lang),
    )


# --------------------------------------------------------------------------------------------
# writing and styling


def shown(value: Any, kind: str) -> str:
    """A cell's value as Excel shows it under its kind's number format (to measure widths).

    >>> shown(1234.5, "money"), shown(0.125, "share"), shown(2021, "year")
    ('1,234.50', '12.5%', '2021')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        fmt = {
            "money": "{:,.2f}",
            "yuan": "{:,.2f}",
            "persons": "{:,.0f}",
            "count": "{:,.0f}",
            "share": "{:.1%}",
            "rate": "{:.2%}",
            "ratio": "{:.2f}",
            "months": "{:.1f}",
            "factor": "{:.4f}",
            "year": "{:.0f}",
        }.get(kind, "{:,.2f}")
        return fmt.format(value)
    return "" if value is None else str(value)


def fallback_kind(value: Any) -> str:
    """The kind of a number in a column of text: whole numbers as counts, others with decimals."""
    return "count" if isinstance(value, int) else "number"


def add_sheet(wb: Any, sheet: Sheet, lang: str) -> Any:
    """Write ``sheet`` into the workbook ``wb`` and style it (:func:`style_sheet`)."""
    ws = wb.create_sheet(_sheet_name(wb, sheet.name))
    for line in sheet.title:
        ws.append([safe_cell(line)])
    ws.append([safe_cell(c.header) for c in sheet.columns])
    header_row = len(sheet.title) + 1
    for row in sheet.rows:
        ws.append([c.cell(row) for c in sheet.columns])
    kinds: list[list[str]] = [[c.kind_of(row) for c in sheet.columns] for row in sheet.rows]
    for r, row_kinds in enumerate(kinds, start=header_row + 1):
        for col, kind in enumerate(row_kinds, start=1):
            cell = ws.cell(r, col)
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = NUMBER_FORMATS.get(
                    kind, NUMBER_FORMATS[fallback_kind(cell.value)]
                )
    style_sheet(
        ws,
        header_row,
        sheet.freeze_columns,
        wrap=[i for i, c in enumerate(sheet.columns, start=1) if c.wrap],
    )
    return ws


def _sheet_name(wb: Any, name: str) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of ``[]:*?/\\``), unique in ``wb``."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "sheet"
    out, n = base, 2
    while out in wb.sheetnames:
        suffix = f"-{n}"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    return out


def style_sheet(
    ws: Any, header_row: int = 1, freeze_columns: int = 1, wrap: Sequence[int] = ()
) -> None:
    """Style a written sheet: a number format on every numeric cell that has none (by its
    value), the header row bold, wrapped and frozen, an autofilter over the table, column
    widths from the content, and the print setup (A4 landscape, one page wide, the rows down
    to the header repeated)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            v = cell.value
            if isinstance(v, int | float) and not isinstance(v, bool):
                if cell.number_format == "General":
                    cell.number_format = NUMBER_FORMATS[fallback_kind(v)]
                text = shown(v, _kind_of_format(cell.number_format))
            else:
                text = "" if v is None else str(v)
            w = max((display_width(part) for part in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), w)
    bold = Font(bold=True)
    for cell in ws[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        w = min(display_width(str(cell.value or "")), MAX_HEADER_WIDTH)
        widths[cell.column] = max(widths.get(cell.column, 0), w)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(w + 2, MAX_COLUMN_WIDTH)
    for col in wrap:
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=col, max_col=col):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, w in widths.items():
        if w + 2 > MAX_COLUMN_WIDTH and col not in wrap:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(max(ws.max_column, 1))
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last}{max(ws.max_row, header_row)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{header_row}"


def _kind_of_format(fmt: str) -> str:
    return next((k for k, f in NUMBER_FORMATS.items() if f == fmt), "number")


def new_workbook(about: About, lang: str) -> Any:
    """An empty workbook with its 说明 sheet first."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    add_sheet(wb, about_sheet(about, lang), lang)
    return wb


def write_workbook(path: Path, sheets: Sequence[Sheet], about: About, lang: str) -> None:
    """Write a workbook: the 说明 sheet, then ``sheets``, each styled."""
    wb = new_workbook(about, lang)
    for sheet in sheets:
        add_sheet(wb, sheet, lang)
    wb.save(path)


@dataclass(frozen=True)
class Table:
    """A table of the fitted models as cells: a name, a header and rows of values."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    kinds: Sequence[str] = field(default_factory=tuple)

    def sheet(self) -> Sheet:
        keys = [f"c{i}" for i in range(len(self.header))]
        kinds = list(self.kinds) or ["text"] + ["factor"] * (len(keys) - 1)
        return Sheet(
            self.name,
            [Column(k, h, kind) for k, h, kind in zip(keys, self.header, kinds, strict=True)],
            [dict(zip(keys, r, strict=True)) for r in self.rows],
        )


__all__ = [
    "ABOUT_SHEET",
    "FUND_SHEETS",
    "FUND_WORDS",
    "NUMBER_FORMATS",
    "About",
    "Column",
    "RunSettings",
    "ScenarioFacts",
    "Sheet",
    "Table",
    "about_rows",
    "add_sheet",
    "column",
    "fund_values",
    "header",
    "label_column",
    "level_names",
    "new_workbook",
    "scenario_facts",
    "series_values",
    "shown",
    "style_sheet",
    "units_rows",
    "write_workbook",
]
