"""Fixtures for the bench seeding tests: a seeded consultation by size, signed-in clients."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def seed_bench():
    """Run ``manage.py seed_bench`` for ``n`` submissions; returns the consultation."""
    from consult.models import Consultation

    def seed(n: int, **options):
        call_command("seed_bench", submissions=n, **options)
        slug = options.get("slug") or f"bench-open-{n}"
        return Consultation.objects.get(slug=slug)

    return seed


@pytest.fixture
def client_for():
    """A client signed in as ``user`` (anonymous for ``None``) reading pages in English."""

    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return make
