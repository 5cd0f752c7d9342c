"""Typed, validated scenario objects.

A scenario file has five top-level keys: ``schema_version``, ``meta``, ``base_year`` (figures as
the report states them), ``assumptions`` (economic and demographic judgments, each with its
source) and ``policy`` (rules in force, each with its source). Keys are English snake_case;
Chinese appears in titles, sources and notes.

Anything that can change over time is a :class:`Schedule`: ``value`` is either a constant or a
mapping ``{year: value}`` in ascending years, each value holding from its year until the next
stated one (and carried forward after the last, or uprated by a named driver). The first stated
year must not be after the base year.

Every model forbids unknown keys (a misspelt key fails) and is frozen once loaded.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from model.scenario.names import CS_GROUPS

# --------------------------------------------------------------------------------------------
# building blocks


class StrictModel(BaseModel):
    """Base of every scenario model: unknown keys are errors, loaded objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Source = Annotated[
    str,
    Field(
        min_length=3,
        description="where the value comes from: a report section and sentence, a data file, "
        "or 'judgment: <why>'",
    ),
]
Unit = Literal["万元", "亿元", "元", "元/月", "元/年", "人", "万人", "/1", "%", "岁", "月", "年"]

def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))


def _check_bounds(x: float, lo: float | None, hi: float | None, kind: str) -> None:
    """Raise a readable ValueError when ``x`` is outside ``[lo, hi]``."""
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        hint = ""
        if kind in ("rate", "growth") and hi is not None and hi <= 1 and 1 < abs(x) <= 100:
            hint = f" (did you mean {x / 100:g}?)"
        rng = (
            f"between {lo:g} and {hi:g}"
            if lo is not None and hi is not None
            else (f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
        )
        raise ValueError(f"expected {KIND_WORDS[kind]} {rng}, got {x:g}{hint}")


KIND_WORDS = {
    "rate": "a rate (a fraction, 0.16 for 16%)",
    "growth": "a yearly growth rate (a fraction, 0.05 for 5%)",
    "amount": "an amount",
    "ratio": "a ratio",
    "age": "an age in years",
    "count": "a count",
    "months": "a number of months",
    "years": "a number of years",
    "fertility": "children per woman",
    "persons": "a number of persons",
}


#: The error type of a mistake about one key inside a mapping field (a year of a schedule, an age
#: of age weights): the loader reads the key from the error's context and points at its line.
AT_KEY = "at_key"


def at_key(key: Any, message: str) -> PydanticCustomError:
    """An error about ``key`` inside the field being validated, with its message; raise it from
    a validator instead of a ValueError so the loader names that key's line."""
    return PydanticCustomError(AT_KEY, "{message}", {"key": key, "message": message})


#: Units as yearbooks and reports publish them, by the unit the model keeps, with the factor
#: that converts them, once, when a scenario is read (the model works in 万元, 人 and fractions,
#: ``model.units``). A percentage is converted only for a rate or a growth rate.
CONVERSIONS: dict[str, dict[str, float]] = {
    "万元": {"亿元": 1e4, "元": 1e-4},
    "人": {"万人": 1e4},
    "/1": {"%": 0.01},
}


def _converted(value: Any, factor: float) -> Any:
    """``value`` (a number, or a schedule's mapping of year: number) times ``factor``; anything
    else is returned as it is, for the field's own validation to refuse."""
    if _is_number(value):
        return value * factor
    if isinstance(value, dict):
        return {k: _converted(x, factor) for k, x in value.items()}
    return value


def _to_model_units(data: Any, model_unit: str | None) -> Any:
    """A figure's mapping with its unit converted to ``model_unit`` (亿元 and 元 to 万元, 万人
    to 人, % to a fraction), the unit as written kept in ``published_unit``; a unit that does not
    fit the field is refused with the units it accepts."""
    if not isinstance(data, dict) or model_unit is None or "published_unit" in data:
        return data
    unit = data.get("unit")
    factors = CONVERSIONS.get(model_unit, {})
    if not isinstance(unit, str) or unit == model_unit:
        return data  # no unit, or not text: the field's own validation speaks
    if unit not in factors:
        accepted = ", ".join([model_unit, *factors])
        raise at_key("unit", f"expected the unit {accepted}, got {unit!r}")
    factor = factors[unit]
    out = dict(data)
    out["value"] = _converted(data.get("value"), factor)
    if "increment_per_year" in data:
        out["increment_per_year"] = _converted(data["increment_per_year"], factor)
    if isinstance(data.get("restated"), list):
        out["restated"] = [
            {**r, "value": _converted(r.get("value"), factor)} if isinstance(r, dict) else r
            for r in data["restated"]
        ]
    out["unit"] = model_unit
    out["published_unit"] = unit
    return out


class Bilingual(StrictModel):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Quantity(StrictModel):
    """A constant with its source. Subclasses set the admissible range."""

    lo: ClassVar[float | None] = None
    hi: ClassVar[float | None] = None
    kind: ClassVar[str] = "amount"
    #: The unit the model keeps the value in; a figure written in another unit of the same
    #: kind is converted when read (CONVERSIONS). None: no unit is checked or converted.
    model_unit: ClassVar[str | None] = None

    value: float
    source: Source
    unit: Unit | None = None
    published_unit: Unit | None = Field(
        default=None, description="the unit the figure was written in, before conversion"
    )
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _published(cls, data: Any) -> Any:
        return _to_model_units(data, cls.model_unit)

    @field_validator("value", mode="before")
    @classmethod
    def _value_in_range(cls, v: Any) -> Any:
        if not _is_number(v):
            raise ValueError(f"expected {KIND_WORDS[cls.kind]}, got {v!r}")
        _check_bounds(float(v), cls.lo, cls.hi, cls.kind)
        return v


#: The largest figures a region's funds can hold: more people than China has, more 万元 than a
#: province's whole budget. Beyond them a figure is a typing error, and arithmetic on it would
#: overflow or lose every digit that matters.
MAX_PERSONS = 2e9
MAX_WAN = 1e10
MAX_YUAN_PER_HEAD = 1e8


class Rate(Quantity):
    lo, hi, kind = 0.0, 1.0, "rate"
    model_unit = "/1"


class Growth(Quantity):
    lo, hi, kind = -0.5, 0.5, "growth"
    model_unit = "/1"


class Count(Quantity):
    lo, hi, kind = 0.0, MAX_PERSONS, "count"
    model_unit = "人"


class Months(Quantity):
    lo, hi, kind = 0.0, 600.0, "months"


class Divisor(Quantity):
    """A number of months an account balance is divided by: never 0."""

    lo, hi, kind = 1.0, 600.0, "months"


class Index(Quantity):
    """A ratio to an average wage, such as the deemed contribution index."""

    lo, hi, kind = 0.0, 10.0, "ratio"


class SexRatio(Quantity):
    """Boys per girl at birth; human populations lie near 1.05."""

    lo, hi, kind = 0.8, 1.3, "ratio"


class Age(Quantity):
    lo, hi, kind = 0.0, 100.0, "age"


class Schedule(StrictModel):
    """A value that may change over time.

    ``value: 0.16`` holds for every year. ``value: {2021: 0.16, 2025: 0.14}`` means 0.16 for
    2021–2024 and 0.14 from 2025 on. Years must ascend. After the last stated year the value is
    carried forward, or, with ``uprate: wage_growth`` (or ``price_inflation``), grows with that
    driver, or, with ``increment_per_year: 20``, rises by that much every year.
    """

    lo: ClassVar[float | None] = None
    hi: ClassVar[float | None] = None
    kind: ClassVar[str] = "amount"
    #: The unit the model keeps the values in (see Quantity.model_unit).
    model_unit: ClassVar[str | None] = None
    #: True for levers whose base-year value is calibrated: they may start after the base year.
    applies_after_base_year: ClassVar[bool] = False

    value: Any
    source: Source
    unit: Unit | None = None
    published_unit: Unit | None = Field(
        default=None, description="the unit the values were written in, before conversion"
    )
    uprate: Literal["wage_growth", "price_inflation"] | None = None
    increment_per_year: float | None = Field(default=None, ge=-MAX_YUAN_PER_HEAD, le=MAX_YUAN_PER_HEAD)
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _published(cls, data: Any) -> Any:
        return _to_model_units(data, cls.model_unit)

    @model_validator(mode="after")
    def _one_way_to_extend(self) -> Schedule:
        if self.uprate is not None and self.increment_per_year is not None:
            raise ValueError("give either uprate or increment_per_year, not both")
        return self

    @field_validator("value", mode="before")
    @classmethod
    def _value_is_schedule(cls, v: Any) -> Any:
        if _is_number(v):
            _check_bounds(float(v), cls.lo, cls.hi, cls.kind)
            return float(v)
        if isinstance(v, dict):
            if not v:
                raise ValueError(
                    f"expected {KIND_WORDS[cls.kind]} or a mapping of year: value, "
                    "got an empty mapping"
                )
            years: list[int] = []
            out: dict[int, float] = {}
            for key, x in v.items():
                # at_key tells the loader to point at the line of this year, not of `value`.
                if not isinstance(key, int) or isinstance(key, bool) or not 1900 <= key <= 2300:
                    raise at_key(key, f"expected a year (e.g. 2025) as key, got {key!r}")
                if not _is_number(x):
                    raise at_key(key, f"expected {KIND_WORDS[cls.kind]} for year {key}, got {x!r}"
                    )
                try:
                    _check_bounds(float(x), cls.lo, cls.hi, cls.kind)
                except ValueError as err:
                    raise at_key(key, f"year {key}: {err}") from None
                if years and key <= years[-1]:
                    raise at_key(key, f"years must ascend: {key} comes after {years[-1]}; "
                        f"expected a year after {years[-1]}"
                    )
                years.append(key)
                out[key] = float(x)
            return out
        raise ValueError(f"expected {KIND_WORDS[cls.kind]} or a mapping of year: value, got {v!r}")

    @property
    def first_year(self) -> int | None:
        return next(iter(self.value)) if isinstance(self.value, dict) else None


class RateSchedule(Schedule):
    lo, hi, kind = 0.0, 1.0, "rate"
    model_unit = "/1"


class GrowthSchedule(Schedule):
    lo, hi, kind = -0.5, 0.5, "growth"
    model_unit = "/1"


class AmountSchedule(Schedule):
    """Yuan per head (a wage, a pension, a grant)."""

    lo, hi, kind = 0.0, MAX_YUAN_PER_HEAD, "amount"


class WanSchedule(Schedule):
    """Money of a fund or a budget in 万元."""

    lo, hi, kind = 0.0, MAX_WAN, "amount"
    model_unit = "万元"


class PersonsSchedule(Schedule):
    lo, hi, kind = 0.0, MAX_PERSONS, "persons"
    model_unit = "人"


class FertilitySchedule(Schedule):
    lo, hi, kind = 0.0, 10.0, "fertility"


class YearsSchedule(Schedule):
    lo, hi, kind = 0.0, 60.0, "years"


class ImprovementSchedule(Schedule):
    """The yearly fall of death rates: above 10% a year life expectancy would explode, below
    −5% it would collapse."""

    lo, hi, kind = -0.05, 0.1, "growth"
    model_unit = "/1"


class RatioSchedule(Schedule):
    lo, hi, kind = 0.0, 20.0, "ratio"


class LaterAmountSchedule(AmountSchedule):
    """An amount whose base-year value is calibrated; stated values apply after the base year."""

    applies_after_base_year = True


class LaterRateSchedule(RateSchedule):
    """A rate whose base-year value is calibrated; stated values apply after the base year."""

    applies_after_base_year = True


class AgeWeights(StrictModel):
    """Relative weights by age band; ``weights: {20: 1.0, 25: 2.0}`` with ``band_width: 5``
    gives ages 20–24 and 25–29 those weights, spread over single ages smoothly (each band keeps
    its weight; see ``model.engine.tables.age_weights``). The last band ends at ``last_age``.
    Weights are normalised where a distribution is meant, so only their ratios matter."""

    weights: dict[int, float]
    band_width: int = Field(ge=1, le=20)
    last_age: int = Field(ge=0, le=100)
    source: Source
    note: str | None = None

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, v: Any) -> Any:
        if not isinstance(v, dict) or not v:
            raise ValueError(f"expected a mapping of age: weight, got {v!r}")
        prev = None
        for age, w in v.items():
            if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 100:
                raise at_key(age, f"expected an age 0–100 as key, got {age!r}")
            if not _is_number(w) or w < 0:
                raise at_key(age, f"expected a non-negative weight, got {w!r}")
            if prev is not None and age <= prev:
                raise at_key(age, f"ages must ascend: {age} comes after {prev}; expected an age above {prev}"
                )
            prev = age
        if sum(float(w) for w in v.values()) <= 0:
            raise ValueError("expected at least one positive weight")
        return v

    @model_validator(mode="after")
    def _last_age_after_first(self) -> AgeWeights:
        if self.last_age < max(self.weights):
            raise ValueError(f"last_age {self.last_age} is below the last band {max(self.weights)}")
        return self


