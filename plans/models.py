"""Annual consultation plans: what an institution says it will put to public consultation in a year.

Kosovo's minimum standards ask every institution to publish, at the start of the year, the list
of the draft acts and policies it plans to consult on. Konsulta keeps that list next to the
consultations themselves, so anyone can see whether the promise was kept.

* ``ConsultationPlan``: one per institution and year; public once ``published_at`` is set.
* ``PlannedItem``: one planned draft (title, kind, the quarter it should be consulted in), linked
  to its consultation once the institution starts it.

An item's status is **computed** where the facts decide it, like a consultation's (time is
authoritative, see ``consult.models``):

* ``consulted``: the linked consultation has opened (it is open, closed or reported);
* ``late``: the planned quarter has ended and no linked consultation has opened;
* ``dropped``: the institution decided not to consult on it, with a reason (the only status set
  by hand, ``plans.services.planned_item_drop``);
* ``planned``: otherwise.

``PlannedItem.status`` stores the last status recorded (by the services and by the periodic
``plans.services.planned_items_refresh_status``, so the history shows when an item became late
or consulted); pages read ``effective_status``, which is always right.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from consult.models import Consultation

OPENED_STATUSES = (
    Consultation.Status.OPEN,
    Consultation.Status.CLOSED,
    Consultation.Status.REPORT_PUBLISHED,
)


def quarter_end(year: int, quarter: int) -> dt.datetime:
    """The moment a quarter ends: midnight (Kosovo time) at the start of the next quarter."""
    day = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ConsultationPlan(models.Model):
    institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultation_plans",
        verbose_name=_("institution"),
        limit_choices_to={"kind": Organisation.Kind.INSTITUTION},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("An introduction to the plan for the public (optional)."),
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

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("consultation plan")
        verbose_name_plural = _("consultation plans")
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"], name="plan_one_per_institution_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:detail", kwargs={"institution": self.institution.slug, "year": self.year}
        )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PlannedItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONSULTED = "consulted", _("Consulted")
        LATE = "late", _("Late")
        DROPPED = "dropped", _("Dropped")

    class Quarter(models.IntegerChoices):
        Q1 = 1, _("First quarter (January–March)")
        Q2 = 2, _("Second quarter (April–June)")
        Q3 = 3, _("Third quarter (July–September)")
        Q4 = 4, _("Fourth quarter (October–December)")

    plan = models.ForeignKey(
        ConsultationPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=30, choices=Consultation.Kind.choices)
    planned_quarter = models.PositiveSmallIntegerField(
        _("planned quarter"), choices=Quarter.choices
    )
    description = models.TextField(_("description"), blank=True)
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_items",
        verbose_name=_("consultation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("planned item")
        verbose_name_plural = _("planned items")
        ordering = ["planned_quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_quarter__gte=1, planned_quarter__lte=4),
                name="planned_item_quarter_1_to_4",
            ),
            # A consultation carries out at most one planned item.
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(consultation__isnull=False),
                name="planned_item_one_per_consultation",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def quarter_ends_at(self) -> dt.datetime:
        return quarter_end(self.plan.year, self.planned_quarter)

    def consultation_opened_at(self, now: dt.datetime) -> bool:
        c = self.consultation
        return c is not None and c.effective_status_at(now) in OPENED_STATUSES

    def effective_status_at(self, now: dt.datetime) -> str:
        if self.status == self.Status.DROPPED:
            return self.Status.DROPPED
        if self.consultation_opened_at(now):
            return self.Status.CONSULTED
        if now >= self.quarter_ends_at:
            return self.Status.LATE
        return self.Status.PLANNED

    @property
    def effective_status(self) -> str:
        return self.effective_status_at(timezone.now())

    def get_effective_status_display(self) -> str:
        return str(self.Status(self.effective_status).label)

    @property
    def consulted_after_quarter(self) -> bool:
        """Consulted, but the consultation opened after the planned quarter had ended."""
        c = self.consultation
        return (
            self.effective_status == self.Status.CONSULTED
            and c.opens_at is not None
            and c.opens_at >= self.quarter_ends_at
        )
