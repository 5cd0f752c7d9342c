"""Charts: the shipped CJK font, and Chinese text that renders without missing glyphs."""

from __future__ import annotations

import doctest
import re
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import model.output.charts as charts
from model.errors import DataError, OutputError
from model.scenario.load import load_scenario
from tests.conftest import QITAI, ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "机关事业单位基本养老保险基金 年末滚存结余（万元）"
PLACE = "奇台县昌吉回族自治州新疆维吾尔自治区机关事业单位城乡居民养老保险基金滚存结余财政补贴"
PUNCTUATION = "，。：；（）、％！？“”‘’《》【】—…·￥"
# Place names with characters outside GB 2312 but in the 通用规范汉字表 (浉河区, 硚口区, 埇桥区).
BEYOND_GB2312 = "浉硚埇"


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, from its signature and IHDR chunk; fails on anything else."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    assert data[-8:-4] == b"IEND", f"{path} is truncated"
    return struct.unpack(">II", data[16:24])


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.fixture
def drawn(monkeypatch) -> list[dict]:
    """What every chart drawn in the test held once laid out and rendered: its title, whether
    the title lay inside the figure, every text of the figure, the y values of every line."""
    from matplotlib.text import Text

    seen: list[dict] = []
    close = charts._close

    def record(fig) -> None:
        ax = fig.axes[0]
        box = ax.title.get_window_extent(fig.canvas.get_renderer())
        seen.append({
            "title": ax.title.get_text(),
            "inside": charts.title_inside(fig, ax),
            "title_box": (box.x0, box.y0, box.x1, box.y1),
            "figure_box": tuple(fig.bbox.extents),
            "texts": [t.get_text() for t in fig.findobj(Text) if t.get_text()],
            "lines": [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()],
        })
        close(fig)

    monkeypatch.setattr(charts, "_close", record)
    return seen


@pytest.fixture(scope="module")
def comparison():
    """The Qitai baseline and every shipped variant, compared."""
    from model.analysis.compare import compare

    variants = sorted((ROOT / "scenarios" / "variants").glob("*.yaml"))
    return compare([load_scenario(QITAI)] + [load_scenario(p) for p in variants])


@pytest.fixture(scope="module")
def sensitivities():
    from model.analysis.sensitivity import sensitivity

    return sensitivity(load_scenario(QITAI), years=12, break_even=False)


@pytest.fixture(scope="module")
def charmap() -> dict[int, int]:
    from matplotlib import ft2font

    return ft2font.FT2Font(str(charts.font_path())).get_charmap()


# -- the font -----------------------------------------------------------------------------------


