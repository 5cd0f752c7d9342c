"""What every terminal text of a command must keep: no line wider than 120 columns, and each
language's own words.

The rule of the words, as these tests read it:

- ``zh``: no Latin word but units, file names, option names and the names a user types into a
  scenario file. A Latin word (letters, with digits, ``_``, ``.``, ``-`` inside) is allowed when
  it is a file name (it ends in ``.yaml``, ``.yml``, ``.csv``, ``.xlsx``, ``.md``, ``.png`` or
  ``.json``), an option (``--paths``), a scenario's id (its file name without the suffix, e.g.
  ``qitai-2021``), a dotted key of a scenario file (``assumptions.economy.general_budget_revenue``)
  or a unit (:data:`UNITS`).
- ``en``: no Chinese character or full-width sign but in the names of places and documents: the
  county's Chinese name, the report's title, and the report's own words where a source is quoted
  (``二(一): 当年收支结余-174.28万元``), which a caller passes as ``allowed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from model.output.text import MAX_WIDTH, display_width

#: Latin units a Chinese text may carry.
UNITS = frozenset({"kg", "km", "m", "s"})
FILE_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx", ".md", ".png", ".json")
_LATIN = re.compile(r"(?<![A-Za-z0-9_.\-])(--)?[A-Za-z][A-Za-z0-9_.\-]*")
_DOTTED_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def too_wide(text: str, width: int = MAX_WIDTH) -> list[str]:
    """The lines of ``text`` wider than ``width`` columns."""
    return [line for line in text.splitlines() if display_width(line) > width]


def latin_words(text: str, ids: Iterable[str] = ()) -> list[str]:
    """The Latin words of a Chinese text that the rule does not allow."""
    ids = set(ids)
    out = []
    for m in _LATIN.finditer(text):
        word = m.group(0).rstrip(".-")
        if (
            word.startswith("--")
            or word in ids
            or word.lower().endswith(FILE_SUFFIXES)
            or _DOTTED_KEY.fullmatch(word)
            or word in UNITS
        ):
            continue
        out.append(word)
    return out


def chinese_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The lines of an English text that hold Chinese outside the ``allowed`` names and quotes
    (a quote may be wrapped over lines: spaces and line breaks are not compared)."""
    names = sorted({re.sub(r"\s", "", a) for a in allowed if a}, key=len, reverse=True)
    out = []
    for line in text.splitlines():
        if _CJK.search(line):
            out.append(line)
    if not out or not names:
        return out
    flat = re.sub(r"\s", "", text)
    for name in names:
        flat = flat.replace(name, "")
    return out if _CJK.search(flat) else []


def check(text: str, lang: str, ids: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
    """Assert both rules on a terminal text of ``lang``."""
    assert not too_wide(text), "\n".join(too_wide(text))
    if lang == "zh":
        assert not latin_words(text, ids), latin_words(text, ids)
    else:
        assert not chinese_in(text, allowed), "\n".join(chinese_in(text, allowed))
