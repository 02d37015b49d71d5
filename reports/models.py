"""The consultation report: the meetings officials record, and the published versions.

* ``Meeting``: a consultation method other than the online written round (a meeting with
  stakeholders, a round table), recorded by an official of the institution for the report.
* ``ReportVersion``: one *published* report, frozen. Publishing stores one row **per language**
  (``sq``, ``sr-latn``, ``en``) sharing the same ``number``; each row holds the serialised
  ``Report`` built in that language (``snapshot``, see ``reports.selectors.report_to_dict``) and
  the rendered report body (``html``). A correction publishes a new number (with a note) for the
  three languages; earlier numbers stay as they were. Rows are never edited after publication.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.models import Consultation


class Meeting(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="meetings"
    )
    held_at = models.DateTimeField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    participants_description = models.TextField(
        _("who took part"),
        blank=True,
        help_text=_("The organisations and groups that took part, for example."),
    )
    participants_count = models.PositiveIntegerField(_("number of participants"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["held_at", "pk"]

    def __str__(self) -> str:
        return f"{self.place} ({self.held_at:%Y-%m-%d})"


class ReportVersion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="report_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    snapshot = models.JSONField(_("report data"))
    html = models.TextField(_("report text"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        ordering = ["consultation", "-number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number", "language"],
                name="report_version_number_language_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} – report v{self.number} ({self.language})"
