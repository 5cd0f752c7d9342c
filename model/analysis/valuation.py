"""Actuarial balance: present values of a fund's flows (open group) and the accrued liability of
today's members and pensioners (closed group). Method and figures: ``docs/valuation.md``.

Money in 万元, present values at the end of the base year (index 0 of a projection).

**Discounting.** A flow of projection year ``t`` (``t = 1 … T``) is discounted to the end of
the base year with ``v_t = Π_{u=1..t} 1 / (1 + d_u)``. Flows count at the end of their year,
as the engine credits them: interest is earned on the opening reserve only, so a flow of year
``t`` first earns interest in year ``t + 1``. ``d`` is, by choice (:func:`parse_discount`),

* ``fund`` — the fund's own interest-rate path ``Basis.<fund>.interest_rate`` (the default);
* a flat nominal rate, e.g. ``0.03``;
* ``real:0.02`` — a real rate: ``d_u = (1 + 0.02)(1 + π_u) − 1`` with the scenario's price
  inflation ``π``.

**Open group** (the projection as it stands: new entrants, the subsidy rule). With
``R_0`` the base-year closing reserve and ``I_t`` the interest earned,

``R_0 + PV(contributions + other income + subsidy + interest margin) − PV(benefits + other
expenditure) = v_T R_T``,

where the interest margin ``I_t − d_t R_{t−1}`` is the interest earned beyond the discount
rate's return on the opening reserve (zero when discounting at the fund's rate and the reserve
never falls below zero). This actuarial balance identity holds exactly by construction of the
reserve roll-forward; :attr:`FundValuation.balance_residual` is its rounding residual.

**Real terms.** A present value at a nominal rate equals the flows deflated to base-year prices
discounted at the real rate ``(1 + d)/(1 + π) − 1``, so present values are already in base-year
money; each line also gives its undiscounted sum in current prices and in base-year prices
(deflated with ``P_t = Π_{u=1..t} (1 + π_u)``).

**Shares.** Each present value as a share of the present value of the civil-service payroll
(the contribution base; the residents' fund has no payroll) and of the county's general public
budget revenue (``assumptions.economy.general_budget_revenue``; missing when not stated), both
over the same years. Closed-group figures run a century and are given instead as multiples of
the base year's payroll and budget revenue (as an implicit debt is put against a year's GDP).

**Closed group** (today's members and pensioners, no new entrants): the engine on the same
basis with hiring frozen from year 1 (civil service) or with no one below pension age
(residents) over :data:`CLOSED_GROUP_YEARS` years, so that nearly everybody has died.

* civil service: (a) the present value of future pensions and funeral grants of today's
  pensioners; (b) the same for today's actives, and its accrued part, projected-unit-credit
  style: the pensions of those retiring in year ``v`` who were aged ``x`` at the end of the base
  year are prorated by ``(x + ½ − s) / (x + v − s)``, service to date over service at
  retirement, both measured from ``service_start_age`` ``s``; (c) individual-account balances,
  shown as a memorandum item (their pensions are part of (a) and (b)), from the projection's
  ``account_balance`` series where the engine provides it;
* residents: (a) the present value of the basic pension (central minimum and local top-up) and
  funeral grants of today's beneficiaries, with their account pensions as a memorandum item;
  (c) the individual-account liability ``account_liability`` of all members, which carries the
  account part. The future basic pension of members not yet drawing is not accrued by
  contributions and is not included.

Accrued liability = (a) + accrued (b) + (c) where (c) is added (residents); implicit debt =
accrued liability − the base-year reserve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from model.engine.axes import FloatArray
from model.engine.basis import Basis, Years, build_basis
from model.errors import YanglaoError
from model.engine.project import project_basis
from model.engine.results import Projection
from model.scenario.schedule import schedule_values
from model.scenario.schema import Scenario

#: Years of the closed-group projection, long enough for nearly every member to have died.
CLOSED_GROUP_YEARS = 100

#: Open-group lines: (name, kind). kind: "income", "expenditure" or "memo". Their labels for
#: people are in ``model.output.valuation_tables``.
OPEN_LINES: tuple[tuple[str, str], ...] = (
    ("contribution_income", "income"),
    ("other_income", "income"),
    ("subsidy_income", "income"),
    ("interest_margin", "income"),
    ("benefit_expenditure", "expenditure"),
    ("other_expenditure", "expenditure"),
    ("subsidy_need", "memo"),
    ("contribution_base", "memo"),
    ("general_budget_revenue", "memo"),
)

@dataclass(frozen=True)
class Discount:
    """How flows are discounted: ``kind`` is "fund", "flat" or "real"; ``rate`` for the last two."""

    kind: str
    rate: float | None = None


def parse_discount(text: str | None) -> Discount:
    """``None`` or "fund" → the fund's rate; "0.03" → flat; "real:0.02" → real.

    >>> parse_discount("real:0.02")
    Discount(kind='real', rate=0.02)
    >>> parse_discount("0.035").rate
    0.035
    """
    if text is None or text.strip() == "fund":
        return Discount("fund")
    body = text.strip()
    kind = "flat"
    if body.startswith("real:"):
        kind, body = "real", body[len("real:"):]
    try:
        rate = float(body)
    except ValueError:
        raise YanglaoError(
            f"--discount: expected 'fund', a rate such as 0.03 or 'real:0.02', got {text!r}") from None
    if not -0.5 < rate < 1.0:
        raise YanglaoError(f"--discount: expected a rate between -0.5 and 1 (0.03 is 3%), got {rate:g}")
    return Discount(kind, rate)


@dataclass(frozen=True)
class ValuationLine:
    """One line of the open-group balance [万元]; shares are /1 or None where missing."""

    name: str
    kind: str
    sum_nominal: float | None
    sum_real: float | None
    present_value: float | None
    share_of_payroll: float | None
    share_of_budget_revenue: float | None


@dataclass(frozen=True)
class ClosedGroup:
    """Accrued liability of today's members and pensioners [万元] (None: not available)."""

    pensioners: float
    pensioners_account: float | None  # residents: account pensions, a memo inside `accounts`
    actives_all: float | None
    actives_accrued: float | None
    actives_contributions: float | None
    accounts: float | None
    accounts_added: bool  # whether `accounts` is part of the accrued liability
    accrued_liability: float
    reserve: float
    implicit_debt: float
    closed_balance: float | None
    pensioners_benefits_by_year: FloatArray  # [万元] (T_closed,), year 1 on
    discount_factor: FloatArray  # (T_closed,), year 1 on


