"""Tests of ``model.analysis.consistency``: the identities among the stated base-year figures.

The Qitai report disagrees with itself in known places (each verified by hand below); a variant
of it with those figures made consistent must give no disagreement, and breaking one figure of
that variant must make exactly the checks that use it disagree. A check is named here by its
data (the kind of identity, the stated figure and the figures it is computed from); the words
``yanglao check`` uses for it are tested in ``tests/output/test_check_report.py``.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP
from typing import Any, NamedTuple

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.analysis.consistency import Agreement, Figure, Finding, How, Identity, check_base_year
from model.scenario.load import load_scenario, read_yaml, validate_data
from model.scenario.names import FUNDS
from model.scenario.schema import Scenario
from tests.conftest import QITAI, ROOT

#: A figure of a check: (the fund that states it when not the check's own, key, restated).
Ref = tuple[str, str, bool]


class Check(NamedTuple):
    """A check by its data: the kind, the stated figure and, unless None, the figures used."""

    kind: Identity
    stated: Ref
    inputs: tuple[Ref, ...] | None


def ref(text: str) -> Ref:
    """A figure written as a finding names it: ``"residents.balance (restated)"`` is
    ``("residents", "balance", True)``."""
    restated = text.endswith(" (restated)")
    key = text.removesuffix(" (restated)")
    fund, _, rest = key.partition(".")
    return (fund, rest, restated) if fund in FUNDS else ("", key, restated)


def check(kind: Identity, stated: str, *inputs: str) -> Check:
    """A check with the stated figure and the figures it is computed from (any, when none)."""
    return Check(kind, ref(stated), tuple(map(ref, inputs)) if inputs else None)


def restatement(key: str) -> Check:
    return check(Identity.RESTATEMENT, f"{key} (restated)", key)


def summed(key: str, restated: str = "") -> Check:
    """A combined figure against the two funds' (``restated``: the fund whose restated figure)."""
    terms = [f"{fund}.{key}" + (" (restated)" if fund == restated else "") for fund in FUNDS]
    return check(Identity.SUM_OF_FUNDS, key, *terms)


def shape(f: Finding) -> tuple[str, Identity, Ref, tuple[Ref, ...]]:
    """A finding's fund, kind, stated figure and inputs, as :class:`Check` names them."""

    def as_ref(x: Figure) -> Ref:
        return ("" if x.fund == f.fund else x.fund, x.key, x.restated)

    return (f.fund, f.identity, as_ref(f.figure), tuple(as_ref(x) for x in f.inputs))


def matches(f: Finding, fund: str, c: Check) -> bool:
    _, kind, stated, inputs = shape(f)
    return (
        f.fund == fund
        and kind is c.kind
        and stated == c.stated
        and (c.inputs is None or inputs == c.inputs)
    )


BALANCE = check(Identity.BALANCE, "balance", "total_income", "total_expenditure")
INCOME_GROWTH = check(Identity.GROWTH, "income_growth", "income_increase", "total_income")
EXPENDITURE_GROWTH = check(
    Identity.GROWTH, "expenditure_growth", "expenditure_increase", "total_expenditure"
)
DEPENDENCY = check(Identity.DEPENDENCY, "dependency_ratio", "contributors", "beneficiaries")
INCOME_LINES = check(Identity.LINES, "total_income")
INCOME_COMPLETION = check(
    Identity.COMPLETION, "income_budget_completion", "total_income", "income_budget"
)
EXPENDITURE_COMPLETION = check(
    Identity.COMPLETION, "expenditure_budget_completion", "total_expenditure", "expenditure_budget"
)
BUDGET_LINES = check(Identity.BUDGET_LINES, "expenditure_budget")
RESTATED_BUDGET_LINES = check(Identity.BUDGET_LINES, "expenditure_budget (restated)")
COMBINED_INCOME = summed("total_income")
COMBINED_EXPENDITURE = summed("total_expenditure")
COMBINED_RESERVE = summed("reserve_end")


def find(findings: list[Finding], fund: str, c: Check) -> Finding:
    """The one finding of ``fund`` that is the check ``c``."""
    found = [f for f in findings if matches(f, fund, c)]
    assert len(found) == 1, f"expected one finding {fund}/{c}, got {len(found)}"
    return found[0]


def disagreeing(findings: list[Finding]) -> set[tuple]:
    return {shape(f) for f in findings if not f.agrees}


