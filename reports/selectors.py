"""Reads that assemble the consultation report: the data contract for the HTML page, the
published snapshots and every exporter (PDF, DOCX, XLSX, CSV, JSON).

Kosovo's minimum standards for public consultation ask for a final report that lists the draft
consulted, the period, the methods used, who took part, every submission with the institution's
answer and its reason, and what changed in the draft. This module builds that as a tree of plain
dataclasses (no querysets, no model instances): strings, numbers, booleans, ``datetime`` /
``date`` values, lists and nested dataclasses.

Entry points
------------

``build_report(consultation, *, include_private=False) -> Report``
    Everything, in the *active language* (call it inside ``translation.override(lang)``): every
    label (kind, stance, outcome, participant type, "Article 5: ...") is already translated.
    A fixed number of queries whatever the number of submissions, votes or sections (ten:
    consultation, sections, drafts, versions, texts of the compared versions, comments, papers,
    their points, votes, meetings; plus the public hearings, and their items when there are
    hearings; pinned by ``tests/reports/test_selectors.py``).

    ``include_private=False`` (the public report, the published snapshots): authors appear as
    they consented (``comments.selectors.public_author``); no email, no location per submission.
    ``include_private=True`` (officials' internal exports only): the real name and organisation,
    the email, the municipality / country of each submission.

``iter_submission_rows(consultation, *, include_private=False) -> Iterator[dict[str, str]]``
    One flat dict per submission (comments, replies included, and position papers), oldest
    first, every value a plain ``str``; keys are ``SUBMISSION_ROW_FIELDS`` (always all of them,
    in that order; ``submission_row_headers()`` gives their translated column titles). Streams
    with ``.iterator(chunk_size=2000)``: constant memory for CSV/XLSX with 50,000 rows.

``report_to_dict(report) -> dict`` / ``report_from_dict(data) -> Report``
    JSON-safe round trip (datetimes as ISO 8601 strings), used for ``ReportVersion.snapshot``.

``published_versions(consultation, *, language)`` / ``published_version(consultation, *,
number=None, language)``
    The frozen reports (``reports.models.ReportVersion``), one row per (number, language).

Rendering (``reports/rendering.py``)
------------------------------------

``render_report_body(report, *, version=None, draft=False) -> str`` renders
``templates/reports/_report_body.html`` (plain semantic HTML, inline SVG charts from
``reports.charts``, headings with ids, a table of contents) in the active language;
``render_report_document(...)`` wraps it in a complete HTML document for WeasyPrint that links
``static/css/report-print.css`` (A4, page numbers, TOC page numbers with ``target-counter``);
``report_charts(report) -> dict[str, str]`` gives the SVG strings alone (for DOCX).

Rules the report follows
------------------------

* Every submission is listed, hidden and withdrawn ones too: a hidden one without its text but
  with ``status_note`` "Hidden by moderation — <reason category>"; a withdrawn one as withdrawn,
  without text. Answers appear even when they are withheld until the report is published (the
  report *is* that publication).
* Statistics count the submissions that were not withdrawn. "Answered" = answered / (comments +
  position papers not withdrawn); "accepted" = (accepted + partially accepted) / answered.
* Participants are people: a person counts once in the total, once in each participant type they
  declared, once in each municipality / country they gave. A position paper counts its submitter
  as a civil society organisation participant.
* Per-article figures roll paragraphs and points up into their article (a comment on "Article 5,
  paragraph 2" counts for Article 5); a position paper's point counts as one submission about
  its article (papers have no stance). Comments on the whole draft are in ``whole_draft``.
* Anchors (``anchor`` fields) are the HTML ids used by ``templates/reports/_report_body.html``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import types
import typing
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comments.models import (
    Comment,
    Consent,
    OfficialResponse,
    ParticipantType,
    PositionPaper,
    Stance,
)
from comments.selectors import public_author
from consult.models import Consultation
from hearings.selectors import hearings_for_report
from proposals.diff import diff_stats, version_diff
from proposals.labels import section_label
from proposals.models import Proposal, ProposalVersion, Section, SectionText, Vote
from proposals.parsing import FlatSection

from .models import Meeting, ReportVersion

KIND_COMMENT = "comment"
KIND_PAPER = "paper"
ARTICLE_KINDS = ("preamble", "chapter", "article")
TOP_ARTICLES = 5


# =============================================================================================
# The data contract


@dataclass
class ConsultationInfo:
    slug: str
    title: str
    summary: str
    kind: str  # Consultation.Kind value
    kind_label: str
    institution: str
    institution_slug: str
    contact_name: str
    contact_email: str
    status: str  # the effective status when the report was built
    status_label: str
    url: str  # absolute URL of the public consultation page
    answers_with_report: bool  # answers were withheld until the report was published


@dataclass
class VersionInfo:
    number: int
    published_at: dt.datetime
    note: str


@dataclass
class ArticleChange:
    key: str
    label: str
    status: str  # "added" | "removed" | "changed"


@dataclass
class ProposalChanges:
    """What changed between the first and the latest version of one draft document."""

    proposal_slug: str
    proposal_title: str
    from_version: int
    to_version: int
    stats: dict[str, int]  # proposals.diff.diff_stats over every section (paragraphs too)
    changed: list[ArticleChange] = field(default_factory=list)  # articles, by label
    added: list[ArticleChange] = field(default_factory=list)
    removed: list[ArticleChange] = field(default_factory=list)


@dataclass
class ProposalInfo:
    slug: str
    title: str
    kind: str
    kind_label: str
    url: str
    current_version: int | None
    versions: list[VersionInfo] = field(default_factory=list)  # oldest first


@dataclass
class Period:
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    working_days: int | None
    minimum_working_days: int
    is_short_round: bool
    justification: str


@dataclass
class MeetingInfo:
    id: int
    held_at: dt.datetime
    place: str
    participants_description: str
    participants_count: int
    notes: str


@dataclass
class Methods:
    online_written: bool = True  # the written round on this platform, always
    meetings: list[MeetingInfo] = field(default_factory=list)
    # Live public hearings that took place: hearings.selectors.hearings_for_report (dicts).
    hearings: list = field(default_factory=list)


@dataclass
class CountRow:
    key: str  # a participant type, a municipality name, a country code; "" for "not given"
    label: str
    count: int


@dataclass
class Participation:
    total: int  # distinct people who submitted at least one comment or position paper
    by_type: list[CountRow]  # every participant type, in ParticipantType order (zeros too)
    by_municipality: list[CountRow]  # municipalities given, most participants first
    by_country: list[CountRow]  # countries abroad (diaspora), most participants first
    in_kosovo: int  # participants who gave a municipality
    abroad: int  # participants who gave a country
    location_not_given: int  # participants who gave neither


@dataclass
class Answer:
    outcome: str  # OfficialResponse.Outcome value
    outcome_label: str
    justification: str
    reflected_in_key: str
    reflected_in_label: str
    answered_at: dt.datetime


@dataclass
class PaperPoint:
    key: str
    label: str
    text: str


@dataclass
class SubmissionEntry:
    kind: str  # "comment" | "paper"
    kind_label: str
    tracking_number: str
    submitted_at: dt.datetime
    author: str  # as consented (public) or the real name (+ organisation) when private
    organisation: str  # shown when public consent allows it, always when private
    author_email: str  # only when include_private, else ""
    participant_type: str
    participant_type_label: str
    location: str  # municipality or country name; only when include_private, else ""
    proposal_slug: str
    proposal_title: str
    section_key: str  # "" for the whole draft (papers: "")
    section_label: str  # "Article 5: Title, Paragraph 2" or "Whole draft"
    article_key: str  # the article the section belongs to ("" for the whole draft)
    article_label: str
    stance: str  # "" for papers
    stance_label: str
    status: str  # Submission.Status value
    status_label: str
    status_note: str  # "Hidden by moderation — Spam or advertising", "Withdrawn by its author"
    text: str  # the body as written (Markdown source); "" when hidden or withdrawn
    proposed_wording: str  # "" when hidden or withdrawn
    is_reply: bool
    parent_tracking_number: str
    answer: Answer | None
    # Position papers only:
    title: str = ""
    summary: str = ""
    pages: int = 0
    attachment_url: str = ""
    points: list[PaperPoint] = field(default_factory=list)
    anchor: str = ""

    @property
    def is_hidden(self) -> bool:
        return self.status == Comment.Status.HIDDEN

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Comment.Status.WITHDRAWN


@dataclass
class ArticleStats:
    proposal_slug: str
    proposal_title: str
    key: str  # "" for the whole draft
    label: str
    anchor: str
    is_current: bool  # False: the article is not in the latest version of the draft
    submissions: int = 0  # comments + position-paper points
    comments: int = 0
    paper_points: int = 0
    stance_for: int = 0
    stance_against: int = 0
    stance_neutral: int = 0
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def votes_total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def opposition(self) -> int:
        return self.stance_against + self.votes_against


@dataclass
class DraftVotes:
    proposal_slug: str
    proposal_title: str
    votes_for: int
    votes_against: int
    votes_abstain: int

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


@dataclass
class DayCount:
    day: dt.date
    comments: int
    papers: int

    @property
    def total(self) -> int:
        return self.comments + self.papers


@dataclass
class Statistics:
    submissions: int  # comments + position papers, not withdrawn
    comments: int  # not withdrawn (replies included)
    replies: int  # of which replies
    papers: int  # position papers, not withdrawn
    hidden: int
    withdrawn: int  # comments + papers withdrawn by their authors
    answered: int
    accepted: int
    partially_accepted: int
    rejected: int
    noted: int
    answered_percent: int  # 0..100, rounded
    accepted_percent: int  # (accepted + partially) / answered, 0..100, rounded
    outcomes: list[CountRow]  # answers by outcome (zeros too)
    stances: list[CountRow]  # comments by stance (zeros too)
    per_article: list[ArticleStats]  # every article of the drafts, in the drafts' order
    whole_draft: list[ArticleStats]  # one row per draft: comments and votes on it as a whole
    draft_votes: list[DraftVotes]
    per_day: list[DayCount]  # from the first to the last day with a submission, gaps filled
    votes_total: int


@dataclass
class ArticleRef:
    proposal_title: str
    key: str
    label: str
    anchor: str
    count: int
    is_current: bool = True  # False: not in the latest version of the draft


@dataclass
class ExecutiveSummary:
    participants: int
    submissions: int
    comments: int
    papers: int
    votes: int
    meetings: int
    answered_percent: int
    accepted_percent: int
    most_discussed: list[ArticleRef]  # up to 5, by submissions
    most_opposed: list[ArticleRef]  # up to 5, by against stances + against votes
    changes: list[ProposalChanges]  # per draft with more than one version


@dataclass
class Report:
    language: str
    generated_at: dt.datetime
    include_private: bool
    consultation: ConsultationInfo
    proposals: list[ProposalInfo]
    period: Period
    methods: Methods
    participation: Participation
    submissions: list[SubmissionEntry]
    statistics: Statistics
    summary: ExecutiveSummary

    @property
    def comments(self) -> list[SubmissionEntry]:
        return [s for s in self.submissions if s.kind == KIND_COMMENT]

    @property
    def papers(self) -> list[SubmissionEntry]:
        return [s for s in self.submissions if s.kind == KIND_PAPER]


# =============================================================================================
# Helpers


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _reverse(candidates: list[tuple[str, dict]]) -> str:
    for name, kwargs in candidates:
        try:
            return _absolute(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    return ""


def attachment_url(tracking_number: str) -> str:
    """The public download address of a position paper's PDF (absolute)."""
    return _reverse(
        [
            ("comments:paper_download", {"tracking_number": tracking_number}),
            ("position-paper-attachment", {"tracking_number": tracking_number}),
        ]
    )


