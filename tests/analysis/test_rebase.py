"""Rolling a scenario forward one year from an outturn."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from model.errors import YanglaoError
from model.scenario.outturn import Outturn
from model.engine.project import project
from model.analysis.rebase import rebase
from model.scenario.load import load_scenario
from tests.conftest import QITAI

LINES = ("contributors", "beneficiaries", "contribution_income", "interest_income", "subsidy_income",
         "other_income", "total_income", "benefit_expenditure", "other_expenditure", "total_expenditure",
         "reserve_end")


def outturn_from(projection, t: int) -> Outturn:
    """The projection's year ``t`` written as an outturn (rounded as a report would be)."""
    year = int(projection.years[t])
    data = {"schema_version": 1, "outturn": {"year": year, "county": {"zh": "奇台县", "en": "Qitai County"}}}
    for fund in projection.funds:
        block = {}
        for line in LINES:
            digits = 0 if line in ("contributors", "beneficiaries") else 2
            value = round(float(projection.series(fund, line)[t]), digits)
            block[line] = {"value": value, "unit": "人" if digits == 0 else "万元", "source": f"test: projected {year}"}
        data[fund] = block
    return Outturn.model_validate(data)


@pytest.fixture(scope="module")
def rebased(qitai, qitai_projection):
    return rebase(qitai, outturn_from(qitai_projection, 1)), outturn_from(qitai_projection, 1)


def test_new_base_year_reproduces_the_outturn(rebased):
    new, outturn = rebased
    assert new.meta.base_year == 2022
    result = project(new)
    for fund in ("civil_service", "residents"):
        stated = getattr(outturn, fund)
        for line in ("contributors", "beneficiaries", "contribution_income", "subsidy_income",
                     "benefit_expenditure", "reserve_end"):
            assert result.series(fund, line)[0] == pytest.approx(getattr(stated, line).value, abs=0.01), (fund, line)


def test_rebased_projection_continues_the_old_one(rebased, qitai_projection):
    new, _ = rebased
    result = project(new)
    # the year after: the same within a few percent (profiles of retirees are regenerated)
    for fund in ("civil_service", "residents"):
        for line in ("contributors", "beneficiaries", "total_expenditure"):
            old = qitai_projection.series(fund, line)[2]
            assert result.series(fund, line)[1] == pytest.approx(old, rel=0.03), (fund, line)
    # the population by age carries over (the scenario format splits every age by one male share)
    pop_old = qitai_projection.funds["residents"]["population"][0, 1].sum(0)
    np.testing.assert_allclose(result.funds["residents"]["population"][0, 0].sum(0), pop_old, rtol=1e-5)


def test_rebase_needs_the_following_year(qitai, qitai_projection):
    with pytest.raises(YanglaoError, match="forward to 2022 only"):
        rebase(qitai, outturn_from(qitai_projection, 2))



def test_rebase_cli(tmp_path, qitai_projection):
    from ruamel.yaml import YAML

    outturn_path = tmp_path / "outturn-2022.yaml"
    YAML().dump(outturn_from(qitai_projection, 1).model_dump(mode="python", exclude_none=True),
                outturn_path.open("w", encoding="utf-8"))
    new_path = tmp_path / "qitai-2022.yaml"
    result = CliRunner().invoke(app, ["rebase", str(QITAI), str(outturn_path), "--out", str(new_path)])
    assert result.exit_code == 0, result.output
    text = new_path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "yanglao rebase" in text
    new = load_scenario(new_path)
    assert new.meta.base_year == 2022 and new.meta.id.endswith("2022")
    bad = CliRunner().invoke(app, ["rebase", str(QITAI), str(QITAI), "--out", str(tmp_path / "x.yaml")])
    assert bad.exit_code == 2 and not (tmp_path / "x.yaml").exists()
