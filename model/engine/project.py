"""The projection: the only yearly loop.

Order of events inside a projection year ``t`` (written down once, here):

1. **Opening stock** — the members at the end of year ``t-1`` by group and completed age.
2. **Deaths** — each member dies with the year's death probability at their age.
3. **Other exits** — active civil-service members leave public employment (transfers, quits).
4. **Retirements** — surviving active members who reach their statutory age in year ``t``
   retire (the 2025 reform makes this a share of a birth-year cohort); residents reaching the
   pension age start drawing at the stated take-up.
5. **Indexation** — pensions in payment at the start of the year rise by the year's indexation;
   new pensions are set by the benefit formula and are not indexed in their first year.
6. **Ageing** — everyone moves up one year of age; the top age (100+) keeps its survivors.
7. **New entrants** — new civil-service hires at their entry ages (headcount rule); births and
   net migration in the county population.
8. **Closing stock** — the members at the end of year ``t``.
9. **Cash flows** — with mid-year timing: those who retire, start drawing, join, leave or die
   during the year are paid, or contribute, for half of it; everyone else for the whole year.
   Pensions in payment are the indexed opening stock less half a year of those who die plus
   half a year of new awards; contributions are on the closing members less half of the
   entrants plus half of the leavers; residents contribute as the year-end population at
   contribution ages. Funeral grants, survivors' lump sums and refunds of account balances at
   the year's deaths.
10. **Fund** — interest on the opening reserve, the subsidy by rule, the reserve rolled forward.

Only the members carry from one year to the next, so the loop runs steps 1–8 and records, for
each year, the sums that step 9 needs; steps 9 and 10 then run over (batch, year) arrays at
once (the fund's loop holds only what depends on the reserve, ``model.engine.fund.roll_forward``).

The base year (index 0) is not projected: its stock is the base-year stock. Its flows are read
off that stock with the timing above (those at their statutory age retired during the year;
deaths at the year's rates; contributions on the year-end members, since the year's entrants and
leavers are not known) and its cash flows come from the same functions with calibrated levels,
which reproduces the report.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from model.engine import fund as fundlib
from model.engine.axes import FloatArray
from model.engine.basis import (
    GOVERNMENT_LEVELS,
    HEADCOUNT_RULES,
    Basis,
    CivilServiceBasis,
    ResidentsBasis,
    build_basis,
)
from model.engine.demography import age_one_year
from model.engine.results import Projection
from model.scenario.schema import Scenario
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN


def project(scenario: Scenario, years: int | None = None, check: bool = True) -> Projection:
    """Calibrate and project one scenario; run the identity checks on the result."""
    basis = build_basis(scenario, years)
    result = project_basis(basis, scenario=scenario)
    if check:
        result.checks(raise_on_failure=True)
    return result


#: Batch rows projected at once. A larger batch runs out of the processor's caches: 10,000
#: stacked scenarios in one call took about 36 times as long as 1,000, in blocks of this size
#: about 10 times (benchmarks/bench_projection.py --scale).
BLOCK_ROWS = 256


def basis_rows(basis: Basis, start: int, stop: int) -> Basis:
    """Rows ``start:stop`` of a batched basis (arrays of length 1 stay, broadcast)."""
    B = basis.batch_size

    def rows_of(part):
        if part is None:
            return None
        values = {
            f.name: v[start:stop]
            for f in fields(part)
            if isinstance(v := getattr(part, f.name), np.ndarray) and v.ndim and v.shape[0] == B
        }
        return replace(part, **values)

    return replace(
        basis,
        civil_service=rows_of(basis.civil_service),
        residents=rows_of(basis.residents),
        rows=stop - start,
    )


def project_basis(
    basis: Basis,
    scenario: Scenario | None = None,
    keep_members: bool = True,
    keep_vintages: bool = False,
    block_rows: int = BLOCK_ROWS,
) -> Projection:
    """Run the yearly loop over a (possibly batched) basis.

    ``keep_members`` keeps the member arrays by group and age (B, T, G, A); ``keep_vintages``
    also keeps the civil-service pensions paid each year by year of retirement,
    ``pension_by_vintage`` (B, T_vintage, T) [万元], vintage 0 being the base-year stock.
    A batch of more than ``block_rows`` rows runs in blocks of that many: row by row the same
    arithmetic, so the same figures.
    """
    B, T = basis.batch_size, basis.years.size
    if B > block_rows:
        blocks = [
            project_basis(basis_rows(basis, i, min(i + block_rows, B)), None, keep_members,
                          keep_vintages, block_rows).funds
            for i in range(0, B, block_rows)
        ]  # fmt: skip
        funds = {
            fund: {
                k: np.concatenate(
                    [
                        np.broadcast_to(
                            b[fund][k],
                            (min(block_rows, B - i * block_rows),) + np.shape(b[fund][k])[1:],
                        )
                        for i, b in enumerate(blocks)
                    ]
                )  # fmt: skip
                for k in blocks[0][fund]
            }
            for fund in blocks[0]
        }
        return Projection(years=basis.years, funds=funds, basis=basis, scenario=scenario)
    out: dict[str, dict[str, FloatArray]] = {}
    if basis.civil_service is not None:
        out["civil_service"] = _run_civil_service(
            basis.civil_service, B, T, keep_members, keep_vintages
        )
    if basis.residents is not None:
        out["residents"] = _run_residents(basis.residents, B, T, keep_members)
    return Projection(years=basis.years, funds=out, basis=basis, scenario=scenario)


# --------------------------------------------------------------------------------------------
# civil-service fund


def _cells(x: FloatArray) -> FloatArray:
    """The sum over groups and ages of (B, G, A) cells, (B,): ``np.add.reduce`` itself, since the
    yearly loop takes a dozen such sums a year and ``ndarray.sum`` adds a Python call to each."""
    return np.add.reduce(x, axis=(1, 2))


def headcount_weights(rule: np.ndarray, B: int) -> dict[str, FloatArray]:
    """One-hot weights (B,) of each row's headcount rule by the rule's name."""
    codes = np.broadcast_to(rule, (B,))
    return {name: (codes == code).astype(float) for code, name in enumerate(HEADCOUNT_RULES)}


def new_hires(
    opening: FloatArray,
    before_hiring: FloatArray,
    hiring: dict[str, FloatArray],
    b: CivilServiceBasis,
    t: int,
) -> FloatArray:
    """Civil-service hires of year ``t`` (B,) by the headcount rule.

    constant: keep the opening headcount; growth: grow it; path: reach the stated count;
    replacement: hire a ratio of this year's leavers. Hiring never goes below zero, and a frozen
    year hires nobody. ``hiring`` is :func:`headcount_weights` of the rows' rules.
    """
    target = (
        hiring["constant"] * opening
        + hiring["growth"] * opening * (1 + b.headcount_growth[:, t])
        + hiring["path"] * b.headcount_path[:, t]
    )
    leavers = opening - before_hiring
    replacing = hiring["replacement"]
    hires = replacing * leavers * b.replacement_ratio[:, t] + (1 - replacing) * np.maximum(
        target - before_hiring, 0.0
    )
    return hires * (1.0 - b.hiring_frozen[:, t])


@dataclass(frozen=True)
class CivilServiceYear:
    """One year of the civil-service members (steps 1–8) and the sums its cash flows need.

    Member arrays are (B, G, A) at the end of the year; sums are (B,). Heads in persons,
    pensions in yuan per month (totals of the cells), refunds in 万元."""

    actives: FloatArray  # [persons] (B, G, A) contributing members at the year end
    retirees: FloatArray  # [persons] (B, G, A)
    pension_mass: FloatArray  # [yuan/month] (B, G, A) pensions in payment at the year end
    retirements_by_age: FloatArray  # [persons] (B, G, A) by age at the start of the year
    exposed: FloatArray  # [persons] (B, G, A) contributing for the year (leavers, entrants half)
    totals: tuple[FloatArray, FloatArray, FloatArray]  # (B,) sums of the three year-end arrays
    pensions_paid_monthly: FloatArray  # [yuan/month] (B,) twelfth of the year's pensions
    death_mass: FloatArray  # [yuan/month] (B,) pensions of those who die in the year
    new_award_mass: FloatArray  # [yuan/month] (B,) new awards of the year
    final_base_mass: FloatArray  # [yuan/year] (B,) last contribution base of the new retirees
    account_refunds: FloatArray  # [万元] (B,) account balances refunded at death
    deaths_active: FloatArray  # [persons] (B,)
    deaths_retired: FloatArray  # [persons] (B,)
    exits: FloatArray  # [persons] (B,)
    retirements: FloatArray  # [persons] (B,)
    entrants: FloatArray  # [persons] (B,)


def civil_service_step(
    actives: FloatArray,
    retirees: FloatArray,
    pension_mass: FloatArray,
    totals: tuple[FloatArray, FloatArray, FloatArray],
    b: CivilServiceBasis,
    t: int,
    hiring: dict[str, FloatArray],
) -> CivilServiceYear:
    """One year of members for the civil-service fund (steps 1–8), and what they are paid.

    Arrays (B, G, A); ``totals`` are the sums (B,) of the three opening arrays, carried from
    year to year so that only the sums that need the age detail are taken. ``hiring`` is
    :func:`headcount_weights` of the rows' headcount rules. Pensions are paid with mid-year
    timing: the indexed opening stock for the whole year less half a year of those who die,
    plus half a year of the year's new awards."""
    opening_active, opening_retired, opening_pension = totals
    q = b.death_prob[:, t]
    exit_rate = b.exit_rate[:, t]
    growth = 1 + b.indexation[:, t]
    deaths_active = actives * q
    after_deaths = actives - deaths_active
    exits = after_deaths * exit_rate[:, None, None]
    after_exits = after_deaths - exits
    retirements = after_exits * b.retirement_hazard[:, t]
    deaths_retired = retirees * q
    indexed = pension_mass * growth[:, None, None]
    death_mass = indexed * q  # [yuan/month] of those who die in the year
    new_mass = retirements * b.new_pension_monthly_yuan[:, t]
    # the four arrays that move up one year of age, aged in one call
    moving = np.empty((4,) + actives.shape)
    np.subtract(after_exits, retirements, out=moving[0])  # staying
    np.add(retirees - deaths_retired, retirements, out=moving[1])  # retirees
    np.add(indexed - death_mass, new_mass, out=moving[2])  # pensions in payment
    np.add(deaths_active + exits, retirements, out=moving[3])  # leavers, for the exposure
    staying, retirees_next, pension_next, leavers = age_one_year(moving)

    deaths_total = _cells(deaths_active)
    exits_total = (opening_active - deaths_total) * exit_rate
    retirements_total = _cells(retirements)
    deaths_retired_total = _cells(deaths_retired)
    death_mass_total = _cells(death_mass)
    new_mass_total = _cells(new_mass)
    staying_total = opening_active - deaths_total - exits_total - retirements_total
    indexed_total = opening_pension * growth

    hires = new_hires(opening_active, staying_total, hiring, b, t)
    entrants = hires[:, None, None] * b.entrant_profile
    closing = staying + entrants
    return CivilServiceYear(
        actives=closing,
        retirees=retirees_next,
        pension_mass=pension_next,
        retirements_by_age=retirements,
        totals=(
            staying_total + hires,
            opening_retired - deaths_retired_total + retirements_total,
            indexed_total - death_mass_total + new_mass_total,
        ),
        exposed=closing - 0.5 * entrants + 0.5 * leavers,
        pensions_paid_monthly=indexed_total - 0.5 * death_mass_total + 0.5 * new_mass_total,
        death_mass=death_mass_total,
        new_award_mass=new_mass_total,
        final_base_mass=_cells(retirements * b.final_base_yuan[:, t]),
        account_refunds=_cells(deaths_active * b.account_balance_open_yuan[:, t, None, :])
        / YUAN_PER_WAN,
        deaths_active=deaths_total,
        deaths_retired=deaths_retired_total,
        exits=exits_total,
        retirements=retirements_total,
        entrants=hires,
    )