@dataclass(frozen=True)
class FundValuation:
    fund: str
    lines: tuple[ValuationLine, ...]
    opening_reserve: float
    closing_reserve_pv: float
    closing_reserve: float
    balance_without_subsidy: float
    balance_residual: float
    payroll_pv: float | None
    budget_revenue_pv: float | None
    payroll_base_year: float | None  # [万元] the base year's contribution base (civil service)
    budget_revenue_base_year: float | None  # [万元] the base year's general budget revenue
    discount_rate: FloatArray  # (T,), year 1 on
    discount_factor: FloatArray  # (T,), year 1 on
    price_index: FloatArray  # (T,), year 1 on
    closed: ClosedGroup

    def line(self, name: str) -> ValuationLine:
        return next(x for x in self.lines if x.name == name)


@dataclass(frozen=True)
class Valuation:
    scenario_id: str
    base_year: int
    last_year: int
    closed_last_year: int
    discount: Discount
    revenue_source: str | None  # None: the scenario states no budget revenue
    service_start_age: float | None
    funds: tuple[FundValuation, ...]

    def fund(self, name: str) -> FundValuation:
        return next(f for f in self.funds if f.fund == name)


# --------------------------------------------------------------------------------------------
# pure computations


def discount_factors(discount_rate: FloatArray) -> FloatArray:
    """``v_t = Π_{u ≤ t} 1 / (1 + d_u)``: end-of-year discount factors of years 1 … T.

    >>> discount_factors(np.array([0.1, 0.0])).round(6).tolist()
    [0.909091, 0.909091]
    """
    return 1.0 / np.cumprod(1.0 + np.asarray(discount_rate, dtype=float))


def present_value_end_of_year(amounts: FloatArray, discount_rate: FloatArray) -> float:
    """``Σ_t amount_t v_t`` with flows at the end of their year (see the module docstring).

    >>> round(present_value_end_of_year(np.array([110.0, 121.0]), np.array([0.1, 0.1])), 6)
    200.0
    """
    return float((np.asarray(amounts, dtype=float) * discount_factors(discount_rate)).sum())


