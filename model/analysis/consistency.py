"""Consistency of the base-year figures a report states: every identity among them, checked.

A county report states many figures that are tied together by arithmetic: income lines add up to
total income, income minus expenditure is the balance of the year, a growth rate is the increase
over the previous year's total, a budget completion is the outturn over the budget, the two funds
add up to the combined figures, and a figure stated in two sections should be stated the same.
:func:`check_base_year` recomputes each such identity from the stated figures present in a
scenario's ``base_year`` and returns one :class:`Finding` per check, agreeing or not, each naming
where the stated figure and the figures it is recomputed from were stated; :func:`check_stated`
runs the same checks on any block of that shape (a year's outturn, ``model.scenario.outturn``).
A finding is data: the kind of identity (:class:`Identity`), the figures with their keys, values
and sources (:class:`Figure`) and how it agrees (:class:`Agreement`);
:mod:`model.output.finding_words` says it in words, and
:func:`model.output.check_report.format_findings` turns the findings into the plain-text report of
``yanglao check``.

When figures agree
------------------
Money (万元) agrees when the stated and the recomputed value differ by at most
:data:`MONEY_TOLERANCE_WAN` plus half a unit of the last stated decimal of every input (each
input was rounded before the report added it up). A percentage or a ratio agrees when rounding
(half up) *or* truncating the recomputed value to the decimals the figure is stated with gives
the stated value; truncation alone is recorded in the finding's :class:`Agreement`
(:attr:`How.BY_TRUNCATION`). Failing that, it still agrees if some value within the rounding of
its inputs rounds (or truncates) to it (:attr:`How.WITHIN_INPUT_ROUNDING`). A head count agrees
only when equal. A figure stated with a bound (``at_least``: 500余, ≥ 99%) agrees when the
recomputed value is on the right side of it.

What is not checked
-------------------
Figures without a counterpart: the residents' subsidy arrears ("500余万元 not paid in") relate
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

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import Enum
from itertools import product
from typing import TYPE_CHECKING, Any

from model.scenario.names import COMBINED, FUNDS
from model.units import YUAN_PER_WAN, decimals_of, quantize

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


# --------------------------------------------------------------------------------------------
# the result of one check


class Identity(Enum):
    """The kind of identity a :class:`Finding` checks; its figures say with which keys."""

    #: A total (``total_income``, ``total_expenditure``) against the sum of its lines; a line
    #: that is not stated counts as 0 (:attr:`Finding.unstated`).
    LINES = "lines"
    #: An expenditure budget against the sum of its two budget lines (pensions, funeral grants).
    BUDGET_LINES = "budget_lines"
    #: An expenditure budget against the one budget line stated, which may not exceed it.
    BUDGET_HOLDS_LINE = "budget_holds_line"
    #: The balance of the year against total income less total expenditure.
    BALANCE = "balance"
    #: The year-end reserve against the start-of-year reserve plus the year's income less its
    #: expenditure.
    RESERVE_ROLL = "reserve_roll"
    #: The dependency ratio against contributors over beneficiaries.
    DEPENDENCY = "dependency"
    #: A growth rate against increase / (total - increase).
    GROWTH = "growth"
    #: A budget completion against total / budget.
    COMPLETION = "completion"
    #: A combined figure against the sum of the two funds' figures.
    SUM_OF_FUNDS = "sum_of_funds"
    #: A restatement against the primary figure.
    RESTATEMENT = "restatement"


class How(Enum):
    """How a :class:`Finding` agrees."""

    #: As it stands: equal, rounding (half up) the recomputed value gives the stated one, or it
    #: is on the right side of the stated bound.
    PLAINLY = "plainly"
    #: Money that differs by no more than :attr:`Agreement.tolerance`.
    WITHIN_TOLERANCE = "within_tolerance"
    #: A percentage or ratio: truncating, not rounding, the recomputed value
    #: (:attr:`Agreement.value`) to :attr:`Agreement.decimals` gives the stated one.
    BY_TRUNCATION = "by_truncation"
    #: A percentage or ratio: some value within the rounding of the inputs rounds (or, with
    #: :attr:`Agreement.rounding` ``ROUND_DOWN``, truncates) to the stated one.
    WITHIN_INPUT_ROUNDING = "within_input_rounding"
    #: A restatement written with fewer or more decimals: the finer of the two figures rounded
    #: (or truncated) to the :attr:`Agreement.decimals` of the coarser gives the coarser.
    AT_COARSER_DECIMALS = "at_coarser_decimals"


@dataclass(frozen=True)
class Agreement:
    """How a finding agrees, with the numbers that show it.

    Attributes
    ----------
    how : How
        The way it agrees.
    rounding : str
        The rounding that makes it agree: ``decimal.ROUND_HALF_UP``, or ``decimal.ROUND_DOWN``
        (truncation).
    decimals : int | None
        The decimals compared at (for a percentage or ratio, and a restatement).
    tolerance : float | None
        For money, the tolerance in 万元 (:data:`MONEY_TOLERANCE_WAN` plus the inputs' rounding).
    value : float | None
        For :attr:`How.BY_TRUNCATION`, the recomputed value before rounding.
    """

    how: How = How.PLAINLY
    rounding: str = ROUND_HALF_UP
    decimals: int | None = None
    tolerance: float | None = None
    value: float | None = None


@dataclass(frozen=True)
class Figure:
    """A stated figure, or one of its restatements, as a check uses it.

    Attributes
    ----------
    key : str
        Its key in its block (``total_income``, ``targets.satisfaction``).
    fund : str
        The block that states it: ``civil_service``, ``residents`` or ``combined``.
    restated : bool
        A restatement (the figure as stated again elsewhere), not the primary figure.
    value : float
        Money in 万元 (a figure written in 元 converted), anything else as stated.
    decimals : int
        The decimals it is written with (money: at least :data:`MONEY_MIN_DECIMALS`, in 万元).
    half_unit : float
        Its rounding as written, in the unit of ``value`` (0 for a head count).
    unit : str
        ``万元`` for money, anything else as stated.
    bound : str
        ``exact``, ``at_least`` or ``at_most``, as checked.
    source : str
        Where it is stated (report section and sentence).
    """

    key: str
    fund: str
    restated: bool
    value: float
    decimals: int
    half_unit: float
    unit: str
    bound: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One identity among the stated figures, recomputed and compared.

    Attributes
    ----------
    identity : Identity
        The kind of identity.
    fund : str
        ``"civil_service"``, ``"residents"`` or ``"combined"`` (both funds together, including
        the checks of the funds' figures against the combined ones).
    figure : Figure
        The stated figure checked (for a restatement: the restated figure).
    inputs : tuple[Figure, ...]
        The figures the computed value came from, in the order of the identity (for a
        restatement: the primary figure).
    computed : float
        The value recomputed from ``inputs``.
    difference : float
        ``stated - computed``.
    agreement : Agreement | None
        How the two agree within the tolerances of this module; None when they do not.
    unstated : tuple[str, ...]
        For :attr:`Identity.LINES`, the keys of the lines not stated, taken as 0.
    restatement_note : str
        For a restatement that does not agree, the note the scenario file gives it.
    equal_figures : tuple[str, ...]
        For a restatement that does not agree, the keys of the other figures of its block (in the
        same unit) whose value it equals.
    agreeing_alternatives : tuple[Finding, ...]
        For a check with primary figures only that does not agree, the recomputations of it with
        restated figures that do.
    agrees_as_restated : tuple[Finding, ...]
        For a restatement that does not agree, the checks that agree in which it is the stated
        figure or an input.
    """

    identity: Identity
    fund: str
    figure: Figure
    inputs: tuple[Figure, ...]
    computed: float
    difference: float
    agreement: Agreement | None
    unstated: tuple[str, ...] = ()
    restatement_note: str = ""
    equal_figures: tuple[str, ...] = ()
    agreeing_alternatives: tuple[Finding, ...] = ()
    agrees_as_restated: tuple[Finding, ...] = ()

    @property
    def agrees(self) -> bool:
        """Whether the stated and the computed value agree within the tolerances."""
        return self.agreement is not None

    @property
    def stated(self) -> float:
        """The figure as stated (money in 万元, percentages in %)."""
        return self.figure.value

    @property
    def where_stated(self) -> str:
        """The source (report section and sentence) of the stated figure."""
        return self.figure.source


PLAINLY = Agreement()


# --------------------------------------------------------------------------------------------
# stated figures, flattened


def _figure(
    stated: Any,
    key: str,
    fund: str,
    value: float | None = None,
    source: str | None = None,
    restated: bool = False,
) -> Figure:
    """Flatten a ``Stated`` (or, with ``value`` and ``source``, one of its restatements)."""
    raw = float(stated.value if value is None else value)
    factor = getattr(stated, "published_factor", 1.0)
    if factor != 1.0:
        # written in another unit (1.36 亿元): rounded where it was written, 50 万元 here
        written = decimals_of(round(raw / factor, 9))
        decimals = max(written - round(math.log10(factor)), 0)
        half_unit = 0.5 * 10.0**-written * factor
    else:
        decimals = decimals_of(raw)
        if stated.unit in MONEY_UNITS:
            decimals = max(decimals, MONEY_MIN_DECIMALS)
        half_unit = 0.0 if stated.unit == COUNT_UNIT else 0.5 * 10.0**-decimals
    # money is compared in 万元: a figure in 元 moves four decimals
    in_yuan = stated.unit == "元"
    scale = 1.0 / YUAN_PER_WAN if in_yuan else 1.0
    return Figure(
        key=key,
        fund=fund,
        restated=restated,
        value=raw * scale,
        decimals=decimals + 4 if in_yuan else decimals,
        half_unit=half_unit * scale,
        unit="万元" if stated.unit in MONEY_UNITS else stated.unit,
        bound=stated.bound,
        source=stated.source if source is None else source,
    )


def _stated(block: Any, key: str) -> Any:
    """The figure ``key`` of a block as stated: None when absent, or estimated rather than
    stated (``model.scenario.accounts``: a rule made it, so its identities hold by making)."""
    stated = getattr(block, key, None) if block is not None else None
    return None if stated is None or getattr(stated, "estimated", False) else stated


def _get(block: Any, key: str, fund: str) -> Figure | None:
    """The primary figure ``key`` of a block, or None when the block or figure is absent."""
    stated = _stated(block, key)
    return None if stated is None else _figure(stated, key, fund)


def _primary_only(block: Any, key: str, fund: str) -> list[Figure]:
    """The primary figure ``key`` as a one-item list (empty when absent)."""
    figure = _get(block, key, fund)
    return [] if figure is None else [figure]


def _versions(block: Any, key: str, fund: str) -> list[Figure]:
    """The primary figure and each restatement with a different value (empty when absent)."""
    stated = _stated(block, key)
    if stated is None:
        return []
    out = [_figure(stated, key, fund)]
    for r in stated.restated:
        if all(abs(r.value - f.value) > FLOAT_SLACK for f in out):
            out.append(_figure(stated, key, fund, r.value, r.source, restated=True))
    return out


# --------------------------------------------------------------------------------------------
# comparing


def _money_finding(
    identity: Identity,
    fund: str,
    stated: Figure,
    terms: Sequence[tuple[int, Figure]],
    unstated: tuple[str, ...] = (),
) -> Finding:
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
    agreement = None
    if agrees:
        agreement = (
            Agreement(How.WITHIN_TOLERANCE, tolerance=tolerance)
            if stated.bound == "exact" and abs(difference) > FLOAT_SLACK
            else PLAINLY
        )
    decimals = max(stated.decimals, *(f.decimals for _, f in terms))
    return Finding(
        identity,
        fund,
        stated,
        tuple(f for _, f in terms),
        _round_float(computed, decimals + 2),
        _round_float(difference, decimals + 2),
        agreement,
        unstated=unstated,
    )


def _round_float(x: float, decimals: int) -> float:
    """Drop float noise (-441.47000000000116) from a reported number."""
    return round(x, decimals) + 0.0


def _share_finding(
    identity: Identity,
    fund: str,
    stated: Figure,
    inputs: Sequence[Figure],
    formula: Callable[..., float],
) -> Finding | None:
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
    agreement = _share_agrees(stated, computed, low, high)
    decimals = stated.decimals + 2
    return Finding(
        identity,
        fund,
        stated,
        tuple(inputs),
        _round_float(computed, decimals),
        _round_float(stated.value - computed, decimals),
        agreement,
    )


def _range_within_rounding(
    formula: Callable[..., float], inputs: Sequence[Figure], central: float
) -> tuple[float, float]:
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


def _share_agrees(stated: Figure, computed: float, low: float, high: float) -> Agreement | None:
    """Whether a percentage or ratio agrees, and how (see the module docstring)."""
    decimals = stated.decimals
    target = Decimal(repr(stated.value))
    if stated.bound == "at_least":
        return PLAINLY if quantize(high, decimals, ROUND_HALF_UP) >= target else None
    if stated.bound == "at_most":
        return PLAINLY if quantize(low, decimals, ROUND_HALF_UP) <= target else None
    if quantize(computed, decimals, ROUND_HALF_UP) == target:
        return PLAINLY
    if quantize(computed, decimals, ROUND_DOWN) == target:
        return Agreement(How.BY_TRUNCATION, ROUND_DOWN, decimals, value=computed)
    step = 10.0**-decimals
    s = stated.value
    if low <= s + step / 2 + FLOAT_SLACK and high >= s - step / 2 - FLOAT_SLACK:
        return Agreement(How.WITHIN_INPUT_ROUNDING, ROUND_HALF_UP, decimals)
    # truncation toward zero maps [s, s + step) to s for s >= 0, (s - step, s] for s < 0
    lo_trunc, hi_trunc = (s, s + step) if s >= 0 else (s - step, s)
    if low < hi_trunc and high > lo_trunc:
        return Agreement(How.WITHIN_INPUT_ROUNDING, ROUND_DOWN, decimals)
    return None


def _restated_agrees(primary: Figure, restated: Figure) -> Agreement | None:
    """Whether a restatement gives the same figure, at the precision of the coarser of the two."""
    if abs(primary.value - restated.value) <= FLOAT_SLACK:
        return PLAINLY
    if primary.unit == COUNT_UNIT:
        return None
    fine, coarse = sorted((primary, restated), key=lambda f: -f.decimals)
    if fine.decimals == coarse.decimals:
        return None
    target = Decimal(repr(coarse.value))
    for rounding in (ROUND_HALF_UP, ROUND_DOWN):
        if quantize(fine.value, coarse.decimals, rounding) == target:
            return Agreement(How.AT_COARSER_DECIMALS, rounding, coarse.decimals)
    return None


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
        (
            "total_income",
            ("contribution_income", "interest_income", "subsidy_income", "other_income")
            + _if_stated(block, "transfer_income"),
        ),
        (
            "total_expenditure",
            ("benefit_expenditure", "other_expenditure")
            + _if_stated(block, "transfer_expenditure"),
        ),
    ):
        total = _get(block, total_key, fund)
        lines = [f for f in (_get(block, key, fund) for key in line_keys) if f is not None]
        if total is None or not lines:
            continue
        missing = tuple(key for key in line_keys if _get(block, key, fund) is None)
        yield _money_finding(Identity.LINES, fund, total, [(1, f) for f in lines], missing)


