"""Text renderings of a projection: the terminal table, the headline, the calibration, CSV and
JSON text.

Formatting only: every number shown is an attribute of the Projection. Money in 万元 with two
decimals, heads with none, ratios with two or three. The terminal text is in Chinese (the
default) or English, and no line is wider than 120 columns: one block per fund, the years a
reader asks for (by default every year for ten years, then every fifth and the last).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from model.engine.results import HEADLINE_HORIZONS, Projection
from model.output.labels import (
    CSV_COLUMNS,
    FUND_LABELS,
    FUND_SHORT,
    HEAD_COLUMNS,
    LABELS,
    figure_name,
    level_names,
)
from model.output.text import MAX_WIDTH, fitted, wrapped

#: Columns of the terminal table.
TABLE_COLUMNS = (
    "year",
    "contributors",
    "beneficiaries",
    "total_income",
    "subsidy_income",
    "total_expenditure",
    "balance",
    "reserve_end",
    "months_of_payout",
    "subsidy_need",
)

#: Headers of the table where they are shorter than the column's label (:data:`LABELS`).
TABLE_HEADERS = {
    "zh": {"subsidy_income": "其中财政补贴", "subsidy_need": "财政补贴需求"},
    "en": {
        "year": "year",
        "contributors": "contributors",
        "beneficiaries": "beneficiaries",
        "total_income": "income",
        "subsidy_income": "subsidy paid",
        "total_expenditure": "expenditure",
        "balance": "balance",
        "reserve_end": "reserve",
        "months_of_payout": "months held",
        "subsidy_need": "subsidy need",
    },
}

#: Years shown every year after the base year before the table steps by :data:`YEAR_STEP`.
EVERY_YEAR_FOR = 10
YEAR_STEP = 5


def table_header(name: str, lang: str = "zh") -> str:
    """A column's header in the terminal table.

    >>> table_header("subsidy_income"), table_header("reserve_end"), table_header("balance", "en")
    ('其中财政补贴', '年末滚存结余', 'balance')
    """
    return TABLE_HEADERS[lang].get(name) or LABELS[name][lang]


def default_years(years: Sequence[int]) -> list[int]:
    """The years the table shows unless asked for others: the base year and every year for
    :data:`EVERY_YEAR_FOR` years, then every :data:`YEAR_STEP`-th year after the base year, and
    the last.

    >>> default_years(range(2021, 2051))[-6:]
    [2030, 2031, 2036, 2041, 2046, 2050]
    """
    years = [int(y) for y in years]
    if not years:
        return []
    base = years[0]
    return [
        y
        for y in years
        if y - base <= EVERY_YEAR_FOR or (y - base) % YEAR_STEP == 0 or y == years[-1]
    ]


#: A fund whose money reaches this many 万元 (a province's) is tabled without decimals.
WHOLE_WAN_FROM = 1_000_000


def format_number(name: str, value: float | None, money_decimals: int = 2) -> str:
    """One cell: thousands separators; 2 decimals for 万元 (or ``money_decimals``), none for
    heads.

    >>> format_number("reserve_end", 12345.6)
    '12,345.60'
    >>> format_number("contributors", 1234.4), format_number("reserve_end", 12345.6, 0)
    ('1,234', '12,346')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name == "year":
        return str(int(value))
    if name in HEAD_COLUMNS:
        return f"{value:,.0f}"
    if name == "dependency_ratio":
        return f"{value:.2f}"
    if name == "months_of_payout":
        return "∞" if math.isinf(value) else f"{value:.1f}"
    return f"{value:,.{money_decimals}f}"


def _years_note(shown: list[int], all_years: list[int], lang: str) -> str:
    """What the table leaves out, and how to see every year; empty when it shows them all."""
    if shown == all_years:
        return ""
    if shown == default_years(all_years):
        last_yearly = all_years[min(EVERY_YEAR_FOR, len(all_years) - 1)]
        if lang == "zh":
            return (
                f"注：{last_yearly}年前逐年列示，此后每{YEAR_STEP}年及末年列示；"
                "全部年度用 --format csv 输出。"
            )
        return (
            f"Every year to {last_yearly}, then every {YEAR_STEP}th year and the last; "
            "all years with --format csv."
        )
    if lang == "zh":
        return "注：仅列所选年度；全部年度用 --format csv 输出。"
    return "Only the years asked for; all years with --format csv."