def article_anchor(proposal_slug: str, key: str) -> str:
    return f"art-{proposal_slug}-{key or 'whole'}"


def submission_anchor(tracking_number: str) -> str:
    return f"sub-{tracking_number.lower()}"


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _country_name(code: str) -> str:
    from comments.forms import COUNTRY_NAMES

    return str(COUNTRY_NAMES.get(code, code)) if code else ""


class _SectionIndex:
    """Every section of the consultation's drafts (one query), with the article each belongs
    to, so that labels and roll-ups need no further query."""

    def __init__(self, consultation: Consultation):
        self.by_id: dict[int, Section] = {
            s.pk: s
            for s in Section.objects.filter(proposal__consultation=consultation)
            .only("pk", "proposal_id", "key", "kind", "number", "title", "parent_id", "is_current")
            .order_by("proposal_id", "position", "pk")
        }
        self._labels: dict[int, str] = {}

    def article_of(self, section_id: int | None) -> Section | None:
        section = self.by_id.get(section_id) if section_id else None
        seen = 0
        while section is not None and section.kind not in ARTICLE_KINDS and seen < 10:
            parent = self.by_id.get(section.parent_id) if section.parent_id else None
            if parent is None:
                break
            section, seen = parent, seen + 1
        return section

    def label(self, section_id: int | None) -> str:
        """ "Article 5: Title" or "Article 5: Title, Paragraph 2" (cached per section)."""
        if not section_id:
            return ""
        if section_id not in self._labels:
            section = self.by_id.get(section_id)
            if section is None:
                return ""
            own = section_label(section.kind, section.number, section.title)
            article = self.article_of(section_id)
            if article is not None and article.pk != section.pk:
                own = f"{section_label(article.kind, article.number, article.title)}, {own}"
            self._labels[section_id] = own
        return self._labels[section_id]

    def article_label(self, section_id: int | None) -> str:
        article = self.article_of(section_id)
        return section_label(article.kind, article.number, article.title) if article else ""


