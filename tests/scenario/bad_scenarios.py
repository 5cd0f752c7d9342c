"""Bad scenario files, each made from the shipped Qitai scenario by one small patch.

A case names the mistake, says how to make it from ``scenarios/qitai-2021.yaml`` and what error
it must give: the field, the words of the message and how to find the offending line in the
patched text. A patch is

* :class:`Replace`: a text replacement ``old → new``, where ``old`` must be found exactly once in
  the shipped file, for mistakes of writing (a misspelt key, a bad indentation, a value in
  percent, a bracket never closed);
* :class:`Edit`: a change of the parsed data, written back with the file's comments and layout,
  for mistakes of structure (a required key deleted);
* :class:`Text`: a few lines written out in full, where the mistake is the whole file (empty, a
  list at the top).

When the shipped scenario changes so that a patch no longer applies, the case fails with
:class:`PatchOutOfDate`, which says which case to update and how. ``tests/scenario/
test_bad_input.py`` checks every case through ``load_scenario``, ``yanglao validate`` and
``yanglao project --out``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.conftest import QITAI, ROOT

HERE = "tests/scenario/bad_scenarios.py"
SHIPPED = QITAI.relative_to(ROOT).as_posix()


class PatchOutOfDate(AssertionError):
    """A case's patch no longer fits the shipped scenario: the case must be updated."""


def _out_of_date(case: str, mistake: str, what: str) -> PatchOutOfDate:
    return PatchOutOfDate(
        f"bad scenario {case!r} no longer applies to {SHIPPED}: {what}. The shipped scenario "
        f"has changed; update the case in {HERE} (its patch, and the anchors of the expected "
        f"line if they moved) so that it still makes its one mistake: {mistake}"
    )


@dataclass(frozen=True)
class Replace:
    """Replace ``old`` (found exactly once in the shipped text) by ``new``."""

    old: str
    new: str

    def apply(self, text: str, case: str, mistake: str) -> str:
        found = text.count(self.old)
        if found != 1:
            raise _out_of_date(
                case, mistake, f"its text {self.old!r} is found {found} times, expected once"
            )
        return text.replace(self.old, self.new)


DELETE = object()  # the value of an Edit that removes the key


@dataclass(frozen=True)
class Edit:
    """Set the dotted ``path`` of the parsed scenario to ``value`` (:data:`DELETE` removes it);
    the rest of the file keeps its comments and layout."""

    path: str
    value: Any = DELETE

    def apply(self, text: str, case: str, mistake: str) -> str:
        yaml = _round_trip()
        data = yaml.load(text)
        node, keys = data, self.path.split(".")
        for depth, key in enumerate(keys):
            if not isinstance(node, dict) or key not in node:
                where = ".".join(keys[:depth]) or "the top"
                raise _out_of_date(case, mistake, f"there is no key {key!r} under {where}")
            if depth < len(keys) - 1:
                node = node[key]
        if self.value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = self.value
        out = io.StringIO()
        yaml.dump(data, out)
        return out.getvalue()


@dataclass(frozen=True)
class Text:
    """The whole file, written out (for mistakes that are the whole file)."""

    text: str

    def apply(self, text: str, case: str, mistake: str) -> str:
        return self.text


def _round_trip() -> YAML:
    """ruamel's round trip set to the shipped file's layout (sequences indented under keys)."""
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def line_of(text: str, *anchors: str) -> int:
    """1-based line of the last of ``anchors`` (regexes, each searched after the previous one).

    Expected lines are found in the patched text, so they follow the shipped file as it changes.
    """
    pos, line = 0, 0
    for anchor in anchors:
        m = re.compile(anchor, re.MULTILINE).search(text, pos)
        assert m, f"anchor {anchor!r} not found in the patched scenario after offset {pos}"
        pos, line = m.end(), text.count("\n", 0, m.start()) + 1
    return line


@dataclass(frozen=True)
class Expect:
    """One problem expected from a case."""

    field: str  # dotted path; "" for problems about the whole file
    anchors: tuple[str, ...]  # regexes locating the offending line; () when no line applies
    words: tuple[str, ...]  # what the message must say (what is wrong, what is expected)

    def line(self, text: str) -> int | None:
        return line_of(text, *self.anchors) if self.anchors else None


