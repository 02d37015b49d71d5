"""Small template helpers shared by the public pages (``{% load konsulta %}``)."""

from __future__ import annotations

import math

from django import template
from django.utils import timezone

from accounts.rules import is_any_official
from accounts.rules import is_moderator as is_site_moderator
from consult.workdays import working_days_between

register = template.Library()


@register.filter
def is_official(user) -> bool:
    """True for a person who is an official of at least one organisation (one cached query)."""
    return bool(is_any_official(user))


@register.filter
def is_moderator(user) -> bool:
    """True for a site moderator (one cached query)."""
    return bool(is_site_moderator(user))


@register.filter
def pct_class(value) -> str:
    """A width class (``w-0`` .. ``w-100``) for a bar segment, so templates need no style=."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return f"w-{max(0, min(100, number))}"


@register.simple_tag
def timing(consultation) -> dict:
    """What a reader needs to know about a consultation's dates, computed once per card.

    ``state`` is the effective status; for an open one ``days_left`` (calendar days, rounded up)
    and ``working_days_left`` (working days after today up to the closing date); for a
    scheduled one ``days_to_open``.
    """
    now = timezone.now()
    state = consultation.effective_status_at(now)
    info = {"state": state, "days_left": None, "working_days_left": None, "days_to_open": None}
    closes, opens = consultation.closes_at, consultation.opens_at
    if state == "open" and closes:
        seconds = (closes - now).total_seconds()
        info["days_left"] = max(0, math.ceil(seconds / 86400))
        info["hours_left"] = max(0, math.ceil(seconds / 3600))
        info["working_days_left"] = working_days_between(now, closes)
        info["soon"] = seconds <= 7 * 86400
    elif state == "scheduled" and opens:
        info["days_to_open"] = max(0, math.ceil((opens - now).total_seconds() / 86400))
    return info
