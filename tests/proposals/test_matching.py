"""proposals.matching.assign_keys: natural keys and keys that survive new versions."""

from __future__ import annotations

import random
import re

import pytest
from django.utils import translation

from proposals.importer import parse_draft
from proposals.matching import assign_keys, natural_key, similarity, slug_part
from proposals.parsing import FlatSection, ParsedDraft, ParsedSection

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Distinct article texts (different vocabulary, so they do not resemble one another).
TEXTS = {
    "objekti": (
        "Qëllimi",
        [
            "Ky ligj përcakton rregullat për konsultimin publik të akteve normative.",
            "Ligji synon pjesëmarrjen e qytetarëve në hartimin e politikave.",
        ],
    ),
    "fusha": (
        "Fusha e zbatimit",
        [
            "Dispozitat zbatohen nga ministritë, agjencitë dhe komunat.",
            "Përjashtohen çështjet e sigurisë kombëtare dhe mbrojtjes.",
        ],
    ),
    "afatet": (
        "Afatet",
        [
            "Konsultimi zgjat së paku pesëmbëdhjetë ditë pune nga publikimi.",
            "Në raste urgjente afati shkurtohet në shtatë ditë.",
        ],
    ),
    "raporti": (
        "Raporti përfundimtar",
        [
            "Organi propozues harton raportin me komentet e pranuara dhe refuzuara.",
            "Raporti publikohet në platformë brenda tridhjetë ditëve.",
        ],
    ),
    "gjobat": (
        "Sanksionet",
        [
            "Zyrtari që nuk respekton procedurën mban përgjegjësi disiplinore.",
            "Inspektorati mbikëqyr zbatimin dhe shqipton masa.",
        ],
    ),
    "hyrja_fuqi": (
        "Hyrja në fuqi",
        ["Akti hyn në fuqi pesëmbëdhjetë ditë pas botimit në Gazetën Zyrtare."],
    ),
    "i_ri": (
        "Regjistri elektronik",
        [
            "Krijohet regjistri elektronik i të gjitha konsultimeve të mbajtura.",
            "Regjistri mirëmbahet nga Zyra e Kryeministrit.",
            "Të dhënat personale mbrohen sipas legjislacionit përkatës.",
        ],
    ),
}


def article(number: str, name: str, edit: str = "") -> ParsedSection:
    title, paragraphs = TEXTS[name]
    return ParsedSection(
        kind="article",
        number=number,
        title=title,
        children=[
            ParsedSection(kind="paragraph", number=str(i), body=body + edit)
            for i, body in enumerate(paragraphs, start=1)
        ],
    )


def draft(*articles: ParsedSection, preamble: str = "Kuvendi miraton:") -> ParsedDraft:
    sections = [ParsedSection(kind="preamble", number="", body=preamble)] if preamble else []
    return ParsedDraft(title="Ligji", sections=sections + list(articles))


def keys(flat: list[FlatSection]) -> list[str]:
    return [section.key for section in flat]


def by_title(flat: list[FlatSection]) -> dict[str, str]:
    return {s.title: s.key for s in flat if s.kind == "article"}


def check_invariants(flat: list[FlatSection]) -> None:
    all_keys = keys(flat)
    assert len(all_keys) == len(set(all_keys)), all_keys
    seen: dict[str, FlatSection] = {}
    for position, section in enumerate(flat):
        assert SLUG_RE.fullmatch(section.key), section.key
        assert len(section.key) <= 80
        assert section.position == position
        if section.parent_key:
            parent = seen[section.parent_key]  # parents come first
            assert section.depth == parent.depth + 1
        else:
            assert section.depth == 0
        seen[section.key] = section


# --------------------------------------------------------------------------------------------
# Fresh keys


