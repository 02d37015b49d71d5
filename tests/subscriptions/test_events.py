"""Each event writes notifications for the right people only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comments import services as comment_services
from consult import services as consult_services
from plans import services as plan_services
from proposals import services as proposal_services
from subscriptions import services
from subscriptions.models import EventMarker, Notification, Subscription
from tests import factories as f

from .conftest import draft_with_document, follow

pytestmark = pytest.mark.django_db
E = Notification.Event


def recipients(event, consultation=None) -> set:
    qs = Notification.objects.filter(event_type=event)
    if consultation is not None:
        qs = qs.filter(consultation=consultation)
    return set(qs.values_list("user__email", flat=True))


def open_now(official, consultation):
    return consult_services.consultation_open(actor=official, consultation=consultation)


# --- Following ---------------------------------------------------------------------------------


def test_follow_is_idempotent_and_unfollow_removes(follower, institution):
    first = follow(follower, institution)
    assert follow(follower, institution).pk == first.pk
    assert Subscription.objects.count() == 1
    assert services.subscription_unfollow_target(actor=follower, target=institution)
    assert not Subscription.objects.exists()
    assert not services.subscription_unfollow_target(actor=follower, target=institution)


def test_following_needs_a_confirmed_address_and_a_public_target(unverified, follower, institution):
    with pytest.raises(PermissionDenied):
        follow(unverified, institution)
    draft = f.consultation_in_state("draft", institution=institution)
    with pytest.raises(PermissionDenied):
        follow(follower, draft)
    with pytest.raises(PermissionDenied):
        follow(follower, "dekret")
    cso = f.OrganisationFactory()
    with pytest.raises(PermissionDenied):
        follow(follower, cso)
    assert not Subscription.objects.exists()


def test_one_cannot_change_someone_elses_subscription(follower, citizen, institution):
    theirs = follow(follower, institution)
    with pytest.raises(PermissionDenied):
        services.subscription_unfollow(actor=citizen, subscription=theirs)
    with pytest.raises(PermissionDenied):
        services.subscription_set_frequency(actor=citizen, subscription=theirs, frequency="weekly")
    assert Subscription.objects.get().frequency == "immediate"


# --- Opened ------------------------------------------------------------------------------------


def test_institution_followers_hear_of_their_institutions_consultation_only(
    institution, other_institution, official
):
    ours, theirs = f.UserFactory(), f.UserFactory()
    follow(ours, institution)
    follow(theirs, other_institution)
    consultation = draft_with_document(institution)
    open_now(official, consultation)
    assert recipients(E.CONSULTATION_OPENED) == {ours.email}
    n = Notification.objects.get()
    assert n.consultation == consultation and n.payload["reason"] == "institution"


def test_kind_followers(institution, official):
    laws, strategies = f.UserFactory(), f.UserFactory()
    follow(laws, "law")
    follow(strategies, "strategy")
    open_now(official, draft_with_document(institution, kind="law"))
    assert recipients(E.CONSULTATION_OPENED) == {laws.email}


def test_opened_by_time_and_only_once(institution):
    person = f.UserFactory()
    follow(person, institution)
    consultation = f.consultation_in_state("scheduled_due", institution=institution)
    consult_services.consultation_advance_by_time()
    consult_services.consultation_advance_by_time()
    assert recipients(E.CONSULTATION_OPENED, consultation) == {person.email}
    assert Notification.objects.count() == 1


def test_no_opened_notice_when_it_closed_before_the_scheduler_ran(institution):
    person = f.UserFactory()
    follow(person, institution)
    f.consultation_in_state(
        "scheduled",
        institution=institution,
        opens_at=timezone.now() - dt.timedelta(days=20),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert consult_services.consultation_advance_by_time()["closed"] == 1
    assert not Notification.objects.exists()


def test_scheduling_for_later_tells_nobody_yet(institution, official):
    person = f.UserFactory()
    follow(person, institution)
    consultation = draft_with_document(institution)
    consultation.opens_at = timezone.now() + dt.timedelta(days=3)
    consultation.closes_at = timezone.now() + dt.timedelta(days=40)
    consultation.save()
    consult_services.consultation_schedule(actor=official, consultation=consultation)
    assert not Notification.objects.exists()


def test_planned_item_followers_when_the_item_becomes_a_consultation(institution, official):
    plan = plan_services.plan_create(
        actor=official, institution=institution, year=timezone.localdate().year
    )
    item = plan_services.planned_item_create(
        actor=official, plan=plan, title="Projektligji për ujërat", kind="law", planned_quarter=4
    )
    other = plan_services.planned_item_create(
        actor=official, plan=plan, title="Strategjia e pyjeve", kind="strategy", planned_quarter=4
    )
    plan_services.plan_publish(actor=official, plan=plan)
    item.refresh_from_db()
    other.refresh_from_db()
    waiting, elsewhere, also_consultation = f.UserFactory(), f.UserFactory(), f.UserFactory()
    follow(waiting, item)
    follow(elsewhere, other)
    follow(also_consultation, item)
    consultation = draft_with_document(institution)
    plan_services.planned_item_link(actor=official, item=item, consultation=consultation)
    assert not Notification.objects.exists()  # a draft: nothing public yet
    follow(also_consultation, f.consultation_in_state("open", institution=institution))
    open_now(official, consultation)
    assert recipients(E.CONSULTATION_OPENED, consultation) == {
        waiting.email,
        also_consultation.email,
    }


def test_linking_an_open_consultation_tells_the_items_followers_once(institution, official):
    plan = plan_services.plan_create(
        actor=official, institution=institution, year=timezone.localdate().year
    )
    item = plan_services.planned_item_create(
        actor=official, plan=plan, title="Udhëzimi për arkivat", kind="other", planned_quarter=4
    )
    plan_services.plan_publish(actor=official, plan=plan)
    item.refresh_from_db()
    person, institution_fan = f.UserFactory(), f.UserFactory()
    follow(person, item)
    follow(institution_fan, institution)
    consultation = draft_with_document(institution)
    open_now(official, consultation)
    assert recipients(E.CONSULTATION_OPENED) == {institution_fan.email}
    plan_services.planned_item_link(actor=official, item=item, consultation=consultation)
    assert recipients(E.CONSULTATION_OPENED) == {institution_fan.email, person.email}
    assert Notification.objects.count() == 2


def test_one_notification_per_person_with_the_most_specific_reason(institution, official):
    person = f.UserFactory()
    follow(person, institution, "weekly")
    follow(person, "law", "immediate")
    consultation = draft_with_document(institution, kind="law")
    open_now(official, consultation)
    n = Notification.objects.get()
    assert n.frequency == "immediate" and n.payload["reason"] == "kind"


# --- Consultation followers --------------------------------------------------------------------


def test_new_version_tells_the_consultations_followers(proposal, official, institution):
    consultation = proposal.consultation
    fan, bystander = f.UserFactory(), f.UserFactory()
    follow(fan, consultation)
    follow(bystander, f.consultation_in_state("open", institution=institution))
    proposal_services.proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Shtohet neni për raportimin vjetor.",
    )
    assert recipients(E.VERSION_PUBLISHED) == {fan.email}
    assert Notification.objects.get().payload["version"] == 2


def test_closing_soon_once_per_consultation(institution):
    now = timezone.make_aware(dt.datetime(2026, 11, 24, 9))  # a Tuesday
    closes = timezone.make_aware(dt.datetime(2026, 11, 27, 16))  # Friday: 3 working days
    consultation = f.consultation_in_state(
        "open", institution=institution, opens_at=now - dt.timedelta(days=20), closes_at=closes
    )
    later = f.consultation_in_state(
        "open",
        institution=institution,
        opens_at=now - dt.timedelta(days=20),
        closes_at=closes + dt.timedelta(days=3),  # Monday after: 4 working days
    )
    fan, other_fan = f.UserFactory(), f.UserFactory()
    follow(fan, consultation)
    follow(other_fan, later)
    early_morning = now.replace(hour=6)
    assert services.closing_soon_notify(now=early_morning) == 0  # not before the daily hour
    assert services.closing_soon_notify(now=now) == 1
    assert services.closing_soon_notify(now=now + dt.timedelta(hours=3)) == 0
    assert recipients(E.CLOSING_SOON) == {fan.email}
    assert EventMarker.objects.filter(consultation=consultation).count() == 1
    # The next day the other one is within three working days.
    assert services.closing_soon_notify(now=now + dt.timedelta(days=1)) == 1
    assert recipients(E.CLOSING_SOON) == {fan.email, other_fan.email}
    assert Notification.objects.count() == 2


def test_report_published_tells_the_consultations_followers(institution):
    from reports import services as report_services

    consultation = f.consultation_in_state("closed", institution=institution)
    official = f.official_of(institution)
    fan, bystander = f.UserFactory(), f.UserFactory()
    follow(fan, consultation)
    follow(bystander, institution)
    report_services.report_publish(actor=official, consultation=consultation)
    assert recipients(E.REPORT_PUBLISHED) == {fan.email}
    report_services.report_publish(
        actor=official, consultation=consultation, note="Korrigjohet emri i organizatës."
    )
    assert [n.payload["version"] for n in Notification.objects.order_by("pk")] == [1, 2]


# --- Replies -----------------------------------------------------------------------------------


def comment(actor, proposal, parent=None):
    return comment_services.comment_create(
        actor=actor,
        proposal=proposal,
        body="Pajtohem me këtë propozim për çështjen e komunave.",
        stance="for",
        consent="name",
        participant_type="citizen",
        parent=parent,
    )


def test_a_reply_tells_the_parents_author_by_default(proposal):
    author, replier = f.UserFactory(), f.UserFactory()
    parent = comment(author, proposal)
    comment(author, proposal, parent=parent)  # replying to oneself: nothing
    assert not Notification.objects.exists()
    reply = comment(replier, proposal, parent=parent)
    n = Notification.objects.get()
    assert n.user == author and n.event_type == E.COMMENT_REPLY
    assert n.payload == {"comment": reply.pk, "parent": parent.pk, "reason": "replies"}


def test_no_reply_notice_when_turned_off(proposal):
    author, replier = f.UserFactory(), f.UserFactory()
    services.notification_settings_update(actor=author, replies=False, answers=True)
    parent = comment(author, proposal)
    comment(replier, proposal, parent=parent)
    assert not Notification.objects.exists()


def test_a_failing_notification_does_not_stop_the_service(institution, official, monkeypatch):
    from subscriptions import notify

    follow(f.UserFactory(), institution)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in notifications")

    monkeypatch.setattr(notify, "_record", broken)
    consultation = open_now(official, draft_with_document(institution))
    assert consultation.status == "open"
    assert not Notification.objects.exists()
