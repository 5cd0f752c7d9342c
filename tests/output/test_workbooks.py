"""Workbooks and CSV files as a county bureau opens them in Excel or WPS, on the shipped Qitai
scenario: every workbook has its 说明 sheet first, number formats on every number, a bold frozen
header with an autofilter, A4 landscape printing one page wide, and headers in words; every CSV
file starts with the UTF-8 byte-order mark and reads back equal to its data."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from model.errors import OutputError
from model.output import io as model_io
from model.scenario.load import load_scenario
from tests.conftest import QITAI, ROOT

VARIANT = ROOT / "scenarios" / "variants" / "hiring-freeze.yaml"
OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"
BOM = b"\xef\xbb\xbf"
SNAKE = re.compile(r"[A-Za-z0-9]+_[A-Za-z0-9_]+")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, dict[str, list[dict]]]]:
    """Every command's files on Qitai (in Chinese), with the rows each CSV was written from."""
    from model.analysis.budget import make_budget
    from model.analysis.compare import compare
    from model.analysis.evaluate import evaluate
    from model.analysis.sensitivity import sensitivity
    from model.analysis.simulate import depletion_rows, percentile_rows, simulate
    from model.analysis.valuation import valuation, valuation_path_rows
    from model.engine.project import project
    from model.output.budget_tables import budget_rows, target_rows
    from model.output.comparison_tables import comparison_long_rows
    from model.output.evaluation_report import evaluation_rows, write_evaluation
    from model.output.sensitivity_tables import break_even_rows, sensitivity_rows
    from model.output.simulation_tables import simulation_text
    from model.output.valuation_tables import valuation_rows
    from model.scenario.outturn import load_outturn

    base = tmp_path_factory.mktemp("runs")
    sc = load_scenario(QITAI)
    out: dict[str, tuple[Path, dict[str, list[dict]]]] = {}
    result = project(sc)
    model_io.write_projection(result, base / "project", xlsx=True)
    out["projection.xlsx"] = (base / "project", {"projection.csv": result.rows(0)})
    c = compare([sc, load_scenario(VARIANT)])
    model_io.write_comparison(c, base / "compare")
    out["compare.xlsx"] = (base / "compare", {"compare.csv": comparison_long_rows(c, "zh")})
    r = sensitivity(sc)
    model_io.write_sensitivity(r, base / "sensitivity")
    out["sensitivity.xlsx"] = (
        base / "sensitivity",
        {
            "sensitivity.csv": sensitivity_rows(r, "zh"),
            "break_even.csv": break_even_rows(r, "zh"),
        },
    )
    b = make_budget(sc, paths=200)
    model_io.write_budget(b, base / "budget")
    out["budget.xlsx"] = (
        base / "budget",
        {"budget.csv": budget_rows(b, "zh"), "targets.csv": target_rows(b)},
    )
    sim = simulate(sc, paths=40)
    model_io.write_simulation(sim, base / "simulate")
    out["simulation.xlsx"] = (
        base / "simulate",
        {
            "percentiles.csv": percentile_rows(sim),
            "depletion.csv": depletion_rows(sim),
            "about": [{"text": simulation_text(sim, "zh")}],
        },
    )
    v = valuation(sc)
    model_io.write_valuation(v, base / "valuation")
    out["valuation.xlsx"] = (
        base / "valuation",
        {
            "valuation.csv": valuation_rows(v, "zh"),
            "valuation_paths.csv": valuation_path_rows(v),
        },
    )
    ev = evaluate(sc, load_outturn(OUTTURN))
    write_evaluation(ev, base / "evaluate")
    out["self_evaluation.xlsx"] = (base / "evaluate", {"evaluation.csv": evaluation_rows(ev)})
    return out


WORKBOOKS = (
    "projection.xlsx",
    "compare.xlsx",
    "sensitivity.xlsx",
    "budget.xlsx",
    "simulation.xlsx",
    "valuation.xlsx",
    "self_evaluation.xlsx",
)


def _header_row(ws) -> int:
    """The header row: the row above the frozen pane."""
    assert ws.freeze_panes, (ws.title, "no frozen header")
    return int(re.sub(r"[A-Z]+", "", ws.freeze_panes)) - 1


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_workbook_is_styled_for_a_bureau(runs, name):
    from openpyxl import load_workbook

    folder, _ = runs[name]
    wb = load_workbook(folder / name)
    assert wb.sheetnames[0] == "说明"
    about = [[c.value for c in row] for row in wb["说明"].iter_rows()]
    text = "\n".join(str(v) for row in about for v in row if v is not None)
    assert "qitai-2021" in text and "2021" in text and "万元" in text, text
    assert "语言" in text and "命令" in text
    numbers = 0
    for ws in wb.worksheets:
        header = _header_row(ws)
        for row in ws.iter_rows(min_row=header + 1):
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers += ws.title != "说明"
                    assert cell.number_format != "General", (name, ws.title, cell.coordinate)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{header}:"), (name, ws.title)
        assert all(c.font.b for c in ws[header] if c.value is not None), (name, ws.title)
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"$1:${header}"
        headers = [str(c.value) for c in ws[header] if c.value is not None]
        assert headers
        for h in [ws.title, *headers]:
            assert not SNAKE.search(h), (name, ws.title, h)
        for letter, dim in ws.column_dimensions.items():
            assert 2 <= dim.width <= 62, (name, ws.title, letter, dim.width)
    assert numbers > 0, name