class GroupShares(StrictModel):
    """Shares of the civil-service retirement groups; must add up to 1."""

    male: float = Field(ge=0, le=1)
    female_55: float = Field(ge=0, le=1)
    female_50: float = Field(ge=0, le=1)
    source: Source

    @model_validator(mode="after")
    def _sum_to_one(self) -> GroupShares:
        total = self.male + self.female_55 + self.female_50
        if abs(total - 1) > 1e-6:
            raise ValueError(f"expected shares adding up to 1, they add up to {total:g}")
        return self

    def as_tuple(self) -> tuple[float, float, float]:
        return tuple(getattr(self, g) for g in CS_GROUPS)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# meta


class LevelNames(StrictModel):
    """What the three levels of government below the centre are called where the funds are:
    省/市/县 in most provinces, 自治区/州/县 in an autonomous prefecture, 自治区/盟/旗 in an Inner
    Mongolian league. Outputs name the subsidy of each level with them."""

    region: Bilingual = Bilingual(zh="省", en="province")
    prefecture: Bilingual = Bilingual(zh="市", en="prefecture")
    county: Bilingual = Bilingual(zh="县", en="county")
    source: Source | None = None


class Meta(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    county: Bilingual = Field(description="the region whose funds these are (a county, or a "
                              "prefecture or province for a fund pooled there)")
    title: Bilingual
    base_year: int = Field(ge=2000, le=2100)
    horizon: int = Field(ge=2001, le=2200, description="last projection year")
    report: str | None = Field(default=None, description="the document the base year comes from")
    province: str | None = Field(
        default=None, pattern=r"^[1-6][0-9]$",
        description="the province's code (GB/T 2260, two digits: 11 for Beijing), for regional "
        "defaults (model/data/regions)",
    )
    pooling: Literal["county", "prefecture", "province"] = Field(
        default="county", description="the level at which the funds are pooled (统筹层次)"
    )
    levels: LevelNames = LevelNames()

    @model_validator(mode="after")
    def _horizon_after_base(self) -> Meta:
        if self.horizon <= self.base_year:
            raise at_key(
                "horizon",
                f"horizon {self.horizon} must come after base_year {self.base_year}; "
                f"expected a year after {self.base_year}"
            )
        if self.horizon - self.base_year > 100:
            raise at_key(
                "horizon",
                f"horizon may be at most 100 years after base_year; "
                f"expected {self.base_year + 100} or earlier, got {self.horizon}"
            )
        return self


# --------------------------------------------------------------------------------------------
# base year: figures as the report states them


class Restatement(StrictModel):
    value: float
    source: Source
    note: str | None = None


#: The largest size of a stated figure by its unit (see MAX_PERSONS and MAX_WAN).
STATED_LIMITS = {"万元": MAX_WAN, "元": MAX_WAN * 1e4, "元/月": MAX_YUAN_PER_HEAD,
                 "元/年": MAX_YUAN_PER_HEAD, "人": MAX_PERSONS, "/1": 1e4, "%": 1e6, "岁": 150.0,
                 "月": 1e4, "年": 3000.0}


#: The smallest size of a stated figure other than 0: reports write money to 0.01 万元 and
#: shares to 0.01%, so anything far below is a typing error, and dividing by it overflows.
STATED_SMALLEST = 1e-6


class Stated(StrictModel):
    """One figure as the report states it, with the section it came from.

    ``bound`` records qualifiers: 500余 is ``at_least``; a target "≥ 99%" is ``at_least``.
    ``restated`` lists other places the report gives the same figure, possibly differently.
    """

    #: The unit the model keeps the figure in (see Quantity.model_unit); for a plain Stated
    #: figure, 亿元 becomes 万元 and 万人 becomes 人, other units stay as they are.
    model_unit: ClassVar[str | None] = None

    value: float
    unit: Unit
    source: Source
    bound: Literal["exact", "at_least", "at_most"] = "exact"
    restated: list[Restatement] = Field(default_factory=list)
    published_unit: Unit | None = Field(
        default=None, description="the unit the figure was written in, before conversion"
    )
    estimated: bool = Field(
        default=False,
        description="not stated but estimated by a documented rule (model.scenario.accounts); "
        "the consistency check leaves it out and outputs mark it",
    )
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _published(cls, data: Any) -> Any:
        model_unit = cls.model_unit
        if model_unit is None and isinstance(data, dict):
            unit = data.get("unit")
            model_unit = {"亿元": "万元", "万人": "人"}.get(unit) if isinstance(unit, str) else None
        return _to_model_units(data, model_unit)

    @property
    def published_factor(self) -> float:
        """What the value as written was multiplied by (1 when it was not converted): the
        rounding of a figure written as 1.36 亿元 is that of 13,600 万元 to the nearest 50."""
        if self.published_unit is None or self.unit is None:
            return 1.0
        return CONVERSIONS[self.unit][self.published_unit]

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, v: Any) -> Any:
        if not _is_number(v):
            raise ValueError(f"expected a number, got {v!r}")
        return v

    @model_validator(mode="after")
    def _magnitude(self) -> Stated:
        limit = STATED_LIMITS[self.unit]
        for value in [self.value] + [r.value for r in self.restated]:
            if abs(value) > limit or 0 < abs(value) < STATED_SMALLEST:
                raise at_key("value", f"expected 0 or a figure in {self.unit} between "
                                 f"{STATED_SMALLEST:g} and {limit:,.0f} in size, got {value:.6g}")
        return self


