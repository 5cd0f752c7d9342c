"""``yanglao region REGION.yaml``: every county of a region projected, its totals, its pooled
fund and the ranking of its counties.

Registered on the app in ``cli/main.py`` with ``app.command()(region)``. Exit status: 0 when the
run is done; 2 for a region or county file that cannot be read or is invalid, a county that
cannot be calibrated, or output that cannot be written (one message on stderr, no traceback;
``--debug`` re-raises).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import (
    DebugOpt,
    ForceOpt,
    Lang,
    LangOpt,
    OutOpt,
    YearsOpt,
    _named,
    check_out,
    fail,
    h,
    progress_shown,
    wrote,
)
from model.errors import YanglaoError

RegionArg = Annotated[
    Path,
    typer.Argument(
        help=h(
            "区域文件（.yaml）：所辖各县的情景文件与各基金的统筹层次（见 docs/region.md）",
            "region .yaml file: its counties' scenario files and each fund's pooling "
            "(docs/region.md)",
        ),
        show_default=False,
    ),
]


def region(
    region_file: RegionArg,
    years: YearsOpt = None,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """预测区域内各县：合计、调剂金与排名。示例：yanglao region 区域.yaml --out 结果/"""
    # Totals by fund and level of government, the adjustment fund of a fund pooled above the
    # county (上解, 下拨, its reserve, the remaining need by level) and the counties ranked by
    # subsidy per contributor; --out DIR writes region_counties.csv, region_totals.csv,
    # region_pool.csv, region_ranking.csv and region.xlsx (all or nothing).
    from model.scenario.region import load_region

    language = Lang(lang)
    try:
        reg, scenarios = load_region(region_file)
        check_out(out, force)
        from model.analysis.region import project_region
        from model.output.region_tables import format_region, write_region

        with progress_shown(language) as progress:
            result = project_region(reg, scenarios, years=years, progress=progress)
        written = (
            write_region(result, out, lang=language.value, force=force) if out is not None else []
        )
        typer.echo(format_region(result, lang=language.value))
        if written:
            typer.echo(wrote(written, language), err=True)
    except YanglaoError as err:
        fail(err, debug)


def run_region(
    region_file: Path,
    analysis: str,
    tables: str,
    writer: str,
    *,
    out: Path | None,
    lang: Lang,
    force: bool,
    debug: bool,
    options: dict[str, Any],
) -> None:
    """A region through an analysis command (budget, simulate): load the region and its counties,
    refuse an ``--out`` that cannot be replaced, compute with a progress bar, write all or
    nothing and print; ``analysis``, ``tables`` and ``writer`` as in ``cli.common.run_report``."""
    from model.scenario.region import load_region

    language = Lang(lang)
    try:
        reg, scenarios = load_region(region_file)
        check_out(out, force)
        with progress_shown(language) as progress:
            result = _named(analysis)(reg, scenarios, progress=progress, **options)
        written = (
            _named(writer)(result, out, lang=language.value, force=force) if out is not None else []
        )
        typer.echo(_named(tables)(result, lang=language.value))
        if written:
            typer.echo(wrote(written, language), err=True)
    except YanglaoError as err:
        fail(err, debug)


def run_regions(
    region_files: list[Path],
    *,
    out: Path | None,
    lang: Lang,
    force: bool,
    debug: bool,
    options: dict[str, Any],
) -> None:
    """``yanglao compare`` given region files: every region loaded and projected, their totals
    side by side (``model.analysis.region_compare``)."""
    from model.scenario.region import load_region

    language = Lang(lang)
    try:
        loaded = [load_region(path) for path in region_files]
        check_out(out, force)
        from model.analysis.region_compare import compare_regions
        from model.output.region_comparison_tables import (
            format_region_comparison,
            write_region_comparison,
        )

        with progress_shown(language) as progress:
            result = compare_regions(loaded, progress=progress, **options)
        written = (
            write_region_comparison(result, out, lang=language.value, force=force)
            if out is not None
            else []
        )
        typer.echo(format_region_comparison(result, lang=language.value))
        if written:
            typer.echo(wrote(written, language), err=True)
    except YanglaoError as err:
        fail(err, debug)
