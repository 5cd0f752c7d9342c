"""Run the doctest examples of the small helper modules."""

import doctest
import importlib

import pytest

MODULES = ["model.units", "model.scenario.schedule", "model.engine.retirement", "model.engine.demography", "model.analysis.budget",
           "model.engine.fund", "model.output.report", "model.output.safe_text"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
