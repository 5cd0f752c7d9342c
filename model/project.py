"""The projection: the only yearly loop.

Order of events inside a projection year ``t`` (written down once, here):

1. **Opening stock** — the members at the end of year ``t-1`` by group and completed age.
2. **Deaths** — each member dies with the year's death probability at their age.
3. **Other exits** — active civil-service members leave public employment (transfers, quits).
4. **Retirements** — surviving active members who reach their statutory age in year ``t``
   retire (the 2025 reform makes this a share of a birth-year cohort); residents reaching the
   pension age become beneficiaries at the calibrated uptake.
5. **Indexation** — pensions in payment at the start of the year rise by the year's indexation;
   new pensions are set by the benefit formula and are not indexed in their first year.
6. **Ageing** — everyone moves up one year of age; the top age (100+) keeps its survivors.
7. **New entrants** — new civil-service hires at their entry ages (headcount rule); births and
   net migration in the county population.
8. **Closing stock** — the members at the end of year ``t``.
9. **Cash flows** — contributions, pensions and subsidies of year ``t`` are computed on the
   closing stock, as the report counts people (year-end contributors; retirees paid in the
   year); funeral grants on the year's deaths.
10. **Fund** — interest on the opening reserve, the subsidy by rule, the reserve rolled forward.

The base year (index 0) is not projected: its stock is the base-year stock and its cash flows
are computed by the same functions from calibrated levels, which reproduces the report.
"""

from __future__ import annotations

import numpy as np

from model import fund as fundlib
from model.axes import FloatArray
from model.basis import GOVERNMENT_LEVELS, HEADCOUNT_RULES, Basis, CivilServiceBasis, ResidentsBasis, build_basis
from model.demography import age_one_year
from model.results import Projection
from model.scenario.schema import Scenario
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN


def project(scenario: Scenario, years: int | None = None, check: bool = True) -> Projection:
    """Calibrate and project one scenario; run the identity checks on the result."""
    basis = build_basis(scenario, years)
    result = project_basis(basis, scenario=scenario)
    if check:
        result.checks(raise_on_failure=True)
    return result


def project_basis(basis: Basis, scenario: Scenario | None = None, keep_members: bool = True,
                  keep_vintages: bool = False) -> Projection:
    """Run the yearly loop over a (possibly batched) basis.

    ``keep_members`` keeps the member arrays by group and age (B, T, G, A); ``keep_vintages``
    also keeps the civil-service pensions paid each year by year of retirement,
    ``pension_by_vintage`` (B, T_vintage, T) [万元], vintage 0 being the base-year stock.
    """
    B, T = basis.batch_size, basis.years.size
    out: dict[str, dict[str, FloatArray]] = {}
    if basis.civil_service is not None:
        out["civil_service"] = _run_civil_service(basis.civil_service, B, T, keep_members, keep_vintages)
    if basis.residents is not None:
        out["residents"] = _run_residents(basis.residents, B, T, keep_members)
    return Projection(years=basis.years, funds=out, basis=basis, scenario=scenario)


# --------------------------------------------------------------------------------------------
# civil-service fund


def _headcount_weights(rule: np.ndarray, B: int) -> dict[str, FloatArray]:
    """One-hot weights (B,) of each row's headcount rule by the rule's name."""
    codes = np.broadcast_to(rule, (B,))
    return {name: (codes == code).astype(float) for code, name in enumerate(HEADCOUNT_RULES)}


def new_hires(opening: FloatArray, before_hiring: FloatArray, hiring: dict[str, FloatArray],
              b: CivilServiceBasis, t: int) -> FloatArray:
    """Civil-service hires of year ``t`` (B,) by the headcount rule.

    constant: keep the opening headcount; growth: grow it; path: reach the stated count;
    replacement: hire a ratio of this year's leavers. Hiring never goes below zero, and a frozen
    year hires nobody. ``hiring`` is :func:`_headcount_weights` of the rows' rules.
    """
    target = (hiring["constant"] * opening + hiring["growth"] * opening * (1 + b.headcount_growth[:, t])
              + hiring["path"] * b.headcount_path[:, t])
    leavers = opening - before_hiring
    replacing = hiring["replacement"]
    hires = replacing * leavers * b.replacement_ratio[:, t] + (1 - replacing) * np.maximum(
        target - before_hiring, 0.0)
    return hires * (1.0 - b.hiring_frozen[:, t])


