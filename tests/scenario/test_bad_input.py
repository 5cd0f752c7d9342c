"""Bad scenario files give one clear error per mistake, never a traceback, and write nothing.

Each file in ``tests/bad_scenarios/`` is the Qitai scenario with ONE thing broken (its first
line says what). For each, the test states the field path, the words the message must contain
and how to find the offending line in the fixture's own text, then checks the error both from
:func:`model.scenario.load.load_scenario` and from the ``yanglao validate`` and
``yanglao project --out`` commands.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.errors import Problem, ScenarioError
from model.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "bad_scenarios"
QITAI = ROOT / "scenarios" / "qitai-2021.yaml"


def line_of(text: str, *anchors: str) -> int:
    """1-based line of the last of ``anchors`` (regexes, each searched after the previous one).

    Expected lines are found in the fixture's text, so they follow the fixture if it changes.
    """
    pos, line = 0, 0
    for anchor in anchors:
        m = re.compile(anchor, re.MULTILINE).search(text, pos)
        assert m, f"anchor {anchor!r} not found in the fixture after offset {pos}"
        pos, line = m.end(), text.count("\n", 0, m.start()) + 1
    return line


@dataclass(frozen=True)
class Expect:
    """One problem expected in a fixture."""

    field: str  # dotted path; "" for problems about the whole file
    anchors: tuple[str, ...]  # regexes locating the offending line; () when no line applies
    words: tuple[str, ...]  # what the message must say (what is wrong, what is expected)

    def line(self, text: str) -> int | None:
        return line_of(text, *self.anchors) if self.anchors else None


# fixture -> the problems it must produce, in the order reported (by line, then field)
CASES: dict[str, list[Expect]] = {
    "missing_required_field.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_individual",
            (r"^policy:", r"^  civil_service:$"),  # the mapping that lacks the key
            ("missing required field", "expected key 'contribution_rate_individual'", "a rate"),
        )
    ],
    "unknown_field.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_employr",
            (r"^    contribution_rate_employr:",),
            ("unknown field", "did you mean 'contribution_rate_employer'"),
        )
    ],
    "wrong_type.yaml": [
        Expect(
            "policy.civil_service.collection_rate.value",
            (r'^    collection_rate: \{value: "full"',),
            ("expected a rate", "got 'full'"),
        )
    ],
    "rate_as_percent_schedule.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_employer.value.2014",
            (r"^    contribution_rate_employer:", r"^      value: \{2014: 20, 2019: 16\}"),
            ("expected a rate", "got 20", "did you mean 0.2?"),
        ),
        Expect(
            "policy.civil_service.contribution_rate_employer.value.2019",
            (r"^    contribution_rate_employer:", r"^      value: \{2014: 20, 2019: 16\}"),
            ("expected a rate", "got 16", "did you mean 0.16?"),
        ),
    ],
    "rate_as_percent_constant.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_employer.value",
            (r"^    contribution_rate_employer:", r"^      value: 16$"),
            ("expected a rate", "got 16", "did you mean 0.16?"),
        )
    ],
    "years_out_of_order.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_employer.value.2014",
            (r"^    contribution_rate_employer:", r"^      value: \{2019: 0.16, 2014: 0.20\}"),
            ("years must ascend", "2014 comes after 2019", "expected a year after 2019"),
        )
    ],
    "first_year_after_base_year.yaml": [
        Expect(
            "assumptions.economy.interest_rate_civil_service.value.2023",
            (r"^    interest_rate_civil_service:", r"^      value: \{2023: "),
            ("first stated year 2023 is after the base year 2021", "expected a value for 2021"),
        )
    ],
    "negative_count.yaml": [
        Expect(
            "base_year.civil_service.beneficiaries.value",
            (r"^base_year:", r"^  civil_service:", r"^    beneficiaries:", r"^      value: -5$"),
            ("expected a count of at least 0", "got -5"),
        )
    ],
    "duplicate_key.yaml": [
        Expect(
            "policy.civil_service.collection_rate",
            (r"^    collection_rate:", r"^    collection_rate:"),  # the second occurrence
            ("duplicate key", "expected each key once per mapping"),
        )
    ],
    "bad_indentation.yaml": [
        Expect(
            "policy.civil_service.contribution_rate_individual",
            (r"^     contribution_rate_individual:",),  # five spaces instead of four
            (
                "invalid YAML",
                "bad indentation",
                "expected 'contribution_rate_individual' to line up with the other keys of "
                "policy.civil_service",
            ),
        )
    ],
    "unclosed_bracket.yaml": [
        Expect(
            "policy.civil_service.collection_rate",
            (r"^    collection_rate: \{[^}\n]*$",),  # the line whose '{' is never closed
            ("invalid YAML", "'{' opened on this line is not closed", "expected ',' or '}'"),
        )
    ],
    "empty.yaml": [
        Expect("", (), ("is empty", "expected a scenario mapping", "schema_version, meta")),
    ],
    "top_level_list.yaml": [
        Expect(
            "",
            (r"^- schema_version:",),
            ("expected a mapping of scenario keys", "got a list"),
        )
    ],
    "horizon_before_base_year.yaml": [
        Expect(
            "meta.horizon",
            (r"^meta:", r"^  horizon: 2015$"),
            ("horizon 2015 must come after base_year 2021", "expected a year after 2021"),
        )
    ],
    "group_shares_not_one.yaml": [
        Expect(
            "assumptions.civil_service.contributor_groups",
            (r"^assumptions:", r"^    contributor_groups:"),
            ("expected shares adding up to 1", "they add up to 1.1"),
        )
    ],
    "union_misspelt_choice.yaml": [
        Expect(
            "policy.residents.funeral_grant_yuan",
            (r"^    funeral_grant_yuan: from_budgt$",),
            (
                "expected 'from_budget' or a mapping",
                "got 'from_budgt'",
                "did you mean 'from_budget'?",
            ),
        )
    ],
}


def expected_lines(name: str, path: Path) -> list[str]:
    """The printed form of each expected problem, ``file:line: field: message``, up to the message.

    Built independently of :class:`Problem` so that a change of its format is noticed.
    """
    text = path.read_text(encoding="utf-8")
    out = []
    for exp in CASES[name]:
        line = exp.line(text)
        where = f"{path}:{line}" if line else f"{path}"
        out.append(f"{where}: {exp.field}: " if exp.field else f"{where}: ")
    return out


def check_text(text: str, name: str, path: Path) -> None:
    """``text`` (the CLI's stderr) names file, line and field, and says what is expected."""
    assert "Traceback" not in text
    rows = [r for r in text.splitlines() if r.strip() and r.strip() != "error:"]
    assert len(rows) == len(CASES[name]), f"one line per problem expected, got:\n{text}"
    for row, prefix, exp in zip(rows, expected_lines(name, path), CASES[name], strict=True):
        assert prefix in row, f"{prefix!r} not in {row!r}"
        for word in exp.words:
            assert word in row, f"{word!r} not in {row!r}"
        assert "expected" in row


# --------------------------------------------------------------------------------------------
# the fixtures themselves


def test_every_fixture_is_tested_and_says_what_is_broken() -> None:
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert on_disk == set(CASES)
    for name in on_disk:
        first = (BAD / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# BROKEN: ") and len(first) > len("# BROKEN: ") + 10, name


def test_the_unbroken_scenario_is_valid() -> None:
    """The fixtures are copies of this file: their errors come from what was broken."""
    sc = load_scenario(QITAI)
    assert sc.meta.base_year == 2021
    result = CliRunner().invoke(app, ["validate", str(QITAI)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def test_line_of_finds_successive_anchors() -> None:
    text = "a:\n  b: 1\nc:\n  b: 2\n"
    assert line_of(text, r"^  b:") == 2
    assert line_of(text, r"^c:", r"^  b:") == 4
    with pytest.raises(AssertionError):
        line_of(text, r"^d:")


# --------------------------------------------------------------------------------------------
# load_scenario


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_scenario_reports_file_field_line_and_expectation(name: str) -> None:
    path = BAD / name
    text = path.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    problems = info.value.problems
    # one problem per mistake: no duplicates from union branches or a misspelt key
    assert len(problems) == len(CASES[name]), "\n".join(map(str, problems))
    for problem, exp in zip(problems, CASES[name], strict=True):
        assert isinstance(problem, Problem)
        assert problem.file == str(path)
        assert problem.field == exp.field
        assert problem.line == exp.line(text)
        for word in exp.words:
            assert word in problem.message, f"{word!r} not in {problem.message!r}"
        assert "expected" in problem.message  # every message names what is expected
    # the exception's own text is what the CLI prints
    for row, prefix in zip(str(info.value).splitlines(), expected_lines(name, path), strict=True):
        assert row.startswith(prefix), f"{row!r} does not start with {prefix!r}"


def test_duplicate_key_names_the_first_occurrence() -> None:
    path = BAD / "duplicate_key.yaml"
    first = line_of(path.read_text(encoding="utf-8"), r"^    collection_rate:")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert f"already set on line {first}" in problem.message
    assert problem.line == first + 1


def test_missing_file() -> None:
    path = ROOT / "tests" / "bad_scenarios" / "no-such-scenario.yaml"
    assert not path.exists()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert "file not found" in problem.message
    assert "expected a scenario .yaml file" in problem.message


# --------------------------------------------------------------------------------------------
# the command line


def invoke(args: list[str]):
    result = CliRunner().invoke(app, args)
    # CliRunner catches exceptions; anything but a plain exit would be a traceback for a user.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_validate(name: str) -> None:
    path = BAD / name
    result = invoke(["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error:")
    check_text(result.stderr.removeprefix("error:"), name, path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_project_writes_nothing(name: str, tmp_path: Path) -> None:
    path = BAD / name
    out = tmp_path / "out"
    result = invoke(["project", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error:")
    check_text(result.stderr.removeprefix("error:"), name, path)
    assert not out.exists()


@pytest.mark.parametrize("command", ["validate", "project"])
def test_cli_missing_file(command: str, tmp_path: Path) -> None:
    path = tmp_path / "no-such-scenario.yaml"
    out = tmp_path / "out"
    args = [command, str(path)] + (["--out", str(out)] if command == "project" else [])
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: {path}: file not found; expected a scenario .yaml file"
    )
    assert not out.exists()


@pytest.mark.parametrize("name", ["unknown_field.yaml", "bad_indentation.yaml", "empty.yaml"])
def test_real_process_prints_no_traceback(name: str) -> None:
    """The installed entry point, in a separate process: stderr as a user sees it."""
    path = BAD / name
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    check_text(proc.stderr.removeprefix("error:"), name, path)
