"""Tests of the words of ``yanglao check``: ``model.output.finding_words`` and
``model.output.check_report``, on the Qitai findings (whose data ``tests/analysis/
test_consistency.py`` checks) and on made-up figures."""

from __future__ import annotations

import doctest
from decimal import ROUND_DOWN

import pytest

import model.output.finding_words
from model.analysis.consistency import Agreement, Figure, Finding, How, Identity, check_base_year
from model.output.check_report import format_findings
from model.output.finding_words import computed_from_text, finding_note, identity_text
from model.scenario.load import load_scenario
from tests.conftest import QITAI


@pytest.fixture(scope="module")
def qitai_findings() -> list[Finding]:
    return check_base_year(load_scenario(QITAI))


def by_identity(findings: list[Finding], fund: str, text: str) -> Finding:
    """The one finding of ``fund`` whose identity reads ``text``."""
    found = [f for f in findings if f.fund == fund and identity_text(f) == text]
    assert len(found) == 1, f"expected one finding {fund}/{text}, got {len(found)}"
    return found[0]


def test_the_examples_of_finding_words_hold():
    result = doctest.testmod(model.output.finding_words)
    assert result.attempted > 0 and result.failed == 0


def test_each_disagreement_of_qitai_reads_as_its_identity(qitai_findings):
    assert {(f.fund, identity_text(f)) for f in qitai_findings if not f.agrees} == {
        ("civil_service", "balance = total_income - total_expenditure"),
        ("civil_service", "dependency_ratio = contributors / beneficiaries"),
        ("civil_service", "income_growth = income_increase / (total_income - income_increase)"),
        ("civil_service", "total_expenditure restated"),
        ("civil_service", "benefit_expenditure restated"),
        ("residents", "balance = total_income - total_expenditure"),
        ("residents", "expenditure_budget = sum of budget lines"),
        ("residents", "expenditure_budget restated"),
        ("residents", "expenditure_budget_completion restated"),
        ("combined", "income_budget_completion = total_income / income_budget"),
        ("combined", "total_income = civil_service.total_income + residents.total_income"),
        ("combined", "income_increase = civil_service.income_increase + residents.income_increase"),
        ("combined", "income_budget = civil_service.income_budget + residents.income_budget"),
        (
            "combined",
            "expenditure_budget = civil_service.expenditure_budget + residents.expenditure_budget",
        ),
        ("combined", "balance = civil_service.balance + residents.balance"),
    }


def test_the_figures_a_value_was_computed_from_with_values_and_sources(qitai_findings):
    balance = by_identity(
        qitai_findings, "civil_service", "balance = total_income - total_expenditure"
    )
    text = computed_from_text(balance)
    assert text.startswith("total_income 29709.01 [") and "] - total_expenditure 30150.48 [" in text
    growth = by_identity(
        qitai_findings,
        "civil_service",
        "income_growth = income_increase / (total_income - income_increase)",
    )
    assert computed_from_text(growth).startswith("income_increase 3801.491 [")
    assert computed_from_text(growth).endswith("] - income_increase)")
    restated = by_identity(qitai_findings, "civil_service", "total_expenditure restated")
    assert computed_from_text(restated).startswith(
        "the primary figure total_expenditure 30150.48 ["
    )
    restated_sum = by_identity(
        qitai_findings,
        "combined",
        "expenditure_budget = civil_service.expenditure_budget + "
        "residents.expenditure_budget (restated)",
    )
    assert "+ residents.expenditure_budget (restated) 5736.43 [一(二)" in computed_from_text(
        restated_sum
    )