def format_table(
    result: Projection,
    batch: int = 0,
    lang: str = "zh",
    years_shown: Sequence[int] | None = None,
    width: int = MAX_WIDTH,
) -> str:
    """The yearly table, one block per fund, no wider than ``width`` columns.

    Parameters
    ----------
    result : Projection
        The projection.
    batch : int
        Which scenario of a batched run.
    lang : str
        ``"zh"`` (the default) or ``"en"``.
    years_shown : Sequence[int] | None
        The years to show, in the order of the projection; years it does not have are left
        out. By default :func:`default_years`.
    width : int
        The widest a line may be; a wider table is cut into blocks of columns that repeat the
        year (:func:`model.output.text.fitted`).
    """
    all_years = [int(y) for y in result.years]
    wanted = set(default_years(all_years) if years_shown is None else years_shown)
    shown = [y for y in all_years if y in wanted]
    rows = result.rows(batch)
    zh = lang == "zh"
    lines: list[str] = []
    for fund in result.funds:
        fund_rows = [r for r in rows if r["fund"] == fund and int(r["year"]) in wanted]
        title = FUND_LABELS[fund][lang]
        money = [c for c in TABLE_COLUMNS if LABELS[c]["unit"] == "万元"]
        largest = max((abs(r[c]) for r in fund_rows for c in money if r[c] is not None), default=0)
        whole = largest >= WHOLE_WAN_FROM
        if zh:
            lines.append(f"{title}（金额：万元{'，取整' if whole else ''}；人数：人）")
        else:
            rounded = " rounded to whole 万元" if whole else " in 万元"
            lines.append(f"{title} (money{rounded}, heads in persons)")
        header = [table_header(c, lang) for c in TABLE_COLUMNS]
        cells = [
            [format_number(c, r[c], 0 if whole else 2) for c in TABLE_COLUMNS] for r in fund_rows
        ]
        lines += fitted([header, *cells], left=(), max_width=width)
        lines.append("")
    note = (
        "其中财政补贴：按补贴政策拨付的补贴；财政补贴需求：补足当年收支缺口、保持规定可支付月数"
        "所需的补贴。"
        if zh
        else "Subsidy paid: under the scenario's subsidy rule. Subsidy need: what filling the gap "
        "of the year (keeping the months of payouts the rule asks for) would take."
    )
    for text in (note, _years_note(shown, all_years, lang)):
        if text:
            lines += wrapped(text, "", "", width)
    lines.append("")
    return "\n".join(lines)


def _money(v: float) -> str:
    return f"{v:,.2f}"


def _levels_text(row: dict[str, Any], levels: dict[str, str], lang: str) -> str:
    """The subsidy due by level of government (the levels that pay anything)."""
    names = {"central": "中央" if lang == "zh" else "central", **levels}
    parts = []
    for lv in ("central", "region", "prefecture", "county"):
        v = row.get(f"subsidy_due_{lv}")
        if v is not None and not math.isnan(v) and round(v, 2) != 0:
            if lang == "zh":
                parts.append(
                    f"{names[lv] if lv == 'central' else names[lv] + '级'} {_money(v)} 万元"
                )
            else:
                parts.append(f"{names[lv]} {_money(v)}")
    return ("、" if lang == "zh" else ", ").join(parts)


def _levels(result: Projection, lang: str) -> dict[str, str]:
    if result.scenario is not None:
        return level_names(result.scenario, lang)
    from model.output.labels import DEFAULT_LEVEL_NAMES

    return DEFAULT_LEVEL_NAMES[lang]


def _payer(result: Projection, fund: str) -> str | None:
    """The level of government whose budget pays a fund's subsidy when one level pays it all
    (the civil-service fund's ``subsidy_paid_by``); None otherwise."""
    if result.scenario is None:
        return None
    policy = getattr(result.scenario.policy, fund, None)
    return getattr(policy, "subsidy_paid_by", None)


