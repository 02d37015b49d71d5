"""proposals.importer.parse_draft: Markdown and .docx drafts in Albanian, Serbian and English."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest
from django.utils import translation

from proposals.importer import parse_draft, roman_to_int
from proposals.parsing import DraftImportError, ParsedDraft, ParsedSection


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def outline(sections: list[ParsedSection]) -> list[tuple]:
    """(kind, number, title, body, children...) without line numbers, for compact asserts."""
    return [(s.kind, s.number, s.title, s.body, outline(s.children)) for s in sections]


def find(sections: list[ParsedSection], kind: str, number: str) -> ParsedSection:
    for section in sections:
        if section.kind == kind and section.number == number:
            return section
        try:
            return find(section.children, kind, number)
        except LookupError:
            continue
    raise LookupError(f"{kind} {number}")


def errors_of(data: bytes, filename: str, **kwargs) -> list[str]:
    with pytest.raises(DraftImportError) as caught:
        parse_draft(data, filename, **kwargs)
    assert caught.value.errors
    return caught.value.errors


# --------------------------------------------------------------------------------------------
# Albanian Markdown

ALBANIAN = """\
# Ligji për konsultimet publike

Kuvendi i Republikës së Kosovës,
Në mbështetje të nenit 65 (1) të Kushtetutës,

1. kjo rresht i numëruar është pjesë e hyrjes

Miraton:

## KAPITULLI I
DISPOZITAT E PËRGJITHSHME

**Neni 1**
**Qëllimi**

Ky ligj rregullon çështjet e konsultimit.

1. Paragrafi i parë.
   vazhdim i paragrafit të parë.
2. Paragrafi i dytë:
2.1. pika e parë;
2.2) pika e dytë;
   a) nënpika a;
   b) nënpika b.

Neni 2 - Përkufizimet
1. Shprehjet e përdorura në këtë ligj kanë këtë kuptim:
1.1 “Organ publik” - çdo institucion;
3.1. pikë pa paragraf prind.

KAPITULLI II - DISPOZITAT KALIMTARE DHE PËRFUNDIMTARE

### Neni 3.
Ky ligj hyn në fuqi pesëmbëdhjetë (15) ditë pas publikimit në Gazetën Zyrtare.

