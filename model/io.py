"""Writing results: all files of a run appear together or not at all.

Files are first written into a temporary folder beside the target and moved into place only
after every one of them has been written, so a failure leaves no half-written output.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from model.errors import OutputError
from model.labels import CSV_COLUMNS, LABELS
from model.results import Projection


def write_atomically(out_dir: str | Path, files: dict[str, Callable[[Path], None]]) -> list[Path]:
    """Write ``files`` (name → writer taking a path) into ``out_dir`` all-or-nothing."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as err:
        raise OutputError(f"{out}: cannot create the output folder ({err.strerror})") from None
    try:
        for name, writer in files.items():
            writer(tmp / name)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for name in files:
                os.replace(tmp / name, out / name)
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{out}: cannot write results ({err.strerror or err})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / name for name in files]


def write_projection(result: Projection, out_dir: str | Path, xlsx: bool = False, json: bool = False) -> list[Path]:
    """``projection.csv`` always; ``projection.xlsx`` (a sheet per fund) and
    ``projection.json`` on request."""
    from model.report import projection_csv_text, projection_json_text

    files: dict[str, Callable[[Path], None]] = {
        "projection.csv": lambda p: p.write_text(projection_csv_text(result), encoding="utf-8"),
    }
    if json:
        files["projection.json"] = lambda p: p.write_text(projection_json_text(result), encoding="utf-8")
    if xlsx:
        files["projection.xlsx"] = lambda p: write_projection_workbook(result, p)
    return write_atomically(out_dir, files)


