"""The one-year back-test of a region's scenario against the next year's published outturn.

For each line the outturn states (not estimated), the scenario's projection of the outturn's year
as ``yanglao evaluate SCENARIO OUTTURN`` shows it (the "budget" column: the projected budget of
``model.analysis.budget.budget_lines`` when the outturn states no budget), the published figure,
and the error of the projection. Money in 亿元 and heads in 万人, the units yearbooks publish.
``docs/regions/fujian.md`` quotes the table and ``tests/published/test_fujian.py`` fails when the
document and the code disagree.

    python tools/backtest_region.py scenarios/fujian-civil-service-2020.yaml \\
        scenarios/outturns/fujian-civil-service-2021.yaml
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.analysis.evaluate import evaluate  # noqa: E402
from model.scenario.load import load_scenario  # noqa: E402
from model.scenario.outturn import load_outturn  # noqa: E402

#: The lines of the back-test, the unit they are shown in and its size in 万元 or persons.
LINES = (
    ("total_income", "亿元", 1e4),
    ("total_expenditure", "亿元", 1e4),
    ("balance", "亿元", 1e4),
    ("reserve_end", "亿元", 1e4),
    ("contributors", "万人", 1e4),
    ("beneficiaries", "万人", 1e4),
)


@dataclass(frozen=True)
class Row:
    """One line: projected and published in the shown unit (``published_how``: ``stated`` in
    the outturn, or ``derived`` from stated figures, as the balance), the error and its %."""

    fund: str
    line: str
    unit: str
    projected: float
    published: float
    published_how: str

    @property
    def error(self) -> float:
        return self.projected - self.published

    @property
    def error_pct(self) -> float:
        return self.error / self.published * 100.0


def rows(scenario_path: Path, outturn_path: Path) -> list[Row]:
    """The back-test rows of every fund the outturn states, from ``evaluate``."""
    result = evaluate(load_scenario(scenario_path), load_outturn(outturn_path))
    out = []
    for fund in result.funds:
        if fund == "combined":
            continue
        lines = result.lines[fund]
        for key, unit, size in LINES:
            line = lines.get(key)
            if line is None or line.outturn is None or line.budget is None:
                continue
            stated = line.stated is not None and not line.outturn_source.startswith("estimated")
            how = "stated" if stated else "derived"
            out.append(Row(fund, key, unit, line.budget / size, line.outturn / size, how))
    return out


def markdown(table: list[Row], year: int) -> str:
    """The table as Markdown, numbers rounded as the document shows them."""
    head = (
        f"| fund | line | unit | projected {year} | published {year} | published as | error "
        "| error % |\n|---|---|---|---:|---:|---|---:|---:|"
    )
    body = [
        f"| {r.fund} | {r.line} | {r.unit} | {r.projected:.2f} | {r.published:.2f} | "
        f"{r.published_how} | {r.error:+.2f} | {r.error_pct:+.1f} |"
        for r in table
    ]
    return "\n".join([head, *body])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    scenario, outturn = (Path(a) for a in argv)
    year = load_outturn(outturn).outturn.year
    print(markdown(rows(scenario, outturn), year))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
