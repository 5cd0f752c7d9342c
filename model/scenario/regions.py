"""The shipped regional data of the 31 provinces (``model/data/regions/``), read for
``yanglao init``: names and levels of government, the 2020 census age structure, average wages
and the residents' basic pension, each figure with its status and source.

Every file is long format with ``#`` header lines naming its sources (``model/data/SOURCE.md``).
Where a figure is not shipped for a province the functions return None: the caller says it is
missing and asks for it, never fills it in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from model.errors import YanglaoError

#: The residents' pension's central minimum is paid in full by the central government in
#: central and western provinces and half in eastern ones (国发〔2014〕8号, POLICY §3, verified).
#: Which provinces count as central and western is taken from the fiscal tiers of
#: 国办发〔2018〕6号 (provinces.csv): 第一档 (12 western) and 第二档 (10 central) — a judgment, as
#: the clause mapping tiers to the pension's share was not retrieved.
FULL_CENTRAL_SHARE_ZONES = ("第一档", "第二档")


@dataclass(frozen=True)
class Province:
    code: str  # GB/T 2260, two digits
    zh: str  # short name (福建)
    zh_full: str  # full name (福建省)
    en: str
    kind: str  # province, autonomous_region or municipality
    levels_zh: tuple[str, ...]  # the levels of government below the centre, top first
    zone: str  # the fiscal tier of 国办发〔2018〕6号
    source: str


@dataclass(frozen=True)
class Figure:
    value: float
    year: int | None
    status: str
    source: str


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("model.data") / "regions" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def provinces() -> dict[str, Province]:
    """Every province by its code."""
    out = {}
    for r in _rows("provinces.csv"):
        short, _, full = (part.strip() for part in r["province_zh"].partition("/"))
        out[r["province_code"]] = Province(
            r["province_code"],
            short,
            full or short,
            r["province_en"],
            r["kind"],
            tuple(x.strip() for x in r["level_names_zh"].split("/")),
            r["central_subsidy_zone"],
            r["source"],
        )
    return out


def find_province(name: str) -> Province:
    """The province a user names: its code (35), short or full Chinese name (福建, 福建省) or
    English name (Fujian), case and spaces aside."""
    key = name.strip().lower().replace(" ", "")
    for p in provinces().values():
        if key in (p.code, p.zh, p.zh_full, p.en.lower().replace(" ", "")):
            return p
    known = ", ".join(f"{p.code} {p.zh}" for p in provinces().values())
    raise YanglaoError(f"--province: no province {name!r}; expected a code or name: {known}")


def age_structure(code: str) -> dict[str, Any] | None:
    """The province's 2020 census population by age group (both sexes), as scenario age weights
    {weights, band_width, last_age, source}, or None where it is not shipped."""
    rows = [
        r
        for r in _rows("census2020_age_sex.csv")
        if r["province_code"] == code and r["sex"] == "total"
    ]
    if not rows:
        return None
    starts = [int(r["age_from"]) for r in rows]
    widths = {int(r["age_to"]) - int(r["age_from"]) + 1 for r in rows if r["age_to"]}
    if len(widths) != 1:
        return None
    derived = [r for r in rows if r["status"] != "verified"]
    source = (
        f"2020 census, {rows[0]['province']}, by {widths.pop()}-year age group: {rows[0]['source']}"
    )
    if derived:
        source += "; " + "; ".join(
            f"{r['age_from']}+: {r['status']} ({r['source']})" for r in derived
        )
    return {
        "weights": {a: int(r["persons"]) for a, r in zip(starts, rows, strict=True)},
        "band_width": starts[1] - starts[0] if len(starts) > 1 else 10,
        "last_age": 100,
        "source": source,
    }


def male_share(code: str) -> Figure | None:
    """Men's share of the province's 2020 census population (derived), or None."""
    by_sex = {
        r["sex"]: r
        for r in _rows("census2020_age_sex.csv")
        if r["province_code"] == code and r["sex"] in ("male", "female")
    }
    if set(by_sex) != {"male", "female"}:
        return None
    men, women = int(by_sex["male"]["persons"]), int(by_sex["female"]["persons"])
    return Figure(
        men / (men + women),
        2020,
        "derived",
        f"2020 census: {men} men of {men + women} ({by_sex['male']['source']}; derived)",
    )


def average_wage(code: str, series: str = "urban_non_private") -> Figure | None:
    """The latest shipped yearly average wage (元/年) of a province (code 00: the country), or
    None; a ``missing`` row counts as not shipped."""
    rows = [
        r
        for r in _rows("wages.csv")
        if r["province_code"] == code
        and r["series"] == series
        and r["value_yuan"]
        and r["status"] != "missing"
        and r["unit"] == "yuan_per_year"
    ]
    if not rows:
        return None
    r = max(rows, key=lambda r: (r["status"] in ("verified", "corroborated"), int(r["year"])))
    return Figure(float(r["value_yuan"]), int(r["year"]), r["status"], r["source"])


@cache
def national_wages() -> dict[int, Figure]:
    """The national urban non-private average wage (元/年) by year, 2000 on: each year from the
    best shipped source (regions/wages.csv, then china_param_series.csv, then the unverified
    history_series.csv)."""
    out: dict[int, Figure] = {}
    for name, series, value in (
        ("history_series.csv", "series", "value"),
        ("china_param_series.csv", "series", "value"),
    ):
        text = (resources.files("model.data") / name).read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        for r in csv.DictReader(lines):
            if r[series] == "avg_wage_nonprivate_national" and r[value]:
                out[int(r["year"])] = Figure(
                    float(r[value]), int(r["year"]), r["status"], f"{name}: {r['source']}"
                )
    for r in _rows("wages.csv"):
        if r["province_code"] == "00" and r["series"] == "urban_non_private" and r["value_yuan"]:
            out[int(r["year"])] = Figure(
                float(r["value_yuan"]),
                int(r["year"]),
                r["status"],
                f"regions/wages.csv: {r['source']}",
            )
    return dict(sorted(out.items()))


def residents_top_up(code: str) -> Figure | None:
    """The latest shipped local top-up of the residents' basic pension (元/月), or None."""
    rows = [
        r
        for r in _rows("residents_basic_pension.csv")
        if r["province_code"] == code and r["item"] == "local_top_up_monthly_yuan" and r["value"]
    ]
    if not rows:
        return None
    r = max(rows, key=lambda r: int(r["year"]))
    return Figure(float(r["value"]), int(r["year"]), r["status"], r["source"])


def central_share(p: Province) -> tuple[float, str]:
    """The central government's share of the residents' central minimum, and why."""
    full = p.zone in FULL_CENTRAL_SHARE_ZONES
    return (
        1.0 if full else 0.5,
        f"国发〔2014〕8号: the centre pays the central minimum in full in central and western "
        f"provinces, half in eastern ones (POLICY §3, verified); {p.zh} is in {p.zone} of "
        f"国办发〔2018〕6号 ({p.source}), taken as {'central or western' if full else 'eastern'} "
        "(judgment: the clause mapping the tiers to this share was not retrieved)",
    )
