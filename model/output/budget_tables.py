"""A budget for people: the terminal tables of budget lines and performance targets, and the
rows of ``budget.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.budget import Budget
from model.output.labels import FUND_LABELS, level_names, words
from model.output.text import fitted

#: Each budget line of ``model.analysis.budget.LINES`` in words.
LINE_WORDS: dict[str, dict[str, str]] = {
    "contribution_income": {"zh": "保险费收入", "en": "contribution income"},
    "interest_income": {"zh": "利息收入", "en": "interest income"},
    "subsidy_income": {"zh": "财政补贴收入", "en": "fiscal subsidy"},
    "subsidy_central": {"zh": "  其中：中央财政", "en": "  of which central government"},
    "subsidy_region": {"zh": "  其中：{region}财政", "en": "  of which {region}"},
    "subsidy_prefecture": {"zh": "  其中：{prefecture}财政", "en": "  of which {prefecture}"},
    "subsidy_county": {"zh": "  其中：{county}财政", "en": "  of which {county}"},
    "other_income": {"zh": "其他收入", "en": "other income"},
    "transfer_income": {"zh": "转移收入", "en": "transfers in"},
    "total_income": {"zh": "收入合计", "en": "total income"},
    "pension_expenditure": {"zh": "基本养老金支出", "en": "pensions"},
    "funeral_grant_expenditure": {"zh": "丧葬抚恤补助支出", "en": "funeral grants"},
    "transfer_expenditure": {"zh": "转移支出", "en": "transfers out"},
    "other_expenditure": {"zh": "其他支出", "en": "other expenditure"},
    "total_expenditure": {"zh": "支出合计", "en": "total expenditure"},
    "balance": {"zh": "本年收支结余", "en": "balance of the year"},
    "reserve_end": {"zh": "年末滚存结余", "en": "reserve at year end"},
    "contributors": {"zh": "缴费人数(人)", "en": "contributors (persons)"},
    "beneficiaries": {"zh": "领取待遇人数(人)", "en": "beneficiaries (persons)"},
}

#: Each performance target of ``model.analysis.budget``: first- and second-level indicator,
#: and the indicator in Chinese and English, as the report words them.
TARGET_WORDS: dict[str, tuple[str, str, str, str]] = {
    "beneficiaries_paid": ("产出", "数量指标", "保障领取待遇人数", "people paid"),
    "benefits_paid_in_full": (
        "产出",
        "质量指标",
        "按标准足额保障参保人员待遇支出",
        "benefits paid in full to standard",
    ),
    "expenditure_execution_in_band": (
        "产出",
        "质量指标",
        "基金支出预算完成率在区间内的概率",
        "probability expenditure execution is in the band",
    ),
    "income_execution_in_band": (
        "产出",
        "质量指标",
        "基金收入预算完成率在区间内的概率",
        "probability income execution is in the band",
    ),
    "months_of_payouts": (
        "产出",
        "时效指标",
        "年末可支付月数",
        "months of payouts held at year end",
    ),
    "compliant_use": (
        "效益",
        "社会效益指标",
        "基金使用符合政策规定",
        "fund used as policy requires",
    ),
    "petition_rate": ("效益", "社会效益指标", "上访率", "petition rate"),
    "satisfaction": ("满意度", "服务对象满意度指标", "参保人员满意度", "satisfaction of members"),
}


def line_label(key: str, lang: str = "en", levels: dict[str, str] | None = None) -> str:
    """A budget line's label (sub-lines indented by two spaces), the levels of government named
    by ``levels`` (:func:`model.output.labels.level_names`)."""
    return words(LINE_WORDS[key], lang, levels)


def target_text(t: dict[str, Any]) -> str:
    """The target as the report writes it: a sign and a value ("≥95%"), or the band."""
    if t["band"] is not None:
        return f"{100 * t['band'][0]:g}%–{100 * t['band'][1]:g}%"
    if t["target_value"] is None:
        return ""
    sign = {"at_least": "≥", "at_most": "≤"}.get(t["target_bound"], "")
    return f"{sign}{t['target_value']:g}{t['target_unit']}"


def target_rows(b: Budget) -> list[dict[str, Any]]:
    """``targets.csv``: the performance-target table in the report's form."""
    out = []
    for t in b.targets:
        level1, level2, zh, en = TARGET_WORDS[t["indicator"]]
        out.append(
            {
                "fund": t["fund"],
                "level1": level1,
                "level2": level2,
                "indicator_zh": zh,
                "indicator_en": en,
                "unit": t["unit"],
                "target": target_text(t),
                "projected": t["projected"],
                "note": t["note"],
            }
        )
    return out


def budget_rows(b: Budget, lang: str = "en") -> list[dict[str, Any]]:
    """``budget.csv``: one row per fund (and combined) × line."""
    return [
        {
            "fund": x.fund,
            "line": x.key,
            "label": line_label(x.key, lang, level_names(b.scenario, lang)).strip(),
            "budget": x.budget,
            "low_5pct_given_scenario": x.low,
            "high_95pct_given_scenario": x.high,
            "band_probability": x.band_probability,
            "best_budget_for_band": x.best_budget,
            "flag": "unlikely" if x.flagged else "",
        }
        for x in b.lines
    ]


