"""``yanglao init``: a new region's scenario from its province, or a shipped example.

Registered on the app in ``cli/main.py``. Exit status: 0 written; 2 a bad option (an unknown
province or fund) or a file that cannot be written (one message on stderr, no traceback).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DebugOpt, ForceOpt, fail
from model.errors import YanglaoError


def init(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="the scenario to write: .yaml, or .xlsx for a workbook to fill in; with "
            "--example, the folder to copy the example into",
        ),
    ],
    province: Annotated[
        str | None,
        typer.Option(
            "--province", help="the province: its code (35), or its name (福建, 福建省, Fujian)"
        ),
    ] = None,
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year", min=2000, max=2100, help="the year of the fund figures to enter"
        ),
    ] = None,
    funds: Annotated[
        str,
        typer.Option(
            "--funds",
            help="the funds present: civil_service, residents, or both separated by a comma",
        ),
    ] = "civil_service,residents",
    name_zh: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="the region whose funds these are, in Chinese (e.g. 某某县); default: the "
            "province",
        ),
    ] = None,
    name_en: Annotated[
        str | None,
        typer.Option("--name-en", help="the same in English (it also makes the scenario's id)"),
    ] = None,
    pooling: Annotated[
        str,
        typer.Option(
            "--pooling",
            help="the level at which the funds are pooled: county, prefecture or province",
        ),
    ] = "county",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="yaml, or xlsx for a Chinese workbook (基期数据 / 假设 / 政策); default: from "
            "the suffix of --out",
        ),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option(
            "--example",
            help="copy a shipped example instead: qitai (the founding county, its variants "
            "and outturn) or fujian (a province's civil-service fund from yearbook totals)",
        ),
    ] = None,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Write a new region's scenario: every assumption filled from shipped data with its source,
    only the region's own fund figures left to enter (listed when written)."""
    try:
        if example is not None:
            from model.output.new_scenario import write_example

            written = write_example(example, out, force=force)
            typer.echo(f"wrote {out}: " + ", ".join(str(p.relative_to(out)) for p in written))
            return
        if province is None or base_year is None:
            raise YanglaoError("init: expected --province and --base-year (or --example)")
        suffix = out.suffix.lower().lstrip(".")
        if fmt is not None and fmt not in ("yaml", "xlsx"):
            raise YanglaoError(f"--format: expected yaml or xlsx, got {fmt!r}")
        if fmt is not None and (fmt == "xlsx") != (suffix == "xlsx"):
            want = ".xlsx" if fmt == "xlsx" else ".yaml"
            raise YanglaoError(f"--format {fmt}: expected --out ending in {want}, got {out.name!r}")
        if pooling not in ("county", "prefecture", "province"):
            raise YanglaoError(
                f"--pooling: expected county, prefecture or province, got {pooling!r}"
            )
        from model.output.new_scenario import checklist_text, write_new_scenario
        from model.scenario.regions import find_province
        from model.scenario.template import new_scenario

        chosen = tuple(f.strip() for f in funds.split(",") if f.strip())
        try:
            tree, items = new_scenario(
                find_province(province),
                base_year,
                chosen,
                region_zh=name_zh,
                region_en=name_en,
                pooling=pooling,
            )
        except ValueError as err:
            raise YanglaoError(str(err)) from None
        write_new_scenario(tree, items, out, force=force)
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(f"wrote {out}")
    typer.echo(checklist_text(items))
