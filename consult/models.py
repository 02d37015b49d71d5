"""A consultation: one institution asking the public about one or more draft texts.

Lifecycle (transitions are services in ``consult.services``)::

    draft -> scheduled -> open -> closed -> report_published
      \\________\\___________\\-> withdrawn

Time is authoritative: a scheduled consultation whose ``opens_at`` has passed *is* open, and an
open one whose ``closes_at`` has passed *is* closed, whether or not the scheduler has stored the
new status yet (``effective_status``). The scheduler (``consultation_advance_by_time``) then records
the transition in the history.

Languages: ``language`` is the language the title and summary were written in (and, by default,
the draft documents); ``title_translations`` and ``summary_translations`` map the site's other
language codes to the same text in that language. ``title_in(lang)`` / ``summary_in(lang)`` fall
back to the original. See ``consult.languages`` and ``proposals.models``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation


class Consultation(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("Draft law")
        REGULATION = "regulation", _("Regulation")
        ADMINISTRATIVE_INSTRUCTION = "administrative_instruction", _("Administrative instruction")
        STRATEGY = "strategy", _("Strategy")
        CONCEPT_DOCUMENT = "concept_document", _("Concept document")
        ACTION_PLAN = "action_plan", _("Action plan")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        REPORT_PUBLISHED = "report_published", _("Report published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("institution"),
        limit_choices_to={"kind": Organisation.Kind.INSTITUTION},
    )
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(
        _("language of the texts"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="sq",
        help_text=_("The language the title, the summary and the drafts are written in."),
    )
    # Language code -> text, for the languages other than ``language`` (consult.services
    # validates them: site languages only, length limits, no empty texts).
    title_translations = models.JSONField(_("title in other languages"), default=dict, blank=True)
    summary_translations = models.JSONField(
        _("summary in other languages"), default=dict, blank=True
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact email"))
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    short_round_justification = models.TextField(
        _("justification for a shorter round"),
        blank=True,
        help_text=_(
            "Required when the written round is shorter than the minimum number of working days."
        ),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class ResponsesVisibility(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as they are given")
        WITH_REPORT = "with_report", _("When the report is published")

    responses_visibility = models.CharField(
        _("official answers are public"),
        max_length=12,
        choices=ResponsesVisibility.choices,
        default=ResponsesVisibility.IMMEDIATE,
    )
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
    # The number of the last live event about this consultation (realtime.events), raised by an
    # atomic UPDATE inside the writing service's transaction. save() writes back the value it
    # loaded, so services save consultations only under select_for_update (consult.services).
    event_seq = models.PositiveBigIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "event_seq"])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-created_at"]
        indexes = [models.Index(fields=["status", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consult:detail", kwargs={"slug": self.slug})

    def title_in(self, language: str | None) -> str:
        """The title in ``language`` when it exists, else the original title."""
        if language and language != self.language:
            return (self.title_translations or {}).get(language) or self.title
        return self.title

    def summary_in(self, language: str | None) -> str:
        """The summary in ``language`` when it exists, else the original summary."""
        if language and language != self.language:
            return (self.summary_translations or {}).get(language) or self.summary
        return self.summary

    @property
    def text_languages(self) -> list[str]:
        """The original language first, then those with a translated title or summary."""
        from .languages import language_codes

        translated = set(self.title_translations or {}) | set(self.summary_translations or {})
        return [self.language] + [
            code for code in language_codes() if code in translated and code != self.language
        ]

    def effective_status_at(self, now) -> str:
        S = self.Status
        if self.status in (S.SCHEDULED, S.OPEN) and self.closes_at and now >= self.closes_at:
            return S.CLOSED
        if self.status == S.SCHEDULED and self.opens_at and now >= self.opens_at:
            return S.OPEN
        return self.status

    @property
    def effective_status(self) -> str:
        return self.effective_status_at(timezone.now())

    def get_effective_status_display(self) -> str:
        return str(self.Status(self.effective_status).label)

    @property
    def is_open(self) -> bool:
        return self.effective_status == self.Status.OPEN

    @property
    def is_public(self) -> bool:
        """Visible to everyone: anything past the draft stage."""
        return self.status != self.Status.DRAFT

    @property
    def working_days(self) -> int | None:
        from .workdays import working_days_between

        if not (self.opens_at and self.closes_at):
            return None
        return working_days_between(self.opens_at, self.closes_at)

    @property
    def is_short_round(self) -> bool:
        days = self.working_days
        return days is not None and days < settings.CONSULTATION_MIN_WORKING_DAYS
