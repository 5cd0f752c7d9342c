"""An anonymised member roster (花名册) of the civil-service fund → the scenario's member inputs.

A county's social-insurance agency can export who is in the fund. From an anonymised export of

- **contributors** (在职): birth year and month, sex, group, start of service (参加工作时间) and
  contribution base (缴费基数, 元 a month, or a year where the header says so), and
- **pensioners** (退休): birth year and month, sex, group, retirement date and monthly pension,

:func:`read_roster` computes, as of the end of a base year, what ``assumptions.civil_service``
and ``base_year.civil_service`` of a scenario need (:class:`RosterSummary`), and
:func:`fragment_data` turns that into the YAML data of those keys. Every figure carries a
``source`` built from the file's name and what was computed; nothing about a single member.

Input
-----
A ``.csv`` (UTF-8, or GB 18030 as Excel writes it in China; comma, tab or semicolon) or an
``.xlsx`` workbook. Contributors and pensioners come as two files (``pensioners=``), or as two
sheets of one workbook named 在职 and 退休 (also 在职人员, 离退休人员, contributors, pensioners).
The header row is found among the first :data:`HEADER_SEARCH_ROWS` rows (a title above it is
skipped); wholly empty rows and totals rows (合计, 总计, 小计, total) are skipped; other columns
(序号, 单位, …) are ignored and named in the summary. Headers are matched after Unicode NFKC
folding, lower case and without spaces; a trailing unit in brackets is read for the amounts
(``缴费基数(元/年)`` is a yearly base) and otherwise ignored. :data:`HEADERS` is the vocabulary.

Values: dates as ``1975-03``, ``1975/3``, ``1975.03``, ``1975年3月``, ``197503``, ``19750315``, a
full date (the day is ignored) or a spreadsheet date; a number cell such as ``1975.1`` is read as
October (a typed ``1975.10`` that lost its zero). Sex 男/女, male/female, M/F, 1/2 (GB/T 2261.1).
Group 男 / 女干部 (retires at 55) / 女工人 (retires at 50), or male / female_55 / female_50; 干部
and 工人 with the sex column; a men's 干部 or 工人 is ``male``. Without a group column the sex
column is enough only if every member is a man.

Privacy
-------
The roster must be anonymised. A column whose header names something that identifies a person
(姓名/name, 身份证号/公民身份号码/id_number, 社会保障号码, 个人编号, phone/手机/电话,
地址/address, 工号, bank account/银行账号, e-mail) is refused, and so is any column, whatever
its header, holding a value shaped like an ID number (18 characters, or the old 15 digits) or a
mainland mobile number (11 digits from 13–19). The file is then refused whole, with one problem
per such column naming the column and why (and, for a value, its row), before anything else is
read. No message ever quotes a cell: problems name the file, the row (as a spreadsheet shows it)
and the column.

Bad values
----------
A birth after the base year's end or more than :data:`MAX_AGE` years before it, a service start
after the base year's end or before age :data:`MIN_SERVICE_AGE`, a contribution base or pension
that is not above 0, a retirement before birth or after the base year's end, an unknown sex or
group, or a group that contradicts the sex: by default the roster is refused, every problem
listed (up to :data:`MAX_PROBLEMS`); with ``drop_bad=True`` those rows are left out, counted in the
sources, and their problems kept in :attr:`RosterSummary.dropped`.

What is computed (ages are completed years at the base year's end, ``base_year − birth year``)
--------------------------------------------------------------------------------------------
- ``contributor_groups`` / ``retiree_groups``: shares of the members by group.
- ``contributor_age_profile`` / ``retiree_age_profile``: shares of the members by age band of
  ``band_width`` years, from the youngest member's band to the oldest's (empty bands 0);
  ``last_age`` is the oldest member's age (at most 100).
- ``salary_scale`` / ``pension_scale``: the mean monthly contribution base (pension) in each age
  band over the mean of all. A band of fewer than ``min_band_members`` members is pooled with
  its neighbour (so that no member's amount can be read off it); a pooled band keeps the first
  age of the pool, and a level holds until the next band. The first band of ``salary_scale``
  starts low enough to cover the entry ages, since entrants are paid from their first year.
- ``entry_age_profile`` and ``entrant_groups``: the age at start of service (completed years,
  single ages) and the groups of the contributors who started in the last ``recent_years`` years
  (default :data:`RECENT_YEARS`: recent recruitment, by examination, is the best guide to the
  next entrants; over a longer window the early starters still in service are survivors of
  exits, and the practice was different). None when nobody started in that window.
- ``service_start_age``: the mean age at start of service of all contributors (to the month).
- counts, the mean monthly contribution base and mean pension, their yearly totals in 万元 and
  the mean age at retirement, as figures to check against the report.

A roster of fewer than ``min_band_members`` contributors (or pensioners) is refused: its means
would be a few persons' pay.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from model.errors import Problem, ScenarioError
from model.scenario.names import CS_GROUP_SEX, CS_GROUPS

#: Default width of the age bands, in years.
BAND_WIDTH = 5
#: Default window of ``entry_age_profile``: service starts in the last this many years.
RECENT_YEARS = 5
#: Default smallest band of ``salary_scale`` and ``pension_scale`` (smaller ones are pooled),
#: and the smallest roster summarised.
MIN_BAND_MEMBERS = 5
#: A service start before this age is a mistake.
MIN_SERVICE_AGE = 14
#: A member older than this at the base year's end is a mistake.
MAX_AGE = 110
#: The header row is looked for among the first rows of a sheet.
HEADER_SEARCH_ROWS = 10
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 20
#: The largest roster file read, in bytes.
MAX_FILE_BYTES = 64 * 1024 * 1024

Kind = Literal["contributors", "pensioners"]
Period = Literal["month", "year"]

# --------------------------------------------------------------------------------------------
# the header vocabulary

#: Column → the headers it is known by (normalised: NFKC, lower case, no spaces; a trailing
#: unit in brackets is read apart). ``*_month`` / ``*_year`` name the period of an amount.
HEADERS: dict[str, tuple[str, ...]] = {
    "birth": (
        "出生年月",
        "出生日期",
        "出生时间",
        "出生年月日",
        "birth",
        "birth_date",
        "date_of_birth",
        "birth_month",
        "born",
    ),
    "sex": ("性别", "sex", "gender"),
    "group": (
        "人员类别",
        "类别",
        "人员身份",
        "身份",
        "退休类别",
        "group",
        "category",
        "retirement_group",
    ),
    "service_start": (
        "参加工作时间",
        "参加工作日期",
        "参加工作年月",
        "参工时间",
        "工作时间",
        "service_start",
        "start_of_service",
        "work_start",
        "employment_start",
    ),
    "contribution_base": ("缴费基数", "contribution_base", "base"),
    "contribution_base_month": (
        "月缴费基数",
        "monthly_contribution_base",
        "contribution_base_monthly",
    ),
    "contribution_base_year": (
        "年缴费基数",
        "年度缴费基数",
        "yearly_contribution_base",
        "annual_contribution_base",
        "contribution_base_yearly",
    ),
    "retirement": (
        "退休时间",
        "退休日期",
        "退休年月",
        "离退休时间",
        "retirement",
        "retirement_date",
        "retired",
    ),
    "monthly_pension": (
        "月养老金",
        "养老金",
        "月基本养老金",
        "基本养老金",
        "月待遇",
        "monthly_pension",
        "pension",
    ),
    "monthly_pension_year": ("年养老金", "yearly_pension", "annual_pension"),
}

#: The columns each kind of roster needs (an amount in any of its periods).
REQUIRED: dict[Kind, tuple[str, ...]] = {
    "contributors": ("birth", "service_start", "contribution_base"),
    "pensioners": ("birth", "retirement", "monthly_pension"),
}
_KIND_WORDS = {"contributors": "contributors (在职)", "pensioners": "pensioners (退休)"}

#: Sheet names of a workbook holding both kinds (normalised; also any name starting with one).
SHEETS: dict[Kind, tuple[str, ...]] = {
    "contributors": ("在职", "在职人员", "在职职工", "contributors", "in_service", "active"),
    "pensioners": ("退休", "离退休", "退休人员", "离退休人员", "pensioners", "retirees", "retired"),
}

#: Chinese header words that identify a person, and what they are.
IDENTIFYING_ZH = {
    "姓名": "a name",
    "名字": "a name",
    "身份证": "an ID number",
    "身份号码": "an ID number",
    "证件号": "an ID number",
    "社会保障号": "a social-security number",
    "社保号": "a social-security number",
    "社会保障卡": "a social-security card number",
    "社保卡": "a social-security card number",
    "个人编号": "a personal insurance number",
    "人员编号": "a personal number",
    "工号": "a staff number",
    "职工编号": "a staff number",
    "电话": "a phone number",
    "手机": "a phone number",
    "联系方式": "contact details",
    "微信": "contact details",
    "邮箱": "an e-mail address",
    "地址": "an address",
    "住址": "an address",
    "银行": "a bank account",
    "账号": "a bank account",
    "卡号": "a card number",
    "护照": "a passport number",
}
#: English header words (whole words of the header) that identify a person.
IDENTIFYING_EN = {
    "name": "a name",
    "names": "a name",
    "surname": "a name",
    "fullname": "a name",
    "firstname": "a name",
    "lastname": "a name",
    "idcard": "an ID number",
    "idno": "an ID number",
    "ssn": "a social-security number",
    "phone": "a phone number",
    "mobile": "a phone number",
    "telephone": "a phone number",
    "tel": "a phone number",
    "cellphone": "a phone number",
    "email": "an e-mail address",
    "address": "an address",
    "bank": "a bank account",
    "iban": "a bank account",
    "passport": "a passport number",
    "wechat": "contact details",
}
#: Pairs of English words that together identify a person.
IDENTIFYING_EN_PAIRS = {
    ("id", "number"): "an ID number",
    ("id", "no"): "an ID number",
    ("id", "card"): "an ID number",
    ("social", "security"): "a social-security number",
    ("staff", "id"): "a staff number",
    ("staff", "number"): "a staff number",
    ("staff", "no"): "a staff number",
    ("employee", "id"): "a staff number",
    ("employee", "number"): "a staff number",
    ("employee", "no"): "a staff number",
    ("account", "number"): "a bank account",
    ("account", "no"): "a bank account",
    ("e", "mail"): "an e-mail address",
}
_ID_VALUE = re.compile(r"\d{17}[\dX]|\d{15}")
_MOBILE_VALUE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")

_SEX = {
    "男": "male",
    "男性": "male",
    "male": "male",
    "m": "male",
    "1": "male",
    "女": "female",
    "女性": "female",
    "female": "female",
    "f": "female",
    "2": "female",
}
_GROUP = {
    "male": "male",
    "男": "male",
    "男性": "male",
    "男干部": "male",
    "男工人": "male",
    "female_55": "female_55",
    "女干部": "female_55",
    "女性干部": "female_55",
    "女(55)": "female_55",
    "女55": "female_55",
    "女_55": "female_55",
    "55": "female_55",
    "female_50": "female_50",
    "女工人": "female_50",
    "女性工人": "female_50",
    "女(50)": "female_50",
    "女50": "female_50",
    "女_50": "female_50",
    "50": "female_50",
    "干部": "cadre",
    "cadre": "cadre",
    "工人": "worker",
    "worker": "worker",
}
_TOTALS = {"合计", "总计", "小计", "total", "totals"}
GROUP_WORDS = "男, 女干部 or 女工人 (or male, female_55, female_50; 干部/工人 with a sex column)"
DATE_WORDS = "a year and month such as 1975-03, 1975年3月 or 197503"


# --------------------------------------------------------------------------------------------
# the result: plain data


@dataclass(frozen=True)
class Figure:
    """One number with its unit and source (a count, a mean, an age)."""

    value: float
    unit: str
    source: str

    def as_data(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "source": self.source}


@dataclass(frozen=True)
class Shares:
    """Shares of the civil-service groups (``GroupShares``); they add up to 1."""

    male: float
    female_55: float
    female_50: float
    source: str

    def as_data(self) -> dict[str, Any]:
        return {
            "male": self.male,
            "female_55": self.female_55,
            "female_50": self.female_50,
            "source": self.source,
        }


@dataclass(frozen=True)
class AgeBands:
    """Weights by age band (``AgeWeights``): band start → weight, the band width, the last age."""

    weights: dict[int, float]
    band_width: int
    last_age: int
    source: str

    def as_data(self) -> dict[str, Any]:
        return {
            "weights": dict(self.weights),
            "band_width": self.band_width,
            "last_age": self.last_age,
            "source": self.source,
        }


@dataclass(frozen=True)
class RosterSummary:
    """What a roster says about the fund as of ``as_of`` (the base year's end); no member in it.

    ``dropped`` holds the problems of the rows left out with ``drop_bad`` (file, row, column and
    what is wrong; never a value). The pensioners' fields are None without a pensioners' roster;
    ``entry_age_profile`` and ``entrant_groups`` are None when nobody started in the window."""

    base_year: int
    as_of: str
    contributors_file: str
    pensioners_file: str | None
    band_width: int
    recent_years: int
    contributors: Figure
    mean_contribution_base: Figure
    yearly_contribution_base: Figure
    contributor_groups: Shares
    contributor_age_profile: AgeBands
    salary_scale: AgeBands
    entry_age_profile: AgeBands | None
    entrant_groups: Shares | None
    service_start_age: Figure
    beneficiaries: Figure | None = None
    mean_pension: Figure | None = None
    yearly_pensions: Figure | None = None
    mean_retirement_age: Figure | None = None
    retiree_groups: Shares | None = None
    retiree_age_profile: AgeBands | None = None
    pension_scale: AgeBands | None = None
    dropped: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = field(default=())


#: Fields of ``assumptions.civil_service`` a roster gives, in the scenario's order; the last two
#: are new to the schema (written whether or not the schema in use knows them yet).
ASSUMPTION_FIELDS = (
    "contributor_groups",
    "retiree_groups",
    "contributor_age_profile",
    "salary_scale",
    "entrant_groups",
    "entry_age_profile",
    "service_start_age",
    "retiree_age_profile",
    "pension_scale",
)
NEW_FIELDS = ("retiree_age_profile", "pension_scale")


def fragment_data(summary: RosterSummary, only_schema_fields: bool = False) -> dict[str, Any]:
    """The scenario keys a roster gives, as plain YAML data shaped like a scenario:
    ``{"base_year": {"civil_service": {contributors, beneficiaries}}, "assumptions":
    {"civil_service": {...}}}``. Fields the roster cannot give (no pensioners, no recent
    starters) are left out, so that the scenario's own stay. ``only_schema_fields`` leaves out
    the fields the scenario schema in use does not know (:data:`NEW_FIELDS` until it has them).
    """
    known = schema_fields() if only_schema_fields else set(ASSUMPTION_FIELDS)
    assumptions = {
        name: getattr(summary, name).as_data()
        for name in ASSUMPTION_FIELDS
        if getattr(summary, name) is not None and name in known
    }
    counts = {"contributors": _count_data(summary.contributors)}
    if summary.beneficiaries is not None:
        counts["beneficiaries"] = _count_data(summary.beneficiaries)
    return {"base_year": {"civil_service": counts}, "assumptions": {"civil_service": assumptions}}


def schema_fields() -> set[str]:
    """The fields of ``assumptions.civil_service`` the scenario schema in use knows."""
    from model.scenario.schema import CivilServiceAssumptions

    return set(CivilServiceAssumptions.model_fields)


def _count_data(figure: Figure) -> dict[str, Any]:
    return {"value": int(figure.value), "unit": figure.unit, "source": figure.source}


# --------------------------------------------------------------------------------------------
# reading


def read_roster(
    contributors_file: str | Path,
    base_year: int,
    pensioners_file: str | Path | None = None,
    *,
    band_width: int = BAND_WIDTH,
    recent_years: int = RECENT_YEARS,
    base_period: Period = "month",
    min_band_members: int = MIN_BAND_MEMBERS,
    drop_bad: bool = False,
) -> RosterSummary:
    """Read an anonymised roster and summarise it as of 31 December of ``base_year``.

    Parameters
    ----------
    contributors_file
        ``.csv`` or ``.xlsx`` of the contributors; a workbook may also hold the pensioners in a
        sheet 退休 (then ``pensioners_file`` must be None).
    pensioners_file
        ``.csv`` or ``.xlsx`` of the pensioners, or None.
    band_width, recent_years, min_band_members
        See the module's docstring (defaults :data:`BAND_WIDTH`, :data:`RECENT_YEARS`,
        :data:`MIN_BAND_MEMBERS`).
    base_period
        The period of a contribution base whose header does not say (``缴费基数``): ``month``
        (元/月) or ``year`` (元/年).
    drop_bad
        Leave rows with bad values out (counted) instead of refusing the roster.

    Raises
    ------
    ScenarioError
        A file that cannot be read, an identifying column, a missing column, bad rows: one
        :class:`~model.errors.Problem` each, naming file, row and column, never a value.
    """
    if not 1 <= band_width <= 20:
        raise _error(str(contributors_file), "", f"band width {band_width}: expected 1 to 20 years")
    if not 1 <= recent_years <= 50:
        raise _error(
            str(contributors_file), "", f"recent years {recent_years}: expected 1 to 50 years"
        )
    if min_band_members < 1:
        raise _error(
            str(contributors_file),
            "",
            f"smallest band {min_band_members}: expected at least 1 member",
        )
    if base_period not in ("month", "year"):
        raise _error(
            str(contributors_file), "", f"base period {base_period!r}: expected month or year"
        )
    tables = _read_file(Path(contributors_file), "contributors")
    if pensioners_file is not None:
        if "pensioners" in tables:
            raise _error(
                str(contributors_file),
                "",
                "the workbook has a pensioners' sheet (退休) and a pensioners' file is "
                "named too; give one of them",
            )
        tables["pensioners"] = _read_file(Path(pensioners_file), "pensioners")["pensioners"]
    if "contributors" not in tables:
        raise _error(
            str(contributors_file),
            "",
            "no contributors' sheet; expected a sheet named 在职 (or contributors)",
        )

    ctx = _Context(base_year, base_period, drop_bad)
    contributors = _members(tables["contributors"], "contributors", ctx)
    pensioners = (
        _members(tables["pensioners"], "pensioners", ctx) if "pensioners" in tables else None
    )
    if ctx.problems:
        raise _many(ctx.problems)
    for kind, members, table in (
        ("contributors", contributors, tables["contributors"]),
        ("pensioners", pensioners, tables.get("pensioners")),
    ):
        if members is not None and table is not None and len(members) < min_band_members:
            raise _error(
                table.name,
                "",
                f"{len(members)} {kind} left to summarise; expected at least "
                f"{min_band_members}, so that no mean is a single person's",
            )
    return _summarise(
        contributors, pensioners, tables, ctx, band_width, recent_years, min_band_members
    )


@dataclass
class _Table:
    """One sheet of a roster: its display name, headers and rows (spreadsheet row numbers)."""

    name: str
    file: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, Sequence[Any]]]


@dataclass
class _Context:
    base_year: int
    base_period: Period
    drop_bad: bool
    problems: list[Problem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    dropped_rows: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Member:
    """One member, kept only in memory: group, age, amount a month, and service start."""

    group: str
    age: int
    amount: float
    start_age: float | None = None
    start_year: int | None = None
    retirement_age: float | None = None


def _error(name: str, where: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(name, where, message)])


def _many(problems: list[Problem]) -> ScenarioError:
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        shown.append(Problem(problems[0].file, "", f"and {more} more problems"))
    return ScenarioError(shown)


def _read_file(path: Path, kind: Kind) -> dict[Kind, _Table]:
    """The sheets of one roster file by kind (a CSV or a one-sheet workbook is ``kind``)."""
    name = str(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise _error(name, "", "file not found; expected a roster .csv or .xlsx file") from None
    except (OSError, ValueError):
        raise _error(name, "", "cannot be read; expected a roster .csv or .xlsx file") from None
    if not stat.S_ISREG(st.st_mode):
        raise _error(name, "", "is not a regular file; expected a roster .csv or .xlsx file")
    if st.st_size > MAX_FILE_BYTES:
        raise _error(
            name,
            "",
            f"is larger than {MAX_FILE_BYTES // 2**20} MiB; expected a roster of one county's fund",
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {kind: _read_csv(path, kind)}
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, kind)
    if suffix in (".xls", ".et"):
        raise _error(name, "", "is an old Excel (.xls) file; save it as .xlsx or .csv")
    raise _error(name, "", "expected a roster .csv or .xlsx file")


def _read_csv(path: Path, kind: Kind) -> _Table:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _error(name, "", f"cannot be read ({err.strerror or 'error'})") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover (gb18030 decodes almost anything)
        raise _error(name, "", "is neither UTF-8 nor GB 18030 text; save it as UTF-8 CSV")
    if "\x00" in text:
        raise _error(name, "", "holds NUL characters; expected a CSV text file")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as err:
        raise _error(name, "", f"is not a readable CSV file ({err})") from None
    return _table(name, name, rows, kind)


def _read_workbook(path: Path, kind: Kind) -> dict[Kind, _Table]:
    import zipfile

    from openpyxl import load_workbook

    name = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise _error(name, "", "is not a readable .xlsx workbook") from None
    try:
        sheets = {ws.title: ws for ws in wb.worksheets}
        found: dict[Kind, str] = {}
        for title in sheets:
            folded = _fold(title)
            for k, names in SHEETS.items():
                if folded in names or folded.startswith(names[0]):
                    if k in found:
                        raise _error(name, "", f"two {_KIND_WORDS[k]} sheets; expected one")
                    found[k] = title
        if not found and len(sheets) == 1:
            found[kind] = next(iter(sheets))
        if not found:
            raise _error(
                name,
                "",
                "no sheet named 在职 or 退休; expected a workbook of one "
                "sheet, or sheets 在职 (contributors) and 退休 (pensioners)",
            )
        out: dict[Kind, _Table] = {}
        for k, title in found.items():
            rows = [list(r) for r in sheets[title].iter_rows(values_only=True)]
            out[k] = _table(f"{name} (sheet {title})", name, rows, k)
        return out
    finally:
        wb.close()


def _table(name: str, file: str, rows: Sequence[Sequence[Any]], kind: Kind) -> _Table:
    """Find the header row among the first rows; keep the rows after it that are not empty."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = ["" if c is None else str(c) for c in row]
        known = sum(1 for h in headers if _column_of(h)[0] or _identifying(h))
        if known >= 2:
            body: list[tuple[int, Sequence[Any]]] = [
                (i + 2 + j, r) for j, r in enumerate(rows[i + 1 :]) if not _blank(r)
            ]
            return _Table(name, file, i + 1, headers, body)
    expected = ", ".join(_first_headers(REQUIRED[kind]))
    raise _error(
        name,
        "",
        f"no header row in the first {HEADER_SEARCH_ROWS} rows; expected "
        f"a roster of {_KIND_WORDS[kind]} with columns such as {expected}",
    )