class StatedCount(Stated):
    model_unit = "人"

    @field_validator("value")
    @classmethod
    def _non_negative(cls, v: float) -> float:
        if v < 0:
            raise ValueError(f"expected a count of at least 0, got {v:g}")
        return v


class StatedAmount(Stated):
    """Income and expenditure lines: never negative (a balance may be, and is a plain Stated)."""

    model_unit = "万元"

    @field_validator("value")
    @classmethod
    def _non_negative(cls, v: float) -> float:
        if v < 0:
            raise ValueError(f"expected an amount of at least 0, got {v:g}")
        return v


class SubsidyByLevel(StrictModel):
    """The fiscal subsidy by level of government, as a subsidy report states it (万元)."""

    central: StatedAmount | None = None
    region: StatedAmount | None = None
    prefecture: StatedAmount | None = None
    county: StatedAmount | None = None


class FundOutturn(StrictModel):
    """A fund's figures for one year, as far as they are stated.

    A full account states every line; yearbook totals (income, expenditure, reserve) or a
    subsidy report by level of government state fewer. Lines the engine needs that are not
    stated are estimated when the scenario is read (``model.scenario.accounts``), marked
    ``estimated``; the engine reproduces the stated ones exactly.
    """

    # people (the residents' contributors are often not stated: they are then calibrated)
    contributors: StatedCount | None = None
    contributors_average: StatedCount | None = Field(
        default=None, description="annual average of contributors (年平均缴费人数)")
    beneficiaries: StatedCount | None = None
    beneficiaries_average: StatedCount | None = Field(
        default=None, description="annual average of beneficiaries (年平均领取待遇人数)")
    dependency_ratio: Stated | None = None
    # income
    contribution_income: StatedAmount | None = None
    interest_income: StatedAmount | None = None
    subsidy_income: StatedAmount | None = None
    subsidy_by_level: SubsidyByLevel | None = None
    other_income: StatedAmount | None = None
    transfer_income: StatedAmount | None = Field(default=None, description="转移收入")
    total_income: StatedAmount | None = None
    income_increase: Stated | None = None
    income_growth: Stated | None = None
    income_budget: StatedAmount | None = None
    income_budget_completion: Stated | None = None
    subsidy_arrears: StatedAmount | None = None
    # expenditure
    benefit_expenditure: StatedAmount | None = None
    other_expenditure: StatedAmount | None = None
    transfer_expenditure: StatedAmount | None = Field(default=None, description="转移支出")
    total_expenditure: StatedAmount | None = None
    expenditure_increase: Stated | None = None
    expenditure_growth: Stated | None = None
    expenditure_budget: StatedAmount | None = None
    expenditure_budget_pensions: StatedAmount | None = None
    expenditure_budget_funeral: StatedAmount | None = None
    expenditure_budget_completion: Stated | None = None
    # balances
    reserve_start: Stated | None = Field(
        default=None, description="reserve at the start of the year (上年滚存结余, carry-over)")
    balance: Stated | None = None
    reserve_end: Stated | None = None
    # performance targets and what the report says was achieved
    targets: dict[str, Stated] = Field(default_factory=dict)
    achieved: dict[str, Stated] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _enough_to_go_on(self) -> FundOutturn:
        """The least a fund's account must state: its beneficiaries, its income (a total, the
        subsidy, or the subsidy by level), and a reserve (at the year end, or at its start with
        both totals)."""
        missing = []
        if self.beneficiaries is None and self.beneficiaries_average is None:
            missing.append("beneficiaries (or beneficiaries_average)")
        if self.total_income is None and self.subsidy_income is None and self.subsidy_by_level is None:
            missing.append("total_income (or subsidy_income, or subsidy_by_level)")
        if self.reserve_end is None and self.reserve_start is None:
            missing.append("reserve_end (or reserve_start)")
        if missing:
            raise ValueError("expected at least " + "; ".join(missing))
        return self

    @property
    def other_income_total(self) -> float:
        """Other income and transfers in (万元): lines the projection carries as other income."""
        return sum(x.value for x in (self.other_income, self.transfer_income) if x is not None)

    @property
    def other_expenditure_total(self) -> float:
        """Other expenditure and transfers out (万元)."""
        return sum(x.value for x in (self.other_expenditure, self.transfer_expenditure)
                   if x is not None)

    @property
    def estimated_lines(self) -> tuple[str, ...]:
        """The keys of the lines estimated rather than stated."""
        return tuple(k for k in type(self).model_fields
                     if getattr(getattr(self, k), "estimated", False))


