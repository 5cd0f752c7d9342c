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

from cli.common import DebugOpt, Lang, LangOpt, call_with_lang, fail, h, wrote
from model.errors import YanglaoError


class BasePeriod(StrEnum):
    month = "month"
    year = "year"


RosterArg = Annotated[
    Path,
    typer.Argument(
        help=h(
            "在职人员的匿名花名册：.csv 或 .xlsx；工作簿可含“在职”和“退休”两个工作表",
            "anonymised roster of the contributors (在职): .csv or .xlsx; a workbook may hold "
            "sheets 在职 and 退休",
        ),
        show_default=False,
    ),
]
BaseYearOpt = Annotated[
    int,
    typer.Option(
        "--base-year",
        min=2000,
        max=2100,
        help=h("花名册按该年 12 月 31 日汇总", "the roster is summarised as of 31 December of it"),
    ),
]
FragmentOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=h(
            "要写的 YAML 片段（已有文件只有是 yanglao roster 写的才替换）；不给则打印片段",
            "YAML fragment to write (an existing file is replaced only if `yanglao roster` "
            "wrote it); without it the fragment is printed",
        ),
    ),
]
PensionersOpt = Annotated[
    Path | None,
    typer.Option(
        "--pensioners",
        help=h("退休人员的花名册：.csv 或 .xlsx", "roster of the pensioners (退休): .csv or .xlsx"),
    ),
]
BandOpt = Annotated[
    int,
    typer.Option("--band-width", min=1, max=20, help=h("每个年龄组的岁数", "years per age band")),
]
RecentOpt = Annotated[
    int,
    typer.Option(
        "--recent-years",
        min=1,
        max=50,
        help=h(
            "新进人员年龄取自最近 N 年参加工作的在职人员",
            "entry ages from the contributors who started service in the last N years",
        ),
    ),
]
PeriodOpt = Annotated[
    BasePeriod,
    typer.Option(
        "--base-period",
        help=h(
            "表头未注明期间的缴费基数按月（month）还是按年（year）",
            "period of a contribution base whose header does not say it (缴费基数): month or year",
        ),
    ),
]
MinBandOpt = Annotated[
    int,
    typer.Option(
        "--min-band",
        min=1,
        help=h(
            "工资和养老金曲线中人数少于此数的年龄组与相邻组合并（读不出任何个人的金额）",
            "pool age bands of fewer members in the salary and pension scales (no single "
            "member's amount can be read off)",
        ),
    ),
]
DropBadOpt = Annotated[
    bool,
    typer.Option(
        "--drop-bad",
        help=h(
            "剔除含错误值的行（计数）而不是拒绝整个花名册",
            "leave rows with bad values out (counted) instead of refusing the roster",
        ),
    ),
]
RosterForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=h(
            "即使 --out 不是 yanglao 写的也替换", "replace --out even if yanglao did not write it"
        ),
    ),
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
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """把匿名花名册汇总为机关事业单位基金的人员输入。

    示例：yanglao roster 在职.csv --pensioners 退休.csv --base-year 2022 --out 人员.yaml
    """
    from model.scenario.roster import read_roster

    language = Lang(lang)
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

        typer.echo(call_with_lang(format_summary, summary, lang=language))
        if out is not None:
            call_with_lang(write_fragment, summary, out, force=force, lang=language)
            typer.echo(wrote([out], language), err=True)
        else:
            typer.echo("")
            typer.echo(call_with_lang(fragment_text, summary, lang=language), nl=False)
    except YanglaoError as err:
        fail(err, debug)
