"""Reads about people and organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import MODERATORS_GROUP, Membership, Organisation


def user_roles(user) -> dict[int, str]:
    """``{organisation_id: role}`` for a person, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_konsulta_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._konsulta_roles = cached
    return cached


def user_is_moderator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_konsulta_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._konsulta_is_moderator = cached
    return cached


def institutions_for_official(user) -> QuerySet[Organisation]:
    ids = [oid for oid, role in user_roles(user).items() if role == Membership.Role.OFFICIAL]
    return Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.INSTITUTION)


def organisation_list(*, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")
