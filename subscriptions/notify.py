"""The entry points the services call when something happens that people may want to hear about.

Each is one line in the service that causes the event, called **inside its transaction**::

    subscription_notify.consultation_opened(consultation)

and each writes the ``Notification`` rows in that transaction (so they exist exactly when the
change committed: nothing announced that rolled back, nothing lost that committed) and queues
the background job that emails the immediate ones (``jobs.runner.enqueue``: it starts after the
commit; never in the request). Weekly subscribers' notifications wait for their digest
(``subscriptions.delivery.send_digests``). A failure here is logged and does not undo the
service's change (a savepoint): a bug in notifications must not stop a consultation opening.

Who gets what:

* ``consultation_opened``: followers of the institution, of the kind of act, of the planned
  item(s) the consultation carries out, and of the consultation itself; once per person and
  consultation. Called by ``consult.services`` (open, schedule when it opens at once,
  ``consultation_advance_by_time``) and ``plans.services.planned_item_link`` (an open
  consultation linked to a planned item).
* ``closing_soon``: followers of the consultation, once per consultation, when it closes within
  three working days (``consult.workdays``); the daily
  ``subscriptions.services.closing_soon_notify``.
* ``version_published``: followers of the consultation (not while it is a draft);
  ``proposals.services.proposal_version_publish``.
* ``comment_reply``: the author of the comment replied to, unless they turned replies off
  (``NotificationSettings.replies``, on by default); ``comments.services.comment_create``.
* ``report_published``: followers of the consultation; ``reports.services.report_publish``.

A person who follows several matching things gets one notification per event: immediate if any
matching subscription is immediate, and the email names the most specific reason (the
consultation, then the planned item, the institution, the kind of act); its unsubscribe link
ends that subscription.

Answers to submissions are emailed by ``comments.notifications`` (with its own retries); that
module asks ``answers_wanted(user)`` first and adds the unsubscribe link of
``answers_unsubscribe(user)``.

This module imports the domain apps only inside its functions, so the lower apps (consult,
proposals, comments, plans, reports) can import it at their top without an import cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

log = logging.getLogger(__name__)

SEND_JOB = "subscriptions.send"
SEND_JOB_ATTEMPTS = 5
# The most specific reason first: it names the email's reason and its unsubscribe link.
REASON_ORDER = ("consultation", "planned_item", "institution", "kind")


def _safely(name: str, fn, *args) -> None:
    try:
        with transaction.atomic():
            fn(*args)
    except Exception:
        log.exception("notifications for %s not recorded", name)


def _record(event_type: str, consultation, subscriptions: Iterable, payload: dict) -> list[int]:
    """One notification per person among ``subscriptions``; queue the immediate ones."""
    from .models import Frequency, Notification

    by_user: dict[int, list] = {}
    for sub in subscriptions:
        by_user.setdefault(sub.user_id, []).append(sub)
    if not by_user:
        return []
    rows = []
    for user_id, subs in by_user.items():
        immediate = [s for s in subs if s.frequency == Frequency.IMMEDIATE]
        pool = immediate or subs
        chosen = min(pool, key=lambda s: REASON_ORDER.index(s.target_type))
        rows.append(
            Notification(
                user_id=user_id,
                event_type=event_type,
                consultation=consultation,
                subscription=chosen,
                frequency=Frequency.IMMEDIATE if immediate else Frequency.WEEKLY,
                payload={**payload, "reason": chosen.target_type},
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.frequency == Frequency.IMMEDIATE]
    if any(pk is None for pk in ids):  # a backend that does not return ids from bulk inserts
        ids = list(
            Notification.objects.filter(
                event_type=event_type,
                consultation=consultation,
                frequency=Frequency.IMMEDIATE,
                sent_at__isnull=True,
            ).values_list("pk", flat=True)
        )
    queue_send(ids)
    return [n.pk for n in created]


def queue_send(ids: list[int]) -> None:
    """Queue the background job that emails these notifications (after the commit)."""
    if not ids:
        return
    from jobs.runner import enqueue

    enqueue(SEND_JOB, args={"ids": ids}, max_attempts=SEND_JOB_ATTEMPTS)


def _active(qs):
    return qs.filter(user__is_active=True).exclude(user__email="")


def _consultation_followers(consultation):
    from .models import Subscription

    return _active(
        Subscription.objects.filter(
            target_type=Subscription.Target.CONSULTATION, consultation=consultation
        )
    )


# --- Events ------------------------------------------------------------------------------------


def consultation_opened(consultation) -> None:
    """The consultation is open for comments."""
    _safely("consultation_opened", _opened, consultation)


def _opened(consultation) -> None:
    from consult.models import Consultation

    from .models import Notification, Subscription

    if consultation.effective_status != Consultation.Status.OPEN:
        return  # opened and closed at once by the scheduler: nothing to take part in
    T = Subscription.Target
    already = Notification.objects.filter(
        event_type=Notification.Event.CONSULTATION_OPENED, consultation=consultation
    ).values("user_id")
    subs = _active(
        Subscription.objects.filter(
            Q(target_type=T.INSTITUTION, institution_id=consultation.institution_id)
            | Q(target_type=T.KIND, kind=consultation.kind)
            | Q(target_type=T.PLANNED_ITEM, planned_item__consultation=consultation)
            | Q(target_type=T.CONSULTATION, consultation=consultation)
        )
    ).exclude(user_id__in=already)
    _record(Notification.Event.CONSULTATION_OPENED, consultation, list(subs), {})


def version_published(version) -> None:
    """A new version of one of the consultation's draft documents was published."""
    _safely("version_published", _version, version)


