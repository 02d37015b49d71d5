"""Numbers stay gap-free and ordered when many people write at the same moment (PostgreSQL:
SQLite serialises writers anyway), and a later number never carries an older tally."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection

from consult.models import Consultation
from proposals import services as ps
from tests import factories as f
from tests.realtime.conftest import capture

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (django_settings.IS_POSTGRES and django_settings.REDIS_URL),
        reason="concurrent writers need PostgreSQL (and Redis to deliver across threads)",
    ),
]

VOTERS = 12


def test_concurrent_votes_get_consecutive_numbers_and_monotonic_tallies(proposal):
    voters = [f.UserFactory() for _n in range(VOTERS)]
    barrier = threading.Barrier(VOTERS)
    errors = []

    def vote(user):
        try:
            barrier.wait(timeout=30)
            ps.vote_cast(actor=user, proposal=proposal, choice="for")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def write():
        threads = [threading.Thread(target=vote, args=(u,)) for u in voters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    got = capture(proposal.consultation, write, on_commit=False)
    assert not errors
    assert Consultation.objects.get(pk=proposal.consultation_id).event_seq == VOTERS
    # Delivery order between threads is not guaranteed; the numbers and counts are.
    by_seq = sorted(got, key=lambda e: e["seq"])
    assert [e["seq"] for e in by_seq] == list(range(1, VOTERS + 1))
    assert [e["tally"]["total"] for e in by_seq] == list(range(1, VOTERS + 1))