def civil_service_base_year(
    actives: FloatArray, retirees: FloatArray, pension_mass: FloatArray, b: CivilServiceBasis
) -> CivilServiceYear:
    """The base year's flows as :func:`civil_service_step` gives them for a projected year, from
    the year-end stock: those at their statutory age retired during the year (their pensions are
    the base year's new awards), deaths at the year's rates; contributions on the year-end
    members (the year's entrants and leavers are not known)."""
    q = b.death_prob[:, 0]
    new_mass = _cells(pension_mass * b.retired_in_base_year)
    death_mass = _cells(pension_mass * q)
    deaths_active = actives * q
    zero = np.zeros(new_mass.shape)
    return CivilServiceYear(
        actives=actives,
        retirees=retirees,
        pension_mass=pension_mass,
        retirements_by_age=np.zeros_like(actives),
        exposed=actives,
        totals=(_cells(actives), _cells(retirees), _cells(pension_mass)),
        pensions_paid_monthly=_cells(pension_mass) - 0.5 * new_mass + 0.5 * death_mass,
        death_mass=death_mass,
        new_award_mass=new_mass,
        final_base_mass=np.broadcast_to(b.final_base_mass0, new_mass.shape).copy(),
        account_refunds=_cells(deaths_active * b.account_balance_open_yuan[:, 0, None, :])
        / YUAN_PER_WAN,
        deaths_active=zero,
        deaths_retired=_cells(retirees * q),
        exits=zero,
        retirements=_cells(retirees * b.retired_in_base_year),
        entrants=zero,
    )


