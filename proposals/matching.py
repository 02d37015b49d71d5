"""Give every section of a parsed draft a stable key, carrying keys over from the version it
replaces so that comments and votes stay attached to "the same" article across versions.

``assign_keys(parsed, previous=None, used_keys=None)`` flattens the ``ParsedDraft`` tree in
document order (``position`` 0..n-1, ``depth`` 0 for top-level sections) into ``FlatSection``
rows whose ``parent_key`` is the key of the parent ("" at the top). Pure Python, no database.

Natural keys (valid slugs, ``[a-z0-9-]``):

* the preamble is ``hyrja``;
* chapter N is ``kapitulli-<n>`` with roman numerals turned into arabic (``II`` -> 2);
* article N is ``neni-<n>``, lowercase (``neni-5a``);
* paragraph P of the section keyed K is ``K-P`` (``neni-5-2``);
* a point under a paragraph takes the parts of its number after the paragraph's
  (``1.1`` under ``neni-5-1`` -> ``neni-5-1-1``; ``2.a`` -> ``neni-5-2-a``; ``1.1.1`` ->
  ``neni-5-1-1-1``); a point hanging directly from an article takes its whole number
  (``3.1`` -> ``neni-5-3-1``).

Numbers are transliterated (Serbian Cyrillic to Latin), stripped of accents and lowercased.

When ``previous`` (the flat sections of the version being replaced) is given, sections are matched
to previous ones and a matched section keeps the previous key, whatever its number now is:

1. the preamble is always ``hyrja``;
2. chapters match by number (``II`` and ``2`` are the same number);
3. articles, all at once whatever chapter they are in, are compared on their text (title, body
   and the text of everything under them, as words, with ``difflib.SequenceMatcher``):

   a. an article whose text is identical to exactly one previous article's, and that is the only
      one with that text, matches it (a moved but unchanged article);
   b. then an article matches the previous article with the same number when their similarity
      ratio is >= 0.35 (``NUMBER_MATCH_RATIO``);
   c. then, among the articles still unmatched on both sides, pairs are taken greedily, most
      similar first, while the ratio is >= 0.6 (``TEXT_MATCH_RATIO``). To stay fast on long
      laws, each unmatched article is compared exactly only with the ``CANDIDATES`` (4) previous
      articles that share the most word bigrams with it (and at least ``MIN_OVERLAP``, a Dice
      coefficient of 0.1), and only the first ``MAX_MATCH_WORDS`` (2000) words of an article
      are compared.

   So when a new article is inserted as article 4, the old article 4 (now 5) keeps ``neni-4``
   and the new article 4 gets a fresh key;
4. paragraphs and points match, within a matched parent, the previous child of the same kind and
   number.

Every section that was not matched gets its natural key, built on its parent's final key, unless
that key is already taken, in which case it gets ``<natural>-r<k>`` with the smallest k >= 2 that
is free. Taken means: kept by a matched section of this version, given earlier (in document order)
to another section of this version, present in ``previous``, or in ``used_keys`` (every key ever
used in the proposal). A key once used therefore never passes to a different section: comments
on a deleted article never reappear on a new article that happens to get its number.

All keys in the result are unique.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from dataclasses import dataclass, field

from .parsing import FlatSection, ParsedDraft, ParsedSection

PREAMBLE_KEY = "hyrja"
CHAPTER_PREFIX = "kapitulli"
ARTICLE_PREFIX = "neni"
NUMBER_MATCH_RATIO = 0.35
TEXT_MATCH_RATIO = 0.6
CANDIDATES = 4  # previous articles compared exactly with each unmatched new article (step c)
MIN_OVERLAP = 0.1  # Dice coefficient of word bigrams below which texts are not compared
MAX_MATCH_WORDS = 2000  # only the first words of a long article are compared
KEY_MAX_LENGTH = 80  # Section.key is a SlugField(max_length=80)

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "c", "џ": "dz", "ш": "s",
}  # fmt: skip
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_WORD_RE = re.compile(r"\w+")


@dataclass
class _Node:
    section: ParsedSection
    parent: int | None  # index of the parent node
    depth: int
    children: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Public API


def assign_keys(
    parsed: ParsedDraft,
    previous: list[FlatSection] | None = None,
    used_keys: set[str] | None = None,
) -> list[FlatSection]:
    """Flatten ``parsed`` in document order and give each section its key (see module doc)."""
    nodes = _flatten(parsed.sections)
    previous = sorted(previous or [], key=lambda section: section.position)
    kept = _match(nodes, previous) if previous else {}
    kept_keys = set(kept.values())

    taken: set[str] = set(used_keys or ()) | {section.key for section in previous} | kept_keys
    keys: list[str] = []
    for index, node in enumerate(nodes):
        if index in kept:
            key = kept[index]
        else:
            parent_key = keys[node.parent] if node.parent is not None else ""
            parent_kind = nodes[node.parent].section.kind if node.parent is not None else ""
            natural = natural_key(node.section, parent_key, parent_kind)
            if node.section.kind == "preamble" and natural not in keys and natural not in kept_keys:
                key = natural  # the preamble is always "hyrja"
            else:
                key = _free_key(natural, taken)
        taken.add(key)
        keys.append(key)

    return [
        FlatSection(
            key=keys[index],
            kind=node.section.kind,
            number=node.section.number,
            title=node.section.title,
            body=node.section.body,
            parent_key=keys[node.parent] if node.parent is not None else "",
            depth=node.depth,
            position=index,
        )
        for index, node in enumerate(nodes)
    ]


def natural_key(section: ParsedSection, parent_key: str = "", parent_kind: str = "") -> str:
    """The key a section gets when nothing else has claimed it."""
    kind = section.kind
    if kind == "preamble":
        return PREAMBLE_KEY
    if kind == "chapter":
        return f"{CHAPTER_PREFIX}-{_chapter_number(section.number)}"
    if kind == "article":
        return _clip(f"{ARTICLE_PREFIX}-{slug_part(section.number)}")
    parts = [slug_part(part) for part in section.number.split(".") if part.strip()] or ["x"]
    if kind == "point" and parent_kind == "paragraph" and len(parts) > 1:
        parts = parts[1:]
    suffix = "-".join(parts)
    return _clip(f"{parent_key}-{suffix}" if parent_key else f"{slug_part(kind)}-{suffix}")


def slug_part(value: str) -> str:
    """``"5a"`` -> ``"5a"``, ``"5а"`` (Cyrillic) -> ``"5a"``, ``"Č"`` -> ``"c"``; never empty."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in value.strip().lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "x"


