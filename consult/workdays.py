"""Working days in Kosovo: weekdays that are not public holidays (``holidays``, country XK).

The rule for a written round (documented in the README): the opening day does not count; the
round's working days are the working days after the opening date up to and including the closing
date. A round that opens on Monday 2 March 2026 and must last 15 working days may close at the
earliest on the 15th working day after it, and the earliest allowed closing date is that day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("XK", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(day.year)


def local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def working_days_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> int:
    """Working days after ``start``'s date up to and including ``end``'s date."""
    first, last = local_date(start), local_date(end)
    count, day = 0, first + dt.timedelta(days=1)
    while day <= last:
        if is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.datetime | dt.date, days: int) -> dt.date:
    """The date of the ``days``-th working day after ``start``'s date."""
    day, counted = local_date(start), 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