def format_headline(result: Projection, batch: int = 0, lang: str = "zh") -> str:
    """The headline per fund, in the bureau's words: the subsidy of the first projected year
    and who pays it (by level of government), the subsidy over 5, 10 and 20 years, what the
    subsidy rule pays against what filling the gap would take when the two differ, when the
    reserve runs out, and the dependency ratio.

    The fund's subsidy is what its rule pays (``subsidy_income``): where the rule is to fill the
    gap, that is the need (财政补贴需求); where it pays what policy makes due (the residents'
    basic pension), the headline says so, and says what filling the gap alone would take.
    """
    zh = lang == "zh"
    summary = result.summary(batch)
    rows = result.rows(batch)
    levels = _levels(result, lang)
    lines = ["测算要点（金额单位：万元）" if zh else "Headline (money in 万元)"]
    for fund, s in summary.items():
        fund_rows = [r for r in rows if r["fund"] == fund]
        first = fund_rows[1] if len(fund_rows) > 1 else fund_rows[0]
        year = int(first["year"])
        paid = [float(r["subsidy_income"]) for r in fund_rows[1:]]
        need = [float(r["subsidy_need"]) for r in fund_rows[1:]]
        fills_gap = all(abs(a - b) < 0.005 for a, b in zip(paid, need, strict=True))
        lines.append(f"{FUND_LABELS[fund][lang]}：" if zh else f"{FUND_LABELS[fund][lang]}:")
        # the first projected year, and who pays
        by_level = _levels_text(first, levels, lang)
        payer = _payer(result, fund)
        amount = _money(first["subsidy_income"])
        if fills_gap:
            head = (
                f"{year}年财政补贴需求 {amount} 万元（补足当年收支缺口）"
                if zh
                else f"{year} subsidy need {amount} (filling the gap of the year)"
            )
        else:
            head = (
                f"{year}年按补贴政策应拨财政补贴 {amount} 万元"
                if zh
                else f"{year} subsidy paid under the subsidy rule {amount}"
            )
        if by_level:
            head += f"，其中{by_level}" if zh else f": {by_level}"
        elif payer is not None and first["subsidy_income"] > 0:
            head += (
                f"，全部由{levels[payer]}级财政承担" if zh else f", all paid by the {levels[payer]}"
            )
        shortfall = first.get("subsidy_shortfall")
        if shortfall is not None and shortfall > 0.005:
            head += (
                f"；应拨未拨 {_money(shortfall)} 万元"
                if zh
                else f"; {_money(shortfall)} due but not paid"
            )
        lines += wrapped(head, "  ", "    ")
        # over 5, 10, 20 years
        horizons = [n for n in HEADLINE_HORIZONS if s[f"subsidy_paid_{n}y"] is not None]
        if horizons:
            paid_text = ("，" if zh else ", ").join(
                (
                    f"{n}年 {_money(s[f'subsidy_paid_{n}y'])} 万元"
                    if zh
                    else f"{n} years {_money(s[f'subsidy_paid_{n}y'])}"
                )
                for n in horizons
            )
            if fills_gap:
                text = (
                    f"今后财政补贴需求合计：{paid_text}" if zh else f"subsidy need over {paid_text}"
                )
            else:
                text = (
                    f"今后按补贴政策应拨合计：{paid_text}"
                    if zh
                    else f"subsidy paid under the rule over {paid_text}"
                )
            lines += wrapped(text, "  ", "    ")
            if not fills_gap:
                needs = [s[f"subsidy_need_{n}y"] for n in horizons]
                if all(round(v, 2) == 0 for v in needs):
                    text = (
                        f"若只补足收支缺口，今后{horizons[-1]}年无需财政补贴：滚存结余足以支付待遇"
                        if zh
                        else f"filling the gap alone would need no subsidy over {horizons[-1]} "
                        "years: the reserve pays the benefits"
                    )
                else:
                    need_text = ("，" if zh else ", ").join(
                        (f"{n}年 {_money(v)} 万元" if zh else f"{n} years {_money(v)}")
                        for n, v in zip(horizons, needs, strict=True)
                    )
                    text = (
                        f"若只补足收支缺口，需财政补贴：{need_text}"
                        if zh
                        else f"filling the gap alone would need: {need_text}"
                    )
                lines += wrapped(text, "  ", "    ")
        # depletion
        last, base = s["last_year"], s["base_year"]
        dep, dep0 = s["depletion_year"], s["depletion_year_without_subsidy"]
        if zh:
            with_rule = f"{dep}年耗尽" if dep else f"到{last}年不会耗尽"
            without = f"{dep0}年耗尽" if dep0 else f"到{last}年也不会耗尽"
            text = f"滚存结余：按补贴政策{with_rule}；若{base}年后不再补贴，{without}"
        else:
            with_rule = f"runs out in {dep}" if dep else f"does not run out by {last}"
            without = f"it runs out in {dep0}" if dep0 else f"it does not run out by {last}"
            text = (
                f"reserve: under the subsidy rule it {with_rule}; with no subsidy after {base}, "
                f"{without}"
            )
        lines += wrapped(text, "  ", "    ")
        dep_base, dep_end = s["dependency_ratio_base"], s["dependency_ratio_end"]
        lines.append(
            f"  抚养比：{base}年 {dep_base:.2f}，{last}年 {dep_end:.2f}"
            if zh
            else f"  dependency ratio: {dep_base:.2f} in {base}, {dep_end:.2f} in {last}"
        )
    return "\n".join(lines)


