"""The shapes a draft text takes between import, key assignment and storage.

``importer.parse_draft`` turns a file into a ``ParsedDraft`` (a tree); ``matching.assign_keys``
flattens it into ``FlatSection`` rows in document order, each with its stable key; services store
those as ``Section`` and ``SectionText`` rows. ``diff`` compares two lists of ``FlatSection``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedSection:
    kind: str  # a proposals.models.SectionKind value
    # "5" (article), "2" (paragraph), "2.1" (point), "I" or "1" (chapter), "" (preamble)
    number: str
    title: str = ""
    body: str = ""  # plain text; paragraphs of free text separated by a blank line
    children: list[ParsedSection] = field(default_factory=list)
    line: int = 0  # where it starts in the source (line of Markdown, paragraph of .docx), 1-based


@dataclass
class ParsedDraft:
    title: str = ""
    sections: list[ParsedSection] = field(default_factory=list)


@dataclass
class FlatSection:
    key: str
    kind: str
    number: str
    title: str
    body: str
    parent_key: str
    depth: int
    position: int


class DraftImportError(Exception):
    """A draft could not be imported. ``errors`` are messages for a person, in their language,
    each naming what was wrong and where."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = [str(e) for e in errors]
