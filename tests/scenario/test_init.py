"""``yanglao init``: a scenario for any province that validates once its fund figures are in,
with nothing of Qitai or Xinjiang in it unless the region is in Xinjiang; the workbook route;
the shipped examples copied out of the installed package."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli.main import app
from model.engine.project import project
from model.errors import ScenarioError
from model.scenario.load import load_scenario, validate_data
from model.scenario.regions import find_province, provinces
from model.scenario.template import new_scenario
from tests.test_no_region_in_code import NAMES, _stated_figures

FUNDS = [("civil_service", "residents"), ("residents",), ("civil_service",)]
MADE_UP = {
    "contributors": 5000,
    "beneficiaries": 3000,
    "total_income": 30000,
    "total_expenditure": 28000,
    "reserve_end": 10000,
    "total_persons": 300000,
}


def _filled(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree with every TO ENTER figure given a made-up value."""
    tree = copy.deepcopy(tree)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict) and str(value.get("source", "")).startswith("TO ENTER"):
                    if key == "age_structure":
                        value["weights"] = {0: 10, 20: 14, 40: 14, 60: 9, 80: 3}
                        value["band_width"] = 20
                    else:
                        value["value"] = MADE_UP[key]
                    value["source"] = "made-up"
                else:
                    walk(value)

    walk(tree)
    return tree


@pytest.mark.parametrize("code", sorted(provinces()))
def test_every_province_validates_once_its_figures_are_in(code):
    province = provinces()[code]
    for funds in FUNDS:
        tree, items = new_scenario(province, 2023, funds)
        with pytest.raises(ScenarioError) as err:
            validate_data(tree, {}, "new.yaml")
        required = [x.field for x in items if x.required]
        for field in required:  # every figure left to enter is named
            assert field in str(err.value), field
        scenario = validate_data(_filled(tree), {}, "new.yaml")
        assert scenario.funds == funds
        assert scenario.meta.province == code
        assert project(scenario, years=3).funds.keys() == set(funds)


@pytest.mark.parametrize("code", sorted(c for c in provinces() if c != "65"))
def test_nothing_of_qitai_or_xinjiang_outside_xinjiang(code):
    tree, _ = new_scenario(provinces()[code], 2023)
    text = repr(tree)
    found = [n for n in NAMES if n in text]
    found += [f for f in _stated_figures() if re.search(rf"(?<![\d.]){re.escape(f)}(?!\d)", text)]
    assert not found, f"{code}: {found}"


def test_the_province_data_is_used_where_it_ships():
    tree, _ = new_scenario(find_province("Fujian"), 2023, ("civil_service", "residents"))
    wage = tree["assumptions"]["economy"]["average_wage_region_yuan"]
    assert "Fujian" in wage["source"] or "福建" in wage["source"]
    assert tree["meta"]["levels"]["region"]["zh"] == "省"
    # Fujian is in the third tier: the centre pays half the central minimum
    assert tree["policy"]["residents"]["funding"]["central_minimum"] == {
        "central": 0.5,
        "region": 0.5,
    }
    # no census age structure ships for Fujian: it is left to enter, and said so
    assert tree["assumptions"]["population"]["age_structure"]["source"].startswith("TO ENTER")
    xj, _ = new_scenario(find_province("65"), 2021, ("residents",))
    assert xj["assumptions"]["population"]["age_structure"]["weights"][60] == 1630108
    assert xj["policy"]["residents"]["funding"]["central_minimum"] == {"central": 1.0}
    assert xj["meta"]["levels"]["prefecture"]["zh"] == "州"


def test_a_province_pooled_civil_service_fund_is_paid_by_the_province():
    tree, _ = new_scenario(find_province("35"), 2023, ("civil_service",), pooling="province")
    assert tree["policy"]["civil_service"]["subsidy_paid_by"] == "region"
    assert (
        "residents" not in tree["policy"]
        and "interest_rate_residents" not in tree["assumptions"]["economy"]
    )


def test_init_writes_yaml_and_a_workbook_that_read_the_same(tmp_path):
    runner = CliRunner()
    yaml_path, xlsx_path = tmp_path / "new.yaml", tmp_path / "new.xlsx"
    for path in (yaml_path, xlsx_path):
        result = runner.invoke(
            app,
            [
                "init",
                "--province",
                "35",
                "--base-year",
                "2023",
                "--funds",
                "civil_service",
                "--out",
                str(path),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "base_year.civil_service.contributors" in result.output  # the checklist
    # not valid until the figures are in: each named with its line or cell
    result = runner.invoke(app, ["validate", str(yaml_path)])
    assert result.exit_code == 2 and "contributors.value: expected a number" in result.output
    result = runner.invoke(app, ["validate", str(xlsx_path)])
    assert result.exit_code == 2 and "sheet 基期数据, cell" in result.output
    # filled in, the YAML validates and runs
    yaml = YAML()
    data = yaml.load(yaml_path.read_text(encoding="utf-8"))
    filled = _filled(data)
    with yaml_path.open("w", encoding="utf-8") as fh:
        yaml.dump(filled, fh)
    assert project(load_scenario(yaml_path), years=2).funds.keys() == {"civil_service"}
    # a file someone filled in is not replaced without --force
    result = runner.invoke(
        app, ["init", "--province", "35", "--base-year", "2023", "--out", str(yaml_path)]
    )
    assert result.exit_code == 2 and "--force" in result.output


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--province", "Atlantis", "--base-year", "2023"], "no province 'Atlantis'"),
        (["--province", "35", "--base-year", "2023", "--funds", "enterprise"], "--funds"),
        (
            ["--province", "35", "--base-year", "2023", "--format", "xlsx"],
            "expected --out ending in .xlsx",
        ),
    ],
)
def test_bad_options_are_one_message(tmp_path, options, words):
    result = CliRunner().invoke(app, ["init", *options, "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and words in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_the_qitai_example_is_shipped_in_the_package(tmp_path):
    out = tmp_path / "qitai"
    result = CliRunner().invoke(app, ["init", "--example", "qitai", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "qitai-2021.yaml").is_file() and (out / "outturns" / "qitai-2021.yaml").is_file()
    variants = sorted(p.name for p in (out / "variants").glob("*.yaml"))
    assert "hiring-freeze.yaml" in variants
    # a variant extends the copied scenario, and runs from the copy
    assert load_scenario(out / "variants" / "hiring-freeze.yaml").meta.base_year == 2021


def test_the_single_fund_example_is_shipped_too(tmp_path):
    out = tmp_path / "fujian"
    result = CliRunner().invoke(app, ["init", "--example", "fujian", "--out", str(out)])
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out / "fujian-civil-service-2020.yaml")
    assert scenario.funds == ("civil_service",) and scenario.meta.pooling == "province"