def contribution_base_wan(exposed: FloatArray, b: CivilServiceBasis, t: int) -> FloatArray:
    """The contribution base [万元] (B,) of the members exposed in year ``t`` (B, G, A): each at
    the salary of their age, between the year's floor and cap."""
    base = np.clip(
        b.salary_level_yuan[:, t, None] * b.salary_scale,
        b.base_floor_yuan[:, t, None],
        b.base_cap_yuan[:, t, None],
    )  # (B, A) contribution base per head, yuan/year
    return _cells(exposed * base[:, None, :]) / YUAN_PER_WAN


def civil_service_cash(d: dict[str, FloatArray], b: CivilServiceBasis) -> dict[str, FloatArray]:
    """Cash flows [万元] (B, T) of every year (step 9) from what the loop recorded: contributions
    on the members exposed in each year, pensions with mid-year timing, and the outflows at
    death."""
    shape = d["contribution_base"].shape
    contribution_base = d["contribution_base"]
    rate = (b.contribution_rate_employer + b.contribution_rate_individual) * b.collection_rate
    pensions = d["pensions_paid_monthly"] * MONTHS_PER_YEAR / YUAN_PER_WAN
    funeral = d["deaths_retired"] * b.funeral_grant_yuan / YUAN_PER_WAN
    lump_sum = d["death_mass"] * b.survivors_lump_sum_months / YUAN_PER_WAN
    refunds = d["account_refunds"]
    return {
        "contribution_base": contribution_base,
        "contribution_income": contribution_base * rate,
        "contribution_income_employer": (
            contribution_base * b.contribution_rate_employer * b.collection_rate
        ),
        "pension_expenditure": pensions,
        "funeral_grant_expenditure": funeral,
        "survivors_lump_sum_expenditure": lump_sum,
        "account_refund_expenditure": refunds,
        "benefit_expenditure": pensions + funeral + lump_sum + refunds,
        "other_income": b.other_income + np.zeros(shape),
        "other_expenditure": b.other_expenditure + np.zeros(shape),
    }


