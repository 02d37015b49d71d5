"""Reads for comments and submissions, in a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.utils.translation import gettext as _

from .models import (
    Comment,
    Consent,
    Flag,
    OfficialResponse,
    PositionPaper,
    PositionPaperPoint,
    Reaction,
)

SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "agreed": ("-agree_count", "-created_at", "-pk"),
}


def public_author(comment: Comment) -> str:
    """The author as the public may see them, following their consent."""
    if comment.consent == Consent.NAME and comment.author_id:
        name = str(comment.author)
        if comment.organisation_id:
            return f"{name} ({comment.organisation.name})"
        return name
    if comment.consent == Consent.ORGANISATION and comment.organisation_id:
        return comment.organisation.name
    return _("Participant #%(n)d") % {"n": comment.participant.number}


def _base(qs: QuerySet[Comment]) -> QuerySet[Comment]:
    return qs.select_related(
        "author", "organisation", "participant", "section", "response", "response__reflected_in"
    )


@dataclass
class ThreadNode:
    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)
    my_reaction: str | None = None


def comment_threads(
    *,
    proposal,
    section=None,
    whole_draft: bool = False,
    sort: str = "newest",
    offset: int = 0,
    limit: int = 20,
    user=None,
) -> tuple[list[ThreadNode], int]:
    """A page of top-level comments with all their replies, and the number of top-level
        comments. At most five queries whatever the number of comments: count, roots, replies (two
    levels), reactions."""
    roots_qs = Comment.objects.filter(proposal=proposal, parent__isnull=True)
    if section is not None:
        roots_qs = roots_qs.filter(section=section)
    elif whole_draft:
        roots_qs = roots_qs.filter(section__isnull=True)
    total = roots_qs.count()
    roots = list(
        _base(roots_qs).order_by(*SORTS.get(sort, SORTS["newest"]))[offset : offset + limit]
    )
    root_ids = [c.pk for c in roots]
    # Replies, and replies to replies (threads are two levels deep): two queries, each a lookup
    # by the indexed parent column. One query with "parent in roots OR parent's parent in roots"
    # makes PostgreSQL read every comment of the table (bench/README.md).
    replies = []
    if root_ids:
        replies = [
            *_base(Comment.objects.filter(parent_id__in=root_ids)),
            *_base(Comment.objects.filter(parent__parent_id__in=root_ids)),
        ]
        replies.sort(key=lambda c: (c.created_at, c.pk))
    mine: dict[int, str] = {}
    if user is not None and getattr(user, "is_authenticated", False) and root_ids:
        ids = root_ids + [c.pk for c in replies]
        mine = dict(
            Reaction.objects.filter(user=user, comment_id__in=ids).values_list(
                "comment_id", "value"
            )
        )
    nodes = {c.pk: ThreadNode(c, my_reaction=mine.get(c.pk)) for c in [*roots, *replies]}
    for c in replies:
        nodes[c.parent_id].replies.append(nodes[c.pk])
    return [nodes[pk] for pk in root_ids], total


def comment_counts_by_section(proposal) -> dict[int | None, int]:
    """Published comments per section (``None``: on the whole draft), one query."""
    rows = (
        Comment.objects.filter(proposal=proposal)
        .exclude(status=Comment.Status.WITHDRAWN)
        .values("section_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["section_id"]: r["n"] for r in rows}


def comment_get(pk: int) -> Comment:
    return _base(Comment.objects.select_related("consultation__institution", "proposal")).get(pk=pk)


def submission_by_tracking_number(number: str):
    number = (number or "").strip().upper()
    comment = (
        _base(Comment.objects.select_related("consultation", "proposal"))
        .filter(tracking_number=number)
        .first()
    )
    if comment is not None:
        return comment
    return (
        PositionPaper.objects.select_related(
            "consultation", "organisation", "response", "response__reflected_in"
        )
        .filter(tracking_number=number)
        .first()
    )


def position_papers_for(consultation) -> QuerySet[PositionPaper]:
    return (
        PositionPaper.objects.filter(consultation=consultation)
        .exclude(status=PositionPaper.Status.WITHDRAWN)
        .select_related("organisation", "response", "response__reflected_in")
        .prefetch_related("points__section")
        .order_by("created_at")
    )


def published_position_papers(consultation, *, newest_first: bool = False):
    """The consultation's published position papers with what their public card shows, each
    annotated with ``total``: the number of published papers, counted in the same query (a window
    function), so that a page shows a slice and the count without another query."""
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    return (
        PositionPaper.objects.filter(
            consultation=consultation, status=PositionPaper.Status.PUBLISHED
        )
        .select_related("organisation", "response", "response__reflected_in")
        .defer("attachment_text")  # the PDF's text, for search only
        .prefetch_related("points__section")
        .annotate(total=Window(Count("pk")))
        .order_by(*order)
    )


def moderation_queue(*, consultations) -> QuerySet[Comment]:
    """Flagged or hidden comments awaiting review in the given consultations."""
    return (
        _base(Comment.objects.select_related("consultation", "proposal", "section__parent"))
        .filter(consultation__in=consultations)
        .filter(
            Q(status=Comment.Status.HIDDEN)
            | Q(flags__reviewed=False, status=Comment.Status.PUBLISHED)
        )
        .distinct()
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("user")))
        .order_by("-flag_count", "-created_at")
    )


def submissions_for_workspace(
    consultation,
    *,
    section_key: str = "",
    stance: str = "",
    participant_type: str = "",
    answered: str = "",
    status: str = "",
) -> QuerySet[Comment]:
    qs = _base(Comment.objects.select_related("proposal")).filter(consultation=consultation)
    if section_key:
        qs = qs.filter(section__key=section_key)
    if stance:
        qs = qs.filter(stance=stance)
    if participant_type:
        qs = qs.filter(participant_type=participant_type)
    if answered == "yes":
        qs = qs.filter(response__isnull=False)
    elif answered == "no":
        qs = qs.filter(response__isnull=True)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


def unanswered_count(consultation) -> int:
    comments = Comment.objects.filter(consultation=consultation, response__isnull=True).exclude(
        status=Comment.Status.WITHDRAWN
    )
    papers = PositionPaper.objects.filter(consultation=consultation, response__isnull=True).exclude(
        status=PositionPaper.Status.WITHDRAWN
    )
    return comments.count() + papers.count()


def response_for(submission) -> OfficialResponse | None:
    return getattr(submission, "response", None) if hasattr(submission, "response") else None


# --- Officials' workspace: every submission of a consultation --------------------------------
#
# Comments and position papers are listed together, oldest first. The page of 50 is counted and
# cut in the database over a UNION of the two tables' keys (``workspace_submission_rows``), then
# the rows of that page are loaded with everything a row shows (``workspace_submissions_load``):
# a fixed number of queries whatever the number of submissions.

KIND_COMMENT = "comment"
KIND_PAPER = "paper"


def _under_section(section) -> Q:
    """The section itself or any section below it (article > paragraph > point > sub-point)."""
    q = Q()
    path = "section"
    for _level in range(4):
        q |= Q(**{path: section})
        path += "__parent"
    return q


def workspace_submission_rows(
    consultation,
    *,
    kind: str = "",
    section=None,
    whole_draft=None,
    stance: str = "",
    participant_type: str = "",
    answered: str = "",
    status: str = "",
) -> QuerySet:
    """``(created_at, kind, id)`` of the consultation's comments and position papers that match
    the filters, oldest first.

    ``section``: submissions about that section or one below it (comments anchored there,
    papers with a point there); ``whole_draft`` (a proposal): comments on the whole draft.
    A position paper has no stance and is always a CSO's; ``answered="no"`` leaves out withdrawn
    submissions, like ``unanswered_count``.
    """
    comments = Comment.objects.filter(consultation=consultation)
    papers = PositionPaper.objects.filter(consultation=consultation)
    if kind == KIND_COMMENT:
        papers = papers.none()
    elif kind == KIND_PAPER:
        comments = comments.none()
    if section is not None:
        comments = comments.filter(_under_section(section))
        papers = papers.filter(
            Exists(
                PositionPaperPoint.objects.filter(paper=OuterRef("pk")).filter(
                    _under_section(section)
                )
            )
        )
    elif whole_draft is not None:
        comments = comments.filter(proposal=whole_draft, section__isnull=True)
        papers = papers.none()
    if stance:
        comments = comments.filter(stance=stance)
        papers = papers.none()
    if participant_type:
        comments = comments.filter(participant_type=participant_type)
        if participant_type != "cso":
            papers = papers.none()
    if answered == "yes":
        comments = comments.filter(response__isnull=False)
        papers = papers.filter(response__isnull=False)
    elif answered == "no":
        comments = comments.filter(response__isnull=True).exclude(status=Comment.Status.WITHDRAWN)
        papers = papers.filter(response__isnull=True).exclude(status=PositionPaper.Status.WITHDRAWN)
    if status:
        comments = comments.filter(status=status)
        papers = papers.filter(status=status)
    kind_field = CharField(max_length=8)
    c_rows = comments.annotate(kind=Value(KIND_COMMENT, kind_field)).values_list(
        "created_at", "kind", "id"
    )
    p_rows = papers.annotate(kind=Value(KIND_PAPER, kind_field)).values_list(
        "created_at", "kind", "id"
    )
    return c_rows.order_by().union(p_rows.order_by(), all=True).order_by("created_at", "kind", "id")


@dataclass
class WorkspaceSubmission:
    """One comment or position paper as the officials see it."""

    kind: str
    obj: Comment | PositionPaper

    @property
    def is_paper(self) -> bool:
        return self.kind == KIND_PAPER

    @property
    def person(self):
        """The real author (officials see identities whatever the consent)."""
        return self.obj.submitted_by if self.is_paper else self.obj.author

    @property
    def response(self):
        return getattr(self.obj, "response", None)

    @property
    def sections(self) -> list:
        """What the submission is about: the comment's section, the sections of the paper's
        points (an empty list: the whole draft or consultation)."""
        if self.is_paper:
            return [point.section for point in self.obj.points.all()]
        return [self.obj.section] if self.obj.section_id else []


def _workspace_comments():
    return _base(
        Comment.objects.select_related(
            "proposal", "parent", "section__parent", "response__responded_by"
        )
    )


def _workspace_papers():
    return PositionPaper.objects.select_related(
        "organisation",
        "submitted_by",
        "response",
        "response__reflected_in",
        "response__responded_by",
    ).prefetch_related(
        Prefetch("points", queryset=PositionPaperPoint.objects.select_related("section__parent"))
    )


def workspace_submissions_load(rows) -> list[WorkspaceSubmission]:
    """The submissions of ``rows`` (from ``workspace_submission_rows``) in that order: one query
    for the comments, two for the papers and their points."""
    rows = list(rows)
    comment_ids = [pk for _at, kind, pk in rows if kind == KIND_COMMENT]
    paper_ids = [pk for _at, kind, pk in rows if kind == KIND_PAPER]
    comments = _workspace_comments().in_bulk(comment_ids) if comment_ids else {}
    papers = _workspace_papers().in_bulk(paper_ids) if paper_ids else {}
    loaded = []
    for _at, kind, pk in rows:
        obj = comments.get(pk) if kind == KIND_COMMENT else papers.get(pk)
        if obj is not None:
            loaded.append(WorkspaceSubmission(kind, obj))
    return loaded


def workspace_submission_get(consultation, tracking_number: str) -> WorkspaceSubmission | None:
    """One submission of the consultation by its tracking number, with what the answer page
    shows (its answer, the article, the paper's points)."""
    number = (tracking_number or "").strip().upper()
    comment = (
        _workspace_comments()
        .select_related("section__proposal")
        .filter(consultation=consultation, tracking_number=number)
        .first()
    )
    if comment is not None:
        return WorkspaceSubmission(KIND_COMMENT, comment)
    paper = _workspace_papers().filter(consultation=consultation, tracking_number=number).first()
    return WorkspaceSubmission(KIND_PAPER, paper) if paper is not None else None


def next_unanswered(consultation, *, after=None) -> str | None:
    """The tracking number of the next submission still waiting for an answer: the first one
    submitted after ``after`` (a comment or paper), else the oldest one; ``None`` when every
    submission has its answer."""
    comments = Comment.objects.filter(consultation=consultation, response__isnull=True).exclude(
        status=Comment.Status.WITHDRAWN
    )
    papers = PositionPaper.objects.filter(consultation=consultation, response__isnull=True).exclude(
        status=PositionPaper.Status.WITHDRAWN
    )
    if after is not None:
        comments = comments.exclude(tracking_number=after.tracking_number)
        papers = papers.exclude(tracking_number=after.tracking_number)

    def first(since=None):
        found = []
        for qs in (comments, papers):
            if since is not None:
                qs = qs.filter(created_at__gte=since)
            row = qs.order_by("created_at", "pk").values_list("created_at", "tracking_number")
            row = row.first()
            if row is not None:
                found.append(row)
        return min(found)[1] if found else None

    if after is not None:
        number = first(after.created_at)
        if number is not None:
            return number
    return first()


def response_history(response) -> list:
    """Every recorded version of an answer, newest first, with who gave it (one query)."""
    if response is None:
        return []
    return list(
        response.history.select_related("history_user", "reflected_in").order_by(
            "-history_date", "-history_id"
        )[:100]
    )


def workspace_article_options(consultation) -> list:
    """The consultation's drafts with their preamble and articles (removed ones too: comments on
    them stay), for the "article" filter: ``[(proposal, [section, ...]), ...]``, two queries."""
    from proposals.models import Proposal, Section

    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("position", "pk"))
    by_proposal: dict[int, list] = {p.pk: [] for p in proposals}
    sections = Section.objects.filter(
        proposal__consultation=consultation, kind__in=["preamble", "article"]
    ).order_by("position", "pk")
    for section in sections:
        by_proposal[section.proposal_id].append(section)
    return [(p, by_proposal[p.pk]) for p in proposals]


