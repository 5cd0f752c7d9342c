"""Read a scenario file into a validated :class:`~model.scenario.schema.Scenario`.

The YAML is read with ruamel.yaml's round-trip loader, which keeps the line of every key and
rejects duplicate keys (PyYAML silently keeps the last one and reads ``NO`` as false). Every
problem found is reported at once, each naming the file, the line, the field and what is
expected, as a :class:`~model.errors.ScenarioError`.

Reading is safe against hostile files (:func:`read_text`, :func:`check_structure`): only a
regular file is opened (never a device, pipe or socket, so nothing blocks or streams without
end), at most :data:`MAX_FILE_BYTES` are read, the text must be UTF-8 without control
characters, and the parser's event stream is walked before any document is built, refusing
nesting deeper than :data:`MAX_NESTING` and every anchor and alias (an alias bomb expands a
kilobyte into gigabytes). Messages never quote the file: they name the file, the line, the
field and what is expected, in the loader's own words.
"""

from __future__ import annotations

import copy
import difflib
import errno
import hashlib
import math
import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from model.errors import Problem, ScenarioError
from model.scenario.horizon import horizon_problems, walk_schedules
from model.scenario.schema import AT_KEY, Scenario, Schedule

LineMap = dict[tuple[Any, ...], int]
#: A line map as read: :func:`read_yaml` may return one that parses lines on first use.
Lines = Mapping[tuple[Any, ...], int]
ModelT = TypeVar("ModelT", bound=BaseModel)

#: The largest file read, in bytes (1 MiB). A scenario with both funds and every figure sourced
#: is about 25 KB; forty times that leaves room for long notes and many stated years, while any
#: file within it parses in a fraction of a second.
MAX_FILE_BYTES = 1024 * 1024

#: The deepest nesting of mappings and lists read, the top-level mapping counted (the shipped
#: scenarios nest 7 levels deep). Deeper nesting is refused from the parser's event stream,
#: before the document is built (building it recurses once per level).
MAX_NESTING = 32


def load_scenario(path: str | Path) -> Scenario:
    """Load, check and return the scenario in ``path``: a YAML file, or a workbook (.xlsx,
    :mod:`model.scenario.workbook`) whose problems name the sheet and cell.

    Raises
    ------
    ScenarioError
        With one :class:`~model.errors.Problem` per mistake found.
    """
    name = str(path)
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        # a workbook's rows give the same data, validated the same way, located by sheet and cell
        from model.scenario.workbook import load_workbook_scenario

        return load_workbook_scenario(path)
    cached = _cached_scenario(name)
    if cached is not None:
        return cached
    with _reads_noted() as reads:
        data, lines = read_yaml(path)
        if "extends" in data:
            from model.scenario.variants import resolve_extends

            scenario = resolve_extends(
                data, lines, Path(path), read_yaml, validate_data, validate_base=_validate_as_read
            )
        else:
            scenario = validate_data(data, lines, name)
    _remember(_SCENARIOS, (name, reads[0][1], _code_version()), (scenario, tuple(reads)))
    return scenario


# ------------------------------------------------------------------------------------------------
# Parsed once per content: the cache of this process
#
# compare, sensitivity and a region read many files, and the county scenarios of a region often
# extend one base file: each file is parsed once per content, and each scenario validated once.
# Entries are keyed by the file as named, the sha256 of the bytes read and the code's version;
# only what loaded without error is kept, so every error is found (and worded) as on a first
# read. A validated scenario is frozen and returned as is; parsed data is copied out, since
# `extends:` merges into it. There is no cache on disk: parsing a shipped scenario takes 10–20 ms
# (ruamel's C loader), and a cache file would have to be trusted not to have been tampered with.

#: Most entries of each cache (a scenario is a few hundred kilobytes in memory at most).
CACHE_ENTRIES = 512

_PARSED: OrderedDict[tuple[str, str, str], tuple[Any, Lines]] = OrderedDict()
_SCENARIOS: OrderedDict[tuple[str, str, str], tuple[Scenario, tuple[tuple[str, str], ...]]] = (
    OrderedDict()
)
#: Full scenarios at the end of an ``extends`` chain, validated as read from their files.
_BASES: OrderedDict[tuple[str, str, str], Scenario] = OrderedDict()
_LOCK = threading.Lock()
_NOTED = threading.local()


def clear_cache() -> None:
    """Forget every parsed file and validated scenario of this process."""
    with _LOCK:
        _PARSED.clear()
        _SCENARIOS.clear()
        _BASES.clear()


def _code_version() -> str:
    """The schema and package versions the cached objects were made by."""
    from importlib.metadata import PackageNotFoundError, version

    global _CODE_VERSION
    if _CODE_VERSION is None:
        try:
            package = version("yanglao")
        except PackageNotFoundError:
            package = "unknown"
        schema = Scenario.model_fields["schema_version"].annotation
        _CODE_VERSION = f"yanglao {package}; schema {getattr(schema, '__args__', schema)}"
    return _CODE_VERSION


