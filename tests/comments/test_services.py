from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comments import services
from comments.models import (
    Comment,
    Flag,
    ModerationAction,
    OfficialResponse,
    Participant,
    PositionPaper,
    Reaction,
)
from consult.models import Consultation
from tests import factories as f

pytestmark = pytest.mark.django_db


def comment(actor, proposal, **kw):
    data = {
        "body": "Propozoj që neni të përfshijë edhe komunat.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kw)
    return services.comment_create(actor=actor, proposal=proposal, **data)


def close(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1),
        opens_at=timezone.now() - dt.timedelta(days=30),
    )
    consultation.refresh_from_db()


def test_comment_on_an_article_gets_a_tracking_number_and_a_receipt(
    citizen, proposal, article, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = comment(citizen, proposal, section=article, proposed_wording="Neni 1 thotë ...")
    assert c.section == article and c.depth == 0
    year = timezone.localtime().year
    assert c.tracking_number.startswith(f"KON-{year}-")
    assert len(mailoutbox) == 1
    assert c.tracking_number in mailoutbox[0].subject
    assert c.tracking_number in mailoutbox[0].body
    assert mailoutbox[0].to == [citizen.email]


def test_tracking_numbers_are_unique_and_increasing(citizen, second_citizen, proposal):
    a = comment(citizen, proposal)
    b = comment(second_citizen, proposal)
    assert a.tracking_number != b.tracking_number
    assert int(b.tracking_number[-6:]) == int(a.tracking_number[-6:]) + 1


def test_markdown_is_rendered_and_sanitised(citizen, proposal):
    c = comment(
        citizen,
        proposal,
        body="**Fort** <script>alert(1)</script> [klik](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <a href="https://rks-gov.net" onclick="x()">ok</a>',
    )
    assert "<strong>Fort</strong>" in c.body_html
    for bad in ("<script", "javascript:", "onerror", "onclick", "<img", "alert(1)</"):
        assert bad not in c.body_html


@pytest.mark.parametrize(
    "body,field",
    [("", "body"), ("   \n\t ", "body"), ("x", "body"), ("a" * 5001, "body")],
)
def test_bad_bodies_are_refused(citizen, proposal, body, field):
    with pytest.raises(ValidationError) as err:
        comment(citizen, proposal, body=body)
    assert field in err.value.message_dict
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"stance": "maybe"}, "stance"),
        ({"consent": "everyone"}, "consent"),
        ({"participant_type": "alien"}, "participant_type"),
        ({"consent": "organisation"}, "organisation"),
        ({"municipality": "Atlantis"}, "municipality"),
        ({"country": "123"}, "country"),
        ({"proposed_wording": "x" * 5001}, "proposed_wording"),
    ],
)
def test_bad_choices_are_refused(citizen, proposal, kw, field):
    with pytest.raises(ValidationError) as err:
        comment(citizen, proposal, **kw)
    assert field in err.value.message_dict
    assert Comment.objects.count() == 0


def test_replies_nest_three_levels_and_no_deeper(citizen, second_citizen, proposal, article):
    root = comment(citizen, proposal, section=article)
    r1 = comment(second_citizen, proposal, parent=root)
    r2 = comment(citizen, proposal, parent=r1)
    assert (r1.depth, r2.depth) == (1, 2)
    assert r1.section == article  # a reply addresses what its parent addresses
    with pytest.raises(ValidationError) as err:
        comment(second_citizen, proposal, parent=r2)
    assert "parent" in err.value.message_dict
    assert Comment.objects.count() == 3


def test_reply_to_a_comment_of_another_consultation_is_refused(citizen, proposal, draft_md):
    from proposals.services import proposal_import

    other = f.ConsultationFactory()
    other_official = f.official_of(other.institution)
    other_proposal = proposal_import(
        actor=other_official, consultation=other, data=draft_md, filename="d.md"
    )
    foreign = comment(citizen, other_proposal)
    with pytest.raises(ValidationError) as err:
        comment(citizen, proposal, parent=foreign)
    assert "parent" in err.value.message_dict
    with pytest.raises(ValidationError):
        comment(citizen, proposal, section=other_proposal.sections.get(key="neni-1"))