def discount_path(discount: Discount, fund_rate: FloatArray, price_inflation: FloatArray) -> FloatArray:
    """The discount rate of each year (T,) [/1]."""
    if discount.kind == "fund":
        return np.asarray(fund_rate, dtype=float).copy()
    if discount.kind == "flat":
        return np.full(np.shape(fund_rate), float(discount.rate))
    return (1.0 + float(discount.rate)) * (1.0 + np.asarray(price_inflation, dtype=float)) - 1.0


def share(pv: float | None, of: float | None) -> float | None:
    """``pv`` as a share (or multiple) of ``of``; None without a positive ``of``."""
    if pv is None or of is None or of <= 0:
        return None
    return pv / of


def open_group(
    fund: str, flows: dict[str, FloatArray], discount_rate: FloatArray, price_index: FloatArray,
    budget_revenue: FloatArray | None,
) -> dict[str, Any]:
    """Open-group present values of one fund.

    ``flows`` holds the projection's yearly series (T+1,) with the base year first
    (``reserve_start``, ``reserve_end``, ``interest_income`` and the lines of
    :data:`OPEN_LINES`); ``discount_rate`` and ``price_index`` are (T,) for years 1 … T;
    ``budget_revenue`` (T,) [万元] or None.
    """
    v = discount_factors(discount_rate)
    after = slice(1, None)
    series: dict[str, FloatArray | None] = {
        name: (np.asarray(flows[name], dtype=float)[after] if name in flows else None)
        for name, _ in OPEN_LINES
    }
    reserve_start = np.asarray(flows["reserve_start"], dtype=float)[after]
    series["interest_margin"] = np.asarray(flows["interest_income"], dtype=float)[after] - discount_rate * reserve_start
    series["general_budget_revenue"] = budget_revenue
    if fund != "civil_service":
        series["contribution_base"] = None  # the residents' fund has no payroll
    pv = {k: (None if s is None else float((s * v).sum())) for k, s in series.items()}
    payroll_pv = pv["contribution_base"]
    revenue_pv = pv["general_budget_revenue"]
    lines = tuple(
        ValuationLine(
            name, kind,
            sum_nominal=None if series[name] is None else float(series[name].sum()),
            sum_real=None if series[name] is None else float((series[name] / price_index).sum()),
            present_value=pv[name],
            share_of_payroll=share(pv[name], payroll_pv),
            share_of_budget_revenue=share(pv[name], revenue_pv),
        )
        for name, kind in OPEN_LINES
    )
    opening = float(np.asarray(flows["reserve_end"], dtype=float)[0])
    closing = float(np.asarray(flows["reserve_end"], dtype=float)[-1])
    closing_pv = closing * float(v[-1])
    income = sum(pv[n] or 0.0 for n, k in OPEN_LINES if k == "income")
    spending = sum(pv[n] or 0.0 for n, k in OPEN_LINES if k == "expenditure")
    return {
        "lines": lines,
        "opening_reserve": opening,
        "closing_reserve": closing,
        "closing_reserve_pv": closing_pv,
        "balance_without_subsidy": opening + income - (pv["subsidy_income"] or 0.0) - spending,
        "balance_residual": opening + income - spending - closing_pv,
        "payroll_pv": payroll_pv,
        "budget_revenue_pv": revenue_pv,
        "discount_factor": v,
    }


def accrued_fraction(age_at_base: FloatArray, years_to_retirement: FloatArray,
                     service_start_age: float) -> FloatArray:
    """Service to date over service at retirement, in [0, 1].

    A member of completed age ``x`` at the end of the base year is ``x + ½`` on average; one
    retiring in year ``v`` is on average ``x + v`` at retirement.
    ``fraction = (x + ½ − s) / (x + v − s)``.

    >>> accrued_fraction(np.array([59.0]), np.array([1.0]), 22.0).round(4).tolist()
    [0.9868]
    """
    to_date = np.asarray(age_at_base, dtype=float) + 0.5 - service_start_age
    at_retirement = np.asarray(age_at_base, dtype=float) + np.asarray(years_to_retirement) - service_start_age
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(at_retirement > 0, to_date / at_retirement, 1.0)
    return np.clip(frac, 0.0, 1.0)