def _run_civil_service(
    b: CivilServiceBasis, B: int, T: int, keep_members: bool, keep_vintages: bool = False
) -> dict[str, FloatArray]:
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
    hiring = headcount_weights(b.headcount_rule, B)
    totals = (_cells(actives), _cells(retirees), _cells(pension))
    # Steps 1–8 and what the cash flows need, year by year; only the members carry over.
    for t in range(T):
        opening_active, opening_retired = totals[0], totals[1]
        if t == 0:
            step = civil_service_base_year(actives, retirees, pension, b)
            if keep_vintages:
                rec.data["pension_by_vintage"][:, 0, 0] = (
                    step.pensions_paid_monthly * MONTHS_PER_YEAR / YUAN_PER_WAN
                )
        else:
            step = civil_service_step(actives, retirees, pension, totals, b, t, hiring)
            actives, retirees, pension, totals = (
                step.actives,
                step.retirees,
                step.pension_mass,
                step.totals,
            )
            if keep_vintages:
                # each vintage's pensions paid this year, with the same mid-year timing
                q = b.death_prob[:, t][:, None]
                indexed = vintages * (1 + b.indexation[:, t])[:, None, None, None]
                new = step.retirements_by_age * b.new_pension_monthly_yuan[:, t]
                paid = (indexed * (1 - 0.5 * q)).sum((2, 3))
                paid[:, t] += 0.5 * _cells(new)
                rec.data["pension_by_vintage"][:, :, t] = paid * MONTHS_PER_YEAR / YUAN_PER_WAN
                vintages = age_one_year(indexed * (1 - q))
                vintages[:, t] = age_one_year(new)
        rec.put(
            t,
            step,
            contribution_base=contribution_base_wan(step.exposed, b, t),
            contributors=totals[0],
            beneficiaries=totals[1],
            contributors_start=opening_active,
            beneficiaries_start=opening_retired,
            pension_mass=totals[2],
            account_balance=np.einsum("bga,ba->b", actives, b.account_balance_end_yuan[:, t])
            / YUAN_PER_WAN,
        )
        if keep_members:
            rec.put_members(t, actives=actives, retirees=retirees)
    d = rec.finish()
    # Steps 9 and 10 over (B, T): cash flows, then the fund. The county pays the civil-service
    # subsidy: arrears withhold a share of all of it.
    cash = civil_service_cash(d, b)
    money = fund_years(b, cash, B, due=np.zeros((B, T)), withheld_fraction=b.arrears_share)
    for name in ("pensions_paid_monthly", "death_mass", "account_refunds"):
        del d[name]
    d.update(cash)
    d.update(money)
    # Awards and pensions per head.
    wage_prev = b.previous_average_wage_yuan
    new_mass, base_mass = d.pop("new_award_mass"), d.pop("final_base_mass")
    with np.errstate(divide="ignore", invalid="ignore"):
        new_award = np.where(d["retirements"] > 0, new_mass / d["retirements"], np.nan)
        in_payment = d.pop("pension_mass") / d["beneficiaries"]
        d["new_award_mean_monthly_yuan"] = new_award
        d["new_award_to_average_wage"] = new_award * MONTHS_PER_YEAR / wage_prev
        d["pension_in_payment_mean_monthly_yuan"] = in_payment
        d["pension_in_payment_to_average_wage"] = in_payment * MONTHS_PER_YEAR / wage_prev
        d["replacement_rate"] = np.where(
            base_mass > 0, new_mass * MONTHS_PER_YEAR / base_mass, np.nan
        )
    return d


