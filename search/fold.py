"""Folding text for search: lower case, without diacritics, one character for one character.

``fold("Përgjegjësi, ÇMIM, đak")`` is ``"pergjegjesi, cmim, dak"``. The folded text has the same
length as the original, so a match found in the folded text is at the same place in the original
(``search.highlight`` relies on it). The same folding runs in the database as the SQL function
``konsulta_fold``: on PostgreSQL ``lower(unaccent(...))`` (migration ``0001``), on SQLite this
Python function registered on every connection (``search.apps``).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_EXTRA = {"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ı": "i"}


class _FoldTable(dict):
    def __missing__(self, code: int) -> str:
        char = chr(code)
        lower = char.lower()
        if len(lower) != 1:
            lower = char
        base = unicodedata.normalize("NFD", lower)[0]
        if unicodedata.combining(base):
            base = lower
        base = _EXTRA.get(base, base)
        self[code] = base
        return base


_TABLE = _FoldTable()


def fold(text: str | None) -> str | None:
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    return text.translate(_TABLE)


MAX_TERMS = 8
_SPLIT = re.compile(r"[\W_]+")


def terms(query: str) -> list[str]:
    """The folded words of a query, without repeats, at most ``MAX_TERMS``."""
    seen: list[str] = []
    for word in _SPLIT.split(fold(query or "")):
        if word and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]
