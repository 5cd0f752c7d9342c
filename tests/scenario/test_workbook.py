"""Scenario workbooks (.xlsx): the round trip with YAML, and each bad cell named by its sheet,
cell and field (exit status 2 from the command line, never a traceback).

Workbooks are made in ``tmp_path``: the shipped scenario written as a workbook, then changed
cell by cell with openpyxl (or, for a formula with a stored result, in its XML)."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from cli.main import app
from model.errors import OutputError, ScenarioError
from model.output.scenario_workbook import scenario_tree_to_yaml_text, write_scenario_workbook
from model.scenario.load import MAX_FILE_BYTES, load_scenario, read_yaml
from model.scenario.workbook import COLUMNS, MAX_UNPACKED_BYTES, SECTIONS, read_workbook
from tests.conftest import QITAI

runner = CliRunner()


@pytest.fixture(scope="module")
def qitai_book(tmp_path_factory) -> Path:
    """The shipped scenario as a workbook (written from its YAML tree)."""
    path = tmp_path_factory.mktemp("book") / "qitai.xlsx"
    write_scenario_workbook(read_yaml(QITAI)[0], path)
    return path


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def row_of(ws, field: str) -> int:
    for row in ws.iter_rows(min_row=2):
        if row[0].value == field:
            return row[0].row
    raise AssertionError(f"no row {field}")


def changed(src: Path, tmp_path: Path, change: Callable[[Workbook], None]) -> Path:
    book = load_workbook(src)
    change(book)
    out = tmp_path / "bad.xlsx"
    book.save(out)
    return out


# --------------------------------------------------------------------------------------------
# round trip


def test_workbook_reads_back_the_yaml_tree_and_the_same_scenario(qitai_book):
    tree, _ = read_yaml(QITAI)
    assert read_workbook(qitai_book)[0] == tree
    assert load_scenario(qitai_book).model_dump() == load_scenario(QITAI).model_dump()


def test_workbook_written_from_a_validated_scenario_loads_the_same(tmp_path):
    scenario = load_scenario(QITAI)
    path = write_scenario_workbook(scenario, tmp_path / "from-scenario.xlsx")
    assert load_scenario(path).model_dump() == scenario.model_dump()


def test_workbook_to_yaml_to_workbook_changes_no_cell(tmp_path, qitai_book):
    tree, _ = read_workbook(qitai_book)
    text = scenario_tree_to_yaml_text(tree)
    yaml_path = tmp_path / "again.yaml"
    yaml_path.write_text(text, encoding="utf-8")
    again, _ = read_yaml(yaml_path)
    assert again == tree
    second = write_scenario_workbook(again, tmp_path / "again.xlsx")
    assert cells(second) == cells(qitai_book)
    assert load_scenario(yaml_path).model_dump() == load_scenario(QITAI).model_dump()


def test_project_prints_the_same_from_the_workbook(qitai_book):
    from_yaml = runner.invoke(app, ["project", str(QITAI)])
    from_book = runner.invoke(app, ["project", str(qitai_book)])
    assert from_yaml.exit_code == 0 and from_book.exit_code == 0, from_book.output
    assert from_book.stdout == from_yaml.stdout


def test_the_workbook_is_laid_out_for_people(qitai_book):
    book = load_workbook(qitai_book)
    assert book.sheetnames == ["说明", *SECTIONS]
    assert "名称" in "".join(str(c.value) for c in book["说明"]["A"] if c.value)
    for sheet in SECTIONS:
        ws = book[sheet]
        assert tuple(c.value for c in ws[1]) == COLUMNS
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["E"].width > 40
    ws = book["基期数据"]
    row = row_of(ws, "civil_service.contributors")
    assert [c.value for c in ws[row]][2:5] == [6816, "人", "四(一): 截止2021年度在职缴费人员6816人"]
    assert ws.cell(row, 2).value  # a Chinese name
    assert ws.cell(row_of(ws, "meta.id"), 3).value == "qitai-2021"
    assert ws.cell(row_of(ws, "civil_service.beneficiaries.restated.0"), 3).value == 4167
    wages = book["假设"].cell(row_of(book["假设"], "economy.wage_growth"), 3).value
    assert wages.startswith("{2021: 0.092, 2022: 0.06")


def test_a_small_workbook_as_a_person_types_it(tmp_path):
    """Figure rows, a bound and a restatement below a figure, a schedule as flow text, a list
    by its items, text that begins with a bracket or looks like a formula, comments."""
    rows = [
        ("schema_version", None, 1),
        ("# a comment row", None, "ignored"),
        ("meta.title.zh", "标题", '"[草案] 某县"'),
        ("civil_service.beneficiaries", "人数", 100, "人", "section 2"),
        ("civil_service.beneficiaries.bound", None, "at_least"),
        ("civil_service.beneficiaries.restated.0", None, 99, None, "section 3", "rounded"),
        ("civil_service.beneficiaries.restated.1", None, 101, None, "-section 4"),
        (),
        ("civil_service.rate", None, "{2021: 0.16, 2025: 0.14}", None, "judgment: x"),
        ("civil_service.ages", None, "[1, 2]"),
        ("civil_service.flag", None, True),
    ]
    path = _book(rows, tmp_path / "small.xlsx")
    tree, lines = read_workbook(path)
    assert tree == {
        "schema_version": 1,
        "meta": {"title": {"zh": "[草案] 某县"}},
        "base_year": {
            "civil_service": {
                "beneficiaries": {
                    "value": 100,
                    "unit": "人",
                    "source": "section 2",
                    "bound": "at_least",
                    "restated": [
                        {"value": 99, "source": "section 3", "note": "rounded"},
                        {"value": 101, "source": "-section 4"},
                    ],
                },
                "rate": {"value": {2021: 0.16, 2025: 0.14}, "source": "judgment: x"},
                "ages": [1, 2],
                "flag": True,
            }
        },
    }
    place = lines[("base_year", "civil_service", "beneficiaries", "restated", 1, "source")]
    assert (place.sheet, place.cell) == ("基期数据", "E8")


def _book(rows: list[tuple[Any, ...]], path: Path, sheets=tuple(SECTIONS)) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    for sheet in sheets:
        ws = book.create_sheet(sheet)
        ws.append(COLUMNS)
        if sheet == "基期数据":
            for row in rows:
                ws.append(list(row))
    book.save(path)
    return path


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    tree, _ = read_yaml(QITAI)
    tree["meta"]["title"]["en"] = "=HYPERLINK(1)"
    tree["meta"]["report"] = "[1] {x}"
    tree["base_year"]["combined"]["balance"]["source"] = "-2 + @ 一(一)"
    path = write_scenario_workbook(tree, tmp_path / "text.xlsx")
    assert read_workbook(path)[0] == tree
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_an_existing_file_is_replaced_only_with_force(tmp_path):
    path = tmp_path / "filled-in.xlsx"
    path.write_bytes(b"a workbook someone filled in")
    with pytest.raises(OutputError, match="exists"):
        write_scenario_workbook(read_yaml(QITAI)[0], path)
    assert path.read_bytes() == b"a workbook someone filled in"
    write_scenario_workbook(read_yaml(QITAI)[0], path, force=True)
    assert read_workbook(path)[0] == read_yaml(QITAI)[0]


def test_a_workbook_variant_extends_a_yaml_scenario(tmp_path):
    shutil.copyfile(QITAI, tmp_path / QITAI.name)
    rows = [
        ("extends", None, QITAI.name),
        ("meta.id", None, "book-variant"),
        ("meta.title.zh", None, "变体"),
        ("meta.title.en", None, "variant"),
    ]
    path = _book(rows, tmp_path / "variant.xlsx")
    book = load_workbook(path)
    ws = book["政策"]
    ws.append(["civil_service.indexation", None, "{2026: 0.01}", None, "judgment: a test"])
    book.save(path)
    scenario = load_scenario(path)
    assert scenario.meta.id == "book-variant"
    assert scenario.policy.civil_service is not None
    assert scenario.policy.civil_service.indexation.value[2026] == 0.01
    assert scenario.policy.civil_service.indexation.value[2021] == 0.045
    ws.cell(2, 3).value = "{2026: 2}"
    book.save(path)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).startswith(
        f"{path}, sheet 政策, cell C2: policy.civil_service.indexation"
    )


def test_a_formula_with_its_stored_result_is_read_as_that_result(tmp_path, qitai_book):
    """A formula Excel saved with its result: the result is read, the formula never evaluated."""
    ws = load_workbook(qitai_book)["假设"]
    row = row_of(ws, "economy.price_inflation")
    out = tmp_path / "formula.xlsx"
    with zipfile.ZipFile(qitai_book) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet3.xml":  # 假设, the third sheet
                text, n = re.subn(
                    rf'<c r="C{row}"([^>]*)><v>0.02</v></c>',
                    rf'<c r="C{row}"\1><f>1/0</f><v>0.02</v></c>',
                    data.decode(),
                )
                assert n == 1
                data = text.encode()
            dst.writestr(item, data)
    assert load_scenario(out).assumptions.economy.price_inflation.value == 0.02


# --------------------------------------------------------------------------------------------
# bad cells


def _set(sheet: str, field: str, column: int, value: Any) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        ws = book[sheet]
        ws.cell(row_of(ws, field), column).value = value

    return change


def _delete_sheet(book: Workbook) -> None:
    del book["政策"]


def _duplicate_row(book: Workbook) -> None:
    book["基期数据"].append(["civil_service.contributors", None, 5, "人", "section 9"])


def _drop_value_column(book: Workbook) -> None:
    book["假设"].cell(1, 3).value = "value"


#: (the change, sheet, cell column, field, words of the message)
BAD_CELLS = {
    "wrong type": (
        _set("基期数据", "civil_service.contributors", 3, "many"),
        "基期数据",
        "C",
        "base_year.civil_service.contributors.value",
        "expected a number, got 'many'",
    ),
    "unknown field": (
        _set("基期数据", "civil_service.contributors", 1, "civil_service.contributers"),
        "基期数据",
        "A",
        "base_year.civil_service.contributers",
        "did you mean 'contributors'",
    ),
    "formula without value": (
        _set("假设", "economy.price_inflation", 3, "=1/50"),
        "假设",
        "C",
        "assumptions.economy.price_inflation.value",
        "a formula without a computed value",
    ),
    "missing source": (
        _set("基期数据", "civil_service.contributors", 5, None),
        "基期数据",
        "E",
        "base_year.civil_service.contributors.source",
        "missing required field",
    ),
    "year out of range in flow text": (
        _set("假设", "economy.wage_growth", 3, "{2021: 0.09, 2022: 6}"),
        "假设",
        "C",
        "assumptions.economy.wage_growth.value.2022",
        "did you mean 0.06?",
    ),
    "flow text not closed": (
        _set("假设", "economy.wage_growth", 3, "{2021: 0.09, 2022: 0.06"),
        "假设",
        "C",
        "assumptions.economy.wage_growth.value",
        "not a YAML mapping or list",
    ),
    "true for a number": (
        _set("政策", "civil_service.retirement_age.male", 3, True),
        "政策",
        "C",
        "policy.civil_service.retirement_age.male",
        "expected a number, got True",
    ),
    "field twice": (
        _duplicate_row,
        "基期数据",
        "A",
        "base_year.civil_service.contributors",
        "duplicate field; it is already set in cell A",
    ),
    "missing column": (_drop_value_column, "假设", "A", "", "no column 数值 in the first row"),
}


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_a_bad_cell_is_named_by_sheet_cell_and_field(case, tmp_path, qitai_book):
    change, sheet, column, field, words = BAD_CELLS[case]
    path = changed(qitai_book, tmp_path, change)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert re.fullmatch(rf"{re.escape(str(path))}, sheet {sheet}, cell {column}\d+", problem.file)
    assert problem.field == field and problem.line is None
    assert words in problem.message
    result = runner.invoke(app, ["project", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{path}, sheet {sheet}, cell {column}" in result.output
    assert f"{field}: " in result.output if field else True


def test_a_missing_sheet_is_named(tmp_path, qitai_book):
    path = changed(qitai_book, tmp_path, _delete_sheet)
    result = runner.invoke(app, ["project", str(path)])
    assert result.exit_code == 2, result.output
    assert f"error: {path}, sheet 政策: policy: sheet not found" in result.output
    assert "Traceback" not in result.output


def test_every_problem_of_a_workbook_is_reported_at_once(tmp_path, qitai_book):
    def two(book: Workbook) -> None:
        _set("基期数据", "civil_service.contributors", 3, "many")(book)
        _set("政策", "civil_service.contribution_rate_individual", 3, 8)(book)

    with pytest.raises(ScenarioError) as err:
        load_scenario(changed(qitai_book, tmp_path, two))
    assert [p.field for p in err.value.problems] == [
        "base_year.civil_service.contributors.value",
        "policy.civil_service.contribution_rate_individual.value",
    ]
    assert "did you mean 0.08?" in err.value.problems[1].message


def test_a_calibration_error_names_the_sheet_and_cell(tmp_path, qitai_book):
    """Found after loading (no pay can give these contributions), still at its cell."""
    from model.engine.basis import build_basis
    from model.errors import CalibrationError

    change = _set("基期数据", "civil_service.contribution_income", 3, 5000000)
    path = changed(qitai_book, tmp_path, change)
    row = row_of(load_workbook(path)["基期数据"], "civil_service.contribution_income")
    with pytest.raises(CalibrationError) as info:
        build_basis(load_scenario(path))
    assert str(info.value).startswith(
        f"{path}:基期数据!A{row}: base_year.civil_service.contribution_income"
    )
    result = runner.invoke(app, ["project", str(path)])
    assert result.exit_code == 2 and f"{path}:基期数据!A{row}" in result.output


# --------------------------------------------------------------------------------------------
# hostile files


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_hostile_files_are_refused_with_one_message(tmp_path, qitai_book):
    text = tmp_path / "text.xlsx"
    text.write_text("schema_version: 1\n", encoding="utf-8")
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + b"\0" * MAX_FILE_BYTES)
    bomb = _zip(tmp_path / "bomb.xlsx", {"xl/a.xml": b"<a>" + b" " * MAX_UNPACKED_BYTES + b"</a>"})
    with zipfile.ZipFile(qitai_book) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    parts["xl/sharedStrings.xml"] = entity + parts.get("xl/sharedStrings.xml", b"<sst/>")
    dtd = _zip(tmp_path / "dtd.xlsx", parts)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    cases = {
        text: "is not an .xlsx workbook",
        big: "is larger than 1 MiB",
        bomb: "unpacks to more than 16 MiB",
        dtd: "XML document type declaration",
        old: "Excel 97–2003 workbook",
        folder: "is a folder",
        tmp_path / "missing.xlsx": "file not found",
    }
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.xlsx"
        os.mkfifo(fifo)
        cases[fifo] = "is a named pipe (FIFO)"
    for path, words in cases.items():
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        (problem,) = err.value.problems
        assert problem.file == str(path) and words in problem.message, (path, problem)
        result = runner.invoke(app, ["project", str(path)])
        assert result.exit_code == 2 and "Traceback" not in result.output, (path, result.output)