def test_unverified_and_anonymous_and_blocked_cannot_comment(
    unverified, citizen, moderator, proposal
):
    with pytest.raises(PermissionDenied):
        comment(unverified, proposal)
    services.participation_block(actor=moderator, user=citizen, reason="Fyerje të përsëritura")
    citizen = type(citizen).objects.get(pk=citizen.pk)
    with pytest.raises(PermissionDenied):
        comment(citizen, proposal)
    assert Comment.objects.count() == 0


def test_nothing_after_closing(citizen, second_citizen, proposal):
    c = comment(citizen, proposal)
    close(proposal.consultation)
    c = Comment.objects.get(pk=c.pk)
    with pytest.raises(PermissionDenied):
        comment(citizen, proposal)
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=citizen, comment=c, body="Ndryshim i vonuar")
    with pytest.raises(PermissionDenied):
        services.comment_withdraw(actor=citizen, comment=c)
    with pytest.raises(PermissionDenied):
        services.reaction_set(actor=second_citizen, comment=c, value="agree")
    with pytest.raises(PermissionDenied):
        services.flag_create(actor=second_citizen, comment=c, reason="spam")
    c.refresh_from_db()
    assert c.body.startswith("Propozoj") and c.status == "published"
    assert not Reaction.objects.exists() and not Flag.objects.exists()


def test_same_idempotency_key_stores_one_comment(citizen, proposal):
    a = comment(citizen, proposal, idempotency_key="k-123")
    b = comment(citizen, proposal, idempotency_key="k-123")
    assert a.pk == b.pk
    assert Comment.objects.count() == 1


def test_edit_keeps_history_and_marks_edited(citizen, second_citizen, proposal):
    c = comment(citizen, proposal)
    services.comment_edit(actor=citizen, comment=c, body="Teksti i ri, më i qartë.")
    c.refresh_from_db()
    assert c.edited_at is not None
    bodies = [h.body for h in c.history.order_by("history_date")]
    assert bodies[0].startswith("Propozoj") and bodies[-1] == "Teksti i ri, më i qartë."
    assert c.history.first().history_user == citizen
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=second_citizen, comment=c, body="Jo imja")


def test_withdraw_keeps_the_row_and_who_and_when(citizen, second_citizen, proposal):
    c = comment(citizen, proposal)
    reply = comment(second_citizen, proposal, parent=c)
    services.comment_withdraw(actor=citizen, comment=c)
    c.refresh_from_db()
    assert c.status == "withdrawn" and c.withdrawn_at is not None
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert c.history.first().history_user == citizen


def test_reactions_one_per_person_and_counted(citizen, second_citizen, proposal):
    c = comment(citizen, proposal)
    services.reaction_set(actor=second_citizen, comment=c, value="agree")
    services.reaction_set(actor=second_citizen, comment=c, value="disagree")
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (0, 1)
    assert Reaction.objects.filter(comment=c).count() == 1
    services.reaction_set(actor=second_citizen, comment=c, value=None)
    c.refresh_from_db()
    assert (c.agree_count, c.disagree_count) == (0, 0)
    with pytest.raises(PermissionDenied):
        services.reaction_set(actor=citizen, comment=c, value="agree")  # own comment
    with pytest.raises(ValidationError):
        services.reaction_set(actor=second_citizen, comment=c, value="love")


def test_reaction_unique_constraint_in_the_database(citizen, second_citizen, proposal):
    c = comment(citizen, proposal)
    Reaction.objects.create(user=second_citizen, comment=c, value="agree")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(user=second_citizen, comment=c, value="disagree")


