"""Failure and scale-out: a write survives a dead channel layer, and an event committed in one
server process reaches a browser connected to another through Redis."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.asgi_server import free_port
from tests.realtime.conftest import (
    closed_with,
    connect,
    outside_any_event_loop,
    run,
    ws_path,
)

pytestmark = pytest.mark.realtime

BASE_DIR = Path(__file__).resolve().parents[2]
DEAD_REDIS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens on port 1
    }
}


def comments_url(proposal) -> str:
    return f"/api/v1/consultations/{proposal.consultation.slug}/proposals/{proposal.slug}/comments/"


COMMENT = {
    "body": "Komenti ruhet edhe pa Redis.",
    "stance": "for",
    "consent": "name",
    "participant_type": "citizen",
    "section": "neni-1",
}


@pytest.mark.django_db
def test_comment_over_http_is_stored_when_the_channel_layer_is_down(
    settings, proposal, citizen, caplog, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = DEAD_REDIS
    settings.WS_PUBLISH_TIMEOUT = 2.0
    client = Client()
    client.force_login(citizen)
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="realtime.events"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(
            comments_url(proposal), data=json.dumps(COMMENT), content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert len(callbacks) >= 1  # the live event was due after the commit, and failed
    assert Comment.objects.filter(author=citizen, body=COMMENT["body"]).count() == 1
    assert any("could not publish comment.created" in r.getMessage() for r in caplog.records)
    assert time.monotonic() - started < 15  # bounded by WS_PUBLISH_TIMEOUT, not hanging


@pytest.mark.django_db(transaction=True)
def test_websocket_closes_1011_when_the_channel_layer_is_down(settings, open_consultation):
    settings.CHANNEL_LAYERS = DEAD_REDIS

    async def scenario():
        comm, connected, _code = await connect(ws_path(open_consultation))
        assert connected
        assert await closed_with(comm, timeout=15) == 1011

    run(scenario)


# --- two server processes, one Redis -----------------------------------------------------------


def _start_server(port: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--ws",
        "websockets-sansio",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)


def _wait_ready(process: subprocess.Popen, port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)  # polling a condition with a bound
    raise RuntimeError(f"the server on port {port} did not start within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(
    not (django_settings.REDIS_URL and django_settings.IS_POSTGRES),
    reason="two server processes need REDIS_URL and a shared PostgreSQL database",
)
@pytest.mark.django_db(transaction=True)
def test_event_from_process_a_reaches_a_client_of_process_b(proposal, citizen):
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "CHANNEL_PREFIX": f"konsulta-test-{uuid.uuid4().hex[:12]}",
        "SCHEDULER_INTERVAL": "0",
        "JOBS_INPROCESS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    client = Client()
    client.force_login(citizen)
    session = client.cookies["sessionid"].value
    port_a, port_b = free_port(), free_port()
    servers = [_start_server(port_a, env), _start_server(port_b, env)]
    try:
        _wait_ready(servers[0], port_a)
        _wait_ready(servers[1], port_b)
        with outside_any_event_loop():
            got = asyncio.run(_across_processes(proposal, session, port_a, port_b))
    finally:
        for server in servers:
            _stop(server)
    event, elapsed, created = got
    assert event["type"] == "comment.created"
    assert event["comment"]["id"] == created["id"]
    assert event["comment"]["tracking_number"] == created["tracking_number"]
    assert event["consultation"] == proposal.consultation.slug
    assert event["seq"] == 1
    assert elapsed < 10


def _csrf() -> tuple[str, str]:
    """A CSRF cookie value and the matching header token, as a browser would hold them."""
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    request = HttpRequest()
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


async def _across_processes(proposal, session: str, port_a: int, port_b: int):
    from websockets.asyncio.client import connect as ws_connect

    from realtime.schemas import validate

    slug = proposal.consultation.slug
    uri = f"ws://127.0.0.1:{port_b}/ws/consultations/{slug}/"
    async with ws_connect(uri, origin=f"http://127.0.0.1:{port_b}", open_timeout=10) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert hello["type"] == "hello" and hello["seq"] == 0
        base = f"http://127.0.0.1:{port_a}"
        secret, token = _csrf()
        cookies = {"sessionid": session, "csrftoken": secret}
        async with httpx.AsyncClient(base_url=base, cookies=cookies) as http:
            started = time.monotonic()
            response = await http.post(
                comments_url(proposal),
                json=COMMENT,
                headers={"X-CSRFToken": token},
                timeout=15,
            )
            assert response.status_code == 201, response.text
        deadline = started + 10
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the event did not reach process B's client within 10 s")
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=left))
            if message["type"] != "presence":
                validate(message)
                return message, time.monotonic() - started, response.json()
