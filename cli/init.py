"""``yanglao init``: a new region's scenario from its province, or a shipped example.

Registered on the app in ``cli/main.py``. Exit status: 0 written; 2 a bad option (an unknown
province or fund) or a file that cannot be written (one message on stderr, no traceback).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import DebugOpt, ForceOpt, Lang, LangOpt, call_with_lang, fail, h, say, wrote
from model.errors import YanglaoError


class Pooling(StrEnum):
    county = "county"
    prefecture = "prefecture"
    province = "province"


class ScenarioFormat(StrEnum):
    yaml = "yaml"
    xlsx = "xlsx"


def init(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help=h(
                "要写的情景：.yaml，或 .xlsx（待填的工作簿）；"
                "与 --example 同用时为复制示例的文件夹",
                "the scenario to write: .yaml, or .xlsx for a workbook to fill in; with "
                "--example, the folder to copy the example into",
            ),
        ),
    ],
    province: Annotated[
        str | None,
        typer.Option(
            "--province",
            help=h(
                "省份：代码（如 35）或名称（简称、全称或英文名）",
                "the province: its code (e.g. 35), or its name (short, full or in English)",
            ),
        ),
    ] = None,
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year",
            min=2000,
            max=2100,
            help=h("要填入的基金数字所属年度", "the year of the fund figures to enter"),
        ),
    ] = None,
    funds: Annotated[
        str,
        typer.Option(
            "--funds",
            help=h(
                "有哪些基金：civil_service（机关事业单位）、residents（城乡居民），"
                "两者都有时以逗号分隔",
                "the funds present: civil_service, residents, or both separated by a comma",
            ),
        ),
    ] = "civil_service,residents",
    name_zh: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=h(
                "这些基金所属地区的中文名（如 某某县）；默认为省名",
                "the region whose funds these are, in Chinese (e.g. 某某县); default: the province",
            ),
        ),
    ] = None,
    name_en: Annotated[
        str | None,
        typer.Option(
            "--name-en",
            help=h(
                "地区的英文名（也用来生成情景的 id）",
                "the same in English (it also makes the scenario's id)",
            ),
        ),
    ] = None,
    pooling: Annotated[
        Pooling,
        typer.Option(
            "--pooling",
            help=h(
                "基金统筹层次：county（县）、prefecture（地市）或 province（省）",
                "the level at which the funds are pooled: county, prefecture or province",
            ),
        ),
    ] = Pooling.county,
    fmt: Annotated[
        ScenarioFormat | None,
        typer.Option(
            "--format",
            help=h(
                "yaml，或 xlsx（中文工作簿：基期数据 / 假设 / 政策）；默认按 --out 的后缀",
                "yaml, or xlsx for a Chinese workbook (基期数据 / 假设 / 政策); default: from "
                "the suffix of --out",
            ),
        ),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option(
            "--example",
            help=h(
                "改为复制一个随附示例：qitai（首个县级示例，含变体和结算数）或 fujian"
                "（依据统计年鉴总数的省级机关事业单位基金）",
                "copy a shipped example instead: qitai (the founding county, its variants "
                "and outturn) or fujian (a province's civil-service fund from yearbook totals)",
            ),
        ),
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """为新地区写一个情景，或复制随附示例。

    示例：yanglao init --province 35 --base-year 2023 --out 情景.xlsx
    """
    language = Lang(lang)
    try:
        if example is not None:
            from model.output.new_scenario import write_example

            written = write_example(example, out, force=force)
            names = [str(p.relative_to(out)) for p in written]
            typer.echo(say("wrote_into", language, out=out, files=", ".join(names)))
            return
        if province is None or base_year is None:
            raise YanglaoError("init: expected --province and --base-year (or --example)")
        suffix = out.suffix.lower().lstrip(".")
        if fmt is not None and (fmt == "xlsx") != (suffix == "xlsx"):
            want = ".xlsx" if fmt == "xlsx" else ".yaml"
            raise YanglaoError(
                f"--format {fmt.value}: expected --out ending in {want}, got {out.name!r}"
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
                pooling=Pooling(pooling).value,
            )
        except ValueError as err:
            raise YanglaoError(str(err)) from None
        call_with_lang(write_new_scenario, tree, items, out, force=force, lang=language)
    except YanglaoError as err:
        fail(err, debug)
    typer.echo(wrote([out], language))
    typer.echo(checklist_text(items, lang=language.value))