def civil_service_step(
    actives: FloatArray, retirees: FloatArray, pension_mass: FloatArray, b: CivilServiceBasis, t: int,
    hiring: dict[str, FloatArray],
) -> dict[str, FloatArray]:
    """One year of members for the civil-service fund (steps 1–8), and what they are paid.

    Arrays (B, G, A). ``hiring`` is :func:`_headcount_weights` of the rows' headcount rules.
    Pensions are paid with mid-year timing: the indexed opening stock for the whole year less
    half a year of those who die, plus half a year of the year's new awards."""
    q = b.death_prob[:, t]
    deaths_active = actives * q
    after_deaths = actives - deaths_active
    exits = after_deaths * b.exit_rate[:, t, None, None]
    after_exits = after_deaths - exits
    retirements = after_exits * b.retirement_hazard[:, t]
    staying = after_exits - retirements
    deaths_retired = retirees * q
    retirees_next = retirees - deaths_retired + retirements
    indexed = pension_mass * (1 + b.indexation[:, t, None, None])
    death_mass = indexed * q  # [yuan/month] of those who die in the year
    new_mass = retirements * b.new_pension_monthly_yuan[:, t]
    pension_next = indexed - death_mass + new_mass
    paid_monthly = indexed.sum((1, 2)) - 0.5 * death_mass.sum((1, 2)) + 0.5 * new_mass.sum((1, 2))
    leavers = age_one_year(deaths_active + exits + retirements)
    staying = age_one_year(staying)
    retirees_next = age_one_year(retirees_next)
    pension_next = age_one_year(pension_next)

    hires = new_hires(actives.sum((1, 2)), staying.sum((1, 2)), hiring, b, t)
    entrants = hires[:, None, None] * b.entrant_profile
    closing = staying + entrants
    return {
        "actives": closing,
        "retirees": retirees_next,
        "pension_mass": pension_next,
        "retirements_by_age": retirements,
        # members exposed to contributions: leavers and entrants for half of the year
        "exposed": closing - 0.5 * entrants + 0.5 * leavers,
        "pensions_paid_monthly": paid_monthly,
        "death_mass": death_mass.sum((1, 2)),
        "new_award_mass": new_mass.sum((1, 2)),
        "final_base_mass": (retirements * b.final_base_yuan[:, t]).sum((1, 2)),
        "account_refunds": (deaths_active * b.account_balance_open_yuan[:, t, None, :]).sum((1, 2))
        / YUAN_PER_WAN,
        "deaths_active": deaths_active.sum((1, 2)),
        "deaths_retired": deaths_retired.sum((1, 2)),
        "exits": exits.sum((1, 2)),
        "retirements": retirements.sum((1, 2)),
        "entrants": hires,
    }


def civil_service_base_year(actives: FloatArray, retirees: FloatArray, pension_mass: FloatArray,
                            b: CivilServiceBasis) -> dict[str, FloatArray]:
    """The base year's flows as :func:`civil_service_step` gives them for a projected year, from
    the year-end stock: those at their statutory age retired during the year (their pensions are
    the base year's new awards), deaths at the year's rates; contributions on the year-end
    members (the year's entrants and leavers are not known)."""
    q = b.death_prob[:, 0]
    new_mass = (pension_mass * b.retired_in_base_year).sum((1, 2))
    death_mass = (pension_mass * q).sum((1, 2))
    deaths_active = actives * q
    return {
        "exposed": actives,
        "pensions_paid_monthly": pension_mass.sum((1, 2)) - 0.5 * new_mass + 0.5 * death_mass,
        "death_mass": death_mass,
        "new_award_mass": new_mass,
        "final_base_mass": np.broadcast_to(b.final_base_mass0, new_mass.shape).copy(),
        "account_refunds": (deaths_active * b.account_balance_open_yuan[:, 0, None, :]).sum((1, 2))
        / YUAN_PER_WAN,
        "deaths_active": np.zeros(new_mass.shape),
        "deaths_retired": (retirees * q).sum((1, 2)),
        "exits": np.zeros(new_mass.shape),
        "retirements": (retirees * b.retired_in_base_year).sum((1, 2)),
        "entrants": np.zeros(new_mass.shape),
    }


