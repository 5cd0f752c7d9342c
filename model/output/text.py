"""Text for a terminal, declared once: the width of a text (a Chinese character takes two
columns), padding, and a table of aligned columns."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two.

    >>> display_width("收入 ok")
    7
    """
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def pad(text: str, width: int, left: bool) -> str:
    """``text`` filled with spaces to ``width`` columns: on the right when ``left`` (aligned left),
    else on the left.

    >>> pad("收入", 6, True) + "|", pad("7", 3, False)
    ('收入  |', '  7')
    """
    fill = " " * max(width - display_width(text), 0)
    return text + fill if left else fill + text


def aligned(rows: Sequence[Sequence[str]], left: Collection[int] = (0,), indent: str = "",
            strip: bool = False) -> list[str]:
    """Lines of a table: each column as wide as its widest cell, columns two spaces apart, the
    columns ``left`` aligned left and the others right; ``strip`` drops trailing spaces.

    >>> aligned([("", "a"), ("收入", "10")])
    ['      a', '收入  10']
    """
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        line = indent + "  ".join(pad(c, widths[i], i in left) for i, c in enumerate(r))
        out.append(line.rstrip() if strip else line)
    return out