Neni 3a: Shfuqizimi
Me hyrjen në fuqi të këtij ligji shfuqizohet Ligji nr. 02/L-123.
"""


def test_albanian_markdown_structure():
    draft = parse_draft(ALBANIAN.encode(), "projektligji.md")
    assert isinstance(draft, ParsedDraft)
    assert draft.title == "Ligji për konsultimet publike"
    assert outline(draft.sections) == [
        (
            "preamble",
            "",
            "",
            "Kuvendi i Republikës së Kosovës,\nNë mbështetje të nenit 65 (1) të Kushtetutës,\n\n"
            "1. kjo rresht i numëruar është pjesë e hyrjes\n\nMiraton:",
            [],
        ),
        (
            "chapter",
            "I",
            "DISPOZITAT E PËRGJITHSHME",
            "",
            [
                (
                    "article",
                    "1",
                    "Qëllimi",
                    "Ky ligj rregullon çështjet e konsultimit.",
                    [
                        (
                            "paragraph",
                            "1",
                            "",
                            "Paragrafi i parë.\nvazhdim i paragrafit të parë.",
                            [],
                        ),
                        (
                            "paragraph",
                            "2",
                            "",
                            "Paragrafi i dytë:",
                            [
                                ("point", "2.1", "", "pika e parë;", []),
                                ("point", "2.2", "", "pika e dytë;", []),
                                ("point", "2.a", "", "nënpika a;", []),
                                ("point", "2.b", "", "nënpika b.", []),
                            ],
                        ),
                    ],
                ),
                (
                    "article",
                    "2",
                    "Përkufizimet",
                    "",
                    [
                        (
                            "paragraph",
                            "1",
                            "",
                            "Shprehjet e përdorura në këtë ligj kanë këtë kuptim:",
                            [("point", "1.1", "", "“Organ publik” - çdo institucion;", [])],
                        ),
                        # No paragraph 3: the point hangs from the article, no error.
                        ("point", "3.1", "", "pikë pa paragraf prind.", []),
                    ],
                ),
            ],
        ),
        (
            "chapter",
            "II",
            "DISPOZITAT KALIMTARE DHE PËRFUNDIMTARE",
            "",
            [
                (
                    "article",
                    "3",
                    "",
                    "Ky ligj hyn në fuqi pesëmbëdhjetë (15) ditë pas publikimit në Gazetën "
                    "Zyrtare.",
                    [],
                ),
                (
                    "article",
                    "3a",
                    "Shfuqizimi",
                    "Me hyrjen në fuqi të këtij ligji shfuqizohet Ligji nr. 02/L-123.",
                    [],
                ),
            ],
        ),
    ]


def test_line_numbers_are_recorded():
    draft = parse_draft(ALBANIAN.encode(), "projektligji.md")
    lines = ALBANIAN.splitlines()
    assert draft.sections[0].line == 3
    for kind, number in [("chapter", "I"), ("article", "1"), ("paragraph", "2"), ("point", "2.a")]:
        section = find(draft.sections, kind, number)
        assert number.split(".")[-1] in lines[section.line - 1]


def test_bom_crlf_and_spaces_are_tidied():
    text = "\ufeffNeni   1\r\nQëllimi\r\n\r\n1.   Ky   ligj\u00a0përcakton çka.\r\n"
    draft = parse_draft(text.encode("utf-8"), "ligji.txt")
    article = draft.sections[0]
    assert (article.kind, article.number, article.title) == ("article", "1", "Qëllimi")
    assert article.children[0].body == "Ky ligj përcakton çka."
    assert article.line == 1


@pytest.mark.parametrize(
    ("line", "number", "title"),
    [
        ("Neni 5", "5", ""),
        ("Neni 5.", "5", ""),
        ("NENI 5 - Qëllimi", "5", "Qëllimi"),
        ("neni 5: Qëllimi", "5", "Qëllimi"),
        ("Neni 5. Qëllimi", "5", "Qëllimi"),
        ("Neni 5 – Qëllimi", "5", "Qëllimi"),
        ("Neni 5a", "5a", ""),
        ("Član 5", "5", ""),
        ("Clan 5 - Cilj", "5", "Cilj"),
        ("ČLAN 12.", "12", ""),
        ("Члан 5", "5", ""),
        ("ЧЛАН 7 - Циљ", "7", "Циљ"),
        ("Article 5", "5", ""),
        ("ARTICLE 10: Purpose", "10", "Purpose"),
        ("**Neni 5**", "5", ""),
        ("## Neni 5", "5", ""),
        ("- **Article 5** - Purpose", "5", "Purpose"),
    ],
)
def test_article_headings(line, number, title):
    draft = parse_draft(f"{line}\nTeksti i nenit.\n".encode(), "a.md")
    article = draft.sections[0]
    assert (article.kind, article.number, article.title) == ("article", number, title)
    assert article.body == "Teksti i nenit."


@pytest.mark.parametrize(
    "line",
    [
        "Neni 5 i këtij ligji zbatohet për të gjithë.",
        "Neni 5.1 parasheh një afat.",
        "Nenit 5 i shtohet një paragraf.",
        "Articles 5 and 6 apply.",
    ],
)
def test_references_to_articles_are_text(line):
    draft = parse_draft(f"Neni 1\nTitulli\n{line}\n".encode(), "a.md")
    assert len(draft.sections) == 1
    assert draft.sections[0].body == line


@pytest.mark.parametrize(
    ("line", "number", "title"),
    [
        ("KAPITULLI I", "I", ""),
        ("Kapitulli 2", "2", ""),
        ("KAPITULLI IV - DISPOZITAT", "IV", "DISPOZITAT"),
        ("POGLAVLJE I: OPŠTE ODREDBE", "I", "OPŠTE ODREDBE"),
        ("ПОГЛАВЉЕ II", "II", ""),
        ("CHAPTER III. Final provisions", "III", "Final provisions"),
        ("chapter iii", "III", ""),
        ("KAPITULLI I DISPOZITAT E PËRGJITHSHME", "I", "DISPOZITAT E PËRGJITHSHME"),
    ],
)
def test_chapter_headings(line, number, title):
    draft = parse_draft(f"{line}\nNeni 1\nTeksti.\n".encode(), "a.md")
    chapter = draft.sections[0]
    assert (chapter.kind, chapter.number, chapter.title) == ("chapter", number, title)
    assert [a.number for a in chapter.children] == ["1"]


def test_chapter_title_on_next_line_but_not_when_structural():
    draft = parse_draft(
        b"KAPITULLI I\n\nDISPOZITAT\nNeni 1\nA.\nKAPITULLI II\nNeni 2\nB.\n", "a.md"
    )
    first, second = draft.sections
    assert (first.title, second.title) == ("DISPOZITAT", "")
    assert second.children[0].body == "B."


@pytest.mark.parametrize(
    ("next_line", "title", "body"),
    [
        ("Qëllimi", "Qëllimi", ""),
        ("Ky ligj hyn në fuqi pas publikimit.", "", "Ky ligj hyn në fuqi pas publikimit."),
        ("Në kuptim të këtij ligji:", "", "Në kuptim të këtij ligji:"),
        ("2024 është viti i fillimit", "", "2024 është viti i fillimit"),
        ("**Dispozitat e fundit.**", "Dispozitat e fundit.", ""),
        ("x" * 200, "", "x" * 200),
    ],
)
def test_article_title_on_next_line(next_line, title, body):
    draft = parse_draft(f"Neni 1\n\n{next_line}\n\nNeni 2 - Tjetri\n".encode(), "a.md")
    article = draft.sections[0]
    assert (article.title, article.body) == (title, body)


def test_numbered_lines_and_lettered_points():
    text = """Neni 1 - T
