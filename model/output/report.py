"""Text renderings of a projection: the terminal table, the headline, CSV and JSON text.

Formatting only: every number shown is an attribute of the Projection. Money in 万元 with two
decimals, heads with none, ratios with two or three.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from model.engine.results import HEADLINE_HORIZONS, Projection
from model.output.labels import CSV_COLUMNS, FUND_LABELS, HEAD_COLUMNS, LABELS

#: Columns of the terminal table, with short English headers.
TABLE_COLUMNS = (
    ("year", "year"),
    ("contributors", "contrib."),
    ("beneficiaries", "benef."),
    ("dependency_ratio", "dep."),
    ("contribution_income", "contributions"),
    ("interest_income", "interest"),
    ("subsidy_income", "subsidy"),
    ("other_income", "other in"),
    ("total_income", "income"),
    ("benefit_expenditure", "benefits"),
    ("total_expenditure", "expenditure"),
    ("balance", "balance"),
    ("reserve_end", "reserve end"),
    ("months_of_payout", "months"),
    ("subsidy_need", "subsidy need"),
)


def format_number(name: str, value: float | None) -> str:
    """One cell: thousands separators; 2 decimals for 万元, none for heads.

    >>> format_number("reserve_end", 12345.6)
    '12,345.60'
    >>> format_number("contributors", 1234.4)
    '1,234'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name == "year":
        return str(int(value))
    if name in HEAD_COLUMNS:
        return f"{value:,.0f}"
    if name == "dependency_ratio":
        return f"{value:.2f}"
    if name == "months_of_payout":
        return "∞" if math.isinf(value) else f"{value:.1f}"
    return f"{value:,.2f}"


def format_table(result: Projection, batch: int = 0) -> str:
    """Readable yearly table per fund (money in 万元)."""
    lines: list[str] = []
    rows = result.rows(batch)
    for fund in result.funds:
        fund_rows = [r for r in rows if r["fund"] == fund]
        cells = [[format_number(c, r[c]) for c, _ in TABLE_COLUMNS] for r in fund_rows]
        headers = [h for _, h in TABLE_COLUMNS]
        widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
        title = f"{FUND_LABELS[fund]['zh']} ({FUND_LABELS[fund]['en']}) — money in 万元, heads in persons"
        lines.append(title)
        lines.append("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
        for row in cells:
            lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        lines.append("")
    return "\n".join(lines)


def format_headline(result: Projection, batch: int = 0) -> str:
    """The headline: depletion, subsidy need over 5/10/20 years, dependency ratios."""
    summary = result.summary(batch)
    lines = ["Headline (money in 万元):"]
    for fund, s in summary.items():
        name = FUND_LABELS[fund]["en"]
        dep = s["depletion_year"] or "never (under the scenario's subsidy rule)"
        dep0 = s["depletion_year_without_subsidy"] or f"not by {s['last_year']}"
        lines.append(f"  {name}:")
        lines.append(f"    reserve runs out: {dep}; with no subsidy after {s['base_year']}: {dep0}")
        needs = []
        for n in HEADLINE_HORIZONS:
            v = s[f"subsidy_need_{n}y"]
            paid = s[f"subsidy_paid_{n}y"]
            if v is not None:
                needs.append(f"{n} years {v:,.2f} (paid under the rule {paid:,.2f})")
        if needs:
            lines.append("    subsidy need (fill the gap): " + "; ".join(needs))
        lines.append(
            f"    dependency ratio: {s['dependency_ratio_base']:.2f} in {s['base_year']}, "
            f"{s['dependency_ratio_end']:.2f} in {s['last_year']}"
        )
    return "\n".join(lines)


def estimated_lines(scenario: Any) -> list[dict[str, Any]]:
    """The base-year lines a scenario does not state but estimates
    (:mod:`model.scenario.accounts`): fund, line, value, unit and the rule, for every output."""
    out = []
    for fund in scenario.funds:
        block = getattr(scenario.base_year, fund)
        for key in block.estimated_lines:
            x = getattr(block, key)
            out.append({"fund": fund, "line": key, "value": float(x.value), "unit": x.unit,
                        "rule": x.source})
    return out


def format_calibration(result: Projection) -> str:
    """What the base-year calibration solved for, and how far it sits from its reference; the
    base-year lines estimated rather than stated, with their rules."""
    lines = ["Calibrated to reproduce the base year:"]
    for c in result.calibration:
        ref = ""
        if c.ratio_to_reference is not None:
            ref = f"  ({c.ratio_to_reference:.3f} × {c.reference_label} {c.reference:,.2f})"
        value = f"{c.value:,.4f}" if abs(c.value) < 10 else f"{c.value:,.2f}"
        lines.append(f"  {c.fund}.{c.name} = {value} {c.unit}{ref}")
        lines.append(f"      reproduces: {c.target}")
    estimated = estimated_lines(result.scenario) if result.scenario is not None else []
    if estimated:
        lines.append("Estimated, not stated (the base year's account is partial):")
        for e in estimated:
            lines.append(f"  {e['fund']}.{e['line']} = {e['value']:,.2f} {e['unit']}  [estimated]")
            lines.append(f"      rule: {e['rule'].removeprefix('estimated: ')}")
    return "\n".join(lines)


def projection_csv_text(result: Projection, batch: int = 0) -> str:
    """``projection.csv``: one row per fund × year, money in 万元, the base year first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in result.rows(batch):
        writer.writerow(["" if row[c] is None else _csv_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _csv_cell(v: Any) -> Any:
    if isinstance(v, float):
        if math.isinf(v):
            return "inf"
        return repr(round(v, 6))
    return v


def projection_json_text(result: Projection, batch: int = 0) -> str:
    """Rows, headline, calibration and units as JSON."""
    def clean(v: Any) -> Any:
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
        return v

    payload = {
        "units": {c: LABELS[c]["unit"] for c in CSV_COLUMNS},
        "summary": result.summary(batch),
        "calibration": [
            {"fund": c.fund, "name": c.name, "value": float(c.value), "unit": c.unit, "target": c.target}
            for c in result.calibration
        ],
        "estimated_base_year_lines": (
            estimated_lines(result.scenario) if result.scenario is not None else []
        ),
        "rows": [{k: clean(v) for k, v in r.items()} for r in result.rows(batch)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
