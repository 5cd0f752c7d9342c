"""The layout is the architecture: each package imports only the ones before it.

``model.scenario`` → ``model.engine`` → ``model.analysis`` → ``model.output`` → ``cli``; the
shared ``model.errors``, ``model.units`` and ``model.data`` may be imported by any of them. Every
import counts, at the top of a module or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Layers in order; a module may import its own layer and the ones before it.
LAYERS = ("model.scenario", "model.engine", "model.analysis", "model.output", "cli")
SHARED = ("model.errors", "model.units", "model.data")


def _layer(module: str) -> int | None:
    for rank, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "model":
                out += [(node.lineno, f"model.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, node.module))
    return out


FILES = sorted(p for base in ("model", "cli") for p in (ROOT / base).rglob("*.py"))


def test_every_module_is_in_a_layer():
    loose = [_module_name(p) for p in FILES
             if _layer(_module_name(p)) is None and not _module_name(p).startswith(SHARED)
             and _module_name(p) != "model"]
    assert not loose, f"modules outside the five packages (put each in its stage): {loose}"


@pytest.mark.parametrize("path", FILES, ids=[_module_name(p) for p in FILES])
def test_imports_run_with_the_pipeline(path):
    own = _layer(_module_name(path))
    if own is None:
        own = -1 if _module_name(path).startswith(SHARED) else len(LAYERS)
    wrong = []
    for line, imported in _imports(path):
        if not imported.startswith(("model", "cli")):
            continue
        rank = _layer(imported)
        if rank is None:
            continue  # shared modules, or the lazy public API in model/__init__.py
        if rank > own:
            wrong.append(f"line {line}: {imported} ({LAYERS[rank]} comes after "
                         f"{LAYERS[own] if own >= 0 else 'the shared modules'})")
    assert not wrong, f"{_module_name(path)} imports a later stage:\n" + "\n".join(wrong)