_CODE_VERSION: str | None = None


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _remember(cache: OrderedDict, key: tuple, value: Any) -> None:
    with _LOCK:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)


def _recall(cache: OrderedDict, key: tuple) -> Any:
    with _LOCK:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


class _reads_noted:
    """Collect the (file as named, sha256) of every YAML file read inside the block, the first
    being the scenario's own file, then the files it extends."""

    def __enter__(self) -> list[tuple[str, str]]:
        self._outer = getattr(_NOTED, "reads", None)
        _NOTED.reads = []
        return _NOTED.reads

    def __exit__(self, *exc: object) -> None:
        inner = _NOTED.reads
        _NOTED.reads = self._outer
        if self._outer is not None:
            self._outer.extend(inner)


def _note_read(name: str, digest: str) -> None:
    reads = getattr(_NOTED, "reads", None)
    if reads is not None:
        reads.append((name, digest))


def _validate_as_read(data: dict[str, Any], lines: Lines, name: str) -> Scenario:
    """:func:`validate_data` of a file's data exactly as just read (the base of an ``extends``
    chain), once per content: keyed by the file as named and the sha256 of the bytes read."""
    reads = getattr(_NOTED, "reads", None) or []
    digest = next((d for n, d in reversed(reads) if n == name), None)
    if digest is None:
        return validate_data(data, lines, name)
    key = (name, digest, _code_version())
    hit = _recall(_BASES, key)
    if hit is not None:
        return hit
    scenario = validate_data(data, lines, name)
    _remember(_BASES, key, scenario)
    return scenario


def _cached_scenario(name: str) -> Scenario | None:
    """The scenario validated before from the same bytes of ``name`` and of every file it
    extends (each read again and hashed), or None."""
    try:
        digest = _digest(read_bytes(name))
    except ScenarioError:
        return None  # the full read below reports it
    hit = _recall(_SCENARIOS, (name, digest, _code_version()))
    if hit is None:
        return None
    scenario, reads = hit
    for other, other_digest in reads[1:]:
        try:
            if _digest(read_bytes(other)) != other_digest:
                return None
        except ScenarioError:
            return None
    for read in reads:
        _note_read(*read)
    return scenario


#: Suffixes read as a workbook (:mod:`model.scenario.workbook`, which refuses all but .xlsx
#: with a reason); any other file is read as YAML.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


