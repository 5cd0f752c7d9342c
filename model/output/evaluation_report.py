"""Renderings of an :class:`~model.analysis.evaluate.Evaluation`: terminal table, CSV, workbook,
draft.

Formatting only: every number shown is an attribute of the evaluation, rounded for display
(money in 万元 with 2 decimals and percentages with 2 decimals, both rounded half up; heads
without decimals; the dependency ratio with 2 decimals). :func:`write_evaluation` writes
``evaluation.csv``, ``self_evaluation.xlsx`` and ``draft.md`` all together or not at all.

The draft (``draft.md``) follows the report's paragraphs (一 both funds, 二 each fund, 三 targets)
in Chinese. Where the report disagrees with itself it uses the evaluation's consistent figure and
says so in a note
(``（注：报告所列增幅12.34%与收入及增加额不一致，按增加额计算为10.00%）``); where
the report's percentage is its truncation, a note says that too. The words of a disagreement (its
identity, what it was computed from, its note) are those of :mod:`model.output.finding_words`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from model.analysis.consistency import Figure, Finding, Identity
from model.analysis.evaluate import (
    HEAD_LINES,
    INCOME_LINES,
    RATIO_LINES,
    Evaluation,
    Indicator,
    Line,
    SelfEvaluationRow,
    StatedRef,
    round_half_up,
    section_of,
    truncate,
)
from model.output.finding_words import computed_from_text, finding_note, identity_text
from model.output.labels import FUND_LABELS
from model.output.safe_text import safe_cell, safe_markdown_text
from model.output.self_evaluation import deviation_text, levels, note_text
from model.output.text import MAX_WIDTH, fitted, wrapped
from model.scenario.names import COMBINED, FUNDS
from model.units import plain_number

#: Labels of the lines in the words of a report (Chinese) and in English.
LINE_LABELS: dict[str, dict[str, str]] = {
    "contribution_income": {"zh": "基本养老保险费收入", "en": "contribution income"},
    "interest_income": {"zh": "利息收入", "en": "interest income"},
    "subsidy_income": {"zh": "财政补贴收入", "en": "fiscal subsidy income"},
    "other_income": {"zh": "其他收入", "en": "other income"},
    "total_income": {"zh": "总收入", "en": "total income"},
    "benefit_expenditure": {"zh": "养老保险待遇支出", "en": "benefit expenditure"},
    "pension_expenditure": {"zh": "其中：基本养老金支出", "en": "of which pensions (budget line)"},
    "funeral_grant_expenditure": {
        "zh": "其中：丧葬补助金支出",
        "en": "of which funeral grants (budget line)",
    },
    "other_expenditure": {"zh": "其他支出", "en": "other expenditure"},
    "total_expenditure": {"zh": "总支出", "en": "total expenditure"},
    "balance": {"zh": "当年收支结余", "en": "balance of the year"},
    "reserve_end": {"zh": "滚存结余", "en": "reserve at year end"},
    "contributors": {"zh": "在职缴费人数", "en": "contributors"},
    "beneficiaries": {"zh": "享受待遇人数", "en": "beneficiaries"},
    "dependency_ratio": {"zh": "抚养比", "en": "dependency ratio"},
}
#: The same for both funds together, as a report's section on both funds words them.
COMBINED_LABELS = {
    "total_income": "收入合计",
    "total_expenditure": "支出合计",
    "balance": "本年收支结余",
    "reserve_end": "年末滚存结余",
}
FUND_NAMES = {
    **{f: FUND_LABELS[f] for f in FUNDS},
    COMBINED: {"zh": "两项基金合计", "en": "both funds together"},
}
#: Short fund names for sheet names (at most 31 characters, no brackets).
SHEET_NAMES = {"civil_service": "自评表-机关事业单位", "residents": "自评表-城乡居民"}


# --------------------------------------------------------------------------------------------
# numbers


def money(x: float | None) -> str:
    """Money in 万元 with 2 decimals, rounded half up, no separators ("" for None).

    >>> money(-441.47000000000116)
    '-441.47'
    >>> money(12345.6)
    '12345.60'
    """
    return "" if x is None else f"{round_half_up(x):.2f}"


def pct(x: float | None) -> str:
    """A percentage with 2 decimals, rounded half up ("" for None).

    >>> pct(100.79939877)
    '100.80'
    """
    return "" if x is None else f"{round_half_up(x):.2f}"


def value_text(key: str, x: float | None) -> str:
    """A line's value as shown: heads without decimals, ratio and money with 2."""
    if x is None:
        return ""
    if key in HEAD_LINES:
        return f"{round_half_up(x, 0):.0f}"
    return money(x)


def _num(x: float | None, decimals: int = 2) -> float | None:
    """A number for a file: rounded half up (None stays None)."""
    return None if x is None else round_half_up(x, decimals)


def figure_text(line: str, x: float | None) -> str:
    """A figure of a disagreement: heads whole, everything else with 2 decimals (half up)."""
    if x is None:
        return ""
    return f"{round_half_up(x, 0):.0f}" if line in HEAD_LINES else f"{round_half_up(x):.2f}"


def _stated_text(ref: StatedRef | None) -> str:
    """A stated figure quoted: its own decimals, at least 2 (12.34, 1234.567, 1.5)."""
    if ref is None:
        return ""
    return f"{ref.value:.{max(ref.decimals, 2)}f}"


def _shown_differs(ref: StatedRef | None, value: float | None, decimals: int | None = None) -> bool:
    """Whether the stated figure differs from ``value`` shown at the stated decimals (or 2)."""
    if ref is None or value is None:
        return False
    d = max(ref.decimals, 2) if decimals is None else decimals
    return round_half_up(value, d) != round_half_up(ref.value, d)


def _truncated(ref: StatedRef, value: float) -> bool:
    """Whether the stated figure is ``value`` cut (not rounded) to the stated decimals."""
    return truncate(value, ref.decimals) == ref.value


# --------------------------------------------------------------------------------------------
# the terminal table