def test_fresh_keys_from_an_imported_draft():
    text = """# Ligji
Hyrje.
KAPITULLI I
DISPOZITAT
Neni 1
Qëllimi
1. Paragrafi.
1.1 pika.
2. Paragrafi dy:
a) shkronja a;
b) shkronja b.
Neni 5a - Shtesë
3.1 pikë pa paragraf.
c) shkronjë pa paragraf.
KAPITULLI IV
Neni 2
Teksti.
"""
    with translation.override("en"):
        parsed = parse_draft(text.encode(), "ligji.md")
    flat = assign_keys(parsed)
    check_invariants(flat)
    assert [(s.key, s.kind, s.number, s.parent_key, s.depth) for s in flat] == [
        ("hyrja", "preamble", "", "", 0),
        ("kapitulli-1", "chapter", "I", "", 0),
        ("neni-1", "article", "1", "kapitulli-1", 1),
        ("neni-1-1", "paragraph", "1", "neni-1", 2),
        ("neni-1-1-1", "point", "1.1", "neni-1-1", 3),
        ("neni-1-2", "paragraph", "2", "neni-1", 2),
        ("neni-1-2-a", "point", "2.a", "neni-1-2", 3),
        ("neni-1-2-b", "point", "2.b", "neni-1-2", 3),
        ("neni-5a", "article", "5a", "kapitulli-1", 1),
        ("neni-5a-3-1", "point", "3.1", "neni-5a", 2),
        ("neni-5a-c", "point", "c", "neni-5a", 2),
        ("kapitulli-4", "chapter", "IV", "", 0),
        ("neni-2", "article", "2", "kapitulli-4", 1),
    ]
    assert flat[2].title == "Qëllimi"
    assert flat[3].body == "Paragrafi."


@pytest.mark.parametrize(
    ("section", "parent_key", "parent_kind", "expected"),
    [
        (ParsedSection("preamble", ""), "", "", "hyrja"),
        (ParsedSection("chapter", "XIV"), "", "", "kapitulli-14"),
        (ParsedSection("chapter", "3"), "", "", "kapitulli-3"),
        (ParsedSection("chapter", "iv"), "", "", "kapitulli-4"),
        (ParsedSection("article", "5"), "kapitulli-1", "chapter", "neni-5"),
        (ParsedSection("article", "5A"), "", "", "neni-5a"),
        (ParsedSection("article", "2а"), "", "", "neni-2a"),  # Cyrillic а
        (ParsedSection("paragraph", "2"), "neni-5", "article", "neni-5-2"),
        (ParsedSection("point", "1.1"), "neni-5-1", "paragraph", "neni-5-1-1"),
        (ParsedSection("point", "2.a"), "neni-5-2", "paragraph", "neni-5-2-a"),
        (ParsedSection("point", "2.б"), "neni-5-2", "paragraph", "neni-5-2-b"),
        (ParsedSection("point", "2.č"), "neni-5-2", "paragraph", "neni-5-2-c"),
        (ParsedSection("point", "1.1.1"), "neni-5-1", "paragraph", "neni-5-1-1-1"),
        (ParsedSection("point", "3.1"), "neni-5", "article", "neni-5-3-1"),
    ],
)
def test_natural_keys(section, parent_key, parent_kind, expected):
    assert natural_key(section, parent_key, parent_kind) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("5a", "5a"), ("Ђ", "dj"), ("ë", "e"), ("5 bis", "5-bis"), ("§", "x")]
)
def test_slug_part(value, expected):
    assert slug_part(value) == expected


def test_similarity():
    assert similarity("Ky ligj hyn në fuqi.", "ky ligj HYN në fuqi") == 1.0
    assert similarity("një dy tre", "katër pesë gjashtë") == 0.0


# --------------------------------------------------------------------------------------------
# Keys across versions


NAMES = ["objekti", "fusha", "afatet", "raporti", "gjobat"]


def version_one() -> list[FlatSection]:
    return assign_keys(draft(*(article(str(i), n) for i, n in enumerate(NAMES, start=1))))


def test_first_version_keys():
    flat = version_one()
    assert by_title(flat) == {
        "Qëllimi": "neni-1",
        "Fusha e zbatimit": "neni-2",
        "Afatet": "neni-3",
        "Raporti përfundimtar": "neni-4",
        "Sanksionet": "neni-5",
    }


def test_slightly_edited_text_keeps_keys():
    v1 = version_one()
    v2 = draft(
        *(
            article(str(i), n, edit=" (ndryshuar)" if i % 2 else "")
            for i, n in enumerate(NAMES, start=1)
        ),
        preamble="Kuvendi i Kosovës miraton:",
    )
    flat = assign_keys(v2, previous=v1, used_keys=set(keys(v1)))
    check_invariants(flat)
    assert keys(flat) == keys(v1)