def _status_note(status: str, hidden_reason: str) -> str:
    if status == Comment.Status.HIDDEN:
        from comments.models import FlagReason

        reason = FlagReason(hidden_reason).label if hidden_reason in FlagReason.values else ""
        return (
            _("Hidden by moderation — %(reason)s") % {"reason": reason}
            if reason
            else str(Comment.Status.HIDDEN.label)
        )
    if status == Comment.Status.WITHDRAWN:
        return str(Comment.Status.WITHDRAWN.label)
    return ""


def _answer(response: OfficialResponse | None, sections: _SectionIndex) -> Answer | None:
    if response is None:
        return None
    return Answer(
        outcome=response.outcome,
        outcome_label=str(OfficialResponse.Outcome(response.outcome).label),
        justification=response.justification,
        reflected_in_key=sections.by_id[response.reflected_in_id].key
        if response.reflected_in_id in sections.by_id
        else "",
        reflected_in_label=sections.label(response.reflected_in_id),
        answered_at=response.created_at,
    )


def _response_of(obj) -> OfficialResponse | None:
    try:
        return obj.response
    except OfficialResponse.DoesNotExist:
        return None


def _comment_entry(
    comment: Comment,
    sections: _SectionIndex,
    proposals: dict[int, Proposal],
    include_private: bool,
    parents: dict[int, str],
) -> SubmissionEntry:
    proposal = proposals.get(comment.proposal_id)
    visible = comment.status == Comment.Status.PUBLISHED
    if include_private:
        author = str(comment.author) if comment.author_id else _("Deleted account")
        organisation = comment.organisation.name if comment.organisation_id else ""
        email = comment.author.email if comment.author_id else ""
        location = comment.municipality or _country_name(comment.country)
    else:
        author = public_author(comment)
        organisation = (
            comment.organisation.name
            if comment.organisation_id and comment.consent in (Consent.NAME, Consent.ORGANISATION)
            else ""
        )
        email = location = ""
    article = sections.article_of(comment.section_id)
    return SubmissionEntry(
        kind=KIND_COMMENT,
        kind_label=_("Reply") if comment.parent_id else _("Comment"),
        tracking_number=comment.tracking_number,
        submitted_at=comment.created_at,
        author=author,
        organisation=organisation,
        author_email=email,
        participant_type=comment.participant_type,
        participant_type_label=str(ParticipantType(comment.participant_type).label)
        if comment.participant_type in ParticipantType.values
        else comment.participant_type,
        location=location,
        proposal_slug=proposal.slug if proposal else "",
        proposal_title=proposal.title if proposal else "",
        section_key=sections.by_id[comment.section_id].key
        if comment.section_id in sections.by_id
        else "",
        section_label=sections.label(comment.section_id) or _("Whole draft"),
        article_key=article.key if article else "",
        article_label=sections.article_label(comment.section_id) or _("Whole draft"),
        stance=comment.stance,
        stance_label=str(Stance(comment.stance).label)
        if comment.stance in Stance.values
        else comment.stance,
        status=comment.status,
        status_label=str(Comment.Status(comment.status).label),
        status_note=_status_note(comment.status, comment.hidden_reason),
        text=comment.body if visible else "",
        proposed_wording=comment.proposed_wording if visible else "",
        is_reply=comment.parent_id is not None,
        parent_tracking_number=parents.get(comment.parent_id, "") if comment.parent_id else "",
        answer=_answer(_response_of(comment), sections),
        anchor=submission_anchor(comment.tracking_number),
    )


