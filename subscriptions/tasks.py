"""Background jobs of the subscriptions app (``jobs.runner``).

``subscriptions.send``: email the immediate notifications whose ids it is given (queued by
``subscriptions.notify`` in the transaction that wrote them). If the mail server fails, the job
fails and ``jobs.runner`` retries it with back-off; only what is still unsent is tried again.
"""

from __future__ import annotations

from jobs.models import Job
from jobs.runner import job

from . import delivery
from .notify import SEND_JOB


@job(SEND_JOB)
def send_notifications(record: Job, *, ids: list[int]) -> dict:
    return {"sent": delivery.send_notifications(ids)}