def test_renumbering_after_an_insertion_keeps_keys():
    v1 = version_one()
    # A new article 4 is inserted: the old 4 and 5 become 5 and 6 (and are edited a little).
    v2 = draft(
        article("1", "objekti"),
        article("2", "fusha"),
        article("3", "afatet"),
        article("4", "i_ri"),
        article("5", "raporti", edit=" Shtesë e vogël."),
        article("6", "gjobat"),
    )
    flat = assign_keys(v2, previous=v1, used_keys=set(keys(v1)))
    check_invariants(flat)
    assert by_title(flat) == {
        "Qëllimi": "neni-1",
        "Fusha e zbatimit": "neni-2",
        "Afatet": "neni-3",
        "Regjistri elektronik": "neni-4-r2",
        "Raporti përfundimtar": "neni-4",
        "Sanksionet": "neni-5",
    }
    raporti = next(s for s in flat if s.title == "Raporti përfundimtar")
    assert raporti.number == "5"
    children = [s for s in flat if s.parent_key in ("neni-4", "neni-4-r2")]
    assert [(s.parent_key, s.key) for s in children] == [
        ("neni-4-r2", "neni-4-r2-1"),
        ("neni-4-r2", "neni-4-r2-2"),
        ("neni-4-r2", "neni-4-r2-3"),
        ("neni-4", "neni-4-1"),
        ("neni-4", "neni-4-2"),
    ]


def test_renumbered_identical_article_keeps_its_key_even_when_number_text_is_similar():
    # Article 3 is removed; 4 and 5 move up unchanged.
    v1 = version_one()
    v2 = draft(
        article("1", "objekti"),
        article("2", "fusha"),
        article("3", "raporti"),
        article("4", "gjobat"),
    )
    flat = assign_keys(v2, previous=v1)
    check_invariants(flat)
    assert by_title(flat) == {
        "Qëllimi": "neni-1",
        "Fusha e zbatimit": "neni-2",
        "Raporti përfundimtar": "neni-4",
        "Sanksionet": "neni-5",
    }
    assert "neni-3" not in keys(flat)
    assert "neni-3-1" not in keys(flat)


def test_deleted_article_key_is_not_reused_by_a_new_article():
    v1 = version_one()
    # Article 5 is deleted and a different article 5 is written in its place.
    v2 = draft(
        *(article(str(i), n) for i, n in enumerate(NAMES[:4], start=1)), article("5", "i_ri")
    )
    flat = assign_keys(v2, previous=v1, used_keys=set(keys(v1)))
    check_invariants(flat)
    assert by_title(flat)["Regjistri elektronik"] == "neni-5-r2"
    assert "neni-5" not in keys(flat)
    assert [k for k in keys(flat) if k.startswith("neni-5")] == [
        "neni-5-r2",
        "neni-5-r2-1",
        "neni-5-r2-2",
        "neni-5-r2-3",
    ]


def test_article_matched_by_number_when_rewritten_moderately():
    v1 = version_one()
    rewritten = ParsedSection(
        kind="article",
        number="3",
        title="Afatet e konsultimit",
        children=[
            ParsedSection(
                kind="paragraph",
                number="1",
                body="Konsultimi zgjat së paku njëzet ditë pune nga publikimi në platformë.",
            ),
            ParsedSection(kind="paragraph", number="2", body="Afati mund të zgjatet."),
            ParsedSection(kind="paragraph", number="3", body="Paragraf krejt i ri."),
        ],
    )
    v2 = draft(article("1", "objekti"), article("2", "fusha"), rewritten)
    flat = assign_keys(v2, previous=v1, used_keys=set(keys(v1)))
    check_invariants(flat)
    assert [k for k in keys(flat) if k.startswith("neni-3")] == [
        "neni-3",
        "neni-3-1",
        "neni-3-2",
        "neni-3-3",
    ]


def test_paragraph_keys_follow_the_matched_article_and_collide_safely():
    v1 = version_one()
    # neni-1-3 was used once in an earlier version and then deleted.
    used = set(keys(v1)) | {"neni-1-3"}
    edited = article("1", "objekti")
    edited.children.append(ParsedSection(kind="paragraph", number="3", body="I ri."))
    flat = assign_keys(draft(edited), previous=v1, used_keys=used)
    check_invariants(flat)
    assert keys(flat) == ["hyrja", "neni-1", "neni-1-1", "neni-1-2", "neni-1-3-r2"]


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        (set(), "neni-6"),
        ({"neni-6"}, "neni-6-r2"),
        ({"neni-6", "neni-6-r2"}, "neni-6-r3"),
        ({"neni-6", "neni-6-r3"}, "neni-6-r2"),
    ],
)
def test_collision_with_used_keys(used, expected):
    flat = assign_keys(draft(article("6", "objekti"), preamble=""), used_keys=used)
    assert keys(flat) == [expected, f"{expected}-1", f"{expected}-2"]
    assert flat[1].parent_key == expected


