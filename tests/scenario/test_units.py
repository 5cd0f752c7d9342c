"""Figures in the units yearbooks publish (亿元, 万人, 元, percentages) are converted once, when a
scenario is read, and give the same projection as the same figures in 万元, 人 and fractions."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.project import project
from model.errors import ScenarioError
from tests.conftest import variant


def _restated(data_value: dict, factor: float, unit: str) -> dict:
    out = dict(data_value)
    out["value"] = data_value["value"] / factor
    out["unit"] = unit
    if "restated" in out:
        out["restated"] = [{**r, "value": r["value"] / factor} for r in out["restated"]]
    return out


def _published(qitai_data) -> dict:
    """Changes that write some of the Qitai figures in published units."""
    data, _ = qitai_data
    cs = data["base_year"]["civil_service"]
    rs = data["base_year"]["residents"]
    policy = data["policy"]["civil_service"]
    return {
        "base_year.civil_service.contribution_income": _restated(
            cs["contribution_income"], 1e4, "亿元"
        ),
        "base_year.civil_service.subsidy_income": _restated(cs["subsidy_income"], 1e4, "亿元"),
        "base_year.civil_service.total_income": _restated(cs["total_income"], 1e4, "亿元"),
        "base_year.civil_service.reserve_end": _restated(cs["reserve_end"], 1e4, "亿元"),
        "base_year.civil_service.beneficiaries": _restated(cs["beneficiaries"], 1e4, "万人"),
        "base_year.residents.interest_income": _restated(rs["interest_income"], 1e-4, "元"),
        "base_year.residents.beneficiaries": _restated(rs["beneficiaries"], 1e4, "万人"),
        "assumptions.population.total_persons": _restated(
            data["assumptions"]["population"]["total_persons"], 1e4, "万人"
        ),
        "policy.civil_service.contribution_rate_individual": {
            **policy["contribution_rate_individual"],
            "value": 8,
            "unit": "%",
        },
        "policy.civil_service.contribution_rate_employer": {
            **policy["contribution_rate_employer"],
            "value": {2014: 20, 2019: 16},
            "unit": "%",
        },
    }


def test_published_units_give_the_same_projection(qitai_data, qitai, qitai_projection):
    published = variant(qitai_data, _published(qitai_data))
    cs = published.base_year.civil_service
    assert cs is not None
    assert cs.contribution_income.unit == "万元" and cs.contribution_income.published_unit == "亿元"
    assert cs.contribution_income.value == pytest.approx(13574.93, rel=1e-12)
    assert cs.beneficiaries.published_unit == "万人"
    assert published.policy.civil_service is not None
    assert published.policy.civil_service.contribution_rate_individual.value == pytest.approx(0.08)
    result = project(published)
    for fund, series in qitai_projection.funds.items():
        for name, values in series.items():
            np.testing.assert_allclose(
                result.funds[fund][name], values, rtol=1e-9, atol=1e-9, err_msg=f"{fund}.{name}"
            )


def test_rounding_of_a_figure_in_yi_yuan_is_that_of_its_published_unit(qitai_data):
    published = variant(qitai_data, _published(qitai_data))
    cs = published.base_year.civil_service
    assert cs is not None
    assert cs.reserve_end.published_factor == 1e4
    assert cs.contributors.published_factor == 1.0


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (
            "base_year.civil_service.contribution_income",
            {"value": 1.2, "unit": "人", "source": "x y z"},
            "expected the unit 万元, 亿元, 元, got '人'",
        ),
        (
            "base_year.civil_service.contributors",
            {"value": 0.68, "unit": "亿元", "source": "x y z"},
            "expected the unit 人, 万人, got '亿元'",
        ),
        (
            "assumptions.population.total_persons",
            {"value": 2, "unit": "元", "source": "x y z"},
            "expected the unit 人, 万人, got '元'",
        ),
    ],
)
def test_a_unit_that_does_not_fit_the_field_is_refused(qitai_data, path, value, words):
    with pytest.raises(ScenarioError) as err:
        variant(qitai_data, {path: value})
    assert words in str(err.value)
    assert path.split(".")[-1] in str(err.value)
