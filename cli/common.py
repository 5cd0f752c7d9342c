"""Arguments and options shared by the commands, spelled once; the language of the output and
of the help; progress on stderr; the one error exit (fail).

The language of a run is ``--lang``, else the environment variable ``YANGLAO_LANG``, else
``lang`` in the user's config file (``~/.config/yanglao/config.toml``, or under
``$XDG_CONFIG_HOME``), else Chinese. A bad value in the environment or the config file stops
the run with one message (exit status 2). The help is written in the language of the environment
and the config file when the program starts (typer's help is static); a bad value there leaves
it Chinese.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from model.errors import YanglaoError


class Lang(StrEnum):
    zh = "zh"
    en = "en"


#: The environment variable that sets the default language.
LANG_ENV = "YANGLAO_LANG"


def config_path() -> Path:
    """The user's config file: ``$XDG_CONFIG_HOME/yanglao/config.toml``, else
    ``~/.config/yanglao/config.toml`` (on Windows too: ``%USERPROFILE%\\.config\\…``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "yanglao" / "config.toml"


class LangSettingError(Exception):
    """A default language that cannot be used: where it was set and what was wrong."""


def _lang_from(text: object, where: str) -> Lang:
    choices = " or ".join(lang.value for lang in Lang)
    if isinstance(text, str) and text.strip().lower() in Lang.__members__:
        return Lang(text.strip().lower())
    raise LangSettingError(f"{where}: expected {choices}, got {text!r}")


def default_lang() -> Lang:
    """The user's default language: ``YANGLAO_LANG``, else the config file's ``lang``, else zh.

    Raises
    ------
    LangSettingError
        The variable or the config file holds something else than zh or en, or the config file
        cannot be read as TOML.
    """
    env = os.environ.get(LANG_ENV)
    if env is not None and env.strip():
        return _lang_from(env, f"the environment variable {LANG_ENV}")
    path = config_path()
    if not path.is_file():
        return Lang.zh
    import tomllib

    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise LangSettingError(f"{path}: cannot be read ({err.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as err:
        raise LangSettingError(f'{path}: not valid TOML ({err}); expected lang = "en"') from None
    if "lang" not in settings:
        return Lang.zh
    return _lang_from(settings["lang"], f"{path}: lang")


def _startup_lang() -> Lang:
    """The language of the help: the user's default, Chinese when it cannot be read (the run
    itself then reports why)."""
    try:
        return default_lang()
    except LangSettingError:
        return Lang.zh


#: The language the help is written in (read once, when the program starts).
HELP_LANG = _startup_lang()


def h(zh: str, en: str) -> str:
    """A help text in the language of the help."""
    return en if HELP_LANG is Lang.en else zh


def _resolve_lang(ctx: typer.Context, param: typer.CallbackParam, value: Lang | str) -> Lang:
    """``--lang`` as given, else the user's default; a bad default ends the run (exit 2)."""
    source = ctx.get_parameter_source(param.name) if param.name is not None else None
    if source is None or source.name == "DEFAULT":
        try:
            return default_lang()
        except LangSettingError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2) from None
    return Lang(value)


LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        callback=_resolve_lang,
        help=h(
            "输出语言：zh（中文）或 en（英文）；默认取环境变量 YANGLAO_LANG，"
            "或 ~/.config/yanglao/config.toml 中的 lang，否则为 zh",
            "language of the output: zh (Chinese) or en; default: the environment variable "
            "YANGLAO_LANG, else lang in ~/.config/yanglao/config.toml, else zh",
        ),
        show_default=False,
    ),
]

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help=h(
            "情景文件（.yaml，或 .xlsx 情景工作簿）", "scenario file (.yaml, or an .xlsx workbook)"
        ),
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=h(
            "结果文件夹：不存在则新建；若是 yanglao 以前写的则整个替换；"
            "存有其他文件的文件夹不予替换（见 --force）",
            "folder of results: created, or replaced whole if an earlier yanglao "
            "run wrote it; a folder holding other files is refused (see --force)",
        ),
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help=h(
            "即使 --out 中有非 yanglao 写的文件也整个替换（其中原有文件将被删除）",
            "replace --out even if it holds files yanglao did not write: the "
            "whole folder is replaced and what was in it is deleted",
        ),
    ),
]
DebugOpt = Annotated[
    bool,
    typer.Option(
        "--debug", help=h("出错时显示调用栈（供开发者）", "show tracebacks (for developers)")
    ),
]
MemoryOpt = Annotated[
    int,
    typer.Option(
        "--memory",
        min=64,
        metavar="MIB",
        help=h(
            "内存上限（MiB）：路径分块计算，峰值不超过它；不够时报告需要多少",
            "memory budget in MiB: paths run in blocks so that the peak stays under it; "
            "a run that cannot fit says how much it needs",
        ),
    ),
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help=h(
            "同时计算的进程数（结果与进程数无关）",
            "processes computing at once (the numbers do not depend on it)",
        ),
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS|local",
        help=h(
            "在 Dask 集群上计算：调度器地址，或 local（本机 --workers 个进程）；"
            "需安装 yanglao[cluster]",
            "compute on Dask: a scheduler's address, or local (a cluster of --workers "
            "processes on this machine); needs yanglao[cluster]",
        ),
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        min=0,
        help=h(
            "随机种子（0 或以上）：同一种子得同样结果",
            "random seed (0 or more): the same seed gives the same numbers",
        ),
    ),
]
YearsOpt = Annotated[
    int | None,
    typer.Option(
        "--years",
        min=1,
        max=100,
        help=h("基期之后预测的年数（1–100）", "years to project after the base year (1–100)"),
    ),
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


#: The few sentences the commands themselves print (the tables are written by model.output).
WORDS: dict[str, dict[Lang, str]] = {
    "wrote": {Lang.zh: "已写入：{files}", Lang.en: "wrote {files}"},
    "wrote_into": {Lang.zh: "已写入 {out}：{files}", Lang.en: "wrote {out}: {files}"},
    "valid": {
        Lang.zh: "{file}：有效（{funds}；{start}–{end}年）",
        Lang.en: "{file}: valid ({funds}; {start}–{end})",
    },
    "rebased": {
        Lang.zh: "已写入 {out}：{id}，基期 {base_year} 年，预测至 {horizon} 年",
        Lang.en: "wrote {out}: {id}, base year {base_year}, horizon {horizon}",
    },
    "computing": {Lang.zh: "计算中", Lang.en: "computing"},
    "writing": {Lang.zh: "写入文件中", Lang.en: "writing the files"},
    "list_sep": {Lang.zh: "、", Lang.en: ", "},
}


def say(key: str, lang: Lang, **values: Any) -> str:
    """One of :data:`WORDS` in ``lang``, filled in."""
    return WORDS[key][lang].format(**values)


def wrote(paths: list[Path] | list[str], lang: Lang) -> str:
    """The line on stderr that names the files written."""
    return say("wrote", lang, files=WORDS["list_sep"][lang].join(str(p) for p in paths))


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


#: A callback of long computations: (blocks done, blocks in all).
Progress = Callable[[int, int], None]


@contextmanager
def progress_shown(lang: Lang) -> Iterator[Progress | None]:
    """A progress callback drawing a bar on stderr while the block runs, or None when stderr is
    not a terminal (tests, pipes and files get clean output). The bar appears at the first
    report and is removed at the end."""
    if not _stderr_is_terminal():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(say("computing", lang)),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task: list[Any] = []

    def report(done: int, total: int) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task("", total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield report
    finally:
        if task:
            bar.stop()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def call_with_lang(function: Callable[..., Any], *args: Any, lang: Lang, **kwargs: Any) -> Any:
    """``function(*args, lang=…, **kwargs)``, or without ``lang`` where the function takes none
    (output functions that are still English only)."""
    from inspect import signature

    if "lang" in signature(function).parameters:
        kwargs["lang"] = lang.value
    return function(*args, **kwargs)


@contextmanager
def status_shown(lang: Lang, what: str, show: bool = True) -> Iterator[None]:
    """A spinner with ``what`` in words on stderr while the block runs (a run whose work cannot
    be counted: one projection, writing charts), when stderr is a terminal; nothing otherwise."""
    if not (show and _stderr_is_terminal()):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(say(what, lang)):
        yield


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
    progress: bool = False,
    loader: str | None = None,
) -> None:
    """The shape of every analysis command: load the scenario (or each of a list), refuse an
    ``--out`` that cannot be replaced, compute, write the files (all or nothing) and print.

    ``analysis``, ``tables`` and ``writer`` name functions as ``"module:function"``: they are
    imported only once the scenarios are valid, so a bad file fails before numpy is loaded.
    ``options()`` gives the analysis's keyword arguments; it runs after loading, so an option
    that cannot be read is reported after a scenario that cannot. ``progress``: the analysis
    takes a ``progress`` callback, drawn as a bar on stderr when stderr is a terminal.
    """
    from model.scenario.load import load_scenario

    try:
        load = load_scenario if loader is None else _named(loader)
        loaded = [load(p) for p in scenario] if isinstance(scenario, list) else load(scenario)
        # a loader other than the scenario's gives the analysis's leading arguments (a region
        # and its counties); a list of files gives one argument, the list
        args = (loaded,) if loader is None or isinstance(scenario, list) else tuple(loaded)
        kwargs = options()
        check_out(out, force)
        with progress_shown(lang) as report:
            if progress and report is not None:
                kwargs["progress"] = report
            with status_shown(lang, "computing", show=not (progress and report is not None)):
                result = _named(analysis)(*args, **kwargs)
        with status_shown(lang, "writing", show=out is not None):
            written = (
                _named(writer)(result, out, lang=lang.value, force=force) if out is not None else []
            )
        typer.echo(_named(tables)(result, lang=lang.value))
        if written:
            typer.echo(wrote(written, lang), err=True)
    except YanglaoError as err:
        fail(err, debug)


def _named(name: str) -> Callable[..., Any]:
    """The function ``"module:function"`` names."""
    from importlib import import_module

    module, _, function = name.partition(":")
    return getattr(import_module(module), function)
