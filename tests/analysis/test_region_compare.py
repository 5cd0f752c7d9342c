"""Regions side by side (``yanglao compare REGION.yaml …``): the metrics are the regions' own
totals and pools, the differences are from the first, and regions and scenarios do not mix."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis.region import project_region
from model.analysis.region_compare import BURDEN_YEARS, compare_regions
from model.scenario.region import load_region
from tests.analysis.test_region import small_region

COUNTY_POOLING = "pooling:\n  civil_service: {level: county}\n  residents: {level: county}\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions")
    pooled = small_region(folder / "pooled", counties=6)
    county = small_region(folder / "county", counties=6, pooling=COUNTY_POOLING)
    text = county.read_text(encoding="utf-8").replace("id: example-100", "id: example-county")
    county.write_text(text, encoding="utf-8")
    return pooled, county


@pytest.fixture(scope="module")
def comparison(files):
    return compare_regions([load_region(f) for f in files])


def _row(comparison, fund, metric):
    return next(r for r in comparison.table[fund] if r["metric"] == metric)


def test_the_metrics_are_the_regions_totals_and_pools(files, comparison):
    result = project_region(*load_region(files[0]))
    w = slice(1, BURDEN_YEARS + 1)
    totals = result.totals["civil_service"]
    pool = result.pool["civil_service"]
    assert _row(comparison, "civil_service", "subsidy_paid_10y")["values"][0] == pytest.approx(
        totals["subsidy_income"][w].sum(), rel=1e-12
    )
    assert _row(comparison, "civil_service", f"pool_paid_out_{BURDEN_YEARS}y")["values"][
        0
    ] == pytest.approx(pool["paid_out"][:, w].sum(), rel=1e-12)
    y = comparison.years_shown[0]
    t = int(np.nonzero(result.years == y)[0][0])
    assert _row(comparison, "residents", f"contributors_{y}")["values"][0] == pytest.approx(
        result.totals["residents"]["contributors"][t], rel=1e-12
    )


def test_the_pooling_changes_the_pool_not_the_counties(comparison):
    # the counties' own runs do not depend on the pool: their subsidy is the same in both
    for metric in ("subsidy_need_10y", "subsidy_paid_20y", "subsidy_county_10y"):
        row = _row(comparison, "civil_service", metric)
        assert row["differences"][1] == pytest.approx(0.0, abs=1e-6)
        assert row["values"][0] > 0
    pool = _row(comparison, "civil_service", f"pool_need_after_{BURDEN_YEARS}y")
    assert pool["values"][0] > 0 and pool["values"][1] is None and pool["differences"][1] is None
    assert "residents" in comparison.table
    assert not any(r["metric"].startswith("pool_") for r in comparison.table["residents"])


def test_regions_and_scenarios_do_not_mix(files, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from tests.conftest import QITAI

    runner = CliRunner()
    mixed = runner.invoke(app, ["compare", str(files[0]), str(QITAI)])
    assert mixed.exit_code == 2 and "expected regions only" in mixed.output
    done = runner.invoke(
        app, ["compare", *map(str, files), "--lang", "en", "--out", str(tmp_path / "out")]
    )
    assert done.exit_code == 0, done.output
    assert "2 regions side by side" in done.stdout
    assert "[example-county]" in done.stdout  # the same name twice: the ids tell them apart
    assert max(len(line) for line in done.stdout.splitlines()) <= 120
    assert (tmp_path / "out" / "compare_regions.csv").is_file()
