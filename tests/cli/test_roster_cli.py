"""``yanglao roster`` end to end on a local app (cli/main.py registers it for the real one):
the summary printed, the fragment written, bad input refused with exit 2 and no traceback, and
nothing personal printed or written."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from cli.roster import roster
from tests.scenario.test_roster import (
    BIRTHS,
    C_HEADER,
    CONTRIBUTORS,
    FAKE_ID,
    roster_files,
    write_csv,
)

app = typer.Typer(pretty_exceptions_enable=False)
app.command()(roster)
runner = CliRunner()


def test_prints_the_summary_and_writes_the_fragment(tmp_path):
    contributors, pensioners = roster_files(tmp_path)
    out = tmp_path / "roster.yaml"
    args = [str(contributors), "--base-year", "2021", "--pensioners", str(pensioners)]
    result = runner.invoke(app, [*args, "--out", str(out), "--min-band", "1"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "contributors 10 (zaizhi.csv): male 50.0%, female_55 40.0%, female_50 10.0%" in text
    assert "8 bands of 5 years, ages 20–56" in text
    assert "mean contribution base 6,200.00 元/月" in text
    assert "pensioners 6 (tuixiu.csv)" in text and "mean pension 5,666.67 元/月" in text
    written = out.read_text(encoding="utf-8")
    assert "salary_scale:" in written and f"已写入：{out}" in text
    for birth in BIRTHS:
        assert birth not in text and birth not in written
    # a second run replaces its own file; a file it did not write is refused, unless --force
    again = runner.invoke(app, [*args, "--out", str(out)])
    assert again.exit_code == 0, again.output
    other = tmp_path / "scenario.yaml"
    other.write_text("meta: {}\n", encoding="utf-8")
    refused = runner.invoke(app, [*args, "--out", str(other)])
    assert refused.exit_code == 2 and "was not written by yanglao" in refused.output
    assert other.read_text(encoding="utf-8") == "meta: {}\n"
    forced = runner.invoke(app, [*args, "--out", str(other), "--force"])
    assert forced.exit_code == 0 and "salary_scale:" in other.read_text(encoding="utf-8")


def test_without_out_the_fragment_is_printed(tmp_path):
    contributors, _ = roster_files(tmp_path)
    result = runner.invoke(app, [str(contributors), "--base-year", "2021", "--min-band", "1"])
    assert result.exit_code == 0, result.output
    assert "pensioners: no roster given" in result.output
    assert "assumptions:\n  civil_service:\n    contributor_groups:" in result.output


def test_identifying_column_exits_2_without_the_value(tmp_path):
    rows = [[*r, FAKE_ID] for r in CONTRIBUTORS]
    path = write_csv(tmp_path / "r.csv", [*C_HEADER, "身份证号"], rows)
    result = runner.invoke(app, [str(path), "--base-year", "2021", "--min-band", "1"])
    assert result.exit_code == 2
    assert "error: " in result.output and "column 7 '身份证号'" in result.output
    assert "identifies a person" in result.output
    assert FAKE_ID not in result.output and "Traceback" not in result.output


def test_bad_rows_exit_2_or_are_dropped_with_a_count(tmp_path):
    rows = [list(r) for r in CONTRIBUTORS]
    rows[3][1] = "2030-05"
    path = write_csv(tmp_path / "r.csv", C_HEADER, rows)
    args = [str(path), "--base-year", "2021", "--min-band", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "row 5, 出生年月: the birth is after the base year's end" in result.output
    assert "2030-05" not in result.output
    dropped = runner.invoke(app, [*args, "--drop-bad"])
    assert dropped.exit_code == 0, dropped.output
    assert (
        "contributors 9 " in dropped.output and "left out (--drop-bad): 1 problem" in dropped.output
    )
    assert "1 row with bad values left out" in dropped.output


def test_missing_file_and_bad_options_exit_2(tmp_path):
    result = runner.invoke(app, [str(tmp_path / "none.csv"), "--base-year", "2021"])
    assert result.exit_code == 2 and "file not found" in result.output
    contributors, _ = roster_files(tmp_path)
    result = runner.invoke(app, [str(contributors), "--base-year", "1800"])
    assert result.exit_code == 2
