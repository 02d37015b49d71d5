"""REST serializers for comments, reactions, flags, moderation, official responses and position
papers.

Read serializers take plain dicts built by ``comments.api`` (``comment_row``, ``paper_row``, ...),
which decide what the person asking may see; a value the person may not see is ``null``, never the
real value. Write serializers only check the shape of the input; the rules (lengths, who may do
what and when) are the services' job, so the API and the pages answer the same way. Choice fields
carry the services' own messages, so a wrong choice reads the same whichever layer catches it.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organisation
from accounts.serializers import (
    EnumChoiceField,
    OrganisationSummarySerializer,
    RejectUnknownFieldsMixin,
)

from .models import (
    Consent,
    FlagReason,
    OfficialResponse,
    ParticipantType,
    Reaction,
    Stance,
    Submission,
)

# ``?ordering=`` of the comment list.
ORDERING_CHOICES = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("-agree_count", _("Most agreed with first")),
]
SUBMISSION_KINDS = [
    ("comment", _("Comment")),
    ("position_paper", _("Position paper")),
]

STANCE_MESSAGE = _("Choose in favour, against or neutral.")
CONSENT_MESSAGE = _("Choose how your name is shown.")
PARTICIPANT_TYPE_MESSAGE = _("Choose who you are.")
EMPTY_BODY_MESSAGE = _("Write your comment; it cannot be empty.")
REACTION_MESSAGE = _("Choose agree or disagree.")
FLAG_REASON_MESSAGE = _("Choose a reason for the flag.")
HIDE_REASON_MESSAGE = _("Choose the reason category.")
OUTCOME_MESSAGE = _("Choose the outcome.")
BLOCK_REASON_MESSAGE = _("Say why the person is blocked.")
POINTS_MESSAGE = _(
    'Give the points as a JSON object of article keys and texts, e.g. {"neni-1": "..."}.'
)


def _choice_messages(message) -> dict:
    return {"invalid_choice": message, "required": message, "null": message, "blank": message}


def stance_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(Stance.choices, enum_name="CommentStance", **kwargs)


def status_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(Submission.Status.choices, enum_name="SubmissionStatus", **kwargs)


def flag_reason_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(FlagReason.choices, enum_name="FlagReason", **kwargs)


def reaction_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(Reaction.Value.choices, enum_name="ReactionValue", **kwargs)


def outcome_field(**kwargs) -> EnumChoiceField:
    return EnumChoiceField(OfficialResponse.Outcome.choices, enum_name="ResponseOutcome", **kwargs)


def _megabytes(size: int) -> int:
    return max(1, size // (1024 * 1024))


# --- reads ---------------------------------------------------------------------------------


class OfficialResponseSerializer(serializers.Serializer):
    """The institution's answer to a submission."""

    outcome = outcome_field(read_only=True)
    outcome_display = serializers.CharField(read_only=True)
    justification = serializers.CharField(
        read_only=True, help_text=_("Why; required when rejected or partly accepted.")
    )
    reflected_in = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Key of the article of the draft where the submission is reflected."),
    )
    updated_at = serializers.DateTimeField(read_only=True)


class IdentitySerializer(serializers.Serializer):
    """Who really wrote a submission (only for the institution's officials, moderators and
    staff)."""

    display_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    organisation = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("The organisation named with it, if any.")
    )


class CommentSerializer(serializers.Serializer):
    """A comment or reply, as the person asking may see it.

    A hidden comment shows no text to the public, only `hidden_reason`; a withdrawn one shows
    no text to anyone. `identity` is filled only for officials of the institution, moderators
    and staff; `body` (the raw Markdown) only for the author.
    """

    id = serializers.IntegerField(read_only=True)
    tracking_number = serializers.CharField(read_only=True)
    consultation = serializers.SlugField(read_only=True, help_text=_("The consultation's slug."))
    proposal = serializers.SlugField(read_only=True, help_text=_("The draft document's slug."))
    section = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Key of the section commented on; null for the whole draft."),
    )
    parent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Id of the comment replied to.")
    )
    depth = serializers.IntegerField(
        read_only=True, help_text=_("0 for a comment, 1 for a reply, 2 for a reply to a reply.")
    )
    stance = stance_field(read_only=True)
    status = status_field(read_only=True)
    hidden_reason = flag_reason_field(
        read_only=True, allow_null=True, help_text=_("Why the comment is hidden; null otherwise.")
    )
    body = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The Markdown as written; only for its author."),
    )
    body_html = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The comment rendered and sanitised; null when its text is not shown."),
    )
    proposed_wording = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("The wording the author proposes, if any.")
    )
    author = serializers.CharField(
        read_only=True,
        help_text=_(
            "The author as they agreed to be shown: their name, their organisation, or "
            '"Participant #N".'
        ),
    )
    identity = IdentitySerializer(read_only=True, allow_null=True)
    participant_type = EnumChoiceField(
        ParticipantType.choices, enum_name="ParticipantType", read_only=True
    )
    created_at = serializers.DateTimeField(read_only=True)
    edited = serializers.BooleanField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    agree_count = serializers.IntegerField(read_only=True)
    disagree_count = serializers.IntegerField(read_only=True)
    my_reaction = reaction_field(
        read_only=True, allow_null=True, help_text=_("Your reaction to it, if any.")
    )
    mine = serializers.BooleanField(read_only=True, help_text=_("You wrote it."))
    response = OfficialResponseSerializer(read_only=True, allow_null=True)


