"""Text from scenario and outturn files made safe to put in a spreadsheet cell or the draft.

Titles, sources, notes, labels and county names come from files a user (or a colleague) wrote.
Written raw, a title such as ``=HYPERLINK("http://x")`` becomes a live formula when the CSV or
workbook is opened in Excel, WPS or LibreOffice (CSV/formula injection), and a control character
makes openpyxl refuse the whole workbook. Every writer passes each text cell through
:func:`safe_cell`; the Chinese draft passes each piece of user text through
:func:`safe_markdown_text`.

The rule is the one spreadsheet tools and OWASP recommend: a text that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with a single quote ``'``, so it is shown as
the text it is and never evaluated; control characters that a workbook cannot hold (openpyxl's
``ILLEGAL_CHARACTERS_RE``: every C0 control except tab, line feed and carriage return) become
U+FFFD, so that the reader sees that something was there. Numbers stay numbers: only ``str``
values change, so ``-2.5`` written as a number is still ``-2.5``.

>>> safe_cell_text('=HYPERLINK("http://x")')
'\\'=HYPERLINK("http://x")'
>>> safe_cell_text("-2+3"), safe_cell_text("+1"), safe_cell_text("@SUM(1)")
("'-2+3", "'+1", "'@SUM(1)")
>>> safe_cell_text("某县\\x07")
'某县�'
>>> safe_cell(-2.5), safe_cell("报告 p.2"), safe_cell(None)
(-2.5, '报告 p.2', None)
>>> safe_markdown_text("=1+1 <b>x</b> [a](b)\\n# h")
"'=1+1 &lt;b&gt;x&lt;/b&gt; \\\\[a\\\\](b) # h"
"""

from __future__ import annotations

import re

#: Characters that make a spreadsheet read a cell as a formula when they come first.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

#: C0 control characters a workbook cannot hold (the set openpyxl refuses).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REPLACEMENT = "\ufffd"

#: Line breaks and tabs, which would end a Markdown line or paragraph inside a sentence.
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
#: Characters that Markdown reads as markup inside a line.
_MARKDOWN = re.compile(r"([\\`*_\[\]|])")


def safe_cell_text(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: no formula, no illegal control character."""
    text = _ILLEGAL.sub(_REPLACEMENT, text)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def safe_cell(value: object) -> object:
    """:func:`safe_cell_text` for a ``str``; any other value (numbers, ``None``) unchanged."""
    return safe_cell_text(value) if isinstance(value, str) else value


def safe_markdown_text(text: str) -> str:
    """User text to put inside a sentence of the Markdown draft.

    On one line (line breaks and tabs become one space, other control characters U+FFFD), no
    HTML (``<``, ``>`` and ``&`` as entities), no links, emphasis or code (``\\ ` * _ [ ] |``
    escaped with a backslash), and no formula when pasted into a spreadsheet (the
    :func:`safe_cell_text` quote).
    """
    text = _BREAKS.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN.sub(r"\\\1", text)
    return safe_cell_text(text)


def comment_header(header: str) -> str:
    """``header`` as YAML comment lines: one per line of it (splitlines breaks at every kind of
    line break), and no control character a YAML reader refuses, whatever a title holds."""
    lines = (
        re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", line) for line in header.splitlines()
    )
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)
