"""What people say in a consultation, and what the institution answers.

* ``Comment``: on a whole draft or on one section (by the section's stable anchor, so it stays
  attached across versions), threaded by an explicit parent (three levels), with a stance, an
  optional proposed wording, publication consent, and a tracking number.
* ``PositionPaper``: a CSO's formal position, submitted by its representative, with a PDF.
* ``Reaction`` and ``Flag``: one per person per comment (database constraints).
* ``OfficialResponse``: the institution's answer to one submission (comment or position paper).
* ``ModerationAction`` and ``ParticipationBlock``: moderation decisions, kept with who, when, why.
* ``Participant``: a person's number in one consultation ("Participant #N"), so people who chose
  not to be named stay distinguishable without being identified.

Nothing here is ever deleted by the platform: hidden and withdrawn submissions keep their rows and
their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from consult.models import Consultation
from proposals.models import Proposal, Section


class ParticipantType(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CSO = "cso", _("Civil society organisation")
    BUSINESS = "business", _("Business")
    ACADEMIC = "academic", _("Academia")
    INSTITUTION = "institution", _("Public institution")


class Consent(models.TextChoices):
    NAME = "name", _("Show my name")
    ORGANISATION = "organisation", _("Show only my organisation")
    HIDDEN = "hidden", _("Do not show who I am to the public")


class Stance(models.TextChoices):
    IN_FAVOUR = "for", _("In favour")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or hateful")
    OFF_TOPIC = "off_topic", _("Off-topic")
    PERSONAL_DATA = "personal_data", _("Reveals personal data")
    OTHER = "other", _("Other")


class TrackingCounter(models.Model):
    """The last tracking number given out in a year (``KON-2026-000123``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Participant(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], name="participant_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["consultation", "number"], name="participant_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Submission(models.Model):
    """Fields shared by comments and position papers."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by moderation")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=20, choices=FlagReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        abstract = True


class Comment(Submission):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="comments")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("organisation"),
    )
    consent = models.CharField(_("publication"), max_length=14, choices=Consent.choices)
    participant_type = models.CharField(
        _("participant type"), max_length=12, choices=ParticipantType.choices
    )
    municipality = models.CharField(_("municipality"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False, default="")
    proposed_wording = models.TextField(_("proposed wording"), blank=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords(excluded_fields=["agree_count", "disagree_count", "flag_count"])

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="comment_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=models.Q(depth__lte=2), name="comment_depth_max"),
        ]
        indexes = [
            models.Index(fields=["proposal", "section", "created_at"]),
            models.Index(fields=["consultation", "created_at"]),
            models.Index(fields=["parent"]),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class PositionPaper(Submission):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="position_papers"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="position_papers",
        verbose_name=_("organisation"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"))
    attachment = models.FileField(_("PDF document"), upload_to="position-papers/%Y/")
    attachment_size = models.PositiveIntegerField(default=0)
    attachment_pages = models.PositiveIntegerField(default=0)
    attachment_text = models.TextField(blank=True, editable=False)
    idempotency_key = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords(excluded_fields=["attachment_text"])

    class Meta:
        verbose_name = _("position paper")
        verbose_name_plural = _("position papers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="position_paper_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number


class PositionPaperPoint(models.Model):
    """A position paper's point about one article."""

    paper = models.ForeignKey(PositionPaper, on_delete=models.CASCADE, related_name="points")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paper_points")
    text = models.TextField(_("point"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["paper", "section__position"]


class Reaction(models.Model):
    class Value(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    value = models.CharField(max_length=8, choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="reaction_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(value__in=["agree", "disagree"]), name="reaction_value_valid"
            ),
        ]


class Flag(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="flag_one_per_person")
        ]


class OfficialResponse(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY = "partially", _("Partially accepted")
        REJECTED = "rejected", _("Rejected")
        NOTED = "noted", _("Noted")

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="response"
    )
    position_paper = models.OneToOneField(
        PositionPaper, on_delete=models.CASCADE, null=True, blank=True, related_name="response"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    justification = models.TextField(_("justification"), blank=True)
    reflected_in = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reflected in article"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "notified_at"])

    class Meta:
        verbose_name = _("official response")
        verbose_name_plural = _("official responses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(comment__isnull=False, position_paper__isnull=True)
                    | models.Q(comment__isnull=True, position_paper__isnull=False)
                ),
                name="response_answers_exactly_one_submission",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["rejected", "partially"], justification=""),
                name="response_justified_when_rejected_or_partial",
            ),
        ]


class ModerationAction(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        AUTO_HIDE = "auto_hide", _("Hidden after flags, pending review")
        BLOCK = "block", _("Person blocked")
        UNBLOCK = "unblock", _("Person unblocked")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=20, choices=FlagReason.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]


class ParticipationBlock(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_block"
    )
    reason = models.TextField(_("reason"))
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
