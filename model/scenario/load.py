"""Read a scenario file into a validated :class:`~model.scenario.schema.Scenario`.

The YAML is read with ruamel.yaml's round-trip loader, which keeps the line of every key and
rejects duplicate keys (PyYAML silently keeps the last one and reads ``NO`` as false). Every
problem found is reported at once, each naming the file, the line, the field and what is
expected, as a :class:`~model.errors.ScenarioError`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from model.errors import Problem, ScenarioError
from model.scenario.schema import Scenario, Schedule

LineMap = dict[tuple[Any, ...], int]


def load_scenario(path: str | Path) -> Scenario:
    """Load, check and return the scenario in ``path``.

    Raises
    ------
    ScenarioError
        With one :class:`~model.errors.Problem` per mistake found.
    """
    name = str(path)
    data, lines = read_yaml(path)
    return validate_data(data, lines, name)


def read_yaml(path: str | Path) -> tuple[Any, LineMap]:
    """Parse ``path`` into plain Python data plus a map from key path to 1-based line."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    name = str(path)
    p = Path(path)
    if not p.exists():
        raise ScenarioError([Problem(name, "", "file not found; expected a scenario .yaml file")])
    if p.is_dir():
        raise ScenarioError([Problem(name, "", "is a folder; expected a scenario .yaml file")])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError([Problem(name, "", f"is not UTF-8 text ({err.reason})")]) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except DuplicateKeyError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        key = _duplicate_key_name(err)
        raise ScenarioError(
            [Problem(name, key, "duplicate key; each key may appear only once per mapping", line)]
        ) from None
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        what = (err.problem or err.context or "cannot be parsed").strip()
        raise ScenarioError([Problem(name, "", f"invalid YAML: {what}", line)]) from None
    except YAMLError as err:
        raise ScenarioError([Problem(name, "", f"invalid YAML: {err}")]) from None
    if doc is None:
        raise ScenarioError([Problem(name, "", "is empty; expected a scenario mapping")])
    lines: LineMap = {}
    data = _plain(doc, (), lines)
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(name, "", f"expected a mapping of scenario keys at the top, got {type(data).__name__}")]
        )
    return data, lines


def _duplicate_key_name(err: Exception) -> str:
    text = str(getattr(err, "problem", "") or "")
    # ruamel says: found duplicate key "x" with value ...
    if '"' in text:
        return text.split('"')[1]
    return ""


def _plain(node: Any, path: tuple[Any, ...], lines: LineMap) -> Any:
    """Convert ruamel's commented containers to dicts and lists, recording key lines."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            k = _scalar(key)
            try:
                lines[path + (k,)] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            out[k] = _plain(node[key], path + (k,), lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, item in enumerate(node):
            try:
                lines[path + (i,)] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            out_list.append(_plain(item, path + (i,), lines))
        return out_list
    return _scalar(node)


def _scalar(x: Any) -> Any:
    """ruamel returns str/int/float subclasses that carry formatting; make them plain."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return float(x)
    if isinstance(x, str):
        return str(x)
    return x


def validate_data(data: dict[str, Any], lines: LineMap, name: str) -> Scenario:
    """Validate parsed scenario data, mapping each error to a field path and a line."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems_from(err, data, lines, name)) from None
    problems = list(_schedule_problems(scenario, lines, name))
    if problems:
        raise ScenarioError(problems)
    return scenario


def _problems_from(
    err: ValidationError, data: dict[str, Any], lines: LineMap, name: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for e in err.errors():
        loc = tuple(e["loc"])
        # Union branches add their type names to loc: drop them.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p[:1].isupper())))
        message = _message(e, loc, data)
        if message.startswith("@") and "|" in message:
            sub, message = message[1:].split("|", 1)
            loc = loc + (_maybe_int(sub),)
        field = ".".join(str(p) for p in loc)
        if (field, message) in seen:
            continue
        seen.add((field, message))
        problems.append(Problem(name, field, message, _line_for(loc, lines)))
    problems.sort(key=lambda p: (p.line or 0, p.field))
    return problems


def _maybe_int(s: str) -> Any:
    try:
        return int(s)
    except ValueError:
        return s


def _message(e: dict[str, Any], loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    kind = e["type"]
    got = e.get("input")
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1)
            if close:
                hint = f"; did you mean '{close[0]}'?"
            allowed = ", ".join(parent.model_fields)
            return f"unknown field{hint} (allowed here: {allowed})"
        return f"unknown field{hint}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {want}, got {got!r}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got!r}"
    if kind in ("string_type",):
        return f"expected text, got {got!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {got!r}"
    if kind in ("list_type",):
        return f"expected a list, got {got!r}"
    if kind == "literal_error":
        expected = e.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, got {got!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = e.get("ctx", {})
        words = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        bound = next(iter(ctx.values()), "")
        hint = ""
        if kind == "less_than_equal" and bound == 1 and isinstance(got, int | float) and 1 < got <= 100:
            hint = f" (did you mean {got / 100:g}?)"
        return f"expected a value {words} {bound}, got {got!r}{hint}"
    if kind == "string_too_short":
        return "expected non-empty text (at least 3 characters)"
    if kind == "string_pattern_mismatch":
        return f"expected lower-case letters, digits, '-' or '_', got {got!r}"
    if kind == "value_error":
        msg = str(e.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return str(e.get("msg", kind))


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``loc`` (None if not a model)."""
    import types
    import typing

    model: Any = Scenario
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        ann = field.annotation
        model = None
        for cand in _flatten(ann, typing, types):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                model = cand
                break
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _flatten(ann: Any, typing: Any, types: Any) -> list[Any]:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        out = []
        for a in typing.get_args(ann):
            out.extend(_flatten(a, typing, types))
        return out
    return [ann]


def _line_for(loc: tuple[Any, ...], lines: LineMap) -> int | None:
    """Line of the deepest key of ``loc`` present in the file."""
    for n in range(len(loc), 0, -1):
        line = lines.get(tuple(loc[:n]))
        if line is not None:
            return line
    return None


def _schedule_problems(scenario: Scenario, lines: LineMap, name: str):
    """Cross-field rule: a schedule's first year must not come after the base year."""
    base = scenario.meta.base_year
    for path, sched in _walk_schedules(scenario, ()):
        first = sched.first_year
        if first is not None and first > base:
            loc = path + ("value", first)
            yield Problem(
                name,
                ".".join(str(p) for p in loc),
                f"the first stated year {first} is after the base year {base}; "
                f"expected a value for {base} or earlier",
                _line_for(loc, lines),
            )


def _walk_schedules(obj: Any, path: tuple[Any, ...]):
    if isinstance(obj, Schedule):
        yield path, obj
        return
    if isinstance(obj, BaseModel):
        for fname in type(obj).model_fields:
            yield from _walk_schedules(getattr(obj, fname), path + (fname,))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_schedules(v, path + (k,))
