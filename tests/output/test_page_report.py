"""The one-page report: a self-contained page whose numbers are the analyses' own, written all or
nothing, and checked in a real browser (headless Chromium) when one is installed.

Without a browser: the HTML loads nothing from outside (no script, no stylesheet link, every image
a ``data:`` PNG that decodes), the Chinese page has no Latin words but units and the scenario's
sources, the English page no Chinese but units and those sources, and every number the page marks
(``data-key``) equals the analysis' value formatted as the page formats it.

With a browser (``apt-get install chromium fonts-noto-cjk``): the page loads with no console
message, the screenshot has the size asked for and is not blank, the headline's region has ink,
the charts are drawn (their bar colours are on the screen), the DOM holds the Chinese headline,
the PDF has two A4 pages, and Chinese characters render as real glyphs (see
:func:`test_cjk_renders_as_glyphs`).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.report import report
from model.analysis.budget import make_budget
from model.analysis.sensitivity import sensitivity
from model.analysis.simulate import simulate
from model.errors import OutputError
from model.output import page_report
from model.output.io import MANIFEST
from model.output.page_report import build_page, money, page_css, write_page
from model.scenario.load import load_scenario
from tests.conftest import QITAI, ROOT

FUJIAN = ROOT / "scenarios" / "fujian-civil-service-2020.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WINDOW = (1240, 1754)  # A4 at 150 dpi
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def need_chromium() -> str:
    found = chromium()
    if found is None:
        pytest.skip("chromium is not installed: apt-get install chromium fonts-noto-cjk")
    return found


class Page(HTMLParser):
    """The parts of a page the tests read: attributes, marked numbers, text by section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.numbers: dict[str, str] = {}
        self.text: list[str] = []  # visible text outside the scenario's sources
        self.sources: list[str] = []
        self.items: dict[str, list[str]] = {}  # headline items per fund
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._key: str | None = None
        self._fund: str | None = None
        self._item: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("meta", "img", "br", "link"):
            return
        self._stack.append((tag, a))
        if "data-key" in a:
            self._key = a["data-key"]
            self.numbers[self._key or ""] = ""
        if tag == "div" and a.get("data-fund"):
            self._fund = a["data-fund"]
            self.items[self._fund or ""] = []
        if tag == "li" and self._fund is not None:
            self._item = []

    def handle_endtag(self, tag):
        while self._stack:
            t, a = self._stack.pop()
            if "data-key" in a:
                self._key = None
            if t == "li" and self._item is not None and self._fund is not None:
                self.items[self._fund].append("".join(self._item).replace("\xa0", " "))
                self._item = None
            if t == "div" and a.get("data-fund"):
                self._fund = None
            if t == tag:
                break

    def handle_data(self, data):
        if any(t in ("style", "title") for t, _ in self._stack):
            return
        if self._key is not None:
            self.numbers[self._key] += data
        if self._item is not None:
            self._item.append(data)
        if any("source" in (a.get("class") or "") for _, a in self._stack):
            self.sources.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def qitai():
    return load_scenario(QITAI)


@pytest.fixture(scope="module")
def pages(qitai):
    return {"zh": build_page(qitai), "en": build_page(qitai, lang="en", paths=1000, seed=0)}


@pytest.fixture(scope="module")
def analyses(qitai):
    """The analyses run here, apart from the page: its numbers must equal theirs."""
    return {
        "simulation": simulate(qitai, paths=1000, seed=0),
        "budget": make_budget(qitai, paths=1000, seed=0),
        "sensitivity": sensitivity(qitai, break_even=False),
    }


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR" and data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


