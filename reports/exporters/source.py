"""Where an export's data come from: a published version's frozen snapshot, or the live report.

The exporters never query by themselves; they ask an :class:`ExportSource` for

* ``report()``: the whole ``reports.selectors.Report`` (PDF, and the live draft's small exports);
* ``summary()``: the same report without its list of submissions (statistics, participants,
  votes, drafts, meetings): what the XLSX, DOCX and JSON exporters put around the submissions;
* ``entries()``: every submission as a ``SubmissionEntry``, oldest first, streamed;
* ``rows()``: the same as the flat rows of ``iter_submission_rows`` (same keys, same values).

A published version (``reports.models.ReportVersion``) is read from its snapshot: what was
published is what is exported, whatever happened since. The live report (``?draft=1`` and every
private export) is read from the database.

Why not just ``build_report`` and ``iter_submission_rows``: both instantiate every comment with
four related model instances. At 50,000 submissions ``build_report`` peaks at ~360 MB and
``iter_submission_rows`` streams ~2,500 rows/s. The live path here reads the same data with
``.values()`` (one streaming query for the comments, one for the papers and their points) and
builds the same ``SubmissionEntry`` objects with the labels translated once per export, and the
summary loads only the columns the statistics need. ``tests/reports/test_exports.py`` pins that
both give exactly what the selectors give (``test_live_source_matches_the_selectors``).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comments.models import (
    Comment,
    Consent,
    OfficialResponse,
    ParticipantType,
    PositionPaper,
    PositionPaperPoint,
    Stance,
)
from consult.models import Consultation
from proposals.models import Proposal
from reports import selectors
from reports.models import ReportVersion
from reports.selectors import (
    KIND_COMMENT,
    KIND_PAPER,
    Answer,
    PaperPoint,
    Report,
    SubmissionEntry,
)

ROW_FIELDS = selectors.SUBMISSION_ROW_FIELDS

CHUNK = 2000


class ExportSource:
    """The data of one export. ``version``: a published ``ReportVersion`` (its snapshot is
    exported), or ``None`` for the live report. Call everything inside
    ``translation.override(language)``: the live report's labels are built in the active
    language (a snapshot's were fixed when it was published)."""

    def __init__(
        self,
        consultation: Consultation,
        *,
        include_private: bool = False,
        version: ReportVersion | None = None,
    ):
        if version is not None and include_private:
            raise ValueError("published snapshots are public; private exports are live")
        self.consultation = consultation
        self.include_private = include_private
        self.version = version

    @property
    def is_live(self) -> bool:
        return self.version is None

    # --- published snapshot ------------------------------------------------------------

    @cached_property
    def _snapshot_report(self) -> Report:
        return selectors.report_from_dict(self.version.snapshot)

    # --- what exporters call -------------------------------------------------------------

    def report(self) -> Report:
        if self.version is not None:
            return self._snapshot_report
        return selectors.build_report(self.consultation, include_private=self.include_private)

    def summary(self) -> Report:
        """The report with ``submissions == []`` (counts are in ``statistics``)."""
        if self.version is not None:
            report = self._snapshot_report
            return Report(**{**report.__dict__, "submissions": []})
        return build_summary(self.consultation, include_private=self.include_private)

    def entries(self) -> Iterator[SubmissionEntry]:
        if self.version is not None:
            return iter(self._snapshot_report.submissions)
        return iter_entries(self.consultation, include_private=self.include_private)

    def paper_entries(self) -> Iterator[SubmissionEntry]:
        """The position papers alone (a short list), in the same order."""
        if self.version is not None:
            return (e for e in self._snapshot_report.submissions if e.kind == KIND_PAPER)
        sections = selectors._SectionIndex(self.consultation)
        return _paper_entries(self.consultation, self.include_private, sections, _Labels())

    def rows(self) -> Iterator[dict[str, str]]:
        """The flat rows of ``iter_submission_rows`` (``entry_to_row`` of each entry)."""
        return map(RowMaker(), self.entries())

    def count(self) -> int:
        """How many submissions (rows) the export has, withdrawn ones included."""
        if self.version is not None:
            return len(self.version.snapshot.get("submissions") or [])
        return submission_count(self.consultation)


def submission_count(consultation: Consultation) -> int:
    return (
        Comment.objects.filter(consultation=consultation).count()
        + PositionPaper.objects.filter(consultation=consultation).count()
    )


# =============================================================================================
# Live entries, streamed


class _Labels:
    """Every label an entry needs, translated once (in the active language)."""

    def __init__(self):
        self.stance = {value: str(label) for value, label in Stance.choices}
        self.ptype = {value: str(label) for value, label in ParticipantType.choices}
        self.status = {value: str(label) for value, label in Comment.Status.choices}
        self.paper_status = {value: str(label) for value, label in PositionPaper.Status.choices}
        self.outcome = {value: str(label) for value, label in OfficialResponse.Outcome.choices}
        self.reply = _("Reply")
        self.comment = _("Comment")
        self.paper = _("Position paper")
        self.whole = _("Whole draft")
        self.deleted = _("Deleted account")
        self.cso = str(ParticipantType.CSO.label)
        self._notes: dict[tuple[str, str], str] = {}
        self._countries: dict[str, str] = {}
        self._participant = _("Participant #%(n)d")

    def note(self, status: str, reason: str) -> str:
        key = (status, reason)
        if key not in self._notes:
            self._notes[key] = selectors._status_note(status, reason)
        return self._notes[key]

    def country(self, code: str) -> str:
        if code not in self._countries:
            self._countries[code] = selectors._country_name(code)
        return self._countries[code]

    def participant(self, number: int) -> str:
        return self._participant % {"n": number}


def _person(display_name: str | None, email: str | None) -> str:
    """``str(user)`` from two columns (``accounts.models.User.__str__``)."""
    return display_name or (email or "").split("@", 1)[0]


_COMMENT_FIELDS = (
    "pk",
    "tracking_number",
    "created_at",
    "status",
    "hidden_reason",
    "parent_id",
    "parent__tracking_number",
    "proposal_id",
    "section_id",
    "participant_type",
    "stance",
    "body",
    "proposed_wording",
    "consent",
    "municipality",
    "country",
    "author_id",
    "author__display_name",
    "author__email",
    "organisation_id",
    "organisation__name",
    "participant__number",
    "response__id",
    "response__outcome",
    "response__justification",
    "response__reflected_in_id",
    "response__created_at",
)
_PAPER_FIELDS = (
    "pk",
    "tracking_number",
    "created_at",
    "status",
    "hidden_reason",
    "title",
    "summary",
    "attachment_pages",
    "organisation__name",
    "submitted_by_id",
    "submitted_by__display_name",
    "submitted_by__email",
    "response__id",
    "response__outcome",
    "response__justification",
    "response__reflected_in_id",
    "response__created_at",
)


def _make_answer(outcome, justification, reflected_in_id, answered_at, labels, sections):
    section = sections.by_id.get(reflected_in_id) if reflected_in_id else None
    return Answer(
        outcome=outcome,
        outcome_label=labels.outcome.get(outcome, outcome),
        justification=justification,
        reflected_in_key=section.key if section is not None else "",
        reflected_in_label=sections.label(reflected_in_id),
        answered_at=answered_at,
    )


def _answer(row: dict, labels: _Labels, sections) -> Answer | None:
    if row["response__id"] is None:
        return None
    return _make_answer(
        row["response__outcome"],
        row["response__justification"],
        row["response__reflected_in_id"],
        row["response__created_at"],
        labels,
        sections,
    )


def _comment_entries(consultation, include_private, sections, proposals, labels):
    published = Comment.Status.PUBLISHED
    name_consent, org_consent = Consent.NAME.value, Consent.ORGANISATION.value
    qs = (
        Comment.objects.filter(consultation=consultation)
        .order_by("created_at", "pk")
        .values_list(*_COMMENT_FIELDS)
    )
    where: dict[tuple, tuple[str, str, str, str, str, str]] = {}
    stance_labels, ptype_labels, status_labels = labels.stance, labels.ptype, labels.status
    for (
        _pk,
        number,
        created_at,
        status,
        hidden_reason,
        parent_id,
        parent_number,
        proposal_id,
        section_id,
        ptype,
        stance,
        body,
        wording,
        consent,
        municipality,
        country,
        author_id,
        display_name,
        author_email,
        organisation_id,
        org_name,
        participant_number,
        response_id,
        outcome,
        justification,
        reflected_in_id,
        answered_at,
    ) in qs.iterator(chunk_size=CHUNK):
        visible = status == published
        org_name = org_name or ""
        if include_private:
            author = _person(display_name, author_email) if author_id else labels.deleted
            organisation = org_name if organisation_id else ""
            email = (author_email or "") if author_id else ""
            location = municipality or labels.country(country)
        else:
            if consent == name_consent and author_id:
                author = _person(display_name, author_email)
                if organisation_id:
                    author = f"{author} ({org_name})"
            elif consent == org_consent and organisation_id:
                author = org_name
            else:
                author = labels.participant(participant_number)
            organisation = (
                org_name if organisation_id and consent in (name_consent, org_consent) else ""
            )
            email = location = ""
        place = where.get((proposal_id, section_id))
        if place is None:
            article = sections.article_of(section_id)
            section = sections.by_id.get(section_id) if section_id else None
            proposal = proposals.get(proposal_id)
            place = where[(proposal_id, section_id)] = (
                proposal.slug if proposal else "",
                proposal.title if proposal else "",
                section.key if section is not None else "",
                sections.label(section_id) or labels.whole,
                article.key if article else "",
                sections.article_label(section_id) or labels.whole,
            )
        answer = None
        if response_id is not None:
            answer = _make_answer(
                outcome, justification, reflected_in_id, answered_at, labels, sections
            )
        yield SubmissionEntry(
            kind=KIND_COMMENT,
            kind_label=labels.reply if parent_id else labels.comment,
            tracking_number=number,
            submitted_at=created_at,
            author=author,
            organisation=organisation,
            author_email=email,
            participant_type=ptype,
            participant_type_label=ptype_labels.get(ptype, ptype),
            location=location,
            proposal_slug=place[0],
            proposal_title=place[1],
            section_key=place[2],
            section_label=place[3],
            article_key=place[4],
            article_label=place[5],
            stance=stance,
            stance_label=stance_labels.get(stance, stance),
            status=status,
            status_label=status_labels.get(status, status),
            status_note=labels.note(status, hidden_reason) if not visible else "",
            text=body if visible else "",
            proposed_wording=wording if visible else "",
            is_reply=parent_id is not None,
            parent_tracking_number=parent_number or "",
            answer=answer,
            anchor="sub-" + number.lower(),
        )


def _paper_entries(consultation, include_private, sections, labels):
    published = PositionPaper.Status.PUBLISHED
    points: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for paper_id, section_id, text in (
        PositionPaperPoint.objects.filter(paper__consultation=consultation)
        .order_by("paper_id", "section__position", "pk")
        .values_list("paper_id", "section_id", "text")
        .iterator(chunk_size=CHUNK)
    ):
        points[paper_id].append((section_id, text))
    qs = (
        PositionPaper.objects.filter(consultation=consultation)
        .order_by("created_at", "pk")
        .values(*_PAPER_FIELDS)
    )
    for row in qs.iterator(chunk_size=CHUNK):
        visible = row["status"] == published
        organisation = row["organisation__name"]
        if include_private and row["submitted_by_id"]:
            person = _person(row["submitted_by__display_name"], row["submitted_by__email"])
            author = f"{person} ({organisation})"
            email = row["submitted_by__email"] or ""
        else:
            author, email = organisation, ""
        status = row["status"]
        number = row["tracking_number"]
        yield SubmissionEntry(
            kind=KIND_PAPER,
            kind_label=labels.paper,
            tracking_number=number,
            submitted_at=row["created_at"],
            author=author,
            organisation=organisation,
            author_email=email,
            participant_type=ParticipantType.CSO.value,
            participant_type_label=labels.cso,
            location="",
            proposal_slug="",
            proposal_title="",
            section_key="",
            section_label=labels.whole,
            article_key="",
            article_label=labels.whole,
            stance="",
            stance_label="",
            status=status,
            status_label=labels.paper_status.get(status, status),
            status_note=labels.note(status, row["hidden_reason"]) if not visible else "",
            text=row["summary"] if visible else "",
            proposed_wording="",
            is_reply=False,
            parent_tracking_number="",
            answer=_answer(row, labels, sections),
            title=row["title"],
            summary=row["summary"] if visible else "",
            pages=row["attachment_pages"] if visible else 0,
            attachment_url=selectors.attachment_url(number) if visible else "",
            points=[
                PaperPoint(
                    key=sections.by_id[sid].key if sid in sections.by_id else "",
                    label=sections.label(sid),
                    text=text,
                )
                for sid, text in points.get(row["pk"], ())
            ]
            if visible
            else [],
            anchor=selectors.submission_anchor(number),
        )


def iter_entries(
    consultation: Consultation, *, include_private: bool = False
) -> Iterator[SubmissionEntry]:
    """Every submission of the live report as ``SubmissionEntry`` (what ``build_report`` puts
    in ``Report.submissions``, in the same order), streamed at constant memory."""
    sections = selectors._SectionIndex(consultation)
    proposals = {p.pk: p for p in Proposal.objects.filter(consultation=consultation)}
    labels = _Labels()
    comments = _comment_entries(consultation, include_private, sections, proposals, labels)
    papers = _paper_entries(consultation, include_private, sections, labels)
    return heapq.merge(comments, papers, key=lambda e: (e.submitted_at, e.tracking_number))


# =============================================================================================
# The live report without its submissions


def build_summary(consultation: Consultation, *, include_private: bool = False) -> Report:
    """``build_report`` without the list of submissions, loading only the columns the
    statistics read (a few dozen MB at 50,000 submissions instead of a few hundred). The same
    steps as ``build_report`` otherwise, with its helpers; the parity test keeps them equal."""
    from reports.models import Meeting

    consultation = Consultation.objects.select_related("institution").get(pk=consultation.pk)
    sections = selectors._SectionIndex(consultation)
    proposals, _by_pk, proposal_infos, changes = selectors._documents(consultation)

    # The statistics over light rows: only the attributes ``_statistics`` reads.
    comments = [
        _StatRow(*row)
        for row in Comment.objects.filter(consultation=consultation)
        .order_by("created_at", "pk")
        .values_list(*_STAT_COMMENT_FIELDS, "response__outcome")
        .iterator(chunk_size=CHUNK)
    ]
    points: dict[int, list] = defaultdict(list)
    for paper_id, section_id in PositionPaperPoint.objects.filter(
        paper__consultation=consultation
    ).values_list("paper_id", "section_id"):
        points[paper_id].append(_StatPoint(section_id))
    papers = [
        _StatPaper(*row[:-1], row[-1], points.get(row[0], []))
        for row in PositionPaper.objects.filter(consultation=consultation)
        .order_by("created_at", "pk")
        .values_list(*_STAT_PAPER_FIELDS, "response__outcome")
    ]
    statistics, participation = selectors._statistics(
        consultation, comments, papers, proposals, sections
    )
    del comments, papers
    meetings = [
        selectors.MeetingInfo(
            id=m.pk,
            held_at=m.held_at,
            place=m.place,
            participants_description=m.participants_description,
            participants_count=m.participants_count,
            notes=m.notes,
        )
        for m in Meeting.objects.filter(consultation=consultation).order_by("held_at", "pk")
    ]
    summary = selectors.ExecutiveSummary(
        participants=participation.total,
        submissions=statistics.submissions,
        comments=statistics.comments,
        papers=statistics.papers,
        votes=statistics.votes_total,
        meetings=len(meetings),
        answered_percent=statistics.answered_percent,
        accepted_percent=statistics.accepted_percent,
        most_discussed=_refs(statistics.per_article, lambda r: r.submissions),
        most_opposed=_refs(statistics.per_article, lambda r: r.opposition),
        changes=changes,
    )
    return Report(
        language=get_language() or settings.LANGUAGE_CODE,
        generated_at=timezone.now(),
        include_private=include_private,
        consultation=selectors.ConsultationInfo(
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
            url=selectors._reverse([("consult:detail", {"slug": consultation.slug})]),
            answers_with_report=consultation.responses_visibility
            == Consultation.ResponsesVisibility.WITH_REPORT,
        ),
        proposals=proposal_infos,
        period=selectors.Period(
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            working_days=consultation.working_days,
            minimum_working_days=settings.CONSULTATION_MIN_WORKING_DAYS,
            is_short_round=consultation.is_short_round,
            justification=consultation.short_round_justification,
        ),
        methods=selectors.Methods(online_written=True, meetings=meetings, hearings=[]),
        participation=participation,
        submissions=[],
        statistics=statistics,
        summary=summary,
    )


_STAT_COMMENT_FIELDS = (
    "pk",
    "status",
    "author_id",
    "participant_id",
    "participant_type",
    "municipality",
    "country",
    "stance",
    "proposal_id",
    "section_id",
    "parent_id",
    "created_at",
)
_STAT_PAPER_FIELDS = ("pk", "status", "submitted_by_id", "organisation_id", "created_at")


class _StatResponse:
    __slots__ = ("outcome",)

    def __init__(self, outcome):
        self.outcome = outcome


class _StatRow:
    """A comment as ``selectors._statistics`` reads it (a tenth of a model instance)."""

    __slots__ = (*_STAT_COMMENT_FIELDS, "response")

    def __init__(self, *values):
        *fields, outcome = values
        for name, value in zip(_STAT_COMMENT_FIELDS, fields, strict=True):
            setattr(self, name, value)
        self.response = _StatResponse(outcome) if outcome else None


class _StatPoint:
    __slots__ = ("section_id",)

    def __init__(self, section_id):
        self.section_id = section_id


class _StatPoints:
    __slots__ = ("_items",)

    def __init__(self, items):
        self._items = items

    def all(self):
        return self._items


class _StatPaper:
    __slots__ = (*_STAT_PAPER_FIELDS, "response", "points")

    def __init__(self, *values):
        *fields, outcome, points = values
        for name, value in zip(_STAT_PAPER_FIELDS, fields, strict=True):
            setattr(self, name, value)
        self.response = _StatResponse(outcome) if outcome else None
        self.points = _StatPoints(points)


def _refs(rows, value):
    ranked = sorted((r for r in rows if value(r) > 0), key=lambda r: -value(r))
    return [
        selectors.ArticleRef(r.proposal_title, r.key, r.label, r.anchor, value(r))
        for r in ranked[: selectors.TOP_ARTICLES]
    ]


__all__ = ["ExportSource", "build_summary", "iter_entries", "submission_count"]


# =============================================================================================
# Flat rows, fast


class RowMaker:
    """``entry_to_row`` with the time zone looked up once per export instead of once per date
    (``timezone.localtime`` reads a context-local per call: 80 % of ``entry_to_row``'s time).
    Gives exactly what ``entry_to_row`` gives (pinned by the parity test)."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()

    def local(self, value) -> str:
        if value is None:
            return ""
        return value.astimezone(self.tz).replace(tzinfo=None).isoformat(" ", "minutes")

    def local_naive(self, value):
        """A datetime in the current time zone without its offset (spreadsheets have none)."""
        return value.astimezone(self.tz).replace(tzinfo=None) if value is not None else None

    def values(self, entry: SubmissionEntry) -> list[str]:
        """The row's values in ``SUBMISSION_ROW_FIELDS`` order."""
        answer = entry.answer
        text = entry.text
        status_note = entry.status_note
        if status_note and not text:
            text = status_note
        points = entry.points
        return [
            entry.tracking_number,
            entry.kind_label,
            self.local(entry.submitted_at),
            entry.author,
            entry.organisation,
            entry.author_email,
            entry.participant_type_label,
            entry.location,
            entry.proposal_title,
            entry.article_key,
            entry.article_label,
            entry.section_label,
            entry.stance_label,
            status_note or entry.status_label,
            text,
            entry.proposed_wording,
            entry.parent_tracking_number,
            entry.title,
            str(entry.pages) if entry.pages else "",
            entry.attachment_url,
            "\n".join(f"{p.label}: {p.text}" for p in points) if points else "",
            answer.outcome_label if answer else "",
            answer.justification if answer else "",
            answer.reflected_in_label if answer else "",
            self.local(answer.answered_at) if answer else "",
        ]

    def __call__(self, entry: SubmissionEntry) -> dict[str, str]:
        return dict(zip(ROW_FIELDS, self.values(entry), strict=True))
