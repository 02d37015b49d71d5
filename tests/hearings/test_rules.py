"""Who may do what with a hearing: role x hearing status (x consultation state), as the rules
say; the services and pages check the same rules."""

from __future__ import annotations

import pytest
import rules

from comments.models import ParticipationBlock
from hearings.models import HearingItem
from tests import factories as f

from .conftest import make_hearing

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "unverified",
    "citizen",
    "blocked",
    "author",
    "official",
    "other_official",
    "moderator",
    "staff",
]
STATUSES = ["scheduled", "live", "ended", "cancelled"]


@pytest.fixture
def people(institution, other_institution):
    from django.contrib.auth.models import AnonymousUser

    blocked = f.UserFactory()
    ParticipationBlock.objects.create(user=blocked, reason="x")
    return {
        "anonymous": AnonymousUser(),
        "unverified": f.UserFactory(email_verified=False),
        "citizen": f.UserFactory(),
        "blocked": blocked,
        "author": f.UserFactory(),
        "official": f.official_of(institution),
        "other_official": f.official_of(other_institution),
        "moderator": f.moderator(),
        "staff": f.UserFactory(is_staff=True),
    }


def setup(people, consultation, status):
    hearing = make_hearing(consultation, status)
    from comments.services import participant_for

    author = people["author"]
    item = HearingItem.objects.create(
        hearing=hearing,
        author=author,
        participant=participant_for(consultation, author),
        consent="name",
        kind="question",
        body="Pyetje",
    )
    return hearing, item


TAKE_PART = {"citizen", "author", "official", "other_official", "moderator", "staff"}
MANAGE = {"official", "staff"}
MODERATE = {"official", "moderator"}

# (permission, object, who may, in which hearing statuses)
MATRIX = [
    ("hearings.view_hearing", "hearing", set(ROLES), set(STATUSES)),
    ("hearings.change_hearing", "hearing", MANAGE, {"scheduled", "live"}),
    ("hearings.start_hearing", "hearing", MANAGE, {"scheduled"}),
    ("hearings.end_hearing", "hearing", MANAGE, {"live"}),
    ("hearings.cancel_hearing", "hearing", MANAGE, {"scheduled"}),
    ("hearings.post_item", "hearing", TAKE_PART, {"live"}),
    ("hearings.upvote_item", "item", TAKE_PART - {"author"}, {"live"}),
    ("hearings.moderate_item", "item", MODERATE, {"live", "ended"}),
    ("hearings.see_identities", "hearing", {"official", "moderator", "staff"}, set(STATUSES)),
]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("perm, target, roles_allowed, statuses", MATRIX)
def test_matrix_on_an_open_consultation(
    people, open_consultation, status, perm, target, roles_allowed, statuses
):
    hearing, item = setup(people, open_consultation, status)
    obj = hearing if target == "hearing" else item
    for role in ROLES:
        expected = role in roles_allowed and status in statuses
        assert rules.has_perm(perm, people[role], obj) is expected, (perm, role, status)


@pytest.mark.parametrize("state", ["scheduled", "closed", "report_published", "withdrawn"])
def test_nothing_live_outside_the_round(people, institution, state):
    """Starting, posting and upvoting need an open consultation; ending and moderating do not
    (a session the closing time overtook can still be ended, and answered afterwards)."""
    consultation = f.consultation_in_state(state, institution=institution)
    scheduled, _ = setup(people, consultation, "scheduled")
    live, item = setup(people, consultation, "live")
    official, citizen = people["official"], people["citizen"]
    assert not rules.has_perm("hearings.start_hearing", official, scheduled)
    assert not rules.has_perm("hearings.post_item", citizen, live)
    assert not rules.has_perm("hearings.upvote_item", citizen, item)
    assert rules.has_perm("hearings.end_hearing", official, live)
    assert rules.has_perm("hearings.moderate_item", official, item)
    assert rules.has_perm("hearings.cancel_hearing", official, scheduled)


@pytest.mark.parametrize(
    "state, allowed",
    [
        ("draft", True),
        ("scheduled", True),
        ("open", True),
        ("open_expired", False),
        ("closed", False),
        ("report_published", False),
        ("withdrawn", False),
    ],
)
def test_schedule_while_the_round_has_not_closed(people, institution, state, allowed):
    consultation = f.consultation_in_state(state, institution=institution)
    assert rules.has_perm("hearings.schedule_hearing", people["official"], consultation) is allowed
    assert rules.has_perm("hearings.schedule_hearing", people["staff"], consultation) is allowed
    for role in ("citizen", "other_official", "moderator", "anonymous"):
        assert not rules.has_perm("hearings.schedule_hearing", people[role], consultation)


def test_a_draft_consultations_hearing_is_not_public(people, institution):
    consultation = f.consultation_in_state("draft", institution=institution)
    hearing, _ = setup(people, consultation, "scheduled")
    allowed = {
        role for role in ROLES if rules.has_perm("hearings.view_hearing", people[role], hearing)
    }
    assert allowed == {"official", "moderator", "staff"}


def test_hidden_items_cannot_be_upvoted(people, open_consultation):
    _, item = setup(people, open_consultation, "live")
    item.status = HearingItem.Status.HIDDEN
    assert not rules.has_perm("hearings.upvote_item", people["citizen"], item)
    assert rules.has_perm("hearings.moderate_item", people["moderator"], item)