def the_checks(findings: list[Finding], expected: set[tuple[str, Check]]) -> set[tuple]:
    """The shapes of the findings ``expected`` names, each found exactly once."""
    return {shape(find(findings, fund, c)) for fund, c in expected}


@pytest.fixture(scope="module")
def qitai_findings() -> list[Finding]:
    return check_base_year(load_scenario(QITAI))


@pytest.fixture(scope="module")
def qitai_yaml() -> tuple[dict[str, Any], dict]:
    return read_yaml(QITAI)


# The Qitai figures edited so that every identity holds (arithmetic in the comments).
CONSISTENT_EDITS: dict[tuple[str, ...], Any] = {
    # 6816 / 4167 = 1.6357
    ("civil_service", "dependency_ratio", "value"): 1.64,
    # 3801.491 / (29709.01 - 3801.491) = 14.673 %
    ("civil_service", "income_growth", "value"): 14.67,
    # 29709.01 - 30150.48
    ("civil_service", "balance", "value"): -441.47,
    ("civil_service", "benefit_expenditure", "restated"): [],
    ("civil_service", "total_expenditure", "restated"): [
        {"value": 30150.48, "source": "三(二): consistent restatement"}
    ],
    # 6333.77 - 5619.81
    ("residents", "balance", "value"): 713.96,
    # 5682.43 + 54 = 5736.43, and 5619.81 / 5736.43 = 97.967 %
    ("residents", "expenditure_budget", "value"): 5736.43,
    ("residents", "expenditure_budget_completion", "value"): 97.97,
    # 29709.01 + 6333.77
    ("combined", "total_income", "value"): 36042.78,
    # 3801.491 + 191.91 = 3993.401
    ("combined", "income_increase", "value"): 3993.4,
    # 29473.4 + 8283.87, and 36042.78 / 37757.27 = 95.459 %
    ("combined", "income_budget", "value"): 37757.27,
    ("combined", "income_budget_completion", "value"): 95.46,
    # 36042.78 - 35770.29 = -441.47 + 713.96
    ("combined", "balance", "value"): 272.49,
}


def scenario_data(
    qitai_yaml: tuple[dict[str, Any], dict], edits: dict[tuple[str, ...], Any]
) -> dict[str, Any]:
    """A copy of the Qitai data with ``edits`` applied under ``base_year`` (None deletes)."""
    data = copy.deepcopy(qitai_yaml[0])
    for path, value in edits.items():
        parent = data["base_year"]
        for key in path[:-1]:
            parent = parent[key]
        if value is None:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return data


def variant(qitai_yaml: tuple[dict[str, Any], dict], edits: dict[tuple[str, ...], Any]) -> Scenario:
    """The Qitai scenario with ``edits`` applied, validated."""
    return validate_data(scenario_data(qitai_yaml, edits), qitai_yaml[1], "variant")


def consistent_variant(qitai_yaml, **more: Any) -> Scenario:
    edits = dict(CONSISTENT_EDITS)
    for dotted, value in more.items():
        edits[tuple(dotted.split("__"))] = value
    return variant(qitai_yaml, edits)


# --------------------------------------------------------------------------------------------
# Qitai as shipped


@pytest.mark.parametrize(
    ("fund", "check_", "stated", "computed", "stated_in", "inputs"),
    [
        # 29709.01 - 30150.48 = -441.47
        ("civil_service", BALANCE, -174.28, -441.47, "当年收支结余-174.28", [29709.01, 30150.48]),
        # 3801.491 / 25907.519 = 14.6733 %
        ("civil_service", INCOME_GROWTH, 30.87, 14.6733, "增幅30.87%", [3801.491, 29709.01]),
        # 6816 / 4167 = 1.6357
        ("civil_service", DEPENDENCY, 1.73, 1.6357, "抚养比1.73", [6816, 4167]),
        # 29709.01 + 6333.77 = 36042.78
        ("combined", COMBINED_INCOME, 37857.27, 36042.78, "收入合计37857.27", [29709.01, 6333.77]),
        # 三(二) restates the residents' completion
        (
            "residents",
            restatement("expenditure_budget_completion"),
            97.97,
            97.89,
            "三(二)",
            [97.89],
        ),
        # 一(二) restates the residents' expenditure budget
        ("residents", restatement("expenditure_budget"), 5736.43, 5740.63, "一(二)", [5740.63]),
        # 6333.77 - 5619.81 = 713.96
        ("residents", BALANCE, 909.68, 713.96, "当年收支结余909.68", [6333.77, 5619.81]),
        # 5682.43 + 54 = 5736.43, not the 5740.63 of 二(二)
        ("residents", BUDGET_LINES, 5740.63, 5736.43, "二(二)", [5682.43, 54]),
    ],
)
def test_qitai_disagreements_are_found_with_both_numbers_and_sources(
    qitai_findings, fund, check_, stated, computed, stated_in, inputs
):
    finding = find(qitai_findings, fund, check_)
    assert not finding.agrees and finding.agreement is None
    assert finding.stated == pytest.approx(stated)
    assert finding.computed == pytest.approx(computed, abs=1e-4)
    assert finding.difference == pytest.approx(stated - computed, abs=1e-4)
    assert stated_in in finding.where_stated
    # the figures it was computed from, each with its value and where it is stated
    assert [x.value for x in finding.inputs] == pytest.approx(inputs)
    assert all(x.source for x in finding.inputs)


