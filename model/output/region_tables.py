"""A region for people: the terminal tables of its totals, its pooled fund and the ranking of its
counties (Chinese by default, English with ``lang="en"``, every line within 120 columns), and
the files region_counties.csv, region_totals.csv, region_pool.csv and region.xlsx."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from model.analysis.region import LEVELS_PAYING, SERIES, RegionResult
from model.output.labels import FUND_LABELS, level_names, words
from model.output.text import MAX_WIDTH, fitted, wrapped

#: Every series of a county row and of the totals, and the pool's, in words with units.
WORDS: dict[str, dict[str, str]] = {
    "contributors": {"zh": "缴费人数", "en": "contributors", "unit": "人"},
    "beneficiaries": {"zh": "领取待遇人数", "en": "beneficiaries", "unit": "人"},
    "contribution_income": {"zh": "保险费收入", "en": "contributions", "unit": "万元"},
    "interest_income": {"zh": "利息收入", "en": "interest", "unit": "万元"},
    "subsidy_income": {"zh": "财政补贴收入", "en": "subsidy paid", "unit": "万元"},
    "other_income": {"zh": "其他收入", "en": "other income", "unit": "万元"},
    "total_income": {"zh": "收入合计", "en": "total income", "unit": "万元"},
    "benefit_expenditure": {"zh": "待遇支出", "en": "benefits", "unit": "万元"},
    "other_expenditure": {"zh": "其他支出", "en": "other expenditure", "unit": "万元"},
    "total_expenditure": {"zh": "支出合计", "en": "total expenditure", "unit": "万元"},
    "balance": {"zh": "本年收支结余", "en": "balance of the year", "unit": "万元"},
    "reserve_start": {"zh": "年初滚存结余", "en": "reserve at year start", "unit": "万元"},
    "reserve_end": {"zh": "年末滚存结余", "en": "reserve at year end", "unit": "万元"},
    "subsidy_need": {"zh": "财政补贴需求", "en": "subsidy need", "unit": "万元"},
    "subsidy_central": {"zh": "其中：中央财政", "en": "of which central", "unit": "万元"},
    "subsidy_region": {"zh": "其中：{region}财政", "en": "of which {region}", "unit": "万元"},
    "subsidy_prefecture": {
        "zh": "其中：{prefecture}财政",
        "en": "of which {prefecture}",
        "unit": "万元",
    },
    "subsidy_county": {"zh": "其中：{county}财政", "en": "of which {county}", "unit": "万元"},
    "counties": {"zh": "县数", "en": "counties", "unit": ""},
    "paid_in": {"zh": "上解调剂金", "en": "paid in", "unit": "万元"},
    "gap": {"zh": "收支缺口", "en": "gap before subsidy", "unit": "万元"},
    "paid_out": {"zh": "下拨调剂金", "en": "paid out", "unit": "万元"},
    "need_after_pool": {"zh": "调剂后补助需求", "en": "need after the pool", "unit": "万元"},
    "need_region": {"zh": "其中：{region}负担", "en": "of which {region}", "unit": "万元"},
    "need_prefecture": {
        "zh": "其中：{prefecture}负担",
        "en": "of which {prefecture}",
        "unit": "万元",
    },
    "need_county": {"zh": "其中：{county}负担", "en": "of which {county}", "unit": "万元"},
    "counties_reserve_end": {
        "zh": "各县年末滚存结余合计",
        "en": "counties' reserves at year end",
        "unit": "万元",
    },
    "county": {"zh": "县", "en": "county", "unit": ""},
    "fund": {"zh": "基金", "en": "fund", "unit": ""},
    "year": {"zh": "年度", "en": "year", "unit": "年"},
    "rank": {"zh": "排名", "en": "rank", "unit": ""},
    "subsidy_per_contributor_yuan": {"zh": "人均补助", "en": "per contributor", "unit": "元/人·年"},
    "subsidy_share_of_revenue": {
        "zh": "占一般公共预算收入",
        "en": "share of budget revenue",
        "unit": "%",
    },
    "subsidy": {"zh": "补助", "en": "subsidy", "unit": "万元"},
}

#: The totals' lines shown in the terminal.
TOTAL_LINES = (
    "contributors",
    "beneficiaries",
    "contribution_income",
    "subsidy_income",
    "total_expenditure",
    "reserve_end",
    "subsidy_need",
    "subsidy_central",
    "subsidy_region",
    "subsidy_prefecture",
    "subsidy_county",
)
#: The pool's lines shown in the terminal.
POOL_LINES = (
    "paid_in",
    "gap",
    "paid_out",
    "reserve_end",
    "need_after_pool",
    *(f"need_{lv}" for lv in LEVELS_PAYING),
)
#: What the ranking's subsidy is, in words.
MEASURE_WORDS = {
    "zh": {"need": "补助需求", "paid": "补助收入"},
    "en": {"need": "subsidy need", "paid": "subsidy paid"},
}
#: Counties shown at the top of the ranking in the terminal (all are in the files).
RANKING_SHOWN = 10


def _w(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _levels(result: RegionResult, lang: str) -> dict[str, str]:
    return level_names(result.counties[0].scenario, lang)


def label(key: str, lang: str, levels: dict[str, str] | None = None) -> str:
    """A series' words with its unit: ``保险费收入(万元)``."""
    entry = WORDS[key]
    text = words(entry, lang, levels)
    unit = entry["unit"] if lang == "zh" else UNITS_EN.get(entry["unit"], entry["unit"])
    return f"{text}({unit})" if unit and unit != "年" else text


