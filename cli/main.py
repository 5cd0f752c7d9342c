"""The ``yanglao`` command line: parse options, call one ``model`` function, write, exit.

Exit status: 0 success; 1 a check found disagreements; 2 bad input (a scenario that cannot be
read or is invalid, a bad option or default language) or output that cannot be written. Errors
are one readable message on stderr, never a traceback (``--debug`` re-raises for developers).

Every command takes ``--lang zh|en`` (default Chinese; see :mod:`cli.common` for the user's
default). The help is Chinese, or English when the user's default language is English.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import (  # (shared options, spelled once)
    DebugOpt,
    ForceOpt,
    Format,
    Lang,
    LangOpt,
    MemoryOpt,
    OutOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    WorkersOpt,
    YearsOpt,
    _named,
    check_out,
    fail,
    h,
    run_report,
    say,
    wrote,
)
from model.errors import YanglaoError

app = typer.Typer(
    name="yanglao",
    help=h(
        "养老（Yanglao）：县级养老保险基金的队列精算预测。各命令的用法见 yanglao 命令 --help。",
        "Yanglao 养老: cohort projections of county pension funds. See yanglao COMMAND --help.",
    ),
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"yanglao {version('yanglao')}")
        except PackageNotFoundError:  # run from a checkout that is not installed
            typer.echo("yanglao (not installed)")
        raise typer.Exit(0)


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help=h("显示版本号后退出", "print the version and exit"),
        ),
    ] = False,
) -> None:
    """养老（Yanglao）：县级养老保险基金的队列精算预测。"""


from cli.drivers import DRIVERS_HELP, drivers  # noqa: E402
from cli.evaluate import evaluate  # noqa: E402
from cli.init import init  # noqa: E402
from cli.region import region, run_region  # noqa: E402
from cli.report import report  # noqa: E402
from cli.roster import roster  # noqa: E402


@app.command(
    help=h(
        "从基期起逐年预测两项基金，打印预测表、要点和校准结果。\n\n"
        "示例：yanglao project 情景.yaml --out 结果/",
        "Project both funds year by year from the base year; print the table, the headline "
        "and the calibration.\n\nExample: yanglao project scenario.yaml --out results/",
    )
)
def project(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    out: OutOpt = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help=h(
                "打印什么：table（表格）、csv 或 json；xlsx 另在 --out 中写一个 Excel 工作簿"
                "（须给 --out）",
                "what to print: table, csv or json; xlsx also writes a workbook into --out "
                "(which it needs)",
            ),
        ),
    ] = Format.table,
    show: Annotated[
        str | None,
        typer.Option(
            "--show-years",
            help=h(
                "表格显示哪些年份：以逗号分隔（如 2022,2025,2030），或 all（全部）；"
                "默认为基期、其后逐年若干年，再每五年一列，以及末年",
                "the years the table shows: comma-separated (e.g. 2022,2025,2030) or all; "
                "default: the base year and the years after it, then every fifth year and the last",
            ),
        ),
    ] = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """从基期起逐年预测两项基金。示例：yanglao project 情景.yaml --out 结果/"""
    from model.scenario.load import load_scenario
    from model.scenario.region import is_region_file

    if is_region_file(scenario):
        # a region: its counties, totals, pool and ranking (the region command's output)
        if fmt is not Format.table:
            fail(
                YanglaoError(
                    f"{scenario}: a region is printed as tables; its CSV files and "
                    "workbook are written with --out"
                ),
                debug,
            )
        region(scenario, years=years, out=out, lang=lang, force=force, debug=debug)
        return
    try:
        from model.output.io import check_format_output

        check_format_output(fmt.value, out, lang=lang.value)  # a workbook needs --out
        _shown_years(show)  # a bad --show-years fails before the run
        sc = load_scenario(scenario)
        check_out(out, force)
        # The engine is imported only once the scenario is known to be valid.
        from model.engine.project import project as run_projection
        from model.output.io import write_projection
        from model.output.report import (
            format_calibration,
            format_headline,
            format_table,
            projection_csv_text,
            projection_json_text,
        )

        result = run_projection(sc, years=years)
        if out is not None:
            written = write_projection(
                result, out, xlsx=fmt is Format.xlsx, json=fmt is Format.json, force=force
            )
        if fmt is Format.csv:
            sys.stdout.write(projection_csv_text(result))
        elif fmt is Format.json:
            sys.stdout.write(projection_json_text(result))
        else:
            typer.echo(format_table(result, lang=lang.value, years_shown=_shown_years(show)))
            typer.echo(format_headline(result, lang=lang.value))
            typer.echo(format_calibration(result, lang=lang.value))
        if out is not None:
            typer.echo(wrote(written, lang), err=True)
    except YanglaoError as err:
        fail(err, debug)


@app.command(
    help=h(
        "几个情景的主要指标并列比较，并给出与第一个情景之差。\n\n"
        "示例：yanglao compare 情景.yaml 变体/*.yaml --at 2030,2040",
        "Headline metrics of several scenarios side by side, with differences from the "
        "first.\n\nExample: yanglao compare scenario.yaml variants/*.yaml --at 2030,2040",
    )
)
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help=h("情景文件；第一个为参照", "scenario files; the first is the reference"),
            show_default=False,
        ),
    ],
    years: YearsOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help=h(
                "显示滚存结余、抚养比和成本率的年份，以逗号分隔（如 2030,2040；"
                "默认：基期后第 5、10、20 年）",
                "comma-separated years for reserves, ratios and cost rates "
                "(e.g. 2030,2040; default: 5, 10 and 20 years after the base year)",
            ),
        ),
    ] = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """几个情景并列比较。示例：yanglao compare 情景.yaml 变体/*.yaml"""
    from model.scenario.region import is_region_file

    regions = [p for p in scenarios if is_region_file(p)]
    if regions:
        if len(regions) != len(scenarios):
            fail(
                YanglaoError(
                    f"{regions[0]}: a region among scenarios; expected regions only (their "
                    "totals side by side) or scenarios only"
                ),
                debug,
            )
        run_region(
            scenarios,
            "model.analysis.region_compare:compare_regions",
            "model.output.region_comparison_tables:format_region_comparison",
            "model.output.region_comparison_tables:write_region_comparison",
            out=out,
            lang=lang,
            force=force,
            debug=debug,
            options={"years": years, "at_years": _parse_years(at)},
        )
        return
    run_report(
        scenarios,
        "model.analysis.compare:compare",
        "model.output.comparison_tables:format_comparison",
        "model.output.io:write_comparison",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {"years": years, "at_years": _parse_years(at)},
        progress=True,
    )


class Intervals(StrEnum):
    budget = "budget"
    simulation = "simulation"


@app.command(
    help=h(
        "下一年度的预算数（分级次）、区间、落入绩效区间的概率和绩效目标。\n\n"
        "示例：yanglao budget 情景.yaml --year 2022 --out 预算/",
        "Next year's budget lines by level of government, intervals, band probabilities "
        "and performance targets.\n\nExample: yanglao budget scenario.yaml --year 2022 "
        "--out budget/",
    )
)
def budget(
    scenario: ScenarioArg,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help=h(
                "预算年度（默认：基期次年）", "budget year (default: the year after the base year)"
            ),
        ),
    ] = None,
    paths: Annotated[
        int,
        typer.Option(
            "--paths",
            min=100,
            max=100_000,
            help=h("区间所用的模拟次数（100–100000）", "simulated outturns for the intervals"),
        ),
    ] = 2000,
    seed: SeedOpt = 0,
    intervals: Annotated[
        Intervals,
        typer.Option(
            "--intervals",
            help=h(
                "budget：驱动因素、人数、欠拨和回测误差（见 docs/budget.md）；"
                "simulation：yanglao simulate 的蒙特卡洛模拟",
                "budget: drivers, counts, arrears and back-test error (see docs/budget.md); "
                "simulation: the Monte Carlo of yanglao simulate",
            ),
        ),
    ] = Intervals.budget,
    memory: MemoryOpt = 2048,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """下一年度预算。示例：yanglao budget 情景.yaml --out 预算/"""
    # --memory, --workers and --scheduler serve the simulation: a region's, or a scenario's
    # with --intervals simulation (the budget intervals are one batched engine call)
    from model.scenario.region import is_region_file

    if is_region_file(scenario):
        run_region(
            scenario,
            "model.analysis.region_budget:make_region_budget",
            "model.output.region_simulation_tables:format_region_budget",
            "model.output.region_simulation_tables:write_region_budget",
            out=out,
            lang=lang,
            force=force,
            debug=debug,
            options={
                "year": year,
                "paths": paths,
                "seed": seed,
                "memory_mib": memory,
                "workers": workers,
                "scheduler": scheduler,
            },
        )
        return
    run_report(
        scenario,
        "model.analysis.budget:make_budget",
        "model.output.budget_tables:format_budget",
        "model.output.io:write_budget",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {
            "year": year,
            "paths": paths,
            "seed": seed,
            "intervals": Intervals(intervals).value,
            "memory_mib": memory,
            "workers": workers,
            "scheduler": scheduler,
        },
        progress=True,
    )


@app.command(
    help=h(
        "蒙特卡洛模拟：滚存结余、补贴需求和人数的模拟区间（以情景的假设为条件），"
        "以及基金耗尽的概率。\n\n"
        "示例：yanglao simulate 情景.yaml --paths 10000 --out 模拟/",
        "Monte Carlo: simulated ranges (conditional on the scenario's assumptions) of "
        "reserve, subsidy need and heads; depletion probabilities.\n\n"
        "Example: yanglao simulate scenario.yaml --paths 10000 --out simulation/",
    )
)
def simulate(
    scenario: ScenarioArg,
    paths: Annotated[
        int,
        typer.Option(
            "--paths",
            min=1,
            max=100_000,
            help=h("模拟路径数（1–100000）", "number of simulated paths"),
        ),
    ] = 1000,
    seed: SeedOpt = 0,
    years: YearsOpt = None,
    parameter_uncertainty: Annotated[
        bool,
        typer.Option(
            "--parameter-uncertainty",
            help=h(
                "每条路径的 VAR 系数和死亡率趋势从其估计协方差中抽取（发散的抽样重抽）",
                "draw each path's VAR coefficients and mortality drift from their "
                "estimated covariance (explosive draws are redrawn)",
            ),
        ),
    ] = False,
    memory: MemoryOpt = 2048,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """蒙特卡洛模拟。示例：yanglao simulate 情景.yaml --paths 10000"""
    from model.scenario.region import is_region_file

    options = {
        "paths": paths,
        "seed": seed,
        "years": years,
        "parameter_uncertainty": parameter_uncertainty,
        "memory_mib": memory,
        "workers": workers,
        "scheduler": scheduler,
    }
    if is_region_file(scenario):
        run_region(
            scenario,
            "model.analysis.region_simulate:simulate_region",
            "model.output.region_simulation_tables:format_region_simulation",
            "model.output.region_simulation_tables:write_region_simulation",
            out=out,
            lang=lang,
            force=force,
            debug=debug,
            options=options,
        )
        return
    run_report(
        scenario,
        "model.analysis.simulate:simulate",
        "model.output.simulation_tables:format_simulation",
        "model.output.io:write_simulation",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        # the command line keeps the series its output reads
        options=lambda: {**options, "keep": _named("model.analysis.simulate:output_series")()},
        progress=True,
    )


@app.command(
    help=h(
        "依据结算数把情景向前滚动一年到新基期，并重新校准。\n\n"
        "示例：yanglao rebase 情景.yaml 结算-2022.yaml --out 情景-2022.yaml",
        "Roll a scenario forward one year to a new base year from an outturn, "
        "recalibrating.\n\nExample: yanglao rebase scenario.yaml outturn-2022.yaml "
        "--out scenario-2022.yaml",
    )
)
def rebase(
    scenario: ScenarioArg,
    outturn: Annotated[
        Path,
        typer.Argument(
            help=h(
                "基期次年的结算数文件（.yaml）", "outturn .yaml of the year after the base year"
            ),
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help=h(
                "要写的新情景文件（已有文件只有是 yanglao rebase 写的才替换）",
                "the new scenario file to write (an existing "
                "file is replaced only if `yanglao rebase` wrote it)",
            ),
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=h(
                "即使 --out 不是 yanglao 写的也替换",
                "replace --out even if yanglao did not write it",
            ),
        ),
    ] = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """滚动到新基期。示例：yanglao rebase 情景.yaml 结算.yaml --out 新情景.yaml"""
    from model.scenario.load import load_scenario

    try:
        sc = load_scenario(scenario)
        from model.output.scenario_file import write_rebased
        from model.scenario.outturn import load_outturn

        new = write_rebased(
            sc, load_outturn(outturn), out, str(scenario), str(outturn), force=force
        )
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(
        say(
            "rebased",
            lang,
            out=out,
            id=new.meta.id,
            base_year=new.meta.base_year,
            horizon=new.meta.horizon,
        )
    )


@app.command(
    help=h(
        "逐项单因素冲击（按影响大小排序）和盈亏平衡值。\n\n"
        "示例：yanglao sensitivity 情景.yaml --out 敏感性/",
        "One-at-a-time shocks, sorted by effect, and break-even values.\n\n"
        "Example: yanglao sensitivity scenario.yaml --out sensitivity/",
    )
)
def sensitivity(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """敏感性分析。示例：yanglao sensitivity 情景.yaml"""
    run_report(
        scenario,
        "model.analysis.sensitivity:sensitivity",
        "model.output.sensitivity_tables:format_sensitivity",
        "model.output.io:write_sensitivity",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {"years": years},
        progress=True,
    )


@app.command(
    help=h(
        "精算平衡：现值（开放群体）和已积累负债（封闭群体）。\n\n"
        "示例：yanglao valuation 情景.yaml --discount real:0.02",
        "Actuarial balance: present values (open group) and accrued liability (closed "
        "group).\n\nExample: yanglao valuation scenario.yaml --discount real:0.02",
    )
)
def valuation(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    discount: Annotated[
        str,
        typer.Option(
            "--discount",
            help=h(
                "贴现率，三种写法：fund（各基金自己的利率路径）；名义利率，如 0.03；"
                "real:0.02（实际利率加上情景的物价涨幅）",
                "the discount rate, in one of three forms: fund (each fund's own "
                "interest-rate path); a flat nominal rate such as 0.03; or real:0.02, a real "
                "rate plus the scenario's price inflation",
            ),
        ),
    ] = "fund",
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """精算平衡。示例：yanglao valuation 情景.yaml --discount 0.03"""
    run_report(
        scenario,
        "model.analysis.valuation:valuation",
        "model.output.valuation_tables:format_valuation",
        "model.output.io:write_valuation",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {
            "years": years,
            "discount": _named("model.analysis.valuation:parse_discount")(discount),
        },
    )


def _shown_years(text: str | None) -> tuple[int, ...] | None:
    """``--show-years``: None for the default years, all years for ``all``."""
    if text is not None and text.strip().lower() == "all":
        return tuple(range(1900, 2201))
    try:
        return _parse_years(text)
    except YanglaoError:
        raise YanglaoError(
            f"--show-years: expected years separated by commas (e.g. 2022,2025,2030) or all, "
            f"got {text!r}"
        ) from None


def _parse_years(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        years = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        years = ()
    if not years:
        raise YanglaoError(
            f"--at: expected years separated by commas (e.g. 2030,2040), got {text!r}"
        )
    return years


@app.command(
    help=h(
        "只检查情景文件，不运行预测。\n\n示例：yanglao validate 情景.yaml",
        "Check a scenario file without running it.\n\nExample: yanglao validate scenario.yaml",
    )
)
def validate(scenario: ScenarioArg, lang: LangOpt = Lang.zh, debug: DebugOpt = False) -> None:
    """检查情景文件。示例：yanglao validate 情景.yaml"""
    from model.output.labels import FUND_SHORT
    from model.scenario.load import load_scenario

    try:
        sc = load_scenario(scenario)
    except YanglaoError as err:
        fail(err, debug)
    funds = (
        "、".join(FUND_SHORT[f]["zh"] for f in sc.funds) if lang is Lang.zh else ", ".join(sc.funds)
    )
    typer.echo(
        say(
            "valid",
            lang,
            file=scenario,
            funds=funds,
            start=sc.meta.base_year,
            end=sc.meta.horizon,
        )
    )


@app.command(
    help=h(
        "核对基期所列数字之间的每一个勾稽关系；有不一致时退出码为 1。\n\n"
        "示例：yanglao check 情景.yaml",
        "Check every identity among the stated base-year figures; exit 1 if any "
        "disagree.\n\nExample: yanglao check scenario.yaml",
    )
)
def check(scenario: ScenarioArg, lang: LangOpt = Lang.zh, debug: DebugOpt = False) -> None:
    """核对基期数字的勾稽关系。示例：yanglao check 情景.yaml"""
    from model.analysis.consistency import check_base_year
    from model.output.check_report import format_findings
    from model.scenario.load import load_scenario

    try:
        sc = load_scenario(scenario)
        findings = check_base_year(sc)
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(format_findings(findings, lang=lang.value))
    from model.output.check_report import format_estimated
    from model.output.report import estimated_lines

    if estimated := format_estimated(estimated_lines(sc), lang=lang.value):
        typer.echo(estimated)
    if any(not f.agrees for f in findings):
        raise typer.Exit(1)


app.command(
    help=h(
        "评价一个年度的结算数：对预算、对上年、对报告本身，并起草绩效自评报告。\n\n"
        "示例：yanglao evaluate 情景.yaml 结算-2022.yaml --out 评价/",
        "Judge a year's outturn against its budget, the year before and itself; draft the "
        "self-evaluation.\n\nExample: yanglao evaluate scenario.yaml outturn-2022.yaml "
        "--out evaluation/",
    )
)(evaluate)
app.command(
    help=h(
        "把匿名花名册汇总为机关事业单位基金的人员输入（情景片段）。\n\n"
        "示例：yanglao roster 在职.csv --pensioners 退休.csv --base-year 2022 --out 人员.yaml",
        "Summarise an anonymised member roster (花名册) as the civil-service fund's member "
        "inputs (a scenario fragment).\n\nExample: yanglao roster active.csv --pensioners "
        "retired.csv --base-year 2022 --out members.yaml",
    )
)(roster)
app.command(
    help=h(
        "为新地区写一个情景：假设全部取自随附数据并注明来源，只留下本地区的基金数字待填"
        "（写好后列出）；或复制一个随附示例。\n\n"
        "示例：yanglao init --province 35 --base-year 2023 --out 情景.xlsx",
        "Write a new region's scenario: every assumption filled from shipped data with its "
        "source, only the region's own fund figures left to enter (listed when written); or "
        "copy a shipped example.\n\nExample: yanglao init --province 35 --base-year 2023 "
        "--out scenario.xlsx",
    )
)(init)
app.command()(report)
app.command(help=DRIVERS_HELP)(drivers)
app.command()(region)

if __name__ == "__main__":  # pragma: no cover
    app()
