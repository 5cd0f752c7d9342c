"""Partial fund accounts completed by documented rules, so that the engine always has the lines
it needs, and every line it did not find stated is marked ``estimated``.

A county self-evaluation report states a fund's full account. A yearbook states totals (income,
expenditure, year-end reserve, heads in 万人); a subsidy report states the subsidy by level of
government and little else. :func:`complete` fills in, for each fund of a scenario's base year,
the lines that are not stated, in this order and by these rules (each a judgment, written in
the line's ``source``):

* **heads** — year-end beneficiaries (or contributors) not stated but an annual average is: the
  average is taken for the year end.
* **subsidy** — the sum of the subsidy by level of government, when only that is stated (derived,
  exact: not marked estimated).
* **reserves** — the year-end reserve from the start-of-year reserve (上年结余) and both totals;
  the start-of-year reserve, where needed, from the year-end reserve less the year's balance.
* **expenditure** — benefits are total expenditure less other expenditure and transfers out;
  the total is benefits plus those; a residents' fund that states neither takes benefits as
  the subsidy over the share of benefits that is the basic pension (1 − ``account_pension_share``:
  the budget pays the basic pension).
* **interest** — the start-of-year reserve at the fund's interest rate of the base year.
* **contributions** — what total income leaves after subsidy, interest, other income and
  transfers in. Without a total: for the civil-service fund, contributors × the provincial
  average wage × the employer and individual rates × the collection rate (contribution bases
  taken at the average wage), at most what a stated total income leaves after interest and
  other income; for the residents' fund, the residents at contribution ages × the
  beneficiaries' take-up at pension ages × the mean contribution tier (the age structure's bands
  taken as even within each band).
* **subsidy, when not stated** — what total income leaves after contributions, interest, other
  income and transfers in (civil-service fund: the budget fills the gap); for the residents'
  fund, the basic pension share of benefits, as above.
* **totals** — the sum of their lines.

Nothing is estimated for an account that states every line: a full report is read as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from model.errors import Problem, ScenarioError
from model.scenario.schedule import schedule_values, step_values, value_at
from model.scenario.schema import FundOutturn, Scenario, Stated, StatedAmount, StatedCount, needed

if TYPE_CHECKING:  # numpy only where a rule computes with a schedule: validation needs none
    import numpy as np

    from model.scenario.arrays import FloatArray

LEVELS = ("central", "region", "prefecture", "county")


class Incomplete(ValueError):
    """A fund's account states too little to estimate what is missing."""


def complete(scenario: Scenario, name: str = "scenario", lines: Any = None) -> Scenario:
    """``scenario`` with every base-year line the engine needs; estimated lines are marked.

    Raises
    ------
    ScenarioError
        Naming the fund's block (and its line) when its account states too little.
    """
    by = scenario.base_year
    update: dict[str, Any] = {}
    problems = []
    for fund in scenario.funds:
        block = getattr(by, fund)
        try:
            done = complete_fund(block, fund, scenario)
        except Incomplete as err:
            path = ("base_year", fund)
            line = lines.get(path) if lines is not None else None
            problems.append(Problem(name, ".".join(path), str(err), line))
            continue
        if done is not block:
            update[fund] = done
    if problems:
        raise ScenarioError(problems)
    if not update:
        return scenario
    completed = scenario.model_copy(update={"base_year": by.model_copy(update=update)})
    # private attributes (history, source, line map) are not copied by model_copy's update
    completed._history = scenario._history
    completed._source = scenario._source
    completed._lines = scenario._lines
    return completed