_WORDS = {
    "title": {
        "zh": "{county}{year}年度基金结算评价（情景 {scenario}）："
        "金额单位万元，人数单位人，比率单位%",
        "en": "{county} {year} outturn evaluation (scenario {scenario}): money in 10,000 yuan, "
        "heads in persons, rates in %",
    },
    "columns": {
        "zh": (
            "项目",
            "结算数",
            "预算数",
            "完成率%",
            "区间",
            "上年数",
            "增减",
            "增幅%",
            "报告所列",
        ),
        "en": (
            "line",
            "outturn",
            "budget",
            "compl. %",
            "band",
            "year before",
            "change",
            "growth %",
            "report states",
        ),
    },
    "flags": {"zh": "完成率超出绩效区间的项目", "en": "Completion outside the performance band"},
    "none": {"zh": "无", "en": "none"},
    "disagreements": {
        "zh": "报告自相矛盾之处（{n}处；评价采用一致的数字）",
        "en": "The report's disagreements ({n}; the evaluation uses the consistent figure)",
    },
    "headline": {"zh": "要点", "en": "Headline"},
    "below": {"zh": "低于区间", "en": "below the band"},
    "short_below": {"zh": "偏低", "en": "(low)"},
    "short_above": {"zh": "偏高", "en": "(high)"},
    "above": {"zh": "高于区间", "en": "above the band"},
    "warning": {"zh": "提示", "en": "warning"},
}

#: Names of the figures a report's identities tie together, beside the lines of
#: :data:`LINE_LABELS`.
FIGURE_NAMES: dict[str, dict[str, str]] = {
    "income_increase": {"zh": "收入增加额", "en": "income increase"},
    "expenditure_increase": {"zh": "支出增加额", "en": "expenditure increase"},
    "income_growth": {"zh": "收入增幅", "en": "income growth"},
    "expenditure_growth": {"zh": "支出增幅", "en": "expenditure growth"},
    "income_budget": {"zh": "收入预算", "en": "income budget"},
    "expenditure_budget": {"zh": "支出预算", "en": "expenditure budget"},
    "expenditure_budget_pensions": {"zh": "养老金支出预算", "en": "pensions budget"},
    "expenditure_budget_funeral": {"zh": "丧葬补助金支出预算", "en": "funeral grants budget"},
    "income_budget_completion": {"zh": "收入预算完成率", "en": "income budget completion"},
    "expenditure_budget_completion": {
        "zh": "支出预算完成率",
        "en": "expenditure budget completion",
    },
    "reserve_start": {"zh": "年初滚存结余", "en": "reserve at year start"},
}
#: Short fund names, for a figure of another block named in an identity.
SHORT_FUND_NAMES = {
    "civil_service": {"zh": "机关事业单位", "en": "civil-service"},
    "residents": {"zh": "城乡居民", "en": "residents'"},
    COMBINED: {"zh": "两项基金", "en": "both funds'"},
}


def _w(key: str, lang: str) -> str | tuple[str, ...]:
    return _WORDS[key][lang if lang in ("zh", "en") else "en"]


def _warning_text(w: str, ev: Evaluation, lang: str) -> str:
    """A warning of the evaluation in ``lang``: the known ones in words, others as they are."""
    from model.analysis.evaluate import YEAR_BEFORE_UNKNOWN

    if w == YEAR_BEFORE_UNKNOWN:
        return (
            f"{ev.year}年既不是情景的基年{ev.scenario_base_year}年，也不是其次年："
            "上年数只能由报告所列增加额推算"
            if lang == "zh"
            else f"{ev.year} is neither the scenario's base year {ev.scenario_base_year} nor "
            "the year after: the year-before figures come only from the increases the report states"
        )
    if lang == "zh":
        m = re.fullmatch(r"(\w+): estimated, not stated: (.*)", w)
        if m and m.group(1) in FUND_NAMES:
            keys = [k.strip() for k in m.group(2).split(",")]
            return (
                f"{FUND_NAMES[m.group(1)]['zh']}：报告未列"
                + "、".join(_figure_name(k, "zh") for k in keys)
                + "，按情景规则估算"
            )
        m = re.fullmatch(r"the outturn is for (.+?) \(.*?\), the scenario for (.+?) \(.*\)", w)
        if m:
            return f"结算数属于{m.group(1)}，情景属于{m.group(2)}"
        m = re.fullmatch(r"(\w+): lines not stated could not be estimated \((.*)\)", w)
        if m and m.group(1) in FUND_NAMES:
            return f"{FUND_NAMES[m.group(1)]['zh']}：报告未列的项目无法估算"
    return w


def _figure_name(key: str, lang: str) -> str:
    """A figure's name in ``lang``: a line, another figure of an identity, or its key."""
    if key in LINE_LABELS:
        return LINE_LABELS[key][lang].removeprefix("其中：").removeprefix("of which ")
    if key in FIGURE_NAMES:
        return FIGURE_NAMES[key][lang]
    if key.startswith("targets.") or key.startswith("achieved."):
        from model.output.self_evaluation import INDICATOR_NAMES

        name = key.split(".", 1)[1]
        if lang == "zh" and name in INDICATOR_NAMES:
            return (
                "年度指标值：" if key.startswith("targets.") else "实际完成值："
            ) + INDICATOR_NAMES[name][2]
    return key if lang == "en" else "（未命名项目）"


def _name_in(figure: Figure, fund: str, lang: str) -> str:
    """A figure's name in a finding of ``fund``: with its fund when another block states it,
    marked when it is a restatement."""
    name = _figure_name(figure.key, lang)
    if figure.fund != fund:
        name = (
            SHORT_FUND_NAMES.get(figure.fund, {"zh": "", "en": figure.fund})[lang]
            + ("" if lang == "zh" else " ")
            + name
        )
    if figure.restated:
        name += "（另处所列）" if lang == "zh" else " (restated)"
    return name