def estimated_lines(scenario: Any) -> list[dict[str, Any]]:
    """The base-year lines a scenario does not state but estimates
    (:mod:`model.scenario.accounts`): fund, line, value, unit and the rule, for every output."""
    out = []
    for fund in scenario.funds:
        block = getattr(scenario.base_year, fund)
        for key in block.estimated_lines:
            x = getattr(block, key)
            out.append(
                {
                    "fund": fund,
                    "line": key,
                    "value": float(x.value),
                    "unit": x.unit,
                    "rule": x.source,
                }
            )
    return out


# --------------------------------------------------------------------------------------------
# the calibration in words

#: What each calibrated level is called, in Chinese.
CALIBRATED_ZH = {
    "mean_contribution_base_yuan": "平均缴费基数",
    "indexed_wage_ratio": "平均缴费工资指数",
    "pensions_in_payment_level": "在领养老金水平系数",
    "deemed_contribution_index": "视同缴费指数",
    "mean_pension_monthly_yuan": "人均月养老金",
    "reserve_start": "年初滚存结余",
    "interest_rate_base_year": "基期利率",
    "reserve_months_held": "基期可支付月数",
    "beneficiaries_share_of_older": "领取人数占老年人口比例",
    "uptake_at_pension_age": "达到领取年龄者的领取比例",
    "contributors": "缴费人数",
    "contribution_per_contributor_yuan": "人均缴费额",
    "contributor_rate": "缴费人数占缴费年龄人口比例",
    "other_income_ratio": "其他收入比例",
    "funeral_grant_yuan": "丧葬补助金",
    "top_up_pension_monthly_yuan": "地方加发基础养老金",
}

#: What a reference of a calibrated level is, in Chinese.
REFERENCE_ZH = {
    "provincial average wage of the base year": "基期全省平均工资",
    "the rates as stated": "所列计发比例",
    "the members' own indexed wage ratio": "参保人员本人平均缴费工资指数",
    "mean of the tier mix": "缴费档次均值",
    "the base year's share among the older population": "基期老年人口中的领取比例",
}

#: The parts of the age structure a scenario may take, in Chinese.
_AREA_ZH = {"country": "全国", "province": "全省", "prefecture": "地（市、州）", "county": "本县"}


def _stated_zh(result: Projection, fund: str, key: str) -> str:
    """A stated base-year figure in Chinese with its source: 基本养老保险费收入（…）."""
    name = figure_name(key, "zh")
    scenario = result.scenario
    block = getattr(scenario.base_year, fund, None) if scenario is not None else None
    stated = getattr(block, key, None)
    if stated is None:
        return name
    if getattr(stated, "estimated", False):
        return f"{name}（估算数）"
    return f"{name}（{stated.source}）"


