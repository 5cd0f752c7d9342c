"""The command line, end to end, with typer's runner and the installed console script."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.output.labels import CONTRACT_COLUMNS
from tests.conftest import QITAI
from tests.published import qitai_2021 as pub

runner = CliRunner()


def test_project_writes_the_contract_csv(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["project", str(QITAI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "测算要点（金额单位：万元）" in result.output and "  抚养比：2021年 " in result.output
    assert "2022年财政补贴需求 " in result.output and "基期校准" in result.output
    with open(out / "projection.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0])[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    funds = {r["fund"] for r in rows}
    assert funds == {"civil_service", "residents"}
    for fund, stated in (("civil_service", pub.CIVIL_SERVICE), ("residents", pub.RESIDENTS)):
        fund_rows = [r for r in rows if r["fund"] == fund]
        assert [int(r["year"]) for r in fund_rows] == list(range(2021, 2051))
        first = fund_rows[0]
        for name, (value, _section) in stated.items():
            assert float(first[name]) == pytest.approx(value, abs=pub.MONEY_ATOL_WAN), name


def test_years_option_extends_the_horizon(tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(app, ["project", str(QITAI), "--years", "75", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(out / "projection.csv", encoding="utf-8-sig")))
    assert max(int(r["year"]) for r in rows) == 2096
    assert result.output.startswith("fund,year,contributors")


def test_years_out_of_range_is_refused(tmp_path):
    result = runner.invoke(app, ["project", str(QITAI), "--years", "101", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_json_and_xlsx_outputs(tmp_path):
    out = tmp_path / "j"
    result = runner.invoke(app, ["project", str(QITAI), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0
    payload = json.loads((out / "projection.json").read_text(encoding="utf-8"))
    assert payload["summary"]["civil_service"]["first_year_subsidy_needed"] == 2022
    assert payload["units"]["reserve_end"] == "万元"
    out2 = tmp_path / "x"
    assert runner.invoke(app, ["project", str(QITAI), "--format", "xlsx", "--out", str(out2)]).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(out2 / "projection.xlsx")
    assert wb.sheetnames[0] == "说明"
    assert {"机关事业单位", "城乡居民", "校准"} <= set(wb.sheetnames)
    ws = wb["机关事业单位"]
    assert ws.cell(1, 1).value == "基金" and ws.cell(2, 2).value == 2021
    assert ws.cell(1, 15).value == "年末滚存结余 (万元)"
    assert ws.cell(2, 15).value == pytest.approx(360.87)


def test_validate_reports_a_valid_file():
    result = runner.invoke(app, ["validate", str(QITAI)])
    assert result.exit_code == 0
    assert f"{QITAI}：有效" in result.output
    result = runner.invoke(app, ["validate", str(QITAI), "--lang", "en"])
    assert result.exit_code == 0
    assert f"{QITAI}: valid" in result.output


def test_existing_output_folder_of_other_files_is_refused(tmp_path):
    # a folder yanglao did not write is never mixed with a run's files (tests/output/test_safe_writing.py)
    out = tmp_path / "keep"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["project", str(QITAI), "--out", str(out)])
    assert result.exit_code == 2 and "--force" in result.stderr and "notes.txt" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".keep")]


def test_installed_console_script_runs():
    """The `yanglao` entry point of the installed package (catches a clash of the generic
    top-level names `model` and `cli` with another installed package)."""
    exe = shutil.which("yanglao", path=str(Path(sys.executable).parent))
    assert exe, "the yanglao console script is not installed next to this Python"
    proc = subprocess.run([exe, "validate", str(QITAI), "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"{QITAI}: valid" in proc.stdout


VARIANT_DIR = QITAI.parent / "variants"


def test_compare_writes_table_workbook_and_charts(tmp_path):
    out = tmp_path / "cmp"
    files = [str(QITAI), str(VARIANT_DIR / "no-fee-cut.yaml"), str(VARIANT_DIR / "hiring-freeze.yaml")]
    result = runner.invoke(app, ["compare", *files, "--out", str(out), "--at", "2025,2030"])
    assert result.exit_code == 0, result.output
    assert "机关事业单位基本养老保险基金" in result.stdout and "no-fee-cut" in result.stdout
    rows = list(csv.DictReader(open(out / "compare.csv", encoding="utf-8-sig")))
    need = {r["scenario"]: r for r in rows if r["fund"] == "civil_service" and r["metric"] == "subsidy_need_5y"}
    assert float(need["qitai-2021-no-fee-cut"]["difference_from_first"]) < 0
    assert float(need["qitai-2021-hiring-freeze"]["difference_from_first"]) > 0
    assert {r["metric"] for r in rows} >= {"reserve_end_2025", "cost_rate_2030", "depletion_year"}
    for name in ("compare.xlsx", "compare_paths.csv", "subsidy_income_civil_service.png",
                 "subsidy_income_residents.png", "months_of_payout_residents.png"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "subsidy_income_civil_service.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_in_english_and_bad_years(tmp_path):
    result = runner.invoke(app, ["compare", str(QITAI), str(VARIANT_DIR / "indexation-4pct.yaml"), "--lang", "en"])
    assert result.exit_code == 0
    assert "civil-service fund" in result.stdout
    # one row per scenario, the metrics across under two header lines (period, measure)
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("scenario "))
    assert "over 10 years" in lines[at - 1] and "subsidy need" in lines[at]
    assert lines[at + 1].startswith("[0] baseline ") and lines[at + 2].startswith("[1] indexation-4pct ")
    bad = runner.invoke(app, ["compare", str(QITAI), "--at", "2200", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "outside the projection" in bad.stderr
    assert not (tmp_path / "x").exists()


def test_sensitivity_writes_tornado_and_break_even(tmp_path):
    out = tmp_path / "s"
    result = runner.invoke(app, ["sensitivity", str(QITAI), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(out / "sensitivity.csv", encoding="utf-8-sig")))
    cs = [r for r in rows if r["fund"] == "civil_service"]
    sizes = [max(abs(float(r["subsidy_need_10y_down"])), abs(float(r["subsidy_need_10y_up"]))) for r in cs]
    assert sizes == sorted(sizes, reverse=True)
    rate = next(r for r in cs if r["shock"] == "contribution_rate")
    assert float(rate["subsidy_need_10y_up"]) < 0 < float(rate["subsidy_need_10y_down"])
    be = {r["lever"]: r for r in csv.DictReader(open(out / "break_even.csv", encoding="utf-8-sig"))}
    employer = float(be["contribution_rate_employer"]["break_even_value"])
    assert 0.16 < employer < 0.6  # a higher rate than today's 16% holds the need at its 2021 level
    for name in ("tornado_civil_service.png", "tornado_residents.png", "sensitivity.xlsx"):
        assert (out / name).stat().st_size > 0
