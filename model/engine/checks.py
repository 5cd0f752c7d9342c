"""Accounting identities, run on every projection.

* reserve: ``reserve_end = reserve_start + total_income − total_expenditure`` and
  ``reserve_start[t] = reserve_end[t−1]``;
* income and expenditure: totals equal the sum of their lines;
* heads: ``closing = opening + entrants − deaths − exits`` for every fund and year
  (civil-service contributors and retirees; county population; residents' beneficiaries);
* subsidy: under ``fill_gap`` the subsidy paid equals the subsidy need, less any subsidy
  withheld (arrears) plus last year's withheld subsidy paid late;
* members: where the member arrays by group and age are kept, they add up to the counted heads
  (the loop carries group totals from year to year, so this checks the arrays against them);
* numbers: every series is finite (ratios per head, empty in a year with nobody to divide by,
  and months of payouts, infinite with no expenditure, excepted) and no head count is negative.

A failure names the fund, year, identity, expected and actual values and the residual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Relative tolerance of an identity (floating-point rounding only).
IDENTITY_RTOL = 1e-9
#: Absolute floor of the tolerance: 万元 for money, persons for heads.
IDENTITY_ATOL = 1e-6


@dataclass(frozen=True)
class IdentityFailure:
    fund: str
    year: int
    identity: str
    expected: float
    actual: float

    @property
    def residual(self) -> float:
        return self.actual - self.expected

    def __str__(self) -> str:
        return (
            f"{self.fund} {self.year}: {self.identity}: expected {self.expected:.6f}, "
            f"got {self.actual:.6f} (residual {self.residual:.3g})"
        )


def _compare(fund, years, identity, expected, actual, out, start=0):
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    tol = IDENTITY_ATOL + IDENTITY_RTOL * np.maximum(np.abs(expected), np.abs(actual))
    bad = np.abs(actual - expected) > tol
    bad[..., :start] = False
    for b, t in zip(*np.nonzero(bad), strict=True):
        out.append(
            IdentityFailure(
                fund,
                int(years[t]),
                identity + (f" [batch {b}]" if expected.shape[0] > 1 else ""),
                float(expected[b, t]),
                float(actual[b, t]),
            )
        )


#: Series that may be NaN (a ratio per head in a year with nobody to divide by) or infinite
#: (months of payouts held with no expenditure).
MAY_BE_UNDEFINED = frozenset(
    {
        "new_award_mean_monthly_yuan",
        "new_award_to_average_wage",
        "replacement_rate",
        "pension_in_payment_mean_monthly_yuan",
        "pension_in_payment_to_average_wage",
        "months_of_payout",
    }
)
#: Head counts, by series and member array; none may be negative.
HEAD_SERIES = (
    "contributors",
    "beneficiaries",
    "population_total",
    "contributors_start",
    "beneficiaries_start",
    "population_start",
    "entrants",
    "retirements",
    "exits",
    "deaths_active",
    "deaths_retired",
    "deaths",
    "deaths_beneficiaries",
    "new_beneficiaries",
    "births",
    "actives",
    "retirees",
    "population",
    "beneficiaries_by_age",
)
#: Member arrays (B, T, G, A) and the counted heads (B, T) they must add up to.
MEMBER_TOTALS = {
    "actives": "contributors",
    "retirees": "beneficiaries",
    "population": "population_total",
    "beneficiaries_by_age": "beneficiaries",
}
#: Each fund's head counts that roll forward from year to year: the identity in words, the
#: closing series, the opening series and the flows added (+) or taken away (−), in that order.
HEAD_FLOWS: dict[str, tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]] = {
    "civil_service": (
        (
            "contributors = opening + entrants − deaths − exits − retirements",
            "contributors",
            "contributors_start",
            (("+", "entrants"), ("-", "deaths_active"), ("-", "exits"), ("-", "retirements")),
        ),
        (
            "retirees = opening + retirements − deaths",
            "beneficiaries",
            "beneficiaries_start",
            (("+", "retirements"), ("-", "deaths_retired")),
        ),
    ),
    "residents": (
        (
            "population = opening + births − deaths + net migration",
            "population_total",
            "population_start",
            (("+", "births"), ("-", "deaths"), ("+", "net_migration")),
        ),
        (
            "beneficiaries = opening + new beneficiaries − deaths",
            "beneficiaries",
            "beneficiaries_start",
            (("+", "new_beneficiaries"), ("-", "deaths_beneficiaries")),
        ),
    ),
}


def _first_failure(fund, years, name, arr, bad, identity) -> IdentityFailure:
    """The failure at the first cell where ``bad`` holds (arrays (B, T, …); year on axis 1)."""
    where = np.argwhere(bad)[0]
    t = int(where[1]) if arr.ndim > 1 else 0
    return IdentityFailure(fund, int(years[t]), f"{name} {identity}", 0.0, float(arr[tuple(where)]))


def _numbers(fund, years, d, out):
    for name, arr in d.items():
        arr = np.asarray(arr, dtype=float)
        if name not in MAY_BE_UNDEFINED and not np.isfinite(arr).all():
            out.append(
                _first_failure(fund, years, name, arr, ~np.isfinite(arr), "is a finite number")
            )
        if name in HEAD_SERIES and (arr < -IDENTITY_ATOL).any():
            out.append(
                _first_failure(fund, years, name, arr, arr < -IDENTITY_ATOL, "is not negative")
            )


def identity_failures(
    years: np.ndarray,
    funds: dict[str, dict[str, np.ndarray]],
    subsidy_rules: dict[str, np.ndarray] | None = None,
) -> list[IdentityFailure]:
    """Every failed identity of a projection's yearly arrays (B, T)."""
    out: list[IdentityFailure] = []
    for fund, d in funds.items():
        _numbers(fund, years, d, out)
        for members, total in MEMBER_TOTALS.items():
            if members in d and total in d:
                _compare(
                    fund,
                    years,
                    f"{total} = sum of {members} by group and age",
                    d[members].sum((2, 3)),
                    d[total],
                    out,
                )
        _compare(
            fund,
            years,
            "reserve_end = reserve_start + total_income − total_expenditure",
            d["reserve_start"] + d["total_income"] - d["total_expenditure"],
            d["reserve_end"],
            out,
        )
        _compare(
            fund,
            years,
            "reserve_start = previous reserve_end",
            np.concatenate([d["reserve_start"][:, :1], d["reserve_end"][:, :-1]], 1),
            d["reserve_start"],
            out,
        )
        _compare(
            fund,
            years,
            "total_income = contributions + interest + subsidy + other",
            d["contribution_income"]
            + d["interest_income"]
            + d["subsidy_income"]
            + d["other_income"],
            d["total_income"],
            out,
        )
        _compare(
            fund,
            years,
            "total_expenditure = benefits + other",
            d["benefit_expenditure"] + d["other_expenditure"],
            d["total_expenditure"],
            out,
        )
        for identity, closing, opening, flows in HEAD_FLOWS.get(fund, ()):
            expected = d[opening]
            for sign, name in flows:
                expected = expected + d[name] if sign == "+" else expected - d[name]
            _compare(fund, years, identity, expected, d[closing], out, start=1)
        rules = (subsidy_rules or {}).get(fund)
        if rules is not None:
            fill = np.broadcast_to(rules == 0, d["subsidy_income"].shape[:1])
            if fill.any():
                _compare(
                    fund,
                    years,
                    "subsidy = subsidy_need − withheld + late payment under fill_gap",
                    (d["subsidy_need"] - d["subsidy_withheld"] + d["subsidy_late_payment"])[fill],
                    d["subsidy_income"][fill],
                    out,
                    start=1,
                )
    return out
