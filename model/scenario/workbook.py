"""Read a scenario workbook (.xlsx) into the data a scenario YAML file gives, and load it.

A new user's figures often arrive in Excel. A scenario workbook holds the same tree as a YAML
scenario file, one row a figure, and is validated by the same code
(:func:`model.scenario.load.validate_data`): every mistake is reported as
``file.xlsx, sheet 基期数据, cell C12: base_year.civil_service.contributors.value: …``.

The format
----------
Sheets (others are ignored; 说明 may be missing):

* ``说明`` — how to fill the workbook in; free text, never read.
* ``基期数据`` — ``base_year`` (figures as the report states them); also the top-level keys
  ``schema_version``, ``meta`` (``meta.id``, ``meta.county.zh``, …) and ``extends``, whose rows
  start with those words.
* ``假设`` — ``assumptions``. ``政策`` — ``policy``.

The first row of each sheet names the columns (in any order; other columns are ignored):
``字段`` (field), ``名称`` (name), ``数值`` (value), ``单位`` (unit), ``来源`` (source), ``说明``
(note). ``字段`` and ``数值`` are required.

Each further row sets one field. ``字段`` is the dotted key path below the sheet's root
(``civil_service.contributors`` on 基期数据 is ``base_year.civil_service.contributors``); list
items are numbered ``.0``, ``.1``, … in order (``….restated.0``). ``名称`` is a label for people,
never read. Blank rows, and rows whose ``字段`` starts with ``#``, are skipped.

* **A figure row** is a row with a ``单位``, ``来源`` or ``说明``: the field is a mapping whose
  ``value``, ``unit``, ``source`` and ``note`` are those four cells (a blank cell gives no key).
  The other keys of the same mapping (``bound``, ``uprate``, ``increment_per_year``, the items
  of ``restated``, the ``male``/``female_55``/``female_50`` of a figure without a ``value``)
  are rows of their own below it: ``civil_service.beneficiaries.bound``,
  ``civil_service.beneficiaries.restated.0`` (itself a figure row).
* **A value row** is any other row: the field is the ``数值`` cell itself.

``数值`` holds a number, true/false, or text. Text that begins with ``{`` or ``[`` is YAML flow
text, a mapping or a list: a schedule ``{2021: 0.092, 2022: 0.06}``, age weights
``{20: 0.5, 25: 1.0}``, a tier mix. Text wholly in double quotes (``"[draft] …"``) is the text
inside them, so that text beginning with a bracket can be written. A blank ``数值`` on a value
row is null. A cell formatted as a percentage holds the fraction (16% is 0.16).

What the reader refuses (each a :class:`~model.errors.Problem` naming the sheet and the cell):
a missing sheet or column, a field set twice, a field below one that holds a value, flow text
that is not a YAML mapping or list, a spreadsheet error value (``#N/A``), and a formula without
a computed value. Formulas are never evaluated: a formula cell gives the value the spreadsheet
stored when it was last saved (Excel and WPS store it; a file written by a program may not).

Safe reading, as for YAML files (:mod:`model.scenario.load`): only a regular file is opened (no
folder, device, pipe or socket), of at most :data:`~model.scenario.load.MAX_FILE_BYTES`; it
must be a zip archive of at most :data:`MAX_PARTS` parts and :data:`MAX_UNPACKED_BYTES`
unpacked (a zip bomb is refused from the sizes its directory declares, which the unpacking
never exceeds), with no XML document type declarations (no entity expansion); at most
:data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns of each sheet are read, with openpyxl in
read-only, cached-values mode. Flow text is checked like a YAML file (no anchors or aliases,
nesting at most :data:`~model.scenario.load.MAX_NESTING`). Messages never quote the workbook.

Locations: the map from key path to place holds :class:`Place` values, which are ``int``s (a
serial number in sheet, row and column order, so the loader's sorting and lookups work as for
lines) that also know their sheet and cell. :func:`load_workbook_scenario` turns each problem
at a place into ``file.xlsx, sheet S, cell C12``; a problem found later (calibration) through
:meth:`Scenario.locate` reads ``file.xlsx:S!C12``.

The inverse, :func:`sheet_rows`, turns a scenario tree into the rows of each sheet; the writer
(``model.output.scenario_workbook``) lays them out. Reading the rows it gives yields the tree.
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.errors import Problem, ScenarioError
from model.scenario.load import (
    MAX_NESTING,
    check_structure,
    read_bytes,
    read_yaml,
    validate_data,
)
from model.scenario.schema import Scenario

#: The sheet of instructions (never read).
INTRO_SHEET = "说明"
#: The sheets read, each with the top-level key its rows lie under.
SECTIONS: dict[str, str] = {"基期数据": "base_year", "假设": "assumptions", "政策": "policy"}
#: Top-level keys whose rows are on the sheet of the base year, by their own name.
TOP_LEVEL_ROWS: dict[str, str] = {
    "schema_version": "基期数据",
    "meta": "基期数据",
    "extends": "基期数据",
}
#: The columns, in the order the writer lays them out.
COLUMNS = ("字段", "名称", "数值", "单位", "来源", "说明")
#: The column of each key of a figure row.
FIGURE_COLUMNS = {"value": "数值", "unit": "单位", "source": "来源", "note": "说明"}
#: What each column holds, in words (the writer's 说明 sheet and messages).
COLUMN_WORDS = {
    "字段": "field: the dotted key path below the sheet's root",
    "名称": "name: a label for people (not read)",
    "数值": "value",
    "单位": "unit",
    "来源": "source",
    "说明": "note",
}

#: The most parts (files inside the zip archive) a workbook may have; Excel writes about 15.
MAX_PARTS = 200
#: The most bytes a workbook may unpack to (16 MiB): a scenario unpacks to about 200 KB.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
#: The most rows read from a sheet (the header counted); a scenario needs a few hundred.
MAX_ROWS = 20_000
#: The columns read from a sheet (A to AD): the six columns and room for a user's own.
MAX_COLUMNS = 30

_WHAT = "a scenario .xlsx workbook"


# --------------------------------------------------------------------------------------------
# places


class Place(int):
    """A cell of a sheet, as the loader's line of a key: an ``int`` ordering places by sheet,
    row and column, whose text is ``sheet!cell``."""

    sheet: str
    cell: str

    def __new__(cls, serial: int, sheet: str, cell: str) -> Place:
        place = super().__new__(cls, serial)
        place.sheet = sheet
        place.cell = cell
        return place

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)


def _place(sheet_index: int, sheet: str, row: int, column: int) -> Place:
    serial = (sheet_index + 1) * 10**8 + row * 100 + column
    return Place(serial, sheet, f"{_column_letter(column)}{row}")


def _column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def where(name: str, place: Place) -> str:
    """``file.xlsx, sheet S, cell C12``: a place as a problem's file."""
    return f"{name}, sheet {place.sheet}, cell {place.cell}"