def _paper_entry(
    paper: PositionPaper, sections: _SectionIndex, include_private: bool
) -> SubmissionEntry:
    visible = paper.status == PositionPaper.Status.PUBLISHED
    organisation = paper.organisation.name
    if include_private and paper.submitted_by_id:
        author = f"{paper.submitted_by} ({organisation})"
        email = paper.submitted_by.email
    else:
        author, email = organisation, ""
    points = [
        PaperPoint(
            key=sections.by_id[p.section_id].key if p.section_id in sections.by_id else "",
            label=sections.label(p.section_id),
            text=p.text if visible else "",
        )
        for p in paper.points.all()
    ]
    return SubmissionEntry(
        kind=KIND_PAPER,
        kind_label=_("Position paper"),
        tracking_number=paper.tracking_number,
        submitted_at=paper.created_at,
        author=author,
        organisation=organisation,
        author_email=email,
        participant_type=ParticipantType.CSO,
        participant_type_label=str(ParticipantType.CSO.label),
        location="",
        proposal_slug="",
        proposal_title="",
        section_key="",
        section_label=_("Whole draft"),
        article_key="",
        article_label=_("Whole draft"),
        stance="",
        stance_label="",
        status=paper.status,
        status_label=str(PositionPaper.Status(paper.status).label),
        status_note=_status_note(paper.status, paper.hidden_reason),
        text=paper.summary if visible else "",
        proposed_wording="",
        is_reply=False,
        parent_tracking_number="",
        answer=_answer(_response_of(paper), sections),
        title=paper.title,
        summary=paper.summary if visible else "",
        pages=paper.attachment_pages if visible else 0,
        attachment_url=attachment_url(paper.tracking_number) if visible else "",
        points=points if visible else [],
        anchor=submission_anchor(paper.tracking_number),
    )


def _comments_qs(consultation):
    return (
        Comment.objects.filter(consultation=consultation)
        .select_related("author", "organisation", "participant", "response")
        .order_by("created_at", "pk")
    )


def _papers_qs(consultation):
    return (
        PositionPaper.objects.filter(consultation=consultation)
        .select_related("organisation", "submitted_by", "response")
        .order_by("created_at", "pk")
    )


def _flat(rows) -> list[FlatSection]:
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


def _article_key_in(flat: dict[str, FlatSection], key: str) -> str:
    section = flat.get(key)
    seen = 0
    while section is not None and section.kind not in ARTICLE_KINDS and seen < 10:
        parent = flat.get(section.parent_key)
        if parent is None:
            break
        section, seen = parent, seen + 1
    return section.key if section else key


def _proposal_changes(
    proposal: Proposal, first: list[FlatSection], last: list[FlatSection], numbers: tuple[int, int]
) -> ProposalChanges:
    changes = version_diff(first, last)
    old_by_key = {s.key: s for s in first}
    new_by_key = {s.key: s for s in last}
    result = ProposalChanges(
        proposal_slug=proposal.slug,
        proposal_title=proposal.title,
        from_version=numbers[0],
        to_version=numbers[1],
        stats=diff_stats(changes),
    )
    statuses: dict[str, str] = {}
    order: list[str] = []
    for change in changes:
        if change.status == "unchanged":
            continue
        if change.section.kind in ARTICLE_KINDS and change.status in ("added", "removed"):
            key, status = change.key, change.status
        else:
            lookup = new_by_key if change.new is not None else old_by_key
            key, status = _article_key_in(lookup, change.key), "changed"
        if key not in statuses:
            order.append(key)
            statuses[key] = status
        elif statuses[key] == "changed" and status != "changed":
            statuses[key] = status
    for key in order:
        section = new_by_key.get(key) or old_by_key.get(key)
        if section is None:
            continue
        item = ArticleChange(
            key=key,
            label=section_label(section.kind, section.number, section.title),
            status=statuses[key],
        )
        getattr(result, statuses[key]).append(item)
    return result


