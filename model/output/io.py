"""Writing results: a run's files replace its output folder whole, or nothing changes.

This is the one place that writes output (every command, the charts and ``rebase`` come here).

A folder (``--out DIR``): every file of the run is written into a fresh temporary folder beside
``DIR`` (``.DIR.xxxxxxxx``), with a manifest :data:`MANIFEST` listing the run's files. Only when
all are written is the folder swapped in: renamed to ``DIR`` if there is none; otherwise the
earlier ``DIR`` is renamed aside, the new one renamed into its place and the earlier one removed.
So ``DIR`` is always either the earlier folder exactly as it was or the new run whole, and files
of an earlier run never stay beside new ones.

What may be replaced: a ``DIR`` that does not exist, is empty, or holds only the files its own
manifest lists (a folder this tool wrote). A non-empty folder with anything else in it is refused
(:class:`~model.errors.OutputError`, naming what is in the way) unless ``force=True``, which
replaces the whole folder, deleting what was in it.

A single file (``rebase --out NEW.yaml``, a chart drawn on its own): written to a temporary file
in the same folder and renamed over the target.

A failed write (any exception) or an interruption (SIGINT, SIGTERM, SIGHUP) removes the
temporary folder or file and leaves the target as it was; the handlers are installed only for
the duration of the write and restored after, and a signal that arrived is then delivered to the
handler that was in place (so a SIGTERM still ends the process, once the temporary files are
gone). The renames that swap a folder in, and the creation of the temporary folder, run with
signals held back, so an interruption cannot fall between them. A SIGKILL or a power cut can
still leave a ``.DIR.*`` folder behind (never a damaged ``DIR``).

Permissions follow the umask: folders ``0o777 & ~umask``, files ``0o666 & ~umask`` (the
temporary folder and file are created private, and are opened up only once complete).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from model.errors import OutputError
from model.engine.results import Projection
from model.output.labels import CSV_COLUMNS, FUND_LABELS, HEAD_COLUMNS, level_names
from model.output.report import estimated_lines
from model.output.safe_text import safe_cell
from model.output.workbook_style import (
    FUND_SHEETS,
    UNIT_KINDS,
    About,
    Column,
    RunSettings,
    ScenarioFacts,
    Sheet,
    Table,
    column,
    label_column,
    scenario_facts,
    series_values,
    write_workbook,
)

#: The manifest a run leaves in its folder: which files it wrote (JSON). A folder with one, and
#: nothing beside the files it lists, may be replaced by the next run.
MANIFEST = ".yanglao-run"

#: Signals that end a write early; the write cleans up, then passes them on.
INTERRUPTS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                   if hasattr(signal, name))

Writer = Callable[[Path], None]



# --------------------------------------------------------------------------------------------
# interruption


class _Interrupted(BaseException):
    """Raised inside a write by the signal handler; never leaves this module."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Guard:
    """Signal state of the writes in progress (main thread only; writes may nest)."""

    depth = 0
    holding = 0  # > 0: a signal is recorded, not raised (inside :func:`_held`, or cleaning up)
    pending: list[int] = []


def _on_signal(signum, _frame) -> None:
    first = not _Guard.pending
    _Guard.pending.append(signum)
    if first and not _Guard.holding:
        raise _Interrupted(signum)


@contextmanager
def _held(last: bool = False) -> Iterator[None]:
    """Hold signals back for a few steps that must not be cut in two (created and not yet
    known, renamed aside and not yet replaced); a signal that came meanwhile is raised after,
    unless these were the ``last`` steps of the write (the output is then complete, and the
    signal is passed on once the handlers are restored)."""
    _Guard.holding += 1
    try:
        yield
    finally:
        _Guard.holding -= 1
    if _Guard.pending and not _Guard.holding and _Guard.depth and not last:
        raise _Interrupted(_Guard.pending[0])


def _guarded(work: Callable[[], object], cleanup: Callable[[], None], target: Path):
    """``work()``; if it fails or a signal interrupts it, ``cleanup()`` (not itself interrupted)
    and re-raise. At the outermost write, the handlers are restored and a signal that arrived
    is delivered to the handler in place before (an :class:`OutputError` if that returns)."""
    outer = _Guard.depth == 0 and threading.current_thread() is threading.main_thread()
    saved = {}
    if outer:
        _Guard.pending = []
        for sig in INTERRUPTS:
            old = signal.getsignal(sig)
            if old in (signal.SIG_IGN, None):  # ignored (e.g. nohup) or not set from Python
                continue
            saved[sig] = old
            signal.signal(sig, _on_signal)
    _Guard.depth += 1
    interrupted = None
    try:
        try:
            result = work()
        except BaseException:
            _Guard.holding += 1
            try:
                cleanup()
            finally:
                _Guard.holding -= 1
            raise
    except _Interrupted as signalled:
        if not outer:
            raise
        interrupted = signalled.signum
    finally:
        _Guard.depth -= 1
        if outer:
            for sig, old in saved.items():
                signal.signal(sig, old)
            pending, _Guard.pending = _Guard.pending, []
            if pending:
                signal.raise_signal(pending[0])  # the earlier handler: ends the process, or raises
    if interrupted is not None:
        raise OutputError(f"{target}: interrupted by {signal.Signals(interrupted).name}; "
                          "nothing was changed")
    return result


