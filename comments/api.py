"""REST endpoints for comments, replies, reactions, flags, moderation, official responses and
position papers.

* ``consultations/<slug>/proposals/<proposal>/comments/``: a draft's comments, with cursor
  pagination (a page does not shift when new comments arrive while someone reads), and new ones.
* ``comments/<id>/`` and its actions: edit, withdraw, history, reaction, flag, hide, restore,
  response.
* ``consultations/<slug>/position-papers/`` and ``position-papers/<tracking number>/...``.
* ``submissions/<tracking number>/``: the public status of any submission.
* ``users/<id>/block/``: moderators block a person from taking part.

Everything follows the consultation's visibility (``consult.api.visible_consultation``): the
comments of a draft consultation are a 404 to people who may not see it. Writes call
``comments.services``, which check the permission and validate; ``config.api.exception_handler``
turns their errors into 400/403 answers, and nothing is stored when they refuse.

Who sees what is decided in one place, ``comment_row``:

* everyone sees the author as they consented to be shown (``selectors.public_author``), the
  rendered and sanitised text of published comments, and the official response once responses
  are public (``services.responses_are_public``);
* a hidden comment shows only ``hidden_reason`` to the public; a withdrawn one shows no text to
  anyone (its author took it back; the row and its history stay for the record);
* officials of the institution, moderators and staff (``comments.see_identities`` on the
  consultation) also see who wrote each comment and the text of hidden ones, and responses before
  they are public;
* the author sees their own raw Markdown (to edit it) and their own hidden text.

The list's queries are built here with ``select_related`` (``comments.selectors`` belongs to the
pages and has no cursor-friendly queryset); a page costs the same number of queries whatever its
size, which ``tests/api_comments`` pins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad
from django.http import FileResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.models import User
from accounts.rules import require
from accounts.serializers import error_responses
from consult.api import visible_consultation
from consult.models import Consultation
from proposals.api import IN_CONSULTATION, IN_PROPOSAL, section_for_vote, visible_proposal
from proposals.models import Section

from . import services
from .models import Comment, OfficialResponse, PositionPaper, Reaction, Submission
from .selectors import (
    comment_get,
    position_papers_for,
    public_author,
    submission_by_tracking_number,
)
from .serializers import (
    BlockResultSerializer,
    BlockSerializer,
    CommentCreateSerializer,
    CommentEditSerializer,
    CommentFilterSerializer,
    CommentSerializer,
    CommentVersionSerializer,
    FlagResultSerializer,
    FlagSerializer,
    HideSerializer,
    OfficialResponseSerializer,
    PositionPaperSerializer,
    PositionPaperUploadSerializer,
    ReactionResultSerializer,
    ReactionSerializer,
    ResponseWriteSerializer,
    RestoreSerializer,
    SubmissionTrackingSerializer,
)

COMMENT_TAG = ["comments"]
MODERATION_TAG = ["moderation"]
PAPER_TAG = ["position papers"]
SUBMISSION_TAG = ["submissions"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_MAX = 64

IN_COMMENT = [
    OpenApiParameter("id", int, OpenApiParameter.PATH, description="The comment's id."),
]
IN_PAPER = [
    OpenApiParameter(
        "tracking_number",
        str,
        OpenApiParameter.PATH,
        description="The position paper's tracking number, e.g. `KON-2026-000123`.",
    ),
]
IN_SUBMISSION = [
    OpenApiParameter(
        "tracking_number",
        str,
        OpenApiParameter.PATH,
        description="The submission's tracking number, e.g. `KON-2026-000123`.",
    ),
]
IN_USER = [OpenApiParameter("id", int, OpenApiParameter.PATH, description="The person's id.")]
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (at most 64 characters, a UUID for instance). Sending the same "
        "request again with the same key answers the submission stored the first time (200) "
        "instead of storing a second one."
    ),
)

# The related rows every comment of a page needs, loaded with the page in one query.
COMMENT_RELATED = (
    "author",
    "organisation",
    "participant",
    "section",
    "response",
    "response__reflected_in",
)


# --- who sees what -------------------------------------------------------------------------


@dataclass
class Viewer:
    """The person asking, and what they may see in one consultation."""

    user: object
    privileged: bool
    responses_public: bool
    my_reactions: dict[int, str] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if getattr(self.user, "is_authenticated", False) else None


def viewer_for(request, consultation: Consultation, comment_ids=()) -> Viewer:
    user = request.user
    authenticated = getattr(user, "is_authenticated", False)
    mine = {}
    if authenticated and comment_ids:
        mine = dict(
            Reaction.objects.filter(user=user, comment_id__in=list(comment_ids)).values_list(
                "comment_id", "value"
            )
        )
    return Viewer(
        user=user,
        # The rule itself, not ``user.has_perm`` (see ``accounts.rules.require``).
        privileged=bool(
            authenticated and rules.has_perm("comments.see_identities", user, consultation)
        ),
        responses_public=services.responses_are_public(consultation),
        my_reactions=mine,
    )


def text_visible(comment: Comment, viewer: Viewer) -> bool:
    if comment.status == Comment.Status.PUBLISHED:
        return True
    if comment.status == Comment.Status.HIDDEN:
        return viewer.privileged or (
            viewer.user_id is not None and comment.author_id == viewer.user_id
        )
    return False  # withdrawn


def identity_row(user, organisation=None) -> dict | None:
    if user is None:
        return None
    return {
        "display_name": user.display_name,
        "email": user.email,
        "organisation": organisation.name if organisation is not None else None,
    }


def response_row(response: OfficialResponse | None) -> dict | None:
    if response is None:
        return None
    return {
        "outcome": response.outcome,
        "outcome_display": response.get_outcome_display(),
        "justification": response.justification,
        "reflected_in": response.reflected_in.key if response.reflected_in_id else None,
        "updated_at": response.updated_at,
    }


def visible_response(submission, viewer: Viewer) -> dict | None:
    if not (viewer.responses_public or viewer.privileged):
        return None
    return response_row(getattr(submission, "response", None))


def comment_row(comment: Comment, viewer: Viewer) -> dict:
    shown = text_visible(comment, viewer)
    mine = viewer.user_id is not None and comment.author_id == viewer.user_id
    return {
        "id": comment.pk,
        "tracking_number": comment.tracking_number,
        "consultation": comment.consultation.slug,
        "proposal": comment.proposal.slug,
        "section": comment.section.key if comment.section_id else None,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "stance": comment.stance,
        "status": comment.status,
        "hidden_reason": (
            (comment.hidden_reason or None) if comment.status == Comment.Status.HIDDEN else None
        ),
        "body": comment.body if shown and mine else None,
        "body_html": comment.body_html if shown else None,
        "proposed_wording": comment.proposed_wording if shown else None,
        "author": public_author(comment),
        "identity": (
            identity_row(comment.author, comment.organisation) if viewer.privileged else None
        ),
        "participant_type": comment.participant_type,
        "created_at": comment.created_at,
        "edited": comment.edited_at is not None,
        "edited_at": comment.edited_at,
        "agree_count": comment.agree_count,
        "disagree_count": comment.disagree_count,
        "my_reaction": viewer.my_reactions.get(comment.pk),
        "mine": mine,
        "response": visible_response(comment, viewer),
    }


# --- look-ups ------------------------------------------------------------------------------


def visible_comment(request, pk: int) -> Comment:
    """The comment if the person may see its consultation, else 404."""
    try:
        comment = comment_get(pk)
    except Comment.DoesNotExist:
        comment = None
    if comment is None or not request.user.has_perm(
        "consult.view_consultation", comment.consultation
    ):
        raise NotFound(_("There is no comment with this id."))
    return comment


def comment_data(request, pk: int) -> dict:
    """A comment freshly read, as the person asking may see it."""
    comment = visible_comment(request, pk)
    viewer = viewer_for(request, comment.consultation, [comment.pk])
    return CommentSerializer(comment_row(comment, viewer)).data


def parent_for(pk: int | None) -> Comment | None:
    if pk is None:
        return None
    parent = Comment.objects.filter(pk=pk).first()
    if parent is None:
        raise ValidationError({"parent": _("There is no comment with this id.")})
    return parent


def idempotency_key(request) -> str:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if len(key) > IDEMPOTENCY_MAX:
        raise ValidationError(
            {
                "idempotency_key": _(
                    "The Idempotency-Key header is too long (at most %(n)d characters)."
                )
                % {"n": IDEMPOTENCY_MAX}
            }
        )
    return key


def reflected_section(
    consultation: Consultation, value: str | None, *, proposal=None
) -> Section | None:
    """The article named by ``reflected_in``: a key (in ``proposal`` when given, else in the
    whole consultation) or ``<document slug>/<key>``."""
    value = (value or "").strip()
    if not value:
        return None
    qs = Section.objects.filter(proposal__consultation=consultation)
    if "/" in value:
        proposal_slug, key = value.split("/", 1)
        qs = qs.filter(proposal__slug=proposal_slug, key=key)
    elif proposal is not None:
        qs = qs.filter(proposal=proposal, key=value)
    else:
        qs = qs.filter(key=value)
    matches = list(qs.select_related("proposal")[:2])
    if not matches:
        raise ValidationError(
            {"reflected_in": _("This consultation has no article with this key.")}
        )
    if len(matches) > 1:
        raise ValidationError(
            {
                "reflected_in": _(
                    "Several documents of this consultation have an article with this key; "
                    "write it as <document slug>/<key>."
                )
            }
        )
    return matches[0]


# --- comment list --------------------------------------------------------------------------

# ``?ordering=``: the first field is the cursor's position. "Most agreed with" sorts on one
# computed, unique, fixed-width key (agree count, then id) so that the cursor stays exact: with
# the plain count, hundreds of comments sharing a count would need an offset, which DRF caps.
ORDERINGS = {
    "-created_at": ("-created_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "-agree_count": ("-agree_rank",),
}
RANK_WIDTH = 10 + 20


def with_agree_rank(qs: QuerySet[Comment]) -> QuerySet[Comment]:
    text = CharField()
    return qs.annotate(
        agree_rank=Concat(
            LPad(Cast("agree_count", text), 10, Value("0")),
            LPad(Cast("pk", text), 20, Value("0")),
            output_field=text,
        )
    )


def _valid_position(field_name: str, position: str) -> bool:
    if field_name == "agree_rank":
        return len(position) == RANK_WIDTH and position.isdigit()
    try:
        return parse_datetime(position) is not None
    except ValueError:
        return False


class CommentCursorPagination(CursorPagination):
    page_size = 50
    ordering = ORDERINGS["-created_at"]
    ordering_key = "-created_at"  # set by the view from the validated ``?ordering=``

    def get_ordering(self, request, queryset, view):
        return ORDERINGS[self.ordering_key]

    def decode_cursor(self, request):
        # A cursor made for another ordering (or tampered with) is refused like any invalid
        # cursor, instead of reaching the database as a value of the wrong type.
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and not _valid_position(self.ordering[0].lstrip("-"), position):
            raise NotFound(self.invalid_cursor_message)
        return cursor


class CommentListView(GenericAPIView):
    """The comments on a draft document and its sections; post a new comment or reply."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CommentSerializer
    pagination_class = CommentCursorPagination

    @extend_schema(
        tags=COMMENT_TAG,
        summary="List the comments on a draft",
        description=(
            "Newest first by default; `cursor` pages through (50 a page). Hidden and withdrawn "
            "comments stay in the list, without their text, so that replies keep their place. "
            "Filter with `section` (a key; empty for the comments on the whole draft), "
            "`parent` (the replies to one comment) or `threads=true` (top-level comments only)."
        ),
        parameters=[*IN_PROPOSAL, CommentFilterSerializer],
        responses={200: CommentSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        query = CommentFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = Comment.objects.filter(proposal=proposal).select_related(*COMMENT_RELATED)
        if "section" in filters:
            qs = qs.filter(section=section_for_vote(proposal, filters["section"]))
        if filters.get("parent"):
            if not Comment.objects.filter(pk=filters["parent"], proposal=proposal).exists():
                raise ValidationError({"parent": _("This draft has no comment with this id.")})
            qs = qs.filter(parent_id=filters["parent"])
        if filters.get("threads"):
            qs = qs.filter(parent__isnull=True)
        if filters["ordering"] == "-agree_count":
            qs = with_agree_rank(qs)
        self.paginator.ordering_key = filters["ordering"]
        page = self.paginate_queryset(qs)
        consultation = proposal.consultation
        for comment in page:
            comment.proposal = proposal
            comment.consultation = consultation
        viewer = viewer_for(request, consultation, [c.pk for c in page])
        rows = [comment_row(c, viewer) for c in page]
        return self.get_paginated_response(CommentSerializer(rows, many=True).data)

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Comment on a draft or one of its sections, or reply to a comment",
        description=(
            "Needs a verified account and an open consultation. The body is Markdown; it is "
            "rendered and sanitised (no scripts, no `javascript:` links). A receipt with the "
            "tracking number is emailed."
        ),
        parameters=[*IN_PROPOSAL, IDEMPOTENCY_PARAMETER],
        request=CommentCreateSerializer,
        responses={
            201: CommentSerializer,
            200: OpenApiResponse(
                CommentSerializer,
                description="A retry with the same Idempotency-Key: the comment stored first.",
            ),
            **error_responses(400, 403, 404),
        },
    )
    def post(self, request, slug: str, proposal_slug: str):
        proposal = visible_proposal(request, slug, proposal_slug)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency_key(request)
        data = dict(serializer.validated_data)
        section = section_for_vote(proposal, data.pop("section"))
        parent = parent_for(data.pop("parent"))
        retried = (
            bool(key) and Comment.objects.filter(author=request.user, idempotency_key=key).exists()
        )
        comment = services.comment_create(
            actor=request.user,
            proposal=proposal,
            section=section,
            parent=parent,
            idempotency_key=key,
            **data,
        )
        return Response(
            comment_data(request, comment.pk),
            status=status.HTTP_200_OK if retried else status.HTTP_201_CREATED,
        )


# --- one comment ---------------------------------------------------------------------------


class CommentDetailView(GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CommentSerializer

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Retrieve a comment",
        parameters=IN_COMMENT,
        responses={200: CommentSerializer, **error_responses(404)},
    )
    def get(self, request, id: int):
        return Response(comment_data(request, id))

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Edit your comment while the consultation is open",
        description="Earlier versions stay in the comment's history; it is marked as edited.",
        parameters=IN_COMMENT,
        request=CommentEditSerializer,
        responses={200: CommentSerializer, **error_responses(400, 403, 404)},
    )
    def patch(self, request, id: int):
        comment = visible_comment(request, id)
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.comment_edit(
            actor=request.user,
            comment=comment,
            body=data.get("body", comment.body),
            stance=data.get("stance"),
            proposed_wording=data.get("proposed_wording"),
        )
        return Response(comment_data(request, id))