def _documents(consultation: Consultation):
    """The consultation's drafts for the report: the proposals (in order), them by pk, their
    ``ProposalInfo`` with versions, and what changed from each one's first version to its latest
    (one query for every version's text). Shared by ``build_report`` and the exporters'
    ``build_summary``."""
    proposals = list(
        Proposal.objects.filter(consultation=consultation)
        .select_related("current_version")
        .order_by("position", "pk")
    )
    by_proposal_id = {p.pk: p for p in proposals}
    versions: dict[int, list[ProposalVersion]] = defaultdict(list)
    for version in ProposalVersion.objects.filter(proposal__consultation=consultation).order_by(
        "proposal_id", "number"
    ):
        versions[version.proposal_id].append(version)

    proposal_infos = [
        ProposalInfo(
            slug=p.slug,
            title=p.title,
            kind=p.kind,
            kind_label=str(Proposal.Kind(p.kind).label) if p.kind in Proposal.Kind.values else "",
            url=_reverse([("proposals:detail", {"slug": consultation.slug, "proposal": p.slug})]),
            current_version=p.current_version.number if p.current_version_id else None,
            versions=[
                VersionInfo(number=v.number, published_at=v.created_at, note=v.note)
                for v in versions[p.pk]
            ],
        )
        for p in proposals
    ]

    # What changed: the first against the latest version of each draft (one query for both).
    pairs: dict[int, tuple[int, int]] = {}
    for p in proposals:
        vs = versions[p.pk]
        latest = p.current_version if p.current_version_id else (vs[-1] if vs else None)
        if vs and latest is not None and latest.pk != vs[0].pk:
            pairs[p.pk] = (vs[0].pk, latest.pk)
    texts: dict[int, list] = defaultdict(list)
    if pairs:
        wanted = [pk for pair in pairs.values() for pk in pair]
        for row in (
            SectionText.objects.filter(version_id__in=wanted)
            .select_related("section")
            .order_by("version_id", "position")
        ):
            texts[row.version_id].append(row)
    number_of = {v.pk: v.number for vs in versions.values() for v in vs}
    changes = [
        _proposal_changes(
            by_proposal_id[pid],
            _flat(texts[first]),
            _flat(texts[last]),
            (number_of[first], number_of[last]),
        )
        for pid, (first, last) in pairs.items()
    ]
    return proposals, by_proposal_id, proposal_infos, changes


# =============================================================================================
# build_report


def build_report(consultation: Consultation, *, include_private: bool = False) -> Report:
    """The whole report of one consultation (see the module doc), in the active language."""
    consultation = Consultation.objects.select_related("institution").get(pk=consultation.pk)
    sections = _SectionIndex(consultation)
    proposals, by_proposal_id, proposal_infos, changes = _documents(consultation)

    # Submissions.
    comments = list(_comments_qs(consultation))
    papers = list(_papers_qs(consultation).prefetch_related("points"))
    parents = {c.pk: c.tracking_number for c in comments}
    entries = [
        _comment_entry(c, sections, by_proposal_id, include_private, parents) for c in comments
    ]
    entries += [_paper_entry(p, sections, include_private) for p in papers]
    entries.sort(key=lambda e: (e.submitted_at, e.tracking_number))

    statistics, participation = _statistics(consultation, comments, papers, proposals, sections)
    meetings = [
        MeetingInfo(
            id=m.pk,
            held_at=m.held_at,
            place=m.place,
            participants_description=m.participants_description,
            participants_count=m.participants_count,
            notes=m.notes,
        )
        for m in Meeting.objects.filter(consultation=consultation).order_by("held_at", "pk")
    ]

    def refs(rows: list[ArticleStats], value) -> list[ArticleRef]:
        ranked = sorted((r for r in rows if value(r) > 0), key=lambda r: -value(r))
        return [
            ArticleRef(r.proposal_title, r.key, r.label, r.anchor, value(r), r.is_current)
            for r in ranked[:TOP_ARTICLES]
        ]

    summary = ExecutiveSummary(
        participants=participation.total,
        submissions=statistics.submissions,
        comments=statistics.comments,
        papers=statistics.papers,
        votes=statistics.votes_total,
        meetings=len(meetings),
        answered_percent=statistics.answered_percent,
        accepted_percent=statistics.accepted_percent,
        most_discussed=refs(statistics.per_article, lambda r: r.submissions),
        most_opposed=refs(statistics.per_article, lambda r: r.opposition),
        changes=changes,
    )
    return Report(
        language=get_language() or settings.LANGUAGE_CODE,
        generated_at=timezone.now(),
        include_private=include_private,
        consultation=ConsultationInfo(
            slug=consultation.slug,
            title=consultation.title,
            summary=consultation.summary,
            kind=consultation.kind,
            kind_label=str(Consultation.Kind(consultation.kind).label),
            institution=consultation.institution.name,
            institution_slug=consultation.institution.slug,
            contact_name=consultation.contact_name,
            contact_email=consultation.contact_email,
            status=consultation.effective_status,
            status_label=consultation.get_effective_status_display(),
            url=_reverse([("consult:detail", {"slug": consultation.slug})]),
            answers_with_report=consultation.responses_visibility
            == Consultation.ResponsesVisibility.WITH_REPORT,
        ),
        proposals=proposal_infos,
        period=Period(
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            working_days=consultation.working_days,
            minimum_working_days=settings.CONSULTATION_MIN_WORKING_DAYS,
            is_short_round=consultation.is_short_round,
            justification=consultation.short_round_justification,
        ),
        methods=Methods(
            online_written=True,
            meetings=meetings,
            hearings=hearings_for_report(consultation, include_private=include_private),
        ),
        participation=participation,
        submissions=entries,
        statistics=statistics,
        summary=summary,
    )