#: Units in English text (money stays in 万元, as every English table of the project has it).
UNITS_EN = {"人": "persons", "元/人·年": "yuan a year"}


def shown_years(years: Sequence[int]) -> list[int]:
    """The years a terminal table shows: the base year, the next five, then every fifth year
    and the last.

    >>> shown_years(list(range(2021, 2051)))
    [2021, 2022, 2023, 2024, 2025, 2026, 2031, 2036, 2041, 2046, 2050]
    """
    ys = list(years)
    out = ys[:6] + ys[10::5]
    if ys[-1] not in out:
        out.append(ys[-1])
    return out


def _money(x: float) -> str:
    text = f"{x:,.0f}"
    return "0" if text == "-0" else text


def format_region(result: RegionResult, lang: str = "zh") -> str:
    """The region's totals by fund, its pooled funds and the ranking of its counties."""
    levels = _levels(result, lang)
    name = getattr(result.region.header.name, lang)
    n = len(result.counties)
    y0, y1 = int(result.years[0]), int(result.years[-1])
    lines = wrapped(
        _w(
            f"{name}：{n}个县，{len(result.groups)}次批量计算；合计为各县之和（{y0}–{y1}年，"
            "各县均有预测的年度），金额单位万元。",
            f"{name}: {n} counties in {len(result.groups)} batched runs; totals are sums over "
            f"the counties ({y0}–{y1}, the years every county projects), money in 万元.",
            lang,
        )
    )
    years = shown_years([int(y) for y in result.years])
    index = {int(y): t for t, y in enumerate(result.years)}
    for fund, s in result.totals.items():
        lines += [
            "",
            _w(
                f"{FUND_LABELS[fund]['zh']}（{int(s['counties'][0])}个县合计）",
                f"{FUND_LABELS[fund]['en']} ({int(s['counties'][0])} counties)",
                lang,
            ),
        ]
        rows = [[""] + [str(y) for y in years]]
        for key in TOTAL_LINES:
            rows.append([label(key, lang, levels)] + [_money(s[key][index[y]]) for y in years])
        lines += fitted(rows, max_width=MAX_WIDTH)
    for fund, p in result.pool.items():
        level = _w(
            {"prefecture": "市（州）级", "province": "省级"}[p["level"]],
            p["level"] + " level",
            lang,
        )
        rules = result.region.pooling.of(fund)
        share = rules.contribution_share.value if rules.contribution_share else 0.0
        lines += [""] + wrapped(
            _w(
                f"{FUND_LABELS[fund]['zh']}：{level}统筹调剂金。各县按保险费收入的{share:.1%}上解，"
                "调剂金按收支缺口比例下拨；上解 = 下拨 + 调剂金结余变动。",
                f"{FUND_LABELS[fund]['en']}: adjustment fund pooled at the {level}. Each county "
                f"pays in {share:.1%} of its contributions; the fund pays out in proportion to "
                "the counties' gaps; paid in = paid out + change of the fund's reserve.",
                lang,
            )
        )
        rows = [[""] + [str(y) for y in years]]
        for key in POOL_LINES:
            values = p[key]
            row = [
                values[:, index[y]].sum() if values.ndim == 2 else values[index[y]] for y in years
            ]
            text = (
                label(key, lang, levels)
                if key != "reserve_end"
                else _w("调剂金年末结余(万元)", "the fund's reserve at year end (万元)", lang)
            )
            rows.append([text] + [_money(v) for v in row])
        lines += fitted(rows, max_width=MAX_WIDTH)
    lines += [""] + ranking_lines(result, lang)
    return "\n".join(lines)


