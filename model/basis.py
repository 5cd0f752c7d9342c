"""The basis: every array the engine reads, built once from a scenario and calibrated.

``build_basis(scenario)`` turns schedules into per-year arrays, life tables into death
probabilities, profiles into base-year member arrays, and solves the base-year levels the report
does not state (``model.calibrate``). The engine (``model.project``) reads nothing else.

Every array has a leading batch axis ``B`` (1 for one scenario), so that scenarios or
simulation paths can be stacked (:func:`stack_bases`) and run in one call.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from model import calibrate as cal
from model.axes import CS_GROUP_SEX, CS_GROUPS, N_AGES, SEXES, FloatArray, IntArray
from model.benefits import (
    account_balance_at_retirement,
    civil_service_pension_monthly_yuan,
    old_method_rate,
    transition_award,
)
from model.calibrate import Calibrated
from model.demography import death_probabilities, fertility_schedule
from model.errors import CalibrationError
from model.fund import SUBSIDY_RULES
from model.retirement import RetirementRules, retirement_hazard
from model.scenario.schedule import geometric_values, last_stated_year, schedule_values, step_values
from model.scenario.schema import Scenario, Subsidy
from model.tables import age_levels, age_weights, life_table
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN

#: First calendar year of the wage and account histories behind pensions already in payment.
HISTORY_START = 1930
#: Years of provincial wages kept past the horizon (a short run still needs the wage of the
#: transition's last year for the deemed contribution index).
WAGE_MARGIN_YEARS = 10

HEADCOUNT_RULES = ("constant", "growth", "replacement", "path")
GOVERNMENT_LEVELS = ("central", "region", "prefecture", "county")


def _row(x: FloatArray) -> FloatArray:
    """Add the leading batch axis of length 1."""
    return np.asarray(x, dtype=float)[None, ...]


@dataclass(frozen=True)
class CivilServiceBasis:
    """Arrays for the civil-service fund. Leading axis B (or 1, broadcast); T years, G groups,
    A ages. Money per head in yuan, totals in 万元."""

    death_prob: FloatArray  # [/1] (B, T, G, A), by age at the end of the previous year
    exit_rate: FloatArray  # [/1] (B, T)
    retirement_hazard: FloatArray  # [/1] (B, T, G, A)
    new_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T, G, A): new awards by the formula
    final_base_yuan: FloatArray  # [yuan/year] (B, T, G, A): contribution base before retiring
    account_balance_open_yuan: FloatArray  # [yuan per active] (B, T, A) at the start of year t
    account_balance_end_yuan: FloatArray  # [yuan per active] (B, T, A) at the end of year t
    survivors_lump_sum_months: FloatArray  # [months of pension per death] (B, T)
    previous_average_wage_yuan: FloatArray  # [yuan/year] (B, T) provincial wage of year t−1 (计发基数)
    retired_in_base_year: FloatArray  # 1.0 at each group's statutory age (G, A), else 0, (B, G, A)
    final_base_mass0: FloatArray  # [yuan/year] (B,) final pay of the base year's new retirees
    entrant_profile: FloatArray  # [/1] (B, G, A), sums to 1 over (G, A)
    headcount_rule: IntArray  # (B,) index into HEADCOUNT_RULES
    headcount_growth: FloatArray  # [/1] (B, T)
    replacement_ratio: FloatArray  # [/1] (B, T)
    headcount_path: FloatArray  # [persons] (B, T)
    hiring_frozen: FloatArray  # 1.0 in frozen years, (B, T)
    salary_level_yuan: FloatArray  # [yuan/year at salary scale 1] (B, T)
    salary_scale: FloatArray  # [/1] (B, A)
    base_floor_yuan: FloatArray  # [yuan/year] (B, T)
    base_cap_yuan: FloatArray  # [yuan/year] (B, T)
    contribution_rate_employer: FloatArray  # [/1] (B, T)
    contribution_rate_individual: FloatArray  # [/1] (B, T)
    collection_rate: FloatArray  # [/1] (B, T)
    indexation: FloatArray  # [/1] (B, T)
    indexation_link: FloatArray  # [/1] (B, T, 2) weights of wage growth and inflation in it
    funeral_grant_yuan: FloatArray  # [yuan per death] (B, T)
    interest_rate: FloatArray  # [/1] (B, T); year 0 is the calibrated base-year rate
    other_income: FloatArray  # [万元] (B, T)
    other_expenditure: FloatArray  # [万元] (B, T)
    subsidy_rule: IntArray  # (B,) index into SUBSIDY_RULES
    reserve_months: FloatArray  # [months of payouts] (B,)
    subsidy_amount: FloatArray  # [万元] (B, T)
    subsidy_share: FloatArray  # [/1] (B, T)
    arrears_share: FloatArray  # [/1] (B, T) of the level's subsidy withheld
    arrears_level: IntArray  # (B,) index into GOVERNMENT_LEVELS
    arrears_paid_late: FloatArray  # 1.0 if withheld subsidy is paid the next year, (B,)
    actives0: FloatArray  # [persons] (B, G, A), base-year end
    retirees0: FloatArray  # [persons] (B, G, A)
    pension_mass0: FloatArray  # [yuan/month, total of the cell] (B, G, A)
    reserve_start0: FloatArray  # [万元] (B,)
    subsidy0: FloatArray  # [万元] (B,) as stated for the base year


@dataclass(frozen=True)
class ResidentsBasis:
    """Arrays for the county population and the residents' fund (G = 2 sexes)."""

    death_prob: FloatArray  # [/1] (B, T, 2, A)
    fertility: FloatArray  # [births per woman per year] (B, T, A)
    male_share_of_births: FloatArray  # [/1] (B,)
    net_migration_rate: FloatArray  # [/1 of population] (B, T)
    migration_profile: FloatArray  # [/1] (B, 2, A), sums to 1
    pension_age: int
    uptake: FloatArray  # [/1] (B,) share of those reaching pension age who draw a pension
    contribution_ages: FloatArray  # 1.0 at contribution ages, (B, T, A)
    contributor_rate: FloatArray  # [/1 of the population at contribution ages] (B, T)
    contribution_per_contributor_yuan: FloatArray  # [yuan/year] (B, T)
    contribution_subsidy_per_contributor_yuan: FloatArray  # [yuan/year] (B, T)
    central_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T)
    central_pension_link: FloatArray  # [/1] (B, T, 2) weights of wage growth and inflation
    top_up_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T), calibrated in year 0
    top_up_pension_link: FloatArray  # [/1] (B, T, 2)
    new_account_pension_monthly_yuan: FloatArray  # [yuan/month] (B, T)
    account_balance_by_age_yuan: FloatArray  # [yuan per resident] (B, T, A) at the start of year t
    account_refund_months: FloatArray  # [months of account pension refunded at death] (B, A)
    exposed0: FloatArray  # [persons] (B,) beneficiaries paid in the base year (mid-year)
    account_refunds0: FloatArray  # [万元] (B,) account refunds at death in the base year
    funeral_grant_yuan: FloatArray  # [yuan per death] (B, T)
    funeral_grant_link: FloatArray  # [/1] (B, T, 2)
    other_income_ratio: FloatArray  # [/1 of contributions] (B,)
    interest_rate: FloatArray  # [/1] (B, T)
    account_crediting_rate: FloatArray  # [/1] (B, T)
    funding_shares: FloatArray  # [/1] (B, 4 items, 4 levels): central minimum, top-up,
    #                              contribution subsidy, funeral grant × GOVERNMENT_LEVELS
    funding_shares0: FloatArray  # [/1] (B, 4, 4) in the base year (observed policy)
    subsidy_rule: IntArray  # (B,)
    reserve_months: FloatArray  # (B,)
    subsidy_amount: FloatArray  # [万元] (B, T)
    subsidy_share: FloatArray  # [/1] (B, T)
    arrears_share: FloatArray  # [/1] (B, T)
    arrears_level: IntArray  # (B,)
    arrears_paid_late: FloatArray  # (B,)
    other_expenditure: FloatArray  # [万元] (B, T)
    population0: FloatArray  # [persons] (B, 2, A)
    beneficiaries0: FloatArray  # [persons] (B, 2, A)
    account_pension_mass0: FloatArray  # [yuan/month, total of the cell] (B, 2, A)
    reserve_start0: FloatArray  # [万元] (B,)
    account_liability0: FloatArray  # [万元] (B,) at the end of the base year
    subsidy0: FloatArray  # [万元] (B,) as stated


