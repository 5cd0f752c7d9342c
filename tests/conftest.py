"""Shared fixtures: the shipped Qitai scenario, and variants of it built from its YAML."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from model.engine.project import project
from model.scenario.load import read_yaml, validate_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _default_language(monkeypatch, tmp_path):
    """Tests see the program's own default language, whatever a developer's shell sets
    (YANGLAO_LANG) or their config file says (a config folder without one)."""
    monkeypatch.delenv("YANGLAO_LANG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


QITAI = ROOT / "scenarios" / "qitai-2021.yaml"


@pytest.fixture(scope="session")
def qitai_data() -> tuple[dict[str, Any], dict]:
    return read_yaml(QITAI)


def with_changes(
    data: dict[str, Any], changes: dict[str, Any], delete: Any = None
) -> dict[str, Any]:
    """A deep copy of parsed YAML ``data`` with dotted-path ``changes``; the value ``delete``
    removes the key."""
    data = copy.deepcopy(data)
    for path, value in changes.items():
        node = data
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[k]
        if value is delete:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return data


def variant(qitai_data, changes: dict[str, Any]):
    """The Qitai scenario with dotted-path ``changes`` applied to its YAML data, validated."""
    data, lines = qitai_data
    data = with_changes(data, changes, _DELETE)
    return validate_data(data, lines, str(QITAI))


_DELETE = object()
DELETE = _DELETE

#: A fund account's lines beside its totals, reserve and heads: without them an account is one of
#: totals only, as a yearbook states it (model.scenario.accounts estimates the rest).
LINES_BESIDE_TOTALS = (
    "contribution_income",
    "interest_income",
    "subsidy_income",
    "other_income",
    "benefit_expenditure",
    "other_expenditure",
    "balance",
    "income_increase",
    "income_growth",
    "expenditure_increase",
    "expenditure_growth",
    "income_budget",
    "income_budget_completion",
    "expenditure_budget",
    "expenditure_budget_completion",
    "expenditure_budget_pensions",
    "expenditure_budget_funeral",
    "dependency_ratio",
    "subsidy_arrears",
)


@pytest.fixture(scope="session")
def qitai(qitai_data):
    return variant(qitai_data, {})


@pytest.fixture(scope="session")
def qitai_projection(qitai):
    return project(qitai)
