"""Who may follow what (``rules`` predicates).

Following sends emails, so it needs a signed-in person with a confirmed address (nobody can
make Konsulta write to someone else's inbox). The thing followed must be public: an
institution, a kind of act, a planned item of a published plan, a consultation past its draft.
"""

from __future__ import annotations

import rules

from accounts.models import Organisation
from accounts.rules import is_authenticated, is_verified
from consult.models import Consultation
from plans.models import PlannedItem


@rules.predicate
def is_followable(user, target) -> bool:
    if isinstance(target, Organisation):
        return target.is_institution
    if isinstance(target, Consultation):
        return target.is_public
    if isinstance(target, PlannedItem):
        return target.plan.published_at is not None
    if isinstance(target, str):
        return target in Consultation.Kind.values
    return False


@rules.predicate
def is_own_subscription(user, subscription) -> bool:
    return subscription is not None and subscription.user_id == getattr(user, "pk", None)


rules.add_perm("subscriptions.follow", is_verified & is_followable)
rules.add_perm("subscriptions.change_subscription", is_authenticated & is_own_subscription)
rules.add_perm("subscriptions.change_settings", is_authenticated)
