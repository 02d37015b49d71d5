"""Template pieces of public hearings for pages of other apps (``{% load hearings %}``), so that
``consult`` does not import this app:

* ``{% hearings_section consultation %}``: the "Public hearings" section of the consultation's
  page (live now, upcoming, past; a link to schedule one for its officials). Nothing when there
  is no hearing and the person cannot schedule one. One query.
* ``{% hearings_workspace consultation %}``: the hearings on the workspace's page of the
  consultation, with links to manage each and to schedule one. One query.
"""

from __future__ import annotations

import rules
from django import template

from .. import selectors
from ..models import Hearing

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _grouped(hearings: list[Hearing]) -> dict[str, list[Hearing]]:
    groups = {"live": [], "upcoming": [], "past": []}
    for hearing in hearings:
        if hearing.status == Hearing.Status.LIVE:
            groups["live"].append(hearing)
        elif hearing.status == Hearing.Status.SCHEDULED:
            groups["upcoming"].append(hearing)
        else:
            groups["past"].append(hearing)
    groups["past"].reverse()  # the latest first
    return groups


@register.inclusion_tag("hearings/_section.html", takes_context=True)
def hearings_section(context, consultation):
    user = _user(context)
    hearings = selectors.hearings_for_consultation(consultation)
    can_schedule = user is not None and rules.has_perm(
        "hearings.schedule_hearing", user, consultation
    )
    return {
        "consultation": consultation,
        "hearings": hearings,
        "groups": _grouped(hearings),
        "can_schedule": can_schedule,
    }


@register.inclusion_tag("hearings/_workspace.html", takes_context=True)
def hearings_workspace(context, consultation):
    user = _user(context)
    return {
        "consultation": consultation,
        "hearings": selectors.hearings_for_consultation(consultation),
        "can_schedule": user is not None
        and rules.has_perm("hearings.schedule_hearing", user, consultation),
    }
