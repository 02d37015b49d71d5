"""Read a draft act from a Word (.docx) or Markdown/plain-text file into a ``ParsedDraft`` tree.

``parse_draft(data, filename, max_bytes=None)`` is pure Python (no database). It either returns a
``ParsedDraft`` or raises ``DraftImportError`` carrying *every* problem it found, each a sentence
in the active language that says what is wrong and where ("line 12" for text files, "Word
paragraph 12" for .docx files: the 1-based index among all the document's paragraphs, empty ones
included).

Formats are recognised by content as well as by name:

* ``.docx`` must be a zip archive that python-docx opens as a Word document;
* ``.md``, ``.markdown`` and ``.txt`` must be UTF-8 text (a byte-order mark is accepted);
* anything else is refused with the list of accepted formats.

What is recognised (case-insensitively, in Albanian, Serbian Latin and Cyrillic, and English):

* chapters: ``KAPITULLI I``, ``Kapitulli 2``, ``POGLAVLJE I``, ``ПОГЛАВЉЕ I``, ``GLAVA II``,
  ``CHAPTER III``; the title follows on the same line after ``-``, ``–``, ``:`` or ``.``, or
  is the next non-empty line when that line is not itself structural;
* articles: ``Neni 5``, ``Neni 5.``, ``Član 5``, ``Clan 5``, ``Članak 5``, ``Члан 5``,
  ``Article 5a``; the title follows on the same line after a separator, or is the next non-empty
  line when it is short (< 200 characters), does not start with a digit, is not structural and
  does not read like a sentence (it does not end in ``.``, ``,``, ``;`` or ``:``, unless it is a
  heading or bold);
* inside an article: numbered paragraphs ``1.``, ``1)``, ``(1)``; points ``1.1.``, ``1.1``,
  ``1.2)`` (children of paragraph 1 when it is the article's latest paragraph, otherwise of the
  article); lettered points ``a)``, ``(b)``, ``а)`` numbered ``<paragraph>.<letter>``;
* free text: before the first chapter or article it is the preamble; inside an article before its
  first paragraph it is the article's body; after a paragraph or point it continues that
  paragraph's or point's body. Consecutive lines are joined with a newline; a blank line between
  them becomes an empty line (paragraphs of free text are separated by a blank line).
* the draft's title: the first Markdown ``# Heading`` (level 1), or the first .docx paragraph in
  the ``Title`` style or ``Heading 1`` style, met before any chapter or article.

Markdown is read line by line: heading markers (``#``), ``**bold**``/``__bold__`` markers,
list markers (``-``, ``*``, ``+``), block quotes (``>``) and backslash escapes are removed before
matching, and horizontal rules are ignored. Otherwise the text is kept as written (whitespace
collapsed, Unicode normalised to NFC so ë, ç and Cyrillic letters are kept as single letters).

Known limitations:

* .docx: Word's *automatic* list numbering (numbered paragraphs made with the "Numbering" button)
  is not part of the paragraph text, so such paragraphs are read as free text. The numbers must
  be typed. Tables, text boxes, headers, footers, footnotes and comments are ignored.
* A line starting with a decimal number followed by a space (``1.5 million ...``) inside an
  article is read as point 1.5.
* Only two levels under an article are distinguished: paragraph and point. Deeper numbers
  (``1.1.1``) are points of paragraph 1 too, and lettered items after point ``2.1`` are points
  ``2.a``, ``2.b`` of paragraph 2 (siblings of ``2.1``).
* An article title written *above* the article heading (a style seen in some Serbian texts:
  ``Predmet zakona`` / ``Član 1``) is read as the last line of the text before it.
* Inside an article, an unnumbered line that looks like a title (short, not ending like a
  sentence) right after the heading becomes the title; a short one-line body without final
  punctuation is therefore read as a title.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .parsing import DraftImportError, ParsedDraft, ParsedSection

TEXT_EXTENSIONS = (".md", ".markdown", ".txt")
DOCX_EXTENSIONS = (".docx",)
ACCEPTED_FORMATS = ".docx, .md, .markdown, .txt"

TITLE_MAX_CHARS = 200
# A .docx is a zip: refuse archives that would unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_SEPARATORS = "-–—:."

_CHAPTER_RE = re.compile(
    r"^(?P<kw>kapitulli|poglavlje|поглавље|glava|глава|chapter)\s+"
    r"(?P<num>[ivxlcdm]+|\d{1,3})(?P<rest>.*)$",
    re.IGNORECASE,
)
_ARTICLE_RE = re.compile(
    r"^(?P<kw>neni|članak|clanak|član|clan|члан|article)\s*"
    r"(?P<num>\d{1,4}(?:[^\W\d_])?)(?P<rest>.*)$",
    re.IGNORECASE,
)
# "1.1", "1.1.", "1.2)", "1.1.1" followed by a space, the end of the line or a letter.
_POINT_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})+)\.?\)?(?=\s|$|[^\W\d_])\s*(?P<rest>.*)$")
# "1.", "1)" followed by a space, the end or a letter; "(1)".
_PARAGRAPH_RE = re.compile(
    r"^(?:(?P<num>\d{1,3})[.)]|\((?P<pnum>\d{1,3})\))(?=\s|$|[^\W\d_])\s*(?P<rest>.*)$"
)
# "a)", "(a)", "а)" (Cyrillic): one letter.
_LETTER_RE = re.compile(r"^\(?(?P<letter>[^\W\d_])\)(?:\s+|$)(?P<rest>.*)$")

_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})(?:\s+|$)(?P<text>.*?)(?:\s+#+)?$")
_LIST_MARKER_RE = re.compile(r"^(?:[-*+]\s+)+")
_QUOTE_RE = re.compile(r"^(?:>\s?)+")
_RULE_RE = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile(r"\s+")

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


class _Location:
    """Describes where a line is, for error messages."""

    def __init__(self, kind: str):
        self.kind = kind  # "line" or "docx"

    def __call__(self, number: int) -> str:
        if self.kind == "docx":
            return _("Word paragraph %(number)s") % {"number": number}
        return _("line %(number)s") % {"number": number}


@dataclass
class _Line:
    number: int  # 1-based line (text) or paragraph (docx)
    text: str  # tidied text, as it will be stored
    match: str  # text used for recognising structure (markup removed)
    heading: int = 0  # Markdown heading level or Word "Heading N"; 0 when not a heading
    title_style: bool = False  # Word "Title" style
    emphasised: bool = False  # a heading or a wholly bold line
    lead_bold: bool = False  # the line starts in bold ("**Neni 5** Qëllimi")


# --------------------------------------------------------------------------------------------
# Entry point


def parse_draft(data: bytes, filename: str, *, max_bytes: int | None = None) -> ParsedDraft:
    """Parse the uploaded file ``data`` named ``filename``; raise ``DraftImportError``."""
    name = (filename or "").strip()
    ext = _extension(name)

    if ext not in TEXT_EXTENSIONS + DOCX_EXTENSIONS:
        if ext == ".doc":
            message = _(
                'The file "%(name)s" is an old Word (.doc) document, which cannot be read. '
                "Save it as .docx and upload it again. Accepted formats: %(formats)s."
            )
        else:
            message = _(
                'The file "%(name)s" has an unsupported format. Accepted formats: %(formats)s.'
            )
        raise DraftImportError([message % {"name": name, "formats": ACCEPTED_FORMATS}])

    if max_bytes is not None and len(data) > max_bytes:
        raise DraftImportError(
            [
                _("The file is %(size)s MB, larger than the limit of %(limit)s MB.")
                % {"size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}
            ]
        )

    if not data or not data.strip():
        raise DraftImportError([_("The file is empty: it contains no text.")])

    if ext in DOCX_EXTENSIONS:
        lines = _docx_lines(data)
        where = _Location("docx")
    else:
        lines = _text_lines(data)
        where = _Location("line")

    if not any(line.text for line in lines):
        raise DraftImportError([_("The file is empty: it contains no text.")])

    return _Parser(lines, where).parse()


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base:
        return ""
    return "." + base.rsplit(".", 1)[-1].lower()


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# --------------------------------------------------------------------------------------------
# Reading the formats into lines


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()


def _unbold(text: str) -> tuple[str, bool]:
    """Remove ``**``/``__`` markers; say whether the whole line was bold."""
    wholly = bool(re.fullmatch(r"(\*\*|__).+\1", text))
    stripped = text.replace("**", "").replace("__", "")
    return _tidy(stripped), wholly


def _not_utf8(line: int) -> DraftImportError:
    return DraftImportError(
        [
            _(
                "The file is not UTF-8 text (invalid byte at line %(line)s). Save it with the "
                "UTF-8 encoding and upload it again."
            )
            % {"line": line}
        ]
    )


def _text_lines(data: bytes) -> list[_Line]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 ("Unicode" in Notepad)
        raise _not_utf8(1)
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise DraftImportError(
            [
                _(
                    "The file is not a text file: it contains binary data. Upload a .docx file "
                    "or a UTF-8 text file (.md, .markdown, .txt)."
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data[: exc.start].count(b"\n") + 1) from None

    lines: list[_Line] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        text_line = _tidy(raw)
        if not text_line or _RULE_RE.match(text_line):
            lines.append(_Line(number, "", ""))
            continue
        heading = 0
        m = _HEADING_RE.match(text_line)
        if m:
            heading = len(m.group("hashes"))
            text_line = _tidy(m.group("text"))
            if not text_line:
                lines.append(_Line(number, "", ""))
                continue
        unquoted = _tidy(_QUOTE_RE.sub("", text_line))
        stored = _unbold(_ESCAPE_RE.sub(r"\1", unquoted))[0]
        # Structure is matched without the list marker and the bold markers ("- **Neni 5**").
        item = _ESCAPE_RE.sub(r"\1", _LIST_MARKER_RE.sub("", unquoted))
        match, bold = _unbold(item)
        match = _tidy(match.strip("*_"))
        lead_bold = item.startswith(("**", "__"))
        lines.append(
            _Line(
                number,
                stored,
                match,
                heading=heading,
                emphasised=bool(heading) or bold,
                lead_bold=lead_bold,
            )
        )
    return lines


def _docx_lines(data: bytes) -> list[_Line]:
    not_docx = _("The file is not a Word (.docx) document.")
    if not data.startswith(b"PK\x03\x04"):
        raise DraftImportError([not_docx])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DraftImportError([not_docx]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise DraftImportError(
            [
                _("The Word document is too large once unpacked (more than %(limit)s MB).")
                % {"limit": _megabytes(MAX_UNPACKED_BYTES)}
            ]
        )
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
        paragraphs = list(document.paragraphs)
    except Exception:  # any failure to open it means it is not a usable .docx
        raise DraftImportError([not_docx]) from None

    lines: list[_Line] = []
    for number, paragraph in enumerate(paragraphs, start=1):
        style_name, style_id = _style_names(paragraph)
        heading = 0
        title_style = style_name == "title" or style_id == "title"
        m = re.fullmatch(r"heading ?(\d)", style_name) or re.fullmatch(r"heading(\d)", style_id)
        if m:
            heading = int(m.group(1))
        runs = [run for run in paragraph.runs if run.text.strip()]
        bold = bool(runs) and all(run.bold for run in runs)
        # A manual line break inside a Word paragraph gives two lines with the same number,
        # except in a title or heading, which stays one line.
        text = paragraph.text
        for raw in [text] if heading or title_style else text.split("\n"):
            text_line = _tidy(raw)
            lines.append(
                _Line(
                    number,
                    text_line,
                    _tidy(text_line.strip("*_")) if text_line else "",
                    heading=heading,
                    title_style=title_style,
                    emphasised=bool(heading) or title_style or bold,
                )
            )
    return lines


def _style_names(paragraph) -> tuple[str, str]:
    try:
        style = paragraph.style
    except Exception:  # a broken style reference is not fatal
        return "", ""
    if style is None:
        return "", ""
    return (style.name or "").strip().lower(), (style.style_id or "").strip().lower()


# --------------------------------------------------------------------------------------------
# Recognising structure


def roman_to_int(value: str) -> int | None:
    """``"XIV"`` -> 14; ``None`` when ``value`` is not a roman numeral."""
    value = value.strip().lower()
    if not value or any(ch not in _ROMAN for ch in value):
        return None
    total = 0
    for i, ch in enumerate(value):
        current = _ROMAN[ch]
        following = _ROMAN[value[i + 1]] if i + 1 < len(value) else 0
        total += -current if current < following else current
    return total if total > 0 else None


def _heading_rest(rest: str, line: _Line) -> str | None:
    """What follows a chapter/article number: the same-line title ("" when none), or ``None``
    when the line is not a heading after all ("Neni 5 i këtij ligji ...")."""
    if not rest.strip():
        return ""
    if rest[0] in _SEPARATORS:
        sep, after = rest[0], rest[1:]
        if sep == "." and after and not after[0].isspace():
            return None  # "Neni 5.1" is a reference, not a heading
        return _tidy(after.strip(_SEPARATORS + " "))
    if not rest[0].isspace():
        return None
    after = rest.strip()
    if after[0] in _SEPARATORS and (len(after) == 1 or after[1].isspace() or after[0] != "."):
        return _tidy(after[1:].strip(_SEPARATORS + " "))
    # "KAPITULLI I DISPOZITAT E PËRGJITHSHME": a title without a separator only on a heading,
    # a bold line or in capitals.
    if (
        line.emphasised
        or line.lead_bold
        or (after.upper() == after and any(ch.isalpha() for ch in after))
    ):
        return _tidy(after)
    return None


@dataclass
class _Structure:
    kind: str  # chapter, article, paragraph, point, letter
    number: str
    title: str = ""
    rest: str = ""


def _recognise(line: _Line) -> _Structure | None:
    text = line.match
    if not text:
        return None
    m = _CHAPTER_RE.match(text)
    if m:
        title = _heading_rest(m.group("rest"), line)
        if title is not None:
            number = m.group("num")
            number = number.upper() if roman_to_int(number) else number
            return _Structure("chapter", number, title=title)
    m = _ARTICLE_RE.match(text)
    if m:
        title = _heading_rest(m.group("rest"), line)
        if title is not None:
            return _Structure("article", m.group("num").lower(), title=title)
    m = _POINT_RE.match(text)
    if m:
        return _Structure("point", m.group("num"), rest=m.group("rest"))
    m = _PARAGRAPH_RE.match(text)
    if m:
        return _Structure("paragraph", m.group("num") or m.group("pnum"), rest=m.group("rest"))
    m = _LETTER_RE.match(text)
    if m:
        return _Structure("letter", m.group("letter").lower(), rest=m.group("rest"))
    return None


# --------------------------------------------------------------------------------------------
# Building the tree


class _Body:
    """Accumulates free text for one section: lines joined by a newline, a blank line between
    blocks of text kept as one empty line."""

    def __init__(self, section: ParsedSection):
        self.section = section
        self.blank_pending = False

    def add(self, text: str) -> None:
        if not text:
            return
        if not self.section.body:
            self.section.body = text
        else:
            self.section.body += ("\n\n" if self.blank_pending else "\n") + text
        self.blank_pending = False

    def blank(self) -> None:
        if self.section.body:
            self.blank_pending = True


class _Parser:
    def __init__(self, lines: list[_Line], where: _Location):
        self.lines = lines
        self.where = where
        self.errors: list[str] = []
        self.draft = ParsedDraft()
        self.preamble: ParsedSection | None = None
        self.chapter: ParsedSection | None = None
        self.article: ParsedSection | None = None
        self.target: _Body | None = None  # where free text goes
        self.awaiting_title: ParsedSection | None = None
        self.structure_seen = False
        self.articles: dict[str, ParsedSection] = {}
        self.numbers_in_article: dict[str, int] = {}  # "p:1" / "t:1.1" -> line

    # -- helpers ------------------------------------------------------------------------------

    def _top(self) -> list[ParsedSection]:
        return self.draft.sections

    def _article_label(self) -> str:
        assert self.article is not None
        return self.article.number

    def _take_title(self, line: _Line) -> bool:
        if self.draft.title or self.structure_seen or not line.text:
            return False
        if line.title_style or line.heading == 1:
            self.draft.title = _tidy(line.match)
            return True
        return False

    # -- main loop ----------------------------------------------------------------------------

    def parse(self) -> ParsedDraft:
        for line in self.lines:
            if not line.text:
                if self.target is not None:
                    self.target.blank()
                continue
            structure = _recognise(line)
            heading = structure is not None and structure.kind in ("chapter", "article")
            if structure is None or (not heading and self.article is None):
                # Numbered lines outside an article are text (preamble) or an error (chapter).
                self._free_text(line, structure)
            elif structure.kind == "chapter":
                self._chapter(line, structure)
            elif structure.kind == "article":
                self._article(line, structure)
            elif structure.kind == "paragraph":
                self._paragraph(line, structure)
            else:
                self._point(line, structure)

        self._check_articles()
        if self.errors:
            raise DraftImportError(self.errors)
        return self.draft

    def _free_text(self, line: _Line, structure: _Structure | None) -> None:
        if self._take_title(line):
            return
        if self.awaiting_title is not None:
            section = self.awaiting_title
            self.awaiting_title = None
            if structure is None and self._looks_like_title(section, line):
                section.title = _tidy(line.match)
                return
        if not self.structure_seen:
            if self.preamble is None:
                self.preamble = ParsedSection(kind="preamble", number="", line=line.number)
                self._top().insert(0, self.preamble)
                self.target = _Body(self.preamble)
            assert self.target is not None
            self.target.add(line.text)
            return
        if (
            self.article is None
            and structure is not None
            and structure.kind
            in (
                "paragraph",
                "point",
            )
        ):
            assert self.chapter is not None
            self.errors.append(
                _(
                    "Numbered paragraph %(number)s at %(where)s is in chapter %(chapter)s but not "
                    "inside an article: add an article heading (e.g. 'Neni N') before it."
                )
                % {
                    "number": structure.number,
                    "where": self.where(line.number),
                    "chapter": self.chapter.number,
                }
            )
            return
        assert self.target is not None
        self.target.add(line.text)

    def _looks_like_title(self, section: ParsedSection, line: _Line) -> bool:
        text = _tidy(line.match)
        if not text or len(text) >= TITLE_MAX_CHARS:
            return False
        if section.kind == "chapter":
            return True
        if text[0].isdigit():
            return False
        if line.emphasised:
            return True
        return text[-1] not in ".,;:"

    def _chapter(self, line: _Line, structure: _Structure) -> None:
        self.structure_seen = True
        self.awaiting_title = None
        chapter = ParsedSection(
            kind="chapter", number=structure.number, title=structure.title, line=line.number
        )
        self._top().append(chapter)
        self.chapter = chapter
        self.article = None
        self.target = _Body(chapter)
        if not structure.title:
            self.awaiting_title = chapter

    def _article(self, line: _Line, structure: _Structure) -> None:
        self.structure_seen = True
        self.awaiting_title = None
        article = ParsedSection(
            kind="article", number=structure.number, title=structure.title, line=line.number
        )
        (self.chapter.children if self.chapter is not None else self._top()).append(article)
        self.article = article
        self.numbers_in_article = {}
        self.target = _Body(article)
        if not structure.title:
            self.awaiting_title = article

        previous = self.articles.get(structure.number.lower())
        if previous is not None:
            self.errors.append(
                _("Article %(number)s appears twice: at %(first)s and at %(second)s.")
                % {
                    "number": structure.number,
                    "first": self.where(previous.line),
                    "second": self.where(line.number),
                }
            )
        else:
            self.articles[structure.number.lower()] = article

    def _paragraph(self, line: _Line, structure: _Structure) -> None:
        assert self.article is not None
        self.awaiting_title = None
        paragraph = ParsedSection(
            kind="paragraph", number=structure.number, body=_tidy(structure.rest), line=line.number
        )
        self.article.children.append(paragraph)
        self.target = _Body(paragraph)
        self._check_duplicate("paragraph", structure.number, line)

    def _point(self, line: _Line, structure: _Structure) -> None:
        assert self.article is not None
        self.awaiting_title = None
        last = self.article.children[-1] if self.article.children else None
        last_paragraph = last if last is not None and last.kind == "paragraph" else None
        if structure.kind == "letter":
            parent = last_paragraph or self.article
            number = (
                f"{last_paragraph.number}.{structure.number}"
                if last_paragraph is not None
                else structure.number
            )
        else:
            number = structure.number
            head = number.split(".", 1)[0]
            parent = (
                last_paragraph
                if last_paragraph is not None and last_paragraph.number == head
                else self.article
            )
        point = ParsedSection(
            kind="point", number=number, body=_tidy(structure.rest), line=line.number
        )
        parent.children.append(point)
        self.target = _Body(point)
        self._check_duplicate("point", number, line)

    def _check_duplicate(self, kind: str, number: str, line: _Line) -> None:
        tag = f"{kind}:{number.lower()}"
        first = self.numbers_in_article.get(tag)
        if first is None:
            self.numbers_in_article[tag] = line.number
            return
        values = {
            "article": self._article_label(),
            "number": number,
            "first": self.where(first),
            "second": self.where(line.number),
        }
        if kind == "paragraph":
            message = _(
                "Article %(article)s has paragraph %(number)s twice: at %(first)s and at "
                "%(second)s."
            )
        else:
            message = _(
                "Article %(article)s has point %(number)s twice: at %(first)s and at %(second)s."
            )
        self.errors.append(message % values)

    def _check_articles(self) -> None:
        articles = [
            section
            for top in self._top()
            for section in ([top] if top.kind == "article" else top.children)
            if section.kind == "article"
        ]
        if not articles:
            self.errors.insert(
                0,
                _(
                    "The document has no articles (lines starting with 'Neni N', 'Član N' or "
                    "'Article N')."
                ),
            )
            return
        for article in articles:
            if not (article.title or article.body or article.children):
                self.errors.append(
                    _(
                        "Article %(number)s at %(where)s has no text: no title, no body and no "
                        "paragraphs."
                    )
                    % {"number": article.number, "where": self.where(article.line)}
                )