def reflectable_sections(consultation) -> list:
    """The articles and paragraphs of the current text of the consultation's drafts, in order,
    with their draft (one query): what an answer can point at as "reflected in"."""
    from proposals.models import Section

    return list(
        Section.objects.filter(
            proposal__consultation=consultation,
            is_current=True,
            kind__in=["preamble", "article", "paragraph"],
        )
        .select_related("proposal")
        .order_by("proposal__position", "proposal_id", "position")
    )


# --- Moderation ------------------------------------------------------------------------------


def moderation_log(*, consultations=None, include_blocks: bool = True, limit: int = 50) -> list:
    """The latest moderation decisions, newest first (one query). ``consultations``: only the
    decisions about comments of these (``None``: all); ``include_blocks``: with the blocks and
    unblocks of people, which are about no consultation."""
    from .models import ModerationAction

    qs = ModerationAction.objects.select_related(
        "actor", "target_user", "comment", "comment__consultation"
    )
    if consultations is not None:
        about = Q(comment__consultation__in=consultations)
        if include_blocks:
            about |= Q(comment__isnull=True)
        qs = qs.filter(about)
    elif not include_blocks:
        qs = qs.filter(comment__isnull=False)
    return list(qs.order_by("-created_at", "-pk")[:limit])


def blocked_user_ids(user_ids) -> set[int]:
    from .models import ParticipationBlock

    ids = [pk for pk in set(user_ids) if pk is not None]
    if not ids:
        return set()
    return set(ParticipationBlock.objects.filter(user_id__in=ids).values_list("user_id", flat=True))


def participation_blocks(*, limit: int = 50) -> list:
    """The people blocked from taking part, latest first, with who blocked them (one query)."""
    from .models import ParticipationBlock

    return list(
        ParticipationBlock.objects.select_related("user", "blocked_by").order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def moderation_comment_get(tracking_number: str) -> Comment | None:
    """A comment with its consultation and flags, for a moderation action (two queries)."""
    number = (tracking_number or "").strip().upper()
    return (
        _base(Comment.objects.select_related("consultation", "proposal", "section__parent"))
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("user")))
        .filter(tracking_number=number)
        .first()
    )


def participation_block_get(user):
    from .models import ParticipationBlock

    return ParticipationBlock.objects.select_related("blocked_by").filter(user=user).first()