@dataclass(frozen=True)
class Case:
    """One mistake: what it is, how to make it, and the problems it must give, in the order
    reported (by line, then field)."""

    name: str
    mistake: str
    patch: Replace | Edit | Text
    expect: tuple[Expect, ...]

    def text(self) -> str:
        """The shipped scenario with this case's mistake."""
        return self.patch.apply(QITAI.read_text(encoding="utf-8"), self.name, self.mistake)

    def write(self, folder: Path) -> Path:
        """Write the broken scenario as ``folder/<name>.yaml`` and return its path."""
        path = folder / f"{self.name}.yaml"
        path.write_text(self.text(), encoding="utf-8")
        return path


CS_EMPLOYER_RATE = (r"^    contribution_rate_employer:",)

CASES: dict[str, Case] = {
    c.name: c
    for c in [
        Case(
            "missing_required_field",
            "policy.civil_service.contribution_rate_individual has been deleted",
            Edit("policy.civil_service.contribution_rate_individual"),
            (
                Expect(
                    "policy.civil_service.contribution_rate_individual",
                    (r"^policy:", r"^  civil_service:$"),  # the mapping that lacks the key
                    (
                        "missing required field",
                        "expected key 'contribution_rate_individual'",
                        "a rate",
                    ),
                ),
            ),
        ),
        Case(
            "unknown_field",
            "policy.civil_service.contribution_rate_employer is misspelt contribution_rate_employr",
            Replace("    contribution_rate_employer:\n", "    contribution_rate_employr:\n"),
            (
                Expect(
                    "policy.civil_service.contribution_rate_employr",
                    (r"^    contribution_rate_employr:",),
                    ("unknown field", "did you mean 'contribution_rate_employer'"),
                ),
            ),
        ),
        Case(
            "wrong_type",
            'policy.civil_service.collection_rate.value is text ("full") instead of a number',
            Replace("    collection_rate: {value: 1.0,", '    collection_rate: {value: "full",'),
            (
                Expect(
                    "policy.civil_service.collection_rate.value",
                    (r'^    collection_rate: \{value: "full"',),
                    ("expected a rate", "got 'full'"),
                ),
            ),
        ),
        Case(
            "rate_as_percent_schedule",
            "policy.civil_service.contribution_rate_employer is written in percent "
            "({2014: 20, 2019: 16}) instead of fractions",
            Replace(
                "      value: {2014: 0.20, 2019: 0.16}\n", "      value: {2014: 20, 2019: 16}\n"
            ),
            (
                Expect(
                    "policy.civil_service.contribution_rate_employer.value.2014",
                    (*CS_EMPLOYER_RATE, r"^      value: \{2014: 20, 2019: 16\}"),
                    ("expected a rate", "got 20", "did you mean 0.2?"),
                ),
                Expect(
                    "policy.civil_service.contribution_rate_employer.value.2019",
                    (*CS_EMPLOYER_RATE, r"^      value: \{2014: 20, 2019: 16\}"),
                    ("expected a rate", "got 16", "did you mean 0.16?"),
                ),
            ),
        ),
        Case(
            "rate_as_percent_constant",
            "policy.civil_service.contribution_rate_employer is a constant written in percent "
            "(16) instead of 0.16",
            Replace("      value: {2014: 0.20, 2019: 0.16}\n", "      value: 16\n"),
            (
                Expect(
                    "policy.civil_service.contribution_rate_employer.value",
                    (*CS_EMPLOYER_RATE, r"^      value: 16$"),
                    ("expected a rate", "got 16", "did you mean 0.16?"),
                ),
            ),
        ),
        Case(
            "years_out_of_order",
            "the years of policy.civil_service.contribution_rate_employer are out of order "
            "({2019: 0.16, 2014: 0.20})",
            Replace(
                "      value: {2014: 0.20, 2019: 0.16}\n", "      value: {2019: 0.16, 2014: 0.20}\n"
            ),
            (
                Expect(
                    "policy.civil_service.contribution_rate_employer.value.2014",
                    (*CS_EMPLOYER_RATE, r"^      value: \{2019: 0.16, 2014: 0.20\}"),
                    ("years must ascend", "2014 comes after 2019", "expected a year after 2019"),
                ),
            ),
        ),
        Case(
            "first_year_after_base_year",
            "assumptions.economy.interest_rate_civil_service starts in 2023, after the base "
            "year 2021",
            Replace(
                "  interest_rate_civil_service:\n      value: {2021: ",
                "  interest_rate_civil_service:\n      value: {2023: ",
            ),
            (
                Expect(
                    "assumptions.economy.interest_rate_civil_service.value.2023",
                    (r"^    interest_rate_civil_service:", r"^      value: \{2023: "),
                    (
                        "first stated year 2023 is after the base year 2021",
                        "expected a value for 2021",
                    ),
                ),
            ),
        ),
        Case(
            "negative_count",
            "base_year.civil_service.beneficiaries.value is -5",
            Replace(
                "    beneficiaries:\n      value: 4167\n", "    beneficiaries:\n      value: -5\n"
            ),
            (
                Expect(
                    "base_year.civil_service.beneficiaries.value",
                    (
                        r"^base_year:",
                        r"^  civil_service:",
                        r"^    beneficiaries:",
                        r"^      value: -5$",
                    ),
                    ("expected a count of at least 0", "got -5"),
                ),
            ),
        ),
        Case(
            "duplicate_key",
            "policy.civil_service.collection_rate appears twice",
            Replace(
                "    collection_rate: {value: 1.0,",
                '    collection_rate: {value: 0.95, source: "a second collection_rate"}\n'
                "    collection_rate: {value: 1.0,",
            ),
            (
                Expect(
                    "policy.civil_service.collection_rate",
                    (r"^    collection_rate:", r"^    collection_rate:"),  # the second occurrence
                    ("duplicate key", "expected each key once per mapping"),
                ),
            ),
        ),
        Case(
            "bad_indentation",
            "policy.civil_service.contribution_rate_individual is indented one space too far "
            "(invalid YAML)",
            Replace("\n    contribution_rate_individual:", "\n     contribution_rate_individual:"),
            (
                Expect(
                    "policy.civil_service.contribution_rate_individual",
                    (r"^     contribution_rate_individual:",),  # five spaces instead of four
                    (
                        "invalid YAML",
                        "bad indentation",
                        "expected 'contribution_rate_individual' to line up with the other keys "
                        "of policy.civil_service",
                    ),
                ),
            ),
        ),
        Case(
            "unclosed_bracket",
            "the flow mapping of policy.civil_service.collection_rate is never closed "
            "(invalid YAML)",
            Replace(
                'contributions are collected in full"}\n', 'contributions are collected in full"\n'
            ),
            (
                Expect(
                    "policy.civil_service.collection_rate",
                    (r"^    collection_rate: \{[^}\n]*$",),  # the line whose '{' is never closed
                    (
                        "invalid YAML",
                        "'{' opened on this line is not closed",
                        "expected ',' or '}'",
                    ),
                ),
            ),
        ),
        Case(
            "empty",
            "the file is empty (only a comment)",
            Text("# the file is empty (only this comment).\n"),
            (Expect("", (), ("is empty", "expected a scenario mapping", "schema_version, meta")),),
        ),
        Case(
            "top_level_list",
            "the scenario is an item of a list (a leading '- ') instead of a mapping at the top",
            Text(
                "# a scenario written as the item of a list\n"
                "- schema_version: 1\n"
                "  meta:\n"
                "    id: qitai-2021\n"
                "    base_year: 2021\n"
                "    horizon: 2050\n"
            ),
            (
                Expect(
                    "",
                    (r"^- schema_version:",),
                    ("expected a mapping of scenario keys", "got a list"),
                ),
            ),
        ),
        Case(
            "horizon_before_base_year",
            "meta.horizon (2015) is before meta.base_year (2021)",
            Replace("\n  horizon: 2050\n", "\n  horizon: 2015\n"),
            (
                Expect(
                    "meta.horizon",
                    (r"^meta:", r"^  horizon: 2015$"),
                    ("horizon 2015 must come after base_year 2021", "expected a year after 2021"),
                ),
            ),
        ),
        Case(
            "group_shares_not_one",
            "assumptions.civil_service.contributor_groups add up to 1.1, not 1",
            Replace(
                "    contributor_groups: {male: 0.55, female_55: 0.40, female_50: 0.05,",
                "    contributor_groups: {male: 0.55, female_55: 0.40, female_50: 0.15,",
            ),
            (
                Expect(
                    "assumptions.civil_service.contributor_groups",
                    (r"^assumptions:", r"^    contributor_groups:"),
                    ("expected shares adding up to 1", "they add up to 1.1"),
                ),
            ),
        ),
        Case(
            "union_misspelt_choice",
            "policy.residents.funeral_grant_yuan is from_budgt (misspelt) instead of from_budget "
            "or a schedule",
            Replace(
                "    funeral_grant_yuan: from_budget\n", "    funeral_grant_yuan: from_budgt\n"
            ),
            (
                Expect(
                    "policy.residents.funeral_grant_yuan",
                    (r"^    funeral_grant_yuan: from_budgt$",),
                    (
                        "expected 'from_budget' or a mapping",
                        "got 'from_budgt'",
                        "did you mean 'from_budget'?",
                    ),
                ),
            ),
        ),
    ]
}
