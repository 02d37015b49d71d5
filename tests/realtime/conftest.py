"""Helpers for the live layer's tests.

* ``run(coro_fn)`` runs an async scenario with ``async_to_sync`` from the test thread: the
  consumers' ``database_sync_to_async`` calls then run in the test thread, on its connection.
  Scenarios that go through a consumer use ``django_db(transaction=True)``: channels closes a
  connection found inside a transaction after each database call.
* ``capture(consultation, write)`` subscribes a bare channel to the consultation's group, runs
  ``write`` (sync: services) with its on-commit callbacks executed, and returns every event the
  group received, decoded, in order. A sentinel sent after the write marks the end, so "nothing
  else was sent" is checked without waiting.
* ``connect(path, user=..., origin=...)`` opens a ``WebsocketCommunicator`` on the real ASGI
  application (origin check, session auth, routing), with the person's session cookie.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import get_channel_layer
from django.test import Client, TestCase

from realtime import events, presence
from realtime.schemas import validate

SENTINEL = "__end_of_capture__"


@pytest.fixture(autouse=True)
def _live_settings(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.WS_PRESENCE_INTERVAL = 0  # presence is announced at once unless a test says
    settings.WS_RATE_LIMIT = "20/10"
    settings.WS_MAX_MESSAGE_BYTES = 4096
    if settings.REDIS_URL:
        # The configured Redis layer with a prefix of its own: parallel test processes share
        # the Redis server, and their test databases number consultations alike.
        layer = settings.CHANNEL_LAYERS["default"]
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": layer["BACKEND"],
                "CONFIG": {
                    **layer.get("CONFIG", {}),
                    "prefix": f"konsulta-test-{uuid.uuid4().hex[:12]}",
                },
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    presence.reset()
    events.remember_loop(None)
    yield
    presence.reset()
    events.remember_loop(None)


class WebsocketCommunicator(ApplicationCommunicator):
    """A client of the ASGI application over the WebSocket protocol (the same as channels'
    ``channels.testing.WebsocketCommunicator``, whose package needs daphne)."""

    def __init__(self, application, path: str, headers=None):
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": headers or [],
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None):
        message = {"type": "websocket.receive"}
        if text_data is not None:
            message["text"] = text_data
        else:
            message["bytes"] = bytes_data
        await self.send_input(message)

    async def receive_from(self, timeout: float = 5):
        response = await self.receive_output(timeout)
        if response["type"] != "websocket.send":
            raise AssertionError(f"expected a message, got {response!r}")
        return response.get("text") if response.get("text") is not None else response["bytes"]

    async def disconnect(self, code: int = 1000, timeout: float = 5):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


@contextmanager
def outside_any_event_loop():
    """Playwright's sync API (the browser tests, session-scoped) leaves its event loop marked as
    running in the test thread; ``async_to_sync`` and ``asyncio.run`` refuse to start there.
    The test thread is not running that loop while a test's own code runs, so the mark is
    lifted for the duration of a scenario and put back after."""
    loop = asyncio._get_running_loop()
    if loop is None:
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


def run(scenario, *args, **kwargs):
    with outside_any_event_loop():
        return async_to_sync(scenario)(*args, **kwargs)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def ws_path(consultation_or_slug) -> str:
    slug = getattr(consultation_or_slug, "slug", consultation_or_slug)
    return f"/ws/consultations/{slug}/"


async def connect(path: str, *, user=None, origin: str | None = "http://testserver"):
    from config.asgi import application

    headers = []
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await comm.connect(timeout=5)
    return comm, connected, code


async def receive(comm, *, skip=("presence",), timeout: float = 5) -> dict:
    """The next message that is not of a type in ``skip``."""
    while True:
        message = json.loads(await comm.receive_from(timeout=timeout))
        if message.get("type") not in skip:
            return message


async def closed_with(comm, timeout: float = 5) -> int:
    """The close code the server sent (skipping messages before it)."""
    while True:
        output = await comm.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


def capture(consultation, write, *, on_commit: bool = True) -> list[dict]:
    """Run ``write`` and return the decoded events the consultation's group received."""
    group = events.group_name(consultation.pk)

    def do_write():
        if on_commit:
            with TestCase.captureOnCommitCallbacks(execute=True):
                write()
        else:
            write()

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            await sync_to_async(do_write)()
            await layer.group_send(group, {"type": events.MESSAGE_TYPE, "text": SENTINEL})
            received = []
            for _bound in range(1000):
                message = await asyncio.wait_for(layer.receive(channel), timeout=10)
                if message["text"] == SENTINEL:
                    return received
                received.append(json.loads(message["text"]))
            raise AssertionError("no end of capture")
        finally:
            await layer.group_discard(group, channel)

    got = run(scenario)
    for payload in got:
        validate(payload)
    return got


def dumps(payloads) -> str:
    return json.dumps(payloads, ensure_ascii=False)
