"""Yanglao: cohort projections of Chinese county pension funds.

Public API (imported lazily, so that ``import model`` stays cheap for the command line)::

    from model import load_scenario, project, compare, sensitivity, simulate, make_budget, evaluate

Money is in 万元 (10,000 yuan) unless a name says otherwise.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_PUBLIC = {
    "load_scenario": "model.scenario.load",
    "Scenario": "model.scenario.schema",
    "project": "model.engine.project",
    "Projection": "model.engine.results",
    "compare": "model.analysis.compare",
    "sensitivity": "model.analysis.sensitivity",
    "simulate": "model.analysis.simulate",
    "make_budget": "model.analysis.budget",
    "load_outturn": "model.scenario.outturn",
    "evaluate": "model.analysis.evaluate",
    "rebase": "model.analysis.rebase",
    "backtest": "model.analysis.backtest",
    "check_base_year": "model.analysis.consistency",
    "YanglaoError": "model.errors",
    "ScenarioError": "model.errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