def civil_service_cash(step: dict[str, FloatArray], b: CivilServiceBasis, t: int) -> dict[str, FloatArray]:
    """Cash flows of year ``t`` [万元] (step 9): contributions on the members exposed in the
    year, pensions with mid-year timing, and the outflows at death."""
    base = np.clip(
        b.salary_level_yuan[:, t, None] * b.salary_scale,
        b.base_floor_yuan[:, t, None],
        b.base_cap_yuan[:, t, None],
    )  # (B, A) contribution base per head, yuan/year
    contribution_base = (step["exposed"] * base[:, None, :]).sum((1, 2)) / YUAN_PER_WAN
    rate = (b.contribution_rate_employer[:, t] + b.contribution_rate_individual[:, t]) * b.collection_rate[:, t]
    pensions = step["pensions_paid_monthly"] * MONTHS_PER_YEAR / YUAN_PER_WAN
    funeral = step["deaths_retired"] * b.funeral_grant_yuan[:, t] / YUAN_PER_WAN
    lump_sum = step["death_mass"] * b.survivors_lump_sum_months[:, t] / YUAN_PER_WAN
    refunds = step["account_refunds"]
    return {
        "contribution_base": contribution_base,
        "contribution_income": contribution_base * rate,
        "contribution_income_employer": contribution_base * b.contribution_rate_employer[:, t] * b.collection_rate[:, t],
        "pension_expenditure": pensions,
        "funeral_grant_expenditure": funeral,
        "survivors_lump_sum_expenditure": lump_sum,
        "account_refund_expenditure": refunds,
        "benefit_expenditure": pensions + funeral + lump_sum + refunds,
        "other_income": np.broadcast_to(b.other_income[:, t], pensions.shape).copy(),
        "other_expenditure": np.broadcast_to(b.other_expenditure[:, t], pensions.shape).copy(),
    }


