"""A year's outturn (决算): the figures a county states for one year, read from a YAML file.

An outturn file has the shape of a scenario's ``base_year`` block, with its own header::

    schema_version: 1
    outturn: {year: 2021, county: {zh: …县, en: … County}, report: "…title…"}
    combined: {...}        # figures for both funds together (CombinedOutturn), optional
    civil_service: {...}   # FundOutturn, optional
    residents: {...}       # FundOutturn, optional

Every figure is a ``Stated`` (value, unit, source, bound, restated, note) exactly as in a
scenario, so one report can be recorded once and judged against any scenario
(``yanglao evaluate``). The file is read like a scenario: line-aware, duplicate keys refused, the
same limits (a regular file of at most 1 MiB, UTF-8, nesting at most 32 levels, no anchors or
aliases; :func:`model.scenario.load.read_text`) and each mistake reported with its file, line,
field and what is expected, never quoting the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from model.errors import Problem, ScenarioError
from model.scenario.schema import Bilingual, CombinedOutturn, FundOutturn, StrictModel


class OutturnHeader(StrictModel):
    """Which year, which pooling area, and which document the figures come from."""

    year: int = Field(ge=2000, le=2100, description="the year the figures are for")
    county: Bilingual
    report: str | None = Field(default=None, description="the document the figures come from")


class Outturn(StrictModel):
    """One year's stated figures for one pooling area; unknown keys are errors.

    ``combined``, ``civil_service`` and ``residents`` are the same models as a scenario's
    ``base_year`` (money in 万元 unless a figure's ``unit`` says otherwise), so
    :func:`model.analysis.consistency.check_stated` checks an outturn as it checks a base year.
    """

    schema_version: Literal[1]
    outturn: OutturnHeader
    combined: CombinedOutturn | None = None
    civil_service: FundOutturn | None = None
    residents: FundOutturn | None = None
    # Where the outturn was read from and its key-path → line map, so that an error found later
    # (a scenario rolled forward from it that cannot be calibrated) names the figure's line.
    _source: str | None = PrivateAttr(default=None)
    _lines: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _at_least_one_fund(self) -> Outturn:
        if self.civil_service is None and self.residents is None:
            raise ValueError("expected at least one fund: civil_service or residents")
        return self

    @property
    def funds(self) -> tuple[str, ...]:
        """The funds stated, in the project's order (``civil_service``, ``residents``)."""
        return tuple(f for f in ("civil_service", "residents") if getattr(self, f) is not None)


#: The top-level keys, named in messages about a file that is not a mapping of them.
OUTTURN_KEYS = ", ".join(Outturn.model_fields)


def load_outturn(path: str | Path) -> Outturn:
    """Load, check and return the outturn in ``path``.

    Parameters
    ----------
    path : str or Path
        A YAML outturn file (see the module docstring).

    Returns
    -------
    Outturn
        The validated, frozen outturn.

    Raises
    ------
    ScenarioError
        With one :class:`~model.errors.Problem` per mistake found (file, line, field, what is
        expected), for a missing, unreadable, malformed or invalid file.
    """
    from model.scenario.load import read_yaml, validate_model

    name = str(path)
    try:
        data, lines = read_yaml(path)
    except ScenarioError as err:
        # read_yaml words its whole-file messages for a scenario; say what an outturn needs.
        raise ScenarioError([_about_an_outturn(p) for p in err.problems]) from None
    outturn = validate_model(data, lines, name, Outturn)
    outturn._source = name
    outturn._lines = lines
    return outturn


def _about_an_outturn(problem: Problem) -> Problem:
    """A whole-file problem from :func:`read_yaml` reworded for an outturn file.

    Problems about a field (syntax errors, duplicate keys) are kept as they are.
    """
    message = problem.message
    if problem.field == "" and "scenario" in message:
        if message.startswith("is empty"):
            message = f"is empty; expected an outturn mapping with keys {OUTTURN_KEYS}"
        elif message.startswith("expected a mapping of scenario keys"):
            got = message.split(" at the top, ", 1)[-1]
            message = f"expected a mapping of outturn keys ({OUTTURN_KEYS}) at the top, {got}"
        else:
            message = message.replace("a scenario .yaml file", "an outturn .yaml file")
    return Problem(problem.file, problem.field, message, problem.line)
