"""Reads for consultation plans, in a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Organisation
from accounts.selectors import institutions_for_official
from consult.models import Consultation
from consult.selectors import public_consultations

from .models import ConsultationPlan, PlannedItem

St = PlannedItem.Status
STATUS_ORDER = [St.CONSULTED, St.PLANNED, St.LATE, St.DROPPED]


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=PlannedItem.objects.select_related("consultation").order_by(
            "planned_quarter", "pk"
        ),
    )


@dataclass
class PlanSummary:
    plan: ConsultationPlan
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """``(status, label, count)`` in display order, only the statuses present."""
        return [
            (status, str(St(status).label), self.counts[status])
            for status in STATUS_ORDER
            if self.counts.get(status)
        ]


def _summaries(plans, now: dt.datetime) -> list[PlanSummary]:
    out = []
    for plan in plans:
        counts = Counter(item.effective_status_at(now) for item in plan.items.all())
        out.append(PlanSummary(plan, dict(counts)))
    return out


def plan_summary(plan: ConsultationPlan, now: dt.datetime | None = None) -> PlanSummary:
    return _summaries([plan], now or timezone.now())[0]


def published_plans(
    *, year: int | None = None, institution: str = "", now: dt.datetime | None = None
) -> list[PlanSummary]:
    """Published plans (newest year first), each with its items' counts by status."""
    now = now or timezone.now()
    qs = ConsultationPlan.objects.filter(published_at__isnull=False).select_related("institution")
    if year:
        qs = qs.filter(year=year)
    if institution:
        qs = qs.filter(institution__slug=institution)
    qs = qs.prefetch_related(_items_prefetch()).order_by("-year", "institution__name")
    return _summaries(qs, now)


def plan_years() -> list[int]:
    return list(
        ConsultationPlan.objects.filter(published_at__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def plan_institutions() -> QuerySet[Organisation]:
    return Organisation.objects.filter(consultation_plans__published_at__isnull=False).distinct()


def plan_get(*, institution: str, year: int) -> ConsultationPlan:
    """One plan with its items and their consultations (published or not: the caller checks)."""
    return (
        ConsultationPlan.objects.select_related("institution")
        .prefetch_related(_items_prefetch())
        .get(institution__slug=institution, year=year)
    )


def plan_get_by_pk(pk: int) -> ConsultationPlan:
    return (
        ConsultationPlan.objects.select_related("institution")
        .prefetch_related(_items_prefetch())
        .get(pk=pk)
    )


def planned_item_get(pk: int) -> PlannedItem:
    return PlannedItem.objects.select_related("plan", "plan__institution", "consultation").get(
        pk=pk
    )


def workspace_plans(user, *, now: dt.datetime | None = None) -> list[PlanSummary]:
    """The plans of the institutions where the person is an official (all of them for staff),
    published or not."""
    now = now or timezone.now()
    if getattr(user, "is_staff", False):
        qs = ConsultationPlan.objects.all()
    else:
        qs = ConsultationPlan.objects.filter(institution__in=institutions_for_official(user))
    qs = (
        qs.select_related("institution")
        .prefetch_related(_items_prefetch())
        .order_by("-year", "institution__name")
    )
    return _summaries(qs, now)


def linkable_consultations(plan: ConsultationPlan) -> QuerySet[Consultation]:
    """The institution's consultations that carry out no planned item yet (drafts included:
    officials may link a consultation while preparing it)."""
    return (
        Consultation.objects.filter(institution_id=plan.institution_id)
        .exclude(status=Consultation.Status.WITHDRAWN)
        .filter(planned_items__isnull=True)
        .order_by("-created_at")
    )


@dataclass
class InstitutionPage:
    institution: Organisation
    consultations: list[Consultation]
    plans: list[ConsultationPlan]


def institution_page(slug: str, *, limit: int = 100) -> InstitutionPage:
    """An institution's public page: its public consultations (newest first) and published
    plans. Three queries."""
    institution = Organisation.objects.get(slug=slug, kind=Organisation.Kind.INSTITUTION)
    consultations = list(
        public_consultations().filter(institution=institution).order_by("-opens_at", "-pk")[:limit]
    )
    plans = list(
        ConsultationPlan.objects.filter(
            institution=institution, published_at__isnull=False
        ).order_by("-year")
    )
    for plan in plans:
        plan.institution = institution
    return InstitutionPage(institution, consultations, plans)
