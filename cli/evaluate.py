"""``yanglao evaluate SCENARIO OUTTURN``: judge a year's outturn and draft its self-evaluation.

Registered on the app in ``cli/main.py`` with ``app.command()(evaluate)``. Exit status: 0 when
the evaluation ran (the report's disagreements and the flagged completion rates are shown, they
are findings, not failures); 2 for a scenario or outturn file that cannot be read or is invalid,
or output that cannot be written (one message on stderr, no traceback; ``--debug`` re-raises).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    DebugOpt,
    ForceOpt,
    Lang,
    LangOpt,
    OutOpt,
    ScenarioArg,
    call_with_lang,
    check_out,
    fail,
    h,
    wrote,
)
from model.errors import YanglaoError

OutturnArg = Annotated[
    Path,
    typer.Argument(
        help=h(
            "结算数文件（.yaml）：该年度报告所列的数字（见 scenarios/outturns/）",
            "outturn .yaml file: the year's stated figures (scenarios/outturns/)",
        ),
        show_default=False,
    ),
]


def evaluate(
    scenario: ScenarioArg,
    outturn: OutturnArg,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """评价一个年度的结算数并起草绩效自评。示例：yanglao evaluate 情景.yaml 结算.yaml --out 评价/"""
    # Per fund: every line with its budget, completion rate (flagged outside the band), the year
    # before and the growth, then the report's own disagreements; --out DIR writes
    # evaluation.csv, self_evaluation.xlsx and draft.md (all or nothing; an earlier run's folder
    # is replaced whole, one holding other files only with --force).
    from model.scenario.load import load_scenario
    from model.scenario.outturn import load_outturn

    language = Lang(lang)
    try:
        sc = load_scenario(scenario)
        figures = load_outturn(outturn)
        check_out(out, force)
        # the evaluation is imported once both files are known to be valid
        from model.analysis.evaluate import evaluate as run_evaluation
        from model.output.evaluation_report import format_evaluation, write_evaluation

        result = run_evaluation(sc, figures)
        written = (
            call_with_lang(write_evaluation, result, out, force=force, lang=language)
            if out is not None
            else []
        )
        typer.echo(format_evaluation(result, lang=language.value))
        if written:
            typer.echo(wrote(written, language), err=True)
    except YanglaoError as err:
        fail(err, debug)
