"""Run the doctest examples of the small helper modules."""

import doctest
import importlib

import pytest

MODULES = ["model.units", "model.scenario.schedule", "model.retirement", "model.demography", "model.budget",
           "model.fund", "model.report", "model.safe_text"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