def test_flags_hide_after_threshold_and_a_moderator_restores(citizen, proposal, moderator):
    c = comment(citizen, proposal)
    flaggers = [f.UserFactory() for _ in range(3)]
    services.flag_create(actor=flaggers[0], comment=c, reason="abuse")
    with pytest.raises(ValidationError):
        services.flag_create(actor=flaggers[0], comment=c, reason="spam")  # twice
    services.flag_create(actor=flaggers[1], comment=c, reason="abuse")
    c.refresh_from_db()
    assert c.status == "published"
    services.flag_create(actor=flaggers[2], comment=c, reason="spam")
    c.refresh_from_db()
    assert c.status == "hidden" and c.hidden_reason == "abuse"
    assert ModerationAction.objects.filter(comment=c, action="auto_hide").exists()
    services.comment_restore(actor=moderator, comment=c, note="Nuk ka fyerje.")
    c.refresh_from_db()
    assert c.status == "published" and c.flag_count == 0
    assert c.history.first().history_user == moderator


def test_official_hides_with_reason_citizen_cannot(citizen, second_citizen, official, proposal):
    c = comment(citizen, proposal)
    with pytest.raises(PermissionDenied):
        services.comment_hide(actor=second_citizen, comment=c, reason="spam")
    with pytest.raises(ValidationError):
        services.comment_hide(actor=official, comment=c, reason="dislike")
    services.comment_hide(actor=official, comment=c, reason="personal_data", note="Numër telefoni")
    c.refresh_from_db()
    assert c.status == "hidden" and c.hidden_reason == "personal_data"
    action = ModerationAction.objects.get(comment=c, action="hide")
    assert action.actor == official and action.note == "Numër telefoni"


def test_only_moderators_block(citizen, official, moderator):
    with pytest.raises(PermissionDenied):
        services.participation_block(actor=official, user=citizen, reason="x")
    with pytest.raises(ValidationError):
        services.participation_block(actor=moderator, user=citizen, reason="  ")
    services.participation_block(actor=moderator, user=citizen, reason="Spam")
    assert ModerationAction.objects.filter(target_user=citizen, action="block").exists()


def test_rate_limit_on_comments(settings, citizen, proposal):
    settings.COMMENT_RATE_LIMIT = "2/600"
    comment(citizen, proposal)
    comment(citizen, proposal)
    with pytest.raises(ValidationError) as err:
        comment(citizen, proposal)
    assert "2" in str(err.value)
    assert Comment.objects.count() == 2


def test_participant_numbers_are_stable_per_consultation(citizen, second_citizen, proposal):
    a = comment(citizen, proposal, consent="hidden")
    b = comment(second_citizen, proposal, consent="hidden")
    c = comment(citizen, proposal, consent="hidden")
    assert a.participant == c.participant != b.participant
    assert Participant.objects.filter(consultation=proposal.consultation).count() == 2


# --- Position papers -----------------------------------------------------------------------


def paper(actor, consultation, org, pdf, **kw):
    data = {"title": "Qëndrimi i organizatës", "summary": "Përmbledhje e qëndrimit."}
    data.update(kw)
    return services.position_paper_submit(
        actor=actor, consultation=consultation, organisation=org, pdf=pdf, **data
    )


def test_position_paper_stored_with_text_and_generated_name(
    representative, cso, proposal, pdf_bytes
):
    p = paper(
        representative, proposal.consultation, cso, pdf_bytes, points={"neni-1": "Shtoni komunat."}
    )
    assert p.tracking_number.startswith("KON-")
    assert p.attachment.name.endswith(".pdf") and "position-papers/" in p.attachment.name
    assert "Qëndrimi" in p.attachment_text or "ndrimi" in p.attachment_text
    assert p.points.get().section.key == "neni-1"


@pytest.mark.parametrize(
    "data,message_part",
    [
        (b"", "empty"),
        (b"Hello, I am a text file renamed .pdf", "not a PDF"),
        (b"%PDF-1.7\n garbage garbage", "damaged"),
    ],
)
def test_bad_pdfs_are_refused_and_nothing_is_left(
    representative, cso, proposal, data, message_part, settings
):
    with pytest.raises(ValidationError) as err:
        paper(representative, proposal.consultation, cso, data)
    assert "attachment" in err.value.message_dict
    assert PositionPaper.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not any(media.rglob("*.pdf")) if media.exists() else True