def _first_headers(columns: Sequence[str]) -> list[str]:
    return [f"{HEADERS[c][0]}/{next(h for h in HEADERS[c] if h.isascii())}" for c in columns]


def _blank(row: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _fold(text: str) -> str:
    """A header or value folded for matching: NFKC, lower case, no spaces, ``-`` as ``_``."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"\s+", "", folded.replace("-", "_").replace(" ", "_"))


def _split_unit(header: str) -> tuple[str, str]:
    """(header, unit) of ``缴费基数(元/月)``; the unit is '' where there is none."""
    m = re.fullmatch(r"(.+?)[(\[]([^()\[\]]*)[)\]]", _fold(header))
    return (m.group(1).rstrip("_"), m.group(2)) if m else (_fold(header), "")


def _period_of_unit(unit: str) -> Period | None:
    if unit in ("元/月", "元每月", "月", "yuan/month", "month", "monthly", "per_month"):
        return "month"
    if unit in ("元/年", "元每年", "年", "yuan/year", "year", "yearly", "annual", "per_year"):
        return "year"
    return None


def _column_of(header: str) -> tuple[str | None, Period | None]:
    """(canonical column, period of an amount) of a header; (None, None) if unknown."""
    base, unit = _split_unit(header)
    for column, names in HEADERS.items():
        if _fold(header) in names or base in names:
            period = _period_of_unit(unit)
            if column.endswith("_month"):
                return column.removesuffix("_month"), "month"
            if column.endswith("_year"):
                return column.removesuffix("_year"), "year"
            return column, period
    return None, None


def _identifying(header: str) -> str | None:
    """What the header says the column identifies (a name, an ID number, …), or None."""
    folded = _fold(header)
    for word, what in IDENTIFYING_ZH.items():
        if word in folded:
            return what
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    for word in words:
        if word in IDENTIFYING_EN:
            return IDENTIFYING_EN[word]
    for (a, b), what in IDENTIFYING_EN_PAIRS.items():
        if a in words and b in words:
            return what
    return None


def _cell_text(value: Any) -> str:
    """A cell as text for the privacy check: whole numbers without a decimal point."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", str(value))).upper()


