"""Schedules start when they say.

A lever changed from 2025 leaves every projected figure of 2021–2024 as it was: before a
schedule's first stated year a projection year keeps the value in force in the base year
(stated or calibrated), and a variant that states ``{2025: x}`` keeps the base's earlier years
(``model.scenario.variants``). ``START_CASES`` changes one schedule-valued lever from 2025 the
way a variant file does; ``test_every_schedule_field_has_a_start_case`` walks the policy schema,
so a new schedule-valued field without a case here fails the suite.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

from model.engine.project import project
from model.scenario.load import load_scenario, validate_data
from model.scenario.schema import Policy, Scenario, Schedule
from model.scenario.variants import merge, model_fields_of
from tests.conftest import QITAI, with_changes

CS = "policy.civil_service"
RS = "policy.residents"
#: The first year a lever changes; the years before it must be exactly the reference's.
START = 2025
#: Relative tolerance of "exactly" (money in 万元, heads, rates).
REL = 1e-9


def s(value: Any) -> dict[str, Any]:
    return {"value": value, "source": "test"}


@dataclass(frozen=True)
class StartCase:
    """``override`` (dotted path → value) is merged into the scenario as a variant file would
    be; it changes ``field`` from ``START`` only. ``reference`` (dotted path → value, replacing)
    is what the lever is measured against where the shipped scenario has no such schedule (a
    fixed subsidy, a headcount growth rule): the reference states the value of the base year,
    the case adds a later one."""

    field: str
    override: dict[str, Any]
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.field.removeprefix("policy.").removeprefix("assumptions.")


def later(field: str, value: Any, reference: dict[str, Any] | None = None) -> StartCase:
    """``field`` stated from ``START`` on as a variant file states it: ``value: {2025: x}``."""
    return StartCase(field, {field: {"value": {START: value}}}, reference or {})


START_CASES = [
    # civil-service schedules stated in the shipped scenario: the variant keeps earlier years
    later(f"{CS}.contribution_rate_employer", 0.20),
    later(f"{CS}.contribution_rate_individual", 0.10),
    later(f"{CS}.contribution_base_floor", 1.0),
    later(f"{CS}.contribution_base_cap", 0.8),
    later(f"{CS}.collection_rate", 0.9),
    later(f"{CS}.indexation", 0.05),
    later(f"{CS}.minimum_contribution_years", 35),
    later(f"{CS}.funeral_grant_yuan", 20000),
    # schedules of rules the shipped scenario does not use: against a reference that uses the
    # rule with one value from the base year on
    later(f"{CS}.headcount.growth_rate", 0.03,
          {f"{CS}.headcount": {"rule": "growth", "growth_rate": s(0.01), "source": "test"}}),
    later(f"{CS}.headcount.replacement_ratio", 0.5,
          {f"{CS}.headcount": {"rule": "replacement", "replacement_ratio": s(0.9), "source": "test"}}),
    later(f"{CS}.headcount.path", 8000,
          {f"{CS}.headcount": {"rule": "path", "path": s({2021: 6816, 2040: 7000}), "source": "test"}}),
    later(f"{CS}.subsidy.amount", 30000,
          {f"{CS}.subsidy": {"rule": "fixed", "amount": s(15000), "source": "test"}}),
    later(f"{CS}.subsidy.share", 0.8,
          {f"{CS}.subsidy": {"rule": "share_of_expenditure", "share": s(0.5), "source": "test"}}),
    # the shipped transition ends in 2024: the reference runs it to 2030
    later(f"{CS}.benefit.transition.excess_share_paid", 0.5,
          {f"{CS}.benefit.transition.end_year": 2030.0}),
    # a share that applies after the base year only: stated from 2025 with nothing before it
    StartCase(f"{CS}.subsidy.arrears.share", {f"{CS}.subsidy.arrears": {
        "level": "county", "share": s({START: 0.5}), "paid": "never", "source": "test"}}),
    # residents
    later(f"{RS}.basic_pension_central_monthly_yuan", 200),
    # calibrated in the base year; stated from 2025 with nothing before it
    StartCase(f"{RS}.basic_pension_top_up_monthly_yuan",
              {f"{RS}.basic_pension_top_up_monthly_yuan": s({START: 150})}),
    StartCase(f"{RS}.participation_rate", {f"{RS}.participation_rate": s({START: 0.6})}),
    # the shipped grant is calibrated ("from_budget"); the reference states one from the base year
    later(f"{RS}.funeral_grant_yuan", 3000, {f"{RS}.funeral_grant_yuan": s(600)}),
    StartCase(f"{RS}.subsidy.arrears.share", {f"{RS}.subsidy.arrears": {
        "level": "county", "share": s({START: 1.0}), "paid": "next_year", "source": "test"}}),
    later(f"{RS}.subsidy.amount", 9000,
          {f"{RS}.subsidy": {"rule": "fixed", "amount": s(5000), "source": "test"}}),
    later(f"{RS}.subsidy.share", 0.9,
          {f"{RS}.subsidy": {"rule": "share_of_expenditure", "share": s(0.5), "source": "test"}}),
    StartCase("assumptions.residents.tier_mix_by_year",
              {"assumptions.residents.tier_mix_by_year": {START: {500: 0.5, 1000: 0.5}}}),
]

#: Schedule-like levers outside ``policy`` (or not typed as a ``Schedule``) that must have a case.
EXTRA_FIELDS = {"assumptions.residents.tier_mix_by_year"}


def _nest(dotted: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in dotted.items():
        node = out
        keys = path.split(".")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return out


def _scenario(qitai_data, qitai, override: dict[str, Any], reference: dict[str, Any]) -> Scenario:
    """The shipped scenario with ``reference`` replaced and ``override`` merged as a variant
    file's would be; its base year is the shipped scenario's history."""
    data, lines = qitai_data
    data = with_changes(data, reference)
    if override:
        data = merge(data, _nest(override), Scenario, qitai.meta.base_year)
    scenario = validate_data(data, lines, str(QITAI))
    scenario._history = qitai
    return scenario


def _differences(new, old, years: slice) -> list[str]:
    """Series of ``new`` that differ from ``old`` over ``years`` (index slice), each with the
    first year that differs and both values."""
    out = []
    for fund, arrays in old.funds.items():
        for name, was in arrays.items():
            now = new.funds[fund][name]
            a, b = was[:, years], now[:, years]
            off = np.abs(b - a) > REL * np.maximum(np.abs(a), 1.0)
            if off.any():
                t = int(
                    np.nonzero(off.reshape(off.shape[0], off.shape[1], -1).any(axis=(0, 2)))[0][0]
                )
                t += years.start or 0
                out.append(
                    f"{fund}.{name} (first in {int(old.years[t])}: "
                    f"{float(np.sum(now[:, t])):.6g} vs {float(np.sum(was[:, t])):.6g})"
                )
    return out


@pytest.fixture(scope="module")
def references(qitai_data, qitai, qitai_projection):
    cache: dict[str, Any] = {repr({}): qitai_projection}

    def get(reference: dict[str, Any]):
        key = repr(reference)
        if key not in cache:
            cache[key] = project(_scenario(qitai_data, qitai, {}, reference))
        return cache[key]

    return get


@pytest.mark.parametrize("case", START_CASES, ids=[c.id for c in START_CASES])
def test_lever_from_2025_leaves_2021_to_2024_alone(qitai_data, qitai, references, case):
    assert any(case.field == p or case.field.startswith(p + ".") for p in case.override), (
        f"the case for {case.field} does not change it"
    )
    old = references(case.reference)
    new = project(_scenario(qitai_data, qitai, case.override, case.reference))
    first = int(np.searchsorted(old.years, START))
    before = _differences(new, old, slice(0, first))
    assert not before, (
        f"{case.field} changed from {START} moved years before {START}: " + "; ".join(before)
    )
    assert _differences(new, old, slice(first, None)), (
        f"{case.field} changed from {START} moved nothing"
    )


def _schedule_fields(model: type[BaseModel], prefix: str) -> set[str]:
    """Dotted paths of every field whose type is (or may be) a ``Schedule``, at any depth."""
    out = set()
    for name, info in model.model_fields.items():
        sub = model_fields_of(info.annotation)
        if sub is None:
            continue
        path = f"{prefix}.{name}"
        if issubclass(sub, Schedule):
            out.add(path)
        else:
            out |= _schedule_fields(sub, path)
    return out


def test_every_schedule_field_has_a_start_case():
    fields = _schedule_fields(Policy, "policy") | EXTRA_FIELDS
    assert {
        f"{CS}.indexation",
        f"{RS}.basic_pension_top_up_monthly_yuan",
        f"{RS}.participation_rate",
        f"{CS}.subsidy.arrears.share",
        f"{RS}.subsidy.arrears.share",
    } <= fields, "the walk is broken"
    covered = {c.field for c in START_CASES}
    missing = sorted(fields - covered)
    assert not missing, f"schedule-valued fields with no case starting in {START}: {missing}"
    assert len(covered) == len(START_CASES), "two cases for one field"


def test_variant_file_starts_the_top_up_in_2025(tmp_path, qitai_projection):
    """A variant file stating the local top-up from 2025 only keeps the baseline's top-up in
    2022–2024 (the base year's, calibrated, and however the baseline carries it on)."""
    shutil.copyfile(QITAI, tmp_path / QITAI.name)  # extends stays inside the scenario folder
    rel = QITAI.name
    (tmp_path / "top-up-2025.yaml").write_text(
        "# What if the county raised its top-up of the residents' basic pension to 150 元/月 in 2025?\n"
        f"extends: {rel}\n"
        "meta:\n"
        "  id: top-up-2025\n"
        "  title: {zh: 2025年起地方加发基础养老金150元/月, en: local top-up 150 yuan a month from 2025}\n"
        "policy:\n"
        "  residents:\n"
        "    basic_pension_top_up_monthly_yuan:\n"
        f"      value: {{{START}: 150}}\n"
        '      source: "test: 150 元/月 from 2025"\n',
        encoding="utf-8",
    )
    scenario = load_scenario(tmp_path / "top-up-2025.yaml")
    assert scenario.history.meta.id == qitai_projection.scenario.meta.id
    result = project(scenario)
    years = result.years
    new = result.basis.residents.top_up_pension_monthly_yuan[0]
    old = qitai_projection.basis.residents.top_up_pension_monthly_yuan[0]
    before = years < START
    np.testing.assert_allclose(
        new[before],
        old[before],
        rtol=REL,
        err_msg=f"the top-up before {START} is not the baseline's",
    )
    assert new[years == START][0] == pytest.approx(150.0, rel=REL)
    assert (new[years > START] >= 150.0 - 1e-9).all()
    # the cash flows before 2025 are the baseline's too
    assert not _differences(result, qitai_projection, slice(0, int(np.searchsorted(years, START))))