def similarity(a: str, b: str) -> float:
    """Word-level ``difflib`` ratio of two texts (case and punctuation ignored)."""
    return _matcher(_words(a), _words(b)).ratio()


# --------------------------------------------------------------------------------------------
# Flattening and keys


def _flatten(sections: list[ParsedSection]) -> list[_Node]:
    nodes: list[_Node] = []

    def walk(items: list[ParsedSection], parent: int | None, depth: int) -> None:
        for section in items:
            index = len(nodes)
            nodes.append(_Node(section, parent, depth))
            if parent is not None:
                nodes[parent].children.append(index)
            walk(section.children, index, depth + 1)

    walk(sections, None, 0)
    return nodes


def _chapter_number(number: str) -> str:
    value = number.strip().lower()
    if value.isdigit():
        return str(int(value))
    arabic = _roman_to_int(value)
    return str(arabic) if arabic is not None else slug_part(number)


def _roman_to_int(value: str) -> int | None:
    if not value or any(ch not in _ROMAN for ch in value):
        return None
    total = 0
    for i, ch in enumerate(value):
        current = _ROMAN[ch]
        following = _ROMAN[value[i + 1]] if i + 1 < len(value) else 0
        total += -current if current < following else current
    return total if total > 0 else None


def _clip(key: str) -> str:
    # Leave room for a "-r<k>" suffix within the SlugField's length.
    return key[: KEY_MAX_LENGTH - 6].strip("-") or "x"


def _free_key(natural: str, taken: set[str]) -> str:
    if natural not in taken:
        return natural
    k = 2
    while f"{natural}-r{k}" in taken:
        k += 1
    return f"{natural}-r{k}"


def _number_key(kind: str, number: str) -> str:
    if kind == "chapter":
        return _chapter_number(number)
    return ".".join(slug_part(part) for part in number.split(".")) if number else ""


# --------------------------------------------------------------------------------------------
# Matching against the previous version


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())[:MAX_MATCH_WORDS]


def _shingles(words: list[str]) -> set[int]:
    """Hashes of the word bigrams (of the single word for a one-word text)."""
    size = min(2, len(words))
    if not size:
        return set()
    return {hash(" ".join(words[k : k + size])) for k in range(len(words) - size + 1)}


