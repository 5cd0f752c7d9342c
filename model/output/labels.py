"""One registry of output names: each column's Chinese and English label and its unit.

Reports and :func:`zh_frame` read it; a test fails if an output column has none. The column
order of ``projection.csv`` is data, in :mod:`model.engine.columns`.
"""

from __future__ import annotations

from typing import Any

from model.engine.columns import CONTRACT_COLUMNS, CSV_COLUMNS, EXTRA_COLUMNS

__all__ = ["CONTRACT_COLUMNS", "CSV_COLUMNS", "EXTRA_COLUMNS", "FIGURE_ZH", "FUND_LABELS", "FUND_SHORT",
           "HEAD_COLUMNS", "LABELS", "figure_name", "label", "level_names", "words", "zh_frame"]

#: The funds' names.
FUND_LABELS = {
    "civil_service": {"zh": "机关事业单位基本养老保险基金", "en": "civil-service fund"},
    "residents": {"zh": "城乡居民基本养老保险基金", "en": "urban-rural residents' fund"},
}

#: The funds' short names, as a tag before a figure or a finding ([机关事业]); in English the
#: fund's key, as in the scenario file.
FUND_SHORT = {
    "civil_service": {"zh": "机关事业", "en": "civil_service"},
    "residents": {"zh": "城乡居民", "en": "residents"},
    "combined": {"zh": "两项基金合计", "en": "combined"},
}

#: A stated base-year figure (its key in a scenario's ``base_year`` block) in Chinese, as a
#: county report names it; in English a figure is named by its key.
FIGURE_ZH = {
    "contributors": "在职缴费人数",
    "contributors_average": "年平均缴费人数",
    "beneficiaries": "领取待遇人数",
    "beneficiaries_average": "年平均领取待遇人数",
    "dependency_ratio": "抚养比",
    "contribution_income": "基本养老保险费收入",
    "interest_income": "利息收入",
    "subsidy_income": "财政补助收入",
    "other_income": "其他收入",
    "transfer_income": "转移收入",
    "total_income": "总收入",
    "income_increase": "收入增加额",
    "income_growth": "收入增幅",
    "income_budget": "收入预算",
    "income_budget_completion": "收入预算完成率",
    "subsidy_arrears": "未到位财政补助",
    "benefit_expenditure": "养老保险待遇支出",
    "other_expenditure": "其他支出",
    "transfer_expenditure": "转移支出",
    "total_expenditure": "总支出",
    "expenditure_increase": "支出增加额",
    "expenditure_growth": "支出增幅",
    "expenditure_budget": "支出预算",
    "expenditure_budget_pensions": "养老金支出预算",
    "expenditure_budget_funeral": "丧葬费支出预算",
    "expenditure_budget_completion": "支出预算完成率",
    "reserve_start": "年初滚存结余",
    "balance": "当年收支结余",
    "reserve_end": "年末滚存结余",
    "targets": "绩效目标",
    "achieved": "实际完成",
    "satisfaction": "满意度",
    "benefits_paid_in_full": "待遇足额发放率",
    "compliant_use": "基金使用合规率",
    "expenditure_completion_low": "支出预算完成率下限",
    "expenditure_completion_high": "支出预算完成率上限",
    "first_payment_accuracy": "首次待遇发放准确率",
    "petition_rate": "上访率",
}


def figure_name(key: str, lang: str) -> str:
    """A stated figure's name in ``lang``: in Chinese from :data:`FIGURE_ZH` (a nested key such
    as ``targets.satisfaction`` part by part, 绩效目标·满意度; a key with no Chinese name as it
    is), in English its key.

    >>> figure_name("targets.satisfaction", "zh"), figure_name("total_income", "en")
    ('绩效目标·满意度', 'total_income')
    """
    if lang != "zh":
        return key
    return "·".join(FIGURE_ZH.get(part, part) for part in key.split("."))


