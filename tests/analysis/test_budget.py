"""Budget lines add up, band probabilities behave, the CLI writes its tables."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

import model.analysis.budget as budget_mod
from cli.main import app
from model.analysis.budget import (
    band_probability,
    best_budget,
    budget_lines,
    make_budget,
    simulate_budget_year,
)
from tests.conftest import DELETE, QITAI, variant


@pytest.fixture(scope="module")
def point(qitai):
    return budget_lines(qitai, 2022)


def test_budget_lines_add_up(point, qitai_projection):
    for fund in ("civil_service", "residents", "combined"):
        b = point[fund]
        income = b["contribution_income"] + b["interest_income"] + b["subsidy_income"] + b["other_income"] + b["transfer_income"]
        assert b["total_income"] == pytest.approx(income, rel=1e-12)
        levels = sum(b[f"subsidy_{lv}"] for lv in ("central", "region", "prefecture", "county"))
        assert levels == pytest.approx(b["subsidy_income"], rel=1e-12)
        spending = b["pension_expenditure"] + b["funeral_grant_expenditure"] + b["transfer_expenditure"] + b["other_expenditure"]
        assert b["total_expenditure"] == pytest.approx(spending, rel=1e-12)
        assert b["balance"] == pytest.approx(b["total_income"] - b["total_expenditure"], rel=1e-12)
    for fund in ("civil_service", "residents"):
        opening = qitai_projection.funds[fund]["reserve_end"][0, 0]
        assert point[fund]["reserve_end"] == pytest.approx(opening + point[fund]["balance"], rel=1e-12)
        assert point[fund]["total_income"] == pytest.approx(qitai_projection.funds[fund]["total_income"][0, 1])
    assert point["combined"]["total_income"] == pytest.approx(
        point["civil_service"]["total_income"] + point["residents"]["total_income"])


def test_residents_subsidy_is_split_by_the_funding_rules(point, qitai_projection):
    r = point["residents"]
    # the central government pays the central minimum in full (POLICY §3): 98 元/月 in 2022, to
    # the beneficiaries of the year with mid-year timing: those at the start, less half of those
    # who died, plus half of those who reached the pension age
    d = qitai_projection.funds["residents"]
    paid_for = (d["beneficiaries_start"][0, 1] - 0.5 * d["deaths_beneficiaries"][0, 1]
                + 0.5 * d["new_beneficiaries"][0, 1])
    assert r["subsidy_central"] == pytest.approx(98 * 12 * paid_for / 1e4, rel=1e-9)


def test_simulated_paths_keep_the_identities(qitai):
    sims = simulate_budget_year(qitai, 2022, paths=300, seed=3)
    for fund in ("civil_service", "residents"):
        s = sims[fund]
        np.testing.assert_allclose(s["total_income"] - s["total_expenditure"], s["balance"], rtol=1e-10, atol=1e-8)
        levels = sum(s[f"subsidy_{lv}"] for lv in ("central", "region", "prefecture", "county"))
        np.testing.assert_allclose(levels, s["subsidy_income"], rtol=1e-10, atol=1e-8)
        assert s["contribution_income"].std() > 0


def test_same_seed_same_budget(qitai):
    a = make_budget(qitai, 2022, paths=300, seed=7)
    b = make_budget(qitai, 2022, paths=300, seed=7)
    assert [(x.low, x.high, x.band_probability) for x in a.lines] == [(x.low, x.high, x.band_probability) for x in b.lines]


def test_without_any_spread_every_line_lands_in_the_band(qitai_data, monkeypatch):
    qitai = variant(qitai_data, {"assumptions.residents.subsidy_arrears_risk": DELETE})
    monkeypatch.setattr(budget_mod, "WAGE_GROWTH_SD", 0.0)
    monkeypatch.setattr(budget_mod, "INTEREST_RATE_SD", 0.0)
    monkeypatch.setattr(budget_mod, "DEFAULT_MODEL_ERROR", 0.0)
    monkeypatch.setattr(budget_mod, "model_errors", lambda scenario: {})
    monkeypatch.setattr(budget_mod, "_poisson_factor", lambda expected, paths, rng: np.ones((paths,) + expected.shape))
    b = make_budget(qitai, 2022, paths=100)
    for x in b.lines:
        assert x.low == pytest.approx(x.budget, rel=1e-9, abs=1e-9) and x.high == pytest.approx(x.budget, rel=1e-9, abs=1e-9)
        if x.band_probability is not None:
            assert x.band_probability == 1.0 and not x.flagged
            assert x.best_budget == pytest.approx(x.budget)


def test_band_probability_and_best_budget():
    assert band_probability(np.full(10, 100.0), 100.0) == 1.0
    assert band_probability(np.full(10, 100.0), 120.0) == 0.0  # 100 < 0.9 × 120
    rng = np.random.default_rng(0)
    x = rng.normal(100.0, 8.0, 20_000)
    b = best_budget(x, 130.0)
    # the best window is centred a little below the mean: [0.9b, 1.1b] around 100
    assert 98.0 < b < 101.5
    assert band_probability(x, b) >= band_probability(x, 100.0) - 1e-3
    assert band_probability(x, b) > band_probability(x, 130.0)


def test_arrears_make_the_residents_subsidy_less_likely_to_land(qitai):
    b = make_budget(qitai, 2022, paths=1000, seed=1)
    line = next(x for x in b.lines if x.fund == "residents" and x.key == "subsidy_income")
    assert line.band_probability < 0.9  # withheld county shares fall far below 90% of budget
    assert line.low < 0.9 * line.budget  # the low end of the range is a year of arrears
    # arrears only lower the subsidy, so no budget above the expected one lands more often
    # (with the county owing most of the local top-up, a withheld share falls so far below that
    # lowering the budget cannot catch both outcomes and the expected figure stays best)
    assert line.best_budget <= line.budget


def test_budget_cli_writes_tables(tmp_path):
    out = tmp_path / "b"
    result = CliRunner().invoke(app, ["budget", str(QITAI), "--year", "2022", "--out", str(out), "--paths", "300"])
    assert result.exit_code == 0, result.output
    assert "基本养老金支出" in result.stdout and "绩效目标" in result.stdout
    rows = list(csv.DictReader(open(out / "budget.csv", encoding="utf-8-sig")))
    assert {r["fund"] for r in rows} == {"civil_service", "residents", "combined"}
    assert (out / "budget.xlsx").exists() and (out / "targets.csv").exists()
    bad = CliRunner().invoke(app, ["budget", str(QITAI), "--year", "2021", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "after the base year" in bad.stderr and not (tmp_path / "x").exists()


def test_budget_intervals_from_the_simulation(qitai):
    b = make_budget(qitai, 2022, paths=400, seed=2, intervals="simulation")
    lines = {(x.fund, x.key): x for x in b.lines}
    need = lines["civil_service", "subsidy_income"]
    assert need.low < need.budget < need.high
    income = lines["residents", "total_income"]
    assert income.low <= income.budget <= income.high
    with pytest.raises(Exception, match="intervals"):
        make_budget(qitai, 2022, paths=100, intervals="guess")


def test_the_level_that_pays_and_the_arrears_risk_come_from_the_scenario(qitai_data):
    pooled = variant(qitai_data, {"policy.civil_service.subsidy_paid_by": "region"})
    lines = {(x.fund, x.key): x for x in make_budget(pooled, 2022, paths=100).lines}
    assert lines[("civil_service", "subsidy_region")].budget == lines[("civil_service", "subsidy_income")].budget
    assert lines[("civil_service", "subsidy_county")].budget == 0.0
    # a level that always withholds its share: the low end of the residents' subsidy falls
    never = variant(qitai_data, {"assumptions.residents.subsidy_arrears_risk": DELETE})
    always = variant(qitai_data, {"assumptions.residents.subsidy_arrears_risk": {
        "probability": 1.0, "level": "county", "source": "test"}})
    low = {name: {(x.fund, x.key): x.low for x in make_budget(sc, 2022, paths=200).lines}
           for name, sc in (("never", never), ("always", always))}
    assert low["always"][("residents", "subsidy_county")] < low["never"][("residents", "subsidy_county")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_budget_terminal_text_fits_120_columns_in_its_language(lang):
    from tests.analysis.terminal_text import check

    result = CliRunner().invoke(app, ["budget", str(QITAI), "--year", "2022", "--paths", "200", "--lang", lang])
    assert result.exit_code == 0, result.output
    check(result.stdout, lang, ids=["qitai-2021"])
    assert "-0.00" not in result.stdout
    if lang == "zh":
        # the headline in the bureau's words: the year's subsidy and the county's part of it
        assert result.stdout.startswith("2022年财政补贴预算 ") and "，其中县级 " in result.stdout.splitlines()[0]
    else:
        assert result.stdout.startswith("Fiscal subsidy budgeted for 2022: ")


def test_a_figure_that_rounds_to_zero_has_no_sign():
    from model.output.budget_tables import fixed

    assert [fixed(x, 2) for x in (-1e-9, -0.004, 0.0, -0.005)] == ["0.00", "0.00", "0.00", "-0.01"]
    assert fixed(-0.4, 0) == "0" and fixed(-12345.678, 2) == "-12,345.68"
