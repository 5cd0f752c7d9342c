"""Member rosters (花名册) → the scenario's member inputs: figures worked by hand on a made-up
roster, CSV and xlsx alike, identifying columns refused, bad rows named, nothing personal out."""

from __future__ import annotations

import copy
import csv
import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from model.errors import ScenarioError
from model.output.roster_fragment import fragment_text, write_fragment
from model.scenario.load import read_yaml, validate_data
from model.scenario.roster import (
    NEW_FIELDS,
    RosterSummary,
    fragment_data,
    read_roster,
    schema_fields,
)
from model.scenario.schema import Age, AgeWeights, GroupShares, StatedCount
from tests.conftest import QITAI

BASE_YEAR = 2021
C_HEADER = ["序号", "出生年月", "性别", "人员类别", "参加工作时间", "缴费基数"]
# Ten made-up contributors. Ages at 2021-12-31 = 2021 − birth year; start ages to the month.
CONTRIBUTORS: list[list[Any]] = [
    [1, "1990-05", "男", "男", "2013-07", 5000],  # 31, starts at 23y2m
    [2, "1988年1月", "女", "女干部", "2010-09", 6000],  # 33, 22y8m
    [3, "197506", "男", "干部", "1996-08", 8000],  # 46, 21y2m (a man's 干部 is male)
    [4, "1995/3", "女", "女工人", "2019-03", 4000],  # 26, 24y0m, recent
    [5, "1998.10", "男", "男", "2020-10", 4000],  # 23, 22y0m, recent
    [6, "1970-12-15", "女", "干部", "1992-12", 9000],  # 51, 22y0m (a woman's 干部 is female_55)
    [7, "1965-02", "男", "male", "1985-08", 10000],  # 56, 20y6m
    [8, "1985-07", "女", "female_55", "2008-07", 6000],  # 36, 23y0m
    [9, "1996-04", "女", "女干部", "2021-04", 4000],  # 25, 25y0m, recent
    [10, "1980-09", "男", "工人", "2001-10", 6000],  # 41, 21y1m
]
P_HEADER = ["出生年月", "性别", "人员类别", "退休时间", "月养老金"]
# Six made-up pensioners: ages 71, 63, 59, 76, 61, 66.
PENSIONERS: list[list[Any]] = [
    ["1950-03", "男", "男", "2010-03", 6000],
    ["1958-05", "女", "女干部", "2013-05", 5000],
    ["1962-01", "女", "女工人", "2012-01", 4000],
    ["1945-12", "男", "男", "2005-12", 7000],
    ["1960-06", "女", "女干部", "2015-06", 5500],
    ["1955-08", "男", "男", "2015-08", 6500],
]
BIRTHS = [str(r[1]) for r in CONTRIBUTORS] + [str(r[0]) for r in PENSIONERS]
#: A made-up ID number (right shape and checksum digit, nobody's) and mobile number.
FAKE_ID = "11010519491231002X"
FAKE_MOBILE = "13912345678"


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8"
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def roster_files(tmp_path: Path) -> tuple[Path, Path]:
    return (
        write_csv(tmp_path / "zaizhi.csv", C_HEADER, CONTRIBUTORS),
        write_csv(tmp_path / "tuixiu.csv", P_HEADER, PENSIONERS),
    )


def read(tmp_path: Path, **kwargs: Any) -> RosterSummary:
    contributors, pensioners = roster_files(tmp_path)
    kwargs.setdefault("min_band_members", 1)
    return read_roster(contributors, BASE_YEAR, pensioners, **kwargs)


def numbers(summary: RosterSummary) -> dict[str, Any]:
    """The summary without its sources and file names (what two formats must share)."""

    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("source",)}
        return x

    data = dataclasses.asdict(summary)
    for key in ("contributors_file", "pensioners_file", "ignored_columns", "dropped"):
        data.pop(key)
    return strip(data)