class CombinedOutturn(StrictModel):
    """Figures the report states for both funds together."""

    total_income: StatedAmount | None = None
    income_increase: Stated | None = None
    income_budget: StatedAmount | None = None
    income_budget_completion: Stated | None = None
    total_expenditure: StatedAmount | None = None
    expenditure_increase: Stated | None = None
    expenditure_budget: StatedAmount | None = None
    expenditure_budget_completion: Stated | None = None
    balance: Stated | None = None
    reserve_end: Stated | None = None


class BaseYear(StrictModel):
    combined: CombinedOutturn | None = None
    civil_service: FundOutturn | None = None
    residents: FundOutturn | None = None

    @model_validator(mode="after")
    def _at_least_one_fund(self) -> BaseYear:
        if self.civil_service is None and self.residents is None:
            raise ValueError("expected at least one fund: civil_service or residents")
        return self


# --------------------------------------------------------------------------------------------
# assumptions


class Economy(StrictModel):
    wage_growth: GrowthSchedule
    price_inflation: GrowthSchedule
    # The civil-service fund's economy: absent from a scenario without that fund.
    average_wage_region_yuan: AmountSchedule | None = Field(
        default=None,
        description="provincial average wage 元/年: base of the contribution floor and cap, and "
        "the 计发基数 of the benefit formula (civil-service fund)",
    )
    average_wage_region_history_yuan: AmountSchedule | None = Field(
        default=None,
        description="the same wage in the years before the base year (for pensions already in "
        "payment and individual-account histories); back-cast with wage_growth where not stated",
    )
    interest_rate_civil_service: RateSchedule | None = None
    interest_rate_residents: RateSchedule | None = None
    account_crediting_rate: RateSchedule | None = Field(
        default=None, description="职工个人账户记账利率 (civil-service fund)"
    )
    pension_indexation_history: GrowthSchedule | None = Field(
        default=None, description="indexation of pensions in payment before the base year"
    )
    general_budget_revenue: WanSchedule | None = Field(
        default=None,
        description="the county's general public budget revenue 一般公共预算收入, 万元 a year "
        "(e.g. uprate: wage_growth); `yanglao valuation` reports present values as shares of it",
    )


