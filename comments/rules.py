"""Who may comment, react, flag, moderate and answer."""

from __future__ import annotations

import rules

from accounts.rules import (
    is_authenticated,
    is_moderator,
    is_official_of,
    is_representative_of,
    is_staff,
    is_verified,
)
from consult.models import Consultation

S = Consultation.Status


def _consultation(obj):
    return obj if isinstance(obj, Consultation) else getattr(obj, "consultation", None)


@rules.predicate
def is_blocked(user) -> bool:
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_konsulta_blocked", None)
    if cached is None:
        from .models import ParticipationBlock

        cached = ParticipationBlock.objects.filter(user=user).exists()
        user._konsulta_blocked = cached
    return cached


@rules.predicate
def is_open(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and c.effective_status == S.OPEN


@rules.predicate
def is_public(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and c.is_public


@rules.predicate
def is_institution_official(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and is_official_of(user, c.institution_id)


@rules.predicate
def is_author(user, comment) -> bool:
    return is_authenticated(user) and comment is not None and comment.author_id == user.pk


@rules.predicate
def is_published(user, comment) -> bool:
    return comment is not None and comment.status == "published"


@rules.predicate
def is_not_withdrawn(user, comment) -> bool:
    return comment is not None and comment.status != "withdrawn"


@rules.predicate
def answers_allowed(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and c.effective_status in (S.OPEN, S.CLOSED, S.REPORT_PUBLISHED)


@rules.predicate
def can_represent_verified_cso(user, organisation) -> bool:
    return (
        organisation is not None
        and organisation.kind == "cso"
        and organisation.is_verified
        and is_representative_of(user, organisation)
    )


can_take_part = is_verified & ~is_blocked
can_see_identities = is_institution_official | is_moderator | is_staff

# Object: the consultation.
rules.add_perm("comments.add_comment", can_take_part & is_open)
rules.add_perm("comments.see_identities", can_see_identities)
rules.add_perm("comments.moderate", is_moderator | is_institution_official)
rules.add_perm("comments.respond", (is_institution_official | is_staff) & answers_allowed)
rules.add_perm("comments.view_queue", is_moderator | is_institution_official | is_staff)
# Object: a comment.
rules.add_perm("comments.change_comment", is_author & is_published & is_open & ~is_blocked)
rules.add_perm("comments.withdraw_comment", is_author & is_not_withdrawn & is_open)
rules.add_perm("comments.react", can_take_part & is_open & is_published & ~is_author)
rules.add_perm("comments.flag", is_verified & is_open & is_published & ~is_author)
rules.add_perm("comments.moderate_comment", is_moderator | is_institution_official)
# Object: the organisation (position papers).
rules.add_perm("comments.represent_cso", can_represent_verified_cso & ~is_blocked)
# Object: none.
rules.add_perm("comments.block_user", is_moderator)