def located(problem: Problem, name: str) -> Problem:
    """``problem`` with its place in the workbook ``name`` as its file, if it has one."""
    if problem.file == name and isinstance(problem.line, Place):
        return Problem(where(name, problem.line), problem.field, problem.message, None)
    return problem


# --------------------------------------------------------------------------------------------
# loading


def load_workbook_scenario(path: str | Path) -> Scenario:
    """Load, check and return the scenario in the workbook ``path``.

    ``extends`` (a row of 基期数据) names a YAML scenario this workbook changes, as in a variant
    file (:mod:`model.scenario.variants`).

    Raises
    ------
    ScenarioError
        One problem per mistake, each naming the file, sheet, cell and field.
    """
    name = str(path)
    data, lines = read_workbook(path)
    try:
        if "extends" in data:
            from model.scenario.variants import resolve_extends

            return resolve_extends(data, lines, Path(path), read_yaml, validate_data)
        return validate_data(data, lines, name)
    except ScenarioError as err:
        raise ScenarioError([located(p, name) for p in err.problems]) from None


def read_workbook(path: str | Path) -> tuple[dict[str, Any], dict[tuple[Any, ...], Place]]:
    """The scenario tree of the workbook ``path`` and the place of each key path in it.

    Raises
    ------
    ScenarioError
        A file that cannot be read as a workbook, or rows that do not make a tree; every
        problem of the rows at once.
    """
    name = str(path)
    raw = _read_file(path, name)
    _check_archive(raw, name)
    sheets = _read_sheets(raw, name)
    return _Builder(name).build(sheets)


def _fail(name: str, message: str, field: str = "") -> ScenarioError:
    return ScenarioError([Problem(name, field, message)])