def test_notes_say_how_it_agrees_and_what_else_was_found(qitai_findings):
    growth = by_identity(
        qitai_findings,
        "residents",
        "expenditure_growth = expenditure_increase / (total_expenditure - expenditure_increase)",
    )
    assert finding_note(growth) == "agrees by truncation (8.128373 rounds to 8.13)"
    reserve = by_identity(
        qitai_findings,
        "combined",
        "reserve_end = civil_service.reserve_end + residents.reserve_end",
    )
    assert finding_note(reserve) == "agrees within rounding (tolerance 0.02 万元)"
    restated = by_identity(qitai_findings, "civil_service", "total_expenditure restated")
    assert finding_note(restated).endswith(
        "the restated value equals this block's expenditure_budget, expenditure_budget_pensions"
    )
    completion = by_identity(qitai_findings, "residents", "expenditure_budget_completion restated")
    assert finding_note(completion) == (
        "as restated it agrees with: expenditure_budget_completion (restated) = "
        "total_expenditure / expenditure_budget (restated)"
    )
    lines = by_identity(qitai_findings, "residents", "expenditure_budget = sum of budget lines")
    assert finding_note(lines) == (
        "recomputed with restated figures it agrees: "
        "expenditure_budget (restated) = sum of budget lines"
    )
    income_lines = by_identity(
        qitai_findings, "civil_service", "total_income = sum of income lines"
    )
    assert finding_note(income_lines) == ""


def _percent(key: str, value: float, decimals: int) -> Figure:
    return Figure(
        key, "residents", False, value, decimals, 0.5 * 10.0**-decimals, "%", "exact", "s"
    )


@pytest.mark.parametrize(
    ("agreement", "note"),
    [
        (Agreement(How.PLAINLY), ""),
        (None, ""),
        (Agreement(How.WITHIN_INPUT_ROUNDING), "agrees within the rounding of its inputs"),
        (
            Agreement(How.WITHIN_INPUT_ROUNDING, ROUND_DOWN),
            "agrees by truncation, within the rounding of its inputs",
        ),
        (
            Agreement(How.AT_COARSER_DECIMALS, decimals=1),
            "agrees at the 1 decimals of the coarser figure",
        ),
        (
            Agreement(How.AT_COARSER_DECIMALS, ROUND_DOWN, 1),
            "agrees by truncation to the 1 decimals of the coarser figure",
        ),
    ],
)
def test_each_way_of_agreeing_in_words(agreement, note):
    restated = Finding(
        Identity.RESTATEMENT,
        "residents",
        _percent("satisfaction", 97.9, 1),
        (_percent("satisfaction", 97.93, 2),),
        97.93,
        -0.03,
        agreement,
    )
    assert finding_note(restated) == note
    assert identity_text(restated) == "satisfaction restated"


def test_unstated_lines_and_a_partial_budget_are_said():
    def money(key: str, value: float) -> Figure:
        return Figure(key, "residents", False, value, 2, 0.005, "万元", "exact", "s")

    lines = Finding(
        Identity.LINES,
        "residents",
        money("total_expenditure", 10.0),
        (money("benefit_expenditure", 10.0),),
        10.0,
        0.0,
        Agreement(),
        unstated=("other_expenditure",),
    )
    assert identity_text(lines) == "total_expenditure = sum of expenditure lines"
    assert computed_from_text(lines) == (
        "benefit_expenditure 10 [s]; other_expenditure not stated: taken as 0"
    )
    partial = Finding(
        Identity.BUDGET_HOLDS_LINE,
        "residents",
        money("expenditure_budget", 12.0),
        (money("expenditure_budget_pensions", 10.0),),
        10.0,
        2.0,
        Agreement(),
    )
    assert identity_text(partial) == "expenditure_budget >= stated budget lines"
    assert computed_from_text(partial).endswith(
        "; the other budget line is not stated: checked lines <= budget"
    )


# --------------------------------------------------------------------------------------------
# the report of ``yanglao check``


