"""The back-test for people: a Markdown table of its errors (``docs/backtest.md``)."""

from __future__ import annotations

from model.analysis.backtest import BacktestRow


def format_backtest(rows: list[BacktestRow], year: int) -> str:
    """A Markdown table of the back-test errors."""
    lines = [f"| fund | line | projected {year} | outturn {year} | error | relative error |",
             "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        rel = "–" if r.relative_error is None else f"{100 * r.relative_error:+.2f}%"
        digits = 0 if r.line in ("contributors", "beneficiaries") else 2
        lines.append(f"| {r.fund} | {r.line} | {r.projected:,.{digits}f} | {r.actual:,.{digits}f} | "
                     f"{r.error:+,.{digits}f} | {rel} |")
    return "\n".join(lines)