def _read_file(path: str | Path, name: str) -> bytes:
    """The bytes of ``path``: a regular file (checked before and after opening, opened without
    waiting) of at most :data:`MAX_FILE_BYTES`."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise _fail(
            name,
            "is an Excel 97–2003 workbook (.xls); expected an .xlsx workbook (save it as "
            "'Excel Workbook (*.xlsx)')",
        )
    if suffix == ".xlsm":
        raise _fail(
            name,
            "is a workbook with macros (.xlsm); expected an .xlsx workbook without macros "
            "(save it as 'Excel Workbook (*.xlsx)')",
        )
    return read_bytes(path, _WHAT)


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_archive(raw: bytes, name: str) -> None:
    """Refuse what is not a zip archive, too many parts, too many bytes unpacked, and any XML
    part with a document type declaration (the entities of an XML bomb live there)."""
    import zipfile

    not_workbook = (
        "is not an .xlsx workbook (a password-protected workbook, or another kind of file?); "
        f"expected {_WHAT} saved by Excel, WPS or LibreOffice"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise _fail(
                    name,
                    f"has {len(parts)} parts inside; expected a workbook of at most {MAX_PARTS}",
                )
            if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise _fail(
                    name,
                    f"unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MiB; expected "
                    f"{_WHAT} of at most {MAX_UNPACKED_BYTES:,} bytes unpacked",
                )
            for part in parts:
                if part.flag_bits & 0x1:
                    raise _fail(name, not_workbook)
                data = archive.read(part)
                if _DTD.search(data) or _DTD.search(data.replace(b"\x00", b"")):
                    raise _fail(
                        name,
                        "has an XML document type declaration inside; expected a workbook as "
                        "Excel, WPS or LibreOffice save it (they never write one)",
                    )
    except ScenarioError:
        raise
    except Exception:  # noqa: BLE001 - any damage to the archive is the same mistake
        raise _fail(name, not_workbook) from None


@dataclass
class _Cell:
    """One cell as read: its value, and whether it is an error or a formula without a value."""

    value: Any
    error: bool = False
    formula_without_value: bool = False


#: A sheet as read: its rows of cells (the header first), or None when it is missing.
_Rows = list[list[_Cell]]


def _read_sheets(raw: bytes, name: str) -> dict[str, _Rows | None]:
    """The rows of each sheet of :data:`SECTIONS`, read twice with openpyxl in read-only mode:
    once for the values the spreadsheet stored, once to find formulas without one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it does not read
            values = _sheet_cells(raw, data_only=True)
            formulas = _sheet_cells(raw, data_only=False)
    except ScenarioError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise _fail(
            name,
            "cannot be read as an .xlsx workbook (a damaged file?); expected "
            f"{_WHAT} saved by Excel, WPS or LibreOffice",
        ) from None
    out: dict[str, _Rows | None] = {}
    for sheet, rows in values.items():
        if rows is None:
            out[sheet] = None
            continue
        shape = formulas.get(sheet) or []
        cells: _Rows = []
        for r, row in enumerate(rows):
            kinds = shape[r] if r < len(shape) else []
            line = []
            for c, (value, kind) in enumerate(row):
                formula = c < len(kinds) and kinds[c][1] == "f"
                line.append(
                    _Cell(
                        value,
                        error=kind == "e",
                        formula_without_value=formula and value is None,
                    )
                )
            cells.append(line)
        out[sheet] = cells
    return out


def _sheet_cells(raw: bytes, *, data_only: bool) -> dict[str, list[list[tuple[Any, str]]] | None]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    try:
        out: dict[str, list[list[tuple[Any, str]]] | None] = {}
        for sheet in SECTIONS:
            if sheet not in book.sheetnames:
                out[sheet] = None
                continue
            ws = book[sheet]
            rows = []
            for row in ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS):
                rows.append([(cell.value, cell.data_type) for cell in row])
            out[sheet] = rows
        return out
    finally:
        book.close()


# --------------------------------------------------------------------------------------------
# rows → tree


class _Node(dict):
    """A mapping built from rows (not from flow text): one numbered 0, 1, … holding mappings
    becomes a list."""