def test_format_lists_disagreements_first_then_the_counts(qitai_findings):
    text = format_findings(qitai_findings, lang="en")
    lines = text.splitlines()
    n_disagree = sum(not f.agrees for f in qitai_findings)
    assert lines[0] == f"Disagreements ({n_disagree}):"
    assert lines[-1] == (
        f"{len(qitai_findings)} checks: {len(qitai_findings) - n_disagree} agree, "
        f"{n_disagree} disagree"
    )
    # the identity, then both numbers, then where it was stated, then what it was computed from
    at = lines.index("  [civil_service] balance = total_income - total_expenditure")
    assert lines[at + 1] == "      stated -174.28, computed -441.47 (difference +267.19)"
    assert lines[at + 2] == "      stated in 二(一): 当年收支结余-174.28万元"
    assert lines[at + 3].startswith(
        "      computed from total_income 29709.01 [二(一): 当年总收入29709.01万元] - "
    )
    # agreements appear only when they carry a note
    assert "[civil_service] total_income = sum of income lines" not in text
    assert "truncation" in text


def test_format_in_chinese(qitai_findings):
    text = format_findings(qitai_findings)
    lines = text.splitlines()
    n_disagree = sum(not f.agrees for f in qitai_findings)
    assert lines[0] == f"不一致（{n_disagree}项）："
    assert lines[-1] == (
        f"共{len(qitai_findings)}项检查："
        f"{len(qitai_findings) - n_disagree}项一致，{n_disagree}项不一致"
    )
    at = lines.index("  [机关事业] 当年收支结余 = 总收入 - 总支出")
    assert lines[at + 1] == "      报告数 -174.28，计算数 -441.47，差额 +267.19"
    assert lines[at + 2] == "      报告数出处：二(一): 当年收支结余-174.28万元"
    assert lines[at + 3] == (
        "      计算依据：总收入 29709.01 [二(一): 当年总收入29709.01万元] - "
        "总支出 30150.48 [二(一): 基金当年总支出30150.48万元]"
    )
    assert "  [两项基金合计] 年末滚存结余 = 机关事业·年末滚存结余 + 城乡居民·年末滚存结余" in lines
    assert "在舍入误差内一致（容差 0.02 万元）" in text
    assert "  [机关事业] 总支出（两处所列）" in lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_fits_120_columns_and_long_sources_go_on(qitai_findings, lang):
    from model.output.text import display_width

    text = format_findings(qitai_findings, lang=lang)
    assert max(display_width(line) for line in text.splitlines()) <= 120
    # a source sentence too long for one line goes on on an indented line, nothing lost
    flat = "".join(line.strip() for line in text.splitlines())
    for f in qitai_findings:
        if not f.agrees:
            assert f.where_stated.replace(" ", "") in flat.replace(" ", "")
    assert any(line.startswith("        ") for line in text.splitlines())


def test_a_line_is_broken_between_words_and_never_wider_than_asked():
    from model.output.check_report import wrapped
    from model.output.text import display_width

    words = "计算依据：总收入 29709.01 [二(一): 当年总收入29709.01万元] " * 6 + "x" * 150
    for width in (20, 37, 80, 120):
        lines = wrapped(words, "  ", "    ", width)
        assert all(display_width(line) <= width for line in lines), width
        assert "".join(line.strip() for line in lines).replace(" ", "") == words.replace(" ", "")
        assert not any(line.lstrip().startswith(("，", "]", ")", "：")) for line in lines[1:])


def test_format_of_no_findings():
    assert format_findings([]) == "共0项检查：0项一致，0项不一致"
    assert format_findings([], lang="en") == "0 checks: 0 agree, 0 disagree"


def test_estimated_lines_in_both_languages():
    from model.output.check_report import format_estimated

    lines = [
        {
            "fund": "civil_service",
            "line": "interest_income",
            "value": 62774.0,
            "unit": "万元",
            "rule": "estimated: x",
        }
    ]
    assert format_estimated([]) == ""
    assert format_estimated(lines) == (
        "估算数（报告未列，按规则估算，不作检查）：\n  机关事业·利息收入 = 62,774.00 万元  [估算]"
    )
    assert format_estimated(lines, lang="en") == (
        "Estimated, not stated (not checked):\n"
        "  civil_service.interest_income = 62,774.00 万元  [estimated]"
    )
