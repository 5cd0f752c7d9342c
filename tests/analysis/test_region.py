"""Regions: many county scenarios in one run, their totals, the pooled fund and the ranking.

A small region is copied from the shipped made-up example (``scenarios/regions/example-100``,
written by ``tools/make_region_example.py``): twelve counties of different sizes, among them one
with the civil-service fund only and one with a shorter horizon, so that the counties run in
several groups.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from model.analysis.region import (
    FUNDS,
    LEVELS_PAYING,
    SERIES,
    project_region,
    run_counties,
    subsidy_by_level,
)
from model.engine.project import project
from model.errors import Problem, ScenarioError
from model.scenario.region import load_region, load_region_file
from tests.conftest import ROOT

EXAMPLE = ROOT / "scenarios" / "regions" / "example-100"
SMALL = 12


def small_region(folder: Path, counties: int = SMALL, pooling: str | None = None) -> Path:
    """A region of the example's first ``counties`` counties in ``folder``."""
    (folder / "counties").mkdir(parents=True)
    for name in ("base.yaml", "base-civil-service.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    for k in range(1, counties + 1):
        name = f"county-{k:03d}.yaml"
        shutil.copy(EXAMPLE / "counties" / name, folder / "counties" / name)
    text = (EXAMPLE / "region.yaml").read_text(encoding="utf-8")
    if pooling is not None:
        text = text[: text.index("pooling:")] + pooling
    (folder / "region.yaml").write_text(text, encoding="utf-8")
    return folder / "region.yaml"


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    path = small_region(tmp_path_factory.mktemp("region"))
    return load_region(path)


@pytest.fixture(scope="module")
def result(region):
    return project_region(*region)


@pytest.fixture(scope="module")
def singles(region):
    """Each county run on its own, as ``yanglao project`` runs it."""
    return [project(s) for s in region[1]]


def test_counties_of_different_shapes_run_in_groups(result) -> None:
    assert len(result.counties) == SMALL
    assert len(result.groups) == 3  # both funds to 2050, civil service only, a 2040 horizon
    assert sorted(i for g in result.groups for i in g) == list(range(SMALL))
    assert [len(c.years) for c in result.counties].count(20) == 1
    assert sum("residents" not in c.series for c in result.counties) == 1
    assert result.years[0] == 2021 and result.years[-1] == 2040


def _single_series(proj, fund: str) -> dict[str, np.ndarray]:
    d = proj.funds[fund]
    out = {k: d[k][0] for k in SERIES if k in d}
    out.update({k: v[0] for k, v in subsidy_by_level(proj, fund).items()})
    return out


def test_totals_equal_the_sum_of_counties_run_one_by_one(result, singles) -> None:
    T = result.years.size
    for fund in FUNDS:
        having = [p for p in singles if fund in p.funds]
        totals = result.totals[fund]
        assert np.all(totals["counties"] == len(having))
        for name in SERIES:
            expected = sum(_single_series(p, fund)[name][:T] for p in having)
            np.testing.assert_allclose(
                totals[name], expected, rtol=1e-9, atol=1e-9, err_msg=f"{fund}.{name}"
            )


def test_each_county_in_its_group_has_the_figures_of_its_own_run(result, singles) -> None:
    for county, single in zip(result.counties, singles, strict=True):
        assert list(county.series) == list(single.funds)
        np.testing.assert_array_equal(county.years, single.years)
        for fund, series in county.series.items():
            own = _single_series(single, fund)
            assert set(series) == set(SERIES) == set(own)
            for name in SERIES:
                # the same arithmetic row by row; a batched product may sum in another order,
                # so the last bit can differ
                np.testing.assert_allclose(
                    series[name], own[name], rtol=1e-12, atol=1e-9, err_msg=f"{county.id}"
                )


def test_grouping_gives_the_county_figures_of_single_runs(region) -> None:
    grouped, groups = run_counties(region[1])
    alone, one_each = run_counties(region[1], batched=False)
    assert len(groups) < len(one_each) == SMALL
    for a, b in zip(grouped, alone, strict=True):
        for fund in a.series:
            for name in SERIES:
                np.testing.assert_allclose(
                    a.series[fund][name], b.series[fund][name], rtol=1e-12, atol=1e-9
                )


def test_the_adjustment_fund_pays_out_what_it_takes_in_less_what_it_keeps(result) -> None:
    pool = result.pool["civil_service"]
    assert set(result.pool) == {"civil_service"}  # the residents' fund is pooled by county
    paid_in, paid_out = pool["paid_in"].sum(0), pool["paid_out"].sum(0)
    change = pool["reserve_end"] - pool["reserve_start"]
    np.testing.assert_allclose(paid_in, paid_out + change, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(pool["reserve_start"][1:], pool["reserve_end"][:-1])
    assert pool["reserve_start"][0] == 0.0 and paid_in[0] == 0.0 and paid_out[0] == 0.0
    assert np.all(pool["paid_out"] <= pool["gap"] + 1e-9)
    assert np.all(pool["paid_out"] >= 0) and np.all(pool["reserve_end"] >= -1e-9)
    # 上解: 3% of each county's contributions after the base year
    contributions = np.array(
        [
            c.series["civil_service"]["contribution_income"][: result.years.size]
            for c in result.counties
        ]
    )
    np.testing.assert_allclose(pool["paid_in"][:, 1:], 0.03 * contributions[:, 1:])
    # 下拨 in proportion to the gaps
    t = 5
    gaps = pool["gap"][:, t]
    np.testing.assert_allclose(pool["paid_out"][:, t], paid_out[t] * gaps / gaps.sum())
    # the remaining need split 30/20/50 between the region, the prefecture and the counties
    need = pool["need_after_pool"].sum(0)
    shares = {"region": 0.3, "prefecture": 0.2, "county": 0.5}
    for lv in LEVELS_PAYING:
        np.testing.assert_allclose(pool[f"need_{lv}"], shares[lv] * need)


def test_a_pool_with_a_reserve_keeps_the_identity(tmp_path: Path, region) -> None:
    path = small_region(
        tmp_path / "r",
        counties=3,
        pooling="pooling:\n  residents:\n    level: prefecture\n"
        "    contribution_share: {value: 0.5, source: 'judgment: test'}\n"
        "    subsidy_shares: {region: 1, source: 'judgment: test'}\n"
        "    opening_reserve: 1000\n",
    )
    res = project_region(*load_region(path))
    pool = res.pool["residents"]
    assert set(res.pool) == {"residents"}
    change = pool["reserve_end"] - pool["reserve_start"]
    np.testing.assert_allclose(
        pool["paid_in"].sum(0), pool["paid_out"].sum(0) + change, rtol=1e-12, atol=1e-6
    )
    assert pool["reserve_start"][0] == 1000.0
    # the pool pays out what it holds, up to the counties' gaps
    for t in range(1, res.years.size):
        held = pool["reserve_start"][t] + pool["paid_in"][:, t].sum()
        assert pool["paid_out"][:, t].sum() == pytest.approx(min(held, pool["gap"][:, t].sum()))
    np.testing.assert_allclose(pool["need_region"], pool["need_after_pool"].sum(0))


def test_ranking_by_subsidy_per_contributor_and_share_of_revenue(result) -> None:
    for fund, measure, counties in (
        ("civil_service", "need", SMALL),
        ("residents", "paid", SMALL - 1),
    ):
        ranking = [r for r in result.ranking if r["fund"] == fund]
        assert [r["rank"] for r in ranking] == list(range(1, counties + 1))
        assert {r["measure"] for r in ranking} == {measure}
        per_head = [r["subsidy_per_contributor_yuan"] for r in ranking]
        assert per_head == sorted(per_head, reverse=True)
        with_revenue = [r for r in ranking if r["budget_revenue"] is not None]
        expected = {"example-004", "example-008", "example-012"}
        assert {r["county"] for r in with_revenue} == (
            expected if fund == "civil_service" else expected - {"example-004"}
        )
        shares = sorted(with_revenue, key=lambda r: r["rank_by_revenue_share"])
        assert [r["rank_by_revenue_share"] for r in shares] == list(range(1, len(shares) + 1))
        assert [r["subsidy_share_of_revenue"] for r in shares] == sorted(
            (r["subsidy_share_of_revenue"] for r in shares), reverse=True
        )
        for r in with_revenue:
            assert r["subsidy_share_of_revenue"] == pytest.approx(
                r["subsidy"] / r["budget_revenue"]
            )
        first = ranking[0]
        county = next(c for c in result.counties if c.id == first["county"])
        key = "subsidy_need" if measure == "need" else "subsidy_income"
        amount = county.series[fund][key][1:11].sum()
        heads = county.series[fund]["contributors"][1:11].sum()
        assert first["subsidy"] == pytest.approx(amount)
        assert first["subsidy_per_contributor_yuan"] == pytest.approx(amount * 1e4 / heads)


def test_rows_for_files(result) -> None:
    counties = result.county_rows()
    assert len(counties) == sum(len(c.years) * len(c.series) for c in result.counties)
    totals = result.total_rows()
    assert len(totals) == 2 * result.years.size
    pool = result.pool_rows()
    assert len(pool) == result.years.size * (1 + SMALL)
    assert {r["county"] for r in pool if r["county"]} == {c.id for c in result.counties}


# --------------------------------------------------------------------------------------------
# bad region files: one message naming the file, the line and the field

GOOD = """\
schema_version: 1
region: {id: t, name: {zh: 测试州, en: Test}, level: prefecture, province: "65"}
counties: [counties/county-001.yaml]
pooling:
  civil_service:
    level: prefecture
    contribution_share: {value: 0.03, source: "judgment: test"}
    subsidy_shares: {region: 0.3, county: 0.7, source: "judgment: test"}
"""

BAD = {
    "unknown key": ("pooling:", "poolng:", 4, "poolng", "unknown field"),
    "bad level": (
        "level: prefecture\n",
        "level: city\n",
        6,
        "pooling.civil_service.level",
        "'county', 'prefecture' or 'province'",
    ),
    "shares over 1": (
        "county: 0.7",
        "county: 0.9",
        8,
        "pooling.civil_service.subsidy_shares",
        "summing to 1",
    ),
    "share as percent": (
        "value: 0.03",
        "value: 3",
        7,
        "pooling.civil_service.contribution_share.value",
        "did you mean 0.03",
    ),
    "outside folder": (
        "counties/county-001.yaml",
        "../x.yaml",
        3,
        "counties.0",
        "leads outside the region's folder",
    ),
    "missing county": (
        "counties/county-001.yaml",
        "counties/nope.yaml",
        3,
        "counties.0",
        "not found",
    ),
    "not yaml": (
        "counties/county-001.yaml",
        "counties/a.txt",
        3,
        "counties.0",
        "does not name a .yaml file",
    ),
    "no rules": (
        '    contribution_share: {value: 0.03, source: "judgment: test"}\n',
        "",
        5,
        "pooling.civil_service",
        "needs contribution_share",
    ),
    "pooled above the region": (
        "level: prefecture\n",
        "level: province\n",
        6,
        "pooling.civil_service.level",
        "above the region's level",
    ),
    "no counties": (
        "counties: [counties/county-001.yaml]\n",
        "",
        None,
        "counties",
        "expected counties",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_region_file_is_one_message_with_file_line_and_field(case: str, tmp_path) -> None:
    old, new, line, field, words = BAD[case]
    (tmp_path / "counties").mkdir()
    shutil.copy(EXAMPLE / "counties" / "county-001.yaml", tmp_path / "counties")
    shutil.copy(EXAMPLE / "base.yaml", tmp_path)
    assert old in GOOD
    path = tmp_path / "region.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_region_file(path)
    assert len(err.value.problems) == 1, err.value.problems
    problem = err.value.problems[0]
    assert isinstance(problem, Problem)
    assert problem.file == str(path)
    assert problem.field == field
    assert problem.line == line
    assert words in problem.message
    assert str(problem).startswith(f"{path}:{line}:" if line else f"{path}: {field}:")


def test_the_good_region_file_loads(tmp_path) -> None:
    (tmp_path / "counties").mkdir()
    shutil.copy(EXAMPLE / "counties" / "county-001.yaml", tmp_path / "counties")
    shutil.copy(EXAMPLE / "base.yaml", tmp_path)
    (tmp_path / "region.yaml").write_text(GOOD, encoding="utf-8")
    region, scenarios = load_region(tmp_path / "region.yaml")
    assert [s.meta.id for s in scenarios] == ["example-001"]
    assert region.pooling.civil_service.subsidy_shares.county == 0.7


def test_a_bad_county_names_its_own_file(tmp_path) -> None:
    path = small_region(tmp_path / "r", counties=2)
    county = tmp_path / "r" / "counties" / "county-002.yaml"
    county.write_text(
        county.read_text(encoding="utf-8").replace("contributors:", "contributers:"),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        load_region(path)
    assert len(err.value.problems) == 1
    assert err.value.problems[0].file == str(county.resolve())
    assert "contributers" in err.value.problems[0].field


def test_counties_of_two_base_years_or_another_province_are_refused(tmp_path) -> None:
    path = small_region(tmp_path / "r", counties=2)
    other = tmp_path / "r" / "counties" / "other.yaml"
    shutil.copy(ROOT / "scenarios" / "fujian-civil-service-2020.yaml", other)
    with pytest.raises(ScenarioError) as err:
        load_region(path)
    found = {(p.file, p.field) for p in err.value.problems}
    assert found == {
        (str(other.resolve()), "meta.base_year"),
        (str(other.resolve()), "meta.province"),
    }
    assert all(p.line is not None for p in err.value.problems)


# --------------------------------------------------------------------------------------------
# the shipped example


def test_the_100_county_example_runs_and_is_deterministic() -> None:
    region, scenarios = load_region(EXAMPLE / "region.yaml")
    assert len(scenarios) == 100
    first = project_region(region, scenarios)
    again = project_region(region, scenarios)
    assert len(first.groups) == 3
    for fund in FUNDS:
        for name in SERIES:
            np.testing.assert_array_equal(first.totals[fund][name], again.totals[fund][name])
    assert first.ranking == again.ranking
    np.testing.assert_array_equal(
        first.pool["civil_service"]["paid_out"], again.pool["civil_service"]["paid_out"]
    )


# --------------------------------------------------------------------------------------------
# tables, files and the command


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_terminal_text_fits_and_speaks_one_language(result, lang: str) -> None:
    from model.output.region_tables import format_region
    from tests.analysis.terminal_text import check

    text = format_region(result, lang=lang)
    check(text, lang, allowed=["万元", "上解", "下拨"])
    assert ("合计" in text) == (lang == "zh")
    assert ("调剂金" in text) == (lang == "zh")


def test_files_hold_the_rows_of_the_result(result, tmp_path) -> None:
    import csv

    from model.output.region_tables import write_region

    written = write_region(result, tmp_path / "out", lang="zh")
    names = {p.name for p in written}
    assert names == {
        "region_counties.csv",
        "region_totals.csv",
        "region_pool.csv",
        "region_ranking.csv",
        "region.xlsx",
    }
    for name in ("region_counties.csv", "region_totals.csv", "region_pool.csv"):
        raw = (tmp_path / "out" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "out" / "region_totals.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(result.total_rows())
    first = next(r for r in rows if r["fund"] == "civil_service" and r["year"] == "2030")
    t = int(np.nonzero(result.years == 2030)[0][0])
    assert float(first["subsidy_need"]) == pytest.approx(
        result.totals["civil_service"]["subsidy_need"][t], rel=1e-12
    )
    with (tmp_path / "out" / "region_pool.csv").open(encoding="utf-8-sig") as fh:
        pool = list(csv.DictReader(fh))
    assert len(pool) == len(result.pool_rows())


def test_the_region_command(tmp_path) -> None:
    import typer
    from typer.testing import CliRunner

    from cli.region import region as region_command

    app = typer.Typer()
    app.command()(region_command)

    @app.command()
    def other() -> None:  # a second command, so that the app takes the command's name
        pass

    path = small_region(tmp_path / "r", counties=3)
    runner = CliRunner()
    done = runner.invoke(
        app, ["region", str(path), "--years", "5", "--out", str(tmp_path / "out"), "--lang", "en"]
    )
    assert done.exit_code == 0, done.output
    assert "3 counties" in done.stdout
    assert (tmp_path / "out" / "region_pool.csv").is_file()
    bad = tmp_path / "r" / "region.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace(
            "level: prefecture\n  province", "level: town\n  province"
        ),
        encoding="utf-8",
    )
    failed = runner.invoke(app, ["region", str(bad)])
    assert failed.exit_code == 2
    assert f"{bad}:" in failed.output and "region.level" in failed.output
    assert "Traceback" not in failed.output


def test_project_given_a_region_prints_the_region(tmp_path) -> None:
    """``yanglao project REGION.yaml`` runs the region (the same text as ``yanglao region``);
    a CSV or JSON to standard output is refused with one message, as a region's files are
    written with --out."""
    from typer.testing import CliRunner

    from cli.main import app

    path = small_region(tmp_path / "r", counties=3)
    runner = CliRunner()
    as_project = runner.invoke(app, ["project", str(path), "--years", "5"])
    as_region = runner.invoke(app, ["region", str(path), "--years", "5"])
    assert as_project.exit_code == 0, as_project.output
    assert as_project.stdout == as_region.stdout
    refused = runner.invoke(app, ["project", str(path), "--format", "csv"])
    assert refused.exit_code == 2 and "a region is printed as tables" in refused.output
    # a scenario is still a scenario
    scenario = runner.invoke(app, ["project", str(ROOT / "scenarios" / "qitai-2021.yaml")])
    assert scenario.exit_code == 0 and "100个县" not in scenario.stdout


def test_calibrating_in_a_process_pool_gives_the_same_region(region, result) -> None:
    pooled = project_region(*region, workers=2)
    for fund, series in result.totals.items():
        for k in SERIES:
            np.testing.assert_array_equal(pooled.totals[fund][k], series[k])
    assert pooled.groups == result.groups


def test_counties_with_different_pension_ages_run_together(tmp_path) -> None:
    # a county whose residents draw from 65 (a made-up policy) cannot stack with the others:
    # it runs in a group of its own, and the region's totals are still the sum of the counties
    path = small_region(tmp_path / "r", counties=4)
    county = tmp_path / "r" / "counties" / "county-002.yaml"
    county.write_text(
        county.read_text(encoding="utf-8")
        + "policy:\n  residents:\n    pension_age: {value: 65, unit: 岁, source: test}\n",
        encoding="utf-8",
    )
    region, scenarios = load_region(path)
    result = project_region(region, scenarios)
    by_id = {c.id: c for c in result.counties}
    other = by_id[scenarios[1].meta.id]
    assert [g for g in result.groups if 1 in g] == [[1]]
    assert other.scenario.policy.residents.pension_age.value == 65
    alone = project(scenarios[1])
    np.testing.assert_allclose(
        other.series["residents"]["beneficiaries"],
        alone.funds["residents"]["beneficiaries"][0],
        rtol=1e-12,
    )
    T = result.years.size
    summed = sum(
        c.series["residents"]["subsidy_income"][:T]
        for c in result.counties
        if "residents" in c.series
    )
    np.testing.assert_allclose(result.totals["residents"]["subsidy_income"], summed, rtol=1e-12)