def _if_stated(block: Any, key: str) -> tuple[str, ...]:
    """``(key,)`` when the block states that line: transfers are a line only where there are
    any, so an account without them is checked as before."""
    return (key,) if _stated(block, key) is not None else ()


def _budget_line_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Expenditure budget lines (pensions, funeral grants) against each version of the budget.

    With both lines stated they must add up to the budget; with one, it must not exceed it (a
    report's "其中" lists a part, and an unstated funeral line may be anything).
    """
    lines = [
        f
        for f in (
            _get(block, "expenditure_budget_pensions", fund),
            _get(block, "expenditure_budget_funeral", fund),
        )
        if f is not None
    ]
    if not lines:
        return
    complete = len(lines) == 2
    results = []
    for budget in _versions(block, "expenditure_budget", fund):
        if complete:
            identity = Identity.BUDGET_LINES
        else:
            # the budget holds at least its stated lines: they may not exceed it
            identity, budget = Identity.BUDGET_HOLDS_LINE, replace(budget, bound="at_most")
        results.append(_money_finding(identity, fund, budget, [(1, f) for f in lines]))
    yield from _with_alternatives(results)


def _balance_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Income minus expenditure against the stated balance of the year."""
    income, expenditure, balance = (
        _get(block, key, fund) for key in ("total_income", "total_expenditure", "balance")
    )
    if income is not None and expenditure is not None and balance is not None:
        yield _money_finding(Identity.BALANCE, fund, balance, [(1, income), (-1, expenditure)])
    start, end = _get(block, "reserve_start", fund), _get(block, "reserve_end", fund)
    if income is not None and expenditure is not None and start is not None and end is not None:
        yield _money_finding(
            Identity.RESERVE_ROLL, fund, end, [(1, start), (1, income), (-1, expenditure)]
        )


def _dependency_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Contributors per beneficiary against the stated dependency ratio (抚养比)."""
    contributors, beneficiaries, ratio = (
        _get(block, key, fund) for key in ("contributors", "beneficiaries", "dependency_ratio")
    )
    if contributors is None or beneficiaries is None or ratio is None:
        return
    finding = _share_finding(
        Identity.DEPENDENCY, fund, ratio, [contributors, beneficiaries], lambda c, b: c / b
    )
    if finding is not None:
        yield finding


def _growth_checks(block: Any, fund: str, kind: str) -> Iterator[Finding]:
    """Stated growth against the stated increase: growth = increase / (total - increase)."""
    total, increase, growth = (
        _get(block, key, fund) for key in (f"total_{kind}", f"{kind}_increase", f"{kind}_growth")
    )
    if total is None or increase is None or growth is None:
        return
    finding = _share_finding(
        Identity.GROWTH, fund, growth, [increase, total], lambda inc, tot: inc / (tot - inc)
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
    total = _get(block, f"total_{kind}", fund)
    budgets = _versions(block, f"{kind}_budget", fund)
    completions = _versions(block, f"{kind}_budget_completion", fund)
    if total is None or not budgets or not completions:
        return
    pairs = [(completions[0], budgets[0])]
    for budget in budgets[1:]:
        pairs.extend((completion, budget) for completion in (completions[1:] or completions[:1]))
    results = []
    for completion, budget in pairs:
        finding = _share_finding(
            Identity.COMPLETION, fund, completion, [total, budget], lambda t, b: t / b
        )
        if finding is not None:
            results.append(finding)
    yield from _with_alternatives(results)


#: Figures that both funds and the combined block state, and that add up across the funds.
_SUMMED_KEYS = (
    "total_income",
    "income_increase",
    "income_budget",
    "total_expenditure",
    "expenditure_increase",
    "expenditure_budget",
    "balance",
    "reserve_end",
)
_BUDGET_KEYS = ("income_budget", "expenditure_budget")


def _sum_of_funds_checks(base: Any) -> Iterator[Finding]:
    """Each combined figure against the sum of the two funds' figures.

    Budgets are also summed with each fund's restated budget, and compared with each version of
    the combined budget, to show which versions the combined figure was added up from.
    """
    for key in _SUMMED_KEYS:
        # only budgets are carried in their restated versions (see the module docstring)
        versions = _versions if key in _BUDGET_KEYS else _primary_only
        targets = versions(base.combined, key, COMBINED)
        per_fund = [versions(getattr(base, fund), key, fund) for fund in FUNDS]
        if not targets or not all(per_fund):
            continue
        results = [
            _money_finding(Identity.SUM_OF_FUNDS, COMBINED, target, [(1, f) for f in terms])
            for target, *terms in product(targets, *per_fund)
        ]
        yield from _with_alternatives(results)


def _with_alternatives(results: list[Finding]) -> list[Finding]:
    """Record on the first (all-primary) finding which recomputations with restated figures agree.

    ``results[0]`` uses the primary figures only; the rest use at least one restatement.
    """
    if len(results) < 2 or results[0].agrees:
        return results
    agreeing = tuple(f for f in results[1:] if f.agrees)
    if agreeing:
        results[0] = replace(results[0], agreeing_alternatives=agreeing)
    return results


def _stated_fields(block: Any) -> Iterator[tuple[str, Any]]:
    """Every stated figure of a block, with its key (``targets.satisfaction`` for nested ones)."""
    for key in type(block).model_fields:
        value = getattr(block, key)
        if isinstance(value, dict):
            for sub, stated in value.items():
                if hasattr(stated, "restated"):
                    yield f"{key}.{sub}", stated
        elif hasattr(value, "restated") and not getattr(value, "estimated", False):
            yield key, value


def _restatement_checks(block: Any, fund: str) -> Iterator[Finding]:
    """Every restatement against the primary figure; a differing one names any figure it equals."""
    fields = list(_stated_fields(block))
    for key, stated in fields:
        primary = _figure(stated, key, fund)
        for r in stated.restated:
            restated = _figure(stated, key, fund, r.value, r.source, restated=True)
            agreement = _restated_agrees(primary, restated)
            note: str = ""
            same: tuple[str, ...] = ()
            if agreement is None:
                note = r.note or ""
                same = tuple(
                    other
                    for other, s in fields
                    if other != key
                    and s.unit == stated.unit
                    and abs(s.value - r.value) <= FLOAT_SLACK
                )
            yield Finding(
                Identity.RESTATEMENT,
                fund,
                restated,
                (primary,),
                primary.value,
                _round_float(
                    restated.value - primary.value, max(restated.decimals, primary.decimals) + 2
                ),
                agreement,
                restatement_note=note,
                equal_figures=same,
            )


def _note_restatements_that_agree_elsewhere(findings: list[Finding]) -> list[Finding]:
    """Record on a differing restatement the other checks in which it does agree.

    A restated budget or completion that differs from the primary one is often the version
    another identity was computed from (a restated completion rate that is the outturn over the
    other version of the budget); saying so points at which of the two versions the rest of the
    report used.
    """
    out = []
    for f in findings:
        if not f.agrees and f.identity is Identity.RESTATEMENT:
            agreeing = tuple(
                g
                for g in findings
                if g.agrees
                and g.identity is not Identity.RESTATEMENT
                # used as the stated figure, or as an input, of another check
                and any(
                    x.restated
                    and x.key == f.figure.key
                    and x.fund == f.figure.fund
                    and x.source == f.figure.source
                    for x in (g.figure, *g.inputs)
                )
            )
            if agreeing:
                f = replace(f, agrees_as_restated=agreeing)
        out.append(f)
    return out
