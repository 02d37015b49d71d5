"""ASGI lifespan: starts and stops the in-process scheduler with the server."""

from __future__ import annotations

from django.conf import settings

from .scheduler import SchedulerThread


class LifespanApp:
    def __init__(self):
        self.thread: SchedulerThread | None = None

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if settings.SCHEDULER_INTERVAL > 0 and self.thread is None:
                    self.thread = SchedulerThread(settings.SCHEDULER_INTERVAL)
                    self.thread.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.thread is not None:
                    self.thread.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