def test_qitai_disagrees_exactly_where_the_report_does(qitai_findings):
    # Every disagreement of the report, each verified by hand; nothing else may disagree.
    assert disagreeing(qitai_findings) == the_checks(
        qitai_findings,
        {
            ("civil_service", BALANCE),  # 29709.01 - 30150.48 = -441.47 vs -174.28
            ("civil_service", DEPENDENCY),  # 6816 / 4167 = 1.636 vs 1.73
            ("civil_service", INCOME_GROWTH),  # 14.67 % vs 30.87 %
            ("civil_service", restatement("total_expenditure")),  # 三(二) 29359.26 vs 30150.48
            ("civil_service", restatement("benefit_expenditure")),  # 三(二) 29359.26 vs 30150.48
            ("residents", BALANCE),  # 6333.77 - 5619.81 = 713.96 vs 909.68
            ("residents", BUDGET_LINES),  # 5682.43 + 54 = 5736.43 vs 5740.63
            ("residents", restatement("expenditure_budget")),  # 一(二) 5736.43 vs 5740.63
            ("residents", restatement("expenditure_budget_completion")),  # 三(二) 97.97 vs 97.89
            ("combined", INCOME_COMPLETION),  # 37857.27 / 36505.68 = 103.70 % vs 96.43 %
            ("combined", COMBINED_INCOME),  # 36042.78 vs 37857.27
            ("combined", summed("income_increase")),  # 3993.401 vs 4525.55
            ("combined", summed("income_budget")),  # 37757.27 vs 36505.68
            ("combined", summed("expenditure_budget")),  # 35099.89 vs 35095.69
            ("combined", summed("balance")),  # 735.4 vs 2086.98
        },
    )


def test_qitai_true_identities_agree(qitai_findings):
    income_lines = find(qitai_findings, "civil_service", INCOME_LINES)
    # 13574.93 + 18.45 + 16115.63 + 0 = 29709.01
    assert income_lines.agrees and income_lines.computed == pytest.approx(29709.01)
    assert [(x.key, x.value) for x in income_lines.inputs] == [
        ("contribution_income", 13574.93),
        ("interest_income", 18.45),
        ("subsidy_income", 16115.63),
        ("other_income", 0.0),
    ]
    assert income_lines.unstated == () and income_lines.agreement == Agreement(How.PLAINLY)

    combined_expenditure = find(qitai_findings, "combined", COMBINED_EXPENDITURE)
    # 30150.48 + 5619.81 = 35770.29
    assert combined_expenditure.agrees
    assert combined_expenditure.stated == pytest.approx(35770.29)
    assert combined_expenditure.computed == pytest.approx(35770.29)

    income_completion = find(qitai_findings, "residents", INCOME_COMPLETION)
    # 6333.77 / 8283.87 = 76.459 %, rounds to 76.46
    assert income_completion.agrees and income_completion.agreement == Agreement(How.PLAINLY)
    assert income_completion.computed == pytest.approx(76.4591, abs=1e-4)

    combined_balance = find(qitai_findings, "combined", BALANCE)
    # 37857.27 - 35770.29 = 2086.98
    assert combined_balance.agrees and combined_balance.computed == pytest.approx(2086.98)


