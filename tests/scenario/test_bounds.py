"""Numbers a scenario cannot hold are refused where they are written; a projection never
passes its checks with a number that is not finite or a head count below zero; calibration
names the figure at fault; identical scenarios compare to zero differences.

Each bad case is the shipped Qitai scenario with one text patch (what it replaces, with what),
checked through ``load_scenario`` (file, line, field, what is expected) and the CLI (exit 2,
no traceback, nothing written)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from model.engine.basis import build_basis
from model.engine.checks import identity_failures
from model.errors import CalibrationError, ScenarioError
from model.engine.project import project, project_basis
from model.scenario.load import load_scenario
from tests.conftest import ROOT

QITAI = ROOT / "scenarios" / "qitai-2021.yaml"

#: (name, text replaced, replacement, field reported, words the message must have)
PATCHES = [
    ("improvement_rate_1", "    improvement_rate:\n      value: 0.01", "    improvement_rate:\n      value: 1.0",
     "assumptions.mortality.improvement_rate.value", "between -0.05 and 0.1"),
    ("divisor_0", "account_divisor_months: {value: 139,", "account_divisor_months: {value: 0,",
     "policy.residents.account_divisor_months.value", "between 1 and 600"),
    ("threshold_inf", "from_threshold_yuan: 60,", "from_threshold_yuan: .inf,",
     "policy.residents.contribution_subsidy.from_threshold_yuan", "finite"),
    ("inflow_growth_minus_1", "retiree_inflow_growth: {value: 0.03,", "retiree_inflow_growth: {value: -1,",
     "assumptions.civil_service.retiree_inflow_growth.value", "between -0.5 and 0.5"),
    ("sex_ratio_minus_2", "sex_ratio_at_birth: {value: 1.10,", "sex_ratio_at_birth: {value: -2,",
     "assumptions.population.sex_ratio_at_birth.value", "between 0.8 and 1.3"),
    ("sex_ratio_minus_1", "sex_ratio_at_birth: {value: 1.10,", "sex_ratio_at_birth: {value: -1,",
     "assumptions.population.sex_ratio_at_birth.value", "between 0.8 and 1.3"),
    ("stated_1e300", "contribution_income: {value: 13574.93,", "contribution_income: {value: 1e300,",
     "base_year.civil_service.contribution_income.value", "and 10,000,000,000 in size"),
    ("exit_rate_nan", "    exit_rate: {value: 0.005,", "    exit_rate: {value: .nan,",
     "assumptions.civil_service.exit_rate.value", "got nan"),
    ("horizon_string", "  horizon: 2050", "  horizon: '2050'", "meta.horizon", "whole number"),
    ("wage_1e300", "    average_wage_region_yuan:\n      value: {2021: 94281}",
     "    average_wage_region_yuan:\n      value: {2021: 1e300}",
     "assumptions.economy.average_wage_region_yuan.value.2021", "between 0 and 1e+08"),
]


def _patched(tmp_path: Path, old: str, new: str) -> Path:
    text = QITAI.read_text(encoding="utf-8")
    assert old in text, f"the shipped scenario no longer has {old!r}: update the patch"
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name,old,new,field,words", PATCHES, ids=[p[0] for p in PATCHES])
def test_out_of_range_numbers_are_refused_where_written(tmp_path, name, old, new, field, words):
    path = _patched(tmp_path, old, new)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.field == field
    assert words in p.message
    written = path.read_text(encoding="utf-8").splitlines()
    assert p.line is not None and new.splitlines()[-1].strip() in written[p.line - 1] or \
        field.split(".")[-1] in written[p.line - 1] or field.split(".")[-2] in written[p.line - 1]


@pytest.mark.parametrize("name,old,new,field,words", PATCHES[:3], ids=[p[0] for p in PATCHES[:3]])
def test_cli_exits_2_and_writes_nothing(tmp_path, name, old, new, field, words):
    path = _patched(tmp_path, old, new)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["project", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert field in result.output
    assert not out.exists()


def test_identity_checks_fail_on_non_finite_numbers_and_negative_heads(qitai_projection):
    p = qitai_projection
    funds = {f: {k: v.copy() for k, v in d.items()} for f, d in p.funds.items()}
    assert identity_failures(p.years, funds) == []
    funds["residents"]["interest_income"][0, 5] = np.nan
    funds["civil_service"]["contributors"][0, 3] = np.inf
    funds["civil_service"]["retirees"][0, 7, 0, 70] = -5.0
    failed = {f.identity for f in identity_failures(p.years, funds)}
    assert "interest_income is a finite number" in failed
    assert "contributors is a finite number" in failed
    assert "retirees is not negative" in failed
    # the member arrays no longer add up to the counted retirees
    assert "beneficiaries = sum of retirees by group and age" in failed


def test_undefined_ratios_are_not_failures(qitai_projection):
    p = qitai_projection
    funds = {f: {k: v.copy() for k, v in d.items()} for f, d in p.funds.items()}
    funds["civil_service"]["new_award_mean_monthly_yuan"][0, 4] = np.nan
    assert identity_failures(p.years, funds) == []


def test_calibration_error_names_file_line_and_figure(tmp_path):
    """Contributions no member's pay can give (the cap binds) are refused at their line."""
    path = _patched(tmp_path, "contribution_income: {value: 13574.93,",
                    "contribution_income: {value: 5000000,")
    scenario = load_scenario(path)
    with pytest.raises(CalibrationError) as info:
        build_basis(scenario)
    message = str(info.value)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "contribution_income: {value: 5000000," in text)
    assert message.startswith(f"{path}:{line}: base_year.civil_service.contribution_income:")
    assert "5,000,000.00 万元" in message
    result = CliRunner().invoke(app, ["project", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{path}:{line}" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("old,new,field", [
    ("    beneficiaries:\n      value: 4167\n", "    beneficiaries:\n      value: 0.000004167\n",
     "base_year.civil_service."),
    ("    beneficiaries:\n      value: 24608\n", "    beneficiaries:\n      value: 1\n",
     "base_year.residents."),
])
def test_base_years_no_fund_could_have_are_refused(tmp_path, old, new, field):
    scenario = load_scenario(_patched(tmp_path, old, new))
    with pytest.raises(CalibrationError) as info:
        build_basis(scenario)
    assert field in str(info.value) and "expected" in str(info.value)


