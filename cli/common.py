"""Arguments and options shared by the commands, spelled once (and the one error exit)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from model.errors import YanglaoError

ScenarioArg = Annotated[Path, typer.Argument(help="scenario .yaml file", show_default=False)]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="folder of results: created, or replaced whole if an earlier yanglao "
        "run wrote it; a folder holding other files is refused (see --force)",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="replace --out even if it holds files yanglao did not write: the "
        "whole folder is replaced and what was in it is deleted",
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="show tracebacks (for developers)")]


class Lang(StrEnum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[
    Lang, typer.Option("--lang", help="labels of tables and charts: zh (中文) or en")
]
YearsOpt = Annotated[
    int | None,
    typer.Option("--years", min=1, max=100, help="years to project after the base year (1–100)"),
]


class Format(StrEnum):
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


def run_report(
    scenario: Path | list[Path],
    analysis: str,
    tables: str,
    writer: str,
    *,
    out: Path | None,
    lang: Lang,
    force: bool,
    debug: bool,
    options: Callable[[], dict[str, Any]] = dict,
) -> None:
    """The shape of every analysis command: load the scenario (or each of a list), refuse an
    ``--out`` that cannot be replaced, compute, write the files (all or nothing) and print.

    ``analysis``, ``tables`` and ``writer`` name functions as ``"module:function"``: they are
    imported only once the scenarios are valid, so a bad file fails before numpy is loaded.
    ``options()`` gives the analysis's keyword arguments; it runs after loading, so an option
    that cannot be read is reported after a scenario that cannot.
    """
    from model.scenario.load import load_scenario

    try:
        loaded = (
            [load_scenario(p) for p in scenario]
            if isinstance(scenario, list)
            else load_scenario(scenario)
        )
        kwargs = options()
        check_out(out, force)
        result = _named(analysis)(loaded, **kwargs)
        written = (
            _named(writer)(result, out, lang=lang.value, force=force) if out is not None else []
        )
        typer.echo(_named(tables)(result, lang=lang.value))
        if written:
            typer.echo("wrote " + ", ".join(str(p) for p in written), err=True)
    except YanglaoError as err:
        fail(err, debug)


def _named(name: str) -> Callable[..., Any]:
    """The function ``"module:function"`` names."""
    from importlib import import_module

    module, _, function = name.partition(":")
    return getattr(import_module(module), function)
