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
