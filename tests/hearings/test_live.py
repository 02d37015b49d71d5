"""Over the real ASGI application: what is posted in a hearing reaches every browser following
the consultation, at once, in the consultation's numbering."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from hearings import services
from realtime.schemas import validate
from tests import factories as f
from tests.realtime.conftest import connect, receive, run, ws_path

from .conftest import make_hearing, post

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_settings"),
]


def test_a_posted_item_reaches_connected_readers(open_consultation):
    hearing = make_hearing(open_consultation, "live")
    author = f.UserFactory(display_name="Arta Gashi")
    reader = f.UserFactory()
    official = f.official_of(open_consultation.institution)

    async def scenario():
        clients = []
        for user in (None, reader):
            comm, connected, _code = await connect(ws_path(open_consultation), user=user)
            assert connected
            hello = await receive(comm)
            assert hello["type"] == "hello" and hello["seq"] == 0
            clients.append(comm)
        item = await database_sync_to_async(post)(author, hearing, body="Pyetje e drejtpërdrejtë")
        for comm in clients:
            event = await receive(comm)
            assert validate(event).TYPE == "hearing.item_posted"
            assert event["seq"] == 1
            assert event["item"]["id"] == item.pk
            assert event["item"]["body"] == "Pyetje e drejtpërdrejtë"
            assert event["item"]["author"] == "Arta Gashi"
        await database_sync_to_async(services.item_upvote)(actor=reader, item=item)
        await database_sync_to_async(services.item_mark_answered)(
            actor=official, item=item, note="Përgjigjur"
        )
        for comm in clients:
            upvoted = await receive(comm)
            answered = await receive(comm)
            assert (upvoted["type"], upvoted["upvote_count"], upvoted["seq"]) == (
                "hearing.item_upvoted",
                1,
                2,
            )
            assert (answered["type"], answered["answer_note"]) == (
                "hearing.item_answered",
                "Përgjigjur",
            )
        for comm in clients:
            await comm.disconnect()

    run(scenario)


def test_hearing_page_and_socket_agree_on_the_number(open_consultation, client):
    """The page carries the number the socket's hello starts from: nothing in between is lost."""
    hearing = make_hearing(open_consultation, "live")
    post(f.UserFactory(), hearing)
    html = client.get(hearing.get_absolute_url()).content.decode()
    open_consultation.refresh_from_db()
    assert f'data-hearing-seq="{open_consultation.event_seq}"' in html

    async def scenario():
        comm, connected, _code = await connect(ws_path(open_consultation))
        assert connected
        assert (await receive(comm))["seq"] == open_consultation.event_seq == 1
        await comm.disconnect()

    run(scenario)
