"""The projection result: every yearly array, tidy rows, a headline summary, identity checks.

``Projection.funds[fund][name]`` is an array of shape (B, T) (flows and counts per year) or
(B, T, G, A) (members by group and age), so any reported number can be traced back to the
arrays and the :class:`~model.engine.basis.Basis` it came from, without rerunning.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from model.engine.checks import identity_failures
from model.errors import IdentityError
from model.engine.fund import depletion_year, present_value
from model.engine.columns import CSV_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from model.engine.basis import Basis
    from model.scenario.schema import Scenario

#: Horizons (years after the base year) of the cumulative subsidy figures in the headline.
HEADLINE_HORIZONS = (5, 10, 20)


@dataclass
class Projection:
    years: np.ndarray
    funds: dict[str, dict[str, np.ndarray]]
    basis: Basis
    scenario: Scenario | None = None
    _summary: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def batch_size(self) -> int:
        return next(iter(next(iter(self.funds.values())).values())).shape[0]

    def series(self, fund: str, name: str, batch: int = 0, optional: bool = False) -> np.ndarray:
        """One yearly series (T,) of one batch row.

        An unknown name raises ``KeyError`` naming the fund and the closest names. With
        ``optional=True`` a ``projection.csv`` column that this fund does not have (one of the
        other fund's, e.g. ``population_total`` of the civil-service fund) is all NaN instead.
        """
        if fund not in self.funds:
            close = difflib.get_close_matches(fund, list(self.funds), n=3)
            raise KeyError(f"no fund '{fund}' in this projection"
                           f"{_did_you_mean(close)}; it has: {', '.join(self.funds)}")
        d = self.funds[fund]
        if name == "dependency_ratio":
            with np.errstate(divide="ignore", invalid="ignore"):
                return d["contributors"][batch] / d["beneficiaries"][batch]
        if name in d and name not in ("fund", "year"):
            return d[name][batch]
        if optional and name in CSV_COLUMNS and name not in ("fund", "year"):
            return np.full(self.years.size, np.nan)
        known = list(d) + ["dependency_ratio"]
        close = difflib.get_close_matches(name, known, n=3)
        why = (" ('fund' and 'year' are row keys, not series)" if name in ("fund", "year")
               else " (a projection.csv column this fund does not have)" if name in CSV_COLUMNS else "")
        raise KeyError(f"{fund}: no series '{name}'{why}{_did_you_mean(close)}")

    def rows(self, batch: int = 0) -> list[dict[str, Any]]:
        """One row per fund × year with the columns of ``projection.csv``; money in 万元."""
        out = []
        for fund in self.funds:
            cols = {c: self.series(fund, c, batch, optional=True)
                    for c in CSV_COLUMNS if c not in ("fund", "year")}
            for t, year in enumerate(self.years):
                row: dict[str, Any] = {"fund": fund, "year": int(year)}
                for c, arr in cols.items():
                    v = float(arr[t])
                    row[c] = None if np.isnan(v) else v
                out.append(row)
        return out

    def to_frame(self, batch: int = 0) -> pd.DataFrame:
        """Tidy DataFrame of :meth:`rows`, columns in ``projection.csv`` order (Chinese labels:
        :func:`model.output.labels.zh_frame`)."""
        import pandas as pd

        return pd.DataFrame(self.rows(batch), columns=list(CSV_COLUMNS))

    def checks(self, raise_on_failure: bool = False) -> list:
        """Accounting identities of every fund and year; raise IdentityError if asked."""
        rules = {}
        if self.basis.civil_service is not None:
            rules["civil_service"] = self.basis.civil_service.subsidy_rule
        if self.basis.residents is not None:
            rules["residents"] = self.basis.residents.subsidy_rule
        failures = identity_failures(self.years, self.funds, rules)
        if failures and raise_on_failure:
            shown = "\n".join(str(f) for f in failures[:10])
            more = f"\n… and {len(failures) - 10} more" if len(failures) > 10 else ""
            raise IdentityError(f"{len(failures)} accounting identities failed:\n{shown}{more}")
        return failures

    def summary(self, batch: int = 0) -> dict[str, Any]:
        """Headline per fund: depletion years, subsidy over 5/10/20 years, dependency ratios."""
        if batch in self._summary:
            return self._summary[batch]
        out: dict[str, Any] = {}
        years = self.years
        for fund, d in self.funds.items():
            reserve = d["reserve_end"][batch]
            need = d["subsidy_need"][batch]
            paid = d["subsidy_income"][batch]
            dep = self.series(fund, "dependency_ratio", batch)
            rate = self._interest_rate(fund, batch)
            first_need = np.nonzero(need[1:] > 0)[0]
            entry: dict[str, Any] = {
                "base_year": int(years[0]),
                "last_year": int(years[-1]),
                "depletion_year": _year_or_none(depletion_year(years, reserve[None])[0]),
                "depletion_year_without_subsidy": _year_or_none(
                    depletion_year(years[1:], d["reserve_end_without_subsidy"][batch][None, 1:])[0]
                ),
                "first_year_subsidy_needed": int(years[1 + first_need[0]]) if first_need.size else None,
                "dependency_ratio_base": float(dep[0]),
                "dependency_ratio_end": float(dep[-1]),
                "reserve_end_base": float(reserve[0]),
                "reserve_end_last": float(reserve[-1]),
            }
            for n in HEADLINE_HORIZONS:
                span = slice(1, min(n, years.size - 1) + 1)
                complete = years.size - 1 >= n
                entry[f"subsidy_need_{n}y"] = float(need[span].sum()) if complete else None
                entry[f"subsidy_paid_{n}y"] = float(paid[span].sum()) if complete else None
                entry[f"subsidy_need_{n}y_pv"] = (
                    float(present_value(need[span], rate[span])) if complete else None
                )
            out[fund] = entry
        self._summary[batch] = out
        return out

    def _interest_rate(self, fund: str, batch: int) -> np.ndarray:
        part = getattr(self.basis, fund)
        r = part.interest_rate
        return r[min(batch, r.shape[0] - 1)]

    @property
    def calibration(self):
        return self.basis.calibration


def _did_you_mean(close: list[str]) -> str:
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _year_or_none(x: float) -> int | None:
    return None if np.isnan(x) else int(x)