def _matcher(a: list[str], b: list[str]) -> difflib.SequenceMatcher:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def _match(nodes: list[_Node], previous: list[FlatSection]) -> dict[int, str]:
    """Node index -> key kept from ``previous``."""
    kept: dict[int, str] = {}
    used_previous: set[str] = set()
    children_of: dict[str, list[FlatSection]] = {}
    for section in previous:
        children_of.setdefault(section.parent_key, []).append(section)

    # Chapters: by number.
    previous_chapters = {}
    for section in previous:
        if section.kind == "chapter":
            previous_chapters.setdefault(_number_key("chapter", section.number), section)
    for index, node in enumerate(nodes):
        if node.section.kind != "chapter":
            continue
        match = previous_chapters.get(_number_key("chapter", node.section.number))
        if match is not None and match.key not in used_previous:
            kept[index] = match.key
            used_previous.add(match.key)

    # Articles: by identical text, by number when similar, then by best similarity.
    new_articles = [i for i, node in enumerate(nodes) if node.section.kind == "article"]
    old_articles = [section for section in previous if section.kind == "article"]
    new_text = {i: _words(_node_text(nodes, i)) for i in new_articles}
    old_text = {s.key: _words(_flat_text(s, children_of)) for s in old_articles}
    article_pairs: dict[int, FlatSection] = {}

    def pair(index: int, section: FlatSection) -> None:
        article_pairs[index] = section
        kept[index] = section.key
        used_previous.add(section.key)

    # a. identical, unique texts
    new_by_text: dict[tuple[str, ...], list[int]] = {}
    for i in new_articles:
        new_by_text.setdefault(tuple(new_text[i]), []).append(i)
    old_by_text: dict[tuple[str, ...], list[FlatSection]] = {}
    for s in old_articles:
        old_by_text.setdefault(tuple(old_text[s.key]), []).append(s)
    for text, indexes in new_by_text.items():
        olds = old_by_text.get(text, [])
        if text and len(indexes) == 1 and len(olds) == 1:
            pair(indexes[0], olds[0])

    # b. same number, similar enough
    old_by_number: dict[str, list[FlatSection]] = {}
    for s in old_articles:
        old_by_number.setdefault(_number_key("article", s.number), []).append(s)
    for i in new_articles:
        if i in article_pairs:
            continue
        candidates = [
            s
            for s in old_by_number.get(_number_key("article", nodes[i].section.number), [])
            if s.key not in used_previous
        ]
        scored = [(_matcher(new_text[i], old_text[s.key]).ratio(), s) for s in candidates]
        scored = [(ratio, s) for ratio, s in scored if ratio >= NUMBER_MATCH_RATIO]
        if scored:
            pair(i, max(scored, key=lambda item: item[0])[1])

    # c. best similarity first. Comparing every pair exactly is quadratic in articles and in
    # words, so each unmatched article is only compared exactly with the CANDIDATES previous
    # articles sharing the most word bigrams with it.
    scored_pairs: list[tuple[float, int, int, FlatSection]] = []
    remaining_old = [s for s in old_articles if s.key not in used_previous]
    remaining_new = [i for i in new_articles if i not in article_pairs]
    if remaining_old and remaining_new:
        old_grams = [_shingles(old_text[s.key]) for s in remaining_old]
        for i in remaining_new:
            grams = _shingles(new_text[i])
            overlaps = [
                (2 * len(grams & other) / (len(grams) + len(other) or 1), order)
                for order, other in enumerate(old_grams)
            ]
            best = heapq.nlargest(CANDIDATES, (o for o in overlaps if o[0] >= MIN_OVERLAP))
            for _overlap, order in best:
                s = remaining_old[order]
                matcher = _matcher(new_text[i], old_text[s.key])
                if matcher.quick_ratio() < TEXT_MATCH_RATIO:
                    continue
                ratio = matcher.ratio()
                if ratio >= TEXT_MATCH_RATIO:
                    scored_pairs.append((ratio, i, order, s))
    # Highest ratio first; ties in document order.
    scored_pairs.sort(key=lambda item: (-item[0], item[1], item[2]))
    for _ratio, i, _order, s in scored_pairs:
        if i in article_pairs or s.key in used_previous:
            continue
        pair(i, s)

    # Paragraphs and points: by kind and number within a matched parent.
    def match_children(index: int, old_key: str) -> None:
        olds = {
            (s.kind, _number_key(s.kind, s.number)): s
            for s in reversed(children_of.get(old_key, []))
        }
        for child in nodes[index].children:
            section = nodes[child].section
            if section.kind in ("chapter", "article", "preamble"):
                continue
            match = olds.get((section.kind, _number_key(section.kind, section.number)))
            if match is None or match.key in used_previous:
                continue
            kept[child] = match.key
            used_previous.add(match.key)
            match_children(child, match.key)

    for index, section in article_pairs.items():
        match_children(index, section.key)
    return kept


def _node_text(nodes: list[_Node], index: int) -> str:
    section = nodes[index].section
    parts = [section.title, section.body]
    parts.extend(_node_text(nodes, child) for child in nodes[index].children)
    return "\n".join(part for part in parts if part)


def _flat_text(section: FlatSection, children_of: dict[str, list[FlatSection]]) -> str:
    parts = [section.title, section.body]
    parts.extend(_flat_text(child, children_of) for child in children_of.get(section.key, []))
    return "\n".join(part for part in parts if part)
