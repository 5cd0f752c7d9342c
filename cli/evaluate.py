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

from cli.common import DebugOpt, ForceOpt, Lang, LangOpt, OutOpt, ScenarioArg, check_out, fail
from model.errors import YanglaoError

OutturnArg = Annotated[
    Path,
    typer.Argument(help="outturn .yaml file: the year's stated figures (scenarios/outturns/)",
                   show_default=False),
]


def evaluate(
    scenario: ScenarioArg,
    outturn: OutturnArg,
    out: OutOpt = None,
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Judge a year's outturn against its budget and the year before; draft the self-evaluation."""
    # Per fund: every line with its budget, completion rate (flagged outside the band), the year
    # before and the growth, then the report's own disagreements; --out DIR writes
    # evaluation.csv, self_evaluation.xlsx and draft.md (all or nothing; an earlier run's folder
    # is replaced whole, one holding other files only with --force).
    from model.scenario.outturn import load_outturn
    from model.scenario.load import load_scenario

    language = lang.value if isinstance(lang, Lang) else str(lang)
    try:
        sc = load_scenario(scenario)
        figures = load_outturn(outturn)
        check_out(out, force)
        # the evaluation is imported once both files are known to be valid
        from model.analysis.evaluate import evaluate as run_evaluation
        from model.output.evaluation_report import format_evaluation, write_evaluation

        result = run_evaluation(sc, figures)
        written = write_evaluation(result, out, force=force) if out is not None else []
        typer.echo(format_evaluation(result, lang=language))
        if written:
            typer.echo("wrote " + ", ".join(str(p) for p in written), err=True)
    except YanglaoError as err:
        fail(err, debug)
