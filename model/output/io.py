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
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from model.errors import OutputError
from model.output.labels import CSV_COLUMNS, FUND_LABELS, LABELS, level_names, words
from model.output.report import estimated_lines
from model.engine.results import Projection
from model.output.safe_text import safe_cell

#: The manifest a run leaves in its folder: which files it wrote (JSON). A folder with one, and
#: nothing beside the files it lists, may be replaced by the next run.
MANIFEST = ".yanglao-run"

#: Signals that end a write early; the write cleans up, then passes them on.
INTERRUPTS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                   if hasattr(signal, name))

Writer = Callable[[Path], None]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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


def write_projection(result: Projection, out_dir: str | Path, xlsx: bool = False, json: bool = False,
                     force: bool = False) -> list[Path]:
    """``projection.csv`` always; ``projection.xlsx`` (a sheet per fund) and
    ``projection.json`` on request."""
    from model.output.report import projection_csv_text, projection_json_text

    files: dict[str, Callable[[Path], None]] = {
        "projection.csv": lambda p: p.write_text(projection_csv_text(result), encoding="utf-8"),
    }
    if json:
        files["projection.json"] = lambda p: p.write_text(projection_json_text(result), encoding="utf-8")
    if xlsx:
        files["projection.xlsx"] = lambda p: write_projection_workbook(result, p)
    return write_folder(out_dir, files, force=force)


def write_projection_workbook(result: Projection, path: Path, batch: int = 0) -> None:
    """Workbook: one sheet per fund (bilingual headers with units), a calibration sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    rows = result.rows(batch)
    for fund in result.funds:
        ws = wb.create_sheet(fund)
        zh, en = level_names(result.scenario, "zh"), level_names(result.scenario, "en")
        ws.append([words(LABELS[c], "zh", zh) for c in CSV_COLUMNS])
        ws.append([words(LABELS[c], "en", en) + (f" ({LABELS[c]['unit']})" if LABELS[c]["unit"] else "")
                   for c in CSV_COLUMNS])
        for cell in ws[1] + ws[2]:
            cell.font = Font(bold=True)
        for r in rows:
            if r["fund"] == fund:
                ws.append([_cell(r[c]) for c in CSV_COLUMNS])
        ws.freeze_panes = "C3"
    ws = wb.create_sheet("calibration")
    ws.append(["fund", "name", "value", "unit", "reproduces"])
    for c in result.calibration:
        ws.append([_cell(x) for x in (c.fund, c.name, float(c.value), c.unit, c.target)])
    estimated = estimated_lines(result.scenario) if result.scenario is not None else []
    if estimated:
        ws = wb.create_sheet("estimated")
        ws.append(["fund", "line", "value", "unit", "rule"])
        for e in estimated:
            ws.append([_cell(e[k]) for k in ("fund", "line", "value", "unit", "rule")])
    wb.save(path)


def _cell(v):
    """A value as a cell: text made safe (:func:`model.output.safe_text.safe_cell`), NaN and ±inf
    blank, numbers as they are."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return safe_cell(v)


def _csv_writer(rows: list[dict], columns: list[str] | None = None) -> Callable[[Path], None]:
    import csv

    def write(path: Path) -> None:
        cols = columns or (list(rows[0]) if rows else [])
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([safe_cell(k) for k in cols])
            for r in rows:
                w.writerow(["" if r.get(k) is None else safe_cell(r.get(k)) for k in cols])

    return write