def fixed(x: float | None, digits: int) -> str:
    """A figure with thousands separators and ``digits`` decimals; a figure that rounds to zero
    is written without a sign ("0.00", never "-0.00"); "" for None.

    >>> fixed(-1e-9, 2), fixed(-12.345, 2), fixed(1234.0, 0), fixed(None, 2)
    ('0.00', '-12.35', '1,234', '')
    """
    if x is None:
        return ""
    text = f"{x:,.{digits}f}"
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text


#: Units of the targets in English words.
_UNIT_EN = {"人": " persons", "月": " months", "%": "%"}


def _headline(b: Budget, lang: str) -> list[str]:
    """The bureau's sentence: the year's fiscal subsidy and the county's part, per fund."""
    zh = lang == "zh"
    levels = level_names(b.scenario, lang)
    by = {(x.fund, x.key): x for x in b.lines}
    funds = [f for f in dict.fromkeys(x.fund for x in b.lines) if f in FUND_LABELS]
    total = by.get(("combined", "subsidy_income")) or (
        by.get((funds[0], "subsidy_income")) if funds else None
    )
    county = by.get(("combined", "subsidy_county")) or (
        by.get((funds[0], "subsidy_county")) if funds else None
    )
    if total is None:
        return []
    if zh:
        text = f"{b.year}年财政补贴预算 {fixed(total.budget, 2)} 万元"
        if county is not None:
            text += f"，其中{levels['county']}级 {fixed(county.budget, 2)} 万元"
        parts = [
            f"{FUND_LABELS[f]['zh']} {fixed(by[(f, 'subsidy_income')].budget, 2)} 万元"
            for f in funds
            if (f, "subsidy_income") in by
        ]
        out = [text + "。"]
        if len(parts) > 1:
            out.append("分基金：" + "，".join(parts) + "。")
        return out
    text = f"Fiscal subsidy budgeted for {b.year}: {fixed(total.budget, 2)} (10,000 yuan)"
    if county is not None:
        text += f", of which the {levels['county']} pays {fixed(county.budget, 2)}"
    parts = [
        f"{FUND_LABELS[f]['en']} {fixed(by[(f, 'subsidy_income')].budget, 2)}"
        for f in funds
        if (f, "subsidy_income") in by
    ]
    out = [text + "."]
    if len(parts) > 1:
        out.append("By fund: " + "; ".join(parts) + ".")
    return out


def format_budget(b: Budget, lang: str = "zh") -> str:
    """Terminal text no wider than 120 columns: the year's subsidy in a sentence, the budget lines
    of each fund with their simulated ranges and band probabilities, then the targets per fund."""
    zh = lang == "zh"
    levels = level_names(b.scenario, lang)
    names = {
        **{f: FUND_LABELS[f][lang] for f in FUND_LABELS},
        "combined": "两项基金合计" if zh else "both funds",
    }
    lines = _headline(b, lang)
    lines += (
        [
            f"金额单位万元，人数单位人。区间为情景假设下的模拟区间（5%–95%），概率为执行率落在90%–110%的",
            f"模拟占比（{b.paths}次模拟，均以情景假设为条件）。",
        ]
        if zh
        else [
            "Money in 10,000 yuan, heads in persons. Ranges are simulated 5%–95% ranges, conditional on the",
            f"scenario's assumptions; the probability is the share of {b.paths} simulated outturns (on the same",
            "condition) whose execution lands in 90%–110% of the budget.",
        ]
    )
    head = (
        ("项目", "预算", "区间下限", "区间上限", "落入区间概率", "最优预算", "")
        if zh
        else ("line", "budget", "low (5%)", "high (95%)", "P(in band)", "best budget", "")
    )
    for fund in dict.fromkeys(x.fund for x in b.lines):
        lines.append("")
        lines.append(names[fund])
        rows = [head]
        for x in (x for x in b.lines if x.fund == fund):
            digits = 0 if x.kind == "people" else 2
            rows.append(
                (
                    line_label(x.key, lang, levels),
                    fixed(x.budget, digits),
                    fixed(x.low, digits),
                    fixed(x.high, digits),
                    "" if x.band_probability is None else f"{100 * x.band_probability:.1f}%",
                    fixed(x.best_budget, 2),
                    ("⚠ 不大可能" if zh else "⚠ unlikely") if x.flagged else "",
                )
            )
        lines += fitted(rows, left=(0, 6), indent="  ")
    targets = target_rows(b)
    if targets:
        lines.append("")
        lines.append("绩效目标" if zh else "Performance targets")
    for fund in dict.fromkeys(t["fund"] for t in targets):
        lines.append("  " + names[fund])
        table: list[tuple[str, ...]] = [
            ("指标", "年度目标", "预测") if zh else ("indicator", "target", "projected")
        ]
        for t in (t for t in targets if t["fund"] == fund):
            unit = t["unit"] if zh else _UNIT_EN.get(t["unit"], t["unit"])
            proj = (
                "–"
                if t["projected"] is None
                else (
                    (
                        f"{fixed(t['projected'], 0)}"
                        if t["unit"] == "人"
                        else f"{t['projected']:.1f}"
                    )
                    + unit
                )
            )
            table.append((t["indicator_zh"] if zh else t["indicator_en"], t["target"] or "–", proj))
        lines += fitted(table, left=(0,), indent="    ")
    return "\n".join(line.rstrip() for line in lines)
