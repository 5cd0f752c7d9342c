"""The lists of files not yet clean (``pyproject.toml``) only shrink.

``.ci/run`` runs ``ruff check``, ``ruff format --check`` and ``mypy``; each skips the files its
list names. These tests keep the lists honest: sorted, without duplicates, every entry an existing
file, and every listed file still failing its check, so a file that has become clean must leave
its list (and can never quietly fall behind again).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUFF = CONFIG["tool"]["ruff"]
LINT_LIST: list[str] = RUFF["lint"].get("exclude", [])
FORMAT_LIST: list[str] = RUFF["format"].get("exclude", [])
MYPY_OVERRIDES: list[dict] = CONFIG["tool"]["mypy"].get("overrides", [])
MYPY_LIST: list[str] = [m for o in MYPY_OVERRIDES if o.get("ignore_errors") for m in o["module"]]
#: What ``.ci/run`` gives mypy.
MYPY_TARGETS = ("model", "cli")

LISTS = {"ruff check": LINT_LIST, "ruff format": FORMAT_LIST, "mypy": MYPY_LIST}


def module_path(module: str) -> Path:
    """The file of a dotted module name: ``model.engine.project`` → model/engine/project.py."""
    base = ROOT.joinpath(*module.split("."))
    package = base / "__init__.py"
    return package if package.is_file() else base.with_suffix(".py")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("name", LISTS)
def test_each_list_is_sorted_without_duplicates(name):
    entries = LISTS[name]
    assert entries == sorted(set(entries)), f"keep the {name} list sorted, each entry once"


@pytest.mark.parametrize("name", ["ruff check", "ruff format"])
def test_each_listed_file_exists(name):
    missing = [e for e in LISTS[name] if not (ROOT / e).is_file()]
    assert not missing, f"{name}: listed but not a file (moved or deleted?): {missing}"


def test_each_listed_module_exists():
    missing = [m for m in MYPY_LIST if not module_path(m).is_file()]
    assert not missing, f"mypy: listed but not a module (moved or deleted?): {missing}"
    outside = [m for m in MYPY_LIST if m.split(".")[0] not in MYPY_TARGETS]
    assert not outside, f"mypy: listed but not checked by .ci/run: {outside}"


@pytest.mark.parametrize(
    "name, command", [("ruff check", ("check", "--no-fix")), ("ruff format", ("format", "--check"))]
)
def test_each_file_listed_for_ruff_is_still_not_clean(name, command):
    pytest.importorskip("ruff")
    # Files named on the command line are checked even though the list excludes them; a file
    # with something to report is named in the report.
    result = run("ruff", *command, *LISTS[name])
    report = result.stdout + result.stderr
    clean = [e for e in LISTS[name] if not re.search(rf"(?<![\w/.]){re.escape(e)}\b", report)]
    assert not clean, f"{name}: clean now, so take them off its list in pyproject.toml: {clean}"


def test_each_module_listed_for_mypy_is_still_not_clean(tmp_path):
    pytest.importorskip("mypy")
    # The same settings without the list of modules whose errors are ignored.
    lines = ["[tool.mypy]"]
    lines += [f"{k} = {_toml(v)}" for k, v in CONFIG["tool"]["mypy"].items() if k != "overrides"]
    for override in MYPY_OVERRIDES:
        if not override.get("ignore_errors"):
            lines += ["[[tool.mypy.overrides]]"]
            lines += [f"{k} = {_toml(v)}" for k, v in override.items()]
    config = tmp_path / "mypy.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("mypy", "--config-file", str(config), *MYPY_TARGETS)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    with_errors = {
        (ROOT / m.group(1)).resolve()
        for m in re.finditer(r"^([^\s:]+\.py):\d+: error:", result.stdout, re.MULTILINE)
    }
    clean = [m for m in MYPY_LIST if module_path(m).resolve() not in with_errors]
    assert not clean, f"mypy: clean now, so take them off its list in pyproject.toml: {clean}"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value)