def _calibration_zh(result: Projection, c: Any) -> str:
    """What a calibrated level reproduces, in Chinese (its target, which the engine records in
    English, said again from the scenario's own figures)."""
    target, fund = c.target, c.fund

    def stated(key: str) -> str:
        return _stated_zh(result, fund, key)

    ages = re.search(r"aged (\d+)\D(\d+)", target)
    older = re.search(r"aged (\d+)\+", target)
    area = re.search(r"the age structure is the (\w+)'s", target)
    texts = {
        "mean_contribution_base_yuan": f"重现{stated('contribution_income')}",
        "indexed_wage_ratio": "平均缴费基数 / 上年全省平均工资（计发公式中的本人平均缴费工资指数）",
        "pensions_in_payment_level": (
            f"按年中发放重现{stated('benefit_expenditure')}；"
            + (
                "为老办法待遇相对退休时工资的水平（其按工龄的计发比例只适用于基本工资）；"
                "用于在领养老金及过渡期新退休人员的老办法保底"
                if "old method" in target
                else "为计发公式下在领养老金的比例；只用于在领养老金，不用于新退休人员"
            )
        ),
        "deemed_contribution_index": (
            "新老办法衔接：过渡期最后一年按法定年龄退休的男性，新办法待遇等于老办法；"
            "用于新退休人员的过渡性养老金"
            if target.startswith("continuity")
            else "按情景所列"
        ),
        "mean_pension_monthly_yuan": "基期末在领养老金 / 退休人数",
        "reserve_start": "年末滚存结余 - (各项收入 - 各项支出)，均为基期数",
        "interest_rate_base_year": "利息收入 / 年初滚存结余",
        "reserve_months_held": "基期年末滚存结余 / (总支出 / 12)",
        "beneficiaries_share_of_older": (
            f"{stated('beneficiaries')} / {older.group(1) if older else ''}岁及以上人口"
            + (
                f"；年龄结构采用{_AREA_ZH.get(area.group(1), area.group(1))}的而非本县的："
                "比例接近1说明本县老年人口多于该结构所示"
                if area
                else ""
            )
        ),
        "uptake_at_pension_age": (
            f"按情景所列（{target[len('as stated (') : -1]}）"
            if target.startswith("as stated (")
            else "情景未列：取基期领取人数占老年人口的比例"
        ),
        "contributors": f"{stated('contribution_income')} / 缴费档次均值",
        "contribution_per_contributor_yuan": "基本养老保险费收入 / 所列缴费人数",
        "contributor_rate": (
            f"缴费人数 / {ages.group(1)}–{ages.group(2)}岁人口"
            if ages
            else "缴费人数 / 缴费年龄人口"
        ),
        "other_income_ratio": "其他收入 / 基本养老保险费收入（均为基期所列）",
        "funeral_grant_yuan": f"{stated('expenditure_budget_funeral')} / 预计领取人员死亡人数",
        "top_up_pension_monthly_yuan": (
            f"{stated('benefit_expenditure')}扣除丧葬补助金、个人账户余额继承和个人账户养老金，"
            "按领取人数（年中）平均，再减去中央基础养老金"
        ),
    }
    return texts.get(c.name, target)


#: The rules of :mod:`model.scenario.accounts` for a line it estimates, in Chinese: each
#: English phrase (a pattern) and its Chinese.
RULES_ZH = (
    (r"the annual average contributors taken for the year end", "以年平均缴费人数作年末数"),
    (r"the annual average beneficiaries taken for the year end", "以年平均领取待遇人数作年末数"),
    (r"the sum of the subsidy by level of government", "各级财政补助之和"),
    (r"total expenditure less other expenditure and transfers out", "总支出减其他支出和转移支出"),
    (
        r"the subsidy over the basic pension's share of benefits \(1 − account_pension_share\): "
        r"the budget pays the basic pension",
        "财政补助除以基础养老金占待遇支出的比例（1 − 个人账户养老金占比）：基础养老金由财政支付",
    ),
    (r"benefits plus other expenditure and transfers out", "待遇支出加其他支出和转移支出"),
    (
        r"start-of-year reserve plus total income less total expenditure",
        "年初滚存结余加总收入减总支出",
    ),
    (
        r"the start-of-year reserve (\S+) 万元 at the fund's interest rate (\S+)",
        r"年初滚存结余 \1 万元按基金利率 \2 计息",
    ),
    (
        r"the basic pension's share of benefits \(1 − account_pension_share\): the budget pays "
        r"the basic pension",
        "待遇支出中基础养老金的部分（1 − 个人账户养老金占比）：基础养老金由财政支付",
    ),
    (
        r"total income less subsidy, interest, other income and transfers in",
        "总收入减财政补助、利息、其他收入和转移收入",
    ),
    (
        r"(\S+) contributors × the provincial average wage (\S+) 元 × contribution rates (\S+) × "
        r"collection (\S+)",
        r"缴费人数 \1 × 全省平均工资 \2 元 × 缴费比例 \3 × 征缴率 \4",
    ),
    (
        r"(\S+) contributors \(residents at contribution ages × the take-up (\S+) of those at "
        r"pension ages\) × the mean tier (\S+) 元",
        r"缴费人数 \1（缴费年龄居民 × 领取年龄者参保率 \2）× 平均缴费档次 \3 元",
    ),
    (
        r", capped at total income less interest, other income and transfers in: (\S+) 万元",
        r"，以总收入减利息、其他收入和转移收入后的 \1 万元为限",
    ),
    (
        r"total income less contributions, interest, other income and transfers in: the budget "
        r"fills the gap",
        "总收入减缴费、利息、其他收入和转移收入：由财政补足缺口",
    ),
    (r"the sum of its lines", "各项之和"),
)


