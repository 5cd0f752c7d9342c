"""Regions side by side for people: a table per fund (metrics down, regions across, then each
region's difference from the first), Chinese by default, within 120 columns; and the files
compare_regions.csv and compare_regions.xlsx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from model.analysis.region_compare import RegionComparison
from model.output.labels import FUND_LABELS, level_names
from model.output.region_tables import _w, csv_text
from model.output.text import MAX_WIDTH, fitted, wrapped

#: Metric words: a pattern of the metric's key and its words ({n} years, {y} the year, {lv} the
#: level of government).
_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"counties", "县数", "counties"),
    (r"subsidy_need_(?P<n>\d+)y", "财政补贴需求 {n}年合计", "subsidy need, {n} years"),
    (r"subsidy_paid_(?P<n>\d+)y", "财政补贴收入 {n}年合计", "subsidy paid, {n} years"),
    (r"subsidy_(?P<lv>central|region|prefecture|county)_(?P<n>\d+)y",
     "其中{lv}财政 {n}年合计", "of which {lv}, {n} years"),
    (r"pool_paid_out_(?P<n>\d+)y", "调剂金下拨 {n}年合计", "adjustment fund paid out, {n} years"),
    (r"pool_need_after_(?P<n>\d+)y", "调剂后补助需求 {n}年合计",
     "need after the pool, {n} years"),
    (r"pool_need_(?P<lv>region|prefecture|county)_(?P<n>\d+)y", "其中{lv}负担 {n}年合计",
     "of which {lv}, {n} years"),
    (r"reserve_end_(?P<y>\d+)", "{y}年各县年末滚存结余", "counties' reserves, {y}"),
    (r"pool_reserve_end_(?P<y>\d+)", "{y}年调剂金结余", "adjustment fund's reserve, {y}"),
    (r"contributors_(?P<y>\d+)", "{y}年缴费人数", "contributors, {y}"),
    (r"beneficiaries_(?P<y>\d+)", "{y}年领取待遇人数", "beneficiaries, {y}"),
    (r"dependency_ratio_(?P<y>\d+)", "{y}年抚养比（缴费/领取）", "dependency ratio, {y}"),
)  # fmt: skip
_UNITS_EN = {"万元": "万元", "人": "persons", "个": "", "/1": ""}


def metric_label(key: str, unit: str, lang: str, levels: dict[str, str]) -> str:
    """A metric's words with its unit: ``财政补贴需求 10年合计(万元)``."""
    central = {"zh": "中央", "en": "central government"}[lang]
    for pattern, zh, en in _WORDS:
        m = re.fullmatch(pattern, key)
        if m:
            parts = m.groupdict()
            if "lv" in parts:
                parts["lv"] = central if parts["lv"] == "central" else levels[parts["lv"]]
            text = (zh if lang == "zh" else en).format(**parts)
            shown = unit if lang == "zh" else _UNITS_EN.get(unit, unit)
            return f"{text}({shown})" if shown and shown not in ("个", "/1") else text
    return key


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "/1":
        return f"{value:.2f}"
    digits = 0 if unit in ("人", "个") else 2
    text = f"{value:,.{digits}f}"
    return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text


def _names(c: RegionComparison, lang: str) -> list[str]:
    """Each region's name, with its id where two regions share a name."""
    names = [getattr(r.region.header.name, lang) for r in c.results]
    return [
        n if names.count(n) == 1 else f"{n} [{rid}]" for n, rid in zip(names, c.ids, strict=True)
    ]


def format_region_comparison(c: RegionComparison, lang: str = "zh") -> str:
    levels = level_names(c.results[0].counties[0].scenario, lang)
    names = _names(c, lang)
    lines = wrapped(
        _w(
            f"{len(c.results)}个区域并列比较（各区域合计为所辖各县之和，差值为与第一个区域之差，"
            "金额单位万元）：" + "；".join(names) + "。",
            f"{len(c.results)} regions side by side (totals are sums over each region's "
            "counties; differences are from the first region; money in 万元): "
            + "; ".join(names)
            + ".",
            lang,
        )
    )
    delta = _w("差值", "Δ", lang)
    for fund, rows in c.table.items():
        lines += ["", FUND_LABELS[fund][lang]]
        table = [["", *names, *(f"{delta} {n}" for n in names[1:])]]
        for r in rows:
            table.append(
                [
                    metric_label(r["metric"], r["unit"], lang, levels),
                    *(_cell(v, r["unit"]) for v in r["values"]),
                    *(_cell(d, r["unit"]) for d in r["differences"][1:]),
                ]
            )
        lines += fitted(table, indent="  ", max_width=MAX_WIDTH)
    return "\n".join(line.rstrip() for line in lines)


def comparison_rows(c: RegionComparison, lang: str = "zh") -> list[dict[str, Any]]:
    """compare_regions.csv: fund × metric × region, the value and the difference from the first."""
    levels = level_names(c.results[0].counties[0].scenario, lang)
    out = []
    for fund, rows in c.table.items():
        for r in rows:
            for rid, v, d in zip(c.ids, r["values"], r["differences"], strict=True):
                out.append({"fund": fund, "metric": r["metric"],
                            "label": metric_label(r["metric"], r["unit"], lang, levels),
                            "unit": r["unit"], "region": rid, "value": v,
                            "difference_from_first": d})  # fmt: skip
    return out


def write_region_comparison(
    c: RegionComparison, out_dir: str | Path, lang: str = "zh", force: bool = False
) -> list[Path]:
    """compare_regions.csv and compare_regions.xlsx, all or nothing."""
    from model.output.io import csv_bytes_writer, write_folder
    from model.output.region_simulation_tables import _about
    from model.output.workbook_style import Column, Sheet, column, header, write_workbook

    rows = comparison_rows(c, lang)
    columns = [
        column("fund", lang),
        Column("label", _w("指标", "metric", lang)),
        Column("region", _w("区域", "region", lang)),
        Column("value", header(_w("数值", "value", lang), "", lang), "number"),
        Column("difference_from_first", header(_w("与第一个区域之差", "difference from the first",
                                                  lang), "", lang), "number"),
    ]  # fmt: skip
    sheets = [Sheet(_w("区域比较", "regions", lang), columns, rows, freeze_columns=2)]
    years = c.results[0].years
    note = _w("各区域合计为所辖各县之和（见 docs/region.md）",
              "totals are sums over each region's counties (docs/region.md)", lang)  # fmt: skip
    about = _about(c.results[0].region, years, lang, "yanglao compare", 0, 0, note)
    return write_folder(
        out_dir,
        {
            "compare_regions.csv": csv_bytes_writer(csv_text(rows)),
            "compare_regions.xlsx": lambda path: write_workbook(path, sheets, about, lang),
        },
        force=force,
    )


__all__ = ["comparison_rows", "format_region_comparison", "metric_label", "write_region_comparison"]