@dataclass(frozen=True)
class Basis:
    """Everything one batched projection needs."""

    years: IntArray  # (T,)
    civil_service: CivilServiceBasis | None
    residents: ResidentsBasis | None
    calibration: tuple[Calibrated, ...] = field(default=())

    @property
    def batch_size(self) -> int:
        sizes = {1}
        for part in (self.civil_service, self.residents):
            if part is not None:
                sizes |= {np.shape(getattr(part, f.name))[0] for f in fields(part)
                          if isinstance(getattr(part, f.name), np.ndarray)}
        return max(sizes)


# --------------------------------------------------------------------------------------------


def projection_years(scenario: Scenario, years: int | None = None) -> IntArray:
    """Base year first, then ``years`` more (default: up to the scenario's horizon)."""
    base = scenario.meta.base_year
    last = scenario.meta.horizon if years is None else base + years
    return np.arange(base, last + 1)


class _Years:
    """Projection years with the economic drivers, to turn schedules into arrays."""

    def __init__(self, scenario: Scenario, yrs: IntArray):
        eco = scenario.assumptions.economy
        self.scenario = scenario
        self.years = yrs
        self.T = yrs.size
        wage_growth = step_values(eco.wage_growth, yrs)
        prices = step_values(eco.price_inflation, yrs)
        self.drivers = {"wage_growth": wage_growth, "price_inflation": prices}

    def values(self, schedule, before: float | FloatArray | None = None) -> FloatArray:
        """The schedule over the projection years. Years before its first stated year keep
        ``before``, the value in force in the base year (stated or calibrated): a lever phased
        in from 2025 leaves the years before 2025 as they were."""
        first = schedule.first_year
        if before is None and first is not None and first > self.years[0]:
            raise CalibrationError(
                f"a schedule starting in {first} has no value for the years before it; "
                f"expected a value for {int(self.years[0])} or earlier"
            )
        return schedule_values(schedule, self.years, self.drivers, before)

    def optional(self, schedule, default: float) -> FloatArray:
        """The schedule, or ``default`` (the base year's value) where there is none; a schedule
        that starts after the base year keeps ``default`` until it does."""
        return self.values(schedule, before=default) if schedule is not None else np.full(self.T, float(default))


def _history_first(projected: FloatArray, history: FloatArray) -> FloatArray:
    """The projection's values with the base year's taken from the history (observed) policy."""
    out = np.array(projected, dtype=float)
    out[0] = history[0]
    return out


def _subsidy_arrays(subsidy: Subsidy, y: _Years, base_months: float):
    code = SUBSIDY_RULES.index(subsidy.rule)
    months = base_months if subsidy.reserve_months == "base_year" else subsidy.reserve_months.value
    amount = y.optional(subsidy.amount, 0.0)
    share = y.optional(subsidy.share, 0.0)
    arrears = subsidy.arrears
    # No subsidy is withheld before the schedule's first year (the base year's is as stated).
    arrears_share = y.values(arrears.share, before=0.0) if arrears else np.zeros(y.T)
    arrears_share[0] = 0.0  # the base year's subsidy is as stated
    level = GOVERNMENT_LEVELS.index(arrears.level) if arrears else 3
    late = 1.0 if (arrears and arrears.paid == "next_year") else 0.0
    return {
        "subsidy_rule": np.array([code]),
        "reserve_months": np.array([float(months)]),
        "subsidy_amount": _row(amount),
        "subsidy_share": _row(share),
        "arrears_share": _row(arrears_share),
        "arrears_level": np.array([level]),
        "arrears_paid_late": np.array([late]),
    }


def build_basis(scenario: Scenario, years: int | None = None) -> Basis:
    """Calibrate the scenario's base year and build every array of the projection.

    The base year is history: calibration, the base-year members and the base year's cash
    flows use the policy of ``scenario.history`` (the root of an ``extends`` chain) with this
    scenario's assumptions; this scenario's policy applies from the next year on.
    """
    yrs = projection_years(scenario, years)
    history = scenario.history
    observed = scenario if history is scenario else scenario.model_copy(update={"policy": history.policy})
    calibration: list[Calibrated] = []
    y = _Years(scenario, yrs)
    cs = res = None
    if scenario.base_year.civil_service:
        cs = _civil_service_basis(scenario, observed, y, calibration)
    if scenario.base_year.residents:
        res = _residents_basis(scenario, observed, y, calibration)
    return Basis(years=yrs, civil_service=cs, residents=res, calibration=tuple(calibration))


def _regional_wages(scenario: Scenario, y: _Years) -> tuple[IntArray, FloatArray]:
    """The provincial average wage over every calendar year from HISTORY_START to a year past
    the horizon: the history before the base year, the projection from it."""
    eco = scenario.assumptions.economy
    base = scenario.meta.base_year
    wage_proj = y.values(eco.average_wage_region_yuan)
    calendar = np.arange(HISTORY_START, y.years[-1] + 2 + WAGE_MARGIN_YEARS)
    wage_hist = geometric_values(eco.average_wage_region_history_yuan, calendar)
    # Years past the horizon, for a formula that looks at the previous year or at a reference
    # year after a short run, growing at the last year's wage growth.
    growth = y.drivers["wage_growth"]
    extended = np.concatenate([wage_proj, wage_proj[-1] * (1 + growth[-1]) ** np.arange(1, WAGE_MARGIN_YEARS + 2)])
    wage_all = np.where(calendar < base, wage_hist, extended[np.clip(calendar - base, 0, extended.size - 1)])
    return calendar, wage_all