# --------------------------------------------------------------------------------------------
# county population and residents' fund


@dataclass(frozen=True)
class ResidentsYear:
    """One year of the county population and the residents' fund members (steps 1–8) and the
    sums its cash flows need. Member arrays (B, 2, A) at the end of the year by sex and age;
    sums (B,). Account pensions in yuan per month (totals of the cells), refunds in 万元."""

    population: FloatArray  # [persons] (B, 2, A)
    beneficiaries: FloatArray  # [persons] (B, 2, A)
    account_pension_mass: FloatArray  # [yuan/month] (B, 2, A)
    totals: tuple[FloatArray, FloatArray, FloatArray]  # (B,) sums of the three year-end arrays
    exposed: FloatArray  # [persons] (B,) beneficiaries paid for the year (new and dead half)
    account_paid_monthly: FloatArray  # [yuan/month] (B,) twelfth of the year's account pensions
    account_refunds: FloatArray  # [万元] (B,) account balances refunded at death
    births: FloatArray  # [persons] (B,)
    deaths: FloatArray  # [persons] (B,)
    net_migration: FloatArray  # [persons] (B,)
    deaths_beneficiaries: FloatArray  # [persons] (B,)
    new_beneficiaries: FloatArray  # [persons] (B,)


def residents_step(
    population: FloatArray,
    beneficiaries: FloatArray,
    account_mass: FloatArray,
    totals: tuple[FloatArray, FloatArray, FloatArray],
    b: ResidentsBasis,
    t: int,
) -> ResidentsYear:
    """One year of the county population and the residents' fund members (steps 1–8); those
    who reach the pension age and those who die are paid for half of the year. ``totals`` are
    the sums (B,) of the three opening arrays, carried from year to year."""
    total, beneficiaries_total, account_total = totals
    q = b.death_prob[:, t]
    deaths = population * q
    survivors = population - deaths
    migration = (b.net_migration_rate[:, t] * total)[:, None, None] * b.migration_profile
    # Emigration cannot take more people than there are at an age.
    migration = np.maximum(migration, -survivors)
    born = (
        population[:, 1, :] @ b.fertility[0, t]
        if b.fertility.shape[0] == 1
        else np.einsum("ba,ba->b", population[:, 1, :], b.fertility[:, t])
    )
    msb = b.male_share_of_births
    pa = b.pension_age
    deaths_ben = beneficiaries * q
    dead_account = account_mass * q
    # the three arrays that move up one year of age, aged in one call
    moving = np.empty((3,) + population.shape)
    np.add(survivors, migration, out=moving[0])
    new_ben = moving[0, :, :, pa - 1] * b.uptake[:, None]
    new_account = new_ben * b.new_account_pension_monthly_yuan[:, t, None]
    np.subtract(beneficiaries, deaths_ben, out=moving[1])
    np.subtract(account_mass, dead_account, out=moving[2])
    pop, ben, acct = age_one_year(moving)
    ben[:, :, pa] += new_ben
    acct[:, :, pa] += new_account
    pop[:, 0, 0] += born * msb
    pop[:, 1, 0] += born * (1 - msb)

    refunds = _cells(dead_account * b.account_refund_months[:, None, :]) + _cells(
        deaths * b.account_balance_by_age_yuan[:, t, None, :]
    )
    deaths_total = _cells(deaths)
    migration_total = _cells(migration)
    deaths_ben_total = _cells(deaths_ben)
    new_ben_total = new_ben.sum(1)
    dead_account_total = _cells(dead_account)
    new_account_total = new_account.sum(1)
    return ResidentsYear(
        population=pop,
        beneficiaries=ben,
        account_pension_mass=acct,
        totals=(
            total - deaths_total + migration_total + born,
            beneficiaries_total - deaths_ben_total + new_ben_total,
            account_total - dead_account_total + new_account_total,
        ),
        exposed=beneficiaries_total - 0.5 * deaths_ben_total + 0.5 * new_ben_total,
        account_paid_monthly=account_total - 0.5 * dead_account_total + 0.5 * new_account_total,
        account_refunds=refunds / YUAN_PER_WAN,
        births=born,
        deaths=deaths_total,
        net_migration=migration_total,
        deaths_beneficiaries=deaths_ben_total,
        new_beneficiaries=new_ben_total,
    )


