"""``yanglao evaluate``: a year's outturn against its budget, the year before and itself.

The Qitai 2021 outturn (``scenarios/outturns/qitai-2021.yaml``) is the worked example. The
expected completion rates, growth rates and consistent figures below are worked out by hand from
the report's figures (the arithmetic is written next to each), so a change in the evaluation that
moves any of them fails here. The draft's numbers are parsed back out of its Chinese text and
compared with the same arithmetic.
"""

from __future__ import annotations

import copy
import csv
import doctest
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.evaluate import evaluate as evaluate_command
from cli.main import app
from model.analysis import evaluate as evaluate_module
from model.analysis.consistency import Identity, check_base_year, check_stated
from model.analysis.evaluate import Evaluation, evaluate, round_half_up, truncate
from model.errors import ScenarioError
from model.output import evaluation_report
from model.output.evaluation_report import draft_markdown, figure_text, write_evaluation
from model.scenario.load import load_scenario, read_yaml, validate_model
from model.scenario.outturn import Outturn, load_outturn
from tests.conftest import ROOT, with_changes

QITAI = ROOT / "scenarios" / "qitai-2021.yaml"
OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"
CS, RES, BOTH = "civil_service", "residents", "combined"

# Register the command here until cli/main.py does (once: the module may be imported twice).
if not any(
    getattr(c.callback, "__name__", "") == "evaluate" or c.name == "evaluate"
    for c in app.registered_commands
):
    app.command()(evaluate_command)

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(QITAI)


@pytest.fixture(scope="module")
def outturn() -> Outturn:
    return load_outturn(OUTTURN)


@pytest.fixture(scope="module")
def ev(scenario, outturn) -> Evaluation:
    return evaluate(scenario, outturn)


@pytest.fixture(scope="module")
def draft(ev) -> str:
    return draft_markdown(ev)


def outturn_with(changes: dict[str, Any]) -> Outturn:
    """The Qitai outturn with dotted-path ``changes`` (None deletes the key), validated."""
    data, lines = read_yaml(OUTTURN)
    data = with_changes(data, changes)
    return validate_model(data, lines, str(OUTTURN), Outturn)


def pct(x: float) -> float:
    return round_half_up(x, 2)


# --------------------------------------------------------------------------------------------
# the outturn file


def test_shipped_outturn_is_the_scenarios_base_year(scenario, outturn):
    assert outturn.outturn.year == scenario.meta.base_year == 2021
    assert outturn.outturn.county.zh == "奇台县"
    for block in ("combined", CS, RES):
        stated, base = getattr(outturn, block), getattr(scenario.base_year, block)
        assert stated.model_dump() == base.model_dump()
    header = OUTTURN.read_text(encoding="utf-8").split("schema_version")[0]
    assert "base_year" in header and "qitai-2021.yaml" in header  # says what it copies and why


def test_check_stated_is_check_base_year_on_any_block(scenario, outturn):
    assert check_stated(outturn) == check_stated(scenario.base_year) == check_base_year(scenario)


def _line_of(text: str, pattern: str) -> int:
    m = re.search(pattern, text, re.MULTILINE)
    assert m, pattern
    return text.count("\n", 0, m.start()) + 1


BAD_OUTTURNS = {
    # name: (text change, field, words, line anchor or None)
    "misspelt key": (
        ("  interest_income: {value: 18.45", "  interest_incme: {value: 18.45"),
        "civil_service.interest_incme",
        ("unknown field", "did you mean 'interest_income'"),
        r"^  interest_incme:",
    ),
    "wrong type": (
        ("value: 13574.93,", 'value: "lots",'),
        "civil_service.contribution_income.value",
        ("expected a number", "'lots'"),
        r"^  contribution_income:",
    ),
    "missing year": (
        ("  year: 2021\n", ""),
        "outturn.year",
        ("missing required field", "expected key 'year'"),
        r"^outturn:",
    ),
    "duplicate key": (
        (
            "  reserve_end: {value: 360.87",
            '  balance: {value: 1, unit: 万元, source: "again"}\n  reserve_end: {value: 360.87',
        ),
        "civil_service.balance",
        ("duplicate key", "already set on line"),
        r"^  balance: \{value: 1,",
    ),
    "misspelt header key": (
        ("  report: 奇台县", "  reprot: 奇台县"),
        "outturn.reprot",
        ("unknown field", "did you mean 'report'"),
        r"^  reprot:",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_OUTTURNS))