def _run_civil_service(b: CivilServiceBasis, B: int, T: int, keep_members: bool,
                       keep_vintages: bool = False) -> dict[str, FloatArray]:
    actives = np.broadcast_to(b.actives0, (B,) + b.actives0.shape[1:]).copy()
    retirees = np.broadcast_to(b.retirees0, actives.shape).copy()
    pension = np.broadcast_to(b.pension_mass0, actives.shape).copy()
    rec = _Recorder(B, T)
    if keep_vintages:
        # pension mass [yuan/month] by year of retirement (vintage 0: the base-year stock)
        vintages = np.zeros((B, T) + actives.shape[1:])
        vintages[:, 0] = pension
        rec.data["pension_by_vintage"] = np.zeros((B, T, T))
    if keep_members:
        rec.members("actives", actives.shape[1:])
        rec.members("retirees", actives.shape[1:])
    reserve_end = np.zeros(B)
    shadow = np.zeros(B)
    rules = fundlib.rule_weights(np.broadcast_to(b.subsidy_rule, (B,)))
    hiring = _headcount_weights(b.headcount_rule, B)
    late = np.zeros(B)  # withheld subsidy of the previous year, paid this year
    for t in range(T):
        opening_active, opening_retired = actives.sum((1, 2)), retirees.sum((1, 2))
        if t == 0:
            step = civil_service_base_year(actives, retirees, pension, b)
            if keep_vintages:
                rec.data["pension_by_vintage"][:, 0, 0] = step["pensions_paid_monthly"] * MONTHS_PER_YEAR / YUAN_PER_WAN
        else:
            step = civil_service_step(actives, retirees, pension, b, t, hiring)
            actives, retirees, pension = step["actives"], step["retirees"], step["pension_mass"]
            if keep_vintages:
                # each vintage's pensions paid this year, with the same mid-year timing
                q = b.death_prob[:, t][:, None]
                indexed = vintages * (1 + b.indexation[:, t])[:, None, None, None]
                new = step["retirements_by_age"] * b.new_pension_monthly_yuan[:, t]
                paid = (indexed * (1 - 0.5 * q)).sum((2, 3))
                paid[:, t] += 0.5 * new.sum((1, 2))
                rec.data["pension_by_vintage"][:, :, t] = paid * MONTHS_PER_YEAR / YUAN_PER_WAN
                vintages = age_one_year(indexed * (1 - q))
                vintages[:, t] = age_one_year(new)
        cash = civil_service_cash(step, b, t)
        # The county pays the civil-service subsidy: arrears withhold a share of all of it.
        withheld_fraction = b.arrears_share[:, t]
        money, shadow = _fund_year(b, t, reserve_end, shadow, cash, rules, np.zeros(B),
                                   withheld_fraction, late)
        late = money["subsidy_withheld"] * b.arrears_paid_late
        reserve_end = money["reserve_end"]
        rec.put(t, step, cash, money, contributors=actives.sum((1, 2)),
                beneficiaries=retirees.sum((1, 2)), contributors_start=opening_active,
                beneficiaries_start=opening_retired, reserve_end_without_subsidy=shadow,
                pension_mass=pension.sum((1, 2)),
                account_balance=np.einsum("bga,ba->b", actives, b.account_balance_end_yuan[:, t])
                / YUAN_PER_WAN)
        if keep_members:
            rec.put_members(t, actives=actives, retirees=retirees)
    d = rec.finish(skip=frozenset({"pensions_paid_monthly", "death_mass", "account_refunds"}))
    # Awards and pensions per head, after the loop over (B, T).
    wage_prev = b.previous_average_wage_yuan
    new_mass, base_mass = d.pop("new_award_mass"), d.pop("final_base_mass")
    with np.errstate(divide="ignore", invalid="ignore"):
        new_award = np.where(d["retirements"] > 0, new_mass / d["retirements"], np.nan)
        in_payment = d.pop("pension_mass") / d["beneficiaries"]
        d["new_award_mean_monthly_yuan"] = new_award
        d["new_award_to_average_wage"] = new_award * MONTHS_PER_YEAR / wage_prev
        d["pension_in_payment_mean_monthly_yuan"] = in_payment
        d["pension_in_payment_to_average_wage"] = in_payment * MONTHS_PER_YEAR / wage_prev
        d["replacement_rate"] = np.where(base_mass > 0, new_mass * MONTHS_PER_YEAR / base_mass, np.nan)
    return d


# --------------------------------------------------------------------------------------------
# county population and residents' fund


