"""Text for a terminal, declared once: the width of a text (a Chinese character takes two
columns, as rich measures it), padding, a table of aligned columns, and a table too wide for a
terminal cut into blocks of columns that each fit."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

#: The widest a table is printed by default: a terminal of 120 columns.
MAX_WIDTH = 120


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character or full-width sign takes two
    (East Asian width, as rich's ``cell_len`` measures it).

    >>> display_width("收入 ok"), display_width("（注）")
    (7, 6)
    """
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int, left: bool) -> str:
    """``text`` filled with spaces to ``width`` columns: on the right when ``left`` (aligned left),
    else on the left.

    >>> pad("收入", 6, True) + "|", pad("7", 3, False)
    ('收入  |', '  7')
    """
    fill = " " * max(width - display_width(text), 0)
    return text + fill if left else fill + text


def aligned(
    rows: Sequence[Sequence[str]],
    left: Collection[int] = (0,),
    indent: str = "",
    strip: bool = False,
) -> list[str]:
    """Lines of a table: each column as wide as its widest cell, columns two spaces apart, the
    columns ``left`` aligned left and the others right; ``strip`` drops trailing spaces.

    >>> aligned([("", "a"), ("收入", "10")])
    ['       a', '收入  10']
    """
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        line = indent + "  ".join(pad(c, widths[i], i in left) for i, c in enumerate(r))
        out.append(line.rstrip() if strip else line)
    return out


def fitted(
    rows: Sequence[Sequence[str]],
    left: Collection[int] = (0,),
    indent: str = "",
    keep: int = 1,
    max_width: int = MAX_WIDTH,
) -> list[str]:
    """:func:`aligned`, cut into blocks of columns no wider than ``max_width`` when the whole
    table is wider: each block repeats the first ``keep`` columns (the row labels), and blocks
    are separated by a blank line. A table that fits is returned as :func:`aligned` gives it.

    >>> rows = [("", "2022", "2023"), ("收入", "1,000.00", "2,000.00")]
    >>> fitted(rows, max_width=20)
    ['          2022', '收入  1,000.00', '', '          2023', '收入  2,000.00']
    """
    lines = aligned(rows, left, indent)
    if max(display_width(line) for line in lines) <= max_width:
        return lines
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    fixed = display_width(indent) + sum(w + 2 for w in widths[:keep])
    blocks: list[list[int]] = [[]]
    used = fixed
    for i in range(keep, len(widths)):
        if blocks[-1] and used + widths[i] > max_width:
            blocks.append([])
            used = fixed
        blocks[-1].append(i)
        used += widths[i] + 2
    out: list[str] = []
    for block in blocks:
        columns = list(range(keep)) + block
        part = [[r[i] for i in columns] for r in rows]
        block_left = [n for n, i in enumerate(columns) if i in left]
        if out:
            out.append("")
        out += aligned(part, block_left, indent)
    return out


def transposed(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Rows turned into columns: a comparison of many scenarios side by side becomes one row per
    scenario.

    >>> transposed([("", "a", "b"), ("x", "1", "2")])
    [['', 'x'], ['a', '1'], ['b', '2']]
    """
    return [list(column) for column in zip(*rows, strict=True)]


#: Pieces a line is broken between: a run of spaces, a run of printable ASCII (a word or a
#: number), or any other single character (a Chinese character can end a line anywhere).
_PIECES = re.compile(r" +|[!-~]+|.")

#: Signs that do not begin a line (they stay with what comes before them).
_NO_BREAK_BEFORE = set("，。；：、）》」』！？,.;:)]")

#: Signs that do not end a line (they go down with what follows them).
_NO_BREAK_AFTER = "（《「『(["


def wrapped(text: str, first: str = "", rest: str = "", width: int = MAX_WIDTH) -> list[str]:
    """``text`` broken into lines no wider than ``width`` columns: the first begins with
    ``first``, the others with ``rest``; a break falls between words or Chinese characters,
    not before a closing sign, and a word longer than a line is cut.

    >>> wrapped("收入合计 12,345.67 万元，支出合计", "  ", "    ", width=20)
    ['  收入合计 12,345.67', '    万元，支出合计']
    >>> wrapped("总收入 1234.5 [第(2)页: 基金总收入]", width=16)
    ['总收入 1234.5', '[第(2)页: 基金总', '收入]']
    """
    out: list[str] = []
    prefix, line = first, ""
    pieces = _PIECES.findall(text)
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if not line and piece.isspace():
            i += 1  # no line begins with spaces
            continue
        if display_width(prefix + line + piece) <= width:
            line += piece
            i += 1
            continue
        if not line.strip():
            # a word longer than the line: cut it
            room = max(width - display_width(prefix), 1)
            cut = max(
                (n for n in range(1, len(piece) + 1) if display_width(piece[:n]) <= room), default=1
            )
            out.append(prefix + piece[:cut])
            prefix, line, pieces[i] = rest, "", piece[cut:]
            if not pieces[i]:
                i += 1
            continue
        head, down = line.rstrip(), ""
        if piece[0] in _NO_BREAK_BEFORE and head == line:
            # a closing sign does not begin a line: the character before it goes down too
            head, down = head[:-1], head[-1]
        opening = len(head) - len(head.rstrip(_NO_BREAK_AFTER))
        if opening:
            # an opening sign goes down with what it opens
            head, down = head[:-opening], head[-opening:] + down
        if not head.strip():
            head, down = line.rstrip(), ""
        out.append(prefix + head.rstrip())
        prefix, line, pieces[i] = rest, "", down + piece
    if line.strip() or not out:
        out.append(prefix + line.rstrip())
    return out
