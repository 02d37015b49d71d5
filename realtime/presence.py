"""How many connections follow a consultation now, and the debounced ``presence`` broadcast.

Two stores with the same interface (``join``, ``leave``, ``count``):

* without ``REDIS_URL``: in memory, per process (development, one server process);
* with ``REDIS_URL``: a Redis sorted set per consultation, ``<prefix>:presence:<db tag>:<id>``,
  member = the connection's channel name, score = when it was last seen (Unix time). Every
  process refreshes the scores of its own connections every ``WS_PRESENCE_REFRESH`` seconds
  (30), so a member whose process died stops counting after ``WS_PRESENCE_STALE`` seconds (90):
  counting first removes members older than that. The key itself expires when nobody refreshes
  it.

A change (join, leave) asks for a ``presence`` broadcast. At most one per consultation every
``WS_PRESENCE_INTERVAL`` seconds (2) is sent: the first at once, later ones at the end of the
interval, with the count as it is then, and only when the count differs from the last one sent.
With Redis, a short-lived key (``SET NX PX``) makes the interval hold across processes; a process
that loses the race tries again when the key expires, so the last change is always announced.

Presence is best effort: a Redis failure here is logged and the connection carries on (the
count then is this process's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref

from django.conf import settings

from . import events
from .schemas import Presence

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


class MemoryStore:
    """Per-process presence (no Redis)."""

    def __init__(self) -> None:
        self.members: dict[int, set[str]] = {}

    async def join(self, consultation_id: int, channel: str) -> int:
        self.members.setdefault(consultation_id, set()).add(channel)
        return len(self.members[consultation_id])

    async def leave(self, consultation_id: int, channel: str) -> int:
        members = self.members.get(consultation_id, set())
        members.discard(channel)
        if not members:
            self.members.pop(consultation_id, None)
        return len(members)

    async def count(self, consultation_id: int) -> int:
        return len(self.members.get(consultation_id, ()))

    async def refresh(self, local: dict[int, set[str]]) -> None:
        return None

    async def acquire_broadcast(self, consultation_id: int, interval: float) -> float:
        return 0.0  # one process: the local debounce is the whole story

    async def last_sent(self, consultation_id: int) -> int | None:
        return None

    async def set_last_sent(self, consultation_id: int, count: int) -> None:
        return None


class RedisStore:
    """Presence shared by every server process, in Redis sorted sets."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _client(self):
        # redis.asyncio connections belong to one event loop; tests use several loops.
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # A bounded pool that waits for a free connection: a thousand arrivals at once
            # queue up on a few connections instead of opening a thousand.
            pool = aioredis.BlockingConnectionPool.from_url(
                self.url,
                max_connections=16,
                timeout=10,
                socket_connect_timeout=2,
                socket_timeout=10,
                health_check_interval=30,
            )
            client = aioredis.Redis(connection_pool=pool)
            self._clients[loop] = client
        return client

    def key(self, consultation_id: int) -> str:
        return f"{self.prefix}:presence:{events.database_tag()}:{consultation_id}"

    def _ttl(self) -> int:
        return int(_setting("WS_PRESENCE_STALE", 90)) * 2

    async def _count(self, pipe, key: str, now: float):
        pipe.zremrangebyscore(key, "-inf", now - _setting("WS_PRESENCE_STALE", 90))
        pipe.zcard(key)

    async def join(self, consultation_id: int, channel: str) -> int:
        key, now = self.key(consultation_id), time.time()
        pipe = self._client().pipeline(transaction=True)
        pipe.zadd(key, {channel: now})
        pipe.expire(key, self._ttl())
        await self._count(pipe, key, now)
        return int((await pipe.execute())[-1])

    async def leave(self, consultation_id: int, channel: str) -> int:
        key, now = self.key(consultation_id), time.time()
        pipe = self._client().pipeline(transaction=True)
        pipe.zrem(key, channel)
        await self._count(pipe, key, now)
        return int((await pipe.execute())[-1])

    async def count(self, consultation_id: int) -> int:
        key, now = self.key(consultation_id), time.time()
        pipe = self._client().pipeline(transaction=True)
        await self._count(pipe, key, now)
        return int((await pipe.execute())[-1])

    async def refresh(self, local: dict[int, set[str]]) -> None:
        now = time.time()
        pipe = self._client().pipeline(transaction=False)
        for consultation_id, channels in local.items():
            if channels:
                pipe.zadd(self.key(consultation_id), dict.fromkeys(channels, now))
                pipe.expire(self.key(consultation_id), self._ttl())
        await pipe.execute()

    async def acquire_broadcast(self, consultation_id: int, interval: float) -> float:
        """0 if this process may broadcast now, else how long to wait before trying again."""
        client = self._client()
        key = f"{self.key(consultation_id)}:sent"
        if await client.set(key, "1", nx=True, px=max(1, int(interval * 1000))):
            return 0.0
        left = await client.pttl(key)
        return max(left, 10) / 1000 if left and left > 0 else 0.05

    async def last_sent(self, consultation_id: int) -> int | None:
        value = await self._client().get(f"{self.key(consultation_id)}:count")
        return int(value) if value is not None else None

    async def set_last_sent(self, consultation_id: int, count: int) -> None:
        await self._client().set(f"{self.key(consultation_id)}:count", count, ex=self._ttl())