def residents_cash(d: dict[str, FloatArray], b: ResidentsBasis) -> dict[str, FloatArray]:
    """Cash flows [万元] (B, T) of every year (step 9) from what the loop recorded: contributions
    of the year-end population at contribution ages, pensions on the beneficiaries exposed in
    the year, grants and refunds at death, and who owes the subsidy due."""
    contributors = d["at_contribution_ages"] * b.contributor_rate
    contributions = contributors * b.contribution_per_contributor_yuan / YUAN_PER_WAN
    contribution_subsidy = contributors * b.contribution_subsidy_per_contributor_yuan / YUAN_PER_WAN
    heads = d["exposed"]
    central = heads * b.central_pension_monthly_yuan * MONTHS_PER_YEAR / YUAN_PER_WAN
    top_up = heads * b.top_up_pension_monthly_yuan * MONTHS_PER_YEAR / YUAN_PER_WAN
    account = d["account_paid_monthly"] * MONTHS_PER_YEAR / YUAN_PER_WAN
    funeral = d["deaths_beneficiaries"] * b.funeral_grant_yuan / YUAN_PER_WAN
    refunds = d["account_refunds"]
    # Who owes what: (B, T, 4 items) × (B, 4 items, 4 levels) → (B, T, 4 levels); the base
    # year under the observed policy's shares.
    items = np.stack([central, top_up, contribution_subsidy, funeral], axis=-1)
    by_level = (items[..., None] * b.funding_shares[:, None]).sum(2)
    by_level[:, 0] = (items[:, 0, :, None] * b.funding_shares0).sum(1)
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
        "other_income": contributions * b.other_income_ratio[:, None],
        "other_expenditure": b.other_expenditure + np.zeros(heads.shape),
        "subsidy_due": items.sum(-1),
        "subsidy_due_by_level": by_level,
        "subsidy_due_central": by_level[..., 0],
        "subsidy_due_region": by_level[..., 1],
        "subsidy_due_prefecture": by_level[..., 2],
        "subsidy_due_county": by_level[..., 3],
    }


