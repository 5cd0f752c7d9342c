"""Write the plausibility table of the shipped Qitai scenario into docs/plausibility.md.

The table is the engine's own output for a few years to 2050, read as an actuary would: new
awards against the provincial wage, replacement rates, pensions in payment, the subsidy need in
money, in base-year prices and as a share of payroll, and the residents' pension in real terms.
``tests/engine/test_fidelity.py`` fails when the document and the engine disagree.

    python tools/make_plausibility.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.engine.project import project  # noqa: E402
from model.scenario.load import load_scenario  # noqa: E402
from model.scenario.schedule import step_values  # noqa: E402

YEARS = (2021, 2022, 2025, 2030, 2035, 2040, 2045, 2050)
START, END = "<!-- plausibility-table -->\n", "\n<!-- /plausibility-table -->"


def table() -> str:
    scenario = load_scenario(ROOT / "scenarios" / "qitai-2021.yaml")
    run = project(scenario)
    years = run.years
    prices = step_values(scenario.assumptions.economy.price_inflation, years)
    deflator = np.cumprod(np.where(np.arange(years.size) == 0, 1.0, 1.0 + prices))
    cs, rs = run.funds["civil_service"], run.funds["residents"]
    rows = [
        ("civil service: contributors (人)", cs["contributors"][0], "{:,.0f}"),
        ("civil service: retirees (人)", cs["beneficiaries"][0], "{:,.0f}"),
        ("new retirements (人)", cs["retirements"][0], "{:,.0f}"),
        (
            "new award ÷ previous year's provincial wage",
            cs["new_award_to_average_wage"][0],
            "{:.2f}",
        ),
        ("replacement rate (new award ÷ own final base)", cs["replacement_rate"][0], "{:.2f}"),
        (
            "pension in payment ÷ previous year's provincial wage",
            cs["pension_in_payment_to_average_wage"][0],
            "{:.2f}",
        ),
        ("subsidy need (万元)", cs["subsidy_need"][0], "{:,.0f}"),
        ("subsidy need in 2021 prices (万元)", cs["subsidy_need"][0] / deflator, "{:,.0f}"),
        (
            "subsidy need ÷ contribution base",
            cs["subsidy_need"][0] / cs["contribution_base"][0],
            "{:.1%}",
        ),
        ("residents: beneficiaries (人)", rs["beneficiaries"][0], "{:,.0f}"),
        ("new beneficiaries (人)", rs["new_beneficiaries"][0], "{:,.0f}"),
        (
            "pension per beneficiary (元/月)",
            rs["pension_in_payment_mean_monthly_yuan"][0],
            "{:,.1f}",
        ),
        (
            "pension per beneficiary in 2021 prices (元/月)",
            rs["pension_in_payment_mean_monthly_yuan"][0] / deflator,
            "{:,.1f}",
        ),
        ("subsidy paid (万元)", rs["subsidy_income"][0], "{:,.0f}"),
        ("reserve at year end (万元)", rs["reserve_end"][0], "{:,.0f}"),
    ]
    idx = [int(np.searchsorted(years, y)) for y in YEARS]
    lines = ["| | " + " | ".join(str(y) for y in YEARS) + " |", "|---|" + "---:|" * len(YEARS)]
    for label, series, fmt in rows:
        cells = [
            "–"
            if t == 0 and label.startswith(("new retirements", "new beneficiaries"))
            else fmt.format(float(series[t]))
            for t in idx
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    path = ROOT / "docs" / "plausibility.md"
    doc = path.read_text(encoding="utf-8")
    head, rest = doc.split(START)
    _, tail = rest.split(END)
    path.write_text(head + START + table() + END + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