def measure_words(rows: list[dict[str, Any]], lang: str) -> str:
    """What a fund's ranking measures: the subsidy paid (every county under the ``formula``
    rule) or the subsidy need."""
    paid = all(r["measure"] == "paid" for r in rows)
    return _w(
        "财政补贴收入" if paid else "财政补贴需求", "subsidy paid" if paid else "subsidy need", lang
    )


def ranking_lines(result: RegionResult, lang: str = "zh") -> list[str]:
    """Per fund, the counties with the highest subsidy per contributor."""
    lines: list[str] = []
    for fund in dict.fromkeys(r["fund"] for r in result.ranking):
        rows_of = [r for r in result.ranking if r["fund"] == fund]
        first, last = rows_of[0]["first_year"], rows_of[0]["last_year"]
        what = measure_words(rows_of, lang)
        shown = min(RANKING_SHOWN, len(rows_of))
        if lines:
            lines.append("")
        lines += wrapped(
            _w(
                f"{FUND_LABELS[fund]['zh']}：各县{first}–{last}年{what}合计除以缴费人数，"
                f"由高到低前{shown}名（共{len(rows_of)}个县）：",
                f"{FUND_LABELS[fund]['en']}: counties by {what} per contributor, {first}–{last}, "
                f"highest first (top {shown} of {len(rows_of)}):",
                lang,
            )
        )
        rows = [
            [
                label("rank", lang),
                label("county", lang),
                label("subsidy_per_contributor_yuan", lang),
                f"{what}(万元)",
                label("subsidy_share_of_revenue", lang),
            ]
        ]
        for r in rows_of[:RANKING_SHOWN]:
            share = r["subsidy_share_of_revenue"]
            per = r["subsidy_per_contributor_yuan"]
            rows.append(
                [
                    str(r["rank"]),
                    r["name_zh"] if lang == "zh" else r["name_en"],
                    "—" if per is None else f"{per:,.0f}",
                    _money(r["subsidy"]),
                    "—" if share is None else f"{share:.1%}",
                ]
            )
        lines += fitted(rows, left=(1,), max_width=MAX_WIDTH)
    return lines


# --------------------------------------------------------------------------------------------
# files


def county_rows(result: RegionResult) -> list[dict[str, Any]]:
    """The rows of region_counties.csv: county, its names, fund, year, every series."""
    names = {c.id: c.scenario.meta.county for c in result.counties}
    return [
        {
            "county": r["county"],
            "name_zh": names[r["county"]].zh,
            "name_en": names[r["county"]].en,
            **{k: v for k, v in r.items() if k != "county"},
        }
        for r in result.county_rows()
    ]


