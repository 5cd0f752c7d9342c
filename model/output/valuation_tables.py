"""A valuation for people: the terminal tables of the open-group balance and the closed-group
liability per fund, and the rows of ``valuation.csv``."""

from __future__ import annotations

from typing import Any

from model.analysis.valuation import Discount, Valuation, closed_group_items, share
from model.output.labels import FUND_LABELS
from model.output.text import fitted

#: Each open-group line of ``model.analysis.valuation.OPEN_LINES`` in words.
LINE_WORDS: dict[str, dict[str, str]] = {
    "contribution_income": {"zh": "基本养老保险费收入", "en": "contributions"},
    "other_income": {"zh": "其他收入", "en": "other income"},
    "subsidy_income": {"zh": "财政补贴收入（按补贴规则）", "en": "subsidy paid under the rule"},
    "interest_margin": {"zh": "利息收入超出贴现率部分", "en": "interest beyond the discount rate"},
    "benefit_expenditure": {"zh": "养老保险待遇支出", "en": "benefit expenditure"},
    "other_expenditure": {"zh": "其他支出", "en": "other expenditure"},
    "subsidy_need": {"zh": "财政补贴需求（补足缺口）", "en": "subsidy need (fill the gap)"},
    "contribution_base": {"zh": "缴费工资总额", "en": "payroll (contribution base)"},
    "general_budget_revenue": {"zh": "县一般公共预算收入", "en": "county general budget revenue"},
}

WORDS: dict[str, dict[str, str]] = {
    "opening_reserve": {"zh": "基年年末滚存结余", "en": "reserve at the end of the base year"},
    "closing_reserve": {"zh": "期末滚存结余现值", "en": "present value of the closing reserve"},
    "balance_without_subsidy": {"zh": "无补贴精算平衡（期末结余不计）",
                                "en": "balance without subsidy (no closing reserve)"},
    "balance_residual": {"zh": "平衡恒等式残差", "en": "balance identity residual"},
    "pensioners": {"zh": "① 现有退休人员未来待遇现值", "en": "(a) today's pensioners: future benefits"},
    "pensioners_account": {"zh": "    备注：其中个人账户养老金现值（由个人账户支付）",
                           "en": "    memo: of which account pensions (paid from the accounts)"},
    "actives_all": {"zh": "    在职人员未来待遇现值（全部）", "en": "    today's actives: all future benefits"},
    "actives_accrued": {"zh": "② 在职人员已累积待遇现值（按工龄比例）",
                        "en": "(b) today's actives: accrued part (by service)"},
    "actives_contributions": {"zh": "    在职人员未来缴费现值", "en": "    today's actives: future contributions"},
    "accounts": {"zh": "③ 个人账户记账额（基年末）", "en": "(c) individual accounts (base year end)"},
    "accounts_memo": {"zh": "③ 备注：个人账户余额（已含在①②中）",
                      "en": "(c) memo: individual-account balances (inside (a) and (b))"},
    "accrued_liability": {"zh": "应计负债", "en": "accrued liability"},
    "reserve": {"zh": "减：基年年末滚存结余", "en": "less: reserve at the end of the base year"},
    "implicit_debt": {"zh": "隐性债务", "en": "implicit debt"},
    "closed_balance": {"zh": "封闭人群精算平衡（结余＋缴费－全部待遇）",
                       "en": "closed-group balance (reserve + contributions − all benefits)"},
}


def _money(x: float | None) -> str:
    """Money with separators and 2 decimals; nothing that rounds to zero carries a sign.

    >>> _money(2.41e-10), _money(-1234.5), _money(None)
    ('0.00', '-1,234.50', '–')
    """
    if x is None:
        return "–"
    text = f"{x:,.2f}"
    return text.lstrip("-") if text.lstrip("-") == "0.00" else text


def _pct(x: float | None) -> str:
    if x is None:
        return "–"
    text = f"{x:.2%}"
    return text.lstrip("-") if text.lstrip("-") == "0.00%" else text


def _times(x: float | None) -> str:
    return _money(x)


def discount_text(discount: Discount, lang: str = "en") -> str:
    """How flows are discounted, in words."""
    if discount.kind == "fund":
        return "基金自身利率路径" if lang == "zh" else "the fund's own interest-rate path"
    if discount.kind == "flat":
        return f"固定名义利率{discount.rate:.2%}" if lang == "zh" else f"a flat nominal rate of {discount.rate:.2%}"
    return (f"实际利率{discount.rate:.2%}加通胀率" if lang == "zh"
            else f"a real rate of {discount.rate:.2%} plus price inflation")


