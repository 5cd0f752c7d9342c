"""A region file: many county scenarios run as one region, and how each fund is pooled.

A region file (YAML) names its counties and the level at which each fund is pooled::

    schema_version: 1
    region: {id: example, name: {zh: …州, en: … Prefecture}, level: prefecture, province: "65"}
    counties: [counties/a.yaml, counties/b.yaml]   # relative to this file, inside its folder
    folder: counties/                              # and/or: every *.yaml in this folder
    pooling:
      civil_service:
        level: prefecture                          # county | prefecture | province
        contribution_share: {value: 0.03, source: "…"}
        subsidy_shares: {region: 0.4, county: 0.6, source: "…"}
      residents: {level: county}

A fund pooled at the county level has no pool: each county keeps its own fund. A fund pooled
above the county has a provincial adjustment fund (调剂金, see ``docs/region.md``): each county
pays in (上解) ``contribution_share`` of its contribution income, the pool pays out (下拨) to
counties in deficit in proportion to their gaps, and what the counties still lack after the pool
is paid by the levels of government in ``subsidy_shares`` (fractions summing to 1).

The file is read like a scenario (:func:`model.scenario.load.read_yaml`: the same limits, no
duplicate keys, no aliases) and validated with the same messages (file, line, field, what is
expected; :func:`model.scenario.load.validate_model`). County files must be ``.yaml``/``.yml``
files inside the region file's folder; each is loaded as a scenario (``extends:`` allowed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from model.errors import Problem, ScenarioError
from model.scenario.schema import Bilingual, Source, StrictModel

#: Pooling levels from the lowest, in the order a region's level bounds them.
POOLING_LEVELS = ("county", "prefecture", "province")

#: The most counties a region file may name (a province has at most about 200 counties; the
#: limit keeps a mistaken folder from loading thousands of files).
MAX_COUNTIES = 1000

#: The suffixes of a county file.
COUNTY_SUFFIXES = (".yaml", ".yml")


class RegionHeader(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: Bilingual
    level: Literal["prefecture", "province"] = Field(
        description="the level of government the region is: a prefecture or a province"
    )
    province: str | None = Field(
        default=None,
        pattern=r"^[1-6][0-9]$",
        description="the province's code (GB/T 2260, two digits); every county's meta.province "
        "must agree where stated",
    )


class Share(StrictModel):
    value: float = Field(ge=0.0, le=1.0, description="a fraction, 0.03 for 3%")
    source: Source


class SubsidyShares(StrictModel):
    """The shares of the pool's remaining subsidy need paid by each level (fractions, sum 1)."""

    region: float = Field(default=0.0, ge=0.0, le=1.0, description="the province (省/自治区)")
    prefecture: float = Field(default=0.0, ge=0.0, le=1.0)
    county: float = Field(default=0.0, ge=0.0, le=1.0)
    source: Source

    @model_validator(mode="after")
    def _sum_to_one(self) -> SubsidyShares:
        total = self.region + self.prefecture + self.county
        if abs(total - 1.0) > 1e-9:
            raise ValueError(
                f"expected shares region + prefecture + county summing to 1, got {total:g}"
            )
        return self

    def of(self, level: str) -> float:
        return float(getattr(self, level))


class FundPooling(StrictModel):
    """How one fund is pooled across the region's counties."""

    level: Literal["county", "prefecture", "province"] = Field(
        description="the level at which the fund is pooled (统筹层次)"
    )
    contribution_share: Share | None = Field(
        default=None,
        description="the share of each county's contribution income paid into the adjustment "
        "fund (上解比例); needed when the fund is pooled above the county",
    )
    subsidy_shares: SubsidyShares | None = Field(
        default=None,
        description="who pays what the counties still lack after the adjustment fund; needed "
        "when the fund is pooled above the county",
    )
    opening_reserve: float = Field(
        default=0.0,
        ge=0.0,
        description="the adjustment fund's reserve at the end of the base "
        "year, 万元 (default 0: a new fund)",
    )

    @model_validator(mode="after")
    def _rules_where_pooled(self) -> FundPooling:
        if self.level != "county":
            missing = [
                k for k in ("contribution_share", "subsidy_shares") if getattr(self, k) is None
            ]
            if missing:
                raise ValueError(
                    f"a fund pooled at the {self.level} level needs "
                    + " and ".join(missing)
                    + " (the adjustment fund's rules)"
                )
        return self

    @property
    def pooled(self) -> bool:
        return self.level != "county"


