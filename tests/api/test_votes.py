"""Votes over the API: casting, changing, withdrawing, tallies and every refusal."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consult.models import Consultation
from proposals.models import Section, Vote
from proposals.services import proposal_version_publish, vote_cast
from tests import factories as f

from .helpers import import_draft, make_client, proposal_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter():
    return f.UserFactory()


def test_vote_on_a_section_answers_its_tally(as_user, proposal, voter):
    vote_cast(
        actor=f.UserFactory(),
        proposal=proposal,
        choice="for",
        section=Section.objects.get(proposal=proposal, key="neni-2"),
    )

    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-2"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data == {
        "section": "neni-2",
        "choice": "for",
        "tally": {"for": 2, "against": 0, "abstain": 0, "total": 2},
    }
    vote = Vote.objects.get(user=voter)
    assert vote.section.key == "neni-2"


def test_vote_on_the_whole_draft(as_user, proposal, voter):
    for body in ({"choice": "against", "section": None}, {"choice": "against"}):
        response = as_user(voter).post(proposal_url(proposal, "votes/"), body, format="json")
        assert response.status_code == 200
        assert response.data["section"] is None
        assert response.data["tally"] == {"for": 0, "against": 1, "abstain": 0, "total": 1}
    assert Vote.objects.get(user=voter).section is None


def test_voting_twice_changes_the_vote(as_user, proposal, voter):
    client = as_user(voter)
    client.post(proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-1"})

    response = client.post(
        proposal_url(proposal, "votes/"), {"choice": "abstain", "section": "neni-1"}
    )

    assert response.status_code == 200
    assert response.data["tally"] == {"for": 0, "against": 0, "abstain": 1, "total": 1}
    assert Vote.objects.filter(user=voter).count() == 1
    assert Vote.objects.get(user=voter).choice == "abstain"


def test_withdrawing_a_vote(as_user, proposal, voter):
    client = as_user(voter)
    client.post(proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-1"})
    client.post(proposal_url(proposal, "votes/"), {"choice": "for"})

    response = client.delete(proposal_url(proposal, "votes/") + "?section=neni-1")

    assert response.status_code == 200
    assert response.data == {
        "section": "neni-1",
        "choice": None,
        "tally": {"for": 0, "against": 0, "abstain": 0, "total": 0},
    }
    assert list(Vote.objects.values_list("section", flat=True)) == [None]
    whole = client.delete(proposal_url(proposal, "votes/"))
    assert whole.status_code == 200
    assert Vote.objects.count() == 0


def test_my_votes(as_user, api, proposal, voter):
    client = as_user(voter)
    client.post(proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-1"})
    client.post(proposal_url(proposal, "votes/"), {"choice": "against", "section": "neni-3"})

    response = client.get(proposal_url(proposal, "votes/mine/"))

    assert response.status_code == 200
    assert response.data == {"proposal": None, "sections": {"neni-1": "for", "neni-3": "against"}}
    assert api.get(proposal_url(proposal, "votes/mine/")).status_code == 403


# --- refusals: nothing is stored -----------------------------------------------------------


@pytest.mark.parametrize("choice", ["po", "", None, "FOR"])
def test_invalid_choice(as_user, proposal, voter, choice):
    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": choice, "section": "neni-1"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"choice": ["Choose in favour, against or abstain."]}
    assert Vote.objects.count() == 0


def test_unknown_section(as_user, proposal, voter):
    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-99"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"section": ["This draft has no section with this key."]}
    assert Vote.objects.count() == 0


def test_section_of_another_consultation_is_not_found(as_user, proposal, voter, institution):
    other_consultation = f.consultation_in_state("open", institution=institution)
    other = import_draft(
        other_consultation,
        f.official_of(institution),
        "Neni 9\nDispozita kalimtare\n\n1. Kjo dispozitë vlen vetëm atje.\n",
        title="Rregullorja tjetër",
    )
    foreign_key = Section.objects.get(proposal=other, kind="article").key
    assert not Section.objects.filter(proposal=proposal, key=foreign_key).exists()

    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": foreign_key}, format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == ["section"]
    assert Vote.objects.count() == 0


def test_section_removed_from_the_current_text(as_user, proposal, voter, official):
    text = f.SAMPLE_DRAFT_MD.split("Neni 4")[0]
    proposal_version_publish(
        actor=official, proposal=proposal, data=text.encode(), filename="v2.md", note="Pa nenin 4"
    )
    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-4"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.data) == ["section"]
    assert Vote.objects.count() == 0


def test_closed_consultation(as_user, voter, institution):
    consultation = f.consultation_in_state("open", institution=institution)
    proposal = import_draft(consultation, f.official_of(institution))
    consultation.status = "closed"
    consultation.save()

    response = as_user(voter).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-1"}, format="json"
    )

    assert response.status_code == 403
    assert response.data["detail"] == "Voting needs a verified account and an open consultation."
    assert Vote.objects.count() == 0


def test_consultation_closed_by_time(as_user, voter, institution):
    consultation = f.consultation_in_state("open", institution=institution)
    proposal = import_draft(consultation, f.official_of(institution))
    # Its closing time passes; the scheduler has not stored the change yet.
    expired = f.CONSULTATION_STATES["open_expired"]
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + expired[1], closes_at=timezone.now() + expired[2]
    )
    response = as_user(voter).post(proposal_url(proposal, "votes/"), {"choice": "for"})
    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_unverified_person(as_user, proposal, unverified):
    response = as_user(unverified).post(
        proposal_url(proposal, "votes/"), {"choice": "for", "section": "neni-1"}, format="json"
    )
    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_anonymous(api, proposal):
    response = api.post(proposal_url(proposal, "votes/"), {"choice": "for"}, format="json")
    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_withdrawing_needs_an_open_consultation(as_user, proposal, voter):
    vote_cast(actor=voter, proposal=proposal, choice="for")
    consultation = proposal.consultation
    consultation.status = "closed"
    consultation.save()
    response = as_user(voter).delete(proposal_url(proposal, "votes/"))
    assert response.status_code == 403
    assert Vote.objects.count() == 1


def test_withdrawing_from_an_unknown_section(as_user, proposal, voter):
    response = as_user(voter).delete(proposal_url(proposal, "votes/") + "?section=neni-99")
    assert response.status_code == 400
    assert list(response.data) == ["section"]


def test_draft_consultation_is_not_found_for_voters(draft_consultation, official, voter):
    proposal = import_draft(draft_consultation, official)
    response = make_client(voter).post(proposal_url(proposal, "votes/"), {"choice": "for"})
    assert response.status_code == 404
    assert Vote.objects.count() == 0
