"""``manage.py seed_demo`` adds the open strategy's two public hearings, once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from consult.management.commands import seed_demo
from hearings.models import Hearing, HearingItem, HearingUpvote
from hearings.selectors import hearings_for_report

pytestmark = pytest.mark.django_db


def test_demo_hearings(client):
    call_command("seed_demo", stdout=io.StringIO())
    consultation = Hearing.objects.first().consultation
    assert consultation.slug == seed_demo.OPEN_SLUG
    past = Hearing.objects.get(title=seed_demo.PAST_HEARING_TITLE)
    upcoming = Hearing.objects.get(title=seed_demo.NEXT_HEARING_TITLE)
    today = timezone.localdate()
    assert past.status == "ended" and past.ended_at < timezone.now()
    assert timezone.localtime(past.starts_at).date() == today - dt.timedelta(days=1)
    assert upcoming.status == "scheduled"
    assert timezone.localtime(upcoming.starts_at).date() == today + dt.timedelta(days=7)

    items = list(past.items.all())
    assert len(items) == len(seed_demo.PAST_HEARING_ITEMS)
    assert all(past.started_at <= i.created_at <= past.ended_at for i in items)
    assert {i.status for i in items} == {"visible", "answered", "hidden"}
    assert [i.hidden_reason for i in items if i.status == "hidden"] == ["personal_data"]
    assert HearingUpvote.objects.filter(item__hearing=past).count() == sum(
        len(spec.upvoted_by) for spec in seed_demo.PAST_HEARING_ITEMS
    )
    report = hearings_for_report(consultation)
    assert [h["title"] for h in report] == [seed_demo.PAST_HEARING_TITLE]

    page = client.get(past.get_absolute_url()).content.decode()
    assert "044 000 000" not in page  # the hidden post's text
    assert "Këshilli për Bashkëpunim" in page

    before = (Hearing.objects.count(), HearingItem.objects.count(), HearingUpvote.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    after = (Hearing.objects.count(), HearingItem.objects.count(), HearingUpvote.objects.count())
    assert before == after == (2, len(items), before[2])
