"""The services of public hearings: what they store, what they refuse, and that a refusal
stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments import services as comment_services
from comments.models import Participant
from hearings import services
from hearings.models import Hearing, HearingItem, HearingUpvote
from tests import factories as f

from .conftest import make_hearing, post

pytestmark = pytest.mark.django_db


def times(hours_from_now: float = 2, length: float = 2):
    start = timezone.now() + dt.timedelta(hours=hours_from_now)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=length)}


# --- the hearing's lifecycle ---------------------------------------------------------------------


def test_schedule_start_end_keeps_history(consultation, official):
    hearing = services.hearing_schedule(
        actor=official,
        consultation=consultation,
        title="  Dëgjimi publik në Prishtinë  ",
        place="Salla e Kuvendit Komunal",
        description="Ministria prezanton draftin dhe përgjigjet.",
        **times(),
    )
    assert hearing.status == Hearing.Status.SCHEDULED
    assert hearing.title == "Dëgjimi publik në Prishtinë"
    assert hearing.created_by == official
    hearing = services.hearing_start(actor=official, hearing=hearing)
    assert hearing.status == Hearing.Status.LIVE and hearing.started_at is not None
    hearing = services.hearing_end(actor=official, hearing=hearing)
    assert hearing.status == Hearing.Status.ENDED and hearing.ended_at is not None
    reasons = list(
        hearing.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["scheduled", "started", "ended"]
    assert {r.history_user for r in hearing.history.all()} == {official}


def test_update_changes_only_what_differs(consultation, official, hearing):
    data = {
        "title": "Dëgjimi i dytë",
        "starts_at": hearing.starts_at,
        "ends_at": hearing.ends_at,
        "place": "",
        "description": "",
    }
    updated = services.hearing_update(actor=official, hearing=hearing, **data)
    assert updated.title == "Dëgjimi i dytë" and updated.place == ""
    assert updated.history.first().history_change_reason == "edited"
    before = updated.history.count()
    services.hearing_update(actor=official, hearing=updated, **data)
    assert updated.history.count() == before  # nothing changed, nothing recorded


def test_cancel_records_the_reason(official, hearing):
    hearing = services.hearing_cancel(actor=official, hearing=hearing, reason="Salla është zënë.")
    assert hearing.status == Hearing.Status.CANCELLED
    assert hearing.cancellation_reason == "Salla është zënë."


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": None}, "ends_at"),
        ({"ends_at": "before"}, "ends_at"),
        ({"ends_at": "far"}, "ends_at"),
        ({"past": True}, "ends_at"),
        ({"after_close": True}, "starts_at"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_schedule_refuses_bad_details(consultation, official, data, field):
    values = {"title": "Dëgjimi", **times()}
    if data.get("ends_at") == "before":
        data = {"ends_at": values["starts_at"] - dt.timedelta(minutes=1)}
    elif data.get("ends_at") == "far":
        data = {"ends_at": values["starts_at"] + dt.timedelta(hours=13)}
    elif data.get("past"):
        data = times(-5)
    elif data.get("after_close"):
        data = {
            "starts_at": consultation.closes_at + dt.timedelta(hours=1),
            "ends_at": consultation.closes_at + dt.timedelta(hours=2),
        }
    values.update(data)
    with pytest.raises(ValidationError) as exc:
        services.hearing_schedule(actor=official, consultation=consultation, **values)
    assert field in exc.value.message_dict
    assert not Hearing.objects.exists()


def test_only_officials_of_the_institution_schedule(consultation, citizen, other_official, staff):
    for actor in (citizen, other_official):
        with pytest.raises(PermissionDenied):
            services.hearing_schedule(
                actor=actor, consultation=consultation, title="Dëgjimi", **times()
            )
    assert services.hearing_schedule(
        actor=staff, consultation=consultation, title="Dëgjimi", **times()
    )


def test_no_hearing_for_a_closed_consultation(official, institution):
    closed = f.consultation_in_state("closed", institution=institution)
    with pytest.raises(PermissionDenied):
        services.hearing_schedule(actor=official, consultation=closed, title="D", **times())


def test_start_needs_an_open_consultation(official, institution):
    scheduled = f.consultation_in_state("scheduled", institution=institution)
    hearing = make_hearing(scheduled, "scheduled")
    with pytest.raises(PermissionDenied):
        services.hearing_start(actor=official, hearing=hearing)
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.SCHEDULED


def test_transitions_happen_once(official, hearing):
    services.hearing_start(actor=official, hearing=hearing)
    with pytest.raises(PermissionDenied):
        services.hearing_start(actor=official, hearing=hearing)
    with pytest.raises(PermissionDenied):
        services.hearing_cancel(actor=official, hearing=hearing)
    services.hearing_end(actor=official, hearing=hearing)
    with pytest.raises(PermissionDenied):
        services.hearing_end(actor=official, hearing=hearing)
    with pytest.raises(PermissionDenied):
        services.hearing_update(
            actor=official,
            hearing=hearing,
            title="x",
            starts_at=hearing.starts_at,
            ends_at=hearing.ends_at,
        )


# --- items ---------------------------------------------------------------------------------------


def test_post_numbers_the_participant_like_comments(proposal, live_hearing, citizen):
    consultation = live_hearing.consultation
    comment = comment_services.comment_create(
        actor=citizen,
        proposal=proposal,
        body="Koment për nenin e parë.",
        stance="for",
        consent="hidden",
        participant_type="citizen",
    )
    item = post(citizen, live_hearing, consent="hidden")
    assert item.participant == comment.participant
    assert Participant.objects.filter(consultation=consultation).count() == 1
    assert item.status == HearingItem.Status.VISIBLE and item.author == citizen
    assert item.history.first().history_user == citizen


def test_post_strips_and_limits_the_text(live_hearing, citizen, settings):
    settings.HEARING_ITEM_MAX_LENGTH = 20
    item = post(citizen, live_hearing, body="  Pyetje e shkurtër?  ")
    assert item.body == "Pyetje e shkurtër?"
    for body in ("", "   ", "x", "ë" * 21):
        with pytest.raises(ValidationError) as exc:
            post(citizen, live_hearing, body=body)
        assert "body" in exc.value.message_dict
    assert HearingItem.objects.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "rant"}, "kind"),
        ({"consent": "everyone"}, "consent"),
        ({"consent": "organisation"}, "organisation"),
    ],
)
def test_post_refuses_bad_choices(live_hearing, citizen, data, field):
    with pytest.raises(ValidationError) as exc:
        post(citizen, live_hearing, **data)
    assert field in exc.value.message_dict
    assert not HearingItem.objects.exists()


def test_post_with_an_organisation_needs_membership(live_hearing, citizen):
    cso = f.OrganisationFactory()
    with pytest.raises(ValidationError):
        post(citizen, live_hearing, consent="organisation", organisation=cso)
    member = f.member_of(cso)
    item = post(member, live_hearing, consent="organisation", organisation=cso)
    assert item.organisation == cso


def test_post_refusals(live_hearing, hearing, ended_hearing, unverified, blocked, citizen):
    with pytest.raises(PermissionDenied):
        post(unverified, live_hearing)
    with pytest.raises(PermissionDenied):
        post(blocked, live_hearing)
    for not_live in (hearing, ended_hearing):
        with pytest.raises(PermissionDenied):
            post(citizen, not_live)
    assert not HearingItem.objects.exists()
    assert not Participant.objects.exists()


def test_post_refused_once_the_consultation_closed(live_hearing, citizen):
    consultation = live_hearing.consultation
    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.opens_at = timezone.now() - dt.timedelta(days=20)
    consultation.save()
    live_hearing.refresh_from_db()
    with pytest.raises(PermissionDenied):
        post(citizen, live_hearing)


def test_post_rate_limit_counted_in_the_database(live_hearing, citizen, settings):
    settings.HEARING_ITEM_RATE_LIMIT = "2/300"
    post(citizen, live_hearing, body="Pyetja e parë")
    post(citizen, live_hearing, body="Pyetja e dytë")
    with pytest.raises(ValidationError, match="wait"):
        post(citizen, live_hearing, body="Pyetja e tretë")
    # Older posts no longer count.
    HearingItem.objects.update(created_at=timezone.now() - dt.timedelta(seconds=301))
    post(citizen, live_hearing, body="Pyetja e tretë")
    assert HearingItem.objects.count() == 3


def test_upvote_once_per_person(live_hearing, citizen, second_citizen):
    item = post(citizen, live_hearing)
    item = services.item_upvote(actor=second_citizen, item=item)
    assert item.upvote_count == 1
    item = services.item_upvote(actor=second_citizen, item=item)  # twice: one row
    assert item.upvote_count == 1
    assert HearingUpvote.objects.filter(item=item).count() == 1
    item.refresh_from_db()
    assert item.upvote_count == 1
    item = services.item_unupvote(actor=second_citizen, item=item)
    assert item.upvote_count == 0 and not HearingUpvote.objects.exists()
    item = services.item_unupvote(actor=second_citizen, item=item)  # nothing to take back
    assert item.upvote_count == 0


def test_upvote_refusals(live_hearing, citizen, second_citizen, unverified, blocked, official):
    item = post(citizen, live_hearing)
    with pytest.raises(PermissionDenied):
        services.item_upvote(actor=citizen, item=item)  # one's own
    for actor in (unverified, blocked):
        with pytest.raises(PermissionDenied):
            services.item_upvote(actor=actor, item=item)
    services.item_hide(actor=official, item=item, reason="spam")
    with pytest.raises(PermissionDenied):
        services.item_upvote(actor=second_citizen, item=item)  # hidden
    services.item_restore(actor=official, item=item)
    services.hearing_end(actor=official, hearing=live_hearing)
    with pytest.raises(PermissionDenied):
        services.item_upvote(actor=second_citizen, item=item)  # ended
    assert not HearingUpvote.objects.exists()


def test_one_upvote_per_person_is_a_database_constraint(live_hearing, citizen, second_citizen):
    item = post(citizen, live_hearing)
    HearingUpvote.objects.create(item=item, user=second_citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingUpvote.objects.create(item=item, user=second_citizen)


def test_hearing_times_are_a_database_constraint(consultation):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.create(consultation=consultation, title="x", starts_at=now, ends_at=now)


def test_mark_answered_with_a_note(live_hearing, citizen, official, moderator):
    item = post(citizen, live_hearing)
    item = services.item_mark_answered(actor=official, item=item, note="  Po, në nenin 5.  ")
    assert item.status == HearingItem.Status.ANSWERED
    assert item.answer_note == "Po, në nenin 5." and item.answered_at
    first = item.answered_at
    item = services.item_mark_answered(actor=moderator, item=item, note="")
    assert item.answer_note == "" and item.answered_at == first
    assert item.history.first().history_user == moderator


def test_moderation_after_the_hearing_ended(live_hearing, citizen, official):
    item = post(citizen, live_hearing)
    services.hearing_end(actor=official, hearing=live_hearing)
    item = services.item_mark_answered(actor=official, item=item, note="Përgjigjur me shkrim.")
    assert item.status == HearingItem.Status.ANSWERED
    item = services.item_hide(actor=official, item=item, reason="personal_data")
    assert item.status == HearingItem.Status.HIDDEN


def test_hide_and_restore_keep_the_answer(live_hearing, citizen, moderator):
    item = post(citizen, live_hearing)
    services.item_mark_answered(actor=moderator, item=item, note="Shënim")
    item = services.item_hide(actor=moderator, item=item, reason="off_topic")
    assert (item.status, item.hidden_reason) == ("hidden", "off_topic")
    assert item.body  # the text stays in the record
    with pytest.raises(ValidationError):
        services.item_hide(actor=moderator, item=item, reason="spam")
    with pytest.raises(ValidationError):
        services.item_mark_answered(actor=moderator, item=item)
    item = services.item_restore(actor=moderator, item=item)
    assert (item.status, item.hidden_reason) == ("answered", "")
    with pytest.raises(ValidationError):
        services.item_restore(actor=moderator, item=item)


def test_hide_needs_a_reason_category(live_hearing, citizen, moderator):
    item = post(citizen, live_hearing)
    with pytest.raises(ValidationError):
        services.item_hide(actor=moderator, item=item, reason="i don't like it")
    item.refresh_from_db()
    assert item.status == HearingItem.Status.VISIBLE


def test_moderation_refusals(live_hearing, citizen, second_citizen, other_official, staff):
    item = post(citizen, live_hearing)
    for actor in (citizen, second_citizen, other_official):
        with pytest.raises(PermissionDenied):
            services.item_mark_answered(actor=actor, item=item)
        with pytest.raises(PermissionDenied):
            services.item_hide(actor=actor, item=item, reason="spam")
    item.refresh_from_db()
    assert item.status == HearingItem.Status.VISIBLE
