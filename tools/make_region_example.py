"""Write scenarios/regions/example-100/: a made-up region of 100 counties for scale tests.

Every county is made up from the shipped Qitai scenario (scenarios/qitai-2021.yaml): its
base-year heads and money (contributors, beneficiaries, every 万元 figure) and its population are
scaled by a factor per county drawn from a fixed seed (heads rounded to whole persons, money to
0.01 万元). Every tenth county (the 4th, 14th, …) has the civil-service fund only, every tenth
(the 8th, 18th, …) a horizon of 2040 instead of 2050, and every fourth states a made-up general
budget revenue, so that a region run groups counties of different shapes.

To keep the example small, the counties extend a shared base in the folder (base.yaml, a copy of
the Qitai scenario; base-civil-service.yaml, the same without the residents' fund) and state only
what differs. The output is the same on every run.

    python tools/make_region_example.py [--out scenarios/regions/example-100] [--counties 100]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scenarios" / "qitai-2021.yaml"
OUT = ROOT / "scenarios" / "regions" / "example-100"
SEED = 20211
#: The range of the scale factors (log-uniform): from a fifth to four times the source county.
FACTOR_RANGE = (0.2, 4.0)
#: Units whose figures are scaled; rates, percentages and ratios are kept.
SCALED_UNITS = ("万元", "人")

HEADER = """\
# MADE UP for scale tests by tools/make_region_example.py from the shipped Qitai scenario
# (scenarios/qitai-2021.yaml); not a real county's figures. Regenerate with the tool.
"""


def _scaled(block: dict[str, Any], factor: float) -> dict[str, Any]:
    """The overrides of a base-year block: each 万元 or 人 figure's value times ``factor``."""
    out: dict[str, Any] = {}
    for key, fig in block.items():
        if not isinstance(fig, dict) or fig.get("unit") not in SCALED_UNITS:
            continue
        value = float(fig["value"]) * factor
        value = round(value) if fig["unit"] == "人" else round(value, 2)
        new: dict[str, Any] = {"value": value}
        if fig.get("restated"):
            new["restated"] = []  # the report's other statements belong to the source county
        out[key] = new
    return out


def _flow(data: Any) -> Any:
    """Nested mappings written in flow style below the second level, to keep files short."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(data, dict):
        m = CommentedMap()
        for k, v in data.items():
            m[k] = _flow(v)
        if data and all(not isinstance(v, dict) for v in data.values()):
            m.fa.set_flow_style()
        return m
    return data


def county(k: int, factor: float, revenue: float | None, source: dict[str, Any]) -> dict[str, Any]:
    name = f"{k:03d}"
    civil_only = k % 10 == 4
    doc: dict[str, Any] = {
        "extends": "../base-civil-service.yaml" if civil_only else "../base.yaml",
        "meta": {
            "id": f"example-{name}",
            "county": {"zh": f"示例县{name}", "en": f"Example County {name}"},
            "title": {
                "zh": f"示例县{name}（虚构，规模测试）",
                "en": f"Example County {name} (made up, scale tests)",
            },
        },
        "base_year": {},
    }
    if k % 10 == 8:
        doc["meta"]["horizon"] = 2040
    funds = ("civil_service",) if civil_only else ("civil_service", "residents")
    if not civil_only:
        doc["base_year"]["combined"] = _scaled(source["base_year"]["combined"], factor)
    for fund in funds:
        doc["base_year"][fund] = _scaled(source["base_year"][fund], factor)
    if not civil_only:
        persons = source["assumptions"]["population"]["total_persons"]["value"]
        doc["assumptions"] = {"population": {"total_persons": {"value": round(persons * factor)}}}
    if revenue is not None:
        doc.setdefault("assumptions", {})["economy"] = {
            "general_budget_revenue": {
                "value": {2021: revenue},
                "uprate": "wage_growth",
                "source": "made up for scale tests (tools/make_region_example.py)",
            }
        }
    return doc


def write(out: Path, counties: int) -> None:
    yaml = YAML()
    yaml.width = 200
    text = SOURCE.read_text(encoding="utf-8")
    source = YAML(typ="safe").load(text)
    if out.exists():
        shutil.rmtree(out)
    (out / "counties").mkdir(parents=True)
    body = text[text.index("schema_version:") :]
    body = body.replace("id: qitai-2021\n", "id: example-base\n", 1)
    (out / "base.yaml").write_text(
        HEADER + "# The shared base of the example's counties.\n\n" + body, encoding="utf-8"
    )
    civil = {
        "extends": "base.yaml",
        "meta": {
            "id": "example-base-civil-service",
            "title": {
                "zh": "示例县（仅机关事业单位基金）",
                "en": "example county (civil-service fund only)",
            },
        },
        "base_year": {"combined": None, "residents": None},
        "assumptions": {"residents": None, "population": None},
        "policy": {"residents": None},
    }
    with (out / "base-civil-service.yaml").open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "# The base without the residents' fund.\n")
        yaml.dump(_flow(civil), fh)
    rng = random.Random(SEED)
    lo, hi = (math.log(x) for x in FACTOR_RANGE)
    revenue0 = 150000.0  # 万元, made up: a county's general budget revenue at factor 1
    for k in range(1, counties + 1):
        factor = round(math.exp(rng.uniform(lo, hi)), 4)
        spread = rng.uniform(0.7, 1.3)
        revenue = round(revenue0 * factor * spread, 2) if k % 4 == 0 else None
        with (out / "counties" / f"county-{k:03d}.yaml").open("w", encoding="utf-8") as fh:
            fh.write(
                HEADER + f"# Scale factor {factor:g} of the source county's heads and money.\n"
            )
            yaml.dump(_flow(county(k, factor, revenue, source)), fh)
    region = {
        "schema_version": 1,
        "region": {
            "id": "example-100",
            "name": {
                "zh": "示例州（虚构，100个县）",
                "en": "Example Prefecture (made up, 100 counties)",
            },
            "level": "prefecture",
            "province": "65",
        },
        "folder": "counties/",
        "pooling": {
            "civil_service": {
                "level": "prefecture",
                "contribution_share": {
                    "value": 0.03,
                    "source": "judgment: made up for the "
                    "example, near the 3% share the central adjustment fund "
                    "began with (国发〔2018〕18号)",
                },
                "subsidy_shares": {
                    "region": 0.3,
                    "prefecture": 0.2,
                    "county": 0.5,
                    "source": "judgment: made up for the example",
                },
            },
            "residents": {"level": "county"},
        },
    }
    with (out / "region.yaml").open("w", encoding="utf-8") as fh:
        fh.write(
            HEADER + "# A region of made-up counties; the civil-service fund pooled at the "
            "prefecture with an adjustment fund.\n"
        )
        yaml.dump(_flow(region), fh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--counties", type=int, default=100)
    args = parser.parse_args()
    write(args.out, args.counties)


if __name__ == "__main__":
    main()
