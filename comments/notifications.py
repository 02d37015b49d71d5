"""Emails about submissions: the receipt with the tracking number, and the institution's answer.

Sent after the transaction commits, in the recipient's preferred language. A failure is logged
and the answer stays marked as not yet notified (``OfficialResponse.notified_at`` empty), so the
periodic job ``notify_pending_responses`` sends it again later: no answer is lost because a mail
server was down.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from subscriptions import notify as subscription_notify

log = logging.getLogger(__name__)


def _recipient(submission):
    return getattr(submission, "author", None) or getattr(submission, "submitted_by", None)


def _send(template: str, user, context: dict, connection=None) -> None:
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "user": user, "site_url": settings.SITE_URL.rstrip("/")}
        subject = render_to_string(f"comments/emails/{template}_subject.txt", context)
        body = render_to_string(f"comments/emails/{template}.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        None,
        [user.email],
        fail_silently=False,
        connection=connection,
    )


def _status_url(tracking_number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "comments:track", kwargs={"number": tracking_number}
    )


def send_receipt(submission) -> None:
    user = _recipient(submission)
    if user is None or not user.email:
        return
    try:
        _send(
            "receipt",
            user,
            {
                "submission": submission,
                "consultation": submission.consultation,
                "status_url": _status_url(submission.tracking_number),
            },
        )
    except Exception:
        log.exception("receipt for %s not sent", submission.tracking_number)


def submission_receipt_on_commit(submission) -> None:
    transaction.on_commit(lambda: send_receipt(submission))


def send_response(response) -> bool:
    from .models import OfficialResponse

    submission = response.comment or response.position_paper
    user = _recipient(submission)
    # Not wanted: "answers to my submissions" turned off (subscriptions; on by default).
    if user is None or not user.email or not subscription_notify.answers_wanted(user):
        OfficialResponse.objects.filter(pk=response.pk).update(notified_at=timezone.now())
        return True
    unsubscribe = subscription_notify.answers_unsubscribe(user)
    try:
        _send(
            "response",
            user,
            {
                "submission": submission,
                "response": response,
                "consultation": submission.consultation,
                "status_url": _status_url(submission.tracking_number),
                "unsubscribe_url": unsubscribe["url"],
            },
            connection=unsubscribe["connection"],
        )
    except Exception:
        log.exception("answer to %s not sent; will retry", submission.tracking_number)
        return False
    OfficialResponse.objects.filter(pk=response.pk).update(notified_at=timezone.now())
    return True


def response_published_on_commit(response) -> None:
    transaction.on_commit(lambda: send_response(response))


def notify_pending_responses() -> int:
    """Periodic job: send the answers whose email has not gone out (retries after failures)."""
    from consult.models import Consultation

    from .models import OfficialResponse

    pending = OfficialResponse.objects.filter(notified_at__isnull=True).filter(
        consultation__responses_visibility=Consultation.ResponsesVisibility.IMMEDIATE
    ) | OfficialResponse.objects.filter(
        notified_at__isnull=True, consultation__status=Consultation.Status.REPORT_PUBLISHED
    )
    sent = 0
    for response in pending.select_related(
        "comment__author", "position_paper__submitted_by", "consultation"
    )[:200]:
        sent += bool(send_response(response))
    return sent
