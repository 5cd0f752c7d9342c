"""The terminal text of ``project``, ``check`` and ``compare`` on the shipped scenarios: no line
wider than 120 columns (as a terminal counts them: a Chinese character takes two), Chinese
output without English words, English output without Chinese.

What may stay, decided here:

* in Chinese output: option names and file formats a reader types (``--format csv``), scenario
  ids (they are file names), and whatever the scenario files themselves say (sources, notes,
  titles: quoted as written, in whatever language the analyst wrote them);
* in English output: the money units 万元 and 元 (元/月, 元/年), and the scenario files' own
  text (the report's sentences quoted as sources, names of places and documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from model.analysis.compare import compare
from model.analysis.consistency import check_base_year
from model.engine.project import project
from model.output.check_report import format_estimated, format_findings
from model.output.comparison_tables import format_comparison
from model.output.report import (
    estimated_lines,
    format_calibration,
    format_headline,
    format_table,
)
from model.output.text import display_width
from model.scenario.load import load_scenario
from tests.conftest import QITAI

SCENARIOS = QITAI.parent
SHIPPED = [QITAI, SCENARIOS / "fujian-civil-service-2020.yaml"]
VARIANTS = sorted((SCENARIOS / "variants").glob("*.yaml"))

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def scenario_text(*paths: Path) -> list[str]:
    """Every string a scenario file (and the file it extends) says, longest first."""
    out: set[str] = set()
    todo = list(paths)
    while todo:
        path = todo.pop()
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        out.update(_strings(data))
        if isinstance(data, dict) and data.get("extends"):
            todo.append((path.parent / data["extends"]).resolve())
    return sorted(out, key=len, reverse=True)


def without(text: str, quoted: list[str], allowed: tuple[str, ...]) -> str:
    """``text`` with no whitespace, less the scenario's own words and the allowed tokens (a line
    broken in the middle of a quoted source reads whole again once the spaces are gone)."""
    flat = re.sub(r"\s+", "", text)
    pieces = {q for q in (re.sub(r"\s+", "", q) for q in quoted) if len(q) > 1} | set(allowed)
    for piece in sorted(pieces, key=len, reverse=True):
        flat = flat.replace(piece, "")
    return flat


def project_text(path: Path, lang: str) -> str:
    result = project(load_scenario(path))
    return "\n".join(
        (
            format_table(result, lang=lang),
            format_headline(result, lang=lang),
            format_calibration(result, lang=lang),
        )
    )


def check_text(path: Path, lang: str) -> str:
    sc = load_scenario(path)
    return (
        format_findings(check_base_year(sc), lang=lang)
        + "\n"
        + format_estimated(estimated_lines(sc), lang=lang)
    )


@pytest.fixture(scope="module")
def comparison():
    return compare([load_scenario(p) for p in [QITAI, *VARIANTS]])


def assert_fits(text: str) -> None:
    wide = [line for line in text.splitlines() if display_width(line) > 120]
    assert not wide, f"{len(wide)} lines wider than 120 columns, e.g. {wide[0]!r}"


def assert_language(text: str, lang: str, quoted: list[str], ids: tuple[str, ...] = ()) -> None:
    if lang == "zh":
        rest = without(text, quoted, ("--format", "csv", *ids))
        words = LATIN.findall(rest)
        assert not words, re.findall(r"[A-Za-z][A-Za-z_'\-]*", rest)[:10]
    else:
        rest = without(text, quoted, ("万元", "元/月", "元/年", "元"))
        assert not CJK.findall(rest), CJK.findall(rest)[:20]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_project_fits_and_speaks_one_language(path, lang):
    text = project_text(path, lang)
    assert_fits(text)
    assert_language(text, lang, scenario_text(path))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_check_fits_and_speaks_one_language(path, lang):
    text = check_text(path, lang)
    assert_fits(text)
    assert_language(text, lang, scenario_text(path))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_of_every_variant_fits_and_speaks_one_language(comparison, lang):
    text = format_comparison(comparison, lang=lang)
    assert_fits(text)
    assert_language(text, lang, scenario_text(QITAI, *VARIANTS), tuple(comparison.short_ids()))


def test_the_table_shows_the_years_asked_for_one_block_per_fund(qitai_projection):
    text = format_table(qitai_projection, years_shown=[2022, 2030, 2050])
    lines = text.splitlines()
    years = [line.split()[0] for line in lines if re.match(r"^\d{4} ", line)]
    assert years == ["2022", "2030", "2050"] * 2
    assert lines[0] == "机关事业单位基本养老保险基金（金额：万元；人数：人）"
    assert lines[1].split() == [
        "年度", "缴费人数", "领取待遇人数", "收入合计", "其中财政补贴", "支出合计",
        "本年收支结余", "年末滚存结余", "可支付月数", "财政补贴需求",
    ]  # fmt: skip
    assert "注：仅列所选年度；全部年度用 --format csv 输出。" in lines
    default = format_table(qitai_projection).splitlines()
    shown = [line.split()[0] for line in default if re.match(r"^\d{4} ", line)][:15]
    assert shown == [str(y) for y in range(2021, 2032)] + ["2036", "2041", "2046", "2050"]


def test_the_headline_says_what_the_budget_pays_and_who_pays_it(qitai_projection):
    text = format_headline(qitai_projection)
    s = qitai_projection.summary()
    rows = [r for r in qitai_projection.rows() if r["year"] == 2022]
    cs, rs = (next(r for r in rows if r["fund"] == f) for f in ("civil_service", "residents"))
    assert (
        f"  2022年财政补贴需求 {cs['subsidy_income']:,.2f} 万元（补足当年收支缺口），"
        "全部由县级财政承担" in text
    )
    assert (
        f"  2022年按补贴政策应拨财政补贴 {rs['subsidy_income']:,.2f} 万元，其中中央 "
        f"{rs['subsidy_due_central']:,.2f} 万元、自治区级 {rs['subsidy_due_region']:,.2f} 万元、"
        f"县级 {rs['subsidy_due_county']:,.2f} 万元"
    ) in text
    paid = s["residents"]["subsidy_paid_5y"]
    assert f"今后按补贴政策应拨合计：5年 {paid:,.2f} 万元" in text
    assert "若只补足收支缺口，今后20年无需财政补贴：滚存结余足以支付待遇" in text
    # never the old words: a need of 0.00 beside what the rule pays
    assert "0.00 (paid under the rule" not in format_headline(qitai_projection, lang="en")
    en = format_headline(qitai_projection, lang="en")
    assert f"2022 subsidy paid under the subsidy rule {rs['subsidy_income']:,.2f}: central " in en