def _identifying_value(value: Any) -> str | None:
    text = _cell_text(value)
    if _ID_VALUE.fullmatch(text):
        return "an ID number (18 characters)" if len(text) == 18 else "an ID number (15 digits)"
    if _MOBILE_VALUE.fullmatch(text):
        return "a mobile phone number (11 digits)"
    return None


def _privacy_problems(table: _Table) -> list[Problem]:
    """One problem per column that identifies a person, by header or by a value in it."""
    problems = []
    width = max([len(table.headers), *(len(cells) for _, cells in table.rows)])
    headers = [*table.headers, *[""] * (width - len(table.headers))]  # cells past the header too
    for col, header in enumerate(headers):
        label = f"column {col + 1} '{header}'" if header.strip() else f"column {col + 1}"
        what = _identifying(header)
        if what is not None:
            problems.append(
                Problem(
                    table.name,
                    label,
                    (
                        f"the header says it holds {what}, which identifies a person; remove "
                        "the column and import an anonymised roster (birth year and month, sex, "
                        "group, dates and amounts only)"
                    ),
                )
            )
            continue
        for row, cells in table.rows:
            if col < len(cells) and (what := _identifying_value(cells[col])) is not None:
                problems.append(
                    Problem(
                        table.name,
                        label,
                        (
                            f"row {row} holds what looks like {what}, which identifies a "
                            "person; the value is not shown. Remove the column (or the numbers) "
                            "and import an anonymised roster"
                        ),
                    )
                )
                break
    return problems


