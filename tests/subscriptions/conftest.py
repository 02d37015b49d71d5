from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from consult.models import Consultation
from jobs import runner
from subscriptions import services
from tests import factories as f


@pytest.fixture(autouse=True)
def _jobs_run_here(settings):
    """Jobs wait in the queue until the test runs them (``run_jobs``), never in a thread."""
    settings.JOBS_INPROCESS = False
    settings.JOBS_RETRY_SECONDS = 0
    settings.SITE_URL = "https://konsulta.example"


def run_jobs() -> int:
    return runner.run_pending()


def follow(user, target, frequency="immediate"):
    return services.subscription_follow(actor=user, target=target, frequency=frequency)


def draft_with_document(institution, **kw):
    """A draft consultation with one (empty) draft document, ready to be opened."""
    kw.setdefault("closes_at", timezone.now() + dt.timedelta(days=40))
    consultation = f.ConsultationFactory(
        institution=institution, status=Consultation.Status.DRAFT, opens_at=None, **kw
    )
    f.ProposalFactory(consultation=consultation)
    return consultation


def client_as(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["konsulta_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def follower(db):
    return f.UserFactory(preferred_language="en")