class MortalityGroupMultipliers(StrictModel):
    male: float = Field(gt=0, le=5)
    female_55: float = Field(gt=0, le=5)
    female_50: float = Field(gt=0, le=5)
    source: Source


class SexMultipliers(StrictModel):
    male: float = Field(gt=0, le=5)
    female: float = Field(gt=0, le=5)
    source: Source


class Mortality(StrictModel):
    """Life tables of each fund's members; a fund's three fields are absent without that fund."""

    civil_service_table: Literal["cl2010_2013_pension", "wpp2024_2020_2025"] | None = None
    civil_service_table_year: int | None = Field(default=None, ge=1990, le=2100)
    civil_service_multiplier: MortalityGroupMultipliers | None = None
    residents_table: Literal["wpp2024_2020_2025", "wpp2024_2015_2020", "cl2010_2013_pension"] | None = None
    residents_table_year: int | None = Field(default=None, ge=1990, le=2100)
    residents_multiplier: SexMultipliers | None = None
    improvement_rate: ImprovementSchedule = Field(description="yearly fall of every qx")
    source: Source


class Population(StrictModel):
    """The county's resident population, for the residents' fund."""

    total_persons: Count
    age_structure: AgeWeights
    age_structure_of: Literal["county", "prefecture", "province", "country"] = Field(
        default="county",
        description="whose age structure ``age_structure`` is: the county's own census figures "
        "where published, else the prefecture's; the province's or the country's only as a last "
        "resort (the output flags it)",
    )
    male_share: Rate
    total_fertility_rate: FertilitySchedule
    mean_age_at_birth: Age
    sex_ratio_at_birth: SexRatio
    net_migration_rate: GrowthSchedule
    migration_age_profile: AgeWeights


class CivilServiceAssumptions(StrictModel):
    contributor_groups: GroupShares
    retiree_groups: GroupShares
    contributor_age_profile: AgeWeights
    retiree_inflow_growth: Growth = Field(
        description="yearly growth of retirements in the past; shapes the retirees' ages"
    )
    salary_scale: AgeWeights = Field(description="relative salary by age; the level is calibrated")
    retiree_age_profile: AgeWeights | None = Field(
        default=None,
        description="retirees by age at the end of the base year (a member roster gives it); "
        "absent: past retirements growing at retiree_inflow_growth, thinned by mortality",
    )
    pension_scale: AgeWeights | None = Field(
        default=None,
        description="relative pension in payment by age (a member roster gives it); the level "
        "is calibrated; absent: the benefit formula of each retirement year, indexed",
    )
    entrant_groups: GroupShares
    entry_age_profile: AgeWeights
    exit_rate: Rate
    service_start_age: Age
    payout_months_fractional_ages: Literal["interpolate", "floor"] = "interpolate"


class ArrearsRisk(StrictModel):
    """The chance, in a budget year, that one level of government withholds its share of the
    residents' subsidy (``yanglao budget`` draws it; the projection itself does not)."""

    probability: float = Field(ge=0, le=1, description="chance in any one year")
    level: Literal["central", "region", "prefecture", "county"] = "county"
    source: Source


