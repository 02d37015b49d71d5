"""The draft services enforce the permission rules themselves: role x lifecycle state x action,
called through the services (not only ``has_perm``), with an explicit expected table.

Columns, in ``STATES`` order: ``X`` = the service does it, ``.`` = ``PermissionDenied``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from consult.models import Consultation
from proposals import services
from proposals.models import Proposal, ProposalVersion, Section, Vote
from tests import factories as f

STATES = ["draft", "scheduled", "open", "closed", "report_published", "withdrawn"]

# fmt: off
#                                 draft, scheduled, open, closed, report_published, withdrawn
EXPECTED = {
    "import": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXX...",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXX...",
        "superuser":           "XXX...",
    },
    "publish_version": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXXXX.",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXXXX.",
        "superuser":           "XXXXX.",
    },
    "vote": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "..X...",
        "official":            "..X...",
        "other_official":      "..X...",
        "cso_representative":  "..X...",
        "moderator":           "..X...",
        "staff":               "..X...",
        "superuser":           "..X...",
    },
}
# fmt: on
ROLES = list(EXPECTED["import"])


@pytest.fixture
def setting(institution, other_institution, official, citizen, unverified, staff, draft_md):
    """A draft imported while open, then the consultation moved to the state under test."""
    consultation = f.ConsultationFactory(institution=institution)
    proposal = services.proposal_import(
        actor=official, consultation=consultation, data=draft_md, filename="d.md"
    )
    people = {
        "anonymous": AnonymousUser(),
        "unverified": unverified,
        "citizen": citizen,
        "official": official,
        "other_official": f.official_of(other_institution),
        "cso_representative": f.representative_of(f.OrganisationFactory()),
        "moderator": f.moderator(),
        "staff": staff,
        "superuser": f.UserFactory(is_staff=True, is_superuser=True),
    }
    return consultation, proposal, people


def move_to(consultation: Consultation, state: str) -> Consultation:
    status, opens, closes = f.CONSULTATION_STATES[state]
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        status=status, opens_at=now + opens, closes_at=now + closes
    )
    consultation.refresh_from_db()
    return consultation


def act(action: str, actor, consultation, proposal, draft_md):
    if action == "import":
        return services.proposal_import(
            actor=actor, consultation=consultation, data=draft_md, filename="d2.md"
        )
    if action == "publish_version":
        return services.proposal_version_publish(
            actor=actor,
            proposal=proposal,
            data=f.SAMPLE_DRAFT_V2_MD.encode(),
            filename="v2.md",
            note="Versioni i dytë",
        )
    section = Section.objects.get(proposal=proposal, key="neni-2")
    return services.vote_cast(actor=actor, proposal=proposal, section=section, choice="for")


def stored(action: str, proposal) -> int:
    if action == "import":
        return Proposal.objects.count()
    if action == "publish_version":
        return ProposalVersion.objects.filter(proposal=proposal).count()
    return Vote.objects.count()


def test_table_is_complete():
    for action, by_role in EXPECTED.items():
        assert list(by_role) == ROLES, action
        assert all(len(cells) == len(STATES) for cells in by_role.values()), action


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("state", STATES)
def test_service_matrix(action, state, setting, draft_md):
    consultation, proposal, people = setting
    consultation = move_to(consultation, state)
    proposal.consultation = consultation
    for role in ROLES:
        allowed = EXPECTED[action][role][STATES.index(state)] == "X"
        before = stored(action, proposal)
        if allowed:
            act(action, people[role], consultation, proposal, draft_md)
            assert stored(action, proposal) == before + 1, (role, state, action)
        else:
            with pytest.raises(PermissionDenied):
                act(action, people[role], consultation, proposal, draft_md)
            assert stored(action, proposal) == before, (role, state, action)