def test_number_formats_follow_the_kind_of_column(runs):
    from openpyxl import load_workbook

    folder, _ = runs["projection.xlsx"]
    ws = load_workbook(folder / "projection.xlsx")["机关事业单位"]
    formats = {
        ws.cell(1, c).value: ws.cell(2, c).number_format for c in range(1, ws.max_column + 1)
    }
    assert formats["年度"] == "0"
    assert formats["缴费人数 (人)"] == "#,##0"
    assert formats["年末滚存结余 (万元)"] == "#,##0.00"
    assert formats["抚养比"] == "0.00"
    assert formats["替代率(新退休养老金/本人缴费基数)"] == "0.0%"
    folder, _ = runs["simulation.xlsx"]
    ws = load_workbook(folder / "simulation.xlsx")["耗尽概率"]
    assert ws.cell(2, 3).number_format == "0.0%" and 0 <= ws.cell(2, 3).value <= 1


def test_widths_count_chinese_as_two_columns(runs):
    from openpyxl import load_workbook

    from model.output.text import display_width

    folder, _ = runs["projection.xlsx"]
    ws = load_workbook(folder / "projection.xlsx")["机关事业单位"]
    fund = ws.cell(2, 1).value
    assert ws.column_dimensions["A"].width >= display_width(fund) == 2 * len(fund)


def test_the_drivers_are_tables_of_numbers(runs):
    from openpyxl import load_workbook

    folder, _ = runs["simulation.xlsx"]
    wb = load_workbook(folder / "simulation.xlsx")
    ws = wb["经济驱动-参数"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:2] == ["方程(本年)", "截距"]
    assert [r[0] for r in rows[1:]] == ["工资增长率", "物价涨幅", "存款利率"]
    assert all(isinstance(v, float) for r in rows[1:] for v in r[1:])
    sexes = wb["死亡率-按性别"]
    assert [sexes.cell(r, 1).value for r in (2, 3)] == ["男", "女"]
    assert all(isinstance(sexes.cell(2, c).value, float) for c in range(2, sexes.max_column + 1))
    # what the ranges are conditional on is said on the 说明 sheet
    about = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    note = runs["simulation.xlsx"][1]["about"][0]["text"]
    assert note in about and "随机种子" in about


def test_english_workbooks_have_english_headers(tmp_path):
    from openpyxl import load_workbook

    from model.engine.project import project

    path = tmp_path / "p.xlsx"
    model_io.write_projection_workbook(project(load_scenario(QITAI), years=5), path, lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["about", "civil service", "residents", "calibration"]
    ws = wb["civil service"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["fund", "year", "contributors (persons)", "beneficiaries (persons)"]
    assert "reserve at year end (10,000 yuan)" in headers
    assert ws.cell(2, 1).value == "civil-service fund"
    for h in headers:
        assert not SNAKE.search(h) and not re.search(r"[\u4e00-\u9fff]", h), h


CSVS = [
    (wb, name)
    for wb in WORKBOOKS
    for name in {
        "projection.xlsx": ["projection.csv"],
        "compare.xlsx": ["compare.csv"],
        "sensitivity.xlsx": ["sensitivity.csv", "break_even.csv"],
        "budget.xlsx": ["budget.csv", "targets.csv"],
        "simulation.xlsx": ["percentiles.csv", "depletion.csv"],
        "valuation.xlsx": ["valuation.csv", "valuation_paths.csv"],
        "self_evaluation.xlsx": ["evaluation.csv"],
    }[wb]
]


@pytest.mark.parametrize(("workbook", "name"), CSVS)
def test_csv_files_start_with_the_bom_and_read_back_equal(runs, workbook, name):
    folder, sources = runs[workbook]
    path = folder / name
    assert path.read_bytes().startswith(BOM)
    assert not path.read_bytes()[3:].startswith(BOM)
    frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    rows = sources[name]
    tolerance = 5e-7 if name == "projection.csv" else 1e-9  # projection.csv: 6 decimals
    columns = list(frame.columns)
    if name == "projection.csv":
        from model.output.labels import CSV_COLUMNS

        assert columns == list(CSV_COLUMNS)
    else:
        assert columns == list(rows[0])
    assert len(frame) == len(rows)
    for i, row in enumerate(rows):
        for key in columns:
            want, got = row.get(key), frame.iloc[i][key]
            if want is None or (isinstance(want, float) and math.isnan(want)):
                assert got in ("", "nan"), (name, i, key, got)
            elif isinstance(want, str):
                assert got == want, (name, i, key)
            else:
                assert float(got) == pytest.approx(float(want), rel=1e-12, abs=tolerance), (
                    name,
                    i,
                    key,
                )


def test_every_csv_of_a_folder_gets_the_bom(tmp_path):
    """A CSV written through the one writer starts with the mark however its writer wrote it."""
    written = model_io.write_folder(
        tmp_path / "o",
        {
            "a.csv": lambda p: p.write_text("基金,年度\n", encoding="utf-8"),
            "b.csv": lambda p: p.write_text("x\n", encoding="utf-8-sig"),
            "c.json": lambda p: p.write_text("{}", encoding="utf-8"),
        },
    )
    a, b, c = (p.read_bytes() for p in written)
    assert a == BOM + "基金,年度\n".encode() and b == BOM + b"x\n" and c == b"{}"


def test_csv_to_standard_output_has_no_bom():
    from model.engine.project import project
    from model.output.report import projection_csv_text

    assert projection_csv_text(project(load_scenario(QITAI), years=2)).startswith("fund,year,")


def test_a_workbook_format_needs_a_folder():
    with pytest.raises(OutputError, match="--out"):
        model_io.check_format_output("xlsx", None)
    with pytest.raises(OutputError, match="--out"):
        model_io.check_format_output("xlsx", None, lang="en")
    model_io.check_format_output("xlsx", "folder")
    model_io.check_format_output("csv", None)