def test_bad_outturn_names_file_line_field(name, tmp_path):
    (old, new), field, words, anchor = BAD_OUTTURNS[name]
    text = OUTTURN.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_outturn(bad)
    (problem,) = info.value.problems
    assert problem.file == str(bad)
    assert problem.field == field
    for w in words:
        assert w in problem.message
    assert problem.line == _line_of(bad.read_text(encoding="utf-8"), anchor)


@pytest.mark.parametrize(
    "content, words",
    [
        ("", "is empty; expected an outturn mapping with keys schema_version, outturn"),
        ("- 1\n- 2\n", "expected a mapping of outturn keys"),
        (
            "schema_version: 1\noutturn: {year: 2021, county: {zh: 奇台县, en: Qitai}}\n",
            "expected at least one fund",
        ),
    ],
)
def test_whole_file_problems_speak_of_an_outturn(content, words, tmp_path):
    bad = tmp_path / "o.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_outturn(bad)
    assert words in str(info.value)
    with pytest.raises(ScenarioError, match="file not found; expected an outturn .yaml file"):
        load_outturn(tmp_path / "none.yaml")


# --------------------------------------------------------------------------------------------
# completion against the budget


def test_completion_rates_are_the_reports_correct_ones(ev):
    cs_income = ev.line(CS, "total_income")
    # 29709.01 / 29473.4 = 1.0079939…: 100.80% rounded; the report's 100.79% is the truncation
    assert cs_income.completion_pct == pytest.approx(29709.01 / 29473.4 * 100)
    assert pct(cs_income.completion_pct) == 100.80
    assert truncate(cs_income.completion_pct) == 100.79 == cs_income.stated_completion_pct.value
    # 30150.48 / 29359.26 = 1.0269496…: 102.69% whether rounded or truncated (not 102.70)
    cs_spend = ev.line(CS, "total_expenditure")
    assert pct(cs_spend.completion_pct) == 102.69 == truncate(cs_spend.completion_pct)
    assert cs_spend.budget == 29359.26
    # 6333.77 / 8283.87 = 0.764591…
    assert pct(ev.line(RES, "total_income").completion_pct) == 76.46
    # residents' expenditure: 5619.81 / 5740.63 = 97.8953… (the report truncates to 97.89) and
    # 5619.81 / 5736.43 = 97.9670… (the report's 97.97 in 三(二))
    versions = {v.value: v for v in ev.line(RES, "total_expenditure").budget_versions}
    assert set(versions) == {5740.63, 5736.43}
    assert pct(versions[5740.63].completion_pct) == 97.90
    assert pct(versions[5736.43].completion_pct) == 97.97
    # 5736.43 = pensions 5682.43 + funeral grants 54: the consistent budget, used
    assert versions[5736.43].used and versions[5736.43].consistent
    assert not versions[5740.63].used and versions[5740.63].consistent is False
    assert pct(ev.line(RES, "total_expenditure").completion_pct) == 97.97
    # pensions paid 5619.81 against the pensions budget 5682.43 = 98.8980…
    assert pct(ev.line(RES, "pension_expenditure").completion_pct) == 98.90
    assert ev.line(RES, "funeral_grant_expenditure").completion_pct is None  # no outturn stated


def test_combined_completion_uses_the_sum_of_the_funds(ev):
    income = ev.line(BOTH, "total_income")
    assert income.outturn == pytest.approx(29709.01 + 6333.77)  # 36042.78, not 37857.27
    assert income.budget == pytest.approx(29473.4 + 8283.87)  # 37757.27, not 36505.68
    assert pct(income.completion_pct) == 95.46  # 36042.78 / 37757.27
    stated = next(v for v in income.budget_versions if v.value == 36505.68)
    assert pct(stated.completion_pct) == 98.73 and not stated.used  # 36042.78 / 36505.68
    spend = ev.line(BOTH, "total_expenditure")
    assert spend.budget == 35095.69  # = 29359.26 + 5736.43: the stated combined budget agrees
    assert pct(spend.completion_pct) == 101.92


def test_only_residents_income_is_flagged(ev):
    assert [(ln.fund, ln.key, ln.flag) for ln in ev.flagged] == [(RES, "total_income", "below")]
    assert ev.line(RES, "total_income").band_pct == (90.0, 110.0)
    assert "一(二)" in ev.line(RES, "total_income").band_source  # read from the targets


def test_band_is_read_from_the_targets(scenario):
    narrow = outturn_with(
        {
            "civil_service.targets.expenditure_completion_high": {
                "value": 102,
                "unit": "%",
                "bound": "at_most",
                "source": "test: a narrower band",
            },
        }
    )
    ev = evaluate(scenario, narrow)
    spend = ev.line(CS, "total_expenditure")
    assert spend.band_pct == (90.0, 102.0)
    assert spend.flag == "above"  # 102.69% > 102%
    assert ev.line(RES, "total_expenditure").flag == ""  # the other fund keeps its band


