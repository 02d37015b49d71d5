"""Align a translated draft with the version it translates, by structure (pure Python).

``align(original, translated, version=N)`` takes the version's sections and the translated
file's sections, both as ``FlatSection`` lists (``matching.assign_keys`` flattens a parsed file;
its keys are only used to find parents), and pairs them one to one when their structures are the
same:

* the same number of sections, paired in document order;
* each pair of the same kind (preamble, chapter, article, paragraph, point);
* with the same number: chapters compared as numbers (``II`` = ``2``), articles, paragraphs and
  points part by part after transliteration (``5a`` = ``5а``). A part that is a single letter on
  both sides (``2.a``, ``2.б``, ``2.ç``) is accepted whatever the letter: lettered points follow
  each alphabet's order (Albanian ``a, b, c, ç``; Serbian ``a, b, v, g`` or ``a, b, c, č``),
  and their order is already checked by their position;
* under the same parent (the parent's position in the document).

Texts are never compared: a translation shares no words with its original. The first difference
raises ``StructureMismatch`` with a message that names the article (or chapter, or the preamble)
where it is, in the person's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .labels import section_label
from .matching import _number_key, slug_part
from .parsing import FlatSection


class StructureMismatch(Exception):
    """The translation's structure differs from the original's; ``message`` says where."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _describe(section: FlatSection) -> str:
    number = section.number
    if section.kind == "preamble":
        return _("a preamble")
    if section.kind == "chapter":
        return _("chapter %(number)s") % {"number": number}
    if section.kind == "article":
        return _("article %(number)s") % {"number": number}
    if section.kind == "paragraph":
        return _("paragraph %(number)s") % {"number": number}
    if section.kind == "point":
        return _("point %(number)s") % {"number": number}
    return number


def _is_letter(part: str) -> bool:
    part = part.strip()
    return len(part) == 1 and part.isalpha()


def same_number(kind: str, a: str, b: str) -> bool:
    if kind == "preamble":
        return True
    if kind in ("chapter", "article"):
        return _number_key(kind, a) == _number_key(kind, b)
    parts_a, parts_b = a.split("."), b.split(".")
    if len(parts_a) != len(parts_b):
        return False
    return all(
        (_is_letter(x) and _is_letter(y)) or slug_part(x) == slug_part(y)
        for x, y in zip(parts_a, parts_b, strict=True)
    )


def _where(section: FlatSection, by_key: dict[str, FlatSection]) -> str:
    """The article a section belongs to ("Article 5"), else its chapter, else the preamble."""
    current: FlatSection | None = section
    seen: set[str] = set()
    fallback = section
    while current is not None and current.key not in seen:
        if current.kind == "article":
            return section_label("article", current.number)
        seen.add(current.key)
        fallback = current
        current = by_key.get(current.parent_key) if current.parent_key else None
    if fallback.kind == "preamble":
        return _("the preamble")
    return section_label(fallback.kind, fallback.number)


def _parent(section: FlatSection, by_key: dict[str, FlatSection]) -> str:
    parent = by_key.get(section.parent_key) if section.parent_key else None
    return _describe(parent) if parent is not None else _("the top level of the document")


def align(
    original: list[FlatSection], translated: list[FlatSection], *, version: int
) -> list[tuple[FlatSection, FlatSection]]:
    """Pairs ``(original section, translated section)`` in document order (see module doc)."""
    original = sorted(original, key=lambda s: s.position)
    translated = sorted(translated, key=lambda s: s.position)
    original_by_key = {s.key: s for s in original}
    translated_by_key = {s.key: s for s in translated}
    original_index = {s.key: i for i, s in enumerate(original)}
    translated_index = {s.key: i for i, s in enumerate(translated)}
    intro = _(
        "The translation does not have the same structure as the original text (version "
        "%(version)s)."
    ) % {"version": version}
    hint = _(
        "A translation must have the same chapters, articles, paragraphs and points as the "
        "original, in the same order and with the same numbers. Nothing was stored."
    )

    def fail(detail: str):
        raise StructureMismatch(f"{intro} {detail} {hint}")

    for index in range(max(len(original), len(translated))):
        o = original[index] if index < len(original) else None
        t = translated[index] if index < len(translated) else None
        if t is None:
            assert o is not None
            fail(
                _(
                    "The translation ends too early: the original continues in %(where)s with "
                    "%(original)s."
                )
                % {"where": _where(o, original_by_key), "original": _describe(o)}
            )
        if o is None:
            assert t is not None
            fail(
                _(
                    "The translation goes on after the end of the original: %(translation)s in "
                    "%(where)s is not in the original."
                )
                % {"where": _where(t, translated_by_key), "translation": _describe(t)}
            )
        assert o is not None and t is not None
        if o.kind != t.kind or not same_number(o.kind, o.number, t.number):
            fail(
                _(
                    "The first difference is in %(where)s: the original has %(original)s where "
                    "the translation has %(translation)s."
                )
                % {
                    "where": _where(o, original_by_key),
                    "original": _describe(o),
                    "translation": _describe(t),
                }
            )
        o_parent = original_index.get(o.parent_key) if o.parent_key else None
        t_parent = translated_index.get(t.parent_key) if t.parent_key else None
        if o_parent != t_parent:
            fail(
                _(
                    "The first difference is in %(where)s: %(original)s belongs to %(parent)s in "
                    "the original and to %(other)s in the translation."
                )
                % {
                    "where": _where(o, original_by_key),
                    "original": _describe(o),
                    "parent": _parent(o, original_by_key),
                    "other": _parent(t, translated_by_key),
                }
            )
    return list(zip(original, translated, strict=True))
