"""Rewrites the generated sections of ``docs/drivers.md`` from the shipped history.

``python tools/make_drivers_doc.py`` prints the sections; ``--update docs/drivers.md`` rewrites
them in place. ``tests/analysis/test_drivers.py`` fails when the doc is out of step.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas  # noqa: E402

from model.analysis.drivers import (  # noqa: E402
    DEFAULT_ECONOMIC_YEARS,
    ECONOMIC_SERIES,
    ECONOMIC_TRENDS,
    STORED_FIT_FILE,
    Z_90,
    fit_economic,
    fit_mortality,
    load_history,
    read_stored_fit,
)
from model.errors import YanglaoError  # noqa: E402
from model.output.driver_tables import (  # noqa: E402
    SPREAD_YEARS,
    format_economic_fit,
    format_history_summary,
    format_mortality_fit,
    four_decimals,
)

#: Alternative fits shown beside the chosen one: (years, method, trend). The constant-mean
#: VAR(1) is the model the simulation used before deviations were taken about a trend;
#: 2001–2015 ends before the deposit-rate freeze of October 2015 shows in the data; 2004–2023
#: drops the fast-growth years.
ECONOMIC_ALTERNATIVES = (
    (DEFAULT_ECONOMIC_YEARS, "var", "ct"), (DEFAULT_ECONOMIC_YEARS, "ar", "ct"),
    (DEFAULT_ECONOMIC_YEARS, "var", "c"), (range(2001, 2016), "var", "ct"),
    (range(2004, 2024), "var", "ct"),
)


def format_economic_alternatives(history: pandas.DataFrame) -> str:
    """A Markdown table comparing fits over other years, with the AR(1) method or about a
    constant mean."""
    head = ("| years | method | deviations | largest root | fitted trend in the last year "
            + " / ".join(ECONOMIC_SERIES) + " | shock sd " + " / ".join(ECONOMIC_SERIES)
            + f" | wage level after {SPREAD_YEARS} years, 5–95% | AIC |")
    lines = [head, "|---|---|---|---:|---|---|---|---:|"]
    for years, method, trend in ECONOMIC_ALTERNATIVES:
        fit = fit_economic(history, years, method=method, trend=trend)
        level = fit.level_sd(SPREAD_YEARS + 1)[-1, 0]
        lines.append(f"| {fit.years[0]}–{fit.years[1]} | {fit.method} | {ECONOMIC_TRENDS[trend]} | "
                     f"{four_decimals(fit.diagnostics.largest_root_modulus)} | "
                     f"{' / '.join(four_decimals(m) for m in fit.mean)} | "
                     f"{' / '.join(four_decimals(v) for v in fit.residual_sd)} | "
                     f"×{math.exp(-Z_90 * level):.2f} to ×{math.exp(Z_90 * level):.2f} | "
                     f"{four_decimals(fit.diagnostics.aic)} |")
    return "\n".join(lines)


#: Marker names of the generated sections of docs/drivers.md.
DOC_SECTIONS = ("history-data", "economic-fit", "economic-alternatives", "mortality-fit",
                "stored-fit")


def format_stored_fit(record: dict | None) -> str:
    """A Markdown table of the stored fit's file: its digest, settings and what fitted it."""
    if record is None:
        return "No stored fit: run `yanglao drivers --refit`."
    settings = record["settings"]
    eco, mort = settings["economic"], settings["mortality"]
    rows = [
        ("file", f"`model/data/{STORED_FIT_FILE}`"),
        ("digest (sha256 of the history rows and settings)", f"`{record['digest']}`"),
        ("format", str(settings["format"])),
        ("economic fit", f"{eco['years'][0]}–{eco['years'][1]}, method {eco['method']}, "
                         f"trend {eco['trend']}"),
        ("mortality fit", f"{mort['years'][0]}–{mort['years'][1]}, table {mort['table']}, "
                          f"weights of the sexes {' / '.join(f'{w:g}' for w in mort['sex_weights'])}"),
        ("Ljung–Box lags at most", str(settings["ljung_box_max_lags"])),
        ("fitted with", ", ".join(f"{k} {v}" for k, v in record.get("fitted_with", {}).items())),
    ]
    return "\n".join(["| stored fit | value |", "|---|---|"]
                     + [f"| {k} | {v} |" for k, v in rows])


def doc_sections() -> dict[str, str]:
    """The generated text of each marked section of ``docs/drivers.md``, from the shipped data."""
    history = load_history()
    return {
        "history-data": format_history_summary(),
        "economic-fit": format_economic_fit(fit_economic(history)),
        "economic-alternatives": format_economic_alternatives(history),
        "mortality-fit": format_mortality_fit(fit_mortality(history)),
        "stored-fit": format_stored_fit(read_stored_fit()),
    }


def _section_pattern(name: str):
    import re

    return re.compile(rf"(<!-- {re.escape(name)} -->\n)(.*?)(\n?<!-- /{re.escape(name)} -->)", re.S)


def doc_section(text: str, name: str) -> str:
    """The body of the ``<!-- name -->`` … ``<!-- /name -->`` section of ``text``."""
    match = _section_pattern(name).search(text)
    if match is None:
        raise YanglaoError(f"docs/drivers.md has no section <!-- {name} --> … <!-- /{name} -->")
    return match.group(2)


def update_doc(text: str, sections: dict[str, str]) -> str:
    """``text`` with the body of each ``<!-- name -->`` … ``<!-- /name -->`` section replaced."""
    for name, body in sections.items():
        doc_section(text, name)  # raises if the markers are missing
        text = _section_pattern(name).sub(
            lambda m, body=body, name=name: f"{m.group(1)}{body}\n<!-- /{name} -->", text, count=1)
    return text


def main(argv: list[str] | None = None) -> int:
    """``python tools/make_drivers_doc.py [--update DOC]``: print the fitted tables, or update the doc."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description="Fit the driver models on the shipped history.")
    parser.add_argument("--update", metavar="DOC", help="rewrite the marked sections of DOC")
    args = parser.parse_args(argv)
    sections = doc_sections()
    if args.update:
        path = Path(args.update)
        path.write_text(update_doc(path.read_text(encoding="utf-8"), sections), encoding="utf-8")
        print(f"updated {path}")
    else:
        for name, body in sections.items():
            print(f"<!-- {name} -->\n{body}\n<!-- /{name} -->\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