class _LinesOnDemand(Mapping):
    """The key-path → line map of a file, built by the line-aware parser only when first asked.

    A valid file never needs its lines, and the line-aware (round-trip) parser is several times
    slower than the C-based safe one, so the lines wait until an error needs them."""

    def __init__(self, text: str, name: str):
        # the text already read and checked: the file is not read a second time
        self._text = text
        self._name = name
        self._lines: LineMap | None = None

    def _load(self) -> LineMap:
        if self._lines is None:
            self._lines = _parse_with_lines(self._text, self._name)[1]
        return self._lines

    def __getitem__(self, key: tuple[Any, ...]) -> int:
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def read_yaml(path: str | Path) -> tuple[Any, Mapping[tuple[Any, ...], int]]:
    """Parse ``path`` into plain Python data plus a map from key path to 1-based line.

    The file is read once and checked (:func:`read_text`), and its structure is checked before
    any parser builds it (:func:`check_structure`). A well-formed file is then parsed by the
    fast safe loader (C-based where ruamel.yaml.clib is installed; duplicate keys are refused
    there too) and its line map is built on demand; any trouble falls back to the line-aware
    parser, whose errors name the line.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    name = str(path)
    raw = read_bytes(path)
    digest = _digest(raw)
    _note_read(name, digest)
    key = (name, digest, _code_version())
    hit = _recall(_PARSED, key)
    if hit is not None:
        return copy.deepcopy(hit[0]), hit[1]
    text = _decoded(raw, name)
    try:
        check_structure(text, name, pure=False)
        fast = YAML(typ="safe", pure=False)
        fast.allow_duplicate_keys = False
        data = fast.load(text)
    except (YAMLError, ValueError, TypeError):
        data = None
    if isinstance(data, dict) and all(isinstance(k, str) for k in data):
        lines: Mapping[tuple[Any, ...], int] = _LinesOnDemand(text, name)
    else:
        data, lines = _parse_with_lines(text, name)
    _check_thousands(data, lines, text, name)
    _remember(_PARSED, key, (copy.deepcopy(data), lines))
    return data, lines


#: A number written with thousands separators (14,500.00); in a flow mapping
#: (``{value: 14,500.00}``) YAML reads it as the number 14 and a key 500.00 with no value.
_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w.]|,\d)")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _check_thousands(data: Any, lines: Mapping[tuple[Any, ...], int], text: str, name: str) -> None:
    """Refuse numbers written with thousands separators in flow mappings, one problem per field
    naming the file, line and field, rather than the keys YAML makes of the digits after a comma.

    Raises
    ------
    ScenarioError
        One problem per such number.
    """
    found: list[tuple[tuple[Any, ...], list[Any]]] = []  # (field, the number's parts as read)

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            items = list(node.items())
            for i, (key, value) in enumerate(items):
                before = items[i - 1] if i else None
                if _is_number(key) and value is None and before is not None:
                    if found and found[-1][0][:-1] == path and before[1] is None:
                        found[-1][1].append(key)  # 1,234,567: a second stray key
                    elif isinstance(before[0], str) and _is_number(before[1]):
                        found.append((path + (before[0],), [before[1], key]))
                walk(value, path + (key,))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + (i,))

    walk(data, ())
    if not found:
        return
    text_lines = text.splitlines()
    problems = []
    for field, parts in found:
        try:
            line: int | None = lines[field]
        except KeyError:
            line = None
        written = None
        if line is not None and 0 < line <= len(text_lines):
            m = _THOUSANDS.search(text_lines[line - 1])
            written = m.group() if m else None
        written = written or ",".join(str(p) for p in parts)
        problems.append(
            Problem(
                name,
                ".".join(str(p) for p in field),
                f"the number {written} is written with a thousands separator, which YAML reads "
                f"as separate keys; write numbers without separators: {written.replace(',', '')}",
                line,
            )
        )
    raise ScenarioError(problems)


#: What a scenario file is, in the messages about reading one.
YAML_FILE = "a scenario .yaml file"


def read_bytes(path: str | Path, what: str = YAML_FILE) -> bytes:
    """The bytes of ``path``, checked before and while it is read.

    ``path`` must be a regular file (a folder, device, named pipe or socket is refused from its
    ``stat`` and again from the opened file, which is opened without waiting, so a pipe never
    blocks) of at most :data:`MAX_FILE_BYTES` (at most that many bytes plus one are read, so a
    file that grows or states no size is caught too). ``what`` names the kind of file expected
    in the messages ("a scenario .yaml file").

    Raises
    ------
    ScenarioError
        One problem naming the file; never the file's contents.
    """
    name = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(name, "", message)])

    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise fail(f"file not found; expected {what}") from None
    except ValueError:  # a NUL character in the name
        raise fail(f"is not a valid file name; expected {what}") from None
    except OSError as err:
        raise fail(_os_error_words(err, what)) from None
    _check_kind(st, fail, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise fail(_os_error_words(err, what)) from None
    try:
        _check_kind(os.fstat(fd), fail, what)  # the file opened is the file checked
        raw = _read_at_most(fd, MAX_FILE_BYTES + 1)
    except OSError as err:
        raise fail(_os_error_words(err, what)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise fail(_too_large(what))
    return raw


def read_text(path: str | Path) -> str:
    """The text of ``path`` (:func:`read_bytes`), in UTF-8 (the first byte that is not is
    reported by its offset and line) and without control characters other than tab and line
    breaks.

    Raises
    ------
    ScenarioError
        One problem naming the file (and the line where there is one); never the file's text.
    """
    return _decoded(read_bytes(path), str(path))


def _decoded(raw: bytes, name: str) -> str:
    """``raw`` read from ``name`` as text (:func:`read_text`)."""

    def fail(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem(name, "", message, line)])

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise fail(
            f"is not UTF-8 text: the byte at offset {err.start} (line {line}) cannot be "
            "decoded; expected the file saved as UTF-8",
            line,
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad:
        at = bad.start()
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise fail(
            f"has a control character (U+{ord(bad.group()):04X}) at column {column}; "
            "expected text (tabs and line breaks are the only control characters YAML "
            "allows)",
            line,
        )
    return text


#: Characters YAML does not allow in a file (as ruamel.yaml's reader defines them).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _too_large(what: str = YAML_FILE) -> str:
    return (
        f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB; expected {what} of at most "
        f"{MAX_FILE_BYTES:,} bytes"
    )


def _check_kind(st: os.stat_result, fail, what: str = YAML_FILE) -> None:
    """Refuse anything but a regular file of at most :data:`MAX_FILE_BYTES`."""
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise fail(f"is a folder; expected {what}")
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a character device"
            if stat.S_ISCHR(mode)
            else "a block device"
            if stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise fail(f"is {kind}; expected {what} (a regular file)")
    if st.st_size > MAX_FILE_BYTES:
        raise fail(_too_large(what))


def _read_at_most(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes of the open file ``fd``."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _os_error_words(err: OSError, what: str = YAML_FILE) -> str:
    """An operating-system error reading a file, in words that quote nothing from the file."""
    if err.errno == errno.ELOOP:
        return f"is a symbolic link in a loop (it never reaches a file); expected {what}"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"cannot be read (permission denied); expected {what} you may read"
    reason = err.strerror or type(err).__name__
    return f"cannot be read ({reason}); expected {what} that can be read"


def check_structure(text: str, name: str, *, pure: bool) -> None:
    """Refuse deep nesting and anchors or aliases, from the parser's event stream.

    The events come one at a time from a parser that keeps its own stack (nothing recurses), so
    a file nested 100,000 levels deep is refused at level :data:`MAX_NESTING` + 1 and an alias
    bomb at its first anchor, before any document is built or any alias expanded. Scenario files
    have no use for anchors (``&name``) and aliases (``*name``); every value is written out.

    Parameters
    ----------
    pure : bool
        Use the pure-Python parser (the line-aware loader's own) instead of the C one; a syntax
        error then is the one the line-aware loader would raise.

    Raises
    ------
    ScenarioError
        Deep nesting, or an anchor or alias, at its line.
    ruamel.yaml.error.YAMLError
        A syntax error: the caller reports it (or leaves it to the line-aware parser).
    """
    from ruamel.yaml.events import (
        AliasEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    parser = _event_parser(text, pure)
    get = parser.get_event
    depth = 0
    try:
        # one event at a time, the commonest kinds first (a valid file pays for this walk)
        while True:
            event = get()
            kind = event.__class__
            if kind is ScalarEvent:
                if event.anchor is not None:
                    break
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:
                    break
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1
                    raise ScenarioError(
                        [
                            Problem(
                                name,
                                _field_at(text, line),
                                f"mappings and lists nested more than {MAX_NESTING} levels deep; "
                                f"expected at most {MAX_NESTING} (scenario and outturn files need "
                                "fewer than 10)",
                                line,
                            )
                        ]
                    )
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is AliasEvent:
                break
            elif kind is StreamEndEvent:
                return
    finally:
        parser.dispose()
    line = event.start_mark.line + 1
    raise ScenarioError(
        [
            Problem(
                name,
                _field_at(text, line),
                "a YAML anchor (&name) or alias (*name); expected every value written out in full "
                "(scenario and outturn files do not accept anchors and aliases)",
                line,
            )
        ]
    )


def _event_parser(text: str, pure: bool) -> Any:
    """A parser of ``text`` handing out one event at a time (``get_event``, ``dispose``): the
    C one where ruamel.yaml.clib is installed and ``pure`` is false, else the pure-Python one."""
    if not pure:
        try:
            from ruamel.yaml.cyaml import CParser
        except ImportError:  # no ruamel.yaml.clib: the pure parser does the same job
            pass
        else:
            return CParser(text)
    return _PureEvents(text)


class _PureEvents:
    """The pure-Python parser's events (``YAML.parse``) behind the C parser's two methods."""

    def __init__(self, text: str):
        from ruamel.yaml import YAML

        self._events = YAML(typ="rt").parse(text)

    def get_event(self) -> Any:
        return next(self._events)

    def dispose(self) -> None:
        self._events.close()


def _field_at(text: str, line: int) -> str:
    """Best-effort dotted path of the block key on ``line`` (for problems found before parsing)."""
    rows = text.splitlines()
    return ".".join(_key_path_at(rows, line)) if 0 < line <= len(rows) else ""


def _parse_with_lines(text: str, name: str) -> tuple[Any, LineMap]:
    """Parse ``text`` (of the file ``name``) with the round-trip loader, recording the line of
    every key; its structure is checked first with the same parser (:func:`check_structure`)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_NESTING + 1  # a second guard where ruamel.yaml has one (nodes, not levels)
    try:
        check_structure(text, name, pure=True)
        doc = yaml.load(text)
    except DuplicateKeyError as err:
        raise ScenarioError([_duplicate_key_problem(err, text, name)]) from None
    except MarkedYAMLError as err:
        raise ScenarioError([_syntax_problem(err, text, name)]) from None
    except YAMLError as err:
        line = _mark_line(err)
        raise ScenarioError(
            [
                Problem(
                    name,
                    _field_at(text, line) if line else "",
                    "invalid YAML; expected a YAML mapping",
                    line,
                )
            ]
        ) from None
    except (ValueError, TypeError, OverflowError):
        # a scalar that looks like a date or number but is none (e.g. 2021-13-01)
        raise ScenarioError(
            [
                Problem(
                    name,
                    "",
                    "invalid YAML: a value cannot be read (a date "
                    "or number out of range?); expected a valid value",
                )
            ]
        ) from None
    if doc is None:
        # Name what is expected: the top-level keys of a scenario.
        raise ScenarioError(
            [Problem(name, "", f"is empty; expected a scenario mapping with keys {_TOP_KEYS}")]
        )
    lines: LineMap = {}
    data = _plain(doc, (), lines)
    if not isinstance(data, dict):
        # Say "a list" rather than the Python type name, and point at the first item; never
        # quote the value (the file may be anything the user named).
        got = "a list" if isinstance(data, list) else f"a single value ({_kind_of(data)})"
        raise ScenarioError(
            [
                Problem(
                    name,
                    "",
                    f"expected a mapping of scenario keys ({_TOP_KEYS}) at the top, got {got}",
                    lines.get((0,)) if isinstance(data, list) else None,
                )
            ]
        )
    return data, lines


def _mark_line(err: Any) -> int | None:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "not a mapping"


_TOP_KEYS = ", ".join(Scenario.model_fields)


def _duplicate_key_problem(err: Any, text: str, name: str) -> Problem:
    """A duplicate key, named by its dotted path, with the line of both occurrences.

    ruamel names only the key; reading the file again with duplicates allowed gives the line of
    the first occurrence and, through the line where the enclosing mapping starts (the error's
    context mark), the mapping it belongs to.
    """
    from ruamel.yaml import YAML

    line = err.problem_mark.line + 1 if err.problem_mark else None
    key = _duplicate_key_name(err)
    field, first = key, None
    try:
        yaml = YAML(typ="rt")
        yaml.allow_duplicate_keys = True
        lines: LineMap = {}
        _plain(yaml.load(text), (), lines)
        start = err.context_mark.line + 1 if err.context_mark else None
        for path, at in lines.items():
            # the first occurrence: before the duplicate, or on its line in a flow mapping
            if str(path[-1]) != key or (line is not None and at > line):
                continue
            siblings = [n for p, n in lines.items() if len(p) == len(path) and p[:-1] == path[:-1]]
            if start is None or min(siblings) == start:
                field, first = ".".join(str(p) for p in path), at
                break
    except Exception:  # noqa: BLE001 - only refines the message; the key name is still reported
        pass
    where = f"it is already set on line {first}; " if first else ""
    return Problem(name, field, f"duplicate key; {where}expected each key once per mapping", line)


def _syntax_problem(err: Any, text: str, name: str) -> Problem:
    """A YAML syntax error in plain words, at the line of the offending key, naming its path.

    The parser reports where it gave up (``problem_mark``) and the construct it was reading
    (``context_mark``). Its words ("expected <block end>") are parser jargon; the two common
    mistakes, bad indentation and an unclosed bracket, are translated. The field path is found
    from the indentation of the lines above (ruamel has no keys yet when parsing fails).
    """
    problem = _parser_words(err.problem or err.context or "cannot be parsed")
    context = _parser_words(err.context or "")
    at = err.problem_mark.line + 1 if err.problem_mark else None
    start = err.context_mark.line + 1 if err.context_mark else None
    rows = text.splitlines()
    if (
        problem.startswith("expected <block end>")
        and ("<block mapping start>" in problem or "<block sequence start>" in problem)
        and at
        and start
    ):
        field = _misplaced_key_path(rows, at)
        if field:
            parent = ".".join(field[:-1]) or "the top level"
            what = f"'{field[-1]}' to line up with the other keys of {parent}"
        else:
            what = f"this line to line up with the keys of the mapping that starts on line {start}"
        message = f"invalid YAML: bad indentation; expected {what} (parser: {problem})"
        return Problem(name, ".".join(field), message, at)
    if context.startswith("while parsing a flow") and problem.startswith("expected ','") and start:
        bracket = "{" if "mapping" in context else "["
        close = "}" if bracket == "{" else "]"
        where = f" before line {at}" if at and at != start else ""
        message = (
            f"invalid YAML: the '{bracket}' opened on this line is not closed; "
            f"expected ',' or '{close}'{where}"
        )
        return Problem(name, ".".join(_key_path_at(rows, start)), message, start)
    where = f" ({context} that starts on line {start})" if context and start and start != at else ""
    # Two more common mistakes, in plain words; the parser's own words follow.
    if "'\\t'" in problem:
        problem = f"a tab character; expected spaces for indentation (parser: {problem})"
    elif problem.startswith("mapping values are not allowed"):
        problem = (
            "a ':' where no key can start; expected text containing ': ' to be quoted, or "
            f"this line indented under a key (parser: {problem})"
        )
    key_path = ".".join(_key_path_at(rows, at)) if at else ""
    return Problem(name, key_path, f"invalid YAML: {problem}{where}", at)


def _parser_words(words: str) -> str:
    """The parser's message without what it quotes from the file.

    ruamel.yaml names the token it expected or found (``'<block end>'``, ``':'``), which is kept,
    and sometimes the text it found (``found character 'x'``, an escape, a tag), which is
    replaced by an ellipsis: a message never carries text from a file."""

    def keep(m: re.Match) -> str:
        inner = m.group()[1:-1]
        return m.group() if _TOKEN_WORD.fullmatch(inner) or inner in _INDICATORS else "…"

    return _QUOTED.sub(keep, words.strip())


_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'" "|" r'"(?:[^"\\\n]|\\.)*"')
_TOKEN_WORD = re.compile(r"<[a-z ]+>")
_INDICATORS = {
    "\\t",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "-",
    "?",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    " ",
    ".",
    "'",
    '"',
    "\\n",
}


