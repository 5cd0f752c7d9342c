"""A consistency finding in words: its identity, the figures it was computed from, and its note.

:mod:`model.analysis.consistency` returns each check as data (the kind of identity, the figures
with their keys, values and sources, and how it agrees); these are the phrases, in Chinese or
English, that ``yanglao check`` and the evaluation's renderings show for it. In English a figure
is named by its key in the scenario file, in Chinese by its name in a county report
(:data:`model.output.labels.FIGURE_ZH`). The functions here take ``lang="en"`` by default, as
their other callers (the evaluation's renderings) expect; the report of ``yanglao check``
(:mod:`model.output.check_report`) passes its own language, Chinese by default.

>>> from model.analysis.consistency import Agreement, Figure, Finding, How, Identity
>>> def money(key: str, value: float, source: str) -> Figure:
...     return Figure(key, "residents", False, value, 2, 0.005, "万元", "exact", source)
>>> balance = Finding(
...     Identity.BALANCE, "residents", money("balance", 100.0, "p.1"),
...     (money("total_income", 300.01, "p.2"), money("total_expenditure", 200.0, "p.3")),
...     100.01, -0.01, Agreement(How.WITHIN_TOLERANCE, tolerance=0.02))
>>> identity_text(balance)
'balance = total_income - total_expenditure'
>>> identity_text(balance, lang="zh")
'当年收支结余 = 总收入 - 总支出'
>>> computed_from_text(balance)
'total_income 300.01 [p.2] - total_expenditure 200 [p.3]'
>>> finding_note(balance)
'agrees within rounding (tolerance 0.02 万元)'
>>> finding_note(balance, lang="zh")
'在舍入误差内一致（容差 0.02 万元）'
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP

from model.analysis.consistency import Figure, Finding, How, Identity
from model.output.labels import FUND_SHORT, figure_name
from model.units import plain_number, quantize


def label(figure: Figure, fund: str, lang: str = "en") -> str:
    """A figure's name in a finding of ``fund``: its name, with its fund when another block
    states it (``civil_service.total_income``, 机关事业·总收入), marked ``(restated)``
    (（另处所列）) when it is a restatement."""
    name = figure_name(figure.key, lang)
    if figure.fund != fund:
        name = (
            f"{FUND_SHORT[figure.fund]['zh']}·{name}" if lang == "zh" else f"{figure.fund}.{name}"
        )
    if not figure.restated:
        return name
    return f"{name}（另处所列）" if lang == "zh" else f"{name} (restated)"


def _described(figure: Figure, fund: str, lang: str) -> str:
    """A figure with its value as written and its source: ``total_income 1234.56 [p.2 …]``."""
    value = plain_number(figure.value, figure.decimals)
    return f"{label(figure, fund, lang)} {value} [{figure.source}]"


def identity_text(finding: Finding, lang: str = "en") -> str:
    """The identity a finding checks, e.g. ``"balance = total_income - total_expenditure"``
    (当年收支结余 = 总收入 - 总支出).

    A restatement is ``"<key> restated"`` (…（两处所列）); a figure taken from its restatement is
    marked ``(restated)``, one of another block is prefixed with its fund.
    """
    zh = lang == "zh"
    kind, fund = finding.identity, finding.fund
    stated = label(finding.figure, fund, lang)
    names = [label(f, fund, lang) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        key = finding.figure.key
        return f"{figure_name(key, lang)}（两处所列）" if zh else f"{key} restated"
    if kind is Identity.LINES:
        if zh:
            part = "收入" if finding.figure.key.endswith("income") else "支出"
            return f"{stated} = {part}各项之和"
        return f"{stated} = sum of {finding.figure.key.removeprefix('total_')} lines"
    if kind is Identity.BUDGET_LINES:
        return f"{stated} = " + ("各预算项目之和" if zh else "sum of budget lines")
    if kind is Identity.BUDGET_HOLDS_LINE:
        return f"{stated} >= " + ("所列预算项目" if zh else "stated budget lines")
    if kind is Identity.BALANCE:
        return f"{stated} = {names[0]} - {names[1]}"
    if kind is Identity.RESERVE_ROLL:
        return f"{stated} = {names[0]} + {names[1]} - {names[2]}"
    if kind is Identity.GROWTH:
        increase, total = names
        return f"{stated} = {increase} / ({total} - {increase})"
    if kind is Identity.SUM_OF_FUNDS:
        return f"{stated} = " + " + ".join(names)
    # DEPENDENCY and COMPLETION: a ratio of two figures
    return f"{stated} = {names[0]} / {names[1]}"


def computed_from_text(finding: Finding, lang: str = "en") -> str:
    """The figures the computed value came from, each with its value and source."""
    zh = lang == "zh"
    kind, fund = finding.identity, finding.fund
    described = [_described(f, fund, lang) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        return f"{'原列数' if zh else 'the primary figure'} {described[0]}"
    if kind is Identity.GROWTH:
        increase, total = described
        return f"{increase} / ({total} - {label(finding.inputs[0], fund, lang)})"
    if kind in (Identity.DEPENDENCY, Identity.COMPLETION):
        return f"{described[0]} / {described[1]}"
    # money: a sum, in which the balance subtracts its second term, a reserve roll its third
    minus = {Identity.BALANCE: 1, Identity.RESERVE_ROLL: 2}.get(kind)
    text = "".join(
        ("" if i == 0 else " - " if i == minus else " + ") + d for i, d in enumerate(described)
    )
    if finding.unstated:
        if zh:
            text += f"；{'、'.join(figure_name(k, lang) for k in finding.unstated)}未列，按0计"
        else:
            text += f"; {', '.join(finding.unstated)} not stated: taken as 0"
    if kind is Identity.BUDGET_HOLDS_LINE:
        text += (
            "；另一预算项目未列：检查所列项目不超过预算"
            if zh
            else "; the other budget line is not stated: checked lines <= budget"
        )
    return text


def _agreement_text(finding: Finding, lang: str) -> str:
    """How a finding agrees when not plainly; empty when it agrees plainly or disagrees."""
    zh = lang == "zh"
    a = finding.agreement
    if a is None or a.how is How.PLAINLY:
        return ""
    truncated = a.rounding == ROUND_DOWN
    if a.how is How.WITHIN_TOLERANCE:
        tolerance = plain_number(a.tolerance or 0.0, 4)
        if zh:
            return f"在舍入误差内一致（容差 {tolerance} 万元）"
        return f"agrees within rounding (tolerance {tolerance} 万元)"
    if a.how is How.BY_TRUNCATION:
        value, decimals = a.value or 0.0, a.decimals or 0
        rounded = quantize(value, decimals, ROUND_HALF_UP)
        exact = plain_number(value, decimals + 4)
        if zh:
            return f"截尾后一致（{exact} 四舍五入应为 {rounded}）"
        return f"agrees by truncation ({exact} rounds to {rounded})"
    if a.how is How.WITHIN_INPUT_ROUNDING:
        if zh:
            return "在各项数据的舍入误差内截尾后一致" if truncated else "在各项数据的舍入误差内一致"
        return (
            "agrees by truncation, within the rounding of its inputs"
            if truncated
            else "agrees within the rounding of its inputs"
        )
    # AT_COARSER_DECIMALS
    if zh:
        how = "截尾" if truncated else "四舍五入"
        return f"{how}至较粗一方的{a.decimals}位小数后一致"
    if truncated:
        return f"agrees by truncation to the {a.decimals} decimals of the coarser figure"
    return f"agrees at the {a.decimals} decimals of the coarser figure"


def finding_note(finding: Finding, lang: str = "en") -> str:
    """What a reader needs beside the numbers: how it agrees when not plainly, the scenario
    file's note on a differing restatement (as the file gives it), the figures such a
    restatement equals, and the checks that agree with restated figures; ``""`` when there is
    nothing to say."""
    zh = lang == "zh"
    parts = [_agreement_text(finding, lang), finding.restatement_note]
    if finding.equal_figures:
        if zh:
            names = "、".join(figure_name(k, lang) for k in finding.equal_figures)
            parts.append(f"另处所列数等于本基金的{names}")
        else:
            parts.append(
                f"the restated value equals this block's {', '.join(finding.equal_figures)}"
            )
    joined = "；" if zh else "; "
    if finding.agreeing_alternatives:
        parts.append(
            (
                "改用另处所列数重新计算则一致："
                if zh
                else "recomputed with restated figures it agrees: "
            )
            + joined.join(identity_text(f, lang) for f in finding.agreeing_alternatives)
        )
    if finding.agrees_as_restated:
        parts.append(
            ("按另处所列数，以下关系一致：" if zh else "as restated it agrees with: ")
            + joined.join(identity_text(f, lang) for f in finding.agrees_as_restated)
        )
    return joined.join(p for p in parts if p)