def _statistics(
    consultation: Consultation,
    comments: list[Comment],
    papers: list[PositionPaper],
    proposals: list[Proposal],
    sections: _SectionIndex,
) -> tuple[Statistics, Participation]:
    withdrawn = Comment.Status.WITHDRAWN
    live_comments = [c for c in comments if c.status != withdrawn]
    live_papers = [p for p in papers if p.status != withdrawn]

    # Participation (people).
    everyone: set = set()
    by_type: dict[str, set] = defaultdict(set)
    by_municipality: dict[str, set] = defaultdict(set)
    by_country: dict[str, set] = defaultdict(set)
    located: set = set()
    for c in live_comments:
        person = ("u", c.author_id) if c.author_id else ("p", c.participant_id)
        everyone.add(person)
        by_type[c.participant_type].add(person)
        if c.municipality:
            by_municipality[c.municipality].add(person)
            located.add(person)
        if c.country:
            by_country[c.country].add(person)
            located.add(person)
    for p in live_papers:
        person = ("u", p.submitted_by_id) if p.submitted_by_id else ("o", p.organisation_id)
        everyone.add(person)
        by_type[ParticipantType.CSO].add(person)
    in_kosovo = set().union(*by_municipality.values()) if by_municipality else set()
    abroad = set().union(*by_country.values()) if by_country else set()
    participation = Participation(
        total=len(everyone),
        by_type=[
            CountRow(value, str(label), len(by_type.get(value, ())))
            for value, label in ParticipantType.choices
        ],
        by_municipality=[
            CountRow(name, name, len(people))
            for name, people in sorted(by_municipality.items(), key=lambda i: (-len(i[1]), i[0]))
        ],
        by_country=[
            CountRow(code, _country_name(code), len(people))
            for code, people in sorted(by_country.items(), key=lambda i: (-len(i[1]), i[0]))
        ],
        in_kosovo=len(in_kosovo),
        abroad=len(abroad),
        location_not_given=len(everyone - located),
    )

    # Per article: every article of the drafts (removed ones too), in order.
    rows: dict[tuple[int, int | None], ArticleStats] = {}
    proposal_by_id = {p.pk: p for p in proposals}
    for section in sections.by_id.values():
        if section.kind not in ARTICLE_KINDS or section.kind == "chapter":
            continue
        proposal = proposal_by_id.get(section.proposal_id)
        if proposal is None:
            continue
        rows[(proposal.pk, section.pk)] = ArticleStats(
            proposal_slug=proposal.slug,
            proposal_title=proposal.title,
            key=section.key,
            label=section_label(section.kind, section.number, section.title),
            anchor=article_anchor(proposal.slug, section.key),
            is_current=True,
        )
    current = {pk for pk, s in sections.by_id.items() if s.is_current}
    whole = {
        p.pk: ArticleStats(
            proposal_slug=p.slug,
            proposal_title=p.title,
            key="",
            label=_("Whole draft"),
            anchor=article_anchor(p.slug, ""),
            is_current=True,
        )
        for p in proposals
    }

    def row_for(proposal_id: int, section_id: int | None) -> ArticleStats | None:
        if not section_id:
            return whole.get(proposal_id)
        article = sections.article_of(section_id)
        if article is None:
            return None
        return rows.get((proposal_id, article.pk))

    stances = Counter()
    for c in live_comments:
        stances[c.stance] += 1
        row = row_for(c.proposal_id, c.section_id)
        if row is None:
            continue
        row.comments += 1
        row.submissions += 1
        if c.stance == Stance.IN_FAVOUR:
            row.stance_for += 1
        elif c.stance == Stance.AGAINST:
            row.stance_against += 1
        else:
            row.stance_neutral += 1
    for p in live_papers:
        for point in p.points.all():
            section = sections.by_id.get(point.section_id)
            row = row_for(section.proposal_id, point.section_id) if section else None
            if row is not None:
                row.paper_points += 1
                row.submissions += 1

    vote_rows = (
        Vote.objects.filter(proposal__consultation=consultation)
        .values("proposal_id", "section_id", "choice")
        .annotate(n=_count())
        .order_by()
    )
    draft_votes = {
        p.pk: DraftVotes(p.slug, p.title, 0, 0, 0) for p in proposals
    }  # whole-draft votes
    votes_total = 0
    for v in vote_rows:
        votes_total += v["n"]
        if v["section_id"] is None:
            target = draft_votes.get(v["proposal_id"])
            row = whole.get(v["proposal_id"])
            if target is not None:
                if v["choice"] == "for":
                    target.votes_for += v["n"]
                elif v["choice"] == "against":
                    target.votes_against += v["n"]
                else:
                    target.votes_abstain += v["n"]
        else:
            row = row_for(v["proposal_id"], v["section_id"])
        if row is None:
            continue
        if v["choice"] == "for":
            row.votes_for += v["n"]
        elif v["choice"] == "against":
            row.votes_against += v["n"]
        else:
            row.votes_abstain += v["n"]

    # ``rows`` follows the sections' order (by draft, then position); drafts in their order.
    order = {p.pk: i for i, p in enumerate(proposals)}
    per_article = []
    for (_proposal_id, section_id), row in sorted(
        rows.items(), key=lambda item: order.get(item[0][0], 0)
    ):
        row.is_current = section_id in current
        if row.is_current or row.submissions or row.votes_total:
            per_article.append(row)

    # Answers.
    answered = Counter()
    for obj in [*live_comments, *live_papers]:
        response = _response_of(obj)
        if response is not None:
            answered[response.outcome] += 1
    n_answered = sum(answered.values())
    outcome = OfficialResponse.Outcome

    # Over time: submissions (not withdrawn) per local day, gaps filled.
    days_c = Counter(timezone.localtime(c.created_at).date() for c in live_comments)
    days_p = Counter(timezone.localtime(p.created_at).date() for p in live_papers)
    per_day = []
    all_days = set(days_c) | set(days_p)
    if all_days:
        day, last = min(all_days), max(all_days)
        while day <= last:
            per_day.append(DayCount(day, days_c.get(day, 0), days_p.get(day, 0)))
            day += dt.timedelta(days=1)

    n_submissions = len(live_comments) + len(live_papers)
    statistics = Statistics(
        submissions=n_submissions,
        comments=len(live_comments),
        replies=sum(1 for c in live_comments if c.parent_id),
        papers=len(live_papers),
        hidden=sum(1 for o in [*comments, *papers] if o.status == Comment.Status.HIDDEN),
        withdrawn=sum(1 for o in [*comments, *papers] if o.status == withdrawn),
        answered=n_answered,
        accepted=answered[outcome.ACCEPTED],
        partially_accepted=answered[outcome.PARTIALLY],
        rejected=answered[outcome.REJECTED],
        noted=answered[outcome.NOTED],
        answered_percent=_percent(n_answered, n_submissions),
        accepted_percent=_percent(
            answered[outcome.ACCEPTED] + answered[outcome.PARTIALLY], n_answered
        ),
        outcomes=[CountRow(value, str(label), answered[value]) for value, label in outcome.choices],
        stances=[CountRow(value, str(label), stances[value]) for value, label in Stance.choices],
        per_article=per_article,
        whole_draft=[whole[p.pk] for p in proposals],
        draft_votes=[draft_votes[p.pk] for p in proposals],
        per_day=per_day,
        votes_total=votes_total,
    )
    return statistics, participation


