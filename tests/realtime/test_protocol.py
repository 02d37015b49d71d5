"""The WebSocket endpoint: who may subscribe, the hello, and what a client may send."""

from __future__ import annotations

import json

import pytest

from tests import factories as f
from tests.realtime.conftest import closed_with, connect, receive, run, ws_path

pytestmark = [pytest.mark.realtime, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation():
    return f.ConsultationFactory()


@pytest.fixture
def draft():
    return f.consultation_in_state("draft")


def test_anonymous_reader_gets_hello(consultation):
    async def scenario():
        comm, connected, _code = await connect(ws_path(consultation))
        assert connected
        hello = await receive(comm)
        assert hello == {
            "type": "hello",
            "consultation": consultation.slug,
            "seq": 0,
            "presence": 1,
        }
        await comm.disconnect()

    run(scenario)


def test_signed_in_reader_gets_hello(consultation):
    citizen = f.UserFactory()

    async def scenario():
        comm, connected, _code = await connect(ws_path(consultation), user=citizen)
        assert connected
        assert (await receive(comm))["type"] == "hello"
        await comm.disconnect()

    run(scenario)


def test_hello_carries_the_current_number(consultation):
    from consult.models import Consultation

    Consultation.objects.filter(pk=consultation.pk).update(event_seq=41)

    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        assert (await receive(comm))["seq"] == 41
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://konsulta.evil.example", "null", None]
)
def test_foreign_or_missing_origin_is_refused_at_the_handshake(consultation, origin):
    async def scenario():
        _comm, connected, _code = await connect(ws_path(consultation), origin=origin)
        assert not connected

    run(scenario)


def test_unknown_consultation_closes_4404(db):
    async def scenario():
        comm, connected, _code = await connect(ws_path("nuk-ekziston"))
        assert connected  # accepted only to carry the close code
        assert await closed_with(comm) == 4404

    run(scenario)


def test_draft_is_refused_to_anonymous_and_citizens(draft):
    citizen = f.UserFactory()

    async def scenario(user):
        comm, _connected, _code = await connect(ws_path(draft), user=user)
        assert await closed_with(comm) == 4404

    run(scenario, None)
    run(scenario, citizen)


def test_draft_is_open_to_its_officials(draft):
    official = f.official_of(draft.institution)

    async def scenario():
        comm, connected, _code = await connect(ws_path(draft), user=official)
        assert connected
        assert (await receive(comm))["type"] == "hello"
        await comm.disconnect()

    run(scenario)


def test_ping_pong_and_resync(consultation):
    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        await receive(comm)
        await comm.send_to(text_data=json.dumps({"type": "ping"}))
        assert await receive(comm) == {"type": "pong"}
        await comm.send_to(text_data=json.dumps({"type": "resync", "since": 0}))
        assert await receive(comm) == {"type": "resync_required", "since": 0, "seq": 0}
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ("", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"kind": "ping"}', "bad_message"),
        ('{"type": 3}', "bad_message"),
        ('{"type": "comment"}', "unknown_type"),
        ('{"type": "resync"}', "bad_message"),
        ('{"type": "resync", "since": "5"}', "bad_message"),
        ('{"type": "resync", "since": -1}', "bad_message"),
        ('{"type": "resync", "since": true}', "bad_message"),
    ],
)
def test_bad_messages_get_an_error_frame_and_the_connection_stays(consultation, frame, code):
    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        await receive(comm)
        await comm.send_to(text_data=frame)
        assert await receive(comm) == {"type": "error", "code": code}
        await comm.send_to(text_data='{"type": "ping"}')
        assert await receive(comm) == {"type": "pong"}
        await comm.disconnect()

    run(scenario)


def test_binary_frames_get_an_error_frame(consultation):
    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        await receive(comm)
        await comm.send_to(bytes_data=b'{"type": "ping"}')
        assert await receive(comm) == {"type": "error", "code": "bad_json"}
        await comm.disconnect()

    run(scenario)


def test_message_over_the_size_limit_closes_4413(consultation, settings):
    settings.WS_MAX_MESSAGE_BYTES = 4096

    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        await receive(comm)
        at_limit = json.dumps({"type": "ping", "pad": "x" * (4096 - 27)})
        assert len(at_limit.encode()) == 4096
        await comm.send_to(text_data=at_limit)
        assert await receive(comm) == {"type": "pong"}
        # Fewer than 4,096 characters, more than 4,096 bytes (ë takes two).
        too_large = json.dumps({"type": "ping", "pad": "ë" * 2100}, ensure_ascii=False)
        assert len(too_large) < 4096 < len(too_large.encode())
        await comm.send_to(text_data=too_large)
        assert await closed_with(comm) == 4413

    run(scenario)


def test_too_many_messages_close_4429(consultation, settings):
    settings.WS_RATE_LIMIT = "5/10"

    async def scenario():
        comm, _connected, _code = await connect(ws_path(consultation))
        await receive(comm)
        for _n in range(5):
            await comm.send_to(text_data='{"type": "ping"}')
            assert await receive(comm) == {"type": "pong"}
        await comm.send_to(text_data='{"type": "ping"}')
        assert await closed_with(comm) == 4429

    run(scenario)


def test_rate_limiter_window_slides():
    from realtime.consumers import RateLimiter, parse_rate

    assert parse_rate("20/10") == (20, 10.0)
    limiter = RateLimiter(2, 10)
    assert limiter.allow(0.0) and limiter.allow(1.0)
    assert not limiter.allow(9.9)
    assert limiter.allow(10.0)  # the first one has left the window
    assert not limiter.allow(10.5)
    assert limiter.allow(11.0)