def _run_residents(b: ResidentsBasis, B: int, T: int, keep_members: bool) -> dict[str, FloatArray]:
    pop = np.broadcast_to(b.population0, (B,) + b.population0.shape[1:]).copy()
    ben = np.broadcast_to(b.beneficiaries0, pop.shape).copy()
    acct = np.broadcast_to(b.account_pension_mass0, pop.shape).copy()
    rec = _Recorder(B, T)
    if keep_members:
        rec.members("population", pop.shape[1:])
        rec.members("beneficiaries_by_age", pop.shape[1:])
    zero = np.zeros(B)
    totals = (_cells(pop), _cells(ben), _cells(acct))
    # Steps 1–8 and what the cash flows need, year by year; only the members carry over.
    for t in range(T):
        opening_pop, opening_ben = totals[0], totals[1]
        if t == 0:
            # the base year from its year-end stock, with the timing of a projected year
            exposed = np.broadcast_to(b.exposed0, (B,)).copy()
            step = ResidentsYear(
                population=pop,
                beneficiaries=ben,
                account_pension_mass=acct,
                totals=totals,
                exposed=exposed,
                account_paid_monthly=totals[2] / totals[1] * exposed,
                account_refunds=np.broadcast_to(b.account_refunds0, (B,)).copy(),
                births=zero,
                deaths=zero,
                net_migration=zero,
                deaths_beneficiaries=_cells(ben * b.death_prob[:, 0]),
                new_beneficiaries=zero,
            )
        else:
            step = residents_step(pop, ben, acct, totals, b, t)
            pop, ben, acct, totals = (
                step.population,
                step.beneficiaries,
                step.account_pension_mass,
                step.totals,
            )
        rec.put(
            t,
            step,
            beneficiaries=totals[1],
            population_total=totals[0],
            population_start=opening_pop,
            beneficiaries_start=opening_ben,
            at_contribution_ages=_cells(pop * b.contribution_ages[:, t, None, :]),
        )
        if keep_members:
            rec.put_members(t, population=pop, beneficiaries_by_age=ben)
    d = rec.finish()
    # Steps 9 and 10 over (B, T). Arrears withhold a share of what the named level owes under
    # the funding rules.
    cash = residents_cash(d, b)
    arrears_level = (
        np.arange(len(GOVERNMENT_LEVELS))[None, :]
        == np.broadcast_to(b.arrears_level, (B,))[:, None]
    ).astype(float)
    level_due = (cash.pop("subsidy_due_by_level") * arrears_level[:, None, :]).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        level_fraction = np.where(cash["subsidy_due"] > 0, level_due / cash["subsidy_due"], 0.0)
    money = fund_years(
        b, cash, B, due=cash["subsidy_due"], withheld_fraction=b.arrears_share * level_fraction
    )
    # Members' individual accounts: credited, paid out as account pensions and refunds.
    liability = np.empty((B, T))
    liability[:, 0] = b.account_liability0
    crediting = np.broadcast_to(b.account_crediting_rate, (B, T))
    for t in range(1, T):
        liability[:, t] = (
            liability[:, t - 1] * (1 + crediting[:, t])
            + cash["contribution_income"][:, t]
            + cash["contribution_subsidy"][:, t]
            - cash["account_pension_expenditure"][:, t]
            - cash["account_refund_expenditure"][:, t]
        )
    shortfall = cash["subsidy_due"] - money["subsidy_income"]
    shortfall[:, 1:] = np.maximum(shortfall[:, 1:], 0.0)
    for name in ("account_paid_monthly", "account_refunds", "at_contribution_ages"):
        del d[name]
    d.update(cash)
    d.update(money)
    d["account_liability"] = liability
    d["subsidy_shortfall"] = shortfall
    with np.errstate(divide="ignore", invalid="ignore"):
        d["pension_in_payment_mean_monthly_yuan"] = (
            d["pension_expenditure"] * YUAN_PER_WAN / MONTHS_PER_YEAR / d.pop("exposed")
        )
    return d


