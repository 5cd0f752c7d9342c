"""`yanglao validate` imports no numpy (nor pandas): checking a scenario file whose base-year
account is stated in full is pydantic and ruamel only; numpy comes with the first array, at run
time (or when a partial account's lines are estimated along a wage path)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCENARIOS = ["scenarios/qitai-2021.yaml", "scenarios/variants/county-subsidy-late.yaml"]

PROGRAM = """
import json, sys
from cli.main import app
try:
    app(["validate", sys.argv[1], "--lang", "en"], standalone_mode=False)
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "pandas"))))
"""


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_validate_imports_no_numpy(scenario):
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM, scenario],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    *said, modules = run.stdout.strip().splitlines()
    assert "valid" in " ".join(said)
    assert json.loads(modules) == []


def test_value_at_is_step_values_at_one_year():
    """The numpy-free lookup that validation uses gives the engine's numbers, bit for bit."""
    import numpy as np

    from model.scenario.horizon import walk_schedules
    from model.scenario.load import load_scenario
    from model.scenario.schedule import step_values, value_at

    checked = 0
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        if "outturns" in path.parts or "regions" in path.parts:
            continue
        for _, schedule in walk_schedules(load_scenario(path)):
            for year in range(1995, 2061):
                assert value_at(schedule, year) == float(step_values(schedule, np.array([year]))[0])
                checked += 1
    assert checked > 10_000


BLAS = """
import json
import cli.main  # noqa: F401  (before numpy, as the yanglao script does)
import numpy  # noqa: F401
from threadpoolctl import threadpool_info
print(json.dumps([i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]))
"""


@pytest.mark.parametrize("given, expected", [(None, 1), ("2", 2)])
def test_the_command_line_runs_one_blas_thread_unless_told(given, expected, monkeypatch):
    import os

    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    run = subprocess.run([sys.executable, "-c", BLAS], cwd=ROOT, capture_output=True, text=True,
                         check=False, env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    threads = json.loads(run.stdout)
    assert threads and all(n == expected for n in threads)