class PresenceTracker:
    """This process's connections per consultation, the store, and the broadcasts."""

    def __init__(self, store) -> None:
        self.store = store
        self.local: dict[int, set[str]] = {}
        self._last_sent_at: dict[int, float] = {}
        self._last_count: dict[int, int] = {}
        self._pending: dict[int, asyncio.Task] = {}
        self._refresher: asyncio.Task | None = None

    # -- membership (the consumer asks for a broadcast with ``changed`` afterwards) ------------

    async def join(self, consultation_id: int, channel: str) -> int:
        self.local.setdefault(consultation_id, set()).add(channel)
        self._ensure_refresher()
        try:
            count = await self.store.join(consultation_id, channel)
        except Exception:
            log.warning("presence: could not record a connection", exc_info=True)
            count = len(self.local[consultation_id])
        return count

    async def leave(self, consultation_id: int, channel: str) -> None:
        members = self.local.get(consultation_id)
        if members is not None:
            members.discard(channel)
            if not members:
                del self.local[consultation_id]
        try:
            await self.store.leave(consultation_id, channel)
        except Exception:
            log.warning("presence: could not remove a connection", exc_info=True)

    async def count(self, consultation_id: int) -> int:
        try:
            return await self.store.count(consultation_id)
        except Exception:
            log.warning("presence: could not count", exc_info=True)
            return len(self.local.get(consultation_id, ()))

    # -- broadcasts ---------------------------------------------------------------------------

    async def changed(self, consultation_id: int) -> None:
        """Ask for a broadcast: now if the interval has passed, else at its end."""
        if consultation_id in self._pending:
            return
        interval = float(_setting("WS_PRESENCE_INTERVAL", 2.0))
        wait = self._last_sent_at.get(consultation_id, -1e9) + interval - time.monotonic()
        if wait <= 0:
            try:
                wait = await self.store.acquire_broadcast(consultation_id, interval)
            except Exception:
                log.warning("presence: could not take the broadcast turn", exc_info=True)
                wait = 0.0
            if wait <= 0:
                await self._broadcast(consultation_id)
                return
        task = asyncio.get_running_loop().create_task(self._later(consultation_id, wait))
        self._pending[consultation_id] = task

    async def _later(self, consultation_id: int, wait: float) -> None:
        interval = float(_setting("WS_PRESENCE_INTERVAL", 2.0))
        try:
            for _attempt in range(50):  # bounded: at most ~50 intervals of contention
                await asyncio.sleep(wait)
                try:
                    wait = await self.store.acquire_broadcast(consultation_id, interval)
                except Exception:
                    log.warning("presence: could not take the broadcast turn", exc_info=True)
                    wait = 0.0
                if wait <= 0:
                    break
            await self._broadcast(consultation_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("presence: broadcast failed", exc_info=True)
        finally:
            self._pending.pop(consultation_id, None)

    async def _broadcast(self, consultation_id: int) -> None:
        self._last_sent_at[consultation_id] = time.monotonic()
        try:
            count = await self.store.count(consultation_id)
            last = await self.store.last_sent(consultation_id)
        except Exception:
            log.warning("presence: could not count", exc_info=True)
            count, last = len(self.local.get(consultation_id, ())), None
        if last is None:
            last = self._last_count.get(consultation_id)
        if count == last:
            return
        self._last_count[consultation_id] = count
        try:
            await self.store.set_last_sent(consultation_id, count)
            slug = await _slug(consultation_id)
            event = Presence(
                consultation_id=consultation_id,
                consultation=slug,
                seq=None,
                at=events.now_iso(),
                count=count,
            )
            await events.send_to_group(consultation_id, events.encode(event.to_dict()))
        except Exception:
            log.warning("presence: could not send the count", exc_info=True)

    # -- keeping Redis scores fresh -------------------------------------------------------------

    def _ensure_refresher(self) -> None:
        if isinstance(self.store, MemoryStore):
            return
        task = self._refresher
        loop = asyncio.get_running_loop()
        if task is None or task.done() or task.get_loop() is not loop:
            self._refresher = loop.create_task(self._refresh_loop())

    async def _refresh_loop(self) -> None:
        period = float(_setting("WS_PRESENCE_REFRESH", 30))
        while self.local:
            await asyncio.sleep(period)
            try:
                await self.store.refresh(self.local)
            except Exception:
                log.warning("presence: could not refresh", exc_info=True)

    async def cancel_pending(self) -> None:
        """Stop the timers (tests, shutdown)."""
        tasks = [*self._pending.values()]
        if self._refresher is not None:
            tasks.append(self._refresher)
        for task in tasks:
            task.cancel()
        for task in tasks:
            if task.get_loop() is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._pending.clear()
        self._refresher = None


_slugs: dict[int, str] = {}


async def _slug(consultation_id: int) -> str:
    """The consultation's slug (remembered by the consumers when they connect)."""
    slug = _slugs.get(consultation_id)
    if slug is None:
        from channels.db import database_sync_to_async
        from django.apps import apps

        def read():
            model = apps.get_model("consult", "Consultation")
            return model.objects.filter(pk=consultation_id).values_list("slug", flat=True).first()

        slug = await database_sync_to_async(read)() or ""
        _slugs[consultation_id] = slug
    return slug


def remember_slug(consultation_id: int, slug: str) -> None:
    _slugs[consultation_id] = slug


_tracker: PresenceTracker | None = None


def tracker() -> PresenceTracker:
    global _tracker
    if _tracker is None:
        url = getattr(settings, "REDIS_URL", "")
        if url:
            # The channel layer's prefix: processes that share a channel layer share presence.
            config = settings.CHANNEL_LAYERS.get("default", {}).get("CONFIG", {})
            prefix = config.get("prefix", "konsulta")
            _tracker = PresenceTracker(RedisStore(url, prefix))
        else:
            _tracker = PresenceTracker(MemoryStore())
    return _tracker


def reset() -> None:
    """Forget the tracker (tests switch settings between stores)."""
    global _tracker
    _tracker = None
    _slugs.clear()
