"""WebSocket consumer: one connection follows one consultation's public events.

``/ws/consultations/<slug>/`` (``realtime.routing``), behind ``AllowedHostsOriginValidator``
(a foreign ``Origin`` is refused at the handshake) and ``AuthMiddlewareStack`` (the session
cookie of the site). The protocol and the close codes are in ``realtime/README.md``.

Subscribing needs ``consult.view_consultation`` on the consultation, the rule the pages use: a
draft is visible only to its institution's officials, moderators and staff; to anyone else it
does not exist (close code 4404, like the page's 404).

Anything a client sends goes through the same services and rules as HTTP. Today a client can
only ``ping`` and ask to ``resync``; writes (live hearings) would call the services through
``database_sync_to_async`` like the views do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from . import events, presence

log = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's; see README).
CLOSE_NOT_FOUND = 4404  # unknown consultation, or not visible to this person
CLOSE_TOO_LARGE = 4413  # a message longer than WS_MAX_MESSAGE_BYTES
CLOSE_RATE_LIMITED = 4429  # more than WS_RATE_LIMIT messages
CLOSE_UNAVAILABLE = 1011  # the channel layer could not be reached; try again later

# Groups expire in channels_redis after a day; long connections join theirs again.
GROUP_REFRESH_SECONDS = 6 * 3600


def parse_rate(value: str) -> tuple[int, float]:
    """``"20/10"``: at most 20 messages in any 10 seconds."""
    count, seconds = str(value).split("/", 1)
    return max(1, int(count)), max(0.001, float(seconds))


class RateLimiter:
    """A sliding window of the times of the last ``count`` messages."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count, self.seconds = count, seconds
        self.times: deque[float] = deque()

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        while self.times and now - self.times[0] >= self.seconds:
            self.times.popleft()
        if len(self.times) >= self.count:
            return False
        self.times.append(now)
        return True


@database_sync_to_async
def _subscribable(user, slug: str) -> tuple[int, str] | None:
    """``(id, slug)`` of the consultation if this person may follow it."""
    from consult import selectors  # the subscribe permission check only

    try:
        consultation = selectors.consultation_get(slug)
    except ObjectDoesNotExist:
        return None
    if user is None or not user.has_perm("consult.view_consultation", consultation):
        return None
    return consultation.pk, consultation.slug


_current_seq = database_sync_to_async(events.current_seq)


class ConsultationConsumer(AsyncWebsocketConsumer):
    consultation_id: int | None = None
    slug: str = ""
    group: str | None = None
    closing: bool = False

    async def connect(self):
        events.remember_loop(asyncio.get_running_loop())
        self.limiter = RateLimiter(*parse_rate(getattr(settings, "WS_RATE_LIMIT", "20/10")))
        slug = self.scope["url_route"]["kwargs"]["slug"]
        found = await _subscribable(self.scope.get("user"), slug)
        if found is None:
            # Accept, then close: a close code can only travel on an open connection.
            await self.accept()
            await self._close(CLOSE_NOT_FOUND)
            return
        self.consultation_id, self.slug = found
        presence.remember_slug(self.consultation_id, self.slug)
        self.group = events.group_name(self.consultation_id)
        try:
            await self.channel_layer.group_add(self.group, self.channel_name)
        except Exception:
            log.warning("could not join %s", self.group, exc_info=True)
            self.group = None
            await self.accept()
            await self._close(CLOSE_UNAVAILABLE)
            return
        self.joined_at = time.monotonic()
        await self.accept()
        # Read after joining the group: any event numbered after this one reaches us.
        seq = await _current_seq(self.consultation_id)
        tracker = presence.tracker()
        count = await tracker.join(self.consultation_id, self.channel_name)
        await self._send_json(
            {"type": "hello", "consultation": self.slug, "seq": seq, "presence": count}
        )
        await tracker.changed(self.consultation_id)

    async def disconnect(self, code):
        if self.group:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:
                log.warning("could not leave %s", self.group, exc_info=True)
            tracker = presence.tracker()
            await tracker.leave(self.consultation_id, self.channel_name)
            await tracker.changed(self.consultation_id)
            self.group = None

    async def _close(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def _send_json(self, data: dict) -> None:
        await self.send(text_data=events.encode(data))

    async def _error(self, code: str) -> None:
        await self._send_json({"type": "error", "code": code})

    # -- client messages --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing or self.group is None:
            return
        limit = getattr(settings, "WS_MAX_MESSAGE_BYTES", 4096)
        if text_data is not None:
            size = len(text_data) if len(text_data) * 4 <= limit else len(text_data.encode())
        else:
            size = len(bytes_data or b"")
        if size > limit:
            await self._close(CLOSE_TOO_LARGE)
            return
        if not self.limiter.allow():
            await self._close(CLOSE_RATE_LIMITED)
            return
        if text_data is None:
            await self._error("bad_json")  # the protocol is JSON text frames
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._error("bad_json")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._error("bad_message")
            return
        handler = {"ping": self._ping, "resync": self._resync}.get(message["type"])
        if handler is None:
            await self._error("unknown_type")
            return
        await handler(message)

    async def _ping(self, message: dict) -> None:
        await self._send_json({"type": "pong"})
        if time.monotonic() - self.joined_at > GROUP_REFRESH_SECONDS:
            self.joined_at = time.monotonic()
            try:
                await self.channel_layer.group_add(self.group, self.channel_name)
            except Exception:
                log.warning("could not refresh %s", self.group, exc_info=True)

    async def _resync(self, message: dict) -> None:
        since = message.get("since")
        if not isinstance(since, int) or isinstance(since, bool) or since < 0:
            await self._error("bad_message")
            return
        seq = await _current_seq(self.consultation_id)
        # The client reloads what it shows over HTTP when seq > since (the server keeps no
        # backlog of events to replay).
        await self._send_json({"type": "resync_required", "since": since, "seq": seq})

    # -- events from the group --------------------------------------------------------------------

    async def dispatch(self, message):
        # A fan-out event touches no database: skip the clean-up of database connections that
        # channels runs before every handler (a thread hop per connection per event, which
        # was most of the server's work in a fan-out to a thousand readers).
        if message.get("type") == events.MESSAGE_TYPE:
            await self.konsulta_event(message)
            return
        await super().dispatch(message)

    async def konsulta_event(self, message):
        if not self.closing:
            await self.send(text_data=message["text"])