_ABSENT = object()


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.tree = _Node()
        self.lines: dict[tuple[Any, ...], Place] = {}
        #: the place where each path was set as a value, or given a key of a figure row
        self.set_at: dict[tuple[Any, ...], Place] = {}
        self.problems: list[Problem] = []

    def problem(self, place: Place | None, field: tuple[Any, ...], message: str) -> None:
        file = where(self.name, place) if place is not None else self.name
        self.problems.append(Problem(file, _dotted(field), message))

    def build(
        self, sheets: dict[str, _Rows | None]
    ) -> tuple[dict[str, Any], dict[tuple[Any, ...], Place]]:
        missing = [s for s, rows in sheets.items() if rows is None]
        if missing:
            raise ScenarioError(
                [
                    Problem(
                        f"{self.name}, sheet {sheet}",
                        SECTIONS[sheet],
                        f"sheet not found; expected a sheet named {sheet} with the rows of "
                        f"{SECTIONS[sheet]} (a scenario workbook has the sheets "
                        f"{', '.join(SECTIONS)}, and {INTRO_SHEET} to read)",
                    )
                    for sheet in missing
                ]
            )
        for index, (sheet, rows) in enumerate(sheets.items()):
            assert rows is not None
            self.sheet(index, sheet, rows)
        if self.problems:
            raise ScenarioError(self.problems)
        data = _plain(self.tree)
        if not data:
            raise ScenarioError(
                [Problem(self.name, "", "has no rows; expected the rows of a scenario")]
            )
        return data, self.lines

    def sheet(self, index: int, sheet: str, rows: _Rows) -> None:
        root = SECTIONS[sheet]
        header = rows[0] if rows else []
        self.lines[(root,)] = _place(index, sheet, 1, 1)
        columns: dict[str, int] = {}
        for c, cell in enumerate(header):
            label = cell.value.strip() if isinstance(cell.value, str) else None
            if label in COLUMNS:
                if label in columns:
                    self.problem(
                        _place(index, sheet, 1, c + 1),
                        (),
                        f"a second column {label}; expected each column once in the first row",
                    )
                columns[label] = c
        lacking = [c for c in ("字段", "数值") if c not in columns]
        if lacking:
            self.problem(
                _place(index, sheet, 1, 1),
                (),
                f"no column {' or '.join(lacking)} in the first row; expected the header "
                f"{', '.join(COLUMNS)} (字段 and 数值 at least)",
            )
            return
        if len(rows) > MAX_ROWS:
            self.problem(
                _place(index, sheet, MAX_ROWS + 1, 1),
                (),
                f"more than {MAX_ROWS:,} rows; expected a scenario of at most {MAX_ROWS:,} rows "
                "a sheet",
            )
            return
        for r, row in enumerate(rows[1:], start=2):
            self.row(index, sheet, root, r, row, columns)

    def row(
        self,
        index: int,
        sheet: str,
        root: str,
        r: int,
        row: list[_Cell],
        columns: dict[str, int],
    ) -> None:
        def at(column: str) -> Place:
            return _place(index, sheet, r, columns.get(column, columns["字段"]) + 1)

        def cell(column: str) -> _Cell:
            c = columns.get(column)
            return row[c] if c is not None and c < len(row) else _Cell(None)

        read = {c: cell(c) for c in COLUMNS if c != "名称"}
        key = read["字段"].value
        if isinstance(key, str) and key.strip().startswith("#"):
            return  # a comment row
        if all(
            _blank(x.value) and not x.formula_without_value and not x.error for x in read.values()
        ):
            return
        if _blank(key):
            self.problem(
                at("字段"),
                (),
                "a row without a field; expected the field's dotted key path in 字段 (or the "
                "row left blank)",
            )
            return
        rel = _parse_field(key)
        if isinstance(rel, str):
            self.problem(at("字段"), (), rel)
            return
        top = TOP_LEVEL_ROWS.get(str(rel[0]))
        path = rel if top == sheet else (root,) + rel
        if len(path) > MAX_NESTING:
            self.problem(
                at("字段"),
                path[:MAX_NESTING],
                f"a field more than {MAX_NESTING} levels deep; expected at most {MAX_NESTING}",
            )
            return
        is_figure = any(
            not _blank(c.value) or c.formula_without_value or c.error
            for column, c in read.items()
            if column in ("单位", "来源", "说明")
        )
        keys = {c: k for k, c in FIGURE_COLUMNS.items()}

        def field(column: str) -> tuple[Any, ...]:
            return path + (keys[column],) if is_figure else path

        values: dict[str, Any] = {}
        bad = False
        for column, c in read.items():
            if column == "字段":
                continue
            if c.formula_without_value:
                self.problem(
                    at(column),
                    field(column),
                    "a formula without a computed value; expected a value (type it in, or open "
                    "the workbook in Excel or WPS and save it, so the formula's result is stored)",
                )
                bad = True
            elif c.error:
                self.problem(
                    at(column),
                    field(column),
                    "a spreadsheet error value (such as #N/A or #DIV/0!); expected a value",
                )
                bad = True
            elif not _blank(c.value):
                values[column] = c.value
        if bad:
            return
        if "数值" in values and isinstance(values["数值"], str):
            parsed = self.decode(values["数值"], at("数值"), field("数值"))
            if parsed is _ABSENT:
                return
            values["数值"] = parsed
        if is_figure:
            figure = {k: values[c] for k, c in FIGURE_COLUMNS.items() if c in values}
            self.set_figure(path, figure, {k: at(c) for k, c in FIGURE_COLUMNS.items()}, at("字段"))
        else:
            self.set_value(path, values.get("数值"), at("数值"), at("字段"))

    def decode(self, text: str, place: Place, path: tuple[Any, ...]) -> Any:
        """The value of a text cell: YAML flow text, a quoted text, or the text itself."""
        lead = text.lstrip()[:1]
        if lead in ("{", "["):
            value = _flow(text)
            if value is _ABSENT:
                self.problem(
                    place,
                    path,
                    "text beginning with a bracket that is not a YAML mapping or list (a bracket "
                    "not closed, a ', ' missing between items, a key twice, an anchor or "
                    "nesting too deep?); expected flow text such as {2021: 0.092, 2025: 0.05}, "
                    "or the text in double quotes",
                )
            return value
        if len(text) >= 2 and text[0] == text[-1] == '"':
            value = _flow(text)
            if isinstance(value, str):
                return value
        return text

    def container(self, path: tuple[Any, ...], place: Place) -> _Node | None:
        """The mapping at ``path``, made (with the ones above it) if new; None if a value is
        in the way (a problem is recorded)."""
        node = self.tree
        for n, key in enumerate(path):
            here = path[: n + 1]
            nxt = node.get(key, _ABSENT)
            if nxt is _ABSENT:
                nxt = node[key] = _Node()
                self.lines.setdefault(here, place)
            elif not isinstance(nxt, _Node):
                self.problem(
                    place,
                    path,
                    f"{_dotted(here)} already holds a value (cell {self.set_at[here].cell}); "
                    "expected either that value or rows below it, not both",
                )
                return None
            node = nxt
        return node

    def set_value(self, path: tuple[Any, ...], value: Any, place: Place, key_place: Place) -> None:
        parent = self.container(path[:-1], key_place)
        if parent is None:
            return
        key = path[-1]
        if key in parent:
            self.duplicate(path, key_place)
            return
        parent[key] = value
        self.lines[path] = place
        self.set_at[path] = place

    def set_figure(
        self,
        path: tuple[Any, ...],
        figure: dict[str, Any],
        places: dict[str, Place],
        key_place: Place,
    ) -> None:
        node = self.container(path, key_place)
        if node is None:
            return
        if path in self.set_at:  # a figure row for this field came before
            self.duplicate(path, key_place)
            return
        for key in figure:
            if key in node:
                self.duplicate(path + (key,), places[key])
                return
        node.update(figure)
        self.lines[path] = key_place
        self.set_at[path] = key_place
        for key, place in places.items():
            self.lines[path + (key,)] = place
            if key in figure:
                self.set_at[path + (key,)] = place

    def duplicate(self, path: tuple[Any, ...], place: Place) -> None:
        first = self.set_at.get(path) or self.lines.get(path)
        also = f"it is already set in cell {first.cell}; " if first is not None else ""
        self.problem(place, path, f"duplicate field; {also}expected each field once")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_SEGMENT = re.compile(r"[^\s.]+")


