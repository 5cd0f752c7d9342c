"""Fuzzing the contract: whatever a scenario or outturn file holds, the tool either runs and
writes finite numbers, or exits 2 with a message that names the file, writes nothing, and never
shows a traceback. (``evaluate`` may also exit 1: disagreements found.)

A seeded generator mutates the shipped Qitai scenario and outturn: a key deleted, a value of
another type, extreme and non-finite numbers, unicode and control characters, deep nesting,
anchors and aliases. A fast sample runs in the default suite; ``pytest -m fuzz`` runs a long one
(``FUZZ_CASES`` cases per file kind)."""

from __future__ import annotations

import copy
import csv
import io
import math
import os
import random
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ROOT

QITAI = ROOT / "scenarios" / "qitai-2021.yaml"
OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"
#: Cases per file kind in the default suite, and with ``-m fuzz``.
FAST_CASES = 40
FUZZ_CASES = int(os.environ.get("FUZZ_CASES", "600"))

EXTREMES = [
    0,
    -0.0,
    1,
    -1,
    1e-308,
    1e308,
    -1e308,
    10**30,
    2**63,
    -(2**63),
    float("nan"),
    float("inf"),
    float("-inf"),
    0.5,
    100,
    1e15,
]
STRINGS = [
    "",
    " ",
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(1)",
    "-2+3",
    "\x07bell\x1b[31m",
    "名字\u202e反转",
    "🙂" * 50,
    "a" * 5000,
    "0.16",
    "16%",
    "2050",
    "null",
    "~",
    "yes",
]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    return y


def _load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(prefix + (k,))
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append(prefix + (i,))
            out.extend(_paths(v, prefix + (i,)))
    return out


def _parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


def _dump(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def mutate(doc: Any, rng: random.Random) -> tuple[Any, str | None, str]:
    """One mutation of ``doc``: the new document (or None with raw text), and what was done."""
    doc = copy.deepcopy(doc)
    paths = _paths(doc)
    path = rng.choice(paths)
    parent, key = _parent(doc, path)
    kind = rng.choice(["delete", "type", "extreme", "string", "nest", "alias", "extreme", "type"])
    where = ".".join(map(str, path))
    if kind == "delete":
        del parent[key]
    elif kind == "type":
        parent[key] = rng.choice([None, True, [], {}, "text", [1, 2], {"value": "x"}, 3, 2.5])
    elif kind == "extreme":
        parent[key] = rng.choice(EXTREMES)
    elif kind == "string":
        parent[key] = rng.choice(STRINGS)
    elif kind == "nest":
        # written as flow text after dumping: a deep document cannot go through the dumper
        depth = rng.choice([5, 60, 400, 5000])
        parent[key] = "__NEST__"
        return (
            None,
            _dump(doc).replace("__NEST__", "[" * depth + "1" + "]" * depth, 1),
            f"nesting {depth} deep at {where}",
        )
    elif kind == "alias":
        return None, _with_aliases(doc, rng), f"aliases near {where}"
    return doc, None, f"{kind} at {where}"


def _with_aliases(doc: Any, rng: random.Random) -> str:
    """The document as text with an alias bomb or a plain alias appended under a top key."""
    text = _dump(doc)
    if rng.random() < 0.5:
        bomb = ["x_a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
        for i, name in enumerate("bcdefghij"):
            prev = "abcdefghij"[i]
            refs = ", ".join([f"*{prev}"] * 10)
            bomb.append(f"x_{name}: &{name} [{refs}]")
        return text + "\n".join(bomb) + "\n"
    return text.replace("schema_version: 1", "schema_version: &v 1\nalias_of_version: *v", 1)


def _write(tmp: Path, name: str, doc: Any, text: str | None) -> Path:
    path = tmp / name
    if text is None:
        text = _dump(doc)
    path.write_text(text, encoding="utf-8")
    return path


def _check_outcome(result, out: Path, file: Path, ok_codes: tuple[int, ...], what: str) -> None:
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"{what}: raised {exc!r}\n{result.output}"
    assert "Traceback" not in result.output, f"{what}: traceback\n{result.output}"
    assert result.exit_code in ok_codes + (2,), f"{what}: exit {result.exit_code}\n{result.output}"
    if result.exit_code == 2:
        named = file.name in result.output
        assert named, f"{what}: the message does not name the file\n{result.output}"
        assert not out.exists(), f"{what}: wrote {out} on error"
        return
    csv_path = out / "projection.csv"
    if csv_path.exists():
        rows = list(csv.DictReader(csv_path.open(encoding="utf-8-sig")))
        for row in rows:
            for key in (
                "contribution_income",
                "total_expenditure",
                "reserve_end",
                "contributors",
                "beneficiaries",
                "subsidy_income",
            ):
                value = row.get(key)
                if value not in (None, ""):
                    assert math.isfinite(float(value)), f"{what}: {key} = {value}"


def _run(tmp_path: Path, kind: str, n: int, seed: int) -> None:
    """``n`` mutated files of ``kind`` ("scenario" through ``project``, "outturn" through
    ``evaluate`` against the shipped scenario), each held to the contract."""
    rng = random.Random(seed)
    base = _load(QITAI if kind == "scenario" else OUTTURN)
    runner = CliRunner()
    for i in range(n):
        doc, text, what = mutate(base, rng)
        path = _write(tmp_path, f"{kind}{i}.yaml", doc, text)
        out = tmp_path / f"out-{kind}{i}"
        if kind == "scenario":
            args, ok = ["project", str(path), "--out", str(out), "--years", "3"], (0,)
        else:  # evaluate may also find disagreements (exit 1)
            args, ok = ["evaluate", str(QITAI), str(path), "--out", str(out)], (0, 1)
        _check_outcome(runner.invoke(app, args), out, path, ok, f"{kind} case {i} ({what})")


def test_mutated_scenarios_keep_the_contract(tmp_path):
    _run(tmp_path, "scenario", FAST_CASES, seed=20261129)


def test_mutated_outturns_keep_the_contract(tmp_path):
    _run(tmp_path, "outturn", FAST_CASES // 2, seed=20261130)


@pytest.mark.fuzz
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_fuzz(tmp_path, seed):
    _run(tmp_path, "scenario", FUZZ_CASES, seed)
    _run(tmp_path, "outturn", FUZZ_CASES // 2, seed + 100)