def _count():
    from django.db.models import Count

    return Count("pk")


# =============================================================================================
# Flat rows for the streaming exporters

SUBMISSION_ROW_FIELDS = (
    "tracking_number",
    "kind",
    "submitted_at",
    "author",
    "organisation",
    "email",
    "participant_type",
    "location",
    "proposal",
    "article_key",
    "article",
    "section",
    "stance",
    "status",
    "text",
    "proposed_wording",
    "reply_to",
    "title",
    "pages",
    "attachment_url",
    "points",
    "outcome",
    "justification",
    "reflected_in",
    "answered_at",
)


def submission_row_headers() -> dict[str, str]:
    """Translated column titles for ``SUBMISSION_ROW_FIELDS`` (in the active language)."""
    return {
        "tracking_number": _("Tracking number"),
        "kind": _("Kind"),
        "submitted_at": _("Submitted"),
        "author": _("Author"),
        "organisation": _("Organisation"),
        "email": _("Email"),
        "participant_type": _("Participant type"),
        "location": _("Municipality or country"),
        "proposal": _("Draft document"),
        "article_key": _("Article key"),
        "article": _("Article"),
        "section": _("Section"),
        "stance": _("Stance"),
        "status": _("Status"),
        "text": _("Text"),
        "proposed_wording": _("Proposed wording"),
        "reply_to": _("Reply to"),
        "title": _("Title"),
        "pages": _("Pages"),
        "attachment_url": _("Document"),
        "points": _("Points by article"),
        "outcome": _("Outcome"),
        "justification": _("Justification"),
        "reflected_in": _("Reflected in"),
        "answered_at": _("Answered"),
    }


