"""Who may do what with public hearings, as ``rules`` predicates.

Objects: a ``Consultation`` for scheduling, a ``Hearing`` for its lifecycle and for posting, a
``HearingItem`` for upvoting and moderating; every predicate finds the consultation from any of
them. Consultation states are read through ``effective_status`` (time is authoritative).

* Officials of the consultation's institution and staff schedule hearings while the
  consultation has not closed (draft, scheduled, open), edit them until they end, start one
  only while the consultation is open (hearings are part of the round), end a live one, cancel
  a scheduled one.
* Taking part (posting, upvoting) needs a verified account that is not blocked, a live hearing
  and an open consultation; nobody upvotes their own item, nor a hidden one.
* Officials of the institution and site moderators mark items answered, hide and restore them,
  during the session and after it (answers and moderation can follow the session).
"""

from __future__ import annotations

import rules

from accounts.rules import is_authenticated, is_moderator, is_official_of, is_staff, is_verified
from comments.rules import is_blocked
from consult.models import Consultation

from .models import Hearing, HearingItem

S = Consultation.Status
H = Hearing.Status


def _hearing(obj) -> Hearing | None:
    if isinstance(obj, Hearing):
        return obj
    if isinstance(obj, HearingItem):
        return obj.hearing
    return None


def _consultation(obj) -> Consultation | None:
    if isinstance(obj, Consultation):
        return obj
    hearing = _hearing(obj)
    return hearing.consultation if hearing is not None else None


@rules.predicate
def is_hearing_official(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and is_official_of(user, c.institution_id)


@rules.predicate
def consultation_is_visible(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and rules.has_perm("consult.view_consultation", user, c)


@rules.predicate
def consultation_takes_hearings(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and c.effective_status in (S.DRAFT, S.SCHEDULED, S.OPEN)


@rules.predicate
def consultation_is_open(user, obj) -> bool:
    c = _consultation(obj)
    return c is not None and c.effective_status == S.OPEN


@rules.predicate
def hearing_is_scheduled(user, obj) -> bool:
    h = _hearing(obj)
    return h is not None and h.status == H.SCHEDULED


@rules.predicate
def hearing_is_live(user, obj) -> bool:
    h = _hearing(obj)
    return h is not None and h.status == H.LIVE


@rules.predicate
def hearing_is_changeable(user, obj) -> bool:
    h = _hearing(obj)
    return h is not None and h.status in (H.SCHEDULED, H.LIVE)


@rules.predicate
def hearing_has_record(user, obj) -> bool:
    """Live or ended: there are items to moderate."""
    h = _hearing(obj)
    return h is not None and h.status in (H.LIVE, H.ENDED)


@rules.predicate
def is_item_author(user, item) -> bool:
    return is_authenticated(user) and isinstance(item, HearingItem) and item.author_id == user.pk


@rules.predicate
def item_is_not_hidden(user, item) -> bool:
    return isinstance(item, HearingItem) and item.status != HearingItem.Status.HIDDEN


can_manage = is_hearing_official | is_staff
can_take_part = is_verified & ~is_blocked
can_moderate = is_moderator | is_hearing_official

# Object: a consultation (or a hearing: the same answer).
rules.add_perm("hearings.manage_hearings", can_manage)
rules.add_perm("hearings.schedule_hearing", can_manage & consultation_takes_hearings)
# Object: a hearing.
rules.add_perm("hearings.view_hearing", consultation_is_visible | can_manage | is_moderator)
rules.add_perm("hearings.change_hearing", can_manage & hearing_is_changeable)
rules.add_perm("hearings.start_hearing", can_manage & hearing_is_scheduled & consultation_is_open)
rules.add_perm("hearings.end_hearing", can_manage & hearing_is_live)
rules.add_perm("hearings.cancel_hearing", can_manage & hearing_is_scheduled)
rules.add_perm("hearings.post_item", can_take_part & hearing_is_live & consultation_is_open)
rules.add_perm("hearings.see_identities", is_hearing_official | is_moderator | is_staff)
# Object: a hearing or an item.
rules.add_perm("hearings.moderate_item", can_moderate & hearing_has_record)
# Object: an item.
rules.add_perm(
    "hearings.upvote_item",
    can_take_part & hearing_is_live & consultation_is_open & item_is_not_hidden & ~is_item_author,
)