class ResidentsAssumptions(StrictModel):
    tier_mix: dict[int, float] = Field(description="contribution tier 元/年 -> share of contributors")
    tier_mix_source: Source
    account_pension_share: Rate = Field(
        description="share of base-year pension spending that is individual-account pension"
    )
    account_liability_share_of_reserve: Rate
    account_crediting_rate: RateSchedule
    scheme_start_year: int = Field(ge=1990, le=2100)
    uptake_at_pension_age: Rate | None = Field(
        default=None,
        description="share of the people reaching the pension age who start drawing this pension "
        "(those drawing an employee or civil-service pension, and those who never joined, do not); "
        "absent: the base year's share of beneficiaries among the population at pension ages",
    )
    tier_mix_by_year: dict[int, dict[int, float]] | None = Field(
        default=None, description="year -> tier mix from that year on (after the base year)"
    )
    subsidy_arrears_risk: ArrearsRisk | None = Field(
        default=None,
        description="chance that a level withholds its share of the subsidy in a budget year; "
        "absent: none is drawn",
    )

    @field_validator("tier_mix_by_year", mode="before")
    @classmethod
    def _tier_mix_years(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, dict) or not v:
            raise ValueError(f"expected a mapping of year: tier mix, got {v!r}")
        prev = None
        for year, mix in v.items():
            if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2300:
                raise at_key(year, f"expected a year as key, got {year!r}")
            if prev is not None and year <= prev:
                raise at_key(year, f"years must ascend: {year} comes after {prev}")
            prev = year
            try:
                cls._tiers(mix)
            except PydanticCustomError as err:
                raise at_key(year, err.context["message"] if err.context else str(err)) from None
        return v

    @field_validator("tier_mix", mode="before")
    @classmethod
    def _tiers(cls, v: Any) -> Any:
        if not isinstance(v, dict) or not v:
            raise ValueError(f"expected a mapping of tier (元/年): share, got {v!r}")
        for tier, share in v.items():
            if not isinstance(tier, int) or isinstance(tier, bool) or tier <= 0:
                raise at_key(tier, f"expected a tier in 元/年 as key, got {tier!r}")
            if not _is_number(share) or not 0 <= share <= 1:
                raise at_key(tier, f"expected a share between 0 and 1, got {share!r}")
        total = sum(v.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"expected shares adding up to 1, they add up to {total:g}")
        return v


class Assumptions(StrictModel):
    economy: Economy
    mortality: Mortality
    population: Population | None = None
    civil_service: CivilServiceAssumptions | None = None
    residents: ResidentsAssumptions | None = None


# --------------------------------------------------------------------------------------------
# policy


class RetirementAges(StrictModel):
    male: float = Field(ge=40, le=75)
    female_55: float = Field(ge=40, le=75)
    female_50: float = Field(ge=40, le=75)
    source: Source


class RetirementReform(StrictModel):
    """渐进式延迟法定退休年龄 (2025): +1 month per 4 (or 2) months of birth cohort."""

    enabled: bool
    start_year: int = Field(default=2025, ge=2000, le=2100)
    source: Source


class Freeze(StrictModel):
    start_year: int = Field(ge=2000, le=2200)
    years: int = Field(ge=1, le=100)


class Headcount(StrictModel):
    """Civil-service hiring: how many new contributors join each year."""

    rule: Literal["constant", "growth", "replacement", "path"]
    growth_rate: GrowthSchedule | None = None
    replacement_ratio: RatioSchedule | None = None
    path: PersonsSchedule | None = None
    freeze: Freeze | None = None
    source: Source

    @model_validator(mode="after")
    def _rule_has_its_parameter(self) -> Headcount:
        needed = {"growth": "growth_rate", "replacement": "replacement_ratio", "path": "path"}
        field = needed.get(self.rule)
        if field and getattr(self, field) is None:
            raise ValueError(f"rule '{self.rule}' needs '{field}'")
        return self


class Arrears(StrictModel):
    """A share of one level of government's subsidy paid a year late, or never.

    For the residents' fund the share applies to what that level owes under the funding rules;
    for the civil-service fund, whose subsidy the county budget pays, to the whole subsidy.
    """

    level: Literal["central", "region", "prefecture", "county"]
    share: LaterRateSchedule
    paid: Literal["next_year", "never"]
    source: Source


class Subsidy(StrictModel):
    """How the budget subsidises a fund.

    ``fill_gap`` pays what keeps the year-end reserve at ``reserve_months`` months of payouts;
    ``fixed`` pays ``amount`` 万元; ``share_of_expenditure`` pays ``share`` × expenditure;
    ``formula`` (residents' fund) pays what the residents' rules make due; ``none`` pays nothing.
    """

    rule: Literal["fill_gap", "fixed", "share_of_expenditure", "formula", "none"]
    reserve_months: Months | Literal["base_year"] = "base_year"
    amount: WanSchedule | None = None
    share: RateSchedule | None = None
    arrears: Arrears | None = None
    source: Source

    @model_validator(mode="after")
    def _rule_has_its_parameter(self) -> Subsidy:
        needed = {"fixed": "amount", "share_of_expenditure": "share"}
        field = needed.get(self.rule)
        if field and getattr(self, field) is None:
            raise ValueError(f"rule '{self.rule}' needs '{field}'")
        return self


class OldMethodTransition(StrictModel):
    """新老办法对比、保低限高: members retiring between ``reform_year`` and ``end_year`` get the
    old method's pension where the new one is lower, and the old one plus a share of the excess
    where it is higher (the share rising with the year of retirement); after ``end_year`` the new
    method alone."""

    end_year: float = Field(ge=1990, le=2100, description="2024.75 = 2024-10-01")
    excess_share_paid: RateSchedule = Field(
        description="share of the new method's excess over the old paid, by year of retirement"
    )
    old_method_rate_by_service: dict[int, float] = Field(
        description="the old method's pension as a share of final pay, by completed years of "
        "service (a step: the rate of the highest stated number of years reached); its level "
        "against the contribution base is calibrated to the pensions in payment"
    )
    source: Source

    @field_validator("old_method_rate_by_service", mode="before")
    @classmethod
    def _rates(cls, v: Any) -> Any:
        if not isinstance(v, dict) or not v:
            raise ValueError(f"expected a mapping of years of service: rate, got {v!r}")
        prev = None
        for years, rate in v.items():
            if not isinstance(years, int) or isinstance(years, bool) or not 0 <= years <= 60:
                raise at_key(years, f"expected years of service 0–60 as key, got {years!r}")
            if not _is_number(rate) or not 0 < rate <= 2:
                raise at_key(years, f"expected a rate above 0 and at most 2, got {rate!r}")
            if prev is not None and years <= prev:
                raise at_key(years, f"years must ascend: {years} comes after {prev}")
            prev = years
        return v