def write_projection_workbook(result: Projection, path: Path, batch: int = 0) -> None:
    """Workbook: one sheet per fund (bilingual headers with units), a calibration sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    rows = result.rows(batch)
    for fund in result.funds:
        ws = wb.create_sheet(fund)
        ws.append([LABELS[c]["zh"] for c in CSV_COLUMNS])
        ws.append([LABELS[c]["en"] + (f" ({LABELS[c]['unit']})" if LABELS[c]["unit"] else "") for c in CSV_COLUMNS])
        for cell in ws[1] + ws[2]:
            cell.font = Font(bold=True)
        for r in rows:
            if r["fund"] == fund:
                ws.append([_cell(r[c]) for c in CSV_COLUMNS])
        ws.freeze_panes = "C3"
    ws = wb.create_sheet("calibration")
    ws.append(["fund", "name", "value", "unit", "reproduces"])
    for c in result.calibration:
        ws.append([c.fund, c.name, float(c.value), c.unit, c.target])
    wb.save(path)


def _cell(v):
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return v


def _csv_writer(rows: list[dict], columns: list[str] | None = None) -> Callable[[Path], None]:
    import csv

    def write(path: Path) -> None:
        cols = columns or (list(rows[0]) if rows else [])
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})

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
            ws.append(cols)
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for r in rows:
                ws.append([_cell(r[c]) for c in cols])
        wb.save(path)

    return write


def write_comparison(c, out_dir: str | Path, lang: str = "zh") -> list[Path]:
    """compare.csv (long), compare_paths.csv (yearly reserve and subsidy of every scenario),
    compare.xlsx and PNG charts of the reserve and subsidy paths per fund."""
    from model.axes import FUND_LABELS
    from model.compare import comparison_long_rows

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
    names = c.short_names(lang)
    for fund, rows in c.table.items():
        wide = []
        for row in rows:
            m = row["metric"]
            entry = {"metric": m.name, "label": getattr(m, lang), "unit": m.unit}
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
    labels = dict(zip(c.ids, c.titles(lang), strict=True))
    for fund, d in res.funds.items():
        fund_name = FUND_LABELS[fund][lang]
        for series, zh, en in (("reserve_end", "年末滚存结余", "reserve at year end"),
                               ("subsidy_income", "财政补贴收入", "fiscal subsidy")):
            data = {labels[sid]: d[series][b] for b, sid in enumerate(c.ids)}
            title = f"{fund_name} {zh if lang == 'zh' else en}"
            ylabel = "万元" if lang == "zh" else "10,000 yuan (万元)"
            files[f"{series}_{fund}.png"] = _chart_paths(res.years, data, title, ylabel, lang)
    return write_atomically(out_dir, files)


def _chart_paths(years, data, title, ylabel, lang) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.charts import plot_paths

        plot_paths(years, data, title, ylabel, path, lang=lang)

    return write


def write_sensitivity(r, out_dir: str | Path, lang: str = "zh") -> list[Path]:
    """sensitivity.csv, break_even.csv, sensitivity.xlsx and a tornado chart per fund."""
    from model.axes import FUND_LABELS
    from model.sensitivity import break_even_rows, sensitivity_rows

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
        bars = [(getattr(x["shock"], lang) + f" ({x['shock'].step})" if lang == "en" else getattr(x["shock"], lang),
                 x[f"{key}_down"], x[f"{key}_up"]) for x in fund_rows]
        what = ("10年财政补贴需求变化" if key == "need" else "10年财政补贴变化") if lang == "zh" else \
            ("change in the 10-year subsidy need" if key == "need" else "change in the 10-year subsidy paid")
        title = f"{FUND_LABELS[fund][lang]}: {what}"
        xlabel = "万元 (相对基准)" if lang == "zh" else "万元, difference from the baseline"
        files[f"tornado_{fund}.png"] = _chart_tornado(bars, title, xlabel, lang)
    return write_atomically(out_dir, files)


def _chart_tornado(bars, title, xlabel, lang) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.charts import plot_tornado

        plot_tornado(bars, title, xlabel, path, lang=lang)

    return write


def write_budget(b, out_dir: str | Path, lang: str = "zh") -> list[Path]:
    """budget.csv, targets.csv and budget.xlsx (a sheet of lines per fund, one of targets)."""
    from model.budget import budget_rows

    rows = budget_rows(b, lang)
    sheets = {fund: [r for r in rows if r["fund"] == fund] for fund in dict.fromkeys(r["fund"] for r in rows)}
    sheets["targets"] = b.targets
    return write_atomically(out_dir, {
        "budget.csv": _csv_writer(rows),
        "targets.csv": _csv_writer(b.targets),
        "budget.xlsx": _sheet_writer(sheets),
    })


def write_simulation(sim, out_dir: str | Path, lang: str = "zh") -> list[Path]:
    """percentiles.csv, depletion.csv, simulation.xlsx and fan charts of the reserve and the
    subsidy need per fund; every range is a simulated range conditional on the scenario's
    assumptions, and the workbook's first sheet says so."""
    from model.axes import FUND_LABELS
    from model.simulate import PERCENTILES, depletion_rows, describe, driver_rows, percentile_rows

    pct = percentile_rows(sim)
    dep = depletion_rows(sim)
    sheets = {"about": [{"simulation": describe(sim, lang)}], "percentiles": pct, "depletion": dep,
              "driver_factors": driver_rows(sim)}
    if sim.drivers:
        from model.drivers import format_economic_fit, format_mortality_fit

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
    return write_atomically(out_dir, files)


def _chart_fan(years, pct, levels, title, ylabel, lang, det) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from model.charts import plot_fan

        plot_fan(years, pct, levels, title, ylabel, path, lang=lang, deterministic=det)

    return write


def write_valuation(v, out_dir: str | Path, lang: str = "zh") -> list[Path]:
    """valuation.csv (per fund and item), valuation_paths.csv (discount factors, price index,
    closed-group benefits by year) and valuation.xlsx with both."""
    from model.valuation import valuation_path_rows, valuation_rows

    rows = valuation_rows(v, lang)
    paths = valuation_path_rows(v)
    return write_atomically(out_dir, {
        "valuation.csv": _csv_writer(rows),
        "valuation_paths.csv": _csv_writer(paths),
        "valuation.xlsx": _sheet_writer({"valuation": rows, "paths": paths}),
    })
