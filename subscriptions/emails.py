"""The notification emails, written in the recipient's language (``User.preferred_language``).

Plain text, like the other emails of Konsulta (``comments/emails``). Every email ends with why
the person gets it and a one-click unsubscribe link that works without signing in, and carries
the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (``subscriptions.tokens``).

Rendering reads the current state (titles, the reply as it is now); a notification whose reason
has gone (the reply was hidden, the subscription ended) raises ``Skip``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Notification, Subscription
from .tokens import (
    absolute,
    list_unsubscribe_headers,
    token_for_setting,
    token_for_subscription,
    unsubscribe_url,
)

E = Notification.Event
T = Subscription.Target


class Skip(Exception):
    """Nothing to send any more for this notification."""


@dataclass
class Message:
    to: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    language: str = ""


def language_of(user) -> str:
    wanted = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _consultation_url(consultation) -> str:
    return absolute(reverse("consult:detail", kwargs={"slug": consultation.slug}))


def _unsubscribe_token(notification: Notification) -> str:
    if notification.event_type == E.COMMENT_REPLY:
        return token_for_setting(notification.user, "replies")
    if notification.subscription is None:
        raise Skip("the subscription has ended")
    return token_for_subscription(notification.subscription)


def _event_context(notification: Notification) -> dict:
    """What the event's template needs, read now."""
    consultation = notification.consultation
    payload = notification.payload or {}
    context = {"consultation": consultation, "payload": payload}
    if consultation is not None:
        if not consultation.is_public:
            raise Skip("the consultation is not public")
        context["consultation_url"] = _consultation_url(consultation)
    event = notification.event_type
    if event == E.VERSION_PUBLISHED:
        from proposals.models import ProposalVersion

        version = (
            ProposalVersion.objects.select_related("proposal")
            .filter(proposal_id=payload.get("proposal"), number=payload.get("version"))
            .first()
        )
        if version is None:
            raise Skip("the version is gone")
        context["version"] = version
        context["proposal"] = version.proposal
        context["versions_url"] = absolute(
            reverse(
                "proposals:versions",
                kwargs={"slug": consultation.slug, "proposal": version.proposal.slug},
            )
        )
    elif event == E.COMMENT_REPLY:
        from comments.models import Comment
        from comments.selectors import public_author

        reply = (
            Comment.objects.select_related("author", "organisation", "participant", "proposal")
            .filter(pk=payload.get("comment"), status=Comment.Status.PUBLISHED)
            .first()
        )
        parent = Comment.objects.filter(pk=payload.get("parent")).first()
        if reply is None or parent is None:
            raise Skip("the reply is no longer public")
        context.update(
            reply=reply,
            parent=parent,
            reply_author=public_author(reply),
            reply_url=absolute(
                reverse(
                    "comments:draft_comments",
                    kwargs={"slug": consultation.slug, "proposal": reply.proposal.slug},
                )
                + f"#comment-{reply.pk}"
            ),
        )
    elif event == E.REPORT_PUBLISHED:
        context["report_url"] = absolute(
            reverse("reports:detail", kwargs={"slug": consultation.slug})
        )
        context["version_number"] = payload.get("version", 1)
    elif event == E.CLOSING_SOON:
        from django.utils import timezone

        from consult.workdays import working_days_between

        context["working_days_left"] = working_days_between(timezone.now(), consultation.closes_at)
    return context


def _reason(notification: Notification) -> dict:
    if notification.event_type == E.COMMENT_REPLY:
        return {"reason": "replies"}
    sub = notification.subscription
    if sub is None:
        raise Skip("the subscription has ended")
    context = {"reason": sub.target_type, "subscription": sub}
    if sub.target_type == T.KIND:
        from consult.models import Consultation

        context["kind_label"] = Consultation.Kind(sub.kind).label
    return context


def render_notification(notification: Notification) -> Message:
    """One immediate notification as an email in its recipient's language."""
    user = notification.user
    language = language_of(user)
    token = _unsubscribe_token(notification)
    url = unsubscribe_url(token)
    with translation.override(language):
        context = {
            **_event_context(notification),
            **_reason(notification),
            "user": user,
            "notification": notification,
            "unsubscribe_url": url,
            "manage_url": absolute(reverse("subscriptions:mine")),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        template = f"subscriptions/emails/{notification.event_type}"
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return Message(
        to=user.email,
        subject=" ".join(subject.split()),
        body=body,
        headers=list_unsubscribe_headers(url),
        language=language,
    )


@dataclass
class DigestGroup:
    event: str
    label: str
    entries: list = field(default_factory=list)


def render_digest(user, notifications: list[Notification]) -> tuple[Message, list[int]]:
    """One weekly email with the person's pending notifications, grouped by event. Returns the
    message and the ids it covers (those that could be rendered); ``Skip`` if none could."""
    language = language_of(user)
    url = unsubscribe_url(token_for_setting(user, "weekly"))
    order = [E.CONSULTATION_OPENED, E.CLOSING_SOON, E.VERSION_PUBLISHED, E.REPORT_PUBLISHED]
    covered: list[int] = []
    with translation.override(language):
        groups = {event: DigestGroup(event, str(E(event).label)) for event in order}
        for notification in notifications:
            try:
                context = {**_event_context(notification), **_reason(notification)}
            except Skip:
                continue
            context["notification"] = context["n"] = notification
            context["entry"] = render_to_string(
                f"subscriptions/emails/digest_{notification.event_type}.txt", context
            ).strip()
            group = groups.get(notification.event_type)
            if group is None:
                group = groups.setdefault(
                    notification.event_type,
                    DigestGroup(notification.event_type, str(E(notification.event_type).label)),
                )
            group.entries.append(context)
            covered.append(notification.pk)
        if not covered:
            raise Skip("nothing left to tell")
        context = {
            "user": user,
            "groups": [g for g in groups.values() if g.entries],
            "count": len(covered),
            "unsubscribe_url": url,
            "manage_url": absolute(reverse("subscriptions:mine")),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("subscriptions/emails/digest_subject.txt", context)
        body = render_to_string("subscriptions/emails/digest.txt", context)
    message = Message(
        to=user.email,
        subject=" ".join(subject.split()),
        body=body,
        headers=list_unsubscribe_headers(url),
        language=language,
    )
    return message, covered