def _retirement_rules(pol, a) -> RetirementRules:
    cohort = pol.retirement_age_by_cohort
    flex = pol.flexible_retirement
    minimum = pol.minimum_contribution_years
    entry = age_weights(a.entry_age_profile)
    return RetirementRules(
        original_ages=tuple((g, float(getattr(pol.retirement_age, g))) for g in CS_GROUPS),
        reform=pol.retirement_reform.enabled,
        reform_start_year=pol.retirement_reform.start_year,
        cohort_ages=tuple(
            (g, tuple(getattr(cohort, g).items())) for g in CS_GROUPS
            if cohort is not None and getattr(cohort, g)
        ),
        early_share=flex.early_share if flex else 0.0,
        early_years=flex.early_years if flex else 0.0,
        late_share=flex.late_share if flex else 0.0,
        late_years=flex.late_years if flex else 0.0,
        minimum_years=(
            tuple(minimum.value.items()) if isinstance(minimum.value, dict)
            else ((1900, float(minimum.value)),)
        ) if minimum is not None else (),
        entry_ages=tuple((int(x), float(w)) for x, w in zip(np.nonzero(entry)[0], entry[entry > 0],
                                                            strict=True)),
    )


def _rule_growth(rule, y: _Years, after: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """Yearly growth under a wage/price rule where ``after`` is True (else 0), and the rule's
    link (T, 2): the weights of wage growth and of price inflation in that growth, so that a
    simulation that moves wages or prices moves the growth with them."""
    growth = (rule.wage_growth_share * y.drivers["wage_growth"]
              + rule.price_inflation_share * y.drivers["price_inflation"] + rule.margin)
    link = np.stack([np.where(after, rule.wage_growth_share, 0.0),
                     np.where(after, rule.price_inflation_share, 0.0)], axis=-1)
    return np.where(after, growth, 0.0), link


def _indexation(pol, y: _Years) -> tuple[FloatArray, FloatArray]:
    """Published or fixed rates; after the last of them, the rule where there is one. Returns
    the rates (T,) and their link to wages and prices (T, 2), zero where a rate is stated."""
    rates = y.values(pol.indexation)
    rule = pol.indexation_rule
    if rule is None:
        return rates, np.zeros((y.T, 2))
    last = last_stated_year(pol.indexation)
    after = y.years > (last if last is not None else y.years[0])
    linked, link = _rule_growth(rule, y, after)
    return np.where(after, linked, rates), link


#: The uprating of residents' amounts when a scenario states no rule: with consumer prices.
PRICE_UPRATING = {"wage_growth_share": 0.0, "price_inflation_share": 1.0, "margin": 0.0}


def _uprated_amount(schedule, first_value: float, rule, y: _Years) -> tuple[FloatArray, FloatArray]:
    """An amount per head (元) over the projection years: each stated amount in its year, and
    in every year after the base year without one, last year's amount grown by ``rule``
    (before the schedule's first year, from ``first_value``, the base year's amount), unless the
    schedule extends itself (``uprate`` or ``increment_per_year``). So a variant that states an
    amount from 2025 leaves the years before 2025 as the baseline has them. Returns the amounts
    (T,) and the rule's link (T, 2)."""
    from types import SimpleNamespace

    rule = rule if rule is not None else SimpleNamespace(**PRICE_UPRATING)
    # Without a schedule (and before it starts) the base year's amount follows the rule.
    default_growth, default_link = _rule_growth(rule, y, y.years > y.years[0])
    default_path = float(first_value) * np.cumprod(1.0 + default_growth)
    if schedule is None:
        return default_path, default_link
    path = y.values(schedule, before=default_path)
    first = schedule.first_year
    before_first = y.years < first if first is not None else np.zeros(y.T, dtype=bool)
    link_before = np.where(before_first[:, None], default_link, 0.0)
    if schedule.uprate is not None or schedule.increment_per_year:
        return path, link_before
    # A stated amount holds in its own year; in every later year without one it follows the rule.
    stated = np.isin(y.years, list(schedule.value)) if isinstance(schedule.value, dict) \
        else y.years == y.years[0]
    ruled = (y.years > y.years[0]) & ~stated & ~before_first
    growth, link = _rule_growth(rule, y, ruled)
    out = path.copy()
    for t in range(1, y.T):
        if ruled[t]:
            out[t] = out[t - 1] * (1.0 + growth[t])
    return out, link + link_before


def _account_balances(benefit, a, calendar: IntArray, wage_all: FloatArray, crediting: FloatArray,
                      indexed_wage_ratio: float, yrs: IntArray) -> dict[str, FloatArray]:
    """Individual-account balance [yuan] per active member by year and age (T, A): ``open`` at
    the start of year t for a member aged a at the end of year t−1, ``end`` at the end of year
    t for a member aged a then. Accounts began at the reform; credits are the account rate of
    the member's indexed wage, as in the benefit formula."""
    ages = np.arange(N_AGES)[None, :]
    credit = benefit.account_contribution_rate.value * indexed_wage_ratio * wage_all
    start_age = a.service_start_age.value

    def at(year_start: IntArray) -> FloatArray:
        s = np.broadcast_to(year_start[:, None].astype(float), (yrs.size, N_AGES))
        started = np.maximum(s - (ages - start_age), benefit.reform_year)
        balance = account_balance_at_retirement(s, started, calendar, credit, crediting)
        return np.where(ages >= start_age, balance, 0.0)

    return {"open": at(yrs), "end": at(yrs + 1)}


def _transition_weights(transition, years: FloatArray, reform_year: float,
                        y: _Years | None = None) -> tuple[FloatArray, FloatArray]:
    """For retirements in calendar ``years``: the share of each year inside the transition, and
    the share of the new method's excess paid then."""
    years = np.asarray(years, dtype=float)
    if transition is None:
        return np.zeros(years.shape), np.ones(years.shape)
    inside = np.clip(np.minimum(years + 1, transition.end_year) - np.maximum(years, reform_year), 0, 1)
    excess = step_values(transition.excess_share_paid, years.astype(int).ravel()).reshape(years.shape)
    return inside, excess


def _civil_service_awards(
    stated, pol, pol0, a, y: _Years, q: FloatArray, retirees0: FloatArray,
    original_ages: dict[str, float], mean_retire_age: FloatArray, calendar: IntArray,
    wage_all: FloatArray, crediting: FloatArray, indexed_wage_ratio: float, base_now: FloatArray,
    grant0_yuan: float, lump_months0: float, refunds0: float, calibration: list[Calibrated],
) -> dict[str, FloatArray]:
    """Pensions in payment at the end of the base year, and new awards of every later year.

    * **New awards** follow the statutory formula (basic + transitional + account ÷ 计发月数),
      compared with the old method during the transition (保低限高). Nothing fitted to the stock
      scales them.
    * **The old method's level** — its rates by years of service apply to basic pay only, so
      their level against the contribution base is unknown — is the one factor fitted to the
      pensions in payment: the stock is modelled as the old method's pensions (retired before the
      reform) and the transition's (since), each indexed by the history of adjustments, and the
      factor makes the base year's pension spending equal the report's. Where the scenario has no
      transition, the factor scales the formula's pensions in payment instead, and only them.
    * **The deemed contribution index** (视同缴费指数) with ``continuity`` is set so that a man
      retiring at his statutory age in the transition's last year gets the same pension under
      both methods: any uplift of new awards over the plain formula sits in the transitional
      pension and fades as deemed service ends.
    """
    yrs, T = y.years, y.T
    base_year = int(yrs[0])
    ages = np.arange(N_AGES)
    benefit0, benefit = pol0.benefit, pol.benefit
    hist_years = np.arange(HISTORY_START, base_year + 1)
    cum_index = np.cumprod(1 + step_values(y.scenario.assumptions.economy.pension_indexation_history, hist_years))
    # Final pay relative to the previous year's provincial wage, as in the base year (judgment:
    # the relation held in the past): the base of a member in their last year of service.
    wage_prev0 = float(wage_all[base_year - 1 - HISTORY_START])

    def formula(benefit, retire_year, retire_age, deemed_index) -> dict[str, FloatArray]:
        return civil_service_pension_monthly_yuan(
            retire_year, retire_age, calendar_years=calendar, region_wage_yuan=wage_all,
            crediting_rate=crediting, indexed_wage_ratio=indexed_wage_ratio,
            service_start_age=a.service_start_age.value,
            basic_accrual_rate=benefit.basic_accrual_rate.value,
            transitional_coefficient=benefit.transitional_coefficient.value,
            reform_year=benefit.reform_year,
            account_contribution_rate=benefit.account_contribution_rate.value,
            payout_method=a.payout_months_fractional_ages, deemed_contribution_index=deemed_index,
        )

    def award(benefit, retire_year, retire_age, final_base_monthly, level, deemed_index) -> FloatArray:
        f = formula(benefit, retire_year, retire_age, deemed_index)
        if benefit.transition is None:
            return f["total"]
        old = level * old_method_rate(f["service"], benefit.transition.old_method_rate_by_service) * final_base_monthly
        inside, excess = _transition_weights(benefit.transition, retire_year, benefit.reform_year)
        return transition_award(f["total"], old, excess, inside)

    # --- the deemed contribution index
    male = CS_GROUPS.index("male")
    r_ref = float(np.floor(original_ages["male"]))
    final_ratio = float(base_now[0, int(r_ref) - 1]) / wage_prev0

    def deemed_index(benefit, level: float) -> float | None:
        setting = benefit.deemed_contribution_index
        if setting is None:
            return None
        if setting != "continuity":
            return float(setting.value)
        if benefit.transition is None:
            raise CalibrationError("deemed_contribution_index 'continuity' needs a transition "
                                   "(policy.civil_service.benefit.transition)")
        s_ref = np.array([float(np.floor(benefit.transition.end_year))])
        f = formula(benefit, s_ref, r_ref, indexed_wage_ratio)
        per_index = f["transitional"] / indexed_wage_ratio
        if per_index[0] <= 0:
            return indexed_wage_ratio
        final_monthly = final_ratio * wage_all[int(s_ref[0]) - 1 - HISTORY_START] / MONTHS_PER_YEAR
        old = level * old_method_rate(f["service"], benefit.transition.old_method_rate_by_service) * final_monthly
        return float(max(0.0, (old[0] - f["basic"][0] - f["account"][0]) / per_index[0]))

    # --- the stock in payment at the end of the base year, at a level of the old method
    def stock(level: float) -> FloatArray:
        idx = deemed_index(benefit0, level)
        mass = np.zeros_like(retirees0)
        for g, group in enumerate(CS_GROUPS):
            r0 = int(np.floor(original_ages[group]))
            vintage = np.maximum(base_year - (ages[r0:] - r0), HISTORY_START + 1)
            final_monthly = final_ratio * wage_all[vintage - 1 - HISTORY_START] / MONTHS_PER_YEAR
            if benefit0.transition is None:
                at_retirement = level * formula(benefit0, vintage, float(r0), idx)["total"]
            else:
                at_retirement = award(benefit0, vintage, float(r0), final_monthly, level, idx)
            indexed = at_retirement * cum_index[-1] / cum_index[vintage - HISTORY_START]
            mass[g, r0:] = indexed * retirees0[g, r0:]
        return mass

    # Pensions paid in the base year with mid-year timing: the year-end stock, less half a year
    # of those who retired during it, plus half a year of those who died.
    retired_in_base_year = np.zeros_like(retirees0, dtype=bool)
    for g, group in enumerate(CS_GROUPS):
        retired_in_base_year[g, int(np.floor(original_ages[group]))] = True
    deaths_mass_share = q[0]

    def paid_wan(mass: FloatArray) -> float:
        monthly = mass.sum() - 0.5 * mass[retired_in_base_year].sum() + 0.5 * (mass * deaths_mass_share).sum()
        return float(monthly) * MONTHS_PER_YEAR / YUAN_PER_WAN

    funeral0 = float((retirees0 * q[0]).sum()) * grant0_yuan / YUAN_PER_WAN
    target = stated.benefit_expenditure.value - funeral0 - refunds0

    def lump0(mass: FloatArray) -> float:
        return float((mass * q[0]).sum()) * lump_months0 / YUAN_PER_WAN

    def gap(level: float) -> float:
        mass = stock(level)
        return paid_wan(mass) + lump0(mass) - target

    if target <= 0:
        raise CalibrationError(f"civil_service: the stated benefit expenditure "
                               f"{stated.benefit_expenditure.value:,.2f} 万元 leaves nothing for pensions")
    if benefit0.transition is None and benefit0.deemed_contribution_index != "continuity":
        level = cal.scale_to_target(target, gap(1.0) + target, "pensions in payment")  # linear
    else:
        from scipy.optimize import brentq

        lo, hi = 1e-6, 50.0
        if gap(lo) > 0 or gap(hi) < 0:
            raise CalibrationError("civil_service: no level of the old method reproduces the stated "
                                   f"benefit expenditure {stated.benefit_expenditure.value:,.2f} 万元")
        level = float(brentq(gap, lo, hi, xtol=1e-12, rtol=1e-14))
    pension_mass0 = stock(level)
    deemed0 = deemed_index(benefit0, level)
    which = ("level of the old method against final pay (its rates by service apply to basic pay "
             "only); applies to pensions in payment and to the old-method floor of new awards in "
             "the transition") if benefit0.transition is not None else (
             "scale of the formula's pensions in payment; applies to them only, not to new awards")
    calibration.append(Calibrated(
        "civil_service", "pensions_in_payment_level", level, "/1",
        f"benefit_expenditure ({stated.benefit_expenditure.source}) with mid-year timing; {which}",
        reference=1.0, reference_label="the rates as stated",
    ))
    if deemed0 is not None:
        calibration.append(Calibrated(
            "civil_service", "deemed_contribution_index", deemed0, "/1",
            "continuity: the new method meets the old for a man retiring at his statutory age in "
            "the transition's last year; applies to the transitional pension of new awards"
            if benefit0.deemed_contribution_index == "continuity" else "as stated",
            reference=indexed_wage_ratio, reference_label="the members' own indexed wage ratio",
        ))
    calibration.append(Calibrated(
        "civil_service", "mean_pension_monthly_yuan", pension_mass0.sum() / retirees0.sum(), "元/月",
        "pensions in payment at the end of the base year per retiree",
    ))

    # --- new awards of every year (the projection's policy), and the pay they replace
    deemed = deemed0 if benefit.deemed_contribution_index == benefit0.deemed_contribution_index \
        else deemed_index(benefit, level)
    age_index = np.clip(np.floor(mean_retire_age).astype(int) - 1, 0, N_AGES - 1)
    final_base = np.take_along_axis(np.broadcast_to(base_now[:, None, :], mean_retire_age.shape),
                                    age_index, axis=-1)  # (T, G, A) yuan/year
    new_award = award(benefit, yrs[:, None, None].astype(float) + 0 * mean_retire_age,
                      mean_retire_age, final_base / MONTHS_PER_YEAR, level, deemed)
    final_base_mass0 = sum(
        float(retirees0[g, int(np.floor(original_ages[group]))]) * final_ratio
        * wage_all[base_year - 1 - HISTORY_START] for g, group in enumerate(CS_GROUPS))
    return {"pension_mass0": pension_mass0, "new_award": new_award, "final_base": final_base,
            "retired_in_base_year": retired_in_base_year.astype(float),
            "final_base_mass0": final_base_mass0}


def _civil_service_basis(
    scenario: Scenario, observed: Scenario, y: _Years, calibration: list[Calibrated]
) -> CivilServiceBasis:
    base_year = scenario.meta.base_year
    stated = scenario.base_year.civil_service
    a = scenario.assumptions.civil_service
    pol = scenario.policy.civil_service  # from the year after the base year
    pol0 = observed.policy.civil_service  # the base year: as observed
    eco = scenario.assumptions.economy
    mort = scenario.assumptions.mortality
    assert stated is not None and a is not None and pol is not None and pol0 is not None
    yrs, T = y.years, y.T

    # --- mortality
    sexes = [SEXES.index(s) for s in CS_GROUP_SEX]
    qx = life_table(mort.civil_service_table)[sexes]
    mult = np.array([getattr(mort.civil_service_multiplier, g) for g in CS_GROUPS])
    q = death_probabilities(qx, mult, y.values(mort.improvement_rate), yrs, mort.civil_service_table_year)

    # --- retirement (projection policy) and the base-year stock (observed policy)
    hazard, mean_retire_age = retirement_hazard(yrs, _retirement_rules(pol, a))
    original_ages = {g: float(getattr(pol0.retirement_age, g)) for g in CS_GROUPS}

    # --- base-year members (year-end)
    ages = np.arange(N_AGES)
    contributors = stated.contributors.value  # type: ignore[union-attr]
    profile = age_weights(a.contributor_age_profile, normalise=False)
    actives0 = np.zeros((len(CS_GROUPS), N_AGES))
    for g, group in enumerate(CS_GROUPS):
        p = np.where(ages < int(np.floor(original_ages[group])), profile, 0.0)
        if p.sum() <= 0:
            raise CalibrationError(f"contributor age profile leaves no ages below {group}'s retirement age")
        actives0[g] = p / p.sum() * getattr(a.contributor_groups, group) * contributors
    retirees0 = np.zeros_like(actives0)
    inflow_growth = a.retiree_inflow_growth.value
    for g, group in enumerate(CS_GROUPS):
        r0 = int(np.floor(original_ages[group]))
        survival = np.concatenate([[1.0], np.cumprod(1 - q[0, g, r0:-1])])
        weights = survival * (1 + inflow_growth) ** -(ages[r0:] - r0)
        retirees0[g, r0:] = weights / weights.sum() * getattr(a.retiree_groups, group) * stated.beneficiaries.value

    # --- wages and contributions
    calendar, wage_all = _regional_wages(scenario, y)
    wage_prev = wage_all[yrs - 1 - HISTORY_START]  # provincial wage of the previous year
    floor = _history_first(y.values(pol.contribution_base_floor), y.values(pol0.contribution_base_floor)) * wage_prev
    cap = _history_first(y.values(pol.contribution_base_cap), y.values(pol0.contribution_base_cap)) * wage_prev
    er = _history_first(y.values(pol.contribution_rate_employer), y.values(pol0.contribution_rate_employer))
    ee = _history_first(y.values(pol.contribution_rate_individual), y.values(pol0.contribution_rate_individual))
    coll = _history_first(y.values(pol.collection_rate), y.values(pol0.collection_rate))
    scale = age_levels(a.salary_scale)
    level0 = cal.solve_salary_level(
        stated.contribution_income.value, actives0, scale, floor[0], cap[0], (er[0] + ee[0]) * coll[0]
    )
    growth_index = np.cumprod(np.concatenate([[1.0], 1 + y.drivers["wage_growth"][1:]]))
    salary_level = level0 * growth_index
    mean_base = float((actives0 * np.clip(level0 * scale, floor[0], cap[0])).sum() / actives0.sum())
    indexed_wage_ratio = mean_base / wage_prev[0]
    calibration.append(Calibrated(
        "civil_service", "mean_contribution_base_yuan", mean_base, "元/年",
        f"contribution_income ({stated.contribution_income.source})",
        reference=float(wage_all[base_year - HISTORY_START]),
        reference_label="provincial average wage of the base year",
    ))
    calibration.append(Calibrated(
        "civil_service", "indexed_wage_ratio", indexed_wage_ratio, "/1",
        "mean contribution base / provincial wage of the previous year (Ī of the benefit formula)",
    ))

    # --- pensions: the stock in payment calibrated on its own; new awards by the formula
    crediting = step_values(eco.account_crediting_rate, calendar)
    grant = _history_first(y.values(pol.funeral_grant_yuan), y.values(pol0.funeral_grant_yuan))
    lump_months = _history_first(
        np.full(T, pol.survivors_lump_sum_months.value if pol.survivors_lump_sum_months else 0.0),
        np.array([pol0.survivors_lump_sum_months.value if pol0.survivors_lump_sum_months else 0.0]))
    base_now = np.clip(salary_level[:, None] * scale[None, :], floor[:, None], cap[:, None])  # (T, A)
    accounts = _account_balances(pol0.benefit, a, calendar, wage_all, crediting, indexed_wage_ratio, yrs)
    refunds0 = float((actives0 * q[0] * accounts["open"][0]).sum()) / YUAN_PER_WAN
    awards = _civil_service_awards(
        stated, pol, pol0, a, y, q, retirees0, original_ages, mean_retire_age, calendar, wage_all,
        crediting, indexed_wage_ratio, base_now, float(grant[0]), float(lump_months[0]), refunds0,
        calibration,
    )
    indexation, indexation_link = _indexation(pol, y)

    # --- entrants and headcount
    entry = age_weights(a.entry_age_profile)
    entrant_profile = np.array(a.entrant_groups.as_tuple())[:, None] * entry[None, :]
    hc = pol.headcount
    frozen = np.zeros(T)
    if hc.freeze is not None:
        frozen = ((yrs >= hc.freeze.start_year) & (yrs < hc.freeze.start_year + hc.freeze.years)).astype(float)
    frozen[0] = 0.0

    # --- fund
    reserve_start0, interest0 = _opening_reserve(stated, "civil_service", calibration)
    interest_rate = y.values(eco.interest_rate_civil_service).copy()
    interest_rate[0] = interest0
    other_income = np.full(T, stated.other_income.value if stated.other_income else 0.0)
    other_exp = np.full(T, stated.other_expenditure.value if stated.other_expenditure else 0.0)
    payout_monthly = stated.total_expenditure.value / MONTHS_PER_YEAR
    base_months = stated.reserve_end.value / payout_monthly if payout_monthly > 0 else 0.0
    calibration.append(Calibrated(
        "civil_service", "reserve_months_held", base_months, "月",
        "reserve_end / (total_expenditure / 12) in the base year",
    ))

    return CivilServiceBasis(
        death_prob=q[None],
        exit_rate=_row(np.full(T, a.exit_rate.value)),
        retirement_hazard=hazard[None],
        new_pension_monthly_yuan=awards["new_award"][None],
        final_base_yuan=awards["final_base"][None],
        account_balance_open_yuan=accounts["open"][None],
        account_balance_end_yuan=accounts["end"][None],
        survivors_lump_sum_months=_row(lump_months),
        previous_average_wage_yuan=_row(wage_prev),
        retired_in_base_year=awards["retired_in_base_year"][None],
        final_base_mass0=np.array([awards["final_base_mass0"]]),
        entrant_profile=entrant_profile[None],
        headcount_rule=np.array([HEADCOUNT_RULES.index(hc.rule)]),
        headcount_growth=_row(y.optional(hc.growth_rate, 0.0)),
        replacement_ratio=_row(y.optional(hc.replacement_ratio, 1.0)),
        headcount_path=_row(y.optional(hc.path, 0.0)),
        hiring_frozen=_row(frozen),
        salary_level_yuan=_row(salary_level),
        salary_scale=_row(scale),
        base_floor_yuan=_row(floor),
        base_cap_yuan=_row(cap),
        contribution_rate_employer=_row(er),
        contribution_rate_individual=_row(ee),
        collection_rate=_row(coll),
        indexation=_row(indexation),
        indexation_link=_row(indexation_link),
        funeral_grant_yuan=_row(grant),
        interest_rate=_row(interest_rate),
        other_income=_row(other_income),
        other_expenditure=_row(other_exp),
        actives0=actives0[None],
        retirees0=retirees0[None],
        pension_mass0=awards["pension_mass0"][None],
        reserve_start0=np.array([reserve_start0]),
        subsidy0=np.array([stated.subsidy_income.value]),
        **_subsidy_arrays(pol.subsidy, y, base_months),
    )


def _opening_reserve(stated, fund: str, calibration: list[Calibrated]) -> tuple[float, float]:
    """Opening reserve implied by the year-end reserve and the stated income and expenditure
    lines, and the interest rate that earns the stated interest on it."""
    income = (
        stated.contribution_income.value + stated.interest_income.value
        + stated.subsidy_income.value + (stated.other_income.value if stated.other_income else 0.0)
    )
    expenditure = stated.benefit_expenditure.value + (
        stated.other_expenditure.value if stated.other_expenditure else 0.0
    )
    reserve_start = stated.reserve_end.value - (income - expenditure)
    if reserve_start > 0:
        rate = stated.interest_income.value / reserve_start
    elif stated.interest_income.value == 0:
        rate = 0.0
    else:
        raise CalibrationError(
            f"{fund}: the opening reserve implied by the base year is {reserve_start:.2f} 万元, "
            f"so the stated interest {stated.interest_income.value:.2f} 万元 cannot be earned on it"
        )
    calibration.append(Calibrated(
        fund, "reserve_start", reserve_start, "万元",
        "reserve_end − (income lines − expenditure lines) of the base year",
    ))
    calibration.append(Calibrated(
        fund, "interest_rate_base_year", rate, "/1", "interest_income / opening reserve",
    ))
    return reserve_start, rate


def _tier_arrays(a, pol, y: _Years) -> tuple[FloatArray, FloatArray]:
    """Mean contribution and mean contribution subsidy per contributor (元/年) by year."""
    cs = pol.contribution_subsidy

    def means(mix: dict[int, float]) -> tuple[float, float]:
        tiers = np.array(list(mix), dtype=float)
        shares = np.array(list(mix.values()), dtype=float)
        subsidy = np.where(tiers >= cs.threshold_tier_yuan, cs.from_threshold_yuan, cs.below_threshold_yuan)
        return float(tiers @ shares), float(subsidy @ shares)

    base = means(a.tier_mix)
    contribution = np.full(y.T, base[0])
    subsidy = np.full(y.T, base[1])
    for year, mix in (a.tier_mix_by_year or {}).items():
        later = y.years >= max(year, y.years[0] + 1)
        contribution[later], subsidy[later] = means(mix)
    return contribution, subsidy


def _residents_basis(
    scenario: Scenario, observed: Scenario, y: _Years, calibration: list[Calibrated]
) -> ResidentsBasis:
    stated = scenario.base_year.residents
    a = scenario.assumptions.residents
    popa = scenario.assumptions.population
    pol = scenario.policy.residents
    pol0 = observed.policy.residents
    mort = scenario.assumptions.mortality
    assert stated is not None and a is not None and pol is not None and popa is not None and pol0 is not None
    yrs, T = y.years, y.T
    ages = np.arange(N_AGES)

    qx = life_table(mort.residents_table)
    mult = np.array([mort.residents_multiplier.male, mort.residents_multiplier.female])
    q = death_probabilities(qx, mult, y.values(mort.improvement_rate), yrs, mort.residents_table_year)

    # --- population
    structure = age_weights(popa.age_structure)
    male = popa.male_share.value
    sex_split = np.array([male, 1 - male])
    population0 = popa.total_persons.value * sex_split[:, None] * structure[None, :]
    srb = popa.sex_ratio_at_birth.value
    fertility = fertility_schedule(y.values(popa.total_fertility_rate), popa.mean_age_at_birth.value)
    migration_profile = sex_split[:, None] * age_weights(popa.migration_age_profile)[None, :]

    # --- beneficiaries (observed policy)
    pension_age0 = int(round(pol0.pension_age.value))
    older = population0[:, pension_age0:].sum()
    stock_share = stated.beneficiaries.value / older
    if stock_share > 1:
        raise CalibrationError(
            f"residents: {stated.beneficiaries.value:.0f} beneficiaries exceed the "
            f"{older:.0f} people aged {pension_age0}+ of the population assumption"
        )
    beneficiaries0 = np.where(ages[None, :] >= pension_age0, population0 * stock_share, 0.0)
    area = popa.age_structure_of
    flag = ("" if area == "county" else
            f"; the age structure is the {area}'s, not the county's: a share near 1 says the "
            "county has more older people than that structure gives")
    calibration.append(Calibrated(
        "residents", "beneficiaries_share_of_older", stock_share, "/1",
        f"beneficiaries ({stated.beneficiaries.source}) / population aged {pension_age0}+{flag}",
    ))
    stated_uptake = a.uptake_at_pension_age
    uptake = stated_uptake.value if stated_uptake is not None else stock_share
    calibration.append(Calibrated(
        "residents", "uptake_at_pension_age", uptake, "/1",
        f"as stated ({stated_uptake.source})" if stated_uptake is not None
        else "none stated: the base year's share of beneficiaries among the older population",
        reference=stock_share, reference_label="the base year's share among the older population",
    ))

    # --- contributors and contributions
    def ages_of(p) -> FloatArray:
        return ((ages >= p.contribution_age_from) & (ages <= p.contribution_age_to)).astype(float)

    contribution_ages = np.repeat(ages_of(pol)[None, :], T, 0)
    contribution_ages[0] = ages_of(pol0)
    at_contribution_ages = (population0 * contribution_ages[0]).sum()
    per_contributor, subsidy_per_contributor = _tier_arrays(a, pol, y)
    _, subsidy_per_contributor0 = _tier_arrays(a, pol0, y)
    subsidy_per_contributor[0] = subsidy_per_contributor0[0]
    if stated.contributors is not None and stated.contributors.value > 0:
        contributors0 = stated.contributors.value
        mean_tier = per_contributor[0]
        per_contributor = per_contributor * (stated.contribution_income.value * YUAN_PER_WAN
                                             / contributors0 / mean_tier)
        calibration.append(Calibrated(
            "residents", "contribution_per_contributor_yuan", per_contributor[0], "元/年",
            "contribution_income / stated contributors", reference=mean_tier,
            reference_label="mean of the tier mix",
        ))
    else:
        contributors0 = stated.contribution_income.value * YUAN_PER_WAN / per_contributor[0]
        calibration.append(Calibrated(
            "residents", "contributors", contributors0, "人",
            f"contribution_income ({stated.contribution_income.source}) / mean tier of the tier mix",
        ))
    contributor_rate0 = contributors0 / at_contribution_ages
    contributor_rate = _history_first(y.optional(pol.participation_rate, contributor_rate0),
                                      np.array([contributor_rate0]))
    calibration.append(Calibrated(
        "residents", "contributor_rate", contributor_rate0, "/1",
        f"contributors / population aged {pol0.contribution_age_from}–{pol0.contribution_age_to}",
    ))

    # --- pensions
    deaths0 = (beneficiaries0 * q[0]).sum()

    def grants(p) -> FloatArray | None:
        return None if p.funeral_grant_yuan == "from_budget" else y.values(p.funeral_grant_yuan)

    grant0_path = grants(pol0)
    if grant0_path is None:
        if stated.expenditure_budget_funeral is None:
            raise CalibrationError(
                "residents: funeral_grant_yuan is 'from_budget' but the base year states no "
                "expenditure_budget_funeral"
            )
        grant0 = stated.expenditure_budget_funeral.value * YUAN_PER_WAN / deaths0
        calibration.append(Calibrated(
            "residents", "funeral_grant_yuan", grant0, "元",
            f"expenditure_budget_funeral ({stated.expenditure_budget_funeral.source}) / expected deaths of beneficiaries",
        ))
    else:
        grant0 = float(grant0_path[0])
    grant_schedule = None if pol.funeral_grant_yuan == "from_budget" else pol.funeral_grant_yuan
    grant, grant_link = _uprated_amount(grant_schedule, grant0, pol.funeral_grant_uprating, y)
    grant = _history_first(grant, np.array([grant0]))
    funeral0 = deaths0 * grant0 / YUAN_PER_WAN

    # Individual accounts: the balance per resident by age (contributions and subsidies credited
    # since the scheme began, at the contributor rate), which new beneficiaries turn into an
    # account pension and the heirs of those who die are refunded (继承).
    calendar = np.arange(min(a.scheme_start_year, yrs[0]) - 1, yrs[-1] + 2)
    in_proj = np.clip(calendar - yrs[0], 0, T - 1)
    yearly = (per_contributor + subsidy_per_contributor) * contributor_rate
    credit = np.where(calendar >= a.scheme_start_year,
                      np.where(calendar <= yrs[0], yearly[0], yearly[in_proj]), 0.0)
    crediting = step_values(a.account_crediting_rate, calendar)
    span = pol.contribution_age_to - pol.contribution_age_from + 1
    balance = account_balance_at_retirement(yrs, np.maximum(yrs - span, a.scheme_start_year),
                                            calendar, credit, crediting)
    new_account = balance / pol.account_divisor_months.value
    contributing = (ages >= pol.contribution_age_from) & (ages <= pol.contribution_age_to)
    started = np.maximum(yrs[:, None] - (ages[None, :] - pol.contribution_age_from), a.scheme_start_year)
    balance_by_age = np.where(contributing[None, :], account_balance_at_retirement(
        np.broadcast_to(yrs[:, None], started.shape).astype(float), started.astype(float),
        calendar, credit, crediting), 0.0)  # (T, A) yuan per resident at the start of year t
    # A beneficiary's account pays divisor months; what is left at death goes to the heirs.
    divisor = pol.account_divisor_months.value
    def refund_months_at(pension_age: int) -> FloatArray:
        return np.maximum(divisor - MONTHS_PER_YEAR * (ages - pension_age) - 6, 0.0) * (ages >= pension_age)

    refund_months = refund_months_at(int(round(pol.pension_age.value)))

    # Base year with mid-year timing: the year-end beneficiaries, less half a year of those who
    # reached the pension age during it, plus half a year of those who died.
    entered0 = beneficiaries0[:, pension_age0].sum()
    exposed0 = beneficiaries0.sum() - 0.5 * entered0 + 0.5 * deaths0
    refunds_contributors0 = float((population0 * q[0] * balance_by_age[0]).sum()) / YUAN_PER_WAN
    account_share = a.account_pension_share.value
    available = stated.benefit_expenditure.value - funeral0 - refunds_contributors0
    per_death = float((beneficiaries0 * q[0] * refund_months_at(pension_age0)).sum()) / YUAN_PER_WAN
    # account pension per head x solves 12·x·exposed = share · (available − x · per_death)
    account_per_head = account_share * available / (MONTHS_PER_YEAR * exposed0 / YUAN_PER_WAN
                                                    + account_share * per_death)
    refunds0 = refunds_contributors0 + account_per_head * per_death
    pensions0 = stated.benefit_expenditure.value - funeral0 - refunds0
    account_mass0 = beneficiaries0 * account_per_head
    basic_per_head = cal.monthly_per_head_yuan(pensions0 * (1 - account_share), exposed0)
    central0 = float(y.values(pol0.basic_pension_central_monthly_yuan)[0])
    central, central_link = _uprated_amount(pol.basic_pension_central_monthly_yuan, central0,
                                            pol.basic_pension_uprating, y)
    central = _history_first(central, np.array([central0]))
    top_up0 = basic_per_head - central[0]
    if top_up0 < 0:
        raise CalibrationError(
            f"residents: the base-year pension spending gives {basic_per_head:.2f} 元/月 of basic "
            f"pension per beneficiary, below the central minimum {central[0]:.2f} 元/月"
        )
    top_up, top_up_link = _uprated_amount(pol.basic_pension_top_up_monthly_yuan, top_up0,
                                          pol.basic_pension_uprating, y)
    top_up = _history_first(top_up, np.array([top_up0]))
    calibration.append(Calibrated(
        "residents", "top_up_pension_monthly_yuan", top_up0, "元/月",
        f"benefit_expenditure ({stated.benefit_expenditure.source}) less funeral grants, "
        "account refunds and account pensions, per beneficiary (mid-year), less the central minimum",
    ))

    reserve_start0, interest0 = _opening_reserve(stated, "residents", calibration)
    interest_rate = y.values(scenario.assumptions.economy.interest_rate_residents).copy()
    interest_rate[0] = interest0
    other_ratio = (stated.other_income.value if stated.other_income else 0.0) / stated.contribution_income.value
    calibration.append(Calibrated(
        "residents", "other_income_ratio", other_ratio, "/1",
        "other_income / contribution_income (both as stated in the base year)",
    ))
    payout_monthly = stated.total_expenditure.value / MONTHS_PER_YEAR
    base_months = stated.reserve_end.value / payout_monthly if payout_monthly > 0 else 0.0
    def funding_of(p) -> FloatArray:
        f = p.funding
        return np.array([[getattr(s, lv) for lv in GOVERNMENT_LEVELS]
                         for s in (f.central_minimum, f.local_top_up, f.contribution_subsidy, f.funeral_grant)])

    funding, funding0 = funding_of(pol), funding_of(pol0)
    other_exp = np.full(T, stated.other_expenditure.value if stated.other_expenditure else 0.0)

    return ResidentsBasis(
        death_prob=q[None],
        fertility=fertility[None],
        male_share_of_births=np.array([srb / (1 + srb)]),
        net_migration_rate=_row(y.values(popa.net_migration_rate)),
        migration_profile=migration_profile[None],
        pension_age=int(round(pol.pension_age.value)),
        uptake=np.array([uptake]),
        contribution_ages=contribution_ages[None],
        contributor_rate=_row(contributor_rate),
        contribution_per_contributor_yuan=_row(per_contributor),
        contribution_subsidy_per_contributor_yuan=_row(subsidy_per_contributor),
        central_pension_monthly_yuan=_row(central),
        central_pension_link=_row(central_link),
        top_up_pension_monthly_yuan=_row(top_up),
        top_up_pension_link=_row(top_up_link),
        new_account_pension_monthly_yuan=_row(new_account),
        account_balance_by_age_yuan=balance_by_age[None],
        account_refund_months=refund_months[None],
        exposed0=np.array([exposed0]),
        account_refunds0=np.array([refunds0]),
        funeral_grant_yuan=_row(grant),
        funeral_grant_link=_row(grant_link),
        other_income_ratio=np.array([other_ratio]),
        interest_rate=_row(interest_rate),
        account_crediting_rate=_row(y.values(a.account_crediting_rate)),
        funding_shares=funding[None],
        funding_shares0=funding0[None],
        other_expenditure=_row(other_exp),
        population0=population0[None],
        beneficiaries0=beneficiaries0[None],
        account_pension_mass0=account_mass0[None],
        reserve_start0=np.array([reserve_start0]),
        account_liability0=np.array([a.account_liability_share_of_reserve.value * stated.reserve_end.value]),
        subsidy0=np.array([stated.subsidy_income.value]),
        **_subsidy_arrays(pol.subsidy, y, base_months),
    )


def stack_bases(bases: list[Basis]) -> Basis:
    """Stack bases of the same years and funds on the batch axis.

    Arrays equal in every basis stay of length 1 (broadcast), so stacking many variants of one
    scenario costs memory only for what differs.
    """
    first = bases[0]
    for b in bases[1:]:
        if not np.array_equal(b.years, first.years):
            raise CalibrationError("cannot stack projections over different years")
    parts = {}
    for name in ("civil_service", "residents"):
        items = [getattr(b, name) for b in bases]
        if any(i is None for i in items):
            if not all(i is None for i in items):
                raise CalibrationError(f"cannot stack: only some scenarios have the {name} fund")
            parts[name] = None
            continue
        values = {}
        for f in fields(items[0]):
            arrs = [getattr(i, f.name) for i in items]
            if not isinstance(arrs[0], np.ndarray):
                if any(x != arrs[0] for x in arrs):
                    raise CalibrationError(f"cannot stack: {name}.{f.name} differs")
                values[f.name] = arrs[0]
            elif all(x.shape == arrs[0].shape and np.array_equal(x, arrs[0]) for x in arrs[1:]):
                values[f.name] = arrs[0]
            else:
                values[f.name] = np.concatenate(
                    [np.broadcast_to(x, (1,) + np.shape(x)[1:]) if x.shape[0] == 1 else x for x in arrs]
                )
        parts[name] = replace(items[0], **values)
    return Basis(years=first.years, calibration=first.calibration, **parts)
