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
    SchedulerOpt,
    WorkersOpt,
    YearsOpt,
    h,
    run_report,
)

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
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
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
    run_region(
        region_file,
        "model.analysis.region:project_region",
        "model.output.region_tables:format_region",
        "model.output.region_tables:write_region",
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        # workers calibrate the counties (in chunks); the figures do not depend on them
        options={"years": years, "workers": workers, "scheduler": scheduler},
    )


def run_region(
    region_file: Path | list[Path],
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
    """A region through an analysis command: load the region and its counties (or, given a
    list, each region), refuse an ``--out`` that cannot be replaced, compute with a progress
    bar, write all or nothing and print; ``analysis``, ``tables`` and ``writer`` name functions
    as in ``cli.common.run_report``. The analysis takes the region and its counties (a list of
    such pairs for a list of files)."""
    run_report(
        region_file,
        analysis,
        tables,
        writer,
        out=out,
        lang=lang,
        force=force,
        debug=debug,
        options=lambda: dict(options),
        progress=True,
        loader="model.scenario.region:load_region",
    )