class CommentVersionSerializer(serializers.Serializer):
    """One version of a comment's text."""

    date = serializers.DateTimeField(read_only=True)
    body_html = serializers.CharField(read_only=True)


class ReactionResultSerializer(serializers.Serializer):
    """Your reaction to a comment and its updated counts."""

    value = reaction_field(read_only=True, allow_null=True)
    agree_count = serializers.IntegerField(read_only=True)
    disagree_count = serializers.IntegerField(read_only=True)


class FlagResultSerializer(serializers.Serializer):
    """A flag you raised on a comment, for the moderators."""

    reason = flag_reason_field(read_only=True)
    note = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class BlockResultSerializer(serializers.Serializer):
    """A person blocked from taking part."""

    user = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class PaperPointSerializer(serializers.Serializer):
    section = serializers.CharField(read_only=True, help_text=_("Key of the article."))
    text = serializers.CharField(read_only=True)


class PositionPaperSerializer(serializers.Serializer):
    """A civil-society organisation's position paper."""

    tracking_number = serializers.CharField(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    status = status_field(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    attachment_url = serializers.URLField(
        read_only=True, help_text=_("Where to download the PDF (served as an attachment).")
    )
    attachment_size = serializers.IntegerField(read_only=True, help_text=_("In bytes."))
    pages = serializers.IntegerField(read_only=True)
    points = PaperPointSerializer(many=True, read_only=True)
    submitted_by = IdentitySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The representative who submitted it (officials, moderators and staff)."),
    )
    response = OfficialResponseSerializer(read_only=True, allow_null=True)


class SubmissionTrackingSerializer(serializers.Serializer):
    """The public status of a comment or position paper, found by its tracking number."""

    tracking_number = serializers.CharField(read_only=True)
    kind = EnumChoiceField(SUBMISSION_KINDS, enum_name="SubmissionKind", read_only=True)
    status = status_field(read_only=True)
    status_display = serializers.CharField(read_only=True)
    consultation = serializers.SlugField(read_only=True)
    proposal = serializers.SlugField(
        read_only=True, allow_null=True, help_text=_("The draft commented on (comments only).")
    )
    created_at = serializers.DateTimeField(read_only=True)
    response = OfficialResponseSerializer(read_only=True, allow_null=True)


# --- query parameters ----------------------------------------------------------------------


class CommentFilterSerializer(serializers.Serializer):
    """Query parameters of the comment list."""

    section = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text=_(
            "Only the comments on the section with this key; empty (`?section=`) for the "
            "comments on the whole draft."
        ),
    )
    parent = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Only the direct replies to this comment."),
        error_messages={
            "invalid": _("Give the id of a comment."),
            "min_value": _("Give the id of a comment."),
        },
    )
    threads = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Only top-level comments (no replies)."),
    )
    ordering = EnumChoiceField(
        ORDERING_CHOICES,
        enum_name="CommentOrdering",
        required=False,
        default="-created_at",
        error_messages={"invalid_choice": _("Choose created_at, -created_at or -agree_count.")},
    )

    def validate(self, attrs):
        if attrs.get("threads") and attrs.get("parent"):
            raise serializers.ValidationError(
                {
                    "threads": _(
                        "Ask either for the replies to one comment or for the top-level "
                        "comments, not both."
                    )
                }
            )
        return attrs


# --- writes --------------------------------------------------------------------------------


class CommentEditSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """What the author may change (send only what changes)."""

    body = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("The comment in Markdown; rendered and sanitised."),
        error_messages={"null": EMPTY_BODY_MESSAGE},
    )
    stance = stance_field(required=False, error_messages=_choice_messages(STANCE_MESSAGE))
    proposed_wording = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("The text you propose for the article, if any."),
    )


