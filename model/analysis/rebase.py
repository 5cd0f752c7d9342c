"""Roll a scenario forward one year: the outturn of the year after the base year becomes the new
base year, and the members the engine projected for that year become the new age profiles.

``yanglao rebase SCENARIO OUTTURN.yaml --out NEW.yaml`` closes the yearly cycle budget → outturn
→ evaluate → rebase. What changes, and where each new value comes from (written into its
``source``):

* ``meta.base_year`` is the outturn's year; ``meta.id`` gains the year; the horizon is kept (or
  moved a year on if it would no longer follow the base year);
* ``base_year`` is the outturn's figures, as stated;
* the county population (total and single-age structure) and the civil-service contributors'
  age profile and group shares are those projected for the new base year from the old one;
* the regional wage history gains the old base year's wage; a residents' funeral grant taken from
  a budget the outturn no longer states is carried as the amount it implied;
* everything else (assumptions, policy) is carried over unchanged.

The new scenario is validated and calibrated before anything is written: its base year then
reproduces the outturn.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from model.scenario.names import CS_GROUPS
from model.engine.basis import build_basis
from model.errors import YanglaoError
from model.engine.project import project_basis
from model.scenario.schema import Scenario


def rebase_data(scenario: Scenario, outturn) -> dict[str, Any]:
    """The data of the rolled-forward scenario (validated by :func:`rebase`)."""
    old = scenario.meta.base_year
    year = outturn.outturn.year
    if year != old + 1:
        raise YanglaoError(f"the outturn is for {year}; rebasing rolls a scenario with base year "
                           f"{old} forward to {old + 1} only")
    missing = [f for f in scenario.funds if getattr(outturn, f) is None]
    if missing:
        raise YanglaoError(f"the outturn states no figures for {', '.join(missing)}, which the scenario has")
    basis = build_basis(scenario, 1)
    result = project_basis(basis)
    data = copy.deepcopy(scenario.model_dump(mode="python", exclude_none=True))
    src = f"projected by yanglao from the {old} base year of scenario {scenario.meta.id}"

    meta = data["meta"]
    meta["id"] = f"{scenario.meta.id}-rebased-{year}"
    meta["base_year"] = year
    meta["horizon"] = max(scenario.meta.horizon, year + 1)
    meta["title"] = {"zh": f"{scenario.meta.title.zh}（{year}年基期）", "en": f"{scenario.meta.title.en} (base year {year})"}
    out_dump = outturn.model_dump(mode="python", exclude_none=True)
    data["base_year"] = {k: out_dump[k] for k in ("combined", "civil_service", "residents") if k in out_dump}

    assumptions = data["assumptions"]
    if "civil_service" in result.funds:
        actives = result.funds["civil_service"]["actives"][0, 1]  # (G, A) at the end of the new base year
        by_age = actives.sum(0)
        ages = np.nonzero(by_age > 0)[0]
        cs = assumptions["civil_service"]
        cs["contributor_age_profile"] = {
            "weights": {int(a): round(float(by_age[a]), 6) for a in ages},
            "band_width": 1, "last_age": int(ages.max()), "source": src}
        shares = actives.sum(1) / actives.sum()
        shares = np.round(shares, 6)
        shares[0] = round(1 - shares[1:].sum(), 6)
        cs["contributor_groups"] = {g: float(v) for g, v in zip(CS_GROUPS, shares, strict=True)} | {"source": src}
    if "residents" in result.funds:
        pop = result.funds["residents"]["population"][0, 1]  # (2, A)
        population = assumptions["population"]
        population["total_persons"] = {"value": round(float(pop.sum()), 2), "unit": "人", "source": src}
        population["age_structure"] = {
            "weights": {a: round(float(v), 6) for a, v in enumerate(pop.sum(0))},
            "band_width": 1, "last_age": 100, "source": src}
        population["male_share"] = {"value": round(float(pop[0].sum() / pop.sum()), 6), "unit": "/1", "source": src}
        residents = data["policy"]["residents"]
        stated = outturn.residents
        if residents.get("funeral_grant_yuan") == "from_budget" and stated.expenditure_budget_funeral is None:
            grant = next(c.value for c in basis.calibration if c.fund == "residents" and c.name == "funeral_grant_yuan")
            residents["funeral_grant_yuan"] = {"value": round(float(grant), 2), "unit": "元",
                                               "source": f"derived: the grant implied by the {old} funeral budget"}
    history = assumptions["economy"]["average_wage_region_history_yuan"]
    if isinstance(history["value"], dict) and old not in history["value"]:
        from model.engine.basis import Years, regional_wages

        _, wages = regional_wages(scenario, Years(scenario, basis.years))
        from model.engine.basis import HISTORY_START

        history["value"] = {**history["value"], old: round(float(wages[old - HISTORY_START]), 2)}
    return data


def rebase(scenario: Scenario, outturn) -> Scenario:
    """The rolled-forward scenario, validated and calibrated (its base year is the outturn)."""
    from pydantic import ValidationError

    try:
        new = Scenario.model_validate(rebase_data(scenario, outturn))
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise YanglaoError(f"the rolled-forward scenario is not valid: {field}: {first['msg']}; "
                           "expected an outturn whose figures a scenario can hold") from None
    # calibrate now, so that a scenario that cannot be calibrated is not written; its base
    # year is the outturn, so an error names the outturn's figure
    new._source = getattr(outturn, "_source", None)
    new._lines = _BaseYearLines(getattr(outturn, "_lines", None))
    build_basis(new, 1)
    return new


class _BaseYearLines:
    """The line of ``base_year.<fund>.<figure>`` of a rolled-forward scenario: the line of
    ``<fund>.<figure>`` in the outturn file it came from."""

    def __init__(self, outturn_lines):
        self._lines = outturn_lines

    def __getitem__(self, key: tuple) -> int:
        if self._lines is None or not key or key[0] != "base_year":
            raise KeyError(key)
        return self._lines[key[1:]]
