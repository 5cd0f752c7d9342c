"""Consistency of the base-year figures a report states: every identity among them, checked.

A county report states many figures that are tied together by arithmetic: income lines add up to
total income, income minus expenditure is the balance of the year, a growth rate is the increase
over the previous year's total, a budget completion is the outturn over the budget, the two funds
add up to the combined figures, and a figure stated in two sections should be stated the same.
:func:`check_base_year` recomputes each such identity from the stated figures present in a
scenario's ``base_year`` and returns one :class:`Finding` per check, agreeing or not, each naming
where the stated figure and the figures it is recomputed from were stated; :func:`check_stated`
runs the same checks on any block of that shape (a year's outturn, ``model.scenario.outturn``).
:func:`model.output.check_report.format_findings` turns them into the plain-text report of
``yanglao check``.

When figures agree
------------------
Money (万元) agrees when the stated and the recomputed value differ by at most
:data:`MONEY_TOLERANCE_WAN` plus half a unit of the last stated decimal of every input (each
input was rounded before the report added it up). A percentage or a ratio agrees when rounding
(half up) *or* truncating the recomputed value to the decimals the figure is stated with gives
the stated value; truncation alone is reported in the finding's note ("agrees by truncation").
Failing that, it still agrees if some value within the rounding of its inputs rounds (or
truncates) to it, again with a note. A head count agrees only when equal. A figure stated with a
bound (``at_least``: 1700余, ≥ 99%) agrees when the recomputed value is on the right side of it.

What is not checked
-------------------
Figures without a counterpart: the residents' subsidy arrears ("1700余万元 not paid in") relate
to the income shortfall only loosely (other income lines may also miss their budget), the
year-end reserves need the opening reserves that reports do not state, and the performance
``targets`` and ``achieved`` levels are claims about service, not arithmetic (their restatements
are checked).
Only restated *budgets* are carried into recomputations (completion, budget lines, sums of the
funds): a budget may exist in two versions (年初预算 and an adjusted one), while a restated outturn
that differs is already a disagreement of its own and recomputing with it would only repeat it.

This module uses the standard library only: it runs in a CLI that must start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import product
from typing import TYPE_CHECKING, Any

from model.scenario.names import COMBINED, FUNDS
from model.units import YUAN_PER_WAN, decimals_of, plain_number, quantize

if TYPE_CHECKING:
    from model.scenario.schema import Scenario

# --------------------------------------------------------------------------------------------
# tolerances

#: Slack in 万元 for money identities, on top of the rounding of the inputs: the report rounds
#: the stated result to 0.01 万元 independently of its parts, so a correct sum can be a cent off.
MONEY_TOLERANCE_WAN = 0.01

#: Reports give money to 0.01 万元 but drop trailing zeros (123.4, 3200), so a money figure is
#: taken as rounded to at least this many decimals; one written with more (123.456) uses its own.
MONEY_MIN_DECIMALS = 2

#: Float arithmetic noise: 0.1 + 0.2 is 0.30000000000000004.
FLOAT_SLACK = 1e-9

MONEY_UNITS = ("万元", "元")
COUNT_UNIT = "人"
PERCENT_UNIT = "%"

RESTATED = "restated"


# --------------------------------------------------------------------------------------------
# the result of one check


@dataclass(frozen=True)
class Finding:
    """One identity among the stated figures, recomputed and compared.

    Attributes
    ----------
    name : str
        The identity, e.g. ``"balance = total_income - total_expenditure"``; a restatement is
        ``"<field> restated"``; a figure taken from its restatement is marked ``(restated)``.
    fund : str
        ``"civil_service"``, ``"residents"`` or ``"combined"`` (both funds together, including
        the checks of the funds' figures against the combined ones).
    stated : float
        The figure as stated (money in 万元, percentages in %).
    computed : float
        The value recomputed from other stated figures (for a restatement: the primary figure).
    difference : float
        ``stated - computed``.
    agrees : bool
        Whether the two agree within the tolerances of this module.
    where_stated : str
        The source (report section and sentence) of the stated figure.
    computed_from : str
        The figures the computed value came from, each with its value and source.
    note : str
        How it agrees when not plainly (by truncation, within rounding), or a hint.
    """

    name: str
    fund: str
    stated: float
    computed: float
    difference: float
    agrees: bool
    where_stated: str
    computed_from: str
    note: str = ""


# --------------------------------------------------------------------------------------------
# stated figures, flattened


@dataclass(frozen=True)
class _Figure:
    """A stated figure (or one of its restatements) ready for arithmetic."""

    label: str  # "total_income", "residents.expenditure_budget (restated)"
    value: float  # money in 万元, anything else as stated
    half_unit: float  # rounding of the value as written, in the unit of ``value``
    decimals: int  # decimals the figure is written with
    unit: str
    bound: str
    source: str

    def describe(self) -> str:
        return f"{self.label} {plain_number(self.value, self.decimals)} [{self.source}]"


def _figure(stated: Any, label: str, value: float | None = None, source: str | None = None,
            restated: bool = False) -> _Figure:
    """Flatten a ``Stated`` (or, with ``value`` and ``source``, one of its restatements)."""
    raw = float(stated.value if value is None else value)
    decimals = decimals_of(raw)
    if stated.unit in MONEY_UNITS:
        decimals = max(decimals, MONEY_MIN_DECIMALS)
    half_unit = 0.0 if stated.unit == COUNT_UNIT else 0.5 * 10.0 ** -decimals
    # money is compared in 万元: a figure in 元 moves four decimals
    in_yuan = stated.unit == "元"
    scale = 1.0 / YUAN_PER_WAN if in_yuan else 1.0
    return _Figure(
        label=f"{label} ({RESTATED})" if restated else label,
        value=raw * scale,
        half_unit=half_unit * scale,
        decimals=decimals + 4 if in_yuan else decimals,
        unit="万元" if stated.unit in MONEY_UNITS else stated.unit,
        bound=stated.bound,
        source=stated.source if source is None else source,
    )


def _get(block: Any, key: str, prefix: str = "") -> _Figure | None:
    """The primary figure ``key`` of a block, or None when the block or figure is absent."""
    stated = getattr(block, key, None) if block is not None else None
    return None if stated is None else _figure(stated, prefix + key)


def _primary_only(block: Any, key: str, prefix: str = "") -> list[_Figure]:
    """The primary figure ``key`` as a one-item list (empty when absent)."""
    figure = _get(block, key, prefix)
    return [] if figure is None else [figure]


def _versions(block: Any, key: str, prefix: str = "") -> list[_Figure]:
    """The primary figure and each restatement with a different value (empty when absent)."""
    stated = getattr(block, key, None) if block is not None else None
    if stated is None:
        return []
    out = [_figure(stated, prefix + key)]
    for r in stated.restated:
        if all(abs(r.value - f.value) > FLOAT_SLACK for f in out):
            out.append(_figure(stated, prefix + key, r.value, r.source, restated=True))
    return out


# --------------------------------------------------------------------------------------------
# formatting numbers


# --------------------------------------------------------------------------------------------
# comparing


def _money_finding(name: str, fund: str, stated: _Figure, terms: Sequence[tuple[int, _Figure]],
                   extra_from: str = "") -> Finding:
    """Compare a stated amount with a signed sum of stated amounts."""
    computed = sum(sign * f.value for sign, f in terms)
    tolerance = MONEY_TOLERANCE_WAN + sum(f.half_unit for _, f in terms)
    difference = stated.value - computed
    if stated.bound == "at_least":
        agrees = computed >= stated.value - tolerance - FLOAT_SLACK
    elif stated.bound == "at_most":
        agrees = computed <= stated.value + tolerance + FLOAT_SLACK
    else:
        agrees = abs(difference) <= tolerance + FLOAT_SLACK
    note = ""
    if agrees and stated.bound == "exact" and abs(difference) > FLOAT_SLACK:
        note = f"agrees within rounding (tolerance {plain_number(tolerance, 4)} 万元)"
    parts = []
    for i, (sign, f) in enumerate(terms):
        op = ("- " if sign < 0 else "") if i == 0 else (" - " if sign < 0 else " + ")
        parts.append(op + f.describe())
    computed_from = "".join(parts) + (f"; {extra_from}" if extra_from else "")
    decimals = max(stated.decimals, *(f.decimals for _, f in terms))
    return Finding(name, fund, stated.value, _round_float(computed, decimals + 2),
                   _round_float(difference, decimals + 2), agrees, stated.source, computed_from,
                   note)


def _round_float(x: float, decimals: int) -> float:
    """Drop float noise (-441.47000000000116) from a reported number."""
    return round(x, decimals) + 0.0


def _share_finding(name: str, fund: str, stated: _Figure, inputs: Sequence[_Figure],
                   formula: Callable[..., float], computed_from: str) -> Finding | None:
    """Compare a stated percentage or ratio with ``formula(*inputs)``.

    ``formula`` gives a fraction; it is scaled to % when the stated figure is in %. Returns None
    when the formula cannot be evaluated (a zero denominator).
    """
    scale = 100.0 if stated.unit == PERCENT_UNIT else 1.0
    values = [f.value for f in inputs]
    try:
        computed = formula(*values) * scale
    except ZeroDivisionError:
        return None
    low, high = _range_within_rounding(formula, inputs, computed / scale)
    low, high = low * scale, high * scale
    agrees, note = _share_agrees(stated, computed, low, high)
    decimals = stated.decimals + 2
    return Finding(name, fund, stated.value, _round_float(computed, decimals),
                   _round_float(stated.value - computed, decimals), agrees, stated.source,
                   computed_from, note)


def _range_within_rounding(formula: Callable[..., float], inputs: Sequence[_Figure],
                           central: float) -> tuple[float, float]:
    """Lowest and highest value of ``formula`` with each input anywhere within its rounding.

    The formulas here (a / b, a / (b - a)) are monotone in each input where defined, so the
    extremes are at the corners; a corner that divides by zero or flips a sign is left out.
    """
    results = [central]
    for shifts in product((-1.0, 1.0), repeat=len(inputs)):
        args = [f.value + s * f.half_unit for f, s in zip(inputs, shifts, strict=True)]
        try:
            value = formula(*args)
        except ZeroDivisionError:
            continue
        if value * central >= 0:
            results.append(value)
    return min(results), max(results)


def _share_agrees(stated: _Figure, computed: float, low: float, high: float) -> tuple[bool, str]:
    """Whether a percentage or ratio agrees, and how (see the module docstring)."""
    decimals = stated.decimals
    target = Decimal(repr(stated.value))
    rounded = quantize(computed, decimals, ROUND_HALF_UP)
    if stated.bound == "at_least":
        return quantize(high, decimals, ROUND_HALF_UP) >= target, ""
    if stated.bound == "at_most":
        return quantize(low, decimals, ROUND_HALF_UP) <= target, ""
    if rounded == target:
        return True, ""
    if quantize(computed, decimals, ROUND_DOWN) == target:
        return True, f"agrees by truncation ({plain_number(computed, decimals + 4)} rounds to {rounded})"
    step = 10.0 ** -decimals
    s = stated.value
    if low <= s + step / 2 + FLOAT_SLACK and high >= s - step / 2 - FLOAT_SLACK:
        return True, "agrees within the rounding of its inputs"
    # truncation toward zero maps [s, s + step) to s for s >= 0, (s - step, s] for s < 0
    lo_trunc, hi_trunc = (s, s + step) if s >= 0 else (s - step, s)
    if low < hi_trunc and high > lo_trunc:
        return True, "agrees by truncation, within the rounding of its inputs"
    return False, ""


def _restated_agrees(primary: _Figure, restated: _Figure) -> tuple[bool, str]:
    """Whether a restatement gives the same figure, at the precision of the coarser of the two."""
    if abs(primary.value - restated.value) <= FLOAT_SLACK:
        return True, ""
    if primary.unit == COUNT_UNIT:
        return False, ""
    fine, coarse = sorted((primary, restated), key=lambda f: -f.decimals)
    if fine.decimals == coarse.decimals:
        return False, ""
    target = Decimal(repr(coarse.value))
    if quantize(fine.value, coarse.decimals, ROUND_HALF_UP) == target:
        return True, f"agrees at the {coarse.decimals} decimals of the coarser figure"
    if quantize(fine.value, coarse.decimals, ROUND_DOWN) == target:
        return True, f"agrees by truncation to the {coarse.decimals} decimals of the coarser figure"
    return False, ""


# --------------------------------------------------------------------------------------------
# the checks


def check_base_year(scenario: Scenario) -> list[Finding]:
    """Check every identity among the stated base-year figures of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; only ``scenario.base_year`` is read.

    Returns
    -------
    list[Finding]
        One finding per identity whose figures are all stated, agreeing or not: per fund the
        income and expenditure lines against their totals, the budget lines against the budget,
        income minus expenditure against the balance, contributors over beneficiaries against
        the dependency ratio, increases against growth rates and totals over budgets against
        completions; for both funds together the same where stated, and every figure of the two
        funds that the combined block also states against their sum; and every restatement
        against its primary figure. Budgets restated with another value are also used in the
        recomputations that involve them.
    """
    return check_stated(scenario.base_year)


def check_stated(base: Any) -> list[Finding]:
    """Check every identity among the figures of one block of stated figures.

    The same checks as :func:`check_base_year`, on any block shaped like a scenario's
    ``base_year``: an object with the attributes ``combined`` (a ``CombinedOutturn`` or None),
    ``civil_service`` and ``residents`` (``FundOutturn`` or None) — a year's outturn as well as
    a scenario's base year.

    Parameters
    ----------
    base : BaseYear or Outturn
        The block of stated figures.

    Returns
    -------
    list[Finding]
        As for :func:`check_base_year`.
    """
    findings: list[Finding] = []
    for fund in FUNDS:
        block = getattr(base, fund)
        if block is not None:
            findings.extend(_fund_checks(block, fund))
    if base.combined is not None:
        findings.extend(_balance_checks(base.combined, COMBINED))
        for kind in ("income", "expenditure"):
            findings.extend(_completion_checks(base.combined, COMBINED, kind))
        if all(getattr(base, fund) is not None for fund in FUNDS):
            findings.extend(_sum_of_funds_checks(base))
    for fund in (*FUNDS, COMBINED):
        block = getattr(base, fund)
        if block is not None:
            findings.extend(_restatement_checks(block, fund))
    return _note_restatements_that_agree_elsewhere(findings)


def _fund_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Identities within one fund's figures."""
    yield from _line_checks(block, fund)
    yield from _budget_line_checks(block, fund)
    yield from _balance_checks(block, fund)
    yield from _dependency_checks(block, fund)
    for kind in ("income", "expenditure"):
        yield from _growth_checks(block, fund, kind)
        yield from _completion_checks(block, fund, kind)


def _line_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Income and expenditure lines against their totals.

    The lines are the fund's full accounting classification, so a line that is not stated
    (``other_income``, ``other_expenditure``) counts as 0 and the sum must equal the total.
    """
    for total_key, line_keys in (
        ("total_income", ("contribution_income", "interest_income", "subsidy_income",
                          "other_income")),
        ("total_expenditure", ("benefit_expenditure", "other_expenditure")),
    ):
        total = _get(block, total_key)
        lines = [f for f in (_get(block, key) for key in line_keys) if f is not None]
        if total is None or not lines:
            continue
        missing = [key for key in line_keys if _get(block, key) is None]
        extra = f"{', '.join(missing)} not stated: taken as 0" if missing else ""
        kind = total_key.removeprefix("total_")
        yield _money_finding(f"{total_key} = sum of {kind} lines", fund, total,
                             [(1, f) for f in lines], extra)


def _budget_line_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Expenditure budget lines (pensions, funeral grants) against each version of the budget.

    With both lines stated they must add up to the budget; with one, it must not exceed it (a
    report's "其中" lists a part, and an unstated funeral line may be anything).
    """
    lines = [f for f in (_get(block, "expenditure_budget_pensions"),
                         _get(block, "expenditure_budget_funeral")) if f is not None]
    if not lines:
        return
    complete = len(lines) == 2
    results = []
    for budget in _versions(block, "expenditure_budget"):
        if complete:
            name, extra = f"{budget.label} = sum of budget lines", ""
        else:
            # the budget holds at least its stated lines: they may not exceed it
            budget = replace(budget, bound="at_most")
            name = f"{budget.label} >= stated budget lines"
            extra = "the other budget line is not stated: checked lines <= budget"
        results.append(_money_finding(name, fund, budget, [(1, f) for f in lines], extra))
    yield from _with_alternatives(results)


def _balance_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Income minus expenditure against the stated balance of the year."""
    income, expenditure, balance = (_get(block, key) for key in
                                    ("total_income", "total_expenditure", "balance"))
    if income is not None and expenditure is not None and balance is not None:
        yield _money_finding("balance = total_income - total_expenditure", fund, balance,
                             [(1, income), (-1, expenditure)])


def _dependency_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Contributors per beneficiary against the stated dependency ratio (抚养比)."""
    contributors, beneficiaries, ratio = (_get(block, key) for key in
                                          ("contributors", "beneficiaries", "dependency_ratio"))
    if contributors is None or beneficiaries is None or ratio is None:
        return
    finding = _share_finding("dependency_ratio = contributors / beneficiaries", fund, ratio,
                             [contributors, beneficiaries], lambda c, b: c / b,
                             f"{contributors.describe()} / {beneficiaries.describe()}")
    if finding is not None:
        yield finding


def _growth_checks(block: Any, fund: str, kind: str) -> Iterator[Finding]:
    """Stated growth against the stated increase: growth = increase / (total - increase)."""
    total, increase, growth = (_get(block, key) for key in
                               (f"total_{kind}", f"{kind}_increase", f"{kind}_growth"))
    if total is None or increase is None or growth is None:
        return
    finding = _share_finding(
        f"{kind}_growth = {kind}_increase / (total_{kind} - {kind}_increase)", fund, growth,
        [increase, total], lambda inc, tot: inc / (tot - inc),
        f"{increase.describe()} / ({total.describe()} - {increase.label})",
    )
    if finding is not None:
        yield finding


def _completion_checks(block: Any, fund: str, kind: str) -> Iterator[Finding]:
    """Stated budget completion against total / budget, for each version of the budget.

    The primary completion is checked against the primary budget (the report states them in one
    sentence). A budget restated with another value is checked against the restatements of the
    completion that differ from the primary one, since those may have been computed against it;
    when there are none, against the primary completion.
    """
    total = _get(block, f"total_{kind}")
    budgets = _versions(block, f"{kind}_budget")
    completions = _versions(block, f"{kind}_budget_completion")
    if total is None or not budgets or not completions:
        return
    pairs = [(completions[0], budgets[0])]
    for budget in budgets[1:]:
        pairs.extend((completion, budget) for completion in (completions[1:] or completions[:1]))
    results = []
    for completion, budget in pairs:
        finding = _share_finding(
            f"{completion.label} = total_{kind} / {budget.label}", fund, completion,
            [total, budget], lambda t, b: t / b, f"{total.describe()} / {budget.describe()}")
        if finding is not None:
            results.append(finding)
    yield from _with_alternatives(results)


#: Figures that both funds and the combined block state, and that add up across the funds.
_SUMMED_KEYS = ("total_income", "income_increase", "income_budget", "total_expenditure",
                "expenditure_increase", "expenditure_budget", "balance", "reserve_end")
_BUDGET_KEYS = ("income_budget", "expenditure_budget")


def _sum_of_funds_checks(base: Any) -> Iterator[Finding]:
    """Each combined figure against the sum of the two funds' figures.

    Budgets are also summed with each fund's restated budget, and compared with each version of
    the combined budget, to show which versions the combined figure was added up from.
    """
    for key in _SUMMED_KEYS:
        # only budgets are carried in their restated versions (see the module docstring)
        if key in _BUDGET_KEYS:
            targets = _versions(base.combined, key)
            per_fund = [_versions(getattr(base, fund), key, f"{fund}.") for fund in FUNDS]
        else:
            targets = _primary_only(base.combined, key)
            per_fund = [_primary_only(getattr(base, fund), key, f"{fund}.") for fund in FUNDS]
        if not targets or not all(per_fund):
            continue
        results = []
        for target, *terms in product(targets, *per_fund):
            labels = " + ".join(f.label for f in terms)
            results.append(_money_finding(f"{target.label} = {labels}", COMBINED, target,
                                          [(1, f) for f in terms]))
        yield from _with_alternatives(results)


def _with_alternatives(results: list[Finding]) -> list[Finding]:
    """Note on the first (all-primary) finding which recomputations with restated figures agree.

    ``results[0]`` uses the primary figures only; the rest use at least one restatement.
    """
    if len(results) < 2 or results[0].agrees:
        return results
    agreeing = [f.name for f in results[1:] if f.agrees]
    if agreeing:
        hint = "recomputed with restated figures it agrees: " + "; ".join(agreeing)
        first = results[0]
        results[0] = replace(first, note=f"{first.note}; {hint}" if first.note else hint)
    return results


def _stated_fields(block: Any) -> Iterator[tuple[str, Any]]:
    """Every stated figure of a block, with its key (``targets.satisfaction`` for nested ones)."""
    for key in type(block).model_fields:
        value = getattr(block, key)
        if isinstance(value, dict):
            for sub, stated in value.items():
                if hasattr(stated, "restated"):
                    yield f"{key}.{sub}", stated
        elif hasattr(value, "restated"):
            yield key, value


def _restatement_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Every restatement against the primary figure; a differing one names any figure it equals."""
    fields = list(_stated_fields(block))
    for key, stated in fields:
        primary = _figure(stated, key)
        for r in stated.restated:
            restated = _figure(stated, key, r.value, r.source, restated=True)
            agrees, note = _restated_agrees(primary, restated)
            if not agrees:
                same = [other for other, s in fields if other != key and s.unit == stated.unit
                        and abs(s.value - r.value) <= FLOAT_SLACK]
                hints = [r.note] if r.note else []
                if same:
                    hints.append(f"the restated value equals this block's {', '.join(same)}")
                note = "; ".join(hints)
            yield Finding(
                f"{key} {RESTATED}", fund, restated.value, primary.value,
                _round_float(restated.value - primary.value, max(restated.decimals,
                                                                  primary.decimals) + 2),
                agrees, r.source, f"the primary figure {primary.describe()}", note,
            )


def _note_restatements_that_agree_elsewhere(findings: list[Finding]) -> list[Finding]:
    """Note on a differing restatement the recomputations in which it does agree.

    A restated budget or completion that differs from the primary one is often the version
    another identity was computed from (三(二)'s 97.97% is the outturn over 一(二)'s budget);
    saying so points at which of the two versions the rest of the report used.
    """
    out = []
    for f in findings:
        if not f.agrees and f.name.endswith(f" {RESTATED}"):
            key = f.name.removesuffix(f" {RESTATED}")
            label = f"{key} ({RESTATED})"
            agreeing = [
                g.name for g in findings if g.agrees and (
                    # used as the stated figure, or as an input, of another check
                    (g.fund == f.fund and g.where_stated == f.where_stated
                     and g.name.startswith(label + " "))
                    or (f"{label} " in g.computed_from and f"[{f.where_stated}]" in g.computed_from)
                )
            ]
            if agreeing:
                hint = "as restated it agrees with: " + "; ".join(agreeing)
                f = replace(f, note=f"{f.note}; {hint}" if f.note else hint)
        out.append(f)
    return out


# --------------------------------------------------------------------------------------------
# the report