LABELS: dict[str, dict[str, str]] = {
    "fund": {"zh": "基金", "en": "fund", "unit": ""},
    "year": {"zh": "年度", "en": "year", "unit": "年"},
    "contributors": {"zh": "缴费人数", "en": "contributors", "unit": "人"},
    "beneficiaries": {"zh": "领取待遇人数", "en": "beneficiaries", "unit": "人"},
    "dependency_ratio": {"zh": "抚养比", "en": "dependency ratio (contributors per beneficiary)", "unit": "/1"},
    "contribution_income": {"zh": "基本养老保险费收入", "en": "contribution income", "unit": "万元"},
    "interest_income": {"zh": "利息收入", "en": "interest income", "unit": "万元"},
    "subsidy_income": {"zh": "财政补贴收入", "en": "fiscal subsidy income", "unit": "万元"},
    "other_income": {"zh": "其他收入", "en": "other income", "unit": "万元"},
    "total_income": {"zh": "收入合计", "en": "total income", "unit": "万元"},
    "benefit_expenditure": {"zh": "养老保险待遇支出", "en": "benefit expenditure", "unit": "万元"},
    "other_expenditure": {"zh": "其他支出", "en": "other expenditure", "unit": "万元"},
    "total_expenditure": {"zh": "支出合计", "en": "total expenditure", "unit": "万元"},
    "balance": {"zh": "本年收支结余", "en": "balance of the year", "unit": "万元"},
    "reserve_end": {"zh": "年末滚存结余", "en": "reserve at year end", "unit": "万元"},
    "months_of_payout": {"zh": "可支付月数", "en": "months of payouts held", "unit": "月"},
    "subsidy_need": {"zh": "财政补贴需求(补足缺口)", "en": "subsidy need (fill the gap)", "unit": "万元"},
    "reserve_start": {"zh": "年初滚存结余", "en": "reserve at year start", "unit": "万元"},
    "pension_expenditure": {"zh": "基本养老金支出", "en": "pension expenditure", "unit": "万元"},
    "funeral_grant_expenditure": {"zh": "丧葬补助金支出", "en": "funeral grants", "unit": "万元"},
    "subsidy_due": {"zh": "应拨财政补贴", "en": "subsidy due under the rules", "unit": "万元"},
    "subsidy_due_central": {"zh": "应拨补贴: 中央", "en": "subsidy due: central", "unit": "万元"},
    "subsidy_due_region": {"zh": "应拨补贴: {region}", "en": "subsidy due: {region}", "unit": "万元"},
    "subsidy_due_prefecture": {"zh": "应拨补贴: {prefecture}", "en": "subsidy due: {prefecture}",
                               "unit": "万元"},
    "subsidy_due_county": {"zh": "应拨补贴: 县", "en": "subsidy due: county", "unit": "万元"},
    "reserve_end_without_subsidy": {"zh": "无财政补贴时年末结余", "en": "reserve at year end had no subsidy been paid", "unit": "万元"},
    "subsidy_shortfall": {"zh": "应拨未拨财政补贴", "en": "subsidy due but not paid", "unit": "万元"},
    "account_liability": {"zh": "个人账户记账额", "en": "individual-account liability", "unit": "万元"},
    "population_total": {"zh": "县常住人口", "en": "county population", "unit": "人"},
    "entrants": {"zh": "新增参保人数", "en": "new entrants", "unit": "人"},
    "retirements": {"zh": "新增退休人数", "en": "new retirements", "unit": "人"},
    "deaths_retired": {"zh": "退休人员死亡人数", "en": "deaths of retirees", "unit": "人"},
    "new_beneficiaries": {"zh": "新增领取人数", "en": "new beneficiaries", "unit": "人"},
    "deaths_beneficiaries": {"zh": "领取人员死亡人数", "en": "deaths of beneficiaries", "unit": "人"},
    "survivors_lump_sum_expenditure": {"zh": "抚恤金支出", "en": "survivors' lump sums", "unit": "万元"},
    "account_refund_expenditure": {"zh": "个人账户余额继承支出", "en": "account balances refunded at death", "unit": "万元"},
    "account_balance": {"zh": "在职人员个人账户余额", "en": "active members' account balances", "unit": "万元"},
    "new_award_mean_monthly_yuan": {"zh": "新退休人员月均养老金", "en": "mean new award", "unit": "元/月"},
    "new_award_to_average_wage": {"zh": "新退休人员养老金/上年社平工资", "en": "new award ÷ previous year's provincial average wage", "unit": "/1"},
    "pension_in_payment_mean_monthly_yuan": {"zh": "在领人员月均养老金", "en": "mean pension in payment", "unit": "元/月"},
    "pension_in_payment_to_average_wage": {"zh": "在领人员养老金/上年社平工资", "en": "pension in payment ÷ previous year's provincial average wage", "unit": "/1"},
    "replacement_rate": {"zh": "替代率(新退休养老金/本人缴费基数)", "en": "replacement rate (new award ÷ own final contribution base)", "unit": "/1"},
}


#: Columns counted in heads (written without decimals in tables).
HEAD_COLUMNS = frozenset(c for c, lab in LABELS.items() if lab["unit"] == "人")


def level_names(scenario: Any, lang: str) -> dict[str, str]:
    """The names of the levels of government of ``scenario`` in ``lang`` (region, prefecture,
    county), as its ``meta.levels`` gives them: what ``{region}`` in a label stands for."""
    levels = scenario.meta.levels
    return {lv: getattr(getattr(levels, lv), lang) for lv in ("region", "prefecture", "county")}


def words(entry: dict[str, str], lang: str, levels: dict[str, str] | None = None) -> str:
    """An entry's words in ``lang``, with the names of the levels of government filled in (the
    default names without a scenario)."""
    text = entry[lang]
    if "{" in text:
        text = text.format(**(levels or DEFAULT_LEVEL_NAMES[lang]))
    return text


#: The names of the levels where no scenario gives them (schema.LevelNames' defaults).
DEFAULT_LEVEL_NAMES = {
    "zh": {"region": "省", "prefecture": "市", "county": "县"},
    "en": {"region": "province", "prefecture": "prefecture", "county": "county"},
}


def label(name: str, lang: str = "en", levels: dict[str, str] | None = None) -> str:
    """The label of an output column in ``lang`` ("zh" or "en"), with its unit."""
    entry = LABELS[name]
    unit = entry["unit"]
    text = words(entry, lang, levels)
    return f"{text} ({unit})" if unit and unit not in ("/1", "年") else text


def zh_frame(frame, scenario: Any = None):
    """A frame of :meth:`~model.engine.results.Projection.to_frame` with its columns labelled in
    Chinese (the levels of government named as ``scenario`` names them)."""
    levels = level_names(scenario, "zh") if scenario is not None else None
    return frame.rename(columns={c: words(LABELS[c], "zh", levels) for c in CSV_COLUMNS})
