"""Pensions: civil-service awards (the formula, the old/new transition, pensions in payment),
indexation, individual accounts, and the residents' basic and account pensions.
"""

from __future__ import annotations

import numpy as np

from model.engine import calibrate as cal
from model.engine.axes import CS_GROUPS, N_AGES, FloatArray, IntArray
from model.engine.basis.wages import HISTORY_START
from model.engine.basis.years import Years, history_first, rule_growth, uprated_amount
from model.engine.benefits import (
    account_balance_at_retirement,
    civil_service_pension_monthly_yuan,
    old_method_rate,
    transition_award,
)
from model.engine.calibrate import Calibrated
from model.engine.roots import brent_root
from model.engine.tables import age_weights
from model.errors import CalibrationError
from model.scenario.schedule import last_stated_year, step_values
from model.scenario.schema import needed
from model.units import MONTHS_PER_YEAR, YUAN_PER_WAN, readable


def indexation_rates(pol, y: Years) -> tuple[FloatArray, FloatArray]:
    """Published or fixed rates; after the last of them, the rule where there is one. Returns
    the rates (T,) and their link to wages and prices (T, 2), zero where a rate is stated."""
    rates = y.values(pol.indexation)
    rule = pol.indexation_rule
    if rule is None:
        return rates, np.zeros((y.T, 2))
    last = last_stated_year(pol.indexation)
    after = y.years > (last if last is not None else y.years[0])
    linked, link = rule_growth(rule, y, after)
    return np.where(after, linked, rates), link


def account_balances(
    benefit,
    a,
    calendar: IntArray,
    wage_all: FloatArray,
    crediting: FloatArray,
    indexed_wage_ratio: float,
    yrs: IntArray,
) -> dict[str, FloatArray]:
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


def transition_weights(
    transition, years: FloatArray, reform_year: float, y: Years | None = None
) -> tuple[FloatArray, FloatArray]:
    """For retirements in calendar ``years``: the share of each year inside the transition, and
    the share of the new method's excess paid then."""
    years = np.asarray(years, dtype=float)
    if transition is None:
        return np.zeros(years.shape), np.ones(years.shape)
    inside = np.clip(
        np.minimum(years + 1, transition.end_year) - np.maximum(years, reform_year), 0, 1
    )
    excess = step_values(transition.excess_share_paid, years.astype(int).ravel()).reshape(
        years.shape
    )
    return inside, excess


