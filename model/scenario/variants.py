"""Variants: a scenario file that ``extends:`` another and states only what differs.

A variant file holds ``extends: <file>`` (a path relative to the variant), its own ``meta.id``
and ``meta.title``, and any part of ``base_year``, ``assumptions`` or ``policy`` to change. The
loader:

1. checks the override's keys against the schema, so that a misspelt key fails with the
   variant's file and line (its values are checked after merging);
2. merges it into the base: mappings that are parts of the schema merge key by key; a value
   (a schedule's ``value``, age weights, a tier mix, a list) replaces the base's whole;
3. validates the merged scenario again as a full scenario.

What ``extends`` may name (checked before anything is read, see :func:`extends_target`):

* a relative path (never absolute, never starting with ``~``) of a ``.yaml`` or ``.yml`` file,
  resolved from the folder of the file that names it, symbolic links followed;
* inside the *scenario folder tree*: the folder above the one holding the file the user named
  (so ``scenarios/variants/x.yaml`` may extend ``../qitai-2021.yaml`` or anything else under
  ``scenarios/``, and nothing outside it); the tree is fixed by the first file for the whole
  chain;
* at most :data:`MAX_CHAIN` files in the chain, with no file twice (a loop).

Two rules make variants answer "what if, from now on":

* **Schedules may start after the base year.** ``indexation: {value: {2022: 0.02}}`` keeps the
  base's values for the years before 2022.
* **The base year is history.** Calibration, the base-year members and the base year's cash
  flows always use the policy of the scenario at the root of the ``extends`` chain, so every
  variant reproduces the report in the base year and differs only from the next year on. (A
  variant that restores the 20% employer rate from 2014 therefore costs from the first
  projection year, not retroactively.) :attr:`Scenario.history` holds that root.
"""

from __future__ import annotations

import copy
import difflib
import typing
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import BaseModel

from model.errors import Problem, ScenarioError
from model.scenario.schema import Scenario, Schedule

#: The most files an ``extends`` chain may hold, counting the file named and the full scenario
#: at its end. The shipped variants have chains of two; ten leaves room for variants of
#: variants while keeping every chain short enough to read.
MAX_CHAIN = 10

#: The suffixes an ``extends`` target may have: it names a scenario file, never another kind.
EXTENDS_SUFFIXES = (".yaml", ".yml")


