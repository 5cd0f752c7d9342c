"""Charts: the shipped CJK font, and Chinese text that renders without missing glyphs."""

from __future__ import annotations

import doctest
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import model.output.charts as charts
from model.errors import DataError, OutputError
from tests.conftest import ROOT

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
