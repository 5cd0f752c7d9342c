"""The public names of the package, pinned."""

import model


def test_public_api():
    assert model.__all__ == sorted([
        "Projection", "Scenario", "ScenarioError", "YanglaoError", "backtest", "check_base_year",
        "compare", "evaluate", "load_outturn", "load_scenario", "make_budget", "project", "rebase",
        "sensitivity", "simulate",
    ])
    for name in model.__all__:
        assert getattr(model, name) is not None


def test_import_is_cheap():
    import subprocess
    import sys

    code = "import sys, model; print('numpy' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