def test_default_band_without_targets(scenario):
    data, lines = read_yaml(QITAI)
    data = copy.deepcopy(data)
    for fund in (CS, RES):
        data["base_year"][fund].pop("targets")
    from model.scenario.load import validate_data

    bare_scenario = validate_data(data, lines, str(QITAI))
    ev = evaluate(
        bare_scenario, outturn_with({"civil_service.targets": None, "residents.targets": None})
    )
    assert ev.line(RES, "total_income").band_pct == evaluate_module.DEFAULT_BAND_PCT == (90, 110)
    assert ev.line(RES, "total_income").flag == "below"


# --------------------------------------------------------------------------------------------
# the year before


def test_year_before_from_the_stated_increases(ev):
    cases = {
        # (fund, line): (total, stated increase, growth % as the arithmetic gives it)
        (CS, "total_income"): (29709.01, 3801.491, 14.67),  # the report says 30.87
        (CS, "total_expenditure"): (30150.48, 2599.1, 9.43),
        (RES, "total_income"): (6333.77, 191.91, 3.12),
        (RES, "total_expenditure"): (5619.81, 422.46, 8.13),  # the report truncates to 8.12
        (BOTH, "total_income"): (36042.78, 3801.491 + 191.91, 12.46),  # not 4525.55
        (BOTH, "total_expenditure"): (35770.29, 3021.56, 9.23),
    }
    for (fund, key), (total, increase, growth) in cases.items():
        ln = ev.line(fund, key)
        assert ln.previous == pytest.approx(total - increase), (fund, key)
        assert ln.change == pytest.approx(increase), (fund, key)
        assert pct(ln.growth_pct) == growth, (fund, key)
        assert pct(increase / (total - increase) * 100) == growth
    assert ev.line(CS, "contribution_income").previous is None  # no increase, no earlier base year


def test_year_before_from_the_scenarios_base_year(scenario, monkeypatch):
    """A 2022 outturn with no stated increases takes 2021 from the scenario's base year, using
    the consistent figures of that base year (its balance −441.47, not the stated −174.28)."""
    monkeypatch.setattr(evaluate_module, "_projected_budgets", lambda sc, year: {})
    later = outturn_with(
        {
            "outturn.year": 2022,
            "civil_service.income_increase": None,
            "civil_service.income_growth": None,
            "civil_service.contribution_income.value": 14000.0,
            "civil_service.total_income.value": 29709.01 + 425.07,
            "civil_service.balance": None,
        }
    )
    ev = evaluate(scenario, later)
    contributions = ev.line(CS, "contribution_income")
    assert contributions.previous == 13574.93
    assert contributions.change == pytest.approx(425.07)
    assert pct(contributions.growth_pct) == pct(425.07 / 13574.93 * 100) == 3.13
    assert "scenario base year 2021" in contributions.previous_source
    assert ev.line(CS, "total_income").previous == 29709.01
    assert ev.line(CS, "balance").previous == pytest.approx(-441.47)
    # the stated increase still wins where there is one
    assert ev.line(CS, "total_expenditure").previous == pytest.approx(30150.48 - 2599.1)


def test_budgets_from_budget_lines_after_the_base_year(scenario, monkeypatch):
    """Lines without a stated budget take ``model.analysis.budget.budget_lines``; stated budgets
    win."""
    import sys
    import types

    calls = []

    def budget_lines(sc, year):
        calls.append(year)
        return {
            CS: {
                "contribution_income": 14000.0,
                "total_income": 1.0,
                "pension_expenditure": 100.0,
                "funeral_grant_expenditure": 10.0,
            },
            BOTH: {"contribution_income": 16000.0},
        }

    fake = types.ModuleType("model.analysis.budget")
    fake.budget_lines = budget_lines
    monkeypatch.setitem(sys.modules, "model.analysis.budget", fake)
    ev = evaluate(scenario, outturn_with({"outturn.year": 2022}))
    assert calls == [2022]
    assert ev.line(CS, "contribution_income").budget == 14000.0
    assert pct(ev.line(CS, "contribution_income").completion_pct) == pct(13574.93 / 14000 * 100)
    assert "budget_lines" in ev.line(CS, "contribution_income").budget_source
    assert ev.line(CS, "total_income").budget == 29473.4  # stated in the outturn: it wins
    assert ev.line(CS, "benefit_expenditure").budget == 110.0  # pensions + funeral grants
    assert ev.line(BOTH, "contribution_income").budget == 16000.0
    # the base year itself has no projected budget; nor a project without model.analysis.budget
    evaluate(scenario, outturn_with({}))
    assert calls == [2022]
    monkeypatch.setitem(sys.modules, "model.analysis.budget", None)  # import fails
    ev = evaluate(scenario, outturn_with({"outturn.year": 2022}))
    assert ev.line(CS, "contribution_income").budget is None


