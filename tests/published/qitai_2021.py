"""Figures of the Qitai County 2021 report (奇台县2021年度社会保险基金绩效自评报告), with the
section each comes from. Money in 万元, heads in persons. The report is the record: where it
disagrees with itself both figures are kept (see ``DISAGREEMENTS``).

Source text: the project's seed copy of the report; English list in its FIGURES.md.
"""

#: Outturn of the civil-service fund, 二(一) and 四(一).
CIVIL_SERVICE = {
    "contributors": (6816, "四(一): 截止2021年度在职缴费人员6816人"),
    "beneficiaries": (4167, "四(一): 享受待遇的离退休人员4167人"),
    "contribution_income": (13574.93, "二(一): 基本养老保险费收入13574.93万元"),
    "interest_income": (18.45, "二(一): 利息收入18.45万元"),
    "subsidy_income": (16115.63, "二(一): 财政补助收入16115.63万元"),
    "total_income": (29709.01, "二(一): 当年总收入29709.01万元"),
    "benefit_expenditure": (30150.48, "二(一): 养老保险待遇支出30150.48万元"),
    "total_expenditure": (30150.48, "二(一): 基金当年总支出30150.48万元"),
    "reserve_end": (360.87, "二(一): 滚存结余360.87万元"),
}

#: Outturn of the residents' fund, 二(二) and 三(二). Contributors are not stated.
RESIDENTS = {
    "beneficiaries": (24608, "三(二): 有效保障24608名城乡居民养老保险待遇"),
    "contribution_income": (2441.98, "二(二): 基本养老保险费收入2441.98万元"),
    "interest_income": (430.6, "二(二): 利息收入430.6万元"),
    "subsidy_income": (3274.0, "二(二): 财政补助收入3274万元"),
    "other_income": (187.19, "二(二): 其他收入187.19万元"),
    "total_income": (6333.77, "二(二): 基金总收入6333.77万元"),
    "benefit_expenditure": (5619.81, "二(二): 养老保险待遇支出5619.81万元"),
    "total_expenditure": (5619.81, "二(二): 基金总支出5619.81万元"),
    "reserve_end": (20043.72, "二(二): 滚存结余20043.72万元"),
}

#: "县级财政补助资金1700余万元没有拨付到位" (二(二)): the county's unpaid subsidy, over 1700 万元.
RESIDENTS_COUNTY_ARREARS_AT_LEAST = 1700.0

#: Tolerances per quantity: the report states money to 0.01 万元 and heads exactly.
MONEY_ATOL_WAN = 0.01
HEADS_ATOL = 1e-6
