"""The ``yanglao`` command line: parse options, call one ``model`` function, write, exit.

Exit status: 0 success; 1 a check found disagreements; 2 bad input (a scenario that cannot be
read or is invalid, a bad option) or output that cannot be written. Errors are one readable
message on stderr, never a traceback (``--debug`` re-raises for developers).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from model.errors import YanglaoError

app = typer.Typer(
    name="yanglao",
    help="Yanglao 养老: cohort projections of county pension funds.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)

from cli.common import (  # noqa: E402  (shared options, spelled once)
    DebugOpt,
    ForceOpt,
    Format,
    Lang,
    LangOpt,
    OutOpt,
    ScenarioArg,
    YearsOpt,
    _named,
    check_out,
    fail,
    run_report,
)
from cli.evaluate import evaluate  # noqa: E402
from cli.init import init  # noqa: E402
from cli.roster import roster  # noqa: E402


@app.command()
def project(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    out: OutOpt = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format", help="what to print: table, csv or json; xlsx also writes a workbook"
        ),
    ] = Format.table,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Project both funds year by year from the base year."""
    from model.scenario.load import load_scenario

    try:
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
            typer.echo(format_table(result))
            typer.echo(format_headline(result))
            typer.echo(format_calibration(result))
        if out is not None:
            typer.echo("wrote " + ", ".join(str(p) for p in written), err=True)
    except YanglaoError as err:
        fail(err, debug)


@app.command()
def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="scenario files; the first is the reference")
    ],
    years: YearsOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="comma-separated years for reserves, ratios and cost rates "
            "(default: 5, 10 and 20 years after the base year)",
        ),
    ] = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Headline metrics of several scenarios side by side, with differences from the first."""
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
    )


@app.command()
def budget(
    scenario: ScenarioArg,
    year: Annotated[
        int | None,
        typer.Option("--year", help="budget year (default: the year after the base year)"),
    ] = None,
    paths: Annotated[
        int,
        typer.Option("--paths", min=100, max=100_000, help="simulated outturns for the intervals"),
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="random seed of the simulated outturns (0 or more)")
    ] = 0,
    intervals: Annotated[
        str,
        typer.Option(
            "--intervals",
            help="'budget': drivers, counts, arrears and back-test error (see docs/budget.md); "
            "'simulation': the Monte Carlo of `yanglao simulate`",
        ),
    ] = "budget",
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Next year's budget lines, intervals, band probabilities and performance targets."""
    run_report(
        scenario,
        "model.analysis.budget:make_budget",
        "model.output.budget_tables:format_budget",
        "model.output.io:write_budget",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {"year": year, "paths": paths, "seed": seed, "intervals": intervals},
    )


@app.command()
def simulate(
    scenario: ScenarioArg,
    paths: Annotated[
        int, typer.Option("--paths", min=1, max=100_000, help="number of simulated paths")
    ] = 1000,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, help="random seed (0 or more): the same seed gives the same numbers"
        ),
    ] = 0,
    years: YearsOpt = None,
    parameter_uncertainty: Annotated[
        bool,
        typer.Option(
            "--parameter-uncertainty",
            help="draw each path's VAR coefficients and mortality drift from their "
            "estimated covariance (explosive draws are redrawn)",
        ),
    ] = False,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Monte Carlo: simulated ranges (conditional on the scenario's assumptions) of reserve,
    subsidy need and heads; depletion probabilities."""
    run_report(
        scenario,
        "model.analysis.simulate:simulate",
        "model.output.simulation_tables:format_simulation",
        "model.output.io:write_simulation",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: {
            "paths": paths,
            "seed": seed,
            "years": years,
            "parameter_uncertainty": parameter_uncertainty,
        },
    )


@app.command()
def rebase(
    scenario: ScenarioArg,
    outturn: Annotated[Path, typer.Argument(help="outturn .yaml of the year after the base year")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="the new scenario file to write (an existing "
            "file is replaced only if `yanglao rebase` wrote it)",
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="replace --out even if yanglao did not write it")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Roll a scenario forward one year to a new base year from an outturn, recalibrating."""
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
        f"wrote {out}: {new.meta.id}, base year {new.meta.base_year}, horizon {new.meta.horizon}"
    )


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """One-at-a-time shocks, sorted by effect, and break-even values."""
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
    )


@app.command()
def valuation(
    scenario: ScenarioArg,
    years: YearsOpt = None,
    discount: Annotated[
        str,
        typer.Option(
            "--discount",
            help="'fund': each fund's own interest-rate path; a flat nominal rate such as "
            "0.03; or 'real:0.02', a real rate plus the scenario's price inflation",
        ),
    ] = "fund",
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Actuarial balance: present values (open group) and accrued liability (closed group)."""
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


@app.command()
def validate(scenario: ScenarioArg, debug: DebugOpt = False) -> None:
    """Check a scenario file without running it."""
    from model.scenario.load import load_scenario

    try:
        sc = load_scenario(scenario)
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(f"{scenario}: valid ({', '.join(sc.funds)}; {sc.meta.base_year}–{sc.meta.horizon})")


@app.command()
def check(scenario: ScenarioArg, debug: DebugOpt = False) -> None:
    """Check every identity among the stated base-year figures; exit 1 if any disagree."""
    from model.analysis.consistency import check_base_year
    from model.output.check_report import format_findings
    from model.scenario.load import load_scenario

    try:
        sc = load_scenario(scenario)
        findings = check_base_year(sc)
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(format_findings(findings))
    from model.output.check_report import format_estimated
    from model.output.report import estimated_lines

    if estimated := format_estimated(estimated_lines(sc)):
        typer.echo(estimated)
    if any(not f.agrees for f in findings):
        raise typer.Exit(1)


app.command()(evaluate)
app.command()(roster)
app.command()(init)

if __name__ == "__main__":  # pragma: no cover
    app()
