"""The two shapes a member roster gives — retirees by age and pensions by age — change the
base year's members and the pensions in payment, while the base year is still reproduced."""

from __future__ import annotations

import numpy as np

from model.engine.project import project
from tests.conftest import variant

OLD = {
    "weights": {60: 1.0, 70: 2.0, 80: 2.0, 90: 1.0},
    "band_width": 10,
    "last_age": 100,
    "source": "made-up roster: older retirees",
}
STEEP = {
    "weights": {50: 0.8, 60: 0.9, 70: 1.1, 80: 1.4},
    "band_width": 10,
    "last_age": 100,
    "source": "made-up roster: older retirees draw more",
}


def test_retiree_age_profile_sets_the_retirees_ages(qitai_data, qitai_projection):
    older = variant(qitai_data, {"assumptions.civil_service.retiree_age_profile": OLD})
    result = project(older)
    cs, base = result.funds["civil_service"], qitai_projection.funds["civil_service"]
    # the stated base year holds: same heads and spending in the base year
    assert cs["beneficiaries"][0, 0] == base["beneficiaries"][0, 0]
    np.testing.assert_allclose(
        cs["total_expenditure"][0, 0], base["total_expenditure"][0, 0], atol=0.01
    )
    # older retirees die sooner: fewer beneficiaries ten years on
    assert cs["beneficiaries"][0, 10] < base["beneficiaries"][0, 10]


def test_pension_scale_shapes_pensions_by_age_and_keeps_the_base_year(qitai_data, qitai_projection):
    steep = variant(qitai_data, {"assumptions.civil_service.pension_scale": STEEP})
    result = project(steep)
    cs, base = result.funds["civil_service"], qitai_projection.funds["civil_service"]
    np.testing.assert_allclose(
        cs["total_expenditure"][0, 0], base["total_expenditure"][0, 0], atol=0.01
    )
    assert not np.allclose(cs["total_expenditure"][0, 1:], base["total_expenditure"][0, 1:])