# ------------------------------------------------------------------------------------------------
# without a browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_is_self_contained(pages, lang):
    text = pages[lang]
    page = Page(text)
    names = [t for t, _ in page.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    assert "@import" not in text and "url(" not in text
    images = [a for t, a in page.tags if t == "img"]
    # the subsidy paths, a fan chart per fund, a tornado per fund
    assert len(images) == 5
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = attrs.get(name)
            if value is not None:
                assert not re.match(r"\s*(https?:)?//", value), (tag, name, value[:80])
                assert value.startswith("data:image/png;base64,"), (tag, name, value[:80])
    for img in images:
        width, height = png_size(base64.b64decode((img["src"] or "").split(",", 1)[1]))
        assert width >= 600 and height >= 200
        assert img.get("alt")


def test_chinese_headline_in_the_bureaus_words(pages, analyses):
    page = Page(pages["zh"])
    lines = {x.key: x.budget for x in analyses["budget"].lines if x.fund == "civil_service"}
    year = analyses["budget"].year
    assert page.items["civil_service"][0] == (
        f"{year}年财政补贴需求 {money(lines['subsidy_income'])} 万元，"
        f"其中县级 {money(lines['subsidy_county'])} 万元"
    )
    res = {x.key: x.budget for x in analyses["budget"].lines if x.fund == "residents"}
    assert page.items["residents"][0] == (
        f"{year}年按规则拨付的财政补贴 {money(res['subsidy_income'])} 万元，其中中央 "
        f"{money(res['subsidy_central'])} 万元、自治区级 {money(res['subsidy_region'])} 万元、"
        f"县级 {money(res['subsidy_county'])} 万元"
    )
    assert page.items["civil_service"][1].startswith("财政补贴需求：未来5年（2022–2026年）累计 ")
    assert "<title>" in pages["zh"] and '<html lang="zh-CN">' in pages["zh"]


def test_numbers_are_the_analyses_numbers(pages, analyses):
    sim, budget, sens = analyses["simulation"], analyses["budget"], analyses["sensitivity"]
    det = sim.deterministic
    summary = det.summary()
    t = budget.year - int(det.years[0])
    expected: dict[str, str] = {}
    for fund in ("civil_service", "residents"):
        s = summary[fund]
        lines = {x.key: x for x in budget.lines if x.fund == fund}
        kind = "need" if sim.budget_series(fund) == "subsidy_need" else "paid"
        expected[f"{fund}.next_year"] = money(lines["subsidy_income"].budget)
        for lv in ("central", "region", "county"):
            if abs(lines[f"subsidy_{lv}"].budget) >= 0.005:
                expected[f"{fund}.by_level.{lv}"] = money(lines[f"subsidy_{lv}"].budget)
        expected[f"{fund}.5y"] = money(s[f"subsidy_{kind}_5y"])
        expected[f"{fund}.10y"] = money(s[f"subsidy_{kind}_10y"])
        expected[f"{fund}.depletion_year_without_subsidy"] = str(
            s["depletion_year_without_subsidy"]
        )
        expected[f"{fund}.months"] = f"{det.series(fund, 'months_of_payout')[t]:.1f}"
        expected[f"{fund}.dependency_base"] = f"{s['dependency_ratio_base']:.2f}"
        expected[f"{fund}.dependency_end"] = f"{s['dependency_ratio_end']:.2f}"
        key = "need" if kind == "need" else "paid"
        moving = [
            r for r in sens.rows[fund] if max(abs(r[f"{key}_down"]), abs(r[f"{key}_up"])) >= 0.005
        ]
        moving.sort(key=lambda r: max(abs(r[f"{key}_down"]), abs(r[f"{key}_up"])), reverse=True)
        for r in moving[: page_report.TOP_ASSUMPTIONS]:
            expected[f"sens.{fund}.{r['shock'].name}.down"] = f"{r[f'{key}_down']:+,.2f}"
            expected[f"sens.{fund}.{r['shock'].name}.up"] = f"{r[f'{key}_up']:+,.2f}"
    for x in budget.lines:
        if x.key in (
            "subsidy_income",
            "subsidy_county",
            "total_income",
            "total_expenditure",
            "balance",
            "reserve_end",
        ):
            expected[f"budget.{x.fund}.{x.key}"] = money(x.budget)
        if x.key == "subsidy_income":
            expected[f"budget.{x.fund}.subsidy_income.low"] = money(x.low)
            expected[f"budget.{x.fund}.subsidy_income.high"] = money(x.high)
    for target in budget.targets:
        if target["projected"] is not None and target["indicator"] == "months_of_payouts":
            expected[f"target.{target['fund']}.months of payouts held at year end"] = (
                f"{target['projected']:.1f}"
            )
    for lang in ("zh", "en"):
        shown = Page(pages[lang]).numbers
        for key, value in expected.items():
            assert shown.get(key) == value, (lang, key)
    # the Qitai headline as the analyses give it (values checked above): the civil-service
    # reserve is kept by the subsidy, and would run out in the budget year without it
    shown = Page(pages["zh"]).numbers
    assert "civil_service.depletion_year" not in shown and "residents.depletion_year" not in shown
    assert shown["civil_service.depletion_year_without_subsidy"] == str(budget.year)


def test_chinese_page_has_no_latin_words_and_english_no_chinese(pages):
    zh = Page(pages["zh"])
    text = " ".join(zh.text)
    assert not re.findall(r"[A-Za-z]{2,}", text), re.findall(r"[A-Za-z]{2,}", text)[:10]
    assert zh.sources  # the scenario's sources are shown as written
    en = Page(pages["en"])
    # the unit 万元 stays Chinese in English output
    text = " ".join(en.text).replace("万元", "")
    assert not CJK.findall(text), CJK.findall(text)[:10]


def test_one_fund_scenario():
    page = Page(build_page(load_scenario(FUJIAN), paths=200))
    assert list(page.items) == ["civil_service"]
    assert not any(k.startswith("budget.combined") for k in page.numbers)
    assert page.items["civil_service"][0].startswith("2021年财政补贴需求 ")
    assert len([t for t, _ in page.tags if t == "img"]) == 3


@pytest.fixture
def quick(monkeypatch, pages):
    """write_page without recomputing: the page built once by the module's fixture."""
    monkeypatch.setattr(page_report, "build_page", lambda scenario, **kw: pages[kw["lang"]])


def test_written_whole_without_a_pdf_engine(tmp_path, qitai, quick, monkeypatch, pages):
    monkeypatch.setattr(page_report, "pdf_engine", lambda: None)
    out = tmp_path / "报告"
    written = write_page(qitai, out, lang="zh", paths=1000, seed=0, force=False)
    assert written == [out / "report.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "report.html"])
    assert (out / "report.html").read_text(encoding="utf-8") == pages["zh"]
    # again: the earlier run's folder is replaced; a folder with other files is refused
    write_page(qitai, out, lang="en", paths=1000, seed=0, force=False)
    assert (out / "report.html").read_text(encoding="utf-8") == pages["en"]
    (out / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="did not write"):
        write_page(qitai, out, lang="zh", paths=1000, seed=0, force=False)
    assert (out / "mine.txt").exists()


def test_a_failing_engine_leaves_nothing(tmp_path, qitai, quick, monkeypatch):
    fake = tmp_path / "fake-browser"
    fake.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(page_report, "pdf_engine", lambda: str(fake))
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="could not print the page to PDF .exit 3.: cannot start"):
        write_page(qitai, out, lang="zh", paths=1000, seed=0, force=False)
    assert not out.exists() and list(tmp_path.iterdir()) == [fake]


app = typer.Typer(pretty_exceptions_enable=False)
app.command()(report)
runner = CliRunner()


def test_cli_writes_and_says_so(tmp_path, quick, monkeypatch):
    monkeypatch.setattr(page_report, "pdf_engine", lambda: None)
    out = tmp_path / "out"
    result = runner.invoke(app, [str(QITAI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"已写入：{out / 'report.html'}" in result.output
    assert "只写了 report.html" in result.output
    assert (out / "report.html").is_file()
    result = runner.invoke(app, [str(QITAI), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0 and "only report.html was written" in result.output


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    for args in (
        [str(bad), "--out", str(tmp_path / "o")],
        [str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o")],
        [str(QITAI), "--out", str(tmp_path / "o"), "--paths", "5"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "o").exists()
    result = runner.invoke(app, [str(QITAI)])
    assert result.exit_code == 2 and "--out" in result.output


# ------------------------------------------------------------------------------------------------
# in a real browser


def run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        browser,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_messages(stderr: str) -> list[str]:
    """What the page said or failed to load: console lines and network errors (Chromium's own
    complaints about D-Bus, GPU or the sandbox in a container are not the page's)."""
    return [
        line
        for line in stderr.splitlines()
        if "CONSOLE" in line
        or "net::ERR" in line
        or "Failed to load" in line
        or "Not allowed to load" in line
    ]


def ink(image, box) -> float:
    """Share of dark pixels (any channel below 128) in ``box`` of a PIL image."""
    region = image.convert("L").crop(box)
    return sum(region.histogram()[:128]) / (region.width * region.height)


@pytest.fixture(scope="module")
def browsed(tmp_path_factory, qitai, pages):
    browser = need_chromium()
    root = tmp_path_factory.mktemp("browser")
    out = root / "out"
    mp = pytest.MonkeyPatch()
    mp.setattr(page_report, "build_page", lambda scenario, **kw: pages[kw["lang"]])
    try:
        written = write_page(qitai, out, lang="zh", paths=1000, seed=0, force=False)
    finally:
        mp.undo()
    url = (out / "report.html").as_uri()
    shot = out / "screenshot.png"
    done = run_browser(
        browser,
        root / "profile",
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        url,
    )
    full = root / "full.png"
    whole = run_browser(
        browser, root / "profile", f"--screenshot={full}", f"--window-size={WINDOW[0]},6000", url
    )
    dom = run_browser(browser, root / "profile", "--dump-dom", url)
    return {
        "browser": browser,
        "root": root,
        "out": out,
        "written": written,
        "shot": shot,
        "full": full,
        "stderr": done.stderr + whole.stderr + dom.stderr,
        "dom": dom.stdout,
    }


def test_page_loads_in_chromium(browsed, pages):
    from PIL import Image

    assert console_messages(browsed["stderr"]) == []
    shot = browsed["shot"]
    assert shot.parent == browsed["out"] and shot.is_file()
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    # not blank: a page of text and tables inks some of the sheet, and not all of it
    assert 0.01 < ink(image, (0, 0, *WINDOW)) < 0.5
    # the title (h1) is the first line: ink across the top band of the page's column
    assert ink(image, (90, 15, 700, 55)) > 0.03
    # the headline boxes are drawn (their pale blue background) below it
    colours = {c for _, c in image.crop((90, 100, 1150, 300)).getcolors(1 << 20)}
    assert (0xF4, 0xF8, 0xFC) in colours
    # the charts are drawn from their data: URIs (the tornado's bar colours are on the page)
    full = Image.open(browsed["full"]).convert("RGB")
    colours = {c for _, c in full.getcolors(1 << 22)}
    assert {(0x4C, 0x72, 0xB0), (0xDD, 0x84, 0x52)} <= colours
    # the DOM the browser built holds the Chinese headline and all five charts
    first = Page(pages["zh"]).items["civil_service"][0]
    assert first in Page(browsed["dom"]).items["civil_service"][0]
    assert browsed["dom"].count("<img ") == 5


def test_pdf_is_two_a4_pages(browsed):
    assert [p.name for p in browsed["written"]] == ["report.html", "report.pdf"]
    pdf = (browsed["out"] / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
    boxes = {
        tuple(round(float(x)) for x in m.split())
        for m in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)
    }
    assert boxes == {(0, 0, 595, 842)}  # A4 in points


def rendered_glyphs(browser: str, root: Path, name: str, env: dict[str, str] | None = None):
    """Three large characters (补, 需, 补) in the page's own stylesheet, screenshot and cut
    into their cells: (the ink of each cell, whether the two 补 are identical, the share of
    pixels where 补 and 需 differ)."""
    from PIL import Image, ImageChops

    cells = "".join(
        f'<div style="position:absolute;left:{20 + 220 * i}px;top:20px;width:200px;height:200px;'
        f'font-size:160px;line-height:200px;text-align:center">{c}</div>'
        for i, c in enumerate("补需补")
    )
    probe = root / f"{name}.html"
    probe.write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        f"{page_css('zh')}</style></head><body>{cells}</body></html>",
        encoding="utf-8",
    )
    shot = root / f"{name}.png"
    cmd = [
        browser,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={root / ('profile-' + name)}",
        f"--screenshot={shot}",
        "--window-size=700,260",
        probe.as_uri(),
    ]
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )
    assert done.returncode == 0, done.stderr[-2000:]
    image = Image.open(shot).convert("L")
    crops = [image.crop((20 + 220 * i, 20, 220 + 220 * i, 220)) for i in range(3)]
    inks = [ink(c, (0, 0, 200, 200)) for c in crops]
    same = ImageChops.difference(crops[0], crops[2]).getbbox() is None
    differ = ImageChops.difference(crops[0], crops[1]).point(lambda v: 255 if v > 64 else 0)
    return inks, same, sum(differ.histogram()[255:]) / (200 * 200)


def test_cjk_renders_as_glyphs(browsed):
    """Chinese renders as real glyphs with the page's own stylesheet on this machine.

    A missing glyph is drawn as the same box (or nothing) whatever the character, so two
    different characters drawn large in the page's fonts must each leave ink and differ from
    each other, while two renderings of the same character are identical (so that a difference
    means different glyphs, not noise). As a control, the same probe with the browser's fonts
    cut down to DejaVu (no CJK) is seen to fail the comparison.
    """
    browser, root = browsed["browser"], browsed["root"]
    inks, same, changed = rendered_glyphs(browser, root, "probe")
    assert all(x > 0.02 for x in inks) and same
    assert changed > 0.02, "补 and 需 render alike: no CJK font (apt-get install fonts-noto-cjk)"
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if dejavu.is_dir():
        conf = root / "fonts.conf"
        conf.write_text(
            f'<?xml version="1.0"?><fontconfig><dir>{dejavu}</dir>'
            f"<cachedir>{root / 'fc-cache'}</cachedir></fontconfig>",
            encoding="utf-8",
        )
        _, same, changed = rendered_glyphs(browser, root, "tofu", {"FONTCONFIG_FILE": str(conf)})
        assert same and changed < 0.005, "the probe does not tell missing glyphs from real ones"


def test_assumptions_show_the_scenarios_values_and_sources(qitai, pages):
    cs = qitai.policy.civil_service
    assert page_report.assumption_base(qitai, "indexation", "civil_service", 2022) == (
        "4%",
        cs.indexation.source,
    )
    assert page_report.assumption_base(qitai, "retirement_age", "civil_service", 2022, "en") == (
        "men 60, women 55 / 50",
        cs.retirement_age.source,
    )
    rs = qitai.policy.residents
    assert page_report.assumption_base(qitai, "residents_pension", "residents", 2022) == (
        "98 元/月",
        rs.basic_pension_central_monthly_yuan.source,
    )
    # the page shows the largest shocks' sources as the scenario gives them
    shown = Page(pages["zh"]).sources
    assert cs.indexation.source in shown and rs.basic_pension_central_monthly_yuan.source in shown
    assert "<td>4%</td><td>±1个百分点</td>" in pages["zh"]