class CommentCreateSerializer(CommentEditSerializer):
    """A new comment or reply. Send an `Idempotency-Key` header to make a retry safe."""

    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("The comment in Markdown; rendered and sanitised."),
        error_messages={"required": EMPTY_BODY_MESSAGE, "null": EMPTY_BODY_MESSAGE},
    )
    stance = stance_field(error_messages=_choice_messages(STANCE_MESSAGE))
    consent = EnumChoiceField(
        Consent.choices,
        enum_name="Consent",
        help_text=_("How the author is shown to the public."),
        error_messages=_choice_messages(CONSENT_MESSAGE),
    )
    participant_type = EnumChoiceField(
        ParticipantType.choices,
        enum_name="ParticipantType",
        error_messages=_choice_messages(PARTICIPANT_TYPE_MESSAGE),
    )
    section = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=80,
        default=None,
        help_text=_(
            "Key of the section commented on; null (or absent) for the whole draft. A reply is "
            "always about its parent's section."
        ),
    )
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=_("Id of the comment replied to (at most three levels)."),
        error_messages={
            "invalid": _("Give the id of the comment you reply to."),
            "min_value": _("Give the id of the comment you reply to."),
        },
    )
    proposed_wording = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text=_("The text you propose for the article, if any."),
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Slug of your organisation, to name it with the comment."),
        error_messages={
            "does_not_exist": _("There is no organisation with this identifier."),
            "invalid": _("Give the organisation's identifier (its slug)."),
        },
    )
    municipality = serializers.CharField(
        required=False, allow_blank=True, max_length=60, default=""
    )
    country = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        default="",
        help_text=_("Two-letter country code, for the diaspora."),
    )


class ReactionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    value = reaction_field(error_messages=_choice_messages(REACTION_MESSAGE))


class FlagSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = flag_reason_field(error_messages=_choice_messages(FLAG_REASON_MESSAGE))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        error_messages={"max_length": _("The note is too long (at most 500 characters).")},
    )


class HideSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = flag_reason_field(error_messages=_choice_messages(HIDE_REASON_MESSAGE))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=_("For the moderation record."),
    )


class RestoreSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=_("For the moderation record."),
    )


class ResponseWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = outcome_field(error_messages=_choice_messages(OUTCOME_MESSAGE))
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the outcome is rejected or partially accepted."),
    )
    reflected_in = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=200,
        default=None,
        help_text=_(
            "Key of the article where the submission is reflected, or `<document slug>/<key>` "
            "when several documents of the consultation have that key; null for none."
        ),
    )


class BlockSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        help_text=_("Why the person is blocked (kept in the moderation record)."),
        error_messages={"required": BLOCK_REASON_MESSAGE, "blank": BLOCK_REASON_MESSAGE},
    )


class PdfFileField(serializers.FileField):
    """An uploaded PDF. Only the size is checked here (before anything is read); the content is
    checked by parsing it, in the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("The position paper as a PDF document."))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose a file to upload."),
                "invalid": _("The upload is not a file. Send it as multipart/form-data."),
                "no_name": _("The file has no name."),
            },
        )
        super().__init__(allow_empty_file=True, use_url=False, **kwargs)

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        limit = settings.POSITION_PAPER_MAX_BYTES
        if upload.size > limit:
            raise serializers.ValidationError(
                _("The file is too large (at most %(mb)d MB).") % {"mb": _megabytes(limit)}
            )
        return upload


class PointsField(serializers.CharField):
    """``{"<section key>": "<text>"}`` sent as a JSON string in a form field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise serializers.ValidationError(POINTS_MESSAGE) from None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise serializers.ValidationError(POINTS_MESSAGE)
        return value


class PositionPaperUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text=_("Slug of the civil-society organisation you represent."),
        error_messages={
            "required": _("Choose the organisation you submit for."),
            "does_not_exist": _("There is no organisation with this identifier."),
            "invalid": _("Give the organisation's identifier (its slug)."),
        },
    )
    title = serializers.CharField(
        allow_blank=True,
        error_messages={"required": _("Give the position paper a title.")},
    )
    summary = serializers.CharField(
        allow_blank=True,
        error_messages={"required": _("Write a summary of your position.")},
    )
    attachment = PdfFileField()
    points = PointsField(
        required=False,
        default=dict,
        help_text=_(
            'Points by article, as a JSON object string: {"neni-1": "Our point about '
            'article 1", ...}.'
        ),
    )