def _local_text(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def entry_to_row(entry: SubmissionEntry) -> dict[str, str]:
    """One ``SubmissionEntry`` as a flat row (the same keys and values as
    ``iter_submission_rows``)."""
    answer = entry.answer
    text = entry.text
    if entry.status_note and not text:
        text = entry.status_note
    return {
        "tracking_number": entry.tracking_number,
        "kind": entry.kind_label,
        "submitted_at": _local_text(entry.submitted_at),
        "author": entry.author,
        "organisation": entry.organisation,
        "email": entry.author_email,
        "participant_type": entry.participant_type_label,
        "location": entry.location,
        "proposal": entry.proposal_title,
        "article_key": entry.article_key,
        "article": entry.article_label,
        "section": entry.section_label,
        "stance": entry.stance_label,
        "status": entry.status_note or entry.status_label,
        "text": text,
        "proposed_wording": entry.proposed_wording,
        "reply_to": entry.parent_tracking_number,
        "title": entry.title,
        "pages": str(entry.pages) if entry.pages else "",
        "attachment_url": entry.attachment_url,
        "points": "\n".join(f"{p.label}: {p.text}" for p in entry.points),
        "outcome": answer.outcome_label if answer else "",
        "justification": answer.justification if answer else "",
        "reflected_in": answer.reflected_in_label if answer else "",
        "answered_at": _local_text(answer.answered_at) if answer else "",
    }


def iter_submission_rows(
    consultation: Consultation, *, include_private: bool = False
) -> Iterator[dict[str, str]]:
    """Every submission as a flat dict of strings, oldest first, at constant memory (see the
    module doc). Comments and position papers are read with two streaming queries (plus one
    for the sections and one per 2,000 papers for their points) and merged by date."""
    sections = _SectionIndex(consultation)
    proposals = {p.pk: p for p in Proposal.objects.filter(consultation=consultation)}
    parent_numbers = _ParentNumbers(consultation)
    comments = (
        _comment_entry(c, sections, proposals, include_private, parent_numbers)
        for c in _comments_qs(consultation).iterator(chunk_size=2000)
    )
    papers = (
        _paper_entry(p, sections, include_private)
        for p in _papers_qs(consultation).prefetch_related("points").iterator(chunk_size=2000)
    )
    merged = heapq.merge(comments, papers, key=lambda e: (e.submitted_at, e.tracking_number))
    for entry in merged:
        yield entry_to_row(entry)


class _ParentNumbers:
    """``{comment id: tracking number}`` for replies, without holding every comment: only the
    ids of comments that have replies are looked up, in one query, on first use."""

    def __init__(self, consultation: Consultation):
        self.consultation = consultation
        self._map: dict[int, str] | None = None

    def get(self, pk: int, default: str = "") -> str:
        if self._map is None:
            parent_ids = Comment.objects.filter(
                consultation=self.consultation, parent__isnull=False
            ).values("parent_id")
            self._map = dict(
                Comment.objects.filter(pk__in=parent_ids).values_list("pk", "tracking_number")
            )
        return self._map.get(pk, default)


# =============================================================================================
# Snapshots (JSON) and published versions


def _encode(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_to_dict(report: Report) -> dict:
    """The report as JSON-safe data (datetimes and dates as ISO 8601 strings)."""
    return _encode(report)


_HINTS: dict[type, dict] = {}


def _decode(kind, value):
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value) if options else value
    if origin is list:
        (item,) = typing.get_args(kind) or (typing.Any,)
        return [_decode(item, v) for v in value]
    if origin is dict:
        return dict(value)
    if kind is dt.datetime:
        return parse_datetime(value) if isinstance(value, str) else value
    if kind is dt.date:
        return parse_date(value) if isinstance(value, str) else value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _HINTS.get(kind)
        if hints is None:
            hints = _HINTS[kind] = typing.get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: _decode(hints[k], v) for k, v in value.items() if k in names})
    return value


def report_from_dict(data: dict) -> Report:
    """A ``Report`` from ``report_to_dict``'s output (a published snapshot)."""
    return _decode(Report, data)


def published_versions(consultation: Consultation, *, language: str) -> list[ReportVersion]:
    """The published versions in one language, newest first, with who published them."""
    return list(
        ReportVersion.objects.filter(consultation=consultation, language=language)
        .select_related("published_by")
        .defer("snapshot", "html")
        .order_by("-number")
    )


def published_version(
    consultation: Consultation, *, language: str, number: int | None = None
) -> ReportVersion | None:
    """One published version (the latest when ``number`` is None) in ``language``; falls back
    to the default language when that language's row is missing (one or two queries)."""
    qs = ReportVersion.objects.filter(consultation=consultation).order_by("-number")
    if number is not None:
        qs = qs.filter(number=number)
    found = qs.filter(language=language).first()
    if found is None and language != settings.LANGUAGE_CODE:
        found = qs.filter(language=settings.LANGUAGE_CODE).first()
    return found


def latest_version_number(consultation: Consultation) -> int:
    """The number of the latest published version, 0 when none (one query)."""
    from django.db.models import Max

    return (
        ReportVersion.objects.filter(consultation=consultation).aggregate(n=Max("number"))["n"] or 0
    )