# --------------------------------------------------------------------------------------------
# the report against itself


def test_every_disagreement_is_recorded_with_the_figure_used(ev, scenario):
    assert len(ev.disagreements) == sum(not f.agrees for f in check_base_year(scenario)) == 15
    # each disagreement carries its finding: the kind of identity and the stated figure's key
    by = {
        (d.fund, d.finding.identity, d.finding.figure.key): d
        for d in ev.disagreements
        if not d.finding.figure.restated
    }
    expect = {
        (CS, Identity.BALANCE, "balance"): (-174.28, -441.47),
        (CS, Identity.DEPENDENCY, "dependency_ratio"): (1.73, 6816 / 4167),
        (CS, Identity.GROWTH, "income_growth"): (30.87, 3801.491 / (29709.01 - 3801.491) * 100),
        (RES, Identity.BALANCE, "balance"): (909.68, 713.96),
        (RES, Identity.BUDGET_LINES, "expenditure_budget"): (5740.63, 5736.43),
        (BOTH, Identity.SUM_OF_FUNDS, "total_income"): (37857.27, 36042.78),
        (BOTH, Identity.SUM_OF_FUNDS, "income_increase"): (4525.55, 3993.401),
        (BOTH, Identity.SUM_OF_FUNDS, "balance"): (
            2086.98,
            36042.78 - 35770.29,
        ),  # the funds' consistent balances: 272.49
        (BOTH, Identity.COMPLETION, "income_budget_completion"): (96.43, 36042.78 / 37757.27 * 100),
    }
    for key, (stated, used) in expect.items():
        d = by[key]
        assert d.stated == stated == d.finding.stated, key
        assert d.used == pytest.approx(used), key
        assert d.stated_source == d.finding.where_stated and d.finding.inputs, key
        assert all(x.source for x in d.finding.inputs), key
    restated = [
        d
        for d in ev.disagreements
        if d.fund == CS
        and d.finding.identity is Identity.RESTATEMENT
        and d.finding.figure.key == "total_expenditure"
    ]
    assert [(d.stated, d.used, d.line, d.aspect) for d in restated] == [
        (29359.26, 30150.48, "total_expenditure", "outturn")
    ]
    balance = by[(CS, Identity.BALANCE, "balance")]
    assert balance.stated_source.startswith("二(一)")
    assert [(x.key, x.value) for x in balance.finding.inputs] == [
        ("total_income", 29709.01),
        ("total_expenditure", 30150.48),
    ]
    assert ev.line(CS, "balance").outturn == pytest.approx(-441.47)
    assert ev.line(CS, "balance").stated.value == -174.28


def test_a_consistent_report_has_no_disagreements_and_no_notes(scenario):
    consistent = outturn_with(
        {
            "civil_service.balance.value": -441.47,
            "civil_service.dependency_ratio.value": 1.64,
            "civil_service.income_growth.value": 14.67,
            "civil_service.income_budget_completion.value": 100.80,
            "civil_service.total_expenditure.restated": [],
            "civil_service.benefit_expenditure.restated": [],
            "residents.balance.value": 713.96,
            "residents.expenditure_growth.value": 8.13,
            "residents.expenditure_budget.value": 5736.43,
            "residents.expenditure_budget.restated": [],
            "residents.expenditure_budget_completion.value": 97.97,
            "combined.total_income.value": 36042.78,
            "combined.income_increase.value": 3993.40,
            "combined.income_budget.value": 37757.27,
            "combined.income_budget_completion.value": 95.46,
            "combined.balance.value": 272.49,
        }
    )
    ev = evaluate(scenario, consistent)
    assert ev.disagreements == ()
    draft = draft_markdown(ev)
    assert "（注" not in draft and "不一致" not in draft
    # the same numbers as from the report itself
    assert pct(ev.line(BOTH, "total_income").completion_pct) == 95.46


# --------------------------------------------------------------------------------------------
# the draft