_KEY_LINE = re.compile(r"^( *)([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*:(?:\s|$)")


def _misplaced_key_path(rows: list[str], line: int) -> tuple[str, ...]:
    """Dotted path meant by a wrongly indented key on ``line``.

    The key is taken as a sibling of one of the keys enclosing the line above it: the one whose
    mapping allows the key (by the schema), else the one with the closest indentation.
    """
    m = _KEY_LINE.match(rows[line - 1]) if 0 < line <= len(rows) else None
    if not m:
        return ()
    indent, key = len(m.group(1)), m.group(2)
    above = next((n for n in range(line - 1, 0, -1) if _KEY_LINE.match(rows[n - 1])), None)
    chain = _key_chain(rows, above) if above else []
    if not chain:
        return (key,)
    parents = [tuple(k for _, k in chain[:i]) for i in range(len(chain))]

    def allows(parent: tuple[str, ...]) -> bool:
        model = _model_at(tuple(_maybe_int(p) for p in parent))
        return model is not None and key in model.model_fields

    best = min(range(len(chain)), key=lambda i: (not allows(parents[i]), abs(chain[i][0] - indent)))
    return parents[best] + (key,)


def _key_chain(rows: list[str], line: int) -> list[tuple[int, str]]:
    """(indent, key) of the block key on ``line`` and of each key enclosing it, outermost first."""
    if not 0 < line <= len(rows):
        return []
    m = _KEY_LINE.match(rows[line - 1])
    if not m:
        return []
    chain = [(len(m.group(1)), m.group(2))]
    for row in reversed(rows[: line - 1]):
        if chain[0][0] == 0:
            break
        m = _KEY_LINE.match(row)
        if m and len(m.group(1)) < chain[0][0]:
            chain.insert(0, (len(m.group(1)), m.group(2)))
    return chain