def identity_words(finding: Finding, lang: str = "zh") -> str:
    """The identity a finding checks, in words: ``当年收支结余 = 总收入 − 总支出``."""
    from model.analysis.consistency import Identity

    kind, fund = finding.identity, finding.fund
    zh = lang == "zh"
    stated = _name_in(finding.figure, fund, lang)
    names = [_name_in(f, fund, lang) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        return (
            f"另处所列{_figure_name(finding.figure.key, lang)}与首次所列相同"
            if zh
            else f"{_figure_name(finding.figure.key, lang)} as restated = as first stated"
        )
    if kind is Identity.LINES:
        word = (
            ("收入" if "income" in finding.figure.key else "支出")
            if zh
            else ("income" if "income" in finding.figure.key else "expenditure")
        )
        return f"{stated} = 各项{word}之和" if zh else f"{stated} = sum of the {word} lines"
    if kind is Identity.BUDGET_LINES:
        return f"{stated} = 预算明细之和" if zh else f"{stated} = sum of the budget lines"
    if kind is Identity.BUDGET_HOLDS_LINE:
        return f"{stated} ≥ 所列预算明细" if zh else f"{stated} ≥ the budget line stated"
    if kind is Identity.BALANCE:
        return f"{stated} = {names[0]} − {names[1]}"
    if kind is Identity.RESERVE_ROLL:
        return f"{stated} = {names[0]} + {names[1]} − {names[2]}"
    if kind is Identity.GROWTH:
        increase, total = names
        return (
            f"{stated} = {increase} ÷ （{total} − {increase}）"
            if zh
            else (f"{stated} = {increase} / ({total} − {increase})")
        )
    if kind is Identity.SUM_OF_FUNDS:
        return f"{stated} = " + " + ".join(names)
    return f"{stated} = {names[0]} ÷ {names[1]}" if zh else f"{stated} = {names[0]} / {names[1]}"


def _figure_value(figure: Figure, lang: str) -> str:
    unit = {
        "万元": "万元" if lang == "zh" else "",
        "人": "人" if lang == "zh" else " persons",
        "%": "%",
    }.get(figure.unit, "")
    return f"{plain_number(figure.value, figure.decimals)}{unit}"


def computed_from_words(
    finding: Finding, lang: str = "zh", quote: Callable[[str], str] = str
) -> str:
    """The figures the computed value came from, each with its value and (quoted) source."""
    from model.analysis.consistency import Identity

    kind, fund = finding.identity, finding.fund
    zh = lang == "zh"

    def described(f: Figure) -> str:
        source = quote(f.source)
        return (
            f"{_name_in(f, fund, lang)}{_figure_value(f, lang)}（{source}）"
            if zh
            else f"{_name_in(f, fund, lang)} {_figure_value(f, lang)} [{source}]"
        )

    parts = [described(f) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        return ("首次所列" if zh else "as first stated: ") + parts[0]
    if kind is Identity.GROWTH:
        inc, total = parts
        return (
            f"{inc} ÷ （{total} − {_name_in(finding.inputs[0], fund, lang)}）"
            if zh
            else (f"{inc} / ({total} − {_name_in(finding.inputs[0], fund, lang)})")
        )
    if kind in (Identity.DEPENDENCY, Identity.COMPLETION):
        return f"{parts[0]} {'÷' if zh else '/'} {parts[1]}"
    minus = {Identity.BALANCE: 1, Identity.RESERVE_ROLL: 2}.get(kind)
    text = "".join(
        ("" if i == 0 else " − " if i == minus else " + ") + d for i, d in enumerate(parts)
    )
    if finding.unstated:
        names = [_figure_name(k, lang) for k in finding.unstated]
        text += (
            f"；{'、'.join(names)}未列明，按0计"
            if zh
            else f"; {', '.join(names)} not stated: taken as 0"
        )
    if kind is Identity.BUDGET_HOLDS_LINE:
        text += (
            "；另一项预算明细未列明，按所列明细不超过预算核对"
            if zh
            else "; the other budget line is not stated: checked lines ≤ budget"
        )
    return text


def _report_states(ln: Line, lang: str = "zh") -> str:
    """The report's own figures for a line where they differ from the ones used."""
    out = []
    zh = lang == "zh"
    if ln.stated is not None and (
        _shown_differs(ln.stated, ln.outturn)
        if ln.key not in RATIO_LINES
        else _shown_differs(ln.stated, ln.outturn, ln.stated.decimals)
    ):
        out.append(_stated_text(ln.stated))
    if _shown_differs(ln.stated_change, ln.change):
        out.append(("增减" if zh else "change ") + _stated_text(ln.stated_change))
    if ln.stated_growth_pct is not None and _shown_differs(ln.stated_growth_pct, ln.growth_pct):
        out.append(("增幅" if zh else "growth ") + f"{_stated_text(ln.stated_growth_pct)}%")
    primary = _primary_completion(ln)
    if ln.stated_completion_pct is not None and _shown_differs(ln.stated_completion_pct, primary):
        out.append(
            ("完成率" if zh else "completion ") + f"{_stated_text(ln.stated_completion_pct)}%"
        )
    return ("；" if zh else "; ").join(out)


def _primary_completion(ln: Line) -> float | None:
    """Completion against the budget as first stated (what the report's rate is computed on)."""
    stated = [v for v in ln.budget_versions if not v.source.startswith("computed")]
    return (
        (
            stated[0] if stated else next((v for v in ln.budget_versions if v.used), None)
        ).completion_pct
        if ln.budget_versions
        else None
    )


def format_evaluation(ev: Evaluation, lang: str = "zh") -> str:
    """The terminal report, no line wider than 120 columns: a table per fund, the flags, the
    disagreements with the identity in words, a headline."""
    zh = lang == "zh"
    county = ev.county_zh if zh else ev.county_en
    out = [str(_w("title", lang)).format(county=county, year=ev.year, scenario=ev.scenario_id)]
    out += [
        line
        for w in ev.warnings
        for line in wrapped(
            _warning_text(w, ev, lang),
            f"{_w('warning', lang)}{'：' if zh else ': '}",
            "  ",
            MAX_WIDTH,
        )
    ]
    headers = _w("columns", lang)
    for fund in ev.funds:
        rows = []
        for ln in ev.lines[fund].values():
            band = f"{ln.band_pct[0]:g}–{ln.band_pct[1]:g}" if ln.completion_pct is not None else ""
            flag = f" {_w('short_' + ln.flag, lang)}" if ln.flag else ""
            growth = pct(ln.growth_pct) if ln.key not in RATIO_LINES else ""
            change = value_text(ln.key, ln.change) if ln.key not in RATIO_LINES else ""
            rows.append(
                (
                    LINE_LABELS[ln.key][lang],
                    value_text(ln.key, ln.outturn),
                    value_text(ln.key, ln.budget),
                    pct(ln.completion_pct) + flag,
                    band,
                    value_text(ln.key, ln.previous),
                    change,
                    growth,
                    _report_states(ln, lang),
                )
            )
        out.append("")
        out.append(FUND_NAMES[fund][lang])
        out += [line.rstrip() for line in fitted([headers, *rows], left=(0, 8))]
    out.append("")
    out.append(str(_w("flags", lang)) + ("：" if zh else ":"))
    flagged = ev.flagged
    for ln in flagged:
        out.append(
            f"  {FUND_NAMES[ln.fund][lang]}：{LINE_LABELS[ln.key][lang]} {pct(ln.completion_pct)}%"
            f"（{_w(ln.flag, lang)}{ln.band_pct[0]:g}%–{ln.band_pct[1]:g}%）"
            if zh
            else f"  {FUND_NAMES[ln.fund][lang]}: {LINE_LABELS[ln.key][lang]} "
            f"{pct(ln.completion_pct)}% ({_w(ln.flag, lang)} "
            f"{ln.band_pct[0]:g}%–{ln.band_pct[1]:g}%)"
        )
    if not flagged:
        out.append(f"  {_w('none', lang)}")
    out.append("")
    out.append(
        str(_w("disagreements", lang)).format(n=len(ev.disagreements)) + ("：" if zh else ":")
    )
    for i, d in enumerate(ev.disagreements, start=1):
        stated, computed = figure_text(d.line, d.stated), figure_text(d.line, d.computed)
        if zh:
            head = f"{i}. {FUND_NAMES[d.fund]['zh']}：{identity_words(d.finding, 'zh')}"
            what = f"报告所列{stated}，按其他数字计算为{computed}" + (
                "" if d.used is None else f"，本评价采用{figure_text(d.line, d.used)}"
            )
            where = f"出处：{d.stated_source}"
            how = f"计算依据：{computed_from_words(d.finding, 'zh')}"
        else:
            head = f"{i}. {FUND_NAMES[d.fund]['en']}: {identity_words(d.finding, 'en')}"
            what = f"stated {stated}, computed {computed}" + (
                "" if d.used is None else f"; the evaluation uses {figure_text(d.line, d.used)}"
            )
            where = f"stated in {d.stated_source}"
            how = f"computed from {computed_from_words(d.finding, 'en')}"
        out += wrapped(head, "  ", "      ", MAX_WIDTH)
        for part in (what, where, how):
            out += wrapped(part, "      ", "        ", MAX_WIDTH)
    out.append("")
    out.append(str(_w("headline", lang)) + ("：" if zh else ":"))
    out += [line for h in headline(ev, lang) for line in wrapped(h, "  ", "    ", MAX_WIDTH)]
    return "\n".join(out)


def headline(ev: Evaluation, lang: str = "zh") -> list[str]:
    """One line per fund: income and expenditure completion, flags, other budget versions."""
    out = []
    for fund in ev.funds:
        parts = []
        for key in ("total_income", "total_expenditure"):
            ln = ev.lines[fund].get(key)
            if ln is None or ln.completion_pct is None:
                continue
            word = LINE_LABELS[key][lang]
            text = (
                f"{word} {pct(ln.completion_pct)}% of {money(ln.budget)}"
                if lang == "en"
                else f"{word}完成预算{money(ln.budget)}万元的{pct(ln.completion_pct)}%"
            )
            if ln.flag:
                text += f" ({_w(ln.flag, lang)})" if lang == "en" else f"（{_w(ln.flag, lang)}）"
            others = [v for v in ln.budget_versions if not v.used and v.completion_pct is not None]
            for v in others:
                text += (
                    f"; {pct(v.completion_pct)}% of {money(v.value)}"
                    if lang == "en"
                    else f"，按{money(v.value)}万元计{pct(v.completion_pct)}%"
                )
            parts.append(text)
        if parts:
            out.append(
                f"{FUND_NAMES[fund][lang]}"
                + (": " + "; ".join(parts) if lang == "en" else "：" + "；".join(parts))
            )
    n = len(ev.disagreements)
    out.append(
        f"{n} disagreements in the report, {len(ev.findings)} identities checked"
        if lang == "en"
        else f"报告自相矛盾{n}处（共核对{len(ev.findings)}项勾稽关系）"
    )
    return out


# --------------------------------------------------------------------------------------------
# evaluation.csv and the workbook


CSV_COLUMNS = (
    "fund",
    "line",
    "label_zh",
    "label_en",
    "unit",
    "outturn",
    "outturn_source",
    "stated",
    "stated_source",
    "budget",
    "budget_source",
    "completion_pct",
    "band_low_pct",
    "band_high_pct",
    "flag",
    "other_budgets",
    "previous",
    "previous_source",
    "change",
    "growth_pct",
    "stated_change",
    "stated_growth_pct",
    "stated_completion_pct",
    "notes",
)


def evaluation_rows(ev: Evaluation) -> list[dict[str, object]]:
    """One row per fund × line: what ``evaluation.csv`` and the workbook's lines sheet hold.

    Money in 万元 with 2 decimals, percentages with 2 decimals (rounded half up), heads whole,
    the dependency ratio with 2 decimals; sources as stated or ``"computed: …"``.
    """
    rows = []
    for fund in ev.funds:
        for ln in ev.lines[fund].values():
            decimals = 0 if ln.key in HEAD_LINES else 2
            others = "; ".join(
                f"{money(v.value)} ({v.source}): {pct(v.completion_pct)}%"
                for v in ln.budget_versions
                if not v.used
            )
            has_budget = ln.completion_pct is not None
            rows.append(
                {
                    "fund": fund,
                    "line": ln.key,
                    "label_zh": LINE_LABELS[ln.key]["zh"],
                    "label_en": LINE_LABELS[ln.key]["en"],
                    "unit": ln.unit,
                    "outturn": _num(ln.outturn, decimals),
                    "outturn_source": ln.outturn_source,
                    "stated": ln.stated.value if ln.stated else None,
                    "stated_source": ln.stated.source if ln.stated else "",
                    "budget": _num(ln.budget, decimals),
                    "budget_source": ln.budget_source,
                    "completion_pct": _num(ln.completion_pct),
                    "band_low_pct": ln.band_pct[0] if has_budget else None,
                    "band_high_pct": ln.band_pct[1] if has_budget else None,
                    "flag": ln.flag,
                    "other_budgets": others,
                    "previous": _num(ln.previous, decimals),
                    "previous_source": ln.previous_source,
                    "change": _num(ln.change, decimals) if ln.key not in RATIO_LINES else None,
                    "growth_pct": _num(ln.growth_pct) if ln.key not in RATIO_LINES else None,
                    "stated_change": ln.stated_change.value if ln.stated_change else None,
                    "stated_growth_pct": ln.stated_growth_pct.value
                    if ln.stated_growth_pct
                    else None,
                    "stated_completion_pct": (
                        ln.stated_completion_pct.value if ln.stated_completion_pct else None
                    ),
                    "notes": "; ".join(ln.notes),
                }
            )
    return rows


def evaluation_csv_text(ev: Evaluation) -> str:
    """``evaluation.csv``: :func:`evaluation_rows` with a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in evaluation_rows(ev):
        # text from the scenario and outturn files is made safe for a spreadsheet
        writer.writerow(["" if row[k] is None else safe_cell(row[k]) for k in CSV_COLUMNS])
    return buffer.getvalue()


def disagreement_rows(ev: Evaluation) -> list[dict[str, object]]:
    """The report's disagreements, each with both numbers, both sources and the figure used."""
    return [
        {
            "基金 fund": FUND_NAMES[d.fund]["zh"],
            "项目 line": d.line,
            "方面 aspect": d.aspect,
            "勾稽关系 identity": identity_text(d.finding),
            "报告所列 stated": d.stated,
            "出处 stated in": d.stated_source,
            "按其他数字计算 computed": d.computed,
            "计算依据 computed from": computed_from_text(d.finding),
            "评价采用 used": None if d.used is None else round_half_up(d.used, 4),
            "采用依据 used from": d.used_source,
            "说明 note": finding_note(d.finding),
        }
        for d in ev.disagreements
    ]


def _indicator_text(ind: Indicator | None, unit: str) -> str:
    if ind is None:
        return ""
    sign = {"at_least": "≥", "at_most": "≤"}.get(ind.bound, "")
    return f"{sign}{ind.value:g}{unit}"


def target_text(row: SelfEvaluationRow) -> str:
    """年度指标值 as the table writes it: ``≥99%``, ``≥90%且≤110%``, blank when not stated."""
    if row.target_high is not None or row.key.endswith("_completion"):
        low, high = row.target, row.target_high
        if low is None and high is None:
            return ""
        return "且".join(t for t in (_indicator_text(low, "%"), _indicator_text(high, "%")) if t)
    return _indicator_text(row.target, row.unit)


def actual_text(row: SelfEvaluationRow) -> str:
    """实际完成值 as the table writes it: computed rates with 2 decimals, ``≥99%`` as stated."""
    if row.actual is None:
        return ""
    if row.key.endswith("_completion"):
        return f"{pct(row.actual)}%"
    if row.unit == "人":
        return f"{round_half_up(row.actual, 0):.0f}人"
    sign = {"at_least": "≥", "at_most": "≤"}.get(row.actual_bound, "")
    return f"{sign}{row.actual:g}{row.unit}"


def met_text(row: SelfEvaluationRow) -> str:
    return {True: "是", False: "否", None: ""}[row.met]


SELF_EVALUATION_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "是否达标",
    "偏差原因",
    "备注",
    "年度指标值来源",
    "实际完成值来源",
)


def _self_evaluation_sheet(ev: Evaluation, fund: str) -> list[list[object]]:
    title = f"{ev.county_zh}社会保险支出绩效自评表（{ev.year}年度）"
    rows: list[list[object]] = [[title], [FUND_NAMES[fund]["zh"]], list(SELF_EVALUATION_HEADER)]
    for r in ev.self_evaluation[fund]:
        target_sources = "; ".join(t.source for t in (r.target, r.target_high) if t is not None)
        rows.append(
            [
                *levels(r),
                target_text(r),
                actual_text(r),
                met_text(r),
                deviation_text(r),
                note_text(r),
                target_sources,
                r.actual_source,
            ]
        )
    return rows


def write_self_evaluation_workbook(
    ev: Evaluation, path: Path, lang: str = "zh", run: object = None
) -> None:
    """``self_evaluation.xlsx``: the 说明 sheet, a self-evaluation sheet per fund (the report's
    form: title, fund, header on the third row), all lines, the disagreements; styled as every
    workbook (:mod:`model.output.workbook_style`). ``run`` is the command line's
    :class:`~model.output.workbook_style.RunSettings`."""
    from openpyxl.styles import Alignment, Font

    from model.output.workbook_style import (
        About,
        Column,
        RunSettings,
        ScenarioFacts,
        Sheet,
        add_sheet,
        column,
        new_workbook,
        style_sheet,
    )

    zh = lang == "zh"
    facts = ScenarioFacts(
        id=ev.scenario_id,
        region=ev.county_zh if zh else ev.county_en,
        base_year=ev.scenario_base_year,
        sources=(ev.report,) if ev.report else (),
    )
    settings = (
        run
        if isinstance(run, RunSettings)
        else RunSettings(command="yanglao evaluate", years=(ev.year, ev.year), lang=lang)
    )
    note = (
        f"{ev.year}年度决算（{ev.report}）对照年初预算与上年决算"
        if zh
        else f"the {ev.year} outturn ({ev.report}) against its budget and the year before"
    )
    wb = new_workbook(About((facts,), settings, notes=(note,)), lang)
    for fund in (f for f in ev.funds if f in ev.self_evaluation):
        ws = wb.create_sheet(SHEET_NAMES.get(fund, fund)[:31])
        for row in _self_evaluation_sheet(ev, fund):
            ws.append([safe_cell(v) for v in row])
        style_sheet(ws, header_row=3, freeze_columns=3)
        ws["A1"].font = Font(bold=True, size=13)
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    def by_unit(r: dict) -> str:
        return {"人": "persons", "/1": "ratio"}.get(str(r.get("unit")), "money")

    label = "label_zh" if zh else "label_en"
    money = ("outturn", "stated", "budget", "previous", "change", "stated_change")
    rates = (
        "completion_pct",
        "band_low_pct",
        "band_high_pct",
        "growth_pct",
        "stated_growth_pct",
        "stated_completion_pct",
    )
    # the CSV's columns, with the line named by its label in the run's language
    keys = ("fund", label, *CSV_COLUMNS[CSV_COLUMNS.index("unit") :])
    columns = [
        Column(label, "项目" if zh else "line")
        if k == label
        else column(k, lang, kind=by_unit)
        if k in money
        else column(k, lang, scale=0.01)
        if k in rates  # percentages stored as fractions
        else column(k, lang)
        for k in keys
    ]
    add_sheet(
        wb, Sheet("各项目" if zh else "lines", columns, evaluation_rows(ev), freeze_columns=2), lang
    )
    line_words = {k: v[lang] for k, v in LINE_LABELS.items()}
    aspects = (
        {
            "outturn": "决算数",
            "budget": "预算数",
            "completion": "预算完成率",
            "change": "增减额",
            "growth": "增长率",
        }
        if zh
        else {}
    )
    disagreements = disagreement_rows(ev)
    heads = list(disagreements[0]) if disagreements else []
    d_columns = [
        Column(
            k,
            k.split(" ", 1)[0 if zh else 1],
            "number" if k.split(" ", 1)[1] in ("stated", "computed", "used") else "text",
            values=line_words
            if k.endswith(" line")
            else aspects
            if k.endswith(" aspect")
            else None,
        )
        for k in heads
    ]
    add_sheet(
        wb,
        Sheet(
            "报告不一致之处" if zh else "disagreements", d_columns, disagreements, freeze_columns=2
        ),
        lang,
    )
    wb.save(path)


# --------------------------------------------------------------------------------------------
# the draft


def _md(text: str) -> str:
    """User text (a county, a source, an indicator) inside a sentence of the draft: one line,
    no Markdown or HTML markup, no spreadsheet formula
    (:func:`model.output.safe_text.safe_markdown_text`)."""
    return safe_markdown_text(text)


def _lab(fund: str, key: str) -> str:
    return (
        COMBINED_LABELS.get(key, LINE_LABELS[key]["zh"])
        if fund == COMBINED
        else LINE_LABELS[key]["zh"].removeprefix("其中：")
    )


def _outturn_note(ev: Evaluation, ln: Line) -> str:
    """A note where the report's own figure for a line differs from the one used."""
    s, u = ln.stated, ln.outturn
    if s is None or u is None:
        return ""
    lab = _lab(ln.fund, ln.key)
    if ln.key in RATIO_LINES:
        if not _shown_differs(s, u, s.decimals):
            return ""
        shown = f"{round_half_up(u, s.decimals):.{s.decimals}f}"
        if _truncated(s, u):
            return f"报告所列{lab}{_stated_text(s)}系截尾所得，四舍五入为{shown}"
        c, b = ev.lines[ln.fund]["contributors"].outturn, ev.lines[ln.fund]["beneficiaries"].outturn
        return (
            f"报告所列{lab}{_stated_text(s)}与人数不一致，"
            f"按在职缴费人员{value_text('contributors', c)}"
            f"人、享受待遇人员{value_text('beneficiaries', b)}人计算为{shown}"
        )
    if not _shown_differs(s, u):
        return ""
    unit = "人" if ln.key in HEAD_LINES else "万元"
    stated = f"报告所列{lab}{value_text(ln.key, s.value)}{unit}"
    if ln.key == "balance":
        lines = ev.lines[ln.fund]
        # the combined balance may follow from the combined totals as stated and still not
        # from the funds' figures, which is what the combined figures are made of
        against = (
            "两项基金收支"
            if ln.fund == COMBINED
            else f"{_lab(ln.fund, 'total_income')}、{_lab(ln.fund, 'total_expenditure')}"
        )
        return (
            f"{stated}与{against}不一致，按{_lab(ln.fund, 'total_income')}"
            f"{money(lines['total_income'].outturn)}万元减{_lab(ln.fund, 'total_expenditure')}"
            f"{money(lines['total_expenditure'].outturn)}万元计算为{money(u)}万元"
        )
    if ln.fund == COMBINED:
        return f"{stated}与两项基金之和不一致，按两项基金相加为{value_text(ln.key, u)}{unit}"
    if ln.key in ("total_income", "total_expenditure"):
        word = "收入" if ln.key == "total_income" else "支出"
        return f"{stated}与各项{word}之和不一致，按各项{word}之和计为{money(u)}万元"
    return f"{stated}与其他数字不一致，按{value_text(ln.key, u)}{unit}计"


def _change_notes(ln: Line) -> list[str]:
    """Notes on the stated increase and growth of a total."""
    word = "收入" if ln.key == "total_income" else "支出"
    out = []
    if _shown_differs(ln.stated_change, ln.change):
        where = "两项基金增加额之和" if ln.fund == COMBINED else "收支数字"
        out.append(
            f"报告所列较上年增加{money(ln.stated_change.value)}万元与{where}不一致，"
            f"按{'两项基金相加' if ln.fund == COMBINED else '计算'}为{money(ln.change)}万元"
        )
    g = ln.stated_growth_pct
    if g is not None and ln.growth_pct is not None and _shown_differs(g, ln.growth_pct, g.decimals):
        if _truncated(g, ln.growth_pct):
            out.append(f"报告所列增幅{_stated_text(g)}%系截尾所得，四舍五入为{pct(ln.growth_pct)}%")
        else:
            out.append(
                f"报告所列增幅{_stated_text(g)}%与{word}及增加额不一致，"
                f"按增加额计算为{pct(ln.growth_pct)}%"
            )
    return out


def _budget_notes(ln: Line) -> list[str]:
    """Notes on which budget is used and on the stated completion rate."""
    out = []
    word = "收入" if ln.key == "total_income" else "支出"
    stated = [v for v in ln.budget_versions if not v.source.startswith("computed")]
    used = next((v for v in ln.budget_versions if v.used), None)
    primary = stated[0] if stated else None
    if used is not None and primary is not None and not primary.used:
        against = "两项基金预算之和" if ln.fund == COMBINED else "预算明细之和"
        if used.source.startswith("computed"):
            how = f"按{against}{money(used.value)}万元计"
        else:
            sec = _md(section_of(used.source))
            how = f"按报告{sec}所列预算{money(used.value)}万元计"
        out.append(
            f"报告所列预算{money(primary.value)}万元与{against}不一致，{how}，"
            f"按{money(primary.value)}万元计则完成{pct(primary.completion_pct)}%"
        )
    s = ln.stated_completion_pct
    own = primary.completion_pct if primary is not None else ln.completion_pct
    if s is not None and own is not None and _shown_differs(s, own, s.decimals):
        if _truncated(s, own):
            out.append(f"报告所列完成率{_stated_text(s)}%系截尾所得，四舍五入为{pct(own)}%")
        else:
            out.append(
                f"报告所列完成率{_stated_text(s)}%与{word}及预算不一致，按{word}"
                f"{money(ln.outturn)}万元、预算{money(ln.budget)}万元计算为"
                f"{pct(ln.completion_pct)}%"
            )
    return out


def _restatement_notes(ev: Evaluation, fund: str, keys: tuple[str, ...]) -> list[str]:
    """Notes on figures the report restates differently elsewhere, for the lines ``keys``: one
    note for the figures restated with the same value in the same section."""
    points: dict[tuple[str, str, str, str], list[str]] = {}
    for d in ev.disagreements:
        if (
            d.fund != fund
            or d.line not in keys
            or d.aspect != "outturn"
            or d.finding.identity is not Identity.RESTATEMENT
            or d.used is None
        ):
            continue
        if round_half_up(d.stated) == round_half_up(d.used):
            continue
        ln = ev.lines[fund][d.line]
        unit = "人" if d.line in HEAD_LINES else "万元"
        point = (
            _md(section_of(d.stated_source)),
            f"{value_text(d.line, d.stated)}{unit}",
            _md(section_of(ln.outturn_source)),
            f"{value_text(d.line, d.used)}{unit}",
        )
        points.setdefault(point, []).append(_lab(fund, d.line))
    budgets = {
        value_text("total_income", v.value)
        for line in ev.lines[fund].values()
        for v in line.budget_versions
    }
    out = []
    for (where, stated, where_used, used), labels in points.items():
        text = (
            f"报告{where}所列{'、'.join(labels)}{stated}与{where_used}所列{used}不一致，按{used}计"
        )
        if stated.removesuffix("万元") in budgets:
            text += f"，{stated}与预算数相同"
        out.append(text)
    return out


def _with_notes(sentence: str, notes: list[str]) -> str:
    """``sentence`` (ending in 。) with its notes in one parenthesis before the full stop."""
    notes = [n for n in dict.fromkeys(notes) if n]
    if not notes:
        return sentence
    return sentence.removesuffix("。") + "（注：" + "；".join(notes) + "）。"


def _change_clause(ln: Line | None, word: str, combined: bool) -> str:
    if ln is None or ln.change is None:
        return ""
    up = ln.change >= 0
    verb = ("增加" if combined else "增长") if up and word == "收入" else "增加" if up else "减少"
    growth = (
        "" if ln.growth_pct is None else f"，{'增幅' if up else '降幅'}{pct(abs(ln.growth_pct))}%"
    )
    lead = "较上年" if combined else f"{word}较上年" if word == "收入" else "较上年支出"
    return f"，{lead}{verb}{money(abs(ln.change))}万元{growth}"


def _budget_clause(ln: Line | None, budget_word: str) -> str:
    if ln is None or ln.completion_pct is None:
        return ""
    text = f"，完成{budget_word}{money(ln.budget)}万元的{pct(ln.completion_pct)}%"
    if ln.flag:
        side = "低于" if ln.flag == "below" else "高于"
        bound = ln.band_pct[0] if ln.flag == "below" else ln.band_pct[1]
        text += (
            f"，{side}预算完成率绩效目标区间（{ln.band_pct[0]:g}%–{ln.band_pct[1]:g}%）"
            f"的{'下限' if ln.flag == 'below' else '上限'}{bound:g}%"
        )
    return text


def _shortfall_sentence(ev: Evaluation, fund: str) -> str:
    """Income below its band: by how much, and the subsidy not paid in where stated."""
    ln = ev.lines[fund].get("total_income")
    if ln is None or ln.flag != "below" or ln.budget is None or ln.outturn is None:
        return ""
    text = f"收入较预算少{money(ln.budget - ln.outturn)}万元"
    arrears = ev.subsidy_arrears.get(fund)
    if arrears is not None:
        bound = "至少" if arrears.bound == "at_least" else ""
        text += (
            f"，其中财政补贴{bound}{money(arrears.value)}万元未拨付到位"
            f"（报告{_md(section_of(arrears.source))}）"
        )
    return text + "。"


def _fund_paragraphs(ev: Evaluation, fund: str) -> list[str]:
    lines = ev.lines[fund]
    name = FUND_NAMES[fund]["zh"]
    income, expenditure = lines["total_income"], lines["total_expenditure"]
    parts = "，".join(
        f"{LINE_LABELS[k]['zh']}{money(lines[k].outturn)}万元"
        for k in INCOME_LINES
        if lines[k].outturn is not None and (lines[k].outturn or k != "other_income")
    )
    p1 = (
        f"{ev.year}年度{name}当年总收入{money(income.outturn)}万元（其中：{parts}）"
        f"{_change_clause(income, '收入', False)}{_budget_clause(income, '全年预算')}。"
    )
    p1 = _with_notes(
        p1,
        [
            _outturn_note(ev, income),
            *_change_notes(income),
            *_budget_notes(income),
            *_restatement_notes(ev, fund, ("total_income", *INCOME_LINES)),
        ],
    )
    p1 += _shortfall_sentence(ev, fund)

    spend = [
        k
        for k in ("benefit_expenditure", "other_expenditure")
        if lines[k].outturn is not None and (lines[k].outturn or k == "benefit_expenditure")
    ]
    spend_parts = "，".join(f"{LINE_LABELS[k]['zh']}{money(lines[k].outturn)}万元" for k in spend)
    p2 = (
        f"基金当年总支出{money(expenditure.outturn)}万元（其中：{spend_parts}）"
        f"{_change_clause(expenditure, '支出', False)}{_budget_clause(expenditure, '全年预算')}。"
    )
    p2 = _with_notes(
        p2,
        [
            _outturn_note(ev, expenditure),
            *_change_notes(expenditure),
            *_budget_notes(expenditure),
            *_restatement_notes(
                ev, fund, ("total_expenditure", "benefit_expenditure", "other_expenditure")
            ),
        ],
    )
    pension = lines.get("pension_expenditure")
    if (
        pension is not None
        and pension.completion_pct is not None
        and round_half_up(pension.budget or 0) != round_half_up(expenditure.budget or 0)
    ):
        p2 += (
            f"其中养老保险待遇支出{money(pension.outturn)}万元，完成养老金支出预算"
            f"{money(pension.budget)}万元的{pct(pension.completion_pct)}%。"
        )
    balance, reserve = lines["balance"], lines["reserve_end"]
    p3 = f"当年收支结余{money(balance.outturn)}万元，滚存结余{money(reserve.outturn)}万元。"
    p3 = _with_notes(p3, [_outturn_note(ev, balance), _outturn_note(ev, reserve)])
    people = []
    if lines["contributors"].outturn is not None:
        people.append(f"在职缴费人员{value_text('contributors', lines['contributors'].outturn)}人")
    if lines["beneficiaries"].outturn is not None:
        people.append(
            f"享受待遇人员{value_text('beneficiaries', lines['beneficiaries'].outturn)}人"
        )
    if lines["dependency_ratio"].outturn is not None:
        people.append(f"抚养比{lines['dependency_ratio'].outturn:.2f}")
    out = [p1, p2, p3]
    if people:
        p4 = "年末" + "，".join(people) + "。"
        out.append(
            _with_notes(
                p4,
                [
                    _outturn_note(ev, lines["dependency_ratio"]),
                    *_restatement_notes(ev, fund, HEAD_LINES),
                ],
            )
        )
    return out


def _combined_paragraph(ev: Evaluation) -> str:
    lines = ev.lines[COMBINED]
    income, expenditure = lines.get("total_income"), lines.get("total_expenditure")
    clauses = []
    if income is not None and income.outturn is not None:
        clauses.append(
            f"两项基金收入合计{money(income.outturn)}万元"
            f"{_change_clause(income, '收入', True)}{_budget_clause(income, '预算')}"
        )
    if expenditure is not None and expenditure.outturn is not None:
        clauses.append(
            f"支出合计{money(expenditure.outturn)}万元"
            f"{_change_clause(expenditure, '支出', True)}"
            f"{_budget_clause(expenditure, '预算')}"
        )
    for key in ("balance", "reserve_end"):
        ln = lines.get(key)
        if ln is not None and ln.outturn is not None:
            clauses.append(f"{COMBINED_LABELS[key]}{money(ln.outturn)}万元")
    text = f"{ev.year}年度，" + "，".join(clauses) + "。"
    notes = []
    for ln in (income, expenditure):
        if ln is not None:
            notes += [_outturn_note(ev, ln), *_change_notes(ln), *_budget_notes(ln)]
    notes += [_outturn_note(ev, lines[k]) for k in ("balance", "reserve_end") if k in lines]
    return _with_notes(text, notes)


def _achieved_words(row: SelfEvaluationRow) -> str:
    """实际完成值 in a sentence of the draft: a bound in words (``99%以上``), so that a sign
    (``≥``) stands only with a target."""
    text = actual_text(row)
    if row.actual is None or row.key.endswith("_completion") or row.unit == "人":
        return text
    word = {"at_least": "以上", "at_most": "以下"}.get(row.actual_bound, "")
    return f"{row.actual:g}{row.unit}{word}"


def _targets_paragraph(ev: Evaluation, fund: str) -> str:
    parts = []
    for r in ev.self_evaluation[fund]:
        target, actual = target_text(r), _achieved_words(r)
        if not actual:
            continue
        verdict = {True: "达标", False: "未达标", None: ""}[r.met]
        text = f"{_md(levels(r)[2])}{_md(actual)}" + (
            f"（年度指标值{_md(target)}，{verdict}）" if target else ""
        )
        parts.append(text)
    missing = [_md(levels(r)[2]) for r in ev.self_evaluation[fund] if not actual_text(r)]
    text = f"{FUND_NAMES[fund]['zh']}：" + "；".join(parts) + "。"
    if missing:
        text += "未能列出实际完成值的指标：" + "、".join(missing) + "。"
    return text


def draft_markdown(ev: Evaluation) -> str:
    """``draft.md``: the report's paragraphs in Chinese, every number from the evaluation; no code
    and no English (an identity is written in words, 当年收支结余 = 总收入 − 总支出)."""
    out = [
        f"# {_md(ev.county_zh)}{ev.year}年度社会保险基金绩效自评报告（数字草稿）",
        "",
        f"> 本稿按{_md(ev.report or '结算数')}所列结算数计算生成（情景 {_md(ev.scenario_id)}）。"
        "金额单位万元，人数单位人；各项数字四舍五入到0.01万元，百分比四舍五入到0.01%，"
        "合计可能与分项之和相差0.01。报告自相矛盾之处按一致的数字计，并加注说明。",
        "",
    ]
    if COMBINED in ev.lines:
        out += ["## 一、社会保险基金收支总体情况", "", _combined_paragraph(ev), ""]
    out += ["## 二、社会保险基金预算完成及运行情况", ""]
    numerals = "一二三四五六"
    for i, fund in enumerate(f for f in ev.funds if f != COMBINED):
        out += [f"### （{numerals[i]}）{FUND_NAMES[fund]['zh']}", ""]
        for p in _fund_paragraphs(ev, fund):
            out += [p, ""]
    out += ["## 三、绩效目标完成情况", ""]
    for fund in (f for f in ev.funds if f in ev.self_evaluation):
        out += [_targets_paragraph(ev, fund), ""]
    if ev.disagreements:
        out += [f"## 附：报告数字不一致之处（{len(ev.disagreements)}处）", ""]
        for d in ev.disagreements:
            used = "" if d.used is None else f"；本稿采用{figure_text(d.line, d.used)}"
            out.append(
                f"- {FUND_NAMES[d.fund]['zh']}，{_md(identity_words(d.finding, 'zh'))}：报告所列"
                f"{figure_text(d.line, d.stated)}（{_md(d.stated_source)}），按其他数字计算为"
                f"{figure_text(d.line, d.computed)}，计算依据为"
                f"{computed_from_words(d.finding, 'zh', _md)}{used}。"
            )
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# writing


def write_evaluation(ev: Evaluation, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write ``evaluation.csv``, ``self_evaluation.xlsx`` and ``draft.md`` into ``out_dir``,
    all of them or none, replacing an earlier run's folder whole
    (:func:`model.output.io.write_folder`; a folder holding other files is refused unless
    ``force``)."""
    from model.output.io import write_folder

    csv_text, draft = evaluation_csv_text(ev), draft_markdown(ev)
    files: dict[str, Callable[[Path], None]] = {
        "evaluation.csv": lambda p: p.write_text(csv_text, encoding="utf-8"),
        "self_evaluation.xlsx": lambda p: write_self_evaluation_workbook(ev, p),
        "draft.md": lambda p: p.write_text(draft, encoding="utf-8"),
    }
    return write_folder(out_dir, files, force=force)