def paragraph(draft: str, heading: str) -> str:
    """The text under a heading, up to the next heading."""
    start = draft.index(heading)
    rest = draft[start + len(heading) :]
    end = min((rest.index(h) for h in ("\n## ", "\n### ") if h in rest), default=len(rest))
    return rest[:end]


def number(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    assert m, pattern
    return float(m.group(1))


@pytest.mark.parametrize("fund, heading", [(CS, "（一）机关事业单位"), (RES, "（二）城乡居民")])
def test_draft_numbers_follow_from_the_outturn(fund, heading, outturn, draft):
    text = paragraph(draft, heading)
    o = getattr(outturn, fund)
    income, spend = o.total_income.value, o.total_expenditure.value
    assert number(r"当年总收入(-?[\d.]+)万元", text) == income
    assert number(r"基本养老保险费收入(-?[\d.]+)万元", text) == o.contribution_income.value
    assert number(r"利息收入(-?[\d.]+)万元", text) == o.interest_income.value
    assert number(r"财政补贴收入(-?[\d.]+)万元", text) == o.subsidy_income.value
    increase = o.income_increase.value
    assert number(r"收入较上年增长(-?[\d.]+)万元", text) == round_half_up(increase)
    assert number(r"收入较上年增长[\d.]+万元，增幅([\d.]+)%", text) == pct(
        increase / (income - increase) * 100
    )
    assert number(r"完成全年预算([\d.]+)万元的", text) == o.income_budget.value
    assert number(r"完成全年预算[\d.]+万元的([\d.]+)%", text) == pct(
        income / o.income_budget.value * 100
    )
    assert number(r"基金当年总支出(-?[\d.]+)万元", text) == spend
    increase = o.expenditure_increase.value
    assert number(r"较上年支出增加([\d.]+)万元", text) == increase
    assert number(r"较上年支出增加[\d.]+万元，增幅([\d.]+)%", text) == pct(
        increase / (spend - increase) * 100
    )
    # the budget consistent with its lines (pensions + funeral grants where both are stated)
    lines = [x.value for x in (o.expenditure_budget_pensions, o.expenditure_budget_funeral) if x]
    budget = sum(lines) if len(lines) == 2 else o.expenditure_budget.value
    spend_budget = re.findall(r"总支出[^。]*?完成全年预算([\d.]+)万元的([\d.]+)%", text)[0]
    assert float(spend_budget[0]) == pytest.approx(budget)
    assert float(spend_budget[1]) == pct(spend / budget * 100)
    assert number(r"当年收支结余(-?[\d.]+)万元，滚存结余", text) == round_half_up(income - spend)
    assert number(r"滚存结余(-?[\d.]+)万元", text) == o.reserve_end.value


def test_draft_combined_numbers_are_the_sums_of_the_funds(outturn, draft):
    text = paragraph(draft, "一、社会保险基金收支总体情况")
    cs, res = outturn.civil_service, outturn.residents
    income = cs.total_income.value + res.total_income.value
    spend = cs.total_expenditure.value + res.total_expenditure.value
    assert number(r"两项基金收入合计([\d.]+)万元", text) == round_half_up(income)
    assert number(r"支出合计([\d.]+)万元", text) == round_half_up(spend)
    budget = cs.income_budget.value + res.income_budget.value
    assert number(r"收入合计[\d.]+万元[^；（]*?完成预算([\d.]+)万元", text) == round_half_up(budget)
    assert number(r"收入合计[\d.]+万元[^；（]*?完成预算[\d.]+万元的([\d.]+)%", text) == pct(
        income / budget * 100
    )
    assert number(r"本年收支结余(-?[\d.]+)万元，", text) == round_half_up(income - spend)


def test_draft_writes_money_and_rates_with_two_decimals(draft):
    body = draft.split("## 附")[0]
    amounts = re.findall(r"(-?\d[\d.]*)万元", body)
    assert amounts and all(re.fullmatch(r"-?\d+\.\d\d", a) for a in amounts), amounts
    rates = re.findall(r"(?:增幅|的|完成率|为)(\d[\d.]*)%", body)
    assert rates and all(re.fullmatch(r"\d+\.\d\d", r) for r in rates), rates


def test_draft_notes_each_disagreement(ev, draft):
    body = draft.split("## 附")[0]
    # the brief's own example, word for word
    assert "（注：报告所列增幅30.87%与收入及增加额不一致，按增加额计算为14.67%" in body
    for note in (
        "报告所列当年收支结余-174.28万元与总收入、总支出不一致，按总收入29709.01万元减总支出"
        "30150.48万元计算为-441.47万元",
        "报告所列完成率100.79%系截尾所得，四舍五入为100.80%",
        "报告所列抚养比1.73与人数不一致，按在职缴费人员6816人、享受待遇人员4167人计算为1.64",
        "报告三(二)所列养老保险待遇支出、总支出29359.26万元与二(一)所列30150.48万元不一致，"
        "按30150.48万元计，29359.26万元与预算数相同",
        "报告所列预算5740.63万元与预算明细之和不一致，按报告一(二)所列预算5736.43万元计，"
        "按5740.63万元计则完成97.90%",
        "报告所列增幅8.12%系截尾所得，四舍五入为8.13%",
        "报告所列当年收支结余909.68万元与总收入、总支出不一致",
        "报告所列收入合计37857.27万元与两项基金之和不一致，按两项基金相加为36042.78万元",
        "报告所列较上年增加4525.55万元与两项基金增加额之和不一致，按两项基金相加为3993.40万元",
        "报告所列完成率96.43%与收入及预算不一致，按收入36042.78万元、预算37757.27万元计算为95.46%",
        "报告所列本年收支结余2086.98万元与两项基金收支不一致，按收入合计36042.78万元减支出合计35770.29万元"
        "计算为272.49万元",
    ):
        assert note in body, note
    # every disagreement whose figure the draft replaces is noted in the body, with both figures
    for d in ev.disagreements:
        if d.used is None or figure_text(d.line, d.stated) == figure_text(d.line, d.used):
            continue
        assert figure_text(d.line, d.stated) in body, d.finding
        assert figure_text(d.line, d.used) in body, d.finding
    appendix = draft.split("## 附")[1]
    assert len([x for x in appendix.splitlines() if x.startswith("- ")]) == 15
    assert "二(一): 当年收支结余-174.28万元" in appendix  # with the sources


def test_draft_explains_the_flag(draft):
    text = paragraph(draft, "（二）城乡居民")
    assert (
        "完成全年预算8283.87万元的76.46%，低于预算完成率绩效目标区间（90%–110%）的下限90%" in text
    )
    # 8283.87 - 6333.77 = 1950.10, of which the county's subsidy of 1700余万元 was not paid in
    assert "收入较预算少1950.10万元，其中财政补贴至少1700.00万元未拨付到位" in text


# --------------------------------------------------------------------------------------------
# files


def test_files_are_written_together(ev, tmp_path):
    out = tmp_path / "eval"
    written = write_evaluation(ev, out)
    assert sorted(p.name for p in written) == ["draft.md", "evaluation.csv", "self_evaluation.xlsx"]
    rows = list(csv.DictReader(open(out / "evaluation.csv", encoding="utf-8-sig")))
    assert len({(r["fund"], r["line"]) for r in rows}) == len(rows)
    assert {r["fund"] for r in rows} == {CS, RES, BOTH}
    row = {(r["fund"], r["line"]): r for r in rows}
    assert float(row[CS, "total_income"]["completion_pct"]) == 100.80
    assert float(row[CS, "total_income"]["stated_completion_pct"]) == 100.79
    assert float(row[CS, "balance"]["outturn"]) == -441.47
    assert float(row[CS, "balance"]["stated"]) == -174.28
    assert row[RES, "total_income"]["flag"] == "below"
    assert [k for k, r in row.items() if r["flag"]] == [(RES, "total_income")]
    assert "5740.63" in row[RES, "total_expenditure"]["other_budgets"]
    assert (out / "draft.md").read_text(encoding="utf-8") == draft_markdown(ev)

    from openpyxl import load_workbook

    wb = load_workbook(out / "self_evaluation.xlsx")
    assert wb.sheetnames == [
        "说明",
        "自评表-机关事业单位",
        "自评表-城乡居民",
        "各项目",
        "报告不一致之处",
    ]
    ws = wb["自评表-城乡居民"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    header = values[2]
    assert header[:7] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "是否达标",
        "偏差原因",
    ]
    table = {r[2]: dict(zip(header, r, strict=True)) for r in values[3:]}
    for indicator in (
        "保障人数",
        "按标准足额保障参保人员待遇支出",
        "基金支出预算完成率",
        "基金使用符合政策规定",
        "上访率",
        "满意度",
    ):
        assert indicator in table
    assert table["保障人数"]["实际完成值"] == "24608人"
    spend = table["基金支出预算完成率"]
    assert (spend["年度指标值"], spend["实际完成值"], spend["是否达标"]) == (
        "≥90%且≤110%",
        "97.97%",
        "是",
    )
    income = table["基金收入预算完成率"]
    assert (income["实际完成值"], income["是否达标"]) == ("76.46%", "否")
    assert "低于90%" in income["偏差原因"] and "1700.00" in income["偏差原因"]
    assert (
        table["满意度"]["年度指标值"],
        table["满意度"]["实际完成值"],
        table["满意度"]["是否达标"],
    ) == ("≥95%", "≥95%", "是")
    blank = table["按标准足额保障参保人员待遇支出"]
    assert blank["实际完成值"] is None and blank["备注"]  # blank, with a note
    assert wb["报告不一致之处"].max_row == 1 + 15
    assert wb["各项目"].max_row == 1 + len(rows)


def test_nothing_is_written_when_one_file_fails(ev, tmp_path, monkeypatch):
    def broken(ev, path):
        raise OSError("disk full")

    monkeypatch.setattr(evaluation_report, "write_self_evaluation_workbook", broken)
    out = tmp_path / "eval"
    with pytest.raises(Exception, match="disk full"):
        write_evaluation(ev, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# the command line


def invoke(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result


def test_cli_evaluates_and_writes(tmp_path):
    out = tmp_path / "out"
    result = invoke(["evaluate", str(QITAI), str(OUTTURN), "--out", str(out)])
    assert result.exit_code == 0, result.output  # disagreements are shown, not failures
    assert "100.80" in result.stdout and "76.46 偏低" in result.stdout
    assert "报告自相矛盾之处（15处" in result.stdout
    assert {p.name for p in out.iterdir()} == {
        "draft.md",
        "evaluation.csv",
        "self_evaluation.xlsx",
        ".yanglao-run",
    }
    english = invoke(["evaluate", str(QITAI), str(OUTTURN), "--lang", "en"])
    assert english.exit_code == 0
    assert "76.46 (low)" in english.stdout and "The report's disagreements (15" in english.stdout


def test_cli_bad_outturn_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = OUTTURN.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("  interest_income: {value: 18.45", "  interest_incme: {value: 18.45", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke(["evaluate", str(QITAI), str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    line = _line_of(bad.read_text(encoding="utf-8"), r"^  interest_incme:")
    assert f"{bad}:{line}: civil_service.interest_incme: unknown field" in result.stderr
    assert "did you mean 'interest_income'" in result.stderr
    assert not out.exists()


def test_cli_bad_scenario_and_unwritable_output_exit_2(tmp_path):
    result = invoke(["evaluate", str(tmp_path / "none.yaml"), str(OUTTURN)])
    assert result.exit_code == 2 and "file not found" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke(["evaluate", str(QITAI), str(OUTTURN), "--out", str(blocker)])
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_cli_function_can_be_called_directly(tmp_path, capsys):
    evaluate_command(QITAI, OUTTURN, out=tmp_path / "o", lang="en")
    assert "Headline" in capsys.readouterr().out
    assert (tmp_path / "o" / "draft.md").exists()


@pytest.mark.parametrize("module", [evaluate_module, evaluation_report])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_an_outturn_of_totals_only_is_evaluated_with_its_estimates_marked(scenario):
    """A yearbook-style outturn (totals, reserve, heads): the lines it does not state are
    estimated by the scenario's rules, marked, and the totals are judged as stated."""
    from tests.conftest import DELETE, LINES_BESIDE_TOTALS

    data, file_lines = read_yaml(OUTTURN)
    data = with_changes(
        data, {f"{f}.{k}": DELETE for f in (CS, RES) for k in LINES_BESIDE_TOTALS}, DELETE
    )
    data.pop("combined", None)
    totals = validate_model(data, file_lines, str(OUTTURN), Outturn)
    result = evaluate(scenario, totals)
    by_key = {
        (fund, key): ln for fund, lines_ in result.lines.items() for key, ln in lines_.items()
    }
    assert by_key[(CS, "total_income")].outturn == pytest.approx(29709.01)
    assert by_key[(CS, "total_expenditure")].outturn == pytest.approx(30150.48)
    # the estimated lines add up to the stated total, and the evaluation says they are estimates
    parts = sum(
        by_key[(CS, k)].outturn
        for k in ("contribution_income", "interest_income", "subsidy_income")
    )
    assert parts == pytest.approx(29709.01, abs=0.01)
    assert any("estimated, not stated" in w and CS in w for w in result.warnings)


# --------------------------------------------------------------------------------------------
# the words of the draft and of the terminal


def _quoted(ev) -> set[str]:
    """The report's own words the evaluation quotes: its sources, the county and the report."""
    sources = {ev.county_zh, ev.report}
    for d in ev.disagreements:
        sources.add(d.stated_source)
        sources.update(f.source for f in (d.finding.figure, *d.finding.inputs))
    return sources


def test_draft_has_no_code_and_no_english(ev, draft):
    from tests.analysis.terminal_text import latin_words

    assert "`" not in draft and "yanglao" not in draft
    text = draft
    for quote in sorted(_quoted(ev), key=len, reverse=True):
        text = text.replace(evaluation_report._md(quote), "")
    assert not latin_words(text, ids=[ev.scenario_id]), latin_words(text, ids=[ev.scenario_id])
    # an identity in words, as the tables of the report name its lines
    appendix = draft.split("## 附")[1]
    first = "- 机关事业单位基本养老保险基金，当年收支结余 = 总收入 − 总支出：报告所列-174.28"
    assert first in appendix
    assert "两项基金合计，总收入 = 机关事业单位总收入 + 城乡居民总收入" in appendix
    assert "total_income" not in draft and "restated" not in draft and "primary figure" not in draft


def test_draft_says_the_subsidy_one_way_and_its_arrears_in_the_bureau_words(ev, draft):
    text = draft
    for quote in _quoted(ev):
        text = text.replace(evaluation_report._md(quote), "")
    assert "财政补助" not in text and "财政补贴收入" in text
    assert "没有拨付" not in draft and "未拨付到位" in draft


def test_draft_puts_a_sign_with_the_target_only(draft):
    text = paragraph(draft, "三、绩效目标完成情况")
    # achieved: 满意率99%以上 against a target of ≥95%
    assert "满意度99%以上（年度指标值≥95%，达标）" in text
    assert "满意度≥99%" not in text and "准确率≥" not in text


def test_draft_states_its_rounding_once_and_notes_each_point_once(draft):
    assert draft.count("四舍五入到0.01万元") == 1
    assert "合计可能与分项之和相差0.01" in draft
    body = draft.split("## 附")[0]
    # two figures restated with the same value in the same section: one note
    assert body.count("29359.26万元与预算数相同") == 1
    for paragraph_text in body.split("\n\n"):
        notes = re.findall(r"（注：(.*?)）。", paragraph_text)
        for group in notes:
            parts = group.split("；")
            assert len(parts) == len(set(parts)), parts


def test_draft_totals_add_up_as_printed(draft):
    text = paragraph(draft, "一、社会保险基金收支总体情况")
    cs, res = paragraph(draft, "（一）机关事业单位"), paragraph(draft, "（二）城乡居民")
    income = number(r"两项基金收入合计([\d.]+)万元", text)
    assert income == pytest.approx(
        number(r"当年总收入([\d.]+)万元", cs) + number(r"当年总收入([\d.]+)万元", res), abs=0.01
    )
    for part in (cs, res):
        parts = re.search(r"当年总收入([\d.]+)万元（其中：([^）]*)）", part)
        assert parts
        printed = [float(x) for x in re.findall(r"(-?[\d.]+)万元", parts.group(2))]
        assert sum(printed) == pytest.approx(float(parts.group(1)), abs=0.01)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_terminal_text_fits_120_columns_in_its_language(ev, lang):
    from tests.analysis.terminal_text import check

    text = evaluation_report.format_evaluation(ev, lang)
    check(text, lang, ids=[ev.scenario_id], allowed=_quoted(ev))
    if lang == "zh":
        assert "stated" not in text and "computed" not in text and "uses" not in text
        assert "报告所列-174.28，按其他数字计算为-441.47，本评价采用-441.47" in text
        assert "当年收支结余 = 总收入 − 总支出" in text
    else:
        assert "stated -174.28, computed -441.47; the evaluation uses -441.47" in text
        assert "balance of the year = total income − total expenditure" in text


def test_cli_evaluate_fits_120_columns_in_both_languages(ev):
    from tests.analysis.terminal_text import check

    for lang in ("zh", "en"):
        result = invoke(["evaluate", str(QITAI), str(OUTTURN), "--lang", lang])
        assert result.exit_code == 0, result.output
        check(result.stdout, lang, ids=[ev.scenario_id], allowed=_quoted(ev))


def test_long_text_is_wrapped_by_display_width():
    from model.output.text import display_width, wrapped

    text = "计算依据：总收入29709.01万元（二(一): 当年总收入29709.01万元） − 总支出30150.48万元" * 3
    lines = wrapped(text, "  ", "    ", 60)
    assert all(display_width(x) <= 60 for x in lines)
    assert "".join(x.strip() for x in lines).replace(" ", "") == text.replace(" ", "")