def residents_step(
    population: FloatArray, beneficiaries: FloatArray, account_mass: FloatArray, b: ResidentsBasis, t: int
) -> dict[str, FloatArray]:
    """One year of the county population and the residents' fund members (steps 1–8); those
    who reach the pension age and those who die are paid for half of the year."""
    q = b.death_prob[:, t]
    deaths = population * q
    survivors = population - deaths
    total = population.sum((1, 2))
    migration = (b.net_migration_rate[:, t] * total)[:, None, None] * b.migration_profile
    # Emigration cannot take more people than there are at an age.
    migration = np.maximum(migration, -survivors)
    survivors = survivors + migration
    born = population[:, 1, :] @ b.fertility[0, t] if b.fertility.shape[0] == 1 else np.einsum(
        "ba,ba->b", population[:, 1, :], b.fertility[:, t])
    msb = b.male_share_of_births
    pa = b.pension_age
    deaths_ben = beneficiaries * q
    new_ben = survivors[:, :, pa - 1] * b.uptake[:, None]
    dead_account = account_mass * q
    new_account = new_ben * b.new_account_pension_monthly_yuan[:, t, None]
    refunds = (dead_account * b.account_refund_months[:, None, :]).sum((1, 2)) \
        + (deaths * b.account_balance_by_age_yuan[:, t, None, :]).sum((1, 2))
    ben = age_one_year(beneficiaries - deaths_ben)
    ben[:, :, pa] += new_ben
    acct = age_one_year(account_mass - dead_account)
    acct[:, :, pa] += new_account
    pop = age_one_year(survivors)
    pop[:, 0, 0] += born * msb
    pop[:, 1, 0] += born * (1 - msb)
    return {
        "population": pop,
        "beneficiaries": ben,
        "account_pension_mass": acct,
        "exposed": beneficiaries.sum((1, 2)) - 0.5 * deaths_ben.sum((1, 2)) + 0.5 * new_ben.sum(1),
        "account_paid_monthly": account_mass.sum((1, 2)) - 0.5 * dead_account.sum((1, 2))
        + 0.5 * new_account.sum(1),
        "account_refunds": refunds / YUAN_PER_WAN,
        "births": born,
        "deaths": deaths.sum((1, 2)),
        "net_migration": migration.sum((1, 2)),
        "deaths_beneficiaries": deaths_ben.sum((1, 2)),
        "new_beneficiaries": new_ben.sum(1),
    }


def residents_cash(population: FloatArray, step: dict[str, FloatArray], b: ResidentsBasis,
                   t: int) -> dict[str, FloatArray]:
    """Cash flows of year ``t`` [万元] (step 9): contributions on the year-end population,
    pensions on the beneficiaries exposed in the year, grants and refunds at death."""
    contributors = (population * b.contribution_ages[:, t, None, :]).sum((1, 2)) * b.contributor_rate[:, t]
    contributions = contributors * b.contribution_per_contributor_yuan[:, t] / YUAN_PER_WAN
    contribution_subsidy = contributors * b.contribution_subsidy_per_contributor_yuan[:, t] / YUAN_PER_WAN
    heads = step["exposed"]
    central = heads * b.central_pension_monthly_yuan[:, t] * MONTHS_PER_YEAR / YUAN_PER_WAN
    top_up = heads * b.top_up_pension_monthly_yuan[:, t] * MONTHS_PER_YEAR / YUAN_PER_WAN
    account = step["account_paid_monthly"] * MONTHS_PER_YEAR / YUAN_PER_WAN
    funeral = step["deaths_beneficiaries"] * b.funeral_grant_yuan[:, t] / YUAN_PER_WAN
    refunds = step["account_refunds"]
    # Who owes what: (B, 4 items) × (B, 4 items, 4 levels) → (B, 4 levels)
    items = np.stack([central, top_up, contribution_subsidy, funeral], axis=1)
    shares = b.funding_shares0 if t == 0 else b.funding_shares
    by_level = (items[:, :, None] * shares).sum(1)
    return {
        "contributors": contributors,
        "contribution_income": contributions,
        "contribution_subsidy": contribution_subsidy,
        "basic_pension_central": central,
        "basic_pension_top_up": top_up,
        "account_pension_expenditure": account,
        "pension_expenditure": central + top_up + account,
        "funeral_grant_expenditure": funeral,
        "account_refund_expenditure": refunds,
        "benefit_expenditure": central + top_up + account + funeral + refunds,
        "other_income": contributions * b.other_income_ratio,
        "other_expenditure": np.broadcast_to(b.other_expenditure[:, t], heads.shape).copy(),
        "subsidy_due": items.sum(1),
        "subsidy_due_by_level": by_level,
        "subsidy_due_central": by_level[:, 0],
        "subsidy_due_region": by_level[:, 1],
        "subsidy_due_prefecture": by_level[:, 2],
        "subsidy_due_county": by_level[:, 3],
    }


