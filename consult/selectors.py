"""Reads for consultations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.selectors import institutions_for_official

from .languages import language_codes
from .models import Consultation

S = Consultation.Status


def _status_q(status: str, now: dt.datetime) -> Q:
    """Filter by *effective* status (time is authoritative, see models)."""
    if status == S.OPEN:
        return Q(status__in=[S.SCHEDULED, S.OPEN], opens_at__lte=now, closes_at__gt=now)
    if status == S.SCHEDULED:
        return Q(status=S.SCHEDULED, opens_at__gt=now)
    if status == S.CLOSED:
        return Q(status=S.CLOSED) | Q(status__in=[S.SCHEDULED, S.OPEN], closes_at__lte=now)
    return Q(status=status)


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.exclude(status=S.DRAFT).select_related("institution")


def consultation_list(
    *,
    status: str = "",
    institution: str = "",
    kind: str = "",
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Consultation]:
    now = now or timezone.now()
    qs = public_consultations()
    if status in S.values and status != S.DRAFT:
        qs = qs.filter(_status_q(status, now))
    if institution:
        qs = qs.filter(institution__slug=institution)
    if kind in Consultation.Kind.values:
        qs = qs.filter(kind=kind)
    if q:
        # The title and summary in every language they are given in.
        match = Q(title__icontains=q) | Q(summary__icontains=q)
        for code in language_codes():
            match |= Q(**{f"title_translations__{code}__icontains": q})
            match |= Q(**{f"summary_translations__{code}__icontains": q})
        qs = qs.filter(match)
    return qs.order_by("-opens_at", "-pk")


def home_sections(*, now: dt.datetime | None = None, limit: int = 6) -> dict[str, list]:
    now = now or timezone.now()
    base = public_consultations()
    open_qs = base.filter(_status_q(S.OPEN, now))
    return {
        "open": list(open_qs.order_by("-opens_at")[:limit]),
        "closing_soon": list(
            open_qs.filter(closes_at__lte=now + dt.timedelta(days=7)).order_by("closes_at")[:limit]
        ),
        "upcoming": list(base.filter(_status_q(S.SCHEDULED, now)).order_by("opens_at")[:limit]),
        "reported": list(base.filter(status=S.REPORT_PUBLISHED).order_by("-closes_at")[:limit]),
        "recently_closed": list(
            base.filter(_status_q(S.CLOSED, now)).order_by("-closes_at")[:limit]
        ),
    }


def consultation_get(slug: str) -> Consultation:
    return Consultation.objects.select_related("institution").get(slug=slug)


def workspace_consultations(user) -> QuerySet[Consultation]:
    """Every consultation of the institutions where the person is an official (drafts too)."""
    if getattr(user, "is_staff", False):
        qs = Consultation.objects.all()
    else:
        qs = Consultation.objects.filter(institution__in=institutions_for_official(user))
    return qs.select_related("institution").order_by("-created_at")
