"""Every write of a hearing announces itself to the consultation's group: numbered, after the
commit, valid against its schema (realtime.schemas.validate, in tests.realtime's capture), and
with only what the public may see."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from hearings import events, services
from realtime import schemas
from tests import factories as f
from tests.realtime.conftest import capture

from .conftest import post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_settings")]


def one(got, type_):
    assert [e["type"] for e in got] == [type_], got
    return got[0]


def test_hearing_types_are_registered_with_the_validator():
    for cls in events.EVENT_TYPES:
        assert schemas.Event.REGISTRY[cls.TYPE] is cls


def test_schedule_and_lifecycle_events(consultation, official):
    box = {}
    start = timezone.now() + dt.timedelta(hours=1)

    def schedule():
        box["h"] = services.hearing_schedule(
            actor=official,
            consultation=consultation,
            title="Dëgjimi publik",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Salla e Kuvendit Komunal",
        )

    event = one(capture(consultation, schedule), "hearing.scheduled")
    hearing = box["h"]
    assert event["consultation"] == consultation.slug and event["seq"] == 1
    assert event["hearing"] == {
        "id": hearing.pk,
        "title": "Dëgjimi publik",
        "status": "scheduled",
        "starts_at": hearing.starts_at.isoformat(timespec="microseconds"),
        "ends_at": hearing.ends_at.isoformat(timespec="microseconds"),
        "started_at": None,
        "ended_at": None,
        "place": "Salla e Kuvendit Komunal",
    }

    def update():
        services.hearing_update(
            actor=official,
            hearing=hearing,
            title="Dëgjimi publik në Prishtinë",
            starts_at=hearing.starts_at,
            ends_at=hearing.ends_at,
            place=hearing.place,
        )

    event = one(capture(consultation, update), "hearing.updated")
    assert event["hearing"]["title"] == "Dëgjimi publik në Prishtinë" and event["seq"] == 2

    event = one(
        capture(consultation, lambda: services.hearing_start(actor=official, hearing=hearing)),
        "hearing.status_changed",
    )
    assert (event["hearing"]["status"], event["previous"]) == ("live", "scheduled")
    assert event["hearing"]["started_at"]
    event = one(
        capture(consultation, lambda: services.hearing_end(actor=official, hearing=hearing)),
        "hearing.status_changed",
    )
    assert (event["hearing"]["status"], event["previous"]) == ("ended", "live")


def test_cancel_event(consultation, official, hearing):
    event = one(
        capture(
            consultation,
            lambda: services.hearing_cancel(actor=official, hearing=hearing, reason="Sëmundje"),
        ),
        "hearing.status_changed",
    )
    assert (event["hearing"]["status"], event["previous"]) == ("cancelled", "scheduled")


def test_item_posted_with_a_name(consultation, live_hearing, citizen):
    box = {}

    def write():
        box["i"] = post(citizen, live_hearing, body="A do të ketë\nfonde për komunat?")

    event = one(capture(consultation, write), "hearing.item_posted")
    item = box["i"]
    assert event["item"] == {
        "id": item.pk,
        "hearing_id": live_hearing.pk,
        "kind": "question",
        "body": "A do të ketë\nfonde për komunat?",
        "status": "visible",
        "answer_note": "",
        "author": citizen.display_name,
        "participant_number": None,  # a number next to a name would link named and unnamed posts
        "upvote_count": 0,
        "created_at": item.created_at.isoformat(timespec="microseconds"),
    }
    assert citizen.email not in json.dumps(event)


def test_item_posted_without_a_name_carries_no_identity(consultation, live_hearing):
    person = f.UserFactory(display_name="Mirëlinda Sekrete", email="mirelinda@example.org")
    org = f.OrganisationFactory(name="Shoqata e Fshehtë")
    f.MembershipFactory(user=person, organisation=org, role="member")
    box = {}

    def write():
        box["i"] = post(person, live_hearing, consent="hidden", organisation=org)

    event = one(capture(consultation, write), "hearing.item_posted")
    text = json.dumps(event, ensure_ascii=False)
    number = box["i"].participant.number
    assert event["item"]["participant_number"] == number
    with translation.override(settings.LANGUAGE_CODE):  # the site's language, as comments
        assert event["item"]["author"] == gettext("Participant #%(n)d") % {"n": number}
    for secret in ("Mirëlinda", "Sekrete", "mirelinda@example.org", "Shoqata e Fshehtë"):
        assert secret not in text


def test_upvote_events_carry_the_count_only(consultation, live_hearing, citizen, second_citizen):
    item = post(citizen, live_hearing)
    event = one(
        capture(consultation, lambda: services.item_upvote(actor=second_citizen, item=item)),
        "hearing.item_upvoted",
    )
    assert event == {
        **{k: event[k] for k in ("type", "consultation", "seq", "at")},
        "hearing_id": live_hearing.pk,
        "id": item.pk,
        "upvote_count": 1,
    }
    assert second_citizen.display_name not in json.dumps(event, ensure_ascii=False)
    # A second upvote changes nothing and announces nothing.
    assert (
        capture(consultation, lambda: services.item_upvote(actor=second_citizen, item=item)) == []
    )
    event = one(
        capture(consultation, lambda: services.item_unupvote(actor=second_citizen, item=item)),
        "hearing.item_upvoted",
    )
    assert event["upvote_count"] == 0


def test_answered_hidden_restored(consultation, live_hearing, citizen, moderator):
    item = post(citizen, live_hearing, body="Teksti që do të fshihet", consent="hidden")
    event = one(
        capture(
            consultation,
            lambda: services.item_mark_answered(actor=moderator, item=item, note="Në nenin 5."),
        ),
        "hearing.item_answered",
    )
    assert (event["id"], event["hearing_id"], event["answer_note"]) == (
        item.pk,
        live_hearing.pk,
        "Në nenin 5.",
    )
    event = one(
        capture(
            consultation,
            lambda: services.item_hide(actor=moderator, item=item, reason="personal_data"),
        ),
        "hearing.item_hidden",
    )
    assert set(event) == {"type", "consultation", "seq", "at", "hearing_id", "id", "reason"}
    assert event["reason"] == "personal_data"
    assert "Teksti" not in json.dumps(event, ensure_ascii=False)
    event = one(
        capture(consultation, lambda: services.item_restore(actor=moderator, item=item)),
        "hearing.item_restored",
    )
    assert event["item"]["status"] == "answered"
    assert event["item"]["body"] == "Teksti që do të fshihet"
    assert event["item"]["participant_number"] == item.participant.number


def test_nothing_is_announced_for_a_refused_or_rolled_back_write(
    consultation, live_hearing, citizen, unverified
):
    def refused():
        with pytest.raises(Exception):  # noqa: B017
            post(unverified, live_hearing)

    assert capture(consultation, refused) == []

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            post(citizen, live_hearing)
            raise RuntimeError

    assert capture(consultation, rolled_back) == []
    # The number given back by the rollback is used by the next event.
    event = one(capture(consultation, lambda: post(citizen, live_hearing)), "hearing.item_posted")
    assert event["seq"] == 1


def test_sequence_shared_with_the_consultations_other_events(proposal, official, citizen):
    from comments import services as comment_services

    consultation = proposal.consultation
    hearing = services.hearing_schedule(
        actor=official,
        consultation=consultation,
        title="Dëgjimi",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    services.hearing_start(actor=official, hearing=hearing)

    def write():
        comment_services.comment_create(
            actor=citizen,
            proposal=proposal,
            body="Koment",
            stance="for",
            consent="name",
            participant_type="citizen",
        )
        post(citizen, hearing)

    got = capture(consultation, write)
    assert [e["type"] for e in got] == ["comment.created", "hearing.item_posted"]
    assert [e["seq"] for e in got] == [3, 4]
