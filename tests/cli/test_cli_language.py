"""The command line's language, help, choices and progress: ``--lang`` on every command, the
user's default (``YANGLAO_LANG``, the config file), ``--version``, clear refusals of bad
choices, the thousands-separator message, the evaluate warning and the progress callbacks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.errors import ScenarioError
from tests.conftest import QITAI, ROOT

runner = CliRunner()

OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"
FUJIAN = ROOT / "scenarios" / "fujian-civil-service-2020.yaml"
FUJIAN_OUTTURN = ROOT / "scenarios" / "outturns" / "fujian-civil-service-2021.yaml"
MISSING = "no-such-file.yaml"


@pytest.fixture(autouse=True)
def no_user_default(tmp_path, monkeypatch):
    """Each test starts without a default language from the environment or a config file."""
    monkeypatch.delenv("YANGLAO_LANG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config-home" / "yanglao" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


#: Each command with arguments that fail fast on a missing input file: the run gets past the
#: parsing of every option (--lang included) and stops at reading the file.
COMMANDS = {
    "project": ["project", MISSING],
    "validate": ["validate", MISSING],
    "check": ["check", MISSING],
    "compare": ["compare", MISSING, MISSING],
    "budget": ["budget", MISSING],
    "simulate": ["simulate", MISSING],
    "sensitivity": ["sensitivity", MISSING],
    "valuation": ["valuation", MISSING],
    "evaluate": ["evaluate", MISSING, MISSING],
    "rebase": ["rebase", MISSING, MISSING, "--out", "new.yaml"],
    "roster": ["roster", "no-such-roster.csv", "--base-year", "2021"],
    "init": ["init", "--province", "no-such-province", "--base-year", "2023", "--out", "x.yaml"],
    "region": ["region", MISSING],
}


def test_the_table_names_every_command():
    registered = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert set(COMMANDS) <= registered
    # the page report has its own tests; drivers reads no file (tests/analysis/test_drivers.py)
    assert registered - set(COMMANDS) <= {"report", "drivers"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_accepts_lang(command, lang, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*COMMANDS[command], "--lang", lang])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "--lang" not in result.output  # not a usage error: the file (or province) is refused
    assert re.search(r"not found|no province|cannot be read", lines[0]), lines[0]


def test_a_bad_lang_is_refused_with_the_choices():
    result = runner.invoke(app, ["validate", str(QITAI), "--lang", "fr"])
    assert result.exit_code == 2
    assert "'zh'" in result.output and "'en'" in result.output


def test_chinese_is_the_default_and_english_on_request():
    zh = runner.invoke(app, ["validate", str(QITAI)])
    en = runner.invoke(app, ["validate", str(QITAI), "--lang", "en"])
    assert zh.exit_code == en.exit_code == 0
    assert zh.output == f"{QITAI}：有效（机关事业、城乡居民；2021–2050年）\n"
    assert en.output == f"{QITAI}: valid (civil_service, residents; 2021–2050)\n"


def test_yanglao_lang_sets_the_default_and_lang_overrides_it(monkeypatch):
    monkeypatch.setenv("YANGLAO_LANG", "en")
    assert "valid (" in runner.invoke(app, ["validate", str(QITAI)]).output
    assert "有效" in runner.invoke(app, ["validate", str(QITAI), "--lang", "zh"]).output
    monkeypatch.setenv("YANGLAO_LANG", " EN ")  # as a user might type it
    assert "valid (" in runner.invoke(app, ["validate", str(QITAI)]).output


def test_the_config_file_sets_the_default(tmp_path, monkeypatch):
    write_config(tmp_path, 'lang = "en"\n')
    assert "valid (" in runner.invoke(app, ["validate", str(QITAI)]).output
    # the environment comes before the config file
    monkeypatch.setenv("YANGLAO_LANG", "zh")
    assert "有效" in runner.invoke(app, ["validate", str(QITAI)]).output


@pytest.mark.parametrize(
    "text, says",
    [
        ('lang = "fr"\n', "config.toml: lang: expected zh or en, got 'fr'"),
        ("lang = 1\n", "config.toml: lang: expected zh or en, got 1"),
        ("lang = en\n", "config.toml: not valid TOML"),
    ],
)
def test_a_bad_config_value_is_one_message_and_exit_2(tmp_path, text, says):
    path = write_config(tmp_path, text)
    result = runner.invoke(app, ["validate", str(QITAI)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.output
    assert says in lines[0]
    # a command run with --lang does not need the default
    assert runner.invoke(app, ["validate", str(QITAI), "--lang", "en"]).exit_code == 0


def test_a_bad_yanglao_lang_is_one_message_and_exit_2(monkeypatch):
    monkeypatch.setenv("YANGLAO_LANG", "english")
    result = runner.invoke(app, ["project", str(QITAI)])
    assert result.exit_code == 2
    assert result.output == (
        "error: the environment variable YANGLAO_LANG: expected zh or en, got 'english'\n"
    )


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"yanglao {version('yanglao')}\n"


def test_help_is_chinese_with_an_example():
    result = runner.invoke(app, ["project", "--help"])
    assert result.exit_code == 0
    assert "从基期起逐年预测两项基金" in result.output
    assert "示例：yanglao project 情景.yaml --out 结果/" in result.output
    for command in COMMANDS:
        text = runner.invoke(app, [command, "--help"]).output
        assert "示例：yanglao " + command in text, command


def test_help_is_english_when_the_user_default_is():
    exe = shutil.which("yanglao", path=str(Path(sys.executable).parent))
    assert exe, "the yanglao console script is not installed next to this Python"
    env = {"PATH": str(Path(sys.executable).parent), "YANGLAO_LANG": "en", "HOME": "/nonexistent"}
    proc = subprocess.run(
        [exe, "budget", "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Example: yanglao budget" in proc.stdout and "示例" not in proc.stdout


def test_choices_are_listed_and_refused_clearly():
    text = runner.invoke(app, ["budget", "--help"]).output
    assert "budget|simulation" in text
    result = runner.invoke(app, ["budget", str(QITAI), "--intervals", "monte-carlo"])
    assert result.exit_code == 2 and "'budget'" in result.output and "'simulation'" in result.output
    result = runner.invoke(
        app,
        ["init", "--province", "35", "--base-year", "2023", "--out", "x.yaml", "--pooling", "city"],
    )
    assert result.exit_code == 2 and "'prefecture'" in result.output
    text = runner.invoke(app, ["valuation", "--help"]).output
    assert "real:0.02" in text and "0.03" in text  # --discount's three forms


def test_xlsx_without_out_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["project", str(QITAI), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.output == "error: --format xlsx 写出工作簿：请用 --out 指定输出文件夹\n"
    result = runner.invoke(app, ["project", str(QITAI), "--format", "xlsx", "--lang", "en"])
    assert result.exit_code == 2
    assert result.output == "error: --format xlsx writes a workbook: name the folder with --out\n"
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# evaluate: an outturn whose year before the scenario does not know


def outturn_of_year(tmp_path: Path, year: int) -> Path:
    text = OUTTURN.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(outturn:\n  year: )\d{4}$", rf"\g<1>{year}", text)
    assert n == 1
    path = tmp_path / f"outturn-{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_warns_when_the_year_before_is_not_known(tmp_path):
    from model.analysis.evaluate import YEAR_BEFORE_UNKNOWN, evaluate
    from model.scenario.load import load_scenario
    from model.scenario.outturn import load_outturn

    scenario = load_scenario(QITAI)
    later = evaluate(scenario, load_outturn(outturn_of_year(tmp_path, 2023)))
    assert YEAR_BEFORE_UNKNOWN in later.warnings
    blank = [ln for lines in later.lines.values() for ln in lines.values() if ln.previous is None]
    assert blank, "the warning is for lines whose year before is blank"
    # the scenario's base year (the year before from stated increases) and the year after it
    # (the year before from the scenario) are not warned about
    assert YEAR_BEFORE_UNKNOWN not in evaluate(scenario, load_outturn(OUTTURN)).warnings
    assert (
        YEAR_BEFORE_UNKNOWN
        not in evaluate(load_scenario(FUJIAN), load_outturn(FUJIAN_OUTTURN)).warnings
    )

    path = outturn_of_year(tmp_path, 2023)
    zh = runner.invoke(app, ["evaluate", str(QITAI), str(path)])
    assert zh.exit_code == 0, zh.output
    warning = zh.output.splitlines()[1]
    assert warning.startswith("提示：") and "2023年" in warning and "2021年" in warning
    assert "上年数" in warning
    en = runner.invoke(app, ["evaluate", str(QITAI), str(path), "--lang", "en"])
    assert en.exit_code == 0, en.output
    warning = en.output.splitlines()[1]
    assert "2023" in warning and "2021" in warning and "year-before" in warning


# --------------------------------------------------------------------------------------------
# numbers written with thousands separators


def with_separator(tmp_path: Path) -> tuple[Path, int, str, str]:
    """The shipped scenario with its first flow-mapping value of 4+ digits written 12,345.67:
    the file, the line, the number as written and as it should be."""
    lines = QITAI.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        m = re.search(r"\{value: (\d{4,})(\.\d+)?,", line)
        if m:
            digits = m.group(1)
            written = f"{digits[:-3]},{digits[-3:]}{m.group(2) or ''}"
            lines[n - 1] = line[: m.start(1)] + written + line[m.end(2 if m.group(2) else 1) :]
            path = tmp_path / "comma.yaml"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return path, n, written, written.replace(",", "")
    raise AssertionError("no flow-mapping value of four digits in the shipped scenario")


def test_a_thousands_separator_is_one_readable_message(tmp_path):
    from model.scenario.load import load_scenario

    path, line, written, plain = with_separator(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.line == line
    assert problem.field.endswith(".value") and "Keys should be strings" not in problem.message
    assert problem.message == (
        f"the number {written} is written with a thousands separator, which YAML reads as "
        f"separate keys; write numbers without separators: {plain}"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {path}:{line}: {problem.field}: the number {written}")


def test_a_quoted_number_with_separators_says_how_to_write_it(tmp_path):
    from model.scenario.load import load_scenario

    text = QITAI.read_text(encoding="utf-8")
    m = re.search(r"\{value: (\d)(\d{3}),", text)
    assert m
    path = tmp_path / "quoted.yaml"
    path.write_text(text[: m.start(1)] + f'"{m[1]},{m[2]}"' + text[m.end(2) :], encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems[0].message.endswith(
        f"; write numbers without thousands separators: {m[1]}{m[2]}"
    )


# --------------------------------------------------------------------------------------------
# progress


def recorder() -> tuple[list[tuple[int, int]], object]:
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def assert_counts_up_to_the_total(calls: list[tuple[int, int]]) -> None:
    assert calls, "the progress callback was never called"
    totals = {total for _, total in calls}
    assert len(totals) == 1, calls
    (total,) = totals
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total, calls
    assert len(set(done)) == total + 1, calls  # every block reported


def test_simulate_reports_progress(qitai):
    from model.analysis.simulate import simulate

    calls, progress = recorder()
    simulate(qitai, paths=20, years=3, progress=progress)
    assert_counts_up_to_the_total(calls)
    assert calls[-1][1] == 4  # the deterministic run, the drivers, each of the two funds


def test_budget_reports_progress(qitai):
    from model.analysis.budget import make_budget

    for intervals in ("budget", "simulation"):
        calls, progress = recorder()
        make_budget(qitai, paths=100, intervals=intervals, progress=progress)
        assert_counts_up_to_the_total(calls)


def test_compare_reports_progress(qitai):
    from model.analysis.compare import compare

    calls, progress = recorder()
    compare([qitai, qitai], years=5, progress=progress)
    assert_counts_up_to_the_total(calls)
    assert calls[-1][1] == 3


def test_sensitivity_reports_progress(qitai):
    from model.analysis.sensitivity import LEVERS, SHOCKS, sensitivity

    calls, progress = recorder()
    sensitivity(qitai, years=11, progress=progress)
    assert_counts_up_to_the_total(calls)
    assert calls[-1][1] == 1 + 2 * len(SHOCKS) + 1 + len(LEVERS)


def test_the_bar_is_drawn_only_on_a_terminal(monkeypatch):
    """In tests and pipes stderr is not a terminal: no bar, clean output; on a terminal the
    analysis gets a callback and the bar goes to stderr, never to stdout."""
    import cli.common

    plain = runner.invoke(app, ["simulate", str(QITAI), "--paths", "20", "--years", "3"])
    assert plain.exit_code == 0 and plain.stderr == ""
    monkeypatch.setattr(cli.common, "_stderr_is_terminal", lambda: True)
    seen = []
    from model.analysis import simulate as module

    real = module.simulate

    def spy(*args, **kwargs):
        seen.append(kwargs.get("progress"))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "simulate", spy)
    shown = runner.invoke(app, ["simulate", str(QITAI), "--paths", "20", "--years", "3"])
    assert shown.exit_code == 0, shown.output
    assert callable(seen[0])
    assert shown.stdout == plain.stdout


def test_the_projection_table_shows_the_years_asked_for():
    result = runner.invoke(
        app, ["project", str(QITAI), "--years", "10", "--show-years", "2022,2030"]
    )
    assert result.exit_code == 0, result.output
    years = [ln.split()[0] for ln in result.output.splitlines() if re.match(r"\d{4} ", ln)]
    assert years == ["2022", "2030"] * 2  # one block per fund
    every = runner.invoke(app, ["project", str(QITAI), "--years", "10", "--show-years", "all"])
    years = [ln.split()[0] for ln in every.output.splitlines() if re.match(r"\d{4} ", ln)]
    assert years == [str(y) for y in range(2021, 2032)] * 2
    bad = runner.invoke(app, ["project", str(QITAI), "--show-years", "soon"])
    assert bad.exit_code == 2
    assert bad.output == (
        "error: --show-years: expected years separated by commas (e.g. 2022,2025,2030) or all, "
        "got 'soon'\n"
    )
