"""Working days in Kosovo and the minimum length of a written round (15 working days).

Dates used (2026):

* Tue 17 February: Independence Day (a public holiday on a weekday);
* Fri 20 March: Eid al-Fitr (estimated by ``holidays``; a weekday holiday too);
* the weekends around them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from consult.services import earliest_closing_date, validate_round
from consult.workdays import (
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
)

BELGRADE = zoneinfo.ZoneInfo("Europe/Belgrade")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BELGRADE)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 16), True),  # Monday
        (dt.date(2026, 2, 17), False),  # Tuesday, Independence Day
        (dt.date(2026, 2, 18), True),  # Wednesday
        (dt.date(2026, 2, 21), False),  # Saturday
        (dt.date(2026, 2, 22), False),  # Sunday
        (dt.date(2026, 1, 1), False),  # New Year
        (dt.date(2026, 1, 2), False),  # New Year (second day)
        (dt.date(2026, 1, 7), False),  # Orthodox Christmas
        (dt.date(2026, 4, 9), False),  # Constitution Day
        (dt.date(2026, 5, 1), False),  # Labour Day
        (dt.date(2026, 12, 24), True),  # Thursday, not a holiday
        (dt.date(2026, 12, 25), False),  # Catholic Christmas
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_working_days_between_skips_the_holiday_and_the_weekend():
    # After Mon 16 Feb up to and including Mon 23 Feb: Wed, Thu, Fri, Mon (Tue is a holiday).
    assert working_days_between(dt.date(2026, 2, 16), dt.date(2026, 2, 23)) == 4


def test_working_days_between_does_not_count_the_opening_day():
    assert working_days_between(dt.date(2026, 2, 18), dt.date(2026, 2, 18)) == 0
    assert working_days_between(dt.date(2026, 2, 18), dt.date(2026, 2, 19)) == 1


def test_working_days_between_ends_before_start():
    assert working_days_between(dt.date(2026, 3, 10), dt.date(2026, 3, 2)) == 0


def test_working_days_between_uses_the_local_date_of_aware_datetimes():
    # 23:30 UTC on Sunday 15 Feb is already Monday 16 Feb in Prishtina (UTC+1).
    late_sunday_utc = dt.datetime(2026, 2, 15, 23, 30, tzinfo=dt.UTC)
    assert local_date(late_sunday_utc) == dt.date(2026, 2, 16)
    # so the count starts after Monday: Wed 18 and Thu 19 (Tue 17 is a holiday).
    assert working_days_between(late_sunday_utc, at(dt.date(2026, 2, 19))) == 2


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 2, 16), 1, dt.date(2026, 2, 18)),  # skips Independence Day
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 16)),  # Friday -> Monday
        (dt.date(2026, 2, 13), 2, dt.date(2026, 2, 18)),  # over the weekend and the holiday
        (dt.date(2026, 2, 16), 0, dt.date(2026, 2, 16)),
        # 15 working days from Mon 16 Feb: Wed 18 .. Tue 10 March (one day later than without
        # the holiday).
        (dt.date(2026, 2, 16), 15, dt.date(2026, 3, 10)),
        # 15 from Mon 2 March: Eid al-Fitr on Fri 20 March moves the end to Tue 24 March.
        (dt.date(2026, 3, 2), 15, dt.date(2026, 3, 24)),
        # Over New Year: Wed 31 Dec 2025 -> Mon 5 Jan 2026 (1 and 2 January are holidays).
        (dt.date(2025, 12, 31), 1, dt.date(2026, 1, 5)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_add_working_days_accepts_a_datetime():
    assert add_working_days(at(dt.date(2026, 2, 16), 18), 1) == dt.date(2026, 2, 18)


@pytest.mark.parametrize("start", [dt.date(2026, 2, 16), dt.date(2026, 3, 2), dt.date(2026, 6, 5)])
def test_add_and_count_agree(start):
    end = add_working_days(start, 15)
    assert working_days_between(start, end) == 15
    assert working_days_between(start, end - dt.timedelta(days=1)) == 14


def test_earliest_closing_date_counts_fifteen_working_days(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    assert earliest_closing_date(at(dt.date(2026, 3, 2))) == dt.date(2026, 3, 24)


def test_round_of_fifteen_working_days_is_accepted(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    opens = at(dt.date(2026, 3, 2))
    closes = at(dt.date(2026, 3, 24), 16)
    assert working_days_between(opens, closes) == 15
    validate_round(opens_at=opens, closes_at=closes, justification="")  # no error


def test_round_of_fourteen_working_days_is_refused_with_the_earliest_date(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    opens = at(dt.date(2026, 3, 2))
    closes = at(dt.date(2026, 3, 23), 23)  # the last hour of the 14th working day
    assert working_days_between(opens, closes) == 14
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_round(opens_at=opens, closes_at=closes, justification="")
    message = exc.value.message_dict["closes_at"][0]
    assert "15 working days" in message
    assert "24 March 2026" in message


def test_refusal_names_the_earliest_date_in_albanian_date_format(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    opens = at(dt.date(2026, 2, 16))
    closes = at(dt.date(2026, 3, 9))  # 14 working days because of Independence Day
    with translation.override("sq"), pytest.raises(ValidationError) as exc:
        validate_round(opens_at=opens, closes_at=closes, justification="")
    assert "10 Mars 2026" in exc.value.message_dict["closes_at"][0]


def test_fourteen_working_days_accepted_with_a_justification(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    validate_round(
        opens_at=at(dt.date(2026, 3, 2)),
        closes_at=at(dt.date(2026, 3, 23)),
        justification="Afat ligjor i BE-së për transpozimin e direktivës.",
    )


def test_blank_justification_counts_as_none(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 15
    with pytest.raises(ValidationError):
        validate_round(
            opens_at=at(dt.date(2026, 3, 2)), closes_at=at(dt.date(2026, 3, 23)), justification="  "
        )


def test_the_minimum_is_a_setting(settings):
    settings.CONSULTATION_MIN_WORKING_DAYS = 5
    # Mon 16 Feb + 5 working days (Tue 17 is a holiday): Wed 18, Thu, Fri, Mon 23, Tue 24.
    assert earliest_closing_date(at(dt.date(2026, 2, 16))) == dt.date(2026, 2, 24)
    validate_round(
        opens_at=at(dt.date(2026, 2, 16)), closes_at=at(dt.date(2026, 2, 24)), justification=""
    )
    with pytest.raises(ValidationError):
        validate_round(
            opens_at=at(dt.date(2026, 2, 16)),
            closes_at=at(dt.date(2026, 2, 23)),
            justification="",
        )


@pytest.mark.parametrize("delta", [dt.timedelta(0), dt.timedelta(hours=-1)])
def test_closing_not_after_opening_is_refused_even_with_a_justification(delta):
    opens = at(dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        validate_round(opens_at=opens, closes_at=opens + delta, justification="Urgjente")
    assert "closes_at" in exc.value.message_dict


def test_missing_dates_are_not_checked_here():
    validate_round(opens_at=None, closes_at=None, justification="")
    validate_round(opens_at=at(dt.date(2026, 3, 2)), closes_at=None, justification="")