def test_identical_scenarios_compare_to_zero_differences():
    from model.analysis.compare import compare

    base = load_scenario(QITAI)
    same = load_scenario(QITAI)
    c = compare([base, same])
    a, b = c.projection.summary(0), c.projection.summary(1)
    for fund in a:
        for key, value in a[fund].items():
            assert b[fund][key] == value, (fund, key)
    result = CliRunner().invoke(app, ["compare", str(QITAI), str(QITAI)])
    assert result.exit_code == 0, result.output


def test_stacked_identical_bases_keep_a_row_each():
    basis = build_basis(load_scenario(QITAI), years=3)
    from model.engine.basis import stack_bases

    stacked = stack_bases([basis, basis, basis])
    assert stacked.batch_size == 3
    run = project_basis(stacked)
    one = project(load_scenario(QITAI), years=3)
    for fund, d in run.funds.items():
        np.testing.assert_allclose(d["reserve_end"], np.repeat(one.funds[fund]["reserve_end"], 3, 0))
    assert replace(basis, rows=1).batch_size == 1


@pytest.mark.parametrize("args,words", [
    (["simulate", str(QITAI), "--paths", "100", "--seed", "-1"], "--seed"),
    (["compare", str(QITAI), str(QITAI), "--at", ","], "--at"),
    (["compare", str(QITAI), str(QITAI), "--at", "2030,x"], "--at"),
])
def test_bad_options_exit_2_with_the_option_named(args, words):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert words in result.output


def test_schedules_are_checked_to_the_horizon_after_increments(tmp_path):
    path = _patched(tmp_path, "      value: {2020: 93, 2022: 98, 2023: 103, 2024: 123, 2025: 143}\n      unit: 元/月",
                    "      value: {2020: 93, 2022: 98, 2023: 103, 2024: 123, 2025: 143}\n"
                    "      increment_per_year: -50\n      unit: 元/月")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (p,) = info.value.problems
    assert p.field == "policy.residents.basic_pension_central_monthly_yuan.increment_per_year"
    assert "2028" in p.message and "at least 0" in p.message
    assert "increment_per_year: -50" in path.read_text(encoding="utf-8").splitlines()[p.line - 1]


def test_rebase_refuses_an_outturn_no_fund_could_have(tmp_path):
    text = (ROOT / "scenarios" / "outturns" / "qitai-2021.yaml").read_text(encoding="utf-8")
    text = text.replace("  year: 2021\n", "  year: 2022\n", 1)
    bad = text.replace("  beneficiaries:\n    value: 4167\n", "  beneficiaries:\n    value: 0.000004167\n", 1)
    assert bad != text
    outturn = tmp_path / "outturn-2022.yaml"
    outturn.write_text(bad, encoding="utf-8")
    out = tmp_path / "rebased.yaml"
    result = CliRunner().invoke(app, ["rebase", str(QITAI), str(outturn), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # the figure's line in the outturn: its benefit expenditure, named with the retirees
    line = next(i for i, t in enumerate(bad.splitlines(), 1) if t.startswith("  benefit_expenditure:"))
    assert f"{outturn}:{line}: base_year.civil_service.benefit_expenditure" in result.output
    assert "4.17e-06 retirees" in result.output
    assert not out.exists()