def problems_of(err: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return [str(p) for p in err.value.problems]


# --------------------------------------------------------------------------------------------
# figures by hand


def test_counts_shares_and_means_by_hand(tmp_path):
    s = read(tmp_path)
    assert s.as_of == "2021-12-31"
    assert s.contributors.value == 10 and s.beneficiaries is not None
    assert s.beneficiaries.value == 6
    # bases 5000+6000+8000+4000+4000+9000+10000+6000+4000+6000 = 62000
    assert s.mean_contribution_base.value == 6200
    assert s.yearly_contribution_base.value == pytest.approx(62000 * 12 / 1e4)
    assert s.mean_pension is not None and s.mean_pension.value == pytest.approx(34000 / 6, abs=0.01)
    # men 1 3 5 7 10; women cadres 2 6 8 9; a woman worker 4
    g = s.contributor_groups
    assert (g.male, g.female_55, g.female_50) == (0.5, 0.4, 0.1)
    r = s.retiree_groups
    assert r is not None
    assert (r.male, r.female_55, r.female_50) == pytest.approx((0.5, 0.3333, 0.1667))
    assert r.male + r.female_55 + r.female_50 == pytest.approx(1, abs=1e-9)
    # retirement ages 60 55 50 60 55 60
    assert s.mean_retirement_age is not None and s.mean_retirement_age.value == 56.7


def test_age_bands_and_scales_by_hand(tmp_path):
    s = read(tmp_path)
    # ages 31 33 46 26 23 51 56 36 25 41
    p = s.contributor_age_profile
    assert p.band_width == 5 and p.last_age == 56
    assert p.weights == {20: 0.1, 25: 0.2, 30: 0.2, 35: 0.1, 40: 0.1, 45: 0.1, 50: 0.1, 55: 0.1}
    # mean base by band over 6200: 4000, 4000, 5500, 6000, 6000, 8000, 9000, 10000
    expected = {20: 4000, 25: 4000, 30: 5500, 35: 6000, 40: 6000, 45: 8000, 50: 9000, 55: 10000}
    assert s.salary_scale.weights == pytest.approx(
        {a: v / 6200 for a, v in expected.items()}, abs=5e-4
    )
    # pensioners aged 71 63 59 76 61 66; pensions by band over 34000/6
    rp = s.retiree_age_profile
    assert rp is not None and rp.last_age == 76
    assert rp.weights == pytest.approx(
        {55: 1 / 6, 60: 2 / 6, 65: 1 / 6, 70: 1 / 6, 75: 1 / 6}, abs=5e-4
    )
    assert sum(rp.weights.values()) == pytest.approx(1, abs=1e-9)
    mean = 34000 / 6
    pension = {55: 4000, 60: 5250, 65: 6500, 70: 6000, 75: 7000}
    assert s.pension_scale is not None
    assert s.pension_scale.weights == pytest.approx(
        {a: v / mean for a, v in pension.items()}, abs=5e-4
    )


def test_entry_ages_from_recent_starters(tmp_path):
    s = read(tmp_path)
    # started 2017–2021: members 4 (at 24), 5 (at 22) and 9 (at 25)
    e = s.entry_age_profile
    assert e is not None and e.band_width == 1 and e.last_age == 25
    assert e.weights == pytest.approx({22: 1 / 3, 23: 0.0, 24: 1 / 3, 25: 1 / 3}, abs=5e-4)
    assert sum(e.weights.values()) == pytest.approx(1, abs=1e-9)
    assert "of 3 contributors who started in 2017–2021 (last 5 years)" in e.source
    eg = s.entrant_groups
    assert eg is not None
    assert (eg.male, eg.female_55, eg.female_50) == pytest.approx((1 / 3, 1 / 3, 1 / 3), abs=5e-4)
    # start ages in months 278 272 254 288 264 264 246 276 300 253 → 2695 / 120
    assert s.service_start_age.value == pytest.approx(2695 / 120, abs=0.05)
    # a longer window takes more starters; a window with nobody gives no profile
    longer = read(tmp_path, recent_years=15).entry_age_profile
    assert longer is not None and "6 contributors who started in 2007–2021" in longer.source
    later = read_roster(roster_files(tmp_path)[0], 2040, min_band_members=1, recent_years=5)
    assert later.entry_age_profile is None and later.entrant_groups is None


def test_sources_say_what_was_computed_never_who(tmp_path):
    s = read(tmp_path)
    assert s.contributor_age_profile.source == (
        "roster zaizhi.csv, as of 2021-12-31: 10 contributors by age in 8 bands of 5 years (shares)"
    )
    assert s.contributors.source.startswith("roster zaizhi.csv, as of 2021-12-31: 10 contributors")
    assert "tuixiu.csv" in s.retiree_groups.source  # type: ignore[union-attr]
    assert "the level is calibrated" in s.salary_scale.source
    assert s.ignored_columns == ("zaizhi.csv: 序号",)


def test_small_bands_are_pooled_and_tiny_rosters_refused(tmp_path):
    s = read(tmp_path, min_band_members=2)
    # bands of one member are pooled with a neighbour: no band's mean is one person's base
    weights = s.salary_scale.weights
    assert len(weights) < 8 and "pooled with a neighbour" in s.salary_scale.source
    contributors, _ = roster_files(tmp_path)
    with pytest.raises(
        ScenarioError, match="10 contributors left to summarise; expected at least 11"
    ):
        read_roster(contributors, BASE_YEAR, min_band_members=11)


# --------------------------------------------------------------------------------------------
# formats


def write_workbook(path: Path) -> Path:
    """The same roster as one workbook: sheets 在职 and 退休, with spreadsheet dates and a
    number 1998.1 for October 1998 (a typed 1998.10 that lost its zero)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "在职"
    ws.append(["在职人员花名册"])  # a title above the header row
    ws.append(C_HEADER)
    for row in CONTRIBUTORS:
        row = list(row)
        if row[0] == 1:
            row[1] = datetime(1990, 5, 1)
        if row[0] == 5:
            row[1] = 1998.1
        ws.append(row)
    ws.append([None] * 6)
    ws.append(["合计", None, None, None, None, 62000])  # a totals row
    wp = wb.create_sheet("退休")
    wp.append(P_HEADER)
    for row in PENSIONERS:
        wp.append(row)
    wb.save(path)
    return path


def test_csv_and_xlsx_give_the_same_summary(tmp_path):
    from_csv = read(tmp_path)
    book = write_workbook(tmp_path / "roster.xlsx")
    from_xlsx = read_roster(book, BASE_YEAR, min_band_members=1)
    assert numbers(from_xlsx) == numbers(from_csv)
    assert from_xlsx.contributors_file == from_xlsx.pensioners_file == "roster.xlsx"


def test_english_headers_gb18030_and_yearly_base(tmp_path):
    header = ["birth", "sex", "group", "service_start", "contribution_base (yuan/year)"]
    rows = [[r[1], r[2], r[3], r[4], r[5] * 12] for r in CONTRIBUTORS]
    english = write_csv(tmp_path / "en.csv", header, rows, encoding="gb18030")
    from_en = read_roster(english, BASE_YEAR, min_band_members=1)
    from_zh = read_roster(roster_files(tmp_path)[0], BASE_YEAR, min_band_members=1)
    assert numbers(from_en) == numbers(from_zh)
    # a base whose header does not say its period: --base-period year
    plain = write_csv(tmp_path / "plain.csv", [*header[:4], "缴费基数"], rows)
    yearly = read_roster(plain, BASE_YEAR, min_band_members=1, base_period="year")
    assert yearly.mean_contribution_base.value == 6200


# --------------------------------------------------------------------------------------------
# privacy


@pytest.mark.parametrize(
    "header",
    [
        "姓名",
        "身份证号",
        "公民身份号码",
        "id_number",
        "社会保障号码",
        "个人编号",
        "phone",
        "手机号码",
        "家庭住址",
        "address",
        "工号",
        "bank_account_no",
        "银行账号",
        "Name",
        "E-mail",
    ],
)
def test_identifying_headers_are_refused(tmp_path, header):
    rows = [[*r[1:], "x"] for r in CONTRIBUTORS]
    path = write_csv(tmp_path / "r.csv", [*C_HEADER[1:], header], rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(path, BASE_YEAR, min_band_members=1)
    [problem] = problems_of(err)
    assert f"column 6 '{header}'" in problem and "identifies a person" in problem
    assert "anonymised" in problem


@pytest.mark.parametrize(("value", "what"), [(FAKE_ID, "ID number"), (FAKE_MOBILE, "mobile")])
def test_identifying_values_are_refused_whatever_the_header(tmp_path, value, what):
    rows = [[*r, ""] for r in CONTRIBUTORS]
    rows[2][-1] = value  # the third member, on row 4 of the file
    path = write_csv(tmp_path / "r.csv", [*C_HEADER, "备注"], rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(path, BASE_YEAR, min_band_members=1)
    [problem] = problems_of(err)
    assert "column 7 '备注'" in problem and "row 4" in problem and what in problem
    assert value not in str(err.value)


def test_identifying_values_past_the_header_are_refused(tmp_path):
    rows = [list(r) for r in CONTRIBUTORS]
    rows[5] = [*rows[5], "", FAKE_ID]  # two cells more than the header names
    path = write_csv(tmp_path / "r.csv", C_HEADER, rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(path, BASE_YEAR, min_band_members=1)
    assert problems_of(err)[0].startswith(f"{path}: column 8: row 7 holds what looks like an ID")
    assert FAKE_ID not in str(err.value)


def test_identifying_numbers_in_a_workbook_are_refused(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append([*C_HEADER, "code"])
    for row in CONTRIBUTORS:
        ws.append([*row, int(FAKE_MOBILE)])  # a number cell
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(ScenarioError) as err:
        read_roster(tmp_path / "r.xlsx", BASE_YEAR, min_band_members=1)
    assert "column 7 'code'" in str(err.value) and FAKE_MOBILE not in str(err.value)


# --------------------------------------------------------------------------------------------
# bad values


BAD = [
    # (row index in CONTRIBUTORS, column index, value, column named, words)
    (0, 1, "2023-01", "出生年月", "after the base year's end (2021-12-31)"),
    (1, 4, "1995-01", "参加工作时间", "before age 14"),
    (2, 5, -100, "缴费基数", "above 0"),
    (3, 3, "临时工", "人员类别", "unknown group"),
    (4, 1, "someday", "出生年月", "expected a year and month"),
    (5, 2, "男", "人员类别", "does not match the sex"),
]


@pytest.mark.parametrize(("index", "col", "value", "column", "words"), BAD)
def test_bad_values_name_file_row_and_column(tmp_path, index, col, value, column, words):
    rows = copy.deepcopy(CONTRIBUTORS)
    rows[index][col] = value
    if column == "人员类别" and value == "男":  # the sex contradicts the group
        rows[index][3] = "女干部"
        rows[index][2] = "男"
    path = write_csv(tmp_path / "bad.csv", C_HEADER, rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(path, BASE_YEAR, min_band_members=1)
    [problem] = problems_of(err)
    assert problem.startswith(f"{path}: row {index + 2}, {column}: ")
    assert words in problem
    if str(value) not in words:  # the cell's value is never quoted
        assert str(value) not in problem.split(": ", 2)[2]


def test_pension_before_birth_is_named(tmp_path):
    rows = copy.deepcopy(PENSIONERS)
    rows[1][3] = "1950-01"
    contributors = write_csv(tmp_path / "c.csv", C_HEADER, CONTRIBUTORS)
    pensioners = write_csv(tmp_path / "p.csv", P_HEADER, rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(contributors, BASE_YEAR, pensioners, min_band_members=1)
    assert problems_of(err) == [f"{pensioners}: row 3, 退休时间: before the birth"]


def test_every_bad_row_is_listed_or_dropped_with_a_count(tmp_path):
    rows = copy.deepcopy(CONTRIBUTORS)
    rows[0][1] = "2030-01"
    rows[6][5] = -1
    path = write_csv(tmp_path / "bad.csv", C_HEADER, rows)
    with pytest.raises(ScenarioError) as err:
        read_roster(path, BASE_YEAR, min_band_members=1)
    assert [p.split(":")[1].strip() for p in problems_of(err)] == [
        "row 2, 出生年月",
        "row 8, 缴费基数",
    ]
    kept = read_roster(path, BASE_YEAR, min_band_members=1, drop_bad=True)
    assert kept.contributors.value == 8
    assert len(kept.dropped) == 2 and "row 8, 缴费基数" in kept.dropped[1]
    assert "2 rows with bad values left out" in kept.contributors.source


def test_missing_columns_and_files(tmp_path):
    path = write_csv(tmp_path / "r.csv", C_HEADER[:5], [r[:5] for r in CONTRIBUTORS])
    with pytest.raises(
        ScenarioError,
        match="no contribution_base column; expected a header such as 缴费基数/contribution_base",
    ):
        read_roster(path, BASE_YEAR)
    with pytest.raises(ScenarioError, match="file not found"):
        read_roster(tmp_path / "none.csv", BASE_YEAR)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ScenarioError, match="save it as .xlsx or .csv"):
        read_roster(tmp_path / "old.xls", BASE_YEAR)
    women = write_csv(
        tmp_path / "w.csv",
        ["出生年月", "性别", "参加工作时间", "缴费基数"],
        [[r[1], r[2], r[4], r[5]] for r in CONTRIBUTORS],
    )
    with pytest.raises(ScenarioError, match="cannot be told without a group column"):
        read_roster(women, BASE_YEAR, min_band_members=1)


# --------------------------------------------------------------------------------------------
# the fragment


def test_nothing_personal_in_the_fragment(tmp_path):
    s = read(tmp_path)
    out = write_fragment(s, tmp_path / "out" / "roster.yaml")
    text = out.read_text(encoding="utf-8")
    assert text == fragment_text(s)
    for birth in BIRTHS:
        assert birth not in text
    for row in CONTRIBUTORS:
        assert f"{row[4]}" not in text  # no start of service
    assert "# Written by `yanglao roster` from zaizhi.csv and tuixiu.csv" in text


def test_each_field_validates_as_its_schema_model(tmp_path):
    data = fragment_data(read(tmp_path))
    cs = data["assumptions"]["civil_service"]
    for name in ("contributor_groups", "retiree_groups", "entrant_groups"):
        GroupShares.model_validate(cs[name])
    for name in ("contributor_age_profile", "salary_scale", "entry_age_profile", *NEW_FIELDS):
        AgeWeights.model_validate(cs[name])
    Age.model_validate(cs["service_start_age"])
    for figure in data["base_year"]["civil_service"].values():
        StatedCount.model_validate(figure)


def test_the_fragment_validates_merged_into_the_shipped_scenario(tmp_path):
    """The written fragment, read back and merged into the shipped scenario, validates. The new
    fields retiree_age_profile and pension_scale are dropped first while the schema lacks
    them (the fragment's comment says so)."""
    s = read(tmp_path)
    path = write_fragment(s, tmp_path / "fragment.yaml")
    fragment, _ = read_yaml(path)
    data, lines = read_yaml(QITAI)
    data = copy.deepcopy(data)
    known = schema_fields()
    cs = fragment["assumptions"]["civil_service"]
    missing = [name for name in NEW_FIELDS if name not in known]
    if missing:
        assert "new fields, not yet known" in path.read_text(encoding="utf-8")
    for name, value in cs.items():
        if name in known:
            data["assumptions"]["civil_service"][name] = value
    data["base_year"]["civil_service"].update(fragment["base_year"]["civil_service"])
    scenario = validate_data(data, lines, str(QITAI))
    a = scenario.assumptions.civil_service
    assert a is not None
    assert a.contributor_groups.male == 0.5
    assert a.salary_scale.weights[55] == pytest.approx(10000 / 6200, abs=5e-4)
    assert scenario.base_year.civil_service.contributors.value == 10  # type: ignore[union-attr]


def test_the_fragment_leaves_out_what_the_roster_cannot_give(tmp_path):
    contributors, _ = roster_files(tmp_path)
    s = read_roster(contributors, 2040, min_band_members=1)
    cs = fragment_data(s)["assumptions"]["civil_service"]
    assert "retiree_groups" not in cs and "entry_age_profile" not in cs
    assert list(fragment_data(s)["base_year"]["civil_service"]) == ["contributors"]
    assert "no pensioners' roster" in fragment_text(s)


def test_a_projection_runs_on_a_larger_made_up_roster(tmp_path):
    """Two hundred made-up contributors and a hundred pensioners (seeded): the roster's
    assumptions merged into the shipped scenario calibrate and project."""
    import random

    from model.engine.project import project

    rng = random.Random(7)
    groups = {"男": 59, "女干部": 54, "女工人": 49}
    contributors = []
    for _ in range(200):
        group = rng.choice(["男", "女干部", "男", "女干部", "女工人"])
        age = rng.randint(22, groups[group])
        start = rng.randint(20, min(28, age))
        base = round(4000 + age * 80 + rng.random() * 1000)
        contributors.append([f"{2021 - age}-06", group, f"{2021 - age + start}-06", base])
    pensioners = []
    for _ in range(100):
        group = rng.choice(list(groups))
        retired = groups[group] + 1
        age = rng.randint(retired, 95)
        pensioners.append([f"{2021 - age}-03", group, f"{2021 - age + retired}-03", 5500])
    c = write_csv(
        tmp_path / "c.csv", ["出生年月", "人员类别", "参加工作时间", "缴费基数"], contributors
    )
    p = write_csv(tmp_path / "p.csv", ["出生年月", "人员类别", "退休时间", "月养老金"], pensioners)
    fragment = fragment_data(read_roster(c, BASE_YEAR, p), only_schema_fields=True)
    data, lines = read_yaml(QITAI)
    data = copy.deepcopy(data)
    data["assumptions"]["civil_service"].update(fragment["assumptions"]["civil_service"])
    result = project(validate_data(data, lines, str(QITAI)), years=5)
    assert len(result.to_frame()) > 0
