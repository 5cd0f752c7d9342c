"""A scenario with one fund needs no input about the other: every input only one fund uses
(schema.FUND_INPUTS, and the fund's base year, assumptions and policy) can be left out, and the
scenario validates and runs. Where the fund is present, each of those inputs is still required."""

from __future__ import annotations

import numpy as np
import pytest

from model.engine.project import project
from model.errors import ScenarioError
from model.scenario.schema import FUND_INPUTS
from tests.conftest import DELETE, variant

OTHER = {"civil_service": "residents", "residents": "civil_service"}


def _without(fund: str) -> dict:
    """Changes that remove every input of ``fund`` from the Qitai scenario."""
    changes: dict = {
        f"base_year.{fund}": DELETE,
        f"assumptions.{fund}": DELETE,
        f"policy.{fund}": DELETE,
        "base_year.combined": DELETE,
    }
    for block, names in FUND_INPUTS[fund].items():
        for name in names:
            changes[f"assumptions.{block}.{name}"] = DELETE
    if fund == "residents":
        changes["assumptions.population"] = DELETE
    return changes


@pytest.mark.parametrize("kept", ["civil_service", "residents"])
def test_one_fund_alone_runs_with_nothing_of_the_other(qitai_data, qitai_projection, kept):
    alone = variant(qitai_data, _without(OTHER[kept]))
    assert alone.funds == (kept,)
    result = project(alone)
    assert set(result.funds) == {kept}
    # the fund's own figures are those of the two-fund run
    for name, values in qitai_projection.funds[kept].items():
        np.testing.assert_allclose(result.funds[kept][name], values, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    ("fund", "block", "name"),
    [(f, b, n) for f, blocks in FUND_INPUTS.items() for b, names in blocks.items() for n in names],
)
def test_an_input_of_a_present_fund_is_still_required(qitai_data, fund, block, name):
    with pytest.raises(ScenarioError) as err:
        variant(qitai_data, {f"assumptions.{block}.{name}": DELETE})
    assert f"fund '{fund}' needs assumptions.{block}.{name}" in str(err.value)


@pytest.mark.parametrize("kept", ["civil_service", "residents"])
def test_every_command_runs_on_one_fund(qitai_data, tmp_path, kept):
    from ruamel.yaml import YAML
    from typer.testing import CliRunner

    from cli.main import app
    from tests.conftest import with_changes

    data = with_changes(qitai_data[0], _without(OTHER[kept]), DELETE)
    path = tmp_path / f"only-{kept}.yaml"
    with path.open("w", encoding="utf-8") as fh:
        YAML().dump(data, fh)
    runner = CliRunner()
    for args in (
        ["validate"],
        ["project"],
        ["budget", "--paths", "100"],
        ["sensitivity"],
        ["valuation"],
        ["simulate", "--paths", "50"],
    ):
        result = runner.invoke(app, [args[0], str(path), *args[1:]])
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output
