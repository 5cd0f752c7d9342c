"""``Projection.series`` names what is wrong; the other fund's columns are empty in the tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.output.labels import CSV_COLUMNS
from tests.conftest import ROOT


def test_series_gives_the_yearly_array(qitai_projection):
    p = qitai_projection
    got = p.series("civil_service", "contribution_income")
    assert got.shape == p.years.shape
    np.testing.assert_array_equal(got, p.funds["civil_service"]["contribution_income"][0])
    dep = p.series("civil_service", "dependency_ratio")
    np.testing.assert_allclose(
        dep, p.series("civil_service", "contributors") / p.series("civil_service", "beneficiaries")
    )


def test_unknown_name_raises_with_fund_name_and_close_matches(qitai_projection):
    with pytest.raises(KeyError) as err:
        qitai_projection.series("civil_service", "contribution_incme")
    message = str(err.value)
    assert "civil_service" in message and "'contribution_incme'" in message
    assert "did you mean" in message and "'contribution_income'" in message


def test_unknown_name_raises_even_when_optional(qitai_projection):
    with pytest.raises(KeyError, match="residents.*'benefit_expenditur'.*'benefit_expenditure'"):
        qitai_projection.series("residents", "benefit_expenditur", optional=True)


def test_unknown_fund_raises_with_the_funds_there_are(qitai_projection):
    with pytest.raises(KeyError, match="'resident'.*'residents'"):
        qitai_projection.series("resident", "beneficiaries")


@pytest.mark.parametrize("name", ["fund", "year"])
def test_row_keys_are_not_series(qitai_projection, name):
    with pytest.raises(KeyError, match=name):
        qitai_projection.series("civil_service", name, optional=True)


def test_other_funds_column_raises_unless_optional(qitai_projection):
    """``population_total`` is a residents' column: the civil-service fund has none."""
    p = qitai_projection
    assert "population_total" in CSV_COLUMNS and "population_total" not in p.funds["civil_service"]
    with pytest.raises(KeyError, match="civil_service.*'population_total'.*does not have"):
        p.series("civil_service", "population_total")
    assert np.isnan(p.series("civil_service", "population_total", optional=True)).all()


def test_every_csv_column_is_some_funds_series(qitai_projection):
    """A projection.csv column no fund has would be empty everywhere: a misspelt column."""
    p = qitai_projection
    for column in CSV_COLUMNS:
        if column in ("fund", "year", "dependency_ratio"):
            continue
        assert any(column in arrays for arrays in p.funds.values()), column


def test_rows_leave_the_other_funds_columns_empty(qitai_projection):
    p = qitai_projection
    rows = p.rows()
    assert len(rows) == len(p.funds) * p.years.size
    for row in rows:
        assert list(row) == list(CSV_COLUMNS)
        arrays = p.funds[row["fund"]]
        for column in CSV_COLUMNS:
            if column in ("fund", "year", "dependency_ratio"):
                continue
            if column in arrays:
                assert row[column] is not None, (row["fund"], column)
            else:
                assert row[column] is None, (row["fund"], column)
    frame = p.to_frame()
    cs = frame[frame["fund"] == "civil_service"]
    assert cs["population_total"].isna().all()
    assert not cs["contribution_income"].isna().any()
    assert math.isclose(
        float(cs["contribution_income"].iloc[0]),
        float(p.series("civil_service", "contribution_income")[0]),
    )


def test_a_batch_in_blocks_gives_the_figures_of_one_call(qitai):
    # a large batch runs in blocks of rows (the processor's caches); row by row the same
    # arithmetic, so the same figures whatever the block size, but for the last bit of a sum
    # that a batched matrix product may add in another order (as in a region's groups)
    import dataclasses

    from model.engine.basis import build_basis, stack_bases
    from model.engine.project import project_basis

    base = build_basis(qitai, 10)
    cs = base.civil_service
    bases = [
        dataclasses.replace(
            base, civil_service=dataclasses.replace(cs, indexation=cs.indexation + 0.002 * i)
        )
        for i in range(5)
    ]
    batch = stack_bases(bases)
    whole = project_basis(batch, keep_members=True, block_rows=1000)
    for rows in (1, 2, 3):
        blocked = project_basis(batch, keep_members=True, block_rows=rows)
        for fund, series in whole.funds.items():
            for k, v in series.items():
                got = blocked.funds[fund][k]
                assert got.shape[0] == 5, (fund, k)
                np.testing.assert_allclose(
                    got, np.broadcast_to(v, got.shape), rtol=1e-13, atol=1e-9, err_msg=k
                )
    assert not np.array_equal(
        whole.funds["civil_service"]["benefit_expenditure"][0],
        whole.funds["civil_service"]["benefit_expenditure"][4],
    )


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "scenarios").glob("*.yaml"))
    + sorted((ROOT / "scenarios" / "variants").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_the_fund_loop_on_floats_gives_the_bits_of_the_array_loop(path, monkeypatch):
    # a single scenario rolls its fund forward on Python floats (model.engine.fund.SCALAR_ROWS);
    # the same IEEE operations in the same order as the array loop, so the same bits
    from model.engine import fund
    from model.engine.project import project
    from model.scenario.load import load_scenario

    scenario = load_scenario(path)
    on_floats = project(scenario)
    monkeypatch.setattr(fund, "SCALAR_ROWS", 0)
    on_arrays = project(scenario)
    for name, series in on_floats.funds.items():
        for k, v in series.items():
            np.testing.assert_array_equal(v, on_arrays.funds[name][k], err_msg=f"{name}.{k}")