def test_restated_budget_explains_the_restated_completion(qitai_findings):
    # 5619.81 / 5736.43 = 97.967 %: 三(二)'s 97.97 % is the outturn over 一(二)'s budget.
    restated_completion = check(
        Identity.COMPLETION,
        "expenditure_budget_completion (restated)",
        "total_expenditure",
        "expenditure_budget (restated)",
    )
    finding = find(qitai_findings, "residents", restated_completion)
    assert finding.agrees and finding.stated == 97.97
    budget = finding.inputs[1]
    assert budget.restated and budget.value == 5736.43 and "一(二)" in budget.source
    restated_lines = find(qitai_findings, "residents", RESTATED_BUDGET_LINES)
    assert restated_lines.agrees
    # and the combined budget was added up with it: 29359.26 + 5736.43 = 35095.69
    combined = find(qitai_findings, "combined", summed("expenditure_budget", "residents"))
    assert combined.agrees and combined.computed == pytest.approx(35095.69)
    # the differing restatements record the checks in which they do agree
    restated = find(qitai_findings, "residents", restatement("expenditure_budget_completion"))
    assert restated.agrees_as_restated == (finding,)
    restated_budget = find(qitai_findings, "residents", restatement("expenditure_budget"))
    assert restated_budget.agrees_as_restated == (restated_lines, finding, combined)
    # and the all-primary recomputations that disagree, the ones with it that agree
    assert find(qitai_findings, "residents", BUDGET_LINES).agreeing_alternatives == (
        restated_lines,
    )
    assert find(qitai_findings, "combined", summed("expenditure_budget")).agreeing_alternatives == (
        combined,
    )


def test_agreement_by_truncation_is_reported(qitai_findings):
    # 422.46 / (5619.81 - 422.46) = 8.1284 %: rounds to 8.13, truncates to the stated 8.12
    growth = find(qitai_findings, "residents", EXPENDITURE_GROWTH)
    assert growth.agreement is not None
    assert growth.agreement.how is How.BY_TRUNCATION
    assert growth.agreement.rounding == ROUND_DOWN and growth.agreement.decimals == 2
    assert growth.agreement.value == pytest.approx(8.128373, abs=1e-6)
    # 5619.81 / 5740.63 = 97.8954 %: truncates to the stated 97.89
    completion = find(qitai_findings, "residents", EXPENDITURE_COMPLETION)
    assert completion.agreement is not None
    assert completion.agreement.how is How.BY_TRUNCATION
    assert completion.agreement.value == pytest.approx(97.895353, abs=1e-6)
    # 30150.48 / 29359.26 = 102.69496 %: rounds to the stated 102.69, plainly
    rounded = find(qitai_findings, "civil_service", EXPENDITURE_COMPLETION)
    assert rounded.agreement == Agreement(How.PLAINLY, ROUND_HALF_UP)


def test_money_within_its_tolerance_records_the_tolerance(qitai_findings):
    # 360.87 + 20043.72 = 20404.59 against the stated 20404.6: within 0.01 + 2 × 0.005 万元
    reserve = find(qitai_findings, "combined", COMBINED_RESERVE)
    assert reserve.agreement is not None and reserve.agreement.how is How.WITHIN_TOLERANCE
    assert reserve.agreement.tolerance == pytest.approx(0.02)


def test_finding_is_frozen(qitai_findings):
    with pytest.raises(dataclasses.FrozenInstanceError):
        qitai_findings[0].agrees = False  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# variants


def test_consistent_variant_has_no_disagreement(qitai_yaml, qitai_findings):
    findings = check_base_year(consistent_variant(qitai_yaml))
    assert [f for f in findings if not f.agrees] == []
    # the same checks ran as on the shipped scenario, less the three recomputations with the
    # residents' restated budget (budget lines, completion, combined sum), now the primary one,
    # and the civil-service benefit restatement, removed
    assert len(findings) == len(qitai_findings) - 4


