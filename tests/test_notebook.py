"""The walkthrough notebook runs from top to bottom (so it cannot rot)."""

from __future__ import annotations

import runpy

from tests.conftest import ROOT


def test_walkthrough_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("YANGLAO_NOTEBOOK_OUT", str(tmp_path))
    runpy.run_path(str(ROOT / "notebooks" / "qitai-walkthrough.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "fee cut costs the county" in printed
    assert "P(in band)" in printed
    assert (tmp_path / "fan_subsidy_need.png").stat().st_size > 0