def _run_residents(b: ResidentsBasis, B: int, T: int, keep_members: bool) -> dict[str, FloatArray]:
    pop = np.broadcast_to(b.population0, (B,) + b.population0.shape[1:]).copy()
    ben = np.broadcast_to(b.beneficiaries0, pop.shape).copy()
    acct = np.broadcast_to(b.account_pension_mass0, pop.shape).copy()
    rec = _Recorder(B, T)
    if keep_members:
        rec.members("population", pop.shape[1:])
        rec.members("beneficiaries_by_age", pop.shape[1:])
    reserve_end = np.zeros(B)
    shadow = np.zeros(B)
    liability = np.zeros(B)
    zero = np.zeros(B)
    rules = fundlib.rule_weights(np.broadcast_to(b.subsidy_rule, (B,)))
    late = np.zeros(B)  # withheld subsidy of the previous year, paid this year
    # one-hot (B, levels) of the level of government whose share arrears withhold
    arrears_level = (np.arange(len(GOVERNMENT_LEVELS))[None, :] == np.broadcast_to(b.arrears_level, (B,))[:, None]).astype(float)
    for t in range(T):
        opening_pop, opening_ben = pop.sum((1, 2)), ben.sum((1, 2))
        if t == 0:
            # the base year from its year-end stock, with the timing of a projected year
            exposed = np.broadcast_to(b.exposed0, (B,)).copy()
            step = {"births": zero, "deaths": zero, "net_migration": zero,
                    "deaths_beneficiaries": (ben * b.death_prob[:, 0]).sum((1, 2)),
                    "new_beneficiaries": zero, "exposed": exposed,
                    "account_paid_monthly": acct.sum((1, 2)) / ben.sum((1, 2)) * exposed,
                    "account_refunds": np.broadcast_to(b.account_refunds0, (B,)).copy()}
        else:
            step = residents_step(pop, ben, acct, b, t)
            pop, ben, acct = step["population"], step["beneficiaries"], step["account_pension_mass"]
        cash = residents_cash(pop, step, b, t)
        # Arrears withhold a share of what the named level owes under the funding rules.
        level_due = (cash["subsidy_due_by_level"] * arrears_level).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            level_fraction = np.where(cash["subsidy_due"] > 0, level_due / cash["subsidy_due"], 0.0)
        money, shadow = _fund_year(b, t, reserve_end, shadow, cash, rules, cash["subsidy_due"],
                                   b.arrears_share[:, t] * level_fraction, late)
        late = money["subsidy_withheld"] * b.arrears_paid_late
        reserve_end = money["reserve_end"]
        if t == 0:
            liability = np.broadcast_to(b.account_liability0, (B,)).copy()
        else:
            liability = (liability * (1 + b.account_crediting_rate[:, t]) + cash["contribution_income"]
                         + cash["contribution_subsidy"] - cash["account_pension_expenditure"]
                         - cash["account_refund_expenditure"])
        arrears = cash["subsidy_due"] - money["subsidy_income"] if t == 0 else np.maximum(
            cash["subsidy_due"] - money["subsidy_income"], 0.0)
        rec.put(t, step, {k: v for k, v in cash.items() if k != "subsidy_due_by_level"}, money,
                beneficiaries=ben.sum((1, 2)), population_total=pop.sum((1, 2)),
                population_start=opening_pop, beneficiaries_start=opening_ben,
                account_liability=liability, subsidy_shortfall=arrears,
                reserve_end_without_subsidy=shadow)
        if keep_members:
            rec.put_members(t, population=pop, beneficiaries_by_age=ben)
    d = rec.finish(skip=frozenset({"account_paid_monthly", "account_refunds"}))
    with np.errstate(divide="ignore", invalid="ignore"):
        d["pension_in_payment_mean_monthly_yuan"] = (d["pension_expenditure"] * YUAN_PER_WAN
                                                     / MONTHS_PER_YEAR / d.pop("exposed"))
    return d