def format_valuation(v: Valuation, lang: str = "zh") -> str:
    """Terminal tables per fund: the open-group balance, then the closed-group liability; a table
    wider than 120 columns is cut into blocks that repeat its labels."""
    zh = lang == "zh"
    lines = []
    if zh:
        lines += [f"精算平衡（情景 {v.scenario_id}）：现值折算至{v.base_year}年末，贴现按{discount_text(v.discount, lang)}；",
                  f"开放人群 {v.base_year + 1}–{v.last_year}年，封闭人群 {v.base_year + 1}–{v.closed_last_year}年；"
                  "金额单位万元"]
    else:
        lines += [f"Actuarial balance (scenario {v.scenario_id}): present values at the end of {v.base_year},",
                  f"discounted at {discount_text(v.discount, lang)};"
                  f" open group {v.base_year + 1}–{v.last_year}, closed group {v.base_year + 1}–{v.closed_last_year};",
                  "money in 10,000 yuan"]
    if v.revenue_source is None:
        lines.append("情景文件未给出县一般公共预算收入（assumptions.economy.general_budget_revenue），"
                     "占预算收入的比例从缺" if zh else "no county general budget revenue in the scenario "
                     "(assumptions.economy.general_budget_revenue): its shares are missing")
    lines.append("")
    for f in v.funds:
        lines.append(FUND_LABELS[f.fund][lang] + ("：开放人群" if zh else ": open group"))
        header = (["", "名义合计", "基年价格合计", "现值", "占缴费工资现值", "占预算收入现值"] if zh else
                  ["", "sum", "base-yr prices", "present value", "of PV payroll", "of PV revenue"])
        body = [[WORDS["opening_reserve"][lang], "", "", _money(f.opening_reserve), "", ""]]
        for x in f.lines:
            sign = {"income": "+ ", "expenditure": "− ", "memo": "  "}[x.kind]
            body.append([sign + LINE_WORDS[x.name][lang], _money(x.sum_nominal), _money(x.sum_real),
                         _money(x.present_value), _pct(x.share_of_payroll), _pct(x.share_of_budget_revenue)])
        body.append(["= " + WORDS["closing_reserve"][lang], _money(f.closing_reserve),
                     _money(f.closing_reserve / f.price_index[-1]), _money(f.closing_reserve_pv), "", ""])
        body.append([WORDS["balance_without_subsidy"][lang], "", "", _money(f.balance_without_subsidy),
                     _pct(share(f.balance_without_subsidy, f.payroll_pv)),
                     _pct(share(f.balance_without_subsidy, f.budget_revenue_pv))])
        body.append([WORDS["balance_residual"][lang], "", "", _money(f.balance_residual), "", ""])
        lines += fitted([header, *body])
        if f.payroll_pv is None:
            lines.append("居民基金无缴费工资，不计占缴费工资比例" if zh else
                         "the residents' fund has no payroll: no shares of payroll")
        lines.append("")
        lines.append(FUND_LABELS[f.fund][lang] + ("：封闭人群（现有参保人员）" if zh else
                                                  ": closed group (today's members and pensioners)"))
        header = ["", "现值" if zh else "present value", "基年缴费工资倍数" if zh else "× base-year payroll",
                  "基年预算收入倍数" if zh else "× base-year revenue"]
        body = [[WORDS[name][lang], _money(x), _times(share(x, f.payroll_base_year)),
                 _times(share(x, f.budget_revenue_base_year))]
                for name, x in closed_group_items(f.closed)]
        lines += fitted([header, *body])
        if f.fund == "civil_service" and f.closed.accounts is None:
            lines.append("个人账户余额：本预测未记录在职人员个人账户余额" if zh else
                         "individual-account balances: the projection has no account_balance series")
        lines.append("")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n")


def valuation_rows(v: Valuation, lang: str = "en") -> list[dict[str, Any]]:
    """``valuation.csv``: one row per fund × item [万元; shares /1]."""
    out: list[dict[str, Any]] = []
    for f in v.funds:
        def row(section: str, item: str, label: str, pv: float | None, nominal: float | None = None,
                real: float | None = None) -> dict[str, Any]:
            open_ = section == "open"
            return {"fund": f.fund, "section": section, "item": item, "label": label,
                    "sum_nominal": nominal, "sum_base_year_prices": real, "present_value": pv,
                    "share_of_pv_payroll": share(pv, f.payroll_pv) if open_ else None,
                    "share_of_pv_budget_revenue": share(pv, f.budget_revenue_pv) if open_ else None,
                    "multiple_of_base_year_payroll": None if open_ else share(pv, f.payroll_base_year),
                    "multiple_of_base_year_budget_revenue":
                        None if open_ else share(pv, f.budget_revenue_base_year)}

        out.append(row("open", "opening_reserve", WORDS["opening_reserve"][lang], f.opening_reserve))
        for x in f.lines:
            out.append(row("open", x.name, LINE_WORDS[x.name][lang], x.present_value, x.sum_nominal, x.sum_real))
        out.append(row("open", "closing_reserve", WORDS["closing_reserve"][lang], f.closing_reserve_pv,
                       f.closing_reserve, f.closing_reserve / f.price_index[-1]))
        out.append(row("open", "balance_without_subsidy", WORDS["balance_without_subsidy"][lang],
                       f.balance_without_subsidy))
        for name, x in closed_group_items(f.closed):
            out.append(row("closed", name, WORDS[name][lang].strip(), x))
    return out