Hyrje e nenit.
a) pikë para paragrafit;
1) paragraf me kllapë
(2) paragraf në kllapa
2.1 pikë pa pikë
2.2) pikë me kllapë
(c) shkronjë në kllapa
1.Ngjitur
"""
    with pytest.raises(DraftImportError) as caught:
        parse_draft(text.encode(), "a.md")
    # "1.Ngjitur" repeats paragraph 1
    assert caught.value.errors == ["Article 1 has paragraph 1 twice: at line 4 and at line 9."]
    draft = parse_draft(text.replace("1.Ngjitur", "3.Ngjitur").encode(), "a.md")
    assert outline(draft.sections[0].children) == [
        ("point", "a", "", "pikë para paragrafit;", []),
        ("paragraph", "1", "", "paragraf me kllapë", []),
        (
            "paragraph",
            "2",
            "",
            "paragraf në kllapa",
            [
                ("point", "2.1", "", "pikë pa pikë", []),
                ("point", "2.2", "", "pikë me kllapë", []),
                ("point", "2.c", "", "shkronjë në kllapa", []),
            ],
        ),
        ("paragraph", "3", "", "Ngjitur", []),
    ]


# --------------------------------------------------------------------------------------------
# Serbian (Latin and Cyrillic) and English

SERBIAN_LATIN = """\
# Zakon o javnim konsultacijama

Skupština Republike Kosovo,
na osnovu člana 65 Ustava,

POGLAVLJE I
OPŠTE ODREDBE

Član 1
Cilj

1. Ovim zakonom se uređuje postupak konsultacija.
2. Zakon se primenjuje na:
2.1. ministarstva;
2.2. opštine.

Član 2 - Definicije
Izrazi korišćeni u ovom zakonu imaju sledeće značenje:
a) „organ” je svaka institucija;
b) „javnost” su svi građani.

POGLAVLJE II: ZAVRŠNE ODREDBE

Clan 3
Ovaj zakon stupa na snagu petnaest (15) dana od dana objavljivanja.
"""

SERBIAN_CYRILLIC = """\
# Закон о јавним консултацијама

Скупштина Републике Косово,

ПОГЛАВЉЕ I
ОПШТЕ ОДРЕДБЕ

Члан 1
Циљ

1. Овим законом се уређује поступак консултација.
2. Закон се примењује на:
а) министарства;
б) општине.

ПОГЛАВЉЕ II - ЗАВРШНЕ ОДРЕДБЕ

Члан 2а
Ступање на снагу
Овај закон ступа на снагу петнаест (15) дана од дана објављивања.
"""

ENGLISH = """\
# Law on Public Consultations

The Assembly of the Republic of Kosovo,
Adopts:

CHAPTER I - GENERAL PROVISIONS

Article 1
Purpose

1. This law regulates public consultations.
1.1 Point one of paragraph one;
1.2) point two of paragraph one.
2. It applies to:
a) ministries;
b) municipalities.

Article 2. Definitions
The terms used in this law have the following meaning.

CHAPTER II
FINAL PROVISIONS

