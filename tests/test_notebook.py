"""The walkthrough notebook runs from top to bottom as a plain script, without Jupyter (so it
cannot rot), speaks Chinese first, and shows its charts inline instead of saving them."""

from __future__ import annotations

import re
import runpy

from model.output.charts import Chart
from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "qitai-walkthrough.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_walkthrough_runs_and_shows_its_charts_inline(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(NOTEBOOK), run_name="__main__")
    printed = capsys.readouterr().out
    assert "降费使县级财政10年多负担" in printed
    assert "落在区间内的概率" in printed
    for name in ("subsidy_chart", "fan"):
        chart = namespace[name]
        assert isinstance(chart, Chart)
        assert chart._repr_png_()[:8] == PNG_SIGNATURE
    assert not list(tmp_path.iterdir()), "the notebook wrote files"


def test_walkthrough_prose_is_chinese_first():
    """Every markdown cell opens with Chinese; the English follows it."""
    cells = NOTEBOOK.read_text(encoding="utf-8").split("# %% [markdown]")[1:]
    assert len(cells) >= 6
    for cell in cells:
        text = cell.split("# %%")[0]
        lines = [line.lstrip("# ").strip() for line in text.splitlines()]
        prose = [line for line in lines if line and not line.startswith("#")]
        chinese = [i for i, line in enumerate(prose) if re.search(r"[\u4e00-\u9fff]", line)]
        english = [i for i, line in enumerate(prose) if re.match(r"[A-Z][a-z]+ ", line)]
        assert chinese, prose[:2]
        assert chinese[0] < (english or [len(prose)])[0], prose[:2]
