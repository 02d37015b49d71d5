"""Periodic jobs (consultations opening and closing by time, and later reminders).

``PERIODIC_JOBS`` are dotted paths to functions taking no arguments. They run:

* in-process, in a daemon thread started by the ASGI lifespan, every ``SCHEDULER_INTERVAL``
  seconds (the default for ``make run``: nothing else to start);
* in production, in ``python manage.py run_worker`` (``SCHEDULER_INTERVAL=0`` on the web
  workers), so that several web processes do not all run them.

Every job is idempotent and safe to run concurrently (row locks), so running it twice is harmless.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

PERIODIC_JOBS = [
    "consult.services.consultation_advance_by_time",
    "comments.notifications.notify_pending_responses",
    "plans.services.planned_items_refresh_status",
    "subscriptions.services.closing_soon_notify",
    "subscriptions.delivery.send_digests",
    "subscriptions.delivery.send_pending",
    "jobs.runner.periodic",
]


def run_periodic_jobs() -> None:
    for path in PERIODIC_JOBS:
        try:
            import_string(path)()
        except Exception:  # a failing job must not stop the others or the loop
            log.exception("periodic job %s failed", path)


class SchedulerThread(threading.Thread):
    def __init__(self, interval: float):
        super().__init__(name="konsulta-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            run_periodic_jobs()
            close_old_connections()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