class BenefitFormula(StrictModel):
    """国发〔2015〕2号: basic + individual-account + transitional pension."""

    basic_accrual_rate: Rate = Field(description="1% of the base per year of service")
    transitional_coefficient: Rate = Field(description="过渡系数 per year of deemed service")
    reform_year: float = Field(ge=1990, le=2100, description="2014.75 = 2014-10-01")
    account_contribution_rate: Rate = Field(description="share of wage credited to the account")
    deemed_contribution_index: Index | Literal["continuity"] | None = Field(
        default=None,
        description="视同缴费指数: the indexed wage ratio of deemed service in the transitional "
        "pension. 'continuity': calibrated so that at the end of the transition the new method "
        "meets the old; absent: the members' own indexed wage ratio",
    )
    transition: OldMethodTransition | None = None
    source: Source


def _cohort_ages(v: Any) -> Any:
    if v is None:
        return v
    if not isinstance(v, dict) or not v:
        raise ValueError(f"expected a mapping of birth year: retirement age, got {v!r}")
    prev = None
    for year, age in v.items():
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
            raise at_key(year, f"expected a birth year as key, got {year!r}")
        if not _is_number(age) or not 40 <= age <= 75:
            raise at_key(year, f"expected a retirement age in years between 40 and 75, got {age!r}")
        if prev is not None and year <= prev:
            raise at_key(year, f"birth years must ascend: {year} comes after {prev}")
        prev = year
    return v


class CohortRetirementAges(StrictModel):
    """A custom statutory retirement age (years, may be fractional) by birth year, per group;
    from the first stated birth year on it replaces the original age and the 2025 reform."""

    male: dict[int, float] | None = None
    female_55: dict[int, float] | None = None
    female_50: dict[int, float] | None = None
    source: Source

    @field_validator("male", "female_55", "female_50", mode="before")
    @classmethod
    def _ages_by_birth_year(cls, v: Any) -> Any:
        return _cohort_ages(v)


class FlexibleRetirement(StrictModel):
    """弹性退休: shares of each cohort retiring up to 3 years early (never before the original
    age) or up to 3 years late."""

    early_share: float = Field(ge=0, le=1)
    early_years: float = Field(ge=0, le=3)
    late_share: float = Field(ge=0, le=1)
    late_years: float = Field(ge=0, le=3)
    source: Source

    @model_validator(mode="after")
    def _shares(self) -> FlexibleRetirement:
        if self.early_share + self.late_share > 1:
            raise ValueError("early_share + late_share must not exceed 1")
        return self


class IndexationRule(StrictModel):
    """Growth after the last published rate or amount: ``wage_growth_share × wage growth +
    price_inflation_share × inflation + margin`` a year (all zero: frozen)."""

    wage_growth_share: float = Field(ge=0, le=2)
    price_inflation_share: float = Field(ge=0, le=2)
    margin: float = Field(default=0.0, ge=-0.1, le=0.1)
    source: Source


class CivilServicePolicy(StrictModel):
    contribution_rate_employer: RateSchedule
    contribution_rate_individual: RateSchedule
    contribution_base_floor: RatioSchedule
    contribution_base_cap: RatioSchedule
    collection_rate: RateSchedule
    retirement_age: RetirementAges
    retirement_reform: RetirementReform
    benefit: BenefitFormula
    survivors_lump_sum_months: Months | None = Field(
        default=None,
        description="抚恤金 paid by the fund at a retiree's death, in months of the pension",
    )
    indexation: GrowthSchedule = Field(description="published or fixed rates; they override the rule")
    indexation_rule: IndexationRule | None = None
    retirement_age_by_cohort: CohortRetirementAges | None = None
    flexible_retirement: FlexibleRetirement | None = None
    minimum_contribution_years: YearsSchedule | None = Field(
        default=None, description="years of contribution needed for a pension, by retirement year"
    )
    funeral_grant_yuan: AmountSchedule
    headcount: Headcount
    subsidy: Subsidy
    subsidy_paid_by: Literal["region", "prefecture", "county"] = Field(
        default="county",
        description="the level of government whose budget pays the fund's subsidy: the county's "
        "for a county-pooled fund, the province's (region) for a province-pooled one",
    )

    @model_validator(mode="after")
    def _floor_below_cap(self) -> CivilServicePolicy:
        floor, cap = self.contribution_base_floor.value, self.contribution_base_cap.value
        if _is_number(floor) and _is_number(cap) and floor > cap:
            raise ValueError(f"contribution_base_floor {floor:g} is above contribution_base_cap {cap:g}")
        return self


class LevelShares(StrictModel):
    """Who pays: shares by level of government, adding up to 1."""

    central: float = Field(default=0.0, ge=0, le=1)
    region: float = Field(default=0.0, ge=0, le=1)
    prefecture: float = Field(default=0.0, ge=0, le=1)
    county: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> LevelShares:
        total = self.central + self.region + self.prefecture + self.county
        if abs(total - 1) > 1e-6:
            raise ValueError(f"expected shares adding up to 1, they add up to {total:g}")
        return self


