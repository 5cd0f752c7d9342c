"""A new region's scenario (``yanglao init``): every assumption filled from the national defaults
(``model/data/templates/national-defaults.yaml``) and the province's shipped data
(:mod:`model.scenario.regions`), each with its source, and only the region's own fund figures
left to enter, each marked ``TO ENTER`` with where it usually comes from.

The scenario does not validate until those figures are entered: each placeholder has no value,
so validation names every one of them by file and line. :func:`checklist` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from model.scenario.regions import (
    Province,
    age_structure,
    average_wage,
    central_share,
    male_share,
    national_wages,
    residents_top_up,
)

FUNDS = ("civil_service", "residents")

#: Years projected after the base year when the user does not say.
DEFAULT_HORIZON_YEARS = 29


@dataclass(frozen=True)
class ToEnter:
    """A figure the region must enter: where it goes, what it is, where it usually comes from."""

    field: str
    what: str
    where: str
    unit: str
    required: bool = True


def _to_enter(fund: str) -> list[ToEnter]:
    report = "绩效自评报告 or 社会保险基金决算表"
    common = [
        ToEnter(
            f"base_year.{fund}.beneficiaries",
            "领取待遇人数 at the year end (or beneficiaries_average)",
            report,
            "人",
        ),
        ToEnter(
            f"base_year.{fund}.total_income",
            "基金收入合计 (or the subsidy by level: subsidy_by_level)",
            f"{report}; a yearbook gives it in 亿元",
            "万元",
        ),
        ToEnter(f"base_year.{fund}.total_expenditure", "基金支出合计", report, "万元"),
        ToEnter(
            f"base_year.{fund}.reserve_end",
            "年末滚存结余 (or reserve_start with the totals)",
            report,
            "万元",
        ),
    ]
    if fund == "civil_service":
        common.insert(
            0,
            ToEnter(f"base_year.{fund}.contributors", "在职缴费人数 at the year end", report, "人"),
        )
    optional = [
        ToEnter(f"base_year.{fund}.{key}", what, report, "万元", required=False)
        for key, what in (
            ("contribution_income", "基本养老保险费收入"),
            ("subsidy_income", "财政补助收入"),
            ("interest_income", "利息收入"),
            ("benefit_expenditure", "养老保险待遇支出"),
            ("expenditure_budget", "支出预算 (for budget execution)"),
        )
    ]
    return common + optional


def checklist(funds: tuple[str, ...], has_age_structure: bool) -> list[ToEnter]:
    """What a new region enters, required first: its fund figures and its population."""
    items = [x for f in funds for x in _to_enter(f)]
    if "residents" in funds:
        items.append(
            ToEnter(
                "assumptions.population.total_persons",
                "常住人口 at the year end",
                "统计公报 (国民经济和社会发展统计公报)",
                "人",
            )
        )
        if not has_age_structure:
            items.append(
                ToEnter(
                    "assumptions.population.age_structure",
                    "population by age group (weights)",
                    "第七次人口普查公报 or 统计年鉴: not shipped for this province",
                    "人",
                )
            )
    return sorted(items, key=lambda x: not x.required)


def _placeholder(item: ToEnter) -> dict[str, Any]:
    return {"value": None, "unit": item.unit, "source": f"TO ENTER: {item.what}; from {item.where}"}


def _defaults() -> dict[str, Any]:
    from ruamel.yaml import YAML

    text = (resources.files("model.data") / "templates" / "national-defaults.yaml").read_text(
        encoding="utf-8"
    )
    return YAML(typ="safe").load(text)


def _levels(p: Province) -> dict[str, Any]:
    names = [re.sub(r"[(（].*?[)）]", "", x) for x in p.levels_zh]
    if len(names) == 2:  # a municipality: the city, and its districts
        names = [names[0], names[0], names[1]]
    en = {"province": "province", "autonomous_region": "region", "municipality": "municipality"}
    return {
        "region": {"zh": names[0], "en": en.get(p.kind, "province")},
        "prefecture": {"zh": names[1], "en": "prefecture"},
        "county": {"zh": names[2], "en": "county"},
        "source": f"model/data/regions/provinces.csv: {'/'.join(p.levels_zh)} (a naming "
        "convention; check the region's budget papers for its own words)",
    }


def new_scenario(
    province: Province,
    base_year: int,
    funds: tuple[str, ...] = FUNDS,
    *,
    region_zh: str | None = None,
    region_en: str | None = None,
    pooling: str = "county",
    scenario_id: str | None = None,
    horizon: int | None = None,
) -> tuple[dict[str, Any], list[ToEnter]]:
    """The scenario tree of a new region and the figures it must enter.

    ``region_zh``/``region_en`` name the county, prefecture or province whose funds these are
    (default: the province); ``pooling`` is the level at which the funds are pooled.
    """
    unknown = [f for f in funds if f not in FUNDS]
    if unknown or not funds:
        raise ValueError(
            f"--funds: expected civil_service and/or residents, got {', '.join(funds)}"
        )
    defaults = _defaults()
    zh = region_zh or province.zh_full
    en = region_en or province.en
    structure = age_structure(province.code) if "residents" in funds else None
    items = checklist(funds, structure is not None)
    meta = {
        "id": scenario_id
        or f"{re.sub(r'[^a-z0-9]+', '-', en.lower()).strip('-') or 'region'}-{base_year}",
        "county": {"zh": zh, "en": en},
        "title": {
            "zh": f"{zh}基本养老保险基金 {base_year}年基期预测",
            "en": f"{en} pension funds from the {base_year} base year",
        },
        "base_year": base_year,
        "horizon": horizon or base_year + DEFAULT_HORIZON_YEARS,
        "province": province.code,
        "pooling": pooling,
        "levels": _levels(province),
    }
    base: dict[str, Any] = {f: {} for f in funds}
    for item in items:
        if item.required and item.field.startswith("base_year."):
            _, fund, key = item.field.split(".")
            base[fund][key] = _placeholder(item)
    assumptions: dict[str, Any] = {
        "economy": _economy(defaults, province, base_year, funds),
        "mortality": _only(defaults["assumptions"]["mortality"], funds),
    }
    policy: dict[str, Any] = {}
    for fund in funds:
        assumptions[fund] = defaults["assumptions"][fund]
        policy[fund] = defaults["policy"][fund]
    if "residents" in funds:
        assumptions["population"] = _population(defaults, province, structure, items)
        policy["residents"] = {**policy["residents"], **_residents_policy(province, base_year)}
    if "civil_service" in funds and pooling != "county":
        policy["civil_service"]["subsidy_paid_by"] = (
            "region" if pooling == "province" else "prefecture"
        )
    tree = {
        "schema_version": 1,
        "meta": meta,
        "base_year": base,
        "assumptions": assumptions,
        "policy": policy,
    }
    return tree, items


def _only(block: dict[str, Any], funds: tuple[str, ...]) -> dict[str, Any]:
    """The keys of a block that are every fund's or one of ``funds``' (by their prefix)."""
    others = [f for f in FUNDS if f not in funds]
    return {
        k: v for k, v in block.items() if not any(k.startswith(o) or k.endswith(o) for o in others)
    }


def _economy(
    defaults: dict[str, Any], p: Province, base_year: int, funds: tuple[str, ...]
) -> dict[str, Any]:
    economy = _only(defaults["assumptions"]["economy"], funds)
    if "civil_service" not in funds:
        for key in ("account_crediting_rate", "pension_indexation_history"):
            economy.pop(key, None)
        return economy
    national = national_wages()
    own = average_wage(p.code)
    if own is not None and own.year in national:
        ratio = own.value / national[own.year].value
        why = (
            f"{p.zh}'s urban non-private average wage {own.value:,.0f} 元 in {own.year} "
            f"({own.status}: {own.source}) over the national {national[own.year].value:,.0f}"
        )
    else:
        ratio = 1.0
        why = f"{p.zh}'s own average wage is not shipped (MISSING): the national wage is used"
    years = [y for y in national if y <= base_year]
    if not years:
        raise ValueError(f"no national wage is shipped for {base_year} or before")
    history = {y: round(national[y].value * ratio) for y in years}
    level = history[years[-1]]
    grown = (
        "; later years grow with wage_growth"
        if years[-1] == base_year
        else (f"; {years[-1]}'s level, the latest shipped, stands for {base_year}")
    )
    economy["average_wage_region_yuan"] = {
        "value": {base_year: level},
        "unit": "元/年",
        "uprate": "wage_growth",
        "source": (
            f"derived: the national urban non-private average wage × {ratio:.4f} ({why}){grown}"
        ),
    }
    economy["average_wage_region_history_yuan"] = {
        "value": history,
        "unit": "元/年",
        "source": f"derived: the national urban non-private average wage by year (model/data: "
        f"verified where china_param_series.csv or regions/wages.csv has it, recalled "
        f"and unverified in history_series.csv otherwise) × {ratio:.4f}, the province's "
        "ratio in its latest shipped year (judgment: the ratio held in the past; only "
        "ratios between years matter)",
        "note": "years between stated ones are filled geometrically by the model",
    }
    return economy


def _population(
    defaults: dict[str, Any], p: Province, structure: dict[str, Any] | None, items: list[ToEnter]
) -> dict[str, Any]:
    pop = dict(defaults["assumptions"]["population"])
    pop["total_persons"] = _placeholder(
        next(x for x in items if x.field == "assumptions.population.total_persons")
    )
    if structure is not None:
        pop["age_structure"] = structure
        pop["age_structure_of"] = "province"
    else:
        pop["age_structure"] = {
            "weights": None,
            "band_width": 10,
            "last_age": 100,
            "source": f"TO ENTER: the population by age group; {p.zh}'s census age structure is "
            "not shipped (MISSING in model/data/regions/census2020_age_sex.csv)",
        }
    share = male_share(p.code)
    if share is not None:
        pop["male_share"] = {"value": round(share.value, 4), "unit": "/1", "source": share.source}
    return pop


def _residents_policy(p: Province, base_year: int) -> dict[str, Any]:
    central, why = central_share(p)
    funding = {
        "central_minimum": {"central": central}
        if central == 1.0
        else {"central": central, "region": round(1 - central, 4)},
        "local_top_up": {"region": 0.5, "county": 0.5},
        "contribution_subsidy": {"region": 0.5, "county": 0.5},
        "funeral_grant": {"county": 1.0},
        "source": f"{why}. The split of the local costs between the levels of {p.zh} was not "
        "found (MISSING): judgment, half the province's and half the county's; the "
        "funeral grant the county's",
    }
    out: dict[str, Any] = {"funding": funding}
    top_up = residents_top_up(p.code)
    if top_up is not None and top_up.year is not None and top_up.year > base_year:
        out["basic_pension_top_up_monthly_yuan"] = {
            "value": {top_up.year: top_up.value},
            "unit": "元/月",
            "source": f"{p.zh}'s provincial minimum less the central minimum in {top_up.year} "
            f"({top_up.status}: {top_up.source}); the base year's top-up is calibrated",
        }
    return out