# --------------------------------------------------------------------------------------------
# values


def _year_month(value: Any) -> tuple[int, int] | None:
    """(year, month) of a date cell, or None if it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, date):  # also a datetime
        return value.year, value.month
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if not value.is_integer():
            year = int(value)
            return _checked(year, round((value - year) * 100))
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    m = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月(?:\s*\d{1,2}\s*日)?|[-/.]\s*\d{1,2}\s*日?)?"
        r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
        text,
    )
    if m:
        return _checked(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if m:
        return _checked(int(m.group(1)), int(m.group(2)))
    return None


def _checked(year: int, month: int) -> tuple[int, int] | None:
    return (year, month) if 1900 <= year <= 2100 and 1 <= month <= 12 else None


def _amount(value: Any) -> float | None:
    """A number of 元 from a cell (``4,500.00``, ``4500元``, ``¥4500``), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s,元¥￥]", "", unicodedata.normalize("NFKC", value))
        try:
            x = float(text)
        except ValueError:
            return None
    else:
        return None
    return x if math.isfinite(x) else None


def _word(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else _fold(str(value))


# --------------------------------------------------------------------------------------------
# members


def _members(table: _Table, kind: Kind, ctx: _Context) -> list[_Member]:
    """The members of one sheet, checked; problems go to ``ctx``."""
    privacy = _privacy_problems(table)
    if privacy:
        raise ScenarioError(privacy)  # the file is refused whole, before any value is read
    columns: dict[str, int] = {}
    periods: dict[str, Period | None] = {}
    problems: list[Problem] = []
    for col, header in enumerate(table.headers):
        column, period = _column_of(header)
        if column is None:
            if header.strip():
                ctx.ignored.append(f"{Path(table.file).name}: {header.strip()}")
            continue
        if column in columns:
            problems.append(
                Problem(
                    table.name,
                    f"column {col + 1} '{header}'",
                    f"a second {column} column (after column {columns[column] + 1}); expected one",
                )
            )
            continue
        columns[column] = col
        periods[column] = period
    for column in REQUIRED[kind]:
        if column not in columns:
            problems.append(
                Problem(
                    table.name,
                    "",
                    (
                        f"no {column} column; expected a header such as "
                        f"{', '.join(_first_headers([column]))}"
                    ),
                )
            )
    if "group" not in columns and "sex" not in columns:
        problems.append(
            Problem(
                table.name, "", (f"no group column; expected 人员类别/group with {GROUP_WORDS}")
            )
        )
    if problems:
        raise ScenarioError(problems)

    amount_column = "contribution_base" if kind == "contributors" else "monthly_pension"
    period = periods[amount_column] or (ctx.base_period if kind == "contributors" else "month")
    per_month = 12.0 if period == "year" else 1.0
    headers = {c: table.headers[i].strip() or f"column {i + 1}" for c, i in columns.items()}
    out: list[_Member] = []
    end = ctx.base_year * 12 + 11  # December of the base year, in months
    for row, cells in table.rows:

        def cell(column: str, cells: Sequence[Any] = cells) -> Any:
            i = columns.get(column)
            return cells[i] if i is not None and i < len(cells) else None

        if any(_word(c) in _TOTALS for c in cells):
            continue
        bad: list[Problem] = []

        def wrong(column: str, message: str, row: int = row, bad: list[Problem] = bad) -> None:
            bad.append(Problem(table.name, f"row {row}, {headers[column]}", message))

        birth = _year_month(cell("birth"))
        age = 0
        born: tuple[int, int] | None = None  # a birth in range: dates after it can be checked
        if birth is None:
            wrong(
                "birth",
                f"expected {DATE_WORDS}"
                if cell("birth") not in (None, "")
                else "missing; expected the year and month of birth",
            )
        else:
            age = ctx.base_year - birth[0]
            if age < 0:
                wrong("birth", f"the birth is after the base year's end ({ctx.base_year}-12-31)")
            elif age > MAX_AGE:
                wrong("birth", f"more than {MAX_AGE} years before the base year's end")
            else:
                born = birth
        group = _group_of(cell("group"), cell("sex"), "group" in columns, "sex" in columns, wrong)
        amount = _amount(cell(amount_column))
        what = "contribution base" if kind == "contributors" else "pension"
        if amount is None:
            wrong(amount_column, f"expected a {what} in 元, a number")
        elif amount <= 0:
            wrong(amount_column, f"expected a {what} above 0 元")
        elif amount > 1e8:
            wrong(amount_column, f"expected a {what} below 100,000,000 元")
        member: _Member | None = None
        if kind == "contributors":
            start = _year_month(cell("service_start"))
            if start is None:
                wrong(
                    "service_start",
                    f"expected {DATE_WORDS}"
                    if cell("service_start") not in (None, "")
                    else "missing; expected the start of service",
                )
            elif born is not None:
                months = (start[0] * 12 + start[1] - 1) - (born[0] * 12 + born[1] - 1)
                if start[0] * 12 + start[1] - 1 > end:
                    wrong("service_start", f"after the base year's end ({ctx.base_year}-12-31)")
                elif months < MIN_SERVICE_AGE * 12:
                    wrong("service_start", f"before age {MIN_SERVICE_AGE} (or before birth)")
                elif not bad and group is not None and amount is not None:
                    member = _Member(
                        group, age, amount / per_month, start_age=months / 12, start_year=start[0]
                    )
        else:
            retired = _year_month(cell("retirement"))
            if retired is None:
                wrong(
                    "retirement",
                    f"expected {DATE_WORDS}"
                    if cell("retirement") not in (None, "")
                    else "missing; expected the retirement date",
                )
            elif born is not None:
                months = (retired[0] * 12 + retired[1] - 1) - (born[0] * 12 + born[1] - 1)
                if months < 0:
                    wrong("retirement", "before the birth")
                elif retired[0] * 12 + retired[1] - 1 > end:
                    wrong("retirement", f"after the base year's end ({ctx.base_year}-12-31)")
                elif not bad and group is not None and amount is not None:
                    member = _Member(group, age, amount / per_month, retirement_age=months / 12)
        if bad or member is None:
            if ctx.drop_bad:
                ctx.dropped += [str(p) for p in bad]
                ctx.dropped_rows[kind] = ctx.dropped_rows.get(kind, 0) + 1
            else:
                ctx.problems += bad
            continue
        out.append(member)
    return out


def _group_of(group: Any, sex: Any, has_group: bool, has_sex: bool, wrong: Any) -> str | None:
    """The member's group from the group and sex cells; a problem through ``wrong``."""
    s = _SEX.get(_word(sex)) if has_sex else None
    if has_sex and s is None:
        wrong("sex", "expected 男 or 女 (male or female, M or F, 1 or 2)")
        return None
    if not has_group:
        if s == "female":
            wrong(
                "sex",
                "a woman's group (女干部, retiring at 55, or 女工人, at 50) cannot be "
                "told without a group column (人员类别)",
            )
            return None
        return "male"
    word = _word(group)
    g = _GROUP.get(word)
    if g in ("cadre", "worker"):
        if s is None:
            wrong("group", "干部 or 工人 needs the sex column (性别) to tell the group")
            return None
        return "male" if s == "male" else ("female_55" if g == "cadre" else "female_50")
    if g is None:
        hint = (
            " (a woman's group says 干部 or 工人: 女干部 or 女工人)"
            if _SEX.get(word) == "female"
            else ""
        )
        wrong("group", f"unknown group; expected {GROUP_WORDS}{hint}")
        return None
    if s is not None and CS_GROUP_SEX[CS_GROUPS.index(g)] != s:
        wrong("group", "the group does not match the sex column")
        return None
    return g


# --------------------------------------------------------------------------------------------
# the summary


def _summarise(
    contributors: list[_Member],
    pensioners: list[_Member] | None,
    tables: dict[Kind, _Table],
    ctx: _Context,
    width: int,
    recent: int,
    k: int,
) -> RosterSummary:
    as_of = f"{ctx.base_year}-12-31"
    c_file = Path(tables["contributors"].file).name
    p_file = Path(tables["pensioners"].file).name if "pensioners" in tables else None

    def about(kind: Kind, file: str | None) -> str:
        dropped = ctx.dropped_rows.get(kind, 0)
        left = f"; {plural(dropped, 'row')} with bad values left out" if dropped else ""
        return f"roster {file}, as of {as_of}{left}"

    c_about = about("contributors", c_file)
    n = len(contributors)
    mean_base = sum(m.amount for m in contributors) / n
    starters = [
        m
        for m in contributors
        if m.start_year is not None and m.start_year > ctx.base_year - recent
    ]
    window = f"{ctx.base_year - recent + 1}–{ctx.base_year}"
    entry: AgeBands | None = None
    entrant_groups: Shares | None = None
    if starters:
        entry_ages = [int(m.start_age or 0) for m in starters]
        entry = AgeBands(
            _shares_by_band(entry_ages, 1),
            1,
            min(max(entry_ages), 100),
            f"{c_about}: age at start of service of {plural(len(starters), 'contributor')} who "
            f"started in {window} (last {recent} years), single ages, shares",
        )
        entrant_groups = _group_shares(
            starters,
            f"{c_about}: groups of {plural(len(starters), 'contributor')} who started "
            f"in {window} (last {recent} years)",
        )
    ages = [m.age for m in contributors]
    bands = _shares_by_band(ages, width)
    lowest = min([*ages, *(int(m.start_age or 0) for m in starters)])
    summary = RosterSummary(
        base_year=ctx.base_year,
        as_of=as_of,
        contributors_file=c_file,
        pensioners_file=p_file,
        band_width=width,
        recent_years=recent,
        contributors=Figure(n, "人", f"{c_about}: {n} contributors (在职缴费人员)"),
        mean_contribution_base=Figure(
            round(mean_base, 2), "元/月", f"{c_about}: mean contribution base of {n} contributors"
        ),
        yearly_contribution_base=Figure(
            round(mean_base * 12 * n / 1e4, 2),
            "万元",
            f"{c_about}: contribution bases × 12 months of {n} contributors",
        ),
        contributor_groups=_group_shares(contributors, f"{c_about}: {n} contributors by group"),
        contributor_age_profile=AgeBands(
            bands,
            width,
            min(max(ages), 100),
            f"{c_about}: {n} contributors by age in {_bands_words(bands, width)} (shares)",
        ),
        salary_scale=_scale(
            contributors,
            width,
            k,
            lowest,
            f"{c_about}: mean contribution base by age band over the mean of {n} contributors",
            "the level is calibrated by the model",
        ),
        entry_age_profile=entry,
        entrant_groups=entrant_groups,
        service_start_age=Figure(
            round(sum(m.start_age or 0 for m in contributors) / n, 1),
            "岁",
            f"{c_about}: mean age at start of service (参加工作时间) of {n} contributors",
        ),
        dropped=tuple(ctx.dropped),
        ignored_columns=tuple(ctx.ignored),
    )
    if pensioners is None:
        return summary
    p_about = about("pensioners", p_file)
    n = len(pensioners)
    mean_pension = sum(m.amount for m in pensioners) / n
    ages = [m.age for m in pensioners]
    bands = _shares_by_band(ages, width)
    from dataclasses import replace

    return replace(
        summary,
        beneficiaries=Figure(n, "人", f"{p_about}: {n} pensioners (离退休人员)"),
        mean_pension=Figure(
            round(mean_pension, 2), "元/月", f"{p_about}: mean monthly pension of {n} pensioners"
        ),
        yearly_pensions=Figure(
            round(mean_pension * 12 * n / 1e4, 2),
            "万元",
            f"{p_about}: monthly pensions × 12 of {n} pensioners",
        ),
        mean_retirement_age=Figure(
            round(sum(m.retirement_age or 0 for m in pensioners) / n, 1),
            "岁",
            f"{p_about}: mean age at retirement of {n} pensioners",
        ),
        retiree_groups=_group_shares(pensioners, f"{p_about}: {n} pensioners by group"),
        retiree_age_profile=AgeBands(
            bands,
            width,
            min(max(ages), 100),
            f"{p_about}: {n} pensioners by age in {_bands_words(bands, width)} (shares)",
        ),
        pension_scale=_scale(
            pensioners,
            width,
            k,
            None,
            f"{p_about}: mean monthly pension by age band over the mean of {n} pensioners",
            "relative pensions in payment by age",
        ),
    )


def plural(n: int, word: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _bands_words(bands: dict[int, float], width: int) -> str:
    count = len(bands)
    unit = "year" if width == 1 else f"{width} years"
    return f"{count} band{'s' if count != 1 else ''} of {unit}"


def _band(age: int, width: int) -> int:
    return min(age, 100) // width * width


def _shares_by_band(ages: list[int], width: int) -> dict[int, float]:
    """Shares of ``ages`` by band, every band from the youngest's to the oldest's (4 decimals,
    the largest taking what rounding left over so that they add up to 1)."""
    counts: dict[int, int] = {}
    for age in ages:
        counts[_band(age, width)] = counts.get(_band(age, width), 0) + 1
    first, last = min(counts), max(counts)
    starts = range(first, last + 1, width)
    shares = {s: round(counts.get(s, 0) / len(ages), 4) for s in starts}
    top = max(shares, key=lambda s: counts.get(s, 0))
    shares[top] = round(1.0 - sum(v for s, v in shares.items() if s != top), 4)
    return shares


def _group_shares(members: list[_Member], source: str) -> Shares:
    counts = {g: sum(1 for m in members if m.group == g) for g in CS_GROUPS}
    shares = {g: round(c / len(members), 4) for g, c in counts.items()}
    top = max(counts, key=lambda g: counts[g])
    shares[top] = round(1.0 - sum(v for g, v in shares.items() if g != top), 4)
    return Shares(shares["male"], shares["female_55"], shares["female_50"], source)


def _scale(
    members: list[_Member], width: int, k: int, lowest: int | None, source: str, note: str
) -> AgeBands:
    """Mean amount by age band over the mean of all; bands of fewer than ``k`` members pooled
    with a neighbour (the smaller one), the first band starting at ``lowest``'s band."""
    pools: dict[int, list[float]] = {}
    for m in members:
        band = _band(m.age, width)
        pools.setdefault(band, [0, 0.0])
        pools[band][0] += 1
        pools[band][1] += m.amount
    bands = [[start, *pools[start]] for start in sorted(pools)]
    while len(bands) > 1:
        small = [i for i, b in enumerate(bands) if b[1] < k]
        if not small:
            break
        i = min(small, key=lambda i: bands[i][1])
        if i == 0:
            j = 1
        elif i == len(bands) - 1:
            j = i - 1
        else:
            j = i - 1 if bands[i - 1][1] <= bands[i + 1][1] else i + 1
        a, b = sorted((i, j))
        bands[a] = [bands[a][0], bands[a][1] + bands[b][1], bands[a][2] + bands[b][2]]
        del bands[b]
    mean = sum(m.amount for m in members) / len(members)
    weights = {int(start): round(total / count / mean, 3) for start, count, total in bands}
    if lowest is not None and _band(lowest, width) < min(weights):
        first = min(weights)
        weights = {_band(lowest, width): weights.pop(first), **weights}
    pooled = len(pools) - len(bands)
    pooled_words = (
        f", {pooled} band{'s' if pooled != 1 else ''} of fewer than {k} pooled with a neighbour"
        if pooled
        else ""
    )
    return AgeBands(
        weights,
        width,
        min(max(m.age for m in members), 100),
        f"{source} ({_bands_words(weights, width)}{pooled_words}); {note}",
    )
