"""Bad scenario files give one clear error per mistake, never a traceback, and write nothing.

Each case of :mod:`tests.scenario.bad_scenarios` is the shipped Qitai scenario with ONE thing
broken by a small patch. The test writes the patched file into ``tmp_path`` and checks the error
both from :func:`model.scenario.load.load_scenario` and from the ``yanglao validate`` and
``yanglao project --out`` commands: the file, the line (found in the patched text), the field
and the words of the message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli.main import app
from model.errors import Problem, ScenarioError
from model.scenario.load import load_scenario
from tests.conftest import QITAI, ROOT
from tests.scenario.bad_scenarios import (
    CASES,
    Case,
    Edit,
    PatchOutOfDate,
    Replace,
    line_of,
)


def expected_lines(case: Case, path: Path) -> list[str]:
    """The printed form of each expected problem, ``file:line: field: message``, up to the message.

    Built independently of :class:`Problem` so that a change of its format is noticed.
    """
    text = path.read_text(encoding="utf-8")
    out = []
    for exp in case.expect:
        line = exp.line(text)
        where = f"{path}:{line}" if line else f"{path}"
        out.append(f"{where}: {exp.field}: " if exp.field else f"{where}: ")
    return out


def check_text(text: str, case: Case, path: Path) -> None:
    """``text`` (the CLI's stderr) names file, line and field, and says what is expected."""
    assert "Traceback" not in text
    rows = [r for r in text.splitlines() if r.strip() and r.strip() != "error:"]
    assert len(rows) == len(case.expect), f"one line per problem expected, got:\n{text}"
    for row, prefix, exp in zip(rows, expected_lines(case, path), case.expect, strict=True):
        assert prefix in row, f"{prefix!r} not in {row!r}"
        for word in exp.words:
            assert word in row, f"{word!r} not in {row!r}"
        assert "expected" in row


# --------------------------------------------------------------------------------------------
# the cases themselves


@pytest.fixture
def bad(tmp_path: Path):
    """Write a case's broken scenario into ``tmp_path``: ``(case, path)``."""

    def write(name: str) -> tuple[Case, Path]:
        case = CASES[name]
        return case, case.write(tmp_path)

    return write


def test_every_case_says_what_is_broken_and_how() -> None:
    for name, case in CASES.items():
        assert case.name == name and name.isidentifier()
        assert len(case.mistake) > 20, name
        assert case.expect, name
        assert not isinstance(case.patch, Replace) or case.patch.old != case.patch.new, name


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_patch_applies_to_the_shipped_scenario(name: str) -> None:
    """A patch makes its one change, and the expected lines are found in the patched text;
    a patch that no longer fits fails here with :class:`PatchOutOfDate` saying what to update."""
    case = CASES[name]
    shipped = QITAI.read_text(encoding="utf-8")
    text = case.text()
    assert text != shipped
    if isinstance(case.patch, Replace):
        assert text == shipped.replace(case.patch.old, case.patch.new, 1)
    for exp in case.expect:
        exp.line(text)


def test_a_patch_that_no_longer_fits_says_which_case_to_update() -> None:
    shipped = QITAI.read_text(encoding="utf-8")
    with pytest.raises(PatchOutOfDate) as info:
        Replace("    contribution_rate_employr:\n", "x").apply(shipped, "gone", "a mistake")
    message = str(info.value)
    assert "bad scenario 'gone' no longer applies to scenarios/qitai-2021.yaml" in message
    assert "found 0 times, expected once" in message
    assert "update the case in tests/scenario/bad_scenarios.py" in message
    assert "a mistake" in message
    with pytest.raises(PatchOutOfDate, match="found 2 times"):
        Replace("a", "b").apply("a a", "twice", "a mistake")
    with pytest.raises(PatchOutOfDate, match="no key 'rate' under policy.civil_service.+update"):
        Edit("policy.civil_service.rate").apply(shipped, "gone", "a mistake")
    with pytest.raises(PatchOutOfDate, match="no key 'polcy' under the top"):
        Edit("polcy.civil_service").apply(shipped, "gone", "a mistake")


def test_an_edit_changes_only_what_it_names() -> None:
    """The data of an edited file is the shipped data with the one change: the round trip of
    the rest of the file (comments, flow mappings, quotes) changes nothing."""
    text = QITAI.read_text(encoding="utf-8")
    edited = Edit("policy.civil_service.contribution_rate_individual").apply(text, "e", "m")
    assert edited.startswith(text.splitlines()[0])  # the comments are kept
    shipped = YAML(typ="safe").load(text)
    del shipped["policy"]["civil_service"]["contribution_rate_individual"]
    assert YAML(typ="safe").load(edited) == shipped


def test_the_unbroken_scenario_is_valid() -> None:
    """The cases are patches of this file: their errors come from what was broken."""
    sc = load_scenario(QITAI)
    assert sc.meta.base_year == 2021
    result = CliRunner().invoke(app, ["validate", str(QITAI), "--lang", "en"])
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
def test_load_scenario_reports_file_field_line_and_expectation(name: str, bad) -> None:
    case, path = bad(name)
    text = path.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    problems = info.value.problems
    # one problem per mistake: no duplicates from union branches or a misspelt key
    assert len(problems) == len(case.expect), "\n".join(map(str, problems))
    for problem, exp in zip(problems, case.expect, strict=True):
        assert isinstance(problem, Problem)
        assert problem.file == str(path)
        assert problem.field == exp.field
        assert problem.line == exp.line(text)
        for word in exp.words:
            assert word in problem.message, f"{word!r} not in {problem.message!r}"
        assert "expected" in problem.message  # every message names what is expected
    # the exception's own text is what the CLI prints
    for row, prefix in zip(str(info.value).splitlines(), expected_lines(case, path), strict=True):
        assert row.startswith(prefix), f"{row!r} does not start with {prefix!r}"


def test_duplicate_key_names_the_first_occurrence(bad) -> None:
    _, path = bad("duplicate_key")
    first = line_of(path.read_text(encoding="utf-8"), r"^    collection_rate:")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert f"already set on line {first}" in problem.message
    assert problem.line == first + 1


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no-such-scenario.yaml"
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
def test_cli_validate(name: str, bad) -> None:
    case, path = bad(name)
    result = invoke(["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error:")
    check_text(result.stderr.removeprefix("error:"), case, path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_project_writes_nothing(name: str, bad, tmp_path: Path) -> None:
    case, path = bad(name)
    out = tmp_path / "out"
    result = invoke(["project", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error:")
    check_text(result.stderr.removeprefix("error:"), case, path)
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


@pytest.mark.parametrize("name", ["unknown_field", "bad_indentation", "empty"])
def test_real_process_prints_no_traceback(name: str, bad) -> None:
    """The installed entry point, in a separate process: stderr as a user sees it."""
    case, path = bad(name)
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
    check_text(proc.stderr.removeprefix("error:"), case, path)