def csv_text(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV text of ``rows`` (every cell made safe for a spreadsheet); an absent value is blank."""
    import csv
    import io

    from model.output.safe_text import safe_cell

    buffer = io.StringIO()
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    w = csv.writer(buffer, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(k) is None else safe_cell(r.get(k)) for k in cols])
    return buffer.getvalue()


def ranking_rows(result: RegionResult) -> list[dict[str, Any]]:
    return [dict(r) for r in result.ranking]


def write_region(
    result: RegionResult, out_dir: str | Path, lang: str = "zh", force: bool = False
) -> list[Path]:
    """region_counties.csv, region_totals.csv, region_pool.csv, region_ranking.csv and
    region.xlsx, written all or nothing (:func:`model.output.io.write_folder`)."""
    from model.output.io import csv_bytes_writer, write_folder
    from model.output.workbook_style import (
        About,
        Column,
        RunSettings,
        ScenarioFacts,
        Sheet,
        column,
        header,
        write_workbook,
    )

    levels = _levels(result, lang)
    kinds = {"人": "persons", "万元": "money", "%": "share", "元/人·年": "yuan", "年": "year"}

    def col(key: str) -> Column:
        if key in ("fund",):
            return column("fund", lang)
        entry = WORDS.get(key)
        if entry is None:
            return Column(key, key, "text")
        unit = entry["unit"]
        kind = kinds.get(unit, "count" if key in ("rank", "counties") else "text")
        return Column(key, header(words(entry, lang, levels), unit, lang), kind)

    counties = county_rows(result)
    totals = result.total_rows()
    pool = result.pool_rows()
    ranking = ranking_rows(result)
    name_key = "name_zh" if lang == "zh" else "name_en"
    county_col = Column(name_key, _w("县", "county", lang), "text")
    sheets = [
        Sheet(
            _w("合计", "totals", lang),
            [col("fund"), col("year"), col("counties"), *(col(k) for k in SERIES)],
            totals,
            freeze_columns=2,
        ),
        Sheet(
            _w("各县", "counties", lang),
            [county_col, col("fund"), col("year"), *(col(k) for k in SERIES)],
            counties,
            freeze_columns=3,
        ),
        Sheet(
            _w("排名", "ranking", lang),
            [
                col("fund"),
                col("rank"),
                county_col,
                Column("measure", _w("口径", "measure", lang), values=MEASURE_WORDS[lang]),
                col("subsidy"),
                col("subsidy_per_contributor_yuan"),
                col("subsidy_share_of_revenue"),
            ],
            ranking,
            freeze_columns=3,
        ),
    ]
    if pool:
        sheets.append(
            Sheet(
                _w("调剂金", "adjustment fund", lang),
                [
                    col("fund"),
                    col("year"),
                    Column("county", _w("县", "county", lang)),
                    *(
                        col(k)
                        for k in (
                            "paid_in",
                            "gap",
                            "paid_out",
                            "need_after_pool",
                            "reserve_start",
                            "reserve_end",
                            *(f"need_{lv}" for lv in LEVELS_PAYING),
                        )
                    ),
                ],
                pool,
                freeze_columns=3,
            )
        )
    header_ = result.region.header
    facts = (
        ScenarioFacts(
            id=header_.id,
            region=getattr(header_.name, lang),
            base_year=int(result.years[0]),
            horizon=int(result.years[-1]),
            file=result.region.source,
            title=getattr(header_.name, lang),
        ),
    )
    about = About(
        facts,
        RunSettings(
            command="yanglao region",
            paths=(result.region.source,),
            years=(int(result.years[0]), int(result.years[-1])),
            lang=lang,
        ),
        notes=(
            _w(
                "合计为各县之和；调剂金：各县按保险费收入的固定比例上解，按收支缺口比例下拨"
                "（见 docs/region.md）",
                "totals are sums over the counties; the adjustment fund takes a share "
                "of each county's contributions and pays out in proportion to the "
                "gaps (docs/region.md)",
                lang,
            ),
        ),
    )
    return write_folder(
        out_dir,
        {
            "region_counties.csv": csv_bytes_writer(csv_text(counties)),
            "region_totals.csv": csv_bytes_writer(csv_text(totals)),
            "region_pool.csv": csv_bytes_writer(csv_text(pool, _POOL_COLUMNS)),
            "region_ranking.csv": csv_bytes_writer(csv_text(ranking)),
            "region.xlsx": lambda path: write_workbook(path, sheets, about, lang),
        },
        force=force,
    )


_POOL_COLUMNS = [
    "fund",
    "year",
    "county",
    "paid_in",
    "gap",
    "paid_out",
    "need_after_pool",
    "reserve_start",
    "reserve_end",
    *(f"need_{lv}" for lv in LEVELS_PAYING),
]