Article 3
This law enters into force fifteen (15) days after publication.
"""


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        (
            SERBIAN_LATIN,
            "Zakon o javnim konsultacijama",
            [
                ("preamble", "", "", "Skupština Republike Kosovo,\nna osnovu člana 65 Ustava,"),
                ("chapter", "I", "OPŠTE ODREDBE", ""),
                ("article", "1", "Cilj", ""),
                ("paragraph", "1", "", "Ovim zakonom se uređuje postupak konsultacija."),
                ("point", "2.2", "", "opštine."),
                (
                    "article",
                    "2",
                    "Definicije",
                    "Izrazi korišćeni u ovom zakonu imaju sledeće značenje:",
                ),
                ("point", "a", "", "„organ” je svaka institucija;"),
                ("chapter", "II", "ZAVRŠNE ODREDBE", ""),
                (
                    "article",
                    "3",
                    "",
                    "Ovaj zakon stupa na snagu petnaest (15) dana od dana objavljivanja.",
                ),
            ],
        ),
        (
            SERBIAN_CYRILLIC,
            "Закон о јавним консултацијама",
            [
                ("preamble", "", "", "Скупштина Републике Косово,"),
                ("chapter", "I", "ОПШТЕ ОДРЕДБЕ", ""),
                ("article", "1", "Циљ", ""),
                ("point", "2.а", "", "министарства;"),
                ("point", "2.б", "", "општине."),
                ("chapter", "II", "ЗАВРШНЕ ОДРЕДБЕ", ""),
                (
                    "article",
                    "2а",
                    "Ступање на снагу",
                    "Овај закон ступа на снагу петнаест (15) дана од дана објављивања.",
                ),
            ],
        ),
        (
            ENGLISH,
            "Law on Public Consultations",
            [
                ("preamble", "", "", "The Assembly of the Republic of Kosovo,\nAdopts:"),
                ("chapter", "I", "GENERAL PROVISIONS", ""),
                ("article", "1", "Purpose", ""),
                ("point", "1.1", "", "Point one of paragraph one;"),
                ("point", "1.2", "", "point two of paragraph one."),
                ("point", "2.b", "", "municipalities."),
                (
                    "article",
                    "2",
                    "Definitions",
                    "The terms used in this law have the following meaning.",
                ),
                ("chapter", "II", "FINAL PROVISIONS", ""),
                (
                    "article",
                    "3",
                    "",
                    "This law enters into force fifteen (15) days after publication.",
                ),
            ],
        ),
    ],
    ids=["sr-latn", "sr-cyrl", "en"],
)
def test_other_languages(text, title, expected):
    draft = parse_draft(text.encode(), "draft.markdown")
    assert draft.title == title
    for kind, number, section_title, body in expected:
        section = find(draft.sections, kind, number)
        assert (section.title, section.body) == (section_title, body)
    assert [s.kind for s in draft.sections] == ["preamble", "chapter", "chapter"]
    assert all(
        child.kind == "article" for chapter in draft.sections[1:] for child in chapter.children
    )


def test_articles_without_chapters_are_top_level():
    draft = parse_draft(b"Hyrje.\n\nNeni 1\nA.\nNeni 2\nB.\n", "a.txt")
    assert [(s.kind, s.number) for s in draft.sections] == [
        ("preamble", ""),
        ("article", "1"),
        ("article", "2"),
    ]
    assert draft.title == ""


# --------------------------------------------------------------------------------------------
# .docx


def make_docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _albanian_docx(document):
    document.add_heading("Ligji për çështjet e qeverisjes", level=0)  # style Title
    document.add_paragraph("Kuvendi i Republikës së Kosovës,")
    document.add_paragraph("")
    document.add_paragraph("Miraton:")
    document.add_heading("KAPITULLI I", level=1)
    document.add_paragraph("DISPOZITAT E PËRGJITHSHME")
    document.add_heading("Neni 1", level=2)
    document.add_heading("Qëllimi", level=3)
    document.add_paragraph("1. Ky ligj përcakton rregullat e përgjithshme.")
    document.add_paragraph("2. Ligji zbatohet për:")
    document.add_paragraph("2.1. ministritë;")
    document.add_paragraph("a) agjencitë.")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Neni 99 - në tabelë"
    document.add_heading("Neni 2 - Hyrja në fuqi", level=2)
    paragraph = document.add_paragraph("Ky ligj hyn në fuqi ")
    paragraph.add_run("pas publikimit.").bold = True


def test_docx_document():
    draft = parse_draft(make_docx(_albanian_docx), "Projektligji.DOCX")
    assert draft.title == "Ligji për çështjet e qeverisjes"
    assert outline(draft.sections) == [
        ("preamble", "", "", "Kuvendi i Republikës së Kosovës,\n\nMiraton:", []),
        (
            "chapter",
            "I",
            "DISPOZITAT E PËRGJITHSHME",
            "",
            [
                (
                    "article",
                    "1",
                    "Qëllimi",
                    "",
                    [
                        (
                            "paragraph",
                            "1",
                            "",
                            "Ky ligj përcakton rregullat e përgjithshme.",
                            [],
                        ),
                        (
                            "paragraph",
                            "2",
                            "",
                            "Ligji zbatohet për:",
                            [
                                ("point", "2.1", "", "ministritë;", []),
                                ("point", "2.a", "", "agjencitë.", []),
                            ],
                        ),
                    ],
                ),
                (
                    "article",
                    "2",
                    "Hyrja në fuqi",
                    "Ky ligj hyn në fuqi pas publikimit.",
                    [],
                ),
            ],
        ),
    ]
    # Locations are Word paragraph numbers (1-based, empty paragraphs included).
    assert find(draft.sections, "article", "1").line == 7


def test_docx_first_heading_1_is_the_title_without_title_style():
    def build(document):
        document.add_heading("Projektligji për ujërat", level=1)
        document.add_paragraph("Neni 1")
        document.add_paragraph("Ky ligj rregullon ujërat.")
        document.add_heading("Nën-titull i mëvonshëm", level=1)

    draft = parse_draft(make_docx(build), "ujerat.docx")
    assert draft.title == "Projektligji për ujërat"
    assert draft.sections[0].body == "Ky ligj rregullon ujërat.\nNën-titull i mëvonshëm"


def test_docx_errors_name_word_paragraphs():
    def build(document):
        document.add_paragraph("Neni 1")
        document.add_paragraph("Teksti.")
        document.add_paragraph("Neni 1")
        document.add_paragraph("Teksti tjetër.")

    assert errors_of(make_docx(build), "d.docx") == [
        "Article 1 appears twice: at Word paragraph 1 and at Word paragraph 3."
    ]


# --------------------------------------------------------------------------------------------
# Bad input


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "Neni 1\nTekst.\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"Neni 1\nTekst.\n", "ligji.docx", "The file is not a Word (.docx) document."),
        (
            random.Random(4).randbytes(2000),
            "ligji.docx",
            "The file is not a Word (.docx) document.",
        ),
        (b"PK\x03\x04" + b"\x00" * 300, "ligji.docx", "The file is not a Word (.docx) document."),
        (_zip_without_word(), "ligji.docx", "The file is not a Word (.docx) document."),
        (b"", "ligji.md", "The file is empty: it contains no text."),
        (b"", "ligji.docx", "The file is empty: it contains no text."),
        (b" \n\t\r\n  \n", "ligji.md", "The file is empty: it contains no text."),
        (
            b"Neni 1\nTekst.\n\xff\xfe broken",
            "ligji.md",
            "The file is not UTF-8 text (invalid byte at line 3). Save it with the UTF-8 "
            "encoding and upload it again.",
        ),
        (
            "Neni 1\nTekst.\n".encode("utf-16"),
            "ligji.txt",
            "The file is not UTF-8 text (invalid byte at line 1). Save it with the UTF-8 "
            "encoding and upload it again.",
        ),
        (
            _zip_without_word(),
            "ligji.md",
            "The file is not a text file: it contains binary data. Upload a .docx file or a "
            "UTF-8 text file (.md, .markdown, .txt).",
        ),
        (
            b"%PDF-1.4 ...",
            "ligji.pdf",
            'The file "ligji.pdf" has an unsupported format. Accepted formats: .docx, .md, '
            ".markdown, .txt.",
        ),
        (
            b"Neni 1",
            "ligji",
            'The file "ligji" has an unsupported format. Accepted formats: .docx, .md, '
            ".markdown, .txt.",
        ),
        (
            b"\xd0\xcf\x11\xe0",
            "ligji.doc",
            'The file "ligji.doc" is an old Word (.doc) document, which cannot be read. Save it '
            "as .docx and upload it again. Accepted formats: .docx, .md, .markdown, .txt.",
        ),
    ],
    ids=[
        "text-named-docx",
        "random-bytes-docx",
        "broken-zip-docx",
        "zip-not-docx",
        "empty-md",
        "empty-docx",
        "whitespace-md",
        "not-utf8",
        "utf16",
        "zip-named-md",
        "pdf",
        "no-extension",
        "old-doc",
    ],
)
def test_bad_files(data, filename, expected):
    assert errors_of(data, filename) == [expected]


def test_docx_without_text_is_empty():
    assert errors_of(make_docx(lambda document: None), "bosh.docx") == [
        "The file is empty: it contains no text."
    ]


@pytest.mark.parametrize(
    ("size", "limit", "message"),
    [
        (1024 * 1024 + 1, 1024 * 1024, "The file is 1 MB, larger than the limit of 1 MB."),
        (3 * 1024 * 1024, 2 * 1024 * 1024, "The file is 3 MB, larger than the limit of 2 MB."),
        (300_000, 200_000, "The file is 0.3 MB, larger than the limit of 0.2 MB."),
    ],
)
def test_over_max_bytes(size, limit, message):
    data = b"Neni 1\n" + b"x" * (size - 7)
    assert errors_of(data, "ligji.md", max_bytes=limit) == [message]


def test_within_max_bytes():
    data = b"Neni 1\nTekst.\n"
    assert parse_draft(data, "ligji.md", max_bytes=len(data)).sections[0].number == "1"


NO_ARTICLES = (
    "The document has no articles (lines starting with 'Neni N', 'Član N' or 'Article N')."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Titulli\n\nVetëm tekst.\n1. Një listë.\n", [NO_ARTICLES]),
        ("KAPITULLI I\nDISPOZITAT\n", [NO_ARTICLES]),
        (
            "Neni 1\nA.\n\nNeni 2\nB.\n\nNeni 1 - Përsëri\nC.\n",
            ["Article 1 appears twice: at line 1 and at line 7."],
        ),
        (
            "Neni 1\nA.\nNeni 1a\nB.\nNeni 1A\nC.\n",
            ["Article 1a appears twice: at line 3 and at line 5."],
        ),
        (
            "Neni 4\nQëllimi\n1. A.\n2. B.\n2. C.\n",
            ["Article 4 has paragraph 2 twice: at line 4 and at line 5."],
        ),
        (
            "Neni 4\n1. A.\n1.1 a.\n1.1 b.\n",
            ["Article 4 has point 1.1 twice: at line 3 and at line 4."],
        ),
        (
            "Neni 1\n\nNeni 2\nTekst.\n",
            ["Article 1 at line 1 has no text: no title, no body and no paragraphs."],
        ),
        (
            "KAPITULLI I\nDISPOZITAT\n1. Jashtë nenit.\nNeni 1\nA.\n",
            [
                "Numbered paragraph 1 at line 3 is in chapter I but not inside an article: add "
                "an article heading (e.g. 'Neni N') before it."
            ],
        ),
        (
            # every problem is reported at once
            "Neni 1\n1. A.\n1. B.\nNeni 2\nNeni 1\nC.\n",
            [
                "Article 1 has paragraph 1 twice: at line 2 and at line 3.",
                "Article 1 appears twice: at line 1 and at line 5.",
                "Article 2 at line 4 has no text: no title, no body and no paragraphs.",
            ],
        ),
    ],
    ids=[
        "no-articles",
        "chapter-only",
        "duplicate-article",
        "duplicate-article-letter-case",
        "duplicate-paragraph",
        "duplicate-point",
        "empty-article",
        "paragraph-outside-article",
        "all-errors",
    ],
)
def test_structure_errors(text, expected):
    assert errors_of(text.encode(), "ligji.md") == expected


def test_errors_are_translatable():
    with translation.override("sq"):
        errors = errors_of(b"Vetem tekst.\n", "ligji.md")
    assert len(errors) == 1 and isinstance(errors[0], str)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("I", 1), ("iv", 4), ("IX", 9), ("XIV", 14), ("MCMXC", 1990), ("A", None), ("", None)],
)
def test_roman_to_int(value, expected):
    assert roman_to_int(value) == expected


def test_docx_line_breaks():
    def build(document):
        document.add_heading("LIGJI\nPËR KONSULTIMET", level=0)
        document.add_heading("Neni 1\nQëllimi", level=2)
        document.add_paragraph("1. Paragrafi i parë;\n2. Paragrafi i dytë.")

    draft = parse_draft(make_docx(build), "ligji.docx")
    assert draft.title == "LIGJI PËR KONSULTIMET"
    assert outline(draft.sections) == [
        (
            "article",
            "1",
            "Qëllimi",
            "",
            [
                ("paragraph", "1", "", "Paragrafi i parë;", []),
                ("paragraph", "2", "", "Paragrafi i dytë.", []),
            ],
        )
    ]
    assert [p.line for p in draft.sections[0].children] == [3, 3]