class CommentWithdrawView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CommentSerializer

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Withdraw your comment while the consultation is open",
        description="Its text is no longer shown; the record of it stays.",
        parameters=IN_COMMENT,
        request=None,
        responses={200: CommentSerializer, **error_responses(403, 404)},
    )
    def post(self, request, id: int):
        comment = visible_comment(request, id)
        services.comment_withdraw(actor=request.user, comment=comment)
        return Response(comment_data(request, id))


class CommentHistoryView(GenericAPIView):
    serializer_class = CommentVersionSerializer
    pagination_class = None

    @extend_schema(
        tags=COMMENT_TAG,
        summary="The versions of a comment's text, oldest first",
        description=(
            "Public for published comments; the text of a hidden comment only for the "
            "institution's officials, moderators, staff and its author; none for a withdrawn one."
        ),
        parameters=IN_COMMENT,
        responses={200: CommentVersionSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request, id: int):
        comment = visible_comment(request, id)
        if not text_visible(comment, viewer_for(request, comment.consultation)):
            raise PermissionDenied(_("The history of a hidden or withdrawn comment is not public."))
        rows, last = [], None
        for record in comment.history.order_by("history_date", "history_id"):
            if record.body == last:
                continue  # a change of status, not of the text
            last = record.body
            rows.append({"date": record.history_date, "body_html": record.body_html})
        return Response(CommentVersionSerializer(rows, many=True).data)


class ReactionView(GenericAPIView):
    """Agree or disagree with a comment: one reaction per person, changing it replaces it."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReactionSerializer

    def _result(self, comment: Comment, value: str | None) -> Response:
        return Response(
            ReactionResultSerializer(
                {
                    "value": value,
                    "agree_count": comment.agree_count,
                    "disagree_count": comment.disagree_count,
                }
            ).data
        )

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Agree or disagree with a comment",
        description="Needs a verified account and an open consultation; not on your own comment.",
        parameters=IN_COMMENT,
        request=ReactionSerializer,
        responses={200: ReactionResultSerializer, **error_responses(400, 403, 404)},
    )
    def put(self, request, id: int):
        comment = visible_comment(request, id)
        serializer = ReactionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = serializer.validated_data["value"]
        comment = services.reaction_set(actor=request.user, comment=comment, value=value)
        return self._result(comment, value)

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Take back your reaction to a comment",
        parameters=IN_COMMENT,
        request=None,
        responses={200: ReactionResultSerializer, **error_responses(403, 404)},
    )
    def delete(self, request, id: int):
        comment = visible_comment(request, id)
        comment = services.reaction_set(actor=request.user, comment=comment, value=None)
        return self._result(comment, None)


class FlagView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FlagSerializer

    @extend_schema(
        tags=MODERATION_TAG,
        summary="Flag a comment for the moderators",
        description=(
            "Once per person per comment. A comment flagged by several people is hidden until "
            "a moderator reviews it."
        ),
        parameters=IN_COMMENT,
        request=FlagSerializer,
        responses={201: FlagResultSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request, id: int):
        comment = visible_comment(request, id)
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_create(
            actor=request.user, comment=comment, **serializer.validated_data
        )
        return Response(FlagResultSerializer(flag).data, status=status.HTTP_201_CREATED)


class HideView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = HideSerializer

    @extend_schema(
        tags=MODERATION_TAG,
        summary="Hide a comment, giving the reason (moderators and the institution's officials)",
        parameters=IN_COMMENT,
        request=HideSerializer,
        responses={200: CommentSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request, id: int):
        comment = visible_comment(request, id)
        serializer = HideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_hide(actor=request.user, comment=comment, **serializer.validated_data)
        return Response(comment_data(request, id))


class RestoreView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RestoreSerializer

    @extend_schema(
        tags=MODERATION_TAG,
        summary="Restore a hidden comment (moderators and the institution's officials)",
        parameters=IN_COMMENT,
        request=RestoreSerializer,
        responses={200: CommentSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request, id: int):
        comment = visible_comment(request, id)
        serializer = RestoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_restore(actor=request.user, comment=comment, **serializer.validated_data)
        return Response(comment_data(request, id))


RESPONSE_DESCRIPTION = (
    "Officials of the institution (and staff), from the opening of the consultation. A "
    "rejection or partial acceptance needs a justification. Answering again changes the "
    "answer; every version is kept. The submitter is emailed when the answer is public."
)


def _answer(request, *, consultation, proposal=None, **target) -> Response:
    """Set the institution's answer to one submission (``comment=`` or ``position_paper=``) from
    the request body, and answer with it as it is stored."""
    serializer = ResponseWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    require(
        request.user,
        "comments.respond",
        consultation,
        _("Only officials of the institution can answer submissions of this consultation."),
    )
    response = services.response_set(
        actor=request.user,
        outcome=data["outcome"],
        justification=data["justification"],
        reflected_in=reflected_section(consultation, data["reflected_in"], proposal=proposal),
        **target,
    )
    response = OfficialResponse.objects.select_related("reflected_in").get(pk=response.pk)
    return Response(OfficialResponseSerializer(response_row(response)).data)


class CommentResponseView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ResponseWriteSerializer

    @extend_schema(
        tags=COMMENT_TAG,
        summary="Answer a comment (officials)",
        description=RESPONSE_DESCRIPTION,
        parameters=IN_COMMENT,
        request=ResponseWriteSerializer,
        responses={200: OfficialResponseSerializer, **error_responses(400, 403, 404)},
    )
    def put(self, request, id: int):
        comment = visible_comment(request, id)
        return _answer(
            request, consultation=comment.consultation, proposal=comment.proposal, comment=comment
        )


# --- position papers -----------------------------------------------------------------------


def paper_row(request, paper: PositionPaper, viewer: Viewer) -> dict:
    url = reverse("position-paper-attachment", kwargs={"tracking_number": paper.tracking_number})
    return {
        "tracking_number": paper.tracking_number,
        "organisation": paper.organisation,
        "title": paper.title,
        "summary": paper.summary,
        "status": paper.status,
        "created_at": paper.created_at,
        "attachment_url": request.build_absolute_uri(url),
        "attachment_size": paper.attachment_size,
        "pages": paper.attachment_pages,
        "points": [{"section": p.section.key, "text": p.text} for p in paper.points.all()],
        "submitted_by": identity_row(paper.submitted_by) if viewer.privileged else None,
        "response": visible_response(paper, viewer),
    }


def visible_papers(request, consultation: Consultation, viewer: Viewer) -> QuerySet:
    qs = position_papers_for(consultation).select_related("submitted_by")
    if not viewer.privileged:
        qs = qs.filter(status=PositionPaper.Status.PUBLISHED)
    return qs


def visible_paper(request, tracking_number: str) -> PositionPaper:
    paper = (
        PositionPaper.objects.select_related("consultation__institution")
        .filter(tracking_number=(tracking_number or "").strip().upper())
        .first()
    )
    if paper is None or not request.user.has_perm("consult.view_consultation", paper.consultation):
        raise NotFound(_("There is no position paper with this tracking number."))
    return paper


def read_upload(upload) -> bytes:
    """The file's bytes, refusing it before reading it all when it is over the limit."""
    limit = settings.POSITION_PAPER_MAX_BYTES
    too_large = ValidationError(
        {
            "attachment": _("The file is too large (at most %(mb)d MB).")
            % {"mb": max(1, limit // (1024 * 1024))}
        }
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


class PositionPaperListView(GenericAPIView):
    """The position papers submitted in a consultation; CSO representatives submit one."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PositionPaperSerializer
    pagination_class = None

    @extend_schema(
        tags=PAPER_TAG,
        summary="List the position papers of a consultation",
        parameters=IN_CONSULTATION,
        responses={200: PositionPaperSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, slug: str):
        consultation = visible_consultation(request, slug)
        viewer = viewer_for(request, consultation)
        papers = visible_papers(request, consultation, viewer)
        rows = [paper_row(request, paper, viewer) for paper in papers]
        return Response(PositionPaperSerializer(rows, many=True).data)

    @extend_schema(
        tags=PAPER_TAG,
        summary="Submit a position paper (representatives of a verified CSO)",
        description=(
            "The attachment must be a real PDF (checked by its content, not its name) no larger "
            "than the limit; it is stored under a generated name. A refused submission leaves "
            "no row and no file behind."
        ),
        parameters=[*IN_CONSULTATION, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": PositionPaperUploadSerializer},
        responses={
            201: PositionPaperSerializer,
            200: OpenApiResponse(
                PositionPaperSerializer,
                description="A retry with the same Idempotency-Key: the paper stored first.",
            ),
            **error_responses(400, 403, 404),
        },
    )
    def post(self, request, slug: str):
        consultation = visible_consultation(request, slug)
        serializer = PositionPaperUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency_key(request)
        data = dict(serializer.validated_data)
        pdf = read_upload(data.pop("attachment"))
        retried = (
            bool(key)
            and PositionPaper.objects.filter(
                submitted_by=request.user, idempotency_key=key
            ).exists()
        )
        paper = services.position_paper_submit(
            actor=request.user,
            consultation=consultation,
            pdf=pdf,
            idempotency_key=key,
            **data,
        )
        viewer = viewer_for(request, consultation)
        stored = position_papers_for(consultation).select_related("submitted_by").get(pk=paper.pk)
        return Response(
            PositionPaperSerializer(paper_row(request, stored, viewer)).data,
            status=status.HTTP_200_OK if retried else status.HTTP_201_CREATED,
        )


class PositionPaperAttachmentView(GenericAPIView):
    serializer_class = PositionPaperSerializer  # for the schema generator; answers a file

    def perform_content_negotiation(self, request, force=False):
        # The answer is a file whatever the client accepts (``Accept: application/pdf`` would
        # otherwise be a 406); refusals fall back to JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=PAPER_TAG,
        summary="Download a position paper's PDF",
        parameters=IN_PAPER,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(404)},
    )
    def get(self, request, tracking_number: str):
        paper = visible_paper(request, tracking_number)
        viewer = viewer_for(request, paper.consultation)
        if paper.status != PositionPaper.Status.PUBLISHED and not viewer.privileged:
            raise NotFound(_("There is no position paper with this tracking number."))
        try:
            handle = paper.attachment.open("rb")
        except (FileNotFoundError, ValueError):
            raise NotFound(_("The file of this position paper is missing.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{paper.tracking_number}.pdf",
            content_type="application/pdf",
        )


class PositionPaperResponseView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ResponseWriteSerializer

    @extend_schema(
        tags=PAPER_TAG,
        summary="Answer a position paper (officials)",
        description=RESPONSE_DESCRIPTION,
        parameters=IN_PAPER,
        request=ResponseWriteSerializer,
        responses={200: OfficialResponseSerializer, **error_responses(400, 403, 404)},
    )
    def put(self, request, tracking_number: str):
        paper = visible_paper(request, tracking_number)
        return _answer(request, consultation=paper.consultation, position_paper=paper)


# --- submissions and people ----------------------------------------------------------------


class SubmissionStatusView(GenericAPIView):
    serializer_class = SubmissionTrackingSerializer

    @extend_schema(
        tags=SUBMISSION_TAG,
        summary="The status of a submission, by its tracking number",
        description=(
            "Anyone holding a tracking number can follow the submission: its status and the "
            "institution's answer once answers are public."
        ),
        parameters=IN_SUBMISSION,
        responses={200: SubmissionTrackingSerializer, **error_responses(404)},
    )
    def get(self, request, tracking_number: str):
        submission = submission_by_tracking_number(tracking_number)
        if submission is None or not request.user.has_perm(
            "consult.view_consultation", submission.consultation
        ):
            raise NotFound(_("There is no submission with this tracking number."))
        viewer = viewer_for(request, submission.consultation)
        is_comment = isinstance(submission, Comment)
        row = {
            "tracking_number": submission.tracking_number,
            "kind": "comment" if is_comment else "position_paper",
            "status": submission.status,
            "status_display": Submission.Status(submission.status).label,
            "consultation": submission.consultation.slug,
            "proposal": submission.proposal.slug if is_comment else None,
            "created_at": submission.created_at,
            "response": visible_response(submission, viewer),
        }
        return Response(SubmissionTrackingSerializer(row).data)


class BlockView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = BlockSerializer

    @extend_schema(
        tags=MODERATION_TAG,
        summary="Block a person from taking part (site moderators)",
        description="Blocking again replaces the reason. Kept in the moderation record.",
        parameters=IN_USER,
        request=BlockSerializer,
        responses={200: BlockResultSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request, id: int):
        # The permission first: people who may not block learn nothing about who exists.
        require(
            request.user, "comments.block_user", None, _("Only site moderators can block people.")
        )
        user = User.objects.filter(pk=id).first()
        if user is None:
            raise NotFound(_("There is no person with this id."))
        serializer = BlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = services.participation_block(
            actor=request.user, user=user, reason=serializer.validated_data["reason"]
        )
        return Response(
            BlockResultSerializer(
                {"user": user.pk, "reason": block.reason, "created_at": block.created_at}
            ).data
        )
