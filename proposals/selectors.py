"""Reads for draft documents. Each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from .models import (
    Proposal,
    ProposalVersion,
    Section,
    SectionText,
    SectionTextTranslation,
    Vote,
)
from .parsing import FlatSection

CHOICES = ("for", "against", "abstain")


@dataclass
class Tally:
    votes_for: int = 0
    against: int = 0
    abstain: int = 0

    @property
    def total(self) -> int:
        return self.votes_for + self.against + self.abstain

    def share(self, value: int) -> int:
        return round(100 * value / self.total) if self.total else 0

    @property
    def for_pct(self) -> int:
        return self.share(self.votes_for)

    @property
    def against_pct(self) -> int:
        return self.share(self.against)

    @property
    def abstain_pct(self) -> int:
        return self.share(self.abstain)

    def as_dict(self) -> dict[str, int]:
        return {
            "for": self.votes_for,
            "against": self.against,
            "abstain": self.abstain,
            "total": self.total,
        }


@dataclass
class SectionNode:
    section: Section
    children: list[SectionNode] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    my_vote: str | None = None


def proposal_list(consultation) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(consultation=consultation)
        .select_related("current_version")
        .order_by("position", "pk")
    )


def proposal_get(consultation, slug: str) -> Proposal:
    return (
        Proposal.objects.select_related("consultation__institution", "current_version")
        .filter(consultation=consultation)
        .get(slug=slug)
    )


def _tally_counts() -> dict:
    """The three counts of a tally, as aggregates over votes."""
    return {
        "n_for": Count("pk", filter=Q(choice="for")),
        "n_against": Count("pk", filter=Q(choice="against")),
        "n_abstain": Count("pk", filter=Q(choice="abstain")),
    }


def _tally(row: dict) -> Tally:
    return Tally(row["n_for"], row["n_against"], row["n_abstain"])


def whole_draft_tally(proposal: Proposal) -> Tally:
    """The votes on the draft as a whole (not on its articles), counted in the database."""
    votes = Vote.objects.filter(proposal=proposal, section__isnull=True)
    return _tally(votes.aggregate(**_tally_counts()))


def vote_tallies(proposal: Proposal, *, section_ids=None) -> dict[int | None, Tally]:
    """Tallies for the whole draft (key ``None``) and for each section, counted in the database
    with one grouped query. ``section_ids`` limits the count to those sections (an article page
    counts the votes on its article, not the whole draft's: the index on (proposal, section,
    choice) then reads only those)."""
    votes = Vote.objects.filter(proposal=proposal)
    if section_ids is not None:
        votes = votes.filter(section_id__in=list(section_ids))
    rows = votes.values("section_id").annotate(**_tally_counts()).order_by()
    return {row["section_id"]: _tally(row) for row in rows}


def user_votes(user, proposal: Proposal) -> dict[int | None, str]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(
        Vote.objects.filter(proposal=proposal, user=user).values_list("section_id", "choice")
    )


def version_languages(version: ProposalVersion | None) -> list[str]:
    """The languages a version can be read in, its original first (no query)."""
    return version.languages if version is not None else []


def text_language(version: ProposalVersion | None, wanted: str | None) -> str | None:
    """``wanted`` when the version exists in it, else the version's original language (no
    query); ``None`` for a draft without text."""
    if version is None:
        return None
    return wanted if wanted in version.languages else version.language


def _translating(version: ProposalVersion | None, language: str | None) -> bool:
    return (
        version is not None
        and bool(language)
        and language != version.language
        and language in (version.title_translations or {})
    )


def with_translation(
    sections: QuerySet[Section], version: ProposalVersion | None, language: str | None
) -> QuerySet[Section]:
    """``sections`` with the text of ``version`` in ``language`` joined in (the same query);
    ``attach_display`` then sets ``display_title`` and ``display_body``."""
    if not _translating(version, language):
        return sections
    assert version is not None
    return sections.annotate(
        translated=FilteredRelation(
            "translations",
            condition=Q(translations__version_id=version.pk, translations__language=language),
        ),
        translated_title=F("translated__title"),
        translated_body=F("translated__body"),
    )


def attach_display(sections) -> None:
    """Set ``display_title`` / ``display_body`` on each section: the translation joined in by
    ``with_translation`` when there is one, else the original text."""
    for s in sections:
        s.display_title = getattr(s, "translated_title", None) or s.title
        s.display_body = getattr(s, "translated_body", None) or s.body


def section_tree(
    proposal: Proposal, *, user=None, language: str | None = None
) -> tuple[list[SectionNode], Tally, str | None]:
    """The current text as a tree with vote tallies and the person's own votes; with
    ``language``, each section's ``display_title`` / ``display_body`` in that language when the
    current version is translated into it (else the original).

    Three queries whatever the size of the draft and the language: sections (with their
    translation joined in), tallies, the person's votes.
    """
    sections = list(
        with_translation(
            Section.objects.filter(proposal=proposal, is_current=True),
            proposal.current_version if language else None,
            language,
        ).order_by("position")
    )
    attach_display(sections)
    tallies = vote_tallies(proposal)
    mine = user_votes(user, proposal) if user is not None else {}
    nodes = {
        s.pk: SectionNode(s, tally=tallies.get(s.pk, Tally()), my_vote=mine.get(s.pk))
        for s in sections
    }
    roots: list[SectionNode] = []
    for s in sections:
        node = nodes[s.pk]
        if s.parent_id and s.parent_id in nodes:
            nodes[s.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots, tallies.get(None, Tally()), mine.get(None)


def article_outline(proposal: Proposal, *, language: str | None = None) -> list[Section]:
    """Chapters and articles of the current text, for a table of contents (one query), with
    their ``display_title`` in ``language`` when the current version is translated into it."""
    qs = Section.objects.filter(
        proposal=proposal, is_current=True, kind__in=["preamble", "chapter", "article"]
    ).only("pk", "key", "kind", "number", "title", "depth", "position", "parent_id")
    if _translating(proposal.current_version if language else None, language):
        qs = qs.annotate(
            translated=FilteredRelation(
                "translations",
                condition=Q(
                    translations__version_id=proposal.current_version_id,
                    translations__language=language,
                ),
            ),
            translated_title=F("translated__title"),
        )
    sections = list(qs.order_by("position"))
    for s in sections:
        s.display_title = getattr(s, "translated_title", None) or s.title
    return sections


def section_get(proposal: Proposal, key: str) -> Section:
    return Section.objects.select_related("proposal").get(proposal=proposal, key=key)


def section_subtree(
    section: Section, *, version: ProposalVersion | None = None, language: str | None = None
) -> list[Section]:
    """A section and everything under it in the current text, in order (one query); with the
    current ``version`` and a ``language``, their ``display_*`` text in that language."""
    sections = list(
        with_translation(
            Section.objects.filter(proposal_id=section.proposal_id, is_current=True),
            version,
            language,
        ).order_by("position")
    )
    attach_display(sections)
    wanted = {section.pk}
    result = []
    for s in sections:
        if s.pk == section.pk or s.parent_id in wanted:
            wanted.add(s.pk)
            result.append(s)
    return result


def version_list(proposal: Proposal) -> QuerySet[ProposalVersion]:
    return (
        ProposalVersion.objects.filter(proposal=proposal)
        .select_related("created_by")
        .annotate(n_sections=Count("texts"))
        .order_by("-number")
    )


def version_flat_sections(
    version: ProposalVersion, *, language: str | None = None
) -> list[FlatSection]:
    """A version's text in document order; with ``language``, the titles and bodies of its
    translation into that language (one more query), or the original when it has none."""
    rows = (
        SectionText.objects.filter(version=version).select_related("section").order_by("position")
    )
    if _translating(version, language):
        translated = {
            section_id: (title, body)
            for section_id, title, body in SectionTextTranslation.objects.filter(
                version=version, language=language
            ).values_list("section_id", "title", "body")
        }
        flat = []
        for r in rows:
            title, body = translated.get(r.section_id, (r.title, r.body))
            flat.append(
                FlatSection(
                    key=r.section.key,
                    kind=r.kind,
                    number=r.number,
                    title=title or r.title,
                    body=body or r.body,
                    parent_key=r.parent_key,
                    depth=r.depth,
                    position=r.position,
                )
            )
        return flat
    return [
        FlatSection(
            key=r.section.key,
            kind=r.kind,
            number=r.number,
            title=r.title,
            body=r.body,
            parent_key=r.parent_key,
            depth=r.depth,
            position=r.position,
        )
        for r in rows
    ]


def current_flat_sections(proposal: Proposal) -> list[FlatSection]:
    if proposal.current_version_id is None:
        return []
    return version_flat_sections(proposal.current_version)


def votes_by_section_key(proposal: Proposal) -> dict[str, dict[str, int]]:
    """Tallies keyed by section key (for the API and exports)."""
    keys = dict(Section.objects.filter(proposal=proposal).values_list("pk", "key"))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for section_id, tally in vote_tallies(proposal).items():
        out[keys.get(section_id, "") if section_id else ""] = tally.as_dict()
    return dict(out)
