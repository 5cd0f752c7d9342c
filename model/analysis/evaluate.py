"""Judge a year's outturn: against its budget, against the year before, and against itself.

:func:`evaluate` takes a scenario and an outturn (``model.scenario.outturn``) and returns an
:class:`Evaluation`: per fund and for both funds together, every line (income lines and total,
expenditure lines and total, balance, reserve, heads, dependency ratio, and the budget's
sub-lines) with

* the **outturn** the evaluation uses (万元, persons, or a ratio);
* the **budget** and the **completion rate** (outturn / budget, in %), flagged when outside the
  performance band (the fund's ``targets`` ``expenditure_completion_low``/``_high``, else
  90%–110%), with every version of the budget the report states and the completion against each;
* the **year before**: the outturn less the stated increase, else the scenario's base-year figure
  when the outturn is for the year after it; the change and the growth in %;
* the report's **own consistency**: the identities of :mod:`model.analysis.consistency` run on the
  outturn's figures (:func:`model.analysis.consistency.check_stated`), each disagreement recorded
  with its finding (both numbers, both sources) and the figure the evaluation uses instead;
* the **self-evaluation table** (社会保险支出绩效自评表) of each fund: targets, what was
  achieved (computed where the figures allow), whether each target was met and why not.

Which figure is used
--------------------
A stated figure is used where it agrees with every identity it takes part in (money within
:data:`model.analysis.consistency.MONEY_TOLERANCE_WAN` plus half a cent per term added, since the
report rounds each figure). Otherwise the figure the identities give is used: a total is the sum of
its lines, the balance is income less expenditure, a combined figure is the sum of the two funds',
and a budget is the stated version that agrees with its budget lines (or the funds' budgets), else
the sum of those. Percentages and ratios (completion, growth, dependency ratio) are always
computed, never copied; shown with 2 decimals rounded half up (:func:`round_half_up`), and the band
is judged on the rounded rate, as a report states it. The report's own figure is kept beside the
one used (``Line.stated``, ``Line.stated_growth_pct``, …) so that renderings can say where they
differ.

Formatting (terminal table, CSV, workbook, draft) lives in :mod:`model.output.evaluation_report`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP
from typing import TYPE_CHECKING, Any

from model.analysis.consistency import (
    FLOAT_SLACK,
    MONEY_TOLERANCE_WAN,
    Finding,
    Identity,
    check_stated,
)
from model.scenario.names import COMBINED, FUNDS
from model.units import decimals_of, plain_number, quantize, yuan_to_wan

if TYPE_CHECKING:
    from model.scenario.outturn import Outturn
    from model.scenario.schema import Scenario


#: A warning (in :attr:`Evaluation.warnings`) that the year before is not known: the outturn's
#: year is neither the scenario's base year nor the year after it, so the year-before figures
#: come only from the increases the report states. Its words, with the years
#: (:attr:`Evaluation.year`, :attr:`Evaluation.scenario_base_year`), are in
#: ``model.output.evaluation_report``.
YEAR_BEFORE_UNKNOWN = "year_before_unknown"

#: The lines of an evaluation, in the order they are shown.
LINE_KEYS = (
    "contribution_income",
    "interest_income",
    "subsidy_income",
    "other_income",
    "total_income",
    "benefit_expenditure",
    "pension_expenditure",
    "funeral_grant_expenditure",
    "other_expenditure",
    "total_expenditure",
    "balance",
    "reserve_end",
    "contributors",
    "beneficiaries",
    "dependency_ratio",
)
INCOME_LINES = ("contribution_income", "interest_income", "subsidy_income", "other_income")
EXPENDITURE_LINES = ("benefit_expenditure", "other_expenditure")
#: Budget sub-lines: shown only where a budget for them exists.
BUDGET_SUB_LINES = ("pension_expenditure", "funeral_grant_expenditure")
HEAD_LINES = ("contributors", "beneficiaries")
RATIO_LINES = ("dependency_ratio",)
#: Lines with a budget but no completion rate: a balance may be negative and a reserve is a stock,
#: so outturn / budget says nothing about budget execution.
NO_COMPLETION_LINES = ("balance", "reserve_end", "dependency_ratio")

#: The performance band of budget completion when a fund's targets do not state one (in %).
DEFAULT_BAND_PCT = (90.0, 110.0)
DEFAULT_BAND_SOURCE = "default: 90%–110%, the usual band of 社会保险基金支出预算完成率"

#: Rounding allowed per term of a sum of stated money figures, 万元 (half of the last cent).
_HALF_CENT_WAN = 0.005


def unit_of(key: str) -> str:
    """The unit of a line: 万元 for money, 人 for heads, /1 for the dependency ratio."""
    if key in HEAD_LINES:
        return "人"
    if key in RATIO_LINES:
        return "/1"
    return "万元"


# --------------------------------------------------------------------------------------------
# numbers as a report writes them


def round_half_up(x: float, decimals: int = 2) -> float:
    """``x`` rounded half up (away from zero on a tie) to ``decimals`` decimals.

    Float noise is removed first, so that 0.125 computed as 0.12499999999 still rounds to 0.13.

    >>> round_half_up(100.79939)
    100.8
    >>> round_half_up(2.675)
    2.68
    >>> round_half_up(-441.47000000000116)
    -441.47
    """
    return float(quantize(round(float(x), 9), decimals, ROUND_HALF_UP)) + 0.0


def truncate(x: float, decimals: int = 2) -> float:
    """``x`` cut (towards zero) to ``decimals`` decimals, as some reports do.

    >>> truncate(123.45678)
    123.45
    """
    return float(quantize(round(float(x), 9), decimals, ROUND_DOWN)) + 0.0


def section_of(source: str) -> str:
    """The report section of a source: what stands before its colon, if short (``"p.3"`` of
    ``"p.3: 当年总收入…"``; else "")."""
    head, sep, _ = source.partition(":")
    return head.strip() if sep and len(head) <= 12 else ""


# --------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True)
class StatedRef:
    """A figure as the report states it, kept beside the figure the evaluation uses."""

    value: float
    source: str

    @property
    def decimals(self) -> int:
        return decimals_of(self.value)


@dataclass(frozen=True)
class BudgetVersion:
    """One version of a line's budget and the completion against it.

    Attributes
    ----------
    value : float
        The budget, 万元.
    source : str
        Where it is stated, or how it is computed (``"computed: …"``).
    completion_pct : float | None
        Outturn / budget × 100, unrounded; None without an outturn.
    consistent : bool | None
        Whether it agrees with the budget identities it takes part in (its budget lines, the sum
        of the funds' budgets); None when there is nothing to check it against.
    used : bool
        Whether this is the budget the evaluation uses.
    """

    value: float
    source: str
    completion_pct: float | None
    consistent: bool | None
    used: bool


@dataclass(frozen=True)
class Line:
    """One line of one fund (or ``combined``): outturn, budget, the year before.

    Money in 万元, heads in persons, the dependency ratio as contributors per beneficiary;
    percentages in % (100.8 is 100.8%), unrounded (round with :func:`round_half_up`).

    Attributes
    ----------
    fund, key, unit : str
        ``civil_service``, ``residents`` or ``combined``; the line (:data:`LINE_KEYS`); its unit.
    outturn, outturn_source
        The figure used and where it comes from (the report, or ``"computed: …"``).
    stated : StatedRef | None
        The report's own figure for the line (equal to ``outturn`` when it was used).
    budget, budget_source
        The budget used (None without one).
    budget_versions : tuple[BudgetVersion, ...]
        Every version of the budget: as stated, restated, or computed from the budget lines or
        the funds' budgets; the one used is marked.
    completion_pct : float | None
        Outturn / budget × 100.
    stated_completion_pct : StatedRef | None
        The completion as the report states it.
    band_pct, band_source
        The performance band (low, high) in % and where it comes from.
    flag : str
        ``"below"`` or ``"above"`` when the completion, rounded to 2 decimals, is outside the
        band; ``""`` otherwise.
    previous, previous_source
        The figure of the year before and where it comes from.
    change, growth_pct
        Outturn − previous; change / previous × 100.
    stated_change, stated_growth_pct : StatedRef | None
        The increase and growth as the report states them.
    notes : tuple[str, ...]
        Anything a reader needs to know about the line (English).
    """

    fund: str
    key: str
    unit: str
    outturn: float | None
    outturn_source: str
    stated: StatedRef | None = None
    budget: float | None = None
    budget_source: str = ""
    budget_versions: tuple[BudgetVersion, ...] = ()
    completion_pct: float | None = None
    stated_completion_pct: StatedRef | None = None
    band_pct: tuple[float, float] = DEFAULT_BAND_PCT
    band_source: str = DEFAULT_BAND_SOURCE
    flag: str = ""
    previous: float | None = None
    previous_source: str = ""
    change: float | None = None
    growth_pct: float | None = None
    stated_change: StatedRef | None = None
    stated_growth_pct: StatedRef | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disagreement:
    """An identity among the report's figures that does not hold, and what the evaluation uses.

    Attributes
    ----------
    fund : str
        ``civil_service``, ``residents`` or ``combined``.
    line : str
        The line it concerns (``total_income``, ``balance``, ``targets.satisfaction``, …).
    aspect : str
        Which figure of the line: ``outturn``, ``budget``, ``completion``, ``change``, ``growth``.
    finding : Finding
        The consistency check that does not hold: the kind of identity, the figures it was
        computed from (keys, values, sources) and what else it found
        (:class:`model.analysis.consistency.Finding`).
    stated, stated_source
        The report's figure and where it is stated.
    computed : float
        The value the identity gives from the other stated figures.
    used, used_source
        The figure the evaluation uses (money in 万元, percentages in %), and where it comes from.
    """

    fund: str
    line: str
    aspect: str
    finding: Finding
    stated: float
    stated_source: str
    computed: float
    used: float | None
    used_source: str


@dataclass(frozen=True)
class Indicator:
    """A performance target or achievement: value, bound, source (``targets``, ``achieved``)."""

    value: float
    unit: str
    bound: str
    source: str


@dataclass(frozen=True)
class SelfEvaluationRow:
    """One row of the self-evaluation table (社会保险支出绩效自评表), as data: the words of the
    table (indicator names, the reason for a deviation, the notes) are written by
    ``model.output.self_evaluation``.

    Attributes
    ----------
    key : str
        The ``targets``/``achieved`` key or computed measure the row is about.
    unit : str
        ``%`` or ``人``.
    target : Indicator | None
        年度指标值; for the completion band, the low end (``target_high`` holds the high end).
    target_high : Indicator | None
        The high end of a band.
    actual : float | None
        实际完成值: computed where the figures allow, else as ``achieved`` states it.
    actual_bound : str
        ``exact``, or ``at_least``/``at_most`` for an ``achieved`` figure stated with a bound.
    actual_source : str
        Where the actual value comes from (``"computed: …"`` or the report).
    met : bool | None
        是否达标; None when either side is unknown.
    from_achieved : bool
        The actual value is the report's own (``achieved``), not computed.
    completion : Line | None
        For a budget-completion row, the total line it is computed from.
    arrears : Indicator | None
        For the income completion, the subsidy the report says was not paid in.
    """

    key: str
    unit: str
    target: Indicator | None
    target_high: Indicator | None
    actual: float | None
    actual_bound: str
    actual_source: str
    met: bool | None
    from_achieved: bool = False
    completion: Line | None = None
    arrears: Indicator | None = None


@dataclass(frozen=True)
class Evaluation:
    """A year's outturn judged against its budget, the year before and itself.

    Attributes
    ----------
    year : int
        The year of the outturn.
    county_zh, county_en, report : str
        Whose outturn, and the document it comes from.
    scenario_id : str
        The scenario it was judged with; ``scenario_base_year`` its base year.
    scenario_base_year : int
    funds : tuple[str, ...]
        The funds of the outturn, then ``combined`` when there is anything for both together.
    lines : dict[str, dict[str, Line]]
        ``{fund: {line key: Line}}`` in :data:`LINE_KEYS` order.
    findings : tuple[Finding, ...]
        Every identity among the outturn's figures
        (:func:`model.analysis.consistency.check_stated`).
    disagreements : tuple[Disagreement, ...]
        The findings that disagree, with the figure used instead.
    self_evaluation : dict[str, tuple[SelfEvaluationRow, ...]]
        Per fund, the self-evaluation table.
    subsidy_arrears : dict[str, Indicator]
        Per fund, the stated fiscal subsidy not paid in (万元), for the reasons of a shortfall.
    warnings : tuple[str, ...]
        Things that do not stop the evaluation (another county than the scenario's, …); a key
        such as :data:`YEAR_BEFORE_UNKNOWN` is put in words by ``model.output``.
    """

    year: int
    county_zh: str
    county_en: str
    report: str
    scenario_id: str
    scenario_base_year: int
    funds: tuple[str, ...]
    lines: dict[str, dict[str, Line]]
    findings: tuple[Finding, ...]
    disagreements: tuple[Disagreement, ...]
    self_evaluation: dict[str, tuple[SelfEvaluationRow, ...]]
    subsidy_arrears: dict[str, Indicator] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def line(self, fund: str, key: str) -> Line:
        """The line ``key`` of ``fund`` (KeyError when the evaluation has none)."""
        return self.lines[fund][key]

    @property
    def flagged(self) -> list[Line]:
        """Every line whose completion is outside its band."""
        return [ln for lines in self.lines.values() for ln in lines.values() if ln.flag]


# --------------------------------------------------------------------------------------------
# resolving the figures used


@dataclass(frozen=True)
class _Fig:
    """A figure used, where it comes from, and the report's own figure for it."""

    value: float | None
    source: str = "not stated"
    stated: StatedRef | None = None


def _in_wan(stated: Any, value: float) -> float:
    """A stated money value in 万元 (a figure stated in 元 is converted; others are as stated)."""
    return yuan_to_wan(value) if stated.unit == "元" else float(value)


def _stated_ref(stated: Any) -> StatedRef | None:
    return None if stated is None else StatedRef(_in_wan(stated, stated.value), stated.source)


def _money_agrees(stated: float, computed: float, terms: int) -> bool:
    """Whether a stated amount agrees with a sum of ``terms`` stated amounts, within rounding."""
    tolerance = MONEY_TOLERANCE_WAN + terms * _HALF_CENT_WAN + FLOAT_SLACK
    return abs(stated - computed) <= tolerance


def _clean(x: float) -> float:
    """A computed amount without float noise (-441.47000000000116 → -441.47); stated amounts
    have at most three decimals, so six keep every digit that means something."""
    return round(x, 6) + 0.0


def _settle(stated: Any, computed: float | None, how: str, terms: int) -> _Fig:
    """The stated figure when it agrees with ``computed``, else ``computed`` (how: its source)."""
    ref = _stated_ref(stated)
    computed = None if computed is None else _clean(computed)
    if computed is None:
        return _Fig(ref.value, ref.source, ref) if ref is not None else _Fig(None)
    if ref is None:
        return _Fig(computed, how)
    if _money_agrees(ref.value, computed, terms):
        return _Fig(ref.value, ref.source, ref)
    return _Fig(computed, how, ref)


def _sum_of(figs: dict[str, _Fig], keys: Iterable[str]) -> tuple[float, str]:
    """Sum of the figures ``keys`` (an absent one counts 0) and a description of it."""
    keys = list(keys)
    total = sum(figs[k].value or 0.0 for k in keys)
    parts = " + ".join(f"{k} {plain_number(figs[k].value or 0.0)}" for k in keys)
    return total, f"computed: {parts}"


def _completed(block: Any, fund: str, scenario: Scenario, year: int, warnings: list[str]) -> Any:
    """An outturn's account with the lines it does not state estimated by the rules of
    :mod:`model.scenario.accounts` (at the scenario's rates of ``year``), marked in their
    sources; as stated, with a warning, where the scenario lacks what a rule needs."""
    from model.scenario.accounts import Incomplete, complete_fund

    if fund not in scenario.funds:
        return block
    try:
        done = complete_fund(block, fund, scenario, year)
    except (Incomplete, ValueError) as err:
        warnings.append(f"{fund}: lines not stated could not be estimated ({err})")
        return block
    if done.estimated_lines:
        warnings.append(f"{fund}: estimated, not stated: {', '.join(done.estimated_lines)}")
    return done


def _resolve_fund(block: Any) -> dict[str, _Fig]:
    """The figures used for one fund's block (a ``FundOutturn``)."""
    figs: dict[str, _Fig] = {}
    for key in (*INCOME_LINES, *EXPENDITURE_LINES, "reserve_end", *HEAD_LINES):
        ref = _stated_ref(getattr(block, key))
        figs[key] = _Fig(ref.value, ref.source, ref) if ref is not None else _Fig(None)
    # a line not stated counts 0 in its total (the lines are the full classification)
    for total, parts in (("total_income", INCOME_LINES), ("total_expenditure", EXPENDITURE_LINES)):
        computed, how = _sum_of(figs, parts)
        figs[total] = _settle(getattr(block, total), computed, how, len(parts))
    income, expenditure = figs["total_income"].value, figs["total_expenditure"].value
    figs["balance"] = _settle(
        block.balance,
        income - expenditure,
        f"computed: total_income {plain_number(income)} − "
        f"total_expenditure {plain_number(expenditure)}",
        2,
    )
    figs["dependency_ratio"] = _ratio(figs, _stated_ref(block.dependency_ratio))
    for kind in ("income", "expenditure"):
        ref = _stated_ref(getattr(block, f"{kind}_increase"))
        figs[f"{kind}_increase"] = _Fig(ref.value, ref.source, ref) if ref else _Fig(None)
    return figs


def _ratio(figs: dict[str, _Fig], stated: StatedRef | None) -> _Fig:
    """Contributors per beneficiary, computed (never copied), with the stated ratio beside it."""
    contributors, beneficiaries = figs["contributors"].value, figs["beneficiaries"].value
    if contributors is None or not beneficiaries:
        return _Fig(None, "not computable: contributors or beneficiaries not stated", stated)
    return _Fig(
        contributors / beneficiaries,
        f"computed: contributors {plain_number(contributors)} / beneficiaries "
        f"{plain_number(beneficiaries)}",
        stated,
    )


def _resolve_combined(block: Any, funds: dict[str, dict[str, _Fig]]) -> dict[str, _Fig]:
    """The figures used for both funds together.

    With both funds present every line is the sum of the funds' (the combined block's stated
    figure is used where it agrees with that sum); with one fund only the combined block's own
    figures are used as stated.
    """
    both = all(f in funds for f in FUNDS)
    figs: dict[str, _Fig] = {}
    for key in (
        *INCOME_LINES,
        *EXPENDITURE_LINES,
        "total_income",
        "total_expenditure",
        "reserve_end",
        *HEAD_LINES,
        "income_increase",
        "expenditure_increase",
    ):
        stated = getattr(block, key, None) if block is not None else None
        values = [funds[f][key].value for f in FUNDS] if both else [None]
        if both and all(v is not None for v in values):
            how = "computed: " + " + ".join(
                f"{f}.{key} {plain_number(v)}" for f, v in zip(FUNDS, values, strict=True)
            )
            figs[key] = _settle(stated, sum(values), how, len(values))
        else:
            figs[key] = _settle(stated, None, "", 0)
    income, expenditure = figs["total_income"].value, figs["total_expenditure"].value
    balance_stated = block.balance if block is not None else None
    if income is not None and expenditure is not None:
        figs["balance"] = _settle(
            balance_stated,
            income - expenditure,
            f"computed: total_income {plain_number(income)} − "
            f"total_expenditure {plain_number(expenditure)}",
            2,
        )
    else:
        figs["balance"] = _settle(balance_stated, None, "", 0)
    figs["dependency_ratio"] = _ratio(figs, None)
    return figs


# --------------------------------------------------------------------------------------------
# budgets


def _versions(stated: Any) -> list[StatedRef]:
    """A stated budget and each restatement with another value."""
    if stated is None:
        return []
    out = [StatedRef(_in_wan(stated, stated.value), stated.source)]
    for r in stated.restated:
        value = _in_wan(stated, r.value)
        if all(abs(value - v.value) > FLOAT_SLACK for v in out):
            out.append(StatedRef(value, r.source))
    return out


def _choose_budget(
    stated: list[StatedRef], check: tuple[float, str, int, str] | None, outturn: float | None
) -> tuple[BudgetVersion, ...]:
    """Every version of a budget, the one to use marked.

    ``check`` is ``(value, description, terms, kind)``: what the budget should be by its
    identities (``kind`` ``"sum"``: equal to it; ``"at_least"``: not below it, for a budget of
    which only some lines are stated). The first stated version that passes is used; when none
    does, the checked value itself for a sum (it is the consistent figure), else the first stated.
    """

    def completion(value: float) -> float | None:
        return None if outturn is None or not value else outturn / value * 100.0

    def passes(value: float) -> bool | None:
        if check is None:
            return None
        target, _, terms, kind = check
        if kind == "sum":
            return _money_agrees(value, target, terms)
        return value >= target - MONEY_TOLERANCE_WAN - terms * _HALF_CENT_WAN - FLOAT_SLACK

    verdicts = [passes(v.value) for v in stated]
    chosen = next((i for i, ok in enumerate(verdicts) if ok is not False), None)
    versions = [
        BudgetVersion(v.value, v.source, completion(v.value), ok, i == chosen)
        for i, (v, ok) in enumerate(zip(stated, verdicts, strict=True))
    ]
    if check is not None and check[3] == "sum":
        value, how, _, _ = check
        if not any(_money_agrees(v.value, value, check[2]) for v in stated):
            versions.append(BudgetVersion(value, how, completion(value), True, chosen is None))
    elif chosen is None and versions:
        versions[0] = replace(versions[0], used=True)
    return tuple(versions)


def _fund_budgets(block: Any, figs: dict[str, _Fig]) -> dict[str, tuple[BudgetVersion, ...]]:
    """The stated budgets of one fund, per line."""
    out: dict[str, tuple[BudgetVersion, ...]] = {}
    out["total_income"] = _choose_budget(
        _versions(block.income_budget), None, figs["total_income"].value
    )
    pensions = _stated_ref(block.expenditure_budget_pensions)
    funeral = _stated_ref(block.expenditure_budget_funeral)
    parts = [p for p in (pensions, funeral) if p is not None]
    check = None
    if len(parts) == 2:
        check = (
            _clean(pensions.value + funeral.value),
            f"computed: expenditure_budget_pensions {plain_number(pensions.value)} + "
            f"expenditure_budget_funeral {plain_number(funeral.value)}",
            2,
            "sum",
        )
    elif parts:
        check = (parts[0].value, "", 1, "at_least")
    stated = _versions(block.expenditure_budget)
    if stated or (check is not None and check[3] == "sum"):
        out["total_expenditure"] = _choose_budget(stated, check, figs["total_expenditure"].value)
    # The report states pensions paid as one line (养老保险待遇支出): it stands for the pensions
    # of the budget; funeral grants paid are not stated apart (their budget has no outturn).
    if pensions is not None:
        out["pension_expenditure"] = _choose_budget(
            [pensions], None, figs["benefit_expenditure"].value
        )
    if funeral is not None:
        out["funeral_grant_expenditure"] = _choose_budget([funeral], None, None)
    return out


def _combined_budgets(
    block: Any, budgets: dict[str, dict[str, tuple[BudgetVersion, ...]]], figs: dict[str, _Fig]
) -> dict[str, tuple[BudgetVersion, ...]]:
    """Budgets for both funds together: stated where they agree with the sum of the funds'."""
    out: dict[str, tuple[BudgetVersion, ...]] = {}
    both = all(f in budgets for f in FUNDS)
    for key, field_name in (
        ("total_income", "income_budget"),
        ("total_expenditure", "expenditure_budget"),
        ("pension_expenditure", None),
        ("funeral_grant_expenditure", None),
    ):
        stated = (
            _versions(getattr(block, field_name, None)) if block is not None and field_name else []
        )
        used = [_used_budget(budgets[f].get(key, ())) for f in FUNDS] if both else [None]
        check = None
        if both and all(u is not None for u in used):
            how = "computed: " + " + ".join(
                f"{f} budget {plain_number(u.value)}" for f, u in zip(FUNDS, used, strict=True)
            )
            check = (_clean(sum(u.value for u in used)), how, len(used), "sum")
        if stated or check is not None:
            out[key] = _choose_budget(
                stated,
                check,
                figs[key].value
                if key in figs
                else figs["benefit_expenditure"].value
                if key == "pension_expenditure"
                else None,
            )
    return out


def _used_budget(versions: Iterable[BudgetVersion]) -> BudgetVersion | None:
    return next((v for v in versions if v.used), None)


def _projected_budgets(scenario: Scenario, year: int) -> dict[str, dict[str, float]]:
    """Budgets the scenario projects for ``year`` (万元), or {} when there are none.

    ``model.analysis.budget.budget_lines`` is imported only here and only for a year after the
    scenario's base year: it runs a projection, and a project without it still evaluates stated
    budgets.
    """
    if year <= scenario.meta.base_year:
        return {}
    try:
        from model.analysis.budget import budget_lines
    except ImportError:  # not (yet) part of this installation: evaluate the stated budgets only
        return {}
    projected = budget_lines(scenario, year)
    for lines in projected.values():
        # the projection splits benefits into pensions and funeral grants
        if "benefit_expenditure" not in lines and all(k in lines for k in BUDGET_SUB_LINES):
            lines["benefit_expenditure"] = sum(lines[k] for k in BUDGET_SUB_LINES)
    return projected


# --------------------------------------------------------------------------------------------
# targets and the band


def _targets(
    outturn_block: Any, base_block: Any, base_year: int, kind: str
) -> dict[str, Indicator]:
    """``targets`` (or ``achieved``) of a fund: the outturn's, else the scenario base year's.

    A key the outturn does not state is taken from the scenario's base year, with the source
    saying so (a target such as the 90%–110% band usually stands from year to year).
    """
    out: dict[str, Indicator] = {}
    if base_block is not None and kind == "targets":
        for key, s in getattr(base_block, kind).items():
            out[key] = Indicator(
                float(s.value), s.unit, s.bound, f"scenario base year {base_year}: {s.source}"
            )
    if outturn_block is not None:
        for key, s in getattr(outturn_block, kind).items():
            out[key] = Indicator(float(s.value), s.unit, s.bound, s.source)
    return out


def _band(targets: dict[str, Indicator]) -> tuple[tuple[float, float], str]:
    """The completion band in % from ``expenditure_completion_low``/``_high``, else 90–110."""
    low = targets.get("expenditure_completion_low")
    high = targets.get("expenditure_completion_high")
    band = (low.value if low else DEFAULT_BAND_PCT[0], high.value if high else DEFAULT_BAND_PCT[1])
    sources = [t.source for t in (low, high) if t is not None]
    return band, ("; ".join(sources) if sources else DEFAULT_BAND_SOURCE)


def _flag(completion_pct: float | None, band: tuple[float, float]) -> str:
    if completion_pct is None:
        return ""
    shown = round_half_up(completion_pct)
    return "below" if shown < band[0] else "above" if shown > band[1] else ""


# --------------------------------------------------------------------------------------------
# the evaluation


def evaluate(scenario: Scenario, outturn: Outturn) -> Evaluation:
    """Judge ``outturn`` against its budget, the year before and its own identities.

    Parameters
    ----------
    scenario : Scenario
        Gives the year before when the outturn is for the year after its base year, targets the
        outturn does not state, and (through ``model.analysis.budget.budget_lines``, when
        installed) the budgets of a year after its base year that the outturn does not state.
    outturn : Outturn
        The year's stated figures (``model.scenario.outturn.load_outturn``).

    Returns
    -------
    Evaluation
        Lines per fund and combined, the report's disagreements, the self-evaluation tables.
    """
    year = outturn.outturn.year
    base_year = scenario.meta.base_year
    warnings = []
    if outturn.outturn.county.zh != scenario.meta.county.zh:
        warnings.append(
            f"the outturn is for {outturn.outturn.county.zh} "
            f"({outturn.outturn.county.en}), the scenario for "
            f"{scenario.meta.county.zh} ({scenario.meta.county.en})"
        )
    funds = outturn.funds
    blocks = {f: _completed(getattr(outturn, f), f, scenario, year, warnings) for f in funds}
    figs = {f: _resolve_fund(blocks[f]) for f in funds}
    budgets = {f: _fund_budgets(blocks[f], figs[f]) for f in funds}
    figs[COMBINED] = _resolve_combined(outturn.combined, figs)
    budgets[COMBINED] = _combined_budgets(outturn.combined, budgets, figs[COMBINED])

    # the year before from the scenario's base year, when it is the year before
    previous: dict[str, dict[str, _Fig]] = {}
    if year - 1 == base_year:
        base = scenario.base_year
        for f in FUNDS:
            if getattr(base, f) is not None:
                previous[f] = _resolve_fund(getattr(base, f))
        previous[COMBINED] = _resolve_combined(base.combined, previous)
    projected = _projected_budgets(scenario, year)

    targets = {
        f: _targets(getattr(outturn, f), getattr(scenario.base_year, f), base_year, "targets")
        for f in funds
    }
    bands = {f: _band(targets[f]) for f in funds}
    # both funds together: the funds' band when they share one
    fund_bands = {bands[f][0] for f in funds}
    bands[COMBINED] = (
        (fund_bands.pop(), bands[funds[0]][1])
        if len(fund_bands) == 1
        else (DEFAULT_BAND_PCT, DEFAULT_BAND_SOURCE)
    )

    lines: dict[str, dict[str, Line]] = {}
    for fund in (*funds, COMBINED):
        block = outturn.combined if fund == COMBINED else getattr(outturn, fund)
        fund_lines = {}
        for key in LINE_KEYS:
            ln = _line(
                fund,
                key,
                block,
                figs[fund],
                budgets[fund],
                previous.get(fund),
                projected.get(fund, {}),
                bands[fund],
                scenario,
                year,
            )
            if ln is not None:
                fund_lines[key] = ln
        if fund != COMBINED or any(ln.outturn is not None for ln in fund_lines.values()):
            lines[fund] = fund_lines
    if year not in (base_year, base_year + 1) and any(
        ln.outturn is not None and ln.previous is None
        for fund_lines in lines.values()
        for ln in fund_lines.values()
    ):
        warnings.append(YEAR_BEFORE_UNKNOWN)

    findings = tuple(check_stated(outturn))
    disagreements = tuple(_disagreement(f, lines) for f in findings if not f.agrees)
    achieved = {f: _targets(getattr(outturn, f), None, base_year, "achieved") for f in funds}
    arrears = {
        f: Indicator(_in_wan(s, s.value), "万元", s.bound, s.source)
        for f in funds
        if (s := getattr(outturn, f).subsidy_arrears) is not None
    }
    self_evaluation = {
        f: tuple(_self_evaluation(lines[f], targets[f], achieved[f], arrears.get(f))) for f in funds
    }
    return Evaluation(
        year=year,
        county_zh=outturn.outturn.county.zh,
        county_en=outturn.outturn.county.en,
        report=outturn.outturn.report or "",
        scenario_id=scenario.meta.id,
        scenario_base_year=base_year,
        funds=tuple(lines),
        lines=lines,
        findings=findings,
        disagreements=disagreements,
        self_evaluation=self_evaluation,
        subsidy_arrears=arrears,
        warnings=tuple(warnings),
    )


def _line(
    fund: str,
    key: str,
    block: Any,
    figs: dict[str, _Fig],
    budgets: dict[str, tuple[BudgetVersion, ...]],
    previous: dict[str, _Fig] | None,
    projected: dict[str, float],
    band: tuple[tuple[float, float], str],
    scenario: Scenario,
    year: int,
) -> Line | None:
    """One line, or None for a budget sub-line without a budget."""
    notes: list[str] = []
    if key in BUDGET_SUB_LINES:
        fig = (
            _Fig(
                figs["benefit_expenditure"].value,
                f"benefit_expenditure: {figs['benefit_expenditure'].source}",
            )
            if key == "pension_expenditure"
            else _Fig(None, "not stated apart")
        )
        notes.append(
            "the report states benefits paid as one line (benefit_expenditure), which "
            "stands for pensions; funeral grants paid are not stated apart"
        )
    else:
        fig = figs.get(key, _Fig(None))
    versions = budgets.get(key, ())
    if not versions and key in projected:
        value = float(projected[key])
        completion = (
            fig.value / value * 100.0
            if fig.value is not None and value and key not in NO_COMPLETION_LINES
            else None
        )
        versions = (
            BudgetVersion(
                value,
                f"projected budget {year} (model.analysis.budget.budget_lines, "
                f"scenario {scenario.meta.id})",
                completion,
                None,
                True,
            ),
        )
    if key in BUDGET_SUB_LINES and not versions:
        return None
    used = _used_budget(versions)
    completion_pct = used.completion_pct if used is not None else None

    # the year before: this year less the stated increase, else the scenario's base year
    kind = {"total_income": "income", "total_expenditure": "expenditure"}.get(key)
    increase = figs.get(f"{kind}_increase") if kind else None
    prev_value, prev_source = None, ""
    if increase is not None and increase.value is not None and fig.value is not None:
        prev_value = _clean(fig.value - increase.value)
        prev_source = (
            f"computed: {key} {plain_number(fig.value)} − {kind}_increase "
            f"{plain_number(increase.value)} ({increase.source})"
        )
    elif previous is not None and key in previous and previous[key].value is not None:
        prev_value = previous[key].value
        prev_source = f"scenario base year {year - 1}: {previous[key].source}"
    change = growth = None
    if prev_value is not None and fig.value is not None:
        change = fig.value - prev_value
        change = change if key in RATIO_LINES else _clean(change)
        growth = change / prev_value * 100.0 if prev_value else None

    stated_completion = stated_growth = stated_change = None
    if kind is not None and block is not None:
        stated_completion = _stated_ref(getattr(block, f"{kind}_budget_completion", None))
        stated_growth = _stated_ref(getattr(block, f"{kind}_growth", None))
        if increase is not None:
            stated_change = increase.stated
    return Line(
        fund=fund,
        key=key,
        unit=unit_of(key),
        outturn=fig.value,
        outturn_source=fig.source,
        stated=fig.stated,
        budget=used.value if used else None,
        budget_source=used.source if used else "",
        budget_versions=versions,
        completion_pct=completion_pct,
        stated_completion_pct=stated_completion,
        band_pct=band[0],
        band_source=band[1],
        flag=_flag(completion_pct, band[0]),
        previous=prev_value,
        previous_source=prev_source,
        change=change,
        growth_pct=growth,
        stated_change=stated_change,
        stated_growth_pct=stated_growth,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------
# disagreements


#: A stated figure → the line and aspect of the evaluation it concerns.
_ASPECTS = {
    "income_increase": ("total_income", "change"),
    "income_growth": ("total_income", "growth"),
    "income_budget": ("total_income", "budget"),
    "income_budget_completion": ("total_income", "completion"),
    "expenditure_increase": ("total_expenditure", "change"),
    "expenditure_growth": ("total_expenditure", "growth"),
    "expenditure_budget": ("total_expenditure", "budget"),
    "expenditure_budget_completion": ("total_expenditure", "completion"),
    "expenditure_budget_pensions": ("pension_expenditure", "budget"),
    "expenditure_budget_funeral": ("funeral_grant_expenditure", "budget"),
}


def line_and_aspect(finding: Finding) -> tuple[str, str]:
    """The line and the aspect (outturn, budget, completion, change, growth) a finding is about.

    The line is that of the finding's stated figure (the balance of ``balance = total_income -
    total_expenditure``, the expenditure budget of a restated budget).
    """
    key = finding.figure.key
    return _ASPECTS.get(key, (key, "outturn"))


def _disagreement(finding: Finding, lines: dict[str, dict[str, Line]]) -> Disagreement:
    line_key, aspect = line_and_aspect(finding)
    ln = lines.get(finding.fund, {}).get(line_key)
    used: float | None
    if ln is None:
        # a figure the evaluation has no line for (a target restated): the primary one stands
        used, used_source = (
            (finding.computed, "the primary figure")
            if finding.identity is Identity.RESTATEMENT
            else (None, "")
        )
    elif aspect == "outturn":
        used, used_source = ln.outturn, ln.outturn_source
    elif aspect == "budget":
        used, used_source = ln.budget, ln.budget_source
    elif aspect == "completion":
        used, used_source = (
            ln.completion_pct,
            (
                f"computed: {line_key} / budget "
                f"({plain_number(ln.outturn or 0)} / {plain_number(ln.budget or 0)})"
            ),
        )
    elif aspect == "change":
        used, used_source = ln.change, ln.previous_source
    else:
        used, used_source = ln.growth_pct, "computed: change / previous"
    return Disagreement(
        fund=finding.fund,
        line=line_key,
        aspect=aspect,
        finding=finding,
        stated=finding.stated,
        stated_source=finding.where_stated,
        computed=finding.computed,
        used=used,
        used_source=used_source,
    )


# --------------------------------------------------------------------------------------------
# the self-evaluation table


#: Indicators of the self-evaluation table in its order: key → unit (their names in the table's
#: words are ``model.output.self_evaluation.INDICATOR_NAMES``).
INDICATORS: dict[str, str] = {
    "beneficiaries": "人",
    "benefits_paid_in_full": "%",
    "first_payment_accuracy": "%",
    "expenditure_completion": "%",
    "income_completion": "%",
    "compliant_use": "%",
    "petition_rate": "%",
    "satisfaction": "%",
}
#: Targets that are a bad thing to exceed (a rate of petitions): met when at or below the target.
_LOWER_IS_BETTER = frozenset({"petition_rate"})
_BAND_KEYS = ("expenditure_completion_low", "expenditure_completion_high")


def _meets(key: str, target: Indicator, actual: float, actual_bound: str) -> bool | None:
    """Whether ``actual`` meets ``target`` (None when a bound leaves it open)."""
    at_most = target.bound == "at_most" or (target.bound == "exact" and key in _LOWER_IS_BETTER)
    if at_most:
        return (
            actual <= target.value if actual_bound != "at_least" or actual > target.value else None
        )
    # "≥ target", and an exact target such as 100% compliant use, is met from the target up
    return actual >= target.value if actual_bound != "at_most" or actual < target.value else None


def _self_evaluation(
    lines: dict[str, Line],
    targets: dict[str, Indicator],
    achieved: dict[str, Indicator],
    arrears: Indicator | None,
) -> Iterable[SelfEvaluationRow]:
    """The rows of one fund's self-evaluation table, in the table's order."""
    low, high = targets.get(_BAND_KEYS[0]), targets.get(_BAND_KEYS[1])
    named = [k for k in INDICATORS]
    extra = [k for k in (*targets, *achieved) if k not in INDICATORS and k not in _BAND_KEYS]
    for key in (*named, *dict.fromkeys(extra)):
        unit = INDICATORS.get(key, "%")
        if key in ("expenditure_completion", "income_completion"):
            yield _completion_row(key, lines, low, high, arrears)
            continue
        target = targets.get(key)
        actual, bound, source, from_achieved = None, "exact", "", False
        if (
            key == "beneficiaries"
            and lines.get("beneficiaries") is not None
            and lines["beneficiaries"].outturn is not None
        ):
            actual, source = lines["beneficiaries"].outturn, lines["beneficiaries"].outturn_source
        elif key in achieved:
            a = achieved[key]
            actual, bound, source, from_achieved = a.value, a.bound, a.source, True
        if target is None and actual is None and key in ("beneficiaries", "first_payment_accuracy"):
            continue  # not part of this fund's table
        met = _meets(key, target, actual, bound) if target and actual is not None else None
        yield SelfEvaluationRow(key, unit, target, None, actual, bound, source, met, from_achieved)


def _completion_row(
    key: str,
    lines: dict[str, Line],
    low: Indicator | None,
    high: Indicator | None,
    arrears: Indicator | None,
) -> SelfEvaluationRow:
    """Budget completion: computed from the outturn and the budget, judged against the band."""
    unit = INDICATORS[key]
    total = "total_expenditure" if key == "expenditure_completion" else "total_income"
    ln = lines.get(total)
    if ln is None or ln.completion_pct is None:
        return SelfEvaluationRow(key, unit, low, high, None, "exact", "", None)
    shown = round_half_up(ln.completion_pct)
    band_low, band_high = ln.band_pct
    met = band_low <= shown <= band_high
    source = (
        f"computed: {total} {plain_number(ln.outturn or 0)} / "
        f"budget {plain_number(ln.budget or 0)} ({ln.budget_source})"
    )
    return SelfEvaluationRow(
        key,
        unit,
        low,
        high,
        ln.completion_pct,
        "exact",
        source,
        met,
        completion=ln,
        arrears=arrears if total == "total_income" else None,
    )