def test_duplicate_numbers_in_one_version_get_distinct_keys():
    flat = assign_keys(draft(article("1", "objekti"), article("1", "fusha")))
    check_invariants(flat)
    assert by_title(flat) == {"Qëllimi": "neni-1", "Fusha e zbatimit": "neni-1-r2"}


def test_chapters_match_by_number_and_preamble_is_hyrja():
    def with_chapters(numbers: list[str]) -> ParsedDraft:
        return ParsedDraft(
            sections=[ParsedSection("preamble", "", body="Hyrje.")]
            + [
                ParsedSection("chapter", n, title=f"Kapitulli {n}", children=[article(str(i), m)])
                for i, (n, m) in enumerate(zip(numbers, NAMES, strict=False), start=1)
            ]
        )

    v1 = assign_keys(with_chapters(["I", "II"]))
    assert [s.key for s in v1 if s.kind in ("preamble", "chapter")] == [
        "hyrja",
        "kapitulli-1",
        "kapitulli-2",
    ]
    v2 = assign_keys(with_chapters(["1", "2", "3"]), previous=v1, used_keys=set(keys(v1)))
    check_invariants(v2)
    assert [s.key for s in v2 if s.kind in ("preamble", "chapter")] == [
        "hyrja",
        "kapitulli-1",
        "kapitulli-2",
        "kapitulli-3",
    ]


# --------------------------------------------------------------------------------------------
# Invariants over many generated drafts


def random_draft(rng: random.Random) -> ParsedDraft:
    words = ["ligj", "neni", "afat", "komuna", "qytetar", "çështje", "закон", "član", "ë", "ç"]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    def make_article(number: str) -> ParsedSection:
        section = ParsedSection("article", number, title=text(rng.randint(0, 3)), body=text(5))
        for p in range(1, rng.randint(0, 4) + 1):
            p_number = str(rng.choice([p, p, p, 1]))  # sometimes duplicated
            paragraph = ParsedSection("paragraph", p_number, body=text(8))
            for q in range(rng.randint(0, 3)):
                sub = rng.choice([f"{p_number}.{q + 1}", f"{p_number}.{'abcабв'[q]}", "7.7"])
                paragraph.children.append(ParsedSection("point", sub, body=text(4)))
            section.children.append(paragraph)
        if rng.random() < 0.3:
            section.children.append(ParsedSection("point", rng.choice(["9.1", "a", "č"])))
        return section

    numbers = ["1", "2", "3", "4", "5", "5a", "5A", "6", "7", "10", "2а", "Č"]
    sections: list[ParsedSection] = []
    if rng.random() < 0.7:
        sections.append(ParsedSection("preamble", "", body=text(10)))
    if rng.random() < 0.5:
        for chapter_number in rng.sample(["I", "II", "2", "III", "iv", "IV"], rng.randint(1, 3)):
            chapter = ParsedSection("chapter", chapter_number, title=text(2))
            chapter.children = [make_article(rng.choice(numbers)) for _ in range(rng.randint(1, 4))]
            sections.append(chapter)
    else:
        sections.extend(make_article(rng.choice(numbers)) for _ in range(rng.randint(1, 8)))
    return ParsedDraft(title="T", sections=sections)


@pytest.mark.parametrize("seed", range(40))
def test_keys_are_unique_and_slugs_over_generated_versions(seed):
    rng = random.Random(seed)
    used: set[str] = set()
    previous: list[FlatSection] | None = None
    for _version in range(4):
        flat = assign_keys(random_draft(rng), previous=previous, used_keys=set(used))
        check_invariants(flat)
        if previous is not None:
            # a key never moves to a section of a different kind
            old_kinds = {s.key: s.kind for s in previous}
            for section in flat:
                assert old_kinds.get(section.key, section.kind) == section.kind
        used |= set(keys(flat))
        previous = flat