def _version(version) -> None:
    from .models import Notification

    proposal = version.proposal
    consultation = proposal.consultation
    if not consultation.is_public:
        return
    _record(
        Notification.Event.VERSION_PUBLISHED,
        consultation,
        list(_consultation_followers(consultation)),
        {"proposal": proposal.pk, "version": version.number},
    )


def closing_soon(consultation) -> None:
    """The consultation closes within three working days. Called by the daily
    ``subscriptions.services.closing_soon_notify`` inside the transaction that records that
    it was done (so a failure here undoes the record, and the next run tries again)."""
    from .models import Notification

    _record(
        Notification.Event.CLOSING_SOON,
        consultation,
        list(_consultation_followers(consultation)),
        {"closes_at": consultation.closes_at.isoformat() if consultation.closes_at else None},
    )


def report_published(consultation, number: int = 1) -> None:
    """The consultation's report was published (``number`` > 1: a correction)."""
    _safely("report_published", _report, consultation, number)


def _report(consultation, number: int) -> None:
    from .models import Notification

    _record(
        Notification.Event.REPORT_PUBLISHED,
        consultation,
        list(_consultation_followers(consultation)),
        {"version": number},
    )


def comment_replied(comment) -> None:
    """``comment`` replies to another comment: tell that comment's author (if they want)."""
    if comment.parent_id is None:
        return
    _safely("comment_reply", _reply, comment)


def _reply(comment) -> None:
    from .models import Frequency, Notification

    parent = comment.parent
    recipient = parent.author
    if recipient is None or recipient.pk == comment.author_id:
        return
    if not recipient.is_active or not recipient.email or not replies_wanted(recipient):
        return
    notification = Notification.objects.create(
        user=recipient,
        event_type=Notification.Event.COMMENT_REPLY,
        consultation_id=comment.consultation_id,
        frequency=Frequency.IMMEDIATE,
        payload={"comment": comment.pk, "parent": parent.pk, "reason": "replies"},
    )
    queue_send([notification.pk])


# --- The settings that need no subscription ----------------------------------------------------


def _settings_of(user):
    from .models import NotificationSettings

    return NotificationSettings.objects.filter(user_id=user.pk).first()


def replies_wanted(user) -> bool:
    found = _settings_of(user)
    return True if found is None else found.replies


def answers_wanted(user) -> bool:
    """Whether the person wants the email with the institution's answer to their submission
    (on unless they turned it off)."""
    found = _settings_of(user)
    return True if found is None else found.answers


class HeadersConnection:
    """A mail connection that adds headers to every message, then hands it to the configured
    backend: lets ``django.core.mail.send_mail`` (which takes no headers) send the
    ``List-Unsubscribe`` headers."""

    def __init__(self, headers: dict[str, str]):
        from django.core.mail import get_connection

        self.headers = headers
        self.inner = get_connection()

    def send_messages(self, messages) -> int:
        for message in messages:
            message.extra_headers.update(self.headers)
        return self.inner.send_messages(messages)


def answers_unsubscribe(user) -> dict:
    """For the answer emails of ``comments.notifications``: the one-click unsubscribe URL (to
    show in the email), the ``List-Unsubscribe`` headers, and a ``connection`` for
    ``send_mail`` that adds them."""
    from .tokens import list_unsubscribe_headers, token_for_setting, unsubscribe_url

    url = unsubscribe_url(token_for_setting(user, "answers"))
    headers = list_unsubscribe_headers(url)
    return {"url": url, "headers": headers, "connection": HeadersConnection(headers)}
