"""The words of the self-evaluation table (社会保险支出绩效自评表): the names of its indicators,
the reason for a deviation and the notes, from the rows ``model.analysis.evaluate`` computes."""

from __future__ import annotations

from model.analysis.evaluate import BudgetVersion, SelfEvaluationRow, round_half_up, section_of
from model.units import plain_number

#: The table's three levels of indicator for each key: 一级指标, 二级指标, 三级指标.
INDICATOR_NAMES: dict[str, tuple[str, str, str]] = {
    "beneficiaries": ("产出指标", "数量指标", "保障人数"),
    "benefits_paid_in_full": ("产出指标", "质量指标", "按标准足额保障参保人员待遇支出"),
    "first_payment_accuracy": ("产出指标", "质量指标", "首次待遇发放准确率"),
    "expenditure_completion": ("产出指标", "成本指标", "基金支出预算完成率"),
    "income_completion": ("产出指标", "成本指标", "基金收入预算完成率"),
    "compliant_use": ("效益指标", "社会效益指标", "基金使用符合政策规定"),
    "petition_rate": ("效益指标", "社会效益指标", "上访率"),
    "satisfaction": ("满意度指标", "服务对象满意度指标", "满意度"),
}
_COMPLETION = ("expenditure_completion", "income_completion")


def levels(row: SelfEvaluationRow) -> tuple[str, str, str]:
    """一级、二级、三级指标 of a row (an indicator the table does not name is 其他指标)."""
    return INDICATOR_NAMES.get(row.key, ("其他指标", "其他指标", row.key))


def note_text(row: SelfEvaluationRow) -> str:
    """备注: where a value comes from, or why it is blank."""
    if row.key in _COMPLETION:
        return _completion_note(row)
    note = "实际完成值取自报告所述（achieved）" if row.from_achieved else ""
    if row.target is None and row.actual is None:
        return "年度指标值与实际完成值均未列明"
    if row.target is None:
        return "年度指标值未列明（targets 中无此项）" + (f"；{note}" if note else "")
    if row.actual is None:
        return "实际完成值无法由收支数字计算，报告亦未列明（achieved 中无此项）"
    return note


def deviation_text(row: SelfEvaluationRow) -> str:
    """偏差原因, when the indicator is not met."""
    if row.met is not False:
        return ""
    ln = row.completion
    if ln is None:
        assert row.target is not None and row.actual is not None
        return (
            f"实际完成值{_pct_text(row.actual, row.actual_bound, row.unit)}未达到年度指标值"
            f"{_pct_text(row.target.value, row.target.bound, row.unit)}"
        )
    income = row.key == "income_completion"
    word = "收入" if income else "支出"
    band_low, band_high = ln.band_pct
    shown = round_half_up(ln.completion_pct) if ln.completion_pct is not None else 0.0
    side = (
        f"低于{plain_number(band_low)}%" if shown < band_low else f"高于{plain_number(band_high)}%"
    )
    gap = (ln.outturn or 0.0) - (ln.budget or 0.0)
    text = (
        f"{word}预算完成率{_pct(ln.completion_pct)}%{side}：{word}"
        f"{_money(ln.outturn)}万元，预算{_money(ln.budget)}万元，"
        f"{'少' if gap < 0 else '多'}{_money(abs(gap))}万元"
    )
    if income and gap < 0 and row.arrears is not None:
        bound = "至少" if row.arrears.bound == "at_least" else ""
        text += (
            f"，其中财政补助资金{bound}{_money(row.arrears.value)}万元未拨付到位"
            f"（{row.arrears.source}）"
        )
    return text


def _completion_note(row: SelfEvaluationRow) -> str:
    ln = row.completion
    note = "" if row.key == "expenditure_completion" else "年度指标只对支出设定；收入按同一区间衡量"
    if ln is None:
        return "无预算数，无法计算完成率"
    others = [v for v in ln.budget_versions if not v.used and v.completion_pct is not None]
    if others:
        # say which budget is used and why, then what the rate is against each other version
        used = next(v for v in ln.budget_versions if v.used)
        why = "与两项基金预算之和一致" if ln.fund == "combined" else "与预算明细一致"
        alt = f"采用{_named(used)}预算{_money(used.value)}万元（{why}）；" + "；".join(
            f"按{_named(v)}预算{_money(v.value)}万元计为{_pct(v.completion_pct)}%" for v in others
        )
        note = f"{note}；{alt}" if note else alt
    return note


def _named(version: BudgetVersion) -> str:
    """Where a budget version comes from, in the table's words."""
    if version.source.startswith("computed"):
        return "计算所得"
    return f"报告{section_of(version.source)}所列"


def _money(x: float | None) -> str:
    """Money in 万元 with 2 decimals, rounded half up."""
    return "" if x is None else f"{round_half_up(x):.2f}"


def _pct(x: float | None) -> str:
    """A percentage with 2 decimals, rounded half up."""
    return "" if x is None else f"{round_half_up(x):.2f}"


def _pct_text(x: float, bound: str, unit: str) -> str:
    sign = {"at_least": "≥", "at_most": "≤"}.get(bound, "")
    return f"{sign}{plain_number(x)}{unit}"