def test_font_is_shipped_with_its_licence_and_small():
    path = charts.font_path()
    assert path.is_file()
    assert 500_000 < path.stat().st_size < 6_000_000
    assert (path.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1
    assert "subset_font.py" in (path.parent / "SOURCE.md").read_text(encoding="utf-8")


def test_font_covers_ascii_punctuation_place_names(charmap):
    wanted = [chr(c) for c in range(0x20, 0x7F)] + list(PLACE + PUNCTUATION + BEYOND_GB2312)
    missing = [c for c in wanted if ord(c) not in charmap]
    assert not missing, f"not in the shipped font: {''.join(missing)!r}"


def test_font_covers_all_of_gb2312(charmap):
    hanzi = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(hanzi) == 6763
    missing = [c for c in hanzi if ord(c) not in charmap]
    assert not missing, f"{len(missing)} GB 2312 hanzi missing, e.g. {''.join(missing[:20])}"


def test_register_is_idempotent_and_findfont_resolves_to_shipped_file():
    from matplotlib import font_manager

    name = charts.register_cjk_font()
    assert name == charts.register_cjk_font() == "Noto Sans SC Yanglao"
    shipped = charts.font_path().resolve()
    entries = [f for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == shipped]
    assert len(entries) == 1
    found = font_manager.findfont(
        font_manager.FontProperties(family=name), fallback_to_default=False
    )
    assert Path(found).name == charts.FONT_FILE
    assert Path(found).resolve() == shipped


def test_missing_font_is_a_data_error(monkeypatch, tmp_path):
    monkeypatch.setattr(charts, "font_path", lambda: tmp_path / "NotoSansSC-Subset.ttf")
    with pytest.raises(DataError, match="NotoSansSC-Subset.ttf is missing"):
        charts.register_cjk_font()


def test_importing_charts_does_not_import_matplotlib():
    code = "import sys, model.output.charts; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# -- the charts ---------------------------------------------------------------------------------


def test_plot_paths_renders_chinese_without_missing_glyphs(tmp_path):
    import matplotlib

    years = np.arange(2021, 2051)
    base = 20_044 - np.cumsum(np.linspace(500, 4_000, years.size))
    series = {
        "基准": base,
        "不降费": base + np.linspace(0, 30_000, years.size),
        "奇台县（延迟退休）": base * 0.6,
    }
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = charts.plot_paths(years, series, TITLE, "万元", tmp_path / "sub" / "paths.png")
    assert glyph_warnings(caught) == []
    assert out == tmp_path / "sub" / "paths.png"
    assert out.stat().st_size > 20_000
    assert png_size(out) == (9 * charts.DPI, round(5.2 * charts.DPI))
    assert not list(out.parent.glob(".*.tmp"))
    assert dict(matplotlib.rcParams) == before, "plot_paths changed the caller's rcParams"


def test_plot_paths_in_english_keeps_chinese_names(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = charts.plot_paths([2021, 2022, 2023], {"奇台县 baseline": [1.5, -0.25, -2.0]},
                                "Reserve − subsidy", "10k yuan", tmp_path / "en.png", lang="en")
    assert glyph_warnings(caught) == []
    png_size(out)


def test_glyph_check_can_fail(tmp_path):
    """The warning the tests look for does appear when a chart's font lacks the glyphs."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.add_subplot().set_title(TITLE)
        fig.savefig(tmp_path / "tofu.png")
    assert glyph_warnings(caught)


def test_plot_tornado_renders_chinese_without_missing_glyphs(tmp_path):
    rows = [
        ("记账利率 ±1个百分点", -4_200.5, 4_600.2),
        ("缴费工资增长率 ±1%", -12_500.0, 13_800.0),
        ("死亡率 ±10%", 2_300.0, -2_100.0),
        ("奇台县财政补贴比例", -800.0, 300.0),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = charts.plot_tornado(rows, "城乡居民基本养老保险基金：滚存结余的敏感性（万元）",
                                  "与基准之差（万元）", tmp_path / "tornado.png")
    assert glyph_warnings(caught) == []
    assert out.stat().st_size > 20_000
    width, height = png_size(out)
    assert width == 9 * charts.DPI and height > 3 * charts.DPI


def test_tornado_order_is_by_larger_absolute_effect():
    rows = [("小", 1.0, -1.0), ("大", -5.0, 2.0), ("中", 0.0, 3.0), ("同向", 2.5, 2.9)]
    assert [r[0] for r in charts.sort_sensitivities(rows)] == ["大", "中", "同向", "小"]


def test_bad_input_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="3 values for 2 years"):
        charts.plot_paths([2021, 2022], {"基准": [1, 2, 3]}, TITLE, "万元", tmp_path / "a.png")
    with pytest.raises(OutputError, match="no series"):
        charts.plot_paths([2021], {}, TITLE, "万元", tmp_path / "b.png")
    with pytest.raises(OutputError, match="language"):
        charts.plot_paths([2021], {"基准": [1]}, TITLE, "万元", tmp_path / "c.png", lang="fr")
    with pytest.raises(OutputError, match="no sensitivities"):
        charts.plot_tornado([], TITLE, "万元", tmp_path / "d.png")
    with pytest.raises(OutputError, match="non-finite"):
        charts.plot_tornado([("利率", float("nan"), 1.0)], TITLE, "万元", tmp_path / "e.png")
    assert not list(tmp_path.iterdir())


def test_doctests():
    result = doctest.testmod(charts)
    assert result.attempted > 0 and result.failed == 0


# -- titles, languages, what the commands draw --------------------------------------------------

LONG_ZH = ("城乡居民基本养老保险基金：年末滚存结余可支付月数与按规则拨付的财政补贴，"
           "各情景逐年比较（万元、月）")
LONG_EN = ("urban-rural residents' fund: months of payouts the year-end reserve holds, and the "
           "subsidy paid under the rule, every scenario year by year")


@pytest.mark.parametrize("lang,title", [("zh", LONG_ZH), ("en", LONG_EN), ("zh", TITLE)])
def test_titles_are_never_clipped(tmp_path, drawn, lang, title):
    years = np.arange(2021, 2051)
    pct = np.vstack([np.linspace(0, 10, years.size) * k for k in (1, 2, 3, 4, 5)])
    charts.plot_paths(years, {"基准": years * 1.0, "变体": years * 2.0}, title, "万元",
                      tmp_path / "p.png", lang=lang)
    charts.plot_tornado([("工资增长率 ±1个百分点", -1.0, 2.0)], title, "万元", tmp_path / "t.png",
                        lang=lang)
    charts.plot_fan(years, pct, [5, 25, 50, 75, 95], title, "万元", tmp_path / "f.png", lang=lang)
    assert len(drawn) == 3
    for chart in drawn:
        x0, y0, x1, y1 = chart["title_box"]
        fx0, fy0, fx1, fy1 = chart["figure_box"]
        assert chart["inside"], chart
        assert fx0 - 0.5 <= x0 < x1 <= fx1 + 0.5 and fy0 - 0.5 <= y0 < y1 <= fy1 + 0.5
        assert chart["title"].replace("\n", "").replace(" ", "") == title.replace(" ", "")
        if title != TITLE:  # the long ones needed breaking
            assert "\n" in chart["title"]


def test_the_title_measure_can_fail():
    """An unbroken long title does stick out of the figure, and title_inside says so."""
    import matplotlib

    with matplotlib.rc_context(charts._style("zh")):
        fig, ax = charts._new_figure((9, 5.2))
        ax.set_title(LONG_ZH)
        fig.draw_without_rendering()
        assert not charts.title_inside(fig, ax)
        ax.set_title(charts.wrap_title(LONG_ZH, 2))
        fig.draw_without_rendering()
        assert charts.title_inside(fig, ax)


def test_wrap_title_breaks_at_phrases_and_never_inside_a_word():
    assert charts.wrap_title("机关事业单位基本养老保险基金：10年财政补贴需求变化", 2) == \
        "机关事业单位基本养老保险基金：\n10年财政补贴需求变化"
    wrapped = charts.wrap_title(LONG_EN, 3)
    assert wrapped.count("\n") == 2
    assert set(wrapped.replace("\n", " ").split()) == set(LONG_EN.split())
    assert charts.wrap_title("short", 1) == "short"


def test_compare_charts_say_something(tmp_path, drawn, comparison):
    """Every chart of compare tells the scenarios apart; the civil-service fund, whose reserve
    fill_gap holds at the same months of payouts in every scenario, has no reserve chart."""
    files = charts.comparison_charts(comparison, "zh")
    assert set(files) == {"subsidy_income_civil_service.png", "subsidy_income_residents.png",
                          "months_of_payout_residents.png"}
    for name, write in files.items():
        write(tmp_path / name)
    assert len(drawn) == 3
    for chart in drawn:
        lines = chart["lines"]
        assert len(lines) == len(comparison.ids)
        assert any(not np.allclose(y[1:], lines[0][1:], equal_nan=True) for y in lines[1:]), \
            chart["title"]
        assert "各情景相同" not in " ".join(chart["texts"])
    months = next(c for c in drawn if "可支付月数" in c["title"])
    # the residents' pension +20 元/月 variant: the reserve in 万元 stays, its months fall
    plus20 = comparison.ids.index("qitai-2021-residents-pension-plus20")
    assert months["lines"][plus20][-1] < 0.6 * months["lines"][0][-1]


def test_coinciding_lines_are_said_to_coincide(tmp_path, drawn):
    charts.plot_paths([2021, 2022], {"基准": [1.0, 2.0], "不降费": [1.0, 2.0]}, TITLE, "万元",
                      tmp_path / "same.png")
    charts.plot_paths([2021, 2022], {"基准": [1.0, 2.0], "不降费": [1.0, 3.0]}, TITLE, "万元",
                      tmp_path / "apart.png")
    assert "各情景相同，线条重合" in drawn[0]["texts"]
    assert not any("相同" in t for t in drawn[1]["texts"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_speak_one_language(tmp_path, drawn, comparison, sensitivities, lang):
    """Chinese charts hold no Latin letter; English charts no Chinese but the unit 万元."""
    files = {**charts.comparison_charts(comparison, lang),
             **charts.sensitivity_charts(sensitivities, lang)}
    for name, write in files.items():
        write(tmp_path / name)
    assert len(drawn) == len(files) == 5
    for chart in drawn:
        for text in chart["texts"]:
            if lang == "zh":
                assert not LATIN.search(text), (chart["title"], text)
            else:
                assert not CJK.search(text.replace("万元", "")), (chart["title"], text)
        assert chart["inside"], chart["title"]


def test_tornado_bars_carry_the_shock_sizes_in_both_languages(tmp_path, drawn, sensitivities):
    for lang, size in (("zh", "工资增长率 ±1个百分点"), ("en", "wage growth ±1 pp")):
        for name, write in charts.sensitivity_charts(sensitivities, lang).items():
            write(tmp_path / f"{lang}-{name}")
        assert size in drawn[-2]["texts"] + drawn[-1]["texts"]
        for chart, fund in zip(drawn[-2:], sensitivities.rows, strict=True):
            labels = {t for t in chart["texts"] if "±" in t}
            assert len(labels) == len(sensitivities.rows[fund]), labels


def test_a_chart_shows_inline_as_png(tmp_path):
    chart = charts.paths_chart([2021, 2022], {"基准": [1.0, 2.0]}, TITLE, "万元")
    assert chart._repr_png_()[:8] == PNG_SIGNATURE
    size = png_size(chart.save(tmp_path / "inline.png"))
    assert size == (9 * charts.DPI, round(5.2 * charts.DPI))
    assert (tmp_path / "inline.png").read_bytes() == chart.png
