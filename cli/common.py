"""Arguments and options shared by the commands, spelled once (and the one error exit)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from model.errors import YanglaoError

ScenarioArg = Annotated[Path, typer.Argument(help="scenario .yaml file", show_default=False)]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="folder of results: created, or replaced whole if an earlier yanglao "
                 "run wrote it; a folder holding other files is refused (see --force)"),
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="replace --out even if it holds files yanglao did not write: the "
                 "whole folder is replaced and what was in it is deleted"),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="show tracebacks (for developers)")]


class Lang(str, Enum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[Lang, typer.Option("--lang", help="labels of tables and charts: zh (中文) or en")]
YearsOpt = Annotated[
    int | None,
    typer.Option("--years", min=1, max=100, help="years to project after the base year (1–100)"),
]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def check_out(out: Path | None, force: bool) -> None:
    """Refuse an ``--out`` folder that the run could not replace, before computing anything."""
    if out is not None:
        from model.output.io import check_output_folder

        check_output_folder(out, force)


def fail(err: YanglaoError, debug: bool, code: int = 2) -> None:
    if debug:
        raise err
    typer.echo(f"error: {err}" if "\n" not in str(err) else f"error:\n{err}", err=True)
    raise typer.Exit(code)