def complete_fund(
    block: FundOutturn, fund: str, scenario: Scenario, year: int | None = None
) -> FundOutturn:
    """One fund's account for ``year`` (default: the scenario's base year) with its missing
    lines estimated by the module's rules, at the scenario's rates of that year."""
    lines: dict[str, Stated | None] = {
        k: getattr(block, k)
        for k in type(block).model_fields
        if k not in ("targets", "achieved", "subsidy_by_level")
    }
    added: dict[str, Stated] = {}
    year = scenario.meta.base_year if year is None else year

    def value(key: str) -> float | None:
        x = added.get(key) or lines.get(key)
        return None if x is None else x.value

    def v(key: str) -> float:
        x = value(key)
        if x is None:
            raise Incomplete(f"expected {key}")
        return x

    def put(key: str, amount: float, rule: str, *, estimated: bool = True) -> None:
        cls = (
            StatedCount
            if key in ("contributors", "beneficiaries")
            else (Stated if key in ("reserve_start", "reserve_end") else StatedAmount)
        )
        unit: Literal["人", "万元"] = "人" if cls is StatedCount else "万元"
        word = "estimated" if estimated else "derived"
        added[key] = cls(
            value=float(amount), unit=unit, source=f"{word}: {rule}", estimated=estimated
        )

    def fail(message: str) -> Incomplete:
        return Incomplete(message)

    # heads
    for key in ("beneficiaries", "contributors"):
        average = lines.get(f"{key}_average")
        if value(key) is None and average is not None:
            put(key, average.value, f"the annual average {key} taken for the year end")
    if fund == "civil_service" and value("contributors") is None:
        raise fail(
            "expected contributors (or contributors_average): the civil-service fund's "
            "members are projected from them"
        )
    # subsidy by level
    if value("subsidy_income") is None and block.subsidy_by_level is not None:
        parts = [getattr(block.subsidy_by_level, lv) for lv in LEVELS]
        put(
            "subsidy_income",
            sum(p.value for p in parts if p is not None),
            "the sum of the subsidy by level of government",
            estimated=False,
        )
    other_in = block.other_income_total
    other_out = block.other_expenditure_total
    # expenditure
    if value("benefit_expenditure") is None and value("total_expenditure") is not None:
        put(
            "benefit_expenditure",
            v("total_expenditure") - other_out,
            "total expenditure less other expenditure and transfers out",
        )
    if (
        value("benefit_expenditure") is None
        and fund == "residents"
        and value("subsidy_income") is not None
    ):
        share = needed(
            scenario.assumptions.residents, "assumptions.residents"
        ).account_pension_share.value
        put(
            "benefit_expenditure",
            v("subsidy_income") / (1 - share),
            "the subsidy over the basic pension's share of benefits (1 − account_pension_share): "
            "the budget pays the basic pension",
        )
    if value("benefit_expenditure") is None:
        raise fail("expected total_expenditure or benefit_expenditure")
    if value("total_expenditure") is None:
        put(
            "total_expenditure",
            v("benefit_expenditure") + other_out,
            "benefits plus other expenditure and transfers out",
            estimated=_any_estimated(added),
        )
    # reserves
    if value("reserve_end") is None:
        if value("total_income") is None:
            raise fail("expected reserve_end, or reserve_start with total_income")
        put(
            "reserve_end",
            v("reserve_start") + v("total_income") - v("total_expenditure"),
            "start-of-year reserve plus total income less total expenditure",
            estimated=_any_estimated(added),
        )
    rate = _at(
        needed(
            getattr(scenario.assumptions.economy, f"interest_rate_{fund}"),
            f"interest_rate_{fund}",
        ),
        year,
    )

    def interest_on(opening: float) -> None:
        put(
            "interest_income",
            max(opening, 0.0) * rate,
            f"the start-of-year reserve {opening:,.2f} 万元 at the fund's interest rate {rate:.4g}",
        )

    # interest, where the opening reserve is known already (else after the other income lines)
    if value("interest_income") is None and value("reserve_start") is not None:
        interest_on(v("reserve_start"))
    elif value("interest_income") is None and value("total_income") is not None:
        interest_on(v("reserve_end") - v("total_income") + v("total_expenditure"))
    # contributions and subsidy
    total_income = value("total_income")
    if fund == "residents" and value("subsidy_income") is None:
        share = needed(
            scenario.assumptions.residents, "assumptions.residents"
        ).account_pension_share.value
        put(
            "subsidy_income",
            v("benefit_expenditure") * (1 - share),
            "the basic pension's share of benefits (1 − account_pension_share): the budget pays "
            "the basic pension",
        )
    if value("contribution_income") is None:
        if total_income is not None and value("subsidy_income") is not None:
            put(
                "contribution_income",
                total_income - v("subsidy_income") - v("interest_income") - other_in,
                "total income less subsidy, interest, other income and transfers in",
            )
        else:
            amount, rule = _contributions(block, fund, scenario, added, year)
            if total_income is not None:
                # a stated total bounds its lines: contributions beyond what it leaves after
                # interest and other income were not received (the subsidy is then 0)
                room = total_income - v("interest_income") - other_in
                if amount > room:
                    rule = (
                        f"{rule} = {amount:,.2f} 万元, capped at total income less interest, "
                        f"other income and transfers in: {room:,.2f} 万元"
                    )
                    amount = room
            put("contribution_income", amount, rule)
    if value("interest_income") is None:
        # no total, no opening reserve: the one opening reserve that the year-end reserve, the
        # other lines and interest on it at the fund's rate agree on
        known = v("contribution_income") + v("subsidy_income") + other_in
        interest_on((v("reserve_end") - known + v("total_expenditure")) / (1 + rate))
    if value("subsidy_income") is None:
        rest = v("total_income") - v("contribution_income") - v("interest_income") - other_in
        put(
            "subsidy_income",
            max(rest, 0.0),
            "total income less contributions, interest, other income and transfers in: the "
            "budget fills the gap",
        )
    if value("total_income") is None:
        put(
            "total_income",
            v("contribution_income") + v("interest_income") + v("subsidy_income") + other_in,
            "the sum of its lines",
            estimated=_any_estimated(added),
        )
    if v("contribution_income") < 0:
        raise fail(
            f"the stated lines leave contributions of {v('contribution_income'):,.2f} 万元; "
            "expected income lines that do not exceed total income"
        )
    if not added:
        return block
    return block.model_copy(update=added)


