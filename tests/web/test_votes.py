"""The vote action: a message and a redirect back, or JSON for the script; nothing stored on
any refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation
from proposals.models import Section, Vote
from tests import factories as f

pytestmark = pytest.mark.django_db


def vote_url(proposal):
    return reverse(
        "proposals:vote", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_vote_on_an_article(client_for, proposal, citizen):
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for", "section": "neni-1"})
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url() + "#neni-1"
    vote = Vote.objects.get(user=citizen)
    assert vote.section.key == "neni-1" and vote.choice == "for"
    assert any("is recorded" in m for m in messages_of(response))


def test_vote_on_the_whole_draft(client_for, proposal, citizen):
    response = client_for(citizen).post(vote_url(proposal), {"choice": "abstain"})
    assert response["Location"] == proposal.get_absolute_url() + "#whole-draft"
    vote = Vote.objects.get(user=citizen)
    assert vote.section is None and vote.choice == "abstain"


def test_change_vote(client_for, proposal, citizen):
    client = client_for(citizen)
    client.post(vote_url(proposal), {"choice": "for", "section": "neni-2"})
    client.post(vote_url(proposal), {"choice": "against", "section": "neni-2"})
    votes = Vote.objects.filter(user=citizen)
    assert votes.count() == 1
    assert votes.get().choice == "against"


def test_vote_redirects_to_a_safe_next(client_for, proposal, citizen):
    section_url = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": "neni-1"},
    )
    client = client_for(citizen)
    response = client.post(
        vote_url(proposal), {"choice": "for", "section": "neni-1", "next": section_url}
    )
    assert response["Location"] == section_url
    response = client.post(
        vote_url(proposal), {"choice": "for", "section": "neni-1", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(proposal.get_absolute_url())


@pytest.mark.parametrize("choice", ["", "maybe", "FOR", "<script>", "for " * 30])
def test_invalid_choice(client_for, proposal, citizen, choice):
    response = client_for(citizen).post(vote_url(proposal), {"choice": choice, "section": "neni-1"})
    assert response.status_code == 302
    assert "Choose in favour, against or abstain." in messages_of(response)
    assert not Vote.objects.exists()


def test_invalid_section_key(client_for, proposal, citizen):
    response = client_for(citizen).post(
        vote_url(proposal), {"choice": "for", "section": "../../etc"}
    )
    assert response.status_code == 302
    assert not Vote.objects.exists()


def test_closed_consultation(client_for, proposal, citizen):
    Consultation.objects.filter(pk=proposal.consultation_id).update(
        status=Consultation.Status.CLOSED, closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for", "section": "neni-1"})
    assert response.status_code == 302
    assert any("closed" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_closing_time_passed_but_not_yet_stored(client_for, proposal, citizen):
    """Time is authoritative: an 'open' consultation whose closing time has passed is closed."""
    Consultation.objects.filter(pk=proposal.consultation_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for"})
    assert any("closed" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_withdrawn_consultation(client_for, proposal, citizen):
    Consultation.objects.filter(pk=proposal.consultation_id).update(
        status=Consultation.Status.WITHDRAWN
    )
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for"})
    assert any("withdrawn" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_unverified(client_for, proposal, unverified):
    response = client_for(unverified).post(vote_url(proposal), {"choice": "for"})
    assert response.status_code == 302
    assert any("Confirm your email" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_anonymous(client, proposal):
    response = client.post(vote_url(proposal), {"choice": "for"})
    assert response.status_code == 302
    assert "Sign in to vote." in messages_of(response)
    assert not Vote.objects.exists()


def test_section_of_another_consultation(client_for, proposal, citizen, make_proposal, institution):
    other = make_proposal(f.ConsultationFactory(institution=institution), 6)
    foreign = Section.objects.get(proposal=other, key="neni-6")
    response = client_for(citizen).post(
        vote_url(proposal), {"choice": "for", "section": foreign.key}
    )
    assert response.status_code == 302
    assert any("not part of the current text" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_section_no_longer_current(client_for, proposal, citizen):
    Section.objects.filter(proposal=proposal, key="neni-4").update(is_current=False)
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for", "section": "neni-4"})
    assert any("not part of the current text" in m for m in messages_of(response))
    assert not Vote.objects.exists()


def test_draft_consultation_vote_is_404_for_the_public(client_for, citizen, institution, official):
    from proposals.services import proposal_import

    consultation = f.ConsultationFactory(institution=institution, status=Consultation.Status.DRAFT)
    proposal = proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="d.md",
    )
    response = client_for(citizen).post(vote_url(proposal), {"choice": "for"})
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_get_is_not_allowed(client_for, proposal, citizen):
    assert client_for(citizen).get(vote_url(proposal)).status_code == 405


def test_json_success_returns_the_new_tally(client_for, proposal, citizen, add_votes):
    add_votes(proposal, 3)
    response = client_for(citizen).post(
        vote_url(proposal),
        {"choice": "against", "section": "neni-3"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["choice"] == "against"
    assert body["section"] == "neni-3"
    tally = body["tally"]
    assert tally["total"] == 4
    assert tally["for"] + tally["against"] + tally["abstain"] == 4
    assert {"for_pct", "against_pct", "abstain_pct"} <= tally.keys()
    assert "is recorded" in body["message"]


@pytest.mark.parametrize(
    ("who", "data", "status"),
    [
        ("unverified", {"choice": "for"}, 403),
        ("anonymous", {"choice": "for"}, 403),
        ("citizen", {"choice": "perhaps"}, 400),
        ("citizen", {"choice": "for", "section": "neni-404"}, 400),
    ],
)
def test_json_errors(client_for, proposal, citizen, unverified, who, data, status):
    user = {"citizen": citizen, "unverified": unverified, "anonymous": None}[who]
    response = client_for(user).post(vote_url(proposal), data, HTTP_ACCEPT="application/json")
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False and body["error"]
    assert not Vote.objects.exists()


def test_message_in_the_persons_language(client_for, proposal, citizen):
    """The message is produced in the active language (the language cookie here)."""
    client = client_for(citizen)
    client.cookies["konsulta_language"] = "en"
    response = client.post(vote_url(proposal), {"choice": "maybe"})
    assert "Choose in favour, against or abstain." in messages_of(response)