class Pooling(StrictModel):
    civil_service: FundPooling = FundPooling(level="county")
    residents: FundPooling = FundPooling(level="county")

    def of(self, fund: str) -> FundPooling:
        return getattr(self, fund)


class RegionFile(StrictModel):
    """The region file's document; unknown keys are errors."""

    schema_version: Literal[1]
    region: RegionHeader
    counties: list[str] | None = Field(
        default=None, description="county scenario files, relative to the region file"
    )
    folder: str | None = Field(
        default=None,
        description="a folder (relative to the region file) whose every *.yaml "
        "file is a county scenario",
    )
    pooling: Pooling = Pooling()


@dataclass(frozen=True)
class Region:
    """A validated region: its header, pooling rules, and the county files in order."""

    header: RegionHeader
    pooling: Pooling
    county_files: tuple[Path, ...]
    source: str

    @property
    def id(self) -> str:
        return self.header.id


def load_region_file(path: str | Path) -> Region:
    """Read and validate a region file and find its county files (not yet loaded).

    Raises
    ------
    ScenarioError
        One problem per mistake: file, line, field and what is expected; a county file that is
        missing, outside the region's folder or not a .yaml file is named at its line.
    """
    from model.scenario.load import read_yaml, validate_model

    name = str(path)
    data, lines = read_yaml(path)
    doc = validate_model(data, lines, name, RegionFile)
    folder = Path(path).parent.resolve()
    problems: list[Problem] = []
    if not doc.counties and doc.folder is None:
        problems.append(
            Problem(
                name,
                "counties",
                "expected counties (a list of scenario files) or folder "
                "(a folder of them), or both",
                None,
            )
        )
    for fund in ("civil_service", "residents"):
        level = doc.pooling.of(fund).level
        if POOLING_LEVELS.index(level) > POOLING_LEVELS.index(doc.region.level):
            allowed = "county or prefecture" if doc.region.level == "prefecture" else "county"
            problems.append(
                Problem(
                    name,
                    f"pooling.{fund}.level",
                    f"{level} is above the region's level {doc.region.level}; expected "
                    f"{allowed} (the file holds only the region's counties)",
                    lines.get(("pooling", fund, "level")),
                )
            )
    files: list[Path] = []
    for i, entry in enumerate(doc.counties or []):
        found = _inside(entry, folder, name, ("counties", i), lines, problems, file=True)
        if found is not None:
            files.append(found)
    if doc.folder is not None:
        where = _inside(doc.folder, folder, name, ("folder",), lines, problems, file=False)
        if where is not None:
            listed = sorted(
                p.resolve()
                for p in where.iterdir()
                if p.suffix.lower() in COUNTY_SUFFIXES and p.is_file()
            )
            if not listed:
                problems.append(
                    Problem(
                        name,
                        "folder",
                        f"{doc.folder!r} holds no .yaml file; expected county scenario files in it",
                        lines.get(("folder",)),
                    )
                )
            files.extend(listed)
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    if len(unique) > MAX_COUNTIES:
        problems.append(
            Problem(
                name,
                "counties",
                f"{len(unique)} county files; the limit is {MAX_COUNTIES}",
                lines.get(("counties",)),
            )
        )
    if problems:
        raise ScenarioError(problems)
    return Region(doc.region, doc.pooling, tuple(unique), name)