def fund_years(
    b: CivilServiceBasis | ResidentsBasis,
    cash: dict[str, FloatArray],
    B: int,
    due: FloatArray,
    withheld_fraction: FloatArray,
) -> dict[str, FloatArray]:
    """Step 10 for either fund over every year: the fund under its rule, and the reserve had no
    subsidy been paid. Arrays (B, T)."""
    T = cash["contribution_income"].shape[1]
    rate = np.broadcast_to(b.interest_rate, (B, T))
    money = fundlib.roll_forward(
        reserve_start0=b.reserve_start0,
        contribution_income=cash["contribution_income"],
        other_income=cash["other_income"],
        benefit_expenditure=cash["benefit_expenditure"],
        other_expenditure=cash["other_expenditure"],
        interest_rate=rate,
        subsidy_rule=fundlib.rule_weights(np.broadcast_to(b.subsidy_rule, (B,))),
        reserve_months=np.broadcast_to(b.reserve_months, (B,)),
        subsidy_amount=b.subsidy_amount,
        subsidy_share=b.subsidy_share,
        subsidy_due=due,
        stated_subsidy0=b.subsidy0,
        withheld_fraction=withheld_fraction,
        paid_late=np.broadcast_to(b.arrears_paid_late, (B,)),
    )
    money["reserve_end_without_subsidy"] = fundlib.reserve_without_subsidy(
        money["reserve_end"][:, 0],
        cash["contribution_income"] + cash["other_income"],
        cash["benefit_expenditure"] + cash["other_expenditure"],
        rate,
    )
    return money


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

    def put(self, t: int, *parts: CivilServiceYear | ResidentsYear, **values: FloatArray) -> None:
        """Record year ``t``: the sums (B,) of the year's step (a dataclass) and ``values``."""
        if len(self._years) != t:
            raise ValueError(f"year index {t} recorded after {len(self._years)} years")
        self._years.append(tuple(vars(p) for p in parts) + (values,))

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
                if k in skip or k == "totals" or np.ndim(v) != 1:
                    continue
                if k in where:
                    raise ValueError(f"series {k!r} recorded twice")
                where[k] = i
        for k, i in where.items():
            vals = [year[i][k] for year in self._years]
            # one concatenation rather than np.stack, whose per-array Python work cost more
            # than the year's arithmetic for a single scenario
            flat = np.concatenate(vals)
            if flat.size == self.B * self.T:
                self.data[k] = np.ascontiguousarray(flat.reshape(self.T, self.B).T, dtype=float)
            else:  # rows of length 1 (broadcast) among rows of length B
                arr = np.empty((self.B, self.T))
                for t, v in enumerate(vals):
                    arr[:, t] = v
                self.data[k] = arr
        self._years = []
        return self.data
