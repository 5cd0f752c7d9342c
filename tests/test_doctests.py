"""Run the doctest examples of every module of ``model/`` that has any, found by walking the
package, so that a new module's examples are run without being listed here."""

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "model").rglob("*.py")
    if ">>> " in p.read_text(encoding="utf-8")
)


def test_the_walk_finds_the_helpers():
    assert {"model.units", "model.output.text", "model.output.safe_text"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
