"""Fixtures for public hearings: an open consultation with hearings in each state, people in
each role, and helpers to post items and to run live scenarios.

Hearings in a given state are stored directly (test set-up); everything a test is about goes
through the services.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from comments.models import ParticipationBlock
from hearings import services
from hearings.models import Hearing
from realtime import events as live_events
from realtime import presence
from tests import factories as f


@pytest.fixture
def live_settings(settings):
    """A channel layer of the test's own (Redis with REDIS_URL, under a fresh prefix, so that
    parallel test processes do not meet), presence announced at once, no remembered loop."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.WS_PRESENCE_INTERVAL = 0
    settings.WS_RATE_LIMIT = "20/10"
    if settings.REDIS_URL:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [settings.REDIS_URL],
                    "prefix": f"konsulta-test-{uuid.uuid4().hex[:12]}",
                },
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    presence.reset()
    live_events.remember_loop(None)
    yield settings
    presence.reset()
    live_events.remember_loop(None)


@pytest.fixture
def consultation(open_consultation):
    return open_consultation


@pytest.fixture
def second_citizen(db):
    return f.UserFactory(display_name="Blerta Çollaku")


@pytest.fixture
def moderator(db):
    return f.moderator()


@pytest.fixture
def other_official(other_institution):
    return f.official_of(other_institution)


@pytest.fixture
def blocked(db):
    user = f.UserFactory()
    ParticipationBlock.objects.create(user=user, reason="Fyerje të përsëritura.")
    return user


def make_hearing(consultation, status: str = "scheduled", **kwargs) -> Hearing:
    """A hearing row stored directly in ``status`` (set-up only)."""
    now = timezone.now()
    if status == "scheduled":
        kwargs.setdefault("starts_at", now + dt.timedelta(hours=2))
    else:
        kwargs.setdefault("starts_at", now - dt.timedelta(hours=1))
    kwargs.setdefault("ends_at", kwargs["starts_at"] + dt.timedelta(hours=2))
    if status in ("live", "ended"):
        kwargs.setdefault("started_at", kwargs["starts_at"])
    if status == "ended":
        kwargs.setdefault("ended_at", now)
    return Hearing.objects.create(
        consultation=consultation,
        title=kwargs.pop("title", "Dëgjimi publik për strategjinë"),
        place=kwargs.pop("place", "Salla e Kuvendit Komunal"),
        status=status,
        **kwargs,
    )


@pytest.fixture
def hearing(consultation):
    return make_hearing(consultation, "scheduled")


@pytest.fixture
def live_hearing(consultation):
    return make_hearing(consultation, "live")


@pytest.fixture
def ended_hearing(consultation):
    return make_hearing(consultation, "ended")


def post(actor, hearing, body="Si do të financohen organizatat në komuna?", **kwargs):
    data = {"kind": "question", "consent": "name"}
    data.update(kwargs)
    return services.item_post(actor=actor, hearing=hearing, body=body, **data)