def _key_path_at(rows: list[str], line: int) -> tuple[str, ...]:
    """Dotted path of the block key on ``line``, from the less-indented keys above it.

    A best effort for messages about files that cannot be parsed (list items are skipped).
    """
    return tuple(k for _, k in _key_chain(rows, line))


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


def validate_data(data: dict[str, Any], lines: Lines, name: str) -> Scenario:
    """Validate parsed scenario data, mapping each error to a field path and a line.

    The scenario keeps ``name`` and ``lines`` (:meth:`Scenario.locate`), so that errors found
    later, in calibration, name the file and line of the figure at fault."""
    scenario = validate_model(data, lines, name, Scenario)
    problems = list(_schedule_problems(scenario, lines, name))
    problems += _profile_problems(scenario, lines, name)
    problems += [
        Problem(name, ".".join(map(str, path)), message, _line_for(path, lines))
        for path, message in horizon_problems(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    from model.scenario.accounts import complete

    scenario = complete(scenario, name, lines)
    scenario._source = name
    scenario._lines = lines
    return scenario


def validate_model(
    data: dict[str, Any], lines: Lines, name: str, model_cls: type[ModelT]
) -> ModelT:
    """Validate parsed YAML data against any model, with the errors of a scenario file.

    Parameters
    ----------
    data, lines
        As returned by :func:`read_yaml`.
    name : str
        The file as the user named it (it starts every message).
    model_cls : type[BaseModel]
        The model of the whole document (``Scenario``, or another document such as an outturn).

    Raises
    ------
    ScenarioError
        One :class:`~model.errors.Problem` per mistake: file, line, dotted field and what is
        expected, with the suggestions ("did you mean") taken from ``model_cls``.
    """
    try:
        return model_cls.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems_from(err, data, lines, name, model_cls)) from None


def _problems_from(
    err: ValidationError,
    data: dict[str, Any],
    lines: Lines,
    name: str,
    root: type[BaseModel] = Scenario,
) -> list[Problem]:
    found: list[tuple[tuple[Any, ...], str, str]] = []  # (loc, message, pydantic error type)
    for e in _merge_union_errors(err.errors(), data):
        # Union branches add their type names to loc: drop them.
        loc = _clean_loc(e["loc"], data)
        if e["type"] == AT_KEY:
            # a validator named the key inside this field that is at fault
            key = _maybe_int(str(e["ctx"]["key"]))
            found.append((loc + (key,), e["ctx"]["message"], e["type"]))
            # A validator of a mapping stops at its first bad key: report the others too.
            found.extend((k, m, e["type"]) for k, m in _later_bad_keys(loc, key, data, root))
        else:
            found.append((loc, _separator_hint(_message(e, loc, data, root), e), e["type"]))
    # A misspelt key is reported once, as unknown with a suggestion; the field it was meant to
    # be is then also missing, which would report the same mistake twice.
    suggested = {
        loc[:-1] + (close,)
        for loc, _, kind in found
        if kind == "extra_forbidden" and (close := _suggestion(loc, root)) is not None
    }
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for loc, message, kind in found:
        if kind == "missing" and loc in suggested:
            continue
        field = ".".join(str(p) for p in loc)
        if (field, message) in seen:
            continue
        seen.add((field, message))
        problems.append(Problem(name, field, message, _line_for(loc, lines)))
    problems.sort(key=lambda p: (p.line or 0, p.field))
    return problems


def _is_branch_tag(p: Any) -> bool:
    return isinstance(p, str) and ("[" in p or p[:1].isupper())


def _is_model_tag(tag: str) -> bool:
    """A union branch that is a model ("AmountSchedule", or "function-after[…, AmountSchedule]"
    when the model has an after-validator), as opposed to a literal or a plain type."""
    return tag[:1].isupper() or tag.startswith("function-")


_ABSENT = object()


def _child(node: Any, key: Any) -> Any:
    """``node[key]`` where the file has it (a mapping's key, a list's index), else ``_ABSENT``."""
    if isinstance(node, dict) and key in node:
        return node[key]
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return _ABSENT


def _clean_loc(raw: Any, data: Any) -> tuple[Any, ...]:
    """``loc`` without union branch names; a key present in the file is never taken for one."""
    out: list[Any] = []
    cur = data
    for p in raw:
        nxt = _child(cur, p)
        if nxt is _ABSENT and _is_branch_tag(p):
            continue
        cur = None if nxt is _ABSENT else nxt
        out.append(p)
    return tuple(out)


def _value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    cur = data
    for p in loc:
        cur = _child(cur, p)
        if cur is _ABSENT:
            return None
    return cur


def _merge_union_errors(errors: list[Any], data: Any) -> list[Any]:
    """One error per mistake in a field that accepts several forms.

    For ``AmountSchedule | Literal["from_budget"]`` pydantic reports one error per form. When
    the file gives a mapping, only the mapping form's errors matter; when it gives a plain value
    that fits no form, the errors are merged into one that lists the forms expected.
    """
    out: list[Any] = []
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in errors:
        raw = tuple(e["loc"])
        clean = _clean_loc(raw, data)
        if clean == raw:  # not inside a union
            out.append(e)
            continue
        i = next(n for n, p in enumerate(raw) if n >= len(clean) or p != clean[n])  # first branch
        prefix, tag = raw[:i], raw[i]
        got = _value_at(data, prefix)
        if isinstance(got, dict):
            if _is_model_tag(tag):  # a model branch: its errors are about what was written
                out.append(e)
            continue
        m = merged.get(prefix)
        if m is None:
            m = merged[prefix] = {"type": "union_forms", "loc": prefix, "input": got, "forms": []}
            out.append(m)
        if e["type"] == "literal_error":
            m["forms"].extend(re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", ""))))
        elif _is_model_tag(tag):
            m["forms"].append(None)  # a mapping
        else:
            m["forms"].append(tag)
    return out


def _later_bad_keys(
    loc: tuple[Any, ...], first: Any, data: Any, root: type[BaseModel] = Scenario
) -> list[tuple[tuple[Any, ...], str]]:
    """The bad keys after ``first`` in a mapping whose validator stopped at ``first``.

    ``{2014: 20, 2019: 16}`` fails at 2014; validating again without each bad key found so far
    reports 2019 as well, in the validator's own words.
    """
    model = _model_at(loc[:-1], root)
    parent = _value_at(data, loc[:-1])
    fname = loc[-1] if loc else None
    if model is None or not isinstance(parent, dict) or not isinstance(parent.get(fname), dict):
        return []
    rest = dict(parent[fname])
    out: list[tuple[tuple[Any, ...], str]] = []
    key = first
    while key in rest:
        del rest[key]
        if not rest:
            break
        try:
            model.model_validate({**parent, fname: rest})
            break
        except ValidationError as err:
            keyed = [
                e["ctx"]
                for e in err.errors()
                if tuple(e["loc"]) == (fname,) and e["type"] == AT_KEY
            ]
            if not keyed:
                break
            key = _maybe_int(str(keyed[0]["key"]))
            out.append((loc + (key,), keyed[0]["message"]))
    return out


def _suggestion(loc: tuple[Any, ...], root: type[BaseModel] = Scenario) -> str | None:
    """The allowed field closest to the unknown key at ``loc``, if one is close."""
    parent = _model_at(loc[:-1], root)
    if parent is None or not loc:
        return None
    close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1)
    return close[0] if close else None


def _maybe_int(s: str) -> Any:
    try:
        return int(s)
    except ValueError:
        return s


def _separator_hint(message: str, e: dict[str, Any]) -> str:
    """``message``, with how to write the number when the value is one written with thousands
    separators ("14,500.00")."""
    got = e.get("input")
    if isinstance(got, str) and _THOUSANDS.fullmatch(got.strip()) and "number" in message:
        fixed = got.strip().replace(",", "")
        return f"{message}; write numbers without thousands separators: {fixed}"
    return message


def _message(
    e: dict[str, Any],
    loc: tuple[Any, ...],
    data: dict[str, Any],
    root: type[BaseModel] = Scenario,
) -> str:
    kind = e["type"]
    got = e.get("input")
    if kind == "missing":
        # Name the key expected, where, and (for a value with a source) what it holds.
        where = ".".join(str(p) for p in loc[:-1]) or "the top level"
        return f"missing required field; expected key '{loc[-1]}' in {where}{_holds(loc, root)}"
    if kind == "union_forms":
        # the named choices first, then the mapping form
        options = [f for f in e["forms"] if f]
        forms = [f"'{f}'" for f in options]
        if None in e["forms"]:
            forms.append("a mapping with value: and source:")
        close = difflib.get_close_matches(str(got), options, n=1) if isinstance(got, str) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"expected {' or '.join(dict.fromkeys(forms))}, got {_shown(got)}{hint}"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1], root)
        hint = ""
        if parent is not None:
            suggestion = _suggestion(loc, root)
            if suggestion:
                hint = f"; did you mean '{suggestion}'?"
            allowed = ", ".join(parent.model_fields)
            return f"unknown field{hint} (expected one of: {allowed})"
        return f"unknown field{hint}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        want = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {want}, got {_shown(got)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_shown(got)}"
    if kind in ("string_type",):
        return f"expected text, got {_shown(got)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {_shown(got)}"
    if kind in ("list_type",):
        return f"expected a list, got {_shown(got)}"
    if kind == "literal_error":
        expected = e.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, got {_shown(got)}"
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
        if (
            kind == "less_than_equal"
            and bound == 1
            and isinstance(got, int | float)
            and 1 < got <= 100
        ):
            hint = f" (did you mean {got / 100:g}?)"
        return f"expected a value {words} {bound}, got {_shown(got)}{hint}"
    if kind == "string_too_short":
        return "expected non-empty text (at least 3 characters)"
    if kind == "string_pattern_mismatch":
        return f"expected lower-case letters, digits, '-' or '_', got {_shown(got)}"
    if kind == "value_error":
        msg = str(e.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return str(e.get("msg", kind))


def _shown(value: Any) -> str:
    """``repr`` of a value from the file, cut to :data:`_SHOWN_CHARS` characters: a message may
    say which value was wrong, but never carries a long stretch of a file."""
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


_SHOWN_CHARS = 60


def _holds(loc: tuple[Any, ...], root: type[BaseModel] = Scenario) -> str:
    """': <what>, written as value: and source:' for a missing Quantity or Schedule field."""
    import types
    import typing

    from model.scenario.schema import KIND_WORDS, Quantity

    parent = _model_at(loc[:-1], root)
    field = parent.model_fields.get(str(loc[-1])) if parent is not None and loc else None
    if field is None:
        return ""
    for cand in _flatten(field.annotation, typing, types):
        if isinstance(cand, type) and issubclass(cand, Quantity | Schedule):
            return f": {KIND_WORDS[cand.kind]}, written as value: and source:"
    return ""


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``loc`` (None if not a model);
    ``loc`` starts at the document model ``root``."""
    import types
    import typing

    model: Any = root
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


def _line_for(loc: tuple[Any, ...], lines: Lines) -> int | None:
    """Line of the deepest key of ``loc`` present in the file."""
    for n in range(len(loc), 0, -1):
        line = lines.get(tuple(loc[:n]))
        if line is not None:
            return line
    return None


def _schedule_problems(scenario: Scenario, lines: Lines, name: str):
    """Cross-field rule: a schedule's first year must not come after the base year."""
    base = scenario.meta.base_year
    for path, sched in walk_schedules(scenario):
        first = sched.first_year
        if first is not None and first > base and not sched.applies_after_base_year:
            loc = path + ("value", first)
            yield Problem(
                name,
                ".".join(str(p) for p in loc),
                f"the first stated year {first} is after the base year {base}; "
                f"expected a value for {base} or earlier",
                _line_for(loc, lines),
            )


def _profile_problems(scenario: Scenario, lines: Lines, name: str) -> list[Problem]:
    """Cross-field rule: the contributor age profile ends before the highest retirement age of
    the base year (no group contributes at or after it, so a band reaching there would put
    members where none can be and thin out the ages where they are)."""
    a = scenario.assumptions.civil_service
    pol = scenario.history.policy.civil_service
    if a is None or pol is None:
        return []
    ages = {
        g: float(getattr(pol.retirement_age, g))
        for g in type(pol.retirement_age).model_fields
        if g != "source"
    }
    group, oldest = max(ages.items(), key=lambda kv: kv[1])
    profile = a.contributor_age_profile
    if profile.last_age < oldest:
        return []
    loc = ("assumptions", "civil_service", "contributor_age_profile", "last_age")
    return [
        Problem(
            name,
            ".".join(loc),
            f"the last band reaches age {profile.last_age}, at or past the retirement age "
            f"{oldest:g} of {group}; expected a last age of {math.ceil(oldest) - 1} or less "
            "(each group's members are cut at its own retirement age)",
            _line_for(loc, lines),
        )
    ]