def _closed_civil_service(basis: Basis, discount: Discount, price_inflation: FloatArray,
                          service_start_age: float, account_balance: float | None,
                          reserve: float) -> ClosedGroup:
    """Closed-group liability of the civil-service fund (see the module docstring)."""
    cs = basis.civil_service
    assert cs is not None
    T = basis.years.size
    frozen = np.ones((1, T))
    frozen[:, 0] = 0.0  # the base year is history
    closed = replace(cs, hiring_frozen=frozen)
    zero = np.zeros_like(closed.actives0)
    rate = discount_path(discount, cs.interest_rate[0, 1:], price_inflation[1:])
    v = discount_factors(rate)

    # (a) today's pensioners alone
    pensioners = project_basis(replace(basis, civil_service=replace(closed, actives0=zero), residents=None),
                               keep_members=False)
    benefits_a = pensioners.funds["civil_service"]["benefit_expenditure"][0, 1:]
    pv_a = float((benefits_a * v).sum())

    # (b) today's actives, one batch row per group × age, pensions kept by year of retirement
    actives0 = closed.actives0[0]
    cells = np.argwhere(actives0 > 0)  # (n, 2): group, age
    rows = np.zeros((len(cells),) + actives0.shape)
    rows[np.arange(len(cells)), cells[:, 0], cells[:, 1]] = actives0[cells[:, 0], cells[:, 1]]
    actives = project_basis(
        replace(basis, civil_service=replace(closed, actives0=rows, retirees0=np.zeros_like(rows),
                                             pension_mass0=np.zeros_like(rows)), residents=None),
        keep_members=False, keep_vintages=True)
    d = actives.funds["civil_service"]
    by_vintage = d["pension_by_vintage"][:, 1:, 1:]  # (n, vintage 1…T, year 1…T)
    pv_by_vintage = (by_vintage * v).sum(-1)  # (n, V)
    frac = accrued_fraction(cells[:, 1:2].astype(float), np.arange(1, T)[None, :], service_start_age)
    pv_pensions = pv_by_vintage.sum(-1)
    accrued_pensions = (pv_by_vintage * frac).sum(-1)
    # outflows at death other than pensions (funeral grants, survivors' lump sums, refunds of
    # account balances), which follow the same members
    at_death = d["benefit_expenditure"][:, 1:] - d["pension_expenditure"][:, 1:]
    pv_funeral = (at_death * v).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        row_frac = np.where(pv_pensions > 0, accrued_pensions / pv_pensions, 0.0)
    pv_b_all = float(pv_pensions.sum() + pv_funeral.sum())
    pv_b_accrued = float(accrued_pensions.sum() + (pv_funeral * row_frac).sum())
    pv_contrib = float((d["contribution_income"][:, 1:] * v).sum())

    accrued = pv_a + pv_b_accrued
    return ClosedGroup(
        pensioners=pv_a, pensioners_account=None, actives_all=pv_b_all, actives_accrued=pv_b_accrued,
        actives_contributions=pv_contrib, accounts=account_balance, accounts_added=False,
        accrued_liability=accrued, reserve=reserve, implicit_debt=accrued - reserve,
        closed_balance=reserve + pv_contrib - pv_a - pv_b_all,
        pensioners_benefits_by_year=benefits_a.copy(), discount_factor=v,
    )


def _closed_residents(basis: Basis, discount: Discount, price_inflation: FloatArray,
                      account_liability: float, reserve: float) -> ClosedGroup:
    """Closed-group liability of the residents' fund: today's beneficiaries, nobody else."""
    res = basis.residents
    assert res is not None
    rate = discount_path(discount, res.interest_rate[0, 1:], price_inflation[1:])
    v = discount_factors(rate)
    closed = replace(res, population0=np.zeros_like(res.population0))
    run = project_basis(replace(basis, civil_service=None, residents=closed), keep_members=False)
    d = run.funds["residents"]
    basic = d["basic_pension_central"][0, 1:] + d["basic_pension_top_up"][0, 1:]
    funeral = d["funeral_grant_expenditure"][0, 1:]
    account = d["account_pension_expenditure"][0, 1:]
    pv_a = float(((basic + funeral) * v).sum())
    accrued = pv_a + account_liability
    return ClosedGroup(
        pensioners=pv_a, pensioners_account=float((account * v).sum()), actives_all=None,
        actives_accrued=None, actives_contributions=None, accounts=account_liability,
        accounts_added=True, accrued_liability=accrued, reserve=reserve,
        implicit_debt=accrued - reserve, closed_balance=None,
        pensioners_benefits_by_year=(basic + funeral).copy(), discount_factor=v,
    )


