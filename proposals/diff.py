"""Compare texts word by word and versions of a draft section by section.

* ``word_diff(a, b)`` -> ``[(op, text), ...]`` with ``op`` in ``"equal"``, ``"delete"``,
  ``"insert"``; the ``equal`` and ``delete`` texts concatenated give ``a`` exactly, the ``equal``
  and ``insert`` texts give ``b``. Texts are split into words, runs of whitespace and single
  punctuation marks; a run of whitespace between two changes is folded into them so that a
  rewritten phrase shows as one deletion followed by one insertion.
* ``word_diff_html(a, b)`` renders that as escaped HTML with ``<del>`` and ``<ins>``; nothing in
  the inputs is ever passed through as markup. Newlines are kept as they are (style the container
  with ``white-space: pre-line``).
* ``version_diff(old, new)`` joins two versions' ``FlatSection`` lists by key into
  ``SectionChange`` rows: in the new version's order, each removed section placed after the
  section that preceded it in the old version.
* ``diff_stats(changes)`` counts them by status.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .parsing import FlatSection

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"
STATUSES = (ADDED, REMOVED, CHANGED, UNCHANGED)

_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Words, runs of whitespace and single punctuation marks; ``"".join`` gives ``text``."""
    return _TOKEN_RE.findall(text)


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level differences from ``a`` to ``b`` (see module doc)."""
    if a == b:
        return [(EQUAL, a)] if a else []
    ta, tb = tokenize(a), tokenize(b)
    raw: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append((EQUAL, "".join(ta[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            raw.append((DELETE, "".join(ta[i1:i2])))
        if tag in ("insert", "replace"):
            raw.append((INSERT, "".join(tb[j1:j2])))

    # Fold whitespace-only equal runs lying between two changes into the changes.
    folded: list[tuple[str, str]] = []
    for index, (op, text) in enumerate(raw):
        between_changes = (
            op == EQUAL
            and not text.strip()
            and 0 < index < len(raw) - 1
            and raw[index - 1][0] != EQUAL
            and raw[index + 1][0] != EQUAL
        )
        if between_changes:
            folded.append((DELETE, text))
            folded.append((INSERT, text))
        else:
            folded.append((op, text))

    # Group each run of changes into one deletion followed by one insertion.
    result: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            result.append((DELETE, "".join(deleted)))
        if inserted:
            result.append((INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in folded:
        if not text:
            continue
        if op == EQUAL:
            flush()
            if result and result[-1][0] == EQUAL:
                result[-1] = (EQUAL, result[-1][1] + text)
            else:
                result.append((EQUAL, text))
        elif op == DELETE:
            deleted.append(text)
        else:
            inserted.append(text)
    flush()
    return _align_to_words(result)


def _align_to_words(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Slide a lone insertion or deletion that starts with a space to start at the word after
    it: ``"Ky ligj" + <ins> nuk</ins> + " hyn"`` becomes ``"Ky ligj " + <ins>nuk </ins> + "hyn"``.
    """
    ops = list(ops)
    for index in range(1, len(ops) - 1):
        before, (op, text), after = ops[index - 1], ops[index], ops[index + 1]
        if before[0] != EQUAL or after[0] != EQUAL or op == EQUAL:
            continue
        if text[:1].isspace() and after[1][:1] == text[:1]:
            ops[index - 1] = (EQUAL, before[1] + text[0])
            ops[index] = (op, text[1:] + text[0])
            ops[index + 1] = (EQUAL, after[1][1:])
    return [(op, text) for op, text in ops if text]


def word_diff_html(a: str, b: str) -> SafeString:
    """Escaped HTML of ``word_diff(a, b)`` with ``<del>`` and ``<ins>``."""
    return _render(word_diff(a, b))


def _render(ops: Iterable[tuple[str, str]]) -> SafeString:
    templates = {EQUAL: "{}", DELETE: "<del>{}</del>", INSERT: "<ins>{}</ins>"}
    return format_html_join("", "{}", ((format_html(templates[op], text),) for op, text in ops))


@dataclass
class SectionChange:
    key: str
    status: str  # "added" | "removed" | "changed" | "unchanged"
    old: FlatSection | None
    new: FlatSection | None
    title_html: SafeString
    body_html: SafeString
    moved: bool = False  # present in both versions under a different number

    @property
    def section(self) -> FlatSection:
        """The new text when there is one, else the old."""
        section = self.new or self.old
        assert section is not None
        return section


def normalise(text: str) -> str:
    """Whitespace-normalised text, used to decide whether a section changed."""
    return " ".join((text or "").split())


def _field_html(old: str, new: str) -> SafeString:
    if normalise(old) == normalise(new):
        return escape(new)
    return word_diff_html(old, new)


def _change(old: FlatSection | None, new: FlatSection | None) -> SectionChange:
    if old is None:
        assert new is not None
        return SectionChange(
            key=new.key,
            status=ADDED,
            old=None,
            new=new,
            title_html=word_diff_html("", new.title),
            body_html=word_diff_html("", new.body),
        )
    if new is None:
        return SectionChange(
            key=old.key,
            status=REMOVED,
            old=old,
            new=None,
            title_html=word_diff_html(old.title, ""),
            body_html=word_diff_html(old.body, ""),
        )
    same = normalise(old.title) == normalise(new.title) and normalise(old.body) == normalise(
        new.body
    )
    return SectionChange(
        key=new.key,
        status=UNCHANGED if same else CHANGED,
        old=old,
        new=new,
        title_html=_field_html(old.title, new.title),
        body_html=_field_html(old.body, new.body),
        moved=normalise(old.number) != normalise(new.number),
    )


def version_diff(old: list[FlatSection], new: list[FlatSection]) -> list[SectionChange]:
    """Section-by-section comparison of two versions, joined by key (see module doc)."""
    old = sorted(old, key=lambda section: section.position)
    new = sorted(new, key=lambda section: section.position)
    old_by_key = {section.key: section for section in old}
    new_keys = {section.key for section in new}

    # A removed section goes after the nearest preceding old section that is still there
    # (consecutive removed sections stay together, in their old order); None = at the start.
    removed_after: dict[str | None, list[FlatSection]] = {}
    anchor: str | None = None
    for section in old:
        if section.key in new_keys:
            anchor = section.key
        else:
            removed_after.setdefault(anchor, []).append(section)

    changes = [_change(section, None) for section in removed_after.pop(None, [])]
    for section in new:
        changes.append(_change(old_by_key.get(section.key), section))
        changes.extend(_change(gone, None) for gone in removed_after.pop(section.key, []))
    return changes


def diff_stats(changes: Iterable[SectionChange]) -> dict[str, int]:
    """``{"added": n, "removed": n, "changed": n, "unchanged": n}``."""
    stats = dict.fromkeys(STATUSES, 0)
    for change in changes:
        stats[change.status] += 1
    return stats
