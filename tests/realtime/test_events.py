"""Every service that changes what a consultation page shows announces it to the consultation's
group, after the commit, with a numbered event that validates against its schema and carries
only what the public may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from comments import services as cs
from comments.models import Comment
from consult import services as consult_services
from consult.models import Consultation
from proposals import services as ps
from realtime import schemas
from tests import factories as f
from tests.comments.conftest import make_pdf
from tests.realtime.conftest import capture, dumps

pytestmark = [pytest.mark.realtime, pytest.mark.django_db]


@pytest.fixture
def consultation(proposal):
    return proposal.consultation


@pytest.fixture
def article(proposal):
    return proposal.sections.get(key="neni-1")


@pytest.fixture
def second_citizen(db):
    return f.UserFactory()


@pytest.fixture
def moderator(db):
    return f.moderator()


def write_comment(actor, proposal, **kw):
    data = {
        "body": "Propozoj që **neni** të përfshijë edhe komunat.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
    }
    data.update(kw)
    return cs.comment_create(actor=actor, proposal=proposal, **data)


def one(events, type_):
    assert [e["type"] for e in events] == [type_], events
    return events[0]


# --- comments ------------------------------------------------------------------------------------


def test_comment_created(consultation, proposal, article, citizen):
    box = {}

    def write():
        box["c"] = write_comment(
            citizen, proposal, section=article, proposed_wording="Teksti i ri i nenit."
        )

    event = one(capture(consultation, write), "comment.created")
    comment = box["c"]
    assert event["consultation"] == consultation.slug
    assert event["seq"] == 1
    assert dt.datetime.fromisoformat(event["at"]).tzinfo is not None
    assert event["comment"] == {
        "id": comment.pk,
        "tracking_number": comment.tracking_number,
        "proposal": proposal.slug,
        "section": "neni-1",
        "parent": None,
        "depth": 0,
        "status": "published",
        "stance": "for",
        "body_html": comment.body_html,
        "proposed_wording": "Teksti i ri i nenit.",
        "author": citizen.display_name,
        "participant_number": None,
        "participant_type": "citizen",
        "created_at": comment.created_at.isoformat(timespec="microseconds"),
        "edited_at": None,
        "agree_count": 0,
        "disagree_count": 0,
    }
    assert "<strong>neni</strong>" in event["comment"]["body_html"]


def test_reply_carries_its_parent_and_depth(consultation, proposal, article, citizen):
    parent = write_comment(citizen, proposal, section=article)
    box = {}

    def write():
        box["r"] = write_comment(f.UserFactory(), proposal, parent=parent, consent="hidden")

    event = one(capture(consultation, write), "comment.created")
    assert event["comment"]["parent"] == parent.pk
    assert event["comment"]["depth"] == 1
    assert event["comment"]["section"] == "neni-1"  # a reply is about its parent's section
    assert event["comment"]["participant_number"] == box["r"].participant.number


def test_idempotent_retry_announces_nothing_new(consultation, proposal, citizen):
    write_comment(citizen, proposal, idempotency_key="k-1")
    assert (
        capture(consultation, lambda: write_comment(citizen, proposal, idempotency_key="k-1")) == []
    )


def test_refused_comment_announces_nothing(consultation, proposal, citizen):
    def write():
        with pytest.raises(Exception):  # noqa: B017 - ValidationError
            write_comment(citizen, proposal, body="")

    assert capture(consultation, write) == []
    assert Consultation.objects.get(pk=consultation.pk).event_seq == 0


def test_comment_updated(consultation, proposal, citizen):
    comment = write_comment(citizen, proposal)

    def write():
        cs.comment_edit(actor=citizen, comment=comment, body="Teksti i ndryshuar", stance="against")

    event = one(capture(consultation, write), "comment.updated")
    assert event["comment"]["id"] == comment.pk
    assert event["comment"]["body_html"] == "<p>Teksti i ndryshuar</p>"
    assert event["comment"]["stance"] == "against"
    assert event["comment"]["edited_at"] is not None


def test_comment_withdrawn_carries_no_text(consultation, proposal, article, citizen):
    comment = write_comment(citizen, proposal, section=article, body="Teksti që tërhiqet")

    event = one(
        capture(consultation, lambda: cs.comment_withdraw(actor=citizen, comment=comment)),
        "comment.withdrawn",
    )
    assert {k: event[k] for k in ("id", "proposal", "section")} == {
        "id": comment.pk,
        "proposal": proposal.slug,
        "section": "neni-1",
    }
    assert "tërhiqet" not in dumps(event)


def test_comment_hidden_by_a_moderator(consultation, proposal, citizen, moderator):
    comment = write_comment(citizen, proposal, body="Fyerje e rëndë këtu")

    event = one(
        capture(
            consultation,
            lambda: cs.comment_hide(
                actor=moderator, comment=comment, reason="abuse", note="Shënim"
            ),
        ),
        "comment.hidden",
    )
    assert event["id"] == comment.pk
    assert event["reason"] == "abuse"
    text = dumps(event)
    assert "Fyerje" not in text and "Shënim" not in text and citizen.display_name not in text


def test_comment_hidden_after_flags(consultation, proposal, citizen, settings):
    settings.FLAGS_TO_HIDE = 3
    comment = write_comment(citizen, proposal)
    flaggers = [f.UserFactory() for _n in range(3)]

    def flag(user):
        return lambda: cs.flag_create(actor=user, comment=comment, reason="spam", note="reklamë")

    assert capture(consultation, flag(flaggers[0])) == []  # flags themselves are not public
    assert capture(consultation, flag(flaggers[1])) == []
    event = one(capture(consultation, flag(flaggers[2])), "comment.hidden")
    assert event["reason"] == "spam"
    assert "reklamë" not in dumps(event)


def test_comment_restored(consultation, proposal, citizen, moderator):
    comment = write_comment(citizen, proposal, body="Teksti i rikthyer")
    cs.comment_hide(actor=moderator, comment=comment, reason="off_topic")

    event = one(
        capture(consultation, lambda: cs.comment_restore(actor=moderator, comment=comment)),
        "comment.restored",
    )
    assert event["comment"]["id"] == comment.pk
    assert event["comment"]["status"] == "published"
    assert "Teksti i rikthyer" in event["comment"]["body_html"]


def test_reaction_changed_carries_counts_only(consultation, proposal, citizen, second_citizen):
    comment = write_comment(citizen, proposal)

    def react(value):
        return lambda: cs.reaction_set(actor=second_citizen, comment=comment, value=value)

    agree = one(capture(consultation, react("agree")), "reaction.changed")
    assert (agree["id"], agree["agree_count"], agree["disagree_count"]) == (comment.pk, 1, 0)
    disagree = one(capture(consultation, react("disagree")), "reaction.changed")
    assert (disagree["agree_count"], disagree["disagree_count"]) == (0, 1)
    removed = one(capture(consultation, react(None)), "reaction.changed")
    assert (removed["agree_count"], removed["disagree_count"]) == (0, 0)
    assert second_citizen.display_name not in dumps([agree, disagree, removed])


# --- votes ---------------------------------------------------------------------------------------


def test_vote_changed_on_the_whole_draft_and_on_an_article(
    consultation, proposal, article, citizen, second_citizen
):
    whole = one(
        capture(consultation, lambda: ps.vote_cast(actor=citizen, proposal=proposal, choice="for")),
        "vote.changed",
    )
    assert whole["proposal"] == proposal.slug and whole["section"] is None
    assert whole["tally"] == {
        "for": 1,
        "against": 0,
        "abstain": 0,
        "total": 1,
        "for_pct": 100,
        "against_pct": 0,
        "abstain_pct": 0,
    }

    def vote(user, choice):
        return lambda: ps.vote_cast(actor=user, proposal=proposal, section=article, choice=choice)

    one(capture(consultation, vote(citizen, "against")), "vote.changed")
    event = one(capture(consultation, vote(second_citizen, "abstain")), "vote.changed")
    assert event["section"] == "neni-1"
    assert event["tally"]["against"] == 1 and event["tally"]["abstain"] == 1
    assert event["tally"]["total"] == 2 and event["tally"]["against_pct"] == 50

    # The same vote again changes nothing and announces nothing.
    assert capture(consultation, vote(second_citizen, "abstain")) == []
    retract = one(
        capture(
            consultation,
            lambda: ps.vote_retract(actor=second_citizen, proposal=proposal, section=article),
        ),
        "vote.changed",
    )
    assert retract["tally"]["total"] == 1
    assert (
        capture(
            consultation,
            lambda: ps.vote_retract(actor=second_citizen, proposal=proposal, section=article),
        )
        == []
    )
    assert second_citizen.display_name not in dumps([whole, event, retract])


# --- official answers ----------------------------------------------------------------------------


def test_response_published_when_answers_are_public(
    consultation, proposal, article, citizen, official
):
    comment = write_comment(citizen, proposal, section=article)

    def write():
        cs.response_set(
            actor=official,
            comment=comment,
            outcome="partially",
            justification="Pjesërisht, sepse ligji e kufizon.",
            reflected_in=article,
        )

    event = one(capture(consultation, write), "response.published")
    assert event["submission"] == "comment"
    assert (event["id"], event["tracking_number"]) == (comment.pk, comment.tracking_number)
    assert (event["proposal"], event["section"]) == (proposal.slug, "neni-1")
    assert event["outcome"] == "partially"
    assert event["justification"] == "Pjesërisht, sepse ligji e kufizon."
    assert event["reflected_in"] == {"proposal": proposal.slug, "key": "neni-1"}
    assert official.display_name not in dumps(event)


def test_no_response_event_while_answers_wait_for_the_report(
    consultation, proposal, citizen, official
):
    Consultation.objects.filter(pk=consultation.pk).update(
        responses_visibility=Consultation.ResponsesVisibility.WITH_REPORT
    )
    comment = write_comment(citizen, proposal)
    assert (
        capture(
            consultation,
            lambda: cs.response_set(actor=official, comment=comment, outcome="accepted"),
        )
        == []
    )


def test_no_response_event_about_a_hidden_comment(
    consultation, proposal, citizen, official, moderator
):
    comment = write_comment(citizen, proposal, body="Teksti i fshehur")
    cs.comment_hide(actor=moderator, comment=comment, reason="abuse")
    comment.refresh_from_db()
    assert (
        capture(
            consultation,
            lambda: cs.response_set(
                actor=official, comment=comment, outcome="rejected", justification="Jashtë teme."
            ),
        )
        == []
    )


def test_response_to_a_position_paper(consultation, proposal, official):
    cso = f.OrganisationFactory()
    representative = f.representative_of(cso)
    paper = cs.position_paper_submit(
        actor=representative,
        consultation=consultation,
        organisation=cso,
        title="Qëndrimi",
        summary="Përmbledhje.",
        pdf=make_pdf(),
    )
    event = one(
        capture(
            consultation,
            lambda: cs.response_set(actor=official, position_paper=paper, outcome="noted"),
        ),
        "response.published",
    )
    assert event["submission"] == "paper"
    assert event["id"] is None and event["tracking_number"] == paper.tracking_number
    assert event["proposal"] is None and event["reflected_in"] is None


# --- the consultation ----------------------------------------------------------------------------


def test_status_changed_when_an_official_closes(consultation, official):
    event = one(
        capture(
            consultation,
            lambda: consult_services.consultation_close(actor=official, consultation=consultation),
        ),
        "consultation.status_changed",
    )
    assert (event["status"], event["previous"]) == ("closed", "open")


def test_status_changed_by_time(db):
    due = f.consultation_in_state("scheduled_due")
    event = one(
        capture(due, lambda: consult_services.consultation_advance_by_time()),
        "consultation.status_changed",
    )
    assert (event["status"], event["previous"]) == ("open", "scheduled")
    expired = f.consultation_in_state("open_expired")
    event = one(
        capture(expired, lambda: consult_services.consultation_advance_by_time()),
        "consultation.status_changed",
    )
    assert (event["status"], event["previous"]) == ("closed", "open")


def test_scheduled_straight_to_closed_is_one_event(db):
    c = f.consultation_in_state("scheduled_due")
    later = timezone.now() + dt.timedelta(days=60)
    event = one(
        capture(c, lambda: consult_services.consultation_advance_by_time(now=later)),
        "consultation.status_changed",
    )
    assert (event["status"], event["previous"]) == ("closed", "scheduled")


# --- numbering -----------------------------------------------------------------------------------


def test_numbers_increase_without_gaps_across_kinds_of_event(
    consultation, proposal, article, citizen, second_citizen, official
):
    def write():
        c = write_comment(citizen, proposal, section=article)
        ps.vote_cast(actor=second_citizen, proposal=proposal, choice="for")
        cs.reaction_set(actor=second_citizen, comment=c, value="agree")
        cs.comment_edit(actor=citizen, comment=c, body="Teksti i ri")
        cs.response_set(actor=official, comment=c, outcome="accepted")
        cs.comment_withdraw(actor=citizen, comment=c)
        consult_services.consultation_close(actor=official, consultation=consultation)

    got = capture(consultation, write)
    assert [e["seq"] for e in got] == [1, 2, 3, 4, 5, 6, 7]
    assert [e["type"] for e in got] == [
        "comment.created",
        "vote.changed",
        "reaction.changed",
        "comment.updated",
        "response.published",
        "comment.withdrawn",
        "consultation.status_changed",
    ]
    assert Consultation.objects.get(pk=consultation.pk).event_seq == 7


def test_a_rolled_back_write_sends_nothing_and_gives_its_number_back(
    consultation, proposal, citizen
):
    class Boom(Exception):
        pass

    def write():
        try:
            with transaction.atomic():
                write_comment(citizen, proposal, body="Nuk ruhet")
                raise Boom
        except Boom:
            pass
        write_comment(citizen, proposal, body="Ruhet")

    got = capture(consultation, write)
    assert [(e["type"], e["seq"]) for e in got] == [("comment.created", 1)]
    assert "Ruhet" in got[0]["comment"]["body_html"]
    assert not Comment.objects.filter(body="Nuk ruhet").exists()


def test_numbers_are_per_consultation(proposal, citizen, official, draft_md):
    other = f.ConsultationFactory(institution=official.memberships.first().organisation)
    other_proposal = ps.proposal_import(
        actor=official, consultation=other, data=draft_md, filename="d.md"
    )
    write_comment(citizen, proposal)
    write_comment(citizen, proposal)
    event = one(capture(other, lambda: write_comment(citizen, other_proposal)), "comment.created")
    assert event["seq"] == 1 and event["consultation"] == other.slug


def test_events_are_sent_only_after_the_commit(consultation, proposal, citizen):
    got = capture(consultation, lambda: write_comment(citizen, proposal), on_commit=False)
    assert got == []  # still inside the test's transaction: nothing announced


# --- the schemas ---------------------------------------------------------------------------------


def test_validator_rejects_wrong_shapes():
    good = {
        "type": "presence",
        "consultation": "k",
        "seq": None,
        "at": "2026-01-01T00:00:00.000000+00:00",
        "count": 3,
    }
    assert schemas.validate(good) is schemas.Presence
    for bad in (
        {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "count"},
        {**good, "count": "3"},
        {**good, "count": True},
        {**good, "seq": 4},
        {**good, "type": "nope"},
        {**good, "consultation": ""},
        [],
    ):
        with pytest.raises(schemas.SchemaError):
            schemas.validate(bad)
    vote = {
        "type": "vote.changed",
        "consultation": "k",
        "seq": 1,
        "at": "x",
        "proposal": "p",
        "section": None,
        "tally": {"for": 1, "against": 0, "abstain": 0, "total": 1},
    }
    with pytest.raises(schemas.SchemaError, match="missing"):
        schemas.validate(vote)
    with pytest.raises(schemas.SchemaError, match="positive"):
        schemas.validate(
            {
                **vote,
                "seq": 0,
                "tally": {**vote["tally"], "for_pct": 100, "against_pct": 0, "abstain_pct": 0},
            }
        )


def test_every_event_type_has_a_schema():
    assert set(schemas.EVENT_TYPES) == {
        "comment.created",
        "comment.updated",
        "comment.withdrawn",
        "comment.hidden",
        "comment.restored",
        "reaction.changed",
        "vote.changed",
        "response.published",
        "consultation.status_changed",
        "presence",
    }