def rule_text(rule: str, lang: str = "zh") -> str:
    """The rule that estimated a line, without its ``estimated:`` mark, in ``lang``.

    >>> rule_text("estimated: total expenditure less other expenditure and transfers out")
    '总支出减其他支出和转移支出'
    """
    text = re.sub(r"^(estimated|derived): ", "", rule)
    if lang != "zh":
        return text
    for pattern, zh in RULES_ZH:
        text = re.sub(pattern, zh, text)
    return text


#: Units said in words in English (money keeps its sign: 万元, 元, 元/月).
UNITS_EN = {"月": "months", "人": "persons", "年": "years"}


def format_calibration(result: Projection, lang: str = "zh", width: int = MAX_WIDTH) -> str:
    """What the base-year calibration solved for, and how far it sits from its reference; the
    base-year lines estimated rather than stated, with their rules."""
    zh = lang == "zh"
    lines = ["基期校准（使模型重现基期数据）：" if zh else "Calibrated to reproduce the base year:"]
    for c in result.calibration:
        ref = ""
        if c.ratio_to_reference is not None:
            if zh:
                name = REFERENCE_ZH.get(c.reference_label, c.reference_label)
                ref = f"（为{name} {c.reference:,.2f} 的 {c.ratio_to_reference:.3f} 倍）"
            else:
                ref = f"  ({c.ratio_to_reference:.3f} × {c.reference_label} {c.reference:,.2f})"
        value = f"{c.value:,.4f}" if abs(c.value) < 10 else f"{c.value:,.2f}"
        unit = "" if c.unit == "/1" else f" {c.unit if zh else UNITS_EN.get(c.unit, c.unit)}"
        if zh:
            name = f"{FUND_SHORT[c.fund]['zh']}·{CALIBRATED_ZH.get(c.name, c.name)}"
            lines += wrapped(f"{name} = {value}{unit}{ref}", "  ", "      ", width)
            lines += wrapped("依据：" + _calibration_zh(result, c), "      ", "        ", width)
        else:
            lines += wrapped(f"{c.fund}.{c.name} = {value}{unit}{ref}", "  ", "      ", width)
            lines += wrapped(f"reproduces: {c.target}", "      ", "        ", width)
    estimated = estimated_lines(result.scenario) if result.scenario is not None else []
    if estimated:
        lines.append(
            "估算数（基期账目不全，以下各项按规则估算）："
            if zh
            else "Estimated, not stated (the base year's account is partial):"
        )
        for e in estimated:
            if zh:
                name = f"{FUND_SHORT[e['fund']]['zh']}·{figure_name(e['line'], 'zh')}"
                lines.append(f"  {name} = {e['value']:,.2f} {e['unit']}  [估算]")
                lines += wrapped("规则：" + rule_text(e["rule"]), "      ", "        ", width)
            else:
                lines.append(
                    f"  {e['fund']}.{e['line']} = {e['value']:,.2f} {e['unit']}  [estimated]"
                )
                lines += wrapped("rule: " + rule_text(e["rule"], "en"), "      ", "        ", width)
    return "\n".join(lines)


def projection_csv_text(result: Projection, batch: int = 0) -> str:
    """``projection.csv``: one row per fund × year, money in 万元, the base year first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in result.rows(batch):
        writer.writerow(["" if row[c] is None else _csv_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _csv_cell(v: Any) -> Any:
    if isinstance(v, float):
        if math.isinf(v):
            return "inf"
        return repr(round(v, 6))
    return v


def projection_json_text(result: Projection, batch: int = 0) -> str:
    """Rows, headline, calibration and units as JSON."""

    def clean(v: Any) -> Any:
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
        return v

    payload = {
        "units": {c: LABELS[c]["unit"] for c in CSV_COLUMNS},
        "summary": result.summary(batch),
        "calibration": [
            {
                "fund": c.fund,
                "name": c.name,
                "value": float(c.value),
                "unit": c.unit,
                "target": c.target,
            }
            for c in result.calibration
        ],
        "estimated_base_year_lines": (
            estimated_lines(result.scenario) if result.scenario is not None else []
        ),
        "rows": [{k: clean(v) for k, v in r.items()} for r in result.rows(batch)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