# --------------------------------------------------------------------------------------------
# permissions and small file-system steps


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)  # pragma: no cover (no /proc)
    os.umask(old)  # pragma: no cover
    return old  # pragma: no cover


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _make_parents(parent: Path, shown: Path) -> list[Path]:
    """Create ``parent`` and its missing ancestors; return those created (deepest last)."""
    missing = []
    p = parent
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    created = []
    try:
        for p in reversed(missing):
            p.mkdir()
            created.append(p)
    except OSError as err:
        _remove_parents(created)
        where = f" ({p} is in the way)" if p.exists() or p.is_symlink() else ""
        raise OutputError(f"{shown}: cannot create the folder {p}{where}: {_reason(err)}") from None
    return created


def _remove_parents(created: list[Path]) -> None:
    for p in reversed(created):
        try:
            p.rmdir()
        except OSError:
            break


def _remove(path: Path) -> None:
    """Remove a file or folder of ours if it is there (never raises)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def _target(path: str | Path) -> tuple[Path, Path]:
    """(where to write, as the user named it): symbolic links are followed, so a link to a
    folder has its target replaced, not the link."""
    shown = Path(path)
    real = Path(os.path.realpath(shown))
    if not real.name:
        raise OutputError(f"{shown}: cannot replace the root of the file system; name a folder in it")
    return real, shown


# --------------------------------------------------------------------------------------------
# folders


def _foreign_entries(out: Path) -> list[str]:
    """Entries of an existing folder ``out`` that no manifest of ours accounts for."""
    entries = sorted(os.listdir(out))
    if not entries:
        return []
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        ours = {MANIFEST, *(str(name) for name in listed)}
    except (OSError, ValueError, KeyError, TypeError):
        ours = set()
    return [e for e in entries if e not in ours]


def check_output_folder(out_dir: str | Path, force: bool = False) -> None:
    """Raise :class:`OutputError` now if a run could not replace ``out_dir`` (see the module's
    rule); called before a long computation, and again by :func:`write_folder`."""
    out, shown = _target(out_dir)
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{shown}: exists and is not a folder; name a folder for --out")
    if force:
        return
    try:
        foreign = _foreign_entries(out)
    except OSError as err:
        raise OutputError(f"{shown}: cannot read the folder: {_reason(err)}") from None
    if foreign:
        names = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(
            f"{shown}: the folder holds files yanglao did not write ({names}); it is left as it "
            "is. Name a new or empty folder, or pass --force to replace the whole folder (what is "
            "in it now is deleted)")


def write_folder(out_dir: str | Path, files: dict[str, Writer], force: bool = False) -> list[Path]:
    """Write ``files`` (name → writer taking the path to write) as the folder ``out_dir``,
    replacing an earlier run's folder whole; all of it or nothing (see the module docstring).

    Raises :class:`OutputError` (naming the path) if the folder may not be replaced or a file
    cannot be written; ``out_dir`` is then as it was and no temporary folder is left.
    """
    out, shown = _target(out_dir)
    if MANIFEST in files:
        raise OutputError(f"{MANIFEST}: a name the output folder keeps for its manifest")
    check_output_folder(out, force)
    parent = out.parent
    umask = _umask()
    state: dict[str, Path] = {}
    created = _make_parents(parent, shown)

    def work() -> list[Path]:
        with _held():
            try:
                state["tmp"] = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
            except OSError as err:
                raise OutputError(f"{shown}: cannot create a temporary folder in {parent}: "
                                  f"{_reason(err)}") from None
        tmp = state["tmp"]
        for name, writer in files.items():
            try:
                writer(tmp / name)
                if name.lower().endswith(".csv"):
                    _add_bom(tmp / name)
            except OSError as err:
                raise OutputError(f"{shown}: cannot write {name}: {_reason(err)}") from None
        try:
            (tmp / MANIFEST).write_text(json.dumps({"written_by": "yanglao", "files": list(files)},
                                                   ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
            for entry in tmp.iterdir():
                if entry.is_file() and not entry.is_symlink():
                    entry.chmod(0o666 & ~umask)
            tmp.chmod(0o777 & ~umask)
        except OSError as err:
            raise OutputError(f"{shown}: cannot write {MANIFEST}: {_reason(err)}") from None
        check_output_folder(out, force)  # again: the folder may have changed meanwhile
        with _held(last=True):
            _swap(tmp, out, shown)
        return [shown / name for name in files]

    def cleanup() -> None:
        if "tmp" in state:
            _remove(state["tmp"])
        _remove_parents(created)

    return _guarded(work, cleanup, shown)


def _swap(tmp: Path, out: Path, shown: Path) -> None:
    """Put the complete folder ``tmp`` in the place of ``out`` (signals held back)."""
    try:
        if not out.exists():
            os.rename(tmp, out)
            return
        old = out.with_name(f".{out.name}.{secrets.token_hex(4)}.old")
        os.rename(out, old)
        try:
            os.rename(tmp, out)
        except OSError:
            os.rename(old, out)  # put the earlier folder back as it was
            raise
    except OSError as err:
        raise OutputError(f"{shown}: cannot put the new folder in place: {_reason(err)}") from None
    _remove(old)


# --------------------------------------------------------------------------------------------
# single files


def written_by(path: str | Path, marker: str, lines: int = 8) -> bool:
    """Whether the file at ``path`` says in a comment among its first ``lines`` lines
    (``# {marker} …``) that a yanglao command wrote it, and so may be replaced by the next run.
    Never opens a FIFO or a device."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = [fh.readline() for _ in range(lines)]
    except OSError:
        return False
    return any(line.startswith(f"# {marker} ") for line in head)


def check_output_file(path: str | Path, may_replace: Callable[[Path], bool] | None = None) -> None:
    """Raise :class:`OutputError` now if :func:`write_file` could not write ``path``."""
    out, shown = _target(path)
    if out.is_dir():
        raise OutputError(f"{shown}: is a folder; expected the path of a file")
    if out.exists() and may_replace is not None and not may_replace(out):
        raise OutputError(f"{shown}: exists and was not written by yanglao; it is left as it is "
                          "(name a new file, or pass --force to replace it)")


def write_file(path: str | Path, writer: Writer,
               may_replace: Callable[[Path], bool] | None = None) -> Path:
    """Write one file at ``path`` through a temporary file in its folder, renamed over it.

    ``may_replace(path)`` decides whether an existing file may be replaced (default: yes); if it
    says no, :class:`OutputError`. A folder at ``path`` is never replaced.
    """
    out, shown = _target(path)
    check_output_file(out, may_replace)
    umask = _umask()
    state: dict[str, Path] = {}
    created = _make_parents(out.parent, shown)

    def work() -> Path:
        with _held():
            try:
                fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
            except OSError as err:
                raise OutputError(f"{shown}: cannot create a temporary file in {out.parent}: "
                                  f"{_reason(err)}") from None
            os.close(fd)
            state["tmp"] = Path(name)
        tmp = state["tmp"]
        try:
            writer(tmp)
            if out.name.lower().endswith(".csv"):
                _add_bom(tmp)
            tmp.chmod(0o666 & ~umask)
            if out.is_dir():
                raise IsADirectoryError(21, "a folder is in the way")
            with _held(last=True):
                os.replace(tmp, out)
        except OSError as err:
            raise OutputError(f"{shown}: cannot write: {_reason(err)}") from None
        return shown

    def cleanup() -> None:
        if "tmp" in state:
            _remove(state["tmp"])
        _remove_parents(created)

    return _guarded(work, cleanup, shown)



# --------------------------------------------------------------------------------------------
# the runs' files

#: Formats of ``--format`` that write a file, so need ``--out``.
FILE_FORMATS = frozenset({"xlsx"})


def check_format_output(fmt: str, out: str | Path | None, lang: str = "zh") -> None:
    """Raise :class:`OutputError` when ``--format fmt`` writes a file and no ``--out`` names the
    folder (a workbook cannot go to a terminal): the command line calls this before computing."""
    if fmt in FILE_FORMATS and out is None:
        raise OutputError(f"--format {fmt} 写出工作簿：请用 --out 指定输出文件夹" if lang == "zh" else
                          f"--format {fmt} writes a workbook: name the folder with --out")


def csv_bytes_writer(text: str) -> Writer:
    """A writer of CSV ``text`` as a file: UTF-8 with a byte-order mark, so that Excel or WPS on
    a Chinese Windows PC opens it by a double-click with its Chinese intact. (CSV written to
    standard output has no mark: it would break a pipe.)"""
    return lambda p: p.write_text(text, encoding="utf-8-sig")


def _add_bom(path: Path) -> None:
    """Put the UTF-8 byte-order mark at the start of the CSV file at ``path`` if it has none."""
    data = path.read_bytes()
    if not data.startswith(BOM):
        path.write_bytes(BOM + data)


#: The UTF-8 byte-order mark every CSV file of a run starts with.
BOM = "\ufeff".encode()


def _run(run: RunSettings | None, command: str, lang: str, facts: Sequence[ScenarioFacts] = (),
         seed: int | None = None, years: tuple[int, int] | None = None) -> RunSettings:
    """The run's settings: as the command line gave them, else described from the result."""
    if run is not None:
        return run
    return RunSettings(command=f"yanglao {command}", paths=tuple(f.file for f in facts if f.file),
                       seed=seed, years=years, lang=lang)


def _years(years: Any) -> tuple[int, int]:
    return int(years[0]), int(years[-1])


def write_projection(result: Projection, out_dir: str | Path, xlsx: bool = False, json: bool = False,
                     force: bool = False, lang: str = "zh", run: RunSettings | None = None) -> list[Path]:
    """``projection.csv`` always; ``projection.xlsx`` (a sheet per fund) and
    ``projection.json`` on request."""
    from model.output.report import projection_csv_text, projection_json_text

    files: dict[str, Callable[[Path], None]] = {
        "projection.csv": csv_bytes_writer(projection_csv_text(result)),
    }
    if json:
        files["projection.json"] = lambda p: p.write_text(projection_json_text(result), encoding="utf-8")
    if xlsx:
        files["projection.xlsx"] = lambda p: write_projection_workbook(result, p, lang=lang, run=run)
    return write_folder(out_dir, files, force=force)


#: The calibrated quantities of :mod:`model.engine.calibrate` in words (a name not here is shown
#: as it is).
CALIBRATION_WORDS: dict[str, dict[str, str]] = {
    "mean_contribution_base_yuan": {"zh": "人均缴费基数", "en": "mean contribution base"},
    "indexed_wage_ratio": {"zh": "本人平均缴费工资指数", "en": "indexed wage ratio"},
    "pensions_in_payment_level": {"zh": "在领养老金水平系数", "en": "level of pensions in payment"},
    "deemed_contribution_index": {"zh": "视同缴费指数", "en": "deemed contribution index"},
    "mean_pension_monthly_yuan": {"zh": "人均月养老金", "en": "mean monthly pension"},
    "reserve_start": {"zh": "年初滚存结余", "en": "reserve at year start"},
    "interest_rate_base_year": {"zh": "基年利率", "en": "interest rate of the base year"},
    "reserve_months_held": {"zh": "基年可支付月数", "en": "months of payouts held"},
    "beneficiaries_share_of_older": {"zh": "领取人数占60岁以上人口比例",
                                     "en": "beneficiaries' share of the older population"},
    "uptake_at_pension_age": {"zh": "达到领取年龄者领取比例", "en": "uptake at pension age"},
    "contributors": {"zh": "缴费人数", "en": "contributors"},
    "contributor_rate": {"zh": "16–59岁人口缴费比例", "en": "contributors' share of ages 16–59"},
    "other_income_ratio": {"zh": "其他收入/保险费收入", "en": "other income ÷ contributions"},
    "funeral_grant_yuan": {"zh": "人均丧葬补助金", "en": "funeral grant per death"},
    "top_up_pension_monthly_yuan": {"zh": "地方加发基础养老金(月)", "en": "local top-up pension (monthly)"},
}


def _unit_kind(unit: str, ratio: str = "ratio") -> str:
    """The kind of a number from its unit; ``ratio`` for ``/1``."""
    return ratio if unit == "/1" else UNIT_KINDS.get(unit, "number")


def write_projection_workbook(result: Projection, path: Path, batch: int = 0, lang: str = "zh",
                              run: RunSettings | None = None) -> None:
    """``projection.xlsx``: the 说明 sheet, a sheet per fund (the columns of projection.csv in
    words, with units), the calibration, and the base-year lines estimated rather than stated."""
    sc = result.scenario
    levels = level_names(sc, lang) if sc is not None else None
    facts = (scenario_facts(sc, lang, horizon=int(result.years[-1])),) if sc is not None else ()
    about = About(facts, _run(run, "project", lang, facts, years=_years(result.years)))
    rows = result.rows(batch)
    columns = [label_column(c, lang, levels) for c in CSV_COLUMNS]
    sheets = [Sheet(FUND_SHEETS[fund][lang], columns, [r for r in rows if r["fund"] == fund],
                    freeze_columns=2) for fund in result.funds]
    names = {k: v[lang] for k, v in CALIBRATION_WORDS.items()}
    calibration = [{"fund": c.fund, "name": c.name, "value": float(c.value), "unit": c.unit,
                    "target": c.target} for c in result.calibration]
    sheets.append(Sheet(_w("校准", "calibration", lang), [
        column("fund", lang),
        Column("name", _w("校准项", "quantity", lang), values=names),
        Column("value", _w("数值", "value", lang), lambda r: _unit_kind(r["unit"], "factor")),
        column("unit", lang),
        Column("target", _w("所复现的基期数据", "reproduces", lang), wrap=True),
    ], calibration))
    estimated = estimated_lines(sc) if sc is not None else []
    if estimated:
        sheets.append(Sheet(_w("估计项", "estimated", lang), [
            column("fund", lang),
            Column("line", _w("项目", "line", lang), values=series_values(lang, levels)),
            Column("value", _w("数值", "value", lang), lambda r: _unit_kind(r["unit"])),
            column("unit", lang),
            Column("rule", _w("估计规则", "rule", lang), wrap=True),
        ], estimated))
    write_workbook(path, sheets, about, lang)


def _w(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _cell(v):
    """A value as a cell: text made safe (:func:`model.output.safe_text.safe_cell`), NaN and ±inf
    blank, numbers as they are."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return safe_cell(v)


def _csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    import csv
    import io

    buffer = io.StringIO()
    cols = columns or (list(rows[0]) if rows else [])
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow([safe_cell(k) for k in cols])
    for r in rows:
        w.writerow(["" if r.get(k) is None else safe_cell(r.get(k)) for k in cols])
    return buffer.getvalue()


def _csv_writer(rows: list[dict], columns: list[str] | None = None) -> Callable[[Path], None]:
    """A CSV file of ``rows`` (UTF-8 with the byte-order mark, :func:`csv_bytes_writer`)."""
    return csv_bytes_writer(_csv_text(rows, columns))


def _workbook_writer(sheets: Sequence[Sheet], about: About, lang: str) -> Callable[[Path], None]:
    return lambda path: write_workbook(path, sheets, about, lang)


def _metric_kind(m: Any) -> str:
    """The number format of a comparison metric: years, shares (cost and contribution rates),
    ratios, money."""
    if m.unit == "年":
        return "year"
    if m.kind in ("cost_rate", "contribution_rate"):
        return "share"
    return "ratio" if m.unit == "/1" else "money"


def write_comparison(c, out_dir: str | Path, lang: str = "zh",
                     force: bool = False, run: RunSettings | None = None) -> list[Path]:
    """compare.csv (long), compare_paths.csv (yearly reserve and subsidy of every scenario),
    compare.xlsx and PNG charts of the reserve and subsidy paths per fund."""
    from model.output.comparison_tables import comparison_long_rows, metric_label, short_names

    long_rows = comparison_long_rows(c, lang)
    paths = []
    res = c.projection
    for fund, d in res.funds.items():
        for b, sid in enumerate(c.ids):
            for t, year in enumerate(res.years):
                paths.append({"fund": fund, "scenario": sid, "year": int(year),
                              "reserve_end": float(d["reserve_end"][b, t]),
                              "subsidy_income": float(d["subsidy_income"][b, t]),
                              "subsidy_need": float(d["subsidy_need"][b, t]),
                              "contributors": float(d["contributors"][b, t]),
                              "beneficiaries": float(d["beneficiaries"][b, t])})
    names = short_names(c, lang)
    sheets = []
    for fund, rows in c.table.items():
        wide = []
        for row in rows:
            m = row["metric"]
            entry = {"label": metric_label(m, lang), "unit": m.unit, "_kind": _metric_kind(m)}
            for i, (v, dv) in enumerate(zip(row["values"], row["differences"], strict=True)):
                entry[f"v{i}"], entry[f"d{i}"] = v, dv
            wide.append(entry)
        by_row = lambda r: r["_kind"]  # noqa: E731
        columns = [Column("label", _w("指标", "metric", lang)), column("unit", lang)]
        columns += [Column(f"v{i}", n, by_row) for i, n in enumerate(names)]
        columns += [Column(f"d{i}", _w(f"{n}与基准之差", f"Δ {n}", lang), by_row)
                    for i, n in enumerate(names) if i > 0]
        sheets.append(Sheet(FUND_SHEETS[fund][lang], columns, wide))
    sheets.append(Sheet(_w("各年路径", "paths", lang),
                        [column(k, lang) for k in ("fund", "scenario", "year", "reserve_end", "subsidy_income",
                                                   "subsidy_need", "contributors", "beneficiaries")],
                        paths, freeze_columns=3))
    sheets.append(Sheet(_w("情景", "scenarios", lang), [column(k, lang) for k in ("scenario", "name", "title")],
                        [{"scenario": sid, "name": n, "title": t}
                         for sid, n, t in zip(c.ids, names, c.titles(lang), strict=True)]))
    facts = tuple(scenario_facts(sc, lang, horizon=int(res.years[-1])) for sc in c.scenarios)
    about = About(facts, _run(run, "compare", lang, facts, years=_years(res.years)))
    files: dict[str, Callable[[Path], None]] = {
        "compare.csv": _csv_writer(long_rows),
        "compare_paths.csv": _csv_writer(paths),
        "compare.xlsx": _workbook_writer(sheets, about, lang),
    }
    from model.output.charts import comparison_charts

    files.update(comparison_charts(c, lang))
    return write_folder(out_dir, files, force=force)


def write_sensitivity(r, out_dir: str | Path, lang: str = "zh",
                      force: bool = False, run: RunSettings | None = None) -> list[Path]:
    """sensitivity.csv, break_even.csv, sensitivity.xlsx and a tornado chart per fund."""
    from model.output.sensitivity_tables import break_even_rows, sensitivity_rows

    rows = sensitivity_rows(r, lang)
    be = break_even_rows(r, lang)
    keys = ["fund", "rank", "label", "step", "subsidy_need_10y_down", "subsidy_need_10y_up",
            "subsidy_paid_10y_down", "subsidy_paid_10y_up", "depletion_year_without_subsidy_down",
            "depletion_year_without_subsidy_up", "baseline_subsidy_need_10y", "baseline_subsidy_paid_10y",
            "baseline_depletion_year_without_subsidy"]
    columns = [column(k, lang) for k in keys]
    columns[2] = Column("label", _w("冲击", "shock", lang))
    be_columns = [column("fund", lang), Column("label", _w("调节参数", "lever", lang)),
                  *(column(k, lang, kind="rate") for k in ("break_even_value", "searched_from", "searched_to")),
                  column("target_subsidy_need_10y", lang)]
    sc = r.baseline
    facts = (scenario_facts(sc, lang),)
    about = About(facts, _run(run, "sensitivity", lang, facts))
    files: dict[str, Callable[[Path], None]] = {
        "sensitivity.csv": _csv_writer(rows),
        "break_even.csv": _csv_writer(be, ["fund", "lever", "label", "break_even_value", "searched_from",
                                          "searched_to", "target_subsidy_need_10y"]),
        "sensitivity.xlsx": _workbook_writer([Sheet(_w("敏感性", "sensitivity", lang), columns, rows, freeze_columns=3),
                                              Sheet(_w("盈亏平衡", "break-even", lang), be_columns, be, freeze_columns=2)],
                                             about, lang),
    }
    from model.output.charts import sensitivity_charts

    files.update(sensitivity_charts(r, lang))
    return write_folder(out_dir, files, force=force)


#: Budget lines counted in heads.
_HEAD_LINES = ("contributors", "beneficiaries")


def write_budget(b, out_dir: str | Path, lang: str = "zh",
                 force: bool = False, run: RunSettings | None = None) -> list[Path]:
    """budget.csv, targets.csv and budget.xlsx (a sheet of lines per fund, one of targets)."""
    from model.output.budget_tables import budget_rows, target_rows

    rows = budget_rows(b, lang)
    targets = target_rows(b)
    by_line = lambda r: "persons" if r["line"] in _HEAD_LINES else "money"  # noqa: E731
    columns = [Column("label", _w("项目", "line", lang)),
               column("budget", lang, kind=by_line),
               column("low_5pct_given_scenario", lang, kind=by_line),
               column("high_95pct_given_scenario", lang, kind=by_line),
               column("band_probability", lang),
               column("best_budget_for_band", lang),
               column("flag", lang)]
    sheets = [Sheet(FUND_SHEETS[fund][lang], columns, [r for r in rows if r["fund"] == fund])
              for fund in dict.fromkeys(r["fund"] for r in rows)]
    # a percentage target is shown as a percentage (stored as a fraction)
    shown_targets = [{**t, "projected": None if t["projected"] is None else
                      t["projected"] / 100 if t["unit"] == "%" else t["projected"]} for t in targets]
    kinds = {"人": "persons", "%": "share", "月": "months"}
    sheets.append(Sheet(_w("绩效目标", "targets", lang), [
        column("fund", lang), column("level1", lang), column("level2", lang),
        Column("indicator_zh", _w("三级指标", "indicator", lang)) if lang == "zh" else
        Column("indicator_en", "indicator"),
        column("unit", lang), column("target", lang),
        column("projected", lang, kind=lambda r: kinds.get(r["unit"], "number")),
        column("note", lang, values=TARGET_NOTES[lang], wrap=True),
    ], shown_targets, freeze_columns=2))
    facts = (scenario_facts(b.scenario, lang),)
    about = About(facts, _run(run, "budget", lang, facts, years=(b.year, b.year)),
                  notes=(_w(f"区间为情景假设下的模拟区间（5%–95%），概率为执行率落在90%–110%的模拟占比（{b.paths}次模拟）",
                            f"ranges are simulated 5%–95% ranges conditional on the scenario's assumptions; "
                            f"probabilities are shares of {b.paths} simulated outturns", lang),))
    return write_folder(out_dir, {
        "budget.csv": _csv_writer(rows),
        "targets.csv": _csv_writer(targets),
        "budget.xlsx": _workbook_writer(sheets, about, lang),
    }, force=force)


#: The notes of the performance targets in words.
TARGET_NOTES = {"zh": {"not modelled: target carried from the base year": "未建模：沿用基期目标"},
                "en": {}}


#: The history series and sexes of the fitted driver models in words.
DRIVER_WORDS: dict[str, dict[str, str]] = {
    "wage_growth": {"zh": "工资增长率", "en": "wage growth"},
    "inflation": {"zh": "物价涨幅", "en": "inflation"},
    "deposit_rate": {"zh": "存款利率", "en": "deposit rate"},
    "e0_male": {"zh": "男", "en": "male"},
    "e0_female": {"zh": "女", "en": "female"},
}


#: The trend of the economic model (:data:`model.analysis.drivers.ECONOMIC_TRENDS`) in Chinese.
TREND_WORDS = {"c": "围绕常数均值", "ct": "围绕线性趋势"}


def _driver_word(name: str, lang: str) -> str:
    return DRIVER_WORDS.get(name, {}).get(lang, name)


def driver_sheets(drivers: dict[str, Any], lang: str) -> list[Sheet]:
    """The fitted driver models as tables of cells: the economic model's parameters, standard
    errors, shock correlations and diagnostics; the mortality model by sex and its quantities."""
    import math

    import numpy as np

    from model.analysis.drivers import ECONOMIC_TRENDS, Z_90
    from model.output.driver_tables import SPREAD_YEARS

    sheets: list[Sheet] = []
    fit = drivers.get("economic")
    if fit is not None:
        names = [_driver_word(n, lang) for n in fit.series]
        first, last = fit.years
        head = [_w("方程(本年)", "equation (this year)", lang), _w("截距", "intercept", lang),
                _w(f"×自{first - 1}年起的年数", f"× years since {first - 1}", lang),
                *(_w(f"×上年{n}", f"× {n} last year", lang) for n in names),
                _w(f"{first}年拟合趋势", f"fitted trend {first}", lang),
                _w(f"{last}年拟合趋势", f"fitted trend {last}", lang),
                _w("样本均值", "sample mean", lang), _w("冲击标准差", "shock sd", lang)]
        sd = fit.residual_sd
        start = fit.trend_at(first)
        rows = [[names[i], fit.intercepts[i], fit.trend_coefficients[i], *fit.coefficients[i],
                 start[i], fit.mean[i], fit.sample_mean[i], sd[i]] for i in range(len(names))]
        sheets.append(Table(_w("经济驱动-参数", "economic fit", lang), head, rows).sheet())
        sheets.append(Table(_w("经济驱动-标准误", "economic s.e.", lang),
                            [_w("标准误", "standard error", lang), *(_w(f"×上年{n}", f"× {n} last year", lang)
                                                                   for n in names)],
                            [[names[i], *fit.coefficient_se[i]] for i in range(len(names))]).sheet())
        correlation = fit.residual_covariance / np.outer(sd, sd)
        sheets.append(Table(_w("经济驱动-冲击相关", "shock correlation", lang),
                            [_w("冲击相关系数", "shock correlation", lang), *names],
                            [[names[i], *correlation[i]] for i in range(len(names))]).sheet())
        d = fit.diagnostics
        level = fit.level_sd(SPREAD_YEARS + 1)[-1, 0]
        diag: list[list[Any]] = [
            [_w("方法", "method", lang), f"{fit.method}, " + (TREND_WORDS.get(fit.trend, fit.trend) if lang == "zh"
                                                               else ECONOMIC_TRENDS[fit.trend])],
            [_w("备用模型原因", "fallback", lang), fit.fallback_reason or _w("无：采用VAR(1)", "none: the VAR(1)", lang)],
            [_w("数据年份", "years of data", lang), f"{first}–{last}"],
            [_w("观测数(年度变动)", "observations (yearly transitions)", lang), d.n_obs],
            [_w("平稳", "stable", lang), _w("是" if d.stable else "否", "yes" if d.stable else "no", lang)],
            [_w("最大特征根模", "largest root modulus", lang), d.largest_root_modulus],
            ["AIC", d.aic],
            *([_w(f"Ljung–Box检验p值({d.ljung_box_lags}阶) {n}", f"Ljung–Box p ({d.ljung_box_lags} lags), {n}",
                  lang), p] for n, p in zip(names, d.ljung_box_pvalues, strict=True)),
            [_w(f"{SPREAD_YEARS}年后工资水平5%分位(相对情景)", f"wage level after {SPREAD_YEARS} years, 5% "
                "(× the scenario's)", lang), math.exp(-Z_90 * level)],
            [_w(f"{SPREAD_YEARS}年后工资水平95%分位(相对情景)", f"wage level after {SPREAD_YEARS} years, 95% "
                "(× the scenario's)", lang), math.exp(Z_90 * level)],
        ]
        sheets.append(Table(_w("经济驱动-诊断", "economic diagnostics", lang),
                            [_w("诊断项", "diagnostic", lang), _w("数值", "value", lang)], diag).sheet())
    mort = drivers.get("mortality")
    if mort is not None:
        head = [_w("性别", "sex", lang), _w("预期寿命年漂移(年/年)", "drift of e0 (years a year)", lang),
                _w("漂移标准误", "its s.e.", lang), _w("噪声标准差(年)", "noise sd (years)", lang),
                _w("生命表预期寿命", "table e0", lang), _w("改善率", "improvement rate", lang),
                _w("每年预期寿命对应改善率", "rate per year of e0", lang), _w("Ljung–Box检验p值", "Ljung–Box p", lang)]
        rows = [[_driver_word(name, lang), mort.drift_e0[s], mort.drift_e0_se[s], mort.sd_e0[s], mort.table_e0[s],
                 mort.rate_by_sex[s], mort.rate_per_e0_year[s], mort.diagnostics.ljung_box_pvalues[s]]
                for s, name in enumerate(mort.series)]
        sheets.append(Table(_w("死亡率-按性别", "mortality by sex", lang), head, rows).sheet())
        d = mort.diagnostics
        quantities: list[list[Any]] = [
            [_w("拟合变动年份", "years of change fitted", lang), f"{mort.years[0]}–{mort.years[1]}"],
            [_w("观测数(年度变动)", "observations (yearly changes)", lang), d.n_obs],
            [_w("男女噪声相关系数", "correlation of male and female noise", lang), mort.correlation],
            [_w("换算所用生命表", "life table of the translation", lang), mort.table],
            [_w("男女平均改善率", "improvement rate, both sexes (mean)", lang), mort.rate_mean],
            [_w("改善率标准误(漂移不确定性)", "its standard error (drift uncertainty)", lang), mort.rate_mean_se],
            [_w("改善率年噪声标准差", "yearly noise sd of the rate", lang), mort.rate_sd],
            [_w("Ljung–Box检验阶数", "Ljung–Box lags", lang), d.ljung_box_lags],
            ["AIC", d.aic],
        ]
        sheets.append(Table(_w("死亡率-诊断", "mortality diagnostics", lang),
                            [_w("项目", "quantity", lang), _w("数值", "value", lang)], quantities).sheet())
    return sheets


def write_simulation(sim, out_dir: str | Path, lang: str = "zh",
                     force: bool = False, run: RunSettings | None = None) -> list[Path]:
    """percentiles.csv, depletion.csv, simulation.xlsx and fan charts of the reserve and the
    subsidy need per fund; every range is a simulated range conditional on the scenario's
    assumptions, and the workbook's 说明 sheet says so."""
    from model.analysis.simulate import PERCENTILES, depletion_rows, percentile_rows

    pct = percentile_rows(sim)
    dep = depletion_rows(sim)
    files: dict[str, Callable[[Path], None]] = {
        "percentiles.csv": _csv_writer(pct),
        "depletion.csv": _csv_writer(dep),
        "simulation.xlsx": lambda p: write_simulation_workbook(sim, p, lang=lang, run=run),
    }
    words = {"reserve_end": ("年末滚存结余", "reserve at year end"),
             "subsidy_need": ("财政补贴需求", "subsidy need"),
             "subsidy_income": ("按规则拨付的财政补贴", "subsidy paid under the rule")}
    for fund in sim.funds:
        for series in ("reserve_end", sim.budget_series(fund)):
            zh, en = words[series]
            title = f"{FUND_LABELS[fund][lang]} {zh if lang == 'zh' else en}"
            files[f"fan_{series}_{fund}.png"] = _chart_fan(
                sim.years, sim.percentiles(fund, series), PERCENTILES, title,
                "万元" if lang == "zh" else "10,000 yuan (万元)", lang,
                sim.deterministic.funds[fund][series][0])
    return write_folder(out_dir, files, force=force)


def write_simulation_workbook(sim, path: Path, lang: str = "zh", run: RunSettings | None = None) -> None:
    """``simulation.xlsx``: the 说明 sheet (what the ranges are conditional on), the percentiles,
    the depletion probabilities, the driver factors and the fitted driver models as tables."""
    from model.analysis.simulate import PERCENTILE_COLUMN, PERCENTILES, depletion_rows, driver_rows, percentile_rows
    from model.output.simulation_tables import simulation_text

    pct = percentile_rows(sim)
    dep = depletion_rows(sim)
    levels = level_names(sim.scenario, lang)
    by_series = lambda r: "persons" if r["series"] in HEAD_COLUMNS else "money"  # noqa: E731
    pct_keys = [PERCENTILE_COLUMN.format(p=p) for p in PERCENTILES]
    sheets = [
        Sheet(_w("分位数", "percentiles", lang),
              [column("fund", lang), Column("series", _w("指标", "series", lang), values=series_values(lang, levels)),
               column("year", lang), *(column(k, lang, kind=by_series) for k in [*pct_keys, "deterministic"])],
              pct, freeze_columns=3),
        Sheet(_w("耗尽概率", "depletion", lang),
              [column(k, lang) for k in ("fund", "year", "p_depleted_under_rule_given_scenario",
                                         "p_depleted_without_subsidy_given_scenario")], dep, freeze_columns=2),
        Sheet(_w("驱动因素", "driver factors", lang),
              [column("factor", lang), column("year", lang), *(column(k, lang, kind="factor") for k in pct_keys)],
              driver_rows(sim), freeze_columns=2),
    ]
    if sim.drivers:
        sheets += driver_sheets(sim.drivers, lang)
    facts = (scenario_facts(sim.scenario, lang, horizon=int(sim.years[-1])),)
    about = About(facts, _run(run, "simulate", lang, facts, seed=sim.seed, years=_years(sim.years)),
                  notes=(simulation_text(sim, lang),))
    write_workbook(path, sheets, about, lang)


def _chart_fan(years, pct, levels, title, ylabel, lang, det) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.output.charts import plot_fan

        plot_fan(years, pct, levels, title, ylabel, path, lang=lang, deterministic=det)

    return write


def write_valuation(v, out_dir: str | Path, lang: str = "zh",
                    force: bool = False, run: RunSettings | None = None) -> list[Path]:
    """valuation.csv (per fund and item), valuation_paths.csv (discount factors, price index,
    closed-group benefits by year) and valuation.xlsx with both."""
    from model.analysis.valuation import valuation_path_rows
    from model.output.valuation_tables import discount_text, valuation_rows

    rows = valuation_rows(v, lang)
    paths = valuation_path_rows(v)
    value_keys = ("sum_nominal", "sum_base_year_prices", "present_value", "share_of_pv_payroll",
                  "share_of_pv_budget_revenue", "multiple_of_base_year_payroll",
                  "multiple_of_base_year_budget_revenue")
    sheets = [
        Sheet(_w("精算平衡", "valuation", lang),
              [column("fund", lang), column("section", lang), Column("label", _w("项目", "item", lang)),
               *(column(k, lang) for k in value_keys)], rows, freeze_columns=3),
        Sheet(_w("各年贴现", "paths", lang), [column(k, lang) for k in (
            "fund", "year", "discount_rate", "discount_factor", "price_index", "closed_group_discount_factor",
            "closed_group_pensioners_benefits")], paths, freeze_columns=2),
    ]
    facts = (ScenarioFacts(id=v.scenario_id, region="", base_year=v.base_year, horizon=v.last_year),)
    about = About(facts, _run(run, "valuation", lang, facts, years=(v.base_year + 1, v.last_year)),
                  notes=(_w(f"现值折算至{v.base_year}年末，贴现：{discount_text(v.discount, lang)}",
                            f"present values at the end of {v.base_year}, discounted at "
                            f"{discount_text(v.discount, lang)}", lang),))
    return write_folder(out_dir, {
        "valuation.csv": _csv_writer(rows),
        "valuation_paths.csv": _csv_writer(paths),
        "valuation.xlsx": _workbook_writer(sheets, about, lang),
    }, force=force)
