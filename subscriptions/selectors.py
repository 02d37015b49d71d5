"""Reads for subscriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import NotificationSettings, Subscription

T = Subscription.Target


@dataclass
class Followed:
    """What one person follows: ``{target id or kind: subscription id}`` per target type."""

    institution: dict = field(default_factory=dict)
    kind: dict = field(default_factory=dict)
    planned_item: dict = field(default_factory=dict)
    consultation: dict = field(default_factory=dict)

    def subscription_id(self, target_type: str, key) -> int | None:
        return getattr(self, target_type).get(key)


def followed_targets(user) -> Followed:
    """One query per person and request (kept on the user object), however many follow
    buttons a page shows."""
    if not getattr(user, "is_authenticated", False):
        return Followed()
    cached = getattr(user, "_konsulta_followed", None)
    if cached is not None:
        return cached
    followed = Followed()
    rows = Subscription.objects.filter(user=user).values_list(
        "pk", "target_type", "institution_id", "kind", "planned_item_id", "consultation_id"
    )
    for pk, target_type, institution_id, kind, planned_item_id, consultation_id in rows:
        key = {
            T.INSTITUTION: institution_id,
            T.KIND: kind,
            T.PLANNED_ITEM: planned_item_id,
            T.CONSULTATION: consultation_id,
        }[target_type]
        getattr(followed, target_type)[key] = pk
    user._konsulta_followed = followed
    return followed


def subscriptions_of(user) -> list[Subscription]:
    """A person's subscriptions with what they follow (one query)."""
    return list(
        Subscription.objects.filter(user=user)
        .select_related(
            "institution", "consultation", "planned_item", "planned_item__plan__institution"
        )
        .order_by("target_type", "-created_at", "-pk")
    )


def settings_of(user) -> NotificationSettings:
    """The person's settings; the defaults (not saved) if they never changed them."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)