def _parse_field(key: Any) -> tuple[Any, ...] | str:
    """The key path of a 字段 cell (digits are whole-number keys), or what is wrong with it."""
    if not isinstance(key, str):
        return (
            "a field that is not text; expected the field's dotted key path in 字段, such as "
            "civil_service.contributors"
        )
    parts = key.strip().split(".")
    if not all(_SEGMENT.fullmatch(p) for p in parts):
        return (
            "a field with an empty part or a space; expected a dotted key path such as "
            "civil_service.contributors (no spaces, no '..')"
        )
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in parts)


def _flow(text: str) -> Any:
    """``text`` read as YAML (flow text or a quoted scalar), or ``_ABSENT`` if it is not."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        check_structure(text, "cell", pure=False)
        yaml = YAML(typ="safe", pure=False)
        yaml.allow_duplicate_keys = False
        value = yaml.load(text)
    except (ScenarioError, YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return _ABSENT
    if isinstance(value, dict | list | str):
        return value
    return _ABSENT


def _plain(node: Any) -> Any:
    """Mappings built from rows as dicts, or lists where numbered 0, 1, … and holding mappings."""
    if not isinstance(node, _Node):
        return node
    keys = list(node)
    if keys and keys == list(range(len(keys))) and all(isinstance(v, dict) for v in node.values()):
        return [_plain(v) for v in node.values()]
    return {k: _plain(v) for k, v in node.items()}


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


# --------------------------------------------------------------------------------------------
# tree → rows (the writer's half)


@dataclass(frozen=True)
class Row:
    """One row of a sheet: the 字段 shown, the full key path, and the cells (None: blank).

    ``value`` is what the 数值 cell holds: a number, true/false or text (flow text for a
    mapping or list, quoted text for text that would read as flow text)."""

    field: str
    path: tuple[Any, ...]
    value: Any = None
    unit: Any = None
    source: Any = None
    note: Any = None


def sheet_rows(tree: Mapping[str, Any]) -> dict[str, list[Row]]:
    """The rows of each sheet of :data:`SECTIONS` that hold ``tree`` (a scenario as YAML gives
    it); reading them back gives ``tree``.

    Raises
    ------
    ValueError
        A tree a workbook cannot hold: not a mapping, a top-level key other than a scenario's,
        or a number that is not finite.
    """
    if not isinstance(tree, Mapping):
        raise ValueError("expected a scenario mapping at the top")
    roots = {root: sheet for sheet, root in SECTIONS.items()}
    out: dict[str, list[Row]] = {sheet: [] for sheet in SECTIONS}
    for key in tree:
        if key not in roots and key not in TOP_LEVEL_ROWS:
            raise ValueError(f"a top-level key {key!r} that a scenario workbook has no place for")
    for key, sheet in TOP_LEVEL_ROWS.items():
        if key in tree:
            out[sheet].extend(_rows(tree[key], (key,), 0))
    for root, sheet in roots.items():
        if root not in tree:
            continue
        section = tree[root]
        if not isinstance(section, Mapping) or not _row_keys(section):
            raise ValueError(f"{root} is not a mapping of field names")
        for key, value in section.items():
            out[sheet].extend(_rows(value, (root, key), 1))
    return out


def _row_keys(node: Mapping[Any, Any]) -> bool:
    """Whether the keys of ``node`` can each be a part of a 字段 (text, not all digits)."""
    return all(
        isinstance(k, str) and _SEGMENT.fullmatch(k) and not (k.isascii() and k.isdigit())
        for k in node
    )


def _is_figure(node: Mapping[Any, Any]) -> bool:
    """Whether ``node`` is written as one figure row (a text source; text unit and note; a
    value, if any, that is not null)."""
    return (
        all(
            isinstance(node.get(k), str) and node[k].strip()
            for k in ("source", "unit", "note")
            if k in node or k == "source"
        )
        and node.get("value", 0) is not None
    )


def _rows(node: Any, path: tuple[Any, ...], skip: int) -> Iterator[Row]:
    field = _dotted(path[skip:])
    if isinstance(node, Mapping) and node and _row_keys(node):
        rest = node
        if _is_figure(node):
            yield Row(
                field,
                path,
                _cell(node["value"]) if "value" in node else None,
                node.get("unit"),
                node["source"],
                node.get("note"),
            )
            rest = {k: v for k, v in node.items() if k not in FIGURE_COLUMNS}
        for key, value in rest.items():
            yield from _rows(value, path + (key,), skip)
        return
    if isinstance(node, list) and node and all(isinstance(v, Mapping) and v for v in node):
        for n, value in enumerate(node):
            yield from _rows(value, path + (n,), skip)
        return
    yield Row(field, path, _cell(node))


def _cell(value: Any) -> Any:
    """What the 数值 cell holds for ``value``."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"a number that is not finite ({value}); a workbook cannot hold it")
    if isinstance(value, str):
        lead = value.lstrip()[:1]
        quoted = len(value) >= 2 and value[0] == value[-1] == '"'
        if lead in ("{", "[") or quoted or not value.strip():
            return json.dumps(value, ensure_ascii=False)
        return value
    if isinstance(value, Mapping | list):
        return flow_text(value)
    return value


def flow_text(value: Any) -> str:
    """``value`` (a mapping or list) as one line of YAML flow text."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = True
    yaml.width = 1 << 30
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(value, buf)
    return buf.getvalue().strip()
