"""Permission predicates about people (the ``rules`` package).

Predicates are small and named; apps compose them with ``&`` and ``|``. Object-level
predicates take the object the permission is about (an organisation here).
"""

from __future__ import annotations

import rules

from .models import Membership
from .selectors import user_is_moderator, user_roles


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


@rules.predicate
def is_verified(user) -> bool:
    """Signed in with a confirmed email address: the condition for taking part."""
    return is_authenticated(user) and bool(user.email_verified)


@rules.predicate
def is_staff(user) -> bool:
    return is_authenticated(user) and bool(user.is_staff)


@rules.predicate
def is_moderator(user) -> bool:
    return is_authenticated(user) and (user.is_superuser or user_is_moderator(user))


@rules.predicate
def is_official_of(user, organisation) -> bool:
    if organisation is None or not is_authenticated(user):
        return False
    org_id = getattr(organisation, "pk", organisation)
    return user_roles(user).get(org_id) == Membership.Role.OFFICIAL


@rules.predicate
def is_representative_of(user, organisation) -> bool:
    if organisation is None or not is_authenticated(user):
        return False
    org_id = getattr(organisation, "pk", organisation)
    return user_roles(user).get(org_id) == Membership.Role.REPRESENTATIVE


@rules.predicate
def is_any_official(user) -> bool:
    return is_authenticated(user) and Membership.Role.OFFICIAL in user_roles(user).values()


@rules.predicate
def organisation_is_verified(user, organisation) -> bool:
    return organisation is not None and organisation.is_verified


rules.add_perm("accounts.verify_organisation", is_staff)
rules.add_perm("accounts.take_part", is_verified)


def require(actor, perm: str, obj, message: str) -> None:
    """Raise ``PermissionDenied(message)`` unless ``actor`` has ``perm`` on ``obj``.

    Checks the rule itself, not ``actor.has_perm``: Django lets a superuser pass every
    permission, which would skip the lifecycle-state checks that live in the rules (voting on a
    closed consultation, say). Staff rights are part of the rules already.
    """
    from django.core.exceptions import PermissionDenied

    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)