class ResidentsFunding(StrictModel):
    central_minimum: LevelShares
    local_top_up: LevelShares
    contribution_subsidy: LevelShares
    funeral_grant: LevelShares
    source: Source


class ContributionSubsidy(StrictModel):
    """Government contribution subsidy (缴费补贴) per contributor, 元/年, by tier."""

    below_threshold_yuan: float = Field(ge=0, le=1e5)
    from_threshold_yuan: float = Field(ge=0, le=1e5)
    threshold_tier_yuan: float = Field(gt=0, le=1e6)
    source: Source


class ResidentsPolicy(StrictModel):
    basic_pension_central_monthly_yuan: AmountSchedule
    contribution_subsidy: ContributionSubsidy
    contribution_age_from: int = Field(ge=10, le=80)
    contribution_age_to: int = Field(ge=10, le=80)
    pension_age: Age
    account_divisor_months: Divisor
    funeral_grant_yuan: AmountSchedule | Literal["from_budget"]
    funding: ResidentsFunding
    subsidy: Subsidy
    basic_pension_top_up_monthly_yuan: LaterAmountSchedule | None = Field(
        default=None,
        description="local top-up 元/月 after the base year (the base year's is calibrated)",
    )
    participation_rate: LaterRateSchedule | None = Field(
        default=None,
        description="share of residents at contribution ages who contribute, after the base year",
    )
    basic_pension_uprating: IndexationRule | None = Field(
        default=None,
        description="how the basic pension (central minimum and local top-up) grows in every "
        "year after the base year for which no amount is stated; absent: with prices "
        "(price_inflation_share 1). A schedule's own uprate or increment_per_year takes precedence",
    )
    funeral_grant_uprating: IndexationRule | None = Field(
        default=None,
        description="how the funeral grant grows in every year after the base year for which no "
        "amount is stated; absent: with prices",
    )

    @model_validator(mode="after")
    def _ages(self) -> ResidentsPolicy:
        if self.contribution_age_to < self.contribution_age_from:
            raise ValueError("contribution_age_to must not be below contribution_age_from")
        return self


class Policy(StrictModel):
    civil_service: CivilServicePolicy | None = None
    residents: ResidentsPolicy | None = None


# --------------------------------------------------------------------------------------------
# the scenario

T = TypeVar("T")


def needed(value: T | None, name: str) -> T:
    """A fund's own input, which validation has made sure is there wherever the fund is."""
    if value is None:
        raise ValueError(f"{name} is needed by a fund of this scenario")
    return value


#: The inputs of assumptions.economy and assumptions.mortality that only one fund uses: needed
#: where that fund is, and never asked of a scenario without it.
FUND_INPUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "civil_service": {
        "economy": ("average_wage_region_yuan", "average_wage_region_history_yuan",
                    "interest_rate_civil_service", "account_crediting_rate",
                    "pension_indexation_history"),
        "mortality": ("civil_service_table", "civil_service_table_year",
                      "civil_service_multiplier"),
    },
    "residents": {
        "economy": ("interest_rate_residents",),
        "mortality": ("residents_table", "residents_table_year", "residents_multiplier"),
    },
}


class Scenario(StrictModel):
    schema_version: Literal[1]
    meta: Meta
    base_year: BaseYear
    assumptions: Assumptions
    policy: Policy

    # The root of an ``extends`` chain: its policy is the history the base year was observed
    # under (see model.scenario.variants). None for a scenario that extends nothing.
    _history: Scenario | None = PrivateAttr(default=None)
    # Where the scenario was read from, and its key-path → line map, for errors found later
    # (calibration) to name the file and line of the figure at fault.
    _source: str | None = PrivateAttr(default=None)
    _lines: Any = PrivateAttr(default=None)

    @property
    def history(self) -> Scenario:
        return self._history if self._history is not None else self

    def locate(self, field: str) -> tuple[str, int | None]:
        """The file and line where ``field`` (a dotted path) is stated: this scenario's file if
        it states it, else the file it extends."""
        parts = tuple(int(p) if p.isdigit() else p for p in field.split(".") if p)
        for sc in (self, self.history):
            lines = sc._lines
            if lines is None:
                continue
            for n in range(len(parts), 0, -1):
                try:
                    return sc._source or "scenario", lines[parts[:n]]
                except (KeyError, TypeError):
                    continue
        return self._source or "scenario", None

    @model_validator(mode="after")
    def _funds_complete(self) -> Scenario:
        """A fund present in the base year needs its assumptions and policy, and vice versa;
        the economy and mortality inputs of a fund are needed only where the fund is."""
        problems = []
        present = [f for f in FUND_INPUTS if getattr(self.base_year, f) is not None]
        for fund in present:
            for block, names in FUND_INPUTS[fund].items():
                holder = getattr(self.assumptions, block)
                missing = [n for n in names if getattr(holder, n) is None]
                if missing:
                    problems.append(
                        f"fund '{fund}' needs assumptions.{block}."
                        + f", assumptions.{block}.".join(missing)
                    )
        for fund in ("civil_service", "residents"):
            parts = {
                "base_year": getattr(self.base_year, fund),
                "assumptions": getattr(self.assumptions, fund),
                "policy": getattr(self.policy, fund),
            }
            if fund == "residents":
                parts["assumptions.population"] = self.assumptions.population
            have = [k for k, v in parts.items() if v is not None]
            if have and len(have) < len(parts):
                missing = [f"{k}.{fund}" if k != "assumptions.population" else k
                           for k, v in parts.items() if v is None]
                problems.append(f"fund '{fund}' is incomplete: missing {', '.join(missing)}")
        cs = self.base_year.civil_service
        if cs is not None and cs.contributors is None:
            problems.append("base_year.civil_service.contributors is required")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def funds(self) -> tuple[str, ...]:
        return tuple(f for f in ("civil_service", "residents") if getattr(self.base_year, f))
