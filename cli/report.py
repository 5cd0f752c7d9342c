"""``yanglao report SCENARIO --out DIR``: the one-page report of a scenario, as HTML (and PDF).

Registered on the app in ``cli/main.py`` with ``app.command()(report)``. Writes ``report.html``
(self-contained: charts inside, no script, nothing loaded from the network) and, where a
Chromium-family browser is on ``PATH``, ``report.pdf`` printed from it, as the folder ``--out``
(all or nothing). Exit status: 0 when the page was written; 2 for a scenario that cannot be read
or is invalid, or output that cannot be written (one message on stderr, no traceback;
``--debug`` re-raises).
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
    ScenarioArg,
    SeedOpt,
    check_out,
    fail,
    h,
    status_shown,
    wrote,
)
from model.errors import YanglaoError

ReportOutOpt = Annotated[
    Path,
    typer.Option(
        "--out",
        help=h(
            "报告文件夹：写入 report.html（及 report.pdf）；"
            "新建，或整个替换 yanglao 以前写的文件夹",
            "folder of the report: report.html (and report.pdf); created, or replaced whole if "
            "an earlier yanglao run wrote it",
        ),
        show_default=False,
    ),
]
PathsOpt = Annotated[
    int,
    typer.Option(
        "--paths",
        min=100,
        max=100_000,
        help=h("模拟路径数（扇形图和预算区间）", "simulated paths (fan charts and budget ranges)"),
    ),
]

#: What the command says beside the files it wrote.
NO_PDF = {
    Lang.zh: "未找到可打印 PDF 的浏览器（chromium、google-chrome 或 msedge），只写了 report.html；"
    "可用浏览器打开后打印",
    Lang.en: "no browser that prints PDF was found (chromium, google-chrome or msedge): only "
    "report.html was written; open it in a browser to print it",
}


def report(
    scenario: ScenarioArg,
    out: ReportOutOpt,
    lang: LangOpt = Lang.zh,
    paths: PathsOpt = 1000,
    seed: SeedOpt = 0,
    force: ForceOpt = False,
    debug: DebugOpt = False,
) -> None:
    """写出一页报告（HTML，可打印为 A4）。示例：yanglao report 情景.yaml --out 报告/"""
    # The page: the headline per fund, next year's budget by level of government, the
    # performance targets, the subsidy paths and fan charts, the tornado and the assumptions that
    # matter most (docs/report.md).
    from model.scenario.load import load_scenario

    language = Lang(lang)
    try:
        sc = load_scenario(scenario)
        check_out(out, force)
        # the analyses are imported once the scenario is known to be valid
        from model.output.page_report import write_page

        with status_shown(language, "computing"):
            written = write_page(sc, out, lang=language.value, paths=paths, seed=seed, force=force)
        typer.echo(wrote(written, language), err=True)
        if not any(p.name == "report.pdf" for p in written):
            typer.echo(NO_PDF[language], err=True)
    except YanglaoError as err:
        fail(err, debug)
