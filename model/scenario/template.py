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
    """A figure the region must enter: the field it goes in and its unit; what it is and where
    it usually comes from, in words, are in ``model.output.new_scenario``."""

    field: str
    unit: str
    required: bool = True

    @property
    def key(self) -> str:
        """The field's last part (``contributors``), which names the figure."""
        return self.field.rsplit(".", 1)[-1]


#: A fund's figures to enter, required first, with their units; the lines beside the totals are
#: optional (model.scenario.accounts estimates what is not stated).
FUND_FIGURES = (
    ("contributors", "人", True),
    ("beneficiaries", "人", True),
    ("total_income", "万元", True),
    ("total_expenditure", "万元", True),
    ("reserve_end", "万元", True),
    ("contribution_income", "万元", False),
    ("subsidy_income", "万元", False),
    ("interest_income", "万元", False),
    ("benefit_expenditure", "万元", False),
    ("expenditure_budget", "万元", False),
)


def checklist(funds: tuple[str, ...], has_age_structure: bool) -> list[ToEnter]:
    """What a new region enters, required first: its fund figures and its population (the
    residents' fund counts its contributors from contributions: they are not asked for)."""
    items = [
        ToEnter(f"base_year.{fund}.{key}", unit, required)
        for fund in funds
        for key, unit, required in FUND_FIGURES
        if not (fund == "residents" and key == "contributors")
    ]
    if "residents" in funds:
        items.append(ToEnter("assumptions.population.total_persons", "人"))
        if not has_age_structure:
            items.append(ToEnter("assumptions.population.age_structure", "人"))
    return sorted(items, key=lambda x: not x.required)


#: The source of a figure left to enter; ``model.output.new_scenario`` adds what it is and where
#: it usually comes from when it writes the file.
TO_ENTER = "TO ENTER"


def _placeholder(item: ToEnter) -> dict[str, Any]:
    return {"value": None, "unit": item.unit, "source": TO_ENTER}


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
            "source": TO_ENTER,
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
