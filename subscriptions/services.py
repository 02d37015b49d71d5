"""Writes for subscriptions: follow, unfollow, frequency, the personal settings, the signed
unsubscribe links, and the daily "closes in three working days" reminder."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.rules import is_verified, require
from consult.models import Consultation
from consult.workdays import working_days_between
from plans.models import PlannedItem

from . import notify
from .models import EventMarker, Frequency, Notification, NotificationSettings, Subscription
from .tokens import BadToken, read_token  # noqa: F401 (BadToken: for the callers)

log = logging.getLogger(__name__)
T = Subscription.Target

Target = Organisation | Consultation | PlannedItem | str


def target_lookup(target: Target) -> dict:
    """The ``Subscription`` fields that name ``target``."""
    if isinstance(target, Organisation):
        return {"target_type": T.INSTITUTION, "institution": target}
    if isinstance(target, Consultation):
        return {"target_type": T.CONSULTATION, "consultation": target}
    if isinstance(target, PlannedItem):
        return {"target_type": T.PLANNED_ITEM, "planned_item": target}
    if isinstance(target, str) and target in Consultation.Kind.values:
        return {"target_type": T.KIND, "kind": target}
    raise ValidationError({"target": _("This cannot be followed.")})


def _frequency(value: str) -> str:
    if value not in Frequency.values:
        raise ValidationError({"frequency": _("Choose how often you want to hear.")})
    return value


@transaction.atomic
def subscription_follow(
    *, actor: User, target: Target, frequency: str = Frequency.IMMEDIATE
) -> Subscription:
    """Follow ``target``. Following again what one already follows changes nothing."""
    if not is_verified(actor):
        raise PermissionDenied(
            _("Following needs a signed-in account with a confirmed email address.")
        )
    if isinstance(target, Organisation | Consultation):
        target = type(target).objects.get(pk=target.pk)  # decide on its current state
    elif isinstance(target, PlannedItem):
        target = PlannedItem.objects.select_related("plan").get(pk=target.pk)
    require(actor, "subscriptions.follow", target, _("This cannot be followed."))
    frequency = _frequency(frequency)
    lookup = target_lookup(target)
    existing = Subscription.objects.filter(user=actor, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Subscription.objects.create(user=actor, frequency=frequency, **lookup)
    except IntegrityError:  # a double click: the other request created it first
        return Subscription.objects.get(user=actor, **lookup)


def _end(subscription: Subscription) -> None:
    """Delete a subscription and what it had not sent yet."""
    Notification.objects.filter(
        subscription=subscription, sent_at__isnull=True, digest_sent_at__isnull=True
    ).delete()
    subscription.delete()


@transaction.atomic
def subscription_unfollow(*, actor: User, subscription: Subscription) -> None:
    require(
        actor,
        "subscriptions.change_subscription",
        subscription,
        _("You can only change your own subscriptions."),
    )
    _end(subscription)


@transaction.atomic
def subscription_unfollow_target(*, actor: User, target: Target) -> bool:
    """Stop following ``target``; ``False`` if the person did not follow it."""
    lookup = target_lookup(target)
    subscription = Subscription.objects.filter(user=actor, **lookup).first()
    if subscription is None:
        return False
    subscription_unfollow(actor=actor, subscription=subscription)
    return True


@transaction.atomic
def subscription_set_frequency(
    *, actor: User, subscription: Subscription, frequency: str
) -> Subscription:
    require(
        actor,
        "subscriptions.change_subscription",
        subscription,
        _("You can only change your own subscriptions."),
    )
    subscription.frequency = _frequency(frequency)
    subscription.save(update_fields=["frequency"])
    return subscription


@transaction.atomic
def notification_settings_update(
    *, actor: User, replies: bool, answers: bool
) -> NotificationSettings:
    require(actor, "subscriptions.change_settings", None, _("Sign in to change your settings."))
    found, _created = NotificationSettings.objects.update_or_create(
        user=actor, defaults={"replies": bool(replies), "answers": bool(answers)}
    )
    if not found.replies:
        Notification.objects.filter(
            user=actor, event_type=Notification.Event.COMMENT_REPLY, sent_at__isnull=True
        ).delete()
    return found


# --- Signed unsubscribe links ------------------------------------------------------------------


@dataclass
class Unsubscribe:
    """What a link stops: ``kind`` is a subscription's target type or a setting
    (``replies``, ``answers``, ``weekly``); ``label`` names the thing followed."""

    kind: str
    label: str = ""
    done: bool = False  # nothing left to stop (already unsubscribed)


def unsubscribe_describe(token: str) -> Unsubscribe:
    """What ``token`` would stop, changing nothing. Raises ``BadToken``."""
    data = read_token(token)
    if "s" in data:
        sub = (
            Subscription.objects.select_related(
                "institution", "consultation", "planned_item", "user"
            )
            .filter(pk=data["s"], user_id=data["u"])
            .first()
        )
        if sub is None:
            return Unsubscribe(kind="subscription", done=True)
        return Unsubscribe(kind=sub.target_type, label=sub.target_label)
    kind = data["k"]
    if kind == "weekly":
        done = not Subscription.objects.filter(
            user_id=data["u"], frequency=Frequency.WEEKLY
        ).exists()
        return Unsubscribe(kind=kind, done=done)
    found = NotificationSettings.objects.filter(user_id=data["u"]).first()
    on = True if found is None else getattr(found, kind)
    return Unsubscribe(kind=kind, done=not on)


@transaction.atomic
def unsubscribe_with_token(*, token: str) -> Unsubscribe:
    """Do what a signed unsubscribe link says, without a signed-in person: the signature is
    the permission. Raises ``BadToken`` (and changes nothing) for a token that is not ours."""
    data = read_token(token)
    result = unsubscribe_describe(token)
    if result.done:
        return result
    if "s" in data:
        subscription = Subscription.objects.filter(pk=data["s"], user_id=data["u"]).first()
        if subscription is not None:
            _end(subscription)
    elif data["k"] == "weekly":
        for subscription in Subscription.objects.filter(
            user_id=data["u"], frequency=Frequency.WEEKLY
        ):
            _end(subscription)
    else:
        if not User.objects.filter(pk=data["u"]).exists():
            return Unsubscribe(kind=data["k"], done=True)
        found, _created = NotificationSettings.objects.get_or_create(user_id=data["u"])
        setattr(found, data["k"], False)
        found.save(update_fields=[data["k"]])
        if data["k"] == "replies":
            Notification.objects.filter(
                user_id=data["u"],
                event_type=Notification.Event.COMMENT_REPLY,
                sent_at__isnull=True,
            ).delete()
    result.done = True
    return result


# --- Daily reminder ----------------------------------------------------------------------------


def closing_soon_notify(*, now: dt.datetime | None = None) -> int:
    """Periodic (daily, from ``SUBSCRIPTIONS_DAILY_HOUR`` Kosovo time): tell the followers of
    every open consultation that closes within ``SUBSCRIPTIONS_CLOSING_SOON_WORKING_DAYS``
    working days (``consult.workdays``). Once per consultation: an ``EventMarker`` row, written
    in the same transaction as the notifications, says it was done."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < getattr(settings, "SUBSCRIPTIONS_DAILY_HOUR", 8):
        return 0
    days = getattr(settings, "SUBSCRIPTIONS_CLOSING_SOON_WORKING_DAYS", 3)
    S = Consultation.Status
    event = Notification.Event.CLOSING_SOON
    candidates = (
        Consultation.objects.filter(
            status__in=[S.SCHEDULED, S.OPEN],
            opens_at__lte=now,
            closes_at__gt=now,
            # Three working days are never more than two weeks, holidays included.
            closes_at__lte=now + dt.timedelta(days=days + 11),
        )
        .exclude(pk__in=EventMarker.objects.filter(event_type=event).values("consultation_id"))
        .order_by("closes_at")
    )
    count = 0
    for consultation in candidates:
        if working_days_between(now, consultation.closes_at) > days:
            continue
        try:
            with transaction.atomic():
                EventMarker.objects.create(consultation=consultation, event_type=event)
                notify.closing_soon(consultation)
        except IntegrityError:
            continue  # another worker did it
        count += 1
    return count
