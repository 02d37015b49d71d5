"""Helpers for the comment API tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from comments import services
from consult.models import Consultation
from tests.api.helpers import API, proposal_url


def comments_url(proposal) -> str:
    return proposal_url(proposal, "comments/")


def comment_url(comment, suffix: str = "") -> str:
    return f"{API}/comments/{comment.pk}/{suffix}"


def papers_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/position-papers/"


def paper_url(paper, suffix: str) -> str:
    return f"{API}/position-papers/{paper.tracking_number}/{suffix}"


def comment(actor, proposal, **kw):
    """A comment stored through the service."""
    data = {
        "body": "Propozoj që neni të përfshijë edhe komunat.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kw)
    return services.comment_create(actor=actor, proposal=proposal, **data)


def valid_body(**kw) -> dict:
    data = {
        "body": "Neni duhet të përfshijë edhe komunat e vogla.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kw)
    return data


def close(consultation) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(
        status=Consultation.Status.CLOSED,
        closes_at=timezone.now() - dt.timedelta(minutes=1),
        opens_at=timezone.now() - dt.timedelta(days=30),
    )
    consultation.refresh_from_db()