def _inside(
    entry: str,
    folder: Path,
    name: str,
    key: tuple[Any, ...],
    lines: Mapping[tuple[Any, ...], int],
    problems: list[Problem],
    *,
    file: bool,
) -> Path | None:
    field = ".".join(map(str, key))
    line = lines.get(key)
    shown = repr(entry) if len(repr(entry)) <= 80 else repr(entry)[:79] + "…"
    what = "a county scenario .yaml file" if file else "a folder of county scenario files"
    if not entry.strip() or "\x00" in entry or Path(entry).is_absolute() or entry.startswith("~"):
        problems.append(
            Problem(
                name,
                field,
                f"{shown} is not a relative path; expected {what} relative to the region file",
                line,
            )
        )
        return None
    try:
        resolved = (folder / entry).resolve()
    except (OSError, RuntimeError):
        problems.append(Problem(name, field, f"{shown} cannot be resolved; expected {what}", line))
        return None
    if not resolved.is_relative_to(folder):
        problems.append(
            Problem(
                name,
                field,
                f"{shown} leads outside the region's folder {folder}; expected {what} inside it",
                line,
            )
        )
        return None
    if file and not resolved.name.lower().endswith(COUNTY_SUFFIXES):
        problems.append(
            Problem(name, field, f"{shown} does not name a .yaml file; expected {what}", line)
        )
        return None
    if (file and not resolved.is_file()) or (not file and not resolved.is_dir()):
        problems.append(
            Problem(
                name, field, f"{shown} not found; expected {what} relative to the region file", line
            )
        )
        return None
    return resolved


def load_region(path: str | Path):
    """The region file and its county scenarios, loaded and checked: ``(Region, [Scenario])``.

    Every county must have the same base year, and its ``meta.province`` must be the region's
    where both are stated. Problems of every county are reported together.

    Raises
    ------
    ScenarioError
        The region file's problems, or every county file's problems at once.
    """
    from model.scenario.load import load_scenario

    region = load_region_file(path)
    scenarios = []
    problems: list[Problem] = []
    for f in region.county_files:
        try:
            scenarios.append(load_scenario(f))
        except ScenarioError as err:
            problems.extend(err.problems)
    if problems:
        raise ScenarioError(problems)
    ids: dict[str, Path] = {}
    first = scenarios[0].meta.base_year
    for f, sc in zip(region.county_files, scenarios, strict=True):
        lines = sc._lines if sc._lines is not None else {}
        if sc.meta.base_year != first:
            problems.append(
                Problem(
                    str(f),
                    "meta.base_year",
                    f"base year {sc.meta.base_year} "
                    f"differs from the region's first county ({first}); expected "
                    "one base year in a region",
                    _line(lines, ("meta", "base_year")),
                )
            )
        prov = region.header.province
        if prov is not None and sc.meta.province is not None and sc.meta.province != prov:
            problems.append(
                Problem(
                    str(f),
                    "meta.province",
                    f"province {sc.meta.province} is not "
                    f"the region's {prov}; expected a county of the region",
                    _line(lines, ("meta", "province")),
                )
            )
        if sc.meta.id in ids:
            problems.append(
                Problem(
                    str(f),
                    "meta.id",
                    f"id {sc.meta.id!r} is also the id of "
                    f"{ids[sc.meta.id].name}; expected one id per county",
                    _line(lines, ("meta", "id")),
                )
            )
        ids.setdefault(sc.meta.id, f)
    if problems:
        raise ScenarioError(problems)
    return region, scenarios


def _line(lines: Any, key: tuple[Any, ...]) -> int | None:
    try:
        return int(lines[key])
    except (KeyError, TypeError):
        return None


def is_region_file(path: str | Path) -> bool:
    """Whether ``path`` holds a region (a top-level ``region:`` and no ``meta:``) rather than a
    scenario, so that a command given either can tell; a file that cannot be read is left to
    the scenario loader's messages (False)."""
    from model.errors import YanglaoError
    from model.scenario.load import read_yaml

    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        data, _ = read_yaml(path)
    except YanglaoError:
        return False
    return isinstance(data, dict) and "region" in data and "meta" not in data