def model_fields_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (through Optional/Union), or None for a plain value."""
    origin = typing.get_origin(annotation)
    if origin is not None and origin not in (list, dict):
        for arg in typing.get_args(annotation):
            found = model_fields_of(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def override_problems(
    override: dict[str, Any],
    model: type[BaseModel],
    path: tuple[Any, ...],
    lines: Mapping,
    name: str,
) -> list[Problem]:
    """Unknown keys anywhere in a sparse override, each with its line and a suggestion."""
    problems = []
    for key, value in override.items():
        field = model.model_fields.get(str(key))
        here = path + (key,)
        if field is None:
            close = difflib.get_close_matches(str(key), list(model.model_fields), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            allowed = ", ".join(model.model_fields)
            problems.append(
                Problem(
                    name,
                    ".".join(map(str, here)),
                    f"unknown field{hint} (expected one of: {allowed})",
                    lines.get(here),
                )
            )
            continue
        sub = model_fields_of(field.annotation)
        if sub is not None and isinstance(value, dict):
            problems.extend(override_problems(value, sub, here, lines, name))
    return problems


def merge(
    base: dict[str, Any], override: dict[str, Any], model: type[BaseModel], base_year: int
) -> dict[str, Any]:
    """``base`` updated by ``override``: schema parts merge, values replace.

    Only the mappings on the override's paths are new; the rest of the result is ``base``'s own
    (``base`` is a fresh ``model_dump``, and copying a whole scenario for every county of a
    region cost more than reading it)."""
    out = dict(base)
    for key, value in override.items():
        field = model.model_fields.get(str(key))
        sub = model_fields_of(field.annotation) if field is not None else None
        if sub is not None and isinstance(value, dict) and isinstance(out.get(key), dict):
            if issubclass(sub, Schedule):
                out[key] = _merge_schedule(out[key], value, base_year)
            else:
                out[key] = merge(out[key], value, sub, base_year)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_schedule(
    base: dict[str, Any], override: dict[str, Any], base_year: int
) -> dict[str, Any]:
    """A schedule override; a ``value`` starting after the base year keeps the base's earlier
    years (carried as stated, including a constant as its value at the base year)."""
    out = dict(base)
    out.update(copy.deepcopy({k: v for k, v in override.items() if k != "value"}))
    if "value" not in override:
        return out
    new = override["value"]
    old = base.get("value")
    if isinstance(new, dict) and new and all(isinstance(k, int) for k in new):
        first = min(new)
        if first > base_year:
            if isinstance(old, dict):
                head = {y: v for y, v in old.items() if isinstance(y, int) and y < first}
            else:
                head = {base_year: old}
            new = {**head, **new}
    out["value"] = copy.deepcopy(new)
    return out


def scenario_tree(path: Path) -> Path:
    """The folder tree an ``extends`` chain starting at ``path`` must stay in: the folder above
    the one holding ``path``, or that folder itself when the one above is the file system's
    root (a file in ``/tmp`` may not reach all of ``/``). Symbolic links in it are resolved."""
    folder = path.parent.resolve()
    top = folder.parent
    return folder if top.parent == top else top


def extends_target(
    target: Any, path: Path, tree: Path, name: str, line: Callable[[], int | None]
) -> Path:
    """The file ``extends: <target>`` in ``path`` names, checked before it is read.

    ``line()`` gives the line of ``extends:``, asked only for an error (finding lines needs the
    slower line-aware parse, which a valid file never needs).

    Raises
    ------
    ScenarioError
        For anything but a relative path of a ``.yaml``/``.yml`` file inside ``tree``; the
        message names the path as written (cut short if long), never anything read from a file.
    """

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(name, "extends", message, line())])

    if not isinstance(target, str) or not target.strip():
        raise fail("expected the path of the scenario this one extends (relative to this file)")
    shown = _shown_path(target)
    if "\x00" in target:
        raise fail(
            f"{shown} is not a valid path; expected the path of a scenario .yaml file "
            "relative to this file"
        )
    if (
        target.startswith("~")
        or PurePosixPath(target).is_absolute()
        or PureWindowsPath(target).drive
        or PureWindowsPath(target).is_absolute()
    ):
        raise fail(
            f"{shown} is an absolute path; expected a path relative to this file, inside "
            f"the scenario folder {tree}"
        )
    if not target.lower().endswith(EXTENDS_SUFFIXES):
        raise fail(
            f"{shown} does not name a .yaml file; expected the path of a scenario .yaml "
            "file relative to this file"
        )
    try:
        resolved = (path.parent / target).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        raise fail(
            f"{shown} leads into a loop of symbolic links (it never reaches a file); "
            "expected a scenario .yaml file"
        ) from None
    if not resolved.is_relative_to(tree):
        raise fail(
            f"{shown} leads outside the scenario folder {tree}; expected a scenario "
            "file inside that folder"
        )
    return resolved


def _shown_path(target: str) -> str:
    text = repr(target)
    return text if len(text) <= 80 else text[:79] + "…"


def resolve_extends(
    data: dict[str, Any],
    lines: Mapping,
    path: Path,
    read_yaml,
    validate_data,
    chain: tuple[Path, ...] = (),
    tree: Path | None = None,
    validate_base=None,
) -> Scenario:
    """Load the scenario a variant extends, merge the variant into it and validate the result.

    ``chain`` holds the resolved files already in the chain (the first the user named);
    ``tree`` is the scenario folder tree of the chain (:func:`scenario_tree` of the first).
    ``validate_base`` validates a full scenario at the end of the chain, as read from its file
    (default ``validate_data``; the loader's remembers it by content, so that a hundred counties
    extending one base validate it once)."""
    if validate_base is None:
        validate_base = validate_data
    name = str(path)

    def line() -> int | None:
        return lines.get(("extends",))

    if tree is None:
        tree = scenario_tree(path)
    chain = chain + (path.resolve(),)
    base_path = extends_target(data.get("extends"), path, tree, name, line)
    if base_path in chain:
        again = "itself" if base_path == chain[-1] else base_path.name
        raise ScenarioError(
            [
                Problem(
                    name,
                    "extends",
                    f"{_shown_path(data['extends'])} leads "
                    f"back to {again}, already in the extends chain (a loop); "
                    "expected a chain that ends in a full scenario",
                    line(),
                )
            ]
        )
    if len(chain) >= MAX_CHAIN:
        raise ScenarioError(
            [
                Problem(
                    name,
                    "extends",
                    f"more than {MAX_CHAIN} files in the "
                    f"extends chain that starts at {chain[0].name}; the limit "
                    f"is {MAX_CHAIN}, expected this file to extend a full "
                    "scenario",
                    line(),
                )
            ]
        )
    if not base_path.exists():
        raise ScenarioError(
            [
                Problem(
                    name,
                    "extends",
                    f"{_shown_path(data['extends'])} not "
                    "found; expected a scenario file relative to this one",
                    line(),
                )
            ]
        )
    base_data, base_lines = read_yaml(base_path)
    if "extends" in base_data:
        base_scenario = resolve_extends(
            base_data, base_lines, base_path, read_yaml, validate_data, chain, tree, validate_base
        )
    else:
        base_scenario = validate_base(base_data, base_lines, str(base_path))
    override = {k: v for k, v in data.items() if k != "extends"}
    problems = override_problems(override, Scenario, (), lines, name)
    meta = override["meta"] if isinstance(override.get("meta"), dict) else {}
    for key in ("id", "title"):
        if key not in meta:
            problems.append(
                Problem(
                    name,
                    f"meta.{key}",
                    f"missing required field; a variant needs its own meta.{key}",
                    lines.get(("meta",)),
                )
            )
    if problems:
        raise ScenarioError(problems)
    base_dict = base_scenario.model_dump(mode="python", exclude_none=True)
    merged = merge(base_dict, override, Scenario, base_scenario.meta.base_year)
    try:
        scenario = validate_data(merged, lines, name)
    except ScenarioError as err:
        # Values that came from the base file are reported as the base's; the variant's own
        # keys keep the variant's file and line.
        raise ScenarioError([_attribute(p, lines, name, base_path) for p in err.problems]) from None
    scenario._history = base_scenario.history
    return scenario


def _attribute(problem: Problem, lines: Mapping, name: str, base_path: Path) -> Problem:
    parts = (
        tuple(int(p) if p.isdigit() else p for p in problem.field.split("."))
        if problem.field
        else ()
    )
    for n in range(len(parts), 0, -1):
        if parts[:n] in lines:
            return Problem(name, problem.field, problem.message, lines[parts[:n]])
    return Problem(f"{name} (merged with {base_path.name})", problem.field, problem.message, None)