def valuation(scenario: Scenario, years: int | None = None, discount: Discount | None = None,
              closed_years: int = CLOSED_GROUP_YEARS) -> Valuation:
    """Open-group present values over the projection and closed-group accrued liabilities."""
    from model.engine.project import project

    discount = discount or Discount("fund")
    result: Projection = project(scenario, years=years)
    yrs = result.years
    y = Years(scenario, yrs)
    price_inflation = y.drivers["price_inflation"]
    price_index = np.cumprod(1.0 + price_inflation[1:])
    eco = scenario.assumptions.economy
    revenue_schedule = eco.general_budget_revenue
    revenue_all = (schedule_values(revenue_schedule, yrs, y.drivers)
                   if revenue_schedule is not None else None)
    revenue = revenue_all[1:] if revenue_all is not None else None
    revenue_base = float(revenue_all[0]) if revenue_all is not None else None

    long_basis = build_basis(scenario, closed_years)
    long_prices = Years(scenario, long_basis.years).drivers["price_inflation"]
    cs_assumptions = scenario.assumptions.civil_service
    service_start = cs_assumptions.service_start_age.value if cs_assumptions is not None else None

    funds = []
    for fund in result.funds:
        flows = result.funds[fund]
        rate = discount_path(discount, getattr(result.basis, fund).interest_rate[0, 1:], price_inflation[1:])
        og = open_group(fund, {k: v[0] for k, v in flows.items() if v.ndim == 2}, rate, price_index, revenue)
        if fund == "civil_service":
            balance = float(flows["account_balance"][0, 0]) if "account_balance" in flows else None
            closed = _closed_civil_service(long_basis, discount, long_prices, float(service_start), balance,
                                           og["opening_reserve"])
        else:
            closed = _closed_residents(long_basis, discount, long_prices, float(flows["account_liability"][0, 0]),
                                       og["opening_reserve"])
        funds.append(FundValuation(
            fund=fund, lines=og["lines"], opening_reserve=og["opening_reserve"],
            closing_reserve_pv=og["closing_reserve_pv"], closing_reserve=og["closing_reserve"],
            balance_without_subsidy=og["balance_without_subsidy"], balance_residual=og["balance_residual"],
            payroll_pv=og["payroll_pv"], budget_revenue_pv=og["budget_revenue_pv"],
            payroll_base_year=float(flows["contribution_base"][0, 0]) if fund == "civil_service" else None,
            budget_revenue_base_year=revenue_base,
            discount_rate=rate, discount_factor=og["discount_factor"], price_index=price_index,
            closed=closed,
        ))
    return Valuation(
        scenario_id=scenario.meta.id, base_year=int(yrs[0]), last_year=int(yrs[-1]),
        closed_last_year=int(long_basis.years[-1]), discount=discount,
        revenue_source=revenue_schedule.source if revenue_schedule is not None else None,
        service_start_age=service_start, funds=tuple(funds),
    )


# --------------------------------------------------------------------------------------------
# rows of the data


def closed_group_items(c: ClosedGroup) -> list[tuple[str, float | None]]:
    """The closed-group lines in the order they are shown, (name, 万元)."""
    items: list[tuple[str, float | None]] = [("pensioners", c.pensioners)]
    if c.pensioners_account is not None:
        items.append(("pensioners_account", c.pensioners_account))
    if c.actives_all is not None:
        items += [("actives_all", c.actives_all), ("actives_accrued", c.actives_accrued)]
    items.append(("accounts" if c.accounts_added else "accounts_memo", c.accounts))
    items += [("accrued_liability", c.accrued_liability), ("reserve", c.reserve),
              ("implicit_debt", c.implicit_debt)]
    if c.actives_contributions is not None:
        items += [("actives_contributions", c.actives_contributions), ("closed_balance", c.closed_balance)]
    return items


def valuation_path_rows(v: Valuation) -> list[dict[str, Any]]:
    """``valuation_paths.csv``: per fund and year the discount rate and factor, the price index
    and the closed-group benefits of today's pensioners."""
    out = []
    for f in v.funds:
        for t in range(f.closed.discount_factor.size):
            year = v.base_year + 1 + t
            open_year = t < f.discount_factor.size
            out.append({
                "fund": f.fund, "year": year,
                "discount_rate": float(f.discount_rate[t]) if open_year else None,
                "discount_factor": float(f.discount_factor[t]) if open_year else None,
                "price_index": float(f.price_index[t]) if open_year else None,
                "closed_group_discount_factor": float(f.closed.discount_factor[t]),
                "closed_group_pensioners_benefits": float(f.closed.pensioners_benefits_by_year[t]),
            })
    return out
