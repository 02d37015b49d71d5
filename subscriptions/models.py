"""Following things, and the notifications that follow from it.

* ``Subscription``: a signed-in person follows an institution, a kind of act, a planned item or
  a consultation, with a frequency: one email per event (``immediate``) or a weekly digest.
  One per person per target (partial unique constraints).
* ``NotificationSettings``: a person's switches for what they get without following anything
  (replies to their comments, answers to their submissions; both on by default: no row means
  the defaults) and the time of their last weekly digest.
* ``Notification``: one event for one person, written in the transaction of the service that
  caused it and sent afterwards by a background job (``subscriptions.tasks``), or gathered into
  the weekly digest. ``sent_at`` / ``digest_sent_at`` say it went out; until then a failed
  attempt leaves it pending and it is tried again (``subscriptions.delivery``).
* ``EventMarker``: "this event was announced for this consultation", for the events that must
  go out once only (a consultation closing in three working days).

What each event is and who gets it is described in ``subscriptions.notify``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from consult.models import Consultation
from plans.models import PlannedItem


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("An email for every event")
    WEEKLY = "weekly", _("A weekly summary")


class Target(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    KIND = "kind", _("Kind of act")
    PLANNED_ITEM = "planned_item", _("Planned item")
    CONSULTATION = "consultation", _("Consultation")


class Subscription(models.Model):
    Target = Target

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    target_type = models.CharField(_("follows"), max_length=20, choices=Target.choices)
    institution = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    kind = models.CharField(
        _("kind of act"), max_length=30, choices=Consultation.Kind.choices, blank=True
    )
    planned_item = models.ForeignKey(
        PlannedItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("planned item"),
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("consultation"),
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["target_type", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="subscription_target_matches_type",
                condition=(
                    Q(
                        target_type=Target.INSTITUTION,
                        institution__isnull=False,
                        kind="",
                        planned_item__isnull=True,
                        consultation__isnull=True,
                    )
                    | Q(
                        target_type=Target.KIND,
                        institution__isnull=True,
                        planned_item__isnull=True,
                        consultation__isnull=True,
                    )
                    & ~Q(kind="")
                    | Q(
                        target_type=Target.PLANNED_ITEM,
                        institution__isnull=True,
                        kind="",
                        planned_item__isnull=False,
                        consultation__isnull=True,
                    )
                    | Q(
                        target_type=Target.CONSULTATION,
                        institution__isnull=True,
                        kind="",
                        planned_item__isnull=True,
                        consultation__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "institution"],
                condition=Q(target_type=Target.INSTITUTION),
                name="subscription_unique_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(target_type=Target.KIND),
                name="subscription_unique_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "planned_item"],
                condition=Q(target_type=Target.PLANNED_ITEM),
                name="subscription_unique_planned_item",
            ),
            models.UniqueConstraint(
                fields=["user", "consultation"],
                condition=Q(target_type=Target.CONSULTATION),
                name="subscription_unique_consultation",
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "kind"], name="subscription_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.target_label}"

    @property
    def target(self):
        return {
            self.Target.INSTITUTION: self.institution,
            self.Target.KIND: self.kind,
            self.Target.PLANNED_ITEM: self.planned_item,
            self.Target.CONSULTATION: self.consultation,
        }[self.target_type]

    @property
    def target_label(self) -> str:
        if self.target_type == self.Target.KIND:
            return str(Consultation.Kind(self.kind).label)
        return str(self.target)


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    replies = models.BooleanField(
        _("replies to my comments"),
        default=True,
        help_text=_("An email when someone replies to one of your comments."),
    )
    answers = models.BooleanField(
        _("answers to my submissions"),
        default=True,
        help_text=_(
            "An email when the institution answers one of your comments or position papers."
        ),
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class Notification(models.Model):
    class Event(models.TextChoices):
        CONSULTATION_OPENED = "consultation_opened", _("A consultation opened")
        CLOSING_SOON = "closing_soon", _("A consultation closes in three working days")
        VERSION_PUBLISHED = "version_published", _("A new version of a draft was published")
        COMMENT_REPLY = "comment_reply", _("Someone replied to your comment")
        REPORT_PUBLISHED = "report_published", _("The consultation report was published")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event_type = models.CharField(_("event"), max_length=30, choices=Event.choices)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The subscription that asked for it (none for replies, which come from the settings).
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    # Delivery bookkeeping: a sender claims rows for a while (so two senders never send the
    # same one), counts attempts and keeps the last error.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["frequency", "sent_at"], name="notification_pending_idx"),
            models.Index(fields=["user", "digest_sent_at"], name="notification_digest_idx"),
            models.Index(fields=["event_type", "consultation"], name="notification_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.user}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None or self.digest_sent_at is not None


class EventMarker(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=30, choices=Notification.Event.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "event_type"], name="event_marker_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.consultation_id}"