def _any_estimated(added: dict[str, Stated]) -> bool:
    return any(x.estimated for x in added.values())


def _at(schedule: Any, year: int) -> float:
    return value_at(schedule, year)


def _wage_at(scenario: Scenario, year: int) -> float:
    """The provincial average wage of ``year`` (元/年), uprated after its last stated year by
    the driver the schedule names, as the engine does (a later year's outturn needs it)."""
    import numpy as np

    eco = scenario.assumptions.economy
    schedule = needed(eco.average_wage_region_yuan, "average_wage_region_yuan")
    years = np.arange(min(scenario.meta.base_year, year), year + 1)
    drivers: dict[str, FloatArray] = {}
    if schedule.uprate is not None:
        drivers[schedule.uprate] = step_values(getattr(eco, schedule.uprate), years)
    return float(schedule_values(schedule, years, drivers)[-1])


def _contributions(
    block: FundOutturn, fund: str, scenario: Scenario, added: dict[str, Stated], year: int
) -> tuple[float, str]:
    """Contribution income (万元) from heads and rules, when no total leaves it as a remainder."""
    if fund == "civil_service":
        policy = needed(scenario.policy.civil_service, "policy.civil_service")
        wage = _wage_at(scenario, year)
        rate = _at(policy.contribution_rate_employer, year) + _at(
            policy.contribution_rate_individual, year
        )
        collected = _at(policy.collection_rate, year)
        heads = added.get("contributors") or block.contributors
        persons = needed(heads, "contributors").value
        return (
            persons * wage * rate * collected / 1e4,
            f"{persons:,.0f} contributors × the provincial average wage {wage:,.0f} 元 × "
            f"contribution rates {rate:.4g} × collection {collected:.4g}",
        )
    a = needed(scenario.assumptions.residents, "assumptions.residents")
    pol = needed(scenario.policy.residents, "policy.residents")
    pop = needed(scenario.assumptions.population, "assumptions.population")
    ages = _ages_share(pop.age_structure)
    working = ages[pol.contribution_age_from : pol.contribution_age_to + 1].sum()
    old = ages[int(round(pol.pension_age.value)) :].sum()
    heads = added.get("beneficiaries") or block.beneficiaries
    beneficiaries = needed(heads, "beneficiaries").value
    take_up = min(beneficiaries / (pop.total_persons.value * old), 1.0) if old > 0 else 0.0
    contributors = pop.total_persons.value * working * take_up
    mean_tier = sum(t * s for t, s in a.tier_mix.items()) / sum(a.tier_mix.values())
    return (
        contributors * mean_tier / 1e4,
        f"{contributors:,.0f} contributors (residents at contribution ages × the take-up "
        f"{take_up:.3f} of those at pension ages) × the mean tier {mean_tier:,.0f} 元",
    )


def _ages_share(structure: Any) -> np.ndarray:
    """Shares of the population by single age 0–100, each band's weight spread evenly."""
    import numpy as np

    share = np.zeros(101)
    starts = sorted(structure.weights)
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else structure.last_age
        end = min(max(end, start), 100)
        share[start : end + 1] += structure.weights[start] / (end - start + 1)
    total = share.sum()
    return share / total if total > 0 else share
