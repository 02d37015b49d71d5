"""``{% load follow %}``: the follow / unfollow button for any page.

``{% follow_button target %}`` with an institution (``Organisation``), a ``Consultation``, a
``PlannedItem``, or a kind of act (``"law"``, ...). Signed-out visitors get a link to sign in;
people without a confirmed address are told to confirm it. The state comes from
``subscriptions.selectors.followed_targets`` (one query per request for all buttons).
"""

from __future__ import annotations

from django import template

from accounts.models import Organisation
from consult.models import Consultation
from plans.models import PlannedItem

from ..models import Subscription
from ..selectors import followed_targets

register = template.Library()
T = Subscription.Target


def _target(target) -> tuple[str, object] | None:
    if isinstance(target, Organisation):
        return T.INSTITUTION, target.pk
    if isinstance(target, Consultation):
        return T.CONSULTATION, target.pk
    if isinstance(target, PlannedItem):
        return T.PLANNED_ITEM, target.pk
    if isinstance(target, str) and target in Consultation.Kind.values:
        return T.KIND, target
    return None


@register.inclusion_tag("subscriptions/_follow_button.html", takes_context=True)
def follow_button(context, target, label: str = "", small: bool = False):
    request = context.get("request")
    user = getattr(request, "user", None)
    found = _target(target)
    out = {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "small": small,
        "label": label,
        "show": False,
    }
    if found is None or request is None:
        return out
    target_type, key = found
    followed = followed_targets(user)
    out.update(
        show=True,
        target_type=target_type,
        key=key,
        following=followed.subscription_id(target_type, key) is not None,
        next=request.get_full_path(),
        name=getattr(target, "title", None) or getattr(target, "name", None) or "",
    )
    if target_type == T.KIND:
        out["name"] = Consultation.Kind(key).label
    return out
