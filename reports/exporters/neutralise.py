"""Spreadsheet formula neutralisation (CSV injection, OWASP "CSV Injection").

A spreadsheet opens a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
a tab or a carriage return before one of them) as a formula, which can run commands or leak data
(``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Every text cell written to a CSV or an XLSX file
goes through :func:`neutralise`, which puts an apostrophe before such a value: the text is shown
as written, never evaluated. The full-width forms of the four signs are treated the same way,
since some spreadsheet programs normalise them.

Only text is touched: numbers, dates and booleans are written as typed values by the exporters
(a negative count stays a number).
"""

from __future__ import annotations

import datetime as dt
import re

TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

# Characters XML 1.0 cannot carry at all (DOCX, XLSX are XML inside); tab, LF and CR are allowed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_dangerous(value: str) -> bool:
    return bool(value) and value[0] in TRIGGERS


def neutralise(value):
    """``value`` unchanged unless it is text that a spreadsheet would read as a formula; then
    the same text after an apostrophe."""
    if isinstance(value, str) and value and value[0] in TRIGGERS:
        return "'" + value
    return value


def xml_safe(value: str) -> str:
    """``value`` without the control characters XML 1.0 forbids (they would make the file
    unreadable); everything else, right-to-left text and emoji included, is kept."""
    return _XML_INVALID.sub("", value) if value else value


def cell_text(value) -> str:
    """A value as text for a CSV cell or a document: ISO dates, empty for ``None``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
