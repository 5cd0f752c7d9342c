"""A consistency finding in words: its identity, the figures it was computed from, and its note.

:mod:`model.analysis.consistency` returns each check as data (the kind of identity, the figures
with their keys, values and sources, and how it agrees); these are the English phrases that
``yanglao check`` and the evaluation's renderings show for it.

>>> from model.analysis.consistency import Agreement, Figure, Finding, How, Identity
>>> def money(key: str, value: float, source: str) -> Figure:
...     return Figure(key, "residents", False, value, 2, 0.005, "万元", "exact", source)
>>> balance = Finding(
...     Identity.BALANCE, "residents", money("balance", 100.0, "p.1"),
...     (money("total_income", 300.01, "p.2"), money("total_expenditure", 200.0, "p.3")),
...     100.01, -0.01, Agreement(How.WITHIN_TOLERANCE, tolerance=0.02))
>>> identity_text(balance)
'balance = total_income - total_expenditure'
>>> computed_from_text(balance)
'total_income 300.01 [p.2] - total_expenditure 200 [p.3]'
>>> finding_note(balance)
'agrees within rounding (tolerance 0.02 万元)'
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP

from model.analysis.consistency import Figure, Finding, How, Identity
from model.units import plain_number, quantize


def label(figure: Figure, fund: str) -> str:
    """A figure's name in a finding of ``fund``: its key, with its fund when another block states
    it (``civil_service.total_income``), marked ``(restated)`` when it is a restatement."""
    name = figure.key if figure.fund == fund else f"{figure.fund}.{figure.key}"
    return f"{name} (restated)" if figure.restated else name


def _described(figure: Figure, fund: str) -> str:
    """A figure with its value as written and its source: ``total_income 1234.56 [p.2 …]``."""
    return f"{label(figure, fund)} {plain_number(figure.value, figure.decimals)} [{figure.source}]"


def identity_text(finding: Finding) -> str:
    """The identity a finding checks, e.g. ``"balance = total_income - total_expenditure"``.

    A restatement is ``"<key> restated"``; a figure taken from its restatement is marked
    ``(restated)``, one of another block is prefixed with its fund.
    """
    kind, fund = finding.identity, finding.fund
    stated = label(finding.figure, fund)
    names = [label(f, fund) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        return f"{finding.figure.key} restated"
    if kind is Identity.LINES:
        return f"{stated} = sum of {finding.figure.key.removeprefix('total_')} lines"
    if kind is Identity.BUDGET_LINES:
        return f"{stated} = sum of budget lines"
    if kind is Identity.BUDGET_HOLDS_LINE:
        return f"{stated} >= stated budget lines"
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


def computed_from_text(finding: Finding) -> str:
    """The figures the computed value came from, each with its value and source."""
    kind, fund = finding.identity, finding.fund
    described = [_described(f, fund) for f in finding.inputs]
    if kind is Identity.RESTATEMENT:
        return f"the primary figure {described[0]}"
    if kind is Identity.GROWTH:
        increase, total = described
        return f"{increase} / ({total} - {label(finding.inputs[0], fund)})"
    if kind in (Identity.DEPENDENCY, Identity.COMPLETION):
        return f"{described[0]} / {described[1]}"
    # money: a sum, in which the balance subtracts its second term, a reserve roll its third
    minus = {Identity.BALANCE: 1, Identity.RESERVE_ROLL: 2}.get(kind)
    text = "".join(
        ("" if i == 0 else " - " if i == minus else " + ") + d for i, d in enumerate(described)
    )
    if finding.unstated:
        text += f"; {', '.join(finding.unstated)} not stated: taken as 0"
    if kind is Identity.BUDGET_HOLDS_LINE:
        text += "; the other budget line is not stated: checked lines <= budget"
    return text


def _agreement_text(finding: Finding) -> str:
    """How a finding agrees when not plainly; empty when it agrees plainly or disagrees."""
    a = finding.agreement
    if a is None or a.how is How.PLAINLY:
        return ""
    truncated = a.rounding == ROUND_DOWN
    if a.how is How.WITHIN_TOLERANCE:
        return f"agrees within rounding (tolerance {plain_number(a.tolerance or 0.0, 4)} 万元)"
    if a.how is How.BY_TRUNCATION:
        value, decimals = a.value or 0.0, a.decimals or 0
        rounded = quantize(value, decimals, ROUND_HALF_UP)
        return f"agrees by truncation ({plain_number(value, decimals + 4)} rounds to {rounded})"
    if a.how is How.WITHIN_INPUT_ROUNDING:
        return (
            "agrees by truncation, within the rounding of its inputs"
            if truncated
            else "agrees within the rounding of its inputs"
        )
    # AT_COARSER_DECIMALS
    if truncated:
        return f"agrees by truncation to the {a.decimals} decimals of the coarser figure"
    return f"agrees at the {a.decimals} decimals of the coarser figure"


def finding_note(finding: Finding) -> str:
    """What a reader needs beside the numbers: how it agrees when not plainly, the scenario
    file's note on a differing restatement, the figures such a restatement equals, and the
    checks that agree with restated figures; ``""`` when there is nothing to say."""
    parts = [_agreement_text(finding), finding.restatement_note]
    if finding.equal_figures:
        parts.append(f"the restated value equals this block's {', '.join(finding.equal_figures)}")
    if finding.agreeing_alternatives:
        parts.append(
            "recomputed with restated figures it agrees: "
            + "; ".join(identity_text(f) for f in finding.agreeing_alternatives)
        )
    if finding.agrees_as_restated:
        parts.append(
            "as restated it agrees with: "
            + "; ".join(identity_text(f) for f in finding.agrees_as_restated)
        )
    return "; ".join(p for p in parts if p)
