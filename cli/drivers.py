"""``yanglao drivers [--refit]``: the stored fit of the driver models, checked or refitted.

Registered on the app in ``cli/main.py`` with ``app.command()(drivers)``. The driver models of
``model/analysis/drivers.py`` (the VAR of wage growth, inflation and the deposit rate; the
mortality random walk) are stored in ``model/data/fitted_drivers.json`` with the history rows and
settings they were fitted on, so that a simulation reads them instead of fitting them again.

Without ``--refit`` the command says whether the stored fit is that of the shipped history and
settings, and prints its tables; exit status 1 when it is not (a simulation would refit, with a
warning). With ``--refit`` it fits both models now, says how far the new fit is from the stored
one, writes the file and prints the tables. Exit status 2 for a history that cannot be fitted or
a file that cannot be written (one message on stderr; ``--debug`` re-raises).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DebugOpt, Lang, LangOpt, fail, h, wrote
from model.errors import YanglaoError

RefitOpt = Annotated[
    bool,
    typer.Option(
        "--refit",
        help=h(
            "用随附的历史数据重新拟合（statsmodels），并写入 model/data/fitted_drivers.json",
            "fit again on the shipped history (statsmodels) and write "
            "model/data/fitted_drivers.json",
        ),
    ),
]


def _w(zh: str, en: str, lang: Lang) -> str:
    return en if lang is Lang.en else zh


#: The command's help (``app.command(help=DRIVERS_HELP)(drivers)`` in ``cli/main.py``).
DRIVERS_HELP = h(
    "驱动因素模型（工资增长、物价、利率的 VAR 与死亡率改善趋势）：检查保存的拟合结果是否与随附的"
    "历史数据一致，或用 --refit 重新拟合并保存。\n\n示例：yanglao drivers --refit",
    "The driver models (the VAR of wage growth, inflation and interest; the mortality trend): "
    "check that the stored fit is that of the shipped history, or refit and store it with "
    "--refit.\n\nExample: yanglao drivers --refit",
)


def drivers(refit: RefitOpt = False, lang: LangOpt = Lang.zh, debug: DebugOpt = False) -> None:
    """驱动因素模型：检查或重新拟合保存的拟合结果。示例：yanglao drivers --refit"""
    from model.analysis import drivers as fits
    from model.output.driver_tables import format_economic_fit, format_mortality_fit

    language = Lang(lang)
    try:
        history = fits.load_history()
        current = fits.history_record(history)
        try:
            record = fits.read_stored_fit()
            problem = fits.stored_fit_problem(record, current)
            stored = fits.fits_from_record(record) if record is not None else None
        except YanglaoError as err:
            record, problem, stored = None, str(err), None
        if refit:
            economic, mortality = fits.fit_drivers(history)
            new = fits.fit_record(economic, mortality, history)
            from model.output.io import write_file

            path = fits.stored_fit_path()
            text = fits.stored_fit_text(new)

            def write(tmp: Path) -> None:
                tmp.write_text(text, encoding="utf-8")

            write_file(path, write)
        elif stored is not None:
            economic, mortality = stored
    except YanglaoError as err:
        fail(err, debug)

    digest = current["digest"][:12]
    if refit:
        if stored is None:
            change = _w("此前没有可读的保存结果", "there was no readable stored fit", language)
        else:
            largest = max(fits.fit_differences(stored, (economic, mortality)).values())
            change = _w(
                f"与此前保存的结果最大相差 {largest:.3g}",
                f"largest change from the stored fit: {largest:.3g}",
                language,
            )
        typer.echo(
            _w(
                f"已重新拟合（历史与设置摘要 {digest}）；{change}",
                f"refitted (history and settings digest {digest}); {change}",
                language,
            )
        )
        typer.echo(wrote([path], language), err=True)
    elif problem is None:
        typer.echo(
            _w(
                f"保存的拟合结果与随附历史一致（摘要 {digest}）",
                f"the stored fit is that of the shipped history (digest {digest})",
                language,
            )
        )
    else:
        typer.echo(
            _w(
                f"保存的拟合结果已过期：{problem}；模拟时将重新拟合。"
                "运行 yanglao drivers --refit 以保存新的结果",
                f"the stored fit is out of step: {problem}; simulations refit it. "
                "Run yanglao drivers --refit to store a new fit",
                language,
            )
        )
        raise typer.Exit(1)
    typer.echo("")
    typer.echo(format_economic_fit(economic))
    typer.echo("")
    typer.echo(format_mortality_fit(mortality))