def _sheet_writer(sheets: dict[str, list[dict]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name[:31])
            if not rows:
                continue
            cols = list(rows[0])
            ws.append([_cell(c) for c in cols])
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for r in rows:
                ws.append([_cell(r[c]) for c in cols])
        wb.save(path)

    return write


def write_comparison(c, out_dir: str | Path, lang: str = "zh",
                        force: bool = False) -> list[Path]:
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
    sheets = {}
    names = short_names(c, lang)
    for fund, rows in c.table.items():
        wide = []
        for row in rows:
            m = row["metric"]
            entry = {"metric": m.name, "label": metric_label(m, lang), "unit": m.unit}
            for n, v in zip(names, row["values"], strict=True):
                entry[n] = v
            for n, dv in zip(names[1:], row["differences"][1:], strict=True):
                entry[f"Δ {n}"] = dv
            wide.append(entry)
        sheets[fund] = wide
    sheets["paths"] = paths
    sheets["scenarios"] = [{"scenario": sid, "name": n, "title": t}
                           for sid, n, t in zip(c.ids, names, c.titles(lang), strict=True)]
    files: dict[str, Callable[[Path], None]] = {
        "compare.csv": _csv_writer(long_rows),
        "compare_paths.csv": _csv_writer(paths),
        "compare.xlsx": _sheet_writer(sheets),
    }
    # scenario titles label the charts' lines: without control characters (no glyph to draw)
    labels = {sid: _CONTROL.sub("", t) for sid, t in zip(c.ids, c.titles(lang), strict=True)}
    for fund, d in res.funds.items():
        fund_name = FUND_LABELS[fund][lang]
        for series, zh, en in (("reserve_end", "年末滚存结余", "reserve at year end"),
                               ("subsidy_income", "财政补贴收入", "fiscal subsidy")):
            data = {labels[sid]: d[series][b] for b, sid in enumerate(c.ids)}
            title = f"{fund_name} {zh if lang == 'zh' else en}"
            ylabel = "万元" if lang == "zh" else "10,000 yuan (万元)"
            files[f"{series}_{fund}.png"] = _chart_paths(res.years, data, title, ylabel, lang)
    return write_folder(out_dir, files, force=force)


def _chart_paths(years, data, title, ylabel, lang) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.output.charts import plot_paths

        plot_paths(years, data, title, ylabel, path, lang=lang)

    return write


def write_sensitivity(r, out_dir: str | Path, lang: str = "zh",
                         force: bool = False) -> list[Path]:
    """sensitivity.csv, break_even.csv, sensitivity.xlsx and a tornado chart per fund."""
    from model.output.sensitivity_tables import break_even_rows, sensitivity_rows, shock_label, shock_step

    rows = sensitivity_rows(r, lang)
    be = break_even_rows(r, lang)
    files: dict[str, Callable[[Path], None]] = {
        "sensitivity.csv": _csv_writer(rows),
        "break_even.csv": _csv_writer(be, ["fund", "lever", "label", "break_even_value", "searched_from",
                                          "searched_to", "target_subsidy_need_10y"]),
        "sensitivity.xlsx": _sheet_writer({"sensitivity": rows, "break_even": be}),
    }
    for fund, fund_rows in r.rows.items():
        # The civil-service fund is judged by its subsidy need; the residents' fund, whose
        # pensions the budget pays as due, by the subsidy paid.
        key = "need" if fund == "civil_service" else "paid"
        bars = [(shock_label(x["shock"].name, lang) + f" ({shock_step(x['shock'].name)})" if lang == "en"
                 else shock_label(x["shock"].name, lang), x[f"{key}_down"], x[f"{key}_up"]) for x in fund_rows]
        what = ("10年财政补贴需求变化" if key == "need" else "10年财政补贴变化") if lang == "zh" else \
            ("change in the 10-year subsidy need" if key == "need" else "change in the 10-year subsidy paid")
        title = f"{FUND_LABELS[fund][lang]}: {what}"
        xlabel = "万元 (相对基准)" if lang == "zh" else "万元, difference from the baseline"
        files[f"tornado_{fund}.png"] = _chart_tornado(bars, title, xlabel, lang)
    return write_folder(out_dir, files, force=force)


def _chart_tornado(bars, title, xlabel, lang) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.output.charts import plot_tornado

        plot_tornado(bars, title, xlabel, path, lang=lang)

    return write


def write_budget(b, out_dir: str | Path, lang: str = "zh",
                    force: bool = False) -> list[Path]:
    """budget.csv, targets.csv and budget.xlsx (a sheet of lines per fund, one of targets)."""
    from model.output.budget_tables import budget_rows, target_rows

    rows = budget_rows(b, lang)
    targets = target_rows(b)
    sheets = {fund: [r for r in rows if r["fund"] == fund] for fund in dict.fromkeys(r["fund"] for r in rows)}
    sheets["targets"] = targets
    return write_folder(out_dir, {
        "budget.csv": _csv_writer(rows),
        "targets.csv": _csv_writer(targets),
        "budget.xlsx": _sheet_writer(sheets),
    }, force=force)


def write_simulation(sim, out_dir: str | Path, lang: str = "zh",
                          force: bool = False) -> list[Path]:
    """percentiles.csv, depletion.csv, simulation.xlsx and fan charts of the reserve and the
    subsidy need per fund; every range is a simulated range conditional on the scenario's
    assumptions, and the workbook's first sheet says so."""
    from model.analysis.simulate import PERCENTILES, depletion_rows, driver_rows, percentile_rows
    from model.output.simulation_tables import simulation_text

    pct = percentile_rows(sim)
    dep = depletion_rows(sim)
    sheets = {"about": [{"simulation": simulation_text(sim, lang)}], "percentiles": pct, "depletion": dep,
              "driver_factors": driver_rows(sim)}
    if sim.drivers:
        from model.output.driver_tables import format_economic_fit, format_mortality_fit

        # the fitted models as the Markdown tables of docs/drivers.md, one line per row
        text = (format_economic_fit(sim.drivers["economic"]) + "\n\n"
                + format_mortality_fit(sim.drivers["mortality"]))
        sheets["drivers"] = [{"fitted driver models (docs/drivers.md)": line} for line in text.splitlines()]
    files: dict[str, Callable[[Path], None]] = {
        "percentiles.csv": _csv_writer(pct),
        "depletion.csv": _csv_writer(dep),
        "simulation.xlsx": _sheet_writer(sheets),
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


def _chart_fan(years, pct, levels, title, ylabel, lang, det) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.output.charts import plot_fan

        plot_fan(years, pct, levels, title, ylabel, path, lang=lang, deterministic=det)

    return write


def write_valuation(v, out_dir: str | Path, lang: str = "zh",
                       force: bool = False) -> list[Path]:
    """valuation.csv (per fund and item), valuation_paths.csv (discount factors, price index,
    closed-group benefits by year) and valuation.xlsx with both."""
    from model.analysis.valuation import valuation_path_rows
    from model.output.valuation_tables import valuation_rows

    rows = valuation_rows(v, lang)
    paths = valuation_path_rows(v)
    return write_folder(out_dir, {
        "valuation.csv": _csv_writer(rows),
        "valuation_paths.csv": _csv_writer(paths),
        "valuation.xlsx": _sheet_writer({"valuation": rows, "paths": paths}),
    }, force=force)
