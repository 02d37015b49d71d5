"""Live public hearings: a session an institution holds during a consultation's round, in a hall,
online, or both, where people ask questions and make remarks that everyone sees at once.

* ``Hearing``: one session of one consultation, with its planned time and place and its state
  (``scheduled -> live -> ended``, or ``scheduled -> cancelled``); the actual start and end
  times are recorded when the officials press start and end.
* ``HearingItem``: a question or a remark posted during the session, by a person numbered like
  the consultation's commenters (``comments.models.Participant``: "Participant #N" is the same
  person across comments and hearings), with the same publication consent as comments, a status
  the moderators set (answered, hidden with a reason category) and the number of upvotes.
* ``HearingUpvote``: one per person per item (a database constraint).

Everything posted stays: ending a hearing makes its record read-only, hiding keeps the row and
its history (``django-simple-history`` on every model), and the report lists every item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from comments.models import Consent, FlagReason, Participant
from consult.models import Consultation


class Hearing(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live now")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="hearings",
        verbose_name=_("consultation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where people can attend in person; leave empty for an online-only hearing."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("public hearing")
        verbose_name_plural = _("public hearings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["consultation", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="hearing_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["scheduled", "live", "ended", "cancelled"]),
                name="hearing_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hearings:detail", kwargs={"slug": self.consultation.slug, "pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_over(self) -> bool:
        return self.status in (self.Status.ENDED, self.Status.CANCELLED)


class HearingItem(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        REMARK = "remark", _("Remark")

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Not answered")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden by moderation")

    hearing = models.ForeignKey(
        Hearing, on_delete=models.CASCADE, related_name="items", verbose_name=_("hearing")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="hearing_items",
        verbose_name=_("author"),
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="hearing_items"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearing_items",
        verbose_name=_("organisation"),
    )
    consent = models.CharField(_("publication"), max_length=14, choices=Consent.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=20, choices=FlagReason.choices, blank=True
    )
    answer_note = models.TextField(_("answer note"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    upvote_count = models.PositiveIntegerField(_("upvotes"), default=0)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["upvote_count"])

    class Meta:
        verbose_name = _("hearing question or remark")
        verbose_name_plural = _("hearing questions and remarks")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["hearing", "created_at"]),
            models.Index(fields=["hearing", "upvote_count"]),
            models.Index(fields=["author", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["question", "remark"]),
                name="hearing_item_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["visible", "answered", "hidden"]),
                name="hearing_item_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN


class HearingUpvote(models.Model):
    item = models.ForeignKey(HearingItem, on_delete=models.CASCADE, related_name="upvotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="hearing_upvote_one_per_person")
        ]
