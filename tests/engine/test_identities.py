"""Accounting identities hold for every fund and year, and the checks can fail."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.checks import identity_failures
from model.engine.project import project
from model.errors import IdentityError
from model.scenario.load import load_scenario


def test_no_identity_fails_on_qitai(qitai_projection):
    assert qitai_projection.checks() == []


@pytest.mark.parametrize("fund", ["civil_service", "residents"])
def test_reserve_rolls_forward_exactly(qitai_projection, fund):
    d = qitai_projection.funds[fund]
    start, end = d["reserve_start"][0], d["reserve_end"][0]
    np.testing.assert_allclose(
        end, start + d["total_income"][0] - d["total_expenditure"][0], rtol=0, atol=1e-8
    )
    np.testing.assert_array_equal(start[1:], end[:-1])


def test_civil_service_heads_are_conserved(qitai_projection):
    d = qitai_projection.funds["civil_service"]
    total_start = d["contributors_start"][0, 1:] + d["beneficiaries_start"][0, 1:]
    total_end = d["contributors"][0, 1:] + d["beneficiaries"][0, 1:]
    flows = (
        d["entrants"][0, 1:]
        - d["deaths_active"][0, 1:]
        - d["deaths_retired"][0, 1:]
        - d["exits"][0, 1:]
    )
    np.testing.assert_allclose(total_end, total_start + flows, rtol=1e-12)
    # and by age: the members arrays add up to the counts
    np.testing.assert_allclose(d["actives"][0].sum((1, 2)), d["contributors"][0], rtol=1e-12)


def test_population_is_conserved(qitai_projection):
    d = qitai_projection.funds["residents"]
    np.testing.assert_allclose(
        d["population_total"][0, 1:],
        d["population_start"][0, 1:]
        + d["births"][0, 1:]
        - d["deaths"][0, 1:]
        + d["net_migration"][0, 1:],
        rtol=1e-12,
    )
    assert (d["beneficiaries_by_age"][0] <= d["population"][0] + 1e-9).all()


def test_fill_gap_pays_exactly_the_need(qitai_projection):
    d = qitai_projection.funds["civil_service"]
    np.testing.assert_allclose(d["subsidy_income"][0, 1:], d["subsidy_need"][0, 1:], rtol=1e-12)
    # and keeps the reserve at the base-year months of payouts
    np.testing.assert_allclose(d["months_of_payout"][0, 1:], d["months_of_payout"][0, 0], rtol=1e-9)


def test_a_broken_identity_is_reported(qitai_projection):
    funds = {f: {k: v.copy() for k, v in d.items()} for f, d in qitai_projection.funds.items()}
    funds["civil_service"]["reserve_end"][0, 5] += 1.0
    funds["residents"]["population_total"][0, 3] += 2.0
    failures = identity_failures(qitai_projection.years, funds)
    texts = [str(f) for f in failures]
    assert any("civil_service 2026: reserve_end" in t for t in texts)
    assert any("residents 2024: population" in t for t in texts)
    assert all(abs(f.residual) >= 1.0 - 1e-6 for f in failures if f.year in (2024, 2026))


def test_checks_raise_identity_error(qitai_projection, monkeypatch):
    broken = qitai_projection.funds["civil_service"]["total_income"].copy()
    broken[0, 2] += 5
    monkeypatch.setitem(qitai_projection.funds["civil_service"], "total_income", broken)
    qitai_projection._summary.clear()
    with pytest.raises(IdentityError, match="2023"):
        qitai_projection.checks(raise_on_failure=True)


@pytest.mark.parametrize(
    "path", ["scenarios/qitai-2021.yaml", "scenarios/fujian-civil-service-2020.yaml"]
)
def test_a_years_figures_do_not_depend_on_the_horizon(path):
    """A short run (a budget year, a back-test) gives the same figures as the full projection:
    nothing of a year may depend on how far the projection runs (the transition's last year's
    wage, for instance, is the scenario's, not an extrapolation from the horizon)."""
    from tests.conftest import ROOT

    sc = load_scenario(ROOT / path)
    full = project(sc)
    for years in (1, 3):
        short = project(sc, years=years)
        for fund, series in short.funds.items():
            for name, values in series.items():
                if np.ndim(values) == 2 and np.issubdtype(np.asarray(values).dtype, np.number):
                    np.testing.assert_allclose(
                        values,
                        full.funds[fund][name][:, : years + 1],
                        rtol=1e-12,
                        atol=1e-9,
                        err_msg=f"{fund}.{name}",
                    )
