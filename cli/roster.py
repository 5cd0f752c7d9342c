"""``yanglao roster ROSTER --base-year YEAR``: a member roster → the scenario's member inputs.

Registered on the app in ``cli/main.py`` with ``app.command()(roster)``. Reads an anonymised roster
(:mod:`model.scenario.roster`), prints a short summary (counts, age bands, mean contribution base
and pension) and writes the YAML fragment to ``--out`` (or prints it). Exit status: 0 when the
roster was summarised; 2 for a roster that cannot be read, holds identifying columns or bad
values, or output that cannot be written (one message on stderr, no traceback; ``--debug``
re-raises). No message or output holds a member's data.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import DebugOpt, fail
from model.errors import YanglaoError


class BasePeriod(StrEnum):
    month = "month"
    year = "year"


RosterArg = Annotated[
    Path,
    typer.Argument(
        help="anonymised roster of the contributors (在职): .csv or .xlsx; a workbook may hold "
        "sheets 在职 and 退休",
        show_default=False,
    ),
]
BaseYearOpt = Annotated[
    int,
    typer.Option(
        "--base-year", min=2000, max=2100, help="the roster is summarised as of 31 December of it"
    ),
]
FragmentOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="YAML fragment to write (an existing file is replaced only if `yanglao roster` "
        "wrote it); without it the fragment is printed",
    ),
]
PensionersOpt = Annotated[
    Path | None,
    typer.Option("--pensioners", help="roster of the pensioners (退休): .csv or .xlsx"),
]
BandOpt = Annotated[int, typer.Option("--band-width", min=1, max=20, help="years per age band")]
RecentOpt = Annotated[
    int,
    typer.Option(
        "--recent-years",
        min=1,
        max=50,
        help="entry ages from the contributors who started service in the last N years",
    ),
]
PeriodOpt = Annotated[
    BasePeriod,
    typer.Option(
        "--base-period",
        help="period of a contribution base whose header does not say it (缴费基数): month or year",
    ),
]
MinBandOpt = Annotated[
    int,
    typer.Option(
        "--min-band",
        min=1,
        help="pool age bands of fewer members in the salary and pension scales (no single "
        "member's amount can be read off)",
    ),
]
DropBadOpt = Annotated[
    bool,
    typer.Option(
        "--drop-bad", help="leave rows with bad values out (counted) instead of refusing the roster"
    ),
]
RosterForceOpt = Annotated[
    bool, typer.Option("--force", help="replace --out even if yanglao did not write it")
]


def roster(
    roster_file: RosterArg,
    base_year: BaseYearOpt,
    out: FragmentOut = None,
    pensioners: PensionersOpt = None,
    band_width: BandOpt = 5,
    recent_years: RecentOpt = 5,
    base_period: PeriodOpt = BasePeriod.month,
    min_band: MinBandOpt = 5,
    drop_bad: DropBadOpt = False,
    force: RosterForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Summarise an anonymised member roster (花名册) as the civil-service fund's member inputs."""
    from model.scenario.roster import read_roster

    period = base_period.value if isinstance(base_period, BasePeriod) else str(base_period)
    try:
        if out is not None:
            from model.output.io import check_output_file
            from model.output.roster_fragment import written_by_roster

            check_output_file(out, None if force else written_by_roster)
        summary = read_roster(
            roster_file,
            base_year,
            pensioners,
            band_width=band_width,
            recent_years=recent_years,
            base_period="year" if period == "year" else "month",
            min_band_members=min_band,
            drop_bad=drop_bad,
        )
        from model.output.roster_fragment import format_summary, fragment_text, write_fragment

        typer.echo(format_summary(summary))
        if out is not None:
            write_fragment(summary, out, force=force)
            typer.echo(f"wrote {out}", err=True)
        else:
            typer.echo("")
            typer.echo(fragment_text(summary), nl=False)
    except YanglaoError as err:
        fail(err, debug)
