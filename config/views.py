"""Site-wide views that belong to no app: health check, the benchmarks' floor."""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


async def _layer_roundtrip(layer) -> bool:
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "health.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return message.get("token") == token


def _channel_layer_ok(layer) -> bool:
    if layer is None:
        return False
    try:
        return async_to_sync(_layer_roundtrip)(layer)
    except Exception:
        return False


@never_cache
def healthz(request):
    """200 with the state of the database and the channel layer (503 if either fails)."""
    layer = get_channel_layer()
    db_ok = _database_ok()
    layer_ok = _channel_layer_ok(layer)
    body = {
        "status": "ok" if db_ok and layer_ok else "degraded",
        "database": {"engine": connection.vendor, "ok": db_ok},
        "channel_layer": {
            "backend": f"{type(layer).__module__}.{type(layer).__name__}" if layer else None,
            "ok": layer_ok,
        },
    }
    return JsonResponse(body, status=200 if db_ok and layer_ok else 503)


def bench_floor(request):
    """A constant, no database: the floor the benchmarks compare pages with (the same server,
    the same middleware). Routed only with ``BENCH_FLOOR=1`` (``config.urls``)."""
    return HttpResponse(b"ok\n", content_type="text/plain")
