"""Sending notifications: the immediate ones (the ``subscriptions.send`` job and a sweeper for
those its retries gave up on) and the weekly digests.

No notification is lost to a failing mail server: a notification is marked sent (``sent_at``,
``digest_sent_at``) only after the mail backend accepted it. A sender first *claims* the rows
(a conditional UPDATE that sets ``claim`` and ``claimed_until``), so two senders (the job and
the sweeper, two workers) never send the same one; a claim left by a process that died expires
after ``LEASE``. On failure the claim is released, the attempt and the error are recorded, and:

* the job raises, so ``jobs.runner`` retries it with back-off (``SEND_JOB_ATTEMPTS`` times);
* after that, the periodic ``send_pending`` tries notifications still unsent
  ``SUBSCRIPTIONS_RETRY_AFTER_MINUTES`` after they were written, a few at a time, waiting
  longer after each failed attempt (up to six hours), and stops at the first failure.

Weekly digests (``send_digests``, periodic): once a week per person, from the digest day and
hour (``SUBSCRIPTIONS_DIGEST_WEEKDAY``, ``SUBSCRIPTIONS_DIGEST_HOUR``, Kosovo time), every
pending notification of their weekly subscriptions in one email: the week's events go out at the
start of the next week. ``NotificationSettings.last_digest_at`` records the week's digest, so a
person gets at most one per week.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from . import emails
from .models import Frequency, Notification, NotificationSettings

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
MAX_HOLD = dt.timedelta(hours=6)


class DeliveryFailed(Exception):
    pass


def deliver(message: emails.Message) -> None:
    """Hand one email to the mail backend (raises if the server refuses or is down)."""
    EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers=message.headers,
    ).send(fail_silently=False)


def _claim(qs, now: dt.datetime) -> uuid.UUID:
    token = uuid.uuid4()
    qs.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).update(
        claim=token, claimed_until=now + LEASE
    )
    return token


def _release_failed(pk: int, token, exc: Exception, hold: dt.timedelta | None) -> None:
    Notification.objects.filter(pk=pk, claim=token).update(
        claim=None,
        claimed_until=(timezone.now() + hold) if hold else None,
        attempts=F("attempts") + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=5) * 2 ** max(attempts, 0), MAX_HOLD)


def _claimed(token):
    return Notification.objects.filter(claim=token).select_related(
        "user",
        "consultation__institution",
        "subscription__institution",
        "subscription__planned_item__plan__institution",
        "subscription__consultation",
    )


def _send_claimed(token, *, stop_on_failure: bool, hold_on_failure: bool) -> tuple[int, int]:
    sent = failed = 0
    for notification in _claimed(token).order_by("pk"):
        try:
            message = emails.render_notification(notification)
        except emails.Skip as reason:
            log.info("notification %s dropped: %s", notification.pk, reason)
            Notification.objects.filter(pk=notification.pk, claim=token).delete()
            continue
        try:
            deliver(message)
        except Exception as exc:
            log.warning("notification %s not sent, will retry: %s", notification.pk, exc)
            hold = _backoff(notification.attempts) if hold_on_failure else None
            _release_failed(notification.pk, token, exc, hold)
            failed += 1
            if stop_on_failure:
                break
            continue
        Notification.objects.filter(pk=notification.pk, claim=token).update(
            sent_at=timezone.now(),
            claim=None,
            claimed_until=None,
            attempts=F("attempts") + 1,
            last_error="",
        )
        sent += 1
    # Rows left claimed after a stop go back at once.
    Notification.objects.filter(claim=token).update(claim=None, claimed_until=None)
    return sent, failed


def send_notifications(ids: list[int]) -> int:
    """Send these immediate notifications (the job's work). Raises ``DeliveryFailed`` if any
    could not be sent, after trying all of them, so that the job is retried."""
    pending = Notification.objects.filter(
        pk__in=ids, frequency=Frequency.IMMEDIATE, sent_at__isnull=True
    )
    token = _claim(pending, timezone.now())
    sent, failed = _send_claimed(token, stop_on_failure=False, hold_on_failure=False)
    if failed:
        raise DeliveryFailed(f"{failed} notification(s) not sent ({sent} sent); will retry")
    return sent


def send_pending(*, now: dt.datetime | None = None, limit: int = 50) -> int:
    """Periodic: immediate notifications still unsent a while after they were written (the
    job gave up, or no worker ran it)."""
    now = now or timezone.now()
    minutes = getattr(settings, "SUBSCRIPTIONS_RETRY_AFTER_MINUTES", 15)
    ids = list(
        Notification.objects.filter(
            frequency=Frequency.IMMEDIATE,
            sent_at__isnull=True,
            created_at__lt=now - dt.timedelta(minutes=minutes),
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    token = _claim(Notification.objects.filter(pk__in=ids, sent_at__isnull=True), now)
    sent, _failed = _send_claimed(token, stop_on_failure=True, hold_on_failure=True)
    return sent


# --- Weekly digests -------------------------------------------------------------------------


def digest_moment(now: dt.datetime) -> dt.datetime:
    """The start of the current digest week: the latest digest day and hour at or before
    ``now`` (Kosovo time)."""
    weekday = getattr(settings, "SUBSCRIPTIONS_DIGEST_WEEKDAY", 0)
    hour = getattr(settings, "SUBSCRIPTIONS_DIGEST_HOUR", 8)
    local = timezone.localtime(now)
    day = local.date() - dt.timedelta(days=(local.weekday() - weekday) % 7)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    if moment > now:
        moment = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=7), dt.time(hour)))
    return moment


def send_digests(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Periodic: the weekly digest for every person who has one due. Returns how many went."""
    now = now or timezone.now()
    moment = digest_moment(now)
    # Due: something waiting from before this week's digest moment, and no digest since.
    waiting = set(
        Notification.objects.filter(
            frequency=Frequency.WEEKLY, digest_sent_at__isnull=True, created_at__lt=moment
        )
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not waiting:
        return 0
    done = set(
        NotificationSettings.objects.filter(
            user_id__in=waiting, last_digest_at__gte=moment
        ).values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in sorted(waiting - done)[:limit]:
        pending = Notification.objects.filter(
            user_id=user_id, frequency=Frequency.WEEKLY, digest_sent_at__isnull=True
        )
        token = _claim(pending, now)
        rows = list(_claimed(token).order_by("created_at", "pk"))
        if not rows:
            continue
        user = rows[0].user
        if not user.is_active or not user.email:
            Notification.objects.filter(claim=token).delete()
            continue
        try:
            message, covered = emails.render_digest(user, rows)
        except emails.Skip:
            Notification.objects.filter(claim=token).delete()
            continue
        try:
            deliver(message)
        except Exception as exc:
            log.warning("weekly digest for user %s not sent, will retry: %s", user_id, exc)
            Notification.objects.filter(claim=token).update(
                claim=None,
                claimed_until=timezone.now() + dt.timedelta(minutes=10),
                attempts=F("attempts") + 1,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            break  # the mail server is down: the next run tries again
        at = now  # the digest of the week that ``now`` is in
        Notification.objects.filter(claim=token, pk__in=covered).update(
            digest_sent_at=at, claim=None, claimed_until=None, attempts=F("attempts") + 1
        )
        # What could not be rendered any more (a hidden reply, an ended subscription) goes.
        Notification.objects.filter(claim=token).delete()
        NotificationSettings.objects.update_or_create(
            user_id=user_id, defaults={"last_digest_at": at}
        )
        sent += 1
    return sent
