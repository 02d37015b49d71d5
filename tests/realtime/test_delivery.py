"""Events reach connected browsers; presence counts the readers and is announced sparingly."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings

from comments import services as cs
from realtime import presence
from realtime.schemas import validate
from tests import factories as f
from tests.realtime.conftest import connect, receive, run, ws_path

pytestmark = [pytest.mark.realtime, pytest.mark.django_db(transaction=True)]


def test_a_new_comment_reaches_every_reader(proposal, citizen):
    consultation = proposal.consultation

    def write():
        return cs.comment_create(
            actor=citizen,
            proposal=proposal,
            body="Koment i drejtpërdrejtë",
            stance="for",
            consent="name",
            participant_type="citizen",
        )

    async def scenario():
        readers = []
        for user in (None, f.UserFactory, None):
            if user is not None:
                user = await database_sync_to_async(user)()
            comm, connected, _code = await connect(ws_path(consultation), user=user)
            assert connected
            assert (await receive(comm))["type"] == "hello"
            readers.append(comm)
        comment = await database_sync_to_async(write)()
        for comm in readers:
            event = await receive(comm)
            assert validate(event).TYPE == "comment.created"
            assert event["seq"] == 1
            assert event["comment"]["id"] == comment.pk
        for comm in readers:
            await comm.disconnect()

    run(scenario)


def test_presence_counts_readers_and_announces_changes(open_consultation):
    path = ws_path(open_consultation)

    async def scenario():
        first, _c, _code = await connect(path)
        assert (await receive(first))["presence"] == 1
        second, _c, _code = await connect(path)
        hello = await receive(second)
        assert hello["presence"] == 2
        event = await receive(first, skip=())
        while event["type"] == "presence" and event["count"] == 1:  # its own arrival
            event = await receive(first, skip=())
        assert validate(event).TYPE == "presence"
        assert event["count"] == 2 and event["seq"] is None
        await second.disconnect()
        event = await receive(first, skip=())
        assert (event["type"], event["count"]) == ("presence", 1)
        await first.disconnect()
        assert await presence.tracker().count(open_consultation.pk) == 0

    run(scenario)


def test_presence_broadcasts_are_debounced(monkeypatch, settings, open_consultation):
    """Ten arrivals within the interval: one announcement at once, one at the end of the
    interval with the final count."""
    settings.WS_PRESENCE_INTERVAL = 0.3
    sent = []

    async def fake_send(consultation_id, text):
        sent.append(json.loads(text))

    monkeypatch.setattr(presence.events, "send_to_group", fake_send)
    presence.remember_slug(open_consultation.pk, open_consultation.slug)
    tracker = presence.PresenceTracker(presence.MemoryStore())

    async def scenario():
        for n in range(10):
            await tracker.join(open_consultation.pk, f"channel-{n}")
            await tracker.changed(open_consultation.pk)
        assert [e["count"] for e in sent] == [1]
        pending = tracker._pending.get(open_consultation.pk)
        assert pending is not None
        await asyncio.wait_for(pending, timeout=5)
        assert [e["count"] for e in sent] == [1, 10]
        for event in sent:
            validate(event)

    run(scenario)


def test_presence_is_not_announced_when_the_count_did_not_change(
    monkeypatch, settings, open_consultation
):
    settings.WS_PRESENCE_INTERVAL = 0
    sent = []

    async def fake_send(consultation_id, text):
        sent.append(json.loads(text))

    monkeypatch.setattr(presence.events, "send_to_group", fake_send)
    presence.remember_slug(open_consultation.pk, open_consultation.slug)
    tracker = presence.PresenceTracker(presence.MemoryStore())

    async def scenario():
        await tracker.join(open_consultation.pk, "a")
        await tracker.changed(open_consultation.pk)
        await tracker.join(open_consultation.pk, "a")  # the same connection again
        await tracker.changed(open_consultation.pk)
        assert [e["count"] for e in sent] == [1]

    run(scenario)


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL")
def test_redis_presence_is_shared_and_stale_members_expire(settings, open_consultation):
    import time
    import uuid

    prefix = f"konsulta-test-{uuid.uuid4().hex[:8]}"
    process_a = presence.RedisStore(settings.REDIS_URL, prefix)
    process_b = presence.RedisStore(settings.REDIS_URL, prefix)
    cid = open_consultation.pk

    async def scenario():
        assert await process_a.join(cid, "a-1") == 1
        assert await process_b.join(cid, "b-1") == 2
        assert await process_a.count(cid) == 2
        # A member of a process that died stops being refreshed: once its score is older than
        # WS_PRESENCE_STALE it no longer counts.
        client = process_a._client()
        await client.zadd(process_a.key(cid), {"dead-1": time.time() - 1000})
        assert await process_b.count(cid) == 2
        await process_b.refresh({cid: {"b-1"}})
        assert await process_b.leave(cid, "b-1") == 1
        assert await process_a.acquire_broadcast(cid, 2.0) == 0
        assert await process_b.acquire_broadcast(cid, 2.0) > 0  # the other process's turn
        await client.delete(
            process_a.key(cid), f"{process_a.key(cid)}:sent", f"{process_a.key(cid)}:count"
        )
        await client.aclose()
        await process_b._client().aclose()

    run(scenario)