def _fund_year(
    b: CivilServiceBasis | ResidentsBasis, t: int, reserve_end: FloatArray, shadow: FloatArray,
    cash: dict[str, FloatArray], rules: FloatArray, due: FloatArray,
    withheld_fraction: FloatArray, late_payment: FloatArray,
) -> tuple[dict[str, FloatArray], FloatArray]:
    """Step 10 for either fund: the fund's year, and the reserve had no subsidy been paid."""
    B = reserve_end.shape[0]
    income = cash["contribution_income"] + cash["other_income"]
    expenditure = cash["benefit_expenditure"] + cash["other_expenditure"]
    money = fundlib.roll_forward(
        reserve_start=np.broadcast_to(b.reserve_start0, (B,)) if t == 0 else reserve_end,
        contribution_income=cash["contribution_income"],
        other_income=cash["other_income"],
        benefit_expenditure=cash["benefit_expenditure"],
        other_expenditure=cash["other_expenditure"],
        interest_rate=b.interest_rate[:, t],
        subsidy_rule=rules,
        reserve_months=b.reserve_months,
        subsidy_amount=b.subsidy_amount[:, t],
        subsidy_share=b.subsidy_share[:, t],
        subsidy_due=due,
        stated_subsidy=b.subsidy0 if t == 0 else None,
        withheld_fraction=withheld_fraction,
        late_payment=late_payment,
    )
    if t == 0:
        return money, money["reserve_end"]
    return money, fundlib.roll_without_subsidy(shadow, income, expenditure, b.interest_rate[:, t])


class _Recorder:
    """Yearly results kept as the step's own dicts and stacked into (B, T) arrays once, at the
    end (cheaper than writing some eighty series into arrays every year); member arrays by group
    and age are preallocated and written in place."""

    def __init__(self, B: int, T: int):
        self.B, self.T = B, T
        self.data: dict[str, FloatArray] = {}
        self._years: list[tuple[dict[str, FloatArray], ...]] = []

    def members(self, name: str, shape: tuple[int, ...]) -> None:
        self.data[name] = np.zeros((self.B, self.T) + tuple(shape))

    def put(self, t: int, *parts: dict[str, FloatArray], **values: FloatArray) -> None:
        """Record year ``t``: the one-dimensional (B,) entries of ``parts`` and ``values``."""
        if len(self._years) != t:
            raise ValueError(f"year index {t} recorded after {len(self._years)} years")
        self._years.append(parts + (values,))

    def put_members(self, t: int, **values: FloatArray) -> None:
        for k, v in values.items():
            self.data[k][:, t] = v

    def finish(self, skip: frozenset[str] = frozenset()) -> dict[str, FloatArray]:
        """Every recorded series (B, T) except ``skip``, with the member arrays. A name given
        twice in one year is an error, as a repeated keyword would be."""
        if len(self._years) != self.T:
            raise ValueError(f"recorded {len(self._years)} of {self.T} years")
        where: dict[str, int] = {}
        for i, part in enumerate(self._years[0]):
            for k, v in part.items():
                if k in skip or np.ndim(v) != 1:
                    continue
                if k in where:
                    raise ValueError(f"series {k!r} recorded twice")
                where[k] = i
        for k, i in where.items():
            vals = [year[i][k] for year in self._years]
            try:
                stacked = np.stack(vals, axis=1)
            except ValueError:  # rows of length 1 (broadcast) among rows of length B
                stacked = None
            if stacked is not None and stacked.shape == (self.B, self.T):
                self.data[k] = stacked.astype(float, copy=False)
            else:
                arr = np.empty((self.B, self.T))
                for t, v in enumerate(vals):
                    arr[:, t] = v
                self.data[k] = arr
        self._years = []
        return self.data