@pytest.mark.parametrize(
    ("edit", "value", "expected"),
    [
        ("residents__other_income__value", 187.29, {("residents", INCOME_LINES)}),
        ("civil_service__contributors__value", 7000, {("civil_service", DEPENDENCY)}),
        (
            "civil_service__expenditure_increase__value",
            2650,
            {("civil_service", EXPENDITURE_GROWTH), ("combined", summed("expenditure_increase"))},
        ),
        ("residents__expenditure_budget_funeral__value", 50, {("residents", BUDGET_LINES)}),
        ("combined__reserve_end__value", 20404.62, {("combined", COMBINED_RESERVE)}),
        (
            "residents__beneficiaries__restated",
            [{"value": 24609, "source": "一(二): a different count"}],
            {("residents", restatement("beneficiaries"))},
        ),
        ("residents__income_budget_completion__value", 76.47, {("residents", INCOME_COMPLETION)}),
    ],
)
def test_breaking_one_figure_makes_the_checks_that_use_it_disagree(
    qitai_yaml, edit, value, expected
):
    findings = check_base_year(consistent_variant(qitai_yaml, **{edit: value}))
    assert disagreeing(findings) == the_checks(findings, expected)


def test_money_tolerance_is_a_cent_plus_the_rounding_of_the_inputs(qitai_yaml):
    # 360.87 + 20043.72 = 20404.59; tolerance 0.01 + 2 × 0.005 = 0.02 万元
    for stated, agrees in (
        (20404.6, True),
        (20404.61, True),
        (20404.57, True),
        (20404.62, False),
        (20404.56, False),
    ):
        scenario = consistent_variant(qitai_yaml, combined__reserve_end__value=stated)
        assert find(check_base_year(scenario), "combined", COMBINED_RESERVE).agrees is agrees


@pytest.mark.parametrize(
    ("stated", "how"),
    [
        (8.13, How.PLAINLY),  # 8.1284 rounds to 8.13
        (8.12, How.BY_TRUNCATION),  # and truncates to 8.12
        (8.1, How.PLAINLY),  # at one decimal it rounds to 8.1
        (8.14, None),
        (8.11, None),
    ],
)
def test_percentage_agrees_by_rounding_or_truncation(qitai_yaml, stated, how):
    scenario = consistent_variant(qitai_yaml, residents__expenditure_growth__value=stated)
    finding = find(check_base_year(scenario), "residents", EXPENDITURE_GROWTH)
    assert finding.agrees is (how is not None)
    assert (finding.agreement.how if finding.agreement else None) is how


def test_absent_figures_are_skipped(qitai_yaml):
    scenario = variant(
        qitai_yaml,
        {
            ("combined",): None,
            ("civil_service", "dependency_ratio"): None,
            ("residents", "income_growth"): None,
            ("residents", "expenditure_budget_funeral"): None,
        },
    )
    findings = check_base_year(scenario)
    assert not any(f.fund == "combined" for f in findings)
    assert not any(matches(f, fund, DEPENDENCY) for f in findings for fund in FUNDS)
    assert not any(f.fund == "residents" and f.figure.key == "income_growth" for f in findings)
    # with the funeral line gone, the pensions line must only not exceed the budget
    partial = find(
        findings,
        "residents",
        check(Identity.BUDGET_HOLDS_LINE, "expenditure_budget", "expenditure_budget_pensions"),
    )
    assert partial.agrees and partial.computed == pytest.approx(5682.43)
    assert partial.figure.bound == "at_most"


def test_disagreeing_restatement_names_the_figure_it_equals(qitai_findings):
    # 三(二)'s "total expenditure" 29359.26 is the civil-service expenditure budget
    finding = find(qitai_findings, "civil_service", restatement("total_expenditure"))
    assert finding.stated == 29359.26 and finding.computed == 30150.48
    (primary,) = finding.inputs
    assert "三(二)" in finding.where_stated and "二(一)" in primary.source
    assert finding.equal_figures == ("expenditure_budget", "expenditure_budget_pensions")


# --------------------------------------------------------------------------------------------
# the CLI


def test_cli_check_exits_1_and_names_the_disagreements(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "scenarios/qitai-2021.yaml"])
    assert result.exit_code == 1, result.output
    for text in (
        "-174.28",
        "-441.47",
        "30.87",
        "14.6733",
        "1.73",
        "1.6357",
        "37857.27",
        "36042.78",
        "97.97",
        "97.89",
        "5736.43",
        "5740.63",
    ):
        assert text in result.output
    assert re.search(r"^共\d+项检查：\d+项一致，15项不一致$", result.output, re.MULTILINE)


def test_cli_check_exits_0_on_a_consistent_scenario(qitai_yaml, tmp_path):
    from ruamel.yaml import YAML

    path = tmp_path / "consistent.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(scenario_data(qitai_yaml, CONSISTENT_EDITS), out)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^共\d+项检查：\d+项一致，0项不一致$", result.output, re.MULTILINE)