def test_pdf_over_the_limit(settings, representative, cso, proposal, pdf_bytes):
    settings.POSITION_PAPER_MAX_BYTES = len(pdf_bytes) - 1
    with pytest.raises(ValidationError) as err:
        paper(representative, proposal.consultation, cso, pdf_bytes)
    assert "attachment" in err.value.message_dict


def test_position_paper_refused_for_non_representative_and_unverified_org(
    citizen, proposal, pdf_bytes
):
    cso = f.OrganisationFactory()
    with pytest.raises(PermissionDenied):
        paper(citizen, proposal.consultation, cso, pdf_bytes)
    pending = f.OrganisationFactory(verification_status="pending")
    rep = f.representative_of(pending)
    with pytest.raises(PermissionDenied):
        paper(rep, proposal.consultation, pending, pdf_bytes)
    member = f.UserFactory()
    f.MembershipFactory(user=member, organisation=cso, role="member")
    with pytest.raises(PermissionDenied):
        paper(member, proposal.consultation, cso, pdf_bytes)
    assert PositionPaper.objects.count() == 0


# --- Official responses --------------------------------------------------------------------


def test_official_answers_and_submitter_is_emailed_in_their_language(
    official, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    author = f.UserFactory(preferred_language="en")
    c = comment(author, proposal)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = services.response_set(
            actor=official, comment=c, outcome="partially", justification="Pjesërisht."
        )
    r.refresh_from_db()
    assert r.notified_at is not None
    assert len(mailoutbox) == 1
    assert "answered" in mailoutbox[0].subject  # English, the person's language
    assert c.tracking_number in mailoutbox[0].body


@pytest.mark.parametrize("outcome", ["rejected", "partially"])
def test_rejection_needs_justification(official, citizen, proposal, outcome):
    c = comment(citizen, proposal)
    with pytest.raises(ValidationError) as err:
        services.response_set(actor=official, comment=c, outcome=outcome, justification=" ")
    assert "justification" in err.value.message_dict
    assert not OfficialResponse.objects.exists()


def test_official_of_another_institution_cannot_answer(citizen, proposal):
    c = comment(citizen, proposal)
    stranger = f.official_of(f.InstitutionFactory())
    with pytest.raises(PermissionDenied):
        services.response_set(actor=stranger, comment=c, outcome="accepted")
    with pytest.raises(PermissionDenied):
        services.response_set(actor=citizen, comment=c, outcome="accepted")


def test_answer_is_versioned_and_withheld_until_report_when_chosen(
    official, citizen, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = proposal.consultation
    Consultation.objects.filter(pk=consultation.pk).update(responses_visibility="with_report")
    c = comment(citizen, proposal)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_set(actor=official, comment=c, outcome="noted")
        services.response_set(actor=official, comment=c, outcome="accepted")
    r = OfficialResponse.objects.get()
    assert r.history.count() == 2 and r.notified_at is None
    assert mailoutbox == []


def test_failed_email_is_retried_by_the_periodic_job(
    official, citizen, proposal, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from comments import notifications

    c = comment(citizen, proposal)
    mailoutbox.clear()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_set(actor=official, comment=c, outcome="accepted")
    assert OfficialResponse.objects.get().notified_at is None
    monkeypatch.undo()
    assert notifications.notify_pending_responses() == 1
    assert OfficialResponse.objects.get().notified_at is not None
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reactions_store_one_row(citizen, second_citizen, proposal):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    c = comment(citizen, proposal)
    barrier = threading.Barrier(2)
    errors = []

    def react():
        from django.db import connection as conn

        try:
            barrier.wait(timeout=10)
            services.reaction_set(actor=second_citizen, comment=c, value="agree")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=react) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert errors == []
    assert Reaction.objects.filter(comment=c).count() == 1
