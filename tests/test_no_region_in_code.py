"""No report text or constant of one region in the code: a region's figures, names, report
sections and judgments live in its scenario (``scenarios/``) or in shipped data with sources
(``model/data/``), never in ``model/`` or ``cli/``.

The figures searched for are every stated figure of the shipped Qitai scenario's base year with
at least four significant digits (smaller ones, such as 0.16 or 2021, are common numbers), so a
figure added to the scenario is searched for too. A hit names the file, the line and what it
found; move the value to the scenario (or to data with its source), or read it from there.
"""

from __future__ import annotations

import re

from model.scenario.load import read_yaml
from tests.conftest import QITAI, ROOT

CODE = [p for d in ("model", "cli") for p in sorted((ROOT / d).rglob("*.py"))]

#: The region's names, and the shape of a report's section references ("二(一)", "三(二):").
NAMES = ("奇台", "Qitai", "昌吉", "Changji", "新疆", "Xinjiang")
SECTION = re.compile(r"[一二三四五六七八九十]\s*[(（][一二三四五六七八九十][)）]")


def _stated_figures() -> set[str]:
    """Every base-year figure of the shipped scenario with four or more significant digits, as
    written (13574.93, 24608)."""
    data, _ = read_yaml(QITAI)
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            value = node.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                text = str(value)
                if len(text.replace(".", "").replace("-", "").lstrip("0")) >= 4:
                    found.add(text)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(data["base_year"])
    return found


def _hits(pattern: re.Pattern[str]) -> list[str]:
    out = []
    for path in CODE:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = pattern.search(re.sub(r"(?<=\d)_(?=\d)", "", line))  # 24_608 is 24608
            if m:
                out.append(f"{path.relative_to(ROOT)}:{n}: {m.group()!r} in {line.strip()[:90]}")
    return out


def test_the_search_knows_the_region():
    figures = _stated_figures()
    assert {"13574.93", "24608", "6816", "4167", "20404.6"} <= figures, "the figure walk is broken"


def test_no_name_of_the_region_in_the_code():
    hits = _hits(re.compile("|".join(NAMES)))
    assert not hits, "the region's names are in the code:\n" + "\n".join(hits)


def test_no_report_section_in_the_code():
    hits = _hits(SECTION)
    assert not hits, "a report's section references are in the code:\n" + "\n".join(hits)


def test_no_stated_figure_in_the_code():
    figures = sorted(_stated_figures(), key=len, reverse=True)
    pattern = re.compile(r"(?<![\d.])(" + "|".join(re.escape(f) for f in figures) + r")(?![\d])")
    hits = _hits(pattern)
    assert not hits, "the region's stated figures are in the code:\n" + "\n".join(hits)