def civil_service_awards(
    stated,
    pol,
    pol0,
    a,
    y: Years,
    q: FloatArray,
    retirees0: FloatArray,
    original_ages: dict[str, float],
    mean_retire_age: FloatArray,
    calendar: IntArray,
    wage_all: FloatArray,
    crediting: FloatArray,
    indexed_wage_ratio: float,
    base_now: FloatArray,
    grant0_yuan: float,
    lump_months0: float,
    refunds0: float,
    calibration: list[Calibrated],
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
    yrs = y.years
    base_year = int(yrs[0])
    ages = np.arange(N_AGES)
    benefit0, benefit = pol0.benefit, pol.benefit
    hist_years = np.arange(HISTORY_START, base_year + 1)
    cum_index = np.cumprod(
        1
        + step_values(
            needed(
                y.scenario.assumptions.economy.pension_indexation_history,
                "pension_indexation_history",
            ),
            hist_years,
        )
    )
    # Final pay relative to the previous year's provincial wage, as in the base year (judgment:
    # the relation held in the past): the base of a member in their last year of service.
    wage_prev0 = float(wage_all[base_year - 1 - HISTORY_START])

    def formula(benefit, retire_year, retire_age, deemed_index) -> dict[str, FloatArray]:
        return civil_service_pension_monthly_yuan(
            retire_year,
            retire_age,
            calendar_years=calendar,
            region_wage_yuan=wage_all,
            crediting_rate=crediting,
            indexed_wage_ratio=indexed_wage_ratio,
            service_start_age=a.service_start_age.value,
            basic_accrual_rate=benefit.basic_accrual_rate.value,
            transitional_coefficient=benefit.transitional_coefficient.value,
            reform_year=benefit.reform_year,
            account_contribution_rate=benefit.account_contribution_rate.value,
            payout_method=a.payout_months_fractional_ages,
            deemed_contribution_index=deemed_index,
        )

    def award(
        benefit, retire_year, retire_age, final_base_monthly, level, deemed_index
    ) -> FloatArray:
        f = formula(benefit, retire_year, retire_age, deemed_index)
        if benefit.transition is None:
            return f["total"]
        old = (
            level
            * old_method_rate(f["service"], benefit.transition.old_method_rate_by_service)
            * final_base_monthly
        )
        inside, excess = transition_weights(benefit.transition, retire_year, benefit.reform_year)
        return transition_award(f["total"], old, excess, inside)

    # --- the deemed contribution index
    r_ref = float(np.floor(original_ages["male"]))
    final_ratio = float(base_now[0, int(r_ref) - 1]) / wage_prev0

    def deemed_index(benefit, level: float) -> float | None:
        setting = benefit.deemed_contribution_index
        if setting is None:
            return None
        if setting != "continuity":
            return float(setting.value)
        if benefit.transition is None:
            raise CalibrationError(
                "'continuity' needs a transition between the old and new "
                "methods; expected policy.civil_service.benefit.transition",
                ("policy.civil_service.benefit.deemed_contribution_index",),
            )
        s_ref = np.array([float(np.floor(benefit.transition.end_year))])
        f = formula(benefit, s_ref, r_ref, indexed_wage_ratio)
        per_index = f["transitional"] / indexed_wage_ratio
        if per_index[0] <= 0:
            return indexed_wage_ratio
        final_monthly = final_ratio * wage_all[int(s_ref[0]) - 1 - HISTORY_START] / MONTHS_PER_YEAR
        old = (
            level
            * old_method_rate(f["service"], benefit.transition.old_method_rate_by_service)
            * final_monthly
        )
        return float(max(0.0, (old[0] - f["basic"][0] - f["account"][0]) / per_index[0]))

    pension_scale = (
        age_weights(a.pension_scale, normalise=False) if a.pension_scale is not None else None
    )

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
            if pension_scale is not None:
                # A stated pension-by-age shape (a roster) replaces the formula's shape across
                # ages; the group's mean pension stays the formula's, so the level is still fitted.
                heads = retirees0[g, r0:]
                if heads.sum() > 0:
                    shape = pension_scale[r0:]
                    mean_shape = (shape * heads).sum() / heads.sum()
                    if mean_shape > 0:
                        indexed = shape / mean_shape * (indexed * heads).sum() / heads.sum()
            mass[g, r0:] = indexed * retirees0[g, r0:]
        return mass

    # Pensions paid in the base year with mid-year timing: the year-end stock, less half a year
    # of those who retired during it, plus half a year of those who died.
    retired_in_base_year = np.zeros_like(retirees0, dtype=bool)
    for g, group in enumerate(CS_GROUPS):
        retired_in_base_year[g, int(np.floor(original_ages[group]))] = True
    deaths_mass_share = q[0]

    def paid_wan(mass: FloatArray) -> float:
        monthly = (
            mass.sum()
            - 0.5 * mass[retired_in_base_year].sum()
            + 0.5 * (mass * deaths_mass_share).sum()
        )
        return float(monthly) * MONTHS_PER_YEAR / YUAN_PER_WAN

    funeral0 = float((retirees0 * q[0]).sum()) * grant0_yuan / YUAN_PER_WAN
    target = stated.benefit_expenditure.value - funeral0 - refunds0

    def lump0(mass: FloatArray) -> float:
        return float((mass * q[0]).sum()) * lump_months0 / YUAN_PER_WAN

    def gap(level: float) -> float:
        mass = stock(level)
        return paid_wan(mass) + lump0(mass) - target

    if target <= 0:
        raise CalibrationError(
            f"the stated benefit expenditure {stated.benefit_expenditure.value:,.2f} "
            "万元 leaves nothing for pensions after grants and refunds at death",
            ("base_year.civil_service.benefit_expenditure",),
        )
    if benefit0.transition is None and benefit0.deemed_contribution_index != "continuity":
        level = cal.scale_to_target(
            target,
            gap(1.0) + target,
            "pensions in payment",
            ("base_year.civil_service.beneficiaries",),
        )  # linear
    else:
        lo, hi = 1e-6, 50.0
        if gap(lo) > 0 or gap(hi) < 0:
            raise CalibrationError(
                "no level of the old method reproduces the stated benefit "
                f"expenditure {readable(stated.benefit_expenditure.value)} 万元 "
                f"for {readable(stated.beneficiaries.value, 0)} retirees; "
                "expected spending that the pensions of that many retirees "
                "can add up to",
                (
                    "base_year.civil_service.benefit_expenditure",
                    "base_year.civil_service.beneficiaries",
                ),
            )
        level = brent_root(gap, lo, hi, xtol=1e-12, rtol=1e-14)
    pension_mass0 = stock(level)
    cal.check_plausible(
        "pension_monthly_yuan",
        float(pension_mass0.sum() / retirees0.sum()),
        "a mean pension in payment (元/月)",
        ("base_year.civil_service.benefit_expenditure", "base_year.civil_service.beneficiaries"),
    )
    deemed0 = deemed_index(benefit0, level)
    which = (
        (
            "level of the old method against final pay (its rates by service apply to basic pay "
            "only); applies to pensions in payment and to the old-method floor of new awards in "
            "the transition"
        )
        if benefit0.transition is not None
        else ("scale of the formula's pensions in payment; applies to them only, not to new awards")
    )
    calibration.append(
        Calibrated(
            "civil_service",
            "pensions_in_payment_level",
            level,
            "/1",
            f"benefit_expenditure ({stated.benefit_expenditure.source}) with mid-year timing; "
            f"{which}",
            reference=1.0,
            reference_label="the rates as stated",
        )
    )
    if deemed0 is not None:
        calibration.append(
            Calibrated(
                "civil_service",
                "deemed_contribution_index",
                deemed0,
                "/1",
                (
                    "continuity: the new method meets the old for a man retiring at his statutory "
                    "age in the transition's last year; applies to the transitional pension of new "
                    "awards"
                )
                if benefit0.deemed_contribution_index == "continuity"
                else "as stated",
                reference=indexed_wage_ratio,
                reference_label="the members' own indexed wage ratio",
            )
        )
    calibration.append(
        Calibrated(
            "civil_service",
            "mean_pension_monthly_yuan",
            pension_mass0.sum() / retirees0.sum(),
            "元/月",
            "pensions in payment at the end of the base year per retiree",
        )
    )

    # --- new awards of every year (the projection's policy), and the pay they replace
    deemed = (
        deemed0
        if benefit.deemed_contribution_index == benefit0.deemed_contribution_index
        else deemed_index(benefit, level)
    )
    age_index = np.clip(np.floor(mean_retire_age).astype(int) - 1, 0, N_AGES - 1)
    final_base = np.take_along_axis(
        np.broadcast_to(base_now[:, None, :], mean_retire_age.shape), age_index, axis=-1
    )  # (T, G, A) yuan/year
    new_award = award(
        benefit,
        yrs[:, None, None].astype(float) + 0 * mean_retire_age,
        mean_retire_age,
        final_base / MONTHS_PER_YEAR,
        level,
        deemed,
    )
    final_base_mass0 = sum(
        float(retirees0[g, int(np.floor(original_ages[group]))])
        * final_ratio
        * wage_all[base_year - 1 - HISTORY_START]
        for g, group in enumerate(CS_GROUPS)
    )
    return {
        "pension_mass0": pension_mass0,
        "new_award": new_award,
        "final_base": final_base,
        "retired_in_base_year": retired_in_base_year.astype(float),
        "final_base_mass0": final_base_mass0,
    }


def residents_pensions(
    stated,
    a,
    pol,
    pol0,
    y: Years,
    q: FloatArray,
    population0: FloatArray,
    beneficiaries0: FloatArray,
    contributions: dict[str, FloatArray],
    calibration: list[Calibrated],
) -> dict[str, FloatArray]:
    """The residents' pensions: the funeral grant, the individual accounts (the balance per
    resident by age, new beneficiaries' account pension, what is refunded at death), and the
    basic pension (central minimum and the local top-up calibrated to the base year's spending
    with mid-year timing), with the rules by which they grow."""
    ages = np.arange(N_AGES)
    yrs, T = y.years, y.T
    pension_age0 = int(round(pol0.pension_age.value))
    deaths0 = (beneficiaries0 * q[0]).sum()

    # --- the funeral grant
    if pol0.funeral_grant_yuan == "from_budget":
        if stated.expenditure_budget_funeral is None:
            raise CalibrationError(
                "'from_budget' needs the base year's funeral budget; expected "
                "base_year.residents.expenditure_budget_funeral or an amount here",
                ("policy.residents.funeral_grant_yuan",),
            )
        grant0 = stated.expenditure_budget_funeral.value * YUAN_PER_WAN / deaths0
        calibration.append(
            Calibrated(
                "residents",
                "funeral_grant_yuan",
                grant0,
                "元",
                f"expenditure_budget_funeral ({stated.expenditure_budget_funeral.source}) "
                "/ expected deaths of beneficiaries",
            )
        )
    else:
        grant0 = float(y.values(pol0.funeral_grant_yuan)[0])
    grant_schedule = None if pol.funeral_grant_yuan == "from_budget" else pol.funeral_grant_yuan
    grant, grant_link = uprated_amount(grant_schedule, grant0, pol.funeral_grant_uprating, y)
    grant = history_first(grant, np.array([grant0]))
    funeral0 = deaths0 * grant0 / YUAN_PER_WAN

    # --- individual accounts: the balance per resident by age (contributions and subsidies
    # credited since the scheme began, at the contributor rate), which new beneficiaries turn
    # into an account pension and the heirs of those who die are refunded (继承).
    calendar = np.arange(min(a.scheme_start_year, yrs[0]) - 1, yrs[-1] + 2)
    in_proj = np.clip(calendar - yrs[0], 0, T - 1)
    yearly = (
        contributions["contribution_per_contributor_yuan"]
        + contributions["contribution_subsidy_per_contributor_yuan"]
    ) * contributions["contributor_rate"]
    credit = np.where(
        calendar >= a.scheme_start_year,
        np.where(calendar <= yrs[0], yearly[0], yearly[in_proj]),
        0.0,
    )
    crediting = step_values(a.account_crediting_rate, calendar)
    span = pol.contribution_age_to - pol.contribution_age_from + 1
    balance = account_balance_at_retirement(
        yrs, np.maximum(yrs - span, a.scheme_start_year), calendar, credit, crediting
    )
    new_account = balance / pol.account_divisor_months.value
    contributing = (ages >= pol.contribution_age_from) & (ages <= pol.contribution_age_to)
    started = np.maximum(
        yrs[:, None] - (ages[None, :] - pol.contribution_age_from), a.scheme_start_year
    )
    balance_by_age = np.where(
        contributing[None, :],
        account_balance_at_retirement(
            np.broadcast_to(yrs[:, None], started.shape).astype(float),
            started.astype(float),
            calendar,
            credit,
            crediting,
        ),
        0.0,
    )  # (T, A) yuan per resident at the start of year t
    # A beneficiary's account pays divisor months; what is left at death goes to the heirs.
    divisor = pol.account_divisor_months.value

    def refund_months_at(pension_age: int) -> FloatArray:
        return np.maximum(divisor - MONTHS_PER_YEAR * (ages - pension_age) - 6, 0.0) * (
            ages >= pension_age
        )

    # --- the base year with mid-year timing: the year-end beneficiaries, less half a year of
    # those who reached the pension age during it, plus half a year of those who died.
    entered0 = beneficiaries0[:, pension_age0].sum()
    exposed0 = beneficiaries0.sum() - 0.5 * entered0 + 0.5 * deaths0
    refunds_contributors0 = float((population0 * q[0] * balance_by_age[0]).sum()) / YUAN_PER_WAN
    account_share = a.account_pension_share.value
    available = stated.benefit_expenditure.value - funeral0 - refunds_contributors0
    per_death = float((beneficiaries0 * q[0] * refund_months_at(pension_age0)).sum()) / YUAN_PER_WAN
    # account pension per head x solves 12·x·exposed = share · (available − x · per_death)
    account_per_head = (
        account_share
        * available
        / (MONTHS_PER_YEAR * exposed0 / YUAN_PER_WAN + account_share * per_death)
    )
    refunds0 = refunds_contributors0 + account_per_head * per_death
    pensions0 = stated.benefit_expenditure.value - funeral0 - refunds0

    # --- the basic pension
    basic_per_head = cal.monthly_per_head_yuan(
        pensions0 * (1 - account_share), exposed0, ("base_year.residents.beneficiaries",)
    )
    cal.check_plausible(
        "residents_pension_monthly_yuan",
        basic_per_head + account_per_head,
        "a mean pension per beneficiary (元/月)",
        ("base_year.residents.benefit_expenditure", "base_year.residents.beneficiaries"),
    )
    central0 = float(y.values(pol0.basic_pension_central_monthly_yuan)[0])
    central, central_link = uprated_amount(
        pol.basic_pension_central_monthly_yuan, central0, pol.basic_pension_uprating, y
    )
    central = history_first(central, np.array([central0]))
    top_up0 = basic_per_head - central[0]
    if top_up0 < 0:
        raise CalibrationError(
            f"the base-year pension spending gives {basic_per_head:,.2f} 元/月 of basic pension "
            f"per beneficiary, below the central minimum {central[0]:,.2f} 元/月; expected "
            "spending that pays at least the central minimum",
            (
                "base_year.residents.benefit_expenditure",
                "base_year.residents.beneficiaries",
                "policy.residents.basic_pension_central_monthly_yuan",
            ),
        )
    top_up, top_up_link = uprated_amount(
        pol.basic_pension_top_up_monthly_yuan, top_up0, pol.basic_pension_uprating, y
    )
    top_up = history_first(top_up, np.array([top_up0]))
    calibration.append(
        Calibrated(
            "residents",
            "top_up_pension_monthly_yuan",
            top_up0,
            "元/月",
            f"benefit_expenditure ({stated.benefit_expenditure.source}) less funeral grants, "
            "account refunds and account pensions, per beneficiary (mid-year), "
            "less the central minimum",
        )
    )
    return {
        "central": central,
        "central_link": central_link,
        "top_up": top_up,
        "top_up_link": top_up_link,
        "new_account": new_account,
        "balance_by_age": balance_by_age,
        "refund_months": refund_months_at(int(round(pol.pension_age.value))),
        "exposed0": exposed0,
        "refunds0": refunds0,
        "grant": grant,
        "grant_link": grant_link,
        "account_mass0": beneficiaries0 * account_per_head,
    }
