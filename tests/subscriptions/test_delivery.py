"""Notifications are emailed by the background job, in each person's language, with an
unsubscribe link; a failing mail server loses nothing; weekly subscribers get one digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from comments import services as comment_services
from consult import services as consult_services
from jobs.models import Job
from subscriptions import delivery, services
from subscriptions.models import Notification
from tests import factories as f

from .backends import FlakyBackend
from .conftest import client_as, draft_with_document, follow, run_jobs

pytestmark = pytest.mark.django_db


def test_sent_by_the_job_not_in_the_request(institution, official, follower):
    follow(follower, institution)
    consultation = draft_with_document(institution, title="Projektligji për ujërat e Kosovës")
    response = client_as(official).post(f"/workspace/{consultation.slug}/open/")
    assert response.status_code == 302
    assert Notification.objects.get().sent_at is None
    assert mail.outbox == []  # the request only queued the job
    assert Job.objects.get().name == "subscriptions.send"
    assert run_jobs() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [follower.email]
    assert message.subject == "Open for comments: Projektligji për ujërat e Kosovës"
    assert f"https://konsulta.example/consultations/{consultation.slug}/" in message.body
    assert institution.name in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://konsulta.example/unsubscribe/")
    assert unsubscribe[1:-1] in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get().sent_at is not None
    assert run_jobs() == 0 and len(mail.outbox) == 1  # nothing sent twice


@pytest.mark.parametrize(
    "language,subject,greeting",
    [
        ("sq", "E hapur për komente: Strategjia për ujërat", "Përshëndetje"),
        ("sr-latn", "Otvoreno za komentare: Strategjia për ujërat", "Dobar dan"),
        ("en", "Open for comments: Strategjia për ujërat", "Hello"),
    ],
)
def test_emails_in_the_recipients_language(institution, official, language, subject, greeting):
    person = f.UserFactory(preferred_language=language)
    follow(person, institution)
    consultation = draft_with_document(institution, title="Strategjia për ujërat", kind="strategy")
    consult_services.consultation_open(actor=official, consultation=consultation)
    run_jobs()
    (message,) = mail.outbox
    assert message.subject == subject
    assert message.body.startswith(greeting)


def test_a_failing_mail_server_then_success_loses_nothing(
    settings, institution, official, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.subscriptions.backends.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failures", 3)
    people = [f.UserFactory() for _ in range(3)]
    for person in people:
        follow(person, institution)
    consult_services.consultation_open(
        actor=official, consultation=draft_with_document(institution)
    )
    run_jobs()  # the server refuses all three
    job = Job.objects.get()
    assert (job.status, job.attempts) == ("queued", 1)
    assert "not sent" in job.error
    assert mail.outbox == []
    pending = Notification.objects.filter(sent_at__isnull=True)
    assert pending.count() == 3
    assert all("mail server is down" in n.last_error for n in pending)
    run_jobs()  # the server is back
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_sweeper_sends_what_the_job_gave_up_on(settings, institution, official, monkeypatch):
    settings.EMAIL_BACKEND = "tests.subscriptions.backends.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failures", 99)
    follow(f.UserFactory(), institution)
    consult_services.consultation_open(
        actor=official, consultation=draft_with_document(institution)
    )
    for _ in range(5):
        run_jobs()
    assert Job.objects.get().status == "failed"
    notification = Notification.objects.get()
    assert notification.sent_at is None and notification.attempts == 5
    soon = notification.created_at + dt.timedelta(minutes=1)
    assert delivery.send_pending(now=soon) == 0  # too early: the job's retries come first
    later = notification.created_at + dt.timedelta(minutes=20)
    assert delivery.send_pending(now=later) == 0  # still down: it waits longer before the next
    notification.refresh_from_db()
    assert notification.attempts == 6 and notification.claimed_until > later
    FlakyBackend.failures = 0
    assert delivery.send_pending(now=later + dt.timedelta(minutes=1)) == 0  # held back
    assert delivery.send_pending(now=later + dt.timedelta(hours=7)) == 1
    assert len(mail.outbox) == 1


def test_a_claimed_notification_is_not_sent_twice(institution, official):
    follow(f.UserFactory(), institution)
    consult_services.consultation_open(
        actor=official, consultation=draft_with_document(institution)
    )
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=5)
    )  # another sender is at it
    assert delivery.send_notifications([notification.pk]) == 0
    assert mail.outbox == []


def test_reply_email_names_the_replier_as_they_consented(proposal):
    author = f.UserFactory(preferred_language="en")
    replier = f.UserFactory(display_name="Besa Gashi")
    parent = comment_services.comment_create(
        actor=author,
        proposal=proposal,
        body="Neni duhet të përfshijë komunat.",
        stance="for",
        consent="name",
        participant_type="citizen",
    )
    comment_services.comment_create(
        actor=replier,
        proposal=proposal,
        parent=parent,
        body="Pajtohem, por edhe agjencitë e pavarura.",
        stance="for",
        consent="hidden",
        participant_type="citizen",
    )
    mail.outbox.clear()
    run_jobs()
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert parent.tracking_number in message.subject
    assert "Besa Gashi" not in message.body and "Participant #2" in message.body
    assert "Pajtohem, por edhe agjencitë e pavarura." in message.body
    assert "#comment-" in message.body


def test_a_reply_hidden_before_sending_is_not_sent(proposal):
    author, replier = f.UserFactory(), f.UserFactory()
    parent = comment_services.comment_create(
        actor=author,
        proposal=proposal,
        body="Komenti i parë.",
        stance="for",
        consent="name",
        participant_type="citizen",
    )
    reply = comment_services.comment_create(
        actor=replier,
        proposal=proposal,
        parent=parent,
        body="Reklamë për një dyqan.",
        stance="neutral",
        consent="name",
        participant_type="citizen",
    )
    comment_services.comment_hide(actor=f.moderator(), comment=reply, reason="spam")
    mail.outbox.clear()
    run_jobs()
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_answer_emails_respect_the_setting_and_carry_the_unsubscribe_link(
    proposal, official, django_capture_on_commit_callbacks
):
    author = f.UserFactory(preferred_language="en")

    def submit():
        return comment_services.comment_create(
            actor=author,
            proposal=proposal,
            body="Propozoj ndryshimin e nenit 2.",
            stance="against",
            consent="name",
            participant_type="citizen",
        )

    first = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.response_set(actor=official, comment=first, outcome="accepted")
    (message,) = mail.outbox
    assert "answered" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"][1:-1] in message.body

    services.notification_settings_update(actor=author, replies=True, answers=False)
    second = submit()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = comment_services.response_set(actor=official, comment=second, outcome="noted")
    assert mail.outbox == []
    response.refresh_from_db()
    assert response.notified_at is not None  # not retried by notify_pending_responses


# --- Weekly digests ----------------------------------------------------------------------------


def test_weekly_digest_groups_a_weeks_notifications_in_one_email(institution, official):
    person = f.UserFactory(preferred_language="en")
    instant = f.UserFactory()
    follow(person, institution, "weekly")
    follow(instant, institution, "immediate")
    first = draft_with_document(institution, title="Projektligji për pyjet")
    second = draft_with_document(institution, title="Rregullorja për parqet")
    consult_services.consultation_open(actor=official, consultation=first)
    consult_services.consultation_open(actor=official, consultation=second)
    follow(person, first, "weekly")
    from reports import services as report_services

    consult_services.consultation_close(actor=official, consultation=first)
    report_services.report_publish(actor=official, consultation=first)

    run_jobs()  # the immediate follower's emails; nothing for the weekly one
    assert {m.to[0] for m in mail.outbox} == {instant.email}
    mail.outbox.clear()

    assert delivery.send_digests() == 0  # this week's events wait for the next digest day
    assert mail.outbox == []
    monday = delivery.digest_moment(timezone.now() + dt.timedelta(days=7))
    assert delivery.send_digests(now=monday) == 1
    (digest,) = mail.outbox
    assert digest.to == [person.email]
    assert digest.subject == "Your week on Konsulta: 3 updates"
    assert "Projektligji për pyjet" in digest.body and "Rregullorja për parqet" in digest.body
    assert "A consultation opened" in digest.body
    assert "The consultation report was published" in digest.body
    assert digest.extra_headers["List-Unsubscribe"][1:-1] in digest.body
    assert not Notification.objects.filter(user=person, digest_sent_at__isnull=True).exists()

    # Once a week: a new event the same week waits for next week's digest.
    third = draft_with_document(institution, title="Udhëzimi për bibliotekat")
    consult_services.consultation_open(actor=official, consultation=third)
    assert delivery.send_digests(now=monday + dt.timedelta(days=2)) == 0
    assert delivery.send_digests(now=monday + dt.timedelta(days=7)) == 1
    assert "Udhëzimi për bibliotekat" in mail.outbox[1].body
    assert mail.outbox[1].subject == "Your week on Konsulta: 1 update"


def test_a_failed_digest_is_sent_on_a_later_run(settings, institution, official, monkeypatch):
    settings.EMAIL_BACKEND = "tests.subscriptions.backends.FlakyBackend"
    monkeypatch.setattr(FlakyBackend, "failures", 1)
    person = f.UserFactory()
    follow(person, institution, "weekly")
    consult_services.consultation_open(
        actor=official, consultation=draft_with_document(institution)
    )
    monday = delivery.digest_moment(timezone.now() + dt.timedelta(days=7))
    assert delivery.send_digests(now=monday) == 0
    assert Notification.objects.get().digest_sent_at is None
    assert delivery.send_digests(now=monday + dt.timedelta(minutes=15)) == 1
    assert Notification.objects.get().digest_sent_at is not None
    assert len(mail.outbox) == 1


def test_digest_moment_is_the_latest_digest_day_and_hour():
    tz = timezone.get_current_timezone()
    wednesday = dt.datetime(2026, 11, 25, 15, tzinfo=tz)
    assert delivery.digest_moment(wednesday) == dt.datetime(2026, 11, 23, 8, tzinfo=tz)
    early_monday = dt.datetime(2026, 11, 23, 7, tzinfo=tz)
    assert delivery.digest_moment(early_monday) == dt.datetime(2026, 11, 16, 8, tzinfo=tz)
